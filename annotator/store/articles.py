"""The articles, their reading (sentences, tokens), each annotator's status, and the article list.

The article list is paged (keyset, in id order), so a 100,000-article project opens at once;
`ArticleFilter` is what the list and a search show. Each public method that writes is one user
action and one committed transaction, and returns the state before, for its undo.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.records import STATUSES, Article, MetaCondition
from annotator.store.errors import StoreError
from annotator.store.part import Part, now
from annotator.store.stored_meta import shown_meta
from annotator.text import path_shown


@dataclass(frozen=True)
class ArticleRow:
    """One line of the window's article list, for one annotator."""

    id: int
    title: str
    status: str
    labels: int
    #: The annotator's categories of the article, sorted (the list's category column).
    categories: tuple[str, ...] = ()
    #: The annotator reviewed the article's entities (`set_entity_review`).
    entities_reviewed: bool = False


@dataclass(frozen=True)
class ArticleFilter:
    """What the article list (and a search) shows: a status, a label the annotator used, words in
    title or text, categories the annotator gave or did not give, metadata conditions (all must hold)."""

    status: str | None = None
    label: str | None = None
    text: str = ""
    #: Only these articles (e.g. those with conflicts); None means no such limit.
    ids: tuple[int, ...] | None = None
    categories: tuple[str, ...] = ()
    not_categories: tuple[str, ...] = ()
    meta: tuple[MetaCondition, ...] = ()


@dataclass
class ArticleHeld:
    """What one stored article holds, as the per-article caps count it: its entities, and each
    layer's [spans (labels and rejected spans), links] by annotator name."""

    entities: int
    layers: dict[str, list[int]]


#: The article list's rows, read for one annotator (the first argument: her name).
LIST_FROM = (
    "FROM articles ar LEFT JOIN annotators an ON an.name = ? "
    "LEFT JOIN article_status st ON st.article_id = ar.id AND st.annotator_id = an.id "
)


def put_statuses(conn: sqlite3.Connection, rows: Sequence[tuple[int, int, str, str]]) -> None:
    """Upsert (article_id, annotator_id, status, stamp) rows (inside the caller's transaction)."""
    if any(row[2] not in STATUSES for row in rows):
        raise ValueError(f"unknown status in {sorted({row[2] for row in rows} - set(STATUSES))}")
    conn.executemany(
        "INSERT INTO article_status(article_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        rows,
    )


def start_statuses(conn: sqlite3.Connection, rows: Sequence[tuple[int, int, str, str]]) -> int:
    """Insert (article_id, annotator_id, "in_progress", stamp) rows where the layer has no status yet:
    work that decides no statements (an imported category answer) starts an article, never
    finishes nor unfinishes it. Returns how many it started."""
    return conn.executemany(
        "INSERT INTO article_status(article_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        rows,
    ).rowcount


def mark_in_progress(conn: sqlite3.Connection, article_id: int, annotator_id: int, stamp: str) -> None:
    """Labeling, linking or categorizing marks the article in progress for a layer that had not begun it."""
    put_statuses(conn, [(article_id, annotator_id, "in_progress", stamp)])


def answered_anew(conn: sqlite3.Connection, article_id: int, annotator_id: int) -> None:
    """Labeling or finishing an article here replaces an imported reject/ignore of the whole task."""
    conn.execute("DELETE FROM task_answers WHERE article_id = ? AND annotator_id = ?", (article_id, annotator_id))


