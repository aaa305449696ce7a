"""Statements: an annotator's labeled spans of an article, with a note.

Each public method that writes is one user action and one committed transaction, and returns
the state before, so an undo is just another action.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.records import Link, Statement
from annotator.store.articles import answered_anew, mark_in_progress
from annotator.store.part import Part, now


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
    Undo it with `store.statements.revert_statement_change`."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    note_before: str | None = None
    links: tuple[Link, ...] = ()


class StatementsPart(Part):
    """`store.statements`: reading and editing statements and their labels."""

    def statements(self, article_id: int, annotator: str | None = None) -> list[Statement]:
        """Statements of one article with their labels, for one annotator or all."""
        sql = (
            "SELECT s.id, s.article_id, a.name, s.start, s.end, s.note, "
            "(SELECT json_group_array(label) FROM (SELECT label FROM statement_labels l "
            " WHERE l.statement_id = s.id ORDER BY l.label)) "
            "FROM statements s JOIN annotators a ON a.id = s.annotator_id WHERE s.article_id = ?"
        )
        args: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND a.name = ?"
            args.append(annotator)
        sql += " ORDER BY s.start, s.end, a.name"
        return [
            Statement(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[6])), r[5]) for r in self.conn.execute(sql, args)
        ]

    def statement_state(self, article_id: int, annotator: str, start: int, end: int) -> tuple[tuple[str, ...], str]:
        """(labels, note) of one statement; empty when there is none."""
        row = self.conn.execute(
            "SELECT s.id, s.note FROM statements s JOIN annotators a ON a.id = s.annotator_id "
            "WHERE s.article_id = ? AND a.name = ? AND s.start = ? AND s.end = ?",
            (article_id, annotator, start, end),
        ).fetchone()
        if row is None:
            return (), ""
        labels = self.conn.execute(
            "SELECT label FROM statement_labels WHERE statement_id = ? ORDER BY label", (row[0],)
        ).fetchall()
        return tuple(r[0] for r in labels), row[1]

    def set_statement(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        labels: Iterable[str],
        note: str | None = None,
    ) -> tuple[tuple[str, ...], str]:
        """Make a statement carry exactly `labels` (and `note`, if given); returns the state before.

        A statement left with no labels and no note is removed. Marks the article
        in progress for this annotator unless it is already done.
        """
        self.store.articles.check_span(article_id, start, end)
        wanted = sorted(set(labels))
        with self.write():
            before = self.statement_state(article_id, annotator, start, end)
            note = before[1] if note is None else note
            annotator_id = self.store.layers.annotator_id(annotator)
            stamp = now()
            if not wanted and not note:
                self.conn.execute(
                    "DELETE FROM statements WHERE article_id = ? AND annotator_id = ? AND start = ? AND end = ?",
                    (article_id, annotator_id, start, end),
                )
            else:
                statement_id = self._statement_id(article_id, annotator_id, start, end, stamp)
                self.conn.execute(
                    "UPDATE statements SET note = ?, updated_at = ? WHERE id = ?", (note, stamp, statement_id)
                )
                # a change, not a snapshot: a label kept keeps its row (when it was given, and under
                # which guidelines version)
                self.conn.execute(
                    "DELETE FROM statement_labels WHERE statement_id = ? AND label NOT IN "
                    "(SELECT value FROM json_each(?))",
                    (statement_id, json.dumps(wanted)),
                )
                self.conn.executemany(
                    "INSERT INTO statement_labels(statement_id, label, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [(statement_id, label, stamp) for label in wanted],
                )
            if self.store.articles.status(article_id, annotator) == "new":
                mark_in_progress(self.conn, article_id, annotator_id, stamp)
            answered_anew(self.conn, article_id, annotator_id)
        return before

    def toggle_label(self, article_id: int, annotator: str, start: int, end: int, label: str) -> bool:
        """Add `label` to the statement, or take it off if it is there; True if it is now on."""
        with self.write():
            labels, _ = self.statement_state(article_id, annotator, start, end)
            on = label not in labels
            self.set_statement(article_id, annotator, start, end, [*labels, label] if on else set(labels) - {label})
        return on

    def has_labels(self) -> bool:
        """Whether anyone has labeled anything yet (the first labels earn a backup of their own)."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM statement_labels)").fetchone()[0] == 1

    def used_labels(self) -> list[str]:
        """Every label some statement carries, in any annotator's layer, sorted.

        One index seek per distinct label (a skip scan), not a pass over every statement label:
        the window asks this on opening, whatever the project's size.
        """
        return [
            row[0]
            for row in self.conn.execute(
                "WITH RECURSIVE l(label) AS (SELECT min(label) FROM statement_labels UNION ALL "
                "  SELECT (SELECT min(label) FROM statement_labels WHERE label > l.label) FROM l "
                "  WHERE l.label IS NOT NULL) "
                "SELECT label FROM l WHERE label IS NOT NULL"
            )
        ]

    def clear_statement(self, article_id: int, annotator: str, start: int, end: int) -> ClearedStatement:
        """Clear a statement's labels (its note stays) and remove the links it is an end of, in one
        transaction; returns all of it for `restore_statement`."""
        with self.write():
            labels, note = self.set_statement(article_id, annotator, start, end, (), note=None)
            touching = [
                link
                for link in self.store.links.links(article_id, annotator)
                if link.head == (start, end) or link.child == (start, end)
            ]
            self.store.links.change_links(article_id, annotator, remove=touching)
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
        links = self.store.links
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
                    for link in links.links(article_id, annotator)
                    if link.head == (start, end) or link.child == (start, end)
                ]
                links.change_links(article_id, annotator, remove=touching)
        return StatementChange(added, removed, old_note if note is not None else None, tuple(touching))

    def revert_statement_change(
        self, article_id: int, annotator: str, start: int, end: int, change: StatementChange
    ) -> StatementChange:
        """Undo exactly `change` (labels, note, links) and nothing else, in one transaction."""
        with self.write():
            back = self.change_statement(
                article_id, annotator, start, end, add=change.removed, remove=change.added, note=change.note_before
            )
            self.store.links.change_links(article_id, annotator, add=change.links)
        return back

    def restore_statement(
        self, article_id: int, annotator: str, start: int, end: int, cleared: ClearedStatement
    ) -> None:
        """Undo `clear_statement`: the labels, the note and the links, in one transaction."""
        with self.write():
            self.set_statement(article_id, annotator, start, end, cleared.labels, note=cleared.note)
            self.store.links.change_links(article_id, annotator, add=cleared.links)

    def _statement_id(self, article_id: int, annotator_id: int, start: int, end: int, stamp: str) -> int:
        c = self.conn
        row = c.execute(
            "INSERT INTO statements(article_id, annotator_id, start, end, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (article_id, annotator_id, start, end, stamp, stamp),
        ).fetchone()
        if row:
            return row[0]
        return c.execute(
            "SELECT id FROM statements WHERE article_id = ? AND annotator_id = ? AND start = ? AND end = ?",
            (article_id, annotator_id, start, end),
        ).fetchone()[0]
