"""A speaker for each statement of an article, from the cues its parse gave.

`decide_speakers` walks the statements in order, keeping the last named speaker: a pronoun or a
title resolves to it, and a quotation without a cue of its own goes to the speaker it is attributed
to after it, else before it. The suggestion links a mention inside the statement when there is one.
"""

from __future__ import annotations

import re

from annotator.nlp.speakers.cues import INSIDE
from annotator.nlp.speakers.units import ParsedUnit, Span, SpeakerSuggestion
from annotator.records import Entity

QUOTE_AFTER, QUOTE_BEFORE = (
    "the quote is attributed after it",
    "the last named speaker before the quote",
)


def decide_speakers(text: str, parsed: list[ParsedUnit]) -> dict[Span, SpeakerSuggestion]:
    """Walk the statements in order, keeping the last named speaker, and settle every cue."""
    found: dict[Span, SpeakerSuggestion] = {}
    last: Entity | None = None
    last_person: Entity | None = None
    for i, item in enumerate(parsed):
        entity, cue = item.entity, item.cue
        if entity is None and item.resolve:
            entity = last_person if item.resolve_type == "PERSON" else last
            if entity is None and item.resolve_type == "PERSON":
                entity = item.person_before  # nobody has spoken yet: the last person named
        # "officials said": the quote is theirs, unless the statement is itself inside someone's quotation
        if entity is None and item.quoted and not (item.unnamed and (item.quoted != INSIDE or item.own_quote)):
            after = _attributed_after(text, parsed, i)
            if after is not None:
                entity, cue = after, QUOTE_AFTER
            elif last is not None:
                entity, cue = last, QUOTE_BEFORE
        if entity is None:
            if item.position is not None:  # "Kadis called on Tórshavn to …": the nearest actor for a "he" after it
                last = item.position
                last_person = item.position if item.position.label == "PERSON" else last_person
            continue
        mention = _mention_in(text, item.unit, entity, parsed)
        found[item.unit] = SpeakerSuggestion(item.unit, (mention.start, mention.end), _name(text, mention), cue)
        last = entity
        if entity.label == "PERSON":
            last_person = entity
    return found


def _attributed_after(text: str, parsed: list[ParsedUnit], i: int) -> Entity | None:
    """The named speaker of the first statement after `i`, in the same paragraph and the same quote,
    that has a named speech cue ("…,” Zelensky said)."""
    paragraph_end = text.find("\n", parsed[i].unit[1])
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    for item in parsed[i + 1 : i + 6]:
        if item.unit[0] > paragraph_end or not item.quoted:
            return None
        if item.entity is not None:
            return item.entity
    return None


def _mention_in(text: str, unit: Span, entity: Entity, parsed: list[ParsedUnit]) -> Entity:
    """`entity`, or a mention of the same name inside the statement (linking stays local)."""
    if unit[0] <= entity.start and entity.end <= unit[1]:
        return entity
    surname = _surname(text[entity.start : entity.end])
    for match in re.finditer(re.escape(surname), text[unit[0] : unit[1]]):
        start = unit[0] + match.start()
        return Entity(start, start + len(surname), entity.label)
    return entity


def _surname(name: str) -> str:
    words = re.sub(r"['’]s$", "", name.strip()).split()
    return words[-1] if words else name


def _name(text: str, entity: Entity) -> str:
    return " ".join(text[entity.start : entity.end].split())
