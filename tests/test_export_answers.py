"""A span or a task answered reject is kept as what it is: stored, round-tripped, never a label.

Prodigy's binary recipes (`ner.teach`) write a span's own `"answer": "reject"`; its manual and
review recipes answer a whole task reject or ignore. Both come in as answers, not statements.
"""

from __future__ import annotations

import csv
import json

import pytest
import srsly

from annotator.records import RejectedSpan
from annotator.review import collect, compute_agreement
from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Kyiv said it would halt strikes. Moscow denied any offer."
HALT = (0, TEXT.index(".") + 1)
DENIED = (TEXT.index("Moscow"), len(TEXT))


def span(bounds: tuple[int, int], label: str, **extra) -> dict:
    return {"start": bounds[0], "end": bounds[1], "label": label, **extra}


@pytest.fixture
def answered(cli, db_path, tmp_path):
    """anna: accepted HALT as an offer and rejected DENIED as an offer (finished); ben rejected the whole task."""
    records = [
        {
            "text": TEXT,
            "_annotator_id": "anna",
            "_status": "done",
            "spans": [span(HALT, "offer", answer="accept"), span(DENIED, "offer", answer="reject")],
        },
        {"text": TEXT, "_annotator_id": "ben", "answer": "reject", "spans": [span(HALT, "demand")]},
    ]
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", [json.dumps(r) for r in records]))
    assert result.exit_code == 0, result.output
    return db_path


def test_a_rejected_span_is_stored_as_an_answer_never_as_a_label(answered):
    with Store.open(answered) as store:
        (anna,) = [s for s in store.statements.statements(1) if s.annotator == "anna"]
        assert ((anna.start, anna.end), anna.labels) == (HALT, ("offer",))
        assert [s for s in store.statements.statements(1) if s.annotator == "ben"] == []
        assert store.stats()["labels"] == {"offer": 1}
        rows = {row.annotator: row for row in store.export_rows()}
        assert rows["anna"].rejected == (RejectedSpan(*DENIED, "offer", "reject"),)
        assert (rows["ben"].answer, rows["ben"].rejected) == ("reject", (RejectedSpan(*HALT, "demand", "reject"),))
        assert compute_agreement(collect(store)).label_counts == {"offer": {"anna": 1}}


def test_prodigy_jsonl_writes_each_answer_back_and_imports_it_again_unchanged(answered, cli, tmp_path):
    out = tmp_path / "every.jsonl"
    result = cli("export", out, "--all-layers", "--articles", "all")
    assert result.exit_code == 0, result.output
    # anna's rejected span; ben's span is his rejected task's, counted once, with the task
    assert "spans answered reject/ignore, written with their answer (not as labels): 1" in result.stdout
    assert "whole tasks answered reject/ignore, written with their answer: 1" in result.stdout
    anna, ben = sorted(srsly.read_jsonl(out), key=lambda t: t["_annotator_id"])
    assert anna["answer"] == "accept"
    assert [(s["label"], s.get("answer")) for s in anna["spans"]] == [("offer", None), ("offer", "reject")]
    assert ben["answer"] == "reject" and [(s["label"], s.get("answer")) for s in ben["spans"]] == [("demand", None)]

    back = tmp_path / "back.annotator.sqlite"
    assert cli("import", "--no-ner", out, db=back).exit_code == 0
    again = tmp_path / "again.jsonl"
    assert cli("export", again, "--all-layers", "--articles", "all", db=back).exit_code == 0
    assert list(srsly.read_jsonl(again)) == list(srsly.read_jsonl(out))


@pytest.mark.spacy
def test_no_training_format_takes_a_rejected_span_for_a_label(answered, cli, tmp_path):
    from tests.test_export_formats import docbin_docs

    docbin = cli("export", tmp_path / "anna.spacy", "--annotator", "anna")
    assert docbin.exit_code == 0, docbin.output
    assert "spans answered reject/ignore left out: an answer, not a label: 1" in docbin.stdout
    (doc,) = docbin_docs(tmp_path / "anna.spacy")
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]] == [(*HALT, "offer")]
    assert [list(s) for s in doc.user_data["annotator"]["rejected_spans"]] == [[*DENIED, "offer", "reject"]]

    cli("export", tmp_path / "anna.textcat.jsonl", "--format", "textcat", "--annotator", "anna")
    cats = {record["text"]: record["cats"]["offer"] for record in srsly.read_jsonl(tmp_path / "anna.textcat.jsonl")}
    assert cats == {TEXT[slice(*HALT)]: 1}, "DENIED has no sentence split here (--no-ner): not written at all"

    cli("export", tmp_path / "anna.doccano.jsonl", "--format", "doccano", "--annotator", "anna")
    (line,) = srsly.read_jsonl(tmp_path / "anna.doccano.jsonl")
    assert line["label"] == [[*HALT, "offer"]]

    cli("export", tmp_path / "anna.csv", "--annotator", "anna")
    with (tmp_path / "anna.csv").open(newline="", encoding="utf-8") as handle:
        rows = [(r["label"], r["answer"]) for r in csv.DictReader(handle)]
    assert rows == [("offer", "accept"), ("offer", "reject")]


def test_a_task_answered_reject_is_left_out_of_every_other_format_and_counted(answered, cli, tmp_path):
    for fmt in ("doccano", "csv"):
        result = cli("export", tmp_path / f"ben.{fmt}", "--format", fmt, "--annotator", "ben", "--articles", "all")
        assert result.exit_code == 1 and "nothing to export" in result.output
        assert "1 article answered reject as a whole task" in result.output


def test_binary_feedback_does_not_finish_an_article(cli, db_path, tmp_path):
    record = {"text": TEXT, "_annotator_id": "anna", "spans": [span(HALT, "offer", answer="accept")]}
    cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", [json.dumps(record)]))
    with Store.open(db_path) as store:
        assert store.articles.status(1, "anna") == "in_progress", "its other sentences are unknown, not negatives"


def test_labeling_the_article_again_in_the_window_replaces_a_rejected_task(answered):
    with Store.open(answered) as store:
        store.statements.set_statement(1, "ben", *HALT, ["offer"])
        store.articles.set_status(1, "ben", "done")
        (ben,) = [row for row in store.export_rows("ben")]
        assert (ben.answer, ben.spans[0].label, ben.status) == ("accept", "offer", "done")


def test_merging_a_project_file_keeps_its_answers(answered, cli, tmp_path):
    merged = tmp_path / "merged.annotator.sqlite"
    assert cli("import", "--no-ner", answered, db=merged).exit_code == 0
    with Store.open(answered) as source, Store.open(merged) as target:
        assert [(r.annotator, r.answer, r.rejected) for r in target.export_rows()] == [
            (r.annotator, r.answer, r.rejected) for r in source.export_rows()
        ]


def test_an_answer_that_is_not_accept_reject_or_ignore_is_named(cli, tmp_path):
    bad = [
        json.dumps({"text": TEXT, "answer": "maybe"}),
        json.dumps({"text": TEXT, "spans": [span(HALT, "offer", answer=1)]}),
    ]
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "bad.jsonl", bad))
    assert result.exit_code == 1
    assert "bad.jsonl:1: \"answer\" must be one of accept, reject, ignore, got 'maybe'" in result.stderr
    assert "bad.jsonl:2: span 0's answer must be one of accept, reject, ignore, got 1" in result.stderr
