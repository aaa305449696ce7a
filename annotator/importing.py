"""Import: expand paths into records, store them in all-or-nothing batches, then pre-annotate.

Bad input never stops the rest: each rejected file or record becomes a `Rejection`
(`FILE:LINE: reason`) and everything valid is committed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator import settings
from annotator.formats.brat import ANN_SUFFIX, has_annotations, read_brat
from annotator.formats.jsonl import read_jsonl
from annotator.formats.project_file import PROJECT_SUFFIXES, read_project
from annotator.formats.textfiles import read_txt
from annotator.records import IncomingRecord, Rejection
from annotator.store import ImportCounts, Store, StoreError
from annotator.streaming import no_cyclic_gc

log = logging.getLogger("annotator.importing")

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DOCBIN_SUFFIXES = (".spacy",)
FOLDER_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + DOCBIN_SUFFIXES


@dataclass
class ImportReport:
    counts: ImportCounts = field(default_factory=ImportCounts)
    rejections: list[Rejection] = field(default_factory=list)
    files: int = 0
    preannotated: int = 0
    pipeline: str = ""
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejections


def expand(paths: Iterable[Path]) -> Iterator[Path | Rejection]:
    """Files to read, in a stable order: folders are walked for .txt, .jsonl and .spacy files.

    Inside a folder a symbolic link is followed only to a file in that same folder: a link
    out of it (to someone's keys, another project…) is named and not read.
    """
    for path in paths:
        if path.is_dir():
            found = list(_walk(path))
            if not found:
                yield Rejection(str(path), 1, "folder has no .txt, .jsonl or .spacy files")
            yield from found
        elif path.is_file():
            yield path
        else:
            yield Rejection(str(path), 1, "no such file or folder")


def _walk(folder: Path) -> Iterator[Path | Rejection]:
    root = folder.resolve()
    files: list[Path] = []
    for here, dirs, names in os.walk(folder):  # does not descend into linked folders
        for name in dirs:
            link = Path(here) / name
            if link.is_symlink() and not link.resolve().is_relative_to(root):
                yield Rejection(str(link), 1, "a link to a folder outside the imported folder; not followed")
        for name in names:
            path = Path(here) / name
            if name.startswith(".") or path.suffix.lower() not in FOLDER_SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                yield Rejection(str(path), 1, "a link to a file outside the imported folder; not followed")
            elif path.is_file():
                files.append(path)
    yield from sorted(files)


def read_records(path: Path, into: Path | None = None) -> Iterator[IncomingRecord | Rejection]:
    """Records of one file, by its suffix; `into` is the project being imported into (not merged with itself)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path)
    elif suffix in TEXT_SUFFIXES:
        yield from read_brat(path) if has_annotations(path) else [read_txt(path)]
    elif suffix == ANN_SUFFIX:
        yield from read_brat(path.with_suffix(".txt"))
    elif suffix in DOCBIN_SUFFIXES:
        from annotator.formats.docbin import read_docbin

        yield from read_docbin(path)
    elif suffix in PROJECT_SUFFIXES:
        yield from read_project(path, into=into)
    else:
        yield Rejection(
            str(path),
            1,
            f"unknown file type {suffix or '(none)'!r}: expected .txt (with a brat .ann beside it or not), "
            ".jsonl (Prodigy, doccano), .spacy, an .annotator.sqlite project or a folder",
        )


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    annotator: str,
    batch_size: int = settings.IMPORT_BATCH,
    on_rejection: Callable[[Rejection], None] | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Store every valid record under `paths`; commit in batches; report the rest."""
    with no_cyclic_gc():
        return _import_paths(store, paths, annotator, batch_size, on_rejection, progress, cancelled)


def _import_paths(
    store: Store,
    paths: Iterable[Path],
    annotator: str,
    batch_size: int,
    on_rejection: Callable[[Rejection], None] | None,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> ImportReport:
    report = ImportReport()
    batch: list[IncomingRecord] = []
    chars = 0

    def flush() -> None:
        nonlocal chars
        if batch:
            try:
                report.counts += store.add_records(batch, annotator)
            except StoreError as exc:
                raise ImportStopped(exc, report, batch) from exc
            if progress:
                progress(len(batch))
            batch.clear()
            chars = 0

    def reject(rejection: Rejection) -> None:
        report.rejections.append(rejection)
        if on_rejection:
            on_rejection(rejection)

    for item in expand(paths):
        if isinstance(item, Rejection):
            reject(item)
            continue
        report.files += 1
        for rec in read_records(item, into=store.path):
            if isinstance(rec, Rejection):
                reject(rec)
                continue
            batch.append(rec)
            chars += len(rec.text)
            if len(batch) >= batch_size or chars >= settings.IMPORT_BATCH_CHARS:
                flush()
                if cancelled and cancelled():
                    report.cancelled = True
                    return report
    flush()
    return report


class ImportStopped(StoreError):
    """A batch could not be saved (disk full, read-only…): says what had been saved before it.

    Every earlier batch is committed; running the same import again adds only what is missing
    (articles are matched by content, labels by span).
    """

    def __init__(self, cause: StoreError, report: ImportReport, batch: list[IncomingRecord]):
        self.report = report
        first, last = batch[0], batch[-1]
        saved = report.counts.describe() if report.counts.articles_added or report.counts.labels_added else "nothing"
        super().__init__(
            f"{cause}. The import stopped at a batch of {len(batch)} records "
            f"({first.source}:{first.line} to {last.source}:{last.line}), which was not saved; "
            f"saved before it: {saved}. Run the same import again once the cause is fixed: "
            "what is already in is not added twice."
        )
