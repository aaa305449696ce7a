"""Sentence-classifier records: one `{"text", "cats", "meta"}` per labeled statement.

Every record names every label (1 for the statement's labels, 0 for the rest), so a
multi-label `textcat_multilabel` sees the negatives too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from annotator.text import signed32


def textcat_from_row(row: dict[str, Any], universe: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The statements of one export row, each with its labels as `cats`."""
    text = row["text"]
    statements: dict[tuple[int, int], tuple[set[str], str]] = {}
    for start, end, label, note in row["spans"]:
        labels, _ = statements.setdefault((start, end), (set(), note))
        labels.add(label)
    for (start, end), (labels, note) in statements.items():
        meta: dict[str, Any] = {
            "article_id": row["article_id"],
            "input_hash": signed32(row["hash"]),
            "title": row["title"],
            "source": row["source"],
            "annotator": row["annotator"],
            "status": row["status"],
            "start": start,
            "end": end,
        }
        if note:
            meta["note"] = note
        cats = {name: int(name in labels) for name in universe}
        cats.update({name: 1 for name in labels if name not in cats})
        yield {"text": text[start:end], "cats": cats, "meta": meta}
