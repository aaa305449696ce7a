"""A training export writes a data card beside its file: guidelines, annotators, agreement, rule, account."""

from __future__ import annotations

import json

import pytest

from annotator.store import Store
from tests.test_agreement import add, make_text
from tests.test_trainees import team_project, trainee_file

GUIDE = "# Guide\n\n## offer\n\nA proposal.\n"


@pytest.fixture
def project(db_path, tmp_path, cli):
    texts = team_project(db_path)
    with Store.open(db_path) as store:
        # loaded after the team finished; articles 1 and 2 (exported) are finished again under it, 3 is not
        store.guidelines.add(GUIDE, "lead")
        for n in range(2):  # anna and ben take the first two articles up again under version 1
            for name in ("anna", "ben"):
                store.articles.set_status(n + 1, name, "in_progress")
                store.articles.set_status(n + 1, name, "done")
    assert cli("import", "--no-ner", "--trainee", "--annotator", "tina", trainee_file(tmp_path, texts)).exit_code == 0
    return texts


def test_a_training_export_writes_its_card(project, cli, tmp_path):
    out = tmp_path / "train.textcat.jsonl"
    result = cli("export", out, "--format", "textcat", "--gold", "--skip-undecided", "--json")
    account = json.loads(result.stdout)  # exit 1: --no-ner articles give no negatives (a counted loss)
    assert account["articles"] == 2  # the third has an undecided conflict
    card = tmp_path / "train.textcat.jsonl.card.md"
    assert account["card"] == str(card)
    text = card.read_text(encoding="utf-8")
    assert text.startswith("<!-- Annotator data card") and "# Data card: train.textcat.jsonl" in text
    assert "| format | textcat |" in text and "| layer | gold |" in text
    assert "Current: version 1 by lead" in text
    assert "by the version they were made under: version 1: 4." in text
    assert "Team: anna, ben." in text and "Trainees, kept out of gold and agreement: tina." in text
    assert "Krippendorff's alpha (nominal) 0." in text and "| offer |" in text
    assert "## Export rule" in text and account["rule"] in text
    assert "## Account" in text and f"exported {account['records']} record" in text


def test_an_interchange_export_writes_no_card_and_a_foreign_file_is_never_replaced(project, cli, tmp_path):
    cli("export", tmp_path / "all.csv", "--all-layers")
    assert not (tmp_path / "all.csv.card.md").exists()
    out = tmp_path / "train.textcat.jsonl"
    mine = tmp_path / "train.textcat.jsonl.card.md"
    mine.write_text("# my own notes\n", encoding="utf-8")
    result = cli("export", out, "--format", "textcat", "--gold", "--skip-undecided")
    assert "not a data card Annotator wrote; left as it was" in result.output
    assert mine.read_text(encoding="utf-8") == "# my own notes\n"
    assert out.exists()


def test_an_annotator_s_export_names_their_guidelines_versions(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        add(store, make_text(0), "anna", [(0, 5, "offer")])
        store.guidelines.add(GUIDE, "lead")
        add(store, make_text(1), "anna", [(0, 5, "offer")])
    cli("export", tmp_path / "anna.jsonl", "--format", "textcat", "--annotator", "anna")
    text = (tmp_path / "anna.jsonl.card.md").read_text(encoding="utf-8")
    assert "before any guidelines: 1, version 1: 1" in text and "Decisions of anna." in text


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "doccano", "label-studio"])
def test_an_interchange_export_of_gold_writes_its_card_too(project, cli, tmp_path, fmt):
    out = tmp_path / f"gold.{fmt}"
    result = cli("export", out, "--format", fmt, "--gold", "--skip-undecided", "--json")
    account = json.loads(result.stdout)
    card = tmp_path / f"gold.{fmt}.card.md"
    assert account["card"] == str(card)
    text = card.read_text(encoding="utf-8")
    assert f"| format | {fmt} |" in text and "| layer | gold |" in text and "Current: version 1 by lead" in text


def test_an_interchange_export_of_one_person_s_layer_writes_no_card(project, cli, tmp_path):
    cli("export", tmp_path / "anna.jsonl", "--annotator", "anna")
    assert (tmp_path / "anna.jsonl").exists() and not (tmp_path / "anna.jsonl.card.md").exists()
