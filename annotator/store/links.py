"""Links between statements and their other ends, per annotator layer (the gold layer included).

A link is kept by its two ends' offsets and its type (`records.Link`); nothing points at a row
of another table, so a link survives an entity correction (entities are shared by every
annotator: a relabel is a remove and an add) and stays on the same words. A statement that is
cleared (`clear_statement`) takes the links it is an end of with it, in the same transaction,
and hands them back for the undo. Every public method that writes is one user action and one
committed transaction, and returns what its undo needs.

The gold layer also keeps *link decisions*: the (head, type) slots a review settled, with or
without links, so that "no speaker here" is a decision and not a gap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.records import GOLD, Link
from annotator.store.articles import answered_anew, mark_in_progress
from annotator.store.part import Part, now

#: A link's columns, in `records.Link`'s order.
COLUMNS = "head_start, head_end, child_start, child_end, label"
INSERT = (
    f"INSERT INTO links(article_id, annotator_id, {COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT DO NOTHING"
)
_SLOT = "article_id = ? AND annotator_id = ? AND head_start = ? AND head_end = ? AND label = ?"


@dataclass(frozen=True)
class LinkChange:
    """What one action did to a layer's links: undo it with `store.links.change_links(**change.reversed())`."""

    added: tuple[Link, ...] = ()
    removed: tuple[Link, ...] = ()

    def reversed(self) -> dict[str, tuple[Link, ...]]:
        return {"add": self.removed, "remove": self.added}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class SlotState:
    """One (head, type) slot of a layer: the other ends linked there, and whether a review decided it."""

    children: tuple[tuple[int, int], ...]
    decided: bool


