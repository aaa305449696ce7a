"""Reading Label Studio's exports: a task of its JSON export (or of a JSONL file, one a line) and a
JSON-MIN item become one record per annotation and per prediction, and what was not imported is
named per task.

The shapes read and the rules are the format's, described in the package's docstring; where a region
lies in the text (plain text, a dialogue, an HTML page) is `regions`'s to say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from annotator.formats.base import ObjectContext
from annotator.formats.categories import ASKED_KEY, WITH_GROUPS_KEY, checked_names
from annotator.formats.categories import KEY as CATEGORIES_KEY
from annotator.formats.label_studio.keys import STATEMENTS_DECIDED, TASK_ID
from annotator.formats.label_studio.regions import (
    _Dialogue,
    _dialogue,
    _html_region,
    _in_html,
    _key,
    _misfit,
    _placed_in_html,
    _Region,
    _region,
    _regions,
    _Relation,
    _same_quote,
)
from annotator.formats.left_out import KINDS, counted
from annotator.formats.records import RecordError, kind_of, record_from_dict
from annotator.records import IncomingRecord, model_layer
from annotator.text import offsets_by_quotes

#: JSON-MIN keys that describe the annotation, not the task's data.
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"})
#: The type of a relation that carries no label in Label Studio.
UNLABELED_RELATION = "relation"


def is_task(obj: dict[str, Any]) -> bool:
    """A task of the JSON export (or of an import file): its data is an object."""
    return isinstance(obj.get("data"), dict)


def is_json_min(obj: dict[str, Any]) -> bool:
    return "annotation_id" in obj and "annotator" in obj


def is_label_studio(obj: dict[str, Any]) -> bool:
    return is_task(obj) or is_json_min(obj)


def read_label_studio(obj: dict[str, Any], where: ObjectContext) -> tuple[list[IncomingRecord], str | None]:
    """The records of one task or JSON-MIN item; messages name the task (`task 17: ...`)."""
    task = _task_name(obj.get("id"))
    read = task_records if is_task(obj) else min_records
    try:
        records, note = read(obj, source=where.source, line=where.line)
    except RecordError as exc:
        raise RecordError(f"{task}{exc}") from None
    return records, f"{task}{note}" if note else None


def _task_name(task_id: Any) -> str:
    """How a message names a Label Studio task: `task 17: `."""
    if task_id is None:
        return "task: "
    return f"task {task_id}: " if isinstance(task_id, int) else f"task {task_id!r:.40}: "


def task_records(obj: dict[str, Any], *, source: str, line: int) -> tuple[list[IncomingRecord], str | None]:
    """The records of one task (one per annotation and per prediction) and what it held that
    was not imported (`"2 relations and 1 choice"`), or None. Raises `RecordError` and
    then nothing of the task is imported."""
    annotations = obj.get("annotations", obj.get("completions")) or []
    predictions = obj.get("predictions") or []
    for key, items in (("annotations", annotations), ("predictions", predictions)):
        if not isinstance(items, list):
            raise RecordError(f'"{key}" must be a list, got {kind_of(items)}')
    left: Counter[str] = Counter()
    layers: list[tuple[str | None, str | None, list[Any]]] = []  # (annotator, model version, result)
    for i, ann in enumerate(annotations):
        if not isinstance(ann, dict):
            raise RecordError(f"annotation {i} must be an object, got {kind_of(ann)}")
        if ann.get("was_cancelled") or ann.get("skipped"):
            left["skipped annotation"] += 1  # skipped in Label Studio: no one's answer
            continue
        who = _annotator(ann.get("completed_by"))
        if who is None and isinstance(ann.get("created_username"), str):  # Label Studio's "e-mail, id"
            who = ann["created_username"].split(",")[0].strip() or None
        layers.append((who, None, _result(ann, f"annotation {i}")))
    for i, pred in enumerate(predictions):
        if not isinstance(pred, dict):  # "only IDs" snapshots list prediction ids
            left["prediction id"] += 1
            continue
        version = pred.get("model_version")
        version = str(version).strip() if version is not None else ""
        version = version or "unknown"
        layers.append((model_layer(version), version, _result(pred, f"prediction {i}")))
    if isinstance(obj.get("drafts"), list) and obj["drafts"]:  # Label Studio exports `"drafts": []` too
        left["draft"] += len(obj["drafts"])
    relations: list[_Relation] = []
    choices: dict[int, list[str]] = {}
    data = obj["data"]
    dialogue = _dialogue(data, layers)
    groups: dict[str, str] = {}
    regions = _regions(
        layers, left, relations, choices, _Dialogue(dialogue[1]) if dialogue is not None else None, groups
    )
    placing: list[str] = []
    if dialogue is not None:
        key, raw = dialogue[0], "\n".join(dialogue[1])
    else:
        key = _text_key(data, [(r.start, r.end, r.quote) for r in regions if r.html is None])
        raw = data[key]
        if any(r.html is not None for r in regions):  # a <HyperText> task: its HTML's text is the article's
            raw, regions, relations, placing = _placed_in_html(raw, regions, relations, layers)
    meta = {k: v for k, v in data.items() if k != key}
    if obj.get("id") is not None:
        meta[TASK_ID] = obj["id"]
    read = {r.layer for r in regions} | {r.layer for r in relations} | {n for n, c in choices.items() if c}
    unread = [n for n, (_, _, result) in enumerate(layers) if result and n not in read]
    if unread:  # every region left out: the layer is no one's finished answer (not "none of them")
        left["layer"] += len(unread)
        layers, regions, relations, choices = _without(unread, layers, regions, relations, choices)
    task_meta = obj.get("meta")
    actors = task_meta.get("actors") if isinstance(task_meta, dict) else None
    only_choices = {
        n
        for n, (who, version, result) in enumerate(layers)
        if version is None and _only_choices(result) and who not in _statements_decided(task_meta)
    }
    records = _with_groups(
        _records(raw, meta, layers, regions, source, line, relations, choices, actors, only_choices), groups
    )
    both = sum(1 for r in relations if r.direction == "bi")
    notes = [_described(left)] if left else []
    notes += placing
    if both:  # a link has one head: "bi" is kept as the two links it means
        notes.append(f"{counted(both, 'relation', 'relations')} with direction bi stored as two links, one each way")
    return records, "; ".join(notes) or None


def _with_groups(records: list[IncomingRecord], groups: dict[str, str]) -> list[IncomingRecord]:
    """The records, each with the `<Choices name>` of its categories (`IncomingRecord.category_groups`):
    a category new to the project goes in a group of that name, so an export writes it back there."""
    for record in records:
        record.category_groups = {name: groups[name] for name in record.categories if name in groups}
    return records


def _only_choices(result: list[Any]) -> bool:
    """Whether an annotation's results are all the text's `choices` (a text-classification
    project's `<Choices toName="text">`): its annotator was asked the article's categories, never
    its statements, so none of them is decided. An empty result is no such answer: submitted
    with nothing to label, the text has no statement."""
    return bool(result) and all(
        isinstance(item, dict)
        and item.get("type") == "choices"
        and isinstance(item.get("value"), dict)
        and "start" not in item["value"]
        for item in result
    )


def _without(
    unread: list[int],
    layers: list[tuple[str | None, str | None, list[Any]]],
    regions: list[_Region],
    relations: list[_Relation],
    choices: dict[int, list[str]],
) -> tuple[list[Any], list[_Region], list[_Relation], dict[int, list[str]]]:
    """The layers, regions, relations and choices with the `unread` layers taken out, renumbered."""
    number = {old: new for new, old in enumerate(n for n in range(len(layers)) if n not in unread)}
    kept = [layer for n, layer in enumerate(layers) if n in number]
    for item in (*regions, *relations):
        item.layer = number.get(item.layer, -1)
    return (
        kept,
        [r for r in regions if r.layer >= 0],
        [r for r in relations if r.layer >= 0],
        {number[n]: c for n, c in choices.items() if n in number},
    )


def min_records(obj: dict[str, Any], *, source: str, line: int) -> tuple[list[IncomingRecord], str | None]:
    """The record of one JSON-MIN item (one annotation of one task) and what was not imported."""
    left: Counter[str] = Counter()
    regions: list[_Region] = []
    chosen: list[str] = []
    groups: dict[str, str] = {}
    data: dict[str, Any] = {}
    for name, value in obj.items():
        if name in _MIN_KEYS:
            continue
        if isinstance(value, dict) and set(value) == {"choices"}:  # several choices, flattened
            found = checked_names(value["choices"], f"{name} choices")
            chosen += found
            groups.update((c, name) for c in found if c not in groups)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                if "htmllabels" in item or ("labels" in item and _in_html(item)):
                    regions.append(_html_region(0, i, item, item, f"{name} region {i}"))
                elif "labels" in item:
                    regions.append(_region(0, i, item, item, f"{name} region {i}"))
                elif "choices" in item and "start" not in item:  # the text's choices: the article's categories
                    found = checked_names(item["choices"], f"{name} choices {i}")
                    chosen += found
                    groups.update((c, name) for c in found if c not in groups)
                elif "choices" in item:
                    left["choice"] += len(item["choices"]) if isinstance(item["choices"], list) else 1
                else:
                    left["untyped"] += 1
        else:
            data[name] = value
    key = _text_key(data, [(r.start, r.end, r.quote) for r in regions if r.html is None])
    meta = {k: v for k, v in data.items() if k != key}
    if obj.get("id") is not None:
        meta[TASK_ID] = obj["id"]
    annotated = obj.get("annotation_id") is not None or regions or chosen
    layers = [(_annotator(obj.get("annotator")), None, [])] if annotated else []
    raw, placing = data[key], []
    if any(r.html is not None for r in regions):  # a <HyperText> task: its HTML's text is the article's
        raw, regions, _, placing = _placed_in_html(raw, regions, [], layers)
    notes = "; ".join(note for note in (_described(left), *placing) if note) or None
    # several choices and nothing else: a text-classification answer (one choice is a bare name, read as data)
    only_choices = {0} if chosen and not regions and not left else set()
    records = _records(raw, meta, layers, regions, source, line, choices={0: chosen}, only_choices=only_choices)
    return _with_groups(records, groups), notes


def _records(
    raw: Any,
    meta: dict[str, Any],
    layers: list[tuple[str | None, str | None, list[Any]]],
    regions: list[_Region],
    source: str,
    line: int,
    relations: Sequence[_Relation] = (),
    choices: dict[int, list[str]] | None = None,
    actors: Any = None,
    only_choices: set[int] | frozenset[int] = frozenset(),
) -> list[IncomingRecord]:
    """One record per layer. A person's annotation is submitted, so done; one in `only_choices`
    (it answered only the text's choices) carries no `spans` and no status, so `record_from_dict`
    reads it as the other formats' category-only records: in progress, statements not decided."""
    if not isinstance(raw, str):
        raise RecordError(f"the text must be a string, got {kind_of(raw)}")
    offsets = offsets_by_quotes(raw, [(r.start, r.end, r.quote) for r in regions], _same_quote)
    if offsets is None:
        raise RecordError(_misfit(raw, regions, layers))
    spans: list[list[dict[str, Any]]] = [[] for _ in layers]
    places: list[dict[Any, dict[str, int]]] = [{} for _ in layers]
    for region, (start, end) in zip(regions, offsets, strict=True):
        place = {"start": start, "end": end}
        if region.actor is not None:  # read by `actors_from_record` on the relation's end
            place.update(actor=region.actor, actor_how=region.actor_how)
        places[region.layer].setdefault(_key(region.ident), place)
        if region.link_end:
            continue
        spans[region.layer] += [
            {"start": start, "end": end, "label": label, "note": region.note} for label in region.labels
        ]
    links: list[list[dict[str, Any]]] = [[] for _ in layers]
    for relation in relations:
        head, child = (
            places[relation.layer].get(_key(relation.from_id)),
            places[relation.layer].get(_key(relation.to_id)),
        )
        if head is None or child is None:
            missing = relation.from_id if head is None else relation.to_id
            raise RecordError(f"a relation names region {missing!r:.30}, which its annotation does not have")
        ways = {"right": [(head, child)], "left": [(child, head)], "bi": [(head, child), (child, head)]}
        links[relation.layer] += [
            {"head_span": a, "child_span": b, "label": label}
            for a, b in ways[relation.direction]
            for label in relation.labels or [UNLABELED_RELATION]
        ]
    if not layers:
        return [record_from_dict({"text": raw, "meta": meta}, source=source, line=line)]
    records = []
    for number, ((annotator, version, _), layer_spans, layer_links) in enumerate(
        zip(layers, spans, links, strict=True)
    ):
        categories_only = version is None and number in only_choices
        item: dict[str, Any] = {"text": raw, "meta": meta}
        if not categories_only:  # no `spans` key: nobody said "no statement here"
            item["spans"] = layer_spans
        if layer_links:
            item["relations"] = layer_links
            if actors is not None:
                item["actors"] = actors
        if choices and choices.get(number):
            item[CATEGORIES_KEY] = sorted(set(choices[number]))
            item[ASKED_KEY] = item[CATEGORIES_KEY]  # the Choices shown: these and their groups, not the others
            item[WITH_GROUPS_KEY] = True
        if annotator is not None:
            item["_annotator_id"] = annotator
        if version is None and not categories_only:
            item["_status"] = "done"  # an annotation submitted in Label Studio
        record = record_from_dict(item, source=source, line=line)
        if version is not None:
            record.status, record.model_version = None, version
        records.append(record)
    return records


def _result(item: dict[str, Any], what: str) -> list[Any]:
    result = item.get("result") or []
    if not isinstance(result, list):
        raise RecordError(f'{what}: "result" must be a list, got {kind_of(result)}')
    return result


def _text_key(data: dict[str, Any], spans: list[tuple[Any, Any, str | None]]) -> str:
    """The data field that holds the labeled text: `text`, the only string field, or the
    only one in which every quoted region fits."""
    strings = [k for k, v in data.items() if isinstance(v, str)]
    if "text" in strings:
        return "text"
    if len(strings) == 1:
        return strings[0]
    if not strings:
        raise RecordError("the task has no text field in its data")
    fitting = [k for k in strings if spans and offsets_by_quotes(data[k], spans, _same_quote) is not None]
    if len(fitting) == 1:
        return fitting[0]
    shown = ", ".join(k if k.isprintable() and k.strip() else repr(k) for k in strings)  # one line, every name seen
    raise RecordError(f"the task's data has several text fields ({shown}); none is named 'text'")


def _statements_decided(task_meta: Any) -> set[str]:
    """The names our export listed under `STATEMENTS_DECIDED` in a task's meta (else none)."""
    names = task_meta.get(STATEMENTS_DECIDED) if isinstance(task_meta, dict) else None
    return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()


def _annotator(completed_by: Any) -> str | None:
    """`completed_by` (an object with the e-mail, a user id) or JSON-MIN's `annotator` (e-mail or id) as a name."""
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip()
        completed_by = completed_by.get("id")
    if isinstance(completed_by, bool) or completed_by is None:
        return None
    if isinstance(completed_by, int):
        return f"ls-{completed_by}"
    return str(completed_by).strip() or None


#: How the per-task message names what is not a result type of Label Studio's own.
_NOUNS = {
    "skipped annotation": ("skipped annotation", "skipped annotations"),
    "draft": ("draft", "drafts"),
    "prediction id": ("prediction without its result", "predictions without their results"),
    "layer": (
        "annotation whose every region was left out (not stored as done)",
        "annotations whose every region was left out (not stored as done)",
    ),
}


def _noun(kind: str) -> tuple[str, str]:
    """(one, many) for a kind: `relation`, `skipped annotation`, `rating result`."""
    if kind in KINDS:
        return KINDS[kind][0], KINDS[kind][1]
    return _NOUNS.get(kind, (f"{kind} result", f"{kind} results"))


def _described(left: Counter[str]) -> str | None:
    """`2 relations and 1 choice`, or None when nothing was left out."""
    parts = [counted(n, *_noun(kind)) for kind, n in sorted(left.items())]
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{listed} not imported yet"
