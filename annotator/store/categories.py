"""Article categories: a second scheme, for whole articles, stored per annotator (and gold).

Each user action is one transaction and returns the state before, so the window's undo is
another action. The scheme lives in the settings like the label scheme; renaming carries
stored categories over. Review decisions are the gold layer's categories plus a row in
`category_decisions` per (article, group) decided — which is how "none of them" is a decision.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from annotator.records import GOLD
from annotator.store.articles import mark_in_progress
from annotator.store.part import Part, now


class CategoriesPart(Part):
    """`store.categories`: the categories each annotator gave whole articles, and gold's decisions."""

    def used_categories(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT category FROM article_categories ORDER BY category")]

    def known_categories(self) -> list[str]:
        """The categories some layer gave or was asked about (a file's category answered "no"
        everywhere is still one of the project's: its 0s are training negatives)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT category FROM article_categories UNION SELECT category FROM categories_asked ORDER BY 1"
            )
        ]

    def any_asked(self) -> bool:
        """Whether some layer was asked about some category where the file said (a binary answer
        that one does not apply is known though the layer gave none)."""
        return self.conn.execute("SELECT 1 FROM categories_asked LIMIT 1").fetchone() is not None

    # -- one article -------------------------------------------------------------------------

    def asked_of_text(self, digest: str, annotator: str) -> tuple[str, ...]:
        """The categories `annotator` was asked about on the article whose content hash is `digest`,
        where a file said (none: not said, or no such article)."""
        return tuple(
            r[0]
            for r in self.conn.execute(
                "SELECT q.category FROM categories_asked q JOIN annotators a ON a.id = q.annotator_id "
                "JOIN articles t ON t.id = q.article_id WHERE t.hash = ? AND a.name = ? ORDER BY q.category",
                (digest, annotator),
            )
        )

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

    def categories_of_text(self, digest: str, annotator: str) -> tuple[str, ...]:
        """The categories `annotator` gave the article whose content hash is `digest` (none when
        no such article is stored yet): what an import checks exclusive groups against."""
        row = self.conn.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
        return self.article_categories(row[0], annotator) if row else ()

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
            annotator_id = self.store.layers.annotator_id(annotator)
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
            if annotator != GOLD and self.store.articles.status(article_id, annotator) == "new":
                mark_in_progress(self.conn, article_id, annotator_id, stamp)
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
        yield from self._read(sql + " ORDER BY c.article_id, a.name, c.category", args)

    def add_article_categories(self, rows: Iterable[tuple[int, str, str]]) -> int:
        """Store (article_id, annotator, category) rows from an import in one transaction, keeping
        what is there; returns how many were new."""
        stamp = now()
        with self.write():
            ids: dict[str, int] = {}
            values = []
            for article_id, name, category in rows:
                if name not in ids:
                    ids[name] = self.store.layers.annotator_id(name)
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

    def asked_by_layer(self, annotator: str | None = None) -> dict[tuple[int, str], tuple[str, ...]]:
        """(article id, layer) -> the categories it was asked about, where the file it came from
        said (`IncomingRecord.categories_asked`; few rows). Absent: every category was asked."""
        sql = (
            "SELECT q.article_id, a.name, q.category FROM categories_asked q JOIN annotators a ON a.id = q.annotator_id"
        )
        args = [annotator] if annotator is not None else []
        found: dict[tuple[int, str], tuple[str, ...]] = {}
        for article_id, name, category in self.conn.execute(sql + (" WHERE a.name = ?" if args else ""), args):
            found[(article_id, name)] = (*found.get((article_id, name), ()), category)
        return found

    def remove_article_categories(self, rows: Iterable[tuple[int, str, str]], asked: bool = False) -> None:
        """Take (article id, annotator, category) rows out of the layers (an import's binary answer
        that it does not apply); with `asked`, out of what they were asked too (left unknown)."""
        rows = list(rows)
        if not rows:
            return
        ids = {name: self.store.layers.annotator_id(name) for name in {name for _, name, _ in rows}}
        values = [(article_id, ids[name], category) for article_id, name, category in rows]
        where = "WHERE article_id = ? AND annotator_id = ? AND category = ?"
        self.conn.executemany(f"DELETE FROM article_categories {where}", values)
        if asked:
            self.conn.executemany(f"DELETE FROM categories_asked {where}", values)

    def asked_everything(self, article_ids: Iterable[int]) -> set[tuple[int, str]]:
        """(article id, layer) of the layers that gave these articles categories with every category
        asked (no `categories_asked` row: chosen in the window, or from a file that did not say)."""
        return set(
            self.conn.execute(
                "SELECT DISTINCT c.article_id, a.name FROM article_categories c "
                "JOIN annotators a ON a.id = c.annotator_id WHERE c.article_id IN (SELECT value FROM json_each(?)) "
                "AND NOT EXISTS (SELECT 1 FROM categories_asked q "
                "WHERE q.article_id = c.article_id AND q.annotator_id = c.annotator_id)",
                (json.dumps(sorted(set(article_ids))),),
            )
        )

    def add_categories_asked(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Store which categories a layer was asked about: (article id, annotator, category) rows."""
        rows = list(rows)
        ids = {name: self.store.layers.annotator_id(name) for name in {name for _, name, _ in rows}}
        self.conn.executemany(
            "INSERT INTO categories_asked(article_id, annotator_id, category) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(article_id, ids[name], category) for article_id, name, category in rows],
        )
