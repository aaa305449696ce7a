"""doccano JSONL: written as sequence labelling, read in every shape doccano's versions wrote.

Written: `{"text", "label": [[start, end, label], ...]}` per article. doccano keeps unknown
columns as metadata, so the annotator, status and entities ride along in extra keys and a
file exported here imports back without loss (`record_from_dict` reads them).
doccano has no answers: spans answered reject are not written (the account counts them).

Read (doccano/doccano, by tag; the export code named in brackets):

- 0.x, late 2018 (PR #46): `{"doc_id", "text", "entities": [[start, end, label]], "username"}`,
  text classification `"labels": [names]`.
- 1.0-1.2 (`app/api/utils.py`, `JSONPainter`): "JSON" export `{"id", "text", "annotations":
  [{"label": <label id>, "start_offset", "end_offset", "user": <user id>}], "meta",
  "annotation_approver"}`, and "JSONL (text label)" `{"id", "text", "labels": [[start, end,
  label]], "meta", ...}` (`paint_labels`).
- 1.3-1.6 (`backend/api/views/download/writer.py`, then `backend/data_export/pipeline/
  writers.py`): one file per user (`<username>.jsonl`), `{"id", "data": text, "label":
  [[start, end, label]] or [names], **meta}`; relation projects (1.6) `{"id", "text",
  "entities": [{"id", "start_offset", "end_offset", "label"}], "relations": [{"id",
  "from_id", "to_id", "type"}]}`; intent detection `{"text", "entities": [[...]], "cats": [...]}`.
- 1.7-1.8 (`backend/data_export/pipeline/factories.py`, `models.py`): the same shapes with
  `"text"`, plus `"Comments"`, per user or `all.jsonl`; text classification also as a `.json`
  array (`examples/text_classification/example.json`).

Spans in every shape become the annotator's labeled statements, never model entities.
"""

from __future__ import annotations

from typing import Any

import srsly

from annotator.formats.base import Format, ObjectContext, Writer
from annotator.formats.left_out import LeftOut
from annotator.formats.records import RecordError, kind_of, record_from_dict
from annotator.records import ExportRow, IncomingRecord
from annotator.tokens import SpacyTokens


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


class DoccanoWriter(Writer):
    """One doccano line per row; spans answered reject are left out (doccano has no answers)."""

    def write(self, handle: Any, row: ExportRow) -> None:
        handle.write(srsly.json_dumps(doccano_from_row(row)) + "\n")
        summary = self.summary
        summary.records += 1
        summary.entities += len(row.entities)
        summary.counts["rejected_left_out"] += len(row.rejected)
        self.count_labels(row)
        if row.tokens:
            self.report_alignment(row, SpacyTokens.build(row.text, row.tokens))


# -- reading ---------------------------------------------------------------------------

#: Keys that only doccano writes; a record with one of them is read by `doccano_records`.
_MARKERS = frozenset({"labels", "annotations", "username", "doc_id", "Comments", "annotation_approver"})
#: Keys `doccano_records` reads itself; any other key of a doccano record is its metadata
#: (doccano 1.3 and later write `**meta` at the top level).
_READ = frozenset(
    {"text", "data", "meta", "label", "labels", "entities", "relations", "cats", "annotations", "username", "Comments"}
)


def is_doccano(obj: dict[str, Any]) -> bool:
    """Whether a JSON object is in one of doccano's shapes that `record_from_dict` does not read
    as they are (its plain `{"text", "label": [[start, end, label], ...]}` it reads itself)."""
    if not _MARKERS.isdisjoint(obj):
        return True
    if "text" not in obj and isinstance(obj.get("data"), str):
        return True
    label, entities, cats = obj.get("label"), obj.get("entities"), obj.get("cats")
    return (
        (isinstance(label, list) and bool(label) and isinstance(label[0], str))
        or (isinstance(entities, list) and bool(entities) and _doccano_entity(entities[0]))
        or isinstance(cats, list)
    )


def _doccano_entity(item: Any) -> bool:
    return isinstance(item, list) or (isinstance(item, dict) and "start_offset" in item)


