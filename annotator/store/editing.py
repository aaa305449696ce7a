"""Annotation actions from the window: statement labels, notes, statuses, entity corrections.

Each public method is one user action and one committed transaction; each returns what
the caller needs to undo it (the state before), so an undo is just another action.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.records import MODEL, STATUSES, USER, Entity
from annotator.store.core import CoreStore, StoreError, now


class EditingMixin(CoreStore):
    # -- statements ----------------------------------------------------------------

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
        self._check_span(article_id, start, end)
        wanted = sorted(set(labels))
        with self.write():
            before = self.statement_state(article_id, annotator, start, end)
            note = before[1] if note is None else note
            annotator_id = self.annotator_id(annotator)
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
                self.conn.execute("DELETE FROM statement_labels WHERE statement_id = ?", (statement_id,))
                self.conn.executemany(
                    "INSERT INTO statement_labels(statement_id, label, created_at) VALUES (?, ?, ?)",
                    [(statement_id, label, stamp) for label in wanted],
                )
            if self.status(article_id, annotator) == "new":
                self._set_status(article_id, annotator_id, "in_progress", stamp)
        return before

    def toggle_label(self, article_id: int, annotator: str, start: int, end: int, label: str) -> bool:
        """Add `label` to the statement, or take it off if it is there; True if it is now on."""
        with self.write():
            labels, _ = self.statement_state(article_id, annotator, start, end)
            on = label not in labels
            self.set_statement(article_id, annotator, start, end, [*labels, label] if on else set(labels) - {label})
        return on

    def set_status(self, article_id: int, annotator: str, status: str) -> str:
        """Set the annotator's status for the article; returns the one before."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.write():
            before = self.status(article_id, annotator)
            self._set_status(article_id, self.annotator_id(annotator), status, now())
        return before

    # -- entity corrections (shared by all annotators) -----------------------------

    def add_entity(self, article_id: int, start: int, end: int, label: str, source: str = USER) -> None:
        self._check_span(article_id, start, end)
        with self.write():
            self.conn.execute(
                "INSERT INTO entities(article_id, start, end, label, source) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(article_id, start, end, label) DO UPDATE SET source = excluded.source",
                (article_id, start, end, label, source),
            )

    def remove_entity(self, article_id: int, entity: Entity) -> None:
        with self.write():
            self.conn.execute(
                "DELETE FROM entities WHERE article_id = ? AND start = ? AND end = ? AND label = ?",
                (article_id, entity.start, entity.end, entity.label),
            )

    def relabel_entity(self, article_id: int, entity: Entity, label: str) -> Entity:
        """Change an entity's type (a user correction); returns the new entity."""
        with self.write():
            self.remove_entity(article_id, entity)
            self.add_entity(article_id, entity.start, entity.end, label, USER)
        return Entity(entity.start, entity.end, label, USER)

    def _check_span(self, article_id: int, start: int, end: int) -> None:
        row = self.conn.execute("SELECT length(text) FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id} in {self.path}")
        if not 0 <= start < end <= row[0]:
            raise ValueError(f"span {start}-{end} is outside article {article_id} ({row[0]} characters)")


__all__ = ["MODEL", "USER", "EditingMixin"]
