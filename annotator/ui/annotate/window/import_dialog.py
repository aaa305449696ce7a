"""Importing files with a progress bar, a cancel button and every rejection listed as FILE:LINE."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QProgressBar, QVBoxLayout

from annotator.ui.shell.plaintext import plain_label
from annotator.ui.shell.workers import Task, TaskRunner, import_task


class ImportDialog(QDialog):
    def __init__(self, store_path: Path, paths: list[Path], annotator: str, runner: TaskRunner, parent=None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import")
        self.records = 0
        self.state = plain_label(f"importing {len(paths)} file(s)…", word_wrap=True)  # names files and labels
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.errors = QListWidget()
        self.errors.setObjectName("importErrors")
        self.errors.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.state, self.bar, self.errors, self.buttons):
            layout.addWidget(widget)
        self.resize(640, 200)
        self.task = Task(store_path, import_task(paths, annotator), "import")
        self.task.progress.connect(self._progress)
        self.task.item.connect(self._rejected)
        self.task.finished.connect(self._finished)
        self.task.failed.connect(self._failed)
        self.report = None
        runner.start(self.task)

    def _progress(self, n: int) -> None:
        self.records += n
        self.state.setText(f"{self.records:,} records imported…")

    def _rejected(self, text: str) -> None:
        self.errors.show()
        self.errors.addItem(text)
        self.resize(self.width(), 420)

    def reject(self) -> None:
        """Cancel, Escape or closing the dialog: stop a running import first (the dialog stays until it has)."""
        if self.report is None:
            self.task.cancel()
            self.state.setText("cancelling — what is imported so far is kept…")
        else:
            self.accept()

    def _done(self, text: str, whole: bool = True) -> None:
        """The end: a full bar for an import that read everything; cancelled or failed, no bar (a
        full one would say it all came in), only the text that says how far it came."""
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.bar.setVisible(whole)
        self.state.setText(text)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.accept)

    def _finished(self, report) -> None:
        self.report = report
        text = f"{'cancelled: ' if report.cancelled else ''}{report.counts.describe()}"
        if report.rejections:
            text += f"; {report.rejections_line()} (listed below)"
        for note in report.notes:  # new article categories, shards' pre-annotation
            text += "\n" + note
        self._done(text, whole=not report.cancelled)

    def _failed(self, message: str) -> None:
        self.report = message
        self._done(message, whole=False)
