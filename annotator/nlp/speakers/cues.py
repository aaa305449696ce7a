"""Why a statement is somebody's: the speaker cues read from its parse.

`_cue` finds a speech verb's subject (named, a pronoun or title to resolve, an unnamed source, a
body named by its kind) or "according to X"; `_position` and `_headline` find a named speaker
without a speech verb ("Norway backs …", a headline "X: …"); `_quoted` says how the statement
stands to a quotation. Each fills a `ParsedUnit`; `decide` settles them across the article.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from annotator.nlp.speakers.names import (
    _INFLECTED,
    NameIndex,
    _entity_in,
    _entity_in_span,
    _noun,
    _phrase,
    _subject,
)
from annotator.nlp.speakers.targets import STATEMENT_NOUNS, _noun_target, _target
from annotator.nlp.speakers.units import ParsedUnit

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Lemmas of verbs that attribute what follows or precedes to their subject.
# fmt: off
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "state", "announce", "confirm", "deny", "claim", "insist", "warn", "note", "stress",
    "emphasize", "emphasise", "explain", "report", "write", "argue", "suggest", "acknowledge", "admit",
    "declare", "reply", "respond", "comment", "mention", "describe", "indicate", "express", "signal",
    "propose", "reject", "demand", "urge", "threaten", "promise", "vow", "pledge", "believe", "think",
    "accuse", "predict", "assert", "concede", "caution", "cite", "reiterate", "repeat", "refuse", "dismiss",
    "welcome", "complain",
})
#: Lemmas of verbs of acting on somebody whose subject, like a speech verb's, is the statement's speaker
#: ("It ordered the company to stop", "She asked India to share", "He gave the company 30 days").
ACTION_VERBS = frozenset({
    "ask", "order", "give", "offer", "invite", "request", "instruct", "summon", "grant",
})
# fmt: on
#: Head nouns of a subject that stands for a person named before ("the Ukrainian president said").
# fmt: off
TITLES = frozenset({
    "president", "leader", "minister", "premier", "chancellor", "spokesman", "spokeswoman", "spokesperson",
    "secretary", "envoy", "ambassador", "commander", "chief", "head",
})
# fmt: on
PRONOUNS = {"he": "PERSON", "she": "PERSON", "i": "PERSON", "we": None, "they": None, "it": None}
OPEN_QUOTES, CLOSE_QUOTES, BOTH_QUOTES = "“„«", "”»", '"'


NAMED, ACCORDING, RESOLVED = (
    "named subject of “{verb}”",
    "according to",
    "“{word}” → the last named speaker",
)


# The verbs of a statement are tried in text order (`_cue`, `_position`). They were meant to be tried
# nearest the parse's root first, by a depth that walked up the heads until `token.head is token`; but
# spaCy makes a new Token object at each access, so that never held and every depth was the walk's cap,
# 50: the order was always the text's. The cues were tuned on that order on four gold sets, and the walk
# cost a long article a tenth of its parse, so the walk is gone and the order kept.


def _cue(into: ParsedUnit, tokens: list[Token], offset: int, speakers: NameIndex) -> None:
    """The statement's best cue: a speech verb's subject (the verbs in text order, see above), or
    "according to"."""
    verbs = [t for t in tokens if (t.lemma_.lower() in SPEECH_VERBS or _acting(t)) and t.pos_ in ("VERB", "AUX")]
    described = False  # a speech verb before had somebody described as its subject ("the publication added")
    for verb in verbs:
        subject = _subject(verb)
        if subject is None:
            continue
        into.target, into.target_cue = _target(verb, offset)
        if _body(subject, offset, speakers):
            into.body, into.body_cue = _phrase(subject, offset), BODY.format(noun=subject.text, verb=verb.text)
            return
        if _unnamed(subject) or _source_word(subject):  # "a former official said": nobody named says it
            into.unnamed = True
            if not described:
                into.anonymous = _phrase(subject, offset)
            return
        described = described or subject.pos_ == "NOUN"
        if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":  # "Putin, who signaled …": who is Putin
            subject = verb.head
        entity = _entity_in(subject, offset, speakers)
        if entity is not None:
            into.entity, into.cue = entity, NAMED.format(verb=verb.text)
            return
        word = subject.text.lower()
        if word == "it" and (verb.lemma_.lower() not in ACTION_VERBS or any(c.dep_ == "neg" for c in verb.children)):
            continue  # "it" acts ("It ordered the company"), but "it does not claim" and "it said" are nobody's
        if subject.pos_ == "PRON" and word in PRONOUNS:
            into.resolve, into.resolve_type = word, PRONOUNS[word]
            into.cue = RESOLVED.format(word=subject.text)
            return
        if subject.tag_ == "NNS" and subject.pos_ == "NOUN":
            # a plain plural noun phrase speaks for itself ("Club presidents wrote", "Scottish fishermen complained")
            into.body, into.body_cue = _phrase(subject, offset), BODY.format(noun=subject.text, verb=verb.text)
            return
        if subject.lemma_.lower() in TITLES and subject.tag_ in ("NN", "NNP"):
            into.resolve, into.resolve_type = subject.text, "PERSON"
            into.cue = RESOLVED.format(word=" ".join(t.text for t in subject.subtree))
            return
    for token in tokens:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            to = next(c for c in token.children if c.lower_ == "to")
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if objects and (_unnamed(objects[0]) or _source_word(objects[0])):
                into.unnamed = True
                into.anonymous = _phrase(objects[0], offset)
                return
            entity = _entity_in(objects[0], offset, speakers) if objects else None
            if entity is not None:
                into.entity, into.cue = entity, ACCORDING
                return


def _acting(verb: Token) -> bool:
    """Whether a verb is one of `ACTION_VERBS` heading its sentence (or joined to the verb that does),
    without a particle: "It ordered the company to stop", not "when he ordered the annexation" (a clause
    of the sentence) nor "gave up its arsenal" (another verb)."""
    if verb.lemma_.lower() not in ACTION_VERBS or any(c.dep_ == "prt" for c in verb.children):
        return False
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


# fmt: off
#: Head words of an unnamed source ("officials said", "according to industry sources").
SOURCE_WORDS = frozenset({
    "official", "source", "diplomat", "aide", "insider", "negotiator", "officer", "analyst", "person",
    "people", "group", "agency", "delegation", "observer", "expert", "lawmaker", "resident", "witness",
})
#: Verbs of a position taken without a word of speech ("Norway backs the proposal", a headline "X proposes").
POSITION_VERBS = frozenset({
    "back", "support", "propose", "offer", "reject", "oppose", "defend", "endorse", "seek", "demand", "urge",
    "refuse", "dismiss", "welcome", "condemn", "slam", "criticise", "criticize", "vow", "pledge", "plan",
    "accept", "call", "push", "eye", "weigh", "ask", "request", "order", "rule",
})
# fmt: on
POSITION, HEADLINE, NOMINAL = "named subject of “{verb}” (a position)", "headline “X:”", "“{noun}” of a name"


# fmt: off
#: Head nouns of a body that speaks as one, named by its kind ("the FNV union", "a court in Rome").
BODY_WORDS = frozenset({
    "union", "association", "court", "ministry", "council", "delegation", "government", "federation",
    "committee", "commission", "tribunal", "parliament", "cabinet", "opposition", "coalition", "alliance",
    "confederation", "chamber", "assembly", "senate", "congress", "judge", "regulator", "party", "bloc",
    "board",
})
# fmt: on
BODY = "“{noun}”, a body, subject of “{verb}”"


def _body(word: Token, offset: int, speakers: NameIndex) -> bool:
    """Whether a subject is a body named by its kind (see `BODY_WORDS`) and not by a name: no name over
    it or before it ("Russia's Foreign Ministry" is named); a place after it ("a court in Rome") is where
    it sits."""
    if word.pos_ not in ("NOUN", "PROPN") or _noun(word) not in BODY_WORDS:
        return False
    start = word.left_edge.idx + offset
    end = word.idx + len(word) + offset
    return not any(e.label != "NORP" for e in speakers.within(start, end))


def _source_word(word: Token) -> bool:
    """Whether a subject is an unnamed source by its head word ("officials", "industry sources")."""
    return word.pos_ in ("NOUN",) and word.lemma_.lower() in SOURCE_WORDS


def _position(into: ParsedUnit, tokens: list[Token], offset: int, speakers: NameIndex) -> None:
    """A named speaker without a speech verb: a headline "X: …", a position verb's named subject, or the
    named owner of a statement noun ("Zelensky's plan includes a demand")."""
    if not tokens:
        return
    for token in tokens[:6]:
        if token.text == ":" and token.i - tokens[0].i <= 5:
            entity = _entity_in_span(tokens[0].idx + offset, token.idx + offset, speakers)
            if entity is not None:
                into.position, into.position_cue = entity, HEADLINE
                return
    for verb in tokens:  # in text order, see above `_cue`
        if (verb.lemma_.lower() in POSITION_VERBS and verb.pos_ in ("VERB", "AUX")) or (
            verb.lower_.rstrip("s") in POSITION_VERBS and verb.dep_ == "ROOT" and verb.tag_ in ("VBZ", "NNS", "NNP")
        ):
            if any(c.dep_ == "prt" for c in verb.children):
                continue  # a verb with a particle is another verb: "calls off a strike" calls on nobody
            subject = _subject(verb)
            if subject is not None and _body(subject, offset, speakers):
                into.body, into.body_cue = _phrase(subject, offset), BODY.format(noun=subject.text, verb=verb.text)
                into.target, into.target_cue = _target(verb, offset)
                return
            if subject is not None and not _unnamed(subject) and not _source_word(subject):
                entity = _entity_in(subject, offset, speakers)
                if entity is not None:
                    into.position, into.position_cue = entity, POSITION.format(verb=verb.text)
                    into.target, into.target_cue = _target(verb, offset)
                    return
    for noun in tokens:
        if noun.lemma_.lower() in STATEMENT_NOUNS and noun.pos_ == "NOUN":
            for child in noun.children:
                if child.dep_ == "poss":
                    entity = _entity_in(child, offset, speakers)
                    if entity is not None:
                        into.position, into.position_cue = entity, NOMINAL.format(noun=noun.text)
                        into.target, into.target_cue = _noun_target(noun, offset)
                        return


def _headline(into: ParsedUnit, text: str, speakers: NameIndex) -> None:
    """A headline's speaker the parse missed ("Ukraine Proposes Ceasefire Negotiations", tagged as a
    name): a name opening the statement, then (after "'s WORD" at most) a verb of speech or position."""
    a, b = into.unit
    first = next((e for e in speakers.starting_at(a) if e.end < b), None)
    if first is None:
        return
    rest = text[first.end : b]
    match = re.match(r"(?:['’]s\s+\w+)?\s+([A-Za-z]+)", rest)
    if match is None:
        return
    word = match.group(1).lower()
    stems = {word, _INFLECTED.sub("", word), word[:-1] if word.endswith("s") else word}
    if stems & (POSITION_VERBS | SPEECH_VERBS) and word != _INFLECTED.sub("", word):
        into.position, into.position_cue = first, HEADLINE_VERB.format(verb=match.group(1))


HEADLINE_VERB = "a name opening it, then “{verb}”"


#: Determiners of a subject nobody is named by ("a former official", "one diplomat", "some officials").
_UNNAMED = frozenset({"a", "an", "one", "some", "several", "many", "two", "three", "four", "other"})


def _unnamed(subject: Token) -> bool:
    """Whether the subject is an unnamed someone: a noun with "a", "one", a number… before it."""
    return subject.pos_ in ("NOUN", "PROPN") and any(
        c.dep_ in ("det", "nummod", "amod") and c.lower_ in _UNNAMED for c in subject.children
    )


#: A quotation of this many words or more is someone's words; shorter ones are names and scare quotes
#: ("his “victory plan”", "“on day one”").
QUOTE_WORDS = 5
_QUOTE = re.compile(r"[\"“„«]([^\"“”„«»]*)[\"”»“]")


#: How a statement stands to a quotation: it is inside one (opens with a quote mark, or one is still
#: open before it on its line), or it holds one of `QUOTE_WORDS` words or more.
INSIDE, HOLDS = "inside", "holds"


def _quoted(text: str, start: int, end: int) -> str:
    """`INSIDE`, `HOLDS` or "" (see there)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    opened = sum(before.count(q) for q in OPEN_QUOTES) - sum(before.count(q) for q in CLOSE_QUOTES)
    straight = before.count(BOTH_QUOTES) % 2
    piece = text[start:end]
    if opened > 0 or straight == 1 or piece[:1] in OPEN_QUOTES + BOTH_QUOTES:
        return INSIDE
    return HOLDS if any(len(m.group(1).split()) >= QUOTE_WORDS for m in _QUOTE.finditer(piece)) else ""
