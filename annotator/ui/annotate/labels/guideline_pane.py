"""The guideline pane: the section of the current statement's label, beside the work.

One key (G) shows or hides it, under the article list; it never writes. While shown it follows the
current statement: the section of each of its labels from the project's current guidelines
(`annotator guidelines`), or the whole guidelines for a statement without a label. The Markdown is
shown formatted (headings, emphasis, lists), raw HTML in it as typed (`plaintext.set_markdown`).
Under it, each label's examples from the project's gold and its near-misses decided in review
(`annotator guidelines --examples LABEL`), read on a worker thread since they take the whole
project's agreement; "Edit…" opens the guidelines editor.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QSplitter, QToolButton, QVBoxLayout, QWidget

from annotator.guidelines.document import section
from annotator.store import StoreError
from annotator.ui.shell.plaintext import markdown_view, plain_label, set_markdown, set_plain
from annotator.ui.shell.workers import Task

EXAMPLES_TASK = "guideline examples"
LOADING = "Reading the examples from gold…"


def pane_text(examples: str) -> str:
    """`guidelines --examples` text with a blank line between examples: long quotes stay apart in a
    narrow pane."""
    return "\n\n".join(line.strip() for line in examples.split("\n"))


def examples_task(labels: tuple[str, ...]):
    """Work for a `Task`: (labels, the `--examples` text of each label) on the task's own store."""

    def work(store, _task) -> tuple[tuple[str, ...], str]:
        from annotator.guidelines.examples import examples_text, label_examples

        texts = []
        for label in labels:
            examples, near = label_examples(store, label)
            texts.append(pane_text(examples_text(label, examples, near)))
        return labels, "\n\n".join(texts) + "\n"

    return work


NO_GUIDELINES = "This project has no guidelines yet.\n\nLoad them with:\n\n    annotator guidelines --load FILE.md\n"


