"""The label-scheme dialog, driven through the real window: Edit ▸ Label scheme…, then the table and buttons.

`SchemeDialog.exec` is replaced by "show, let the test act, return the result", so the
dialog runs exactly as the window opens it without a nested event loop; the colour
picker and the warning box are patched, everything else is clicks and keys.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
)

from annotator.records import Label
from annotator.schemes.labels import default_labels
from annotator.store import Store
from annotator.ui.annotate.schemes.scheme_dialog import DESCRIPTION, KEY, NAME, RETIRED, SchemeDialog
from tests.conftest import export_file
from tests.ui.conftest import stored

DEFAULT_NAMES = [label.name for label in default_labels()]


# -- acting on the dialog like a user --------------------------------------------------


def button(dialog: SchemeDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def click(qtbot, dialog: SchemeDialog, text: str) -> None:
    qtbot.mouseClick(button(dialog, text), Qt.MouseButton.LeftButton)


def save(qtbot, dialog: SchemeDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def cancel(qtbot, dialog: SchemeDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)


def select(qtbot, dialog: SchemeDialog, row: int, column: int = NAME) -> None:
    table = dialog.table
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(row, column)).center()
    )
    assert table.currentRow() == row


def open_editor(qtbot, dialog: SchemeDialog) -> QLineEdit:
    """The cell editor the table has open, once it has the keyboard focus."""
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert dialog.table.isAncestorOf(editor)
    return editor


def type_text(qtbot, dialog: SchemeDialog, text: str) -> None:
    """Type into the cell editor that is open, replacing what it holds, and press Enter."""
    editor = open_editor(qtbot, dialog)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Enter commits through a queued call: let it land, as the dialog's event loop would
    qtbot.waitUntil(lambda: dialog.table.state() != QAbstractItemView.State.EditingState)


def edit(qtbot, dialog: SchemeDialog, row: int, column: int, text: str) -> None:
    """Click a cell, press F2, type `text`, press Enter."""
    select(qtbot, dialog, row, column)
    qtbot.keyClick(dialog.table, Qt.Key.Key_F2)
    type_text(qtbot, dialog, text)


def row_of(dialog: SchemeDialog, name: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, NAME).text() == name)


def toggle_retired(qtbot, dialog: SchemeDialog, name: str) -> None:
    row = row_of(dialog, name)
    select(qtbot, dialog, row, RETIRED)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)


def pick_colour(monkeypatch, color: str | None) -> list[str]:
    """The colour picker answers `color` (None: the user cancelled it); returns the titles it was opened with."""
    titles: list[str] = []

    def get_color(initial, parent, title, *args):
        titles.append(title)
        return QColor(color) if color else QColor()

    monkeypatch.setattr(QColorDialog, "getColor", get_color)
    return titles


# -- what the window shows and stores ---------------------------------------------------


def bar(window) -> list[str]:
    """The label bar's buttons, top to bottom, as their text ("1  condition")."""
    layout = window.labels.button_box
    return [" ".join(layout.itemAt(i).widget().text().split()) for i in range(layout.count())]


def saved_scheme(project) -> list[Label] | None:
    with Store.open(project) as store:
        return store.schemes.label_scheme()


def press(window, qtbot, key: str) -> None:
    qtbot.keyClick(window.view, getattr(Qt.Key, f"Key_{key}"))


def exported_labels(window, tmp_path, fmt: str = "jsonl") -> list:
    """Labels in tester's export (textcat: the `cats` of each labeled statement), the articles marked done first."""
    out = tmp_path / f"export.{fmt}"
    store = window.store
    for article_id in store.articles.article_ids():
        if store.statements.statements(article_id, "tester"):
            store.articles.set_status(article_id, "tester", "done")  # exports take finished articles
    export_file(store, out, fmt, annotator="tester")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if fmt == "textcat":
        return [record["cats"] for record in records if any(record["cats"].values())]
    return [span["label"] for record in records for span in record["spans"]]


# -- the tests ------------------------------------------------------------------------


def test_the_edit_menu_opens_the_scheme_with_keys_and_definitions(window, qtbot, scheme):
    def look(dialog):
        table = dialog.table
        assert [table.item(r, NAME).text() for r in range(table.rowCount())] == DEFAULT_NAMES
        assert [table.item(r, KEY).text() for r in range(table.rowCount())] == ["1", "2", "3", "4", "5", "6", "7"]
        assert all(table.item(r, DESCRIPTION).text() for r in range(table.rowCount()))
        cancel(qtbot, dialog)

    scheme(look)
    assert bar(window) == [f"{i} {name}" for i, name in enumerate(DEFAULT_NAMES, 1)]


