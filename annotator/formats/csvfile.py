"""A spreadsheet view of the labels: one CSV row per label of a statement (RFC 4180 quoting).

Article text is untrusted and a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return as a formula (CSV injection). Such text cells get a leading `'`,
which spreadsheets show as plain text (OWASP's advice); offsets stay those of the stored
text. The JSONL and DocBin formats carry the text exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

COLUMNS = ("article_id", "title", "source", "annotator", "status", "start", "end", "label", "text", "note")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """`cell`, with a leading `'` if a spreadsheet would run it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_rows_from_row(row: dict[str, Any]) -> Iterator[list[Any]]:
    text = row["text"]
    title, source, annotator = inert(row["title"] or ""), inert(row["source"] or ""), inert(row["annotator"] or "")
    for start, end, label, note in row["spans"]:
        yield [
            row["article_id"],
            title,
            source,
            annotator,
            row["status"] or "",
            start,
            end,
            inert(label),
            inert(text[start:end]),
            inert(note or ""),
        ]
