"""Article categories: a scheme of groups (exclusive or not), set by key with undo, shown and filtered in
the list, renamed with carry-over, measured for agreement, and their conflicts decided into gold."""

from __future__ import annotations

import json
import math

import pytest

from annotator.records import GOLD, Category, CategoryGroup, IncomingRecord
from annotator.review.categories import (
    category_agreement,
    category_conflicts,
    collect_categories,
    decide_group,
    gold_categories,
    take_categories,
)
from annotator.schemes.categories import by_key, default_categories, project_categories, toggle_category
from annotator.store.articles import ArticleFilter

SCHEME = [
    CategoryGroup("relevance", False, (Category("relevant"),)),
    CategoryGroup("stance", True, (Category("positive"), Category("negative"))),
]


@pytest.fixture
def project(store):
    store.add_records([IncomingRecord(f"Article number {i}.", f"T{i}", "x", i) for i in range(6)], "me")
    store.schemes.set_category_scheme(SCHEME)
    return store


def test_the_default_scheme_has_exclusive_and_multi_choice_groups_with_shift_keys(store):
    groups = project_categories(store)
    assert groups == project_categories(store) and [g.name for g in groups] == [g.name for g in default_categories()]
    assert any(g.exclusive for g in groups) and any(not g.exclusive for g in groups)
    assert [c.key for g in groups for c in g.categories][:3] == ["1", "2", "3"]
    assert by_key(groups, "1").name == "relevant"


def test_toggling_in_an_exclusive_group_switches_and_undo_restores(project):
    groups = project_categories(project)
    first = toggle_category(project, 1, "anna", "positive", groups)
    second = toggle_category(project, 1, "anna", "negative", groups)
    toggle_category(project, 1, "anna", "relevant", groups)
    assert project.categories.article_categories(1, "anna") == ("negative", "relevant")
    assert (first.before, first.after, second.after) == ((), ("positive",), ("negative",))
    off = toggle_category(project, 1, "anna", "relevant", groups)
    off.undo(project)
    assert project.categories.article_categories(1, "anna") == ("negative", "relevant")
    assert project.articles.status(1, "anna") == "in_progress"


def test_unknown_and_retired_categories_are_refused(project):
    with pytest.raises(ValueError, match="not a category"):
        toggle_category(project, 1, "anna", "sports")
    project.schemes.set_category_scheme([CategoryGroup("relevance", False, (Category("relevant", retired=True),))])
    with pytest.raises(ValueError, match="retired"):
        toggle_category(project, 1, "anna", "relevant")


def test_the_list_shows_categories_and_filters_on_them(project):
    project.categories.set_article_categories(2, "anna", ["relevant", "positive"])
    project.categories.set_article_categories(3, "anna", ["negative"])
    project.categories.set_article_categories(4, "ben", ["relevant"])
    rows = {r.id: r.categories for r in project.articles.article_page("anna")}
    assert rows[2] == ("positive", "relevant") and rows[3] == ("negative",) and rows[4] == ()
    assert [r.id for r in project.articles.article_page("anna", ArticleFilter(categories=("relevant",)))] == [2]
    assert [r.id for r in project.articles.article_page("ben", ArticleFilter(categories=("relevant",)))] == [4]
    assert [r.id for r in project.articles.article_page("anna", ArticleFilter(not_categories=("relevant",)))] == [
        1,
        3,
        4,
        5,
        6,
    ]


def test_renaming_carries_stored_categories_over_and_swaps_cleanly(project):
    project.categories.set_article_categories(1, "anna", ["positive"])
    project.categories.set_article_categories(2, "anna", ["negative"])
    swapped = [CategoryGroup("mood", True, (Category("negative"), Category("positive")))]
    moved = project.schemes.update_category_scheme(
        swapped, {"positive": "negative", "negative": "positive"}, {"stance": "mood"}
    )
    assert moved == 2
    assert project.categories.article_categories(1, "anna") == ("negative",) and project.categories.article_categories(
        2, "anna"
    ) == ("positive",)
    assert [g.name for g in project.schemes.category_scheme()] == ["mood"]


def test_categories_in_the_data_but_not_in_the_scheme_are_shown_in_other(project):
    project.categories.add_article_categories([(1, "anna", "sports")])
    groups = project_categories(project)
    assert groups[-1].name == "other" and groups[-1].categories[0].name == "sports"


def finish(project, article_id, annotator, categories):
    project.categories.set_article_categories(article_id, annotator, categories)
    project.articles.set_status(article_id, annotator, "done")


