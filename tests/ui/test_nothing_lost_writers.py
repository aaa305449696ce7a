"""Entity and link keys decide on what is stored, as label keys do: before writing, the window
reads again what another program (its own connection) committed meanwhile, so its undo never
takes away that program's entity, never brings back what that program removed, and a link key
links or unlinks as the project stands now."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.records import Entity, Link
from annotator.store import Store
from tests.ui.conftest import TEXT
from tests.ui.test_linking import FIRST, hint_of, press, stored_links, word


def entities_of(project) -> set[tuple[str, str]]:
    with Store.open(project) as store:
        return {(TEXT[e.start : e.end], e.label) for e in store.entities.entities(1)}


def test_undo_of_an_entity_key_keeps_the_entity_another_program_gave_meanwhile(window, project):
    start = TEXT.index("Café")
    with Store.open(project) as other:  # another program gives the same words the same entity
        other.entities.add_entity(1, start, start + 4, "ORG")
    window.session.add_entity(start, start + 4, "ORG")
    window.session.undo_stack.undo()  # takes back the window's key, not the other program's entity
    assert ("Café", "ORG") in entities_of(project)


def test_an_entity_another_program_removed_is_not_relabeled_or_brought_back(window, project):
    russia = next(e for e in window.session.entities if TEXT[e.start : e.end] == "Russia")
    errors = []
    window.session.error.connect(errors.append)
    with Store.open(project) as other:
        other.entities.remove_entity(1, russia)
    window.session.relabel_entity(russia, "ORG")
    window.session.undo_stack.undo()
    assert not {("Russia", "ORG"), ("Russia", "GPE")} & entities_of(project)
    assert errors and "another program changed the entity GPE" in errors[-1]
    assert Entity(russia.start, russia.end, "GPE", russia.source) not in window.session.entities  # shown as stored


def test_a_link_key_decides_on_the_links_stored_now(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # offer
    link = Link(*FIRST, *word("Zelensky"), "speaker")
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))
    assert stored_links(project) == [link]
    with Store.open(project) as other:  # another program unlinks it
        other.links.change_links(1, "tester", remove=[link])
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    press(qtbot, window, hint_of(window, "Zelensky"))  # the statement has no speaker now: the key links it
    assert stored_links(project) == [link]
    assert window.linking.links == [link]
