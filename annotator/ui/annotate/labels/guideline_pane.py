"""The guideline pane: the section of the current statement's label, beside the work.

One key (G) shows or hides it; it never writes. While shown it follows the current statement: the
section of each of its labels from the project's current guidelines (`annotator guidelines`), or
the whole guidelines for a statement without a label. Markdown is shown as the text it is, never
rendered as HTML. Under it, each label's examples from the project's gold and its near-misses
decided in review (`annotator guidelines --examples LABEL`), read on a worker thread since they
take the whole project's agreement; "Edit…" opens the guidelines editor.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QPlainTextEdit, QSplitter, QToolButton, QVBoxLayout, QWidget

from annotator.guidelines.document import section
from annotator.store import StoreError
from annotator.ui.shell.plaintext import plain_label, set_plain
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


NO_GUIDELINES = "This project has no guidelines yet.\n\nLoad them with:\n  annotator guidelines --load FILE.md"


class GuidelinePane(QDockWidget):
    """A dock beside the label bar, shown and hidden by `toggle` (the G key); `editRequested` asks
    the window for the guidelines editor."""

    editRequested = Signal()

    def __init__(self, session, runner=None, parent=None):
        super().__init__("Guidelines", parent)
        self.setObjectName("guidelinePane")
        self.session = session
        self.runner = runner
        #: The labels whose examples are shown (or being read), and what was read for them.
        self._examples_for: tuple[str, ...] | None = None
        self._examples_cache: dict[tuple[str, ...], str] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(6, 4, 6, 4)
        self.heading = plain_label(object_name="guidelineHeading", word_wrap=True)
        self.edit_button = QToolButton()
        self.edit_button.setObjectName("editGuidelines")
        self.edit_button.setText("Edit…")
        self.edit_button.setToolTip("Open the guidelines editor (saving makes a new version)")
        self.edit_button.clicked.connect(self.editRequested)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QPlainTextEdit()
        self.text.setObjectName("guidelineText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.examples_heading = plain_label(
            "Examples from gold, and near-misses decided in review", object_name="guidelineExamplesHeading"
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
        split.setSizes([320, 420])
        column.addLayout(top)
        column.addWidget(split, 1)
        self.setWidget(body)
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea)
        self.hide()
        for signal in (session.currentChanged, session.statementsChanged, session.articleChanged):
            signal.connect(self.refresh)
        self.visibilityChanged.connect(lambda shown: shown and self.refresh())

    def toggle(self) -> None:
        """Show the pane (with the current statement's section) or hide it."""
        self.setVisible(not self.isVisible())
        if self.isVisible():
            self._examples_cache.clear()  # gold may have moved while the pane was hidden
            self._examples_for = None
            self.refresh()

    def refresh(self) -> None:
        if not self.isVisible():
            return
        heading, text = self.contents()
        set_plain(self.heading, heading)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
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

    def contents(self) -> tuple[str, str]:
        """(heading, text) the pane shows for the current statement."""
        try:
            guide = self.session.store.guidelines.current()
        except StoreError as exc:
            return "Guidelines", f"The guidelines cannot be read: {exc}"
        if guide is None:
            return "Guidelines", NO_GUIDELINES
        labels = self.session.state().labels if self.session.current is not None else ()
        version = f"version {guide.version} ({guide.author}, {guide.created_at[:10]})"
        if not labels:
            return f"The whole document, {version}: the statement has no label", guide.text
        parts = []
        for label in labels:
            found = section(guide.text, label)
            parts.append(found.rstrip("\n") if found else f"No section headed “{label}” in version {guide.version}.")
        return f"{', '.join(labels)}: {version}", "\n\n".join(parts) + "\n"
