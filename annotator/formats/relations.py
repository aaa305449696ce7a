"""Links as Prodigy's `rel.manual` writes relations, read and written; shared by every format that carries them.

A relation is `{"head": i, "child": j, "head_span": {"start", "end", "token_start",
"token_end", "label"}, "child_span": {…}, "label": TYPE}`: `head`/`child` are the token index
of each span's *last* token, as spaCy's `rel_component` project reads them
(explosion/projects `tutorials/rel_component/scripts/parse_data.py`: "the 'head' and 'child'
annotations refer to the end token in the span"). Offsets (`start`/`end`) are what a link is
kept by; a relation that gives only token indices is placed on the task's span ending at that
token, as that project does.

A task answered reject or ignore brings no links: its relations are nobody's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from annotator.records import ActorMention, ExportRow, Link, name_problem
from annotator.store.actors import ActorError, check_name

#: A span's label in `head_span`/`child_span` when the end is not a labeled statement nor an entity.
SPAN_LABEL = "SPAN"


class RelationError(ValueError):
    """Why a relation cannot be read (the caller adds the record's place)."""


class UnplacedEnd(RelationError):
    """A relation by token index whose token no span of the task ends at: that relation alone is
    left out (`links_from_relations`' `refused`), the record's text and spans still come in."""


def links_from_relations(
    items: Any, text: str, spans: Any = None, tokens: Any = None, refused: list[str] | None = None
) -> list[Link]:
    """The links of a task's `relations` (None: none). Raises `RelationError`.

    A relation by token index only (`head`/`child`, no `head_span`) in a record whose spans
    give no `token_end` and that has no `tokens` counts spaCy's tokens of the text
    (`spacy.blank("en")`'s tokenizer, what Prodigy's recipes tokenize with): the end is the
    task's span ending at that token, else the token itself. One whose token no span ends at
    cannot be placed: with a `refused` list it is named there and left out, and the other
    relations are read (a wrong index loses that relation, not the annotator's whole task)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise RelationError(f'"relations" must be a list, got {_kind(items)}')
    ends_at = _span_ends(spans)
    by_index = [item for item in items if type(item) is dict and ("head_span" not in item or "child_span" not in item)]
    if by_index and not ends_at:
        ends_at = _token_ends(text, spans, tokens)
    links = []
    for i, item in enumerate(items):
        if type(item) is not dict:
            raise RelationError(f"relation {i} must be an object, got {_kind(item)}")
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            raise RelationError(f"relation {i}'s label must be a non-empty string, got {label!r:.40}")
        problem = name_problem(label.strip(), f"relation {i}'s label")
        if problem:
            raise RelationError(problem)
        try:
            head = _end(i, "head", item, text, ends_at)
            child = _end(i, "child", item, text, ends_at)
        except UnplacedEnd as exc:
            if refused is None:
                raise
            refused.append(f"relation {i} ({label.strip()[:40]}) not imported: {exc}")
            continue
        if head == child:
            raise RelationError(f"relation {i} ({label}) links {head[0]}-{head[1]} to itself")
        links.append(Link(*head, *child, label.strip()))
    return links


#: The kinds an actor may have in a file's top-level `actors` (`store.actors.KINDS`).
ACTOR_KINDS = ("person", "state", "organisation", "media", "anonymous")


def actors_from_record(
    obj: dict[str, Any], text: str, refused: list[str] | None = None
) -> tuple[list[ActorMention], dict[str, tuple[str, str]]]:
    """The actors a record's link ends and entities stand for (`actor`, `actor_how` on a relation's
    `head_span`/`child_span` or an entity) and its top-level `actors` ({name, kind, side}).

    A name the actors' registry would refuse (`store.actors.check_name`: a control or invisible
    character, a word mixing Latin and Cyrillic letters, nothing to compare by) is refused here, at
    the door: with a `refused` list it is named there once and the end comes in without its actor
    (the store would otherwise drop it without a word); without one it raises. A side it would
    refuse is named and left out, the actor's kind kept. Raises `RelationError` for a mention that is
    no span of the text or an `actors` list that is not one."""
    found: dict[tuple[int, int], ActorMention] = {}
    ends: list[Any] = []
    for relation in obj.get("relations") or ():
        if type(relation) is dict:
            ends += [relation.get("head_span"), relation.get("child_span")]
    entities = list(obj.get("entities") or ()) if isinstance(obj.get("entities"), list) else []
    link_ends: set[tuple[int, int]] = set()
    bad: dict[str, tuple[str, set[tuple[int, int]]]] = {}  # refused name -> (why, its spans)
    for is_end, span in [(True, e) for e in ends] + [(False, e) for e in entities]:
        if type(span) is not dict or "actor" not in span:
            continue
        name, how = span["actor"], span.get("actor_how", "user")
        start, end = span.get("start"), span.get("end")
        if not _ints(start, end) or not 0 <= start < end <= len(text):
            raise RelationError(f"an actor's mention {start!r:.20}-{end!r:.20} is not a span of the text")
        if is_end:
            link_ends.add((start, end))
        checked = _checked_actor_name(name, "actor name", refused)
        if isinstance(checked, ActorError):
            bad.setdefault(repr(name), (str(checked), set()))[1].add((start, end))
            continue
        found[(start, end)] = ActorMention(start, end, checked, how if isinstance(how, str) else "user")
    if refused is not None:  # else `_checked_actor_name` raised at the first
        refused += [f"{why}; {_left_without_actor(spans, link_ends)}" for why, spans in bad.values()]
    return sorted(found.values()), _listed_kinds(obj.get("actors"), refused, set(bad))


def _left_without_actor(spans: set[tuple[int, int]], link_ends: set[tuple[int, int]]) -> str:
    """What came in without the refused actor: `the link comes in without its actor`, or the ends counted."""
    what = "link" if spans & link_ends else "entity"
    if len(spans) == 1:
        return f"the {what} comes in without its actor"
    return f"{len(spans)} {'link ends' if what == 'link' else 'entities'} come in without their actor"


def _listed_kinds(listed: Any, refused: list[str] | None, named: set[str]) -> dict[str, tuple[str, str]]:
    """{name: (kind, side)} of a record's top-level `actors`. An entry whose name is refused is left
    out (named unless a mention of it was, `named` holding their reprs); a refused side is left out."""
    kinds: dict[str, tuple[str, str]] = {}
    if listed is None:
        return kinds
    if not isinstance(listed, list) or len(listed) > 10_000:
        raise RelationError('"actors" must be a list of {"name", "kind", "side"}')
    for item in listed:
        if type(item) is not dict:
            raise RelationError(f'an entry of "actors" must be an object, got {_kind(item)}')
        kind, side = item.get("kind"), item.get("side") or ""
        if kind is None:  # a name alone says nothing more than the mentions do
            continue
        if kind not in ACTOR_KINDS:
            raise RelationError(f"actor kind must be one of {', '.join(ACTOR_KINDS)}, got {kind!r:.40}")
        name = _checked_actor_name(item.get("name"), "actor name", refused)
        if isinstance(name, ActorError):
            if repr(item.get("name")) not in named and refused is not None:
                refused.append(f'{name}; its entry in "actors" (kind {kind}) is left out')
            continue
        kept_side = _checked_actor_name(side, "side", refused) if side else ""
        if isinstance(kept_side, ActorError):
            if refused is not None:
                refused.append(f"{kept_side}; {name!r} comes in without its side")
            kept_side = ""
        kinds[name] = (kind, kept_side)
    return kinds


def _checked_actor_name(name: Any, what: str, refused: list[str] | None) -> str | ActorError:
    """`name` as the actors' registry keeps it (`check_name`), or why it refuses it: returned when
    the caller collects what it left out (`refused`), raised as a `RelationError` when not."""
    try:
        return check_name(name, what)
    except ActorError as exc:
        if refused is None:
            raise RelationError(str(exc)) from None
        return exc


def link_decisions_from(items: Any, text: str) -> list[tuple[int, int, str]]:
    """`_link_decisions`: `[[head_start, head_end, type], …]`, the link slots a review decided."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise RelationError(f'"_link_decisions" must be a list, got {_kind(items)}')
    found = []
    for i, item in enumerate(items):
        ok = isinstance(item, list) and len(item) == 3 and _ints(item[0], item[1]) and isinstance(item[2], str)
        if not ok or not 0 <= item[0] < item[1] <= len(text) or not item[2].strip():
            raise RelationError(f"link decision {i} must be [start, end, type] inside the text, got {item!r:.60}")
        problem = name_problem(item[2].strip(), f"link decision {i}'s type")
        if problem:
            raise RelationError(problem)
        found.append((item[0], item[1], item[2].strip()))
    return found


