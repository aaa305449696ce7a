"""Import: expand paths into records, store them in all-or-nothing batches, then pre-annotate.

Bad input never stops the rest: each rejected file or record becomes a `Rejection`
(`FILE:LINE: reason`) and everything valid is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator import settings
from annotator.formats.brat import ANN_SUFFIX, has_annotations, read_brat
from annotator.formats.conll import CONLL_SUFFIXES, read_conll
from annotator.formats.jsonl import read_json, read_jsonl
from annotator.formats.project_file import PROJECT_SUFFIXES, read_project
from annotator.formats.textfiles import read_txt
from annotator.records import IncomingRecord, Rejection
from annotator.store import ImportCounts, Store
from annotator.streaming import no_cyclic_gc

log = logging.getLogger("annotator.importing")

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
DOCBIN_SUFFIXES = (".spacy",)
#: A folder is walked for these (not .tsv: too many tables are not CoNLL files).
FOLDER_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES + DOCBIN_SUFFIXES + (".conll", ".iob")


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
    """Files to read, in a stable order: folders are walked for the files of `FOLDER_SUFFIXES`."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                yield Rejection(str(path), 1, f"folder has no {', '.join(FOLDER_SUFFIXES)} files")
            yield from found
        elif path.is_file():
            yield path
        else:
            yield Rejection(str(path), 1, "no such file or folder")


def read_records(path: Path, into: Path | None = None) -> Iterator[IncomingRecord | Rejection]:
    """Records of one file, by its suffix; `into` is the project being imported into (not merged with itself)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path)
    elif suffix in JSON_SUFFIXES:
        yield from read_json(path)
    elif suffix in CONLL_SUFFIXES:
        yield from read_conll(path)
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
            ".jsonl or .json (Prodigy, doccano, Label Studio), .conll/.iob/.tsv (CoNLL, IOB, BILOU), .spacy, "
            "an .annotator.sqlite project or a folder",
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

    def flush() -> None:
        if batch:
            report.counts += store.add_records(batch, annotator)
            if progress:
                progress(len(batch))
            batch.clear()

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
            if len(batch) >= batch_size:
                flush()
                if cancelled and cancelled():
                    report.cancelled = True
                    return report
    flush()
    return report