class LinksPart(Part):
    """`store.links`: reading and editing links, and the gold layer's link decisions; see the module docstring."""

    # -- reading ---------------------------------------------------------------------------

    def used_link_types(self) -> list[str]:
        """Every type some link has, in any layer, sorted (one index seek per type)."""
        return [
            row[0]
            for row in self.conn.execute(
                "WITH RECURSIVE l(label) AS (SELECT min(label) FROM links UNION ALL "
                "  SELECT (SELECT min(label) FROM links WHERE label > l.label) FROM l WHERE l.label IS NOT NULL) "
                "SELECT label FROM l WHERE label IS NOT NULL"
            )
        ]

    # -- reading ---------------------------------------------------------------------------

    def links(self, article_id: int, annotator: str) -> list[Link]:
        """One layer's links in one article, sorted (head, child, type)."""
        rows = self.conn.execute(
            f"SELECT {COLUMNS} FROM links l JOIN annotators a ON a.id = l.annotator_id "
            "WHERE l.article_id = ? AND a.name = ?",
            (article_id, annotator),
        )
        return sorted(Link(*row) for row in rows)

    def article_links(self, article_id: int) -> list[tuple[str, Link]]:
        """Every layer's links in one article: (annotator, link), sorted."""
        rows = self.conn.execute(
            f"SELECT a.name, {COLUMNS} FROM links l JOIN annotators a ON a.id = l.annotator_id WHERE l.article_id = ?",
            (article_id,),
        )
        return sorted((row[0], Link(*row[1:])) for row in rows)

    def all_links(self, article_ids: Sequence[int] | None = None) -> Iterator[tuple[int, str, Link]]:
        """(article_id, annotator, link) of every layer, ordered by article: for agreement and review."""
        sql = f"SELECT l.article_id, a.name, {COLUMNS} FROM links l JOIN annotators a ON a.id = l.annotator_id"
        args: list[Any] = []
        if article_ids is not None:
            sql += " WHERE l.article_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(article_ids)))
        for row in self._read(sql + " ORDER BY l.article_id, a.name", args):
            yield row[0], row[1], Link(*row[2:])

    def link_decisions(
        self, annotator: str = GOLD, article_ids: Sequence[int] | None = None
    ) -> Iterator[tuple[int, int, int, str]]:
        """(article_id, head_start, head_end, type) of every slot a review decided in `annotator`'s layer."""
        sql = (
            "SELECT d.article_id, d.head_start, d.head_end, d.label FROM link_decisions d "
            "JOIN annotators a ON a.id = d.annotator_id WHERE a.name = ?"
        )
        args: list[Any] = [annotator]
        if article_ids is not None:
            sql += " AND d.article_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(article_ids)))
        yield from self._read(sql + " ORDER BY d.article_id, d.head_start, d.head_end, d.label", args)

    # -- editing ---------------------------------------------------------------------------

    def change_links(
        self, article_id: int, annotator: str, *, add: Iterable[Link] = (), remove: Iterable[Link] = ()
    ) -> LinkChange:
        """Remove then add links of one layer in one transaction; returns what actually changed.

        Both ends must lie inside the text (ValueError otherwise, nothing written). Adding marks
        the article in progress for the annotator unless it is done. A link already there is
        not added twice; one that is not there is not "removed".
        """
        add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
        for link in add:
            self._check_link(article_id, link)
        added: list[Link] = []
        removed: list[Link] = []
        with self.write():
            annotator_id = self.store.layers.annotator_id(annotator)
            stamp = now()
            for link in remove:
                cur = self.conn.execute(
                    "DELETE FROM links WHERE article_id = ? AND annotator_id = ? AND head_start = ? AND head_end = ? "
                    "AND child_start = ? AND child_end = ? AND label = ?",
                    (article_id, annotator_id, *link),
                )
                if cur.rowcount:
                    removed.append(link)
            for link in add:
                cur = self.conn.execute(INSERT, (article_id, annotator_id, *link, stamp))
                if cur.rowcount:
                    added.append(link)
            if added and annotator != GOLD and self.store.articles.status(article_id, annotator) == "new":
                mark_in_progress(self.conn, article_id, annotator_id, stamp)
            if added:
                answered_anew(self.conn, article_id, annotator_id)
        return LinkChange(tuple(added), tuple(removed))

    def slot_state(self, article_id: int, annotator: str, head: tuple[int, int], label: str) -> SlotState:
        annotator_id = self.store.layers.layer_id(annotator)
        if annotator_id is None:
            return SlotState((), False)
        children = self.conn.execute(
            "SELECT child_start, child_end FROM links WHERE article_id = ? AND annotator_id = ? AND head_start = ? "
            "AND head_end = ? AND label = ? ORDER BY child_start, child_end",
            (article_id, annotator_id, *head, label),
        ).fetchall()
        decided = self.conn.execute(
            f"SELECT 1 FROM link_decisions WHERE {_SLOT}", (article_id, annotator_id, *head, label)
        ).fetchone()
        return SlotState(tuple(map(tuple, children)), decided is not None)

    def set_slot(
        self, article_id: int, annotator: str, head: tuple[int, int], label: str, state: SlotState
    ) -> SlotState:
        """Give one (head, type) slot of a layer exactly `state`'s other ends, decided or not (a
        review's decision, or its undo), in one transaction; returns the state before."""
        with self.write():
            before = self.slot_state(article_id, annotator, head, label)
            old = {Link(*head, *child, label) for child in before.children}
            new = {Link(*head, *child, label) for child in state.children}
            self.change_links(article_id, annotator, add=sorted(new - old), remove=sorted(old - new))
            annotator_id = self.store.layers.annotator_id(annotator)
            if state.decided:
                self.conn.execute(
                    "INSERT INTO link_decisions(article_id, annotator_id, head_start, head_end, label, decided_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (article_id, annotator_id, *head, label, now()),
                )
            else:
                self.conn.execute(f"DELETE FROM link_decisions WHERE {_SLOT}", (article_id, annotator_id, *head, label))
        return before

    def _check_link(self, article_id: int, link: Link) -> None:
        if not isinstance(link.label, str) or not link.label.strip():
            raise ValueError("a link needs a type")
        self.store.articles.check_span(article_id, link.head_start, link.head_end)
        self.store.articles.check_span(article_id, link.child_start, link.child_end)
        if link.head == link.child:
            raise ValueError("a statement cannot be linked to itself")
