"""Exporting: format (read from `exporting.FORMATS`), whose labels, where; progress and cancel."""

from __future__ import annotations

import inspect
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator import exporting
from annotator.store import Store
from annotator.ui.workers import Task, TaskRunner, export_task


def _accepts(name: str) -> bool:
    return name in inspect.signature(exporting.export).parameters


class ExportDialog(QDialog):
    def __init__(self, store: Store, annotator: str, runner: TaskRunner, parent=None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.store, self.runner = store, runner
        self.task: Task | None = None
        self.fmt = QComboBox()
        self.fmt.setObjectName("exportFormat")
        for name in exporting.FORMATS:
            self.fmt.addItem(name, name)
        self.who = QComboBox()
        self.who.addItem("Everyone", None)
        for name in store.annotators():
            self.who.addItem(name, name)
        self.who.setCurrentIndex(max(0, self.who.findData(annotator)))
        self.gold = QCheckBox("Reviewed (gold) labels only")
        self.gold.setVisible(_accepts("gold"))
        self.done_only = QCheckBox("Only articles marked done")
        self.done_only.setVisible(_accepts("status"))
        self.path = QLineEdit(str(Path.home() / "annotations.jsonl"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        holder = QWidget()
        holder.setLayout(where)
        form = QFormLayout()
        form.addRow("Format", self.fmt)
        form.addRow("Labels of", self.who)
        form.addRow("", self.gold)
        form.addRow("", self.done_only)
        form.addRow("Save to", holder)
        self.bar = QProgressBar()
        self.bar.hide()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.state)
        layout.addWidget(self.buttons)
        self.resize(560, 260)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def options(self) -> dict:
        options = {"annotator": self.who.currentData()}
        if self.gold.isChecked():
            options["gold"] = True
        if self.done_only.isChecked():
            options["status"] = "done"
        return options

    def start(self) -> None:
        self.go.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        self.written = 0
        self.state.setText("exporting…")
        self.task = Task(
            self.store.path, export_task(Path(self.path.text()), self.fmt.currentData(), self.options()), "export"
        )
        self.task.total.connect(self._total)
        self.task.progress.connect(self._progress)
        self.task.finished.connect(self._finished)
        self.task.failed.connect(self._failed)
        self.runner.start(self.task)

    def _total(self, n: int) -> None:
        self.bar.setRange(0, max(n, 1))

    def _progress(self, n: int) -> None:
        self.written += n
        if self.bar.maximum():
            self.bar.setValue(min(self.written, self.bar.maximum()))
        self.state.setText(f"{self.written:,} records written…")

    def _finished(self, summary) -> None:
        self.task = None
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        labels = ", ".join(f"{k} {v}" for k, v in sorted(summary.labels.items())) or "none"
        text = (
            f"exported {summary.records} records, {summary.spans} spans, {summary.entities} entities "
            f"to {summary.path}; labels: {labels}"
        )
        for warning in getattr(summary, "warnings", []):
            text += f"\nwarning: {warning}"
        self.state.setText(text)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.accept)

    def _failed(self, message: str) -> None:
        self.task = None
        self.state.setText(message)
        self.go.setEnabled(True)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.state.setText("cancelling…")
        else:
            self.reject()
