"""Export the project as training data: checked, written atomically, with a summary of what went out.

One module per format in `annotator.formats`; this one streams the store's rows through
the chosen one. Every span is checked against its own text before anything is written
(a span that does not slice its text stops the export and leaves the old file), spans
off token boundaries are reported by article and offset, and a failure or a cancel at
any point leaves the previous file as it was.
"""

from __future__ import annotations

import contextlib
import csv
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import srsly

from annotator.formats.atomic import atomic_output
from annotator.formats.checks import snippet
from annotator.formats.csvfile import COLUMNS, csv_rows_from_row
from annotator.formats.doccano import doccano_from_row
from annotator.formats.prodigy import task_from_row
from annotator.formats.textcat import textcat_from_row
from annotator.records import GOLD, STATUSES
from annotator.store import Store
from annotator.streaming import no_cyclic_gc

FORMATS = ("jsonl", "doccano", "spacy", "textcat", "csv")
ALIGN_MODES = ("contract", "expand")
#: Formats whose spans are character offsets, written as they are even when off token boundaries.
CHAR_FORMATS = ("jsonl", "doccano", "textcat", "csv")
#: The file name ending each format is usually given.
SUFFIXES = {"jsonl": ".jsonl", "doccano": ".jsonl", "spacy": ".spacy", "textcat": ".jsonl", "csv": ".csv"}
_LABEL = itemgetter(2)  # of a (start, end, label, note) span


class ExportError(Exception):
    """The export was refused before or while writing; the old file is untouched."""


class _Cancelled(Exception):
    pass


@dataclass
class ExportSummary:
    path: str
    format: str
    records: int = 0
    spans: int = 0
    entities: int = 0
    labels: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    #: Spans/entities left out of the DocBin's annotations (off token boundaries, no --align).
    skipped: int = 0
    #: Spans/entities moved onto token boundaries because the user asked (--align).
    snapped: int = 0
    #: Overlapping entities put in doc.spans["ents_overflow"] instead of doc.ents.
    overflow: int = 0
    #: Spans off token boundaries (reported; written as they are in character-offset formats).
    misaligned: int = 0
    cancelled: bool = False
    seconds: float = 0.0


