"""Category conflicts in the review: an article and a group where annotators gave different categories.

One conflict at a time, keyboard-driven like the span review: ↓/↑ (or N/P) next/previous,
1–9 take that annotator's categories of the group, 0 none of them, or tick the categories and
press Decide; Ctrl+Z / Ctrl+Shift+Z undo and redo on the review window's own undo stack.
Every decision is committed at once as the gold layer's categories of the group
(`annotator.review.categories`), which is what exports of gold categories read.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.records import GOLD
from annotator.review.categories import (
    CategoryConflict,
    CategoryDecision,
    category_conflicts,
    collect_categories,
    decide_group,
    take_categories,
)
from annotator.schemes.categories import project_categories
from annotator.store import Store, StoreError
from annotator.text import excerpt
from annotator.ui.shell.plaintext import menu_text, plain_label

log = logging.getLogger("annotator.ui")


def _value(categories: tuple[str, ...]) -> str:
    return ", ".join(categories) if categories else "none of them"


class _CategoryCommand(QUndoCommand):
    """A category decision already committed when pushed; undo and redo are committed store actions."""

    def __init__(self, review: CategoryReview, decision: CategoryDecision):
        super().__init__(decision.description)
        self.review, self.decision = review, decision
        self.pushed = True

    def redo(self) -> None:
        if self.pushed:
            self.pushed = False
            return
        self.review.replay(self.decision, undo=False)

    def undo(self) -> None:
        self.review.replay(self.decision, undo=True)


class CategoryReview(QWidget):
    """The category conflicts of a project and their gold decisions."""

    message = Signal(str)

    def __init__(self, store: Store, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.setObjectName("categoryReview")
        self.setWindowTitle(f"Category conflicts — {store.path.name}")
        self.store, self.undo_stack = store, undo_stack
        self.conflicts: list[CategoryConflict] = []
        self.titles: dict[int, str] = {}

        self.list = QListWidget()
        self.list.setObjectName("categoryConflictList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentRowChanged.connect(self._show)
        self.list.setMinimumWidth(380)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setAlternatingRowColors(True)
        self.heading = plain_label(word_wrap=True, object_name="categoryConflictHeading")
        self.heading.setStyleSheet("font-size: 12pt; font-weight: 600; padding: 4px 0;")
        self.values = plain_label(word_wrap=True, object_name="categoryConflictValues")
        self.gold = plain_label(object_name="categoryGold")
        self.take_row = QHBoxLayout()
        self.choices_row = QHBoxLayout()
        self.checks: dict[str, QCheckBox] = {}
        decide = QPushButton("Decide: the ticked ones")
        decide.setObjectName("decideCategories")
        decide.clicked.connect(self.decide_ticked)
        hint = plain_label(
            "↓/↑ or N/P next/previous · 1–9 take that annotator's · 0 none of them · "
            "Ctrl+Z / Ctrl+Shift+Z undo/redo · Esc closes"
        )
        hint.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")

        right = QWidget()
        column = QVBoxLayout(right)
        column.addWidget(self.heading)
        column.addWidget(self.values)
        column.addWidget(self.gold)
        column.addLayout(self.take_row)
        column.addLayout(self.choices_row)
        column.addWidget(decide, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        column.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([420, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.resize(1000, 520)
        keys = {
            "Down": lambda: self.step(1),
            "N": lambda: self.step(1),
            "Up": lambda: self.step(-1),
            "P": lambda: self.step(-1),
            "0": self.take_none,
            "Esc": self.close,
            "Ctrl+W": self.close,
        }
        for number in range(1, 10):
            keys[str(number)] = lambda n=number: self.take(n)
        for key, slot in keys.items():
            QShortcut(QKeySequence(key), self, slot)
        for sequence, slot in (
            (QKeySequence.StandardKey.Undo, undo_stack.undo),
            (QKeySequence("Ctrl+Shift+Z"), undo_stack.redo),
            (QKeySequence("Ctrl+Y"), undo_stack.redo),
        ):
            QShortcut(sequence, self, slot)
        self.reload()

    # -- reading ---------------------------------------------------------------------------------

    def reload(self, keep: tuple[int, str] | None = None) -> None:
        """Read every annotator's categories again; keep the conflict `keep` (article, group) current."""
        self.groups = project_categories(self.store)
        self.conflicts = category_conflicts(collect_categories(self.store, self.groups))
        self.titles = self.store.articles.article_titles()
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in self.conflicts:
            self.list.addItem(QListWidgetItem(self._line(conflict)))
        self.list.blockSignals(False)
        keys = [(c.article_id, c.group) for c in self.conflicts]
        row = keys.index(keep) if keep in keys else 0
        if self.conflicts:
            self.list.setCurrentRow(row)
        self._show(self.list.currentRow())

    def _line(self, conflict: CategoryConflict) -> str:
        title = excerpt(str(self.titles.get(conflict.article_id, conflict.article_id)), 50)
        said = " · ".join(f"{who}: {_value(v)}" for who, v in conflict.values.items())
        gold = self._gold(conflict)
        mark = f"\n    ✓ gold: {_value(gold)}" if gold is not None else ""
        return f"{title} — {conflict.group}\n    {said}{mark}"

    def _gold(self, conflict: CategoryConflict) -> tuple[str, ...] | None:
        """Gold's categories of the conflict's group, or None while it is undecided."""
        if (conflict.article_id, conflict.group) not in self.store.categories.category_decisions():
            return None
        group = next(g for g in self.groups if g.name == conflict.group)
        members = {c.name for c in group.categories}
        return tuple(c for c in self.store.categories.article_categories(conflict.article_id, GOLD) if c in members)

    @property
    def current(self) -> CategoryConflict | None:
        row = self.list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show(self, _row: int) -> None:
        for row in (self.take_row, self.choices_row):
            while row.count():
                item = row.takeAt(0)
                if item.widget():
                    item.widget().hide()  # gone from the screen now, deleted when Qt next can
                    item.widget().deleteLater()
        self.checks = {}
        conflict = self.current
        if conflict is None:
            self.heading.setText("No category conflicts: the annotators agree on every article's categories.")
            self.values.setText("")
            self.gold.setText("")
            return
        group = next(g for g in self.groups if g.name == conflict.group)
        title = self.titles.get(conflict.article_id, conflict.article_id)
        rule = "one of" if group.exclusive else "any of"
        self.heading.setText(f"{title}\n{group.name} ({rule}: {', '.join(c.name for c in group.categories)})")
        self.values.setText("\n".join(f"{who}: {_value(v)}" for who, v in conflict.values.items()))
        gold = self._gold(conflict)
        self.gold.setText(f"gold: {_value(gold)}" if gold is not None else "gold: not decided yet")
        for number, who in enumerate(conflict.values, 1):
            if number > 9:
                break
            button = QPushButton(menu_text(f"{number}  take {who}'s"))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, n=number: self.take(n))
            self.take_row.addWidget(button)
        none = QPushButton("0  none of them")
        none.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        none.clicked.connect(self.take_none)
        self.take_row.addWidget(none)
        self.take_row.addStretch(1)
        for category in group.categories:
            check = QCheckBox(menu_text(category.name))
            check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            check.setChecked(gold is not None and category.name in gold)
            if group.exclusive:
                check.toggled.connect(lambda on, name=category.name: on and self._only(name))
            self.checks[category.name] = check
            self.choices_row.addWidget(check)
        self.choices_row.addStretch(1)

    def _only(self, name: str) -> None:
        for other, check in self.checks.items():
            if other != name:
                check.setChecked(False)

    def step(self, delta: int) -> None:
        if self.conflicts:
            self.list.setCurrentRow(max(0, min(len(self.conflicts) - 1, self.list.currentRow() + delta)))

    # -- deciding --------------------------------------------------------------------------------

    def take(self, number: int) -> None:
        conflict = self.current
        names = list(conflict.values) if conflict else []
        if conflict is None or not 1 <= number <= len(names):
            return
        self._decide(lambda: take_categories(self.store, conflict, names[number - 1], self.groups))

    def take_none(self) -> None:
        conflict = self.current
        if conflict is not None:
            group = next(g for g in self.groups if g.name == conflict.group)
            self._decide(lambda: decide_group(self.store, conflict.article_id, group, (), "none of them"))

    def decide_ticked(self) -> None:
        conflict = self.current
        if conflict is None:
            return
        group = next(g for g in self.groups if g.name == conflict.group)
        chosen = [name for name, check in self.checks.items() if check.isChecked()]
        self._decide(lambda: decide_group(self.store, conflict.article_id, group, chosen, "decide categories"))

    def _decide(self, action) -> None:
        conflict = self.current
        try:
            decision = action()
        except (StoreError, ValueError) as exc:
            log.warning("category decision failed: %s", exc)
            self.message.emit(f"not saved: {exc}")
            return
        self.undo_stack.push(_CategoryCommand(self, decision))
        self.message.emit(f"saved · {decision.description} ({conflict.group})")
        self.reload(keep=(conflict.article_id, conflict.group))
        self.step(1)

    def replay(self, decision: CategoryDecision, undo: bool) -> None:
        """Undo or redo a decision (the review window's undo stack calls this)."""
        try:
            decision.undo(self.store) if undo else decision.redo(self.store)
        except StoreError as exc:
            self.message.emit(f"not saved: {exc}")
            return
        first = decision.changes[0]
        self.reload(keep=(first.article_id, first.group))
        self.message.emit(f"{'undone' if undo else 'redone'}: {decision.description}")
