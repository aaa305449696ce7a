"""The statements a search looks in: an article's sentences as the window shows them.

A search hit, the count of hits and "label all matches" all use one unit: the statement
candidate the annotator walks with ↓/↑ — a sentence of the pipeline, split at line breaks
(a headline is never part of the first sentence). Before the pipeline has run an article
has no sentences; then a plain split at line breaks and sentence-final punctuation stands
in, and the search index redoes the article once the pipeline's sentences arrive.

Pure Python: the store (search index), the search and the window share it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int]

_LINE = re.compile(r"[^\n]+")
#: A line break, or sentence-final punctuation (Latin, CJK, Arabic, Devanagari).
_BREAK = re.compile("[.!?…。！？؟।\n]")


def split_at_breaks(sentences: Sequence[Span], text: str) -> list[Span]:
    """Sentences cut at line breaks and trimmed of white space (a whitespace token spaCy put at a
    sentence's start is no part of the statement); empty pieces dropped."""
    out: list[Span] = []
    for start, end in sentences:
        if "\n" not in text[start:end]:
            out.extend(_trimmed(text, start, end))
            continue
        for piece in _LINE.finditer(text, start, end):
            out.extend(_trimmed(text, piece.start(), piece.end()))
    return out


def fallback_sentences(text: str) -> list[Span]:
    """Lines, split after sentence-final punctuation followed by white space: the units of an article
    the pipeline has not seen."""
    out: list[Span] = []
    pos, n = 0, len(text)
    # one character class, then a look at the next character: several times faster than a lookbehind
    for m in _BREAK.finditer(text):
        i = m.start()
        if text[i] == "\n":
            out.extend(_trimmed(text, pos, i))
            pos = i + 1
        elif i + 1 < n and text[i + 1].isspace():
            out.extend(_trimmed(text, pos, i + 1))
            pos = i + 1
    out.extend(_trimmed(text, pos, n))
    return out


def statement_units(sentences: Sequence[Span], text: str) -> list[Span]:
    """The units of one article: its stored sentences split at breaks, or the fallback split."""
    return split_at_breaks(sentences, text) if sentences else fallback_sentences(text)


def unit_at(units: Sequence[Span], start: int, end: int) -> Span | None:
    """The unit holding `start`-`end` wholly, or None (a match across two units holds in neither)."""
    for unit in units:
        if unit[0] <= start and end <= unit[1]:
            return unit
        if unit[0] >= end:
            break
    return None


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    piece = text[start:end]
    a = start + len(piece) - len(piece.lstrip())
    b = end - (len(piece) - len(piece.rstrip()))
    return [(a, b)] if b > a else []
