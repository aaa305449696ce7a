"""Prodigy-style JSONL: one task per article and annotator, with statement `spans` and `entities`."""

from __future__ import annotations

import hashlib
from itertools import count
from typing import Any

from annotator.text import signed32


def task_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """Build the Prodigy task for one `Store.export_rows` row."""
    text = row["text"]
    token_bounds = row["tokens"]
    task: dict[str, Any] = {
        "text": text,
        "meta": {**row["meta"], "title": row["title"], "source": row["source"]},
        "_input_hash": signed32(row["hash"]),
    }
    starts = ends = {}
    if token_bounds:
        starts = dict(zip(token_bounds[::2], count()))
        ends = dict(zip(token_bounds[1::2], count()))
        task["tokens"] = [
            {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e : e + 1] == " "}
            for i, (s, e) in enumerate(zip(token_bounds[::2], token_bounds[1::2], strict=True))
        ]
    spans = []
    for start, end, label, note in row["spans"]:
        span: dict[str, Any] = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if start in starts and end in ends:
            span["token_start"], span["token_end"] = starts[start], ends[end]
        if note:
            span["note"] = note
        spans.append(span)
    task["spans"] = spans
    task["entities"] = [
        {"start": s, "end": e, "label": label, "source": source, "text": text[s:e]}
        for s, e, label, source in row["entities"]
    ]
    if row["annotator"] is not None:
        task["_annotator_id"] = row["annotator"]
        task["_status"] = row["status"]
    task["answer"] = "accept"
    signature = repr([span[:3] for span in row["spans"]]).encode()
    digest = hashlib.sha256(row["hash"].encode() + signature).digest()
    task["_task_hash"] = int.from_bytes(digest[:4], "big", signed=True)
    return task
