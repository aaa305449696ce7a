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
    store.close()
    with Store.open(project) as again:  # every action was committed at once
        assert again.actors.actor("Zelensky's office").name == "Volodymyr Zelensky"
    assert os.path.getsize(SCREENS / "actor-editor.png") > 10_000
