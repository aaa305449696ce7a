"""Who said it: a speaker suggested for each statement, from spaCy's dependency parse and a few cues.

The cues, in the order they are tried for a statement (a sentence as the window shows it):

1. a *speech verb* in the statement ("said", "told", "confirmed", "denied", "believes"…) whose
   subject is, or holds, a named entity (PERSON, ORG, GPE, NORP): "Zelensky said",
   "Kremlin spokesman Dmitry Peskov confirmed", "Russia's Foreign Ministry denied";
2. "according to X" with a named X;
3. a subject that is a pronoun ("he said") or a title ("the Ukrainian president told"): the
   last named speaker before it in the article;
4. a statement inside a quotation without a speech verb of its own: the speaker the quote is
   attributed to further on in its paragraph ("…,” Zelensky said), else the last named
   speaker before the quote.

A suggestion is the entity mention to link (in the statement when the speaker is named there,
else the mention the cue found) and the cue, in words. It is never stored: the window shows
it and one key accepts it as a link.

The pre-annotation disables spaCy's parser for speed (`nlp._prepare`: the senter instead), so
the parse is obtained here, on demand, for one article at a time: its lines go through the
project pipeline with the parser, tagger and lemmatizer on and the NER off (the stored
entities are used). `make bench` measures the cost per article and the accuracy on
`tests/speaker_gold.json`. spaCy is imported only when a parse is asked for.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

Span = tuple[int, int]

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
#: Entity types that can say something.
SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Head nouns of a subject that stands for a person named before ("the Ukrainian president said").
# fmt: off
TITLES = frozenset({
    "president", "leader", "minister", "premier", "chancellor", "spokesman", "spokeswoman", "spokesperson",
    "secretary", "envoy", "ambassador", "commander", "chief", "head",
})
# fmt: on
PRONOUNS = {"he": "PERSON", "she": "PERSON", "i": "PERSON", "we": None, "they": None, "it": None}
OPEN_QUOTES, CLOSE_QUOTES, BOTH_QUOTES = "“„«", "”»", '"'

NAMED, ACCORDING, RESOLVED, QUOTE_AFTER, QUOTE_BEFORE = (
    "named subject of “{verb}”",
    "according to",
    "“{word}” → the last named speaker",
    "the quote is attributed after it",
    "the last named speaker before the quote",
)


@dataclass(frozen=True)
class SpeakerSuggestion:
    """The suggested speaker of one statement: an entity mention (`speaker`) and why (`cue`)."""

    statement: Span
    speaker: Span
    name: str
    cue: str


@dataclass
class ParsedUnit:
    """What the suggestions need of one statement's parse: its speech cue, if any."""

    unit: Span
    entity: Entity | None = None
    cue: str = ""
    #: The subject needs the last named speaker: a pronoun or a title (its word), and which type fits.
    resolve: str = ""
    resolve_type: str | None = None
    quoted: str = ""
    #: The statement says it is somebody unnamed's ("officials said"): nothing to suggest.
    unnamed: bool = False
    #: The last person named before the statement (for a title when nobody has spoken yet).
    person_before: Entity | None = None
    #: The words of an unnamed source that says it ("senior EU officials", "a person familiar with the talks").
    anonymous: Span | None = None
    #: To whom it is said, offered, demanded or urged: the words of the addressee, and the cue.
    target: Span | None = None
    target_cue: str = ""
    #: A named speaker without a speech verb (a headline "X: …", "X backs …", "X's plan includes …").
    position: Entity | None = None
    position_cue: str = ""
    #: A body named by its kind that says it or takes a position ("the FNV union said", "a court ordered").
    body: Span | None = None
    body_cue: str = ""
    #: The unnamed source speaks after the quotation closes in the statement ('"…," a senior player said').
    own_quote: bool = False


