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

The work is split by stage, each module a room: `parse` (the parser pipeline, the article's lines
parsed and each statement read), `cues` (why a statement is somebody's), `targets` (to whom it is
said), `names` (which name a part of the parse stands for), `decide` (a speaker for each statement
across the article), `units` (what the stages hand each other) and `score` (the suggestions against a
gold set). This module holds the door, `suggest_speakers`, and names what callers use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from annotator.nlp.speakers.cues import INSIDE
from annotator.nlp.speakers.decide import decide_speakers
from annotator.nlp.speakers.names import NameIndex
from annotator.nlp.speakers.parse import LONGEST_DOC, parse_units, parser_pipeline
from annotator.nlp.speakers.score import SpeakerScore, same_speaker, score
from annotator.nlp.speakers.units import ParsedUnit, Span, SpeakerSuggestion
from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "INSIDE",
    "LONGEST_DOC",
    "SPEAKER_TYPES",
    "NameIndex",
    "ParsedUnit",
    "Span",
    "SpeakerScore",
    "SpeakerSuggestion",
    "decide_speakers",
    "parse_units",
    "parser_pipeline",
    "same_speaker",
    "score",
    "suggest_speakers",
]

#: Entity types that can say something.
SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


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
