"""Editing the project's article categories: groups and their categories, like the label scheme.

A group is exclusive (one category per article: a stance) or not (topics). Categories are
added, renamed (articles that carry one keep it under its new name, in the same transaction
as the new scheme, as do a renamed group's review decisions), recoloured, moved and retired
(they leave the bar; articles keep them and exports carry them). Keys Shift+1–9 follow the
order of the active categories, so moving one moves its key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from annotator.records import Category, CategoryGroup
from annotator.schemes.categories import check_scheme, default_categories, with_keys
from annotator.schemes.labels import EXTRA_COLORS
from annotator.ui.annotate.labels.label_bar import swatch
from annotator.ui.annotate.session import Session
from annotator.ui.shell import palette
from annotator.ui.shell.plaintext import sentence, show_message

NAME, KEY, DESCRIPTION, EXCLUSIVE, RETIRED = range(5)
KIND = Qt.ItemDataRole.UserRole + 1  # "group" or "category"
ORIGINAL = Qt.ItemDataRole.UserRole + 2  # the name when the dialog opened; None for a new one
COLOR = Qt.ItemDataRole.UserRole + 3

_EDITABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
_CHECKABLE = Qt.ItemFlag.ItemIsUserCheckable


def _check(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


class CategorySchemeDialog(QDialog):
    def __init__(self, session: Session, groups: list[CategoryGroup], parent=None):
        """`groups`: the project's categories as the window shows them (`project_categories`)."""
        super().__init__(parent)
        self.setObjectName("categorySchemeDialog")
        self.setWindowTitle("Article categories")
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setObjectName("categoryTree")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["Group / category", "Key", "Definition", "One per article", "Retired"])
        self.tree.header().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._changed)
        buttons = QHBoxLayout()
        for text, name, slot in (
            ("Add group", "addGroup", self.add_group),
            ("Add category", "addCategory", self.add_category),
            ("Colour…", "recolour", self.recolour),
            ("Move up", "moveUp", lambda: self.move(-1)),
            ("Move down", "moveDown", lambda: self.move(1)),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        layout.addWidget(box)
        self.resize(820, 460)
        self.tree.blockSignals(True)
        for group in groups:
            item = self._group_item(group.name, group.exclusive, group.name)
            for category in group.categories:
                item.addChild(self._category_item(category, category.name))
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self._number_keys()

    # -- items ---------------------------------------------------------------------------------

    def _group_item(self, name: str, exclusive: bool, original: str | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, "", "", "", ""])
        item.setFlags(_EDITABLE | _CHECKABLE)
        item.setData(NAME, KIND, "group")
        item.setData(NAME, ORIGINAL, original)
        item.setCheckState(EXCLUSIVE, _check(exclusive))
        font = item.font(NAME)
        font.setBold(True)
        item.setFont(NAME, font)
        self.tree.addTopLevelItem(item)
        return item

    def _category_item(self, category: Category, original: str | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([category.name, "", category.description, "", ""])
        item.setFlags(_EDITABLE | _CHECKABLE)
        item.setData(NAME, KIND, "category")
        item.setData(NAME, ORIGINAL, original)
        item.setData(NAME, COLOR, category.color)
        item.setIcon(NAME, swatch(category.color))
        item.setCheckState(RETIRED, _check(category.retired))
        return item

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column == RETIRED:
            self._number_keys()

    def _selected_group(self) -> QTreeWidgetItem | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return item if item.data(NAME, KIND) == "group" else item.parent()

    # -- actions ---------------------------------------------------------------------------------

    def add_group(self) -> None:
        names = {g.name for g in self.groups()}
        n = len(names) + 1
        while f"group{n}" in names:
            n += 1
        item = self._group_item(f"group{n}", False, None)
        self.tree.setCurrentItem(item)
        self.tree.editItem(item, NAME)

    def add_category(self) -> None:
        group = self._selected_group()
        if group is None:
            group = self._group_item("group1", False, None) if not self.tree.topLevelItemCount() else None
            group = group or self.tree.topLevelItem(self.tree.topLevelItemCount() - 1)
        taken = [c.color for g in self.groups() for c in g.categories]
        candidates = [c.color for g in default_categories() for c in g.categories] + list(EXTRA_COLORS)
        color = palette.distinct_color(taken, candidates)
        names = {c.name for g in self.groups() for c in g.categories}
        n = len(names) + 1
        while f"category{n}" in names:
            n += 1
        self.tree.blockSignals(True)
        item = self._category_item(Category(f"category{n}", color), None)
        group.addChild(item)
        group.setExpanded(True)
        self.tree.blockSignals(False)
        self._number_keys()
        self.tree.setCurrentItem(item)
        self.tree.editItem(item, NAME)

    def recolour(self) -> None:
        item = self.tree.currentItem()
        if item is None or item.data(NAME, KIND) != "category":
            return
        color = QColorDialog.getColor(QColor(item.data(NAME, COLOR)), self, f"Colour of {item.text(NAME)}")
        if color.isValid():
            item.setData(NAME, COLOR, color.name())
            item.setIcon(NAME, swatch(color.name()))

    def move(self, step: int) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        parent = item.parent()
        siblings = parent if parent is not None else self.tree.invisibleRootItem()
        row = siblings.indexOfChild(item)
        target = row + step
        if not 0 <= target < siblings.childCount():
            return
        expanded = item.isExpanded()
        self.tree.blockSignals(True)
        siblings.takeChild(row)
        siblings.insertChild(target, item)
        item.setExpanded(expanded)
        for i in range(item.childCount()):
            item.child(i).setExpanded(True)
        self.tree.blockSignals(False)
        self.tree.setCurrentItem(item)
        self._number_keys()

    def _number_keys(self) -> None:
        keyed = with_keys(self.groups())
        self.tree.blockSignals(True)
        for g, group in enumerate(keyed):
            item = self.tree.topLevelItem(g)
            for c, category in enumerate(group.categories):
                item.child(c).setText(KEY, f"Shift+{category.key}" if category.key else "")
        self.tree.blockSignals(False)

    # -- the result -------------------------------------------------------------------------------

    def groups(self) -> list[CategoryGroup]:
        """The scheme as edited (keys are given by order when the window reads it)."""
        out = []
        for g in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(g)
            categories = tuple(
                Category(
                    child.text(NAME).strip(),
                    child.data(NAME, COLOR),
                    description=child.text(DESCRIPTION).strip(),
                    retired=child.checkState(RETIRED) == Qt.CheckState.Checked,
                )
                for child in (item.child(c) for c in range(item.childCount()))
            )
            out.append(
                CategoryGroup(item.text(NAME).strip(), item.checkState(EXCLUSIVE) == Qt.CheckState.Checked, categories)
            )
        return out

    def renames(self) -> tuple[dict[str, str], dict[str, str]]:
        """({old category: new}, {old group: new}) for the names changed in the dialog."""
        categories: dict[str, str] = {}
        groups: dict[str, str] = {}
        for g in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(g)
            old = item.data(NAME, ORIGINAL)
            if old is not None and old != item.text(NAME).strip():
                groups[old] = item.text(NAME).strip()
            for c in range(item.childCount()):
                child = item.child(c)
                old = child.data(NAME, ORIGINAL)
                if old is not None and old != child.text(NAME).strip():
                    categories[old] = child.text(NAME).strip()
        return categories, groups

    def save(self) -> None:
        groups = self.groups()
        try:
            check_scheme(groups)
        except ValueError as exc:
            show_message(self, "Article categories", sentence(str(exc)))
            return
        renames, group_renames = self.renames()
        try:
            moved = self.session.store.schemes.update_category_scheme(groups, renames, group_renames)
        except Exception as exc:  # a StoreError or a failed write: say so, keep the dialog open
            show_message(self, "Article categories not saved", str(exc))
            return
        self.session.undo_stack.clear()  # commands name categories that may have changed
        done = f" ({moved} article categories renamed)" if moved else ""
        self.session.saved.emit(f"saved · article categories{done}")
        self.accept()
