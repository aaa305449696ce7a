"""The review window: one column per annotator plus a gold column, keyboard-driven.

Text is set with `setPlainText` only and marked with extra selections (character formats),
never HTML, so an article that contains `<script>` shows it literally. Keys:
n/↓ next conflict, p/↑ previous, Shift+N/Shift+P next/previous unresolved, 1…9 take that
annotator's, a take all, 0 none, e edit the gold selection, Shift+A auto-accept (threshold
in the spin box), Ctrl+Z / Ctrl+Shift+Z undo / redo, d the agreement dashboard, c the
category conflicts (`category_review`).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.records import GOLD
from annotator.review import gold as gold_ops
from annotator.review.conflicts import Conflict
from annotator.review.links import LinkConflict
from annotator.review.units import category
from annotator.store import Store
from annotator.text import excerpt
from annotator.ui.review.link_review import fill_link_table, paint_link_conflict
from annotator.ui.review.session import ReviewSession
from annotator.ui.review.widgets import (
    KIND_NAMES,
    TOOLTIP_WORDS,
    Column,
    ConflictList,
    ConflictListModel,
    ElidedLabel,
    fit_to_rows,
    focus_format,
    review_soft_tint,
    tinted,
)
from annotator.ui.shell import palette, style
from annotator.ui.shell.flow_layout import FlowLayout
from annotator.ui.shell.offsets import OffsetMap
from annotator.ui.shell.plaintext import menu_text, plain_label, tooltip
from annotator.ui.shell.screen import fit

#: Statements of one conflict its table shows before it scrolls (it is as tall as its rows, up to these).
UNITS_SHOWN = 4


class ReviewWindow(QMainWindow):
    """Annotators side by side, the conflicts of the project, and the gold decisions."""

    closed = Signal()

    def __init__(self, store: Store, annotator: str, parent=None):
        """A review of the open project `store` (its owner closes it)."""
        super().__init__(parent)
        self.store = store
        self.session = ReviewSession(self.store, annotator, self)
        self.setWindowTitle(f"Annotator review — {store.path.name}")
        self._article_id: int | None = None
        self._offsets = OffsetMap("")
        self._syncing = False
        self._dashboard = None
        self._categories = None
        self._build()
        self.session.conflictsChanged.connect(self._update_filters_state)
        self.session.currentChanged.connect(self._show_current)
        self.session.goldChanged.connect(self._gold_changed)
        self.session.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.session.error.connect(lambda text: self.statusBar().showMessage(f"not saved: {text}", 15000))
        self._show_current()
        self._update_filters_state()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        s = self.session
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 6, 6)
        self.kind_box = QComboBox()
        self.kind_box.addItem("All kinds", None)
        for kind in s.kinds:
            self.kind_box.addItem(KIND_NAMES[kind], kind)
        self.pair_box = QComboBox()
        self.pair_box.addItem("All annotator pairs", None)
        for a, b in s.pairs:
            self.pair_box.addItem(f"{a} × {b}", (a, b))
        self.unresolved_box = QCheckBox("Unresolved only")
        for widget in (self.kind_box, self.pair_box):
            widget.currentIndexChanged.connect(self._filter_changed)
            widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.unresolved_box.toggled.connect(self._filter_changed)
        self.unresolved_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.count_label = QLabel()
        self.list_model = ConflictListModel(s, self)
        self.list_view = ConflictList()
        self.list_view.setModel(self.list_model)
        self.list_view.selectionModel().currentChanged.connect(lambda cur, _prev: s.go(cur.row()))
        for widget in (self.kind_box, self.pair_box, self.unresolved_box, self.count_label):
            left_layout.addWidget(widget)
        left_layout.addWidget(self.list_view, 1)

        self.article_label = ElidedLabel()
        self.article_label.setTextFormat(Qt.TextFormat.PlainText)
        self.article_label.setStyleSheet("font-size: 13pt; font-weight: 600; padding: 4px;")
        self.article_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.columns_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.columns: list[Column] = []
        for number, name in enumerate(s.annotators, 1):
            self.columns.append(Column(f"{number} · {name}" if number <= 9 else name))
        self.gold_column = Column("Gold")
        self.gold_column.header.setStyleSheet(
            f"font-weight: 700; padding: 2px 4px; color: {style.current_theme().gold};"
        )
        self.gold_column.text.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.gold_column.text.customContextMenuRequested.connect(lambda _pos: self.edit_gold_menu())
        for column in [*self.columns, self.gold_column]:
            self.columns_splitter.addWidget(column)
            column.text.verticalScrollBar().valueChanged.connect(
                lambda value, col=column: self._sync_scroll(col, value)
            )

        self.table = QTableWidget()
        self.table.setObjectName("unitTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.table.verticalHeader().setVisible(False)

        # the buttons wrap onto a second line rather than make the window wider than a laptop's screen
        # (five annotators' "take" buttons did: the heading and the gold column were cut at its edge)
        bar_widget = QWidget()
        bar = FlowLayout(bar_widget, spacing=6)
        bar.setContentsMargins(0, 0, 0, 0)
        self.take_buttons: list[QPushButton] = []
        for number, name in enumerate(s.annotators[:9], 1):
            button = QPushButton(menu_text(f"{number}  take {name}'s"))
            button.clicked.connect(lambda _=False, n=number: s.take(n))
            self.take_buttons.append(button)
            bar.addWidget(button)
        for text, slot in (("A  all", s.take_all), ("0  none", s.take_none)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        agree = QWidget()
        agree_row = QHBoxLayout(agree)
        agree_row.setContentsMargins(0, 0, 0, 0)
        agree_row.addWidget(QLabel("agree ≥"))
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 9)
        self.threshold.setSpecialValueText("all")
        self.threshold.setToolTip("How many annotators must share the labels; 'all': every annotator of the article")
        agree_row.addWidget(self.threshold)
        self.auto_button = QPushButton("Auto-accept (Shift+A)")
        self.auto_button.clicked.connect(self.auto_accept)
        agree_row.addWidget(self.auto_button)
        bar.addWidget(agree)
        dashboard = QPushButton("Agreement… (D)")
        dashboard.clicked.connect(self.open_dashboard)
        bar.addWidget(dashboard)
        categories = QPushButton("Category conflicts… (C)")
        categories.clicked.connect(self.open_category_review)
        bar.addWidget(categories)
        for button in self.findChildren(QPushButton):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 4, 4, 4)
        right_layout.addWidget(self.article_label)
        right_layout.addWidget(self.columns_splitter, 1)
        right_layout.addLayout(self._legend())
        right_layout.addWidget(self.table)
        right_layout.addWidget(bar_widget)
        self.help_label = QLabel(
            "n/p next/previous · Shift+N/P unresolved · 1–9 take · a all · 0 none · "
            "e edit gold selection · Shift+A auto-accept · Ctrl+Z / Ctrl+Shift+Z undo/redo · c category conflicts"
        )
        self.help_label.setStyleSheet("color: palette(placeholder-text); font-size: 9pt; padding: 2px 4px;")
        self.help_label.setWordWrap(True)  # two lines on a laptop rather than a window wider than its screen
        right_layout.addWidget(self.help_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 1160])
        self.setCentralWidget(splitter)
        self._shortcuts()
        fit(self, 1500, 900)

    def _legend(self) -> QVBoxLayout:
        """The label colours, so a tint can be read without hovering; the chips wrap onto more lines
        and the key to the marks sits under them, so a narrow window never squeezes either."""
        legend = QVBoxLayout()
        legend.setSpacing(2)
        chips = QWidget()
        row = FlowLayout(chips, spacing=6)
        row.setContentsMargins(0, 0, 0, 0)
        for label in self.session.labels:
            if label.retired:
                continue
            th = style.current_theme()
            chip = plain_label(label.name)
            tint = palette.label_tint(label.color, th)
            chip.setStyleSheet(
                f"background: {tint}; color: {palette.readable(th.text, [tint])}; "
                "border-radius: 4px; padding: 1px 6px; font-size: 9pt;"
            )
            row.addWidget(chip)
        legend.addWidget(chips)
        hint = QLabel(
            "strong tint + red wave: disputed · dashed red: not labeled here · struck: decided none · dotted: agreed"
        )
        hint.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")
        hint.setWordWrap(True)
        legend.addWidget(hint)
        return legend

    def _shortcuts(self) -> None:
        s = self.session
        keys = {
            "N": lambda: s.step(1),
            "Down": lambda: s.step(1),
            "P": lambda: s.step(-1),
            "Up": lambda: s.step(-1),
            "Shift+N": lambda: s.step(1, unresolved=True),
            "Shift+P": lambda: s.step(-1, unresolved=True),
            "A": s.take_all,
            "0": s.take_none,
            "Shift+A": self.auto_accept,
            "E": self.edit_gold_menu,
            "D": self.open_dashboard,
            "C": self.open_category_review,
        }
        for number in range(1, 10):
            keys[str(number)] = lambda n=number: s.take(n)
        for key, slot in keys.items():
            QShortcut(QKeySequence(key), self, slot)
        undo = s.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = s.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        file = self.menuBar().addMenu("&File")
        close = file.addAction("&Close window", self.close)
        close.setShortcut(QKeySequence("Ctrl+W"))
        quit_all = file.addAction("&Quit", QApplication.closeAllWindows)  # every window closes as it should
        quit_all.setShortcut(QKeySequence("Ctrl+Q"))
        for action in (close, quit_all):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        edit = self.menuBar().addMenu("&Review")
        edit.addAction(undo)
        edit.addAction(redo)
        reload_action = QAction("Reload annotators' labels", self)
        reload_action.triggered.connect(s.reload)
        edit.addAction(reload_action)

    # -- filters and the list ----------------------------------------------------------

    def _filter_changed(self) -> None:
        self.session.set_filter(
            self.kind_box.currentData(), self.pair_box.currentData(), self.unresolved_box.isChecked()
        )

    def _update_filters_state(self) -> None:
        s = self.session
        self.count_label.setText(
            f"{len(s.conflicts)} shown · {len(s.all_conflicts)} conflicts · {s.unresolved_count()} unresolved"
        )
        self._select_row()

    def _select_row(self) -> None:
        index = self.list_model.index(self.session.index) if self.session.index >= 0 else QModelIndex()
        if index.isValid() and self.list_view.currentIndex() != index:
            self.list_view.setCurrentIndex(index)
            self.list_view.scrollTo(index)

    # -- showing the current conflict --------------------------------------------------

    def _show_current(self) -> None:
        conflict = self.session.current
        self._select_row()
        if conflict is None:
            none = "No conflicts" if not self.session.all_conflicts else "No conflict matches"
            self.article_label.set_full_text(none)
            for column in [*self.columns, self.gold_column]:
                column.text.setPlainText("")
                column.summary.setText("")
            self.table.setRowCount(0)
            fit_to_rows(self.table, kept=2, most=UNITS_SHOWN)
            self._article_id = None
            return
        if conflict.article_id != self._article_id:
            article = self.session.article(conflict.article_id)
            self._article_id = article.id
            self._offsets = OffsetMap(article.text)
            for column in [*self.columns, self.gold_column]:
                column.text.setPlainText(article.text)
        title = self.session.article(conflict.article_id).title
        position = self.session.index + 1
        self.article_label.set_full_text(f"{position} of {len(self.session.conflicts)} · {title}")
        self._paint()
        self._fill_table(conflict)
        self._center()
        QTimer.singleShot(0, self._center)  # again once the new text is laid out

    def _center(self) -> None:
        """Scroll every column so the current region sits in the middle."""
        conflict = self.session.current
        if conflict is None or conflict.article_id != self._article_id:
            return
        qt_start = self._offsets.to_qt(conflict.start)
        self._syncing = True
        try:
            for column in [*self.columns, self.gold_column]:
                cursor = column.text.textCursor()
                cursor.setPosition(qt_start)
                column.text.setTextCursor(cursor)
                column.text.centerCursor()
        finally:
            self._syncing = False

    def _gold_changed(self, article_id: int) -> None:
        self.list_view.viewport().update()
        self._update_filters_state()
        if article_id == self._article_id and self.session.current is not None:
            self._paint()
            self._fill_table(self.session.current)

    def _selection(self, start: int, end: int, fmt: QTextCharFormat, edit: QPlainTextEdit) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(edit.document())
        qs, qe = self._offsets.span_to_qt(start, end)
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        return sel

    def _paint(self) -> None:
        """Label tints per column (strong where disputed); disagreements underlined in red; the current
        region on its own background; text outside it in the theme's context colour. Every text
        colour is chosen to read at 4.5:1 on the background under it."""
        s = self.session
        conflict = s.current
        if conflict is None:
            return
        if isinstance(conflict, LinkConflict):
            paint_link_conflict(self, conflict)
            return
        th = style.current_theme()
        art = s.collection.article(conflict.article_id)
        article_conflicts = [
            c for c in s.all_conflicts if c.article_id == conflict.article_id and not isinstance(c, LinkConflict)
        ]
        length = len(s.article(conflict.article_id).text)

        def inside(start: int, end: int) -> bool:
            return start < conflict.end and conflict.start < end

        def fmt_on(background: str | None, here: bool) -> QTextCharFormat:
            return focus_format(th, background, here)

        def focus(edit: QPlainTextEdit) -> list[QTextEdit.ExtraSelection]:
            """The region on its own background, everything else in the context colour."""
            sels = [self._selection(conflict.start, conflict.end, fmt_on(th.region, True), edit)]
            if conflict.start > 0:
                sels.append(self._selection(0, conflict.start, fmt_on(None, False), edit))
            if conflict.end < length:
                sels.append(self._selection(conflict.end, length, fmt_on(None, False), edit))
            return sels

        for name, column in zip(s.annotators, self.columns, strict=True):
            edit = column.text
            sels = focus(edit)
            spans = art.spans.get(name, {}) if art else {}
            for (start, end), labels in sorted(spans.items()):
                here = inside(start, end)
                disputed = any(c.start <= start and end <= c.end and _involves(c, name) for c in article_conflicts)
                color = s.label_color(labels[0])
                tint = palette.label_tint(color, th) if disputed and here else review_soft_tint(color, th)
                fmt = fmt_on(tint, here)
                if disputed:
                    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                    fmt.setUnderlineColor(QColor(th.error))
                fmt.setToolTip(tooltip(f"{name}: {category(labels)}"))
                sels.append(self._selection(start, end, fmt, edit))
            for c in article_conflicts:  # spans others labeled and this annotator did not
                mine = c.values.get(name)
                if mine is None:
                    continue
                for start, end in c.units:
                    if (start, end) not in mine and not any(s0 < end and start < e0 for s0, e0 in mine):
                        fmt = fmt_on(None, inside(start, end))
                        if inside(start, end):
                            fmt.setBackground(QColor(th.region))
                        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                        fmt.setUnderlineColor(QColor(th.error))
                        fmt.setToolTip(tooltip(f"{name}: no label here"))
                        sels.append(self._selection(start, end, fmt, edit))
            edit.setExtraSelections(sels)
            column.summary.setText(_summary(conflict, name))
        gold = s.gold(conflict.article_id)
        edit = self.gold_column.text
        sels = focus(edit)
        for (start, end), (labels, note) in sorted(gold.items()):
            here = inside(start, end)
            if labels:
                agreed = note == gold_ops.AGREED_NOTE  # gold without a keypress: lighter, dotted
                color = s.label_color(labels[0])
                fmt = fmt_on(review_soft_tint(color, th) if agreed else palette.label_tint(color, th), here)
                if agreed:
                    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setToolTip(tooltip(f"gold: {category(labels)}" + (f" — {note}" if note else "")))
            else:
                fmt = fmt_on(th.region if here else None, here)
                fmt.setFontStrikeOut(True)
                fmt.setToolTip(tooltip("gold: no label"))
            sels.append(self._selection(start, end, fmt, edit))
        edit.setExtraSelections(sels)
        decided = {span: v for span, v in gold.items() if inside(*span)}
        if not decided:
            self.gold_column.summary.setText("undecided")
        else:
            parts = [f"{_gold_text(labels, note)} ({a}–{b})" for (a, b), (labels, note) in decided.items()]
            resolved = "✓ " if s.is_resolved(conflict) else "partly: "
            self.gold_column.summary.setText(resolved + "; ".join(parts))

    def _fill_table(self, conflict: Conflict | LinkConflict) -> None:
        if isinstance(conflict, LinkConflict):
            fill_link_table(self, conflict)
            return
        s = self.session
        gold = s.gold(conflict.article_id)
        text = s.article(conflict.article_id).text
        headers = ["statement", *s.annotators, GOLD]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(conflict.units))
        for row, span in enumerate(conflict.units):
            words = text[span[0] : span[1]]
            item = QTableWidgetItem(excerpt(words, 70))
            item.setToolTip(tooltip(f"{span[0]}–{span[1]}: {excerpt(words, TOOLTIP_WORDS)}"))
            self.table.setItem(row, 0, item)
            values = []
            for col, name in enumerate(s.annotators, 1):
                mine = conflict.values.get(name)
                labels = None if mine is None else mine.get(span, ())
                values.append(labels)
                item = QTableWidgetItem("—" if labels is None else category(labels))
                if labels:
                    tinted(item, palette.label_tint(s.label_color(labels[0]), style.current_theme()))
                self.table.setItem(row, col, item)
            present = [v for v in values if v is not None]
            if len(set(present)) > 1:
                for col in range(1, len(s.annotators) + 1):
                    cell = self.table.item(row, col)
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
            decided = gold.get(span)
            item = QTableWidgetItem("undecided" if decided is None else _gold_text(*decided))
            if decided and decided[0]:
                tinted(item, palette.label_tint(s.label_color(decided[0][0]), style.current_theme()))
            self.table.setItem(row, len(headers) - 1, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        fit_to_rows(self.table, kept=2, most=UNITS_SHOWN)  # as tall as its rows: the texts keep the rest

    def _sync_scroll(self, source: Column, value: int) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            maximum = source.text.verticalScrollBar().maximum() or 1
            for column in [*self.columns, self.gold_column]:
                if column is not source:
                    bar = column.text.verticalScrollBar()
                    bar.setValue(round(value * bar.maximum() / maximum))
        finally:
            self._syncing = False

    # -- actions -----------------------------------------------------------------------

    def auto_accept(self) -> int:
        value = self.threshold.value()
        return self.session.auto_accept(value or None)

    def gold_selection(self) -> tuple[int, int] | None:
        """The code-point span selected in the gold column, or the gold statement under the cursor."""
        if self._article_id is None:
            return None
        cursor = self.gold_column.text.textCursor()
        if cursor.hasSelection():
            start, end = self._offsets.span_to_cp(cursor.selectionStart(), cursor.selectionEnd())
            # gold holds whole tokens only: a selection inside words takes those words
            return gold_ops.gold_span(self.session.store, self._article_id, start, end) if start < end else None
        position = self._offsets.to_cp(cursor.position())
        for start, end in sorted(self.session.gold(self._article_id)):
            if start <= position < end:
                return start, end
        return None

    def edit_gold(self, labels: list[str]) -> bool:
        """Give the gold selection exactly `labels` (empty: remove it); False if nothing is selected."""
        span = self.gold_selection()
        if span is None or self._article_id is None:
            self.statusBar().showMessage("select text in the gold column first", 5000)
            return False
        self.session.set_gold(self._article_id, span[0], span[1], labels)
        return True

    def edit_gold_menu(self) -> None:
        span = self.gold_selection()
        if span is None or self._article_id is None:
            self.statusBar().showMessage("select text in the gold column first (e edits it)", 5000)
            return
        current = set(self.session.gold(self._article_id).get(span, ((), ""))[0])
        menu = QMenu(self)
        for label in self.session.labels:
            if label.retired:
                continue
            action = menu.addAction(f"&{label.key}  {menu_text(label.name)}" if label.key else menu_text(label.name))
            action.setCheckable(True)
            action.setChecked(label.name in current)
            action.triggered.connect(
                lambda on, name=label.name: self.edit_gold(sorted(current | {name} if on else current - {name}))
            )
        menu.addSeparator()
        menu.addAction("Remove from gold").triggered.connect(lambda: self.edit_gold([]))
        edit = self.gold_column.text
        menu.exec(edit.mapToGlobal(edit.cursorRect().bottomRight()))

    def open_dashboard(self):
        from annotator.ui.review.dashboard import AgreementDashboard

        if self._dashboard is None:
            self._dashboard = AgreementDashboard(self.store)
            self._dashboard.openConflict.connect(self.show_conflict)
            self._dashboard.openCategoryConflict.connect(self.open_category_review)
        else:
            self._dashboard.refresh()
        self._dashboard.show()
        self._dashboard.raise_()
        return self._dashboard

    def open_category_review(self, article_id: int | None = None, group: str | None = None):
        """C: the category conflicts (an article and a group where annotators differ), decided into gold."""
        from annotator.ui.review.category_review import CategoryReview

        if self._categories is None:
            self._categories = CategoryReview(self.store, self.session.undo_stack)
            self._categories.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        keep = (article_id, group) if article_id is not None else None
        self._categories.reload(keep=keep)
        self._categories.show()
        self._categories.raise_()
        return self._categories

    def show_conflict(self, article_id: int, start: int, end: int) -> None:
        self.session.go_to(article_id, start, end)
        self.show()
        self.raise_()
        self.activateWindow()

    def showEvent(self, event) -> None:
        fit_to_rows(self.table, kept=2, most=UNITS_SHOWN)  # in the style sheet's font, now it is the table's
        super().showEvent(event)
        QTimer.singleShot(0, self._center)

    def closeEvent(self, event) -> None:
        if self._dashboard is not None:
            self._dashboard.close()
        if self._categories is not None:
            self._categories.close()
        self.closed.emit()
        super().closeEvent(event)


def _gold_text(labels: tuple[str, ...], note: str) -> str:
    """A gold value as the table and summary show it: `agreed: claim`, `claim`, `no label`."""
    if note == gold_ops.AGREED_NOTE:
        return f"agreed: {category(labels)}"
    return category(labels) if labels else "no label"


def _involves(conflict: Conflict, name: str) -> bool:
    return any(name in pair for pair in conflict.pair_kinds)


def _summary(conflict: Conflict, name: str) -> str:
    mine = conflict.values.get(name)
    if mine is None:
        return "has not worked on this article"
    if not mine:
        return "no label here"
    return "; ".join(f"{category(labels)} ({a}–{b})" for (a, b), labels in sorted(mine.items()))