@functools.lru_cache(maxsize=2)
def parser_pipeline(name: str | None) -> Language:
    """The pipeline with what a dependency parse needs (tagger, parser, lemmatizer), NER left out.

    Raises `annotator.nlp.pipeline.PipelineError` when the pipeline cannot be loaded or has no parser.
    """
    import spacy

    from annotator import settings
    from annotator.nlp.pipeline import PipelineError, installed_default

    wanted = name or installed_default()
    if wanted in (None, settings.RULES_PIPELINE):
        raise PipelineError("speaker suggestions need a spaCy pipeline with a parser (the rules pipeline has none)")
    try:
        nlp = spacy.load(wanted, exclude=["ner", "senter"])
    except (OSError, ImportError) as exc:
        raise PipelineError(f"cannot load the spaCy pipeline {wanted!r} for the parse: {exc}") from exc
    if "parser" not in nlp.pipe_names:
        raise PipelineError(f"the pipeline {wanted!r} has no parser; speaker suggestions need one")
    return nlp


def suggest_speakers(
    nlp: Language,
    text: str,
    units: Sequence[Span],
    entities: Iterable[Entity],
    cancelled: Callable[[], bool] | None = None,
) -> dict[Span, SpeakerSuggestion]:
    """A suggestion for every statement unit (the window's sentences) that has a cue; see the module docstring.

    `cancelled` is asked between parsed docs: when it says yes the parse stops and nothing is
    suggested (a window that closes does not wait for a long article's parse).
    """
    speakers = sorted((e for e in entities if e.label in SPEAKER_TYPES), key=lambda e: (e.start, -e.end))
    parsed = parse_units(nlp, text, units, speakers, cancelled or (lambda: False))
    return {} if parsed is None else decide_speakers(text, parsed)


# -- parsing ------------------------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
#: A dateline opening a paragraph: a place in capitals or title case, then a dash ("BAKU —", "Baku, Azerbaijan –").
#: A date may follow the place ("Johannesburg, April 8 —"), and a place's name may hold a particle
#: ("Rio de Janeiro, Aug 21 —").
_DATELINE = re.compile(
    r"[A-Z][\w.'’]*(?:(?:[ ,]+|\s(?:de|da|do|del|la|le|al|el|es|of)\s)[A-Z][\w.'’]*){0,3}"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s+[—–-]{1,2}\s+"
)
#: Characters of the longest line parsed as one doc (a longer line is parsed a statement at a time), and
#: of the most lines parsed in one batch. 2,000 characters parse in about 40 ms, so a cancel (the window
#: closing) is heard within 50 ms.
LONGEST_DOC = 2_000


