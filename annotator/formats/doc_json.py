"""spaCy's own JSON, `Doc.to_json()` (one object a line, as `srsly.write_jsonl` writes a list of
them), turned into the record shape `records.record_from_dict` reads.

What spaCy writes (`Doc.to_json` in `spacy/tokens/doc.pyx`, read back by `Doc.from_json`):
`text`; `ents` (`[{start, end, label}]`) once an entity recogniser has run; `sents`; `cats`
(whatever `doc.cats` held); `tokens`; `spans` (`{group: [{start, end, label, kb_id}]}`); with
`to_json(underscore=[...])`, the custom attributes under `_`, `underscore_token` and
`underscore_span`. Offsets are code points into the text, as ours are.

Read:
- `ents` are the article's entities, a pipeline's output (source "model") unless an entity says
  otherwise; a `kb_id` on one is the actor it stands for, as an entity's `kb_id_` in another
  tool's DocBin (`docbin.task_from_doc`; spaCy 3.8 writes none on `ents`, a line made by hand may);
- `spans["sc"]`, the group our DocBin export writes statements to (`docbin.SPANS_KEY`), are the
  statements, as Prodigy's `spans` (a `spans` without that group says nothing of statements);
  `spans["ents_overflow"]`, where it writes the entities that overlap others, are entities too;
- `cats` goes the way of any record's `cats` (`formats.categories`): 0/1 values are article
  categories, scores a model's output, counted and not imported.

Counted as left out (`formats.left_out`), never dropped in silence nor refusing the record: the
spans of every other group (by key), spans of "sc" without a label (`span_finder`'s candidates),
a `kb_id` on a statement, custom attributes. Not read:
`sents` and `tokens`, which pre-annotation makes again for the stored text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.formats.docbin import OVERFLOW_KEY, SPANS_KEY
from annotator.formats.left_out import LeftOut, labeled_statements
from annotator.formats.records import RecordError, kind_of
from annotator.records import MODEL, record_size_problem

#: Where `to_json(underscore=...)` puts the doc's, tokens' and spans' custom attributes.
_CUSTOM_KEYS = ("_", "underscore_token", "underscore_span")
#: Keys of a `to_json` object that are not passed on to `record_from_dict` (read here, or not read).
_SPACY_KEYS = frozenset({"ents", "sents", *_CUSTOM_KEYS})


def is_doc_json(obj: dict[str, Any]) -> bool:
    """Whether an object is in spaCy's `Doc.to_json` shape: it has `ents` (Prodigy and doccano call
    them `entities`) or its `spans` are span groups by key (Prodigy's are a list)."""
    return "ents" in obj or isinstance(obj.get("spans"), dict)


def record_of_doc_json(obj: dict[str, Any], line: int, left_out: LeftOut) -> dict[str, Any]:
    """The record a `Doc.to_json` object stands for, in the shape `record_from_dict` reads (see
    the module docstring); what it cannot take is added to `left_out`. Raises `RecordError` for
    `ents` or span groups that are not lists. Entity `i` and span `i` in later messages are the
    `i`th of `ents` (then of `ents_overflow`) and of the labeled spans of `spans["sc"]`."""
    if (too_many := _size_problem(obj)) is not None:  # before a single one is copied
        raise RecordError(too_many)
    record = {key: value for key, value in obj.items() if key not in _SPACY_KEYS}
    if "relations" not in obj:  # spaCy's tokens ({id, start, end, tag…}): nothing reads them without relations
        record.pop("tokens", None)
    ents = obj.get("ents")
    if ents is not None:
        if not isinstance(ents, list):
            raise RecordError(f'"ents" must be a list of {{"start", "end", "label"}}, got {kind_of(ents)}')
        _add_entities(record, ents)
    groups = obj.get("spans")
    if isinstance(groups, dict):
        del record["spans"]
        others: list[str] = []
        for key, items in groups.items():
            if not isinstance(items, list):
                raise RecordError(f"span group {key!r:.40} must be a list of spans, got {kind_of(items)}")
            if key == SPANS_KEY:
                labeled = labeled_statements(items, line, left_out, _key("label"), _key("kb_id"))
                record["spans"] = [_statement(item) for item in labeled]
            elif key == OVERFLOW_KEY:  # entities a DocBin export could not fit into doc.ents (overlaps)
                _add_entities(record, items)
            else:
                others += [key] * len(items)
        left_out.add("span_group", line, len(others), tuple(others))
    custom: list[str] = []
    for key in _CUSTOM_KEYS:
        value = obj.get(key)
        if value is not None:  # {attribute: value}, as spaCy writes it; any other value counts as one
            custom += list(value) if isinstance(value, dict) else [key]
    left_out.add("custom_attribute", line, len(custom), tuple(custom))
    return record


def _size_problem(obj: dict[str, Any]) -> str | None:
    """`record_size_problem` on the counts of `ents`, `spans["ents_overflow"]`, `entities`,
    `spans["sc"]` and `relations` as given: each would be copied into the record before
    `record_from_dict` counts them (2,000,000 entities took the memory an import may use).
    Unlabeled candidates among the `sc` spans count too: they are items of the record all the same."""
    groups = obj.get("spans")
    groups = groups if isinstance(groups, dict) else {}

    def count(value: Any) -> int:
        return len(value) if isinstance(value, list) else 0

    entities = count(obj.get("ents")) + count(groups.get(OVERFLOW_KEY)) + count(obj.get("entities"))
    return record_size_problem(count(groups.get(SPANS_KEY)), entities, count(obj.get("relations")))


def _add_entities(record: dict[str, Any], items: list[Any]) -> None:
    """Add spaCy's entities to those the record gives under Prodigy's name, if any."""
    given = record.get("entities", [])
    if not isinstance(given, list):
        raise RecordError(f'"entities" must be a list, got {kind_of(given)}')
    record["entities"] = [*given, *map(_entity, items)]


def _entity(item: Any) -> Any:
    """One of `ents` as an entity of the record (any other value is left for `record_from_dict` to
    refuse, with its index)."""
    if type(item) is not dict:
        return item
    entity = {key: value for key, value in item.items() if key != "kb_id"}
    entity.setdefault("source", MODEL)
    kb_id = item.get("kb_id")
    if kb_id:  # spaCy's default is "": no actor
        entity["actor"], entity["actor_how"] = kb_id, "user"
    return entity


def _key(key: str) -> Callable[[Any], Any]:
    """A span's `key`, None for anything that is no object (left for `record_from_dict` to refuse)."""
    return lambda item: item.get(key) if type(item) is dict else None


def _statement(item: Any) -> Any:
    """One span of the `sc` group as a statement (its `kb_id` is counted by the caller)."""
    if type(item) is not dict or "kb_id" not in item:
        return item
    return {key: value for key, value in item.items() if key != "kb_id"}
