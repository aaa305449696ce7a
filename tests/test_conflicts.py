"""Conflict classification: label mismatch, missing, boundary; filters by kind and pair."""

from __future__ import annotations

import pytest

from annotator.review import collect, conflict_article_ids, find_conflicts
from annotator.review.conflicts import BOUNDARY, LABEL_MISMATCH, MISSING, regions
from tests.test_agreement import add, make_text


@pytest.fixture
def project(store):
    mismatch, missing, boundary, agreed = (make_text(n) for n in range(4))
    add(store, mismatch, "anna", [(0, 5, "claim")])
    add(store, mismatch, "ben", [(0, 5, "offer")])
    add(store, missing, "anna", [(0, 5, "claim"), (10, 20, "offer")])
    add(store, missing, "ben", [(0, 5, "claim")])
    add(store, boundary, "anna", [(0, 12, "claim")])
    add(store, boundary, "ben", [(3, 12, "claim")])
    add(store, boundary, "cleo", [(0, 12, "claim")])
    add(store, agreed, "anna", [(0, 5, "claim"), (0, 5, "offer")])
    add(store, agreed, "ben", [(0, 5, "claim"), (0, 5, "offer")])
    return store


def test_each_kind_is_found_where_it_is(project):
    found = {(c.article_id, c.start, c.end): c.kinds for c in find_conflicts(collect(project))}
    assert found == {
        (1, 0, 5): {LABEL_MISMATCH},
        (2, 10, 20): {MISSING},
        (3, 0, 12): {BOUNDARY},
    }


def test_boundary_region_holds_both_spans_and_names_the_pairs(project):
    (conflict,) = find_conflicts(collect(project), kind=BOUNDARY)
    assert conflict.units == [(0, 12), (3, 12)]
    assert set(conflict.pair_kinds) == {("anna", "ben"), ("ben", "cleo")}
    assert conflict.values["ben"] == {(3, 12): ("claim",)}


def test_filters_by_kind_and_pair(project):
    assert conflict_article_ids(project) == [1, 2, 3]
    assert conflict_article_ids(project, kind=MISSING) == [2]
    assert conflict_article_ids(project, pair=("cleo", "ben")) == [3]
    assert conflict_article_ids(project, pair=("anna", "cleo")) == []
    assert conflict_article_ids(project, kind=LABEL_MISMATCH, pair=("ben", "anna")) == [1]
    with pytest.raises(ValueError, match="unknown conflict kind"):
        find_conflicts(collect(project), kind="nope")


def test_an_annotator_still_at_work_leaves_labels_missing_not_no_label(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "claim"), (10, 20, "offer")])
    add(store, text, "ben", [(0, 5, "claim")], done=False)
    art = collect(store).articles[0]
    assert art.value("ben", (10, 20)) is None
    assert art.value("anna", (10, 20)) == ("offer",)
    # still a conflict to review: ben has not labeled what anna labeled
    assert [c.kinds for c in find_conflicts([art])] == [{MISSING}]


def test_an_article_only_one_annotator_touched_has_no_conflicts(store):
    add(store, make_text(0), "anna", [(0, 5, "claim")])
    add(store, make_text(1), "ben", [(0, 5, "offer")])
    assert find_conflicts(collect(store)) == []


def test_regions_join_overlaps_but_not_touching_spans():
    assert regions([(0, 5), (3, 8), (8, 10), (9, 12), (20, 30)]) == [[(0, 5), (3, 8)], [(8, 10), (9, 12)], [(20, 30)]]
