"""Sentence-classifier records: one `{"text", "cats", "meta"}` per statement, and per negative sentence.

Every record's `meta` carries the statement's links: `speaker` and `target` (the linked words,
a list) and `links` (every link from it: type, words, offsets).

Every record names every label of the scheme (1 for the statement's labels, 0 for the rest),
so a `textcat_multilabel` sees which labels exist even before one is used. In a finished
article, each sentence that overlaps no labeled statement is a negative (every label 0):
the annotator read it and gave it nothing. Articles that are not finished never come here
(the export rule), and a span answered reject is never a label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from annotator.formats.base import Format, Writer
from annotator.formats.json_out import json_text
from annotator.records import ExportRow
from annotator.text import signed32

#: Account items (see `formats.account`): negative sentences written; finished articles without sentences.
NEGATIVES, NO_SENTENCES = "negatives", "no_sentences"


def textcat_from_row(row: ExportRow, universe: Sequence[str]) -> tuple[list[dict[str, Any]], Counter[str]]:
    """The records of one finished article (statements and negative sentences, in text order),
    and what the account should count."""
    counts: Counter[str] = Counter()
    statements: dict[tuple[int, int], tuple[set[str], str]] = {}
    for start, end, label, note in row.spans:
        labels, _ = statements.setdefault((start, end), (set(), note))
        labels.add(label)
    units: dict[tuple[int, int], tuple[set[str], str]] = dict(statements)
    if row.status == "done":
        if not row.sentences:
            counts[NO_SENTENCES] += 1
        for start, end in row.sentences:
            if not any(s < end and start < e for s, e in statements):
                units[(start, end)] = (set(), "")
                counts[NEGATIVES] += 1
    outgoing: dict[tuple[int, int], list] = {}
    for link in row.links:
        outgoing.setdefault(link.head, []).append(link)
    records = []
    for (start, end), (labels, note) in sorted(units.items()):
        meta: dict[str, Any] = {
            "article_id": row.article_id,
            "input_hash": signed32(row.hash),
            "title": row.title,
            "source": row.source,
            "annotator": row.annotator,
            "status": row.status,
            "start": start,
            "end": end,
        }
        if note:
            meta["note"] = note
        for link in outgoing.get((start, end), ()):
            words = row.text[link.child_start : link.child_end]
            if link.label in ("speaker", "target"):
                meta.setdefault(link.label, []).append(words)
            meta.setdefault("links", []).append(
                {"type": link.label, "text": words, "start": link.child_start, "end": link.child_end}
            )
        cats = {name: int(name in labels) for name in universe}
        cats.update({name: 1 for name in labels if name not in cats})
        records.append({"text": row.text[start:end], "cats": cats, "meta": meta})
    return records, counts


class TextcatWriter(Writer):
    """A JSON line per statement and per negative sentence, `cats` over every label of the scheme
    (or only those asked for, `--labels`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.universe = list(self.context.labels)

    def write(self, handle: Any, row: ExportRow) -> None:
        records, counts = textcat_from_row(row, self.universe)
        for record in records:
            handle.write(json_text(record) + "\n")
        self.summary.records += len(records)
        self.summary.counts.update(counts)
        self.summary.counts["rejected_left_out"] += len(row.rejected)
        self.count_labels(row)


FORMAT = Format(
    name="textcat",
    title="Text classification JSONL",
    writer=TextcatWriter,
    export_suffixes=(".jsonl",),
    training=True,
    writes_negatives=True,
    exports='one record per statement and per negative sentence, `{"text", "cats", "meta"}`; `cats` names '
    "every label of the scheme",
    peers='no peer reads it as is: spaCy trains from a DocBin its projects\' convert scripts make of `{"text", '
    '"cats"}` lines (or use `--format spacy`); only the asked categories are in `cats`',
)
