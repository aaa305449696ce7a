"""How the speaker suggestions fare on a gold set: the benchmarks and tests score with these.

A suggested name counts as the gold speaker by its words (`same_speaker`), and `score` adds an
article's statements to a `SpeakerScore`: right, wrong, missed and false alarms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.nlp.speakers.units import Span, SpeakerSuggestion


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
