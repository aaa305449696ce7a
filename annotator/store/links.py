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
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.records import GOLD, ExportRow, IncomingRecord, Link, LinkType
from annotator.schemes.links import SETTING, link_types_from_setting, link_types_to_setting
from annotator.store.core import CoreStore, ImportCounts, _ByArticle, now
from annotator.store.editing import EditingMixin
from annotator.store.errors import known_error
from annotator.store.renames import rename_values
from annotator.text import content_hash

_COLUMNS = "head_start, head_end, child_start, child_end, label"
_INSERT = (
    f"INSERT INTO links(article_id, annotator_id, {_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT DO NOTHING"
)
_SLOT = "article_id = ? AND annotator_id = ? AND head_start = ? AND head_end = ? AND label = ?"


@dataclass(frozen=True)
class LinkChange:
    """What one action did to a layer's links: undo it with `Store.change_links(**change.reversed())`."""

    added: tuple[Link, ...] = ()
    removed: tuple[Link, ...] = ()

    def reversed(self) -> dict[str, tuple[Link, ...]]:
        return {"add": self.removed, "remove": self.added}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class ClearedStatement:
    """What clearing a statement took: its labels and note before, and the links it was an end of."""

    labels: tuple[str, ...]
    note: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class StatementChange:
    """What one label key (or note) did to a statement: the labels it added and removed, the note
    before (None when the note was not touched) and the links that went with the last label.
    Undo it with `Store.revert_statement_change`."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    note_before: str | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class SlotState:
    """One (head, type) slot of a layer: the other ends linked there, and whether a review decided it."""

    children: tuple[tuple[int, int], ...]
    decided: bool


class LinksMixin(EditingMixin):
    """Link scheme, reading and editing links; see the module docstring."""

    TOUCHED_TABLES = (*CoreStore.TOUCHED_TABLES, "links")

    # -- the link scheme -------------------------------------------------------------------

    def link_scheme(self) -> list[LinkType] | None:
        """The project's link types, or None when it has not chosen any yet."""
        return link_types_from_setting(self.get_setting(SETTING))

    def update_link_scheme(self, types: Iterable[LinkType], renames: Mapping[str, str] = {}) -> int:
        """Save the link types and carry every renamed type over (links and decisions), in one
        transaction; renames apply together (a swap moves each link once). Returns links renamed."""
        with self.write():
            moved = rename_values(self.conn, "links", "label", renames)
            rename_values(self.conn, "link_decisions", "label", renames)
            self.set_setting(SETTING, link_types_to_setting(list(types)))
        return moved

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
            f"SELECT {_COLUMNS} FROM links l JOIN annotators a ON a.id = l.annotator_id "
            "WHERE l.article_id = ? AND a.name = ?",
            (article_id, annotator),
        )
        return sorted(Link(*row) for row in rows)

    def article_links(self, article_id: int) -> list[tuple[str, Link]]:
        """Every layer's links in one article: (annotator, link), sorted."""
        rows = self.conn.execute(
            f"SELECT a.name, {_COLUMNS} FROM links l JOIN annotators a ON a.id = l.annotator_id WHERE l.article_id = ?",
            (article_id,),
        )
        return sorted((row[0], Link(*row[1:])) for row in rows)

    def all_links(self, article_ids: Sequence[int] | None = None) -> Iterator[tuple[int, str, Link]]:
        """(article_id, annotator, link) of every layer, ordered by article: for agreement and review."""
        sql = f"SELECT l.article_id, a.name, {_COLUMNS} FROM links l JOIN annotators a ON a.id = l.annotator_id"
        args: list[Any] = []
        if article_ids is not None:
            sql += " WHERE l.article_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(article_ids)))
        try:
            for row in self.conn.execute(sql + " ORDER BY l.article_id, a.name", args):
                yield row[0], row[1], Link(*row[2:])
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc

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
        try:
            yield from self.conn.execute(sql + " ORDER BY d.article_id, d.head_start, d.head_end, d.label", args)
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc

    def layers(self) -> list[str]:
        """`CoreStore.layers`, and annotators whose layer holds links only."""
        linked = {
            r[0]
            for r in self.conn.execute("SELECT DISTINCT a.name FROM links l JOIN annotators a ON a.id = l.annotator_id")
        }
        return sorted(set(super().layers()) | linked)

    def stats(self) -> dict[str, Any]:
        figures = super().stats()
        figures["links"] = self.conn.execute("SELECT count(*) FROM links").fetchone()[0]
        figures["link_types"] = dict(
            self.conn.execute("SELECT label, count(*) FROM links GROUP BY label ORDER BY label").fetchall()
        )
        return figures

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
            annotator_id = self.annotator_id(annotator)
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
                cur = self.conn.execute(_INSERT, (article_id, annotator_id, *link, stamp))
                if cur.rowcount:
                    added.append(link)
            if added and annotator != GOLD and self.status(article_id, annotator) == "new":
                self._set_status(article_id, annotator_id, "in_progress", stamp)
            if added:
                self._answered_anew(article_id, annotator_id)
        return LinkChange(tuple(added), tuple(removed))

    def clear_statement(self, article_id: int, annotator: str, start: int, end: int) -> ClearedStatement:
        """Clear a statement's labels (its note stays) and remove the links it is an end of, in one
        transaction; returns all of it for `restore_statement`."""
        with self.write():
            labels, note = self.set_statement(article_id, annotator, start, end, (), note=None)
            touching = [
                link
                for link in self.links(article_id, annotator)
                if link.head == (start, end) or link.child == (start, end)
            ]
            self.change_links(article_id, annotator, remove=touching)
        return ClearedStatement(labels, note, tuple(touching))

    def change_statement(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        note: str | None = None,
    ) -> StatementChange:
        """Add and remove labels of one statement (and set its note, if given) against what is
        stored now, in one transaction: a change, never a snapshot, so a label another program
        gave the statement meanwhile stays. A statement losing its last label loses the links it
        is an end of (handed back in the change for the undo)."""
        add, remove = set(add), set(remove) - set(add)
        with self.write():
            labels, old_note = self.statement_state(article_id, annotator, start, end)
            added = tuple(sorted(add - set(labels)))
            removed = tuple(sorted(remove & set(labels)))
            after = (set(labels) | add) - remove
            self.set_statement(article_id, annotator, start, end, after, note=note)
            touching: list[Link] = []
            if labels and not after:
                touching = [
                    link
                    for link in self.links(article_id, annotator)
                    if link.head == (start, end) or link.child == (start, end)
                ]
                self.change_links(article_id, annotator, remove=touching)
        return StatementChange(added, removed, old_note if note is not None else None, tuple(touching))

    def revert_statement_change(
        self, article_id: int, annotator: str, start: int, end: int, change: StatementChange
    ) -> StatementChange:
        """Undo exactly `change` (labels, note, links) and nothing else, in one transaction."""
        with self.write():
            back = self.change_statement(
                article_id, annotator, start, end, add=change.removed, remove=change.added, note=change.note_before
            )
            self.change_links(article_id, annotator, add=change.links)
        return back

    def restore_statement(
        self, article_id: int, annotator: str, start: int, end: int, cleared: ClearedStatement
    ) -> None:
        """Undo `clear_statement`: the labels, the note and the links, in one transaction."""
        with self.write():
            self.set_statement(article_id, annotator, start, end, cleared.labels, note=cleared.note)
            self.change_links(article_id, annotator, add=cleared.links)

    def slot_state(self, article_id: int, annotator: str, head: tuple[int, int], label: str) -> SlotState:
        annotator_id = self._layer_id(annotator)
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
            annotator_id = self.annotator_id(annotator)
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
        self._check_span(article_id, link.head_start, link.head_end)
        self._check_span(article_id, link.child_start, link.child_end)
        if link.head == link.child:
            raise ValueError("a statement cannot be linked to itself")

    # -- import and export -------------------------------------------------------------------

    def add_records(self, records: Sequence[IncomingRecord], default_annotator: str) -> ImportCounts:
        """`CoreStore.add_records`, and the records' links and link decisions, in the same transaction."""
        if not any(rec.links or rec.link_decisions for rec in records):
            return super().add_records(records, default_annotator)
        with self.write():
            counts = super().add_records(records, default_annotator)
            digests = [content_hash(rec.text) for rec in records]
            article_of = dict(
                self.conn.execute(
                    "SELECT hash, id FROM articles WHERE hash IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(set(digests))),),
                )
            )
            stamp = now()
            link_rows, decision_rows = [], []
            for rec, digest in zip(records, digests, strict=True):
                if not (rec.links or rec.link_decisions):
                    continue
                article_id = article_of[digest]
                name = rec.annotator or default_annotator
                annotator_id = self.annotator_id(name)
                link_rows += [(article_id, annotator_id, *link, stamp) for link in rec.links]
                decision_rows += [(article_id, annotator_id, *slot, stamp) for slot in rec.link_decisions]
            before = self.conn.total_changes
            self.conn.executemany(_INSERT, link_rows)
            counts.links_added = self.conn.total_changes - before
            self.conn.executemany(
                "INSERT INTO link_decisions(article_id, annotator_id, head_start, head_end, label, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                decision_rows,
            )
        return counts

    def export_rows(self, annotator: str | None = None) -> Iterator[ExportRow]:
        """`CoreStore.export_rows`, each row with its layer's links (rows of layers without links cost nothing)."""
        rows = super().export_rows(annotator)
        if self.conn.execute("SELECT 1 FROM links LIMIT 1").fetchone() is None:
            yield from rows
            return
        ids = {name: i for i, name in self.conn.execute("SELECT id, name FROM annotators")}
        sql = f"SELECT article_id, annotator_id, {_COLUMNS} FROM links"
        args: list[Any] = []
        if annotator is not None:
            sql += " WHERE annotator_id = ?"
            args.append(ids.get(annotator, -1))
        try:
            links = _ByArticle(self.conn.execute(sql + " ORDER BY article_id, annotator_id", args))
            for row in rows:
                if row.annotator is None or not links.has(row.article_id):
                    yield row
                    continue
                layer = ids.get(row.annotator)
                mine = sorted(Link(*x[2:]) for x in links.take(row.article_id) if x[1] == layer)
                yield row._replace(links=tuple(mine)) if mine else row
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc
