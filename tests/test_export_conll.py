"""Back to CoNLL: a corpus of tagged documents goes through Annotator and out again with the same
documents, tokens and tags, and an export for NER training holds only what people decided —
never spaCy's unreviewed guesses, never an O where nothing is known."""

from __future__ import annotations

import json

import pytest

from annotator.export.rule import ENTITIES_UNREVIEWED
from annotator.records import Entity, IncomingRecord, Span
from annotator.store import Preannotation, Store
from annotator.tokens import word_tokens
from tests.test_import_conll import CONLL_2003, token_tags, write

BILOU = "-DOCSTART- -X- O O\n\nThe O\nEuropean B-ORG\nCentral I-ORG\nBank L-ORG\nbacked O\nKyiv U-GPE\n. O\n"


def test_a_conll_corpus_goes_through_annotator_with_the_same_documents_tokens_and_tags(cli, tmp_path):
    cli("import", "--no-ner", write(tmp_path / "news.conll", CONLL_2003))
    out = tmp_path / "back.conll"
    result = cli("export", out)  # the ending picks CoNLL
    assert result.exit_code == 0, result.output
    assert "exported 2 records from 2 articles" in result.stdout and "labels: GPE 1, LOC 1, PER 1" in result.stdout
    ours = out.read_text(encoding="utf-8")
    assert token_tags(ours) == token_tags(CONLL_2003)
    assert ours.startswith("-DOCSTART- -X- O O\n\nUkraine _ _ B-GPE\n") and "\n\nVladimir _ _ B-PER\n" in ours


def test_bilou_goes_back_out_as_bilou_and_spacy_convert_reads_it(cli, tmp_path):
    from spacy.training.converters import conll_ner_to_docs

    cli("import", "--no-ner", write(tmp_path / "ecb.conll", BILOU))
    out = tmp_path / "back.conll"
    assert cli("export", out, "--tag-scheme", "bilou").exit_code == 0
    assert token_tags(out.read_text(encoding="utf-8")) == token_tags(BILOU)
    iob2 = tmp_path / "iob2.conll"
    cli("export", iob2)
    (doc,) = conll_ner_to_docs(iob2.read_text(encoding="utf-8"), no_print=True)
    assert [(e.text, e.label_) for e in doc.ents] == [("European Central Bank", "ORG"), ("Kyiv", "GPE")]


def project(store: Store, records: list[IncomingRecord], entities: dict[str, list[tuple[str, str]]]) -> dict[str, int]:
    """Articles with spaCy's entities (source model) as a pre-annotation run stores them; ids by text."""
    store.add_records(records, "importer")
    ids = {store.articles.article(i).text: i for i in store.articles.article_ids()}
    store.preannotations.store_preannotations(
        Preannotation(
            ids[text],
            "test",
            [(text.index(words), text.index(words) + len(words), label) for words, label in found],
            [],
            word_tokens(text),
        )
        for text, found in entities.items()
    )
    return ids


def test_spacy_s_guesses_go_out_only_where_an_annotator_finished_the_article(store, tmp_path):
    from tests.conftest import export_file

    reviewed, guessed = "Kyiv offered talks in Geneva.", "Moscow denied the report."
    ids = project(
        store,
        [
            IncomingRecord(reviewed, "a", "t", 1, spans=[Span(0, 4, "offer")], annotator="anna", status="done"),
            IncomingRecord(guessed, "b", "t", 2),
        ],
        {reviewed: [("Kyiv", "GPE"), ("Geneva", "GPE")], guessed: [("Moscow", "GPE")]},
    )
    store.articles.set_status(ids[reviewed], "anna", "done")  # she finished it in the window
    store.entities.set_entity_review(ids[reviewed], "anna", True)  # and reviewed its entities (their own key)
    out = tmp_path / "ner.conll"
    summary = export_file(store, out)
    assert summary.ok and summary.records == 1 and dict(summary.labels) == {"GPE": 2}
    assert dict(summary.left_out) == {ENTITIES_UNREVIEWED: 1}
    assert [token for doc in token_tags(out.read_text(encoding="utf-8")) for token, _ in doc][:2] == ["Kyiv", "offered"]
    anna = export_file(store, tmp_path / "anna.conll", annotator="anna")
    assert anna.records == 1 and dict(anna.left_out) == {"untouched by this layer": 1}


