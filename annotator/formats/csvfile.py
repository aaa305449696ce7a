"""A spreadsheet view of the labels: one CSV row per label of a statement (RFC 4180 quoting)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

COLUMNS = ("article_id", "title", "source", "annotator", "status", "start", "end", "label", "text", "note")


def csv_rows_from_row(row: dict[str, Any]) -> Iterator[list[Any]]:
    text = row["text"]
    for start, end, label, note in row["spans"]:
        yield [
            row["article_id"],
            row["title"],
            row["source"],
            row["annotator"] or "",
            row["status"] or "",
            start,
            end,
            label,
            text[start:end],
            note,
        ]