def doccano_records(obj: dict[str, Any], line: int, left_out: LeftOut) -> list[dict[str, Any]]:
    """The records of one doccano line in the shape `record_from_dict` reads, one per user.

    Spans, whichever key a version wrote them under, become the statements of the user who
    made them: `username` (0.x), an `annotations` item's `user` id (1.0-1.2, as
    `doccano-<id>`), or the importing `--annotator` (1.3 and later export one file per
    user, named after the user). Relations, document categories and comments are counted
    in `left_out`. Raises `RecordError` for a shape no version wrote.
    """
    text = obj["text"] if "text" in obj else obj.get("data")
    meta = obj.get("meta")
    extras = {key: value for key, value in obj.items() if key not in _READ}
    if meta is None or isinstance(meta, dict):
        meta = {**extras, **(meta or {})}
    triples: list[Any] = []
    spans: list[dict[str, Any]] = []
    for key in ("label", "labels"):
        _labels(obj.get(key), key, line, left_out, triples)
    entities = obj.get("entities")
    kept_entities: list[Any] = []
    if entities is not None:
        if not isinstance(entities, list):
            raise RecordError(f'"entities" must be a list, got {kind_of(entities)}')
        for item in entities:
            if isinstance(item, list):
                triples.append(item)
            elif isinstance(item, dict) and "start_offset" in item:
                spans.append({"start": item["start_offset"], "end": item.get("end_offset"), "label": item.get("label")})
            else:
                kept_entities.append(item)  # our own {"start", "end", "label", "source"}: entities
    _count(obj.get("relations"), "relation", line, left_out)
    _count(obj.get("Comments"), "comment", line, left_out)
    left_out.add_categories(obj.get("cats"), line)
    base: dict[str, Any] = {"text": text, "meta": meta, "label": triples, "spans": spans}
    if kept_entities:
        base["entities"] = kept_entities
    if obj.get("username") is not None:
        base["_annotator_id"] = obj["username"]
    by_user = _annotations(obj.get("annotations"), line, left_out)
    if not by_user:
        return [base]
    records = [{**base, "label": [], "spans": items, "_annotator_id": user} for user, items in by_user.items()]
    if triples or spans:
        records.append(base)
    return records


def _labels(items: Any, key: str, line: int, left_out: LeftOut, triples: list[Any]) -> None:
    """`label`/`labels`: [start, end, label] triples (sequence labelling) or label names (text classification)."""
    if items is None:
        return
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise RecordError(f'"{key}" must be a list, got {kind_of(items)}')
    names = [item for item in items if isinstance(item, str)]
    if names:
        left_out.add("category", line, len(names), tuple(names))
    triples.extend(item for item in items if not isinstance(item, str))


def _count(items: Any, kind: str, line: int, left_out: LeftOut) -> None:
    if isinstance(items, list):
        left_out.add(kind, line, len(items))


def _annotations(items: Any, line: int, left_out: LeftOut) -> dict[str | None, list[dict[str, Any]]]:
    """doccano 1.0-1.2's `annotations`: spans by user (categories and texts are counted)."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise RecordError(f'"annotations" must be a list, got {kind_of(items)}')
    by_user: dict[str | None, list[dict[str, Any]]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordError(f"annotation {i} must be an object, got {kind_of(item)}")
        label = item.get("label")
        if "start_offset" not in item:
            if label is not None:
                left_out.add("category", line, 1, (str(label),))
            continue
        if isinstance(label, int) and not isinstance(label, bool):
            raise RecordError(
                f"annotation {i}: label {label} is a doccano label id, not its name (doccano 1.0-1.2 wrote ids in "
                'its "JSON" export); export the project again as "JSONL (text label)", or put the names in'
            )
        user = item.get("user")
        if isinstance(user, bool) or not isinstance(user, (int, str, type(None))):
            raise RecordError(f"annotation {i}: user must be a user id or name, got {kind_of(user)}")
        name = f"doccano-{user}" if isinstance(user, int) else user
        by_user.setdefault(name, []).append(
            {"start": item["start_offset"], "end": item.get("end_offset"), "label": label}
        )
    return by_user


def read_doccano(obj: dict[str, Any], where: ObjectContext) -> tuple[list[IncomingRecord], None]:
    """The records of one doccano line, one per user (`RecordError` says what is wrong with it)."""
    items = doccano_records(obj, where.line, where.left_out)
    return [record_from_dict(item, source=where.source, line=where.line) for item in items], None


FORMAT = Format(
    name="doccano",
    title="doccano JSONL",
    suffixes=(".jsonl", ".ndjson", ".json"),
    read_object=read_doccano,
    is_object=is_doccano,
    writer=DoccanoWriter,
    export_suffixes=(".jsonl",),
    imports="every shape doccano's versions wrote: `label` triples, `labels` (1.0), `data` (1.3-1.6), "
    "`entities` of relation projects, per-user `annotations` (1.0-1.2), `username` (0.x); spans become "
    "the annotator's statements",
    exports='`{"text", "label": [[start, end, label]]}` per article (annotator, status and entities ride '
    "along in extra keys)",
    reads_back=True,
)
