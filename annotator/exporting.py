"""Export the project as training data: the rule's rows, checked, written atomically, and accounted for.

`annotator.export_rule` decides which layer and which articles; one module per format in
`annotator.formats` builds the records; this module is the loop between them. Every span is
checked against its own text before anything is written (a span that does not slice its text
stops the export and leaves the old file), a failure or a cancel at any point leaves the
previous file as it was, and the export ends with its account (`export_account`): records
written, per label, and each thing left out or changed, with its reason and count.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import time
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

import srsly

from annotator.export_account import ITEMS, ExportSummary, plural
from annotator.export_rule import TRAINING_FORMATS, ExportRefused, ExportRule, Selection
from annotator.formats.atomic import atomic_folder, atomic_output, remove_stale_temporaries
from annotator.formats.brat import ANN_SUFFIX, ann_from_row, annotation_conf
from annotator.formats.checks import snippet
from annotator.formats.csvfile import COLUMNS, LINK_COLUMNS, csv_rows_from_row
from annotator.formats.doccano import doccano_from_row
from annotator.formats.prodigy import task_from_row
from annotator.formats.relations import end_namer, statement_spans
from annotator.formats.textcat import textcat_from_row
from annotator.records import ACCEPT, ExportRow
from annotator.scheme import project_labels
from annotator.store import Store
from annotator.streaming import no_cyclic_gc
from annotator.tokens import SpacyTokens

FORMATS = ("jsonl", "doccano", "spacy", "textcat", "csv", "brat")
_LABEL = itemgetter(2)  # of a Span
_dumps = srsly.json_dumps
ALIGN_MODES = ("contract", "expand")
#: The file name ending each format is usually given.
SUFFIXES = {"jsonl": ".jsonl", "doccano": ".jsonl", "spacy": ".spacy", "textcat": ".jsonl", "csv": ".csv", "brat": ""}
#: Formats written as a folder of files (brat: NAME.txt and NAME.ann per article, annotation.conf).
FOLDER_FORMATS = ("brat",)


class ExportError(Exception):
    """The export was refused or failed; the old file is untouched. `summary`: the account so far."""

    def __init__(self, message: str, summary: ExportSummary | None = None):
        super().__init__(message)
        self.summary = summary


class _Cancelled(Exception):
    pass


def export(
    store: Store,
    out: str | Path,
    rule: ExportRule,
    *,
    align: str | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Write what `rule` selects to `out` (`-` = standard output); see the module docstring.

    `align` snaps spans onto tokens in the DocBin ("contract"/"expand"); without it they are
    reported and left out there. `progress(n)` is called as stored rows are gone through
    (total: `count_records`); when `cancelled()` returns True the export stops, the old file
    stays and the summary says `cancelled`. Raises `ExportRefused` (the rule cannot give what
    was asked) or `ExportError` (nothing written: no record, a bad destination, a full disk, a
    closed pipe); either way nothing was written and the old file is as it was.
    """
    started = time.perf_counter()
    if rule.fmt not in FORMATS:
        raise ValueError(f"unknown format {rule.fmt!r}; choose one of {', '.join(FORMATS)}")
    if align is not None and align not in ALIGN_MODES:
        raise ValueError(f"unknown alignment mode {align!r}; choose one of {', '.join(ALIGN_MODES)}")
    check_destination(store, out)
    if rule.fmt in FOLDER_FORMATS:
        _check_folder(out)
    selection = Selection(store, rule)
    summary = ExportSummary(str(out), rule.fmt, rule.describe())
    if str(out) != "-":
        summary.counts["stale_temporaries"] = len(remove_stale_temporaries(Path(out)))
    writer = _WRITERS[rule.fmt](store, summary, align=align, rule=rule)

    def tick() -> None:
        if progress:
            progress(1)
        if cancelled and cancelled():
            raise _Cancelled

    ticking = tick if progress or cancelled else None

    try:
        # spaCy's Docs may hold cycles: the collector stays on for the DocBin
        paused = no_cyclic_gc() if rule.fmt != "spacy" else contextlib.nullcontext()
        if rule.fmt in FOLDER_FORMATS:
            output = atomic_folder(out)
        else:
            output = atomic_output(out, "wb" if rule.fmt == "spacy" else "w")
        with paused, output as handle:
            check, write = _check_row, writer.write
            for row in selection.rows(ticking):
                check(row)
                summary.articles += 1
                write(handle, row)
            writer.finish(handle)
            if not summary.records:
                raise ExportError(_nothing_message(summary, selection), summary)
    except _Cancelled:
        summary.cancelled = True
    except BrokenPipeError as exc:
        raise ExportError(
            f"standard output was closed after {summary.records} records (the reading program stopped); "
            "the export is incomplete",
            summary,
        ) from exc
    except OSError as exc:
        raise ExportError(_os_message(exc, out), summary) from exc
    finally:
        summary.left_out.update(selection.left_out)
        summary.counts.update(selection.counts)
        summary.seconds = time.perf_counter() - started
    return summary


