"""Prodigy JSONL (and plain `{"text", "meta"}` records): one task per article and layer, with
statement `spans` and `entities`; our own record shape, read from any JSON object no other
format claims.

Read: `formats.records.record_from_dict` (spans with their answers, `_annotator_id`,
`_status`, `entities`, `relations` as links; doccano's `label` triples too; spaCy's
`Doc.to_json` objects through `formats.doc_json`); article
categories from a choice task's `accept`/`options`, `cats` and a binary textcat `label`
(`formats.categories`: answered accept or reject, only that category was asked).

Written: `tokens` are the ones a spaCy Doc of the text has (white-space tokens such as a line
break included), so `token_start`/`token_end` are there exactly when spaCy can hold the span.
Answers other than accept are written as Prodigy writes them: a whole task's `answer`, and a
span's own `"answer": "reject"` (binary feedback) — never as an accepted span. Links are
`relations` in `rel.manual`'s shape (`formats.relations`): `head`/`child` the last token of each
end, `head_span`/`child_span` with offsets, tokens and the end's label, `label` the link type.

Article categories are written as `textcat.manual` writes them, a choice task: `options`
(the categories asked: every category of the scheme unless the imported file showed only some,
`{"id", "text"}`), `accept` (those given) and
`config.choice_style` ("single" when the scheme is one exclusive group). That, and not
`cats`, is what Prodigy's own `train --textcat`/`--textcat-multilabel` and `data-to-spacy`
read from a dataset: each option is 1.0 when accepted and 0.0 when not, which is exactly the
export rule's 0/1. An article whose categories are unknown gets no `options` and no
`accept` (`export_categories`): an empty `accept` would teach "none of them".
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from itertools import chain, count
from typing import Any

from annotator.formats.base import Format, ObjectContext, Writer
from annotator.formats.categories import (
    ASKED_KEY,
    FEEDBACK_KEY,
    asked_categories,
    binary_label,
    choice_fields,
    read_categories,
)
from annotator.formats.categories import KEY as CATEGORIES_KEY
from annotator.formats.doc_json import is_doc_json, record_of_doc_json
from annotator.formats.json_out import json_text
from annotator.formats.left_out import LeftOut
from annotator.formats.records import record_from_dict
from annotator.formats.relations import end_namer, relations_from_links
from annotator.records import ACCEPT, ExportRow, IncomingRecord, Span
from annotator.text import signed32, title_of
from annotator.tokens import SpacyTokens


def task_from_row(
    row: ExportRow,
    tokens: SpacyTokens | None = None,
    single_choice: bool = False,
    actor_kinds: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Build the Prodigy task for one export row; `tokens` as `SpacyTokens.build` gives them;
    `single_choice`: the scheme is one exclusive group (`config.choice_style` "single")."""
    text = row.text
    # the title is written once: a title that is the text's own first line is the text's (an import
    # finds it there again), only another one goes into meta
    meta = {**row.meta, "source": row.source}
    if row.title != title_of(text):
        meta = {**row.meta, "title": row.title, "source": row.source}
    task: dict[str, Any] = {"text": text, "meta": meta, "_input_hash": signed32(row.hash)}
    starts = ends = {}
    if tokens is not None:
        starts = dict(zip((s for s, _ in tokens.bounds), count()))
        ends = dict(zip((e for _, e in tokens.bounds), count()))
        task["tokens"] = [
            {"text": word, "start": s, "end": e, "id": i, "ws": ws}
            for i, (word, ws, (s, e)) in enumerate(zip(tokens.words, tokens.spaces, tokens.bounds, strict=True))
        ]

    if tokens is None and row.answer == ACCEPT:  # the common task: one dict per span, built in a comprehension
        spans = [
            {"start": start, "end": end, "label": label, "text": text[start:end], "note": note}
            if note
            else {"start": start, "end": end, "label": label, "text": text[start:end]}
            for start, end, label, note in row.spans
        ]
    else:
        spans = _spans_of(row, starts, ends)
    for start, end, label, answer in row.rejected:
        span = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if start in starts and end in ends:
            span["token_start"], span["token_end"] = starts[start], ends[end]
        if answer != row.answer:  # in a task answered reject, its spans share the task's answer
            span["answer"] = answer
        spans.append(span)
    task["spans"] = spans
    if row.notes:  # notes on statements with no label: no span without a label in Prodigy, so the task's meta
        task["meta"]["notes"] = [{"start": s, "end": e, "text": text[s:e], "note": note} for s, e, note in row.notes]
    if row.links:
        task["relations"] = relations_from_links(
            row.links,
            text,
            end_namer(row),
            lambda s, e: (starts[s], ends[e]) if s in starts and e in ends else None,
            row.actors,
        )
    if row.actors:  # who the link ends stand for: listed once, with their kind and side
        kinds = actor_kinds or {}
        task["actors"] = [
            {"name": name, "kind": kinds[name][0], "side": kinds[name][1]} if name in kinds else {"name": name}
            for name in sorted({m.actor for m in row.actors})
        ]
    task["entities"] = [
        {"start": s, "end": e, "label": label, "source": source, "text": text[s:e]}
        for s, e, label, source in row.entities
    ]
    if row.annotator is not None:
        task["_annotator_id"] = row.annotator
        task["_status"] = row.status
    if row.category_scope:
        task.update(choice_fields(row, single_choice))
    task["answer"] = row.answer
    signature = _span_signature(row.spans)
    if row.rejected or row.answer != ACCEPT:
        signature += repr([row.answer, *row.rejected]).encode()
    if row.links:
        signature += repr(list(row.links)).encode()
    if row.category_scope:
        signature += repr((row.categories, row.category_scope)).encode()
    digest = hashlib.sha256(row.hash.encode() + signature).digest()
    task["_task_hash"] = int.from_bytes(digest[:4], "big", signed=True)
    return task


