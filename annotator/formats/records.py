"""Validate one parsed input record (plain, Prodigy-style or doccano-style) into an `IncomingRecord`.

Everything is checked before anything is stored, so a record is taken whole or not at all.
Spans are checked against the text as given, then moved with it when it is normalised.
Offsets are code points, unless the spans' quoted `text` proves the writer counted UTF-16
code units (a JavaScript or Java tool): then they are read as such (`text.offsets_by_quotes`).
Other tools' shapes are turned into this one by their own modules (`doccano`, `label_studio`).
"""

from __future__ import annotations

import math
from operator import itemgetter
from typing import Any

from annotator import settings
from annotator.formats.relations import (
    RelationError,
    actors_from_record,
    link_decisions_from,
    links_from_relations,
    shifted,
)
from annotator.records import (
    ACCEPT,
    ANSWERS,
    MODEL,
    STATUSES,
    USER,
    Entity,
    IncomingRecord,
    Note,
    RejectedSpan,
    Span,
    model_layer_problem,
    name_problem,
    note_problem,
    record_size_problem,
    reserved_name,
)
from annotator.text import BOM, lone_surrogate, normalize, offsets_by_quotes, title_of

#: integers a JSON writer built on C integers (ujson, as srsly bundles it) carries exactly
INT_RANGE = _INT_MIN, _INT_MAX = (-(2**63), 2**64 - 1)


#: The keys links, link decisions and actors are read from (`formats.relations`).
_LINKS_KEYS = frozenset({"relations", "_link_decisions", "entities", "actors"})


class RecordError(ValueError):
    """Why a record was rejected; the caller adds FILE:LINE."""


def record_from_dict(obj: Any, *, source: str, line: int, gold_allowed: bool = False) -> IncomingRecord:
    """The record `obj` stands for, or RecordError saying why not.

    `_annotator_id: "gold"` is refused (`records.reserved_name`): the gold layer is what this
    project's review decided, and a file cannot decide it. Only a teammate's project file, whose
    gold layer is its own review's decisions, passes `gold_allowed`.
    """
    if type(obj) is dict and _RARE_KEYS.isdisjoint(obj) and (plain := _plain_record(obj, source, line)) is not None:
        return plain  # the common record, read without probing for what it does not hold
    return _record_read_whole(obj, source=source, line=line, gold_allowed=gold_allowed)


