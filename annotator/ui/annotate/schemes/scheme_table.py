"""What the scheme's two tables (labels, link types) do alike: recolour and move a row, and name the problems.

Each table keeps `entries`, one (name when the dialog opened or None, entry) pair per row, and
refills itself with `_fill()`; an entry is a frozen dataclass with `name` and `color`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QTableWidget

from annotator.records import name_problem


class SchemeRows:
    """Mixin for a widget holding `entries`, `table` and `_fill`."""

    entries: list[tuple[str | None, Any]]
    table: QTableWidget

    def _fill(self) -> None:
        raise NotImplementedError

    def recolour(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        original, entry = self.entries[row]
        color = QColorDialog.getColor(QColor(entry.color), self, f"Colour of {entry.name}")  # type: ignore[arg-type]
        if color.isValid():
            self.entries[row] = (original, replace(entry, color=color.name()))
            self._fill()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < len(self.entries):
            return
        self.entries[row], self.entries[target] = self.entries[target], self.entries[row]
        self._fill()
        self.table.setCurrentCell(target, self.table.currentColumn())

    def name_problems(self, noun: str) -> list[str]:
        """`every label needs a name`, `two labels have the same name`, a name no name may be
        (`records.name_problem`: a control or invisible character…): what stops a save."""
        names = [entry.name for _, entry in self.entries]
        found = []
        if any(not n for n in names):
            found.append(f"every {noun} needs a name")
        if len(set(names)) != len(names):
            found.append(f"two {noun}s have the same name")
        return found + [why for n in names if (why := name_problem(n, noun))]
