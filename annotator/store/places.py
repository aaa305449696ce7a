"""Where each annotator was reading, kept in the project so a crash cannot lose it.

The window saves the place (article and current statement) as the annotator moves and
reopens exactly there, after a clean quit or a kill alike. One settings row per annotator;
a place is a convenience, so a project that cannot be written (read-only) just keeps none.
"""

from __future__ import annotations

from annotator.store.part import Part

_KEY = "reading_place/"


class PlacesPart(Part):
    """`store.places`: where each annotator was reading."""

    def reading_place(self, annotator: str) -> tuple[int, tuple[int, int] | None] | None:
        """(article id, current statement span or None) where `annotator` last was, or None."""
        value = self.store.get_setting(_KEY + annotator)
        if not isinstance(value, dict) or not isinstance(value.get("article"), int):
            return None
        span = value.get("statement")
        ok = isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)
        return value["article"], (span[0], span[1]) if ok else None

    def save_reading_place(self, annotator: str, article_id: int, statement: tuple[int, int] | None) -> None:
        """Remember where `annotator` is (one committed write)."""
        self.store.set_setting(
            _KEY + annotator, {"article": article_id, "statement": list(statement) if statement else None}
        )
