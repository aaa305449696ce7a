"""Agreement figures checked against reference implementations on data built here.

References: scikit-learn's `cohen_kappa_score` (test-only) and the `krippendorff` package
called on a reliability matrix this file builds by hand, independently of `annotator.review`.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.records import GOLD, IncomingRecord, Span
from annotator.review import collect, compute_agreement
from annotator.review.agreement import cohen_kappa, nominal_alpha
from tests.conftest import write_jsonl

WORDS = ["Kyiv", "said", "Moscow", "must", "halt", "strikes", "on", "energy", "before", "any", "talks", "can"]


def make_text(n: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] + str(n) for i in range(18))


def add(store, text: str, annotator: str, spans: list[tuple[int, int, str]], done: bool = True) -> None:
    record = IncomingRecord(
        text=text,
        title=text[:20],
        source="test",
        line=1,
        spans=[Span(*s) for s in spans],
        annotator=annotator,
        status="done" if done else "in_progress",
    )
    store.add_records([record], annotator)


def reference(data: dict[str, dict[str, tuple[list[tuple[int, int, str]], bool]]]):
    """Units and values computed straight from the definition: {text: {annotator: (spans, done)}}."""
    names = sorted({a for per in data.values() for a in per})
    units = []
    for text, per in data.items():
        keys = sorted({(s, e) for spans, _ in per.values() for s, e, _ in spans})
        for key in keys:
            row = []
            for name in names:
                spans, done = per.get(name, ([], False))
                labels = sorted({lab for s, e, lab in spans if (s, e) == key})
                row.append("+".join(labels) if labels else ("NONE" if done else None))
            units.append((text, key, row))
    return names, units


def ref_alpha(names, units, transform=lambda v: v) -> float:
    values = sorted({transform(v) for _, _, row in units for v in row if v is not None})
    code = {v: i for i, v in enumerate(values)}
    matrix = np.array(
        [[np.nan if row[i] is None else code[transform(row[i])] for _, _, row in units] for i in range(len(names))],
        dtype=float,
    )
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def random_project(store, seed: int, n_articles: int = 12, n_annotators: int = 3):
    rng = random.Random(seed)
    labels = ["claim", "offer", "denial", "threat"]
    names = [f"ann{i}" for i in range(n_annotators)]
    data = {}
    for n in range(n_articles):
        text = make_text(n)
        bounds = [i for i, ch in enumerate(text) if ch == " "] + [len(text)]
        candidates = [(0, bounds[k]) for k in range(3)] + [(bounds[k] + 1, bounds[k + 2]) for k in range(3, 12)]
        per = {}
        for name in names:
            spans = []
            for s, e in candidates:
                r = rng.random()
                if r < 0.45:
                    spans.append((s, e, rng.choice(labels[:2])))
                    if rng.random() < 0.15:
                        spans.append((s, e, rng.choice(labels[2:])))
            done = rng.random() < 0.7
            if spans or done:
                per[name] = (spans, done)
                add(store, text, name, spans, done)
        data[text] = per
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_match_krippendorff_and_sklearn_with_missing_and_three_annotators(store, seed):
    data = random_project(store, seed)
    names, units = reference(data)
    result = compute_agreement(collect(store))

    assert result.annotators == names
    assert result.units == len(units)
    assert any(v is None for _, _, row in units for v in row), "the data must have missing values"
    assert any(v == "NONE" for _, _, row in units for v in row), "and done-but-unlabeled ones"
    assert result.alpha == pytest.approx(ref_alpha(names, units))

    for label in ("claim", "offer", "denial", "threat"):
        expected = ref_alpha(names, units, lambda v, label=label: int(label in v.split("+")))
        assert result.per_label_alpha[label] == pytest.approx(expected), label

    for i, j in combinations(range(len(names)), 2):
        both = [(row[i], row[j]) for _, _, row in units if row[i] is not None and row[j] is not None]
        figures = result.pair(names[i], names[j])
        assert figures.units == len(both)
        assert figures.kappa == pytest.approx(cohen_kappa_score([a for a, _ in both], [b for _, b in both]))
        shared = [per for per in data.values() if names[i] in per and names[j] in per]
        mine = {(id(per), *s) for per in shared for s in per[names[i]][0]}
        theirs = {(id(per), *s) for per in shared for s in per[names[j]][0]}
        assert figures.span_f1 == pytest.approx(2 * len(mine & theirs) / (len(mine) + len(theirs)))


def test_span_f1_is_exact_match_over_shared_articles(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 10, "offer"), (11, 17, "denial")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 10, "threat"), (11, 18, "denial")])
    add(store, make_text(1), "anna", [(0, 5, "claim")])  # ben never saw this article
    pair = compute_agreement(collect(store)).pair("anna", "ben")
    assert pair.span_f1 == pytest.approx(2 * 1 / (3 + 3))


def test_gold_is_not_an_annotator(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim")])
    add(store, text, "ben", [(0, 5, "offer")])
    add(store, text, GOLD, [(0, 5, "claim")])
    result = compute_agreement(collect(store))
    assert result.annotators == ["anna", "ben"]
    assert [(p.a, p.b) for p in result.pairs] == [("anna", "ben")]


def test_multi_label_statement_is_one_category(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (0, 5, "denial"), (6, 10, "offer")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 10, "offer")])
    pair = compute_agreement(collect(store)).pair("anna", "ben")
    assert pair.confusion[("claim+denial", "claim")] == 1
    assert pair.confusion[("offer", "offer")] == 1


def test_labels_option_keeps_only_those_labels(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 10, "offer")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 10, "threat")])
    result = compute_agreement(collect(store, labels=["claim", "offer"]), labels=["claim", "offer"])
    assert set(result.per_label_alpha) == {"claim", "offer"}
    assert result.units == 2  # ben's threat is dropped, so (6, 10) is anna's offer against "no label"


def test_undefined_figures_are_nan_not_errors():
    assert math.isnan(nominal_alpha(np.array([[1.0, 1.0], [1.0, 1.0]])))
    assert math.isnan(nominal_alpha(np.array([[1.0, np.nan], [np.nan, 2.0]])))
    assert math.isnan(cohen_kappa(np.array([1, 1]), np.array([1, 1])))
    assert math.isnan(cohen_kappa(np.array([], dtype=int), np.array([], dtype=int)))


def test_kappa_matches_sklearn_on_many_random_arrays():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n, k = rng.integers(2, 40), rng.integers(2, 6)
        x, y = rng.integers(0, k, n), rng.integers(0, k, n)
        if len(set(x) | set(y)) < 2:
            continue
        assert cohen_kappa(x, y) == pytest.approx(cohen_kappa_score(x, y))


def test_merge_two_annotators_jsonl_then_agreement_json(cli, tmp_path):
    text = "Zelensky said Kyiv will halt strikes if Moscow does. The Kremlin denied it."
    kyiv, if_, denied = text.index("Kyiv will"), text.index("if Moscow"), text.index("The Kremlin")
    first = text.index(" if")
    anna = [
        {"start": kyiv, "end": first, "label": "offer"},
        {"start": if_, "end": text.index("."), "label": "condition"},
        {"start": denied, "end": len(text), "label": "denial"},
    ]
    ben = [
        {"start": kyiv, "end": first, "label": "offer"},
        {"start": if_, "end": text.index("."), "label": "demand"},
    ]
    a = write_jsonl(tmp_path / "anna.jsonl", [json.dumps({"text": text, "_annotator_id": "anna", "spans": anna})])
    b = write_jsonl(tmp_path / "ben.jsonl", [json.dumps({"text": text, "_annotator_id": "ben", "spans": ben})])
    assert cli("import", "--no-ner", a).exit_code == 0
    merged = cli("import", "--no-ner", b)
    assert "1 record matched articles already in the project" in merged.stdout

    result = cli("agreement", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["units"] == 3
    assert figures["conflicts_by_kind"] == {"label_mismatch": 1, "missing": 1, "boundary": 0}
    (pair,) = figures["pairs"]
    assert (pair["a"], pair["b"], pair["units"]) == ("anna", "ben", 3)
    assert pair["span_f1"] == pytest.approx(2 * 1 / (3 + 2))
    assert pair["kappa"] == pytest.approx(
        cohen_kappa_score(["offer", "condition", "denial"], ["offer", "demand", "NONE"])
    )
    assert set(figures["per_label_alpha"]) == {"offer", "condition", "demand", "denial"}

    table = cli("agreement")
    assert "anna" in table.stdout and "Krippendorff" in table.stdout


def test_agreement_command_loads_neither_spacy_nor_qt(db_path, tmp_path):
    import subprocess

    code = (
        "import sys; from annotator.cli import main\n"
        "try:\n    main(['--db', sys.argv[1], 'agreement', '--json'])\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in ('spacy', 'PySide6') if m in sys.modules]\n"
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# -- a figure that cannot be computed says why ----------------------------------------------------


def agreement_of(cli, *args) -> tuple[str, dict]:
    table = cli("agreement", *args)
    assert table.exit_code == 0, table.output
    return table.stdout, json.loads(cli("agreement", "--json", *args).stdout)


def test_full_agreement_is_named_not_just_n_a(cli, store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 11, "claim")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 11, "claim")])
    table, figures = agreement_of(cli)
    assert "Krippendorff's alpha (nominal)  n/a (full agreement)" in table
    assert re.search(r"^claim\s+n/a \(full agreement\)\s+2\s+2$", table, re.MULTILINE), table
    assert "(kappa n/a: full agreement)" in table
    assert figures["alpha"] is None and figures["alpha_reason"] == "full agreement"
    assert figures["per_label_alpha_reason"] == {"claim": "full agreement"}
    assert figures["pairs"][0]["kappa_reason"] == "full agreement" and "span_f1_reason" not in figures["pairs"][0]


def test_no_shared_units_is_named(cli, store):
    add(store, make_text(0), "anna", [(0, 5, "claim")])
    add(store, make_text(1), "ben", [(0, 5, "offer")])
    table, figures = agreement_of(cli)
    assert "n/a (no shared units)" in table and "(kappa n/a: no shared units; span F1 n/a: " in table
    assert figures["alpha_reason"] == "no shared units"
    assert figures["pairs"][0]["kappa_reason"] == "no shared units"
    assert figures["pairs"][0]["span_f1_reason"] == "no labels in shared articles"


def test_a_single_annotator_is_named(cli, store):
    add(store, make_text(0), "anna", [(0, 5, "claim"), (6, 11, "offer")])
    table, figures = agreement_of(cli)
    assert "Krippendorff's alpha (nominal)  n/a (a single annotator)" in table
    assert figures["alpha_reason"] == "a single annotator" and figures["pairs"] == []


def test_a_computed_figure_has_no_reason(cli, store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 11, "offer")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 11, "claim")])
    _, figures = agreement_of(cli)
    assert figures["alpha"] is not None and "alpha_reason" not in figures
