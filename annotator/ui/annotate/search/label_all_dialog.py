"""Label all matches: a preview of what would change, then one undoable step.

The plan (`annotator.search.label_all.plan_label_all`) is made on a worker, from the selected hits or
from every hit of the search, so a search with many thousands of hits keeps the window
responsive; the preview says how many statements (or spans) in how many articles would get
the label and what is skipped and why, with examples. Apply writes the plan in one
transaction and puts it on the window's undo stack as one step (`LabelAllCommand`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
)

from annotator.records import Label
from annotator.search.hits import Hit, Search
from annotator.search.label_all import SPAN, STATEMENT, LabelAllPlan, apply_label_all, plan_label_all
from annotator.search.query import echoed
from annotator.store import Store
from annotator.store.articles import ArticleFilter
from annotator.text import plural
from annotator.ui.annotate.session import Command, Session
from annotator.ui.shell.plaintext import menu_text, plain_label, tooltip
from annotator.ui.shell.workers import Task, TaskRunner

#: Examples of skipped hits shown in the preview.
EXAMPLES = 200
#: Past this many articles, the list is re-read once rather than row by row.
ROW_BY_ROW = 50


@dataclass
class Preview:
    plan: LabelAllPlan
    #: "reason: “words” — title", for the first skipped hits.
    examples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Which hits: `hits` (the selection), or, with `query`, every hit of that search."""

    hits: tuple[Hit, ...] = ()
    query: str | None = None
    articles: ArticleFilter = field(default_factory=ArticleFilter)


def plan_task(scope: Scope, label: str, annotator: str, mode: str):
    """The worker's job: the plan and its examples, reading the project on the task's own connection."""

    def work(store: Store, task: Task) -> Preview | None:
        if scope.query is not None:
            hits: Iterable[Hit] = Search(store, scope.query, annotator=annotator, articles=scope.articles).hits()
        else:
            hits = scope.hits
        plan = plan_label_all(store, _counted(hits, task), label, annotator, mode)
        if task.cancelled():
            return None
        return Preview(plan, _examples(store, plan))

    return work


def _counted(hits: Iterable[Hit], task: Task) -> Iterator[Hit]:
    for n, hit in enumerate(hits, 1):
        if task.cancelled():
            return
        yield hit
        if n % 100 == 0:
            task.progress.emit(100)


def _examples(store: Store, plan: LabelAllPlan) -> list[str]:
    out = []
    texts = store.search.search_texts(sorted({s.article_id for s in plan.skipped[:EXAMPLES]}))
    for s in plan.skipped[:EXAMPLES]:
        title, text = texts.get(s.article_id, ("", ""))
        words = " ".join(text[s.start : s.end].split())
        words = words if len(words) <= 70 else words[:69] + "…"
        out.append(f"{s.reason}: “{words}” — {title or f'article {s.article_id}'}")
    return out


class LabelAllCommand(Command):
    """The applied plan as one step of the window's undo stack; undo and redo are one transaction each."""

    def __init__(self, session: Session, plan: LabelAllPlan):
        super().__init__(session, session.article_id or 0, f"label all matches {plan.label}")
        self.plan = plan
        self.decision = None

    def after(self) -> str:
        plan = self.plan
        what = "statement" if plan.mode == STATEMENT else "span"
        n = len(self.decision.changes) if self.decision is not None else len(plan.changes)
        return f"labeled {plural(n, what)} in {plural(plan.articles, 'article')} “{plan.label}” (label all matches)"

    def apply(self) -> None:
        store = self.session.store
        if self.decision is None:
            self.decision = apply_label_all(store, self.plan)
        else:
            self.decision.redo(store)
        self._refresh()

    def revert(self) -> None:
        self.decision.undo(self.session.store)
        self._refresh()

    # a batch over many articles: undo and redo keep the reader where they are
    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        self.session.run(self.apply, lambda: f"redone: {self.after()}")

    def undo(self) -> None:
        self.session.run(self.revert, lambda: f"undone: {self.after()}")

    def _refresh(self) -> None:
        s = self.session
        ids = self.decision.article_ids if self.decision else []
        if s.article_id in ids:
            s.reload_preannotation()  # re-reads the article's statements, keeps the current one
        if len(ids) > ROW_BY_ROW:
            s.articlesChanged.emit()
        else:
            for article_id in ids:
                s.articleRowChanged.emit(article_id)


