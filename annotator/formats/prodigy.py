"""Prodigy-style JSONL: one task per article and layer, with statement `spans` and `entities`.

`tokens` are the ones a spaCy Doc of the text has (white-space tokens such as a line break
included), so `token_start`/`token_end` are there exactly when spaCy can hold the span.
Answers other than accept are written as Prodigy writes them: a whole task's `answer`, and a
span's own `"answer": "reject"` (binary feedback) — never as an accepted span. Links are
`relations` in `rel.manual`'s shape (`formats.relations`): `head`/`child` the last token of each
end, `head_span`/`child_span` with offsets, tokens and the end's label, `label` the link type.
"""

from __future__ import annotations

import hashlib
from itertools import count
from typing import Any

from annotator.formats.relations import end_namer, relations_from_links
from annotator.records import ACCEPT, ExportRow
from annotator.text import signed32
from annotator.tokens import SpacyTokens


def task_from_row(row: ExportRow, tokens: SpacyTokens | None = None) -> dict[str, Any]:
    """Build the Prodigy task for one export row; `tokens` as `SpacyTokens.build` gives them."""
    text = row.text
    task: dict[str, Any] = {
        "text": text,
        "meta": {**row.meta, "title": row.title, "source": row.source},
        "_input_hash": signed32(row.hash),
    }
    starts = ends = {}
    if tokens is not None:
        starts = dict(zip((s for s, _ in tokens.bounds), count()))
        ends = dict(zip((e for _, e in tokens.bounds), count()))
        task["tokens"] = [
            {"text": word, "start": s, "end": e, "id": i, "ws": ws}
            for i, (word, ws, (s, e)) in enumerate(zip(tokens.words, tokens.spaces, tokens.bounds, strict=True))
        ]

    spans = []
    for start, end, label, note in row.spans:  # the hot loop: inline
        span: dict[str, Any] = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if start in starts and end in ends:
            span["token_start"], span["token_end"] = starts[start], ends[end]
        if note:
            span["note"] = note
        if row.answer != ACCEPT:  # a label kept in a task answered reject: it says so itself
            span["answer"] = ACCEPT
        spans.append(span)
    for start, end, label, answer in row.rejected:
        span = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if start in starts and end in ends:
            span["token_start"], span["token_end"] = starts[start], ends[end]
        if answer != row.answer:  # in a task answered reject, its spans share the task's answer
            span["answer"] = answer
        spans.append(span)
    task["spans"] = spans
    if row.links:
        task["relations"] = relations_from_links(
            row.links, text, end_namer(row), lambda s, e: (starts[s], ends[e]) if s in starts and e in ends else None
        )
    task["entities"] = [
        {"start": s, "end": e, "label": label, "source": source, "text": text[s:e]}
        for s, e, label, source in row.entities
    ]
    if row.annotator is not None:
        task["_annotator_id"] = row.annotator
        task["_status"] = row.status
    task["answer"] = row.answer
    signature = repr([span[:3] for span in row.spans]).encode()
    if row.rejected or row.answer != ACCEPT:
        signature += repr([row.answer, *row.rejected]).encode()
    if row.links:
        signature += repr(list(row.links)).encode()
    digest = hashlib.sha256(row.hash.encode() + signature).digest()
    task["_task_hash"] = int.from_bytes(digest[:4], "big", signed=True)
    return task
