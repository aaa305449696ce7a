"""The one place where stored offsets meet Qt positions.

The store counts Python code points; Qt counts UTF-16 code units, so every character
outside the Basic Multilingual Plane (emoji, flags are two of them, many CJK
extensions) takes two Qt positions. QTextDocument also counts one position per block
separator, which for our LF-only text is exactly the "\\n" it replaces, so a Qt
position in the article view is the UTF-16 offset into the stored text.

A long article is shown a page at a time: the map is then made for the page's text with
`base`, the page's first code point, so stored offsets go in and come out unchanged and only
the Qt side counts from the page's start.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts between code-point offsets and UTF-16 positions for one text.

    With `base` the text is a page of a longer one starting at code point `base`: offsets are
    the longer text's (`base` ≤ offset ≤ `base` + len(text)), positions count from the page's
    start. Offsets off the page map outside 0…`qt_length`.
    """

    __slots__ = ("_astral_cp", "_astral_qt", "base", "cp_length", "qt_length")

    def __init__(self, text: str, base: int = 0):
        self.base = base
        self._astral_cp = [m.start() + base for m in _ASTRAL.finditer(text)]
        #: Qt position of each astral character: its code point offset plus the astral characters before it.
        self._astral_qt = [cp - base + i for i, cp in enumerate(self._astral_cp)]
        self.cp_length = len(text)
        self.qt_length = len(text) + len(self._astral_cp)

    def to_qt(self, offset: int) -> int:
        """Qt position of code-point `offset` (0 ≤ offset ≤ len(text))."""
        if not self._astral_cp:
            return offset - self.base
        return offset - self.base + bisect_left(self._astral_cp, offset)

    def to_cp(self, position: int) -> int:
        """Code-point offset of Qt `position`; a position inside a surrogate pair rounds down."""
        if not self._astral_qt:
            return position + self.base
        return position + self.base - bisect_left(self._astral_qt, position)

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def holds(self, start: int, end: int) -> bool:
        """Whether the code-point span `start`-`end` has any character on this map's text (its page)."""
        return start < self.base + self.cp_length and end > self.base

    def span_to_cp(self, start: int, end: int) -> tuple[int, int]:
        """Code-point span of a Qt span; an end inside a surrogate pair rounds up, so no half character is lost."""
        cp_end = self.to_cp(end)
        if self.to_qt(cp_end) < end:
            cp_end += 1
        return self.to_cp(start), cp_end


def utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))
