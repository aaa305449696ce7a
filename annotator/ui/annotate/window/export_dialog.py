"""Exporting: format, whose labels, which labels and articles, where; progress and cancel.

The same choices and the same rule as `annotator export` (`annotator.export.rule`); the work
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

from annotator import formats
from annotator.formats.base import ALIGN
from annotator.records import HUMAN_LAYER, MODEL_LAYER
from annotator.schemes.categories import project_categories
from annotator.schemes.labels import project_labels
from annotator.store import Store
from annotator.text import path_shown
from annotator.ui.shell.plaintext import plain_label
from annotator.ui.shell.workers import Task, TaskRunner, export_task

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
        for name, title in formats.export_choices():  # the registry's exports, in its order
            self.fmt.addItem(title, name)
        self.who = QComboBox()
        self.who.addItem("The rule's choice: gold if reviewed, else the only annotator", None)
        for name in store.layers.annotators(HUMAN_LAYER):
            self.who.addItem(name, name)
        for name in store.layers.annotators(MODEL_LAYER):  # a model's output: exported only by name, never for training
            self.who.addItem(f"{name} (a model's output, not an annotator)", name)
        interchange = ", ".join(formats.interchange_names())
        self.who.addItem(f"Every layer as stored ({interchange}; not for training)", EVERY_LAYER)
        self.who.setCurrentIndex(max(0, self.who.findData(annotator)))
        self.gold = QCheckBox("Gold: review decisions over what everyone who finished agrees on")
        self.gold.toggled.connect(self.who.setDisabled)  # the gold layer is nobody's: "Labels of" does not apply
        self.skip_undecided = QCheckBox("Leave out articles whose conflicts are undecided (gold)")
        self.unfinished = QCheckBox(f"Also unfinished articles ({interchange}; not for training)")
        self.labels = QListWidget()
        self.labels.setObjectName("exportLabels")
        names = [label.name for label in project_labels(store)]
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.labels.addItem(item)
        self.labels.setMaximumHeight(min(160, 22 * max(len(names), 1) + 6))
        #: Article categories: every group, or one alone (an exclusive one for spaCy's textcat).
        self.category_group = QComboBox()
        self.category_group.setObjectName("exportCategoryGroup")
        self.category_group.addItem("Every group", None)
        for group in project_categories(store):
            kind = "one of" if group.exclusive else "any of"
            self.category_group.addItem(f"{group.name} alone ({kind} {len(group.categories)})", group.name)
        self.align = QComboBox()
        self.align.setObjectName("exportAlign")
        for text, mode in ALIGNMENTS:
            self.align.addItem(text, mode)
        #: Each other export option of the registry's formats (tag scheme, layers as…): a choice
        #: that is on only while the chosen format takes it.
        self.format_options: dict[str, QComboBox] = {}
        for option in formats.options():
            if option == ALIGN:
                continue
            box = QComboBox()
            box.setObjectName(f"exportOption-{option.name}")
            box.setToolTip(option.help)
            box.addItem(f"{option.default} (default)" if option.default else "the format's default", None)
            for choice in option.choices:
                if choice != option.default:
                    box.addItem(choice, choice)
            self.format_options[option.name] = box
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
        form.addRow("Categories", self.category_group)
        form.addRow("Off tokens", self.align)
        for name, box in self.format_options.items():
            form.addRow(plain_label(name.replace("-", " ").capitalize()), box)
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
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), formats.export_filter(self.fmt.currentData())
        )
        if path:
            self.path.setText(path)

    def _format_changed(self) -> None:
        """The file name follows the format's usual ending (annotations.jsonl -> annotations.spacy);
        only the options the format takes are on."""
        name = self.fmt.currentData()
        fmt = formats.get(name)
        path = Path(self.path.text())
        endings = {suffix for f in formats.all_formats() for suffix in f.export_suffixes}
        if path.suffix.lower() in endings:
            self.path.setText(str(path.with_suffix(formats.export_suffix(name))))
        self.align.setEnabled(ALIGN in fmt.options)
        self.category_group.setEnabled(fmt.holds_categories)
        for option_name, box in self.format_options.items():
            box.setEnabled(any(option.name == option_name for option in fmt.options))
        # unfinished articles only for formats that are not for training (the choice is kept for
        # when such a format is chosen again; "every layer" there is refused by the rule, which says why)
        self.unfinished.setEnabled(name in formats.interchange_names())

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
            "articles": "started" if self.unfinished.isChecked() and self.unfinished.isEnabled() else "done",
            "labels": self.chosen_labels(),
            "skip_undecided": self.skip_undecided.isChecked(),
            "category_groups": [group] if (group := self.category_group.currentData()) is not None else None,
            "align": self.align.currentData() if self.align.isEnabled() else None,
            **{
                box_name.replace("-", "_"): box.currentData()
                for box_name, box in self.format_options.items()
                if box.isEnabled() and box.currentData() is not None
            },
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
            self.state.setText(f"export cancelled: nothing was written, {path_shown(summary.path)} is as it was")
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
