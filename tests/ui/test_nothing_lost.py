"""Two programs writing one project: the window's label key is a change (one label added or
removed), read against what another program committed meanwhile; turning off a statement's last
label takes its links, and undo brings back exactly what the key changed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.records import Link
from tests.ui.conftest import stored
from tests.ui.test_linking import FIRST, hint_of, press, stored_links, word

CTRL = Qt.KeyboardModifier.ControlModifier


def labels_of(project, span) -> tuple[str, ...]:
    return next((labels for start, end, labels, _ in stored(project) if (start, end) == span), ())


def test_a_label_key_keeps_the_label_a_search_apply_gave_meanwhile(window, qtbot, project, cli):
    assert window.session.current == FIRST
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer
    # another program (its own connection) labels the same statement while the window is open
    applied = cli("search", '"halt strikes"', "--label", "demand", "--annotator", "tester", "--apply", db=project)
    assert applied.exit_code == 0, applied.output
    assert labels_of(project, FIRST) == ("demand", "offer")
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # denial
    assert labels_of(project, FIRST) == ("demand", "denial", "offer")
    assert window.session.state().labels == ("demand", "denial", "offer")  # and the window shows it
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer off: demand stays
    assert labels_of(project, FIRST) == ("demand", "denial")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # undo: offer back, nothing else touched
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # undo: denial off, demand stays
    assert labels_of(project, FIRST) == ("demand", "offer")


def test_undo_takes_back_only_its_own_label(window, qtbot, project, cli):
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer
    cli("search", '"halt strikes"', "--label", "demand", "--annotator", "tester", "--apply", db=project)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # undo offer: the other program's demand stays
    assert labels_of(project, FIRST) == ("demand",)


def test_turning_off_the_only_label_removes_its_links_and_undo_restores_them(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    assert stored_links(project) == [Link(*FIRST, *word("Zelensky"), "speaker")]
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer off: the statement is gone, and its link with it
    assert labels_of(project, FIRST) == () and stored_links(project) == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert labels_of(project, FIRST) == ("offer",)
    assert stored_links(project) == [Link(*FIRST, *word("Zelensky"), "speaker")]
