"""Training takes exactly what the textcat export writes: one layer, finished articles, negatives, no rejects.

No spaCy here: choosing the examples is plain Python over the export rule.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.export.rule import ExportRefused
from annotator.learn.examples import Example, held_out_split, training_data
from annotator.records import IncomingRecord, Span
from tests.conftest import export_file
from tests.learn_project import REJECTED_ARTICLE, REJECTED_SENTENCE, TINY, text_of, tiny_project


@pytest.fixture
def tiny(tmp_path):
    with tiny_project(tmp_path / "tiny.annotator.sqlite") as store:
        yield store


def test_the_examples_are_the_textcat_exports_records(tiny, tmp_path):
    out = tmp_path / "textcat.jsonl"
    export_file(tiny, out, "textcat")
    exported = Counter()
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        exported[(record["text"], frozenset(k for k, v in record["cats"].items() if v))] += 1
    data = training_data(tiny)
    assert Counter((e.text, e.labels) for e in data.examples) == exported


def test_finished_articles_only_with_their_unlabeled_sentences_as_negatives(tiny):
    data = training_data(tiny)
    texts = {e.text: e.labels for e in data.examples}
    first, _, third, fourth = ([s for s, _ in sentences] for _, sentences in TINY)
    assert texts[first[0]] == {"condition"} and texts[first[2]] == {"denial"}
    assert texts[first[1]] == frozenset()  # read, given nothing: a negative
    assert not set(third) & texts.keys(), "an article in progress teaches nothing (its missing labels are unknown)"
    assert not set(fourth) & texts.keys(), "an untouched article is never a negative"
    assert data.left_out == {"not finished (in progress)": 1, "untouched by this layer": 1}
    assert data.negatives == 2


def test_a_span_answered_reject_is_never_a_positive(tiny):
    data = training_data(tiny)
    rejected_text = TINY[REJECTED_ARTICLE - 1][1][REJECTED_SENTENCE][0]
    (example,) = [e for e in data.examples if e.text == rejected_text]
    assert "offer" not in example.labels
    assert data.per_label()["offer"] == 1  # only the accepted offer of the same article


def test_every_label_of_the_scheme_is_learned_even_before_it_is_used(tiny):
    data = training_data(tiny)
    assert {"condition", "offer", "demand", "denial", "threat", "claim", "commitment"} <= set(data.labels)
    assert data.per_label()["threat"] == 0 and "threat" in data.too_few()


def test_one_layer_the_rule_refuses_to_guess_between_annotators(tiny):
    text, bounds = text_of(TINY[0][1])
    tiny.add_records(
        [
            IncomingRecord(
                text, TINY[0][0], "invented", 1, spans=[Span(*bounds[1], "claim")], annotator="ben", status="done"
            )
        ],
        "ben",
    )
    with pytest.raises(ExportRefused, match="--annotator NAME"):
        training_data(tiny)
    bens = training_data(tiny, annotator="ben")
    assert {e.text: e.labels for e in bens.examples}[TINY[0][1][1][0]] == {"claim"}
    assert len(bens.examples) == 3  # ben finished one article of three sentences


def test_the_split_is_seeded_stratified_and_keeps_repeated_texts_together():
    examples = [Example(f"{label} {i}", frozenset({label}), 1, i, i + 1) for label in "abc" for i in range(10)]
    examples += [Example("boilerplate", frozenset(), a, 0, 1) for a in range(5)]
    examples += [Example(f"negative {i}", frozenset(), 1, i, i + 1) for i in range(20)]
    train, held = held_out_split(examples, 0.2, seed=3)
    assert (train, held) == held_out_split(examples, 0.2, seed=3)
    assert (train, held) != held_out_split(examples, 0.2, seed=4)
    assert Counter(label for e in held for label in e.labels) == {"a": 2, "b": 2, "c": 2}
    assert len({e.text for e in held} & {e.text for e in train}) == 0
    assert sum(e.text == "boilerplate" for e in held) in (0, 5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "x", "y", "z"]), st.integers(0, 30)), max_size=80), st.integers(0, 9))
def test_every_example_goes_to_exactly_one_side_and_each_label_with_two_texts_is_measured(items, seed):
    examples = [Example(f"{label}-{n}", frozenset({label}) - {""}, 1, n, n + 1) for label, n in items]
    train, held = held_out_split(examples, 0.2, seed=seed)
    assert Counter(train) + Counter(held) == Counter(examples)
    assert not {e.text for e in train} & {e.text for e in held}
    for label in "xyz":
        if len({e.text for e in examples if label in e.labels}) >= 2:
            assert any(label in e.labels for e in held)


def test_the_gold_layer_trains_on_what_is_decided_while_the_review_goes_on(tiny):
    from annotator.review import collect, find_conflicts
    from annotator.review import gold as gold_ops

    records = []
    for number, (title, sentences) in enumerate(TINY[:2], 1):
        text, bounds = text_of(sentences)
        labels = [list(labels) for _, labels in sentences]
        if number == 1:
            labels[1] = ["claim"]  # ben reads the second sentence as a claim: a conflict
        spans = [Span(s, e, label) for (s, e), names in zip(bounds, labels, strict=True) for label in names]
        records.append(IncomingRecord(text, title, "invented", number, spans=spans, annotator="ben", status="done"))
    tiny.add_records(records, "ben")
    (conflict,) = find_conflicts(collect(tiny))
    data = training_data(tiny, gold=True)
    assert data.left_out["with undecided conflicts: gold incomplete (--skip-undecided)"] == 1
    assert {e.article_id for e in data.examples} == {2}  # agreed by both, no keypress needed
    gold_ops.take(tiny, conflict, "ben")
    decided = {e.text: e.labels for e in training_data(tiny, gold=True).examples}
    assert decided[TINY[0][1][1][0]] == {"claim"} and decided[TINY[0][1][0][0]] == {"condition"}