class ArticlesPart(Part):
    """`store.articles`: reading articles, statuses and the paged article list."""

    def article(self, article_id: int) -> Article:
        row = self.conn.execute(
            "SELECT id, hash, title, text, source, meta FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id} in {path_shown(self.path)}")
        return Article(row[0], row[1], row[2], row[3], row[4], shown_meta(row[5]))

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def hashes(self, at_most: int) -> Iterator[str] | None:
        """Every article's content hash, streamed; None when the project may hold more than
        `at_most` articles (then reading them all costs more than it saves)."""
        if (self.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) > at_most:
            return None
        return (row[0] for row in self._read("SELECT hash FROM articles"))

    def held_of_text(self, digest: str) -> ArticleHeld | None:
        """How much the article whose content hash is `digest` holds (None when no such article
        is stored yet): what an import adds to before checking the per-article caps."""
        row = self.conn.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            return None
        article = row[0]
        layers: dict[str, list[int]] = {}
        for name, spans in self.conn.execute(
            "SELECT a.name, count(*) FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
            "JOIN annotators a ON a.id = s.annotator_id WHERE s.article_id = ? GROUP BY a.name "
            "UNION ALL SELECT a.name, count(*) FROM rejected_spans r JOIN annotators a ON a.id = r.annotator_id "
            "WHERE r.article_id = ? GROUP BY a.name",
            (article, article),
        ):
            layers.setdefault(name, [0, 0])[0] += spans
        for name, links in self.conn.execute(
            "SELECT a.name, count(*) FROM links l JOIN annotators a ON a.id = l.annotator_id "
            "WHERE l.article_id = ? GROUP BY a.name",
            (article,),
        ):
            layers.setdefault(name, [0, 0])[1] += links
        entities = self.conn.execute("SELECT count(*) FROM entities WHERE article_id = ?", (article,)).fetchone()[0]
        return ArticleHeld(entities, layers)

    def held_keys_of_text(self, digest: str, annotator: str) -> tuple[set[tuple], set[tuple], set[tuple]]:
        """The (start, end, label) of `annotator`'s labels and rejected spans, her links' (head
        start, head end, child start, child end, type) and the article's entities' (start, end,
        label) on the article with content hash `digest`: what a record already stored adds nothing to."""
        row = self.conn.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            return set(), set(), set()
        layer = (row[0], annotator)
        spans = set(
            self.conn.execute(
                "SELECT s.start, s.end, l.label FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
                "WHERE s.article_id = ? AND s.annotator_id = (SELECT id FROM annotators WHERE name = ?) "
                "UNION ALL SELECT start, end, label FROM rejected_spans "
                "WHERE article_id = ? AND annotator_id = (SELECT id FROM annotators WHERE name = ?)",
                (*layer, *layer),
            )
        )
        links = set(
            self.conn.execute(
                "SELECT head_start, head_end, child_start, child_end, label FROM links "
                "WHERE article_id = ? AND annotator_id = (SELECT id FROM annotators WHERE name = ?)",
                layer,
            )
        )
        entities = set(self.conn.execute("SELECT start, end, label FROM entities WHERE article_id = ?", (row[0],)))
        return spans, links, entities

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

    def has_article(self, article_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def article_titles(self, article_ids: list[int] | None = None) -> dict[int, str]:
        sql = "SELECT id, title FROM articles"
        args: list[int] = []
        if article_ids is not None:
            sql += f" WHERE id IN ({','.join('?' * len(article_ids))})"
            args.extend(article_ids)
        return dict(self.conn.execute(sql, args).fetchall())

    def status(self, article_id: int, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT st.status FROM article_status st JOIN annotators a ON a.id = st.annotator_id "
            "WHERE st.article_id = ? AND a.name = ?",
            (article_id, annotator),
        ).fetchone()
        return row[0] if row else "new"

    def set_status(self, article_id: int, annotator: str, status: str) -> str:
        """Set the annotator's status for the article; returns the one before."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.write():
            before = self.status(article_id, annotator)
            annotator_id = self.store.layers.annotator_id(annotator)
            stamp = now()
            put_statuses(self.conn, [(article_id, annotator_id, status, stamp)])
            answered_anew(self.conn, article_id, annotator_id)
            # "done" is about statements only: the entities have their own decision
            # (`store.entities.set_entity_review`)
        return before

    def list_where(self, annotator: str, filt: ArticleFilter) -> tuple[str, list[Any]]:
        """The article list's WHERE clause and its arguments for `filt`, read for `annotator`."""
        clauses: list[str] = []
        args: list[Any] = []
        if filt.status == "new":
            clauses.append("coalesce(st.status, 'new') = 'new'")
        elif filt.status:
            clauses.append("st.status = ?")
            args.append(filt.status)
        if filt.label:
            clauses.append(
                "EXISTS (SELECT 1 FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
                "WHERE s.article_id = ar.id AND s.annotator_id = an.id AND l.label = ?)"
            )
            args.append(filt.label)
        if filt.ids is not None:
            clauses.append("ar.id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(list(filt.ids)))
        for category, present in [(c, True) for c in filt.categories] + [(c, False) for c in filt.not_categories]:
            clauses.append(
                ("" if present else "NOT ") + "EXISTS (SELECT 1 FROM article_categories ac WHERE ac.article_id = ar.id "
                "AND ac.annotator_id = an.id AND ac.category = ?)"
            )
            args.append(category)
        for condition in filt.meta:
            clause, values = meta_clause(condition)
            clauses.append(clause)
            args.extend(values)
        for word in filt.text.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(ar.title LIKE ? ESCAPE '\\' OR ar.text LIKE ? ESCAPE '\\')")
            args.extend([pattern, pattern])
        return (" AND ".join(clauses) or "1"), args

    def article_page(
        self, annotator: str, filt: ArticleFilter = ArticleFilter(), *, after_id: int = 0, limit: int = 200
    ) -> list[ArticleRow]:
        """The next `limit` articles after `after_id` (keyset paging, in id order) that match `filt`."""
        where, args = self.list_where(annotator, filt)
        sql = (
            "SELECT ar.id, ar.title, coalesce(st.status, 'new'), "
            "(SELECT count(*) FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
            " WHERE s.article_id = ar.id AND s.annotator_id = an.id), "
            "(SELECT group_concat(category, char(31)) FROM (SELECT category FROM article_categories ac "
            " WHERE ac.article_id = ar.id AND ac.annotator_id = an.id ORDER BY category)), "
            "EXISTS (SELECT 1 FROM entities_reviewed r WHERE r.article_id = ar.id AND r.annotator_id = an.id) "
            + LIST_FROM
            + f"WHERE ar.id > ? AND {where} ORDER BY ar.id LIMIT ?"
        )
        rows = self.conn.execute(sql, [annotator, after_id, *args, limit]).fetchall()
        return [ArticleRow(*r[:4], tuple(r[4].split("\x1f")) if r[4] else (), bool(r[5])) for r in rows]

    def article_row(self, article_id: int, annotator: str) -> ArticleRow:
        rows = self.article_page(annotator, after_id=article_id - 1, limit=1)
        if not rows or rows[0].id != article_id:
            raise StoreError(f"no article {article_id} in {path_shown(self.path)}")
        return rows[0]

    def progress(self, annotator: str) -> tuple[int, int]:
        """(articles done by `annotator`, articles in the project), for the progress bar."""
        done = self.conn.execute(
            "SELECT count(*) FROM article_status st JOIN annotators an ON an.id = st.annotator_id "
            "WHERE an.name = ? AND st.status = 'done'",
            (annotator,),
        ).fetchone()[0]
        total = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        return done, total

    def neighbour_article(
        self, article_id: int, annotator: str, step: int, filt: ArticleFilter = ArticleFilter()
    ) -> int | None:
        """The id of the next (`step` > 0) or previous matching article, or None at either end."""
        where, args = self.list_where(annotator, filt)
        op, order = (">", "ASC") if step > 0 else ("<", "DESC")
        row = self.conn.execute(
            "SELECT ar.id " + LIST_FROM + f"WHERE ar.id {op} ? AND {where} ORDER BY ar.id {order} LIMIT 1",
            [annotator, article_id, *args],
        ).fetchone()
        return row[0] if row else None

    def next_unfinished(self, article_id: int, annotator: str) -> int | None:
        """The first article after `article_id` (wrapping round) that `annotator` has not marked done."""
        sql = (
            "SELECT ar.id " + LIST_FROM + "WHERE ar.id {op} ? AND coalesce(st.status, 'new') != 'done' "
            "ORDER BY ar.id LIMIT 1"
        )
        for op in (">", "<"):
            row = self.conn.execute(sql.format(op=op), (annotator, article_id)).fetchone()
            if row:
                return row[0]
        return None

    def first_article(self) -> int | None:
        row = self.conn.execute("SELECT min(id) FROM articles").fetchone()
        return row[0]

    def check_span(self, article_id: int, start: int, end: int) -> None:
        """A span must lie inside the article's text (ValueError otherwise, `StoreError` for no article)."""
        row = self.conn.execute("SELECT length(text) FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id} in {path_shown(self.path)}")
        if not 0 <= start < end <= row[0]:
            raise ValueError(f"span {start}-{end} is outside article {article_id} ({row[0]} characters)")


#: An article's meta for SQLite's JSON functions: `{}` where it is no JSON text (a file changed outside
#: Annotator, `stored_meta`), which SQLite would stop the whole query on ("malformed JSON").
META_JSON = "(CASE WHEN typeof(ar.meta) = 'text' AND json_valid(ar.meta) THEN ar.meta ELSE '{}' END)"


def meta_clause(condition: MetaCondition) -> tuple[str, list[Any]]:
    """SQL over `ar.meta` for one metadata condition, and its arguments.

    Equality is case-insensitive text (a list field matches when it holds the value). Bounds
    compare text values as text (ISO dates; a `high` bound shorter than the value compares with
    its prefix, so `..2025-03` takes all of March) and numeric values as numbers.
    """
    key = condition.field
    if '"' in key:  # no JSON path can name it: look the key up
        value, kind, args = (
            f"(SELECT value FROM json_each({META_JSON}) WHERE key = ?)",
            f"(SELECT type FROM json_each({META_JSON}) WHERE key = ?)",
            [key],
        )
    else:  # json_extract: one C call per article, several times cheaper than json_each
        value, kind, args = f"json_extract({META_JSON}, ?)", f"json_type({META_JSON}, ?)", [f'$."{key}"']
    if condition.value is not None:
        members = f"(SELECT value FROM json_each({META_JSON}) WHERE key = ?)"
        return (
            f"(CAST({value} AS TEXT) = ? COLLATE NOCASE OR ({kind} = 'array' AND EXISTS (SELECT 1 FROM "
            f"json_each({members}) x WHERE CAST(x.value AS TEXT) = ? COLLATE NOCASE)))",
            [*args, condition.value, *args, key, condition.value],
        )
    tests: list[str] = []
    out: list[Any] = []
    if condition.low is not None:
        op = ">" if condition.low_open else ">="
        tests.append(f"(({kind} = 'text' AND {value} {op} ?) OR ({kind} IN ('integer', 'real') AND {value} {op} ?))")
        out += [*args, *args, condition.low, *args, *args, _number(condition.low)]
    if condition.high is not None:
        op = "<" if condition.high_open else "<="
        tests.append(
            f"(({kind} = 'text' AND substr({value}, 1, length(?)) {op} ?) "
            f"OR ({kind} IN ('integer', 'real') AND {value} {op} ?))"
        )
        out += [*args, *args, condition.high, condition.high, *args, *args, _number(condition.high)]
    return "(" + " AND ".join(tests or ["1"]) + ")", out


def _number(text: str) -> float | None:
    """A bound as a number when it reads as one (so 9 < 10 among numeric values); else None,
    which no numeric value passes."""
    try:
        return float(text)
    except ValueError:
        return None
