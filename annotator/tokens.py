"""Token bounds: snapping a selection onto them, and the token list spaCy builds from them.

Pure Python (no spaCy, no Qt): the window, the review decisions and every export format
share it, so a span is "on token boundaries" in exactly one sense — the tokens the
format carries (spaCy's, white-space tokens such as a line break included).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


def word_tokens(text: str) -> list[tuple[int, int]]:
    """Fallback token bounds (words and single punctuation marks) when spaCy has not run yet."""
    return [m.span() for m in _WORD.finditer(text)]


def snap(start: int, end: int, tokens: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """Widen `start`-`end` to whole tokens; None if it covers no token.

    A selection that starts or ends inside a token takes the whole token; one that
    starts or ends in white space shrinks to the tokens inside it.
    """
    if start > end:
        start, end = end, start
    if not tokens:
        return None
    ends = [e for _, e in tokens]
    starts = [s for s, _ in tokens]
    first = bisect_right(ends, start)  # first token ending after start
    last = bisect_left(starts, end) - 1  # last token starting before end
    if start == end:
        # a click: the token under the caret
        if first < len(tokens) and starts[first] <= start:
            return tokens[first]
        return None
    if first > last:
        return None
    return starts[first], ends[last]


class SpacyTokens:
    """The tokens a spaCy `Doc` of `text` has when built from stored (non-space) token bounds.

    spaCy keeps one trailing space per token as `whitespace_` and turns any other white space
    (a line break, a second space) into a token of its own; `words`/`spaces` are what
    `Doc(vocab, words=…, spaces=…)` takes, `bounds` each token's (start, end).
    """

    __slots__ = ("bounds", "spaces", "words")

    def __init__(self, words: list[str], spaces: list[bool], bounds: list[tuple[int, int]]):
        self.words, self.spaces, self.bounds = words, spaces, bounds

    @classmethod
    def build(cls, text: str, flat: Sequence[int] | None) -> SpacyTokens | None:
        """From flat stored bounds `[s0, e0, s1, e1, …]`; None when there are none or they do not fit
        the text (overlap, out of range, or text between them)."""
        if not flat:
            return None
        words: list[str] = []
        spaces: list[bool] = []
        bounds: list[tuple[int, int]] = []

        def gap(start: int, end: int) -> bool:
            """Add the white space text[start:end] the way spaCy holds it; False if it is not white space."""
            piece = text[start:end]
            if not piece:
                return True
            if piece.strip():
                return False
            if words and piece[0] == " " and not spaces[-1]:
                spaces[-1] = True
                start += 1
            if start < end:
                words.append(text[start:end])
                spaces.append(False)
                bounds.append((start, end))
            return True

        pos = 0
        for start, end in zip(flat[::2], flat[1::2], strict=True):
            if not (pos <= start < end <= len(text)) or not gap(pos, start):
                return None
            words.append(text[start:end])
            spaces.append(False)
            bounds.append((start, end))
            pos = end
        if not gap(pos, len(text)) or not words:
            return None
        return cls(words, spaces, bounds)

    def boundaries(self) -> tuple[set[int], set[int]]:
        """The offsets where a token starts, and where one ends (a span is aligned if it uses both)."""
        return {s for s, _ in self.bounds}, {e for _, e in self.bounds}