def test_adding_a_label_with_a_definition_and_colour(window, qtbot, scheme, monkeypatch, project):
    pick_colour(monkeypatch, "#123456")

    def add(dialog):
        click(qtbot, dialog, "Add")
        row = dialog.table.rowCount() - 1
        type_text(qtbot, dialog, "promise")  # Add opens the new name for typing
        edit(qtbot, dialog, row, DESCRIPTION, "A side says it will do something later.")
        select(qtbot, dialog, row)
        click(qtbot, dialog, "Colour…")
        save(qtbot, dialog)

    scheme(add)
    added = saved_scheme(project)[-1]
    assert added == Label("promise", "#123456", "8", "A side says it will do something later.")
    assert bar(window)[-1] == "8 promise"
    assert "promise: A side says it will do something later." in window.labels.definitions.text()
    press(window, qtbot, "8")
    assert stored(project)[0][2] == ("promise",)


def test_labels_after_the_ninth_have_no_key(window, qtbot, scheme, project):
    def add_three(dialog):
        for name in ("eighth", "ninth", "tenth"):
            click(qtbot, dialog, "Add")
            type_text(qtbot, dialog, name)
        save(qtbot, dialog)

    scheme(add_three)
    assert [label.key for label in saved_scheme(project)][-3:] == ["8", "9", ""]
    assert bar(window)[-3:] == ["8 eighth", "9 ninth", "tenth"]


def test_renaming_a_label_carries_its_statement_labels_over(window, qtbot, scheme, project, tmp_path):
    press(window, qtbot, "2")
    assert stored(project)[0][2] == ("offer",)

    def rename(dialog):
        edit(qtbot, dialog, row_of(dialog, "offer"), NAME, "proposal")
        save(qtbot, dialog)

    scheme(rename)
    assert stored(project)[0][2] == ("proposal",)
    assert bar(window)[1] == "2 proposal"
    assert "label_offer" not in window.labels.buttons
    assert window.labels.buttons["proposal"].isChecked()
    assert window.session.state().labels == ("proposal",)
    assert exported_labels(window, tmp_path) == ["proposal"]
    assert window.save_state.text() == "saved · label scheme (1 labels renamed)"
    assert window.session.undo_stack.count() == 0  # its commands named the old label
    press(window, qtbot, "2")  # the key still toggles the renamed label
    assert stored(project) == []  # nothing left on the statement


def test_swapping_two_names_keeps_each_statement_with_its_label(window, qtbot, scheme, project, tmp_path):
    press(window, qtbot, "1")  # condition on the first sentence
    press(window, qtbot, "Down")
    press(window, qtbot, "2")  # offer on the second

    def swap(dialog):
        edit(qtbot, dialog, 0, NAME, "offer")
        edit(qtbot, dialog, 1, NAME, "condition")
        save(qtbot, dialog)

    scheme(swap)
    assert [labels for _, _, labels, _ in stored(project)] == [("offer",), ("condition",)]
    assert exported_labels(window, tmp_path) == ["offer", "condition"]


def test_recolouring_a_label(window, qtbot, scheme, monkeypatch, project):
    titles = pick_colour(monkeypatch, "#0000ff")

    def recolour(dialog):
        select(qtbot, dialog, row_of(dialog, "threat"))
        click(qtbot, dialog, "Colour…")
        save(qtbot, dialog)

    scheme(recolour)
    assert titles == ["Colour of threat"]
    colours = {label.name: label.color for label in saved_scheme(project)}
    assert colours["threat"] == "#0000ff"
    assert colours["claim"] == "#1176f6"  # the others keep theirs
    assert "#0000ff" in window.labels.buttons["threat"].styleSheet()


def test_a_cancelled_colour_picker_keeps_the_colour(window, qtbot, scheme, monkeypatch, project):
    pick_colour(monkeypatch, None)

    def recolour(dialog):
        select(qtbot, dialog, row_of(dialog, "threat"))
        click(qtbot, dialog, "Colour…")
        save(qtbot, dialog)

    scheme(recolour)
    assert saved_scheme(project) == default_labels()


