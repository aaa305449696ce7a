"""A model's output is not an annotator.

Label Studio's predictions come in as a layer `model:<version>`; the project knows it is a
model's (its kind), so review, agreement, conflicts and gold never count it, the export rule
never picks it nor trains on it, and it still goes out when asked for by name, in a format
for other tools.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils

from annotator.records import GOLD, GOLD_LAYER, HUMAN_LAYER, MODEL_LAYER, IncomingRecord, Span
from annotator.review import collect, find_conflicts
from annotator.review.gold import gold_articles
from annotator.store import SCHEMA_VERSION, Store
from annotator.store.schema import migrations, version_with
from tests.conftest import export_file
from tests.test_import_label_studio import TEXT, export_tasks, write_json

MODEL = "model:ner-2024-05"


@pytest.fixture
def imported(store, tmp_path):
    """Label Studio's task 17: anna and ls-9 finished it, a model predicted on it."""
    from annotator.importing.run import import_paths

    import_paths(store, [write_json(tmp_path / "ls.json", export_tasks()[:1])], annotator="me")
    return store


def test_the_project_knows_which_layer_is_a_model_s(imported):
    assert imported.layers.layer_kinds() == {"anna@example.org": HUMAN_LAYER, "ls-9": HUMAN_LAYER, MODEL: MODEL_LAYER}
    assert imported.layers.annotators(HUMAN_LAYER) == ["anna@example.org", "ls-9"]
    assert imported.stats()["models"] == [MODEL] and MODEL not in imported.stats()["annotators"]


def test_review_agreement_conflicts_and_gold_count_people_only(imported):
    collection = collect(imported)
    assert collection.annotators == ["anna@example.org", "ls-9"]
    assert all(MODEL not in conflict.annotators for conflict in find_conflicts(collection))
    assert find_conflicts(collection)
    (gold,) = gold_articles(imported).values()
    assert gold.finished == ["anna@example.org", "ls-9"]


def test_agreement_names_the_model_it_left_out(imported, cli, db_path):
    result = cli("agreement")
    assert result.exit_code == 0, result.output
    assert "annotators   anna@example.org, ls-9" in result.stdout
    assert f"(a model's output is no annotator: {MODEL} left out)" in result.stdout
    assert MODEL not in json.loads(cli("agreement", "--json").stdout)["annotators"]


def test_the_only_annotator_is_the_only_person_whatever_models_predicted(store, tmp_path):
    records = [
        IncomingRecord(TEXT, "t", "s", 1, spans=[Span(0, 4, "offer")], annotator="anna", status="done"),
        IncomingRecord(TEXT, "t", "s", 1, spans=[Span(5, 12, "offer")], annotator=MODEL, model_version="ner-2024-05"),
    ]
    store.add_records(records, "me")
    summary = export_file(store, tmp_path / "out.spacy")
    assert summary.rule.startswith("anna's labels - the project's only annotator")
    assert summary.ok and summary.spans == 1


def test_a_model_s_output_is_never_training_data_but_goes_to_other_tools_when_named(imported, tmp_path):
    from annotator.export.run import ExportRefused

    for fmt in ("spacy", "textcat", "conll"):
        with pytest.raises(ExportRefused, match="a model's output, not what people decided"):
            export_file(imported, tmp_path / "x", fmt, annotator=MODEL)
    summary = export_file(imported, tmp_path / "model.jsonl", annotator=MODEL)
    (task,) = [json.loads(line) for line in (tmp_path / "model.jsonl").read_text(encoding="utf-8").splitlines()]
    assert task["_annotator_id"] == MODEL and task["_status"] is None
    assert [s["text"] for s in task["spans"]] == ["Kyiv"] and summary.ok


def test_every_layer_as_stored_keeps_the_model_s_and_a_merge_keeps_it_a_model_s(imported, tmp_path):
    out = tmp_path / "all.jsonl"
    export_file(imported, out, all_layers=True)
    names = [json.loads(line)["_annotator_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(names) == ["anna@example.org", "ls-9", MODEL]
    with Store.create(tmp_path / "merged.annotator.sqlite") as merged:
        from annotator.importing.run import import_paths

        import_paths(merged, [out], annotator="me")
        assert merged.layers.layer_kinds()[MODEL] == MODEL_LAYER
        assert (
            merged.articles.status(merged.articles.article_ids()[0], MODEL) == "new"
        )  # a model's output is never "finished"


def test_a_model_s_output_can_be_imported_under_a_model_layer_name(cli, db_path, tmp_path):
    src = tmp_path / "predictions.jsonl"
    src.write_text(json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 4, "label": "offer"}]}) + "\n")
    assert cli("import", "--no-ner", "--annotator", "model:rules-v2", src).exit_code == 0
    with Store.open(db_path) as store:
        assert store.layers.layer_kinds() == {"model:rules-v2": MODEL_LAYER}
    refused = cli("export", tmp_path / "out.jsonl")
    assert refused.exit_code == 1
    assert "model:rules-v2 is a model's output: --annotator model:rules-v2 writes it" in refused.stderr


def test_a_teammate_s_model_layer_stays_a_model_s(imported, tmp_path):
    from annotator.importing.run import import_paths

    theirs = imported.layers.layer_kinds()
    imported.close()
    with Store.create(tmp_path / "mine.annotator.sqlite") as mine:
        report = import_paths(mine, [imported.path], annotator="me")
        assert report.ok, report.rejections
        assert mine.layers.layer_kinds() == theirs
        assert mine.articles.status(mine.articles.article_ids()[0], MODEL) == "new"


def test_an_older_project_learns_its_layers_kinds_when_it_is_opened(tmp_path):
    db = tmp_path / "old.annotator.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    migrations.apply(sqlite_utils.Database(conn), stop_before="m008_layer_kinds")
    conn.execute(f"PRAGMA user_version = {version_with('m008_layer_kinds') - 1}")
    conn.executemany(
        "INSERT INTO annotators(name, created_at) VALUES (?, 'then')", [("anna",), (GOLD,), ("model:crf-1",)]
    )
    conn.close()
    with Store.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.layers.layer_kinds() == {"anna": HUMAN_LAYER, GOLD: GOLD_LAYER, "model:crf-1": MODEL_LAYER}
