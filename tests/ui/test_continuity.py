"""Continuity: the window reopens exactly where the annotator was, after a clean quit and after
kill -9; a note is saved at a pause, on leaving the field and on leaving the article, and the
field never says "saved" before the project file has it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.store import Store
from annotator.ui.annotate.window.main_window import MainWindow
from tests.ui.conftest import OTHER, TEXT, make_project, stored

ROOT = Path(__file__).resolve().parents[2]


def open_window(qtbot, project: Path, tmp_path: Path) -> MainWindow:
    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    window = MainWindow(Store.open(project), "tester", qsettings)
    qtbot.addWidget(window)
    window.start(preannotate=False)
    window.show()
    with qtbot.waitActive(window):  # keys reach the window's shortcuts only once it is the active one
        window.activateWindow()
    window.view.setFocus()
    return window


def quit_window(window: MainWindow) -> None:
    window.close()
    window.store.close()


def run_child(project: Path, scenario: str, lines: int) -> list[str]:
    """Start the child, read `lines` lines, kill it with SIGKILL (as a crash would), return what it said."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.continuity_child", str(project), scenario],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    said = []
    try:
        for _ in range(lines):
            said.append(child.stdout.readline().strip())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return said


@pytest.fixture
def two_articles(db_path) -> Path:
    make_project(db_path, [TEXT, OTHER])
    return db_path


def test_after_a_clean_quit_the_window_reopens_at_the_same_statement(qtbot, two_articles, tmp_path):
    window = open_window(qtbot, two_articles, tmp_path)
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    place = (window.session.article_id, window.session.current)
    assert place[0] == 2 and place[1] != window.session.candidates()[0]
    quit_window(window)

    again = open_window(qtbot, two_articles, tmp_path)
    assert (again.session.article_id, again.session.current) == place
    quit_window(again)


def test_after_kill_9_the_window_reopens_exactly_where_the_annotator_was(qtbot, two_articles, tmp_path):
    (said,) = run_child(two_articles, "place", 1)
    assert said.startswith("placed "), said
    article, start, end = map(int, said.split()[1:])
    window = open_window(qtbot, two_articles, tmp_path)
    assert (window.session.article_id, window.session.current) == (article, (start, end))
    assert window.session.article.text[start:end] == "And a third line."
    quit_window(window)


def test_a_note_typed_just_before_kill_9_is_saved_and_never_claimed_saved_too_soon(two_articles):
    typed, saved = run_child(two_articles, "note", 2)
    assert typed == "typed 'not saved yet…' ''"  # the field says so, and the file has nothing yet
    assert saved == "saved 'saved'"
    assert [note for *_, note in stored(two_articles)] == ["check the source"]


def test_leaving_the_note_field_saves_the_note_at_once(qtbot, two_articles, tmp_path):
    window = open_window(qtbot, two_articles, tmp_path)
    qtbot.keyClick(window.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # to the note field
    assert window.labels.note.hasFocus()
    qtbot.keyClicks(window.labels.note, "hedged")
    assert stored(two_articles) == []
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Escape)  # back to the text: saved now, no pause needed
    assert window.view.hasFocus()
    assert [note for *_, note in stored(two_articles)] == ["hedged"]
    assert window.labels.note_state.text() == "saved"
    quit_window(window)


def test_moving_to_another_article_saves_the_note_on_the_statement_it_was_typed_for(qtbot, two_articles, tmp_path):
    window = open_window(qtbot, two_articles, tmp_path)
    first = window.session.current
    window.labels.edit_note()
    qtbot.keyClicks(window.labels.note, "who said it?")
    window.list_panel.articleActivated.emit(2)  # a click in the article list
    assert window.session.article_id == 2
    assert stored(two_articles) == [(*first, (), "who said it?")]
    assert window.labels.note.text() == ""  # the new statement's (empty) note
    quit_window(window)


def test_a_failed_note_says_not_saved(qtbot, two_articles, tmp_path):
    window = open_window(qtbot, two_articles, tmp_path)
    window.store.conn.execute("PRAGMA query_only = ON")
    window.labels.edit_note()
    qtbot.keyClicks(window.labels.note, "lost?")
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Return)
    assert window.labels.note_state.text().startswith("not saved")
    window.store.conn.execute("PRAGMA query_only = OFF")
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Return)  # Enter again: now it is
    assert window.labels.note_state.text() == "saved"
    assert [note for *_, note in stored(two_articles)] == ["lost?"]
    quit_window(window)