def _record_read_whole(obj: Any, *, source: str, line: int, gold_allowed: bool = False) -> IncomingRecord:
    """`record_from_dict` for any object: every key it may hold looked at, every problem named."""
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {_kind(obj)}")
    if "text" not in obj:
        raise RecordError('missing "text"')
    raw = obj["text"]
    if not isinstance(raw, str):
        raise RecordError(f'"text" must be a string, got {_kind(raw)}')
    if not raw or raw.isspace():
        raise RecordError('"text" is empty')
    _check_surrogates(raw, '"text"')
    meta = obj.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise RecordError(f'"meta" must be an object, got {_kind(meta)}')
    meta_chars = check_meta_values(meta)
    notes: list[Note] = []
    if _our_notes(meta.get("notes")):  # the notes on unlabeled statements our export wrote: statements again
        notes = _notes(meta["notes"], raw)
        meta = {key: value for key, value in meta.items() if key != "notes"}
    annotator = obj.get("_annotator_id")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise RecordError('"_annotator_id" must be a non-empty string')
    if annotator is not None:
        _check_surrogates(annotator, '"_annotator_id"')
        if (bad := name_problem(annotator, "the annotator's name") or model_layer_problem(annotator)) is not None:
            raise RecordError(bad)  # an ESC in a name would reach every CSV and terminal that shows it
        reserved = None if gold_allowed else reserved_name(annotator)
        if reserved:
            raise RecordError(
                f'{reserved}; to import these labels as a person\'s, remove "_annotator_id" and pass --annotator NAME'
            )
    answer = obj.get("answer", ACCEPT)
    if answer not in ANSWERS:
        raise RecordError(f'"answer" must be one of {", ".join(ANSWERS)}, got {answer!r:.40}')

    counted = [len(v) if isinstance(v, list) else 0 for v in (obj.get(k) for k in ("spans", "entities", "relations"))]
    if (too_many := record_size_problem(*counted)) is not None:  # before a single one is parsed
        raise RecordError(too_many)
    try:
        spans, accepted, rejected = _spans(obj, raw)
        entities = _entities(obj.get("entities"), raw)
    except RecordError:
        recounted = _counted_in_utf16(obj, raw)
        if recounted is None:
            raise
        spans, accepted, rejected = _spans(recounted, raw)
        entities = _entities(recounted.get("entities"), raw)
    links: list = []
    decisions: list = []
    actors: list = []
    actor_kinds: dict = {}
    refused: list[str] = []
    if not _LINKS_KEYS.isdisjoint(obj):  # most records have none of them: nothing to read
        try:
            if answer == ACCEPT:
                links = links_from_relations(obj.get("relations"), raw, obj.get("spans"), obj.get("tokens"), refused)
            decisions = link_decisions_from(obj.get("_link_decisions"), raw)
            if answer == ACCEPT:
                actors, actor_kinds = actors_from_record(obj, raw, refused)
        except RelationError as exc:
            raise RecordError(str(exc)) from None
    binary = bool(accepted or rejected)
    text, shift = normalize(raw)
    if text is not raw:
        spans = [Span(shift(s.start), shift(s.end), s.label, s.note) for s in spans]
        accepted = [Span(shift(s.start), shift(s.end), s.label, s.note) for s in accepted]
        rejected = [RejectedSpan(shift(r.start), shift(r.end), r.label, r.answer) for r in rejected]
        entities = [Entity(shift(e.start), shift(e.end), e.label, e.source) for e in entities]
        links = shifted(links, shift)
        decisions = [(shift(a), shift(b), label) for a, b, label in decisions]
        actors = [m._replace(start=shift(m.start), end=shift(m.end)) for m in actors]
        notes = [Note(shift(n.start), shift(n.end), n.note) for n in notes]
        if any(item.start >= item.end for item in [*spans, *accepted, *rejected, *entities, *notes]) or any(
            a >= b or c >= d for a, b, c, d, _ in links
        ):
            raise RecordError("a span covers only a line break, which is nothing once CRLF becomes LF")

    only_categories = False
    status = obj.get("_status")
    if status is not None and status not in STATUSES:
        raise RecordError(f'"_status" must be one of {", ".join(STATUSES)}, got {status!r}')
    categories = _categories(obj.get("_categories")) if answer == ACCEPT else []
    # binary textcat feedback (`formats.categories.FEEDBACK_KEY`) adds to the layer's categories; it
    # may give none (a reject: the one category asked is known not to apply)
    feedback = answer == ACCEPT and bool(obj.get("_categories_feedback"))
    asked = _categories(obj.get("_categories_asked")) if answer == ACCEPT and "_categories_asked" in obj else None
    if answer != ACCEPT:
        # A task answered reject/ignore: each span without an answer of its own takes the task's.
        rejected = [RejectedSpan(s.start, s.end, s.label, answer) for s in spans] + rejected
        spans = accepted
    else:
        spans += accepted
        only_categories = status is None and _answers_only_categories(obj, spans, rejected, links, notes)
        if only_categories:
            status = "in_progress"  # statements not asked: started, never finished (`only_categories`)
        elif (spans or rejected or links or categories or asked or notes or annotator is not None) and status is None:
            # Binary feedback (spans with their own answers) judges a few suggestions, not the whole
            # text: the article is not finished, so its unlabeled sentences stay unknown, not negatives.
            status = "in_progress" if binary else "done"

    title = obj.get("title") or meta.get("title") or title_of(text)
    if not isinstance(title, str):
        title = str(title)
    _check_surrogates(title, '"title"')
    return IncomingRecord(
        text=text,
        title=title,
        source=str(meta.get("source") or source),
        line=line,
        meta=meta,
        spans=spans,
        entities=entities,
        annotator=annotator.strip() if annotator else None,
        status=status,
        rejected=rejected,
        answer=answer,
        links=links,
        link_decisions=decisions,
        actors=actors,
        actor_kinds=actor_kinds,
        notes=notes if answer == ACCEPT else [],
        categories=categories,
        categories_asked=sorted({*asked, *categories}) if asked is not None else None,
        complete=not binary and not feedback and (status is not None or answer != ACCEPT),
        asked_with_groups=bool(obj.get("_categories_asked_with_groups")) and asked is not None,
        refused=tuple(refused),
        only_categories=only_categories,
        meta_chars=meta_chars,
    )


