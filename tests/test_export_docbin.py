"""The DocBin teaches spaCy only what is known: an entity it cannot place, or never predicted, is missing, not O.

And the judgment "off token boundaries" is the same in every format, made against the tokens
the format carries (spaCy's, a line break included), so a span ending in a newline is no
false alarm in the JSONL when the DocBin holds it.
"""

from __future__ import annotations

import json

import pytest
import srsly

from annotator.nlp.pipeline import preannotate
from annotator.records import Entity, IncomingRecord, Span
from annotator.store import Store
from tests.conftest import export_file, write_jsonl

pytestmark = pytest.mark.spacy

TEXT = "Kyiv will halt strikes.\nMoscow must stop first."
FIRST = (0, TEXT.index("\n") + 1)  # the first sentence with the line break after it
KYIV = (0, 4)


def aligned_ner(doc) -> list[str | None]:
    """spaCy's own reading of the DocBin's entity annotation, as `spacy train` sees it."""
    from spacy.tokens import Doc
    from spacy.training import Example

    predicted = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    return Example(predicted, doc).get_aligned_ner()


def docs_of(path):
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def finished(store: Store, text: str, spans=(), entities=(), annotator: str = "anna") -> None:
    record = IncomingRecord(text, "t", "test", 1, spans=list(spans), entities=list(entities), annotator=annotator)
    record.status = "done"
    store.add_records([record], annotator)


def test_an_entity_off_token_boundaries_is_missing_not_outside(store, pipeline, tmp_path):
    finished(store, TEXT, [Span(*FIRST, "offer")], [Entity(0, 3, "GPE", "user"), Entity(24, 30, "GPE", "user")])
    preannotate(store, pipeline)
    summary = export_file(store, tmp_path / "out.spacy")
    (doc,) = docs_of(tmp_path / "out.spacy")
    ner = aligned_ner(doc)
    assert [t.text for t in doc][:2] == ["Kyiv", "will"]
    assert ner[0] is None, "'Kyi' is not a token: Kyiv's entity is unknown, so spacy train learns nothing there"
    assert ner[1] == "O" and "U-GPE" in ner, "the rest is known: Moscow is an entity, 'will' is not"
    assert summary.counts["entities_missing"] == 1 and not summary.ok
    assert any("entity 0-3 'GPE' 'Kyi'" in w and "missing in doc.ents, not O" in w for w in summary.warnings)

    snapped = export_file(store, tmp_path / "snapped.spacy", align="expand")
    (doc,) = docs_of(tmp_path / "snapped.spacy")
    assert aligned_ner(doc)[0] == "U-GPE" and snapped.counts["snapped"] == 1 and snapped.ok


def test_an_article_whose_entities_were_never_predicted_is_all_missing(cli, db_path, tmp_path):
    record = {"text": TEXT, "_annotator_id": "anna", "spans": [{"start": FIRST[0], "end": FIRST[1], "label": "offer"}]}
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "in.jsonl", [json.dumps(record)])).exit_code == 0
    result = cli("export", tmp_path / "out.spacy", "--json")
    assert result.exit_code == 0, result.output
    items = {item["item"]: item["count"] for item in json.loads(result.stdout)["items"]}
    assert items["ner_unknown"] == 1
    (doc,) = docs_of(tmp_path / "out.spacy")
    assert set(aligned_ner(doc)) == {None}, "--no-ner: nobody looked for entities, so none is known absent"
    assert [s.label_ for s in doc.spans["sc"]] == ["offer"]


def test_a_predicted_article_without_entities_is_all_outside(store, pipeline, tmp_path):
    text = "Talks could resume soon.\nNothing was decided."
    finished(store, text, [Span(0, text.index("\n"), "claim")])
    preannotate(store, pipeline)
    assert store.entities.entities(1) == []
    summary = export_file(store, tmp_path / "out.spacy")
    (doc,) = docs_of(tmp_path / "out.spacy")
    assert set(aligned_ner(doc)) == {"O"} and summary.counts["ner_unknown"] == 0


def test_the_uncovered_tokens_of_an_overlapping_entity_are_missing(store, pipeline, tmp_path):
    text = "Vladimir Putin met Volodymyr Zelensky in Geneva."
    finished(store, text, [Span(0, len(text), "claim")], [Entity(0, 14, "PERSON"), Entity(9, 18, "ORG")])
    preannotate(store, pipeline)
    store.articles.set_status(store.articles.article_ids()[0], "anna", "done")
    store.entities.set_entity_review(
        store.articles.article_ids()[0], "anna", True
    )  # anna reviewed the entities in the window
    summary = export_file(store, tmp_path / "out.spacy")
    (doc,) = docs_of(tmp_path / "out.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Vladimir Putin", "PERSON")]
    assert aligned_ner(doc)[:4] == ["B-PERSON", "L-PERSON", None, "O"], "'met' of 'Putin met' is unknown"
    assert summary.counts["overflow"] == 1 and next(iter(doc.spans["ents_overflow"])).text == "Putin met"


def test_a_span_ending_in_a_line_break_is_on_token_boundaries_in_every_format(store, pipeline, tmp_path):
    finished(store, TEXT, [Span(*FIRST, "offer"), Span(1, 9, "claim")])  # the second starts inside "Kyiv"
    preannotate(store, pipeline)
    tasks = export_file(store, tmp_path / "out.jsonl")
    docbin = export_file(store, tmp_path / "out.spacy")
    (task,) = srsly.read_jsonl(tmp_path / "out.jsonl")
    (doc,) = docs_of(tmp_path / "out.spacy")
    assert [(t["start"], t["end"]) for t in task["tokens"]] == [(t.idx, t.idx + len(t)) for t in doc]
    assert any(t["text"] == "\n" for t in task["tokens"]), "spaCy's line-break token, carried by the JSONL"
    offer = next(s for s in task["spans"] if s["label"] == "offer")
    assert task["tokens"][offer["token_end"]]["text"] == "\n"
    assert [(s.start_char, s.end_char) for s in doc.spans["sc"]] == [FIRST]
    # one judgment for both: only the span that starts inside a word is off token boundaries
    assert tasks.counts["misaligned"] == docbin.counts["skipped"] == 1
    assert [w.split(" does not")[0] for w in tasks.warnings] == [w.split(" does not")[0] for w in docbin.warnings]
