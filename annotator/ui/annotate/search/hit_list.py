"""Corpus search in the window (Ctrl+Shift+F): a query box, the hit count, and a keyword-in-context list.

The query is the same language as `annotator search` (`annotator.search.query`); a query that cannot
be searched is said under the box, in words. Each row is one hit (`annotator.search.hits.Hit`):
left context · match · right context · article title. The model holds only the pages the
view has asked for (`canFetchMore`/`fetchMore` over `Search.page`), so a search with 100,000
hits shows its first rows at once and costs memory only as far as the reader scrolls.

Before the first search (and after imports and pre-annotation) the FTS5 index catches up on a
worker (`workers.search_index_task`), with progress and Cancel; a search asked for meanwhile
runs when the index is ready. A regular expression alone scans within a short time budget per
page, so the window never waits long for one; the count then says "at least".

↓ in the query box enters the list on its first hit; ↓/↑ there move the hit. Keys pressed in the
panel are the panel's: none moves the article's statement behind it (`HitListPanel.event`).
In the list, Enter (or a double click) opens the article at the hit, its statement current;
keys 1–9 label the selected hits (Ctrl+A: every hit of the search) after a preview
(`label_all_dialog`), which names the query it applies to. Once the box reads another query
than the one searched, the old hits are cleared (Enter searches the new one): nothing on
screen acts on hits of a query no longer shown. Esc closes the panel, the focus back in the text.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.search.hits import CONTEXT, Hit, HitCount, Search, SearchError
from annotator.store.articles import ArticleFilter
from annotator.ui.annotate.session import Session
from annotator.ui.shell import style
from annotator.ui.shell.plaintext import plain_label, tooltip
from annotator.ui.shell.workers import Task, TaskRunner, search_index_task

log = logging.getLogger("annotator.ui")

#: Hits read per page as the list scrolls.
PAGE = 200
#: How long one page (or the count) of a regular expression alone may scan in the window (s).
REGEX_SECONDS = 0.4
INDEX_TASK = "search index"
Index = QModelIndex | QPersistentModelIndex
LEFT, MATCH, RIGHT, ARTICLE = range(4)


def one_line(text: str) -> str:
    """Context as one line: runs of white space (tabs, line breaks) shown as one space."""
    return " ".join(text.split()) if text.strip() else ""


def left_context(hit: Hit) -> str:
    """The words before the match; when the line goes on before them, "…" instead of a cut word."""
    text = one_line(hit.left)
    if len(hit.left) < CONTEXT:
        return text
    return "…" + (text.split(" ", 1)[1] if " " in text[:-1] else text)


def right_context(hit: Hit) -> str:
    """The words after the match; when the line goes on after them, "…" instead of a cut word."""
    text = one_line(hit.right)
    if len(hit.right) < CONTEXT:
        return text
    return (text.rsplit(" ", 1)[0] if " " in text[1:] else text) + "…"


class HitListModel(QAbstractTableModel):
    """The hits of one `Search`, a page at a time."""

    COLUMNS = ("Before", "Match", "After", "Article")
    HitRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search: Search | None = None
        self.hits: list = []
        self.notes: list[str] = []
        self._after: int | None = None

    def set_search(self, search: Search | None) -> None:
        """Show `search`'s hits from the first (None: nothing); raises `SearchError` from the first page."""
        self.beginResetModel()
        self.search, self.hits, self.notes, self._after = search, [], [], 0 if search else None
        self.endResetModel()
        if search is not None:
            self.fetchMore(QModelIndex())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self.search is not None and self._after is not None

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        try:
            page = self.search.page(after=self._after, limit=PAGE)
        except SearchError as exc:  # a regular expression too slow on a statement further down
            if not self.hits:
                raise
            self._after, self.notes = None, [str(exc)]
            return
        self._after = page.next_after
        self.notes = page.notes
        if not page.hits:
            return
        first = len(self.hits)
        self.beginInsertRows(QModelIndex(), first, first + len(page.hits) - 1)
        self.hits.extend(page.hits)
        self.endInsertRows()

    def fetch_all(self) -> None:
        while self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                left_context(hit),
                one_line(hit.hit),
                right_context(hit),
                hit.title or f"article {hit.article_id}",
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"{hit.title} (article {hit.article_id}, {hit.matches[0][0]}–{hit.matches[0][1]})"
            return tooltip(f"{hit.left}{hit.hit}{hit.right}\n\n{where}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if col == LEFT else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == MATCH:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and col == MATCH:
            return QColor(style.current_theme().match)
        if role == Qt.ItemDataRole.ForegroundRole and col == ARTICLE:
            return QColor(style.current_theme().muted)
        if role == self.HitRole:
            return hit
        return None


class _ElideLeft(QStyledItemDelegate):
    """The left context is cut at its start ("…said Kyiv will halt"), so the words next to the match show."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class HitTable(QTableView):
    """The list; takes 1–9 and Enter for itself, where the window would otherwise label the statement."""

    labelKey = Signal(str)
    openHit = Signal(QModelIndex)

    OWN_KEYS = {getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)} | {Qt.Key.Key_Return, Qt.Key.Key_Enter}

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if plain and Qt.Key(event.key()) in self.OWN_KEYS:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        key = Qt.Key(event.key())
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentIndex().isValid():
                self.openHit.emit(self.currentIndex())
            return
        if plain and key in self.OWN_KEYS:
            self.labelKey.emit(event.text() or str(int(key) - int(Qt.Key.Key_0)))
            return
        super().keyPressEvent(event)


class HitListPanel(QWidget):
    """The corpus search panel: query, count or error, index progress, the hit list."""

    hitActivated = Signal(object)  # a Hit: open its article with its statement current
    labelRequested = Signal(str)  # a label key pressed in the list: label the selected hits

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("hitListPanel")
        self.session = session
        self.runner = runner
        self.search: Search | None = None
        self.count: HitCount | None = None
        #: The query text the hits listed were found for ("" when none are listed).
        self.searched = ""
        #: The article filter the search ran within (the list's, or none).
        self.articles = ArticleFilter()
        self._index_task: Task | None = None
        self._index_done = self._index_total = 0
        self._search_when_indexed = False
        #: The user stopped the catch-up: searches run on what is indexed until the panel is opened again.
        self._stopped = False

        self.query = QLineEdit()
        self.query.setObjectName("corpusQuery")
        self.query.setAccessibleName("Search the corpus")
        self.query.setClearButtonEnabled(True)
        self.query.setPlaceholderText(
            'Search every article: ceasefire  "energy infrastructure"  negotiat*  ceasefire NOT Gaza  '
            'label:offer  ent:PERSON  category:relevant  meta.source:tass  re:"halt(ed)? strikes"'
        )
        self.query.returnPressed.connect(self.run)
        self.query.textChanged.connect(self._query_changed)
        self.query.installEventFilter(self)  # ↓ goes to the hits, not to the article behind the panel
        self.within_list = QCheckBox("within the list's filters")
        self.within_list.setObjectName("searchWithinList")
        self.within_list.setToolTip(
            "Search only the articles the article list shows (its status, label, category and metadata filters)"
        )
        self.within_list.toggled.connect(lambda _on: self.search and self.run())
        go = QPushButton("Search")
        go.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        go.clicked.connect(self.run)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.query, 1)
        top.addWidget(self.within_list)
        top.addWidget(go)

        self.status = plain_label(object_name="hitCount", word_wrap=True)
        self.progress = QProgressBar()
        self.progress.setObjectName("indexProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelIndexing")
        self.cancel.setToolTip("Stop indexing; the search covers the articles indexed so far")
        self.cancel.clicked.connect(self.cancel_indexing)
        self.progress_text = plain_label(object_name="indexProgressText")
        progress_row = QHBoxLayout()
        progress_row.setContentsMargins(0, 0, 0, 0)
        progress_row.addWidget(self.progress_text)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()

        self.model = HitListModel(self)
        self.table = HitTable()
        self.table.setObjectName("hitList")
        self.table.setAccessibleName("Search hits")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setItemDelegateForColumn(LEFT, _ElideLeft(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LEFT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MATCH, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RIGHT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ARTICLE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ARTICLE, 260)
        header.setHighlightSections(False)
        header.setMaximumSectionSize(420)
        self.table.openHit.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        self.table.labelKey.connect(self.labelRequested)
        hint = plain_label(
            "Enter opens the hit · 1–9 label the selected hits (Ctrl+A: every hit), after a preview · "
            "Esc closes the panel"
        )
        hint.setProperty("role", "hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.progress_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        # Tab follows the eye: the query, the box beside it, the hits under them
        QWidget.setTabOrder(self.query, self.within_list)
        QWidget.setTabOrder(self.within_list, self.table)

    #: Keys of the query box that move to the hit list (the window would move the article's statement).
    TO_HITS = (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
    #: Keys the window keeps while the focus is in the panel: they close it, show the key sheet, or are
    #: the window's own (Ctrl+Shift+F, Ctrl+Z); every other plain or Shift key is the panel's.
    WINDOW_KEYS = frozenset(
        {Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab} | {getattr(Qt.Key, f"Key_F{n}") for n in range(1, 36)}
    )
    #: Ctrl keys of the window that walk the article (its parts; done, then the next one): the panel's too.
    CTRL_WALKS = frozenset({Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Return, Qt.Key.Key_Enter})

    def event(self, event) -> bool:
        """A key pressed anywhere in the panel (the query, the box beside it, the hits) acts there:
        no window shortcut takes it, so nothing in the panel moves or labels the article's statement
        behind it (only Enter on a hit opens one). A key the focused widget has no use for does nothing."""
        if event.type() == QEvent.Type.ShortcutOverride and self.panel_key(event):
            event.accept()
            return True
        return super().event(event)

    def panel_key(self, event) -> bool:
        """True for a key the panel keeps from the window's shortcuts (see `event`)."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if modifiers & ~Qt.KeyboardModifier.ShiftModifier:
            return modifiers == Qt.KeyboardModifier.ControlModifier and key in self.CTRL_WALKS
        return key not in self.WINDOW_KEYS

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.query
            and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and event.key() in self.TO_HITS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the box's key, not the window's "next statement"
            else:
                self.focus_hits()
            return True
        return super().eventFilter(watched, event)

    def focus_hits(self) -> None:
        """The focus in the hit list, on its current row (the first, when none is), that row selected."""
        self.table.setFocus()
        if not self.model.rowCount():
            return
        row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else 0
        self.table.selectRow(row)

    # -- the index ----------------------------------------------------------------------------

    def catch_up(self) -> bool:
        """Bring the index up to date in the background; True while it is catching up."""
        self._stopped = False
        if self._index_task is not None:
            return True
        if self.session.store.readonly or not self.session.store.search.search_index_pending():
            return False
        task = Task(self.session.store.path, search_index_task, INDEX_TASK)
        self._index_done = self._index_total = 0
        task.total.connect(self._index_started)
        task.progress.connect(self._index_progress)
        task.finished.connect(self._index_finished)
        task.failed.connect(self._index_failed)
        self._index_task = self.runner.start(task)
        self.progress_text.setText("indexing the articles for search…")
        self.progress.setRange(0, 0)
        self.progress_box.show()
        return True

    def indexing(self) -> bool:
        """True from the start of a catch-up until its end is reported here (the thread may linger a moment)."""
        return self._index_task is not None

    def cancel_indexing(self) -> None:
        if self._index_task is not None:
            self._index_task.cancel()
            self._stopped = True
            self.progress_text.setText("stopping after this batch…")

    def _index_started(self, total: int) -> None:
        self._index_total = total
        self.progress.setRange(0, max(total, 1))

    def _index_progress(self, n: int) -> None:
        self._index_done += n
        self.progress.setValue(self._index_done)
        self.progress_text.setText(f"indexing {self._index_done:,} of {self._index_total:,} articles for search…")

    def _index_finished(self, _n: int) -> None:
        self._index_task = None
        self.progress_box.hide()
        if self._search_when_indexed:
            self._search_when_indexed = False
            self.run()

    def _index_failed(self, message: str) -> None:
        self._index_task = None
        self.progress_box.hide()
        self._say(message, error=True)

    # -- searching ------------------------------------------------------------------------------

    def open(self) -> None:
        """Ctrl+Shift+F: show the panel (its dock), the query selected; the index starts catching up."""
        self.catch_up()
        self.query.setFocus()
        self.query.selectAll()

    def _query_changed(self, text: str) -> None:
        """The hits of the last query go as soon as the box reads another: Enter on a row, or a label
        key, must never act on hits of a query no longer on screen."""
        if text.strip() == self.searched or (self.search is None and not self.model.rowCount()):
            return
        self.clear_hits()
        self._say("press Enter to search" if text.strip() else "")

    def clear_hits(self) -> None:
        """No search: the list empty, nothing to open or label."""
        self.model.set_search(None)
        self.search, self.count, self.searched = None, None, ""

    def run(self) -> None:
        """Search for the query now (or, while the index catches up, as soon as it is done)."""
        text = self.query.text().strip()
        if not text:
            self.clear_hits()
            self._say("")
            return
        if self._index_task is not None or (not self._stopped and self.catch_up()):
            self._search_when_indexed = True
            self._say("the search runs when the index has caught up (Cancel searches what is indexed)")
            return
        articles = self.session.filter if self.within_list.isChecked() else ArticleFilter()
        try:
            search = Search(
                self.session.store,
                text,
                annotator=self.session.annotator,
                articles=articles,
                regex_seconds=REGEX_SECONDS,
            )
            self.model.set_search(search)
        except SearchError as exc:
            self.clear_hits()
            self._say(str(exc), error=True)
            return
        self.search, self.count, self.articles, self.searched = search, None, articles, text
        self._say(f"{self.model.rowCount():,}+ statements match…" if self.model.canFetchMore(QModelIndex()) else "")
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
        QTimer.singleShot(0, self._count)  # the first hits are painted before the count is taken

    def _count(self) -> None:
        search = self.search
        if search is None:
            return
        try:
            count = search.count()
        except SearchError as exc:
            self._say(str(exc), error=True)
            return
        if search is not self.search:  # another search started meanwhile
            return
        self.count = count
        self._say(self.count_text(count), notes=[*search.notes(), *self.model.notes])

    @staticmethod
    def count_text(count: HitCount) -> str:
        if not count.statements:
            return "no statement matches"
        floor = "" if count.complete else "at least "
        statements = "statement" if count.statements == 1 else "statements"
        articles = "article" if count.articles == 1 else "articles"
        return f"{floor}{count.statements:,} {statements} in {floor}{count.articles:,} {articles}"

    def _say(self, text: str, *, error: bool = False, notes: list[str] | None = None) -> None:
        lines = [text, *(notes or [])]
        self.status.setText(" · ".join(line for line in lines if line))
        self.status.setProperty("state", "error" if error else "")
        self.status.style().polish(self.status)

    # -- the list -----------------------------------------------------------------------------

    def _open(self, index: QModelIndex) -> None:
        hit = self.model.data(index, HitListModel.HitRole)
        if hit is not None:
            self.hitActivated.emit(hit)

    def selected_hits(self) -> list:
        """The hits of the selected rows (the current row when none is selected), in list order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [self.model.hits[r] for r in rows]

    def every_row_selected(self) -> bool:
        """Ctrl+A: every row shown is selected (the user means every hit of the search)."""
        n = self.model.rowCount()
        return n > 0 and len(self.table.selectionModel().selectedRows()) == n
