"""Article categories JSONL: one `{"text", "cats", "meta"}` per article whose categories are known.

The document-level sibling of `textcat` (which classifies statements and sentences): what a
spaCy `textcat` or `textcat_multilabel` trains on to tell what a whole article is about, as
spaCy's own text-classification projects keep their data before `spacy convert`-ing it to a
DocBin. A separate format, not an option of `textcat`, because its unit, its rule and its
reader differ: one record per article; `cats` holds each category the layer was asked (every
category of the scheme, unless the imported file showed only some), 1 when the layer gave it
and 0 when not, the others absent (`export_categories`); an article whose categories are unknown
(none given) is left out and counted, never written with every category 0. Statement labels
are not in this file (the account counts them).

`_annotator_id` rides along, so the file reads back into a project with its annotator
(`annotator import` reads it as a Prodigy-style record: `cats` of 0/1 values). `_status` does
not: a status is about statements, which this file does not hold, so read back the article is
started, not finished (a finished one with no statement would be a negative nobody decided).
"""

from __future__ import annotations

from typing import Any

from annotator.formats.base import Format, Writer
from annotator.formats.categories import cats_of
from annotator.formats.json_out import json_text
from annotator.records import ExportRow
from annotator.text import signed32

#: Account item: statement labels of written articles, not in this file.
SPANS_NOT_WRITTEN = "doccat_spans"


def doccat_from_row(row: ExportRow) -> dict[str, Any]:
    """The record of one article whose categories are known (`row.category_scope` not empty)."""
    record: dict[str, Any] = {
        "text": row.text,
        "cats": cats_of(row),
        "meta": {
            **row.meta,
            "article_id": row.article_id,
            "input_hash": signed32(row.hash),
            "title": row.title,
            "source": row.source,
        },
    }
    if row.annotator is not None:
        record["_annotator_id"] = row.annotator  # no `_status`: it is about statements (module docstring)
    return record


class DoccatWriter(Writer):
    """A JSON line per article whose categories are known; the others return False (counted by the rule)."""

    def write(self, handle: Any, row: ExportRow) -> bool | None:
        if not row.category_scope:
            return False
        handle.write(json_text(doccat_from_row(row)) + "\n")
        self.summary.records += 1
        self.summary.counts[SPANS_NOT_WRITTEN] += len(row.spans)
        return None


FORMAT = Format(
    name="doccat",
    title="Article categories JSONL",
    writer=DoccatWriter,
    export_suffixes=(".jsonl",),
    training=True,
    holds_categories=True,
    holds_only_categories=lambda options: True,
    account_items={SPANS_NOT_WRITTEN: ("statement labels not in this file (it holds article categories)", False)},
    exports='one record per article whose categories are known, `{"text", "cats", "meta"}`: each category the '
    "layer was asked 1 or 0 (the others absent: missing); articles with no category left out (unknown, never all 0)",
    reads_back=True,
    peers='no peer reads it as is: spaCy trains from a DocBin its projects\' convert scripts make of `{"text", '
    '"cats"}` lines; categories nobody was asked are absent from `cats`',
)
