"""The dashboard's article categories: Krippendorff's alpha per category and per exclusive group.

The figures are `annotator.review.categories.category_agreement`, the same as
`annotator agreement` prints under "categories": per category, whether an article has it;
per exclusive group, which one of its categories it has. Each row also says how many
articles each annotator gave the category. Clicking a row lists the articles where the
annotators differ on it; double-clicking one opens it in the category review.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

from annotator.review.categories import (
    CategoryAgreement,
    CategoryConflict,
    category_agreement,
    category_conflicts,
    collect_categories,
)
from annotator.review.report import fmt
from annotator.schemes.categories import project_categories
from annotator.store import Store
from annotator.ui.shell import palette, style


class CategoryAgreementTable(QTableWidget):
    """One row per category, then one per exclusive group: α and each annotator's count."""

    rowChosen = Signal(str, str)  # ("category" or "group", its name)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("categoriesTable")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.rows: list[tuple[str, str]] = []
        self.agreement: CategoryAgreement | None = None
        self.conflicts: list[CategoryConflict] = []
        self.cellClicked.connect(lambda row, _col: self.rowChosen.emit(*self.rows[row]))

    def refresh(self, store: Store, item, score_color) -> bool:
        """Compute and show the figures; False (and nothing shown) when no one gave a category yet.
        `item(text, background, tip)` and `score_color(alpha)` are the dashboard's cell and figure colour."""
        groups = project_categories(store)
        collection = collect_categories(store, groups)
        self.clear()
        self.rows = []
        if not any(a.given for a in collection.articles):
            self.setRowCount(0)
            return False
        self.agreement = result = category_agreement(collection)
        self.conflicts = category_conflicts(collection)
        names = result.annotators
        self.setColumnCount(2 + len(names))
        self.setHorizontalHeaderLabels(["category", "α", *names])
        colors = {c.name: c.color for g in groups for c in g.categories}
        for group in groups:
            self.rows += [("category", c.name) for c in group.categories]
            if group.exclusive:
                self.rows.append(("group", group.name))
        self.setRowCount(len(self.rows))
        th = style.current_theme()
        for r, (kind, name) in enumerate(self.rows):
            if kind == "category":
                alpha, why = result.per_category.get(name, math.nan), result.reasons.get(name)
                head = item(name, palette.label_tint(colors.get(name, "#64748b"), th))
                counts = [f"{result.counts.get(name, {}).get(a, 0):,}" for a in names]
            else:
                alpha, why = result.per_group.get(name, math.nan), result.group_reasons.get(name)
                head = item(f"{name}: which one", None, "one category of the group per article")
                counts = [""] * len(names)
            self.setItem(r, 0, head)
            self.setItem(r, 1, item(fmt(alpha, 2, reason=why), score_color(alpha), f"α n/a: {why}" if why else ""))
            for c, count in enumerate(counts, 2):
                self.setItem(r, c, item(count))
        return True

    def differing(self, kind: str, name: str) -> list[CategoryConflict]:
        """The conflicts about one category (annotators differ on whether the article has it) or one group."""
        if kind == "group":
            return [c for c in self.conflicts if c.group == name]
        return [c for c in self.conflicts if len({name in v for v in c.values.values()}) > 1]
