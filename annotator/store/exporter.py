"""Export: the project as `ExportRow`s, assembled in one place from ordered queries read side by side.

The rows to write (article and layer, with the layer's status and answer; for one layer, the
article's own columns in the same query), the tokens, each layer's spans, rejected spans, the
entities, the sentences, each layer's links and article categories are each one cursor ordered
by article; `export_rows` walks them together (a merge join) and builds each row once. Which
rows an export writes, and as what, is the export rule's (`annotator.export.rule`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from annotator.records import ACCEPT, ActorMention, Entity, ExportRow, Link, Note, RejectedSpan, Span
from annotator.store.errors import known_error
from annotator.store.links import COLUMNS as LINK_COLUMNS
from annotator.store.stored_meta import read_meta

if TYPE_CHECKING:
    from annotator.store.opening import Store

#: Tables whose rows make an (article, annotator) pair a layer's row in `export_rows()`.
TOUCHED_TABLES: tuple[str, ...] = ("statements", "article_status", "rejected_spans", "task_answers", "links")


def export_rows(store: Store, annotator: str | None = None) -> Iterator[ExportRow]:
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
    c = store.conn
    try:
        args = {"layer": None if annotator is None else store.layers.layer_id(annotator)}
        tokens = _ByArticle(c.execute("SELECT article_id, bounds FROM tokens ORDER BY article_id"))
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
        notes = _ByArticle(  # a note on a statement with no label: written too (`ExportRow.notes`)
            c.execute(
                "SELECT s.article_id, s.annotator_id, s.start, s.end, s.note FROM statements s "
                "WHERE s.note != '' AND NOT EXISTS (SELECT 1 FROM statement_labels l WHERE l.statement_id = s.id) "
                "ORDER BY s.article_id, s.annotator_id, s.start, s.end"
            )
        )
        only = " WHERE annotator_id = :layer" if annotator is not None else ""
        links = _ByArticle(
            c.execute(f"SELECT article_id, annotator_id, {LINK_COLUMNS} FROM links{only} ORDER BY article_id", args)
        )
        categories = _ByArticle(
            c.execute(
                f"SELECT article_id, annotator_id, category FROM article_categories{only} "
                "ORDER BY article_id, annotator_id, category",
                args,
            )
        )
        mentions = _ByArticle(
            c.execute(
                "SELECT m.article_id, m.start, m.end, a.name, m.how FROM actor_mentions m "
                "JOIN actors a ON a.id = m.actor_id ORDER BY m.article_id, m.start, m.end"
            )
        )
        asked = store.categories.asked_by_layer(annotator)  # where a file said which were asked (few rows)
        for article_id, name, annotator_id, status, answer, digest, title, text, source, meta, predicted in _pairs(
            c, annotator, args
        ):
            layer = name if annotator is None else annotator
            mine = tuple([_new(Span, x[2:]) for x in spans.take(article_id) if x[1] == annotator_id])
            ents = tuple([_new(Entity, x[1:]) for x in entities.take(article_id)]) if entities.has(article_id) else ()
            mine_categories = (
                tuple([x[2] for x in categories.take(article_id) if x[1] == annotator_id])
                if annotator_id is not None and categories.has(article_id)
                else ()
            )
            row_links = (
                tuple(sorted([Link(*x[2:]) for x in links.take(article_id) if x[1] == annotator_id]))
                if annotator_id is not None and links.has(article_id)
                else ()
            )
            actors = ()
            if mentions.has(article_id):  # the actors of this row's link ends and of the entities
                ends = {link.child for link in row_links} | {link.head for link in row_links}
                ends |= {(e.start, e.end) for e in ents}
                actors = tuple([_new(ActorMention, x[1:]) for x in mentions.take(article_id) if x[1:3] in ends])
            yield _new(
                ExportRow,
                (
                    article_id,
                    digest,
                    title,
                    text,
                    source,
                    read_meta(meta, article_id, store.path) if meta != "{}" else {},
                    layer,
                    status if status is not None or not mine else "in_progress",
                    mine,
                    ents,
                    _bounds(tokens.take(article_id)) if tokens.has(article_id) else None,
                    tuple([x[1:] for x in sentences.take(article_id)]) if sentences.has(article_id) else (),
                    tuple([_new(RejectedSpan, x[2:]) for x in rejected.take(article_id) if x[1] == annotator_id])
                    if rejected.has(article_id)
                    else (),
                    answer or ACCEPT,
                    bool(predicted or ents),
                    row_links,
                    mine_categories,
                    (),  # category_scope: the export rule's (`export_rule.Selection`)
                    tuple([_new(Note, x[2:]) for x in notes.take(article_id) if x[1] == annotator_id])
                    if notes.has(article_id)
                    else (),
                    asked.get((article_id, layer)) if asked else None,
                    actors,
                ),
            )
    except sqlite3.DatabaseError as exc:
        raise known_error(exc, store.path) from exc


def count_export_rows(store: Store, annotator: str | None = None) -> int:
    """How many rows `export_rows(annotator)` yields (the total for a progress bar)."""
    sql = _export_pairs(annotator)
    try:
        return store.conn.execute(f"SELECT count(*) FROM ({sql})", {"layer": None}).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise known_error(exc, store.path) from exc


#: An article's own columns (its table named `{a}`), after the pair's in `_pairs`.
_ARTICLE_COLUMNS = (
    "{a}.hash, {a}.title, {a}.text, {a}.source, {a}.meta, {a}.pipeline IS NOT NULL AND {a}.entities_predicted"
)


def _pairs(c: sqlite3.Connection, annotator: str | None, args: dict) -> Iterator[tuple]:
    """The rows of `_export_pairs`, each followed by its article's columns (`_ARTICLE_COLUMNS`).

    One layer has one row per article: its columns come in the same query, one cursor less to
    read beside it; with every layer the articles are read beside the pairs, each one once.
    """
    if annotator is not None:
        yield from c.execute(_export_pairs(annotator, _ARTICLE_COLUMNS.format(a="pair")), args)
        return
    articles = _ByArticle(c.execute(f"SELECT a.id, {_ARTICLE_COLUMNS.format(a='a')} FROM articles a ORDER BY a.id"))
    for pair in c.execute(_export_pairs(annotator), args):
        yield pair + articles.take(pair[0])[0][1:]


def _export_pairs(annotator: str | None, article_columns: str = "") -> str:
    """(article_id, annotator name, annotator_id, status, answer) of every row `export_rows` yields,
    ordered by article (and name); for one layer, followed by `article_columns` of its article
    (the table is `pair`)."""
    answers = (
        "LEFT JOIN article_status st ON st.article_id = pair.article_id AND st.annotator_id = pair.annotator_id "
        "LEFT JOIN task_answers ta ON ta.article_id = pair.article_id AND ta.annotator_id = pair.annotator_id"
    )
    if annotator is not None:  # every article, one layer: no name to join, the articles' own order
        return (
            "SELECT pair.id AS article_id, NULL, :layer AS annotator_id, st.status, ta.answer"
            + (f", {article_columns} " if article_columns else " ")
            + "FROM articles pair "
            + answers.replace("pair.article_id", "pair.id").replace("pair.annotator_id", ":layer")
            + " ORDER BY pair.id"
        )
    touched = TOUCHED_TABLES
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


def _bounds(found: list[tuple]) -> list[int] | None:
    """The stored token bounds of an article (its row of the tokens table, if any)."""
    return json.loads(found[0][1]) if found else None


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
