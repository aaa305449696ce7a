"""The agreement dashboard: pairs matrix, per-label alpha, confusion table, disagreements.

Click a cell (a pair, a label, a confusion cell) to list the disagreeing statements;
double-click one to open it in the review window. Figures come from
`annotator.review.compute_agreement`, the same as `annotator agreement`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.guidelines.by_version import agreement_by_version
from annotator.review import Conflict, collect, compute_agreement, find_conflicts
from annotator.review.report import fmt
from annotator.review.units import category
from annotator.schemes.labels import project_labels
from annotator.store import Store
from annotator.text import excerpt
from annotator.ui.review.category_agreement import CategoryAgreementTable
from annotator.ui.review.link_figures import LinkFigures, fill_conflict_list
from annotator.ui.review.progress_panel import ProgressPanel
from annotator.ui.review.widgets import figure_item as _item
from annotator.ui.review.widgets import fit_to_rows
from annotator.ui.review.widgets import score_color as _score_color
from annotator.ui.shell import palette, style
from annotator.ui.shell.plaintext import plain_label, tooltip
from annotator.ui.shell.screen import fit

MAX_CATEGORIES = 9
MAX_LISTED = 500


def _heading(text: str) -> QLabel:
    label = plain_label(text)
    label.setStyleSheet("font-weight: 600; font-size: 10.5pt; padding-top: 6px;")
    return label


#: Annotators whose pair rows stay in view without scrolling.
PAIRS_SHOWN = 4
#: Guidelines versions in view without scrolling (more scroll).
VERSIONS_SHOWN = 5


class AgreementDashboard(QWidget):
    """Agreement figures of one project; `openConflict(article, start, end)` asks for the review view."""

    openConflict = Signal(int, int, int)
    openCategoryConflict = Signal(int, str)  # an article and a category group annotators differ on

    def __init__(self, store: Store, labels: list[str] | None = None, parent=None):
        """Figures of the open project `store` (its owner closes it), for `labels` (None: all)."""
        super().__init__(parent)
        self.setWindowTitle(f"Agreement — {store.path.name}")
        self.store = store
        self.labels = labels
        self.pair: tuple[str, str] | None = None

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)  # a long line of figures wraps: the window fits a laptop's width
        self.summary.setStyleSheet("font-size: 11.5pt; padding: 4px;")
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
        self.links = LinkFigures()
        self.links.listRequested.connect(self._list_links)
        self.categories_title = _heading("Article categories — Krippendorff's α and articles given")
        self.categories_table = CategoryAgreementTable()
        self.categories_table.rowChosen.connect(self._category_clicked)
        # two columns of figures of about one height (pairs, confusion, links | labels, categories), each
        # table as tall as its rows; the disagreements take the rest: no table scrolls while there is room
        left = QVBoxLayout()
        left.addWidget(_heading("Pairs — upper: Cohen's κ · lower: span F1 · diagonal: units"))
        left.addWidget(self.pairs_table)
        left.addWidget(self.confusion_title)
        left.addWidget(self.confusion_table)
        left.addWidget(self.links)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(_heading("Per label — Krippendorff's α and units labeled"))
        right.addWidget(self.labels_table)
        right.addWidget(self.categories_title)
        right.addWidget(self.categories_table)
        # the split by guidelines version (shown when the project has more than one version)
        self.versions_title = _heading("By guidelines version — Krippendorff's α among the work done under it")
        self.versions_table = self._table("versionsTable")
        right.addWidget(self.versions_title)
        right.addWidget(self.versions_table)
        right.addStretch(1)
        figures = QHBoxLayout()
        figures.addLayout(left, 1)
        figures.addLayout(right, 1)
        self.progress_title = _heading("Progress — done per package, active time, who is behind")
        self.progress = ProgressPanel(store)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(figures)
        # the disagreements and the team's progress side by side take the height that is left
        bottom = QGridLayout()
        bottom.addWidget(self.list_title, 0, 0)
        bottom.addWidget(self.disagreements, 1, 0)
        bottom.addWidget(self.progress_title, 0, 1)
        bottom.addWidget(self.progress, 1, 1)
        bottom.setColumnStretch(0, 1)  # the progress table's seven columns need half the width
        bottom.setColumnStretch(1, 1)
        layout.addLayout(bottom, 1)
        fit(self, 1300, 820)
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Ctrl+W")):
            QShortcut(keys, self, self.close)
        self.refresh()

    def closeEvent(self, event) -> None:
        self.progress.stop()  # the progress read ends before the window goes
        super().closeEvent(event)

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
        self.titles = store.articles.article_titles()
        self.result = compute_agreement(self.collection, labels=self.labels)
        self.conflicts = find_conflicts(self.collection)
        r = self.result
        kinds = " · ".join(f"{k.replace('_', ' ')} {n}" for k, n in r.conflicts_by_kind.items())
        self.summary.setText(
            f"Krippendorff's α {fmt(r.alpha, reason=r.alpha_reason)}   ·   {len(r.annotators)} annotators   ·   "
            f"{r.units:,} units   ·   "
            f"{r.conflicts:,} conflicts ({kinds})"
        )
        links = self.links.refresh(store, collect(store) if self.labels else self.collection)
        linked = sum(sum(c.values()) for c in links.type_counts.values())
        if linked:
            f1s = [p.f1 for p in links.pairs if p.f1 == p.f1]
            mean = fmt(sum(f1s) / len(f1s), 2) if f1s else "n/a"
            self.summary.setText(
                f"{self.summary.text()}   ·   {linked:,} links (pair F1 {mean}, {links.conflicts:,} link conflicts)"
            )
        self._fill_pairs()
        self._fill_labels()
        shown = self.categories_table.refresh(store, _item, _score_color)
        self.categories_title.setVisible(shown)
        self.categories_table.setVisible(shown)
        if shown:
            n = len(self.categories_table.conflicts)
            self.summary.setText(f"{self.summary.text()}   ·   {n:,} category conflicts")
        shown = self._fill_versions()
        self.versions_title.setVisible(shown)
        self.versions_table.setVisible(shown)
        if self.pair is None and r.pairs:
            self.pair = (r.pairs[0].a, r.pairs[0].b)
        self._fill_confusion()
        self.progress.refresh()
        self._fit_tables()

    def _fit_tables(self) -> None:
        for table in (self.labels_table, self.categories_table, self.links.table):
            fit_to_rows(table)
        fit_to_rows(self.pairs_table, PAIRS_SHOWN)
        fit_to_rows(self.confusion_table, MAX_CATEGORIES)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_tables()  # a table's columns may need a scroll bar at this width: its rows keep their room

    def showEvent(self, event) -> None:
        self._fit_tables()  # the style sheet's font is the table's now
        super().showEvent(event)

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
                        i,
                        j,
                        _item(f"{counts[a]:,}", style.current_theme().window, f"{a} has a value for {counts[a]} units"),
                    )
                    continue
                p = self.result.pair(a, b)
                value, what, why = (p.kappa, "κ", p.kappa_reason) if i < j else (p.span_f1, "F1", p.span_f1_reason)
                tip = (
                    f"{a} × {b}: κ {fmt(p.kappa, reason=p.kappa_reason)}, "
                    f"span F1 {fmt(p.span_f1, reason=p.span_f1_reason)}, "
                    f"{p.units} shared units, {p.conflicts} conflicts"
                )
                t.setItem(i, j, _item(f"{what} {fmt(value, 2, reason=why)}", _score_color(value), tip))
        t.resizeRowsToContents()
        fit_to_rows(t, PAIRS_SHOWN)  # the pairs keep their height (up to PAIRS_SHOWN annotators)

    def _fill_versions(self) -> bool:
        """The split by guidelines version (as `agreement --by-guidelines`), when there is more than
        one version; False (the table hidden) otherwise."""
        if len(self.store.guidelines.versions()) < 2:
            return False
        rows = agreement_by_version(self.store, self.labels)
        t = self.versions_table
        t.clear()
        headers = ["guidelines", "units", "α", "annotators"]
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(rows))
        for row, found in enumerate(rows):
            a = found.agreement
            name = "before any" if found.version is None else f"version {found.version}"
            tip = ", ".join(f"{label} α {fmt(v, 2)}" for label, v in a.per_label_alpha.items())
            t.setItem(row, 0, _item(name, style.current_theme().window, tip))
            t.setItem(row, 1, _item(f"{a.units:,}"))
            t.setItem(row, 2, _item(fmt(a.alpha, 2, reason=a.alpha_reason), _score_color(a.alpha), tip))
            t.setItem(row, 3, _item(str(len(a.annotators))))
        t.verticalHeader().setVisible(False)
        t.resizeRowsToContents()
        # as tall as its rows (a few versions): the per-label table above keeps the room it needs
        shown = sum(t.rowHeight(i) for i in range(min(len(rows), VERSIONS_SHOWN)))
        t.setFixedHeight(shown + t.horizontalHeader().sizeHint().height() + 2 * t.frameWidth() + 2)
        return True

    def _fill_labels(self) -> None:
        r = self.result
        t = self.labels_table
        t.clear()
        headers = ["label", "α", *r.annotators]
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(r.per_label_alpha))
        for row, (label, alpha) in enumerate(r.per_label_alpha.items()):
            name = _item(label, palette.label_tint(self.colors.get(label, "#64748b"), style.current_theme()))
            t.setItem(row, 0, name)
            why = r.per_label_reason.get(label)
            t.setItem(row, 1, _item(fmt(alpha, 2, reason=why), _score_color(alpha), f"α n/a: {why}" if why else ""))
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
                strength = 0.25 + 0.55 * n / peak
                hue = "#16a34a" if i == j else "#dc2626"  # agreement green, disagreement red
                color = palette.over(hue, strength, style.current_theme().base)
                t.setItem(i, j, _item(f"{n:,}", color, f"{p.a}: {ca} · {p.b}: {cb} — {n} units"))
        fit_to_rows(t, MAX_CATEGORIES)

    # -- clicks → disagreements -----------------------------------------------------------

    def _pair_clicked(self, row: int, col: int) -> None:
        names = self.result.annotators
        if row == col:
            return
        a, b = sorted((names[row], names[col]))
        self.pair = (a, b)
        self._fill_confusion()
        self._list(
            lambda c, span: c.matches(pair=(a, b)) and _value(c, a, span) != _value(c, b, span),
            f"Disagreements of {a} and {b}",
            (a, b),
        )

    def _label_clicked(self, row: int, _col: int) -> None:
        label = list(self.result.per_label_alpha)[row]

        def differs(c: Conflict, span) -> bool:
            said = {label in values.get(span, ()) for values in c.values.values()}
            return len(said) > 1

        self._list(differs, f"Disagreements about {label}")

    def _confusion_clicked(self, row: int, col: int) -> None:
        if self.pair is None:
            return
        a, b = self.pair
        ca, cb = self.confusion_categories[row], self.confusion_categories[col]
        self._list(
            lambda c, span: category(_value(c, a, span)) == ca and category(_value(c, b, span)) == cb,
            f"{a}: {ca} · {b}: {cb}",
            (a, b),
        )

    def _list(self, chosen: Callable[[Conflict, tuple[int, int]], bool], title: str, who=None) -> None:
        """List every unit (statement) for which `chosen` holds: its words and what each annotator said."""
        rows = [(c, span) for c in self.conflicts for span in c.units if chosen(c, span)]
        self.list_title.setText(f"{title} — {len(rows):,} (double-click opens the review)")
        self.disagreements.clear()
        for c, span in rows[:MAX_LISTED]:
            text = self.store.articles.article(c.article_id).text
            names = who or c.annotators
            said = " · ".join(f"{name}: {category(_value(c, name, span))}" for name in names)
            heading = excerpt(str(self.titles.get(c.article_id, c.article_id)), 40)
            item = QListWidgetItem(f"“{excerpt(text[span[0] : span[1]], 90)}”\n    {said}   ({heading})")
            item.setToolTip(tooltip(f"{heading}\n{text[span[0] : span[1]]}"))
            item.setData(Qt.ItemDataRole.UserRole, (c.article_id, span[0], span[1]))
            self.disagreements.addItem(item)

    def _list_links(self, title: str, conflicts: list) -> None:
        self.list_title.setText(f"{title} — {len(conflicts):,} (double-click opens the review)")
        self.disagreements.clear()
        fill_conflict_list(
            self.disagreements, self.store, self.titles, conflicts[:MAX_LISTED], Qt.ItemDataRole.UserRole
        )

    def _category_clicked(self, kind: str, name: str) -> None:
        """List the articles whose annotators differ on a category (or an exclusive group)."""
        rows = self.categories_table.differing(kind, name)
        self.list_title.setText(f"Articles in dispute about {name} — {len(rows):,} (double-click opens the review)")
        self.disagreements.clear()
        for c in rows[:MAX_LISTED]:
            said = " · ".join(f"{who}: {', '.join(v) or 'none'}" for who, v in c.values.items())
            item = QListWidgetItem(f"{self.titles.get(c.article_id, c.article_id)} — {c.group}\n    {said}")
            item.setData(Qt.ItemDataRole.UserRole, ("category", c.article_id, c.group))
            self.disagreements.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data[0] == "category":
            self.openCategoryConflict.emit(data[1], data[2])
        else:
            self.openConflict.emit(*data)


def _value(conflict: Conflict, name: str, span: tuple[int, int]):
    """What `name` said about one unit: its labels, () for no label, None if they never worked on it."""
    values = conflict.values.get(name)
    return None if values is None else values.get(span, ())
