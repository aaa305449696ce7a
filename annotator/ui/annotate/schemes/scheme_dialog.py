"""Editing the project's scheme: labels and link types (add, rename, recolour, reorder, retire).

Renames carry existing labels and links over (in the same transaction as the new scheme).
Keys 1–9 are not edited: they follow the order of the labels in the label bar, so moving a
label moves it onto another key and retiring one closes the gap. Link types are in their own
tab (`link_scheme_editor`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.records import Label
from annotator.schemes.labels import EXTRA_COLORS, default_labels, number_keys
from annotator.schemes.links import project_link_types
from annotator.ui.annotate.labels.label_bar import swatch
from annotator.ui.annotate.schemes.link_scheme_editor import LinkTypesEditor
from annotator.ui.annotate.schemes.scheme_table import SchemeRows
from annotator.ui.annotate.session import Session
from annotator.ui.shell import palette
from annotator.ui.shell.plaintext import sentence, show_message

NAME, KEY, DESCRIPTION, RETIRED = range(4)


class SchemeDialog(QDialog, SchemeRows):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("schemeDialog")
        self.setWindowTitle("Label scheme")
        self.session = session
        #: per row: (the name the label had when the dialog opened or None if new, Label)
        self.entries: list[tuple[str | None, Label]] = [(label.name, label) for label in session.labels]
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Label", "Key", "Definition", "Retired"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Add", self.add),
            ("Colour…", self.recolour),
            ("Move up", lambda: self.move_row(-1)),
            ("Move down", lambda: self.move_row(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        labels = QWidget()
        labels_layout = QVBoxLayout(labels)
        labels_layout.addWidget(self.table)
        labels_layout.addLayout(buttons)
        self.links = LinkTypesEditor(project_link_types(session.store))
        self.tabs = QTabWidget()
        self.tabs.addTab(labels, "Labels")
        self.tabs.addTab(self.links, "Link types")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(box)
        self.resize(860, 440)
        self._fill()

    def _number_keys(self) -> None:
        numbered = number_keys([label for _, label in self.entries])
        self.entries = [(original, label) for (original, _), label in zip(self.entries, numbered, strict=True)]

    def _fill(self) -> None:
        self._number_keys()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.entries))
        for row, (_, label) in enumerate(self.entries):
            name = QTableWidgetItem(swatch(label.color), label.name)
            self.table.setItem(row, NAME, name)
            key = QTableWidgetItem(label.key)
            key.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, KEY, key)
            self.table.setItem(row, DESCRIPTION, QTableWidgetItem(label.description))
            retired = QTableWidgetItem()
            retired.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            retired.setCheckState(Qt.CheckState.Checked if label.retired else Qt.CheckState.Unchecked)
            self.table.setItem(row, RETIRED, retired)
        self.table.blockSignals(False)

    def _edited(self, item: QTableWidgetItem) -> None:
        row = item.row()
        original, label = self.entries[row]
        if item.column() == NAME:
            label = replace(label, name=item.text().strip())
        elif item.column() == DESCRIPTION:
            label = replace(label, description=item.text().strip())
        elif item.column() == RETIRED:
            label = replace(label, retired=item.checkState() == Qt.CheckState.Checked)
        self.entries[row] = (original, label)
        if item.column() == RETIRED:  # the labels after it move onto other keys
            self._number_keys()
            self.table.blockSignals(True)
            for r, (_, each) in enumerate(self.entries):
                self.table.item(r, KEY).setText(each.key)
            self.table.blockSignals(False)

    def add(self) -> None:
        # the colour whose tint differs most (CIEDE2000) from the tints of the labels already there
        candidates = [label.color for label in default_labels()] + list(EXTRA_COLORS)
        color = palette.distinct_color([label.color for _, label in self.entries], candidates)
        self.entries.append((None, Label(f"label{len(self.entries) + 1}", color)))
        self._fill()
        self.table.editItem(self.table.item(len(self.entries) - 1, NAME))

    def problems(self) -> list[str]:
        return self.name_problems("label")

    def save(self) -> None:
        problems = self.problems() + self.links.problems()
        if problems:
            show_message(self, "Label scheme", sentence("; ".join(problems)))
            return
        renames = {old: label.name for old, label in self.entries if old is not None and old != label.name}
        store = self.session.store
        try:
            with store.write():  # labels and link types together, or neither
                moved = store.schemes.update_label_scheme([label for _, label in self.entries], renames)
                moved_links = store.schemes.update_link_scheme(self.links.types(), self.links.renames())
        except Exception as exc:  # a StoreError or a failed write: say so, keep the dialog open
            show_message(self, "Label scheme not saved", str(exc))
            return
        self.session.undo_stack.clear()  # commands name labels and link types that may have changed
        renamed = [f"{moved} labels renamed"] * bool(moved) + [f"{moved_links} links renamed"] * bool(moved_links)
        self.session.saved.emit(f"saved · label scheme ({', '.join(renamed)})" if renamed else "saved · label scheme")
        self.accept()
