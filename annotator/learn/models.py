"""Where a project's trained models are kept, and writing a spaCy pipeline folder safely.

A project's models live in the user's data folder, one folder per project keyed like its
backups (`backups.backup_dir`: the file's name and a hash of its full path), never inside
the project file: a model is a few megabytes, is rebuilt from the project in seconds, and
must be writable when the project sits on read-only media. Each training keeps its model
under a new version name (`textcat-<UTC time>`); `latest.json` names the newest, and is
replaced atomically, so a window never loads a half-written model. The last `KEEP` versions
stay (the suggestion log names the version that made each suggestion).

A moved or renamed project starts with no model (retrain: `annotator train`).
No spaCy at import: reading which model is the latest is cheap.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.formats.atomic import (
    FOLDER_MARKER,
    atomic_folder,
    is_our_folder,
    remove_stale_temporaries,
    restore_aside,
)
from annotator.text import path_shown

LATEST = "latest.json"
#: How many trained versions of a project's model stay on disk.
KEEP = 3
#: The files `Language.to_disk` always writes: a folder holding both is a spaCy pipeline.
PIPELINE_FILES = ("config.cfg", "meta.json")


class ModelFolderError(Exception):
    """An output folder that may not be written (not empty and not a spaCy pipeline, or a file)."""


@dataclass(frozen=True)
class ModelInfo:
    """The latest model of a project: its version, folder and what it was trained on."""

    version: str
    path: Path
    trained_at: str
    layer: str
    labels: tuple[str, ...]
    architecture: str
    examples: int
    macro_f1: float | None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path), "labels": list(self.labels)}


def model_home(project: Path) -> Path:
    """The folder holding this project's models (in the user's data folder, keyed like its backups)."""
    from annotator.store.backups import backup_dir

    return settings.data_dir() / "models" / backup_dir(Path(project)).name


def latest_model(project: Path) -> ModelInfo | None:
    """The project's newest model, or None before the first training (or when its files are gone)."""
    home = model_home(project)
    try:
        raw = json.loads((home / LATEST).read_text(encoding="utf-8"))
        info = ModelInfo(**{**raw, "path": home / raw["version"], "labels": tuple(raw["labels"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return info if all((info.path / name).is_file() for name in PIPELINE_FILES) else None


def new_version(when: datetime | None = None) -> str:
    return "textcat-" + (when or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def keep_model(project: Path, nlp, info: ModelInfo) -> ModelInfo:
    """Save `nlp` as the project's newest model (`info.version`) and make it the latest.

    The folder is written under a temporary name and renamed; `latest.json` is replaced
    atomically after it. Older versions beyond `KEEP` are removed.
    """
    home = model_home(project)
    home.mkdir(parents=True, exist_ok=True)
    target = home / info.version
    write_pipeline(nlp, target)
    kept = ModelInfo(**{**asdict(info), "path": target})
    record = {**kept.as_dict()}
    record.pop("path")
    fd, partial = tempfile.mkstemp(prefix=".latest-", suffix=".partial", dir=home)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, home / LATEST)
    versions = sorted(p for p in home.iterdir() if p.is_dir() and p.name.startswith("textcat-"))
    for old in versions[:-KEEP]:
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return kept


def check_output(out: Path, project: Path | None = None) -> None:
    """Refuse an output folder that is a file, or holds anything but a spaCy pipeline (which is replaced)."""
    out = Path(out)
    if project is not None and out.resolve() == Path(project).resolve():
        raise ModelFolderError(f"{path_shown(out)} is the project file; choose a folder for the model")
    if out.exists() and not out.is_dir():
        raise ModelFolderError(f"{path_shown(out)} is a file; choose a folder for the model")
    if out.is_dir() and any(out.iterdir()) and not is_our_folder(out):
        what = "a spaCy pipeline" if all((out / name).is_file() for name in PIPELINE_FILES) else "a folder"
        raise ModelFolderError(
            f"{path_shown(out)} is not empty and is {what} that `annotator train` did not write (it has no "
            f"{FOLDER_MARKER} file), so it is left as it was; nothing was written. Choose an empty or new folder"
        )


def write_pipeline(nlp, out: Path) -> Path:
    """Write `nlp` to the folder `out` (`spacy.load(out)` loads it), replacing a pipeline already there.

    Written beside it under a temporary name, then swapped in: a failure leaves `out` as it was.
    Raises `ModelFolderError` for a folder that holds something else.
    """
    out = Path(out)
    if out.parent.is_dir():
        restore_aside(out)  # a train killed between its two renames: the previous pipeline comes back first
        remove_stale_temporaries(out)
        _remove_old_partials(out)
    check_output(out)
    with atomic_folder(out, "a spaCy pipeline written by annotator train") as building:
        nlp.to_disk(building)
    return out


def _remove_old_partials(out: Path) -> None:
    """Folders `.NAME.XXXXXXXX.partial` that trains of earlier versions left when killed."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}\.partial")
    for item in out.parent.iterdir():
        if pattern.fullmatch(item.name) and item.is_dir() and not item.is_symlink():
            shutil.rmtree(item, ignore_errors=True)
