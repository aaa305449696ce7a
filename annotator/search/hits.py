"""Corpus search: a query (`annotator.search.query`) turned into hits, one per statement, in context.

A hit is a statement unit (a sentence as the window shows it, see `annotator.passages`) that
the query matches, with the exact code-point offsets of each match in the article's stored
text and its keyword-in-context (left context · hit · right context, and the article's title).
Boolean operators apply per statement: `ceasefire NOT Gaza` finds statements that mention a
ceasefire and not Gaza. The count of hits is the number of such statements (and their articles).

Words go through the FTS5 index; a regular expression (`re:`) is applied to the statements the
words found, or, alone, to every statement in reading order within a time budget — the count
then says whether it saw everything. No SQL here: the store answers, `query` parses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.search.query import Query, QueryError, fts_expression, parse
from annotator.store import Store
from annotator.store.articles import ArticleFilter
from annotator.store.search_index import MatchFinder, SearchSyntaxError, UnitFilter, UnitRow

#: Characters of context on each side of a hit (clipped at line breaks).
CONTEXT = 60
#: Units read per round trip to the store.
BATCH = 400
#: How long a page or count of a regular expression alone may scan before it stops and says so.
REGEX_SECONDS = 10.0
#: How long the regular expression may take on one statement (at most): longer is a pattern that
#: backtracks without end, not a slow corpus. Seconds of the process's own time, as the `regex`
#: module counts its `timeout` (on a loaded machine the wall clock shows more).
STATEMENT_REGEX_SECONDS = 2.0

Span = tuple[int, int]


@dataclass(frozen=True)
class Hit:
    """One statement the query matches: `start`-`end` is the statement, `matches` the matched text in it
    (article offsets, code points), `left`/`hit`/`right` the context of the first match."""

    article_id: int
    title: str
    start: int
    end: int
    matches: tuple[Span, ...]
    left: str
    hit: str
    right: str
    #: The index's id of the statement unit: where the next page starts (`Search.page(after=…)`).
    unit_id: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article_id,
            "title": self.title,
            "statement": [self.start, self.end],
            "matches": [list(m) for m in self.matches],
            "left": self.left,
            "hit": self.hit,
            "right": self.right,
        }


@dataclass(frozen=True)
class HitCount:
    statements: int
    articles: int
    #: False when a regular expression's scan stopped at its time budget, or articles were not in the
    #: search index yet (not searched): the figures are a floor.
    complete: bool = True


@dataclass
class SearchPage:
    hits: list[Hit]
    #: The unit id to pass as `after` for the next page; None when the search has no more.
    next_after: int | None
    notes: list[str] = field(default_factory=list)


class SearchError(ValueError):
    """A query that cannot be searched; the message is for the user."""


class Search:
    """A query bound to a project and an annotator (whose status and categories `status:` and
    `category:` read, unless `annotator:` names another), optionally within the article list's filter.

    Raises `SearchError` for a query that cannot be searched. Not thread-safe: one per thread.
    """

    def __init__(
        self,
        store: Store,
        text: str,
        *,
        annotator: str,
        regex: bool = False,
        articles: ArticleFilter | None = None,
        regex_seconds: float | None = None,
    ):
        try:
            self.query: Query = parse(text, regex=regex)
        except QueryError as exc:
            raise SearchError(str(exc)) from exc
        self.store = store
        self.match = fts_expression(self.query.words) if self.query.words is not None else None
        self.where = unit_filter(self.query, annotator, articles or ArticleFilter())
        self.regex_seconds = REGEX_SECONDS if regex_seconds is None else regex_seconds
        self._finder: MatchFinder | None = None

    # -- pages, all hits, the count ---------------------------------------------------------------

    def page(self, after: int = 0, limit: int = 50) -> SearchPage:
        """Up to `limit` hits after unit `after`, in reading order. A regular expression alone stops
        scanning after its time budget and says so; `next_after` continues where it stopped."""
        hits: list[Hit] = []
        deadline = time.monotonic() + self.regex_seconds
        ids = self._ids(after)
        last = after
        while len(hits) < limit:
            batch = _take(ids, BATCH if self.query.regex is not None else limit - len(hits))
            if not batch:
                return SearchPage(hits, None)
            for hit in self._hits(batch):
                hits.append(hit)
                if len(hits) == limit:
                    break
            last = hits[-1].unit_id if len(hits) == limit else batch[-1]
            if self.query.regex is not None and time.monotonic() > deadline:
                note = f"stopped after {self.regex_seconds:g} s of scanning for the regular expression"
                return SearchPage(hits, last, [note])
        return SearchPage(hits, last if hits else None)

    def hits(self) -> Iterator[Hit]:
        """Every hit, in reading order (a regular expression alone: without a time budget for the scan,
        but one statement still may not take longer than `STATEMENT_REGEX_SECONDS`)."""
        ids = self._ids(0)
        while batch := _take(ids, BATCH):
            yield from self._hits(batch)

    def count(self) -> HitCount:
        """Statements and articles matching. Without a regular expression this is the index's own
        count (fast); with one, statements are read and tested until the time budget is spent."""
        if self.store.search.search_index_pending():  # articles the index has not caught up with were not searched
            return replace(self._count(), complete=False)
        return self._count()

    def _count(self) -> HitCount:
        try:
            if self.query.regex is None:
                return HitCount(*self.store.search.count_search_units(self.match, self.where))
            deadline = time.monotonic() + self.regex_seconds
            statements, articles = 0, set()
            ids = self._ids(0)
            while batch := _take(ids, BATCH):
                for hit in self._hits(batch):
                    statements += 1
                    articles.add(hit.article_id)
                if time.monotonic() > deadline:
                    return HitCount(statements, len(articles), complete=False)
            return HitCount(statements, len(articles))
        except SearchSyntaxError as exc:
            raise SearchError(str(exc)) from exc

    def notes(self) -> list[str]:
        """What the user should know about this search (an index still catching up)."""
        pending = self.store.search.search_index_pending()
        if pending:
            return [f"{pending} articles are not in the search index yet; their statements are not searched"]
        return []

    # -- building hits -----------------------------------------------------------------------

    def _ids(self, after: int) -> Iterator[int]:
        try:
            yield from self.store.search.search_unit_ids(self.match, self.where, after=after)
        except SearchSyntaxError as exc:
            raise SearchError(str(exc)) from exc

    def _hits(self, ids: Sequence[int]) -> list[Hit]:
        units = self.store.search.search_units(ids)
        texts = self.store.search.search_texts(sorted({u.article_id for u in units}))
        pieces = [texts[u.article_id][1][u.start : u.end] for u in units]
        found: list[list[Span]] = [[] for _ in units]
        if self.match is not None:
            if self._finder is None:
                self._finder = MatchFinder()
            try:
                found = self._finder.find(self.match, pieces)
            except SearchSyntaxError as exc:
                raise SearchError(str(exc)) from exc
        if self.query.regex is not None:
            for unit, spans, piece in zip(units, found, pieces, strict=True):
                matched = [m.span() for m in self._regex_matches(unit, piece) if m.end() > m.start()]
                spans[:] = sorted(set(spans) | set(matched)) if matched else []
        elif self.match is None:
            found = [list(self._filter_spans(u, piece)) for u, piece in zip(units, pieces, strict=True)]
        hits = []
        for unit, spans in zip(units, found, strict=True):
            if not spans and (self.query.regex is not None):
                continue
            title, text = texts[unit.article_id]
            matches = tuple((unit.start + s, unit.start + e) for s, e in spans) or ((unit.start, unit.end),)
            hits.append(_hit(unit, title, text, matches))
        return hits

    def _regex_matches(self, unit: UnitRow, piece: str) -> list[Any]:
        """The regular expression's matches in one statement, or `SearchError` when they take longer
        than `STATEMENT_REGEX_SECONDS` (or the whole budget, if less): a pattern that backtracks
        without end (`(a|aa)+$`) would otherwise never return, and in the window hold the GUI."""
        assert self.query.regex is not None
        limit = min(self.regex_seconds, STATEMENT_REGEX_SECONDS)
        try:
            return list(self.query.regex.finditer(piece, timeout=limit))
        except TimeoutError:
            raise SearchError(
                f"the regular expression took more than {limit:g} s on one statement "
                f"(article {unit.article_id}, {unit.start}–{unit.end}) and was stopped: simplify it "
                "(repetition inside repetition, as in (a+)+ or (a|aa)+, makes it that slow)"
            ) from None

    def _filter_spans(self, unit: UnitRow, piece: str) -> list[Span]:
        """Without words: the labeled statements or entities the filters asked for, inside the unit."""
        spans: list[Span] = []
        if self.where.labels or self.where.layer is not None:
            for st in self.store.statements.statements(unit.article_id, self.where.layer):
                if st.labels and (not self.where.labels or set(self.where.labels) & set(st.labels)):
                    spans.append((st.start, st.end))
        elif self.where.entities:
            spans = [
                (e.start, e.end)
                for e in self.store.entities.entities(unit.article_id)
                if e.label in self.where.entities
            ]
        clipped = {(max(s, unit.start), min(e, unit.end)) for s, e in spans if s < unit.end and unit.start < e}
        return sorted((s - unit.start, e - unit.start) for s, e in clipped)


def unit_filter(query: Query, annotator: str, articles: ArticleFilter) -> UnitFilter:
    """The store's filter for a query, within the article list's filter `articles`."""
    if query.status is not None and articles.status is not None and query.status != articles.status:
        raise SearchError(f"status:{query.status} contradicts the list's filter (status {articles.status})")
    scoped = replace(
        articles,
        status=query.status or articles.status,
        categories=(*articles.categories, *query.categories),
        not_categories=(*articles.not_categories, *query.not_categories),
        meta=(*articles.meta, *query.meta),
    )
    return UnitFilter(
        articles=scoped,
        annotator=query.annotator or annotator,
        labels=query.labels,
        not_labels=query.not_labels,
        layer=query.annotator,
        entities=query.entities,
        not_entities=query.not_entities,
    )


def _hit(unit: UnitRow, title: str, text: str, matches: tuple[Span, ...]) -> Hit:
    start, end = matches[0]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = text[max(line_start, start - CONTEXT) : start]
    right = text[end : min(line_end, end + CONTEXT)]
    return Hit(unit.article_id, title, unit.start, unit.end, matches, left, text[start:end], right, unit.id)


def _take(ids: Iterator[int], n: int) -> list[int]:
    out: list[int] = []
    for unit_id in ids:
        out.append(unit_id)
        if len(out) >= n:
            break
    return out
