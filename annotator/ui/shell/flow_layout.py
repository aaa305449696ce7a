"""A layout that places widgets left to right and wraps them onto the next line (Qt's flow layout example)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QToolButton, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _place(self, rect: QRect, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden widget (a folded legend's entries) takes no room
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x, y = area.x(), y + line_height + self.spacing()
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class FoldButton(QToolButton):
    """A flow's heading that folds it to one short line (the heading and how many entries it hides),
    so a laptop's screen keeps its height for the text; click again to unfold."""

    def __init__(self, title: str, flow: FlowLayout, folded: bool = False, keep=None):
        super().__init__()
        #: `keep(widget)`: an entry still shown while folded (a category the article has).
        self.title, self.flow, self.keep = title, flow, keep
        self.setObjectName(f"fold{title}")
        self.setProperty("role", "heading")
        self.setCheckable(True)
        self.setChecked(not folded)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip(f"Click to fold or unfold the {title.lower()}")
        self.toggled.connect(self.apply)

    @property
    def folded(self) -> bool:
        return not self.isChecked()

    def apply(self, *_args) -> None:
        """Show or hide every other widget of the flow, as the button says."""
        entries = [self.flow.itemAt(i).widget() for i in range(self.flow.count())]
        entries = [w for w in entries if w is not None and w is not self]
        hidden = 0
        for widget in entries:
            shown = not self.folded or (self.keep is not None and self.keep(widget))
            widget.setVisible(shown)
            hidden += not shown
        self.setText(f"▸ {self.title} (+{hidden})" if self.folded else f"▾ {self.title}:")
        self.flow.invalidate()
