"""The review window's parts: the conflict list (a model), one annotator's column, an elided heading, tints."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.text import excerpt
from annotator.ui.review.session import ReviewSession
from annotator.ui.shell import palette, style
from annotator.ui.shell.plaintext import tooltip

KIND_NAMES = {
    "label_mismatch": "label mismatch",
    "missing": "missing",
    "boundary": "boundary",
    "link_missing": "link missing",
    "link_mismatch": "link mismatch",
}


def review_soft_tint(color: str, th: palette.Theme) -> str:
    """A label's tint where nothing is disputed, or outside the conflict in focus: lighter than its own."""
    return palette.over(color, th.label_alpha / 2, th.base)


def focus_format(th: palette.Theme, background: str | None, here: bool) -> QTextCharFormat:
    """Review text inside the conflict (`here`) or outside it, on `background` (None: the plain one),
    in a colour that reads at 4.5:1 there."""
    fmt = QTextCharFormat()
    under = background or (th.region if here else th.base)
    fmt.setBackground(QColor(under))  # always: Qt drops a foreground-only format after another selection
    fmt.setForeground(QColor(palette.readable(th.text if here else th.context, [under])))
    return fmt


def tinted(item: QTableWidgetItem, background: str) -> None:
    item.setBackground(QColor(background))
    item.setForeground(QColor(palette.readable(style.current_theme().text, [background])))


def score_color(x: float) -> str:
    """Red (0 or less) through amber to green (1), pale enough for the theme's dark text."""
    if math.isnan(x):
        return "#e5e7eb"
    x = max(0.0, min(1.0, x))
    hue = int(120 * x)  # 0 red … 120 green
    return QColor.fromHsl(hue, 150, 205).name()


def figure_item(text: str, background: str | None = None, tip: str = "") -> QTableWidgetItem:
    """A centred cell; on a coloured background its text is whichever of the theme's text or
    black/white reads at 4.5:1 there."""
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    if background is not None:
        th = style.current_theme()
        item.setBackground(QColor(background))
        readable = palette.contrast(th.text, background) >= palette.AA
        item.setForeground(QColor(th.text if readable else palette.chip_text(background)))
    if tip:
        item.setToolTip(tooltip(tip))
    return item


#: Characters of a conflict's words and of its article's title in the conflict list, and of the words
#: in a tooltip: longer text is cut with "…" (`excerpt`), so a cut never passes for the whole.
LISTED_WORDS, LISTED_TITLE, TOOLTIP_WORDS = 60, 36, 300

#: Rows a table keeps in view however small the window (beyond them it scrolls once the window is full).
ROWS_KEPT = 6


def fit_to_rows(table: QTableWidget, kept: int = ROWS_KEPT, most: int | None = None) -> None:
    """A table as tall as its rows (at most `most` of them), never taller (what is around it takes the
    rest), and at least `kept` rows tall, so none scrolls while the window has room and a small window
    still shows some. Rows are one line of the table's font high (as the style sheet made it)."""
    table.ensurePolished()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    frame = 2 * table.frameWidth()
    header = 0 if table.horizontalHeader().isHidden() else table.horizontalHeader().sizeHint().height()
    heights = [table.rowHeight(i) for i in range(table.rowCount())]
    bar = table.horizontalScrollBar().sizeHint().height() if table.horizontalScrollBar().maximum() > 0 else 0
    content = frame + header + sum(heights[:most]) + bar
    table.setMaximumHeight(content)
    table.setMinimumHeight(min(content, frame + header + sum(heights[:kept]) + bar))


class ElidedLabel(QLabel):
    """A one-line heading that ends in "…" when the window is too narrow; the whole text is its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(tooltip(text))
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width() - 8
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(width, 40)))


class _PaneWideDelegate(QStyledItemDelegate):
    """Rows as tall as their text but asking no width: the list lays each row out as wide as its pane,
    so a long entry is elided there instead of running past the edge."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class ConflictList(QListView):
    """The conflict list: each entry's lines end in "…" at the pane's right edge (no horizontal
    scrolling), the whole entry in its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictList")
        self.setItemDelegate(_PaneWideDelegate(self))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)


class ConflictListModel(QAbstractListModel):
    """The filtered conflicts of a session, one row each (a model, so 100,000 rows stay cheap)."""

    def __init__(self, session: ReviewSession, parent=None):
        super().__init__(parent)
        self.session = session
        session.conflictsChanged.connect(self._reset)
        session.goldChanged.connect(self._gold_changed)

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _gold_changed(self, _article_id: int) -> None:
        if self.session.conflicts:
            self.dataChanged.emit(self.index(0), self.index(len(self.session.conflicts) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.session.conflicts)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.session.conflicts):
            return None
        c = self.session.conflicts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.entry(c, LISTED_WORDS, LISTED_TITLE)
        if role == Qt.ItemDataRole.ToolTipRole:  # what the list's narrow pane elides
            return tooltip(self.entry(c, TOOLTIP_WORDS, None))
        if role == Qt.ItemDataRole.ForegroundRole and self.session.is_resolved(c):
            return QColor(style.current_theme().muted)
        return None

    def entry(self, c, words: int, title: int | None) -> str:
        """A conflict's entry: its words (up to `words`) quoted, then its kinds and the article's
        title; for the tooltip (`title` None) the words bare and the title whole."""
        kinds = ", ".join(KIND_NAMES[k] for k in sorted(c.kinds))
        if hasattr(c, "label"):  # a link conflict: which link type
            kinds = f"{c.label}: {kinds}"
        article = self.session.article(c.article_id)
        quoted = excerpt(article.text[c.start : c.end], words)
        if title is None:
            return f"{quoted}\n{kinds} · {article.title}"
        mark = "✓" if self.session.is_resolved(c) else "•"
        return f"{mark} “{quoted}”\n    {kinds} · {excerpt(article.title, title)}"


class Column(QWidget):
    """One annotator's (or gold's) view of the article: a header and the read-only text."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.header = QLabel(title)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setStyleSheet("font-weight: 600; padding: 2px 4px;")
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: palette(placeholder-text); padding: 0 4px 4px 4px;")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("reviewColumn")
        self.text.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        font = self.text.font()
        font.setPointSizeF(11)
        self.text.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.text, 1)
