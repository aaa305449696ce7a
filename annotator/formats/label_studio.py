"""Label Studio: its JSON export, JSON-MIN and tasks one per line (JSONL) read; a JSON array of
tasks written for Label Studio to import, as pre-annotations or as annotations.

Shapes, from HumanSignal/label-studio and HumanSignal/label-studio-converter:

- JSON, a list of tasks (`label_studio/data_export/serializers.py`, `ExportDataSerializer`;
  `docs/source/guide/export.md`): `{"id", "data": {"text": ...}, "annotations": [{"id",
  "completed_by": <user id> or {"id", "email", ...}, "was_cancelled", "result": [...]}],
  "predictions": [{"model_version", "score", "result": [...]}]}`; before 1.0 `completions`.
  One task per line is the same task as JSONL; a `.json` holding one task object is read too,
  as the converter does (`converter.py`, `iter_from_json_file`).
- A result item: `{"id", "from_name", "to_name", "type": "labels", "value": {"start", "end",
  "text", "labels": [...]}, "meta": {"text": [note]}}`; `{"type": "relation", "from_id",
  "to_id", "labels"}`; `{"type": "choices", "value": {"choices": [...]}}`; and others
  (textarea, rating, taxonomy, ...).
- JSON-MIN (`converter.py`, `convert_to_json_min`; `utils.py`, `prettify_result` and
  `get_annotator`): one flat record per annotation: the task's data fields, `id`, each
  `from_name` -> its regions `[{"start", "end", "text", "labels"}]`, `annotator` (e-mail or
  user id), `annotation_id`, `created_at`, `updated_at`, `lead_time`. A single choice is
  flattened there to its bare name, which cannot be told from a data field: it stays in
  the article's metadata.

Offsets are counted by the browser: code points today (`web/libs/editor/tests/integration/
e2e/ner/emoji.cy.ts`), UTF-16 code units before the fix of #1008 (label-studio-frontend
PR #308). Every region quotes its text, so the reading under which every quote of the task
fits is used (`text.offsets_by_quotes`). A quoted line break is written as the two
characters `\\n` (`web/libs/editor/src/utils/selection-tools.js`, `captureSelection`), and
CRLF counts as two characters (`web/libs/editor/src/tags/object/Text.js`).

People's labels become their statements (`completed_by`'s e-mail, else `ls-<id>`), status
done. `predictions` become the layer `model:<model_version>`, marked as a model's output
(`IncomingRecord.model_version`), with no status. Relations (`{"type": "relation", "from_id",
"to_id", "labels"}` between two regions of the same annotation) become links, one per label
(`relation` when it has none); a region whose `meta` says `"link_end": true` (as the writer
marks the other end of a link that is no statement) is only that end. A `choices` result on
the text (no `start`: `<Choices toName="text">`) gives its layer the article's categories,
whatever its `from_name`. An annotation whose every result is such a choice (a text-classification
project: `<Choices>` and no `<Labels>`) answers the categories alone: nobody was asked the
article's statements, so it comes in as the other formats' category-only records do (in
progress, statements not decided), never as done with no statement (a negative nobody decided);
with labels too, or with no result at all (submitted empty: nothing to label), it is done.
Choices on a region (per-region classification), drafts and other result types are named per
task: `FILE:LINE: task 17: 1 choice not imported yet`. In JSON-MIN several choices and nothing
else are such an answer too; a single choice is flattened to a bare name, which stays in the
metadata (the line cannot be told from an empty submission: done).

Written: each layer's known categories (`export_categories`) as one `choices` result per
category group, `from_name` the group's name, so a labeling config with
`<Choices name="stance" toName="text" choice="single">` (and `choice="multiple"` for a
multi-choice group) shows them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import srsly

from annotator.formats.base import Format, ObjectContext, Option, Writer
from annotator.formats.categories import ASKED_KEY, WITH_GROUPS_KEY, checked_names, listable
from annotator.formats.categories import KEY as CATEGORIES_KEY
from annotator.formats.hypertext import HyperTextError, place, read_html, same_words
from annotator.formats.left_out import KINDS, counted
from annotator.formats.records import RecordError, kind_of, record_from_dict
from annotator.formats.relations import SPAN_LABEL, end_namer
from annotator.records import MODEL_LAYER_PREFIX, ExportRow, IncomingRecord, Link, Span, is_model_layer, model_layer
from annotator.text import Utf16Offsets, offsets_by_quotes

#: JSON-MIN keys that describe the annotation, not the task's data.
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"})
#: The metadata key under which a task's Label Studio id is kept.
TASK_ID = "label_studio_id"
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


@dataclass
class _Region:
    layer: int
    ident: Any
    start: Any
    end: Any
    quote: str | None
    labels: list[str]
    note: str
    #: Only the other end of a link (the writer's mark), not a statement.
    link_end: bool = False
    #: A `<HyperText>` region's value (XPath and global offsets into the HTML), placed once the text is known.
    html: dict[str, Any] | None = None
    #: The actor the region stands for and how it was chosen (`meta.actor`, `meta.actor_how`; or `meta.kb_id`).
    actor: Any = None
    actor_how: Any = None


@dataclass
class _Relation:
    layer: int
    from_id: Any
    to_id: Any
    labels: list[str]
    #: Label Studio's `direction`: "right" (from -> to, its default), "left" (to -> from) or "bi".
    direction: str = "right"


#: Label Studio's relation directions (`web/libs/editor/src/stores/RelationStore.js`).
DIRECTIONS = ("right", "left", "bi")


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
    regions = _regions(layers, left, relations, choices, _Dialogue(dialogue[1]) if dialogue is not None else None)
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
    records = _records(raw, meta, layers, regions, source, line, relations, choices, actors, only_choices)
    both = sum(1 for r in relations if r.direction == "bi")
    notes = [_described(left)] if left else []
    notes += placing
    if both:  # a link has one head: "bi" is kept as the two links it means
        notes.append(f"{counted(both, 'relation', 'relations')} with direction bi stored as two links, one each way")
    return records, "; ".join(notes) or None


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


def _dialogue(
    data: dict[str, Any], layers: list[tuple[str | None, str | None, list[Any]]]
) -> tuple[str, list[str]] | None:
    """The data field of a dialogue or paragraphs task (`<Paragraphs value="$dialogue">`), a list of
    utterances `{nameKey: author, textKey: text}`, and the utterances' texts: its text is the
    utterances, one a line, not the title. Read when the task has no `text` string, or when its
    results label paragraphs. The text key is `text` (Label Studio's default `textKey`), else the
    key whose values are the longest (a `textKey` of the config's own, the author's name aside)."""
    paragraphs = any(isinstance(item, dict) and item.get("type") == "paragraphlabels" for *_, r in layers for item in r)
    if isinstance(data.get("text"), str) and not paragraphs:
        return None
    for key, value in data.items():
        if not (isinstance(value, list) and value and all(isinstance(u, dict) for u in value)):
            continue
        shared = set.intersection(*({k for k, v in u.items() if isinstance(v, str)} for u in value))
        if not shared:
            continue
        text_key = "text" if "text" in shared else max(sorted(shared), key=lambda k: sum(len(u[k]) for u in value))
        return key, [u[text_key] for u in value]
    return None


def min_records(obj: dict[str, Any], *, source: str, line: int) -> tuple[list[IncomingRecord], str | None]:
    """The record of one JSON-MIN item (one annotation of one task) and what was not imported."""
    left: Counter[str] = Counter()
    regions: list[_Region] = []
    chosen: list[str] = []
    data: dict[str, Any] = {}
    for name, value in obj.items():
        if name in _MIN_KEYS:
            continue
        if isinstance(value, dict) and set(value) == {"choices"}:  # several choices, flattened
            chosen += checked_names(value["choices"], f"{name} choices")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                if "htmllabels" in item or ("labels" in item and _in_html(item)):
                    regions.append(_html_region(0, i, item, item, f"{name} region {i}"))
                elif "labels" in item:
                    regions.append(_region(0, i, item, item, f"{name} region {i}"))
                elif "choices" in item and "start" not in item:  # the text's choices: the article's categories
                    chosen += checked_names(item["choices"], f"{name} choices {i}")
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
    return _records(raw, meta, layers, regions, source, line, choices={0: chosen}, only_choices=only_choices), notes


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


def _key(ident: Any) -> Any:
    """A region id as a dictionary key (ids are strings or numbers; anything else stands for no region)."""
    return ident if isinstance(ident, (str, int)) and not isinstance(ident, bool) else repr(ident)


def _regions(
    layers: list[tuple[str | None, str | None, list[Any]]],
    left: Counter[str],
    relations: list[_Relation] | None = None,
    choices: dict[int, list[str]] | None = None,
    utterances: _Dialogue | None = None,
) -> list[_Region]:
    """Every labeled text region of every layer, (into `relations`) every relation between two of
    them, and (into `choices`, by layer) the names of the text's `choices` results: the article's
    categories. With `utterances` (a dialogue's), `paragraphlabels` regions are read in the
    utterances joined one a line. The other results are counted in `left`."""
    regions = []
    for number, (annotator, _, result) in enumerate(layers):
        for i, item in enumerate(result):
            if not isinstance(item, dict):
                raise RecordError(f"{annotator or 'annotation'}: result {i} must be an object, got {kind_of(item)}")
            kind = item.get("type")
            value = item.get("value")
            if kind in ("labels", "hypertextlabels") and isinstance(value, dict) and _in_html(value):
                ident = item.get("id", i)
                regions.append(_html_region(number, ident, value, item, f"{annotator or 'annotation'}: region {ident}"))
            elif kind == "labels" and isinstance(value, dict):
                ident = item.get("id", i)
                regions.append(_region(number, ident, value, item, f"{annotator or 'annotation'}: region {ident}"))
            elif kind == "paragraphlabels" and isinstance(value, dict) and utterances is not None:
                ident = item.get("id", i)
                what = f"{annotator or 'annotation'}: region {ident}"
                regions.append(_region(number, ident, _in_dialogue(value, utterances, what), item, what))
            elif kind == "choices" and isinstance(value, dict) and "start" not in value and choices is not None:
                what = f"{annotator or 'annotation'}: choices result {i}"
                choices.setdefault(number, []).extend(checked_names(value.get("choices"), what))
            elif kind == "choices" and isinstance(value, dict) and isinstance(value.get("choices"), list):
                left["choice"] += len(value["choices"])  # a region's choices classify a span, not the article
            elif kind == "relation" and relations is not None:
                labels = item.get("labels") or []
                if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                    raise RecordError(f"{annotator or 'annotation'}: relation {i}: labels must be a list of names")
                direction = item.get("direction", "right")
                if direction not in DIRECTIONS:
                    raise RecordError(
                        f"{annotator or 'annotation'}: relation {i}: direction must be right, left or bi, "
                        f"got {direction!r:.20}"
                    )
                relations.append(_Relation(number, item.get("from_id"), item.get("to_id"), labels, direction))
            else:
                left[kind if isinstance(kind, str) and kind.isidentifier() else "untyped"] += 1
    return regions


class _Dialogue:
    """A dialogue's utterances, where each starts once joined one a line, and the joined text."""

    def __init__(self, utterances: list[str]):
        self.utterances = utterances
        self.starts = list(accumulate((len(u) + 1 for u in utterances[:-1]), initial=0))
        self.joined = "\n".join(utterances)


def _in_dialogue(value: dict[str, Any], dialogue: _Dialogue, what: str) -> dict[str, Any]:
    """A `paragraphlabels` value (`start`/`end`: utterance indices, `startOffset`/`endOffset` inside
    them, counted in UTF-16 units by the browser: `HtxParagraphs.jsx`, `getOffsetInPhraseElement`)
    as `{"start", "end", "labels"}` in the utterances joined one a line, checked against its quote
    (white space aside: the browser's selection text joins utterances its own way)."""
    try:
        first, last = int(value.get("start")), int(value.get("end"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RecordError(f"{what}: start and end must be utterance numbers") from None
    offsets = value.get("startOffset"), value.get("endOffset")
    utterances, starts, joined = dialogue.utterances, dialogue.starts, dialogue.joined
    if not (0 <= first <= last < len(utterances)) or not all(type(o) is int for o in offsets):
        raise RecordError(f"{what}: utterances {first}-{last} and offsets {offsets!r:.30} are not in the dialogue")
    quote = value.get("text") if isinstance(value.get("text"), str) else None
    readings = [offsets]
    head, tail = Utf16Offsets(utterances[first]), Utf16Offsets(utterances[last])
    if head.differs or tail.differs:
        readings.append((head.to_code_points(offsets[0]), tail.to_code_points(offsets[1])))
    for a, b in readings:
        if a is None or b is None or not (0 <= a <= len(utterances[first]) and 0 <= b <= len(utterances[last])):
            continue
        start, end = starts[first] + a, starts[last] + b
        if start < end and (quote is None or same_words(quote, joined[start:end])):
            return {"start": start, "end": end, "labels": value.get("paragraphlabels")}
    shown = joined[starts[first] + offsets[0] : starts[last] + offsets[1]]
    raise RecordError(
        f"{what}: utterances {first}-{last} at {offsets[0]}-{offsets[1]} hold {shown!r:.40}; it quotes {quote!r:.40}"
    )


def _in_html(value: dict[str, Any]) -> bool:
    """A region of a `<HyperText>` object: XPath `start`/`end` or `globalOffsets`, not offsets into text."""
    return isinstance(value.get("start"), str) or isinstance(value.get("globalOffsets"), dict)


def _html_region(layer: int, ident: Any, value: dict[str, Any], item: dict[str, Any], what: str) -> _Region:
    labels = value.get("htmllabels", value.get("labels"))
    region = _region(layer, ident, {"start": 0, "end": 0, "labels": labels}, item, what)
    region.start = region.end = None
    region.html = value
    return region


def _placed_in_html(
    html: Any,
    regions: list[_Region],
    relations: list[_Relation],
    layers: list[tuple[str | None, str | None, list[Any]]],
) -> tuple[str, list[_Region], list[_Relation], list[str]]:
    """The text of a `<HyperText>` task's HTML, its regions placed in that text (`formats.hypertext`),
    the relations between placed regions, and a note per region that could not be placed."""
    if not isinstance(html, str):
        raise RecordError(f"the text must be a string, got {kind_of(html)}")
    try:
        document = read_html(html)
    except HyperTextError as exc:
        raise RecordError(str(exc)) from None
    kept, notes, gone = [], [], set()
    for region in regions:
        if region.html is not None:
            found = place(document, region.html)
            if isinstance(found, str):
                who = layers[region.layer][0] or "annotation"
                notes.append(f"{who}: region {region.ident!r:.30} ({', '.join(region.labels)}) {found}; left out")
                gone.add((region.layer, _key(region.ident)))
                continue
            region.start, region.end = found
            region.quote = None  # checked against the words by `place`, white space aside
        kept.append(region)
    linked = [r for r in relations if not {(r.layer, _key(r.from_id)), (r.layer, _key(r.to_id))} & gone]
    if len(linked) < len(relations):
        notes.append(f"{counted(len(relations) - len(linked), 'relation', 'relations')} to those regions left out")
    return document.text, kept, linked, notes


def _region(layer: int, ident: Any, value: dict[str, Any], item: dict[str, Any], what: str) -> _Region:
    start, end, labels, quote = value.get("start"), value.get("end"), value.get("labels"), value.get("text")
    if type(start) is not int or type(end) is not int:
        raise RecordError(f"{what}: start and end must be integers, got {start!r} and {end!r}")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise RecordError(f"{what}: labels must be a list of names, got {labels!r:.60}")
    meta = item.get("meta")
    notes = meta.get("text") if isinstance(meta, dict) else None
    note = "\n".join(n for n in notes if isinstance(n, str)) if isinstance(notes, list) else ""
    link_end = isinstance(meta, dict) and meta.get("link_end") is True
    actor = meta.get("actor", meta.get("kb_id")) if isinstance(meta, dict) else None
    how = meta.get("actor_how", "user") if isinstance(meta, dict) else None
    quoted = quote if isinstance(quote, str) else None
    return _Region(layer, ident, start, end, quoted, labels, note, link_end, actor=actor, actor_how=how)


def _same_quote(quote: str, here: str) -> bool:
    """Label Studio quotes a line break (CR or LF) as the two characters `\\n`; older versions did not."""
    return quote == here or quote == here.replace("\r", "\\n").replace("\n", "\\n")


def _misfit(raw: str, regions: list[_Region], layers: list[tuple[str | None, str | None, list[Any]]]) -> str:
    bad = next(r for r in regions if not (0 <= r.start < r.end <= len(raw)) or not _fits_quote(raw, r))
    who = layers[bad.layer][0] or "annotation"
    where = f"{who}: region {bad.ident} ({bad.start}-{bad.end} {', '.join(bad.labels)})"
    if not 0 <= bad.start < bad.end <= len(raw):
        return f"{where} is not a span of the text, which has {len(raw)} characters"
    return (
        f"{where} quotes {bad.quote!r:.40} but the text there is {raw[bad.start : bad.end]!r:.40}, "
        "counted in code points, UTF-16 units or grapheme clusters"
    )


def _fits_quote(raw: str, region: _Region) -> bool:
    return region.quote is None or _same_quote(region.quote, raw[region.start : region.end])


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


#: The task meta key our export writes: the people whose layer was done with no statement, so an
#: annotation of theirs with only the text's choices is still a decision that the text has none.
STATEMENTS_DECIDED = "statements_decided"


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


# -- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One annotator's labeled statements of a text, or a model's (`model_version` set, or a
    `model:<version>` name): what the writer needs of an export row."""

    name: str
    spans: Sequence[Span]
    model_version: str | None = None
    #: The layer's links: relations between its regions (a link's other end gets a region of its own).
    links: Sequence[Link] = ()
    #: Names an end that is no statement (an entity's type); `SPAN` when not given.
    end_label: Any = None
    #: The article's categories by group, one `choices` result each: (group, (category, ...)).
    choices: Sequence[tuple[str, Sequence[str]]] = ()
    #: Notes on statements without a label: a `textarea` result (a comment) on the text each.
    notes: Sequence[tuple[int, int, str]] = ()
    #: The actors the layer's link ends stand for: `actor`/`actor_how` in their region's `meta`.
    actors: Sequence[Any] = ()


def label_studio_task(
    text: str,
    layers: Iterable[Layer],
    *,
    task_id: int | None = None,
    data: dict[str, Any] | None = None,
    from_name: str = "label",
    to_name: str = "text",
    data_key: str = "text",
    as_predictions: bool = True,
    completed_by: bool = True,
) -> dict[str, Any]:
    """One Label Studio task with the layers' statements as `labels` regions.

    Label Studio imports it into a project whose labeling config has `<Text name=to_name
    value="$data_key"/>` and `<Labels name=from_name toName=to_name>` with these labels
    (its NER template's names are the defaults). With `as_predictions` (the default, Label
    Studio's documented way to pre-annotate: `docs/source/guide/predictions.md`) every
    layer becomes a prediction whose `model_version` names it. Otherwise people's layers
    become annotations as Label Studio exports them; `completed_by` is `ls-<id>`'s id or
    an e-mail name, which its import resolves to a member (`label_studio/tasks/
    serializers.py`, `_insert_valid_completed_by`); other names are left out, and the
    annotation goes to whoever imports. That import refuses the whole file when a `completed_by`
    is not a member of the target instance: without `completed_by` none is written, and
    `created_username` (which Label Studio's import ignores and its export writes) names the
    layer. Offsets are code points, as Label Studio counts them today.
    """
    task: dict[str, Any] = {"data": {**(data or {}), data_key: text}}
    if task_id is not None:
        task["id"] = task_id
    annotations: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    for layer in layers:
        result = _regions_of(text, layer, from_name, to_name)
        version = layer.model_version
        if version is None and is_model_layer(layer.name):
            version = layer.name.removeprefix(MODEL_LAYER_PREFIX)
        if as_predictions or version is not None:
            predictions.append({"model_version": version or layer.name, "result": result})
            continue
        annotation: dict[str, Any] = {"result": result, "was_cancelled": False, "ground_truth": False}
        recorded = _completed_by(layer.name)
        if recorded is not None and completed_by:
            annotation["completed_by"] = recorded
        annotation["created_username"] = layer.name
        annotations.append(annotation)
    task["annotations"] = annotations
    task["predictions"] = predictions
    return task


def _regions_of(text: str, layer: Layer, from_name: str, to_name: str) -> list[dict[str, Any]]:
    """A layer's spans as regions: one per stretch of text, with all its labels; then a region for each
    other end of a link that is no statement (marked `link_end`), and the relations."""
    by_place: dict[tuple[int, int], tuple[list[str], str]] = {}
    for start, end, label, note in layer.spans:
        by_place.setdefault((start, end), ([], note))[0].append(label)
    ends = [span for link in layer.links for span in (link.head, link.child) if span not in by_place]
    regions = []

    def region_id(start: int, end: int) -> str:
        return hashlib.sha1(f"{layer.name}\0{start}\0{end}".encode()).hexdigest()[:10]

    places: list[tuple[tuple[int, int], list[str], dict[str, Any] | None]] = [
        (span, labels, {"text": [note]} if note else None) for span, (labels, note) in by_place.items()
    ]
    for span in dict.fromkeys(ends):  # a link's end only
        places.append((span, [layer.end_label(span) if layer.end_label else SPAN_LABEL], {"link_end": True}))
    actor_at = {(m.start, m.end): m for m in layer.actors}
    places = [
        (span, labels, {**(meta or {}), "actor": actor_at[span].actor, "actor_how": actor_at[span].how})
        if span in actor_at
        else (span, labels, meta)
        for span, labels, meta in places
    ]
    for (start, end), labels, meta in places:
        quote = text[start:end].replace("\r", "\\n").replace("\n", "\\n")
        region: dict[str, Any] = {
            "id": region_id(start, end),
            "from_name": from_name,
            "to_name": to_name,
            "type": "labels",
            "value": {"start": start, "end": end, "text": quote, "labels": labels},
        }
        if meta:
            region["meta"] = meta
        regions.append(region)
    regions += [
        {
            "id": region_id(start, end),
            "from_name": "note",
            "to_name": to_name,
            "type": "textarea",
            "value": {"start": start, "end": end, "text": [note]},
        }
        for start, end, note in layer.notes
    ]
    regions += [
        {
            "from_id": region_id(*link.head),
            "to_id": region_id(*link.child),
            "type": "relation",
            "direction": "right",
            "labels": [link.label],
        }
        for link in layer.links
    ]
    regions += [
        {
            "id": hashlib.sha1(f"{layer.name}\0{group}".encode()).hexdigest()[:10],
            "from_name": group,
            "to_name": to_name,
            "type": "choices",
            "value": {"choices": list(names)},
        }
        for group, names in layer.choices
        if names
    ]
    return regions


def _completed_by(name: str) -> int | dict[str, str] | None:
    found = re.fullmatch(r"ls-(\d+)", name)
    if found:
        return int(found.group(1))
    return {"email": name} if "@" in name else None


#: Who the annotations are written as: the recorded `ls-<id>`/e-mail (accepted only where that person
#: is a member), nobody (whoever imports; accepted anywhere), or `auto`: recorded for a task that came
#: from Label Studio (its people are members of the instance it came from), nobody for the others.
COMPLETED_BY = Option(
    "completed-by",
    ("auto", "importer", "recorded"),
    "With --layers-as annotations: who completed each annotation. Label Studio refuses a whole file naming "
    "someone who is not a member of its instance: auto (the default) writes the recorded ls-ID or e-mail for "
    "tasks that came from Label Studio and leaves it out for the others (they go to whoever imports); importer "
    "leaves it out everywhere; recorded writes it everywhere",
    default="auto",
)
#: Account items of a Label Studio export.
AS_PREDICTIONS = "ls_as_predictions"
COMPLETED_BY_LEFT_OUT = "ls_completed_by_left_out"
NEW_TASK_IDS = "ls_new_task_ids"

#: How the export gives people's layers to Label Studio.
LAYERS_AS = Option(
    "layers-as",
    ("predictions", "annotations"),
    "People's layers as predictions named after them (pre-annotations to review; the default) or as "
    "annotations (completed_by: ls-ID or an e-mail); a model's layer is always a prediction",
    default="predictions",
)


class LabelStudioWriter(Writer):
    """A JSON array of tasks, one per article: each exported layer an annotation or a prediction.

    Rows come in article order; the rows of one article (several with `--all-layers`) make one
    task. Its `data` holds the text, the title, the source and the article's metadata (a task that
    came from Label Studio: its data as it came); a task that came from Label Studio keeps its id,
    the others get the article's number (label-studio-converter needs one). Spans answered reject
    are left out (Label Studio has no answers).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_predictions = self.options[LAYERS_AS.key] == "predictions"
        self.completed_by = self.options.get(COMPLETED_BY.key) or COMPLETED_BY.default
        self.pending: list[ExportRow] = []
        self.groups = [(g.name, {c.name for c in g.categories}) for g in self.context.categories]

    def _choices(self, row: ExportRow) -> list[tuple[str, list[str]]]:
        """The row's known categories by group (`<Choices name=GROUP>`), in scheme order."""
        if not listable(row):  # unknown, or only a 0 on a category asked: no choices say that
            return []
        return [(name, [c for c in row.categories if c in members]) for name, members in self.groups]

    def write(self, handle: Any, row: ExportRow) -> bool:
        joins = bool(self.pending) and self.pending[0].article_id == row.article_id
        if self.pending and not joins:
            self._flush(handle)
        self.pending.append(row)
        self.count_labels(row)
        self.summary.counts["rejected_left_out"] += len(row.rejected)
        return not joins  # another layer of the same task: no article of its own

    def finish(self, handle: Any) -> None:
        self._flush(handle)
        handle.write("\n]\n" if self.summary.records else "[]\n")

    def _flush(self, handle: Any) -> None:
        if not self.pending:
            return
        first = self.pending[0]
        task_id = first.meta.get(TASK_ID)
        from_label_studio = isinstance(task_id, int) and not isinstance(task_id, bool)
        # A task from Label Studio goes back with its data as it came; the others carry title and source.
        data = {} if from_label_studio else {"title": first.title, "source": first.source}
        data.update((key, value) for key, value in first.meta.items() if key != TASK_ID)
        if not from_label_studio:  # label-studio-converter needs an id
            task_id = first.article_id
            self.summary.counts[NEW_TASK_IDS] += 1
        recorded = self.completed_by == "recorded" or (self.completed_by == "auto" and from_label_studio)
        layers = [
            Layer(
                row.annotator,
                row.spans,
                links=row.links,
                end_label=end_namer(row),
                choices=self._choices(row),
                notes=row.notes,
                actors=row.actors,
            )
            for row in self.pending
            if row.annotator is not None
        ]
        task = label_studio_task(
            first.text,
            layers,
            task_id=task_id,
            data=data,
            as_predictions=self.as_predictions,
            completed_by=recorded,
        )
        named = sorted({m.actor for row in self.pending for m in row.actors})
        meta: dict[str, Any] = {}
        if named:  # who the link ends stand for, with kind and side: the task's meta (Label Studio keeps it)
            kinds = self.context.actor_kinds
            meta["actors"] = [
                {"name": n, "kind": kinds[n][0], "side": kinds[n][1]} if n in kinds else {"name": n} for n in named
            ]
        decided = [
            row.annotator
            for row in self.pending
            if row.annotator is not None
            and row.status == "done"
            and not row.spans
            and not is_model_layer(row.annotator)
        ]
        if decided and not self.as_predictions:  # done with no statement: its choices alone would read as undecided
            meta[STATEMENTS_DECIDED] = decided
        if meta:
            task["meta"] = meta
        people = [layer for layer in layers if not is_model_layer(layer.name)]
        if self.as_predictions:
            self.summary.counts[AS_PREDICTIONS] += len(people)
        elif not recorded:
            self.summary.counts[COMPLETED_BY_LEFT_OUT] += len(task["annotations"])
        handle.write(("[\n" if not self.summary.records else ",\n") + srsly.json_dumps(task))
        self.summary.records += 1
        self.pending = []


FORMAT = Format(
    name="label-studio",
    title="Label Studio JSON",
    suffixes=(".jsonl", ".ndjson", ".json"),
    read_object=read_label_studio,
    is_object=is_label_studio,
    writer=LabelStudioWriter,
    export_suffixes=(".json",),
    options=(LAYERS_AS, COMPLETED_BY),
    account_items={
        AS_PREDICTIONS: (
            "people's layers written as predictions (pre-annotations to review): label-studio-converter converts "
            "annotations only, --layers-as annotations for it",
            False,
        ),
        COMPLETED_BY_LEFT_OUT: (
            "annotations without completed_by: they go to whoever imports (Label Studio refuses a file naming a "
            "non-member); created_username names the layer; --completed-by recorded writes ls-ID or e-mail",
            False,
        ),
        NEW_TASK_IDS: ("tasks that did not come from Label Studio, given the article's number as their id", False),
    },
    holds_categories=True,
    holds_notes=True,
    imports="JSON export, JSON-MIN and tasks one a line: each person's `labels` regions become their "
    "statements (`completed_by`: e-mail, else `ls-<id>`), `relation` results their links (by `direction`), the "
    "text's `choices` the article's categories (an annotation of choices alone answers them only: in progress, "
    "its statements undecided), `predictions` a model's layer `model:<version>`; `<HyperText>` "
    "regions placed in the HTML's text (the article's), `<Paragraphs>` regions in the utterances, one a line",
    exports="a JSON array of tasks Label Studio imports: `data.text`, each layer's statements as `labels` "
    "regions, its links as `relation` results and its article categories as a `choices` result per category "
    "group, as `predictions` (pre-annotations; default) or `annotations` (`--layers-as`)",
    reads_back=True,
    peers='Label Studio imports it into a project whose config has `<Text name="text" value="$text"/>`, '
    '`<Labels name="label" toName="text">` and a `<Choices>` per category group; it refuses a whole file '
    "naming a `completed_by` who is not a member, so `--completed-by auto` writes it only for tasks that came "
    "from it (tested from `tasks/serializers.py`); label-studio-converter 0.0.59 converts it, annotations only: "
    "`--layers-as annotations` (run in a test)",
)
