"""Search in the article: every match marked, "3 of 12", Enter/F3 next, Shift+Enter/Shift+F3 previous.

Typing jumps to the first match at or after the place the reader searched from; text that is
not in the article puts them back there. Escape closes the bar and keeps the reader's place:
the match they were on stays selected and its statement current, the other marks go.
Matching is literal and ignores case; offsets are code points, shown through the view's
UTF-16 map.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget

from annotator.ui.annotate.reader.article_view import ArticleView
from annotator.ui.annotate.session import Session, Span
from annotator.ui.shell.plaintext import plain_label


class SearchBar(QWidget):
    def __init__(self, session: Session, view: ArticleView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.session, self.view = session, view
        self.field = QLineEdit()
        self.field.setObjectName("articleSearch")
        self.field.setPlaceholderText("Search in this article")
        self.field.setClearButtonEnabled(True)
        self.count = plain_label(object_name="searchCount")
        self.count.setMinimumWidth(90)
        hint = plain_label("Enter/F3 next · Shift+Enter/Shift+F3 previous · Esc closes")
        hint.setProperty("role", "hint")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 8, 4)
        row.addWidget(self.field, 1)
        row.addWidget(self.count)
        for text, tip, step in (("▲", "Previous match (Shift+F3)", -1), ("▼", "Next match (F3)", 1)):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, step=step: self.step(step))
            row.addWidget(button)
        row.addWidget(hint)
        self.matches: list[Span] = []  # code points
        self.index = -1
        self._origin: tuple[Span | None, int] | None = None  # (current statement, scroll) before searching
        self._placed: Span | None = None  # the statement the search last made current
        self.field.textChanged.connect(self._search)
        self.field.returnPressed.connect(self._return_pressed)
        session.articleChanged.connect(self._article_changed)
        self.hide()

    # -- opening and closing ------------------------------------------------------------

    def open(self) -> None:
        if not self.isVisible():
            self._origin = (self.session.current, self.view.verticalScrollBar().value())
            self._placed = None
            self.show()
            self._search(self.field.text())
        self.field.setFocus()
        self.field.selectAll()

    def close_search(self) -> None:
        """Escape: hide the bar and the marks; the reader stays where the search took them."""
        if not self.isVisible():
            return
        self.hide()
        self.matches, self.index = [], -1
        self.view.set_matches([], None)
        self._origin = None
        self.view.setFocus()

    def _back_to_origin(self) -> None:
        """The text is not in the article: the reader goes back to where they searched from."""
        if self._origin is None or self._placed is None:
            return
        current, scroll = self._origin
        with self.view.keeping_selection():
            self.session.set_current(current)
        cursor = self.view.textCursor()
        cursor.clearSelection()
        if current is not None:
            cursor.setPosition(self.session.offsets.to_qt(current[0]))
        self.view.setTextCursor(cursor)
        self.view.verticalScrollBar().setValue(scroll)
        self._placed = None

    def _article_changed(self) -> None:
        if self.isVisible():
            self._origin = (self.session.current, 0)
            self._placed = None
            self._search(self.field.text())

    # -- finding ---------------------------------------------------------------------------

    def _search(self, text: str) -> None:
        article = self.session.article
        self.matches = []
        if text and article is not None:
            self.matches = [m.span() for m in re.finditer(re.escape(text), article.text, re.IGNORECASE)]
        self.index = -1
        if self.matches:
            start = self._reading_position()
            self.index = next((i for i, (a, _) in enumerate(self.matches) if a >= start), 0)
            self._go()
        else:
            self.view.set_matches([], None)
            self._back_to_origin()
        self._show_count(text)

    def _reading_position(self) -> int:
        if self._origin is not None and self._origin[0] is not None:
            return self._origin[0][0]
        return 0

    def step(self, step: int) -> None:
        """F3 (1) / Shift+F3 (-1): the next or previous match, round the end; opens the bar if closed."""
        if not self.isVisible():
            self.open()
            return
        if not self.matches:
            return
        self.index = (self.index + step) % len(self.matches)
        self._go()
        self._show_count(self.field.text())

    def _return_pressed(self) -> None:
        from PySide6.QtWidgets import QApplication

        shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        self.step(-1 if shift else 1)

    def _go(self) -> None:
        """Select the current match in the text and make its statement current; mark every match
        (a match on another part of a long article turns to that part first)."""
        self.session.show_offset(self.matches[self.index][0])
        qt = self.session.offsets.span_to_qt
        start, end = qt(*self.matches[self.index])
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.centerCursor()
        self.view.go_to_selection()
        self._placed = self.session.current
        # the marks on the part shown (all of a short article): a word in a 60 MB text matches a million times
        a, b = self.session.page_span
        lo, hi = bisect_left(self.matches, (a, -1)), bisect_left(self.matches, (b, -1))
        self.view.set_matches([qt(s, e) for s, e in self.matches[lo:hi]], self.index - lo)

    def _show_count(self, text: str) -> None:
        if not text:
            self.count.setText("")
        elif not self.matches:
            self.count.setText("no matches")
        else:
            self.count.setText(f"{self.index + 1} of {len(self.matches)}")