def test_reordering_moves_the_shortcut_with_the_place(window, qtbot, scheme, project):
    def reorder(dialog):
        select(qtbot, dialog, row_of(dialog, "offer"))
        click(qtbot, dialog, "Move up")
        select(qtbot, dialog, row_of(dialog, "commitment"))
        for _ in range(3):
            click(qtbot, dialog, "Move up")
        assert [dialog.table.item(r, KEY).text() for r in range(7)] == ["1", "2", "3", "4", "5", "6", "7"]
        save(qtbot, dialog)

    scheme(reorder)
    order = ["offer", "condition", "demand", "commitment", "denial", "threat", "claim"]
    assert [label.name for label in saved_scheme(project)] == order
    assert bar(window) == [f"{i} {name}" for i, name in enumerate(order, 1)]
    press(window, qtbot, "1")
    assert stored(project)[0][2] == ("offer",)
    press(window, qtbot, "4")
    assert stored(project)[0][2] == ("commitment", "offer")
    press(window, qtbot, "2")
    assert stored(project)[0][2] == ("commitment", "condition", "offer")


def test_retiring_a_label_hides_it_but_keeps_and_exports_its_statements(window, qtbot, scheme, project, tmp_path):
    press(window, qtbot, "5")
    assert stored(project)[0][2] == ("threat",)

    def retire(dialog):
        toggle_retired(qtbot, dialog, "threat")
        keys = [dialog.table.item(r, KEY).text() for r in range(dialog.table.rowCount())]
        assert keys == ["1", "2", "3", "4", "", "5", "6"]  # shown as soon as it is ticked
        save(qtbot, dialog)

    scheme(retire)
    assert next(label for label in saved_scheme(project) if label.name == "threat").retired
    assert "threat" not in window.labels.buttons
    assert "threat:" not in window.labels.definitions.text()
    # the bar closes up and its keys follow it: 5 is now the label in fifth place
    assert bar(window) == ["1 condition", "2 offer", "3 demand", "4 denial", "5 claim", "6 commitment"]
    assert stored(project)[0][2] == ("threat",)
    assert exported_labels(window, tmp_path) == ["threat"]
    assert exported_labels(window, tmp_path, "textcat")[0]["threat"] == 1
    press(window, qtbot, "5")
    assert stored(project)[0][2] == ("claim", "threat")


def test_a_retired_label_can_come_back(window, qtbot, scheme, project):
    scheme(lambda dialog: (toggle_retired(qtbot, dialog, "offer"), save(qtbot, dialog)))
    assert "offer" not in window.labels.buttons

    def restore(dialog):
        assert dialog.table.item(row_of(dialog, "offer"), RETIRED).checkState() == Qt.CheckState.Checked
        toggle_retired(qtbot, dialog, "offer")
        save(qtbot, dialog)

    scheme(restore)
    assert bar(window) == [f"{i} {name}" for i, name in enumerate(DEFAULT_NAMES, 1)]
    press(window, qtbot, "2")
    assert stored(project)[0][2] == ("offer",)


def test_cancel_leaves_the_scheme_unchanged(window, qtbot, scheme, monkeypatch, project):
    press(window, qtbot, "2")
    before = bar(window)
    pick_colour(monkeypatch, "#000000")

    def change_everything_then_cancel(dialog):
        edit(qtbot, dialog, row_of(dialog, "offer"), NAME, "proposal")
        select(qtbot, dialog, 0)
        click(qtbot, dialog, "Colour…")
        click(qtbot, dialog, "Move down")
        toggle_retired(qtbot, dialog, "claim")
        click(qtbot, dialog, "Add")
        type_text(qtbot, dialog, "extra")
        cancel(qtbot, dialog)

    dialog = scheme(change_everything_then_cancel)
    assert dialog.result() == 0
    assert saved_scheme(project) is None  # the project still uses the defaults
    assert window.session.labels == default_labels()
    assert bar(window) == before
    assert stored(project)[0][2] == ("offer",)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Every label needs a name."),
        ("   ", "Every label needs a name."),
        ("offer", "Two labels have the same name."),
    ],
)
def test_an_empty_or_duplicate_name_is_refused_with_a_message(window, qtbot, scheme, messages, project, name, message):
    def rename(dialog):
        edit(qtbot, dialog, row_of(dialog, "demand"), NAME, name)
        save(qtbot, dialog)
        assert [text for *_, text in messages] == [message]
        assert dialog.isVisible()  # still open, to put it right
        cancel(qtbot, dialog)

    scheme(rename)
    assert saved_scheme(project) is None
    assert bar(window)[2] == "3 demand"
