"""The corpus search index: FTS5 over statement units, caught up before a search.

Why not kept up to date by every import: measured (`make bench`, suite `search`), indexing
adds about a quarter to an import, over the 10% an import may grow. Articles never change
after import, so the index only ever catches up: `update_search_index` indexes the articles
it has not seen (and, once, those indexed before the pipeline gave them sentences), in
batches of one transaction each, with progress and a stop between batches. The window runs
it on a worker at start and after imports; `annotator search` before searching.

Rows are statement units (`annotator.passages`): rowid `article_id << UNIT_BITS | n`, so
FTS5 hands out hits in reading order and an article is a rowid range. The MATCH text comes
from `annotator.search.query.fts_expression`, never from the user directly.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from annotator.passages import statement_units
from annotator.store.articles import LIST_FROM, ArticleFilter
from annotator.store.errors import StoreError, known_error
from annotator.store.part import Part

UNIT_BITS = 20
#: Units past this many in one article are merged into the last one (never met in news).
MAX_UNITS = (1 << UNIT_BITS) - 1
TOKENIZER = "unicode61 remove_diacritics 2"


class SearchSyntaxError(StoreError):
    """FTS5 refused a MATCH expression (the query layer should have caught it first)."""


@dataclass(frozen=True)
class UnitFilter:
    """What a statement unit must satisfy besides its words.

    `articles` is the article list's filter, read for `annotator` (status, categories);
    `labels`/`not_labels`: a statement (of `layer`, or anyone's) overlapping the unit carries
    the label (or none does); `layer` alone: the unit overlaps a labeled statement of that
    annotator; `entities`/`not_entities`: an entity of that type overlaps the unit.
    """

    articles: ArticleFilter = field(default_factory=ArticleFilter)
    annotator: str = ""
    labels: tuple[str, ...] = ()
    not_labels: tuple[str, ...] = ()
    layer: str | None = None
    entities: tuple[str, ...] = ()
    not_entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitRow:
    id: int
    article_id: int
    start: int
    end: int


class SearchPart(Part):
    """`store.search`: the corpus search index, and searching it."""

    # -- keeping the index ---------------------------------------------------------------------

    _PENDING = (
        "FROM articles a LEFT JOIN search_articles s ON s.article_id = a.id "
        "WHERE (s.article_id IS NULL OR (s.after_pipeline = 0 AND a.pipeline IS NOT NULL))"
    )

    def search_index_pending(self) -> int:
        """How many articles the index has not caught up with (new, or given sentences since)."""
        return self.conn.execute(f"SELECT count(*) {self._PENDING}").fetchone()[0]

    def update_search_index(
        self,
        progress: Callable[[int], object] | None = None,
        should_stop: Callable[[], bool] | None = None,
        batch: int = 500,
    ) -> int:
        """Index what is pending, `batch` articles per transaction; returns how many were indexed.

        `progress(n)` after each batch; `should_stop()` is asked between batches (what is done stays).
        """
        done, after = 0, 0
        c = self.conn
        while True:
            with self.write():  # read inside the transaction: another process may be indexing too
                rows = c.execute(
                    f"SELECT a.id, a.text, a.pipeline IS NOT NULL, s.article_id IS NOT NULL {self._PENDING} "
                    "AND a.id > ? ORDER BY a.id LIMIT ?",
                    (after, batch),
                ).fetchall()
                if not rows:
                    return done
                fts: list[tuple[int, str]] = []
                units: list[tuple[int, int, int]] = []
                for article_id, text, after_pipeline, indexed in rows:
                    if indexed:
                        self._unindex(article_id, text)
                    spans = statement_units(self.store.articles.sentences(article_id) if after_pipeline else [], text)
                    if len(spans) > MAX_UNITS:
                        spans = [*spans[: MAX_UNITS - 1], (spans[MAX_UNITS - 1][0], spans[-1][1])]
                    base = article_id << UNIT_BITS
                    for n, (start, end) in enumerate(spans):
                        fts.append((base | n, text[start:end]))
                        units.append((base | n, start, end))
                c.executemany("INSERT INTO search_fts(rowid, text) VALUES (?, ?)", fts)
                c.executemany("INSERT INTO search_units(id, start, end) VALUES (?, ?, ?)", units)
                c.executemany(
                    "INSERT OR REPLACE INTO search_articles(article_id, after_pipeline) VALUES (?, ?)",
                    [(r[0], r[2]) for r in rows],
                )
            done += len(rows)
            after = rows[-1][0]
            if progress is not None:
                progress(len(rows))
            if should_stop is not None and should_stop():
                return done

    def preannotates(self) -> bool:
        """Whether the project uses pre-annotation: the pipeline has run on (or failed on) an article.
        A project imported with --no-ner throughout does not, and its articles wait for nothing."""
        return bool(
            self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM articles WHERE pipeline IS NOT NULL) "
                "OR EXISTS (SELECT 1 FROM preannotation_failures)"
            ).fetchone()[0]
        )

    def awaits_sentences(self, article_id: int, *, preannotates: bool) -> bool:
        """Whether an article's statement units are not its final ones yet: it still waits for the
        pipeline in a project that `preannotates`, or it was indexed before the pipeline gave it
        sentences. Units cut on a plain split then would be labeled as statements that match no
        sentence once spaCy's arrive."""
        row = self.conn.execute(
            "SELECT a.pipeline IS NOT NULL, s.after_pipeline, "
            "EXISTS (SELECT 1 FROM preannotation_failures f WHERE f.article_id = a.id) "
            "FROM articles a LEFT JOIN search_articles s ON s.article_id = a.id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return False
        annotated, after_pipeline, failed = row
        if annotated:
            return after_pipeline == 0
        return preannotates and not failed

    def _unindex(self, article_id: int, text: str) -> None:
        """Take an article's units out of the contentless index (FTS5 needs each row's old text)."""
        low, high = article_id << UNIT_BITS, (article_id << UNIT_BITS) | MAX_UNITS
        old = self.conn.execute("SELECT id, start, end FROM search_units WHERE id BETWEEN ? AND ?", (low, high))
        self.conn.executemany(
            "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', ?, ?)",
            [(i, text[s:e]) for i, s, e in old.fetchall()],
        )
        self.conn.execute("DELETE FROM search_units WHERE id BETWEEN ? AND ?", (low, high))

    # -- searching ---------------------------------------------------------------------------

    def search_unit_ids(
        self, match: str | None, where: UnitFilter, *, after: int = 0, limit: int | None = None
    ) -> Iterator[int]:
        """Ids of the units matching `match` (an FTS5 expression; None: every unit) and `where`, in
        reading order after unit `after`; streams. A refused expression raises `SearchSyntaxError`."""
        sql, args, key = self._units_sql(match, where)
        # ordered by the index's own rowid, FTS5 hands rows out in order and a LIMIT stops it early
        sql = f"SELECT {key} {sql} AND {key} > ? ORDER BY {key}" + (" LIMIT ?" if limit is not None else "")
        args += [after] + ([limit] if limit is not None else [])
        try:
            yield from (row[0] for row in self.conn.execute(sql, args))
        except sqlite3.OperationalError as exc:
            raise self._search_error(exc) from exc

    def count_search_units(self, match: str | None, where: UnitFilter) -> tuple[int, int]:
        """(units, articles) matching: the full hit count."""
        article_where, article_args = self.store.articles.list_where(where.annotator, where.articles)
        if match is not None and article_where != "1" and not _unit_level(where):
            # article conditions checked once per matching article, not once per matching unit
            frm, layer_args = self._articles_from(where)
            sql = (
                f"SELECT coalesce(sum(n), 0), count(*) FROM (SELECT rowid >> {UNIT_BITS} AS a, count(*) AS n "
                "FROM search_fts WHERE search_fts MATCH ? GROUP BY a) m "
                f"WHERE EXISTS (SELECT 1 {frm} WHERE ar.id = m.a AND {article_where})"
            )
            args: list[object] = [match, *layer_args, *article_args]
        else:
            frm, args, key = self._units_sql(match, where)
            sql = f"SELECT count(*), count(DISTINCT {key} >> {UNIT_BITS}) {frm}"
        try:
            return tuple(self.conn.execute(sql, args).fetchone())
        except sqlite3.OperationalError as exc:
            raise self._search_error(exc) from exc

    def search_units(self, ids: Sequence[int]) -> list[UnitRow]:
        """The bounds of these units, in id order."""
        rows = self.conn.execute(
            "SELECT id, start, end FROM search_units WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (_json_ids(ids),),
        )
        return [UnitRow(i, i >> UNIT_BITS, s, e) for i, s, e in rows]

    def article_units(self, article_id: int) -> list[tuple[int, int]]:
        """An article's statement units as the index holds them (empty before it is indexed)."""
        low = article_id << UNIT_BITS
        return self.conn.execute(
            "SELECT start, end FROM search_units WHERE id BETWEEN ? AND ? ORDER BY id", (low, low | MAX_UNITS)
        ).fetchall()

    def search_texts(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """{article id: (title, text)} of these articles."""
        rows = self.conn.execute(
            "SELECT id, title, text FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (_json_ids(article_ids),),
        )
        return {i: (title, text) for i, title, text in rows}

    def _units_sql(self, match: str | None, where: UnitFilter) -> tuple[str, list[object], str]:
        """`FROM … WHERE …` selecting units, its arguments, and the expression of the unit id: the index's
        rowid when there are words (joined to `search_units u` only when a filter needs the bounds)."""
        args: list[object] = []
        clauses: list[str] = []
        if match is not None:
            key = "f.rowid"
            sql = "FROM search_fts f" + (" JOIN search_units u ON u.id = f.rowid" if _unit_level(where) else "")
            clauses.append("search_fts MATCH ?")
            args.append(match)
        else:
            key = "u.id"
            sql = "FROM search_units u"
        article_where, article_args = self.store.articles.list_where(where.annotator, where.articles)
        if article_where != "1":
            # correlated: a page of hits checks only the articles it meets, not every article first
            clauses.append(f"EXISTS (SELECT 1 {LIST_FROM} WHERE ar.id = {key} >> {UNIT_BITS} AND {article_where})")
            args += [where.annotator, *article_args]
        layer = " AND s.annotator_id = (SELECT id FROM annotators WHERE name = ?)" if where.layer is not None else ""
        overlaps = f"s.article_id = u.id >> {UNIT_BITS} AND s.start < u.end AND u.start < s.end"
        for labels, negate in ((where.labels, False), (where.not_labels, True)):
            for label in labels:
                clauses.append(
                    ("NOT " if negate else "")
                    + "EXISTS (SELECT 1 FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
                    f"WHERE {overlaps} AND l.label = ?{layer})"
                )
                args += [label] + ([where.layer] if layer else [])
        if where.layer is not None and not where.labels:
            clauses.append(
                f"EXISTS (SELECT 1 FROM statements s WHERE {overlaps}{layer} "
                "AND EXISTS (SELECT 1 FROM statement_labels l WHERE l.statement_id = s.id))"
            )
            args.append(where.layer)
        for types, negate in ((where.entities, False), (where.not_entities, True)):
            for label in types:
                clauses.append(
                    ("NOT " if negate else "") + f"EXISTS (SELECT 1 FROM entities s WHERE {overlaps} AND s.label = ?)"
                )
                args.append(label)
        return f"{sql} WHERE {' AND '.join(clauses) or '1'}", args, key

    def _articles_from(self, where: UnitFilter) -> tuple[str, list[object]]:
        """The article list's FROM, joined to the annotator's status only when the filter reads it."""
        f = where.articles
        if f.status or f.label or f.categories or f.not_categories:
            return LIST_FROM, [where.annotator]
        return "FROM articles ar ", []

    def _search_error(self, exc: sqlite3.OperationalError) -> StoreError:
        if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
            return SearchSyntaxError(f"the search index could not read this query ({exc})")
        return known_error(exc, self.path)


def _unit_level(where: UnitFilter) -> bool:
    """Whether a filter needs each unit's bounds (statements or entities overlapping it)."""
    return bool(where.labels or where.not_labels or where.layer is not None or where.entities or where.not_entities)


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


# -- where the words are: FTS5's own matching, on a few statements in memory -------------------------


class MatchFinder:
    """Exact code-point offsets of what an FTS5 expression matches in some texts.

    The index is contentless (it cannot say where a word is), so the statements on a page of
    hits are put in a small in-memory FTS5 table with the same tokenizer and its `highlight()`
    marks the matched phrases: offsets follow FTS5's own tokenizing, case and diacritic folding
    and prefixes exactly. One per thread (SQLite connections are not shared).
    """

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.conn.execute(f"CREATE VIRTUAL TABLE k USING fts5(text, tokenize='{TOKENIZER}')")

    def find(self, match: str, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """For each text, the (start, end) of each matched phrase, in order; [] where it does not match."""
        out: list[list[tuple[int, int]]] = [[] for _ in texts]
        if not texts:
            return out
        opening, closing, texts = _markers(texts)
        c = self.conn
        c.execute("BEGIN")
        try:
            c.executemany("INSERT INTO k(rowid, text) VALUES (?, ?)", enumerate(texts))
            for i, marked in c.execute(
                "SELECT rowid, highlight(k, 0, ?, ?) FROM k WHERE k MATCH ?", (opening, closing, match)
            ):
                out[i] = _marked_spans(marked, opening, closing)
        except sqlite3.OperationalError as exc:
            raise SearchSyntaxError(f"the search index could not read this query ({exc})") from exc
        finally:
            c.execute("ROLLBACK")
        return out

    def close(self) -> None:
        self.conn.close()


#: The two private-use characters `highlight()` marks matches with, and the one that stands in
#: for them in a text that holds them (one code point for one: offsets stay the same). Choosing
#: characters absent from the texts instead failed on a text that holds every private-use character.
_OPENING, _CLOSING, _STAND_IN = "\ue000", "\ue001", "\ue002"
_MARKERS = re.compile("[\ue000\ue001]")


def _markers(texts: Sequence[str]) -> tuple[str, str, list[str]]:
    """The two marker characters, and the texts with any marker character of their own replaced."""
    return _OPENING, _CLOSING, [_MARKERS.sub(_STAND_IN, t) if _MARKERS.search(t) else t for t in texts]


def _marked_spans(marked: str, opening: str, closing: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    removed = 0
    pos = marked.find(opening)
    while pos >= 0:
        end = marked.find(closing, pos)
        start = pos - removed
        spans.append((start, end - removed - 1))
        removed += 2
        pos = marked.find(opening, end)
    return spans
