"""Calibration: a set drawn from gold, stratified by label, labeled blind, and its report."""

from __future__ import annotations

import json

from annotator.guidelines.calibration import draw
from annotator.records import GOLD
from annotator.store import Store
from tests.test_agreement import add, make_text

GUIDE = "# Guide\n\n## offer\n\nA proposal in exchange.\n\n## rare\n\nAn ultimatum with a date.\n"


def gold_project(store) -> list[str]:
    """Twelve articles, eleven with gold: `offer` in ten, `demand` in six, `rare` in two."""
    texts = []
    for n in range(12):
        text = make_text(n)
        spans = []
        if n < 10:
            spans.append((0, 5, "offer"))
        if n % 2:
            spans.append((13, 20, "demand"))
        if n in (4, 11):
            spans.append((26, 30, "rare"))
        add(store, text, GOLD, spans)
        texts.append(text)
    return texts


def test_the_set_is_stratified_by_label_seeded_and_blind(store):
    gold_project(store)
    drawn = draw(store, "tina", 3, seed=7)
    assert len(drawn.articles) == 3
    assert set(drawn.per_label) == {"offer", "demand", "rare"}  # the rare label is in a set of three
    assert draw(store, "tina", 3, seed=7).articles == drawn.articles
    assert len({tuple(draw(store, "tina", 3, seed=s).articles) for s in range(8)}) > 1
    everything = draw(store, "tina", 50)  # article 11 has no gold statement: nothing was decided there
    assert everything.articles == [*range(1, 11), 12] and everything.available == 11
    add(store, make_text(4), "tina", [(0, 5, "offer")])  # tina has seen article 5: never in her set
    assert 5 not in draw(store, "tina", 50).articles


def test_calibrate_then_report_each_difference_with_the_guideline_section(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        texts = gold_project(store)
        store.guidelines.add(GUIDE, "lead")
    drawn = cli("calibrate", "--annotator", "tina", "--size", "3", "--seed", "1", "--out", tmp_path / "c.jsonl")
    assert drawn.exit_code == 0, drawn.output
    assert "calibration set for tina: 3 articles" in drawn.output
    with Store.open(db_path) as store:
        articles = store.guidelines.calibration_set("tina")["articles"]
    package = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [p["text"] for p in package] == [texts[a - 1] for a in articles]
    assert all(set(p) == {"text", "meta"} for p in package)  # blind: no labels
    again = cli("calibrate", "--annotator", "tina", "--size", "3", "--out", tmp_path / "c.jsonl")
    assert again.exit_code == 1 and "already exists" in again.output

    # tina, a trainee, labels her set in her own project; it is merged back
    theirs = tmp_path / "tina.sqlite"
    assert cli("import", "--no-ner", "--annotator", "tina", tmp_path / "c.jsonl", db=theirs).exit_code == 0
    with Store.open(theirs) as own:
        for article_id in own.articles.article_ids():
            own.statements.set_statement(article_id, "tina", 0, 5, ["demand"])  # offer read as demand
            own.articles.set_status(article_id, "tina", "done")
    merged = cli("import", "--no-ner", "--trainee", "--annotator", "tina", theirs)
    assert merged.exit_code == 0, merged.output

    found = json.loads(cli("calibrate", "--report", "tina", "--json").output)
    assert sorted(found["articles"]) == sorted(articles)
    first = found["differences"][0]
    assert (first["annotator"], first["gold"]) == (["demand"], ["offer"])
    assert first["text"] == texts[first["article_id"] - 1][0:5]
    assert first["sections"] == {"offer": "## offer\n\nA proposal in exchange.\n"}
    shown = cli("calibrate", "--report", "tina").output
    assert "tina: demand    gold: offer" in shown and "  | A proposal in exchange." in shown


def test_calibrate_refuses_an_empty_name_or_one_holding_esc_and_writes_nothing(cli, db_path, tmp_path):
    """Tryout 2: `--annotator ''` printed "for 's own project" and `ti\\x1bna` got a set; both exit 0."""
    with Store.create(db_path) as store:
        gold_project(store)
    for option, name in (("--annotator", ""), ("--annotator", "ti\x1bna"), ("--report", "  "), ("--report", "a\nb")):
        out = tmp_path / "c.jsonl"
        result = cli("calibrate", option, name, "--size", "3", "--out", out)
        assert result.exit_code == 2, result.output
        assert f"Invalid value for {option}: " in result.output
        assert "\x1b" not in result.output
        assert not out.exists()
    with Store.open(db_path) as store:
        assert store.guidelines.calibration_set("") is None
        assert store.guidelines.calibration_set("ti\x1bna") is None
