"""Who said it to whom: a speaker and a target suggested for each statement, each resolved to an actor.

The speaker comes from `annotator.nlp.speakers` (a named subject of a speech verb, "according to",
a pronoun or title resolved to the last named speaker, a quotation attributed after it), and then,
where those find nobody named:

- an unnamed source ("senior EU officials said", "according to industry sources", "a person
  familiar with the talks said"): its own words, resolved to an anonymous actor ("sources: senior
  EU officials", never dropped);
- a body named by its kind ("the FNV union said", "a court in Rome ordered", "several African
  delegations complained"): its words, resolved to an actor where the registry knows it;
- a named speaker without a speech verb: a headline "X: …", the named subject of a verb of position
  ("Norway backs the proposal", "Brazil proposes …"), or the named owner of a statement reported as
  a noun ("Zelensky's plan includes a demand").

A dateline opening a paragraph ("Baku — Brazil proposed") is where the story was filed, never its
speaker. The target is whom the statement's verb addresses: its indirect object ("offered Germany a deal"),
the object of a verb of address ("told Moscow", "urged Tokyo to", "asked rich countries"), or "to
X" / "from X" / "on X" of a verb that gives, demands or calls ("demanded from Washington", "called
on Belgrade"). The press and the room ("told reporters", "told delegates") are nobody's target.

Each mention is resolved to an actor through `annotator.actors.resolve` (names, aliases, metonyms,
titles at the article's date, pronouns and descriptions through the actors named before). Nothing
is stored: `annotator suggest --json` prints these, the window offers them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.nlp import speakers as sp
from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.actors.resolve import Registry

Span = tuple[int, int]
UNNAMED_SOURCE = "an unnamed source"


@dataclass(frozen=True)
class Mention:
    """A suggested link end: its offsets, words, the actor it resolves to ("" when none) and the cue."""

    start: int
    end: int
    text: str
    actor: str
    cue: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "actor": self.actor, "cue": self.cue}


@dataclass(frozen=True)
class Attribution:
    """One statement's suggestions: who said it, to whom (either may be None)."""

    statement: Span
    speaker: Mention | None
    target: Mention | None


def suggest_statements(
    nlp: Language,
    text: str,
    units: Sequence[Span],
    entities: Iterable[Entity],
    registry: Registry | None = None,
    date: str = "",
    cancelled: Callable[[], bool] | None = None,
) -> dict[Span, Attribution]:
    """A suggestion for every statement with a speaker or a target (see the module docstring)."""
    entities = list(entities)
    speakers = sorted((e for e in entities if e.label in sp.SPEAKER_TYPES), key=lambda e: (e.start, -e.end))
    parsed = sp.parse_units(nlp, text, units, speakers, cancelled or (lambda: False))
    if parsed is None:
        return {}
    named = sp.decide_speakers(text, parsed)
    raw: dict[Span, tuple[tuple[Span, str] | None, tuple[Span, str] | None]] = {}
    for item in parsed:
        speaker: tuple[Span, str] | None = None
        if item.unit in named:
            s = named[item.unit]
            speaker = (s.speaker, s.cue)
        elif item.body is not None:
            speaker = (item.body, item.body_cue)
        elif item.anonymous is not None and (item.quoted != sp.INSIDE or item.own_quote):
            speaker = (item.anonymous, UNNAMED_SOURCE)
        elif item.position is not None:
            speaker = ((item.position.start, item.position.end), item.position_cue)
        target = (item.target, item.target_cue) if item.target is not None and speaker is not None else None
        if speaker is not None:
            raw[item.unit] = (speaker, target)
    return _resolved(text, raw, entities, registry, date)


