"""What to ask next: the undecided statement the model is least sure of, the articles most worth
opening, and plainly the next unlabeled statement. No spaCy: a stand-in model gives the probabilities."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotator.learn.uncertainty import (
    UncertaintyIndex,
    candidate_spans,
    entropy,
    margin,
    next_unlabeled,
)
from tests.learn_project import TINY, tiny_project

#: The stand-in model: how sure it is about each sentence of the tiny project (offer's probability).
SURE = {
    TINY[2][1][0][0]: 0.97,  # article 3 (in progress), sentence 1: sure
    TINY[2][1][1][0]: 0.55,  # article 3, sentence 2: a coin toss
    TINY[3][1][0][0]: 0.02,  # article 4 (untouched): sure it is nothing
    TINY[3][1][1][0]: 0.70,  # article 4, sentence 2: unsure
}


def predict(texts):
    return [{"offer": SURE.get(text, 0.01), "claim": 0.01} for text in texts]


@pytest.fixture
def tiny(tmp_path):
    with tiny_project(tmp_path / "tiny.annotator.sqlite") as store:
        yield store


def test_margin_and_entropy():
    assert margin({"a": 0.5, "b": 0.99}) == pytest.approx(1.0)
    assert margin({"a": 0.0, "b": 1.0}) == pytest.approx(0.0)
    assert margin({"a": 0.3, "b": 0.9}) == pytest.approx(0.6)
    assert entropy({"a": 0.5, "b": 0.5}) == pytest.approx(2.0)
    assert entropy({"a": 0.0, "b": 1.0}) == 0.0
    assert margin({}) == entropy({}) == 0.0


def test_candidates_never_cross_a_line_break():
    text = "Headline here\nFirst sentence. Second one.\n\n  Third.  "
    sentences = [(0, 29), (30, 41), (41, len(text))]
    assert [text[s:e] for s, e in candidate_spans(text, sentences)] == [
        "Headline here",
        "First sentence.",
        "Second one.",
        "Third.",
    ]


def test_next_uncertain_goes_to_the_least_sure_undecided_statement_across_the_corpus(tiny):
    index = UncertaintyIndex.build(tiny, predict, "test-model", annotator="anna", measure="margin")
    # articles 1 and 2 are done: decided, never scored; article 3 and 4 are not
    assert {e.article_id for e in index.entries} == {3, 4}
    first = index.next_uncertain(tiny, "anna")
    assert (first.article_id, first.uncertainty) == (3, pytest.approx(0.9))
    # article 3's first sentence is labeled (demand) — decided; skipping the one on screen gives the next
    second = index.next_uncertain(tiny, "anna", skip=[(first.article_id, first.start, first.end)])
    assert second.article_id == 4 and second.uncertainty == pytest.approx(0.6)
    # labeling it (or anything overlapping it) decides it
    tiny.statements.set_statement(3, "anna", first.start, first.end, ["condition"])
    assert index.next_uncertain(tiny, "anna") == second
    tiny.articles.set_status(4, "anna", "done")
    assert index.next_uncertain(tiny, "anna") is None  # every statement decided


def test_most_uncertain_articles_first_for_the_article_list(tiny):
    index = UncertaintyIndex.build(tiny, predict, "test-model", measure="margin")
    ranked = index.articles(tiny, "anna")
    assert [a.article_id for a in ranked] == [3, 4]  # done articles are not listed
    assert ranked[0].undecided == 1  # article 3's first sentence is labeled
    assert ranked[0].score == pytest.approx(0.9)
    assert ranked[1].score == pytest.approx((0.6 + 0.04 * 1) / 2)
    assert [a.article_id for a in index.articles(tiny, "anna", "max")] == [3, 4]
    assert [a.article_id for a in index.articles(tiny, "ben")] == [3, 4, 1, 2]  # ben has decided nothing


def test_by_default_uncertainty_is_entropy_over_the_labels(tiny):
    index = UncertaintyIndex.build(tiny, predict, "test-model")
    first = index.entries[0]
    assert index.measure == "entropy" and first.article_id == 3
    assert first.uncertainty == pytest.approx(entropy({"offer": 0.55, "claim": 0.01}))
    assert [e.uncertainty for e in index.entries] == sorted((e.uncertainty for e in index.entries), reverse=True)


def test_building_the_index_reports_progress_and_can_be_cancelled(tiny):
    steps = []
    UncertaintyIndex.build(tiny, predict, "m", progress=lambda d, t: steps.append((d, t)))
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert UncertaintyIndex.build(tiny, predict, "m", cancelled=lambda: True) is None


def test_next_unlabeled_walks_in_reading_order_and_wraps_round(tiny):
    s2 = TINY[2][1][1][0]
    a3 = tiny.articles.article(3).text
    assert next_unlabeled(tiny, "anna") == (3, a3.index(s2), a3.index(s2) + len(s2))  # 1 and 2 done; 3.1 labeled
    a4 = tiny.articles.article(4).text
    assert next_unlabeled(tiny, "anna", (3, a3.index(s2))) == (4, 0, len(TINY[3][1][0][0]))
    last = a4.index(TINY[3][1][1][0])
    assert next_unlabeled(tiny, "anna", (4, last)) == (3, a3.index(s2), a3.index(s2) + len(s2))  # wrapped
    for article_id in (3, 4):
        tiny.articles.set_status(article_id, "anna", "done")
    assert next_unlabeled(tiny, "anna") is None


def test_choosing_what_to_ask_needs_no_spacy():
    code = (
        "import sys\n"
        "import annotator.learn, annotator.learn.uncertainty, annotator.learn.examples, annotator.learn.models\n"
        "import annotator.store.suggestions\n"
        "print([m for m in ('spacy', 'thinc', 'PySide6') if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_index_is_kept_beside_its_model_and_only_for_that_model(tiny, tmp_path):
    index = UncertaintyIndex.build(tiny, predict, "model-1", article_ids=[3, 1])
    assert {e.article_id for e in index.entries} == {1, 3}
    index.save(tmp_path / "uncertainty.json")
    again = UncertaintyIndex.load(tmp_path / "uncertainty.json", "model-1")
    assert again.entries == index.entries and again.measure == "entropy"
    assert UncertaintyIndex.load(tmp_path / "uncertainty.json", "model-2") is None
    assert UncertaintyIndex.load(tmp_path / "missing.json", "model-1") is None
