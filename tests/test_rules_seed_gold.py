"""The shipped suggestion rules on the seed articles, against the hand-made statement gold
(tests/statement_gold.json; the figures: `python -m benchmarks --suite rules`)."""

from __future__ import annotations

from annotator.learn.rules import default_rules
from benchmarks.rules import score_rules, seed_statements


def test_the_shipped_rules_are_right_on_the_seeds(tmp_path, pipeline):
    statements = seed_statements(tmp_path, pipeline)
    assert len(statements) == 106
    scores, (shown, right) = score_rules(statements, default_rules())
    # before the rules were measured: 18 of 29 right ("may be ready to" an offer, "details must be
    # ironed out" a demand, "did not … confirm it had agreed to" a commitment)
    assert shown >= 20 and right / shown >= 0.85, f"{right} of {shown}"
    poor = {
        name: f"{got.correct}/{len(got.hits)}"
        for name, got in scores.items()
        if len(got.hits) >= 2 and got.precision < 0.5
    }
    assert not poor
