"""A note pasted into the window keeps its text, never its terminal escapes: an ESC or BEL stored
in a note went raw into the CSV export (and set the title of the terminal that showed it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.ui.conftest import stored


def test_a_pasted_escape_is_not_stored_in_the_note(qtbot, window, db_path: Path):
    window.labels.edit_note()
    QGuiApplication.clipboard().setText("n\u001b]0;x\u0007ote \u202eevil")
    qtbot.keyClick(window.labels.note, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "\x1b" in window.labels.note.text()  # the field takes it as pasted
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Return)
    assert [note for *_, note in stored(db_path)] == ["n]0;xote evil"]
    assert window.labels.note.text() == "n]0;xote evil"  # the field shows what was kept
    assert window.labels.note_state.text() == "saved"


def test_a_note_set_through_the_session_is_cleaned_too(window, db_path: Path):
    assert window.session.set_note("tab\tkept, bell\u0007 not")
    assert [note for *_, note in stored(db_path)] == ["tab\tkept, bell not"]