def parse_units(
    nlp: Language, text: str, units: Sequence[Span], everyone: list[Entity], cancelled: Callable[[], bool]
) -> list[ParsedUnit] | None:
    """Each unit with its speech cue, from a parse of the lines that hold units (one doc per line;
    a line longer than `LONGEST_DOC` is parsed a unit at a time, so that one paragraph of a long
    article never makes one huge doc). None when `cancelled` said so between docs: the docs are
    parsed in batches of at most `LONGEST_DOC` characters (`_parsed`), since spaCy's default batch
    parses a whole article before it hands back its first doc, and a closing window waited seconds for that.

    `units` are in text order, `everyone` the speaker entities (see `NameIndex`)."""
    from spacy.attrs import IDX

    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    parsed = [ParsedUnit(unit) for unit in units]
    if not units:
        return parsed
    named = NameIndex(everyone)
    wanted: list[Span] = []
    for line in lines:
        inside = [u for u in units if u[0] < line[1] and line[0] < u[1]]
        if not inside:
            continue
        if line[1] - line[0] <= LONGEST_DOC:
            # a dateline is parsed apart from its sentence, so the place never becomes its subject
            dateline = _DATELINE.match(text, *line)
            places = dateline is not None and named.only_places(line[0], dateline.end())
            wanted.append((dateline.end(), line[1]) if places and dateline.end() < line[1] else line)
        else:
            wanted += [(max(a, line[0]), min(b, line[1])) for a, b in inside]
    if cancelled():
        return None
    docs = _parsed(nlp, (text[a:b] for a, b in wanted))
    at = 0
    for (line_start, line_end), doc in zip(wanted, docs, strict=True):
        if cancelled():
            return None
        while at < len(units) and units[at][1] <= line_start:
            at += 1
        starts = doc.to_array(IDX).tolist()  # each token's offset in the line, to find a unit's by bisection
        j = at
        while j < len(units) and units[j][0] < line_end:
            a, b = units[j]
            tokens = list(doc[bisect_left(starts, a - line_start) : bisect_left(starts, b - line_start)])
            speakers = named
            dateline = _DATELINE.match(text, a, b) if a <= line_start and text[a:line_start].strip() else None
            if dateline is not None and named.only_places(a, dateline.end()):
                speakers = named.without(a, dateline.end())  # "Baku — Brazil proposed": the place says nothing
            _cue(parsed[j], tokens, line_start, speakers)
            if parsed[j].entity is None and not parsed[j].resolve and not parsed[j].unnamed and not parsed[j].body:
                _position(parsed[j], tokens, line_start, speakers)
                if parsed[j].position is None:
                    _headline(parsed[j], text, speakers)
            if parsed[j].target is None:
                found = _condition_target(tokens, line_start, speakers, parsed[j].entity or parsed[j].position)
                if found is not None:
                    parsed[j].target, parsed[j].target_cue = found, CONDITION
            parsed[j].quoted = _quoted(text, a, b)
            anonymous = parsed[j].anonymous
            parsed[j].own_quote = (
                anonymous is not None
                and text[a : a + 1] in OPEN_QUOTES + BOTH_QUOTES
                and any(q in text[a + 1 : anonymous[0]] for q in CLOSE_QUOTES + BOTH_QUOTES)
            )
            parsed[j].person_before = named.last_person_by(a)
            j += 1
    return parsed


