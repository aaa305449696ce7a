"""A long article in the window: shown a part at a time, walked, labeled, searched and undone across parts.

Each line holds an emoji before its words, so every offset below goes through the UTF-16 map
of a part that does not start at the article's start.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from annotator.ui.annotate.session import PAGE_CHARS
from tests.ui.conftest import OTHER, make_project, stored

LONG = "".join(
    f"Part {i}: Zelensky said Kyiv will halt strikes 😀 if Moscow does. Russia denied it in note {i}.\n"
    for i in range(2600)
)
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project(db_path):
    make_project(db_path, [LONG, OTHER])
    return db_path


def shown_text(window, qt_span) -> str:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(qt_span[0])
    cursor.setPosition(qt_span[1], QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def first_line_of(window, page: int) -> int:
    """The number of the line a part starts with (parts are cut after a line)."""
    return LONG[: window.session.pages[page][0]].count("\n")


def test_a_long_article_opens_on_its_first_part_only(window):
    s = window.session
    assert len(s.pages) == 3
    assert len(window.view.toPlainText()) <= PAGE_CHARS  # code points; Qt counts each emoji twice
    assert window.view.toPlainText() == LONG[: s.pages[0][1]]
    assert window.page_bar.isVisible()
    assert window.page_bar.where.text().startswith("part 1 of 3 · characters 1–")
    assert not window.page_bar.previous.isEnabled() and window.page_bar.next.isEnabled()


def test_a_short_article_shows_all_of_its_text_and_no_part_controls(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert window.session.article.text == OTHER
    assert window.view.toPlainText() == OTHER
    assert not window.page_bar.isVisible()


def test_down_past_a_parts_last_statement_labels_the_next_parts_first(window, qtbot, project):
    s = window.session
    s.set_current(s.candidates()[-1])
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert window.page_bar.where.text().startswith("part 2 of 3")
    n = first_line_of(window, 1)
    sentence = f"Part {n}: Zelensky said Kyiv will halt strikes 😀 if Moscow does."
    assert shown_text(window, window.view._current_qt) == sentence  # the outlined statement, on screen
    assert window.view.toPlainText().startswith(sentence)

    qtbot.keyClick(window.view, Qt.Key.Key_4)
    [(start, end, labels, _)] = stored(project)
    assert LONG[start:end] == sentence and labels == ("denial",)
    assert start == s.pages[1][0]

    qtbot.keyClick(window.view, Qt.Key.Key_Up)
    assert window.page_bar.where.text().startswith("part 1 of 3")
    assert LONG[slice(*s.current)] == f"Russia denied it in note {n - 1}."


def test_undo_turns_back_to_the_part_it_undoes(window, qtbot, project):
    s = window.session
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.page_bar.where.text().startswith("part 2 of 3")
    labeled = s.current
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert stored(project) == [(*labeled, ("condition",), "")]

    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.page_bar.where.text().startswith("part 1 of 3")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert stored(project) == []
    assert window.page_bar.where.text().startswith("part 2 of 3")
    assert s.current == labeled
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert stored(project) == [(*labeled, ("condition",), "")]


def test_words_selected_after_an_emoji_on_a_later_part_are_stored_exactly(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.page_bar.where.text().startswith("part 3 of 3")
    assert not window.page_bar.next.isEnabled()
    shown = window.view.toPlainText()
    at = shown.index("Moscow", shown.index("\n"))  # on the part's second line, after its emoji
    qt_at = at + shown[:at].count("😀")  # an emoji is two UTF-16 units
    cursor = window.view.textCursor()
    cursor.setPosition(qt_at)
    cursor.setPosition(qt_at + len("Moscow"), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    qtbot.keyRelease(window.view, Qt.Key.Key_Shift)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    [(start, end, labels, _)] = stored(project)
    assert LONG[start:end] == "Moscow" and labels == ("offer",)
    assert LONG[:start].count("\n") == first_line_of(window, 2) + 1


def test_search_in_the_article_turns_to_the_part_with_the_match(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search.field, "note 2500.")
    assert window.search.count.text() == "1 of 1"
    assert window.page_bar.where.text().startswith("part 3 of 3")
    assert window.view.textCursor().selectedText() == "note 2500."
    assert LONG[slice(*window.session.current)] == "Russia denied it in note 2500."


def test_u_goes_on_to_the_next_part_for_a_statement_without_a_label(window, qtbot, project):
    s = window.session
    last = s.candidates()[-1]
    s.set_current(last)
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # the part's last statement now has a label
    qtbot.keyClick(window.view, Qt.Key.Key_U)
    assert window.page_bar.where.text().startswith("part 2 of 3")
    assert s.current[0] == s.pages[1][0]
    assert not any(button.isChecked() for button in window.labels.buttons.values())


def test_a_sentence_running_over_a_parts_first_line_starts_that_part(db_path, qapp):
    """spaCy's sentence may run over a line break where a part is cut: its line on the next part is that
    part's first statement, not lost between the two."""
    from annotator.records import IncomingRecord
    from annotator.store import Preannotation, Store
    from annotator.ui.annotate.session import Session

    line = "Kyiv said it would halt strikes on energy sites for thirty days.\n"
    second = "agreed to it" + ", and said so" * 10 + "."
    text = line * (PAGE_CHARS // len(line)) + "Then Moscow\n" + second + "\n" + line * 10
    cut = text.index("agreed")
    sentences = [(i, i + len(line) - 1) for i in range(0, cut - 12, len(line))] + [(cut - 12, cut + len(second))]
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(text, "long", "test", 1)], "x")
        store.preannotations.store_preannotations([Preannotation(1, "test", [], sentences, [])])
        session = Session(store, "tester")
        session.open_article(1)
        assert session.pages[1][0] == cut
        session.step_statement(-1)  # already first: stays
        session.go_to_page(1)
        assert text[slice(*session.current)] == second
        session.step_statement(-1)
        assert text[slice(*session.current)] == "Then Moscow" and session.page == 0


