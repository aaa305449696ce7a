"""What an annotator's actions do to the project file, each committed on its own."""

import sqlite3

import pytest

from annotator.records import Entity, IncomingRecord

TEXT = "Zelensky said Kyiv will halt strikes if Moscow does."


@pytest.fixture
def article(store):
    store.add_records([IncomingRecord(TEXT, "t", "s", 1, entities=[Entity(0, 8, "PERSON", "model")])], "x")
    return store.articles.article_ids()[0]


def committed_labels(db_path):
    with sqlite3.connect(db_path) as other:
        return other.execute("SELECT label FROM statement_labels ORDER BY label").fetchall()


def test_toggling_a_label_on_and_off_is_saved_each_time(store, db_path, article):
    assert store.statements.toggle_label(article, "anna", 14, 52, "offer") is True
    assert committed_labels(db_path) == [("offer",)]
    assert store.statements.toggle_label(article, "anna", 14, 52, "condition") is True
    assert committed_labels(db_path) == [("condition",), ("offer",)]
    assert store.statements.toggle_label(article, "anna", 14, 52, "offer") is False
    assert committed_labels(db_path) == [("condition",)]
    assert store.articles.status(article, "anna") == "in_progress"


def test_set_statement_returns_the_state_before_so_it_can_be_undone(store, article):
    store.statements.set_statement(article, "anna", 37, 52, ["condition"], note="if clause")
    before = store.statements.set_statement(article, "anna", 37, 52, [])
    assert before == (("condition",), "if clause")
    assert store.statements.statement_state(article, "anna", 37, 52) == ((), "if clause")
    store.statements.set_statement(article, "anna", 37, 52, *before)
    assert store.statements.statement_state(article, "anna", 37, 52) == (("condition",), "if clause")


def test_a_statement_with_nothing_left_disappears(store, article):
    store.statements.toggle_label(article, "anna", 0, 8, "claim")
    store.statements.toggle_label(article, "anna", 0, 8, "claim")
    assert store.statements.statements(article) == []


def test_annotators_do_not_see_each_others_labels(store, article):
    store.statements.toggle_label(article, "anna", 0, 8, "claim")
    store.statements.toggle_label(article, "ben", 0, 8, "denial")
    assert [s.labels for s in store.statements.statements(article, "anna")] == [("claim",)]
    assert [s.labels for s in store.statements.statements(article, "ben")] == [("denial",)]


def test_spans_outside_the_text_are_refused(store, article):
    with pytest.raises(ValueError, match="outside"):
        store.statements.toggle_label(article, "anna", 40, 99, "claim")


def test_entity_corrections_are_marked_as_the_users(store, article):
    (ent,) = store.entities.entities(article)
    store.entities.relabel_entity(article, ent, "ORG")
    assert store.entities.entities(article) == [Entity(0, 8, "ORG", "user")]
    store.entities.add_entity(article, 14, 18, "GPE")
    store.entities.remove_entity(article, Entity(0, 8, "ORG", "user"))
    assert store.entities.entities(article) == [Entity(14, 18, "GPE", "user")]


def test_status_moves_to_done_and_back(store, article):
    assert store.articles.set_status(article, "anna", "done") == "new"
    assert store.articles.set_status(article, "anna", "in_progress") == "done"
