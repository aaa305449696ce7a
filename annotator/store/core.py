"""The project's contents: settings, import and reading.

Opening, creating and transactions are `opening.ProjectFile`'s: every write runs in a
`BEGIN IMMEDIATE` transaction (`Store.write`), so a user action is either wholly on
disk or not at all.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from srsly import json_loads

from annotator.records import (
    ACCEPT,
    GOLD,
    LAYER_KINDS,
    MODEL_LAYER,
    STATUSES,
    Article,
    Entity,
    ExportRow,
    IncomingRecord,
    Label,
    RejectedSpan,
    Span,
    Statement,
    layer_kind,
)
from annotator.store.errors import StoreError, known_error
from annotator.store.opening import ProjectFile
from annotator.store.replacing import keep_last_complete, replace_layers
from annotator.text import content_hash

log = logging.getLogger("annotator.store")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class ImportCounts:
    """What one batch of records changed in the project."""

    articles_added: int = 0
    #: Records whose text was already an article (a re-run, or another annotator's labels on it).
    articles_existing: int = 0
    labels_added: int = 0
    entities_added: int = 0
    links_added: int = 0
    #: Article categories given (per article and annotator).
    categories_added: int = 0
    #: Articles on which an annotator's stored work was replaced by a newer record of hers, by name.
    replaced: dict[str, int] = field(default_factory=dict)

    def __iadd__(self, other: ImportCounts) -> ImportCounts:
        self.articles_added += other.articles_added
        self.articles_existing += other.articles_existing
        self.labels_added += other.labels_added
        self.entities_added += other.entities_added
        self.links_added += other.links_added
        self.categories_added += other.categories_added
        for name, n in other.replaced.items():
            self.replaced[name] = self.replaced.get(name, 0) + n
        return self

    def describe(self) -> str:
        """One sentence for the user, the same in the terminal and the window."""
        text = _plural(self.articles_added, "new article")
        if self.articles_existing:
            text += f", {_plural(self.articles_existing, 'record')} matched articles already in the project"
        links = f", {_plural(self.links_added, 'link')}" if self.links_added else ""
        if self.categories_added:
            links += f", {_plural(self.categories_added, 'article category', 'article categories')}"
        replaced = "".join(
            f"; replaced {name}'s labels on {_plural(n, 'article')}" for name, n in sorted(self.replaced.items())
        )
        return (
            f"{text}; {_plural(self.labels_added, 'label')}, {_plural(self.entities_added, 'entity', 'entities')}"
            + links
            + replaced
        )


#: json.dumps(meta, ensure_ascii=False) without building an encoder per call (meta stays on the
#: standard library: ujson rounds floats).
_meta_json = json.JSONEncoder(ensure_ascii=False).encode


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


class CoreStore(ProjectFile):
    """Settings, import and reading. See `Store`."""

    #: Tables whose rows make an (article, annotator) pair a layer's row in `export_rows()`.
    TOUCHED_TABLES: tuple[str, ...] = ("statements", "article_status", "rejected_spans", "task_answers")

    # -- settings ------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.write():
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    def label_scheme(self) -> list[Label] | None:
        """The project's labels, or None when the project has not chosen any yet."""
        raw = self.get_setting("label_scheme")
        return None if raw is None else [Label(**item) for item in raw]

    def set_label_scheme(self, labels: Iterable[Label]) -> None:
        self.set_setting("label_scheme", [vars(label) for label in labels])

    # -- annotators ----------------------------------------------------------------

    def annotator_id(self, name: str, kind: str | None = None) -> int:
        """The id of layer `name`, adding it on first use as `kind` (default: `layer_kind(name)`).

        A layer's kind is set when it is made: a model's output never becomes an annotator.
        """
        row = self.conn.execute("SELECT id FROM annotators WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        kind = kind or layer_kind(name)
        if kind not in LAYER_KINDS:
            raise ValueError(f"unknown layer kind {kind!r}; one of {', '.join(LAYER_KINDS)}")
        with self.write():
            self.conn.execute(
                "INSERT INTO annotators(name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
                (name, kind, now()),
            )
            return self.conn.execute("SELECT id FROM annotators WHERE name = ?", (name,)).fetchone()[0]

    def annotators(self, kind: str | None = None) -> list[str]:
        """Every layer's name, sorted, or only those of `kind` (`HUMAN_LAYER`: the annotators)."""
        if kind is None:
            return [r[0] for r in self.conn.execute("SELECT name FROM annotators ORDER BY name")]
        return [r[0] for r in self.conn.execute("SELECT name FROM annotators WHERE kind = ? ORDER BY name", (kind,))]

    def layer_kinds(self) -> dict[str, str]:
        """Each layer's kind by name: `human`, `model` or `gold` (`records.LAYER_KINDS`)."""
        return dict(self.conn.execute("SELECT name, kind FROM annotators ORDER BY name"))

    def layers(self) -> list[str]:
        """Annotators whose layer holds something to export, sorted: labels or answers, or (for
        anyone but the gold layer, whose review decisions are its statements) a status."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM annotators a WHERE EXISTS (SELECT 1 FROM statements WHERE annotator_id = a.id) "
                "OR EXISTS (SELECT 1 FROM rejected_spans WHERE annotator_id = a.id) "
                "OR EXISTS (SELECT 1 FROM task_answers WHERE annotator_id = a.id) "
                "OR (a.name != :gold AND EXISTS (SELECT 1 FROM article_status WHERE annotator_id = a.id)) "
                "ORDER BY name",
                {"gold": GOLD},
            )
        ]

    # -- import --------------------------------------------------------------------

    def add_records(self, records: Sequence[IncomingRecord], default_annotator: str) -> ImportCounts:
        """Store a batch of validated records in one transaction: all of it or none.

        A text already in the project joins its article (content hash), so a re-run
        after a crash, or a second annotator's file, adds no duplicates. Rows go in with
        `executemany`: new articles and statements get their ids here, which is safe
        because the batch holds the project's write lock.

        The newer work wins, as in Prodigy and doccano, where a dataset holds one answer per task
        and annotator: a *complete* record (`IncomingRecord.complete`: a whole-task answer, with a
        status or a task answer - not binary feedback on a few spans) is that annotator's whole
        work on the article, so it *replaces* what her layer held there: labels and statements,
        rejected spans and links the record does not have are removed (counted in
        `ImportCounts.replaced` when anything changed). Article categories are replaced only
        when the record gives some (most formats carry none); a record that gives only
        categories (doccano's text classification) replaces only those; notes fill empty ones and are
        never overwritten. Binary feedback (spans with answers of their own) adds to the layer.
        Of several complete records for one article and annotator, the last one read counts,
        so re-importing a file changes nothing. The records' lists may be emptied here for that.
        """
        counts = ImportCounts()
        with self.write():
            c = self.conn
            stamp = now()
            digests = [content_hash(rec.text) for rec in records]
            keep_last_complete(records, digests, default_annotator)
            article_of = dict(
                c.execute(
                    "SELECT hash, id FROM articles WHERE hash IN (SELECT value FROM json_each(?))",
                    (json.dumps(digests),),
                )
            )
            old_articles = set(article_of.values())
            next_id = (c.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
            article_rows: list[tuple] = []
            article_ids: list[int] = []
            for rec, digest in zip(records, digests, strict=True):
                article_id = article_of.get(digest)
                if article_id is None:
                    article_id = article_of[digest] = next_id
                    next_id += 1
                    meta = _meta_json(rec.meta) if rec.meta else "{}"
                    article_rows.append((article_id, digest, rec.title, rec.text, rec.source, meta, stamp))
                    counts.articles_added += 1
                else:
                    counts.articles_existing += 1
                article_ids.append(article_id)
            c.executemany(
                "INSERT INTO articles(id, hash, title, text, source, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                article_rows,
            )
            if old_articles:
                replace_layers(c, records, article_ids, old_articles, default_annotator, counts.replaced)
            entity_rows = [(a, *e) for rec, a in zip(records, article_ids, strict=True) for e in rec.entities]
            statement_rows, label_rows, status_rows, note_rows, answers = self._statement_rows(
                records, article_ids, old_articles, default_annotator, stamp
            )
            c.executemany(
                "INSERT INTO statements(id, article_id, annotator_id, start, end, note, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                statement_rows,
            )
            # An imported note fills an empty one; it never overwrites what someone wrote here.
            c.executemany("UPDATE statements SET note = ? WHERE id = ? AND note = ''", note_rows)
            before = c.total_changes
            c.executemany(
                "INSERT INTO entities(article_id, start, end, label, source) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                entity_rows,
            )
            counts.entities_added = c.total_changes - before
            before = c.total_changes
            c.executemany(
                "INSERT INTO statement_labels(statement_id, label, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                label_rows,
            )
            counts.labels_added = c.total_changes - before
            self._set_statuses(status_rows)
            self._store_answers(answers, stamp)
        return counts

    def _store_answers(self, answers: Sequence[tuple[int, int, IncomingRecord]], stamp: str) -> None:
        """Rejected spans and task answers of (article_id, annotator_id, record): kept, never as labels.

        A task answered accept again (a corrected file) drops the old reject/ignore of that pair.
        """
        c = self.conn
        c.executemany(
            "INSERT INTO rejected_spans(article_id, annotator_id, start, end, label, answer, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET answer = excluded.answer",
            [(a, n, *span, stamp) for a, n, rec in answers for span in rec.rejected],
        )
        last = {(a, n): rec.answer for a, n, rec in answers}  # in file order: the last answer counts
        c.executemany(
            "INSERT INTO task_answers(article_id, annotator_id, answer, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
            [(a, n, answer, stamp) for (a, n), answer in last.items() if answer != ACCEPT],
        )
        if c.execute("SELECT 1 FROM task_answers LIMIT 1").fetchone():
            c.executemany(
                "DELETE FROM task_answers WHERE article_id = ? AND annotator_id = ?",
                [pair for pair, answer in last.items() if answer == ACCEPT],
            )

    def _statement_rows(
        self,
        records: Sequence[IncomingRecord],
        article_ids: Sequence[int],
        old_articles: set[int],
        default_annotator: str,
        stamp: str,
    ) -> tuple[list[list], list[tuple], list[tuple], list[tuple], list[tuple[int, int, IncomingRecord]]]:
        """New statement rows (with ids), label rows, status rows, note updates, and the
        (article_id, annotator_id, record) of every labeled record, for its answers.

        Statements already in the project are looked up only on articles that were there
        before the batch: a new article has none.
        """
        c = self.conn
        annotator_ids: dict[str, int] = {}
        kinds: dict[int, str] = {}
        statement_of: dict[tuple[int, int, int, int], int] = {}
        if old_articles:
            statement_of = {
                (a, n, s, e): i
                for a, n, s, e, i in c.execute(
                    "SELECT article_id, annotator_id, start, end, id FROM statements "
                    "WHERE article_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(old_articles)),),
                )
            }
        new_rows: dict[int, list] = {}
        next_id = (c.execute("SELECT max(id) FROM statements").fetchone()[0] or 0) + 1
        label_rows: list[tuple] = []
        status_rows: list[tuple] = []
        note_rows: list[tuple] = []
        answers: list[tuple[int, int, IncomingRecord]] = []
        for rec, article_id in zip(records, article_ids, strict=True):
            if not (rec.spans or rec.status or rec.rejected or rec.answer != ACCEPT):
                continue
            name = rec.annotator or default_annotator
            annotator = annotator_ids.get(name)
            if annotator is None:
                annotator = annotator_ids[name] = self.annotator_id(name, layer_kind(name, rec.model_version))
                kinds[annotator] = c.execute("SELECT kind FROM annotators WHERE id = ?", (annotator,)).fetchone()[0]
            answers.append((article_id, annotator, rec))
            for span in rec.spans:
                key = (article_id, annotator, span.start, span.end)
                statement_id = statement_of.get(key)
                if statement_id is None:
                    statement_id = statement_of[key] = next_id
                    next_id += 1
                    new_rows[statement_id] = [statement_id, *key, span.note, stamp, stamp]
                elif span.note:
                    row = new_rows.get(statement_id)
                    if row is None:
                        note_rows.append((span.note, statement_id))
                    elif not row[5]:
                        row[5] = span.note
                label_rows.append((statement_id, span.label, stamp))
            if rec.status and kinds[annotator] != MODEL_LAYER:  # a model's output is never "finished"
                status_rows.append((article_id, annotator, rec.status, stamp))
        return list(new_rows.values()), label_rows, status_rows, note_rows, answers

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

    def _set_status(self, article_id: int, annotator_id: int, status: str, stamp: str) -> None:
        self._set_statuses([(article_id, annotator_id, status, stamp)])

    def _set_statuses(self, rows: Sequence[tuple[int, int, str, str]]) -> None:
        """Upsert (article_id, annotator_id, status, stamp) rows."""
        if any(row[2] not in STATUSES for row in rows):
            raise ValueError(f"unknown status in {sorted({row[2] for row in rows} - set(STATUSES))}")
        self.conn.executemany(
            "INSERT INTO article_status(article_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            rows,
        )

    # -- reading -------------------------------------------------------------------

    def article(self, article_id: int) -> Article:
        row = self.conn.execute(
            "SELECT id, hash, title, text, source, meta FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id} in {self.path}")
        return Article(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def entities(self, article_id: int, within: tuple[int, int] | None = None) -> list[Entity]:
        """The article's entities by start; with `within` (start, end), those starting in it (a page)."""
        sql = "SELECT start, end, label, source FROM entities WHERE article_id = ?"
        args: tuple[int, ...] = (article_id,)
        if within is not None:
            sql += " AND start >= ? AND start < ?"
            args += within
        return [Entity(*row) for row in self.conn.execute(sql + " ORDER BY start, end", args)]

    def sentences(self, article_id: int, within: tuple[int, int] | None = None) -> list[tuple[int, int]]:
        """The article's sentences by start; with `within` (start, end), those starting in it and the
        one running into it from before (a page's)."""
        if within is None:
            return self.conn.execute(
                "SELECT start, end FROM sentences WHERE article_id = ? ORDER BY start", (article_id,)
            ).fetchall()
        # from the last sentence starting before the page (it may run into it), by the primary key
        return self.conn.execute(
            "SELECT start, end FROM sentences WHERE article_id = ?1 AND start >= ("
            " SELECT coalesce(max(start), ?2) FROM sentences WHERE article_id = ?1 AND start < ?2)"
            " AND start < ?3 AND (start >= ?2 OR end > ?2) ORDER BY start",
            (article_id, *within),
        ).fetchall()

    def tokens(self, article_id: int) -> list[tuple[int, int]] | None:
        row = self.conn.execute("SELECT bounds FROM tokens WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        flat = json.loads(row[0])
        return list(zip(flat[::2], flat[1::2], strict=True))

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

    def status(self, article_id: int, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT st.status FROM article_status st JOIN annotators a ON a.id = st.annotator_id "
            "WHERE st.article_id = ? AND a.name = ?",
            (article_id, annotator),
        ).fetchone()
        return row[0] if row else "new"

    def export_rows(self, annotator: str | None = None) -> Iterator[ExportRow]:
        """The project as `ExportRow`s, in article order, for the export rule to choose from.

        With `annotator` (a name, or `GOLD` for the stored review decisions): one row per
        article, holding that layer — with no spans and status None where it never touched
        the article. Without: one row per (article, annotator) that holds anything (labels, a
        status, an answer) and one row, with annotator None, per article nobody touched.
        Streams: memory stays flat. A damaged file raises `StoreError`.
        """
        # A merge join: cursors ordered by article, read side by side. Much cheaper than
        # correlated subqueries that build JSON per row for Python to parse again; and only
        # the small (article, annotator) pairs are sorted, never the texts.
        c = self.conn
        try:
            args = {"layer": None if annotator is None else self._layer_id(annotator)}
            articles = _ByArticle(
                c.execute(
                    "SELECT id, hash, title, text, source, meta, pipeline IS NOT NULL AND entities_predicted, "
                    "(SELECT bounds FROM tokens WHERE article_id = a.id) FROM articles a ORDER BY id"
                )
            )
            spans = _ByArticle(
                c.execute(
                    "SELECT s.article_id, s.annotator_id, s.start, s.end, l.label, s.note FROM statements s "
                    "JOIN statement_labels l ON l.statement_id = s.id "
                    "ORDER BY s.article_id, s.annotator_id, s.start, s.end, l.label"  # in the unique index's order
                )
            )
            rejected = _ByArticle(
                c.execute(
                    "SELECT article_id, annotator_id, start, end, label, answer FROM rejected_spans "
                    "ORDER BY article_id, annotator_id, start, end, label"
                )
            )
            entities = _ByArticle(
                c.execute(
                    "SELECT article_id, start, end, label, source FROM entities ORDER BY article_id, start, end, label"
                )
            )
            sentences = _ByArticle(c.execute("SELECT article_id, start, end FROM sentences ORDER BY article_id, start"))
            for article_id, name, annotator_id, status, answer in c.execute(self._export_pairs(annotator), args):
                _, digest, title, text, source, meta, predicted, tokens = articles.take(article_id)[0]
                mine = tuple([_new(Span, x[2:]) for x in spans.take(article_id) if x[1] == annotator_id])
                ents = tuple([_new(Entity, x[1:]) for x in entities.take(article_id)])
                yield _new(
                    ExportRow,
                    (
                        article_id,
                        digest,
                        title,
                        text,
                        source,
                        json.loads(meta) if meta != "{}" else {},
                        name if annotator is None else annotator,
                        status if status is not None or not mine else "in_progress",
                        mine,
                        ents,
                        # Offsets only: ujson is safe here and 4x faster (not for meta: it rounds floats).
                        json_loads(tokens) if tokens else None,
                        tuple([x[1:] for x in sentences.take(article_id)]) if sentences.has(article_id) else (),
                        tuple([_new(RejectedSpan, x[2:]) for x in rejected.take(article_id) if x[1] == annotator_id])
                        if rejected.has(article_id)
                        else (),
                        answer or ACCEPT,
                        bool(predicted or ents),
                        (),  # links: `LinksMixin.export_rows` adds them
                        (),  # categories: `CategoryMixin.export_rows` adds them
                        (),  # category_scope: the export rule's (`export_rule.Selection`)
                        None,  # categories_asked: `CategoryMixin.export_rows` adds them
                    ),
                )
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc

    def count_export_rows(self, annotator: str | None = None) -> int:
        """How many rows `export_rows(annotator)` yields (the total for a progress bar)."""
        sql = self._export_pairs(annotator)
        try:
            return self.conn.execute(f"SELECT count(*) FROM ({sql})", {"layer": None}).fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc

    def _layer_id(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM annotators WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    @classmethod
    def _export_pairs(cls, annotator: str | None) -> str:
        """(article_id, annotator name, annotator_id, status, answer) of every row `export_rows` yields,
        ordered by article (and name)."""
        answers = (
            "LEFT JOIN article_status st ON st.article_id = pair.article_id AND st.annotator_id = pair.annotator_id "
            "LEFT JOIN task_answers ta ON ta.article_id = pair.article_id AND ta.annotator_id = pair.annotator_id"
        )
        if annotator is not None:  # every article, one layer: no name to join, the articles' own order
            return (
                "SELECT pair.id AS article_id, NULL, :layer AS annotator_id, st.status, ta.answer "
                "FROM articles pair "
                + answers.replace("pair.article_id", "pair.id").replace("pair.annotator_id", ":layer")
                + " ORDER BY pair.id"
            )
        touched = cls.TOUCHED_TABLES
        pairs = (
            " UNION ".join(f"SELECT article_id, annotator_id FROM {table}" for table in touched)
            + " UNION ALL SELECT id, NULL FROM articles a WHERE "
            + " AND ".join(f"NOT EXISTS (SELECT 1 FROM {table} WHERE article_id = a.id)" for table in touched)
        )
        return (
            "SELECT pair.article_id, an.name, pair.annotator_id, st.status, ta.answer "
            f"FROM ({pairs}) AS pair LEFT JOIN annotators an ON an.id = pair.annotator_id {answers} "
            "ORDER BY pair.article_id, an.name"
        )

    def stats(self) -> dict[str, Any]:
        c = self.conn

        def one(sql: str) -> int:
            return c.execute(sql).fetchone()[0]

        return {
            "path": str(self.path),
            "articles": one("SELECT count(*) FROM articles"),
            "preannotated": one("SELECT count(*) FROM articles WHERE pipeline IS NOT NULL"),
            "preannotation_failed": [
                {"article": i, "title": t, "pipeline": p, "reason": r}
                for i, t, p, r in c.execute(
                    "SELECT f.article_id, a.title, f.pipeline, f.reason FROM preannotation_failures f "
                    "JOIN articles a ON a.id = f.article_id ORDER BY f.article_id"
                )
            ],
            "statements": one("SELECT count(*) FROM statements"),
            "spans": one("SELECT count(*) FROM statement_labels"),
            "entities": one("SELECT count(*) FROM entities"),
            "sentences": one("SELECT count(*) FROM sentences"),
            "annotators": [name for name, kind in self.layer_kinds().items() if kind != MODEL_LAYER],
            "models": self.annotators(MODEL_LAYER),
            "labels": dict(
                c.execute("SELECT label, count(*) FROM statement_labels GROUP BY label ORDER BY label").fetchall()
            ),
            "entity_labels": dict(
                c.execute("SELECT label, count(*) FROM entities GROUP BY label ORDER BY label").fetchall()
            ),
            "done": dict(
                c.execute(
                    "SELECT a.name, count(*) FROM article_status s JOIN annotators a ON a.id = s.annotator_id "
                    "WHERE s.status = 'done' GROUP BY a.name ORDER BY a.name"
                ).fetchall()
            ),
            "schema_version": self.schema_version(),
        }


#: Makes a named tuple from a complete row, without the named tuple's argument handling.
_new = tuple.__new__


class _ByArticle:
    """Rows of a cursor ordered by article id (first column), handed out one article at a time.

    `groupby` splits the rows in C; Python only steps from one article to the next.
    """

    def __init__(self, rows: Iterable[tuple]):
        self._groups = groupby(rows, key=itemgetter(0))
        self._key, self._items = next(self._groups, (None, None))
        self._article: int | None = None
        self._group: list[tuple] = []

    def has(self, article_id: int) -> bool:
        """Whether rows of `article_id` may follow (a cheap test before `take` on sparse tables)."""
        return (self._key is not None and self._key <= article_id) or self._article == article_id

    def take(self, article_id: int) -> list[tuple]:
        if article_id != self._article:
            self._article, self._group = article_id, []
            while self._key is not None and self._key < article_id:
                self._key, self._items = next(self._groups, (None, None))
            if self._key == article_id:
                self._group = list(self._items)
                self._key, self._items = next(self._groups, (None, None))
        return self._group
