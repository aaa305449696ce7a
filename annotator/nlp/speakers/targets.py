"""To whom a statement is said, offered, demanded or urged, and on whom it sets a condition.

`_target` reads a speech or position verb's objects, `_noun_target` a statement noun's ("an offer to
X"), and `_condition_target` a statement's conditions and rejected demands ("… if Moscow stops",
"rejects Kremlin demands"). The press and the room are nobody's target. The word lists here are
the ones these read; the speaker cues (`cues`) call them once they have found the speaker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.nlp.speakers.names import (
    _INFLECTED,
    NameIndex,
    _entity_in,
    _entity_in_span,
    _name_of,
    _noun,
    _phrase,
    _subject,
)
from annotator.nlp.speakers.units import Span
from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.tokens import Token

# fmt: off
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
CONDITION = "a condition set on it, or its demand rejected"


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
