"""Gold decisions: take one annotator's, all, none, auto-accept with a threshold, undo/redo."""

from __future__ import annotations

import json

import pytest

from annotator.records import GOLD
from annotator.review import collect, find_conflicts
from annotator.review.gold import (
    NO_LABEL_NOTE,
    auto_accept,
    decided_spans,
    is_resolved,
    set_gold,
    take,
    take_all,
    take_none,
)
from tests.test_agreement import add, make_text


def gold(store, article_id=1):
    return {(s.start, s.end): (s.labels, s.note) for s in store.statements.statements(article_id, GOLD)}


@pytest.fixture
def two(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 12, "offer"), (20, 30, "denial")])
    add(store, text, "ben", [(0, 5, "claim"), (8, 12, "offer"), (20, 30, "threat")])
    return store


def test_take_one_annotator_gives_gold_their_statements_and_no_label_elsewhere(two):
    boundary = next(c for c in find_conflicts(collect(two)) if c.start == 6)
    decision = take(two, boundary, "ben")
    assert gold(two) == {(6, 12): ((), NO_LABEL_NOTE), (8, 12): (("offer",), "")}
    assert is_resolved(boundary, decided_spans(two)[1])
    decision.undo(two)
    assert gold(two) == {}
    decision.redo(two)
    assert gold(two)[(8, 12)] == (("offer",), "")


def test_take_all_and_none_and_undo_restores_the_state_before(two):
    mismatch = next(c for c in find_conflicts(collect(two)) if c.start == 20)
    first = take_all(two, mismatch)
    assert gold(two) == {(20, 30): (("denial", "threat"), "")}
    second = take_none(two, mismatch)
    assert gold(two) == {(20, 30): ((), NO_LABEL_NOTE)}
    second.undo(two)
    assert gold(two) == {(20, 30): (("denial", "threat"), "")}
    first.undo(two)
    assert gold(two) == {}


def test_take_clears_direct_gold_edits_inside_the_region(two):
    boundary = next(c for c in find_conflicts(collect(two)) if c.start == 6)
    set_gold(two, 1, 7, 11, ["claim"])
    take(two, boundary, "anna")
    assert gold(two) == {(6, 12): (("offer",), ""), (8, 12): ((), NO_LABEL_NOTE)}


def test_auto_accept_takes_only_what_all_agree_on_and_skips_decided_units(two):
    decision = auto_accept(two, collect(two))
    assert gold(two) == {(0, 5): (("claim",), "")}
    assert auto_accept(two, collect(two)).changes == []
    decision.undo(two)
    assert gold(two) == {}


def test_auto_accept_with_a_majority_threshold_among_three(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 12, "offer"), (20, 30, "denial")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 12, "threat"), (20, 30, "threat")])
    add(store, text, "cleo", [(0, 5, "offer"), (6, 12, "demand")])
    everyone = auto_accept(store, collect(store))
    assert everyone.changes == []
    majority = auto_accept(store, collect(store), threshold=2)
    # (0, 5): claim 2 of 3; (6, 12): three different values, no majority; (20, 30): a tie
    assert gold(store) == {(0, 5): (("claim",), "")}
    majority.undo(store)
    assert gold(store) == {}


