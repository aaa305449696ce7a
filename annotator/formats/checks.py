"""Small helpers shared by the exporters' reports."""

from __future__ import annotations


def snippet(text: str, limit: int = 40) -> str:
    """A short, quoted, one-line view of a span's text for a warning."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(short)
