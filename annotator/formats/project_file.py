"""Another annotator's project file (`.annotator.sqlite`) read as incoming records, for merging.

The other file is checked without being touched first: a file that is not an Annotator
project is rejected rather than turned into one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.formats.records import RecordError, check_meta_values
from annotator.records import ExportRow, IncomingRecord, Rejection
from annotator.store import SCHEMA_VERSION, Store, StoreError

PROJECT_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def read_project(path: Path, *, into: Path | None = None) -> Iterator[IncomingRecord | Rejection]:
    """Every (article, annotator) of the project at `path`, with labels, notes, status and entities."""
    name = str(path)
    if into is not None and into.exists() and path.resolve() == into.resolve():
        yield Rejection(name, 1, "this is the project being imported into; nothing to merge")
        return
    version = Store.peek_schema_version(path)
    if version is None:
        yield Rejection(name, 1, "not an Annotator project (not an SQLite file)")
        return
    if version == 0:
        yield Rejection(name, 1, "an SQLite file but not an Annotator project (no articles table); left untouched")
        return
    if version > SCHEMA_VERSION:
        yield Rejection(name, 1, f"written by a newer Annotator (schema {version}, this one knows {SCHEMA_VERSION})")
        return
    try:
        other = Store.open(path, create=False)
    except StoreError as exc:
        yield Rejection(name, 1, str(exc))
        return
    with other:
        try:
            for row in other.export_rows():
                problem = _problem(row)
                if problem:
                    yield Rejection(name, row.article_id, f"article {row.article_id}: {problem}")
                else:
                    yield record_from_row(row, line=row.article_id)
        except StoreError as exc:
            yield Rejection(name, 1, str(exc))


def record_from_row(row: ExportRow, *, line: int) -> IncomingRecord:
    """The same article, labels, answers and entities, as an import record (the text is already normalised)."""
    return IncomingRecord(
        text=row.text,
        title=row.title,
        source=row.source,
        line=line,
        meta=row.meta,
        spans=list(row.spans),
        entities=list(row.entities),
        annotator=row.annotator,
        status=row.status,
        rejected=list(row.rejected),
        answer=row.answer,
    )


def _problem(row: ExportRow) -> str | None:
    try:
        check_meta_values(row.meta)
    except RecordError as exc:
        return str(exc)
    size = len(row.text)
    for kind, items in (("span", row.spans), ("rejected span", row.rejected), ("entity", row.entities)):
        for start, end, label, _ in items:
            if not (0 <= start < end <= size):
                return f"{kind} {start}-{end} {label!r} is outside the text ({size} characters)"
    return None
