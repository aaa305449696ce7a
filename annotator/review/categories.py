"""Article categories across annotators: agreement, conflicts and gold decisions.

The unit is the article. For one group an annotator has
- the categories of that group they gave (sorted), when they gave any;
- none — an empty tuple — when they marked the article done without giving one: they saw it
  (an article whose layer answered only categories from a file counts as done here: its
  categories are decided, though its statements are not);
- nothing (missing, None) otherwise: still at work, we cannot tell.

Agreement (Krippendorff's alpha, nominal, from `agreement`): per category, whether the article
has it (1/0); per exclusive group, which one of its categories (or none) it has. A conflict is
an (article, group) where two or more annotators have a value and the values differ; a review
decision gives gold the chosen categories of that group ("none of them" too) and can be undone.
Gold (`gold_categories`) is the decisions over what every annotator who finished the article —
at least two — agrees on, as for span labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from annotator.records import GOLD, CategoryGroup
from annotator.schemes.categories import project_categories

Value = tuple[str, ...] | None


@dataclass
class ArticleCategories:
    """One article's categories per annotator (gold left out) and who marked it done."""

    article_id: int
    given: dict[str, set[str]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)

    def value(self, annotator: str, group: CategoryGroup) -> Value:
        members = {c.name for c in group.categories}
        mine = tuple(sorted(self.given.get(annotator, set()) & members))
        if mine:
            return mine
        return () if annotator in self.done else None


@dataclass
class CategoryCollection:
    annotators: list[str]
    articles: list[ArticleCategories]
    groups: list[CategoryGroup]


def collect_categories(store, groups: Sequence[CategoryGroup] | None = None) -> CategoryCollection:
    """Every annotator's categories and done marks, per article (articles nobody categorised and
    nobody finished are left out). One pass over the stored rows."""
    done: dict[int, set[str]] = {}
    left_out = {GOLD, *store.guidelines.trainees()}  # trainees' work stays out of review until promoted
    # a layer that answered only categories from a file finished them, though not its statements
    for article_id, name in (*store.review.done_annotators(), *store.review.categories_only_annotators()):
        if name not in left_out:
            done.setdefault(article_id, set()).add(name)
    articles: dict[int, ArticleCategories] = {}
    for article_id, rows in groupby(store.categories.category_rows(), key=lambda r: r[0]):
        art = ArticleCategories(article_id, done=done.pop(article_id, set()))
        for _, name, category in rows:
            if name not in left_out:
                art.given.setdefault(name, set()).add(category)
        articles[article_id] = art
    for article_id, names in done.items():
        articles[article_id] = ArticleCategories(article_id, done=names)
    names = sorted({n for a in articles.values() for n in (*a.given, *a.done)})
    ordered = [articles[k] for k in sorted(articles)]
    return CategoryCollection(names, ordered, list(groups) if groups is not None else project_categories(store))


# -- agreement ---------------------------------------------------------------------------------


@dataclass
class CategoryAgreement:
    annotators: list[str]
    #: Articles where at least two annotators have a value for some group.
    articles: int
    per_category: dict[str, float]
    per_group: dict[str, float]
    #: Articles each category was given, per annotator: {category: {annotator: n}}.
    counts: dict[str, dict[str, int]]
    conflicts: int
    reasons: dict[str, str] = field(default_factory=dict)
    group_reasons: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if math.isnan(x) else round(x, 6)

        out: dict[str, Any] = {
            "annotators": self.annotators,
            "articles": self.articles,
            "alpha_per_category": {k: num(v) for k, v in self.per_category.items()},
            "alpha_per_exclusive_group": {k: num(v) for k, v in self.per_group.items()},
            "counts": self.counts,
            "conflicts": self.conflicts,
        }
        if self.reasons:
            out["alpha_per_category_reason"] = self.reasons
        if self.group_reasons:
            out["alpha_per_exclusive_group_reason"] = self.group_reasons
        return out


def category_agreement(collection: CategoryCollection) -> CategoryAgreement:
    """Alpha per category (present or not) and per exclusive group (which one), over articles."""
    # numpy and krippendorff only here: the export reads this module for gold categories, and
    # every export paid for them (0.05 s of CPU)
    import numpy as np

    from annotator.review.agreement import alpha_reason, nominal_alpha

    names, arts = collection.annotators, collection.articles
    per_category: dict[str, float] = {}
    reasons: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    shared: set[int] = set()
    for group in collection.groups:
        values = [[art.value(a, group) for art in arts] for a in names]
        for j, art in enumerate(arts):
            if sum(row[j] is not None for row in values) >= 2:
                shared.add(art.article_id)
        for category in group.categories:
            matrix = np.array(
                [[np.nan if v is None else float(category.name in v) for v in row] for row in values], dtype=float
            ).reshape(len(names), len(arts))
            per_category[category.name] = nominal_alpha(matrix)
            if (why := alpha_reason(matrix)) is not None:
                reasons[category.name] = why
            counts[category.name] = {a: int(np.nansum(matrix[i])) for i, a in enumerate(names)}
    per_group: dict[str, float] = {}
    group_reasons: dict[str, str] = {}
    for group in collection.groups:
        if not group.exclusive:
            continue
        codes = {c.name: i + 1 for i, c in enumerate(group.categories)}
        matrix = np.array(
            [[_group_code(art.value(a, group), codes) for art in arts] for a in names], dtype=float
        ).reshape(len(names), len(arts))
        per_group[group.name] = nominal_alpha(matrix)
        if (why := alpha_reason(matrix)) is not None:
            group_reasons[group.name] = why
    return CategoryAgreement(
        names,
        len(shared),
        per_category,
        per_group,
        counts,
        len(category_conflicts(collection)),
        reasons,
        group_reasons,
    )