def widths_with_pane(widths: list[int]) -> list[int]:
    """The window's column widths (list and pane, article, labels) once the pane opens under the list:
    that column between a quarter and 30% of the width, the difference given to or taken from the
    article, which keeps at least 55% — on a 1366-pixel laptop the text keeps the room it had."""
    left, article, right = widths
    total = sum(widths)
    wanted = min(max(left, total // 4), total * 3 // 10)
    grow = min(wanted - left, max(0, article - total * 55 // 100))
    return [left + grow, article - grow, right]


#: Rows of the article list kept in view while the pane is open under it (it has up to 3/5 of the column).
LIST_ROWS_WITH_PANE = 7


def list_height_with_pane(height: int, chrome: int, row: int) -> int:
    """The article list's height once the pane opens under it, in a column `height` high: its filters
    and count (`chrome`) and `LIST_ROWS_WITH_PANE` rows `row` high, at least two fifths of the
    column and at most three fifths (the pane keeps the rest)."""
    wanted = chrome + LIST_ROWS_WITH_PANE * row + 2
    return min(max(wanted, height * 2 // 5), height * 3 // 5)


class Shown(NamedTuple):
    """What the pane shows: its heading, and its text, Markdown from the guidelines or a plain message."""

    heading: str
    text: str
    markdown: bool = True


class GuidelinePane(QWidget):
    """A pane under the article list, shown and hidden by `toggle` (the G key); `editRequested` asks
    the window for the guidelines editor."""

    editRequested = Signal()
    #: True when `toggle` showed the pane, False when it hid it (the window lays its columns out again).
    toggled = Signal(bool)

    def __init__(self, session, runner=None, parent=None):
        super().__init__(parent)
        self.setObjectName("guidelinePane")
        self.session = session
        self.runner = runner
        #: The labels whose examples are shown (or being read), and what was read for them.
        self._examples_for: tuple[str, ...] | None = None
        self._examples_cache: dict[tuple[str, ...], str] = {}
        #: The text shown now (Markdown or a message), so a refresh that changes nothing keeps the scroll.
        self._shown: Shown | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 0, 8)
        self.heading = plain_label(object_name="guidelineHeading", word_wrap=True)
        self.edit_button = QToolButton()
        self.edit_button.setObjectName("editGuidelines")
        self.edit_button.setText("Edit…")
        self.edit_button.setToolTip("Open the guidelines editor (saving makes a new version)")
        self.edit_button.clicked.connect(self.editRequested)
        self.hide_button = QToolButton()
        self.hide_button.setObjectName("hideGuidelines")
        self.hide_button.setText("✕")
        self.hide_button.setToolTip("Hide the guidelines (G)")
        self.hide_button.clicked.connect(self.toggle)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        self.text = markdown_view(object_name="guidelineText")
        self.examples_heading = plain_label(
            "Examples from gold, and near-misses decided in review",
            object_name="guidelineExamplesHeading",
            word_wrap=True,  # the pane's width is the list's: a long heading must not widen it
        )
        self.examples_heading.setStyleSheet("font-weight: 600;")
        self.examples = QPlainTextEdit()
        self.examples.setObjectName("guidelineExamples")
        self.examples.setReadOnly(True)
        self.examples.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        lower = QWidget()
        lc = QVBoxLayout(lower)
        lc.setContentsMargins(0, 4, 0, 0)
        lc.addWidget(self.examples_heading)
        lc.addWidget(self.examples, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.text)
        split.addWidget(lower)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)  # the section first: the examples scroll
        split.setStretchFactor(1, 2)
        column.addLayout(top)
        column.addWidget(split, 1)
        self.hide()
        for signal in (session.currentChanged, session.statementsChanged, session.articleChanged):
            signal.connect(self.refresh)

    def toggle(self) -> None:
        """Show the pane (with the current statement's section) or hide it."""
        showing = self.isHidden()
        if showing:
            self._examples_cache.clear()  # gold may have moved while the pane was hidden
            self._examples_for = None
        self.setVisible(showing)
        self.toggled.emit(showing)

    def showEvent(self, event) -> None:
        """Every showing reads the pane's text: a toggle, or the window it sits in shown at last."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if not self.isVisible():
            return
        shown = self.contents()
        set_plain(self.heading, shown.heading)
        if shown != self._shown:
            self._shown = shown
            if shown.markdown:
                set_markdown(self.text, shown.text)
            else:
                self.text.setPlainText(shown.text)
        self._load_examples()

    def current_labels(self) -> tuple[str, ...]:
        return tuple(self.session.state().labels) if self.session.current is not None else ()

    def _load_examples(self) -> None:
        labels = self.current_labels()
        if labels == self._examples_for:
            return
        self._examples_for = labels
        if not labels:
            self.examples.setPlainText("The statement has no label: label it to see that label's examples.")
            return
        if labels in self._examples_cache:
            self.examples.setPlainText(self._examples_cache[labels])
            return
        self.examples.setPlainText(LOADING)
        if self.runner is None:
            return
        task = Task(self.session.store.path, examples_task(labels), EXAMPLES_TASK, readonly=True)
        task.finished.connect(self._examples_read)
        task.failed.connect(self._examples_failed)
        self.runner.start(task)

    def _examples_read(self, result) -> None:
        labels, text = result
        self._examples_cache[labels] = text
        if labels == self._examples_for:  # the statement may have moved on meanwhile
            self.examples.setPlainText(text)

    def _examples_failed(self, message: str) -> None:
        self.examples.setPlainText(message)
        self._examples_for = None

    def contents(self) -> Shown:
        """What the pane shows for the current statement."""
        try:
            guide = self.session.store.guidelines.current()
        except StoreError as exc:
            return Shown("Guidelines", f"The guidelines cannot be read: {exc}", markdown=False)
        if guide is None:
            return Shown("Guidelines", NO_GUIDELINES)
        labels = self.session.state().labels if self.session.current is not None else ()
        version = f"version {guide.version} ({guide.author}, {guide.created_at[:10]})"
        if not labels:
            return Shown(f"The whole document, {version}: the statement has no label", guide.text)
        parts = []
        for label in labels:
            found = section(guide.text, label)
            parts.append(found.rstrip("\n") if found else f"No section headed “{label}” in version {guide.version}.")
        return Shown(f"{', '.join(labels)}: {version}", "\n\n".join(parts) + "\n")
