"""One key, one decision: a key that moves or shows never writes to the project.

Walks the window's shortcut table (`shortcuts.SHORTCUTS`) on the seed articles, with the rules'
label suggestions on screen, and presses every key whose entry says it writes nothing; the
project file's rows and the connection's changes must stay as they were. The keys that do write
are listed in docs/annotating.md ("Keys that write"), from the same table.
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtGui import QKeySequence

from annotator.importing.run import import_paths
from annotator.store import Preannotation, Store
from annotator.tokens import word_tokens
from annotator.ui.annotate.window.shortcuts import SHORTCUTS, writing_keys
from tests.conftest import ROOT, SEEDS
from tests.ui.conftest import sentences_of
from tests.ui.test_label_suggestions import open_window

#: Tables that hold a decision: a moving key must leave every one as it was.
DECISIONS = (
    "statements",
    "statement_labels",
    "article_status",
    "entities",
    "entities_reviewed",
    "links",
    "article_categories",
    "task_answers",
)
#: Not pressed: it closes the window (it writes nothing of its own either).
UNPRESSED = {"quit"}


def counts(path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in DECISIONS}


@pytest.fixture
def seed_window(qtbot, db_path, tmp_path, monkeypatch):
    from annotator.ui.annotate.labels import label_suggestions
    from annotator.ui.annotate.window import place, shortcuts

    with Store.create(db_path) as store:
        import_paths(store, [SEEDS], annotator="tester")
        store.preannotations.store_preannotations(  # sentences and tokens, as spaCy would give them (no spaCy needed)
            Preannotation(
                a, "test", [], sentences_of(store.articles.article(a).text), word_tokens(store.articles.article(a).text)
            )
            for a in store.articles.article_ids()
        )
        first = store.articles.article_ids()[0]
        sentence = store.articles.article(first).text.index(".") + 1
        store.statements.set_statement(first, "tester", 0, sentence, ["claim"])  # one decision to walk past
    monkeypatch.setattr(shortcuts.ShortcutSheet, "exec", lambda self: 0)  # F1's sheet is modal
    # Not decisions, and written by a pause rather than a key (tests/test_durability.py and
    # tests/ui/test_label_suggestions.py test them): the reading place, a bookmark saved as you
    # move, and a suggestion's "shown" entry in the log after it stayed on screen. Set aside here
    # so that every other write shows in the connection's count of changes.
    monkeypatch.setattr(place.ReadingPlace, "save", lambda self: None)
    monkeypatch.setattr(label_suggestions, "SHOWN_MS", 3_600_000)
    win = open_window(qtbot, db_path, tmp_path)  # the rules suggest: Enter must still only move on
    yield win
    win.close()
    win.store.close()


def press(qtbot, window, key: str) -> None:
    combination = QKeySequence(key)[0]
    qtbot.keyClick(window.view, combination.key(), combination.keyboardModifiers())


def test_no_moving_key_writes_to_the_project(seed_window, db_path, qtbot):
    window = seed_window
    moving = [sc for sc in SHORTCUTS if not sc.writes and sc.name not in UNPRESSED]
    assert {"next_statement", "next_article", "next_uncertain", "next_unlabeled"} <= {sc.name for sc in moving}
    before, changes = counts(db_path), window.store.conn.total_changes
    shown = 0
    for _round in range(3):  # each key pressed from where the others left the window
        for sc in moving:
            for key in sc.keys:
                shown += window.suggestions.current is not None
                press(qtbot, window, key)
                assert counts(db_path) == before, f"{key} ({sc.title}) wrote to the project"
                assert window.store.conn.total_changes == changes, f"{key} ({sc.title}) wrote to the project"
                press(qtbot, window, "Esc")  # out of the search field or the hit list, back to the text
                window.view.setFocus()
    assert shown, "a suggestion was on screen while Enter was pressed"


def test_enter_on_a_suggested_statement_moves_and_writes_nothing(seed_window, db_path, qtbot):
    window = seed_window
    s = window.session
    for article in window.store.articles.article_ids():
        s.open_article(article)
        found = next((c for c in s.candidates() if window.suggestions.for_span(c).suggested), None)
        if found is not None:
            break
    s.set_current(found)
    assert window.suggestions.current is not None  # the rules suggest a label here
    before = counts(db_path)
    press(qtbot, window, "Return")
    assert s.current != found and counts(db_path) == before


def test_the_readme_lists_every_key_that_writes():
    readme = (ROOT / "docs" / "annotating.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Keys that write") :]
    for keys, what in writing_keys():
        assert f"| {keys} | {what} |" in section, keys


def test_enter_in_the_note_field_goes_back_to_the_text_so_the_next_key_moves(window, project, qtbot):
    """Found driving the real window: Enter saved the note but left the focus in the field, and
    after Ctrl+Enter (done, next article) P typed "p" as a note on the next article's statement
    instead of going back. Enter leaves the field; a new article never opens with the focus in it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    s = window.session
    press(qtbot, window, "Down")
    press(qtbot, window, "Ctrl+M")
    assert QApplication.focusWidget() is window.labels.note
    qtbot.keyClicks(window.labels.note, "check this")
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.view
    assert s.state().note == "check this"

    press(qtbot, window, "Ctrl+M")  # in the field again, then done: the next article opens
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert s.article_id == 2 and QApplication.focusWidget() is not window.labels.note
    before = counts(project)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert s.article_id == 1 and counts(project) == before
