"""doccano sequence-labeling JSONL: `{"text", "label": [[start, end, label], ...]}` per article.

doccano keeps unknown columns as metadata, so the annotator, status and entities ride along
in extra keys and a file exported here imports back without loss (`record_from_dict` reads them).
doccano has no answers: spans answered reject are not written (the account counts them).
"""

from __future__ import annotations

from typing import Any

from annotator.records import ExportRow


def doccano_from_row(row: ExportRow) -> dict[str, Any]:
    """The doccano line for one export row."""
    text = row.text
    record: dict[str, Any] = {
        "text": text,
        "label": [[start, end, label] for start, end, label, _ in row.spans],
        "meta": {**row.meta, "title": row.title, "source": row.source},
        "entities": [
            {"start": s, "end": e, "label": label, "source": source, "text": text[s:e]}
            for s, e, label, source in row.entities
        ],
    }
    if row.annotator is not None:
        record["_annotator_id"] = row.annotator
        record["_status"] = row.status
    return record
