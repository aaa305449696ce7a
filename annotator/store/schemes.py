"""The project's schemes: its labels, link types and category groups, kept in its settings.

Saving a scheme with renames carries every stored use of a renamed name over in the same
transaction; renames apply together, so a swap moves each value once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict

from annotator.records import Category, CategoryGroup, Label, LinkType
from annotator.schemes.links import SETTING, link_types_from_setting, link_types_to_setting
from annotator.store.part import Part
from annotator.store.renames import rename_values


class SchemesPart(Part):
    """`store.schemes`: the label scheme, the link scheme and the category scheme."""

    # -- labels ----------------------------------------------------------------------------

    def label_scheme(self) -> list[Label] | None:
        """The project's labels, or None when the project has not chosen any yet."""
        raw = self.store.get_setting("label_scheme")
        return None if raw is None else [Label(**item) for item in raw]

    def set_label_scheme(self, labels: Iterable[Label]) -> None:
        self.store.set_setting("label_scheme", [vars(label) for label in labels])

    def update_label_scheme(self, labels: Iterable[Label], renames: Mapping[str, str] = {}) -> int:
        """Save the scheme and carry every label renamed old → new over, in one transaction.

        The renames apply together, so swapping two names (or a → b with b → c) moves each
        statement label once. A statement that already carries the new name keeps one copy.
        Returns how many statement labels were renamed.
        """
        with self.write():
            moved = rename_values(self.conn, "statement_labels", "label", renames)
            self.set_label_scheme(labels)
        return moved

    # -- link types ------------------------------------------------------------------------

    def link_scheme(self) -> list[LinkType] | None:
        """The project's link types, or None when it has not chosen any yet."""
        return link_types_from_setting(self.store.get_setting(SETTING))

    def update_link_scheme(self, types: Iterable[LinkType], renames: Mapping[str, str] = {}) -> int:
        """Save the link types and carry every renamed type over (links and decisions), in one
        transaction; renames apply together (a swap moves each link once). Returns links renamed."""
        with self.write():
            moved = rename_values(self.conn, "links", "label", renames)
            rename_values(self.conn, "link_decisions", "label", renames)
            self.store.set_setting(SETTING, link_types_to_setting(list(types)))
        return moved

    # -- category groups -------------------------------------------------------------------

    def category_scheme(self) -> list[CategoryGroup] | None:
        """The project's category groups, or None when it has not chosen any yet."""
        raw = self.store.get_setting("category_scheme")
        if raw is None:
            return None
        return [
            CategoryGroup(g["name"], bool(g.get("exclusive")), tuple(Category(**c) for c in g.get("categories", ())))
            for g in raw
        ]

    def set_category_scheme(self, groups: Iterable[CategoryGroup]) -> None:
        self.store.set_setting("category_scheme", [asdict(group) for group in groups])

    def found_category_groups(self) -> dict[str, str]:
        """category -> the group a file put it in (Label Studio's `<Choices name>`), for categories
        in no group of the scheme: `project_categories` shows them there instead of in "other"."""
        found = self.store.get_setting("found_category_groups")
        return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}

    def add_found_category_groups(self, groups: Mapping[str, str], scheme: Iterable[str]) -> None:
        """Remember the group a file put each category in, unless the category is in the scheme
        (`scheme`: its names) or already has one: the first file that named a group keeps it."""
        found = self.found_category_groups()
        known = set(scheme)
        new = {name: group for name, group in groups.items() if name not in known and name not in found}
        if new:
            self.store.set_setting("found_category_groups", {**found, **new})

    def update_category_scheme(
        self,
        groups: Iterable[CategoryGroup],
        renames: Mapping[str, str] = {},
        group_renames: Mapping[str, str] = {},
    ) -> int:
        """Save the scheme and carry renamed categories (and groups' decisions) over, in one
        transaction; returns how many stored categories were renamed. Retired categories stay stored."""
        groups = list(groups)
        with self.write():
            moved = rename_values(self.conn, "article_categories", "category", renames)
            rename_values(self.conn, "category_decisions", "category_group", group_renames)
            self.set_category_scheme(groups)
        return moved