def _span_signature(spans: tuple[Span, ...]) -> bytes:
    """What the task hash has always read of the spans, `repr([(start, end, label), …])`, made by
    one %-format of the spans' fields (in C) rather than a tuple and a `repr` per span; the note
    is formatted to nothing (`%.0s`). Same bytes, so the same `_task_hash`."""
    template = _SIGNATURES.get(len(spans)) or _signature_template(len(spans))
    return (template % tuple(_flat(spans))).encode()


def _signature_template(n: int) -> str:
    template = _SIGNATURES[n] = "[" + ", ".join(["(%r, %r, %r%.0s)"] * n) + "]"
    return template


#: `_span_signature`'s format, by number of spans.
_SIGNATURES: dict[int, str] = {}
_flat = chain.from_iterable


def _spans_of(row: ExportRow, starts: dict[int, int], ends: dict[int, int]) -> list[dict[str, Any]]:
    """The task's labeled spans, with their tokens and answers."""
    text = row.text
    spans = []
    for start, end, label, note in row.spans:
        span: dict[str, Any] = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if start in starts and end in ends:
            span["token_start"], span["token_end"] = starts[start], ends[end]
        if note:
            span["note"] = note
        if row.answer != ACCEPT:  # a label kept in a task answered reject: it says so itself
            span["answer"] = ACCEPT
        spans.append(span)
    return spans


class ProdigyWriter(Writer):
    """One task per row, a JSON line each; rejected spans and tasks with their answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = self.context.chosen_categories
        self.single_choice = len(groups) == 1 and groups[0].exclusive

    def write(self, handle: Any, row: ExportRow) -> None:  # the hot path of the most used export: kept lean
        tokens = SpacyTokens.build(row.text, row.tokens) if row.tokens else None
        summary = self.summary
        if row.answer != ACCEPT:  # its spans are the rejected task's, counted with it, not once more
            summary.counts["rejected_tasks_written"] += 1
        elif row.rejected:
            summary.counts["rejected_written"] += len(row.rejected)
        task = task_from_row(row, tokens, self.single_choice, self.context.actor_kinds)
        handle.write(json_text(task) + "\n")
        summary.records += 1
        summary.entities += len(row.entities)
        self.count_labels(row)
        if tokens is not None:
            self.report_alignment(row, tokens)


# -- reading ---------------------------------------------------------------------------


def prodigy_records(obj: dict[str, Any], where: ObjectContext) -> tuple[list[IncomingRecord], None]:
    """The record of one Prodigy task, plain record or spaCy `Doc.to_json` object (`formats.doc_json`);
    `RecordError` says what is wrong with it."""
    if is_doc_json(obj):  # spaCy's `Doc.to_json`: `ents`, span groups by key
        obj = record_of_doc_json(obj, where.line, where.left_out)
    elif _CATEGORY_KEYS.isdisjoint(obj):  # no categories to read (most tasks): `_counted` would give obj
        return [record_from_dict(obj, source=where.source, line=where.line)], None
    return [record_from_dict(_counted(obj, where.line, where.left_out), source=where.source, line=where.line)], None


#: The keys `_counted` reads article categories from.
_CATEGORY_KEYS = frozenset({"cats", "accept", "label"})


def _counted(obj: dict[str, Any], line: int, left_out: LeftOut) -> dict[str, Any]:
    """`obj` with the article categories of its `accept`/`options`, `cats` or textcat `label`
    (`formats.categories`) under `_categories`; a textcat `label` (a name, not triples) is taken out."""
    cats, accept, label = obj.get("cats"), obj.get("accept"), obj.get("label")
    if cats is None and accept is None and not isinstance(label, str):
        return obj
    names = read_categories(obj, line, left_out)
    binary = binary_label(obj) is not None
    asked = asked_categories(obj) if names is not None or binary else None
    obj = {key: value for key, value in obj.items() if key != "label" or not isinstance(label, str)}
    if names:
        obj[CATEGORIES_KEY] = names
    if asked is not None:  # only these were shown: the others stay unknown, not "no"
        obj[ASKED_KEY] = asked
    if binary:  # the answer was about the label, not the text: the article is not rejected
        obj["answer"] = ACCEPT
        obj[FEEDBACK_KEY] = True
    return obj


FORMAT = Format(
    name="jsonl",
    title="Prodigy JSONL",
    suffixes=(".jsonl", ".ndjson", ".json"),
    read_object=prodigy_records,
    writer=ProdigyWriter,
    export_suffixes=(".jsonl",),
    keeps_task_answers=True,
    imports='plain `{"text", "meta"}` and Prodigy records (`spans` with their `answer`, `_annotator_id`, '
    "`_status`, `entities`, `relations` as links), spaCy's `Doc.to_json` (`ents` as the model's entities, "
    '`spans["sc"]` as statements, other span groups counted), article categories from `accept`/`options`, '
    "`cats` or a textcat `label`, one a line or as a `.json` array",
    holds_categories=True,
    holds_notes=True,
    exports="one task per article and layer: `text`, `meta` (with `source`; `title` only when it is not the "
    "text's first line), `_input_hash`, `_task_hash`, `_annotator_id`, "
    "`_status`, `answer`, `spans` (token indices; a rejected span with its `answer`), `relations` (links, in "
    "`rel.manual`'s shape), `entities` (with `source`), `tokens` (spaCy's, a line break included), article "
    "categories as a choice task's `options` and `accept`",
    reads_back=True,
    peers="Prodigy's `db-in` takes it as tasks of its documented shapes (`ner.manual`'s `spans` and `tokens`, "
    "`rel.manual`'s `relations`, a choice task's `options`/`accept`); not run in a test (Prodigy is not on the "
    "package registry)",
)
