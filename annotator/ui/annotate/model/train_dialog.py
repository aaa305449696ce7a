"""Training in the window: Tools ▸ Train… (progress, cancel, the report) and retraining in the background.

Both run `train_in_subprocess` on a worker thread: the training itself is a child process,
so the GUI thread never waits on the interpreter lock (`make bench`, suite `learn`: the
longest stall of another thread while a model trains). The report is what `annotator train`
prints. After every `RETRAIN_EVERY` new decisions in the window the model is retrained
quietly on the annotator's own layer; typing goes on, and the new model's suggestions
replace the old ones when it is ready.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from annotator.ui.shell.plaintext import plain_label
from annotator.ui.shell.workers import Task, TaskRunner

log = logging.getLogger("annotator.ui")
TRAIN_TASK, RETRAIN_TASK = "training", "retraining"


def train_task(**options):
    """Work for a `Task`: `train_in_subprocess` with the task's progress and cancel; the report."""

    def work(store, task: Task):
        from annotator.learn.background import train_in_subprocess

        seen = [0]

        def progress(done: int, total: int) -> None:
            if not seen[0]:
                task.total.emit(total)
            task.progress.emit(done - seen[0])
            seen[0] = done

        return train_in_subprocess(store.path, progress=progress, cancelled=task.cancelled, **options)

    return work


def report_text(report) -> str:
    """The report as the dialog shows it: `annotator train`'s lines, then its warnings."""
    lines = list(report.lines())
    if report.warnings and not report.cancelled:
        lines += ["", *(f"warning: {w}" for w in report.warnings)]
    return "\n".join(lines)


class TrainDialog(QDialog):
    """Choose the layer, train (progress, Cancel), read the report."""

    trained = Signal(object)  # the TrainingReport of a training that kept a model

    def __init__(self, store_path, annotator: str, runner: TaskRunner, parent=None):
        super().__init__(parent)
        self.setObjectName("trainDialog")
        self.setWindowTitle("Train a statement classifier")
        self.store_path, self.annotator, self.runner = store_path, annotator, runner
        self.task: Task | None = None
        self.report = None
        self.layer = QComboBox()
        self.layer.setObjectName("trainLayer")
        self.layer.addItem(f"Your labels ({annotator})", {"annotator": annotator})
        self.layer.addItem("The gold layer (decided conflicts)", {"gold": True})
        form = QFormLayout()
        form.addRow("Learn from", self.layer)
        explain = plain_label(
            "spaCy's textcat_multilabel learns from your finished articles: labeled statements are "
            "examples of their labels, the other sentences of finished articles are negatives. "
            "20% is held out to measure it. Training runs in a separate process: go on labeling in the "
            "window meanwhile (closing this dialog cancels it).",
            word_wrap=True,
        )
        explain.setProperty("role", "hint")
        self.bar = QProgressBar()
        self.bar.setObjectName("trainProgress")
        self.bar.setRange(0, 0)
        self.bar.hide()
        self.state = plain_label(object_name="trainState")
        self.text = QPlainTextEdit()
        self.text.setObjectName("trainReport")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("The report: per label precision, recall and F1 on held-out statements.")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # the report's columns stay columns
        self.text.setMinimumSize(880, 300)
        buttons = QDialogButtonBox()
        self.start_button = QPushButton("Train")
        self.start_button.setObjectName("trainStart")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setObjectName("trainCancel")
        self.cancel_button.setEnabled(False)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addWidget(self.bar)
        layout.addWidget(self.state)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def start(self) -> None:
        if self.task is not None:
            return
        self.report = None
        self.text.clear()
        self.state.setText("starting spaCy in a training process…")
        self.bar.setRange(0, 0)
        self.bar.show()
        self._done = 0
        task = Task(self.store_path, train_task(**self.layer.currentData()), TRAIN_TASK, readonly=True)
        task.total.connect(self._total)
        task.progress.connect(self._progress)
        task.finished.connect(self._finished)
        task.failed.connect(self._failed)
        self.task = self.runner.start(task)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.layer.setEnabled(False)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.state.setText("cancelling…")
            self.cancel_button.setEnabled(False)

    def _total(self, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.state.setText("training…")

    def _progress(self, step: int) -> None:
        self._done += step
        self.bar.setValue(self._done)
        self.state.setText(f"training… {self._done}/{self.bar.maximum()} batches")

    def _ended(self) -> None:
        self.task = None
        self.bar.hide()
        self.start_button.setEnabled(True)
        self.start_button.setText("Train again")
        self.cancel_button.setEnabled(False)
        self.layer.setEnabled(True)

    def _finished(self, report) -> None:
        self._ended()
        self.report = report
        self.text.setPlainText(report_text(report))
        if report.cancelled:
            self.state.setText("cancelled: nothing was kept")
            return
        macro = f"{report.macro_f1:.2f}" if report.macro_f1 is not None else "n/a"
        self.state.setText(f"done in {report.seconds:.1f} s · macro F1 {macro} · its suggestions are on")
        if report.model is not None:
            self.trained.emit(report)

    def _failed(self, message: str) -> None:
        self._ended()
        self.state.setText("not trained")
        self.text.setPlainText(message.removeprefix(f"{TRAIN_TASK} failed: "))

    def reject(self) -> None:
        """Close: a training under way is cancelled (nothing kept), never left running unseen."""
        if self.task is not None:
            self.task.cancel()
        super().reject()


class BackgroundTraining(QObject):
    """Retrains on the annotator's layer after every `every` new decisions, one training at a time,
    when there is something new to learn from: the model learns from finished articles, so only
    once the annotator has finished another article since the last training."""

    started = Signal()
    trained = Signal(object)  # the TrainingReport
    message = Signal(str)

    def __init__(self, store_path, annotator, finished, runner: TaskRunner, every: int, parent: QObject | None = None):
        """`annotator()`: the name (it may change while the window is open); `finished()`: how many
        articles the annotator has finished."""
        super().__init__(parent)
        self.store_path, self.runner, self.every = store_path, runner, every
        self.annotator, self.finished = annotator, finished
        self.decisions = 0
        self.task: Task | None = None
        self._finished_at: int | None = None  # finished articles when the last training started

    def count(self) -> None:
        """One more decision; retrain when there have been `every` since the last training."""
        self.decisions += 1
        if self.every > 0 and self.decisions >= self.every and self.task is None:
            finished = self.finished()
            if finished and finished != self._finished_at:  # else: nothing new to learn from yet
                self.start()

    def start(self) -> None:
        if self.runner.busy(TRAIN_TASK):  # Tools ▸ Train is running: it makes the new model
            return
        self.decisions = 0
        self._finished_at = self.finished()
        task = Task(self.store_path, train_task(annotator=self.annotator()), RETRAIN_TASK, readonly=True)
        task.finished.connect(self._finished)
        task.failed.connect(self._failed)
        self.task = self.runner.start(task)
        self.message.emit("retraining the model in the background…")
        self.started.emit()

    def _finished(self, report) -> None:
        self.task = None
        if report.cancelled or report.model is None:
            return
        macro = f"{report.macro_f1:.2f}" if report.macro_f1 is not None else "n/a"
        examples = report.train_examples + report.held_out_examples
        self.message.emit(f"model retrained on {examples} statements · macro F1 {macro}")
        self.trained.emit(report)

    def _failed(self, message: str) -> None:
        self.task = None
        log.info("background retraining: %s", message)
        self.message.emit(message.replace(f"{RETRAIN_TASK} failed: ", "not retrained: ", 1))