#: The keys `record_from_dict` reads besides "text", "meta", "spans", "answer" and "title": a
#: record holding none of them (a Prodigy `ner.manual` task, a plain record: most records) may be
#: read by `_plain_record`.
_RARE_KEYS = frozenset(
    {
        "_annotator_id",
        "entities",
        "relations",
        "label",
        "_link_decisions",
        "actors",
        "_status",
        "_categories",
        "_categories_feedback",
        "_categories_asked",
        "_categories_asked_with_groups",
    }
)


def _plain_record(obj: dict[str, Any], source: str, line: int) -> IncomingRecord | None:
    """The record `record_from_dict` makes of `obj` when `obj` is the common, well-formed kind:
    a text to take as it is (no BOM, no CR, no lone surrogate), flat or nested meta that passes
    its checks, no answer but accept, spans of known labels with plain offsets (no answer of
    their own, no offsets counted otherwise). For anything else it gives None, never an error,
    and `record_from_dict` reads the record the long way, which says what is wrong with it.
    Only called for an object holding none of `_RARE_KEYS`."""
    raw = obj.get("text")
    if type(raw) is not str or not raw or raw.isspace() or "\r" in raw or raw.startswith(BOM):
        return None
    if not raw.isascii() and lone_surrogate(raw) is not None:
        return None
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif type(meta) is not dict or "notes" in meta:
        return None
    try:
        meta_chars = check_meta_values(meta)
    except RecordError:
        return None
    if obj.get("answer", ACCEPT) != ACCEPT:
        return None
    spans: list[Span] = []
    if "spans" in obj:
        items = obj["spans"]
        if type(items) is not list or record_size_problem(len(items), 0, 0) is not None:
            return None
        try:
            spans = _plain_spans(items, raw)
        except KeyError:  # a span without start, end or label
            return None
        if spans is None:
            return None
    title = obj.get("title") or meta.get("title")
    if not title:
        title = title_of(raw)  # a line of the text, which holds no lone surrogate
    elif type(title) is not str or (not title.isascii() and lone_surrogate(title) is not None):
        return None
    status = "done" if spans else None
    return IncomingRecord(
        raw,
        title,
        str(meta.get("source") or source),
        line,
        meta,
        spans,
        status=status,
        complete=bool(spans),
        meta_chars=meta_chars,
    )


def _plain_spans(items: list[Any], text: str) -> list[Span] | None:
    """`_spans` of a plain record's `spans` when each is well-formed, of a label already checked
    (`_GOOD_LABELS`), without an answer of its own; else None (or KeyError: one lacks a key)."""
    spans: list[Span] = []
    add = spans.append
    size = len(text)
    good = _GOOD_LABELS
    for item in items:
        if type(item) is not dict:
            return None
        start, end, label = _START_END_LABEL(item)
        if not (
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= size
            and type(label) is str
            and label in good
        ):
            return None
        if len(item) == 3:  # start, end and label alone: nothing else to look at
            add(_new(Span, (start, end, label, "")))
            continue
        get = item.get  # a quote, a note, an answer, tokens…
        quoted, note, answer = get("text"), get("note"), get("answer")
        if answer is not None or (quoted is not None and quoted != text[start:end]):
            return None
        if note is None:
            note = ""
        elif type(note) is not str or note_problem(note) is not None:
            return None
        add(_new(Span, (start, end, label, note)))
    return spans


_START_END_LABEL = itemgetter("start", "end", "label")


def _answers_only_categories(obj: dict[str, Any], spans: list, rejected: list, links: list, notes: list) -> bool:
    """Whether an accepted record answers article categories and nothing of its statements: no
    `spans` key (nor doccano's `label` triples), no notes, no links, no status of its own (a
    textcat task, a `cats` record, a doccano text-classification line). Nobody was asked about
    its statements, so they are not decided: "done" would make the article a negative example."""
    asked = obj.get("_categories") or "_categories_asked" in obj or obj.get("_categories_feedback")
    return bool(asked) and not (spans or rejected or links or notes or "spans" in obj or "label" in obj)