def test_majority_of_no_label_is_decided_as_no_label(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim")])
    add(store, text, "ben", [])
    add(store, text, "cleo", [])
    auto_accept(store, collect(store), threshold=2)
    assert gold(store) == {(0, 5): ((), NO_LABEL_NOTE)}


def test_gold_never_changes_agreement(two):
    from annotator.review import compute_agreement

    before = compute_agreement(collect(two)).as_dict()
    auto_accept(two, collect(two))
    assert compute_agreement(collect(two)).as_dict() == before


def test_merged_jsonl_reviewed_and_gold_in_the_export(cli, tmp_path, db_path):
    from annotator.store import Store
    from tests.conftest import write_jsonl

    text = "Zelensky said Kyiv will halt strikes if Moscow does."
    kyiv, cond = (text.index("Kyiv"), text.index(" if")), (text.index("if"), len(text))
    spans = {"anna": [(*kyiv, "offer"), (*cond, "condition")], "ben": [(*kyiv, "offer"), (*cond, "demand")]}
    for name, items in spans.items():
        rec = {
            "text": text,
            "_annotator_id": name,
            "spans": [dict(zip(("start", "end", "label"), s, strict=True)) for s in items],
        }
        assert cli("import", "--no-ner", write_jsonl(tmp_path / f"{name}.jsonl", [json.dumps(rec)])).exit_code == 0
    with Store.open(db_path) as store:
        auto_accept(store, collect(store))
        (conflict,) = find_conflicts(collect(store))
        take(store, conflict, "anna")
    out = tmp_path / "gold.jsonl"
    assert cli("export", "--annotator", GOLD, out).exit_code == 0
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    labeled = sorted((s["start"], s["end"], s["label"]) for s in row["spans"])
    assert labeled == [(*kyiv, "offer"), (*cond, "condition")]


# -- gold spans a tokenizer can hold, once each -------------------------------------------------


def test_take_all_on_a_boundary_conflict_keeps_one_span_per_label(two):
    boundary = next(c for c in find_conflicts(collect(two)) if c.start == 6)
    take_all(two, boundary)
    labeled = {span: labels for span, (labels, _) in gold(two).items() if labels}
    assert labeled == {(6, 12): ("offer",)}, "anna's 6-12 and ben's 8-12 offer are one offer, not two overlapping"
    assert gold(two)[(8, 12)] == ((), NO_LABEL_NOTE) and is_resolved(boundary, decided_spans(two)[1])


def test_take_all_keeps_different_labels_on_overlapping_spans(store):
    text = make_text(0)
    add(store, text, "anna", [(6, 19, "offer")])
    add(store, text, "ben", [(12, 19, "demand")])
    (conflict,) = find_conflicts(collect(store))
    take_all(store, conflict)
    assert {span: labels for span, (labels, _) in gold(store).items()} == {(6, 19): ("offer",), (12, 19): ("demand",)}


def test_a_gold_edit_is_snapped_onto_whole_words(two):
    text = two.articles.article(1).text
    set_gold(two, 1, 2, 9, ["claim"])  # "yiv0 sa": inside two words
    (span,) = gold(two)
    assert text[span[0] : span[1]] == "Kyiv0 said0"
    with pytest.raises(ValueError, match="covers no word"):
        set_gold(two, 1, 5, 6, ["claim"])  # the space between two words


def test_agreed_units_are_computed_from_those_who_finished(store):
    from annotator.review.gold import agreed_units, gold_articles

    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 11, "offer")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 11, "demand")])
    add(store, text, "cleo", [(0, 5, "threat")], done=False)
    (art,) = collect(store).articles
    assert agreed_units(art) == {(0, 5): ("claim",)}, "cleo is still at work: she does not count"
    (found,) = gold_articles(store).values()
    assert (found.reviewed, found.complete, found.undecided) == (True, False, [[(6, 11)]])
    set_gold(store, 1, 6, 11, ["offer"])
    (found,) = gold_articles(store).values()
    assert found.complete and found.spans() == {(0, 5): ("claim",), (6, 11): ("offer",)}


def test_two_of_three_who_finished_is_not_agreement(store):
    from annotator.review.gold import agreed_units, gold_articles

    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (6, 11, "offer")])
    add(store, text, "ben", [(0, 5, "claim"), (6, 11, "offer")])
    add(store, text, "cleo", [(0, 5, "threat"), (6, 11, "offer")])
    (art,) = collect(store).articles
    assert agreed_units(art) == {(6, 11): ("offer",)}
    (found,) = gold_articles(store).values()
    assert found.undecided == [[(0, 5)]] and not found.complete
