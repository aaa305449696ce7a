"""The agreement dashboard: pairs matrix, per-label alpha, confusion table, disagreements.

Click a cell (a pair, a label, a confusion cell) to list the disagreeing statements;
double-click one to open it in the review window. Figures come from
`annotator.review.compute_agreement`, the same as `annotator agreement`.
"""

from __future__ import annotations

import math
from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.review import Conflict, collect, compute_agreement, find_conflicts
from annotator.review.report import fmt
from annotator.review.units import category
from annotator.scheme import project_labels
from annotator.store import Store

MAX_CATEGORIES = 9
MAX_LISTED = 500


def _score_color(x: float) -> QColor:
    """Red (0 or less) through amber to green (1), pale enough to read black text on."""
    if math.isnan(x):
        return QColor("#e5e7eb")
    x = max(0.0, min(1.0, x))
    hue = int(120 * x)  # 0 red … 120 green
    return QColor.fromHsl(hue, 150, 205)


def _item(text: str, background: QColor | None = None, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    if background is not None:
        item.setBackground(background)
        item.setForeground(QColor("#111827"))
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; font-size: 10.5pt; padding-top: 6px;")
    return label


class AgreementDashboard(QWidget):
    """Agreement figures of one project; `openConflict(article, start, end)` asks for the review view."""

    openConflict = Signal(int, int, int)

    def __init__(self, store: Store, labels: list[str] | None = None, parent=None):
        """Figures of the open project `store` (its owner closes it), for `labels` (None: all)."""
        super().__init__(parent)
        self.setWindowTitle(f"Agreement — {store.path.name}")
        self.store = store
        self.labels = labels
        self.pair: tuple[str, str] | None = None

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet("font-size: 13pt; padding: 4px;")
        self.pairs_table = self._table("pairsTable")
        self.pairs_table.cellClicked.connect(self._pair_clicked)
        self.labels_table = self._table("labelsTable")
        self.labels_table.cellClicked.connect(self._label_clicked)
        self.confusion_title = _heading("Confusion")
        self.confusion_table = self._table("confusionTable")
        self.confusion_table.cellClicked.connect(self._confusion_clicked)
        self.list_title = _heading("Disagreements — click a figure")
        self.disagreements = QListWidget()
        self.disagreements.setObjectName("disagreementList")
        self.disagreements.setAlternatingRowColors(True)
        self.disagreements.itemDoubleClicked.connect(self._open_item)
        self.disagreements.itemActivated.connect(self._open_item)

        grid = QGridLayout()
        grid.addWidget(_heading("Pairs — upper: Cohen's κ · lower: span F1 · diagonal: units"), 0, 0)
        grid.addWidget(self.pairs_table, 1, 0)
        grid.addWidget(_heading("Per label — Krippendorff's α and units labeled"), 0, 1)
        grid.addWidget(self.labels_table, 1, 1)
        grid.addWidget(self.confusion_title, 2, 0)
        grid.addWidget(self.confusion_table, 3, 0)
        grid.addWidget(self.list_title, 2, 1)
        grid.addWidget(self.disagreements, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(3, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self.resize(1300, 820)
        self.refresh()

    def _table(self, name: str) -> QTableWidget:
        table = QTableWidget()
        table.setObjectName(name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    # -- figures -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the project again and redraw every figure."""
        store = self.store
        self.collection = collect(store, labels=self.labels)
        self.colors = {label.name: label.color for label in project_labels(store)}
        self.titles = store.article_titles()
        self.result = compute_agreement(self.collection, labels=self.labels)
        self.conflicts = find_conflicts(self.collection)
        r = self.result
        kinds = " · ".join(f"{k.replace('_', ' ')} {n}" for k, n in r.conflicts_by_kind.items())
        self.summary.setText(
            f"Krippendorff's α {fmt(r.alpha)}   ·   {len(r.annotators)} annotators   ·   {r.units:,} units   ·   "
            f"{r.conflicts:,} conflicts ({kinds})"
        )
        self._fill_pairs()
        self._fill_labels()
        if self.pair is None and r.pairs:
            self.pair = (r.pairs[0].a, r.pairs[0].b)
        self._fill_confusion()

    def _fill_pairs(self) -> None:
        names = self.result.annotators
        t = self.pairs_table
        t.clear()
        t.setRowCount(len(names))
        t.setColumnCount(len(names))
        t.setHorizontalHeaderLabels(names)
        t.setVerticalHeaderLabels(names)
        units = self.collection.units()
        counts = {name: sum(1 for u in units if u.values[i] is not None) for i, name in enumerate(names)}
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                if i == j:
                    t.setItem(
                        i, j, _item(f"{counts[a]:,}", QColor("#f3f4f6"), f"{a} has a value for {counts[a]} units")
                    )
                    continue
                p = self.result.pair(a, b)
                value, what = (p.kappa, "κ") if i < j else (p.span_f1, "F1")
                tip = (
                    f"{a} × {b}: κ {fmt(p.kappa)}, span F1 {fmt(p.span_f1)}, "
                    f"{p.units} shared units, {p.conflicts} conflicts"
                )
                t.setItem(i, j, _item(f"{what} {fmt(value, 2)}", _score_color(value), tip))

    def _fill_labels(self) -> None:
        r = self.result
        t = self.labels_table
        t.clear()
        headers = ["label", "α", *r.annotators]
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(r.per_label_alpha))
        for row, (label, alpha) in enumerate(r.per_label_alpha.items()):
            name = _item(label)
            swatch = QColor(self.colors.get(label, "#64748b"))
            swatch.setAlpha(90)
            name.setBackground(swatch)
            t.setItem(row, 0, name)
            t.setItem(row, 1, _item(fmt(alpha, 2), _score_color(alpha)))
            for col, annotator in enumerate(r.annotators, 2):
                t.setItem(row, col, _item(f"{r.label_counts[label][annotator]:,}"))
        t.verticalHeader().setVisible(False)

    def _fill_confusion(self) -> None:
        t = self.confusion_table
        t.clear()
        p = self.result.pair(*self.pair) if self.pair else None
        if p is None:
            t.setRowCount(0)
            t.setColumnCount(0)
            self.confusion_title.setText("Confusion (needs two annotators)")
            return
        self.confusion_title.setText(f"Confusion — rows {p.a}, columns {p.b} (click a pair above to change)")
        totals: Counter[str] = Counter()
        for (ca, cb), n in p.confusion.items():
            totals[ca] += n
            totals[cb] += n
        cats = [c for c, _ in totals.most_common(MAX_CATEGORIES)]
        self.confusion_categories = cats
        t.setRowCount(len(cats))
        t.setColumnCount(len(cats))
        t.setHorizontalHeaderLabels(cats)
        t.setVerticalHeaderLabels(cats)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        peak = max(p.confusion.values(), default=1)
        for i, ca in enumerate(cats):
            for j, cb in enumerate(cats):
                n = p.confusion.get((ca, cb), 0)
                if n == 0:
                    t.setItem(i, j, _item(""))
                    continue
                strength = 60 + int(150 * n / peak)
                color = QColor(22, 163, 74, strength) if i == j else QColor(220, 38, 38, strength)
                t.setItem(i, j, _item(f"{n:,}", color, f"{p.a}: {ca} · {p.b}: {cb} — {n} units"))

    # -- clicks → disagreements -----------------------------------------------------------

    def _pair_clicked(self, row: int, col: int) -> None:
        names = self.result.annotators
        if row == col:
            return
        a, b = sorted((names[row], names[col]))
        self.pair = (a, b)
        self._fill_confusion()
        self._list([c for c in self.conflicts if c.matches(pair=(a, b))], f"Disagreements of {a} and {b}")

    def _label_clicked(self, row: int, _col: int) -> None:
        label = list(self.result.per_label_alpha)[row]
        chosen = [
            c
            for c in self.conflicts
            if any(label in labels for values in c.values.values() for labels in values.values())
            and len({label in values.get(span, ()) for values in c.values.values() for span in c.units}) > 1
        ]
        self._list(chosen, f"Disagreements about {label}")

    def _confusion_clicked(self, row: int, col: int) -> None:
        if self.pair is None:
            return
        a, b = self.pair
        ca, cb = self.confusion_categories[row], self.confusion_categories[col]
        chosen = [
            c
            for c in self.conflicts
            if a in c.values
            and b in c.values
            and any(
                category(c.values[a].get(span, ())) == ca and category(c.values[b].get(span, ())) == cb
                for span in c.units
            )
        ]
        self._list(chosen, f"{a}: {ca} · {b}: {cb}")

    def _list(self, conflicts: list[Conflict], title: str) -> None:
        self.list_title.setText(f"{title} — {len(conflicts):,} (double-click opens the review)")
        self.disagreements.clear()
        for c in conflicts[:MAX_LISTED]:
            excerpt = self.store.article(c.article_id).text[c.start : c.end].replace("\n", " ")
            if len(excerpt) > 90:
                excerpt = excerpt[:87] + "…"
            who = " | ".join(
                f"{name}: " + (", ".join(category(v) for _, v in sorted(vals.items())) or "—")
                for name, vals in sorted(c.values.items())
            )
            title = str(self.titles.get(c.article_id, c.article_id))
            title = title if len(title) <= 40 else title[:39] + "…"
            item = QListWidgetItem(f"{title} — “{excerpt}”\n    {who}")
            item.setData(Qt.ItemDataRole.UserRole, (c.article_id, c.start, c.end))
            self.disagreements.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.openConflict.emit(*item.data(Qt.ItemDataRole.UserRole))