def _categories(items: Any) -> list[str]:
    """The names a format's reader put under `_categories` (already checked by
    `formats.categories`, or a project file's), checked again here: the last gate before the store."""
    if items is None:
        return []
    if not isinstance(items, list) or any(type(c) is not str or not c.strip() for c in items):
        raise RecordError("categories must be a list of names")
    for name in items:
        _check_surrogates(name, "a category")
        _check_name(name.strip(), "a category")
    return sorted({c.strip() for c in items})


def _spans(obj: dict[str, Any], text: str) -> tuple[list[Span], list[Span], list[RejectedSpan]]:
    """Spans without an answer of their own, spans answered accept, spans answered reject/ignore."""
    spans: list[Span] = []
    accepted: list[Span] = []
    rejected: list[RejectedSpan] = []
    if "spans" in obj:
        items = obj["spans"]
        if not isinstance(items, list):
            raise RecordError(f'"spans" must be a list, got {_kind(items)}')
        size = len(text)
        good = _GOOD_LABELS
        add = spans.append
        for i, item in enumerate(items):
            if type(item) is not dict:
                raise RecordError(f"span {i} must be an object, got {_kind(item)}")
            get = item.get
            start, end, label, quoted, note = get("start"), get("end"), get("label"), get("text"), get("note")
            # `_checked`, inline: this loop runs for every span of every record
            if not (
                type(start) is int
                and type(end) is int
                and 0 <= start < end <= size
                and type(label) is str
                and label in good
                and (quoted is None or quoted == text[start:end])
            ):
                start, end, label = _bounds(i, start, end, label, text, quoted, "span")
            if note is not None and type(note) is not str:
                raise RecordError(f"span {i}'s note must be a string, got {_kind(note)}")
            if note and (bad := note_problem(note, f"span {i}'s note")) is not None:
                raise RecordError(bad)
            answer = get("answer")
            if answer is None:
                add(_new(Span, (start, end, label, note or "")))
            elif answer == ACCEPT:
                accepted.append(_new(Span, (start, end, label, note or "")))
            elif answer in ANSWERS:
                rejected.append(RejectedSpan(start, end, label, answer))
            else:
                raise RecordError(f"span {i}'s answer must be one of {', '.join(ANSWERS)}, got {answer!r:.40}")
    if "label" in obj:
        items = obj["label"]
        if not isinstance(items, list):
            raise RecordError(f'"label" must be a list of [start, end, label], got {_kind(items)}')
        for i, item in enumerate(items):
            if not isinstance(item, list) or len(item) != 3:
                raise RecordError(f"label {i} must be [start, end, label], got {item!r:.60}")
            spans.append(Span(*_bounds(i, item[0], item[1], item[2], text, None)))
    return spans, accepted, rejected


def _our_notes(items: Any) -> bool:
    """`meta.notes` as our JSONL export writes it (a list of {start, end, note, text}); any other
    value under that key is the record's own meta, kept as it came."""
    return (
        isinstance(items, list)
        and bool(items)
        and all(isinstance(item, dict) and {"start", "end", "note"} <= item.keys() for item in items)
    )


def _notes(items: list[dict[str, Any]], text: str) -> list[Note]:
    """Notes on statements without a label, checked as spans are (exact code-point offsets, the
    quoted text if given must match)."""
    notes = []
    for i, item in enumerate(items):
        start, end, note = item["start"], item["end"], item["note"]
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
            raise RecordError(
                f"meta.notes {i}: start and end must be offsets into the text, got {start!r:.20}-{end!r:.20}"
            )
        if type(note) is not str:
            raise RecordError(f"meta.notes {i}: note must be a string, got {_kind(note)}")
        if (bad := note_problem(note, f"meta.notes {i}: the note")) is not None:
            raise RecordError(bad)
        quoted = item.get("text")
        if quoted is not None and quoted != text[start:end]:
            raise RecordError(f"meta.notes {i}: text {quoted!r:.40} is not the text at {start}-{end}")
        if note.strip():
            notes.append(Note(start, end, note))
    return notes


#: Makes a Span or Entity from a complete tuple, without the named tuple's argument handling.
_new = tuple.__new__

#: Labels already found well-formed; a corpus uses few, so most spans skip the checks.
_GOOD_LABELS: set[str] = set()


def _checked(i: int, start: Any, end: Any, label: Any, text: str, size: int, quoted: Any) -> tuple[int, int, str]:
    """The common, well-formed entity at once; `_bounds` says what is wrong with any other."""
    if (
        type(start) is int
        and type(end) is int
        and 0 <= start < end <= size
        and type(label) is str
        and label in _GOOD_LABELS
        and (quoted is None or quoted == text[start:end])
    ):
        return start, end, label
    return _bounds(i, start, end, label, text, quoted, "entity")


