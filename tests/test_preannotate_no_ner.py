"""A pipeline without NER (the textcat model `annotator train --output` writes) predicts no entities:
pre-annotating with it must leave them unknown, never teach every token "O", and say so.
`preannotate --redo` then pre-annotates again with a pipeline that has NER.
"""

from __future__ import annotations

import json

import pytest

from annotator.records import Entity
from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Minister Halvor Brenn met envoys in Tarsk. He offered a pause on strikes."


@pytest.fixture
def no_ner_model(tmp_path):
    """A spaCy pipeline folder with a tokenizer and sentences, but nothing that finds entities."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "model1")
    return tmp_path / "model1"


def anna_finished(cli, tmp_path) -> None:
    start = TEXT.index("He offered")
    record = {"text": TEXT, "_annotator_id": "anna", "spans": [{"start": start, "end": len(TEXT), "label": "offer"}]}
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "two.jsonl", [json.dumps(record)])).exit_code == 0
    with Store.open(tmp_path / "project.annotator.sqlite") as store:
        store.articles.set_status(store.articles.article_ids()[0], "anna", "done")  # finished here
        # and her entity review: that vouches only for a NER
        store.entities.set_entity_review(store.articles.article_ids()[0], "anna", True)


def iob(path) -> list[str]:
    import spacy
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    return [token.ent_iob_ for token in doc]


def test_a_pipeline_without_ner_leaves_entities_unknown_and_says_so(cli, db_path, tmp_path, no_ner_model):
    anna_finished(cli, tmp_path)
    result = cli("preannotate", "--pipeline", no_ner_model)
    assert result.exit_code == 0, result.output
    assert "no ner or entity_ruler: entities not predicted" in result.stdout
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        assert store.articles.sentences(article) and store.articles.tokens(article)  # sentences and tokens did come
        assert store.entities.entities(article) == []
    out = tmp_path / "pp.spacy"
    assert cli("export", "--annotator", "anna", out).exit_code == 0
    assert set(iob(out)) == {""}, "every token missing: 'Halvor Brenn' is not taught as not-an-entity"
    conll = cli("export", "--annotator", "anna", tmp_path / "pp.conll")
    assert conll.exit_code == 1 and "never predicted" in conll.output


def test_redo_pre_annotates_again_and_keeps_a_persons_entities(cli, db_path, tmp_path, no_ner_model):
    anna_finished(cli, tmp_path)
    with Store.open(db_path) as store:
        store.entities.add_entity(store.articles.article_ids()[0], 0, 8, "TITLE")  # a person's correction
    assert cli("preannotate", "--pipeline", no_ner_model).exit_code == 0
    assert "nothing to pre-annotate" in cli("preannotate", "--pipeline", "rules").stdout
    result = cli("preannotate", "--redo", "--pipeline", "rules")
    assert result.exit_code == 0, result.output
    assert "pre-annotating 1 article again" in result.stdout and "pre-annotated 1 article" in result.stdout
    with Store.open(db_path) as store:
        (row,) = store.export_rows("anna")
        assert row.entities_known
        assert Entity(0, 8, "TITLE", "user") in row.entities


def test_redo_takes_no_corpus(cli, tmp_path):
    result = cli("preannotate", "--redo", tmp_path / "corpus.jsonl", "--out", tmp_path / "shards")
    assert result.exit_code == 2 and "--redo" in result.output
