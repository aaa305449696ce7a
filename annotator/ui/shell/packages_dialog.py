"""File ▸ Make work packages…: the choices of `annotator packages`, a preview of how many
articles each annotator would get, then the packages written on a worker thread.

The preview and the writing both run off the GUI thread (`Task`): the split of a large project
reads every article id. Nothing is written until Make packages is pressed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.store import Store
from annotator.text import path_shown
from annotator.ui.shell.plaintext import plain_label
from annotator.ui.shell.workers import Task, TaskRunner

#: "Stratify by" when no metadata field is chosen.
NO_FIELD = "(no field: one pool)"


def preview_task(choices: dict[str, Any]):
    """How many articles each annotator would get (nothing written), or why none can."""

    def work(store: Store, _task: Task):
        from annotator.packages.assign import AssignmentError
        from annotator.packages.make import plan

        try:
            round_, split = plan(store, **choices)
        except AssignmentError as exc:
            return [f"no packages: {exc}"]
        shares = split.shares()
        chosen = len(split.annotators_of())
        lines = [f"Preview, round {round_}: {chosen:,} articles, each to {split.overlap} annotators"]
        if choices.get("by"):
            values = store.packages.meta_values(choices["by"])
            held = {}
            for article in split.annotators_of():
                value = str(values.get(article, "(none)"))
                held[value] = held.get(value, 0) + 1
            shown = ", ".join(f"{value} {n:,}" for value, n in sorted(held.items(), key=lambda kv: -kv[1])[:6])
            lines.append(f"shared out by {choices['by']}: {shown}")
        lines += [f"  {name}: {n:,} articles" for name, n in shares.items()]
        if split.unplaced:
            lines.append(f"left out: {len(split.unplaced):,} articles too few annotators have not seen")
        return lines

    return work


def make_task(choices: dict[str, Any], out: Path):
    """`make_packages` with the dialog's choices; returns the lines to show."""

    def work(store: Store, _task: Task):
        from annotator.packages.assign import AssignmentError
        from annotator.packages.make import make_packages
        from annotator.store import StoreError

        try:
            report = make_packages(store, choices.pop("annotators"), choices.pop("overlap"), out, **choices)
        except (AssignmentError, StoreError) as exc:
            return [f"no package was written: {exc}"]
        return [*report.lines(), f"back: File ▸ Import files… and choose the packages in {path_shown(out)}"]

    return work


class PackagesDialog(QDialog):
    def __init__(self, store: Store, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("packagesDialog")
        self.setWindowTitle("Make work packages")
        self.store, self.runner = store, runner
        self.task: Task | None = None
        self._making = False
        self.names = QLineEdit()
        self.names.setObjectName("packagesAnnotators")
        self.names.setPlaceholderText("anna, ben, carol")
        self.overlap = QSpinBox()
        self.overlap.setRange(1, 50)
        self.overlap.setValue(2)
        self.overlap.setSuffix(" annotators")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.size = QSpinBox()
        self.size.setRange(0, 10_000_000)
        self.size.setSpecialValueText("every article not yet sent")
        self.by = QComboBox()
        self.by.addItem(NO_FIELD, None)
        for field in store.meta.meta_fields():
            self.by.addItem(f"{field.name} ({field.distinct} values)", field.name)
        self.out = QLineEdit(str(store.path.parent / "packages"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Annotators", self.names)
        form.addRow("Each article to", self.overlap)
        form.addRow("Seed", self.seed)
        form.addRow("Articles per package", self.size)
        form.addRow("Share out each value of", self.by)
        form.addRow("Folder", where)
        self.state = plain_label("Name the annotators, then Preview.", word_wrap=True, object_name="packagesPreview")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.preview_button = self.buttons.addButton("Preview", QDialogButtonBox.ButtonRole.ActionRole)
        self.go = self.buttons.addButton("Make packages", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setEnabled(False)
        self.preview_button.clicked.connect(self.preview)
        self.go.clicked.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        for changed in (self.names.textChanged, self.overlap.valueChanged, self.size.valueChanged):
            changed.connect(lambda *_: self.go.setEnabled(False))  # a changed choice needs a new preview
        self.seed.valueChanged.connect(lambda *_: self.go.setEnabled(False))
        self.by.currentIndexChanged.connect(lambda *_: self.go.setEnabled(False))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addWidget(self.buttons)

    def choices(self) -> dict[str, Any]:
        return {
            "annotators": [n.strip() for n in self.names.text().split(",") if n.strip()],
            "overlap": self.overlap.value(),
            "seed": self.seed.value(),
            "size": self.size.value() or None,
            "by": self.by.currentData(),
        }

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the packages", self.out.text())
        if folder:
            self.out.setText(folder)

    def preview(self) -> None:
        self._run(preview_task(self.choices()), "preview", readonly=True, saying="working out the split…")

    def make(self) -> None:
        self._run(make_task(self.choices(), Path(self.out.text())), "make packages", saying="writing packages…")

    def _run(self, work, name: str, *, saying: str, readonly: bool = False) -> None:
        if self.task is not None:
            return
        self.go.setEnabled(False)
        self.state.setText(saying)
        self.task = Task(self.store.path, work, name, readonly=readonly)
        self._making = name == "make packages"
        self.task.finished.connect(self._finished)  # a bound method: runs on the GUI thread (a lambda would not)
        self.task.failed.connect(self._failed)
        self.runner.start(self.task)

    def _finished(self, lines: list[str]) -> None:
        self.task = None
        made = self._making
        self.state.setText("\n".join(lines))
        failed = lines[0].startswith("no ")
        if made and not failed:
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        else:
            self.go.setEnabled(not made and not failed)

    def _failed(self, message: str) -> None:
        self.task = None
        self.state.setText(message)