class LabelAllDialog(QDialog):
    """The preview: scope (selected hits or all), mode (statements or spans), what would change."""

    def __init__(
        self,
        session: Session,
        runner: TaskRunner,
        label: Label,
        selected: list[Hit],
        search: Search | None,
        query: str,
        total: int | None,
        *,
        all_hits: bool = False,
        articles: ArticleFilter | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.setObjectName("labelAllDialog")
        self.setWindowTitle("Label all matches")
        self.session, self.runner, self.label = session, runner, label
        self.selected = selected
        self.query = query
        self.articles = articles or ArticleFilter()
        self.preview: Preview | None = None
        self._task: Task | None = None
        self._seen = 0

        heading = plain_label(f"Give the label “{label.name}” to:", object_name="labelAllHeading")
        self.selected_button = QRadioButton(f"the {len(selected):,} selected hit" + ("" if len(selected) == 1 else "s"))
        every = f"every hit of “{echoed(query)}”" + (f" ({total:,})" if total is not None else "")
        self.all_button = QRadioButton(menu_text(every))
        self.all_button.setEnabled(search is not None)
        self.selected_button.setEnabled(bool(selected))
        (self.all_button if all_hits or not selected else self.selected_button).setChecked(True)
        scope = QButtonGroup(self)
        for button in (self.selected_button, self.all_button):
            scope.addButton(button)
        self.statement_button = QRadioButton("the statement holding each hit")
        self.span_button = QRadioButton("each match itself, as a span (widened to whole words)")
        self.statement_button.setChecked(True)
        mode = QButtonGroup(self)
        for button in (self.statement_button, self.span_button):
            mode.addButton(button)
        for button in (self.selected_button, self.all_button, self.statement_button, self.span_button):
            button.toggled.connect(lambda on: on and self.replan())

        self.summary = plain_label(word_wrap=True, object_name="labelAllPreview")
        self.summary.setStyleSheet("font-weight: 600; padding: 6px 0;")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.skipped = QListWidget()
        self.skipped.setObjectName("labelAllSkipped")
        self.skipped.setAlternatingRowColors(True)
        self.skipped.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.skipped.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("applyLabelAll")
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        for group in ((self.selected_button, self.all_button), (self.statement_button, self.span_button)):
            row = QHBoxLayout()
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        self.skipped_heading = plain_label("Skipped, and why:")
        layout.addWidget(self.skipped_heading)
        layout.addWidget(self.skipped, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 200)
        self.replan()

    # -- planning --------------------------------------------------------------------------

    def mode(self) -> str:
        return SPAN if self.span_button.isChecked() else STATEMENT

    def scope(self) -> Scope:
        if self.all_button.isChecked():
            return Scope(query=self.query, articles=self.articles)
        return Scope(hits=tuple(self.selected))

    def replan(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self.preview = None
        self.apply_button.setEnabled(False)
        self.summary.setText("working out what would change…")
        self.skipped.clear()
        self._show_skipped(False)
        self.progress.show()
        self._seen = 0
        work = plan_task(self.scope(), self.label.name, self.session.annotator, self.mode())
        task = Task(self.session.store.path, work, "label all matches (preview)", readonly=True)
        # bound methods of the dialog: Qt queues the calls onto the GUI thread
        task.progress.connect(self._progress)
        task.finished.connect(self._planned)
        task.failed.connect(self._failed)
        self._task = self.runner.start(task)

    def _progress(self, n: int) -> None:
        if self.sender() is not self._task:
            return
        self._seen += n
        self.summary.setText(f"working out what would change… {self._seen:,} hits read")

    def _planned(self, preview: Preview | None) -> None:
        if self.sender() is not self._task or preview is None:
            return
        self._task = None
        self.preview = preview
        self.progress.hide()
        lines = preview.plan.describe()
        if not preview.plan.skipped:
            lines.append("nothing is skipped")
        self.summary.setText("\n".join(lines))
        for example in preview.examples:
            item = QListWidgetItem(example)
            item.setToolTip(tooltip(example))
            self.skipped.addItem(item)
        if preview.plan.skipped_count > len(preview.examples):
            self.skipped.addItem(f"… and {preview.plan.skipped_count - len(preview.examples):,} more")
        self._show_skipped(bool(preview.plan.skipped))
        self.apply_button.setEnabled(bool(preview.plan.changes) and not self.session.store.readonly)

    def _show_skipped(self, on: bool) -> None:
        """The list of skipped hits, only when something is skipped (the dialog grows to hold it)."""
        self.skipped_heading.setVisible(on)
        self.skipped.setVisible(on)
        if on and self.height() < 420:
            self.resize(self.width(), 460)

    def _failed(self, message: str) -> None:
        if self.sender() is not self._task:
            return
        self._task = None
        self.progress.hide()
        self.summary.setText(message)

    # -- applying ---------------------------------------------------------------------------

    def apply(self) -> None:
        if self.preview is None or not self.preview.plan.changes:
            return
        if self.session.push(LabelAllCommand(self.session, self.preview.plan)):
            self.accept()

    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.cancel()
        super().done(result)
