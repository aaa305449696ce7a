"""Entities: the pipeline's and the users' corrections, shared by every annotator of an article."""

from __future__ import annotations

from annotator.records import USER, Entity
from annotator.store.part import Part, now


class EntitiesPart(Part):
    """`store.entities`: reading and correcting an article's entities."""

    def entities(self, article_id: int, within: tuple[int, int] | None = None) -> list[Entity]:
        """The article's entities by start; with `within` (start, end), those starting in it (a page)."""
        sql = "SELECT start, end, label, source FROM entities WHERE article_id = ?"
        args: tuple[int, ...] = (article_id,)
        if within is not None:
            sql += " AND start >= ? AND start < ?"
            args += within
        return [Entity(*row) for row in self.conn.execute(sql + " ORDER BY start, end", args)]

    def entities_reviewed(self) -> set[tuple[int, str]]:
        """(article id, annotator) pairs where a person reviewed the article's entities in this tool
        after they were predicted (`schema.m011_entities_reviewed`, `set_entity_review`)."""
        return set(
            self.conn.execute(
                "SELECT r.article_id, a.name FROM entities_reviewed r JOIN annotators a ON a.id = r.annotator_id"
            )
        )

    def set_entity_review(self, article_id: int, annotator: str, reviewed: bool) -> bool:
        """Record (or take back) that `annotator` checked the article's entities, spaCy's included:
        only then do spaCy's entities become training data (`export.rule`). Returns the state before."""
        with self.write():
            before = self.entities_reviewed_by(article_id, annotator)
            annotator_id = self.store.layers.annotator_id(annotator)
            if reviewed:
                self.conn.execute(
                    "INSERT OR REPLACE INTO entities_reviewed(article_id, annotator_id, reviewed_at, with_done) "
                    "VALUES (?, ?, ?, 0)",
                    (article_id, annotator_id, now()),
                )
            else:
                self.conn.execute(
                    "DELETE FROM entities_reviewed WHERE article_id = ? AND annotator_id = ?",
                    (article_id, annotator_id),
                )
        return before

    def entities_reviewed_by(self, article_id: int, annotator: str) -> bool:
        return bool(
            self.conn.execute(
                "SELECT 1 FROM entities_reviewed r JOIN annotators a ON a.id = r.annotator_id "
                "WHERE r.article_id = ? AND a.name = ?",
                (article_id, annotator),
            ).fetchone()
        )

    def entity_reviewers(self, article_id: int) -> list[tuple[str, bool]]:
        """Who reviewed the article's entities, by name, and whether it came with an old "done"
        (a project made before the review had its own key, `schema.m013_entity_review_own_key`)."""
        return [
            (name, bool(with_done))
            for name, with_done in self.conn.execute(
                "SELECT a.name, r.with_done FROM entities_reviewed r JOIN annotators a ON a.id = r.annotator_id "
                "WHERE r.article_id = ? ORDER BY a.name",
                (article_id,),
            )
        ]

    def add_entity(self, article_id: int, start: int, end: int, label: str, source: str = USER) -> None:
        self.store.articles.check_span(article_id, start, end)
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
