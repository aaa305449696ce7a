"""The reading place: saved in the project as the annotator moves, reopened exactly there.

A crash (kill -9, power loss) must not send the annotator back to the first article: the
article is saved the moment it opens, the current statement a short pause after the last
move (arrow keys held down write once, not per line), and both again on a clean close.
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QObject, QTimer

from annotator.store import StoreError
from annotator.ui.annotate.session import Session

log = logging.getLogger("annotator.ui")

#: How long the current statement must stay put before it is written (ms).
SETTLE_MS = 250


class ReadingPlace(QObject):
    def __init__(self, session: Session):
        super().__init__(session)
        self.session = session
        self._saved: tuple[int, tuple[int, int] | None] | None = None
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self.save)
        session.articleChanged.connect(self.save)
        session.currentChanged.connect(self._timer.start)

    def reopen(self, article: int | None = None) -> bool:
        """Open `article`, else the saved place, else the first article. False if there is none."""
        s = self.session
        store = s.store
        if article is not None and store.articles.has_article(article):
            return s.open_article(article)
        place = store.places.reading_place(s.annotator)
        if place is not None and store.articles.has_article(place[0]):
            return s.open_article(*place)  # a span off the text is dropped there
        first = store.articles.first_article()
        return first is not None and s.open_article(first)

    def save(self) -> None:
        """Write the place now (if it moved since the last write)."""
        self._timer.stop()
        s = self.session
        if s.article_id is None:
            return
        place = (s.article_id, s.current)
        if place == self._saved:
            return
        try:
            s.store.places.save_reading_place(s.annotator, *place)
        except (StoreError, sqlite3.Error) as exc:  # read-only, full or closed: the place is a convenience
            log.info("reading place not saved: %s", exc)
            return
        self._saved = place