def test_an_article_whose_entities_were_never_predicted_is_left_out_not_written_all_o(store, tmp_path):
    from tests.conftest import export_file

    text = "Kyiv offered talks in Geneva."
    store.add_records(
        [IncomingRecord(text, "a", "t", 1, spans=[Span(0, 4, "offer")], annotator="anna", status="done")], "x"
    )
    with pytest.raises(Exception, match="nothing to export"):
        export_file(store, tmp_path / "ner.conll")
    assert not (tmp_path / "ner.conll").exists()


def test_a_sentence_whose_entity_cannot_be_tagged_is_left_out_and_the_export_says_so(cli, db_path, tmp_path):
    text = "Kyiv offered talks.\nThe Kremlin said no."
    record = {
        "text": text,
        "_annotator_id": "anna",
        "_status": "done",
        "entities": [
            {"start": 0, "end": 4, "label": "GPE"},
            {"start": text.index("Kremlin") + 1, "end": text.index("Kremlin") + 7, "label": "ORG"},  # "remlin"
        ],
    }
    src = tmp_path / "anna.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    cli("import", "--no-ner", src)
    out = tmp_path / "ner.conll"
    result = cli("export", out)
    assert result.exit_code == 1  # a loss: the file holds less than asked
    assert "sentences left out: an entity there cannot be tagged" in result.stdout
    assert "entity 25-31 'ORG' 'remlin' not on token boundaries: its sentence is left out" in result.stderr
    written = token_tags(out.read_text(encoding="utf-8"))
    assert written == [[("Kyiv", "B-GPE"), ("offered", "O"), ("talks.", "O")]]
    snapped = cli("export", out, "--align", "expand")
    assert snapped.exit_code == 0, snapped.output
    assert "snapped onto whole tokens" in snapped.stdout
    assert ("Kremlin", "B-ORG") in token_tags(out.read_text(encoding="utf-8"))[0]


def test_overlapping_entities_leave_their_sentence_out_and_no_tag_is_ever_a_dash(tmp_path):
    from annotator.formats.conll import conll_document, conll_lines

    text = "The European Union backed Kyiv today.\nTalks resume."
    doc = conll_document(text, [Entity(4, 18, "ORG"), Entity(4, 12, "NORP"), Entity(26, 30, "GPE")])
    assert doc.left_out == [(Entity(4, 12, "NORP"), "overlaps another entity")]
    assert doc.certain() == [[("Talks", "O"), ("resume.", "O")]]
    assert all(line.split()[-1] != "-" for line in conll_lines([doc]) if line)


def test_a_sentence_never_splits_an_entity():
    from annotator.formats.conll import conll_document

    text = "Talks in New\nYork resume."
    doc = conll_document(text, [Entity(9, 17, "GPE")])
    assert doc.sentences == [[("Talks", "O"), ("in", "O"), ("New", "B-GPE"), ("York", "I-GPE"), ("resume.", "O")]]
    assert doc.left_out == [] and doc.uncertain == set()


def test_conll_is_a_training_format_one_layer_finished_articles(cli, tmp_path):
    cli("import", "--no-ner", write(tmp_path / "news.conll", CONLL_2003))
    every = cli("export", tmp_path / "x.conll", "--all-layers")
    assert every.exit_code == 1 and "conll is a training format and never mixes layers" in every.stderr
    started = cli("export", tmp_path / "x.conll", "--articles", "started")
    assert started.exit_code == 1 and "takes finished articles only" in started.stderr


def test_an_entity_label_with_a_line_break_never_becomes_token_lines(tmp_path):
    """A label stored before names were checked at the door: CoNLL leaves its entity out and says why."""
    from annotator.formats.conll import conll_document, conll_lines

    text = "Evil corp backed Kyiv today."
    doc = conll_document(text, [Entity(0, 4, "ORG\nEvil _ _ B-INJECTED"), Entity(17, 21, "GPE")])
    assert doc.left_out == [
        (Entity(0, 4, "ORG\nEvil _ _ B-INJECTED"), "has a label with a space or line break, which CoNLL cannot hold")
    ]
    lines = [line for line in conll_lines([doc]) if line]
    assert not any("INJECTED" in line for line in lines)