def test_search_marks_every_match_on_the_part_shown_and_counts_the_whole_article(window, qtbot):
    from annotator.ui.annotate.reader.highlighter import Highlighter

    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search.field, "moscow")
    assert window.search.count.text() == "1 of 2600"
    marks = window.view._highlighter.layers[Highlighter.MATCH].spans
    assert len(marks) == window.view.toPlainText().count("Moscow")
    assert {shown_text(window, (a, b)) for a, b, _ in marks} == {"Moscow"}
    assert [current for *_, current in marks].count(True) == 1


words = st.sampled_from(["Kyiv", "said", "😀", "Moscow", "halt", "strikes", "🇺🇦", "on", "energy", "sites"])
lines = st.lists(st.lists(words, min_size=1, max_size=12).map(lambda w: " ".join(w) + "."), min_size=1, max_size=4)


@given(paragraphs=st.lists(lines.map(" ".join), min_size=1, max_size=30), limit=st.integers(20, 300))
@settings(max_examples=40, deadline=None)
def test_down_walks_every_sentence_of_every_part_once_in_reading_order(tmp_path_factory, qapp, paragraphs, limit):
    """Whatever the text and the size of a part: ↓ from the first statement visits each sentence once,
    in order, over every part, and each is shown on the part that holds it."""
    from unittest import mock

    from annotator.passages import split_at_breaks
    from annotator.records import IncomingRecord
    from annotator.store import Preannotation, Store
    from annotator.ui.annotate import session as session_module

    text = "\n".join(paragraphs)
    sentences = [m.span() for m in re.finditer(r"[^.\n]+\.", text)]
    sentences = [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in sentences]
    with Store.create(tmp_path_factory.mktemp("walk") / "p.sqlite") as store:
        store.add_records([IncomingRecord(text, "t", "test", 1)], "x")
        store.preannotations.store_preannotations([Preannotation(1, "test", [], sentences, [])])
        with mock.patch.object(session_module, "PAGE_CHARS", limit):
            s = session_module.Session(store, "tester")
            s.open_article(1)
            walked = [s.current]
            while True:
                s.step_statement(1)
                if s.current == walked[-1]:
                    break
                walked.append(s.current)
                a, b = s.page_span
                assert a <= s.current[0] < b and s.offsets.holds(*s.current)
    assert walked == split_at_breaks(sentences, text)


def test_undoing_an_entity_correction_on_another_part_shows_that_part(window, qtbot):
    s = window.session
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    moscow = next(e for e in s.entities if LONG[e.start : e.end] == "Moscow")
    s.relabel_entity(moscow, "ORG")
    assert ("ORG", "user") in {(e.label, e.source) for e in s.entities if e.start == moscow.start}
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.page_bar.where.text().startswith("part 2 of 3")
    assert moscow in s.entities and LONG[slice(*s.current)].count("Moscow") == 1
    assert s.current[0] <= moscow.start < s.current[1]
