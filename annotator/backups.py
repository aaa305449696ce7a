"""Rolling backups of a project, made with SQLite's online backup API (never a raw file copy).

Backups live in the user's data folder, one subfolder per project, named by time, so a
damaged or deleted project can be brought back from the latest good copy.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator import settings
from annotator.store import Store

STAMP = "%Y%m%dT%H%M%S%fZ"


def backup_dir(project: Path) -> Path:
    resolved = project.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:8]
    stem = resolved.name.removesuffix(settings.PROJECT_SUFFIX).removesuffix(".sqlite")
    return settings.data_dir() / "backups" / f"{stem}-{tag}"


def backups(project: Path) -> list[Path]:
    """This project's backups, oldest first."""
    folder = backup_dir(project)
    return sorted(folder.glob(f"*{settings.PROJECT_SUFFIX}")) if folder.exists() else []


def make_backup(store: Store, when: datetime | None = None) -> Path:
    when = when or datetime.now(UTC)
    folder = backup_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    return store.backup(folder / f"{when.strftime(STAMP)}{settings.PROJECT_SUFFIX}")


def _taken_at(path: Path) -> datetime:
    return datetime.strptime(path.name.removesuffix(settings.PROJECT_SUFFIX), STAMP).replace(tzinfo=UTC)


def daily_backup(store: Store, keep_days: int = settings.BACKUP_KEEP_DAYS, now: datetime | None = None) -> Path | None:
    """Back up once a day and drop copies older than `keep_days` (the newest is always kept).

    Returns the new backup, or None when today's already exists.
    """
    now = now or datetime.now(UTC)
    existing = backups(store.path)
    made = None
    if not existing or now - _taken_at(existing[-1]) >= timedelta(days=1):
        made = make_backup(store, now)
        existing.append(made)
    for old in existing[:-1]:
        if now - _taken_at(old) > timedelta(days=keep_days):
            old.unlink(missing_ok=True)
    return made


def restore(project: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Bring a project back from `backup` (default: the latest one).

    The current file, damaged or not, is moved aside unchanged (`*.damaged-<time>`),
    never overwritten. Returns (the backup used, where the old file went).
    """
    chosen = backup or (backups(project) or [None])[-1]
    if chosen is None:
        raise FileNotFoundError(f"no backups of {project} in {backup_dir(project)}")
    aside = None
    if project.exists():
        aside = project.with_name(f"{project.name}.damaged-{datetime.now(UTC).strftime(STAMP)}")
        project.rename(aside)
        for suffix in ("-wal", "-shm"):
            sidecar = project.with_name(project.name + suffix)
            if sidecar.exists():
                sidecar.rename(aside.with_name(aside.name + suffix))
    source = sqlite3.connect(f"file:{chosen}?mode=ro", uri=True)
    target = sqlite3.connect(project)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return chosen, aside
