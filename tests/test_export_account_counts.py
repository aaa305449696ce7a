"""The export's account counts what it says: articles are articles, a rejected span is counted once."""

from __future__ import annotations

import json

from tests.conftest import write_jsonl

ONE = "Kyiv offered a pause on strikes."
TWO = "Moscow denied any such offer."
THREE = "Talks could resume in Geneva."


def test_every_layer_counts_records_and_articles_apart(cli, tmp_path):
    rows = [
        {"text": ONE, "_annotator_id": "anna", "spans": [{"start": 0, "end": 4, "label": "offer"}]},
        {"text": ONE, "_annotator_id": "ben", "spans": [{"start": 0, "end": 4, "label": "claim"}]},
        {"text": TWO, "_annotator_id": "anna", "spans": [{"start": 0, "end": 6, "label": "denial"}]},
        {"text": THREE},
    ]
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])).exit_code == 0
    result = cli("export", "--all-layers", "--articles", "all", tmp_path / "all.jsonl")
    assert result.exit_code == 0, result.output
    assert "exported 4 records from 3 articles" in result.stdout


def test_a_span_inside_a_rejected_task_is_not_counted_again_as_a_rejected_span(cli, tmp_path):
    rows = [
        {"text": ONE, "spans": [{"start": 0, "end": 4, "label": "offer", "answer": "reject"}], "_status": "done"},
        {"text": TWO, "answer": "reject", "spans": [{"start": 0, "end": 6, "label": "denial"}]},
    ]
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "rej.jsonl", [json.dumps(r) for r in rows])).exit_code == 0
    result = cli("export", tmp_path / "r.jsonl")
    assert result.exit_code == 0, result.output
    assert "spans answered reject/ignore, written with their answer (not as labels): 1" in result.stdout
    assert "whole tasks answered reject/ignore, written with their answer: 1" in result.stdout