def test_agreement_per_category_and_per_exclusive_group(project):
    for article_id, anna, ben in [
        (1, ["relevant", "positive"], ["relevant", "positive"]),
        (2, ["relevant", "negative"], ["relevant", "positive"]),
        (3, [], []),
        (4, ["relevant"], []),
        (5, ["negative"], ["negative"]),
    ]:
        finish(project, article_id, "anna", anna)
        finish(project, article_id, "ben", ben)
    result = category_agreement(collect_categories(project))
    assert result.annotators == ["anna", "ben"] and result.articles == 5
    assert result.counts["relevant"] == {"anna": 3, "ben": 2}
    # relevant: anna 1 1 0 1 0, ben 1 1 0 0 0. By hand: coincidences o11 = 4, o00 = 4, o10 = o01 = 1,
    # n = 10, n1 = n0 = 5; D_o = 2/10, D_e = 2·5·5/(10·9) = 5/9; alpha = 1 − 0.2/(5/9) = 0.64
    assert result.per_category["relevant"] == pytest.approx(0.64, abs=1e-9)
    assert not math.isnan(result.per_group["stance"])
    assert result.conflicts == 2  # article 2 (stance), article 4 (relevance)


def test_alpha_is_na_with_a_reason_when_undefined(project):
    finish(project, 1, "anna", ["relevant"])
    result = category_agreement(collect_categories(project))
    assert math.isnan(result.per_category["relevant"]) and result.reasons["relevant"] == "a single annotator"
    assert result.as_dict()["alpha_per_category"]["relevant"] is None


def test_conflicts_are_decided_into_gold_and_undone(project):
    finish(project, 1, "anna", ["positive"])
    finish(project, 1, "ben", ["negative"])
    finish(project, 2, "anna", ["relevant"])
    finish(project, 2, "ben", ["relevant"])
    collection = collect_categories(project)
    conflicts = category_conflicts(collection)
    assert [(c.article_id, c.group, c.values) for c in conflicts] == [
        (1, "stance", {"anna": ("positive",), "ben": ("negative",)})
    ]
    gold = gold_categories(project, collection)
    assert gold[2].categories == ("relevant",) and gold[2].complete  # agreed: gold without a keypress
    assert gold[1].undecided == ("stance",) and not gold[1].complete
    decision = take_categories(project, conflicts[0], "ben", collection.groups)
    assert project.categories.article_categories(1, GOLD) == ("negative",)
    assert gold_categories(project)[1].categories == ("negative",) and gold_categories(project)[1].complete
    decision.undo(project)
    assert project.categories.article_categories(1, GOLD) == () and not gold_categories(project)[1].complete
    decision.redo(project)
    none = decide_group(project, 1, SCHEME[1], [])  # "none of them" is a decision too
    assert gold_categories(project)[1].complete and gold_categories(project)[1].categories == ()
    none.undo(project)
    assert gold_categories(project)[1].categories == ("negative",)
    with pytest.raises(ValueError, match="exclusive"):
        decide_group(project, 1, SCHEME[1], ["positive", "negative"])


def test_the_agreement_command_reports_categories(cli, db_path):
    from annotator.store import Store

    with Store.create(db_path) as project:
        project.add_records([IncomingRecord(f"Article {i}.", f"T{i}", "x", i) for i in range(3)], "me")
        project.schemes.set_category_scheme(SCHEME)
        for article_id in (1, 2, 3):
            finish(project, article_id, "anna", ["relevant"])
            finish(project, article_id, "ben", ["relevant"] if article_id < 3 else [])
    text = cli("agreement")
    assert text.exit_code == 0
    assert "article categories: 3 articles with two or more annotators, 1 conflicts" in text.output
    assert "relevant" in text.output and "stance (one of)" in text.output
    data = json.loads(cli("agreement", "--json").output)
    assert data["categories"]["counts"]["relevant"] == {"anna": 3, "ben": 2}
    assert data["categories"]["alpha_per_category_reason"]["positive"] == "full agreement"


def test_a_teammates_file_brings_its_categories(tmp_path):
    from annotator.store import Store
    from annotator.store.teammate import TeammateFile

    path = tmp_path / "ben.annotator.sqlite"
    with Store.create(path) as theirs:
        theirs.add_records([IncomingRecord("One article.", "T", "x", 1)], "ben")
        theirs.categories.set_article_categories(1, "ben", ["relevant"])
    with TeammateFile.open(path, max_value_bytes=10_000_000, seconds=10) as teammate:
        (article,) = list(teammate.articles())
        (layer,) = article.layers
        assert [row["category"] for row in layer.categories] == [b"relevant"]


def test_undo_of_a_category_key_keeps_what_another_program_gave_meanwhile(project, tmp_path):
    """Undo is a change, not the snapshot from before the key: another program's category stays,
    and a stance that comes back takes its exclusive group's place."""
    from annotator.store import Store

    groups = project_categories(project)
    switched = toggle_category(project, 1, "anna", "negative", groups)
    with Store.open(project.path) as other:  # another program (its own connection)
        toggle_category(other, 1, "anna", "relevant")
    switched.undo(project)
    assert project.categories.article_categories(1, "anna") == ("relevant",)
    first = toggle_category(project, 1, "anna", "positive", groups)
    with Store.open(project.path) as other:
        toggle_category(other, 1, "anna", "negative")  # switches the stance
    first.redo(project)  # the window's redo of positive: positive again, never both
    assert project.categories.article_categories(1, "anna") == ("positive", "relevant")
