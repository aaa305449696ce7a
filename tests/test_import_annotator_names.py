"""A name read from a file is a name like any other: the one rule (`records.name_problem`) at the door.

An annotator's name with an ESC in it (`"_annotator_id": "x\\u001b[31mred"`) was stored raw; the
CSV export then wrote the ESC byte and `annotator annotators` turned the terminal red. Every
format that reads a layer's name from data now refuses that record, `FILE:LINE: reason`, and
imports the rest.
"""

from __future__ import annotations

import json

import pytest

from annotator.records import IncomingRecord, Span
from annotator.store import Store
from tests.conftest import write_jsonl

BAD = "x\u001b[31mred"
TEXT = "Kyiv offered to halt strikes on refineries."
OTHER = "Talks could resume in Geneva."


def layers(db_path) -> list[str]:
    with Store.open(db_path) as store:
        return sorted(store.layers.annotators())


def prodigy(tmp_path):
    good = {"text": OTHER, "_annotator_id": "carl", "spans": [{"start": 0, "end": 5, "label": "claim"}]}
    bad = {"text": TEXT, "_annotator_id": BAD, "spans": [{"start": 0, "end": 4, "label": "claim"}]}
    return write_jsonl(tmp_path / "x.jsonl", [json.dumps(bad), json.dumps(good)]), []


def label_studio(tmp_path):
    def task(text: str, who: object) -> dict:
        region = {"from_name": "label", "to_name": "text", "type": "labels", "id": "r1"}
        region["value"] = {"start": 0, "end": 4, "text": text[:4], "labels": ["claim"]}
        return {"data": {"text": text}, "annotations": [{"completed_by": who, "result": [region]}]}

    tasks = [task(TEXT, {"id": 3, "email": BAD}), task(OTHER, {"id": 4, "email": "carl"})]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path, ["--format", "label-studio"]


def doccano(tmp_path):
    bad = {"text": TEXT, "entities": [[0, 4, "claim"]], "username": BAD}
    good = {"text": OTHER, "entities": [[0, 5, "claim"]], "username": "carl"}
    return write_jsonl(tmp_path / "d.jsonl", [json.dumps(bad), json.dumps(good)]), ["--format", "doccano"]


def doccano_user(tmp_path):
    """doccano 1.0-1.2: each annotation names its user."""

    def line(text: str, user: str) -> str:
        return json.dumps(
            {"text": text, "annotations": [{"label": "claim", "start_offset": 0, "end_offset": 4, "user": user}]}
        )

    return write_jsonl(tmp_path / "d1.jsonl", [line(TEXT, BAD), line(OTHER, "carl")]), ["--format", "doccano"]


def label_studio_prediction(tmp_path):
    """A prediction's `model_version` names the model's layer: the same rule."""

    def task(text: str) -> dict:
        region = {"from_name": "label", "to_name": "text", "type": "labels", "id": "r1"}
        region["value"] = {"start": 0, "end": 4, "text": text[:4], "labels": ["claim"]}
        return {"data": {"text": text}, "annotations": [{"completed_by": {"email": "carl"}, "result": [region]}]}

    tasks = [{**task(TEXT), "predictions": [{"model_version": BAD, "result": []}]}, task(OTHER)]
    path = tmp_path / "pred.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path, ["--format", "label-studio"]


def project_file(tmp_path):
    path = tmp_path / "teammate.annotator.sqlite"
    with Store.create(path) as store:
        for text, who in ((TEXT, BAD), (OTHER, "carl")):
            record = IncomingRecord(text, "t", "test", 1, spans=[Span(0, 4, "claim")], annotator=who)
            record.status = "done"
            store.add_records([record], who)
    return path, []


@pytest.mark.parametrize("made", [prodigy, label_studio, doccano, doccano_user, label_studio_prediction, project_file])
def test_a_name_with_a_control_character_is_refused_and_the_rest_comes_in(cli, db_path, tmp_path, made):
    path, options = made(tmp_path)
    result = cli("import", "--no-ner", *options, path)
    assert result.exit_code == 1
    assert "control character (U+001B)" in result.stderr
    assert f"{path.name}:" in result.stderr
    assert "\x1b" not in result.output  # named, never sent raw to the terminal
    assert "carl" in layers(db_path) and BAD not in layers(db_path)
    out = tmp_path / "all.csv"
    assert cli("export", "--all-layers", "--articles", "all", out).exit_code == 0
    assert "\x1b" not in out.read_text(encoding="utf-8")
    shown = cli("annotators")
    assert "carl" in shown.output and "\x1b" not in shown.output


def test_a_name_longer_than_a_name_is_refused(cli, db_path, tmp_path):
    path = write_jsonl(
        tmp_path / "long.jsonl",
        [json.dumps({"text": TEXT, "_annotator_id": "a" * 5000}), json.dumps({"text": OTHER, "_annotator_id": "carl"})],
    )
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1 and f"{path}:1:" in result.stderr and "at most" in result.stderr
    assert layers(db_path) == ["carl"]


def test_a_work_package_marker_naming_a_bad_annotator_is_refused():
    """The package marker's annotator comes back as a layer: the same rule, said, never a traceback."""
    from annotator.formats.project_file import package_marker
    from annotator.formats.records import RecordError
    from annotator.store.packages import PACKAGE_SETTING
    from annotator.store.teammate import Text

    class Package:
        def __init__(self, marker: dict) -> None:
            self.raw = Text(json.dumps(marker).encode())

        def settings(self, keys):
            return {PACKAGE_SETTING: self.raw}

    good = {"project_id": "p1", "round": 1, "annotator": "carl", "role": "annotate"}
    assert package_marker(Package(good)) == good
    with pytest.raises(RecordError, match="U\\+001B"):
        package_marker(Package({**good, "annotator": BAD}))


def test_a_name_given_with_annotator_follows_the_same_rule(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "plain.jsonl", [json.dumps({"text": TEXT})])
    result = cli("import", "--no-ner", "--annotator", BAD, path)
    assert result.exit_code == 2 and "control character (U+001B)" in result.output
    assert "\x1b" not in result.output and not db_path.exists()  # refused before a project is made
