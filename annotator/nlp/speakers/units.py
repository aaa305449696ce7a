"""What the stages of a speaker suggestion hand each other: a statement's parse read into cues
(`ParsedUnit`, filled by `cues` and `targets`, read by `decide`) and the suggestion that comes out
(`SpeakerSuggestion`, what the window shows and the gold is scored on). Kept apart so that every
stage can name them without importing another stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.records import Entity

Span = tuple[int, int]


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
