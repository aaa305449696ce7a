"""Each annotator against gold: Cohen's kappa equal to scikit-learn's on the same units; span F1."""

from __future__ import annotations

import json
import random

import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.guidelines.against_gold import against_gold
from annotator.records import GOLD
from annotator.store import Store
from tests.test_agreement import add, make_text

LABELS = ["offer", "demand", "threat"]


def project(store, seed: int) -> dict:
    """Gold decides every candidate span; three annotators label some of them, some unfinished."""
    rng = random.Random(seed)
    truth = {}
    for n in range(8):
        text = make_text(n)
        bounds = [i for i, ch in enumerate(text) if ch == " "]
        candidates = [(bounds[2 * k] + 1, bounds[2 * k + 1]) for k in range(7)]
        gold = [(s, e, rng.choice(LABELS)) for s, e in candidates]
        add(store, text, GOLD, gold)
        per = {}
        for name in ("anna", "ben", "cleo"):
            spans = []
            for (s, e), (_, _, right) in zip(candidates, gold, strict=True):
                r = rng.random()
                if r < 0.55:
                    spans.append((s, e, right))
                elif r < 0.8:
                    spans.append((s, e, rng.choice(LABELS)))
            done = rng.random() < 0.8
            add(store, text, name, spans, done)
            per[name] = (spans, done)
        truth[n] = (candidates, gold, per)
    return truth


def expected_units(truth, name):
    """(annotator's category, gold's category) straight from the definition."""
    pairs = []
    for candidates, gold, per in truth.values():
        spans, done = per[name]
        for (s, e), (_, _, right) in zip(candidates, gold, strict=True):
            mine = sorted({lab for a, b, lab in spans if (a, b) == (s, e)})
            if mine or done:
                pairs.append(("+".join(mine) or "NONE", right))
    return pairs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kappa_against_gold_equals_scikit_learn_on_the_same_units(store, seed):
    truth = project(store, seed)
    results = {r.annotator: r for r in against_gold(store)}
    assert sorted(results) == ["anna", "ben", "cleo"]
    for name, result in results.items():
        pairs = expected_units(truth, name)
        assert len(result.units) == len(pairs)
        assert result.kappa == pytest.approx(cohen_kappa_score([a for a, _ in pairs], [g for _, g in pairs]))
        for label in LABELS:
            mine = [int(label in a.split("+")) for a, _ in pairs]
            gold = [int(g == label) for _, g in pairs]
            assert result.per_label_kappa[label] == pytest.approx(cohen_kappa_score(mine, gold)), label
            both = sum(m and g for m, g in zip(mine, gold, strict=True))
            assert result.per_label_f1[label] == pytest.approx(2 * both / (sum(mine) + sum(gold)))


def test_the_command_prints_each_annotator_and_the_json_holds_the_figures(db_path, cli):
    with Store.create(db_path) as store:
        project(store, 4)
    figures = json.loads(cli("agreement", "--against", "gold", "--json").output)["against_gold"]
    assert [f["annotator"] for f in figures] == ["anna", "ben", "cleo"]
    assert set(figures[0]["per_label"]) == set(LABELS)
    assert {"kappa", "span_f1", "matched", "annotator_spans", "gold_spans"} <= set(figures[0]["per_label"]["offer"])
    text = cli("agreement", "--against", "gold").output
    assert text.startswith("anna: kappa 0.") and "span F1" in text
