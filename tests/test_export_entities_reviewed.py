"""spaCy's entities are training data only once a person reviewed them here: neither an imported
"done" nor one given in this tool vouches (done is about statements only).

anna finished her statements in another tool and sent a JSONL with `"_status": "done"`; Annotator
then predicted the entities. Nobody has seen those: CoNLL must leave the article out and the DocBin
must mark its tokens missing, until anna reviews the entities in this tool (the window's entity
review key). Entities a file brings with source user are a person's and stay decided.
"""

from __future__ import annotations

import json

import pytest

from annotator.store import Preannotation, Store
from annotator.tokens import word_tokens
from tests.conftest import write_jsonl

TEXT = "Minister Halvor Brenn met envoys in Tarsk. He offered a pause."
UNREVIEWED = "whose entities nobody decided"


def predict(db_path, entities=(("Halvor Brenn", "PERSON"), ("Tarsk", "ORG"))) -> None:
    """What `annotator preannotate` stores: spaCy's entities (source model), tokens and sentences."""
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        found = [(TEXT.index(w), TEXT.index(w) + len(w), label) for w, label in entities]
        sentences = [(0, TEXT.index(" He")), (TEXT.index("He"), len(TEXT))]
        store.preannotations.store_preannotations(
            [Preannotation(article, "en_core_web_sm-3.8.0", found, sentences, word_tokens(TEXT))]
        )


def imported_done(cli, tmp_path, **extra) -> None:
    offer = TEXT.index("He offered")
    record = {
        "text": TEXT,
        "_annotator_id": "anna",
        "_status": "done",
        "spans": [{"start": offer, "end": len(TEXT), "label": "offer"}],
    }
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "anna.jsonl", [json.dumps(record | extra)])).exit_code == 0


def finish_here(db_path) -> None:
    """anna opens the article in the window and marks it done: her statements, not the entities."""
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        store.articles.set_status(article, "anna", "done")


def review_here(db_path) -> None:
    """anna opens the article in the window, checks the entities and marks them reviewed."""
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        store.entities.set_entity_review(article, "anna", True)


def iob(path) -> list[str]:
    import spacy
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    return [token.ent_iob_ for token in doc]


@pytest.mark.parametrize("who", [[], ["--annotator", "anna"]], ids=["default", "anna"])
def test_an_imported_done_does_not_vouch_for_spacys_entities_in_conll(cli, db_path, tmp_path, who):
    imported_done(cli, tmp_path)
    predict(db_path)
    out = tmp_path / "ents.conll"
    result = cli("export", *who, out)
    assert result.exit_code == 1 and "nothing to export" in result.output
    assert not out.exists()
    review_here(db_path)
    result = cli("export", *who, out)
    assert result.exit_code == 0, result.output
    assert "Tarsk _ _ B-ORG" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("who", [[], ["--annotator", "anna"]], ids=["default", "anna"])
def test_done_in_this_tool_does_not_vouch_for_spacys_entities_in_conll(cli, db_path, tmp_path, who):
    imported_done(cli, tmp_path)
    predict(db_path)
    finish_here(db_path)  # done here: her statements are finished; nobody said the entities are right
    out = tmp_path / "ents.conll"
    result = cli("export", *who, out)
    assert result.exit_code == 1 and "nothing to export" in result.output
    assert "1 article" in result.output and UNREVIEWED in result.output  # left out and counted
    review_here(db_path)
    result = cli("export", *who, out)
    assert result.exit_code == 0, result.output
    assert "Tarsk _ _ B-ORG" in out.read_text(encoding="utf-8")


def test_a_new_prediction_needs_a_new_look(cli, db_path, tmp_path):
    imported_done(cli, tmp_path)
    predict(db_path)
    review_here(db_path)
    predict(db_path, [("Tarsk", "GPE")])  # preannotate again, another pipeline
    result = cli("export", tmp_path / "ents.conll")
    assert result.exit_code == 1 and "nothing to export" in result.output


