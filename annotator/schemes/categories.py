"""The article category scheme and the window's category actions (Shift+1–9).

A category belongs to one group; a group is exclusive (one category per article: a stance)
or not (any number: topics). Categories are named uniquely across groups, so a stored
category is just its name. The scheme is the project's, or the default from
`resources/categories.json`; categories found in the data but in no group (another tool's
file) join a last group, "other" (or the group the file named: a Label Studio `<Choices name>`,
so an export writes it back under that name), so they can be seen, keyed and renamed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from annotator import settings
from annotator.records import Category, CategoryGroup, name_problem
from annotator.schemes.labels import EXTRA_COLORS, number_keys

OTHER_GROUP = "other"


def default_categories() -> list[CategoryGroup]:
    data = json.loads(settings.resource("categories.json").read_text(encoding="utf-8"))
    return [
        CategoryGroup(g["name"], g.get("exclusive", False), tuple(Category(**c) for c in g["categories"]))
        for g in data["groups"]
    ]


def check_scheme(groups: Sequence[CategoryGroup]) -> None:
    """Raises ValueError when a category or group name is empty, used twice or no name
    (`records.name_problem`: a control or invisible character, too long)."""
    seen: set[str] = set()
    group_names: set[str] = set()
    for group in groups:
        if not group.name.strip() or group.name in group_names:
            raise ValueError(f"group names must be given and different: {group.name!r}")
        if why := name_problem(group.name, "group name"):
            raise ValueError(why)
        group_names.add(group.name)
        for category in group.categories:
            if not category.name.strip():
                raise ValueError(f"a category of group {group.name!r} has no name")
            if why := name_problem(category.name, "category"):
                raise ValueError(why)
            if category.name in seen:
                raise ValueError(f"category {category.name!r} is in two groups; category names must differ")
            seen.add(category.name)


def project_categories(store) -> list[CategoryGroup]:
    """The project's groups (the defaults until it chooses its own), then categories stored (given,
    or asked and answered "no") but in no group, in a group "other"; keys 1–9 (with Shift)
    numbered over the active categories."""
    groups = store.schemes.category_scheme() or default_categories()
    known = {c.name for g in groups for c in g.categories}
    extra = [name for name in store.categories.known_categories() if name not in known]
    if extra:
        colors = list(EXTRA_COLORS)
        placed = _found_groups(extra, store.schemes.found_category_groups(), {g.name for g in groups})
        found: dict[str, list[Category]] = {}
        for i, name in enumerate(extra):
            category = Category(
                name, colors[i % len(colors)], description="Found in this project's data but in no group."
            )
            found.setdefault(placed.get(name, OTHER_GROUP), []).append(category)
        groups = [*groups, *(CategoryGroup(name, False, tuple(members)) for name, members in found.items())]
    return with_keys(groups)


def _found_groups(extra: Sequence[str], found: dict[str, str], taken: set[str]) -> dict[str, str]:
    """category -> the group a file put it in (Label Studio's `<Choices name>`), where that name is
    a fit group name of no group of the scheme; the others go in "other"."""
    return {
        name: found[name]
        for name in extra
        if name in found
        and found[name] not in taken
        and found[name] != OTHER_GROUP
        and not name_problem(found[name], "group")
    }


def with_keys(groups: Sequence[CategoryGroup]) -> list[CategoryGroup]:
    """Keys "1"–"9" (pressed with Shift) for the active categories, in scheme order."""
    flat = number_keys([c for g in groups for c in g.categories])
    out, i = [], 0
    for g in groups:
        out.append(replace(g, categories=tuple(flat[i : i + len(g.categories)])))
        i += len(g.categories)
    return out


def group_of(groups: Sequence[CategoryGroup], category: str) -> CategoryGroup | None:
    return next((g for g in groups if any(c.name == category for c in g.categories)), None)


def by_key(groups: Sequence[CategoryGroup], key: str) -> Category | None:
    """The category on key `key` ("1"–"9"; Shift+key in the window)."""
    return next((c for g in groups for c in g.categories if c.key == key and not c.retired), None)


@dataclass(frozen=True)
class CategoryChange:
    """One article's categories for one annotator, before and after an action. Undo and redo are
    changes against what is stored when they run (the categories the action added come off, those
    it took off go back), so a category another program gave meanwhile stays."""

    article_id: int
    annotator: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def undo(self, store) -> None:
        self._change(store, self.before, self.after)

    def redo(self, store) -> None:
        self._change(store, self.after, self.before)

    def _change(self, store, to: tuple[str, ...], since: tuple[str, ...]) -> None:
        add, remove = set(to) - set(since), set(since) - set(to)
        groups = project_categories(store)
        with store.write():
            result = (set(store.categories.article_categories(self.article_id, self.annotator)) - remove) | add
            for group in groups:  # what comes back in an exclusive group takes its group's place
                members = {c.name for c in group.categories}
                if group.exclusive and add & members:
                    result -= members - add
            store.categories.set_article_categories(self.article_id, self.annotator, result)


def toggle_category(
    store, article_id: int, annotator: str, category: str, groups: Sequence[CategoryGroup] | None = None
) -> CategoryChange:
    """Give the article `category`, or take it off if it has it: one committed action.

    In an exclusive group, giving a category takes the group's other one off (a second press on a
    stance switches it). Raises ValueError for a category that is in no group or retired.
    """
    groups = groups if groups is not None else project_categories(store)
    group = group_of(groups, category)
    if group is None:
        raise ValueError(f"{category!r} is not a category of this project")
    if any(c.name == category and c.retired for c in group.categories):
        raise ValueError(f"{category!r} is retired; bring it back in the category scheme to use it")
    with store.write():
        before = store.categories.article_categories(article_id, annotator)
        if category in before:
            after = tuple(c for c in before if c != category)
        else:
            siblings = {c.name for c in group.categories} if group.exclusive else set()
            after = tuple(sorted({c for c in before if c not in siblings} | {category}))
        store.categories.set_article_categories(article_id, annotator, after)
    return CategoryChange(article_id, annotator, before, after)
