"""An annotator imports the sample corpus and finds it pre-annotated by real spaCy."""

import json

import pytest

from annotator.store import Store
from tests.conftest import SEEDS

pytestmark = pytest.mark.spacy


def test_importing_the_seed_folder_creates_five_preannotated_articles(cli, db_path):
    result = cli("import", SEEDS)
    assert result.exit_code == 0, result.output
    assert "imported 5 new articles" in result.stdout
    assert "pre-annotated 5 articles" in result.stdout
    with Store.open(db_path) as store:
        figures = store.stats()
        assert figures["articles"] == figures["preannotated"] == 5
        assert figures["entities"] > 100
        assert figures["sentences"] > 50
        titles = {store.articles.article(i).title for i in store.articles.article_ids()}
        assert "Ukraine Proposes Ceasefire Negotiations with Russia Focused on Energy Infrastructure" in titles


def test_entities_and_sentences_slice_the_stored_text(cli, db_path):
    cli("import", SEEDS)
    with Store.open(db_path) as store:
        for article_id in store.articles.article_ids():
            text = store.articles.article(article_id).text
            for ent in store.entities.entities(article_id):
                assert text[ent.start : ent.end].strip() == text[ent.start : ent.end]
                assert ent.source == "model"
            sentences = store.articles.sentences(article_id)
            assert sentences == sorted(sentences)
            assert all(text[s:e].strip() for s, e in sentences)


def test_kyiv_is_never_a_person(cli, db_path):
    cli("import", SEEDS)
    with Store.open(db_path) as store:
        labels = {
            (store.articles.article(a).text[e.start : e.end], e.label)
            for a in store.articles.article_ids()
            for e in store.entities.entities(a)
        }
    assert ("Kyiv", "GPE") in labels
    assert not {label for name, label in labels if name == "Kyiv"} - {"GPE"}
    assert ("Zelensky", "PERSON") in labels


def test_importing_again_adds_nothing(cli, db_path):
    cli("import", SEEDS)
    with Store.open(db_path) as store:
        before = store.stats()
    result = cli("import", SEEDS)
    assert "imported 0 new articles, 5 records matched articles already in the project; 0 labels" in result.stdout
    with Store.open(db_path) as store:
        assert store.stats() == before


def test_an_interrupted_preannotation_resumes_on_the_next_import(cli, db_path):
    result = cli("import", "--no-ner", SEEDS)
    assert "pre-annotated" not in result.stdout
    with Store.open(db_path) as store:
        assert store.stats()["preannotated"] == 0
    result = cli("import", SEEDS)
    assert "pre-annotated 5 articles" in result.stdout


def test_rule_based_pipeline_still_finds_sentences_and_names(cli, db_path):
    result = cli("import", "--pipeline", "rules", SEEDS)
    assert result.exit_code == 0
    assert "rules only" in result.stderr
    with Store.open(db_path) as store:
        figures = store.stats()
    assert figures["sentences"] > 50
    assert set(figures["entity_labels"]) <= {"GPE", "NORP", "ORG", "PERSON"}
    assert figures["entity_labels"]["PERSON"] > 5


def test_a_missing_pipeline_is_a_clear_error(cli, tmp_path):
    result = cli("import", "--pipeline", "xx_no_such_pipeline", SEEDS)
    assert result.exit_code == 1
    assert "cannot load the spaCy pipeline 'xx_no_such_pipeline'" in result.output
    assert "Traceback" not in result.output


def test_stats_json_reports_the_project(cli):
    cli("import", SEEDS)
    figures = json.loads(cli("stats", "--json").stdout)
    assert figures["articles"] == 5
    assert figures["spans"] == 0
    assert figures["annotators"] == []
    assert figures["entities"] > 100