def _group_code(value: Value, codes: dict[str, int]) -> float:
    if value is None:
        return math.nan
    return float(codes.get(value[0], 0)) if len(value) == 1 else float(len(codes) + 1)  # none: 0; two: apart


# -- conflicts and decisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryConflict:
    article_id: int
    group: str
    exclusive: bool
    #: Each annotator with a value: the group's categories they gave (empty: none, after finishing).
    values: dict[str, tuple[str, ...]]


def category_conflicts(collection: CategoryCollection) -> list[CategoryConflict]:
    """Every (article, group) where annotators with a value disagree, by article and group order."""
    out = []
    for art in collection.articles:
        for group in collection.groups:
            values = {a: v for a in collection.annotators if (v := art.value(a, group)) is not None}
            if len(values) >= 2 and len(set(values.values())) > 1:
                out.append(CategoryConflict(art.article_id, group.name, group.exclusive, values))
    return out


@dataclass(frozen=True)
class GroupChange:
    article_id: int
    group: str
    members: tuple[str, ...]
    #: (gold's categories of the group, decided) before and after.
    before: tuple[tuple[str, ...], bool]
    after: tuple[tuple[str, ...], bool]


@dataclass
class CategoryDecision:
    """Gold decisions on categories made as one batch; undo/redo each run in one transaction."""

    description: str
    changes: list[GroupChange] = field(default_factory=list)

    def undo(self, store) -> None:
        _restore(store, [(c, c.before) for c in reversed(self.changes)])

    def redo(self, store) -> None:
        _restore(store, [(c, c.after) for c in self.changes])


def _restore(store, targets: list[tuple[GroupChange, tuple[tuple[str, ...], bool]]]) -> None:
    with store.write():
        for change, (categories, decided) in targets:
            store.categories.decide_category_group(
                change.article_id, change.group, change.members, categories if decided else None
            )


def decide_group(
    store, article_id: int, group: CategoryGroup, chosen: Sequence[str], description: str = "decide categories"
) -> CategoryDecision:
    """Gold gets `chosen` (the group's categories; empty: none of them) for the article's group."""
    members = tuple(c.name for c in group.categories)
    unknown = set(chosen) - set(members)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} not in group {group.name!r}")
    if group.exclusive and len(set(chosen)) > 1:
        raise ValueError(f"group {group.name!r} is exclusive: choose one category or none")
    after = (tuple(sorted(set(chosen))), True)
    before = store.categories.decide_category_group(article_id, group.name, members, after[0])
    return CategoryDecision(description, [GroupChange(article_id, group.name, members, before, after)])


def take_categories(
    store, conflict: CategoryConflict, annotator: str, groups: Sequence[CategoryGroup]
) -> CategoryDecision:
    """Gold takes `annotator`'s categories of the conflict's group."""
    group = next(g for g in groups if g.name == conflict.group)
    return decide_group(store, conflict.article_id, group, conflict.values.get(annotator, ()), f"take {annotator}'s")


# -- gold --------------------------------------------------------------------------------------------


@dataclass
class GoldCategories:
    """One article's gold categories: decisions over agreement of everyone who finished (at least two)."""

    article_id: int
    categories: tuple[str, ...]
    #: Groups neither decided nor agreed on by the finished annotators.
    undecided: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.undecided


def gold_categories(store, collection: CategoryCollection | None = None) -> dict[int, GoldCategories]:
    """Gold categories of every article someone decided on or two or more annotators finished."""
    collection = collection or collect_categories(store)
    decided = store.categories.category_decisions()
    gold: dict[int, set[str]] = {}
    for article_id, name, category in store.categories.category_rows():
        if name == GOLD:
            gold.setdefault(article_id, set()).add(category)
    out: dict[int, GoldCategories] = {}
    arts = {a.article_id: a for a in collection.articles}
    decided_articles = {a for a, _ in decided}
    for article_id in sorted(set(arts) | decided_articles):
        art = arts.get(article_id, ArticleCategories(article_id))
        finished = sorted(art.done)
        if len(finished) < 2 and article_id not in decided_articles:
            continue
        chosen: set[str] = set()
        undecided: list[str] = []
        for group in collection.groups:
            members = {c.name for c in group.categories}
            if (article_id, group.name) in decided:
                chosen |= gold.get(article_id, set()) & members
                continue
            values = {art.value(a, group) for a in finished}
            if len(finished) >= 2 and len(values) == 1:
                chosen |= set(values.pop() or ())
            elif finished:
                undecided.append(group.name)
        out[article_id] = GoldCategories(article_id, tuple(sorted(chosen)), tuple(undecided))
    return out
