"""spaCy's entities are training data only once a person saw them here: an imported "done" never vouches.

anna finished her statements in another tool and sent a JSONL with `"_status": "done"`; Annotator
then predicted the entities. Nobody has seen those: CoNLL must leave the article out and the DocBin
must mark its tokens missing, until anna finishes the article in this tool. Entities a file
brings with source user are a person's and stay decided.
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
    """anna opens the article in the window, sees the entities and marks it done."""
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        store.articles.set_status(article, "anna", "done")


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
    finish_here(db_path)
    result = cli("export", *who, out)
    assert result.exit_code == 0, result.output
    assert "Tarsk _ _ B-ORG" in out.read_text(encoding="utf-8")


def test_a_new_prediction_needs_a_new_look(cli, db_path, tmp_path):
    imported_done(cli, tmp_path)
    predict(db_path)
    finish_here(db_path)
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
    finish_here(db_path)
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


def test_marking_an_imported_done_article_done_in_the_window_reviews_its_entities(cli, db_path, tmp_path, qtbot):
    from annotator.ui.annotate.window.main_window import MainWindow

    imported_done(cli, tmp_path)
    predict(db_path)
    with Store.open(db_path) as store:
        window = MainWindow(store, "anna")
        qtbot.addWidget(window)
        (article,) = store.articles.article_ids()
        window.session.open_article(article)
        window.session.mark_done_and_next()  # already done (imported): she confirms it here
        assert store.entities.entities_reviewed() == {(article, "anna")}
        window.close()
    result = cli("export", tmp_path / "ents.conll")
    assert result.exit_code == 0, result.output
