"""Actors in the window: the actor beside a link end in the line and the list, and the actor editor
(list, merge, rename, alias, retire) with the selected actor's statements; rendered to a PNG."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from annotator.actors.registry import read_actor_file
from annotator.actors.resolve import resolve_links
from annotator.records import Link
from annotator.settings import resource
from annotator.store import Store
from tests.ui.test_linking import FIRST, SECOND, hint_of, press, word

SCREENS = Path(__file__).resolve().parents[2] / "build" / "screens"


def test_the_link_line_shows_the_actor_beside_the_mention(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    press(qtbot, window, hint_of(window, "Moscow"))
    assert window.link_line.text() == "said by Zelensky → to Moscow"
    store = window.session.store
    store.actors.load(read_actor_file(resource("actors/ukraine-war.json")).actors)
    resolve_links(store)
    window.linking.refresh()
    assert window.link_line.text() == "said by Zelensky [Volodymyr Zelensky] → to Moscow [Russia]"
    rows = [window.link_list.list.item(i).text() for i in range(window.link_list.list.count())]
    assert "    to Moscow [Russia]" in rows
    SCREENS.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    assert window.grab().save(str(SCREENS / "link-line-actors.png"))


def test_the_actor_editor_merges_renames_aliases_retires_and_lists_statements(qtbot, project, monkeypatch):
    from annotator.ui.annotate.schemes.actor_dialog import ActorDialog

    with Store.open(project) as store:
        store.actors.load(read_actor_file(resource("actors/ukraine-war.json")).actors)
        store.actors.add_actor("Zelensky's office", "organisation", "Ukraine")
        store.statements.set_statement(1, "tester", *FIRST, ["offer"])
        store.statements.set_statement(1, "tester", *SECOND, ["denial"])
        store.links.change_links(
            1,
            "tester",
            add=[
                Link(*FIRST, *word("Zelensky"), "speaker"),
                Link(*FIRST, *word("Moscow"), "target"),
                Link(*SECOND, *word("Russia"), "speaker"),
            ],
        )
        resolve_links(store)
    store = Store.open(project)
    dialog = ActorDialog(store)
    qtbot.addWidget(dialog)
    dialog.select("Russia")
    statements = [dialog.statements.topLevelItem(i).text(1) for i in range(dialog.statements.topLevelItemCount())]
    assert statements == ["target of", "said"]  # Moscow is Russia: the target of the offer, the speaker of the denial
    SCREENS.mkdir(parents=True, exist_ok=True)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(SCREENS / "actor-editor.png"))

    dialog.select("Zelensky's office")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Volodymyr Zelensky", True))
    qtbot.mouseClick(dialog.buttons["merge"], Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("merged “Zelensky's office” into “Volodymyr Zelensky”")
    assert dialog.selected_name() == "Volodymyr Zelensky"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Zelenskyi", True))
    qtbot.mouseClick(dialog.buttons["alias"], Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "“Zelenskyi” is now an alias of “Volodymyr Zelensky”"
    qtbot.mouseClick(dialog.buttons["retire"], Qt.MouseButton.LeftButton)
    assert store.actors.actor("Zelenskyi").retired and "retired" in dialog.tree.currentItem().text(1)
    qtbot.mouseClick(dialog.buttons["retire"], Qt.MouseButton.LeftButton)  # restored
    # split: "Zelensky's office" was merged in by mistake; it goes back out with the mentions of its words
    answers = iter([("Zelensky's office", True), ("", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    dialog.resize(1000, 560)
    qtbot.wait(50)
    qtbot.mouseClick(dialog.buttons["split"], Qt.MouseButton.LeftButton)
    assert dialog.status.text() == (
        "split “Zelensky's office” from “Volodymyr Zelensky”: 1 alias and 0 mentions went with it"
    )
    assert dialog.selected_name() == "Zelensky's office"
    assert store.actors.actor("Zelenskyi").name == "Volodymyr Zelensky"
    qtbot.wait(50)
    assert dialog.grab().save(str(SCREENS / "actor-editor-split.png"))
    store.close()
    with Store.open(project) as again:  # every action was committed at once
        assert again.actors.actor("Zelensky's office").name == "Zelensky's office"
        assert again.actors.actor("Zelensky").name == "Volodymyr Zelensky"
    assert os.path.getsize(SCREENS / "actor-editor.png") > 10_000


def test_a_accepts_the_suggested_actor_then_changes_it_and_shift_a_picks_the_other_end(window, qtbot, project):
    """A writes the picked end's actor as the user's choice and says so; again, the next actor; Shift+A
    moves to the other end and writes nothing; undo puts back what the end stood for."""
    store = window.session.store
    store.actors.load(read_actor_file(resource("actors/ukraine-war.json")).actors)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    press(qtbot, window, hint_of(window, "Moscow"))
    zelensky, moscow = word("Zelensky"), word("Moscow")

    def chosen(span):
        m = store.actors.mention(1, *span)
        return None if m is None else (m.actor, m.how)

    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert chosen(zelensky) == ("Volodymyr Zelensky", "user")
    assert window.save_state.text().startswith("saved · speaker “Zelensky” is Volodymyr Zelensky (your choice")
    assert window.link_line.text().startswith("said by Zelensky [Volodymyr Zelensky]")
    qtbot.keyClick(window.view, Qt.Key.Key_A)  # the speaker has a user's choice: A moves on to the target
    assert chosen(moscow) == ("Russia", "user")
    qtbot.keyClick(window.view, Qt.Key.Key_A)  # both chosen: the speaker again, its next candidate
    assert chosen(zelensky)[0] != "Volodymyr Zelensky" and chosen(zelensky)[1] == "user"
    assert window.save_state.text().startswith(f"saved · speaker “Zelensky” is {chosen(zelensky)[0]}")
    before = (chosen(zelensky), chosen(moscow))
    qtbot.keyClick(window.view, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert (chosen(zelensky), chosen(moscow)) == before  # Shift+A moves, never writes
    assert window.task_state.text() == "A now chooses the actor of the target: “Moscow” (nothing written)"
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert chosen(moscow)[0] != "Russia" and chosen(zelensky) == before[0]
    window.session.undo_stack.undo()
    assert chosen(moscow) == ("Russia", "user")
    window.session.undo_stack.undo()
    assert chosen(zelensky) == ("Volodymyr Zelensky", "user")
    window.linking.refresh()
    window.resize(1280, 760)
    qtbot.waitExposed(window)
    SCREENS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENS / "actor-key.png"))


def test_a_mention_with_no_stored_actor_shows_the_suggested_one_with_a_question_mark(window, qtbot, project):
    """Before anything is stored the line shows whom each end would stand for, marked "?"; A stores it
    and the "?" goes."""
    window.session.store.actors.load(read_actor_file(resource("actors/ukraine-war.json")).actors)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    press(qtbot, window, hint_of(window, "Moscow"))
    assert window.link_line.text() == "said by Zelensky [Volodymyr Zelensky?] → to Moscow [Russia?]"
    assert window.session.store.actors.mention(1, *word("Zelensky")) is None  # shown, not written
    SCREENS.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    assert window.grab().save(str(SCREENS / "link-line-guessed.png"))
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.link_line.text() == "said by Zelensky [Volodymyr Zelensky] → to Moscow [Russia?]"


def test_the_actor_editor_changes_an_actor_s_kind_and_side_and_says_so(qtbot, project, monkeypatch):
    from annotator.ui.annotate.schemes.actor_dialog import ActorDialog

    with Store.open(project) as store:
        store.actors.add_actor("FNV", "person", "")
    store = Store.open(project)
    dialog = ActorDialog(store)
    qtbot.addWidget(dialog)
    dialog.select("FNV")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("organisation", True))
    dialog.buttons["kind"].click()
    assert store.actors.actor("FNV").kind == "organisation"
    assert dialog.status.text() == "“FNV” is now of the kind organisation (was person)"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  Dutch   unions ", True))
    dialog.buttons["side"].click()
    assert store.actors.actor("FNV").side == "Dutch unions"
    assert dialog.status.text() == "“FNV” is now on the side “Dutch unions” (had none)"
    with Store.open(project) as again:  # each change saved at once
        assert (again.actors.actor("FNV").kind, again.actors.actor("FNV").side) == ("organisation", "Dutch unions")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(SCREENS / "actor-editor-kind-side.png"))