def _span_ends(spans: Any) -> dict[int, tuple[int, int]]:
    """Token end → (start, end) of the task's spans that give both, for relations by token index only."""
    found: dict[int, tuple[int, int]] = {}
    for span in spans if isinstance(spans, list) else ():
        if type(span) is dict and _ints(span.get("token_end"), span.get("start"), span.get("end")):
            found.setdefault(span["token_end"], (span["start"], span["end"]))
    return found


def _token_ends(text: str, spans: Any, tokens: Any) -> dict[int, tuple[int, int]]:
    """Token index -> (start, end): the task's span ending at that token, else the token itself.
    The tokens are the record's own (`{"start", "end"}`), else spaCy's of the text."""
    span_at: dict[int, tuple[int, int]] = {}
    for span in spans if isinstance(spans, list) else ():
        if type(span) is dict and _ints(span.get("start"), span.get("end")):
            span_at.setdefault(span["end"], (span["start"], span["end"]))
    if isinstance(tokens, list):
        bounds = [(t["start"], t["end"]) for t in tokens if type(t) is dict and _ints(t.get("start"), t.get("end"))]
    else:
        import spacy  # only for a record that needs it: the import is slow

        bounds = [(t.idx, t.idx + len(t.text)) for t in _blank_tokenizer(spacy)(text)]
    return {i: span_at.get(end, (start, end)) for i, (start, end) in enumerate(bounds)}


