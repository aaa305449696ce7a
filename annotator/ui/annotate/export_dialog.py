"""Exporting: format, whose labels, which labels and articles, where; progress and cancel.

The same choices and the same rule as `annotator export` (`annotator.export_rule`); the work
runs on a worker thread (`export_task`) and ends with the export's account.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
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
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator import exporting
from annotator.records import GOLD
from annotator.scheme import project_labels
from annotator.store import Store
from annotator.ui.shell.workers import Task, TaskRunner, export_task

#: How each format is named in the list.
TITLES = {
    "jsonl": "Prodigy JSONL: one task per article and annotator",
    "doccano": "doccano JSONL: text and [start, end, label]",
    "spacy": "spaCy DocBin (.spacy) for spacy train",
    "textcat": "Text classification JSONL: one record per statement and negative sentence",
    "csv": "CSV for spreadsheets: one row per label, speaker and target columns",
    "brat": "brat standoff: a folder of .txt and .ann (links as R lines)",
}
#: The "Labels of" entry for every layer as stored (`--all-layers`).
EVERY_LAYER = "\x00every layer"
#: How many per-span warnings the account shows here (the command's --json lists them all).
SHOWN_WARNINGS = 20
#: What the user sees for each `--align` choice (DocBin only: the other formats keep character offsets).
ALIGNMENTS = (
    ("Report spans off token boundaries and leave them out", None),
    ("Snap them inward onto whole tokens", "contract"),
    ("Snap them outward onto whole tokens", "expand"),
)


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
            self.fmt.addItem(TITLES.get(name, name), name)
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self.who = QComboBox()
        self.who.addItem("The rule's choice: gold if reviewed, else the only annotator", None)
        for name in store.annotators():
            if name != GOLD:
                self.who.addItem(name, name)
        self.who.addItem("Every layer as stored (JSONL, doccano, CSV; not for training)", EVERY_LAYER)
        self.who.setCurrentIndex(max(0, self.who.findData(annotator)))
        self.gold = QCheckBox("Gold: review decisions over what everyone who finished agrees on")
        self.gold.toggled.connect(self.who.setDisabled)  # the gold layer is nobody's: "Labels of" does not apply
        self.skip_undecided = QCheckBox("Leave out articles whose conflicts are undecided (gold)")
        self.unfinished = QCheckBox("Also unfinished articles (JSONL, doccano, CSV; not for training)")
        self.labels = QListWidget()
        self.labels.setObjectName("exportLabels")
        names = [label.name for label in project_labels(store)]
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.labels.addItem(item)
        self.labels.setMaximumHeight(min(160, 22 * max(len(names), 1) + 6))
        self.align = QComboBox()
        self.align.setObjectName("exportAlign")
        for text, mode in ALIGNMENTS:
            self.align.addItem(text, mode)
        self.align.setEnabled(False)  # until the DocBin format is chosen
        self.path = QLineEdit(str(Path.home() / "annotations.jsonl"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.setContentsMargins(0, 0, 0, 0)
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        holder = QWidget()
        holder.setLayout(where)
        form = QFormLayout()
        form.addRow("Format", self.fmt)
        form.addRow("Labels of", self.who)
        form.addRow("", self.gold)
        form.addRow("", self.skip_undecided)
        form.addRow("Labels", self.labels)
        form.addRow("", self.unfinished)
        form.addRow("Off tokens", self.align)
        form.addRow("Save to", holder)
        self.bar = QProgressBar()
        self.bar.hide()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)  # paths and label names are not markup
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.state)
        layout.addWidget(self.buttons)
        self.resize(600, 420)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def _format_changed(self) -> None:
        """The file name follows the format's usual ending (annotations.jsonl -> annotations.spacy)."""
        path = Path(self.path.text())
        if path.suffix in set(exporting.SUFFIXES.values()):
            self.path.setText(str(path.with_suffix(exporting.SUFFIXES[self.fmt.currentData()])))
        self.align.setEnabled(self.fmt.currentData() == "spacy")

    def chosen_labels(self) -> list[str] | None:
        """The ticked labels, or None when all are ticked (no filter)."""
        items = [self.labels.item(i) for i in range(self.labels.count())]
        ticked = [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]
        return None if len(ticked) == len(items) else ticked

    def options(self) -> dict:
        """The export rule's choices (`choose_rule`'s keywords) and `align`."""
        gold = self.gold.isChecked()
        who = None if gold else self.who.currentData()  # gold is nobody's layer
        return {
            "annotator": who if who != EVERY_LAYER else None,
            "gold": gold,
            "all_layers": who == EVERY_LAYER,
            "articles": "started" if self.unfinished.isChecked() else "done",
            "labels": self.chosen_labels(),
            "skip_undecided": self.skip_undecided.isChecked(),
            "align": self.align.currentData() if self.fmt.currentData() == "spacy" else None,
        }

    def start(self) -> None:
        if self.chosen_labels() == []:
            self.state.setText("tick at least one label to export")
            return
        self.go.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        self.written = 0
        self.state.setText("exporting…")
        self.task = Task(
            self.store.path,
            export_task(Path(self.path.text()), self.fmt.currentData(), self.options()),
            "export",
            readonly=True,
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
        if summary.cancelled:
            self.state.setText(f"export cancelled: nothing was written, {summary.path} is as it was")
            self.bar.hide()
            self.go.setEnabled(True)
            return
        lines = summary.lines() + [f"warning: {w}" for w in summary.warnings[:SHOWN_WARNINGS]]
        if len(summary.warnings) > SHOWN_WARNINGS:
            lines.append(f"… and {len(summary.warnings) - SHOWN_WARNINGS} more warnings")
        self.state.setText("\n".join(lines))
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    def _failed(self, message: str) -> None:
        self.task = None
        self.bar.hide()
        self.state.setText(message)
        self.go.setEnabled(True)

    def reject(self) -> None:
        """Cancel, Escape or closing the dialog: stop a running export first (the dialog stays until it has)."""
        if self.task is not None:
            self.task.cancel()
            self.state.setText("cancelling…")
        else:
            super().reject()
