"""Who is on the team: the first-start dialog (a name, and whether one is a trainee) and
Team ▸ Promote trainee…, the window's side of `annotator annotators --trainee/--promote`.

Both go through `store.guidelines.set_trainee`, as the command does: a trainee's work stays out of
gold, review and team agreement until promoted.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLineEdit,
    QVBoxLayout,
)

from annotator.records import person_name_problem
from annotator.store import StoreError
from annotator.ui.shell.plaintext import plain_label, set_plain, show_message

TRAINEE_TIP = (
    "A trainee's labels stay out of gold, review and the team's agreement until promoted "
    "(Team ▸ Promote trainee…); calibrate against gold first."
)


class FirstStartDialog(QDialog):
    """The name stored with every label, and a box to start as a trainee."""

    def __init__(self, name: str, prompt: str, parent=None):
        super().__init__(parent)
        self.setObjectName("firstStart")
        self.setWindowTitle("Welcome to Annotator")
        self.prompt = plain_label(prompt, word_wrap=True)
        self.name = QLineEdit(name)
        self.name.setObjectName("annotatorName")
        self.name.setMaxLength(100)
        self.trainee = QCheckBox("I am new to this project: mark me a trainee")
        self.trainee.setObjectName("startAsTrainee")
        self.trainee.setToolTip(TRAINEE_TIP)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.prompt)
        column.addWidget(self.name)
        column.addWidget(self.trainee)
        column.addWidget(buttons)

    def ask(self, prompt: str) -> None:
        set_plain(self.prompt, prompt)


def mark_trainee(window, name: str) -> str:
    """Mark `name` a trainee in the window's project; the sentence that says what was written."""
    try:
        changed = window.store.guidelines.set_trainee(name, True)
    except StoreError as exc:
        return f"{name} could not be marked a trainee: {exc}"
    return f"{name} is {'now' if changed else 'already'} a trainee: their work stays out of gold and review"


def promote_trainee(window) -> None:
    """Team ▸ Promote trainee…: choose one of the project's trainees and promote them."""
    try:
        trainees = sorted(window.store.guidelines.trainees())
    except StoreError as exc:
        show_message(window, "Promote trainee", f"The trainees cannot be read: {exc}")
        return
    if not trainees:
        show_message(window, "Promote trainee", "This project has no trainee.")
        return
    name, ok = QInputDialog.getItem(
        window, "Promote trainee", "Promote (their work then counts in gold, review and agreement):", trainees, 0, False
    )
    if not ok or not name:
        return
    try:
        window.store.guidelines.set_trainee(name, False)
    except StoreError as exc:
        show_message(window, "Promote trainee", f"{name} was not promoted: {exc}")
        return
    window.flash(f"{name} is promoted: their work now counts in gold, review and agreement")


def mark_trainee_dialog(window) -> None:
    """Team ▸ Mark trainee…: a person's name (a new one makes their layer)."""
    name, ok = QInputDialog.getText(window, "Mark trainee", "Name of the person to mark a trainee:")
    name = name.strip()
    if not ok or not name:
        return
    why = person_name_problem(name)
    if why:
        show_message(window, "Mark trainee", f"{why}: choose another name.")
        return
    window.flash(mark_trainee(window, name))