_TOKENIZER: list[Any] = []


def _blank_tokenizer(spacy: Any) -> Any:
    if not _TOKENIZER:
        _TOKENIZER.append(spacy.blank("en").tokenizer)
    return _TOKENIZER[0]


def _end(i: int, which: str, item: dict[str, Any], text: str, ends_at: dict[int, tuple[int, int]]) -> tuple[int, int]:
    span = item.get(f"{which}_span")
    if span is None:
        token = item.get(which)
        if type(token) is int and token in ends_at:
            start, end = ends_at[token]
        elif type(token) is int:
            raise UnplacedEnd(f"its {which} is token {token}, and no span of the task ends at that token")
        else:
            raise RelationError(f"relation {i}: no {which}_span, and no span of the task ends at token {token!r:.20}")
    elif type(span) is dict:
        start, end = span.get("start"), span.get("end")
    else:
        raise RelationError(f"relation {i}: {which}_span must be an object, got {_kind(span)}")
    if not _ints(start, end) or not 0 <= start < end <= len(text):
        raise RelationError(
            f"relation {i}: {which} {start!r:.20}-{end!r:.20} is not a span of the text ({len(text)} characters)"
        )
    quoted = span.get("text") if type(span) is dict else None
    if isinstance(quoted, str) and quoted != text[start:end]:
        raise RelationError(f"relation {i}: {which} says {quoted!r:.40} but the text there is {text[start:end]!r:.40}")
    return start, end


def relations_from_links(
    links: Iterable[Link],
    text: str,
    span_label: Callable[[tuple[int, int]], str],
    token_of: Callable[[int, int], tuple[int, int] | None] | None = None,
    actors: Sequence[ActorMention] = (),
) -> list[dict[str, Any]]:
    """Links as `rel.manual` relations. `span_label((start, end))` names an end (a statement's label,
    an entity's type, `SPAN_LABEL`); `token_of(start, end)` gives (token_start, token_end), the
    last token inclusive, or None when the end is off token boundaries (then `head`/`child` and the
    token fields are left out, as they cannot be told). An end resolved to an actor (`actors`)
    carries `actor` (its name) and `actor_how`."""
    actor_at = {(m.start, m.end): m for m in actors}
    out = []
    for link in links:
        relation: dict[str, Any] = {}
        for which, (start, end) in (("head", link.head), ("child", link.child)):
            span: dict[str, Any] = {"start": start, "end": end, "text": text[start:end]}
            tokens = token_of(start, end) if token_of is not None else None
            if tokens is not None:
                span["token_start"], span["token_end"] = tokens
                relation[which] = tokens[1]
            span["label"] = span_label((start, end))
            if (start, end) in actor_at:
                span["actor"], span["actor_how"] = actor_at[(start, end)].actor, actor_at[(start, end)].how
            relation[f"{which}_span"] = span
        relation["label"] = link.label
        out.append(relation)
    return out


def shifted(links: Sequence[Link], shift: Callable[[int], int]) -> list[Link]:
    """Links moved with their text when it is normalised (BOM, CRLF → LF)."""
    return [Link(shift(a), shift(b), shift(c), shift(d), label) for a, b, c, d, label in links]


def _ints(*values: Any) -> bool:
    return all(type(v) is int for v in values)


def _kind(value: Any) -> str:
    from annotator.formats.records import kind_of

    return kind_of(value)


def end_namer(row: ExportRow) -> Callable[[tuple[int, int]], str]:
    """How a link's end is named in formats that label both ends (Prodigy's `head_span`, doccano's
    entities, brat's T lines): a statement by its first label, an entity by its type, else `SPAN_LABEL`."""
    names: dict[tuple[int, int], str] = {}
    for start, end, label, *_ in row.entities:
        names.setdefault((start, end), label)
    statements: dict[tuple[int, int], str] = {}
    for start, end, label, *_ in row.spans:  # sorted: a statement's first label names it, over any entity there
        statements.setdefault((start, end), label)
    names.update(statements)
    return lambda span: names.get(span, SPAN_LABEL)


def statement_spans(row: ExportRow) -> set[tuple[int, int]]:
    return {(s.start, s.end) for s in row.spans}


def links_by_head(row: ExportRow) -> dict[tuple[int, int], list[Link]]:
    found: dict[tuple[int, int], list[Link]] = {}
    for link in row.links:
        found.setdefault(link.head, []).append(link)
    return found
