"""A trainee's work never enters gold, review or team agreement until the trainee is promoted."""

from __future__ import annotations

import json

from annotator.review import collect
from annotator.store import Store
from tests.conftest import write_jsonl
from tests.test_agreement import add, make_text


def team_project(db_path) -> list[str]:
    """anna and ben finished three articles; they agree everywhere but one span of article 3."""
    texts = [make_text(n) for n in range(3)]
    with Store.create(db_path) as store:
        for n, text in enumerate(texts):
            add(store, text, "anna", [(0, 5, "offer"), (13, 20, "demand")])
            add(store, text, "ben", [(0, 5, "offer"), (13, 20, "demand" if n < 2 else "threat")])
    return texts


def trainee_file(tmp_path, texts):
    """A trainee who disagrees with the team everywhere, and finished every article."""
    lines = [
        json.dumps({"text": text, "_status": "done", "spans": [{"start": 0, "end": 5, "label": "threat"}]})
        for text in texts
    ]
    return write_jsonl(tmp_path / "tina.jsonl", lines)


def test_a_trainee_s_import_leaves_the_gold_export_byte_for_byte_the_same(cli, db_path, tmp_path):
    texts = team_project(db_path)
    outputs = {}
    for moment in ("before", "after"):
        for suffix in ("jsonl", "csv"):
            out = tmp_path / f"{moment}.{suffix}"
            result = cli("export", out, "--gold", "--skip-undecided")
            assert result.exit_code == 0, result.output
            outputs[moment, suffix] = out.read_bytes()
        outputs[moment, "agreement"] = cli("agreement", "--json").output
        if moment == "before":
            imported = cli("import", "--no-ner", "--trainee", "--annotator", "tina", trainee_file(tmp_path, texts))
            assert imported.exit_code == 0, imported.output
            assert "trainee: tina" in imported.output
    for what in ("jsonl", "csv", "agreement"):
        assert outputs["before", what] == outputs["after", what], what
    assert b"offer" in outputs["before", "jsonl"]

    # the trainee is scored against gold all the same: that is calibration
    scored = json.loads(cli("agreement", "--against", "gold", "--json").output)["against_gold"]
    assert {f["annotator"]: f["trainee"] for f in scored} == {"anna": False, "ben": False, "tina": True}

    promoted = cli("annotators", "--promote", "tina")
    assert "tina is promoted" in promoted.output
    assert "tina" in json.loads(cli("agreement", "--json").output)["annotators"]
    # promoted, tina's "threat" disagrees with the team in every article: no gold is complete now
    after = cli("export", tmp_path / "promoted.jsonl", "--gold", "--skip-undecided")
    assert after.exit_code == 1 and not (tmp_path / "promoted.jsonl").exists()


def test_marking_and_promoting_a_trainee_and_what_the_list_says(cli, db_path):
    team_project(db_path)
    assert "ben is now a trainee" in cli("annotators", "--trainee", "ben").output
    with Store.open(db_path) as store:
        assert collect(store).annotators == ["anna"]
    listed = json.loads(cli("annotators", "--json").output)["annotators"]
    assert {row["name"]: row["trainee"] for row in listed} == {"anna": False, "ben": True}
    assert "ben  trainee" in cli("annotators").output
    assert "not a trainee" in cli("annotators", "--promote", "anna").output
    assert "review's layer" in cli("annotators", "--trainee", "gold").output
    cli("annotators", "--promote", "ben")
    with Store.open(db_path) as store:
        assert collect(store).annotators == ["anna", "ben"]


def test_import_as_trainee_refuses_a_team_member_s_name(cli, db_path, tmp_path):
    texts = team_project(db_path)
    refused = cli("import", "--no-ner", "--trainee", "--annotator", "anna", trainee_file(tmp_path, texts))
    assert refused.exit_code == 1 and "already a member of the team" in refused.output
    with Store.open(db_path) as store:
        assert store.guidelines.trainees() == set()
        assert collect(store).annotators == ["anna", "ben"]


def test_the_list_says_in_words_when_work_came_before_guidelines_and_who_has_none_yet(cli, db_path):
    """Two people listed with "guidelines: -" and "guidelines: none" read alike; the words say which
    made their work before the project had guidelines and which has no work yet."""
    team_project(db_path)
    cli("annotators", "--trainee", "carol")  # named, nothing made yet
    listed = cli("annotators").output
    assert "anna  human  guidelines: before guidelines" in listed
    assert "carol  trainee  guidelines: no work yet" in listed


SPAN = {"start": 0, "end": 3, "label": "x"}


def _tina_file(tmp_path, name="tina", texts=("The minister offered talks.", "The union demanded more.")):
    """Records that each name their person (`_annotator_id`), as a trainee's export does."""
    lines = [json.dumps({"text": t, "_annotator_id": name, "_status": "done", "spans": [SPAN]}) for t in texts]
    return write_jsonl(tmp_path / f"{name}.jsonl", lines)


def test_import_as_trainee_marks_only_the_people_whose_work_the_file_brings(cli, db_path, tmp_path, monkeypatch):
    """Reported: `ANNOTATOR_NAME=tester import --trainee tina.jsonl` printed "trainee: tester, tina"."""
    monkeypatch.setenv("ANNOTATOR_NAME", "tester")
    imported = cli("import", "--no-ner", "--trainee", _tina_file(tmp_path))
    assert imported.exit_code == 0, imported.output
    assert "trainee: tina (" in imported.output
    with Store.open(db_path) as store:
        assert store.guidelines.trainees() == {"tina"}
        assert "tester" not in store.layers.annotators()  # the importer brought no work: no layer made


def test_import_as_trainee_by_a_team_member_imports_the_trainee_s_work(cli, db_path, tmp_path, monkeypatch):
    """Reported: a lead with labels was refused and told to make themself a trainee."""
    monkeypatch.setenv("ANNOTATOR_NAME", "anna")
    team_project(db_path)
    imported = cli("import", "--no-ner", "--trainee", _tina_file(tmp_path))
    assert imported.exit_code == 0, imported.output
    assert "trainee: tina (" in imported.output and "annotators --trainee anna" not in imported.output
    with Store.open(db_path) as store:
        assert store.guidelines.trainees() == {"tina"}
        assert collect(store).annotators == ["anna", "ben"]


def test_import_as_trainee_refuses_a_member_s_records_naming_them_and_the_way_out(cli, db_path, tmp_path):
    team_project(db_path)
    both = tmp_path / "both.jsonl"
    both.write_text(_tina_file(tmp_path).read_text() + _tina_file(tmp_path, "ben").read_text())
    imported = cli("import", "--no-ner", "--trainee", "--annotator", "anna", both)
    assert imported.exit_code == 1
    assert f"{both}:3: ben is already a member of the team here" in imported.output
    assert "annotator annotators --trainee ben" in imported.output and "--trainee anna" not in imported.output
    assert "trainee: tina (" in imported.output
    with Store.open(db_path) as store:
        assert store.guidelines.trainees() == {"tina"}  # ben stays a member; his layer got nothing
        assert collect(store).annotators == ["anna", "ben"]


def test_import_as_trainee_of_texts_alone_marks_no_one(cli, db_path, tmp_path):
    texts = write_jsonl(tmp_path / "texts.jsonl", [json.dumps({"text": "Only a text, no labels."})])
    imported = cli("import", "--no-ner", "--trainee", "--annotator", "tester", texts)
    assert imported.exit_code == 0, imported.output
    assert "trainee: no one" in imported.output
    with Store.open(db_path) as store:
        assert store.guidelines.trainees() == set()
