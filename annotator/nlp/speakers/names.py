"""Which named speaker a part of the parse stands for.

`NameIndex` holds an article's speaker entities by offset (the cues ask it several times per
statement); `_entity_in` and `_entity_in_span` find the name a subject or a stretch of text holds;
`_subject`, `_phrase` and `_noun` read the parse around it. Both the speaker cues (`cues`) and the
target finding (`targets`) stand on these.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING

from annotator.nlp.speakers.units import Span
from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.tokens import Token

_INFLECTED = re.compile(r"(?:es|s|ed|d)$")


class NameIndex:
    """An article's speaker entities in text order (by start, the longest first), indexed by their
    offsets: the cues ask several times per statement which names lie between two offsets, and a scan
    of every entity each time made the cost grow with the square of the article's length."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = sorted(entities, key=lambda e: (e.start, -e.end))
        self.starts = [e.start for e in self.entities]
        self.first_ending: dict[int, Entity] = {}
        for e in self.entities:
            self.first_ending.setdefault(e.end, e)
        self.people = [e for e in self.entities if e.label == "PERSON"]
        self.people_starts = [e.start for e in self.people]

    def within(self, start: int, end: int) -> list[Entity]:
        """The entities wholly between `start` and `end`, in text order."""
        found = self.entities[bisect_left(self.starts, start) : bisect_right(self.starts, end)]
        return [e for e in found if e.end <= end]

    def starting_at(self, start: int) -> list[Entity]:
        """The entities that start at `start`, the longest first."""
        return self.entities[bisect_left(self.starts, start) : bisect_right(self.starts, start)]

    def only_places(self, start: int, end: int) -> bool:
        """Whether every entity starting from `start` to before `end` is a place (a dateline's)."""
        found = self.entities[bisect_left(self.starts, start) : bisect_left(self.starts, end)]
        return all(e.label in ("GPE", "LOC") for e in found)

    def without(self, start: int, end: int) -> NameIndex:
        """These entities but those starting from `start` to before `end`."""
        return NameIndex(e for e in self.entities if not start <= e.start < end)

    def last_person_by(self, offset: int) -> Entity | None:
        """The last person named (in text order) that ends by `offset`."""
        for k in range(bisect_right(self.people_starts, offset) - 1, -1, -1):
            if self.people[k].end <= offset:
                return self.people[k]
        return None


def _name_of(entity: Entity) -> tuple[int, int]:
    return entity.start, entity.end


def _entity_in_span(start: int, end: int, speakers: NameIndex) -> Entity | None:
    inside = speakers.within(start, end)
    return inside[-1] if inside else None


def _entity_in(word: Token, offset: int, speakers: NameIndex) -> Entity | None:
    """The named entity a subject is or names: the one over its head word ("Zelensky"); else a person in
    its phrase ("the Ukrainian president Volodymyr Zelensky"); else its possessor ("Russia's foreign
    minister"); else an organisation or place in it. An adjective of nationality alone ("the
    Ukrainian president") names nobody: that subject is a title, resolved to a person named before."""
    start = min(t.idx for t in word.subtree) + offset
    end = max(t.idx + len(t) for t in word.subtree) + offset
    head = (word.idx + offset, word.idx + offset + len(word))
    inside = speakers.within(start, end)
    over = [e for e in inside if e.start <= head[0] and head[1] <= e.end]
    if over:
        return over[0]

    def nearest(found: list[Entity]) -> Entity | None:
        return min(found, key=lambda e: abs(e.start - head[0])) if found else None

    people = nearest([e for e in inside if e.label == "PERSON"])
    if people is not None:
        return people
    for child in word.children:
        if child.dep_ == "poss":
            owner = _entity_in(child, offset, speakers)
            if owner is not None:
                return owner
    return nearest([e for e in inside if e.label in ("ORG", "GPE")])


# -- the parse around a name ----------------------------------------------------------------


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or (for a verb joined to another, "X said and added") its head's."""
    for word in (verb, verb.head if verb.dep_ in ("conj", "xcomp", "advcl") else None):
        if word is None:
            continue
        for child in word.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


def _phrase(word: Token, offset: int) -> Span:
    """The words of a noun phrase up to its head, with what follows it in the same phrase when it is a
    short qualifier ("a source close to the negotiations", "a person familiar with the talks")."""
    tokens = [t for t in word.subtree if not (t.dep_ == "punct" and t.i in (word.left_edge.i, word.right_edge.i))]
    last = word if word.right_edge.i - word.i > 6 or any(t.dep_ == "relcl" for t in word.children) else tokens[-1]
    first = tokens[0]
    return first.idx + offset, last.idx + len(last) + offset


def _noun(word: Token) -> str:
    """A noun's lemma, also for a headline's capitalised noun the tagger took for a name ("Negotiations")."""
    lemma = word.lemma_.lower()
    if word.pos_ == "PROPN" and lemma == word.lower_ and lemma.endswith("s") and not lemma.endswith("ss"):
        return lemma[:-1]
    return lemma