def test_the_docbin_marks_unreviewed_entities_missing_not_o(cli, db_path, tmp_path):
    imported_done(cli, tmp_path)
    predict(db_path)
    out = tmp_path / "anna.spacy"
    result = cli("export", "--annotator", "anna", out)
    assert result.exit_code == 0, result.output
    assert "spaCy's predictions nobody reviewed" in result.output
    assert set(iob(out)) == {""}  # every token missing: nothing taught as "not an entity"
    finish_here(db_path)  # done here is about statements: the entities stay missing
    assert cli("export", "--annotator", "anna", out).exit_code == 0
    assert set(iob(out)) == {""}
    review_here(db_path)
    assert cli("export", "--annotator", "anna", out).exit_code == 0
    tags = iob(out)
    assert "B" in tags and "O" in tags and "" not in tags


def test_imported_entities_of_a_person_are_decided(cli, db_path, tmp_path):
    start = TEXT.index("Tarsk")
    imported_done(cli, tmp_path, entities=[{"start": start, "end": start + 5, "label": "GPE"}])
    predict(db_path)  # spaCy adds nothing where a person's entities are
    out = tmp_path / "ents.conll"
    result = cli("export", out)
    assert result.exit_code == 0, result.output
    assert "Tarsk _ _ B-GPE" in out.read_text(encoding="utf-8")
    assert UNREVIEWED not in result.output


def test_done_in_the_window_leaves_the_entities_to_their_own_key(cli, db_path, tmp_path, qtbot):
    from annotator.ui.annotate.window.main_window import MainWindow

    imported_done(cli, tmp_path)
    predict(db_path)
    with Store.open(db_path) as store:
        window = MainWindow(store, "anna")
        qtbot.addWidget(window)
        (article,) = store.articles.article_ids()
        window.session.open_article(article)
        window.session.mark_done_and_next()  # already done (imported): done says nothing about entities
        assert store.entities.entities_reviewed() == set()
        assert "entities unreviewed" in window.entity_state.text()
        window.session.open_article(article)
        window.actions_by_name["review_entities"].trigger()
        assert store.entities.entities_reviewed() == {(article, "anna")}
        assert "entities reviewed by anna" in window.entity_state.text()
        assert "reviewed" in window.save_state.text()  # the key says what it wrote
        assert window.list_panel.model.rows[0].entities_reviewed
        window.close()
    result = cli("export", tmp_path / "ents.conll")
    assert result.exit_code == 0, result.output


def test_a_project_from_before_the_review_key_keeps_its_meaning(cli, db_path, tmp_path):
    """Made when "done" also reviewed the entities: an article finished here after the prediction
    stays reviewed (the window says it came with done); the export keeps its entities."""
    import sqlite3

    import sqlite_utils

    from annotator.store.schema import migrations, version_with

    conn = sqlite3.connect(db_path)
    migrations.apply(sqlite_utils.Database(conn), stop_before="m013_entity_review_own_key")
    conn.execute(f"PRAGMA user_version = {version_with('m013_entity_review_own_key') - 1}")
    conn.executescript(
        f"""
        INSERT INTO articles(id, hash, title, text, pipeline, created_at)
            VALUES (1, 'h', 't', '{TEXT}', 'en_core_web_sm-3.8.0', '2025-01-01T00:00:00');
        INSERT INTO annotators(id, name, created_at, kind) VALUES (1, 'anna', '2025-01-01T00:00:00', 'human');
        INSERT INTO sentences(article_id, start, end)
            VALUES (1, 0, {TEXT.index(" He")}), (1, {TEXT.index("He")}, {len(TEXT)});
        INSERT INTO tokens(article_id, bounds) VALUES (1, '{json.dumps([b for t in word_tokens(TEXT) for b in t])}');
        INSERT INTO entities(article_id, start, end, label, source)
            VALUES (1, {TEXT.index("Tarsk")}, {TEXT.index("Tarsk") + 5}, 'ORG', 'model');
        INSERT INTO article_status(article_id, annotator_id, status, updated_at)
            VALUES (1, 1, 'done', '2025-01-02T00:00:00');
        INSERT INTO entities_reviewed(article_id, annotator_id, reviewed_at) VALUES (1, 1, '2025-01-02T00:00:00');
        """
    )
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert store.entities.entity_reviewers(1) == [("anna", True)]  # reviewed, with an old "done"
        assert store.entities.entities_reviewed() == {(1, "anna")}
    result = cli("export", tmp_path / "ents.conll")
    assert result.exit_code == 0, result.output
    assert "Tarsk _ _ B-ORG" in (tmp_path / "ents.conll").read_text(encoding="utf-8")
