"""The article list: a lazy table model over paged store queries, its filters and progress bar.

Rows arrive a page at a time (`canFetchMore`/`fetchMore`, keyset paging on the id), so a
project of 100,000 articles shows its first rows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import combinations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.records import GOLD
from annotator.review.conflicts import KINDS, conflict_article_ids
from annotator.store.articles import ArticleFilter, ArticleRow
from annotator.ui.annotate.reader.meta_filter import ListFilters
from annotator.ui.annotate.session import Session
from annotator.ui.shell import style
from annotator.ui.shell.plaintext import tooltip

PAGE = 200
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done"}
#: The status cell's short form (the list is a quarter of a laptop's width; the cell keeps the
#: status colour): the words in the cell's tooltip, the legend in the header's.
STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "●"}
REVIEWED_MARK = "✓"
STATUS_LEGEND = "Status: ○ new · ◐ in progress · ● done; ✓ entities reviewed by you"
#: The categories column: a chip ("relevant") and the "…" that says more are on hover (at 60 px no chip fit).
CATEGORIES_WIDTH = 80
Index = QModelIndex | QPersistentModelIndex


class ArticleModel(QAbstractTableModel):
    COLUMNS = ("Title", "Status", "Labels", "Categories")
    #: What the header shows: the narrow columns' names shortened, whole in their tooltips.
    HEADINGS = ("Title", "Status", "#", "Cat.")
    HEADING_TIPS = (
        "",
        STATUS_LEGEND,
        "Labels: how many labels you gave in the article",
        "Categories: the categories you gave the article",
    )
    IdRole = Qt.ItemDataRole.UserRole + 1
    CategoriesRole = Qt.ItemDataRole.UserRole + 2  # the annotator's categories of the article (a tuple)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows: list[ArticleRow] = []
        self.row_of: dict[int, int] = {}
        self._more = True
        #: "Most uncertain first": article ids in the order to list them (None: in id order).
        self.ranked: list[int] | None = None
        self._ranked_at = 0

    def reset(self) -> None:
        self.beginResetModel()
        self.rows, self.row_of, self._more, self._ranked_at = [], {}, True, 0
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or not self._more:
            return
        if self.ranked is not None:
            page = self._ranked_page()
        else:
            after = self.rows[-1].id if self.rows else 0
            page = self.session.store.articles.article_page(
                self.session.annotator, self.session.filter, after_id=after, limit=PAGE
            )
            self._more = len(page) == PAGE
        if not page:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for i, row in enumerate(page):
            self.row_of[row.id] = first + i
        self.rows.extend(page)
        self.endInsertRows()

    def _ranked_page(self) -> list[ArticleRow]:
        """The next ranked articles that pass the filters, in rank order."""
        page: list[ArticleRow] = []
        filt = self.session.filter
        while not page and self._ranked_at < len(self.ranked):
            ids = self.ranked[self._ranked_at : self._ranked_at + PAGE]
            self._ranked_at += len(ids)
            allowed = ids if filt.ids is None else [i for i in ids if i in set(filt.ids)]
            rows = self.session.store.articles.article_page(
                self.session.annotator, replace(filt, ids=tuple(allowed)), after_id=0, limit=len(ids) + 1
            )
            by_id = {row.id: row for row in rows}
            page = [by_id[i] for i in ids if i in by_id]
        self._more = self._ranked_at < len(self.ranked)
        return page

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADINGS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self.HEADING_TIPS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.title or f"article {row.id}",
                status_mark(row),
                str(row.labels or ""),
                ", ".join(row.categories),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:  # the whole title, however the cell elides it
            return tooltip(f"{row.title or f'article {row.id}'}\n#{row.id}")
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return tooltip(status_words(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"#{row.id} · {row.title} · {entities_words(row)}")
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            th = style.current_theme()
            return QColor(th.status.get(row.status, th.muted))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == 1:
            return status_words(row)  # a screen reader says the words, not "black circle"
        if role == self.IdRole:
            return row.id
        if role == self.CategoriesRole:
            return row.categories
        return None

    def refresh_article(self, article_id: int) -> bool | None:
        """One article's status or label count changed: re-read just that row. True when its status
        went to or from done (the progress count changed), None when the row is not loaded."""
        i = self.row_of.get(article_id)
        if i is None:
            return None
        before = self.rows[i].status
        self.rows[i] = self.session.store.articles.article_row(article_id, self.session.annotator)
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))
        return (before == "done") != (self.rows[i].status == "done")

    def row_for(self, article_id: int) -> int | None:
        """The row of an article, fetching pages until it is loaded (None if the filter hides it)."""
        while (
            article_id not in self.row_of
            and self._more
            and (self.ranked is not None or not self.rows or self.rows[-1].id < article_id)
        ):
            self.fetchMore(QModelIndex())
        return self.row_of.get(article_id)


def status_mark(row: ArticleRow) -> str:
    """The status cell: the status's mark, and ✓ when the annotator reviewed the entities."""
    return STATUS_MARK.get(row.status, row.status) + (f" {REVIEWED_MARK}" if row.entities_reviewed else "")


