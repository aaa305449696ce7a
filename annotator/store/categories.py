"""Article categories: a second scheme, for whole articles, stored per annotator (and gold).

Each user action is one transaction and returns the state before, so the window's undo is
another action. The scheme lives in the settings like the label scheme; renaming carries
stored categories over. Review decisions are the gold layer's categories plus a row in
`category_decisions` per (article, group) decided — which is how "none of them" is a decision.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict

from annotator.records import GOLD, Category, CategoryGroup, ExportRow, IncomingRecord
from annotator.store.core import CoreStore, ImportCounts, _ByArticle, now
from annotator.store.errors import known_error
from annotator.store.renames import rename_values
from annotator.text import content_hash

_SEP = "\x1f"


class CategoryMixin(CoreStore):
    # -- the scheme ----------------------------------------------------------------------------

    def category_scheme(self) -> list[CategoryGroup] | None:
        """The project's category groups, or None when it has not chosen any yet."""
        raw = self.get_setting("category_scheme")
        if raw is None:
            return None
        return [
            CategoryGroup(g["name"], bool(g.get("exclusive")), tuple(Category(**c) for c in g.get("categories", ())))
            for g in raw
        ]

    def set_category_scheme(self, groups: Iterable[CategoryGroup]) -> None:
        self.set_setting("category_scheme", [asdict(group) for group in groups])

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

    def used_categories(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT category FROM article_categories ORDER BY category")]

    # -- one article -------------------------------------------------------------------------

    def article_categories(self, article_id: int, annotator: str) -> tuple[str, ...]:
        """The categories `annotator` gave the article, sorted."""
        return tuple(
            r[0]
            for r in self.conn.execute(
                "SELECT c.category FROM article_categories c JOIN annotators a ON a.id = c.annotator_id "
                "WHERE c.article_id = ? AND a.name = ? ORDER BY c.category",
                (article_id, annotator),
            )
        )

    def set_article_categories(self, article_id: int, annotator: str, categories: Iterable[str]) -> tuple[str, ...]:
        """Make the article carry exactly `categories` for `annotator`; returns the ones before.

        Like labeling, marks the article in progress for the annotator unless it is done.
        """
        wanted = sorted(set(categories))
        if not self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            raise ValueError(f"no article {article_id}")
        with self.write():
            before = self.article_categories(article_id, annotator)
            if tuple(wanted) == before:
                return before
            annotator_id = self.annotator_id(annotator)
            stamp = now()
            self.conn.execute(
                "DELETE FROM article_categories WHERE article_id = ? AND annotator_id = ?", (article_id, annotator_id)
            )
            self.conn.execute(  # a person who chose here saw every category: all of them were asked
                "DELETE FROM categories_asked WHERE article_id = ? AND annotator_id = ?", (article_id, annotator_id)
            )
            self.conn.executemany(
                "INSERT INTO article_categories(article_id, annotator_id, category, created_at) VALUES (?, ?, ?, ?)",
                [(article_id, annotator_id, c, stamp) for c in wanted],
            )
            if annotator != GOLD and self.status(article_id, annotator) == "new":
                self._set_status(article_id, annotator_id, "in_progress", stamp)
        return before

    # -- many articles (review, agreement, export, import) ----------------------------------------

    def category_rows(self, article_ids: Sequence[int] | None = None) -> Iterator[tuple[int, str, str]]:
        """(article_id, annotator, category) of every stored category, gold included, by article."""
        sql = (
            "SELECT c.article_id, a.name, c.category FROM article_categories c "
            "JOIN annotators a ON a.id = c.annotator_id"
        )
        args: list[str] = []
        if article_ids is not None:
            sql += " WHERE c.article_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(article_ids)))
        yield from self.conn.execute(sql + " ORDER BY c.article_id, a.name, c.category", args)

    def add_article_categories(self, rows: Iterable[tuple[int, str, str]]) -> int:
        """Store (article_id, annotator, category) rows from an import in one transaction, keeping
        what is there; returns how many were new."""
        stamp = now()
        with self.write():
            ids: dict[str, int] = {}
            values = []
            for article_id, name, category in rows:
                if name not in ids:
                    ids[name] = self.annotator_id(name)
                values.append((article_id, ids[name], category, stamp))
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT INTO article_categories(article_id, annotator_id, category, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                values,
            )
            return self.conn.total_changes - before

    # -- gold decisions -------------------------------------------------------------------------

    def category_decisions(self) -> set[tuple[int, str]]:
        """(article_id, group) pairs a reviewer decided."""
        return set(self.conn.execute("SELECT article_id, category_group FROM category_decisions"))

    def decide_category_group(
        self, article_id: int, group: str, members: Sequence[str], chosen: Sequence[str] | None
    ) -> tuple[tuple[str, ...], bool]:
        """Gold's categories among `members` (the group's) become `chosen`, and the group is marked
        decided; `chosen=None` takes the decision back (gold's categories of the group removed).
        Returns the state before: (gold's categories of the group, decided)."""
        keep = set(members)
        with self.write():
            current = self.article_categories(article_id, GOLD)
            decided = bool(
                self.conn.execute(
                    "SELECT 1 FROM category_decisions WHERE article_id = ? AND category_group = ?", (article_id, group)
                ).fetchone()
            )
            others = [c for c in current if c not in keep]
            self.set_article_categories(article_id, GOLD, [*others, *(chosen or ())])
            if chosen is None:
                self.conn.execute(
                    "DELETE FROM category_decisions WHERE article_id = ? AND category_group = ?", (article_id, group)
                )
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO category_decisions(article_id, category_group, decided_at) "
                    "VALUES (?, ?, ?)",
                    (article_id, group, now()),
                )
        return tuple(c for c in current if c in keep), decided

    # -- import and export ----------------------------------------------------------------------

    def export_rows(self, annotator: str | None = None) -> Iterator[ExportRow]:
        """`CoreStore.export_rows`, each row with its layer's categories (a project without
        categories pays one query). Which of them an export writes, and as what, is the export
        rule's (`export_rule.Selection`)."""
        rows = super().export_rows(annotator)
        if self.conn.execute("SELECT 1 FROM article_categories LIMIT 1").fetchone() is None:
            yield from rows
            return
        sql = (
            "SELECT c.article_id, a.name, c.category FROM article_categories c "
            "JOIN annotators a ON a.id = c.annotator_id"
        )
        args: list[str] = []
        if annotator is not None:
            sql += " WHERE a.name = ?"
            args.append(annotator)
        try:
            given = _ByArticle(self.conn.execute(sql + " ORDER BY c.article_id, a.name, c.category", args))
            asked = self._categories_asked(annotator)
            for row in rows:
                if row.annotator is None or not given.has(row.article_id):
                    yield row
                    continue
                mine = tuple(x[2] for x in given.take(row.article_id) if x[1] == row.annotator)
                shown = asked.get((row.article_id, row.annotator))
                yield row._replace(categories=mine, categories_asked=shown) if mine else row
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc

    def _categories_asked(self, annotator: str | None) -> dict[tuple[int, str], tuple[str, ...]]:
        """(article_id, layer) -> the categories it was asked about, where a file said (few rows)."""
        sql = (
            "SELECT q.article_id, a.name, q.category FROM categories_asked q JOIN annotators a ON a.id = q.annotator_id"
        )
        args = [annotator] if annotator is not None else []
        found: dict[tuple[int, str], tuple[str, ...]] = {}
        for article_id, name, category in self.conn.execute(sql + (" WHERE a.name = ?" if args else ""), args):
            found[(article_id, name)] = (*found.get((article_id, name), ()), category)
        return found

    def add_records(self, records: Sequence[IncomingRecord], default_annotator: str) -> ImportCounts:
        """The records (`CoreStore.add_records` and the other mixins'), and their article
        categories, in the same transaction; categories already there are kept."""
        if not any(rec.categories for rec in records):
            return super().add_records(records, default_annotator)
        with self.write():
            counts = super().add_records(records, default_annotator)
            digests = [content_hash(rec.text) for rec in records if rec.categories]
            article_of = dict(
                self.conn.execute(
                    "SELECT hash, id FROM articles WHERE hash IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(set(digests))),),
                )
            )
            rows = [
                (article_of[content_hash(rec.text)], rec.annotator or default_annotator, category)
                for rec in records
                for category in rec.categories
            ]
            counts.categories_added = self.add_article_categories(rows)
            asked = [
                (article_of[content_hash(rec.text)], rec.annotator or default_annotator, category)
                for rec in records
                if rec.categories and rec.categories_asked is not None
                for category in rec.categories_asked
            ]
            if asked:
                self._add_categories_asked(asked)
        return counts

    def _add_categories_asked(self, rows: list[tuple[int, str, str]]) -> None:
        """Store which categories a layer was asked about (`IncomingRecord.categories_asked`)."""
        ids = {name: self.annotator_id(name) for name in {name for _, name, _ in rows}}
        self.conn.executemany(
            "INSERT INTO categories_asked(article_id, annotator_id, category) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(article_id, ids[name], category) for article_id, name, category in rows],
        )
