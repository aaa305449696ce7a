"""Metadata filters: the fields present in the project are discovered (with counts, dates recognised),
and the article list filters on any of them."""

from __future__ import annotations

import pytest

from annotator.records import IncomingRecord, MetaCondition
from annotator.store.articles import ArticleFilter

META = [
    {"source": "tass", "date": "2025-03-02", "words": 300, "tags": ["energy", "talks"]},
    {"source": "TASS", "date": "2025-04-10", "words": 1200},
    {"source": "reuters", "date": "2024-12-31T10:00:00Z", "words": 80.5, 'odd "key"': "yes"},
    {},
]


@pytest.fixture
def project(store):
    store.add_records([IncomingRecord(f"Article {i}.", f"T{i}", "x", i, meta=m) for i, m in enumerate(META)], "me")
    return store


def test_fields_are_discovered_with_counts_and_ranges(project):
    fields = {f.name: f for f in project.meta.meta_fields()}
    assert set(fields) == {"source", "date", "words", "tags", 'odd "key"'}
    assert fields["date"].kind == "date" and (fields["date"].low, fields["date"].high) == (
        "2024-12-31T10:00:00Z",
        "2025-04-10",
    )
    assert fields["words"].kind == "number" and (fields["words"].low, fields["words"].high) == (80.5, 1200)
    assert fields["source"].kind == "text" and fields["source"].articles == 3
    assert dict(fields["source"].values) == {"tass": 1, "TASS": 1, "reuters": 1}
    assert fields["tags"].kind == "list"
    assert next(iter(fields)) in {"source", "date", "words"}  # the commonest first


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (MetaCondition("source", "tass"), [1, 2]),  # case-insensitive
        (MetaCondition("date", low="2025-01-01", high="2025-03"), [1]),  # a month as the upper bound
        (MetaCondition("date", high="2024"), [3]),
        (MetaCondition("date", low="2025-03-02", low_open=True), [2]),
        (MetaCondition("words", low="100"), [1, 2]),  # numbers compare as numbers
        (MetaCondition("words", high="99"), [3]),
        (MetaCondition("tags", "talks"), [1]),  # a list holds the value
        (MetaCondition('odd "key"', "YES"), [3]),
        (MetaCondition("missing", "x"), []),
    ],
)
def test_the_list_filters_on_any_field(project, condition, expected):
    assert [r.id for r in project.articles.article_page("me", ArticleFilter(meta=(condition,)))] == expected


def test_conditions_combine_with_the_other_filters(project):
    project.articles.set_status(2, "me", "done")
    both = ArticleFilter(status="done", meta=(MetaCondition("source", "tass"),))
    assert [r.id for r in project.articles.article_page("me", both)] == [2]
    assert project.articles.neighbour_article(1, "me", 1, ArticleFilter(meta=(MetaCondition("source", "tass"),))) == 2
