"""Work packages: the split of articles among annotators (`annotator.packages.assign`)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.packages.assign import AssignmentError, assign

TEN = [f"annotator{i}" for i in range(10)]


def test_a_thousand_articles_ten_annotators_overlap_two():
    """The issue's case: every article exactly twice (two different people), shares within one,
    the same packages from the same seed, other packages from another."""
    articles = list(range(1, 1001))
    split = assign(articles, TEN, 2, seed=7)
    holders = split.annotators_of()
    assert sorted(holders) == articles
    assert all(len(names) == 2 and len(set(names)) == 2 for names in holders.values())
    shares = split.shares()
    assert set(shares.values()) == {200}
    assert assign(articles, TEN, 2, seed=7).packages == split.packages
    assert assign(articles, TEN, 2, seed=8).packages != split.packages
    # the overlap pairs vary: agreement can be computed between most pairs, not five fixed ones
    pairs = Counter(tuple(sorted(names)) for names in holders.values())
    assert len(pairs) >= 40


@settings(max_examples=150, deadline=None)
@given(
    n_articles=st.integers(0, 300),
    n_annotators=st.integers(1, 8),
    data=st.data(),
    seed=st.integers(0, 2**32),
)
def test_each_article_k_times_shares_within_one(n_articles, n_annotators, data, seed):
    names = [f"a{i}" for i in range(n_annotators)]
    overlap = data.draw(st.integers(1, n_annotators))
    strata = data.draw(st.none() | st.dictionaries(st.integers(1, n_articles or 1), st.sampled_from("xyz")))
    articles = list(range(1, n_articles + 1))
    split = assign(articles, names, overlap, seed, strata=strata)
    holders = split.annotators_of()
    assert sorted(holders) == articles
    assert all(len(set(h)) == len(h) == overlap for h in holders.values())
    shares = split.shares().values()
    assert max(shares) - min(shares) <= 1
    assert assign(articles, names, overlap, seed, strata=strata) == split


@settings(max_examples=80, deadline=None)
@given(n_articles=st.integers(1, 200), size=st.integers(1, 60), seed=st.integers(0, 1000))
def test_a_size_draws_that_many_per_package_in_proportion_to_the_field(n_articles, size, seed):
    names = ["anna", "ben", "carol"]
    strata = {a: "sport" if a % 4 == 0 else "politics" for a in range(1, n_articles + 1)}
    split = assign(range(1, n_articles + 1), names, 2, seed, size=size, strata=strata)
    drawn = split.annotators_of()
    assert len(drawn) == min(n_articles, size * 3 // 2)
    if len(drawn) < n_articles:  # a draw: each field value in proportion (within one)
        sport = sum(1 for a in drawn if strata[a] == "sport")
        expected = len(drawn) * sum(1 for v in strata.values() if v == "sport") / n_articles
        assert abs(sport - expected) <= 1


def test_seen_articles_are_never_dealt_again():
    seen = {"anna": {1, 2, 3}, "ben": {3}}
    split = assign([1, 2, 3, 4], ["anna", "ben", "carol"], 2, seed=1, seen=seen)
    assert not {1, 2, 3} & set(split.packages["anna"])
    assert 3 not in split.packages["ben"]
    assert split.unplaced == [3]  # only carol may still read it: fewer than two people


@pytest.mark.parametrize(
    ("names", "overlap", "why"),
    [(["anna"], 2, "overlap must be between 1 and"), (["anna", "anna"], 1, "named twice"), ([], 1, "no annotators")],
)
def test_impossible_requests_say_why(names, overlap, why):
    with pytest.raises(AssignmentError, match=why):
        assign([1, 2], names, overlap)
