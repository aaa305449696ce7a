"""What the pipeline found in each article, and the articles it failed on.

Pre-annotation is resumable: an article counts as done once its `pipeline` column is set,
and every batch of results is saved in one transaction. An article the pipeline failed on
is recorded with the reason and skipped by later runs until they ask to retry it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.records import MODEL
from annotator.store.part import Part, now


@dataclass(frozen=True)
class Preannotation:
    """What the pipeline found in one article (offsets are code points into its text).

    `tokens` are (start, end) pairs, or the same bounds already written as one flat JSON
    list (`"[0,5,6,11]"`): how a worker hands over the tokens of a very long article cheaply.
    """

    article_id: int
    pipeline: str
    entities: Sequence[tuple[int, int, str]]
    sentences: Sequence[tuple[int, int]]
    tokens: Sequence[tuple[int, int]] | str
    #: False when the pipeline has no entity recogniser: its (empty) entities are unknown, not "none".
    entities_predicted: bool = True


@dataclass(frozen=True)
class PreannotationFailure:
    """An article the pipeline raised on, with the reason shown to the user."""

    article_id: int
    pipeline: str
    reason: str


_UNANNOTATED = "FROM articles a WHERE a.pipeline IS NULL"
_NOT_FAILED = " AND NOT EXISTS (SELECT 1 FROM preannotation_failures f WHERE f.article_id = a.id)"


class PreannotationsPart(Part):
    """`store.preannotations`: the pipeline's sentences, tokens and entities, and its failures."""

    def unannotated(
        self, limit: int | None = None, *, after: int = 0, retry_failed: bool = False
    ) -> list[tuple[int, str]]:
        """(id, text) of articles the pipeline has not seen, by id, from the first id above `after`.

        Articles it failed on are left out unless `retry_failed`.
        """
        sql = f"SELECT a.id, a.text {_UNANNOTATED} AND a.id > ?" + ("" if retry_failed else _NOT_FAILED)
        sql += " ORDER BY a.id"
        args: list[Any] = [after]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return self.conn.execute(sql, args).fetchall()

    def count_unannotated(self, *, retry_failed: bool = False) -> int:
        """How many articles a pre-annotation run would take (not those it failed on, unless retried)."""
        sql = f"SELECT count(*) {_UNANNOTATED}" + ("" if retry_failed else _NOT_FAILED)
        return self.conn.execute(sql).fetchone()[0]

    def preannotation_failures(self) -> list[PreannotationFailure]:
        return [
            PreannotationFailure(*row)
            for row in self.conn.execute(
                "SELECT article_id, pipeline, reason FROM preannotation_failures ORDER BY article_id"
            )
        ]

    def store_preannotations(
        self, results: Iterable[Preannotation], failures: Iterable[PreannotationFailure] = ()
    ) -> int:
        """Save a batch of pipeline results, and the articles it failed on, in one transaction;
        returns how many model entities were added.

        Model entities are added only where the article has none yet, so entities that
        came with an imported record (or a user's corrections) are never overwritten.
        A result clears an earlier failure of the same article.
        """
        results = list(results)
        failures = list(failures)
        ids = json.dumps([r.article_id for r in results])
        with self.write():
            c = self.conn
            c.execute("DELETE FROM sentences WHERE article_id IN (SELECT value FROM json_each(?))", (ids,))
            c.executemany(
                "INSERT INTO sentences(article_id, start, end) VALUES (?, ?, ?)",
                [(r.article_id, s, e) for r in results for s, e in r.sentences],
            )
            c.executemany(
                "INSERT OR REPLACE INTO tokens(article_id, bounds) VALUES (?, ?)",
                [(r.article_id, _flat_json(r.tokens)) for r in results],
            )
            with_entities = {
                row[0]
                for row in c.execute(
                    "SELECT DISTINCT article_id FROM entities WHERE article_id IN (SELECT value FROM json_each(?))",
                    (ids,),
                )
            }
            added = c.executemany(
                "INSERT INTO entities(article_id, start, end, label, source) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [
                    (r.article_id, s, e, label, MODEL)
                    for r in results
                    if r.article_id not in with_entities
                    for s, e, label in r.entities
                ],
            )
            c.executemany(
                "UPDATE articles SET pipeline = ?, entities_predicted = ? WHERE id = ?",
                [(r.pipeline, r.entities_predicted, r.article_id) for r in results],
            )
            c.execute("DELETE FROM preannotation_failures WHERE article_id IN (SELECT value FROM json_each(?))", (ids,))
            # nobody has seen what was predicted just now (`schema.m011_entities_reviewed`)
            c.execute("DELETE FROM entities_reviewed WHERE article_id IN (SELECT value FROM json_each(?))", (ids,))
            stamp = now()
            c.executemany(
                "INSERT OR REPLACE INTO preannotation_failures(article_id, pipeline, reason, failed_at) "
                "VALUES (?, ?, ?, ?)",
                [(f.article_id, f.pipeline, f.reason, stamp) for f in failures],
            )
        return max(added.rowcount, 0)

    def forget_preannotations(self) -> int:
        """Make every article wait for pre-annotation again (`preannotate --redo`): spaCy's entities
        and earlier failures go, a person's entities stay; sentences and tokens are replaced as each
        article is done again. One transaction. Returns how many articles will be redone."""
        with self.write():
            c = self.conn
            n = c.execute("UPDATE articles SET pipeline = NULL, entities_predicted = 1 WHERE pipeline IS NOT NULL")
            redone = n.rowcount
            c.execute("DELETE FROM entities WHERE source = ?", (MODEL,))
            c.execute("DELETE FROM preannotation_failures")
            c.execute("DELETE FROM entities_reviewed")
        return redone

    def unannotated_ids_by_hash(self, hashes: Iterable[str]) -> dict[str, int]:
        """Content hash -> id of those articles among `hashes` that the pipeline has not seen yet."""
        return dict(
            self.conn.execute(
                "SELECT hash, id FROM articles WHERE pipeline IS NULL AND hash IN (SELECT value FROM json_each(?))",
                (json.dumps(list(hashes)),),
            )
        )


def _flat_json(tokens: Sequence[tuple[int, int]] | str) -> str:
    if isinstance(tokens, str):
        return tokens
    return json.dumps([b for pair in tokens for b in pair])
