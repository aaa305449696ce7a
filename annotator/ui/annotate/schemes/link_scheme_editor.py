"""The link types tab of the scheme dialog: add, rename, recolour, reorder, retire, and which ends a type allows.

Edited like labels: renames carry existing links over (in the transaction that saves the
scheme); S and T go to the first two active types that end on entities, in order, so moving
a type moves its key. A type's colour is the outline of its links in the article.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.records import ANY_ENDS, ENTITY_ENDS, STATEMENT_ENDS, LinkType
from annotator.schemes.links import EXTRA_LINK_COLORS, default_link_types, link_keys
from annotator.ui.annotate.labels.label_bar import swatch
from annotator.ui.annotate.schemes.scheme_table import SchemeRows
from annotator.ui.shell import palette

NAME, KEY, ENDS, DESCRIPTION, RETIRED = range(5)
ENDS_CHOICES = (
    (ENTITY_ENDS, "statement → entity or words"),
    (STATEMENT_ENDS, "statement → statement"),
    (ANY_ENDS, "statement → either"),
)


class LinkTypesEditor(QWidget, SchemeRows):
    """A table of link types; `entries` pairs each with its name when the dialog opened (None: new)."""

    def __init__(self, types: list[LinkType], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("linkTypesEditor")
        self.entries: list[tuple[str | None, LinkType]] = [(t.name, t) for t in types]
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("linkTypesTable")
        self.table.setHorizontalHeaderLabels(["Link type", "Key", "Ends", "Definition", "Retired"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Add type", self.add),
            ("Recolour type…", self.recolour),
            ("Move type up", lambda: self.move_row(-1)),
            ("Move type down", lambda: self.move_row(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._fill()

    def types(self) -> list[LinkType]:
        return [t for _, t in self.entries]

    def renames(self) -> dict[str, str]:
        return {old: t.name for old, t in self.entries if old is not None and old != t.name}

    def problems(self) -> list[str]:
        return self.name_problems("link type")

    def _fill(self) -> None:
        keyed = link_keys(self.types())
        self.entries = [(old, t) for (old, _), t in zip(self.entries, keyed, strict=True)]
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.entries))
        for row, (_, t) in enumerate(self.entries):
            self.table.setItem(row, NAME, QTableWidgetItem(swatch(t.color), t.name))
            key = QTableWidgetItem(t.key)
            key.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, KEY, key)
            ends = QComboBox()
            for value, text in ENDS_CHOICES:
                ends.addItem(text, value)
            ends.setCurrentIndex(next(i for i, (value, _) in enumerate(ENDS_CHOICES) if value == t.ends))
            ends.currentIndexChanged.connect(lambda _i, box=ends, r=row: self._ends_changed(r, box.currentData()))
            self.table.setCellWidget(row, ENDS, ends)
            self.table.setItem(row, DESCRIPTION, QTableWidgetItem(t.description))
            retired = QTableWidgetItem()
            retired.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            retired.setCheckState(Qt.CheckState.Checked if t.retired else Qt.CheckState.Unchecked)
            self.table.setItem(row, RETIRED, retired)
        self.table.resizeColumnToContents(ENDS)
        self.table.blockSignals(False)

    def _edited(self, item: QTableWidgetItem) -> None:
        row = item.row()
        original, t = self.entries[row]
        if item.column() == NAME:
            t = replace(t, name=item.text().strip())
        elif item.column() == DESCRIPTION:
            t = replace(t, description=item.text().strip())
        elif item.column() == RETIRED:
            t = replace(t, retired=item.checkState() == Qt.CheckState.Checked)
        else:
            return
        self.entries[row] = (original, t)
        if item.column() == RETIRED:  # the keys move on
            self._refresh_keys()

    def _ends_changed(self, row: int, ends: str) -> None:
        original, t = self.entries[row]
        self.entries[row] = (original, replace(t, ends=ends))
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        keyed = link_keys(self.types())
        self.entries = [(old, t) for (old, _), t in zip(self.entries, keyed, strict=True)]
        self.table.blockSignals(True)
        for row, (_, t) in enumerate(self.entries):
            self.table.item(row, KEY).setText(t.key)
        self.table.blockSignals(False)

    def add(self) -> None:
        candidates = [t.color for t in default_link_types()] + list(EXTRA_LINK_COLORS)
        taken = [t.color for t in self.types()]
        color = palette.distinct_color(taken, candidates, drawn=palette.link_color)
        self.entries.append((None, LinkType(f"link{len(self.entries) + 1}", color, ANY_ENDS)))
        self._fill()
        self.table.editItem(self.table.item(len(self.entries) - 1, NAME))
