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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

Span = tuple[int, int]

#: Lemmas of verbs that attribute what follows or precedes to their subject.
# fmt: off
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "state", "announce", "confirm", "deny", "claim", "insist", "warn", "note", "stress",
    "emphasize", "emphasise", "explain", "report", "write", "argue", "suggest", "acknowledge", "admit",
    "declare", "reply", "respond", "comment", "mention", "describe", "indicate", "express", "signal",
    "propose", "reject", "demand", "urge", "threaten", "promise", "vow", "pledge", "believe", "think",
    "accuse", "predict", "assert", "concede", "caution", "cite", "reiterate", "repeat", "refuse", "dismiss",
    "welcome",
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
PRONOUNS = {"he": "PERSON", "she": "PERSON", "i": "PERSON", "we": None, "they": None}
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
class _Parsed:
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
    parsed = _parse_units(nlp, text, units, speakers, cancelled or (lambda: False))
    return {} if parsed is None else _decide(text, parsed)


# -- parsing ------------------------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
#: Characters of the longest line parsed as one doc; a longer line is parsed a statement at a time.
LONGEST_DOC = 5_000


def _parse_units(
    nlp: Language, text: str, units: Sequence[Span], speakers: list[Entity], cancelled: Callable[[], bool]
) -> list[_Parsed] | None:
    """Each unit with its speech cue, from a parse of the lines that hold units (one doc per line;
    a line longer than `LONGEST_DOC` is parsed a unit at a time, so that one paragraph of a long
    article never makes one huge doc). None when `cancelled` said so between docs."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    parsed = [_Parsed(unit) for unit in units]
    if not units:
        return parsed
    wanted: list[Span] = []
    for line in lines:
        inside = [u for u in units if u[0] < line[1] and line[0] < u[1]]
        if not inside:
            continue
        if line[1] - line[0] <= LONGEST_DOC:
            wanted.append(line)
        else:
            wanted += [(max(a, line[0]), min(b, line[1])) for a, b in inside]
    docs = nlp.pipe(text[a:b] for a, b in wanted)
    at = 0
    for (line_start, line_end), doc in zip(wanted, docs, strict=True):
        if cancelled():
            return None
        while at < len(units) and units[at][1] <= line_start:
            at += 1
        j = at
        while j < len(units) and units[j][0] < line_end:
            a, b = units[j]
            tokens = [t for t in doc if a <= t.idx + line_start < b]
            _cue(parsed[j], tokens, line_start, speakers)
            parsed[j].quoted = _quoted(text, a, b)
            people = [e for e in speakers if e.label == "PERSON" and e.end <= a]
            parsed[j].person_before = people[-1] if people else None
            j += 1
    return parsed


def _cue(into: _Parsed, tokens: list[Token], offset: int, speakers: list[Entity]) -> None:
    """The statement's best cue: a speech verb's subject (the verb nearest the root first), or "according to"."""
    verbs = [t for t in tokens if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX")]
    verbs.sort(key=lambda t: (_depth(t), t.i))
    for verb in verbs:
        subject = _subject(verb)
        if subject is None:
            continue
        if _unnamed(subject):  # "a former official said": somebody says it, and nobody named
            into.unnamed = True
            return
        if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":  # "Putin, who signaled …": who is Putin
            subject = verb.head
        entity = _entity_in(subject, offset, speakers)
        if entity is not None:
            into.entity, into.cue = entity, NAMED.format(verb=verb.text)
            return
        word = subject.text.lower()
        if subject.pos_ == "PRON" and word in PRONOUNS:
            into.resolve, into.resolve_type = word, PRONOUNS[word]
            into.cue = RESOLVED.format(word=subject.text)
            return
        if subject.lemma_.lower() in TITLES and subject.tag_ in ("NN", "NNP"):
            into.resolve, into.resolve_type = subject.text, "PERSON"
            into.cue = RESOLVED.format(word=" ".join(t.text for t in subject.subtree))
            return
    for token in tokens:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            to = next(c for c in token.children if c.lower_ == "to")
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if objects and _unnamed(objects[0]):
                into.unnamed = True
                return
            entity = _entity_in(objects[0], offset, speakers) if objects else None
            if entity is not None:
                into.entity, into.cue = entity, ACCORDING
                return


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or (for a verb joined to another, "X said and added") its head's."""
    for word in (verb, verb.head if verb.dep_ in ("conj", "xcomp", "advcl") else None):
        if word is None:
            continue
        for child in word.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


def _entity_in(word: Token, offset: int, speakers: list[Entity]) -> Entity | None:
    """The named entity a subject is or names: the one over its head word ("Zelensky"); else a person in
    its phrase ("the Ukrainian president Volodymyr Zelensky"); else its possessor ("Russia's foreign
    minister"); else an organisation or place in it. An adjective of nationality alone ("the
    Ukrainian president") names nobody: that subject is a title, resolved to a person named before."""
    start = min(t.idx for t in word.subtree) + offset
    end = max(t.idx + len(t) for t in word.subtree) + offset
    head = (word.idx + offset, word.idx + offset + len(word))
    inside = [e for e in speakers if start <= e.start and e.end <= end]
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


def _depth(token: Token) -> int:
    depth = 0
    while token.head is not token and depth < 50:
        token, depth = token.head, depth + 1
    return depth


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


def _decide(text: str, parsed: list[_Parsed]) -> dict[Span, SpeakerSuggestion]:
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
        if entity is None and item.quoted and not (item.unnamed and item.quoted != INSIDE):
            after = _attributed_after(text, parsed, i)
            if after is not None:
                entity, cue = after, QUOTE_AFTER
            elif last is not None:
                entity, cue = last, QUOTE_BEFORE
        if entity is None:
            continue
        mention = _mention_in(text, item.unit, entity, parsed)
        found[item.unit] = SpeakerSuggestion(item.unit, (mention.start, mention.end), _name(text, mention), cue)
        last = entity
        if entity.label == "PERSON":
            last_person = entity
    return found


def _attributed_after(text: str, parsed: list[_Parsed], i: int) -> Entity | None:
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


def _mention_in(text: str, unit: Span, entity: Entity, parsed: list[_Parsed]) -> Entity:
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
    for opening, speaker in gold:
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
