"""Which part of a long article is on screen, and buttons to the parts before and after it.

Hidden for an article of one page (every news article): it shows only when the text is
longer than `session.PAGE_CHARS`. Ctrl+PgUp / Ctrl+PgDown (the window's shortcuts) do what
the buttons do; ↓ and ↑ past a page's last or first statement turn the page as well.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from annotator.ui.annotate.session import Session
from annotator.ui.shell.plaintext import plain_label


class PageBar(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pageBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.session = session
        self.where = plain_label(object_name="pagePosition")
        self.where.setAccessibleName("Part of the article shown")
        self.previous = self._button("◀ Previous part", "The part before this one (Ctrl+PgUp)", -1)
        self.next = self._button("Next part ▶", "The part after this one (Ctrl+PgDown)", 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 3, 8, 3)
        row.addWidget(self.previous)
        row.addWidget(self.where, 1, Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.next)
        session.articleChanged.connect(self.refresh)
        session.pageChanged.connect(self.refresh)
        self.hide()

    def _button(self, text: str, tip: str, step: int) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _=False: self.step(step))
        return button

    def step(self, step: int) -> None:
        """The part after (1) or before (-1) the one shown, its first statement current."""
        self.session.go_to_page(self.session.page + step)

    def refresh(self) -> None:
        s = self.session
        count = len(s.pages)
        self.setVisible(s.article is not None and count > 1)
        if s.article is None or count < 2:
            return
        a, b = s.page_span
        total = len(s.article.text)
        self.where.setText(f"part {s.page + 1} of {count} · characters {a + 1:,}–{b:,} of {total:,}")
        self.previous.setEnabled(s.page > 0)
        self.next.setEnabled(s.page < count - 1)