def _resolved(
    text: str,
    raw: dict[Span, tuple[tuple[Span, str] | None, tuple[Span, str] | None]],
    entities: list[Entity],
    registry: Registry | None,
    date: str,
) -> dict[Span, Attribution]:
    actors: dict[Span, str] = {}
    if registry is not None:
        from annotator.actors.resolve import anonymous_actor, resolve_article

        ends = {end[0] for pair in raw.values() for end in pair if end is not None}
        actors = {span: r.actor.name for span, r in resolve_article(registry, text, date, entities, ends).items()}
        for speaker, _ in raw.values():  # an unnamed source is always an anonymous actor, never dropped
            if speaker is not None and speaker[1] == UNNAMED_SOURCE and speaker[0] not in actors:
                a, b = speaker[0]
                anonymous = anonymous_actor(registry, text[a:b])
                if anonymous.id == 0:
                    registry.add(anonymous)
                actors[speaker[0]] = anonymous.name

    def mention(end: tuple[Span, str] | None) -> Mention | None:
        if end is None:
            return None
        (a, b), cue = end
        return Mention(a, b, " ".join(text[a:b].split()), actors.get((a, b), ""), cue)

    return {unit: Attribution(unit, mention(s), mention(t)) for unit, (s, t) in sorted(raw.items())}


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class AttributionScore:
    """Speakers and targets against a gold set: statements with a speaker and how many got the right
    one; statements with a target and how many got it; suggestions on statements nobody says."""

    statements: int = 0
    with_speaker: int = 0
    speakers_right: int = 0
    with_target: int = 0
    targets_right: int = 0
    unattributed: int = 0
    false_alarms: int = 0
    #: Statements whose gold says nobody is addressed, and targets suggested on them anyway.
    without_target: int = 0
    target_false_alarms: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_right / self.with_speaker if self.with_speaker else float("nan")

    @property
    def target_accuracy(self) -> float:
        return self.targets_right / self.with_target if self.with_target else float("nan")

    @property
    def false_alarms_per_30(self) -> float:
        return 30 * self.false_alarms / self.unattributed if self.unattributed else float("nan")

    def as_dict(self) -> dict:
        return {
            "statements": self.statements,
            "speakers": f"{self.speakers_right}/{self.with_speaker}",
            "speaker_accuracy": round(self.speaker_accuracy, 3),
            "targets": f"{self.targets_right}/{self.with_target}",
            "target_accuracy": round(self.target_accuracy, 3),
            "unattributed": self.unattributed,
            "false_alarms": self.false_alarms,
            "false_alarms_per_30": round(self.false_alarms_per_30, 2),
            "target_false_alarms": f"{self.target_false_alarms}/{self.without_target}",
            "misses": self.misses,
        }


def _wanted(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def score_attributions(
    text: str, units: Sequence[Span], found: dict[Span, Attribution], gold: list[list], into: AttributionScore
) -> None:
    """Add one article to `into`. `gold` is `[[opening words, speaker, target?, unnamed source?], ...]`,
    each a phrase, a list of phrases (either is right) or null; a row without a third item has no
    target annotated and is not counted for targets; a fourth item is the unnamed source of a
    statement whose named speaker is null (the seeds' gold keeps "nobody named" apart)."""
    for row in gold:
        opening, speaker = row[0], row[1]
        if speaker is None and len(row) > 3:  # the seeds' gold: an unnamed source, beside "nobody named"
            speaker = row[3]
        at = text.index(opening)
        unit = next((u for u in units if u[0] <= at < u[1]), None)
        got = found.get(unit) if unit is not None else None
        wanted = _wanted(speaker)
        into.statements += 1
        said = got.speaker if got is not None else None
        if wanted:
            into.with_speaker += 1
            if said is not None and any(sp.same_speaker(said.text, w) for w in wanted):
                into.speakers_right += 1
            elif said is None:
                into.misses.append(f"no speaker: {opening!r} ({wanted[0]})")
            else:
                into.misses.append(f"wrong speaker: {opening!r} → {said.text}, not {wanted[0]} ({said.cue})")
        else:
            into.unattributed += 1
            if said is not None:
                into.false_alarms += 1
                into.misses.append(f"false alarm: {opening!r} → {said.text} ({said.cue})")
        if len(row) < 3:
            continue
        targets = _wanted(row[2])
        to = got.target if got is not None else None
        if targets:
            into.with_target += 1
            if to is not None and any(sp.same_speaker(to.text, w) for w in targets):
                into.targets_right += 1
            elif to is None:
                into.misses.append(f"no target: {opening!r} ({targets[0]})")
            else:
                into.misses.append(f"wrong target: {opening!r} → {to.text}, not {targets[0]} ({to.cue})")
        else:
            into.without_target += 1
        if not targets and to is not None:
            into.target_false_alarms += 1
            into.misses.append(f"target false alarm: {opening!r} → {to.text} ({to.cue})")
