"""The article list's category and metadata filters.

Categories: any, one the annotator gave ("relevant"), or one they did not ("not relevant").
Metadata: the fields of the articles' `meta`, discovered from the data (`store.meta.meta_fields`,
read when the section is first opened, so a large project opens at once): a text or list
field is a choice among its commonest values (any other can be typed), a date or number
field a range (from, to; either may be left open; `2025-03` as the end takes all of March).
A bound that does not read as a date or number is marked and ignored, never half-applied.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.records import CategoryGroup, MetaCondition
from annotator.store.metadata import MetaField
from annotator.ui.annotate.session import Session
from annotator.ui.shell import style
from annotator.ui.shell.plaintext import plain_label, tooltip

#: Fields shown in the metadata section, commonest first.
MAX_FIELDS = 12
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][\d:.+Z-]*)?)?)?$")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Range(QWidget):
    """From … to … for a date or number field."""

    changed = Signal()

    def __init__(self, field: MetaField):
        super().__init__()
        self.field = field
        self.low, self.high = QLineEdit(), QLineEdit()
        for edit, bound, word in ((self.low, field.low, "from"), (self.high, field.high, "to")):
            edit.setObjectName(f"meta_{field.name}_{word}")
            edit.setClearButtonEnabled(True)
            edit.setPlaceholderText(f"{word} {bound}" if bound is not None else word)
            edit.textChanged.connect(self.changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.low)
        row.addWidget(plain_label("–"))
        row.addWidget(self.high)

    def _ok(self, text: str) -> bool:
        return not text or (ISO_DATE.match(text) is not None if self.field.kind == "date" else _is_number(text))

    def condition(self) -> MetaCondition | None:
        low, high = self.low.text().strip(), self.high.text().strip()
        for edit, text in ((self.low, low), (self.high, high)):
            ok = self._ok(text)
            edit.setStyleSheet("" if ok else f"border: 1px solid {style.current_theme().error};")
            what = "a date like 2025-03-01 (or 2025-03)" if self.field.kind == "date" else "a number"
            edit.setToolTip("" if ok else tooltip(f"Not {what}: this bound is ignored"))
        low = low if self._ok(low) else ""
        high = high if self._ok(high) else ""
        if not low and not high:
            return None
        return MetaCondition(self.field.name, low=low or None, high=high or None)

    def clear(self) -> None:
        self.low.clear()
        self.high.clear()


class _Choice(QComboBox):
    """Any, or one value of a text (or list) field; a value not listed can be typed."""

    changed = Signal()

    def __init__(self, field: MetaField):
        super().__init__()
        self.field = field
        self.setObjectName(f"meta_{field.name}")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText("any")
        self.lineEdit().setClearButtonEnabled(True)
        self.addItem("")
        for value, n in field.values:
            self.addItem(str(value))
            self.setItemData(self.count() - 1, tooltip(f"{n:,} articles"), Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(0)
        self.currentTextChanged.connect(lambda _text: self.changed.emit())

    def condition(self) -> MetaCondition | None:
        value = self.currentText().strip()
        return MetaCondition(self.field.name, value=value) if value else None

    def clear(self) -> None:
        self.setCurrentIndex(0)
        self.setEditText("")


class ListFilters(QWidget):
    """Category filter and the metadata section under the article list's other filters."""

    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.category = QComboBox()
        self.category.setObjectName("categoryFilter")
        self.category.setAccessibleName("Category filter")
        self.category.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.meta_button = QToolButton()
        self.meta_button.setObjectName("metaFilterToggle")
        self.meta_button.setText("Metadata ▸")
        self.meta_button.setCheckable(True)
        self.meta_button.setToolTip("Filter by the articles' metadata (source, date, …)")
        self.meta_button.toggled.connect(self._show_meta)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.category, 1)
        row.addWidget(self.meta_button)

        self.meta_box = QWidget()
        self.meta_box.setObjectName("metaFilters")
        self.form = QFormLayout(self.meta_box)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.meta_box.hide()
        self.editors: list[_Range | _Choice] = []
        self._fields_read = False
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self._meta_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.meta_box)
        self.fill_categories([])

    # -- categories --------------------------------------------------------------------------------

    def fill_categories(self, groups: list[CategoryGroup]) -> None:
        """The choices: any category, then each category, then "not" each (the choice is kept if it still exists)."""
        current = self.category.currentData()
        names = [c.name for g in groups for c in g.categories]
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem("Any category", None)
        for name in names:
            self.category.addItem(f"Category: {name}", (name, True))
        for name in names:
            self.category.addItem(f"Without: {name}", (name, False))
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self.category.blockSignals(False)

    def categories(self) -> tuple[str, ...]:
        choice = self.category.currentData()
        return (choice[0],) if choice and choice[1] else ()

    def not_categories(self) -> tuple[str, ...]:
        choice = self.category.currentData()
        return (choice[0],) if choice and not choice[1] else ()

    # -- metadata ---------------------------------------------------------------------------------

    def _show_meta(self, on: bool) -> None:
        if on and not self._fields_read:
            self.fill_meta()
        self.meta_box.setVisible(on)
        self._label_button()

    def fill_meta(self) -> None:
        """Read the fields from the project (again: after an import) and rebuild the form, keeping nothing."""
        had = bool(self.meta())
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = []
        fields = [f for f in self.session.store.meta.meta_fields() if f.kind != "object"][:MAX_FIELDS]
        self._fields_read = True
        if not fields:
            self.form.addRow(plain_label("The articles carry no metadata.", object_name="noMetadata"))
        for field in fields:
            editor: _Range | _Choice = _Range(field) if field.kind in ("date", "number") else _Choice(field)
            editor.changed.connect(self._timer.start)
            name = plain_label(field.name)
            name.setToolTip(tooltip(f"{field.name}: {field.kind}, in {field.articles:,} articles"))
            self.form.addRow(name, editor)
            self.editors.append(editor)
        clear = QToolButton()
        clear.setText("Clear")
        clear.setObjectName("clearMetaFilters")
        clear.clicked.connect(self.clear_meta)
        if fields:
            self.form.addRow(clear)
        if had:
            self._meta_changed()

    def refresh_meta(self) -> None:
        """After an import: the fields are read again, if the section was ever opened."""
        if self._fields_read:
            self.fill_meta()

    def meta(self) -> tuple[MetaCondition, ...]:
        return tuple(c for editor in self.editors if (c := editor.condition()) is not None)

    def editor(self, field: str) -> _Range | _Choice | None:
        return next((e for e in self.editors if e.field.name == field), None)

    def clear_meta(self) -> None:
        for editor in self.editors:
            editor.blockSignals(True)
            editor.clear()
            editor.blockSignals(False)
        self._meta_changed()

    def _meta_changed(self) -> None:
        self._timer.stop()
        self._label_button()
        self.changed.emit()

    def _label_button(self) -> None:
        n = len(self.meta())
        arrow = "▾" if self.meta_button.isChecked() else "▸"
        self.meta_button.setText(f"Metadata ({n}) {arrow}" if n else f"Metadata {arrow}")
