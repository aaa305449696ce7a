"""Text normalisation and content hashes, applied before any offset exists."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable

BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n?")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalize(text: str) -> tuple[str, Callable[[int], int]]:
    """Strip a leading BOM and turn CRLF/CR into LF.

    Returns the new text and a function mapping an offset in the old text to the
    offset of the same place in the new one, so that spans move with the text.
    """
    removed: list[int] = []
    if text.startswith(BOM):
        text = text[1:]
        removed.append(0)
    if "\r" in text:
        base = len(removed)
        removed.extend(m.start() + base for m in _LINE_BREAK.finditer(text) if m.group() == "\r\n")
        text = _LINE_BREAK.sub("\n", text)
    if not removed:
        return text, _identity

    def shift(offset: int) -> int:
        return offset - bisect_left(removed, offset)

    return text, shift


def _identity(offset: int) -> int:
    return offset


def lone_surrogate(text: str) -> int | None:
    """Offset of the first lone surrogate (which no file can store), or None."""
    match = _SURROGATE.search(text)
    return match.start() if match else None


def content_hash(text: str) -> str:
    """The identity of an article: same normalised text, same article."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signed32(hex_digest: str) -> int:
    """A Prodigy-style signed 32-bit hash derived from a hex digest."""
    return int.from_bytes(bytes.fromhex(hex_digest[:8]), "big", signed=True)


def title_of(text: str, limit: int = 200) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:limit]
    return ""