def _parsed(nlp: Language, pieces: Iterable[str]) -> Iterator[Doc]:
    """The docs of `pieces`, parsed a batch of lines at a time, each batch at most `LONGEST_DOC`
    characters (or one longer piece): as quick to stop as one line at a time, and about a tenth less
    work than spaCy parsing them one by one (the parse is the same, doc for doc)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        if batch and size + len(piece) > LONGEST_DOC:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(piece)
        size += len(piece)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


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
#: Verbs whose direct object is whom it is said to ("told Moscow", "urged Kyiv to", "asked rich countries").
ADDRESS_VERBS = frozenset({
    "tell", "urge", "ask", "accuse", "warn", "brief", "assure", "inform", "press", "invite", "remind",
    "advise", "implore", "persuade", "call", "criticise", "criticize", "blame", "thank", "congratulate",
    "order", "instruct", "summon", "direct",
})
#: Verbs of a threat or a promise whose following verb's named object is the target ("threatens to suspend
#: Brazil's football federation", "vowed to punish Belgrade").
_THREAT_VERBS = frozenset({"threaten", "vow", "warn", "promise", "pledge"})
#: Verbs whose indirect object or "to"/"from" object is the target ("offered Russia a deal", "demanded from").
GIVE_VERBS = frozenset({
    "offer", "propose", "promise", "pledge", "give", "send", "demand", "request", "say", "write", "explain",
    "suggest", "present", "submit", "deliver", "appeal", "issue", "make", "put", "extend", "address",
})
#: Verbs of a position taken without a word of speech ("Norway backs the proposal", a headline "X proposes").
POSITION_VERBS = frozenset({
    "back", "support", "propose", "offer", "reject", "oppose", "defend", "endorse", "seek", "demand", "urge",
    "refuse", "dismiss", "welcome", "condemn", "slam", "criticise", "criticize", "vow", "pledge", "plan",
    "accept", "call", "push", "eye", "weigh", "ask", "request", "order", "rule",
})
#: Nouns of a statement reported as a thing ("Zelensky's plan includes a demand").
STATEMENT_NOUNS = frozenset({
    "plan", "proposal", "offer", "demand", "statement", "letter", "proposition", "initiative", "ultimatum",
    "call", "position", "memorandum", "formula", "roadmap", "request", "warning", "pledge", "promise",
})
#: Whom a speaker talks to without it being a party to the matter: the press and the room.
AUDIENCE = frozenset({
    "reporter", "journalist", "press", "television", "tv", "newspaper", "radio", "broadcaster", "delegate",
    "audience", "crowd", "supporter", "lawmaker", "parliament", "listener", "viewer", "interviewer", "agency",
})
# fmt: on
TO_WHOM, INDIRECT, PREPOSITION = "object of “{verb}”", "indirect object of “{verb}”", "“{prep}” of “{verb}”"
POSITION, HEADLINE, NOMINAL = "named subject of “{verb}” (a position)", "headline “X:”", "“{noun}” of a name"


#: Words of a news outlet's name ("told the FT", "told Reuters"): the press, nobody's target.
MEDIA_WORDS = frozenset(
    {
        "ft",
        "times",
        "post",
        "news",
        "journal",
        "reuters",
        "afp",
        "ap",
        "bbc",
        "cnn",
        "tass",
        "interfax",
        "newspaper",
        "magazine",
        "independent",
        "guardian",
        "telegraph",
        "gazette",
        "tribune",
        "herald",
        "press",
    }
)


def _audience(word: Token) -> bool:
    """Whether a would-be target is the press or the room ("reporters", "the FT") or a pronoun."""
    words = {t.lower_ for t in word.subtree}
    return word.pos_ == "PRON" or word.lemma_.lower() in AUDIENCE or bool(words & MEDIA_WORDS)


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


def _phrase(word: Token, offset: int) -> Span:
    """The words of a noun phrase up to its head, with what follows it in the same phrase when it is a
    short qualifier ("a source close to the negotiations", "a person familiar with the talks")."""
    tokens = [t for t in word.subtree if not (t.dep_ == "punct" and t.i in (word.left_edge.i, word.right_edge.i))]
    last = word if word.right_edge.i - word.i > 6 or any(t.dep_ == "relcl" for t in word.children) else tokens[-1]
    first = tokens[0]
    return first.idx + offset, last.idx + len(last) + offset


def _target(verb: Token, offset: int) -> tuple[Span | None, str]:
    """Whom the speech verb (or a verb joined to it) addresses, and the cue; the press is nobody's target."""
    for word in (verb, *[c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"]):
        lemma = word.lemma_.lower()
        for child in word.children:
            found = None
            if child.dep_ == "dative" and child.pos_ in ("NOUN", "PROPN", "PRON"):
                found = (child, INDIRECT.format(verb=word.text))
            elif child.dep_ == "dobj" and lemma in ADDRESS_VERBS:
                found = (child, TO_WHOM.format(verb=word.text))
            elif (
                child.dep_ == "dobj"
                and lemma in ("give", "grant")
                and any(c.dep_ == "prep" and c.lower_ in ("until", "till", "by") for c in word.children)
            ):  # "gave the federation until September 15": whom the time is given
                found = (child, INDIRECT.format(verb=word.text))
            elif (
                child.dep_ == "dobj"
                and lemma in ("demand", "request", "seek", "want")
                and any(c.dep_ == "prep" and c.lower_ == "from" for c in child.children)
            ):  # "demanded guarantees from management": the parse hangs "from" on the thing demanded
                prep = next(c for c in child.children if c.dep_ == "prep" and c.lower_ == "from")
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    found = (objects[0], PREPOSITION.format(prep=prep.text, verb=word.text))
            elif child.dep_ == "xcomp" and lemma in _THREAT_VERBS and child.pos_ == "VERB":
                objects = [c for c in child.children if c.dep_ == "dobj"]
                if objects and any(t.pos_ == "PROPN" for t in objects[0].subtree):
                    found = (objects[0], TO_WHOM.format(verb=f"{word.text} to {child.text}"))
            elif child.dep_ == "dobj" and lemma in GIVE_VERBS and child.left_edge.dep_ == "nmod":
                # "offers Germany long-term gas deal": the parse may hang the indirect object on the thing
                if child.left_edge.pos_ == "PROPN" and child.left_edge.head.i == child.i:
                    found = (child.left_edge, INDIRECT.format(verb=word.text))
            elif child.dep_ in ("prep", "dative") and child.lower_ in ("to", "from", "on", "with"):
                if child.lower_ == "to" and lemma not in GIVE_VERBS:
                    continue
                if child.lower_ == "on" and lemma not in ("call", "press", "prevail", *_RELY):
                    continue
                if child.lower_ == "with" and lemma not in ("plead", "negotiate"):
                    continue
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    found = (objects[0], PREPOSITION.format(prep=child.text, verb=word.text))
            if found is not None and not _audience(found[0]):
                return _phrase(found[0], offset), found[1]
    for clause in verb.children:  # "said he asked Putin to …", "said he is counting on Washington"
        inner_subject = _subject(clause) if clause.dep_ == "ccomp" else None
        own = inner_subject is None or inner_subject.lower_ in ("he", "she", "i", "we", "they")
        if clause.dep_ == "ccomp" and clause.pos_ in ("VERB", "AUX") and own:
            inner = _target(clause, offset) if clause.lemma_.lower() in ADDRESS_VERBS | GIVE_VERBS | _RELY else None
            if inner is not None and inner[0] is not None:
                return inner
    return None, ""


def _noun_target(noun: Token, offset: int) -> tuple[Span | None, str]:
    """Whom a statement noun is made to: "to X" of an offer or a letter, "on X" of a call or an appeal;
    the press is nobody's target."""
    for prep in noun.children:
        wanted = {"to": True, "on": noun.lemma_.lower() in ("call", "appeal")}.get(prep.lower_, False)
        if prep.dep_ != "prep" or not wanted:
            continue
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        if objects and objects[0].pos_ in ("PROPN", "NOUN") and not _audience(objects[0]):
            return _phrase(objects[0], offset), PREPOSITION.format(prep=prep.text, verb=noun.text)
    return None, ""


#: Verbs whose "on" object is whom it asks something of ("counting on Washington").
_RELY = frozenset({"count", "rely"})


def _condition_target(tokens: list[Token], offset: int, speakers: NameIndex, speaker: Entity | None) -> Span | None:
    """The named party a statement sets a condition on ("… if Moscow stops hitting its grid", "If Russia
    does not strike our energy …"), or whose demand or proposal it rejects ("rejects Kremlin demands")."""
    for token in tokens:
        if token.lower_ in ("if", "unless") and token.dep_ == "mark":
            subject = _subject(token.head)
            joint = subject is not None and any(
                c.dep_ == "conj" for c in subject.children
            )  # "if Moscow and Kyiv agree"
            entity = _entity_in(subject, offset, speakers) if subject is not None and not joint else None
            if entity is not None and (speaker is None or _name_of(entity) != _name_of(speaker)):
                return entity.start, entity.end
        if token.lower_ in ("contingent", "conditional", "dependent") and token.pos_ in ("ADJ", "VERB", "NOUN"):
            for on in (c for c in token.children if c.lower_ == "on"):  # "contingent on Ukraine reciprocating"
                found = _entity_in_span(on.idx + offset, on.right_edge.idx + len(on.right_edge) + offset, speakers)
                if found is not None and (speaker is None or _name_of(found) != _name_of(speaker)):
                    return found.start, found.end
        if token.lower_ == "with" and _noun(token.head) in TALK_NOUNS and _sought(token.head):
            objects = [c for c in token.children if c.dep_ == "pobj"]  # "proposes negotiations with Russia"
            entity = _entity_in(objects[0], offset, speakers) if objects else None
            if entity is not None and (speaker is None or _name_of(entity) != _name_of(speaker)):
                return entity.start, entity.end
        if token.lemma_.lower() in ("reject", "dismiss", "refuse", "accept") and token.pos_ == "VERB":
            for obj in (c for c in token.children if c.dep_ == "dobj"):
                nouns = [t for t in obj.subtree if t.pos_ == "NOUN"]
                for noun in nouns:
                    if noun.lemma_.lower() in STATEMENT_NOUNS:
                        for child in noun.children:
                            if child.dep_ in ("poss", "compound"):
                                entity = _entity_in(child, offset, speakers)
                                if entity is not None:
                                    return entity.start, entity.end
            # the parse may take "Kremlin demands" for a subject and a verb: a name right before a
            # statement noun anywhere after the rejecting verb is whose demand is rejected
            owner = _owner_before_noun(tokens[token.i - tokens[0].i + 1 :], offset, speakers, speaker)
            if owner is not None:
                return owner
        # "Moscow ending its attacks could open talks" (the parse: a subject with a clause, or a clause
        # as the subject): the named party whose doing so would bring something about
        gerund = token.dep_ == "nsubj" and any(c.dep_ == "acl" and c.tag_ == "VBG" for c in token.children)
        clause = token.dep_ == "nsubj" and token.head.dep_ == "csubj" and token.head.tag_ == "VBG"
        if gerund or clause:
            ruling = token.head.head if clause else token.head
            modal = any(c.dep_ == "aux" and c.tag_ == "MD" for c in ruling.children)
            entity = _entity_in_span(token.idx + offset, token.idx + len(token) + offset, speakers)
            if modal and entity is not None and (speaker is None or _name_of(entity) != _name_of(speaker)):
                return entity.start, entity.end  # "Moscow ending its attacks could open talks": a condition
    return None


#: Verbs (and nouns) of seeking, offering or demanding: a negotiation they govern is one wanted with its
#: party ("proposes talks with Russia"), not one reported ("denied it had been in negotiations with Kyiv").
# fmt: off
SEEK_WORDS = frozenset({
    "propose", "offer", "seek", "demand", "want", "call", "urge", "push", "suggest", "invite", "ask", "request",
    "plan", "open", "start", "resume", "launch", "begin", "hold", "agree", "accept", "reject", "refuse",
    "proposal", "readiness", "willingness", "bid",
})
# fmt: on


def _noun(word: Token) -> str:
    """A noun's lemma, also for a headline's capitalised noun the tagger took for a name ("Negotiations")."""
    lemma = word.lemma_.lower()
    if word.pos_ == "PROPN" and lemma == word.lower_ and lemma.endswith("s") and not lemma.endswith("ss"):
        return lemma[:-1]
    return lemma


def _sought(noun: Token) -> bool:
    """Whether a negotiation noun is one sought, offered or demanded: a verb or noun above it is one of
    `SEEK_WORDS` ("expressed a willingness to suspend attacks as part of negotiations with Russia"), or a
    headline's words before it are ("Ukraine Proposes Ceasefire Negotiations"), or nothing above it is a
    verb (a headline's noun phrase)."""
    for left in noun.lefts:
        if left.dep_ == "compound" and any(_INFLECTED.sub("", t.lower_) in SEEK_WORDS for t in left.subtree):
            return True
    word, verbs = noun, 0
    while word.head.i != word.i:
        word = word.head
        if _noun(word) in SEEK_WORDS:
            return True
        verbs += word.pos_ in ("VERB", "AUX")
    return verbs == 0


def _owner_before_noun(tokens: list[Token], offset: int, speakers: NameIndex, speaker: Entity | None) -> Span | None:
    """A named party right before a statement noun ("Kremlin demands", "Moscow's proposals"), whatever
    the parse made of the pair."""
    for i, word in enumerate(tokens[1:], start=1):
        if not {word.lower_, word.lower_[:-1], _INFLECTED.sub("", word.lower_)} & STATEMENT_NOUNS:
            continue
        left = tokens[i - 2] if tokens[i - 1].tag_ == "POS" and i >= 2 else tokens[i - 1]
        end = left.idx + len(left) + offset
        entity = speakers.first_ending.get(end)
        if entity is not None and (speaker is None or _name_of(entity) != _name_of(speaker)):
            return entity.start, entity.end
    return None


#: Nouns of a negotiation whose "with X" is the party addressed ("proposes ceasefire negotiations with Russia").
TALK_NOUNS = frozenset({"negotiation", "talk", "ceasefire", "truce", "deal", "agreement", "accord", "peace"})


def _name_of(entity: Entity) -> tuple[int, int]:
    return entity.start, entity.end


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


CONDITION = "a condition set on it, or its demand rejected"
_INFLECTED = re.compile(r"(?:es|s|ed|d)$")


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


def _entity_in_span(start: int, end: int, speakers: NameIndex) -> Entity | None:
    inside = speakers.within(start, end)
    return inside[-1] if inside else None


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or (for a verb joined to another, "X said and added") its head's."""
    for word in (verb, verb.head if verb.dep_ in ("conj", "xcomp", "advcl") else None):
        if word is None:
            continue
        for child in word.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


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


# -- deciding ------------------------------------------------------------------------------------


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


def same_speaker(suggested: str, gold: str) -> bool:
    """Whether a suggested name is the gold speaker: its words (possessive and "the" aside) are words of
    the gold phrase ("Zelensky" for "Zelensky's office"), or both end in the same word."""
    mine, theirs = _words(suggested), _words(gold)
    return bool(mine) and (set(mine) <= set(theirs) or mine[-1] == theirs[-1])


def _words(name: str) -> list[str]:
    return [w for w in re.sub(r"['’]s\b", "", name.lower()).replace("’", "'").split() if w != "the"]


@dataclass
class SpeakerScore:
    """How the suggestions fare on a gold set: statements with a speaker and how many got the right one;
    suggestions made, right and wrong; suggestions on statements nobody named says (false alarms)."""

    statements: int = 0
    with_speaker: int = 0
    suggested: int = 0
    right: int = 0
    false_alarms: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Right suggestions over statements with a speaker: how often the suggestion is right."""
        return self.right / self.with_speaker if self.with_speaker else float("nan")

    @property
    def precision(self) -> float:
        """Right suggestions over all suggestions made: how far a suggestion can be trusted."""
        return self.right / self.suggested if self.suggested else float("nan")


def score(
    text: str, units: Sequence[Span], found: dict[Span, SpeakerSuggestion], gold: list[list], into: SpeakerScore
) -> None:
    """Add one article's statements to `into`: `gold` is `[[opening words, speaker or [speakers] or None], ...]`."""
    for row in gold:
        opening, speaker = row[0], row[1]
        at = text.index(opening)
        unit = next((u for u in units if u[0] <= at < u[1]), None)
        suggestion = found.get(unit) if unit is not None else None
        wanted = [] if speaker is None else [speaker] if isinstance(speaker, str) else list(speaker)
        into.statements += 1
        into.with_speaker += bool(wanted)
        if suggestion is None:
            if wanted:
                into.misses.append(f"no suggestion: {opening!r} ({wanted[0]})")
            continue
        into.suggested += 1
        if not wanted:
            into.false_alarms += 1
            into.misses.append(f"false alarm: {opening!r} → {suggestion.name} ({suggestion.cue})")
        elif any(same_speaker(suggestion.name, w) for w in wanted):
            into.right += 1
        else:
            into.misses.append(f"wrong: {opening!r} → {suggestion.name}, not {wanted[0]} ({suggestion.cue})")
