"""The parse a speaker suggestion needs, and each statement read into its cues.

The pre-annotation runs without spaCy's parser, so `parser_pipeline` loads one with it (NER off: the
stored entities are used) and `parse_units` parses an article's lines with it, in small batches so a
closing window is heard, then asks `cues` and `targets` about every statement. spaCy is imported
only when a parse is asked for.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from annotator.nlp.speakers.cues import BOTH_QUOTES, CLOSE_QUOTES, OPEN_QUOTES, _cue, _headline, _position, _quoted
from annotator.nlp.speakers.names import NameIndex
from annotator.nlp.speakers.targets import CONDITION, _condition_target
from annotator.nlp.speakers.units import ParsedUnit, Span
from annotator.records import Entity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


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
