"""The second statement gold (tests/statement_gold_other.json), written on other articles than
the seeds and never tuned on, matches its texts as the rules bench cuts them; and the bench's
`--suite rules` ends with its results table."""

from __future__ import annotations

import json

import pytest

from benchmarks import Result, table
from benchmarks.rules import OTHER_GOLD, ROOT, gold_statements, other_statements


def test_the_other_gold_finds_every_statement_of_its_articles(tmp_path, pipeline):
    gold = json.loads(OTHER_GOLD.read_text(encoding="utf-8"))
    texts = sorted(path.name for folder in gold["folders"] for path in (ROOT / folder).glob("*.txt"))
    assert sorted(gold["articles"]) == texts
    statements = other_statements(tmp_path, pipeline)
    assert len(statements) == sum(len(labeled) for labeled in gold["articles"].values()) == 171
    labels = {label["name"] for label in json.loads((ROOT / "resources" / "labels.json").read_text())["labels"]}
    assert {label for _, got in statements for label in got} == labels


def test_a_gold_missing_a_statement_is_named(tmp_path, pipeline):
    gold = json.loads(OTHER_GOLD.read_text(encoding="utf-8"))
    del gold["articles"]["trade_01.txt"][-1]
    short = tmp_path / "short.json"
    short.write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(ValueError, match=r"trade_01\.txt: 9 statements, the gold has 8"):
        gold_statements(short, [ROOT / "tests" / "speaker_gold_other"], tmp_path, pipeline)


def test_the_rules_suite_prints_its_results_as_a_table():
    # `python -m benchmarks --suite rules` used to end in a TypeError: the suite's own rule table
    # was taken for its results table
    printed = table([Result("rules", "all rules as the window shows them: precision", 0.88, "")], ["rules"])
    assert "all rules as the window shows them: precision" in printed
