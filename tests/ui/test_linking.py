"""Linking by keyboard in the real window (offscreen): S/T hints, L to another statement, the line,
the list, blind mode, undo — each link read back from the project file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel

from annotator.records import Link
from annotator.store import Store
from tests.ui.conftest import TEXT

FIRST = (0, TEXT.index(".") + 1)  # "Zelensky said Kyiv will halt strikes if Moscow does."
SECOND = (TEXT.index("🇺🇦"), TEXT.index("once.") + len("once."))


def word(w: str, text: str = TEXT) -> tuple[int, int]:
    return text.index(w), text.index(w) + len(w)


def stored_links(path, annotator: str = "tester") -> list[Link]:
    with Store.open(path) as store:
        return [
            link for article_id in store.articles.article_ids() for link in store.links.links(article_id, annotator)
        ]


def hint_of(window, words: str) -> str:
    mode = window.linking.mode
    text = window.session.article.text
    return next(h for e, h in zip(mode.candidates, mode.hints, strict=True) if text[e.start : e.end] == words)


def press(qtbot, window, keys: str) -> None:
    for letter in keys:
        qtbot.keyClick(window.view, getattr(Qt.Key, f"Key_{letter.upper()}"))


def test_s_shows_hints_nearest_first_and_one_letter_links_the_speaker(window, qtbot, project):
    assert window.session.current == FIRST
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    mode = window.linking.mode
    assert [TEXT[e.start : e.end] for e in mode.candidates][:3] == [
        "Zelensky",
        "Kyiv",
        "Moscow",
    ]  # inside the statement
    assert all(len(h) == 1 for h in mode.hints)
    assert "speaker" in window.link_line.text() and "Esc" in window.link_line.text()
    press(qtbot, window, hint_of(window, "Zelensky"))
    assert window.linking.mode is None
    assert stored_links(project) == [Link(*FIRST, *word("Zelensky"), "speaker")]
    assert window.link_line.text() == "said by Zelensky"
    assert window.save_state.text().startswith("saved · linked speaker")
    assert window.list_panel.model.rows[0].status == "in_progress"


def test_t_links_the_target_and_the_line_reads_both(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    press(qtbot, window, hint_of(window, "Moscow"))
    assert stored_links(project) == [
        Link(*FIRST, *word("Zelensky"), "speaker"),
        Link(*FIRST, *word("Moscow"), "target"),
    ]
    assert window.link_line.text() == "said by Zelensky → to Moscow"


def test_the_same_hint_again_unlinks(window, qtbot, project):
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_S)
        press(qtbot, window, hint_of(window, "Kyiv"))
    assert stored_links(project) == []
    assert window.save_state.text().startswith("saved · unlinked speaker")


def test_letters_while_linking_are_hints_not_the_windows_keys(window, qtbot, project):
    """J, K, N, U move through statements and articles otherwise; while linking they are hint letters."""
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    qtbot.keyClick(window.view, Qt.Key.Key_N)  # no candidate has N: nothing happens, the article stays
    assert window.session.current == FIRST and window.session.article_id == 1
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.linking.mode is None and stored_links(project) == []
    qtbot.keyClick(window.view, Qt.Key.Key_J)  # the mode is over: J moves again
    assert window.session.current == SECOND


def test_tab_picks_another_type_while_linking(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.linking.mode.type.name == "target"
    press(qtbot, window, hint_of(window, "Kyiv"))
    assert stored_links(project) == [Link(*FIRST, *word("Kyiv"), "target")]


def test_l_then_j_and_enter_links_to_another_statement(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_J)  # "🇺🇦 Russia denied it 😀 at once."
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # denial: L starts with responds-to
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    mode = window.linking.mode
    assert mode.type.name == "responds-to"
    assert mode.target == FIRST  # the nearest statement first
    qtbot.keyClick(window.view, Qt.Key.Key_K)  # already the first: stays
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert stored_links(project) == [Link(*SECOND, *FIRST, "responds-to")]
    assert window.link_line.text() == "responds to “Zelensky said Kyiv will halt strike…”"
    window.session.set_current(FIRST)
    assert window.link_line.text() == "answered by “🇺🇦 Russia denied it 😀 at once.”"


def test_l_offers_the_types_between_statements_by_number(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    assert window.linking.mode.type.name == "condition-of"
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    target = window.linking.mode.target
    qtbot.keyClick(window.view, Qt.Key.Key_Enter)
    assert stored_links(project) == [Link(*FIRST, *target, "responds-to")]


def test_selected_words_become_the_other_end_snapped_to_tokens(window, qtbot, project):
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_T)
    cursor = view.textCursor()
    start = TEXT.index("Russia")
    cursor.setPosition(window.session.offsets.to_qt(start) + 2)  # inside "Russia": the whole word is taken
    view.setTextCursor(cursor)
    for _ in range(len("ssia den")):  # Shift held down throughout, as a hand does
        qtbot.keyPress(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert stored_links(project) == []
    qtbot.keyRelease(view, Qt.Key.Key_Shift)
    assert stored_links(project) == [Link(*FIRST, *word("Russia denied"), "target")]
    assert window.session.current == FIRST  # the selection was the link's end, not a new statement


def test_a_click_on_an_entity_links_it(window, qtbot, project):
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_S)
    qt_start = window.session.offsets.to_qt(TEXT.index("Odesa") + 2)
    cursor = view.textCursor()
    cursor.setPosition(qt_start)
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y()))
    assert stored_links(project) == [Link(*FIRST, *word("Odesa"), "speaker")]


def test_undo_and_redo_cover_links(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_links(project) == []
    assert window.link_line.text().startswith("no links")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored_links(project) == [Link(*FIRST, *word("Zelensky"), "speaker")]
    assert window.save_state.text().startswith("saved · redone: linked speaker")


def test_del_clears_the_statement_with_its_links_and_undo_brings_both_back(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert stored_links(project) == []
    with Store.open(project) as store:
        assert store.statements.statements(1, "tester") == []
    assert window.save_state.text().startswith("saved · cleared labels and 1 link")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_links(project) == [Link(*FIRST, *word("Zelensky"), "speaker")]
    with Store.open(project) as store:
        assert [s.labels for s in store.statements.statements(1, "tester")] == [("offer",)]


def test_the_list_shows_the_articles_links_and_del_removes_one(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    items = [window.link_list.list.item(i).text() for i in range(window.link_list.list.count())]
    assert items == ["“Zelensky said Kyiv will halt strike…”", "    said by Zelensky"]
    window.link_list.list.setCurrentRow(1)
    qtbot.keyClick(window.link_list.list, Qt.Key.Key_Delete)
    assert stored_links(project) == []


def test_other_annotators_links_stay_hidden_in_blind_mode(window, qtbot, project):
    window.store.links.change_links(1, "anna", add=[Link(*FIRST, *word("Moscow"), "speaker")])
    window.session.open_article(1)
    assert window.linking.others == [] and window.link_list.list.count() == 0
    window.show_others_action.setChecked(True)
    texts = [window.link_list.list.item(i).text() for i in range(window.link_list.list.count())]
    assert "    said by Moscow  (anna)" in texts
    window.show_others_action.setChecked(False)
    assert window.link_list.list.count() == 0


def test_link_types_from_the_data_are_shown_as_plain_text(window, qtbot, project):
    hostile = "<b>quoted</b> & <img src=x>"
    window.store.links.change_links(1, "tester", add=[Link(*FIRST, *word("Kyiv"), hostile)])
    window.session.reload_scheme()
    window.session.open_article(1)
    assert window.link_line.text() == f"{hostile}: Kyiv"
    label = window.link_line.findChild(QLabel, "linkLineText")
    assert label.textFormat() == Qt.TextFormat.PlainText


@pytest.mark.parametrize("key", [Qt.Key.Key_S, Qt.Key.Key_L])
def test_linking_without_a_statement_says_what_to_do(window, qtbot, key):
    window.session.set_current(None)
    qtbot.keyClick(window.view, key)
    assert window.linking.mode is None
    assert "pick a statement first" in window.task_state.text()