def status_words(row: ArticleRow) -> str:
    """The status in words, as the cell's tooltip says it: "done · entities reviewed by you"."""
    return f"{STATUS_TEXT.get(row.status, row.status)} · {entities_words(row)}"


def entities_words(row: ArticleRow) -> str:
    """Whether the annotator reviewed the article's entities, in words."""
    return "entities reviewed by you" if row.entities_reviewed else "entities unreviewed"


def status_width(metrics) -> int:
    """The status column's width: its widest cell, whole."""
    return max(metrics.horizontalAdvance(f"{mark} {REVIEWED_MARK}") for mark in STATUS_MARK.values()) + 18


class ArticleListPanel(QWidget):
    """Filters, the list and the project's progress; tells the session which article to open."""

    articleActivated = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.setSpacing(6)

        self.search = QLineEdit()
        self.search.setObjectName("textFilter")
        self.search.setPlaceholderText("Filter articles…")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        row = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.setAccessibleName("Status filter")
        for text, value in (("All statuses", None), ("New", "new"), ("In progress", "in_progress"), ("Done", "done")):
            self.status.addItem(text, value)
        self.label = QComboBox()
        self.label.setObjectName("labelFilter")
        self.label.setAccessibleName("Label filter")
        row.addWidget(self.status, 1)
        row.addWidget(self.label, 1)
        layout.addLayout(row)
        self.order = QComboBox()
        self.order.setObjectName("articleOrder")
        self.order.setAccessibleName("Order of the articles")
        self.order.addItem("In order", False)
        self.order.addItem("Most uncertain first", True)
        self.order.setToolTip(
            "Most uncertain first: articles whose undecided statements the model is least sure of, on average "
            "(after Tools ▸ Train…); finished articles are not listed."
        )
        self.order.setEnabled(False)
        self._ranking: Callable[[], list[int]] | None = None
        layout.addWidget(self.order)
        self.conflicts = QComboBox()
        self.conflicts.setObjectName("conflictFilter")
        self.conflicts.setAccessibleName("Conflict filter")
        layout.addWidget(self.conflicts)
        self.fill_conflicts()
        self.extra = ListFilters(session)  # categories and metadata (meta_filter.py)
        layout.addWidget(self.extra)

        self.model = ArticleModel(session, self)
        self.view = QTableView()
        self.view.setObjectName("articleList")
        self.view.setAccessibleName("Articles")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)  # a title's start says the most; its tooltip all
        self._size_columns()
        self.view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("emptyListHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setStyleSheet("color: palette(placeholder-text); padding: 12px;")
        self.empty_hint.hide()
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.view, 1)

        self.progress = QProgressBar()
        self.progress.setObjectName("projectProgress")
        self.progress.setTextVisible(False)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("progressText")
        layout.addWidget(self.progress_text)
        layout.addWidget(self.progress)

        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.status.currentIndexChanged.connect(self._apply_filter)
        self.label.currentIndexChanged.connect(self._apply_filter)
        self.conflicts.currentIndexChanged.connect(self._apply_filter)
        self.order.currentIndexChanged.connect(self._apply_filter)
        self.extra.changed.connect(self._apply_filter)
        session.articlesChanged.connect(self._rows_changed)
        self.model.modelReset.connect(self._update_empty_hint)
        self.model.rowsInserted.connect(self._update_empty_hint)
        self.view.clicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        session.articleRowChanged.connect(self._row_changed)
        session.articleChanged.connect(self._select_current)
        session.schemeChanged.connect(self.fill_labels)
        self.fill_labels()
        self.model.reset()
        self.update_progress()

    def _size_columns(self) -> None:
        """The title stretches; the other columns keep fixed widths, measured once (an auto-sized
        column re-reads every loaded row at each key) and as narrow as their headers, so that at a
        laptop's 1366 pixels, the list a quarter of it, a title shows some 25 characters."""
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        pad = 2 * self.view.style().pixelMetric(self.view.style().PixelMetric.PM_HeaderMargin) + 8
        cells = self.view.fontMetrics()
        widths = {1: status_width(cells), 2: cells.horizontalAdvance("999") + 12, 3: CATEGORIES_WIDTH}
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            heading = header.fontMetrics().horizontalAdvance(ArticleModel.HEADINGS[column]) + pad
            header.resizeSection(column, max(heading, width))
        header.setHighlightSections(False)

    def fill_labels(self) -> None:
        current = self.label.currentData()
        self.label.blockSignals(True)
        self.label.clear()
        self.label.addItem("Any label", None)
        for lab in self.session.labels:
            self.label.addItem(lab.name, lab.name)
        i = self.label.findData(current)
        self.label.setCurrentIndex(max(0, i))
        self.label.blockSignals(False)

    def fill_conflicts(self) -> None:
        """Conflict filters (any, by kind, by pair), shown once two annotators have labeled."""
        people = [name for name in self.session.store.layers.annotators() if name != GOLD]
        self.conflicts.blockSignals(True)
        self.conflicts.clear()
        self.conflicts.addItem("All articles", None)
        self.conflicts.addItem("With conflicts", ("any", None))
        for kind in KINDS:
            self.conflicts.addItem(f"Conflicts: {kind.replace('_', ' ')}", (kind, None))
        for a, b in combinations(sorted(people), 2):
            self.conflicts.addItem(f"Conflicts: {a} / {b}", ("any", (a, b)))
        self.conflicts.blockSignals(False)
        self.conflicts.setVisible(len(people) >= 2)

    def _conflict_ids(self) -> tuple[int, ...] | None:
        choice = self.conflicts.currentData()
        if choice is None:
            return None
        kind, pair = choice
        return tuple(conflict_article_ids(self.session.store, None if kind == "any" else kind, pair))

    def _apply_filter(self) -> None:
        self.session.filter = ArticleFilter(
            status=self.status.currentData(),
            label=self.label.currentData(),
            text=self.search.text().strip(),
            ids=self._conflict_ids(),
            categories=self.extra.categories(),
            not_categories=self.extra.not_categories(),
            meta=self.extra.meta(),
        )
        uncertain = self.order.currentData() and self._ranking is not None
        self.model.ranked = self._ranking() if uncertain else None
        self.model.reset()
        self._select_current()

    def set_ranking(self, ranking: Callable[[], list[int]] | None) -> None:
        """What "most uncertain first" lists (article ids, most uncertain first; None: no model yet)."""
        self._ranking = ranking
        self.order.setEnabled(ranking is not None)
        if ranking is None and self.order.currentData():
            self.order.setCurrentIndex(0)  # re-lists in order
        elif self.order.currentData():
            self._apply_filter()

    def _update_empty_hint(self) -> None:
        """An empty list says why: no articles yet, or none that match the filters."""
        if self.model.rowCount():
            self.empty_hint.hide()
            return
        if self.session.store.articles.first_article() is None:
            self.empty_hint.setText("No articles yet. Add some with File ▸ Import files… (Ctrl+I).")
        else:
            self.empty_hint.setText("No articles match these filters.")
        self.empty_hint.show()

    def _activated(self, index: QModelIndex) -> None:
        article_id = self.model.data(index, ArticleModel.IdRole)
        if article_id is not None and article_id != self.session.article_id:
            self.articleActivated.emit(article_id)

    def _row_changed(self, article_id: int) -> None:
        # a label key changes one row; the project's counts only when the article's done-ness does
        if self.model.refresh_article(article_id) is not False:
            self.update_progress()

    def _rows_changed(self) -> None:
        """Many rows changed at once (label all matches): read the list again."""
        self.model.reset()
        self._select_current()
        self.update_progress()

    def reread(self) -> None:
        """Another program changed the project: read the list and the counts again, keeping the
        scroll position and the selection where the reader left them."""
        bar = self.view.verticalScrollBar()
        scrolled = bar.value()
        loaded = self.model.rowCount()
        self.model.reset()
        while self.model.rowCount() < loaded and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())  # as far as the reader had scrolled
        row = self.model.row_for(self.session.article_id) if self.session.article_id is not None else None
        if row is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        bar.setValue(scrolled)
        self.update_progress()

    def _select_current(self) -> None:
        if self.session.article_id is None:
            return
        row = self.model.row_for(self.session.article_id)
        if row is None:
            self.view.clearSelection()
            return
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def update_progress(self) -> None:
        done, total = self.session.store.articles.progress(self.session.annotator)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_text.setText(f"{done:,} of {total:,} articles done")
        self.progress.setStyleSheet("")
        self.progress.setAccessibleName(f"{done} of {total} articles done")