def _bounds(
    i: int, start: Any, end: Any, label: Any, text: str, quoted: Any, what: str = "span"
) -> tuple[int, int, str]:
    """Check one span of `text` (kept lean: it runs for every span of every record); `what` it is
    (span, entity) names it in a message: "entity 0's label", never "span 0 label" for an entity."""
    if type(start) is not int or type(end) is not int:  # bools are not offsets
        raise RecordError(f"{what} {i}: start and end must be integers, got {start!r} and {end!r}")
    if type(label) is not str or label not in _GOOD_LABELS:
        label = _checked_label(i, label, what)
    if not 0 <= start < end <= len(text):
        if start >= end:
            raise RecordError(f"{what} {i} ({start}-{end} {_shown(label)}): start must be before end")
        raise RecordError(
            f"{what} {i} ({start}-{end} {_shown(label)}) is outside the text, which has {len(text)} characters"
        )
    if quoted is not None and isinstance(quoted, str) and quoted != text[start:end]:
        raise RecordError(
            f"{what} {i} ({start}-{end} {_shown(label)}) says {quoted!r:.40} "
            f"but the text there is {text[start:end]!r:.40}"
        )
    if label not in _GOOD_LABELS:
        _check_name(label, f"{what} {i}'s label")
        if len(_GOOD_LABELS) < 10_000:
            _GOOD_LABELS.add(label)
    return start, end, label


def _shown(label: str) -> str:
    """A label as a message shows it: quoted when it holds line breaks or other control characters,
    so that a message stays one FILE:LINE: reason line."""
    return label if label.isprintable() else repr(label)


def _checked_label(i: int, label: Any, what: str) -> str:
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f"{what} {i}'s label must be a non-empty string, got {label!r:.40}")
    _check_surrogates(label, f"{what} {i}'s label")
    return label.strip()


def _entities(items: Any, text: str) -> list[Entity]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise RecordError(f'"entities" must be a list, got {_kind(items)}')
    entities = []
    size = len(text)
    for i, item in enumerate(items):
        if type(item) is not dict:
            raise RecordError(f"entity {i} must be an object, got {_kind(item)}")
        get = item.get
        start, end, label, quoted = get("start"), get("end"), get("label"), get("text")
        source = get("source", USER)
        if source != MODEL and source != USER:
            raise RecordError(f"entity {i}'s source must be 'model' or 'user', got {source!r:.40}")
        start, end, label = _checked(i, start, end, label, text, size, quoted)
        entities.append(_new(Entity, (start, end, label, source)))
    return entities


def _counted_in_utf16(obj: dict[str, Any], text: str) -> dict[str, Any] | None:
    """`obj` with its offsets turned into code points when its quotes prove that the tool that
    wrote it counted UTF-16 code units or grapheme clusters (`offsets_by_quotes`), else None. Only the failing
    records come here: the common, well-counted record pays nothing for it.
    """
    places: list[tuple[str, int]] = []
    found: list[tuple[int, int, str | None]] = []
    for key in ("spans", "entities", "label"):
        items = obj.get(key)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if type(item) is dict and type(item.get("start")) is int and type(item.get("end")) is int:
                quote = item.get("text")
                found.append((item["start"], item["end"], quote if isinstance(quote, str) else None))
            elif key == "label" and isinstance(item, list) and len(item) == 3 and _both_int(item[0], item[1]):
                found.append((item[0], item[1], None))
            else:
                return None
            places.append((key, i))
    offsets = offsets_by_quotes(text, found)
    if offsets is None:
        return None
    recounted = {key: list(obj[key]) for key in ("spans", "entities", "label") if isinstance(obj.get(key), list)}
    for (key, i), (start, end) in zip(places, offsets, strict=True):
        item = recounted[key][i]
        recounted[key][i] = {**item, "start": start, "end": end} if type(item) is dict else [start, end, item[2]]
    return {**obj, **recounted}


def _both_int(*values: Any) -> bool:
    return all(type(v) is int for v in values)


