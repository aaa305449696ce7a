"""Article categories in the window: chips above the article, Shift+1–9, and chips in the article list.

The bar shows every active category of the project's scheme (`annotator.schemes.categories`), group
by group; the ones the article carries (for this annotator) are filled with their colour,
the others outlined. Shift+1–9 or a click toggles one: in an exclusive group (a stance) it
replaces the group's other category. Each toggle is one committed action and one step of the
window's undo stack (`CategoryCommand`).

A chip's text is black or white, whichever reads better on its colour (`palette.chip_text`,
measured in `tests/ui/test_palette.py`); names come from data and are shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QToolButton, QToolTip, QWidget

from annotator.records import CategoryGroup
from annotator.schemes.categories import CategoryChange, by_key, group_of, project_categories, toggle_category
from annotator.ui.annotate.session import Command, Session
from annotator.ui.shell import palette, style
from annotator.ui.shell.flow_layout import FlowLayout, FoldButton
from annotator.ui.shell.plaintext import menu_text, plain_label, tooltip


class CategoryCommand(Command):
    """Toggle one category of one article (an exclusive group's other category comes off)."""

    def __init__(self, session: Session, article_id: int, category: str, groups: list[CategoryGroup]):
        super().__init__(session, article_id, f"category {category}")
        self.category, self.groups = category, groups
        self.change: CategoryChange | None = None

    def after(self) -> str:
        change = self.change
        if change is None:
            return self.text()
        on = self.category in change.after
        replaced = sorted(set(change.before) - set(change.after) - {self.category})
        verb = "added" if on else "removed"
        also = f" (instead of {', '.join(replaced)})" if replaced else ""
        return f"{verb} category {self.category}{also}"

    def apply(self) -> None:
        store = self.session.store
        if self.change is None:
            self.change = toggle_category(store, self.article_id, self.session.annotator, self.category, self.groups)
        else:
            self.change.redo(store)
        self.session.articleRowChanged.emit(self.article_id)

    def revert(self) -> None:
        self.change.undo(self.session.store)
        self.session.articleRowChanged.emit(self.article_id)


class CategoriesBar(QWidget):
    """The article's categories as chips, one per category of the scheme; click or Shift+key toggles."""

    def __init__(self, session: Session, left_margin: int = 12, parent=None):
        super().__init__(parent)
        self.setObjectName("categoriesBar")
        self.session = session
        self.groups: list[CategoryGroup] = []
        self.buttons: dict[str, QToolButton] = {}
        #: Folded to its heading and the article's own categories (kept over rebuilds).
        self.folded = False
        self.fold: FoldButton | None = None
        self.flow = FlowLayout(self, spacing=4)
        self.flow.setContentsMargins(left_margin, 4, 8, 4)
        session.articleChanged.connect(self.refresh)
        session.articleRowChanged.connect(lambda article_id: article_id == session.article_id and self.refresh())
        self.reload()

    # -- the scheme ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the category scheme again (after the scheme dialog, an import) and rebuild the chips."""
        self.groups = project_categories(self.session.store)
        while self.flow.count():
            item = self.flow.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons = {}
        title = self.fold = FoldButton("Categories", self.flow, self.folded, keep=self._kept_when_folded)
        title.toggled.connect(lambda on: setattr(self, "folded", not on))
        words = [title]
        self.flow.addWidget(title)
        for group in self.groups:
            active = [c for c in group.categories if not c.retired]
            if not active:
                continue
            name = plain_label(group.name + (" (one of)" if group.exclusive else ""))
            name.setProperty("role", "group")
            name.setAlignment(Qt.AlignmentFlag.AlignVCenter)
            words.append(name)
            self.flow.addWidget(name)
            for category in active:
                button = QToolButton()
                button.setObjectName(f"category_{category.name}")
                key = f"⇧{category.key} " if category.key else ""
                button.setText(menu_text(f"{key}{category.name}"))
                button.setCheckable(True)
                button.setAutoRaise(True)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setStyleSheet(chip_style(category.color, style.current_theme()))
                shortcut = f"\nShortcut: Shift+{category.key}" if category.key else ""
                rule = "\nOne category of this group per article." if group.exclusive else ""
                button.setToolTip(tooltip(f"{category.description}{rule}{shortcut}".strip()))
                button.setAccessibleName(f"Category {category.name}")
                button.clicked.connect(lambda _=False, name=category.name: self.toggle(name))
                self.buttons[category.name] = button
                self.flow.addWidget(button)
        height = max((b.sizeHint().height() for b in self.buttons.values()), default=0)
        for word in words:
            word.setMinimumHeight(height)  # level with the chips beside it
        self.refresh()

    def colors(self) -> dict[str, str]:
        return {c.name: c.color for g in self.groups for c in g.categories}

    def keys(self) -> dict[str, str]:
        """{key: category} of the active categories, for the shortcut sheet."""
        return {c.key: c.name for g in self.groups for c in g.categories if c.key and not c.retired}

    # -- the article --------------------------------------------------------------------------

    def current(self) -> tuple[str, ...]:
        s = self.session
        return s.store.categories.article_categories(s.article_id, s.annotator) if s.article_id is not None else ()

    def refresh(self) -> None:
        has = set(self.current())
        enabled = self.session.article_id is not None and not self.session.store.readonly
        for name, button in self.buttons.items():
            button.setChecked(name in has)
            button.setEnabled(enabled)
        if self.fold is not None:
            self.fold.apply()

    def _kept_when_folded(self, widget) -> bool:
        return isinstance(widget, QToolButton) and widget.isChecked()

    def set_folded(self, folded: bool) -> None:
        self.folded = folded
        if self.fold is not None:
            self.fold.setChecked(not folded)

    def toggle_key(self, key: str) -> None:
        """Shift+`key`: toggle the category on that key."""
        category = by_key(self.groups, key)
        if category is not None:
            self.toggle(category.name)

    def toggle(self, name: str) -> None:
        s = self.session
        if s.article_id is None or group_of(self.groups, name) is None:
            return
        s.push(CategoryCommand(s, s.article_id, name, self.groups))
        self.refresh()


def chip_outline(color: str, th: palette.Theme) -> str:
    """The border of a chip that is off: its colour, darkened or lightened until it stands out (3:1) from the panel."""
    return palette.readable(color, [th.window, th.base], palette.NON_TEXT)


def chip_style(color: str, th: palette.Theme) -> str:
    """A category chip: outlined in its colour when off, filled with it (black or white text) when on."""
    return (
        f"QToolButton {{ border: 1px solid {chip_outline(color, th)}; border-radius: 9px; padding: 1px 8px; "
        f"color: {th.text}; background: transparent; }}"
        f"QToolButton:checked {{ background: {color}; color: {palette.chip_text(color)}; font-weight: 600; }}"
        f"QToolButton:disabled {{ color: {th.muted}; }}"
    )


class CategoryChipsDelegate(QStyledItemDelegate):
    """The article list's category column: each category a small rounded chip in its colour."""

    def __init__(self, colors, role: int, parent=None):
        """`colors()` gives {category: colour}; `role` is the model's role for an article's categories."""
        super().__init__(parent)
        self.colors = colors
        self.role = role

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        categories = index.data(self.role) or ()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        if not categories:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = option.font
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        colors = self.colors()
        order = {name: i for i, name in enumerate(colors)}  # the scheme's order: relevance, topic, stance
        categories = sorted(categories, key=lambda name: order.get(name, len(order)))
        x = option.rect.left() + 4
        height = metrics.height() + 2
        y = option.rect.top() + (option.rect.height() - height) // 2
        th = style.current_theme()
        for name in categories:
            color = colors.get(name, th.muted)
            width = metrics.horizontalAdvance(name) + 10
            if x + width > option.rect.right() - 2:
                selected = option.state & QStyle.StateFlag.State_Selected
                painter.setPen(option.palette.highlightedText().color() if selected else QColor(th.text))
                painter.drawText(QRect(x, y, 20, height), Qt.AlignmentFlag.AlignVCenter, "…")
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(QRectF(x, y, width, height), height / 2, height / 2)
            painter.setPen(QColor(palette.chip_text(color)))
            painter.drawText(QRect(x, y, width, height), Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        painter.restore()

    def helpEvent(self, event, view, option, index: QModelIndex) -> bool:
        """Hovering the column lists every category, also those the column is too narrow for."""
        categories = index.data(self.role) or ()
        if event.type() == QEvent.Type.ToolTip and categories:
            QToolTip.showText(event.globalPos(), tooltip("Categories: " + ", ".join(categories)), view)
            return True
        return super().helpEvent(event, view, option, index)