def count_records(store: Store, rule: ExportRule) -> int:
    """How many stored rows `export` goes through with this rule: the total for its `progress`."""
    return store.count_export_rows(rule.layer)


def format_for(out: str | Path) -> str:
    """The format a file name asks for when none is given: a DocBin for `.spacy`, CSV for `.csv`,
    Prodigy JSONL otherwise (doccano and textcat share `.jsonl`, so they must be named)."""
    return {".spacy": "spacy", ".csv": "csv"}.get(Path(str(out)).suffix.lower(), "jsonl")


def check_destination(store: Store, out: str | Path) -> None:
    """Refuse to write over the project, its -wal/-shm/-journal, a backup of it, or any Annotator project.

    Raises `ExportError`; compares resolved paths, so a link or `./` changes nothing.
    """
    if str(out) == "-":
        return
    from annotator.backups import backup_dir
    from annotator.store.files import is_project

    target = Path(out).expanduser().resolve()
    project = store.path.resolve()
    companions = {project.with_name(project.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
    what = None
    if target in companions:
        what = "the project file itself" if target == project else "part of the project file (SQLite's journal)"
    elif target.parent == backup_dir(project).resolve():
        what = "in this project's backup folder"
    else:
        base = target
        for suffix in ("-wal", "-shm", "-journal"):
            if target.name.endswith(suffix):
                base = target.with_name(target.name.removesuffix(suffix))
        if base.is_file() and is_project(base):
            what = "an Annotator project" if base == target else "part of an Annotator project (its journal)"
    if what is not None:
        raise ExportError(f"{out} is {what}; an export never writes over a project: choose another file name")


def _check_folder(out: str | Path) -> None:
    """A folder export replaces only a folder of its own kind (NAME.txt, NAME.ann, annotation.conf)."""
    if str(out) == "-":
        raise ExportError("brat is a folder of files: give a folder name, not - (standard output)")
    path = Path(out)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise ExportError(f"{out} is a file; brat is written as a folder: choose a folder name")
    if path.is_dir():
        ours = (".txt", ANN_SUFFIX)
        others = [p.name for p in path.iterdir() if p.suffix not in ours and p.name != "annotation.conf"]
        if others:
            raise ExportError(
                f"{out} holds other files than a brat export ({others[0]}…); it is left as it was: "
                "choose another folder"
            )


def _nothing_message(summary: ExportSummary, selection: Selection) -> str:
    why = "; ".join(f"{plural(n, 'article')} {reason}" for reason, n in selection.left_out.most_common())
    return (
        f"nothing to export: no record for {selection.rule.describe()}"
        + (f" (left out: {why})" if why else "")
        + f"; nothing was written, {summary.path} is as it was"
    )


def _os_message(exc: OSError, out: str | Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{out}: the disk is full; nothing was written, {out} is as it was"
    reason = exc.strerror or str(exc)
    return f"{out}: cannot write the export ({reason}); nothing was written, {out} is as it was"


def _check_row(row: ExportRow) -> None:
    """Refuse a span, rejected span or entity that does not slice its own text."""
    size = len(row.text)
    for kind, items in (("span", row.spans), ("rejected span", row.rejected), ("entity", row.entities)):
        for start, end, label, _ in items:
            if not 0 <= start < end <= size:
                raise ExportError(
                    f"article {row.article_id}: {kind} {start}-{end} {label!r} does not fit its text "
                    f"({size} characters); nothing was written"
                )
    for link in row.links:
        if not (0 <= link.head_start < link.head_end <= size and 0 <= link.child_start < link.child_end <= size):
            raise ExportError(
                f"article {row.article_id}: link {link.label!r} {link.head_start}-{link.head_end} → "
                f"{link.child_start}-{link.child_end} does not fit its text ({size} characters); nothing was written"
            )


# -- writers: the generic part of each format (records come from its module) --------------------


class _Writer:
    """Writes one format's records for each row and counts them in the account."""

    def __init__(self, store: Store, summary: ExportSummary, *, align: str | None, rule: ExportRule):
        self.store, self.summary, self.align, self.rule = store, summary, align, rule

    def write(self, handle: Any, row: ExportRow) -> None:
        raise NotImplementedError

    def finish(self, handle: Any) -> None:
        """Write what could only be written at the end (the DocBin)."""

    def count_labels(self, row: ExportRow) -> None:
        self.summary.spans += len(row.spans)
        self.summary.labels.update(map(_LABEL, row.spans))
        self.summary.counts["links_written"] += len(row.links)

    def report_alignment(self, row: ExportRow, tokens: SpacyTokens | None) -> None:
        """Count spans off the boundaries of the tokens this format carries (written as they are)."""
        if tokens is None:
            return
        starts, ends = tokens.boundaries()
        where = f"article {row.article_id}" + (f" ({row.annotator})" if row.annotator else "")
        for kind, items in (("span", row.spans), ("entity", row.entities)):
            for start, end, label, _ in items:
                if start not in starts or end not in ends:
                    self.summary.counts["misaligned"] += 1
                    self.summary.warnings.append(
                        f"{where}: {kind} {start}-{end} {label!r} {snippet(row.text[start:end])} does not fall on "
                        "token boundaries (written as is)"
                    )


class _JsonlWriter(_Writer):
    """Prodigy tasks and doccano lines: one JSON line per row."""

    def __init__(self, store: Store, summary: ExportSummary, *, align: str | None, rule: ExportRule):
        super().__init__(store, summary, align=align, rule=rule)
        #: doccano: every line in the entity+relation shape once the project has links
        self.relations = rule.fmt == "doccano" and bool(store.used_link_types())

    def write(self, handle: Any, row: ExportRow) -> None:  # the hot path of the most used export: kept lean
        tokens = SpacyTokens.build(row.text, row.tokens) if row.tokens else None
        summary = self.summary
        if self.rule.fmt == "jsonl":
            record = task_from_row(row, tokens)
            if row.rejected or row.answer != ACCEPT:
                summary.counts["rejected_written"] += len(row.rejected)
                summary.counts["rejected_tasks_written"] += row.answer != ACCEPT
        else:
            record = doccano_from_row(row, self.relations)
            if row.rejected:
                summary.counts["rejected_left_out"] += len(row.rejected)
        handle.write(_dumps(record) + "\n")
        summary.records += 1
        summary.entities += len(row.entities)
        summary.spans += len(row.spans)
        summary.labels.update(map(_LABEL, row.spans))
        if row.links:
            summary.counts["links_written"] += len(row.links)
        if tokens is not None:
            self.report_alignment(row, tokens)


class _TextcatWriter(_Writer):
    def __init__(self, store: Store, summary: ExportSummary, *, align: str | None, rule: ExportRule):
        super().__init__(store, summary, align=align, rule=rule)
        self.universe = sorted(rule.labels) if rule.labels is not None else label_universe(store)

    def write(self, handle: Any, row: ExportRow) -> None:
        records, counts = textcat_from_row(row, self.universe)
        for record in records:
            handle.write(_dumps(record) + "\n")
        self.summary.records += len(records)
        self.summary.counts.update(counts)
        self.summary.counts["rejected_left_out"] += len(row.rejected)
        self.count_labels(row)


class _CsvWriter(_Writer):
    def __init__(self, store: Store, summary: ExportSummary, *, align: str | None, rule: ExportRule):
        super().__init__(store, summary, align=align, rule=rule)
        self.csv: Any = None

    def write(self, handle: Any, row: ExportRow) -> None:
        if self.csv is None:
            self.csv = csv.writer(handle, lineterminator="\r\n")
            self.csv.writerow(COLUMNS)
        for line in csv_rows_from_row(row):
            self.csv.writerow(line)
            self.summary.records += 1
        self.summary.counts["rejected_written"] += len(row.rejected)
        self.count_labels(row)
        self.summary.counts["links_not_in_columns"] += sum(link.label not in LINK_COLUMNS for link in row.links)
        self.report_alignment(row, SpacyTokens.build(row.text, row.tokens))


class _DocBinWriter(_Writer):
    def __init__(self, store: Store, summary: ExportSummary, *, align: str | None, rule: ExportRule):
        super().__init__(store, summary, align=align, rule=rule)
        from annotator.formats.docbin import DocBuilder

        self.builder = DocBuilder(store.get_setting("pipeline"), align)

    def write(self, handle: Any, row: ExportRow) -> None:
        report = self.builder.add(row, SpacyTokens.build(row.text, row.tokens))
        summary = self.summary
        summary.records += 1
        summary.spans += report.spans
        summary.entities += report.entities
        summary.labels.update(report.labels)
        summary.counts.update(report.counts)
        summary.counts["rejected_left_out"] += len(row.rejected)
        summary.warnings.extend(report.warnings)

    def finish(self, handle: Any) -> None:
        handle.write(self.builder.to_bytes())


class _BratWriter(_Writer):
    """brat standoff: NAME.txt and NAME.ann per row in a folder, and its annotation.conf."""

    def __init__(self, store: Store, summary: ExportSummary, *, align: str | None, rule: ExportRule):
        super().__init__(store, summary, align=align, rule=rule)
        self.labels: set[str] = set()
        self.ends: set[str] = set()
        self.types: set[str] = set()

    def write(self, folder: Any, row: ExportRow) -> None:
        name = f"{row.article_id:06d}"
        if self.rule.layer is None and row.annotator is not None:  # every layer: one file pair each
            name += "-" + "".join(c if c.isalnum() or c in "-_." else "_" for c in row.annotator)[:60]
        ann = ann_from_row(row)
        (folder / f"{name}.txt").write_text(row.text, encoding="utf-8", newline="\n")
        (folder / f"{name}{ANN_SUFFIX}").write_text(ann, encoding="utf-8", newline="\n")
        self.summary.records += 1
        self.summary.counts["rejected_left_out"] += len(row.rejected)
        self.count_labels(row)
        self.labels.update(map(_LABEL, row.spans))
        self.types.update(link.label for link in row.links)
        statements, name = statement_spans(row), end_namer(row)
        self.ends.update(name(end) for link in row.links for end in (link.head, link.child) if end not in statements)

    def finish(self, folder: Any) -> None:
        conf = annotation_conf(sorted(self.labels), sorted(self.ends), sorted(self.types))
        (folder / "annotation.conf").write_text(conf, encoding="utf-8", newline="\n")


def label_universe(store: Store) -> list[str]:
    """Every label a statement classifier should know: the scheme's (the defaults until the project
    chooses its own) that are not retired, and any other label in use."""
    names = [label.name for label in project_labels(store) if not label.retired]
    used = [name for name in store.used_labels() if name not in names]
    return names + used


_WRITERS: dict[str, type[_Writer]] = {
    "jsonl": _JsonlWriter,
    "doccano": _JsonlWriter,
    "spacy": _DocBinWriter,
    "textcat": _TextcatWriter,
    "csv": _CsvWriter,
    "brat": _BratWriter,
}

__all__ = [
    "FORMATS",
    "ITEMS",
    "SUFFIXES",
    "TRAINING_FORMATS",
    "ExportError",
    "ExportRefused",
    "ExportSummary",
    "check_destination",
    "count_records",
    "export",
    "format_for",
    "label_universe",
]
