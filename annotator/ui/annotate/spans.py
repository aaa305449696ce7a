"""Statement spans: snapping a selection to token bounds. Pure Python, no Qt."""

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


def containing(spans: Sequence[tuple[int, int]], position: int) -> int | None:
    """Index of the span (sorted, not overlapping) that contains `position`, or None."""
    i = bisect_right([s for s, _ in spans], position) - 1
    if i >= 0 and spans[i][0] <= position < spans[i][1]:
        return i
    return None