def check_meta_values(value: Any, what: str = '"meta"') -> int:
    """Every value in `meta` can be written back exactly: no lone surrogates (keys too), no
    NaN or infinity, no integer beyond 64 bits (spaCy's JSON writer, ujson, cannot carry
    those and has been seen writing `"id":,` for one). Iterative, so depth cannot overflow.

    Returns the size of its JSON text (counted while walking it, never written: ~ a character
    short of each escape), and refuses one larger than `settings.MAX_META_CHARS` before anything
    copies it (the store writes meta as one JSON text; a 60 MB one took the import past 1 GiB).
    """
    if type(value) is dict:  # the common meta: flat, of ASCII strings, integers, true, false, null
        size = 3  # its braces, and the comma after it in the list below
        for key, item in value.items():
            kind = type(item)
            if type(key) is not str or not key.isascii():
                break
            if kind is str and item.isascii():
                size += len(key) + len(item) + 6  # both quoted, with a colon and a comma
            elif kind is int and -99 <= item <= 999:
                size += len(key) + 7
            elif kind is int and _INT_MIN <= item <= _INT_MAX:
                size += len(key) + len(str(item)) + 4
            elif item is None or kind is bool or (kind is float and math.isfinite(item)):
                size += len(key) + 9
            else:
                break
        else:  # nothing else in it: `_meta_walked` would count the same
            if size <= settings.MAX_META_CHARS:
                return size
    return _meta_walked(value, what)


def _meta_walked(value: Any, what: str) -> int:
    """`check_meta_values` for any value: every container walked, every problem named."""
    size = -2  # the list `value` is wrapped in below
    stack: list[tuple[Any, int]] = [([value], 0)]  # containers only: a flat list of millions is walked, not copied
    found: list[Any] = []
    while stack:
        container, depth = stack.pop()
        if depth > settings.MAX_META_DEPTH:
            raise RecordError(f"{what} is nested more than {settings.MAX_META_DEPTH} levels deep")
        size += 2
        if isinstance(container, dict):
            for key in container:
                size += _meta_scalar(key, what, found)
            container = container.values()
        for item in container:
            size += _meta_scalar(item, what, found)
        if found:
            stack += [(inner, depth + 1) for inner in found]
            found.clear()
    if size > settings.MAX_META_CHARS:
        raise RecordError(meta_size_message(size, what))
    return size


def _meta_scalar(item: Any, what: str, containers: list[Any]) -> int:
    """The JSON size of one value of `meta` (with the comma or colon after it), checked as
    `check_meta_values` says; an object or a list goes on `containers` (counted when walked)."""
    kind = type(item)  # parsed JSON holds these exact types; subclasses take the long way below
    if kind is str:
        if not item.isascii():
            _check_surrogates(item, what)
        return len(item) + 3  # its quotes and the comma or colon after it
    if kind is int:
        if not INT_RANGE[0] <= item <= INT_RANGE[1]:
            raise RecordError(f"{what} has an integer beyond 64 bits ({item}); write it as a string")
        return 4 if -99 <= item <= 999 else len(str(item)) + 1
    if kind is dict or kind is list or isinstance(item, (dict, list)):
        containers.append(item)
        return 1
    if isinstance(item, str):
        _check_surrogates(item, what)
        return len(item) + 3
    if _is_int(item) and not INT_RANGE[0] <= item <= INT_RANGE[1]:
        raise RecordError(f"{what} has an integer beyond 64 bits ({item}); write it as a string")
    if isinstance(item, float) and not math.isfinite(item):
        raise RecordError(f"{what} has {item}, which is not a JSON number")
    return 6  # a number, true, false, null


def meta_size_message(size: int, what: str = '"meta"') -> str:
    """What is said of a record whose meta is `size` characters of JSON."""
    cap = settings.MAX_META_CHARS
    return (
        f"{what} is {size / 1e6:,.1f} MB of JSON; at most {cap // 2**20} MiB is kept a record "
        "(keep the rest in a file of its own, or split the record)"
    )


def _check_name(name: str, what: str) -> None:
    problem = name_problem(name, what)
    if problem:
        raise RecordError(problem)


def _check_surrogates(value: str, what: str) -> None:
    at = lone_surrogate(value)
    if at is not None:
        raise RecordError(f"{what} has a lone surrogate (U+{ord(value[at]):04X}) at offset {at}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


#: What a JSON value is, as messages name it ("an object", "null"), for the other formats' readers.
kind_of = _kind