def export(
    store: Store,
    out: str | Path,
    *,
    fmt: str = "jsonl",
    annotator: str | None = None,
    gold: bool = False,
    labels: Sequence[str] | None = None,
    status: str | None = None,
    align: str | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Write the project's labels to `out` (`-` = standard output) in `fmt`; see the module docstring.

    `gold` exports the reviewed "gold" layer, one record per article. `labels` keeps only
    those labels (records are kept: articles without them are negatives). `status` keeps
    only (article, annotator) pairs with that status. `align` snaps spans onto tokens in
    the DocBin ("contract"/"expand"); without it they are reported and left out there.
    `progress(n)` is called as rows are done (total: `count_records`); when `cancelled()`
    returns True the export stops, the old file stays and the summary says `cancelled`.
    """
    started = time.perf_counter()
    annotator, labels = _check_arguments(fmt, annotator, gold, labels, status, align)
    summary = ExportSummary(str(out), fmt)
    rows = store.export_rows(annotator, labels=labels, status=status)
    writer = _WRITERS[fmt]
    try:
        # spaCy's Docs may hold cycles: the collector stays on for the DocBin
        paused = no_cyclic_gc() if fmt != "spacy" else contextlib.nullcontext()
        with paused, atomic_output(out, "wb" if fmt == "spacy" else "w") as handle:
            writer(store, handle, rows, summary, align=align, labels=labels, progress=progress, cancelled=cancelled)
    except _Cancelled:
        summary.cancelled = True
    summary.seconds = time.perf_counter() - started
    return summary


def format_for(out: str | Path) -> str:
    """The format a file name asks for when none is given: a DocBin for `.spacy`, CSV for `.csv`,
    Prodigy JSONL otherwise (doccano and textcat share `.jsonl`, so they must be named)."""
    return {".spacy": "spacy", ".csv": "csv"}.get(Path(str(out)).suffix.lower(), "jsonl")


def count_records(
    store: Store,
    *,
    annotator: str | None = None,
    gold: bool = False,
    labels: Sequence[str] | None = None,
    status: str | None = None,
) -> int:
    """How many rows `export` will go through with these filters: the total for its `progress`."""
    annotator, labels = _check_arguments("jsonl", annotator, gold, labels, status, None)
    return store.count_export_rows(annotator, labels=labels, status=status)


def _check_arguments(
    fmt: str,
    annotator: str | None,
    gold: bool,
    labels: Sequence[str] | None,
    status: str | None,
    align: str | None,
) -> tuple[str | None, list[str] | None]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if gold and annotator not in (None, GOLD):
        raise ValueError("give either an annotator or gold, not both")
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; choose one of {', '.join(STATUSES)}")
    if align is not None and align not in ALIGN_MODES:
        raise ValueError(f"unknown alignment mode {align!r}; choose one of {', '.join(ALIGN_MODES)}")
    if labels is not None:
        labels = [label.strip() for label in labels if label.strip()]
        if not labels:
            raise ValueError("--labels names no label")
    return (GOLD if gold else annotator), labels


# -- checks -------------------------------------------------------------------------------


def _check_row(row: dict[str, Any], summary: ExportSummary, *, report_alignment: bool) -> None:
    """Refuse a span that does not slice its own text; report spans off token boundaries."""
    text = row["text"]
    size = len(text)
    for kind, items in (("span", row["spans"]), ("entity", row["entities"])):
        for start, end, label, _ in items:
            if not 0 <= start < end <= size:
                raise ExportError(
                    f"article {row['article_id']}: {kind} {start}-{end} {label!r} does not fit its text "
                    f"({size} characters); nothing was written"
                )
    flat = row["tokens"]
    if not report_alignment or not flat:
        return
    starts, ends = set(flat[::2]), set(flat[1::2])
    where = f"article {row['article_id']}" + (f" ({row['annotator']})" if row["annotator"] else "")
    for kind, items in (("span", row["spans"]), ("entity", row["entities"])):
        for start, end, label, _ in items:
            if start not in starts or end not in ends:
                summary.misaligned += 1
                summary.warnings.append(
                    f"{where}: {kind} {start}-{end} {label!r} {snippet(text[start:end])} does not fall on "
                    "token boundaries (written as is)"
                )


def _tick(summary: ExportSummary, progress: Callable[[int], None] | None, cancelled: Callable[[], bool] | None) -> None:
    if progress:
        progress(1)
    if cancelled and cancelled():
        raise _Cancelled


def _count(summary: ExportSummary, row: dict[str, Any]) -> None:
    summary.spans += len(row["spans"])
    summary.entities += len(row["entities"])
    summary.labels.update(map(_LABEL, row["spans"]))


# -- writers: one per format --------------------------------------------------------------


def _task_writer(to_task: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., None]:
    """A writer of one JSON line per row (Prodigy and doccano differ only in the record they build)."""

    def write(store, handle, rows, summary, *, progress, cancelled, **_: Any) -> None:
        for row in rows:
            _check_row(row, summary, report_alignment=True)
            handle.write(srsly.json_dumps(to_task(row)) + "\n")
            summary.records += 1
            _count(summary, row)
            _tick(summary, progress, cancelled)

    return write


def _write_textcat(store, handle, rows, summary, *, labels, progress, cancelled, **_: Any) -> None:
    universe = list(labels) if labels is not None else _label_universe(store)
    for row in rows:
        _check_row(row, summary, report_alignment=False)
        for record in textcat_from_row(row, universe):
            handle.write(srsly.json_dumps(record) + "\n")
            summary.records += 1
            summary.spans += sum(record["cats"].values())
            summary.labels.update(name for name, value in record["cats"].items() if value)
        _tick(summary, progress, cancelled)


def _write_csv(store, handle, rows, summary, *, progress, cancelled, **_: Any) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        _check_row(row, summary, report_alignment=True)
        for line in csv_rows_from_row(row):
            writer.writerow(line)
            summary.records += 1
        summary.spans += len(row["spans"])
        summary.labels.update(map(_LABEL, row["spans"]))
        _tick(summary, progress, cancelled)


def _write_docbin(store, handle, rows, summary, *, align, progress, cancelled, **_: Any) -> None:
    from annotator.formats.docbin import DocBuilder

    builder = DocBuilder(store.get_setting("pipeline"), align)
    for row in rows:
        _check_row(row, summary, report_alignment=False)
        report = builder.add(row)
        summary.records += 1
        summary.spans += report.spans
        summary.entities += report.entities
        summary.skipped += report.skipped
        summary.snapped += report.snapped
        summary.overflow += report.overflow
        summary.warnings.extend(report.warnings)
        summary.labels.update(report.labels)
        _tick(summary, progress, cancelled)
    handle.write(builder.to_bytes())


def _label_universe(store: Store) -> list[str]:
    """Every label a statement classifier should know: the scheme's current ones and any in use."""
    scheme = store.label_scheme() or []
    names = [label.name for label in scheme if not label.retired]
    used = [name for name in store.used_labels() if name not in names]
    return names + used


_WRITERS: dict[str, Callable[..., None]] = {
    "jsonl": _task_writer(task_from_row),
    "doccano": _task_writer(doccano_from_row),
    "spacy": _write_docbin,
    "textcat": _write_textcat,
    "csv": _write_csv,
}
