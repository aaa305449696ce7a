"""Back to Label Studio: a team's work leaves as a JSON array of tasks Label Studio imports, as
pre-annotations (predictions) or as annotations, and a Label Studio export survives the trip
through Annotator with its annotators, its model's predictions and its regions unchanged."""

from __future__ import annotations

import json

from annotator.records import MODEL_LAYER_PREFIX
from annotator.store import Store
from tests.test_import_label_studio import TEXT, export_tasks, layers_by_text, structure, write_json


def test_a_label_studio_export_goes_through_annotator_unchanged(cli, tmp_path):
    theirs = [task for task in export_tasks() if task["id"] == 17]  # code points, as Label Studio counts today
    cli("import", "--no-ner", write_json(tmp_path / "project-3.json", theirs))
    out = tmp_path / "back.json"
    result = cli("export", out, "--all-layers", "--layers-as", "annotations")
    assert result.exit_code == 0, result.output
    assert "exported 1 record from 1 article to" in result.stdout and "(label-studio)" in result.stdout
    ours = json.loads(out.read_text(encoding="utf-8"))
    assert structure(ours) == structure(theirs)
    assert ours[0]["data"] == theirs[0]["data"]


def test_as_pre_annotations_each_layer_is_a_prediction_label_studio_can_show(cli, db_path, tmp_path):
    cli("import", "--no-ner", write_json(tmp_path / "ls.json", export_tasks()))
    out = tmp_path / "pre.json"
    assert cli("export", out, "--all-layers").exit_code == 0
    tasks = {task["id"]: task for task in json.loads(out.read_text(encoding="utf-8"))}
    assert [t["annotations"] for t in tasks.values()] == [[], []]
    assert sorted(p["model_version"] for p in tasks[17]["predictions"]) == ["anna@example.org", "ls-9", "ner-2024-05"]
    for task in tasks.values():
        text = task["data"]["text"]
        for prediction in task["predictions"]:
            ids = {region["id"] for region in prediction["result"] if "id" in region}
            for region in prediction["result"]:
                if region["type"] == "relation":  # a link: between two regions of the same prediction
                    assert {region["from_id"], region["to_id"]} <= ids
                    continue
                value = region["value"]
                if region["type"] == "choices":  # the article's categories, one result per group
                    assert "start" not in value and region["to_name"] == "text"
                    continue
                assert region["type"] == "labels" and region["from_name"] == "label" and region["to_name"] == "text"
                assert text[value["start"] : value["end"]].replace("\n", "\\n") == value["text"]


def test_one_layer_by_the_rule_and_a_model_s_output_only_when_named(cli, db_path, tmp_path):
    cli("import", "--no-ner", write_json(tmp_path / "ls.json", export_tasks()))
    anna = tmp_path / "anna.json"
    assert cli("export", anna, "--annotator", "anna@example.org").exit_code == 0
    tasks = json.loads(anna.read_text(encoding="utf-8"))
    assert [[p["model_version"] for p in task["predictions"]] for task in tasks] == [["anna@example.org"]] * 2
    model = tmp_path / "model.json"
    result = cli("export", model, "--annotator", MODEL_LAYER_PREFIX + "ner-2024-05", "--layers-as", "annotations")
    assert result.exit_code == 0, result.output
    (task,) = json.loads(model.read_text(encoding="utf-8"))  # the model predicted nothing in task 18
    assert task["annotations"] == [] and [p["model_version"] for p in task["predictions"]] == ["ner-2024-05"]
    assert "left out: 1 article where this model predicted nothing" in result.stdout


def test_what_annotator_exports_for_label_studio_reads_back_with_the_same_layers(cli, db_path, tmp_path):
    cli("import", "--no-ner", write_json(tmp_path / "ls.json", export_tasks()))
    out = tmp_path / "back.json"
    cli("export", out, "--all-layers", "--layers-as", "annotations")
    again = tmp_path / "again.annotator.sqlite"
    result = cli("import", "--no-ner", out, db=again)
    assert result.exit_code == 0, result.output
    with Store.open(db_path) as first, Store.open(again) as second:
        assert layers_by_text(second) == layers_by_text(first)
        assert second.layers.layer_kinds() == first.layers.layer_kinds()


def test_spans_answered_reject_are_left_out_and_counted(cli, tmp_path):
    record = {
        "text": TEXT,
        "_annotator_id": "anna",
        "_status": "done",
        "spans": [
            {"start": 0, "end": 4, "label": "offer", "answer": "accept"},
            {"start": 35, "end": 68, "label": "condition", "answer": "reject"},
        ],
    }
    src = tmp_path / "anna.jsonl"
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    cli("import", "--no-ner", src)
    out = tmp_path / "anna.json"
    result = cli("export", out, "--articles", "started")
    assert result.exit_code == 0, result.output
    assert "spans answered reject/ignore left out: an answer, not a label: 1" in result.stdout
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    (prediction,) = task["predictions"]
    assert [r["value"]["labels"] for r in prediction["result"]] == [["offer"]]


def test_an_unknown_option_value_or_an_option_of_another_format_is_refused_before_anything_is_written(cli, tmp_path):
    out = tmp_path / "x.json"
    bad = cli("export", out, "--layers-as", "drafts")
    assert bad.exit_code == 2 and "'drafts' is not one of 'predictions', 'annotations'" in bad.output
    other = cli("export", out, "--tag-scheme", "bilou")
    assert other.exit_code == 2 and "--tag-scheme does not apply to label-studio: it is for conll" in other.output
    assert not out.exists()
