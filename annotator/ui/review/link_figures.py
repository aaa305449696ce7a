"""The dashboard's link figures: F1 on exact links per link type and per annotator pair.

Figures come from `annotator.review.links.compute_link_agreement`, as `annotator agreement`
prints them. Clicking a row lists that type's (or pair's) link conflicts in the dashboard's
list of disagreements; a double-click there opens the conflict in the review window.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.review.links import LinkAgreement, LinkConflict, collect_links, compute_link_agreement, link_conflicts
from annotator.review.report import fmt
from annotator.text import excerpt
from annotator.ui.review.widgets import figure_item, score_color
from annotator.ui.shell.plaintext import plain_label, tooltip


class LinkFigures(QWidget):
    """A heading and one table: a row per link type, then a row per pair."""

    #: (title, conflicts): the dashboard lists them.
    listRequested = Signal(str, list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = plain_label("Links — F1 on exact links (statement, other end, type)")
        self.heading.setStyleSheet("font-weight: 600; font-size: 10.5pt; padding-top: 6px;")
        self.table = QTableWidget()
        self.table.setObjectName("linksTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.cellClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        self.result: LinkAgreement | None = None
        self.conflicts: list[LinkConflict] = []
        self._rows: list[tuple[str, object]] = []

    def refresh(self, store, collection) -> LinkAgreement:
        articles = collect_links(store, collection)
        self.result = result = compute_link_agreement(articles)
        self.conflicts = link_conflicts(articles)
        names = result.annotators
        t = self.table
        t.clear()
        headers = ["link type · pair", "F1", *names]
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        self._rows = [("type", label) for label in result.type_counts] + [("pair", p) for p in result.pairs]
        t.setRowCount(len(self._rows))
        for row, (kind, what) in enumerate(self._rows):
            if kind == "type":
                value, why = result.per_type_f1[what], result.per_type_reason.get(what)
                cells = [what, *(f"{result.type_counts[what].get(n, 0):,}" for n in names)]
                tip = f"{what}: F1 {fmt(value, reason=why)} over every pair; links per annotator"
            else:
                value, why = what.f1, what.f1_reason
                counts = {what.a: what.links_a, what.b: what.links_b}
                cells = [f"{what.a} × {what.b}", *(f"{counts[n]:,}" if n in counts else "" for n in names)]
                tip = (
                    f"{what.a} × {what.b}: link F1 {fmt(value, reason=why)}, "
                    f"{what.shared} links alike, {what.conflicts} conflicts"
                )
            t.setItem(row, 0, figure_item(cells[0], tip=tip))
            t.setItem(row, 1, figure_item(fmt(value, 2, reason=why), score_color(value), tip))
            for col, text in enumerate(cells[1:], 2):
                t.setItem(row, col, figure_item(text, tip=tip))
        if not self._rows:
            t.setRowCount(1)
            t.setItem(0, 0, figure_item("no links yet", tip="S, T or L on a statement in the annotation window"))
        return result

    def _clicked(self, row: int, _col: int) -> None:
        if row >= len(self._rows):
            return
        kind, what = self._rows[row]
        if kind == "type":
            chosen = [c for c in self.conflicts if c.label == what]
            self.listRequested.emit(f"Link conflicts: {what}", chosen)
        else:
            chosen = [c for c in self.conflicts if c.matches(pair=(what.a, what.b))]
            self.listRequested.emit(f"Link conflicts of {what.a} and {what.b}", chosen)


def fill_conflict_list(widget: QListWidget, store, titles: dict[int, str], conflicts: list[LinkConflict], role) -> None:
    """Each link conflict as its statement's words and what each annotator linked (plain text)."""
    for c in conflicts:
        text = store.articles.article(c.article_id).text
        said = " · ".join(
            f"{name}: {', '.join(excerpt(text[a:b], 30) for a, b in sorted(ends)) or 'none'}"
            for name, ends in sorted(c.values.items())
        )
        heading = excerpt(str(titles.get(c.article_id, c.article_id)), 40)
        item = QListWidgetItem(f"“{excerpt(text[c.start : c.end], 90)}”\n    {c.label} — {said}   ({heading})")
        item.setToolTip(tooltip(f"{heading}\n{text[c.start : c.end]}"))
        item.setData(role, (c.article_id, c.start, c.end))
        widget.addItem(item)
