"""Statement spans: snapping a selection to token bounds. Pure Python, no Qt.

The snapping itself lives in `annotator.tokens` (the review decisions use it too).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from annotator.tokens import snap, word_tokens

__all__ = ["containing", "snap", "word_tokens"]


def containing(spans: Sequence[tuple[int, int]], position: int) -> int | None:
    """Index of the span (sorted, not overlapping) that contains `position`, or None."""
    i = bisect_right([s for s, _ in spans], position) - 1
    if i >= 0 and spans[i][0] <= position < spans[i][1]:
        return i
    return None
