"""Link types in the scheme dialog (its Link types tab): rename with carry-over, retire, reorder, recolour, ends."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from annotator.records import Link
from annotator.store import Store
from annotator.ui.annotate.schemes.link_scheme_editor import ENDS, NAME
from tests.ui.conftest import TEXT
from tests.ui.test_scheme_dialog import click, pick_colour, save

FIRST = (0, TEXT.index(".") + 1)
KYIV = (TEXT.index("Kyiv"), TEXT.index("Kyiv") + 4)


def link_table(dialog):
    dialog.tabs.setCurrentWidget(dialog.links)
    return dialog.links.table


def choose(qtbot, table, row: int, column: int = NAME) -> None:
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(row, column)).center()
    )
    assert table.currentRow() == row


def rename(qtbot, dialog, table, row: int, name: str) -> None:
    choose(qtbot, table, row)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.isAncestorOf(QApplication.focusWidget()))
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)


def stored_types(project):
    with Store.open(project) as store:
        return store.schemes.link_scheme()


def test_renaming_a_link_type_carries_its_links_over(window, qtbot, scheme, project):
    window.store.links.change_links(1, "tester", add=[Link(*FIRST, *KYIV, "speaker")])

    def act(dialog):
        table = link_table(dialog)
        assert [table.item(r, NAME).text() for r in range(table.rowCount())] == [
            "speaker",
            "target",
            "condition-of",
            "responds-to",
        ]
        rename(qtbot, dialog, table, 0, "source")
        save(qtbot, dialog)

    scheme(act)
    with Store.open(project) as store:
        assert store.links.links(1, "tester") == [Link(*FIRST, *KYIV, "source")]
    assert [t.name for t in stored_types(project)][:2] == ["source", "target"]
    assert window.linking.type_named("source").key == "S"
    window.session.set_current(FIRST)
    assert window.link_line.text() == "source: Kyiv"
    assert "1 links renamed" in window.save_state.text()


def test_moving_and_retiring_types_moves_the_keys(window, qtbot, scheme, project):
    def act(dialog):
        table = link_table(dialog)
        choose(qtbot, table, 1)
        click(qtbot, dialog, "Move type up")  # target first: S
        choose(qtbot, table, 1)
        table.item(1, 4).setCheckState(Qt.CheckState.Checked)  # speaker retired
        save(qtbot, dialog)

    scheme(act)
    keys = {t.name: t.key for t in window.linking.types}
    assert keys == {"target": "S", "speaker": "", "condition-of": "", "responds-to": ""}
    assert [t.retired for t in stored_types(project)] == [False, True, False, False]
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert window.linking.mode.type.name == "target"


def test_a_new_type_gets_the_most_distinct_colour_and_chosen_ends(window, qtbot, scheme, project, monkeypatch):
    pick_colour(monkeypatch, "#334155")

    def act(dialog):
        table = link_table(dialog)
        click(qtbot, dialog, "Add type")
        row = table.rowCount() - 1
        editor_open = QApplication.focusWidget()
        qtbot.keyClicks(editor_open, "quoted-by")
        qtbot.keyClick(editor_open, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
        ends = table.cellWidget(row, ENDS)
        assert isinstance(ends, QComboBox)
        ends.setCurrentIndex(0)  # statement → entity or words
        choose(qtbot, table, row)
        click(qtbot, dialog, "Recolour type…")
        save(qtbot, dialog)

    scheme(act)
    added = stored_types(project)[-1]
    assert (added.name, added.ends, added.color) == ("quoted-by", "entity", "#334155")


@pytest.mark.parametrize("name", ["", "target"])
def test_a_nameless_or_twice_named_type_is_refused(window, qtbot, scheme, project, messages, name):
    def act(dialog):
        table = link_table(dialog)
        rename(qtbot, dialog, table, 0, name or " ")
        save(qtbot, dialog)
        assert dialog.isVisible()
        dialog.reject()

    scheme(act)
    assert messages and "link type" in messages[-1][2]
    assert stored_types(project) is None
