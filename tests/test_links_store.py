"""Links in the project file: who said it, to whom, on which condition — each action committed, undoable."""

import sqlite3

import pytest

from annotator.records import GOLD, Entity, IncomingRecord, Link, LinkType
from annotator.schemes.links import default_link_types, project_link_types
from annotator.store import SlotState, Store

TEXT = "Putin signaled a readiness to halt attacks, contingent on Ukraine reciprocating. Kyiv denied it."
STATEMENT = (0, TEXT.index(",") + len(", contingent on Ukraine reciprocating."))  # the first sentence
PUTIN = (0, 5)
UKRAINE = (TEXT.index("Ukraine"), TEXT.index("Ukraine") + len("Ukraine"))
CONDITION = (TEXT.index("contingent"), TEXT.index(" reciprocating") + len(" reciprocating"))
DENIAL = (TEXT.index("Kyiv"), len(TEXT))


@pytest.fixture
def article(store):
    entities = [Entity(*PUTIN, "PERSON"), Entity(*UKRAINE, "GPE")]
    store.add_records([IncomingRecord(TEXT, "t", "s", 1, entities=entities)], "x")
    return store.articles.article_ids()[0]


def committed_links(db_path):
    with sqlite3.connect(db_path) as other:
        return other.execute(
            "SELECT a.name, head_start, head_end, child_start, child_end, label FROM links l "
            "JOIN annotators a ON a.id = l.annotator_id ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall()


def test_the_default_link_types_are_this_domains(store):
    types = project_link_types(store)
    assert [(t.name, t.ends, t.key) for t in types] == [
        ("speaker", "entity", "S"),
        ("target", "entity", "T"),
        ("condition-of", "statement", ""),
        ("responds-to", "statement", ""),
    ]
    assert types == default_link_types()


def test_a_link_is_committed_at_once_and_its_undo_is_another_committed_action(store, db_path, article):
    speaker = Link(*STATEMENT, *PUTIN, "speaker")
    change = store.links.change_links(article, "anna", add=[speaker])
    assert change.added == (speaker,) and not change.removed
    assert committed_links(db_path) == [("anna", *STATEMENT, *PUTIN, "speaker")]
    assert store.articles.status(article, "anna") == "in_progress"
    assert not store.links.change_links(article, "anna", add=[speaker])  # already there: nothing changed
    store.links.change_links(article, "anna", **change.reversed())
    assert committed_links(db_path) == []


def test_links_belong_to_one_layer(store, article):
    store.links.change_links(article, "anna", add=[Link(*STATEMENT, *PUTIN, "speaker")])
    store.links.change_links(article, "ben", add=[Link(*STATEMENT, *UKRAINE, "speaker")])
    assert store.links.links(article, "anna") == [Link(*STATEMENT, *PUTIN, "speaker")]
    assert [who for who, _ in store.links.article_links(article)] == ["anna", "ben"]
    assert store.layers.layers() == ["anna", "ben"]  # links alone make a layer


def test_a_link_must_stay_inside_its_text_and_not_loop(store, db_path, article):
    with pytest.raises(ValueError, match="outside"):
        store.links.change_links(article, "anna", add=[Link(*STATEMENT, 90, 200, "speaker")])
    with pytest.raises(ValueError, match="itself"):
        store.links.change_links(article, "anna", add=[Link(*STATEMENT, *STATEMENT, "responds-to")])
    assert committed_links(db_path) == []


def test_clearing_a_statement_takes_its_links_and_undo_brings_them_back(store, db_path, article):
    store.statements.set_statement(article, "anna", *STATEMENT, ["offer"])
    store.statements.set_statement(article, "anna", *CONDITION, ["condition"])
    links = [
        Link(*STATEMENT, *PUTIN, "speaker"),
        Link(*STATEMENT, *UKRAINE, "target"),
        Link(*CONDITION, *STATEMENT, "condition-of"),  # the offer is this link's other end
        Link(*DENIAL, *UKRAINE, "speaker"),  # not touched
    ]
    store.links.change_links(article, "anna", add=links)
    cleared = store.statements.clear_statement(article, "anna", *STATEMENT)
    assert cleared.labels == ("offer",) and sorted(cleared.links) == sorted(links[:3])
    assert [row[1:] for row in committed_links(db_path)] == [(*DENIAL, *UKRAINE, "speaker")]
    assert store.statements.statement_state(article, "anna", *STATEMENT) == ((), "")
    store.statements.restore_statement(article, "anna", *STATEMENT, cleared)
    assert sorted(store.links.links(article, "anna")) == sorted(links)
    assert store.statements.statement_state(article, "anna", *STATEMENT) == (("offer",), "")


def test_an_entity_correction_never_removes_a_link(store, article):
    """Entities are everyone's: relabeling one is a remove and an add, and the link stays on its words."""
    store.links.change_links(article, "anna", add=[Link(*STATEMENT, *PUTIN, "speaker")])
    store.entities.relabel_entity(article, Entity(*PUTIN, "PERSON"), "ORG")
    store.entities.remove_entity(article, Entity(*PUTIN, "ORG", "user"))
    assert store.links.links(article, "anna") == [Link(*STATEMENT, *PUTIN, "speaker")]


def test_a_gold_slot_records_a_decision_even_without_links(store, article):
    before = store.links.set_slot(article, GOLD, STATEMENT, "speaker", SlotState((), True))
    assert before == SlotState((), False)
    assert list(store.links.link_decisions(GOLD)) == [(article, *STATEMENT, "speaker")]
    store.links.set_slot(article, GOLD, STATEMENT, "speaker", SlotState((PUTIN,), True))
    assert store.links.links(article, GOLD) == [Link(*STATEMENT, *PUTIN, "speaker")]
    store.links.set_slot(article, GOLD, STATEMENT, "speaker", before)
    assert store.links.links(article, GOLD) == [] and list(store.links.link_decisions(GOLD)) == []


def test_renaming_a_link_type_carries_its_links_over(store, article):
    store.links.change_links(
        article, "anna", add=[Link(*STATEMENT, *PUTIN, "speaker"), Link(*STATEMENT, *UKRAINE, "target")]
    )
    types = [LinkType("source", "#0f766e"), LinkType("speaker", "#b45309")]  # swap-like: target → speaker too
    moved = store.schemes.update_link_scheme(types, {"speaker": "source", "target": "speaker"})
    assert moved == 2
    assert sorted(store.links.links(article, "anna")) == [
        Link(*STATEMENT, *PUTIN, "source"),
        Link(*STATEMENT, *UKRAINE, "speaker"),
    ]
    assert [t.name for t in project_link_types(store)] == ["source", "speaker"]


def test_a_link_type_in_the_data_but_not_in_the_scheme_is_shown(store, article):
    store.links.change_links(article, "anna", add=[Link(*STATEMENT, *PUTIN, "quoted-by")])
    found = project_link_types(store)[-1]
    assert (found.name, found.ends) == ("quoted-by", "any")


def test_export_rows_carry_each_layers_links(store, article):
    store.statements.set_statement(article, "anna", *STATEMENT, ["offer"])
    store.links.change_links(article, "anna", add=[Link(*STATEMENT, *PUTIN, "speaker")])
    store.links.change_links(article, "ben", add=[Link(*STATEMENT, *UKRAINE, "target")])
    rows = {row.annotator: row.links for row in store.export_rows()}
    assert rows == {"anna": (Link(*STATEMENT, *PUTIN, "speaker"),), "ben": (Link(*STATEMENT, *UKRAINE, "target"),)}
    (only,) = store.export_rows("ben")
    assert only.links == (Link(*STATEMENT, *UKRAINE, "target"),) and only.status == "in_progress"
    assert store.stats()["links"] == 2


def test_a_teammates_file_brings_its_links_and_decisions(tmp_path, store, article):
    """Merging a teammate's project file loses nothing: links, and the gold slots its review decided."""
    from annotator.importing.run import import_paths

    theirs = tmp_path / "ben.annotator.sqlite"
    with Store.create(theirs) as other:
        other.add_records([IncomingRecord(TEXT, "t", "s", 1)], "x")
        art = other.articles.article_ids()[0]
        other.statements.set_statement(art, "ben", *STATEMENT, ["offer"])
        other.links.change_links(
            art, "ben", add=[Link(*STATEMENT, *PUTIN, "speaker"), Link(*DENIAL, *STATEMENT, "responds-to")]
        )
        other.links.set_slot(art, GOLD, STATEMENT, "target", SlotState((), True))
        other.articles.set_status(art, "ben", "done")
    report = import_paths(store, [theirs], annotator="me")
    assert report.rejections == []
    assert report.counts.links_added == 2
    assert store.links.links(article, "ben") == [
        Link(*STATEMENT, *PUTIN, "speaker"),
        Link(*DENIAL, *STATEMENT, "responds-to"),
    ]
    assert list(store.links.link_decisions(GOLD)) == [(article, *STATEMENT, "target")]
    assert store.articles.status(article, "ben") == "done"
