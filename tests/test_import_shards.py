"""Importing pre-annotated shards a user's Spark or Ray job wrote: a record whose sentences or tokens
no pipeline could have produced is refused `FILE:LINE: reason`, the good records come in."""

from __future__ import annotations

import json

import pytest

from annotator.store import Store

TEXT = "Marked by talks. General Orlov denied it."
GOOD = {
    "pipeline": "en_core_web_sm",
    "version": "3.8.0",
    "recipe": "r",
    "entities": [[25, 30, "PERSON"]],
    "sentences": [[0, 16], [17, 41]],
    "tokens": [0, 6, 7, 9, 10, 15, 15, 16, 17, 24, 25, 30, 31, 37, 38, 40, 40, 41],
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sentences": [[0, 5], [3, 10]]}, '"_preannotation.sentences" must be increasing, non-overlapping'),
        ({"sentences": [[17, 41], [0, 16]]}, "pair 1 [0, 16] starts before the previous one ends (41)"),
        ({"tokens": [0, 3, 2, 1]}, "pair 1 [2, 1] is empty or reversed"),
        ({"tokens": [0, 6, 5, 9]}, '"_preannotation.tokens" must be increasing, non-overlapping [start, end) pairs'),
    ],
)
def test_impossible_sentences_or_tokens_are_refused_line_by_line(cli, db_path, tmp_path, change, reason):
    shard = tmp_path / "part-00000.jsonl"
    lines = [{"text": TEXT, "_preannotation": GOOD}, {"text": "Second. " + TEXT, "_preannotation": {**GOOD, **change}}]
    shard.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = cli("import", shard)
    assert result.exit_code == 1, result.output
    assert f"{shard}:2: " in result.output and reason in result.output
    with Store.open(db_path) as store:
        assert [store.articles.article(a).text for a in store.articles.article_ids()] == [TEXT]  # the good line came in
