"""doccano JSONL: written as sequence labelling, read in every shape doccano's versions wrote.

Written: `{"text", "label": [[start, end, label], ...]}` per article, and the article's known
categories (`export_categories`) in `"cats": [name, ...]`, the shape of doccano's intent
detection projects (1.3 and later: sequence labelling plus text classification; a sequence-labelling
project keeps `cats` as metadata). With `--doccano-task intent-detection`, that project's fixed
columns (`data_import/pipeline/factories.py`): the statements in `entities` as triples and the
categories in `cats` (entities are not in it; the account counts them). With
`--doccano-task text-classification`, the shape of a text-classification project instead:
`{"text", "label": [name, ...]}` per article whose categories are known (an unknown one would
be an empty list, which says "none of them"); statements are not in that file. doccano keeps unknown
columns as metadata, so the annotator, status and entities ride along in extra keys and a
file exported here imports back without loss (`record_from_dict` reads them).
doccano has no answers: spans answered reject are not written (the account counts them).

When the project has links, every line is written in doccano's entity+relation shape (a
relation project's import): `"entities"` holds each statement label as `{"id", "start_offset",
"end_offset", "label"}` (and its `"note"`), each entity of the article with its `"source"` too, and each other end
of a link that is neither with `"link_end": true` (label `SPAN`); `"relations"` are `{"id",
"from_id", "to_id", "type"}`. doccano ignores the extra keys; read back, they say which items
are statements, entities and bare ends, so the project comes back unchanged.

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

from annotator.formats.base import Format, ObjectContext, Option, Writer
from annotator.formats.categories import (
    ASKED_KEY,
    NOES_LEFT_OUT,
    WITH_GROUPS_KEY,
    checked_name,
    checked_names,
    from_cats,
    listable,
    noes_left_out,
)
from annotator.formats.categories import KEY as CATEGORIES_KEY
from annotator.formats.json_out import json_text
from annotator.formats.left_out import LeftOut
from annotator.formats.records import RecordError, kind_of, record_from_dict
from annotator.formats.relations import SPAN_LABEL
from annotator.records import ExportRow, IncomingRecord
from annotator.tokens import SpacyTokens

#: `--doccano-task`: which doccano project's import the file is for.
SEQUENCE, CLASSIFICATION, INTENT = "sequence-labeling", "text-classification", "intent-detection"
DOCCANO_TASK = Option(
    "doccano-task",
    (SEQUENCE, INTENT, CLASSIFICATION),
    "doccano: a sequence-labelling file (statement labels in `label`), an intent-detection file (doccano's "
    "fixed columns: statement labels in `entities`, the article's categories in `cats`), or a "
    "text-classification file (`label`: the article's categories; statements left out, articles whose "
    "categories are unknown left out). A project with links is written in the relation shape",
    default=SEQUENCE,
)
#: Account items of a text-classification file.
CLASSIFICATION_NO_CATEGORIES = "classification_unknown"
CLASSIFICATION_SPANS = "classification_spans"
#: Account items naming the doccano project settings a file needs (`data_import/pipeline/cleaners.py`:
#: without "Allow overlapping spans", `SpanCleaner` keeps the first of overlapping spans only).
OVERLAPPING = "doccano_overlapping"
RELATION_SHAPE = "doccano_relation_shape"
INTENT_ENTITIES = "doccano_intent_entities"


def doccano_from_row(
    row: ExportRow, relations: bool = False, actor_kinds: dict[str, tuple[str, str]] | None = None
) -> dict[str, Any]:
    """The doccano line for one export row; with `relations`, in the entity+relation shape.
    Known categories go in `cats` (doccano's intent detection shape)."""
    record = _relation_record(row, actor_kinds or {}) if relations else _sequence_record(row)
    if listable(row):
        record["cats"] = list(row.categories)
    return record


def intent_from_row(row: ExportRow) -> dict[str, Any]:
    """doccano's intent detection line: its columns are fixed (`data_import/pipeline/factories.py`,
    `create_builder`): `entities`, the statement labels as [start, end, label], and `cats`."""
    record: dict[str, Any] = {
        "text": row.text,
        "entities": [[start, end, label] for start, end, label, _ in row.spans],
        "meta": {**row.meta, "title": row.title, "source": row.source},
    }
    if listable(row):  # unknown: no cats at all (an empty list would say none applies)
        record["cats"] = list(row.categories)
    if row.annotator is not None:
        record["_annotator_id"] = row.annotator
        record["_status"] = row.status
    return record


def overlapping(spans: list[tuple[int, int]]) -> bool:
    """Whether doccano's `SpanCleaner` would drop one of these spans in a project that does not
    allow overlapping spans (it keeps a span only if it starts at or after the last kept one's end)."""
    last = -1
    for start, end in sorted(spans):
        if start < last:
            return True
        last = end
    return False


def classification_from_row(row: ExportRow) -> dict[str, Any]:
    """doccano's text-classification line: `{"text", "label": [category, ...]}` and the metadata."""
    record: dict[str, Any] = {
        "text": row.text,
        "label": list(row.categories),
        "meta": {**row.meta, "title": row.title, "source": row.source},
    }
    if row.notes:  # doccano's comments, each naming the statement it is on
        record["Comments"] = _comments(row)
    if row.annotator is not None:
        # no `_status`: it is about statements, which this file does not hold (read back: started)
        record["_annotator_id"] = row.annotator
    return record


def _sequence_record(row: ExportRow) -> dict[str, Any]:
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
    if row.notes:  # doccano's comments, each naming the statement it is on
        record["Comments"] = _comments(row)
    if row.annotator is not None:
        record["_annotator_id"] = row.annotator
        record["_status"] = row.status
    return record


def _comments(row: ExportRow) -> list[str]:
    """Notes on statements without a label, as doccano's comments: `start-end “text”: note`."""
    return [f"{s}-{e} “{' '.join(row.text[s:e].split())}”: {note}" for s, e, note in row.notes]


def _relation_record(row: ExportRow, actor_kinds: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """doccano's entity+relation shape (see the module docstring). A link end resolved to an actor
    carries `actor` and `actor_how`, and the record lists its actors in `actors` (doccano keeps
    neither; read back, they are the mention's actor)."""
    text = row.text
    items: list[dict[str, Any]] = []
    id_of: dict[tuple[int, int], int] = {}
    actor_at = {(m.start, m.end): m for m in row.actors}

    def add(start: int, end: int, label: str, **extra: Any) -> int:
        item = {"id": len(items) + 1, "start_offset": start, "end_offset": end, "label": label, **extra}
        if (start, end) in actor_at and not any(i["start_offset"] == start and i["end_offset"] == end for i in items):
            item["actor"], item["actor_how"] = actor_at[(start, end)].actor, actor_at[(start, end)].how
        items.append(item)
        return len(items)

    for start, end, label, note in row.spans:
        number = add(start, end, label, **({"note": note} if note else {}))
        id_of.setdefault((start, end), number)  # a statement's first label stands for it in relations
    for start, end, label, source in row.entities:
        number = add(start, end, label, source=source, text=text[start:end])
        id_of.setdefault((start, end), number)
    for link in row.links:
        if link.child not in id_of:
            id_of[link.child] = add(*link.child, SPAN_LABEL, link_end=True)
        if link.head not in id_of:
            id_of[link.head] = add(*link.head, SPAN_LABEL, link_end=True)
    record: dict[str, Any] = {
        "text": text,
        "entities": items,
        "relations": [
            {"id": i, "from_id": id_of[link.head], "to_id": id_of[link.child], "type": link.label}
            for i, link in enumerate(row.links, 1)
        ],
        "meta": {**row.meta, "title": row.title, "source": row.source},
    }
    if row.actors:  # who the link ends stand for, listed once with their kind and side
        record["actors"] = [
            {"name": n, "kind": actor_kinds[n][0], "side": actor_kinds[n][1]} if n in actor_kinds else {"name": n}
            for n in sorted({m.actor for m in row.actors})
        ]
    if row.notes:  # doccano's comments, each naming the statement it is on
        record["Comments"] = _comments(row)
    if row.annotator is not None:
        record["_annotator_id"] = row.annotator
        record["_status"] = row.status
    return record


class DoccanoWriter(Writer):
    """One doccano line per row; spans answered reject are left out (doccano has no answers).

    Once the project has links, every line is in the entity+relation shape (one shape per file,
    as a doccano project has one type). As a text-classification file (`--doccano-task`), one
    line per article whose categories are known, and nothing else.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relations = self.context.has_links
        self.classification = self.options.get(DOCCANO_TASK.key) == CLASSIFICATION
        self.intent = self.options.get(DOCCANO_TASK.key) == INTENT

    def write(self, handle: Any, row: ExportRow) -> bool | None:
        self.summary.counts[NOES_LEFT_OUT] += noes_left_out(row)  # doccano lists only the chosen ones
        if self.classification:
            return self._classification(handle, row)
        summary = self.summary
        if self.intent:
            handle.write(json_text(intent_from_row(row)) + "\n")
            summary.counts[INTENT_ENTITIES] += len(row.entities)
            summary.counts[OVERLAPPING] += overlapping([(s.start, s.end) for s in row.spans])
            summary.counts["rejected_left_out"] += len(row.rejected)
            summary.records += 1
            self.count_labels(row)
            return None
        handle.write(json_text(doccano_from_row(row, self.relations, dict(self.context.actor_kinds))) + "\n")
        if self.relations:
            summary.counts[RELATION_SHAPE] += 1
            ends = [(s.start, s.end) for s in row.spans] + [(e.start, e.end) for e in row.entities]
            summary.counts[OVERLAPPING] += overlapping(ends)
        else:
            summary.counts[OVERLAPPING] += overlapping([(s.start, s.end) for s in row.spans])
        summary.records += 1
        summary.entities += len(row.entities)
        summary.counts["rejected_left_out"] += len(row.rejected)
        self.count_labels(row)
        if row.tokens:
            self.report_alignment(row, SpacyTokens.build(row.text, row.tokens))
        return None

    def _classification(self, handle: Any, row: ExportRow) -> bool | None:
        counts = self.summary.counts
        if not listable(row):
            counts[CLASSIFICATION_NO_CATEGORIES] += 1
            return False
        handle.write(json_text(classification_from_row(row)) + "\n")
        self.summary.records += 1
        counts[CLASSIFICATION_SPANS] += len(row.spans)
        return None


# -- reading ---------------------------------------------------------------------------

#: Keys that only doccano writes; a record with one of them is read by `doccano_records`.
_MARKERS = frozenset({"labels", "annotations", "username", "doc_id", "Comments", "annotation_approver"})
#: Keys `doccano_records` reads itself; any other key of a doccano record is its metadata
#: (doccano 1.3 and later write `**meta` at the top level).
_READ = frozenset(
    {
        "text",
        "data",
        "meta",
        "label",
        "labels",
        "entities",
        "relations",
        "cats",
        "annotations",
        "username",
        "Comments",
        "actors",
    }
    | {"_annotator_id", "_status"}  # ours, written by `DoccanoWriter`
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


def is_doccano_named(obj: dict[str, Any]) -> bool:
    """With `--format doccano`, any record with a text: doccano's plain `{"text", "label": [[start,
    end, label]]}` and our own doccano export included (`doccano_records` reads them as they are)."""
    return is_doccano(obj) or isinstance(obj.get("text"), str) or isinstance(obj.get("data"), str)


def _doccano_entity(item: Any) -> bool:
    return isinstance(item, list) or (isinstance(item, dict) and "start_offset" in item)


def doccano_records(obj: dict[str, Any], line: int, left_out: LeftOut) -> list[dict[str, Any]]:
    """The records of one doccano line in the shape `record_from_dict` reads, one per user.

    Spans, whichever key a version wrote them under, become the statements of the user who
    made them: `username` (0.x), an `annotations` item's `user` id (1.0-1.2, as
    `doccano-<id>`), or the importing `--annotator` (1.3 and later export one file per
    user, named after the user). Relations become links (Prodigy-shaped `relations`); document
    categories and comments are counted in `left_out`. Raises `RecordError` for a shape no
    version wrote.
    """
    text = obj["text"] if "text" in obj else obj.get("data")
    meta = obj.get("meta")
    extras = {key: value for key, value in obj.items() if key not in _READ}
    if meta is None or isinstance(meta, dict):
        meta = {**extras, **(meta or {})}
    triples: list[Any] = []
    spans: list[dict[str, Any]] = []
    categories: list[str] = []
    for key in ("label", "labels"):
        categories += _labels(obj.get(key), key, triples)
    entities = obj.get("entities")
    kept_entities: list[Any] = []
    ends: dict[Any, dict[str, Any]] = {}  # doccano entity id → {"start", "end"}, for relations
    if entities is not None:
        if not isinstance(entities, list):
            raise RecordError(f'"entities" must be a list, got {kind_of(entities)}')
        for item in entities:
            if isinstance(item, list):
                triples.append(item)
            elif isinstance(item, dict) and "start_offset" in item:
                where = {"start": item["start_offset"], "end": item.get("end_offset")}
                if isinstance(item.get("id"), (int, str)) and not isinstance(item.get("id"), bool):
                    # the actor the end stands for (ours: `actor`; a kb_id written by other tools)
                    actor = item.get("actor", item.get("kb_id"))
                    ends.setdefault(
                        item["id"],
                        {**where, "actor": actor, "actor_how": item.get("actor_how", "user")} if actor else where,
                    )
                if "source" in item:  # an entity of the article, written here
                    kept_entities.append({**where, "label": item.get("label"), "source": item["source"]})
                elif not item.get("link_end"):
                    spans.append({**where, "label": item.get("label"), "note": item.get("note")})
            else:
                kept_entities.append(item)  # our own {"start", "end", "label", "source"}: entities
    relations = _relations(obj.get("relations"), ends)
    _count(obj.get("Comments"), "comment", line, left_out)
    if obj.get("cats") is not None:
        categories += from_cats(obj["cats"], line, left_out) or []
    base: dict[str, Any] = {"text": text, "meta": meta}
    if triples:
        base["label"] = triples
    if spans or "entities" in obj:  # a text-classification line has no statements: none asked (`records`)
        base["spans"] = spans
    if categories:
        base[CATEGORIES_KEY] = base[ASKED_KEY] = sorted(set(categories))  # these and their groups were asked
        base[WITH_GROUPS_KEY] = True
    if relations:
        base["relations"] = relations
    if isinstance(obj.get("actors"), list):
        base["actors"] = obj["actors"]
    if kept_entities:
        base["entities"] = kept_entities
    for key in ("_annotator_id", "_status"):  # ours (`DoccanoWriter`)
        if obj.get(key) is not None:
            base[key] = obj[key]
    if obj.get("username") is not None:
        base["_annotator_id"] = obj["username"]
    by_user, categories_by_user = _annotations(obj.get("annotations"), line, left_out)
    if not by_user and not categories_by_user:
        return [base]
    users = list(dict.fromkeys([*by_user, *categories_by_user]))
    records = [
        {
            **{k: v for k, v in base.items() if k not in (CATEGORIES_KEY, "label", "spans")},
            **({"spans": by_user[user]} if user in by_user else {}),  # only categories: no statements asked
            "_annotator_id": user,
            CATEGORIES_KEY: sorted(set(categories_by_user.get(user, []))),
        }
        for user in users
    ]
    if triples or spans or categories:
        records.append(base)
    return records


def _labels(items: Any, key: str, triples: list[Any]) -> list[str]:
    """`label`/`labels`: [start, end, label] triples (sequence labelling), added to `triples`, or
    label names (text classification), returned as categories."""
    if items is None:
        return []
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise RecordError(f'"{key}" must be a list, got {kind_of(items)}')
    triples.extend(item for item in items if not isinstance(item, str))
    return checked_names([item for item in items if isinstance(item, str)], f'"{key}"')


def _relations(items: Any, ends: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    """doccano's `relations` (`from_id`/`to_id` of its entities, `type`) as Prodigy-shaped relations."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise RecordError(f'"relations" must be a list, got {kind_of(items)}')
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordError(f"relation {i} must be an object, got {kind_of(item)}")
        head, child = ends.get(_hashable(item.get("from_id"))), ends.get(_hashable(item.get("to_id")))
        if head is None or child is None:
            which = "from_id" if head is None else "to_id"
            raise RecordError(f"relation {i}: {which} {item.get(which)!r:.20} names no entity of the record")
        found.append({"head_span": head, "child_span": child, "label": item.get("type")})
    return found


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _count(items: Any, kind: str, line: int, left_out: LeftOut) -> None:
    if isinstance(items, list):
        left_out.add(kind, line, len(items))


def _annotations(
    items: Any, line: int, left_out: LeftOut
) -> tuple[dict[str | None, list[dict[str, Any]]], dict[str | None, list[str]]]:
    """doccano 1.0-1.2's `annotations`: spans by user, and categories by user (an annotation
    without offsets; by label id, which names nothing here, counted)."""
    if items is None:
        return {}, {}
    if not isinstance(items, list):
        raise RecordError(f'"annotations" must be a list, got {kind_of(items)}')
    by_user: dict[str | None, list[dict[str, Any]]] = {}
    categories: dict[str | None, list[str]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordError(f"annotation {i} must be an object, got {kind_of(item)}")
        label = item.get("label")
        if "start_offset" not in item:
            if isinstance(label, int) and not isinstance(label, bool):
                left_out.add("category_id", line, 1, (str(label),))
            elif label is not None:
                categories.setdefault(_user(item, i), []).append(checked_name(label, f"annotation {i}'s label"))
            continue
        if isinstance(label, int) and not isinstance(label, bool):
            raise RecordError(
                f"annotation {i}: label {label} is a doccano label id, not its name (doccano 1.0-1.2 wrote ids in "
                'its "JSON" export); export the project again as "JSONL (text label)", or put the names in'
            )
        by_user.setdefault(_user(item, i), []).append(
            {"start": item["start_offset"], "end": item.get("end_offset"), "label": label}
        )
    return by_user, categories


def _user(item: dict[str, Any], i: int) -> str | None:
    """An annotation's user as an annotator's name (`doccano-<id>` for an id)."""
    user = item.get("user")
    if isinstance(user, bool) or not isinstance(user, (int, str, type(None))):
        raise RecordError(f"annotation {i}: user must be a user id or name, got {kind_of(user)}")
    return f"doccano-{user}" if isinstance(user, int) else user


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
    is_named_object=is_doccano_named,
    writer=DoccanoWriter,
    export_suffixes=(".jsonl",),
    options=(DOCCANO_TASK,),
    holds_categories=True,
    holds_only_categories=lambda options: options.get("doccano_task") == CLASSIFICATION,
    holds_notes=True,
    account_items={
        CLASSIFICATION_NO_CATEGORIES: (
            "articles with no category left out of the text-classification file (an empty label list would say "
            "none applies)",
            False,
        ),
        CLASSIFICATION_SPANS: ("statement labels not in the text-classification file (it holds categories)", False),
        OVERLAPPING: (
            "articles whose labels overlap (several labels on one stretch, or statements and entities): turn on the "
            "doccano project's 'Allow overlapping spans', or its import keeps only the first of them",
            False,
        ),
        RELATION_SHAPE: (
            "articles in doccano's relation shape (the project has links): import into a sequence-labelling project "
            "with 'Use relation labeling' and 'Allow overlapping spans' on",
            False,
        ),
        INTENT_ENTITIES: (
            "entities not in the intent-detection file (its entities column holds the statement labels)",
            False,
        ),
    },
    imports="every shape doccano's versions wrote: `label` triples, `labels` (1.0), `data` (1.3-1.6), "
    "`entities` and `relations` of relation projects, per-user `annotations` (1.0-1.2), `username` (0.x); "
    "spans become the annotator's statements, relations their links, text classification's `label` names and "
    "intent detection's `cats` the article's categories",
    exports='`{"text", "label": [[start, end, label]]}` per article (annotator, status and entities ride '
    "along in extra keys) and article categories in `cats`; once the project has links, the entity+relation "
    'shape (`"entities"`, `"relations"`); `--doccano-task intent-detection`: `{"text", "entities": [[start, end, '
    'label]], "cats"}`; `--doccano-task text-classification`: `{"text", "label": [categories]}`; the account names '
    "the doccano project settings the file needs (allow overlapping spans, relation labeling)",
    reads_back=True,
    peers="doccano imports it into a Sequence labeling project (`--doccano-task` for Intent detection or Text "
    "classification); overlapping spans need the project's 'Allow overlapping spans', links 'Use relation "
    "labeling', else doccano keeps the first of overlapping spans (the account says which; tested from "
    "`data_import`'s source)",
)
