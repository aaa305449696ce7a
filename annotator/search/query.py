"""The search query language: words, phrases, prefixes, boolean operators and filters.

    ceasefire                      a word (any case, any diacritics: `Zelenskyy` finds `zelenskyy`, `Dnipro` `Dnipró`)
    "energy infrastructure"        a phrase: these words in this order
    negotiat*                      a prefix
    ceasefire NOT Gaza             boolean: AND (or nothing), OR, NOT, ( ); `-Gaza` is `NOT Gaza`
    label:offer  -label:offer      statements overlapping a statement labeled `offer` (or not)
    annotator:anna                 … labeled by anna (and anna's layer for label:, status:, category:)
    status:done                    articles with this status (new, in_progress, done)
    ent:PERSON  -ent:GPE           statements holding an entity of this type (or not)
    category:relevant              articles carrying this category (-category: without it)
    meta.source:tass               an article metadata field: a value, a range `2025-01..2025-03`,
    meta.date:>=2025-03-01         or one bound (>=, <=, >, <); dates compare as ISO text
    re:"halt(ed|s)? strikes"       a Python regular expression over each statement's text

Filters apply to the whole query (they cannot go inside parentheses). Everything here is
parsed into plain nodes (`Query`); the FTS5 expression the index understands is written
from those nodes (`fts_expression`), never passed through from the user, so no user text
is ever FTS5 syntax. Errors are `QueryError`s whose message says what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from annotator.records import STATUSES, MetaCondition
from annotator.text import excerpt, regex_problem

#: Filter keys; `meta.FIELD` is any metadata field.
FILTER_KEYS = ("label", "annotator", "status", "ent", "category", "re")
OPERATORS = ("AND", "OR", "NOT")
#: Where FTS5's unicode61 tokenizer sees a token: letters, digits, private use (categories L*, N*, Co).
_TOKEN_CHAR = re.compile(r"[^\W_]", re.UNICODE)


class QueryError(ValueError):
    """A query that cannot be searched, with a message that says how to write it."""


#: Characters of a query (or of a piece of one) that a message quotes back; a longer one is cut with "…".
ECHOED_CHARS = 60


def echoed(text: str) -> str:
    """A query, or a piece of one, as a message or a status line quotes it back: on one line and cut
    with "…" past `ECHOED_CHARS` (`excerpt`), so a 100,000-character word is not said back whole."""
    return excerpt(text, ECHOED_CHARS)


@dataclass(frozen=True)
class Words:
    """A word or a phrase (several words in this order), optionally a prefix of its last word."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """`left` without `right` (FTS5's NOT is binary: there must be something before it)."""

    left: Node
    right: Node


Node = Words | And | Or | Not


@dataclass(frozen=True)
class Query:
    text: str
    words: Node | None = None
    labels: tuple[str, ...] = ()
    not_labels: tuple[str, ...] = ()
    annotator: str | None = None
    status: str | None = None
    entities: tuple[str, ...] = ()
    not_entities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    not_categories: tuple[str, ...] = ()
    meta: tuple[MetaCondition, ...] = ()
    #: Compiled by the `regex` module (as `re`'s syntax), whose matching takes a `timeout=`.
    regex: regex.Pattern[str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return self == Query(self.text)


#: Bounds that keep a query's parse tree shallow (the parser and `fts_expression` recurse over it).
MAX_DEPTH = 50
MAX_TERMS = 200

_FILTER = re.compile(r"(-?)((?:meta\.[^\s:]+)|[A-Za-z_]+):")


def parse(text: str, *, regex: bool = False) -> Query:
    """Parse a query; `regex` takes the whole text as one regular expression. Raises `QueryError`."""
    if regex:
        return Query(text, regex=_compile(text))
    tokens, filters = _tokens(text)
    words = _Parser(tokens).parse() if tokens else None
    query = _with_filters(Query(text, words), filters)
    if query.empty:
        raise QueryError('nothing to search for: type words, a "phrase", prefix*, or a filter such as label:offer')
    return query


def fts_expression(node: Node) -> str:
    """The FTS5 MATCH expression of `node`: every word quoted, operators and parentheses written by us."""
    if isinstance(node, Words):
        return '"' + node.text.replace('"', '""') + '"' + ("*" if node.prefix else "")
    if isinstance(node, Not):
        return f"({fts_expression(node.left)} NOT {fts_expression(node.right)})"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(fts_expression(item) for item in node.items) + ")"


# -- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "op", "words", "not" (a leading -)
    value: str = ""
    prefix: bool = False


def _tokens(text: str) -> tuple[list[_Token], list[tuple[str, str, bool]]]:
    tokens: list[_Token] = []
    filters: list[tuple[str, str, bool]] = []
    i, depth = 0, 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            depth += 1 if ch == "(" else -1
            if depth > MAX_DEPTH:
                raise QueryError(f"parentheses nest deeper than {MAX_DEPTH}; write the query flatter")
            tokens.append(_Token(ch))
            i += 1
            continue
        m = _FILTER.match(text, i)
        if m and (m.group(2) in FILTER_KEYS or m.group(2).startswith("meta.")):
            if depth:
                raise QueryError(
                    f"filters such as {echoed(m.group(2))}: go outside parentheses; they apply to the whole query"
                )
            value, i = _value(text, m.end(), m.group(2))
            filters.append((m.group(2), value, bool(m.group(1))))
            continue
        if m and m.group(2).isalpha() and not m.group(1):
            known = ", ".join(f"{k}:" for k in FILTER_KEYS)
            raise QueryError(
                f"unknown filter {echoed(m.group(2))}: (known: {known}, meta.FIELD:); "
                f'to search for "{echoed(text[i : m.end()])}" as words, put them in quotes'
            )
        if ch == "-" and i + 1 < len(text) and not text[i + 1].isspace():
            tokens.append(_Token("not"))
            i += 1
            continue
        if ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(f'a quote is not closed: {echoed(text[i:])}; close the phrase with "')
            prefix = text.startswith("*", end + 1)
            tokens.append(_Token("words", _searchable(text[i + 1 : end]), prefix))
            i = end + 1 + prefix
            continue
        m = re.compile(r'[^\s()"]+').match(text, i)
        assert m is not None
        word = m.group()
        i = m.end()
        if word in OPERATORS:
            tokens.append(_Token("op", word))
        else:
            prefix = word.endswith("*")
            if not word.rstrip("*"):
                raise QueryError(f"{echoed(word)} alone finds nothing: * ends a prefix, as in negotiat*")
            tokens.append(_Token("words", _searchable(word.rstrip("*")), prefix))
    if depth:
        raise QueryError("a parenthesis is not closed" if depth > 0 else "a closing parenthesis has no opening one")
    if sum(tok.kind == "words" for tok in tokens) > MAX_TERMS:
        raise QueryError(f"a query holds at most {MAX_TERMS} words and phrases; search for fewer at a time")
    return tokens, filters


def _value(text: str, i: int, key: str) -> tuple[str, int]:
    """The value after `key:`, quoted ("…", with "" for a quote) or up to the next space."""
    if text.startswith('"', i):
        out, j = [], i + 1
        while j < len(text):
            if text[j] == '"':
                if text.startswith('""', j):
                    out.append('"')
                    j += 2
                    continue
                return "".join(out), j + 1
            out.append(text[j])
            j += 1
        raise QueryError(f'the value of {echoed(key)}: has a quote that is not closed; close it with "')
    m = re.compile(r"\S*").match(text, i)
    assert m is not None
    if not m.group():
        raise QueryError(f"{echoed(key)}: needs a value, as in {echoed(key)}:{_EXAMPLES.get(key, 'VALUE')}")
    return m.group(), m.end()


_EXAMPLES = {"label": "offer", "annotator": "anna", "status": "done", "ent": "PERSON", "category": "relevant"}


def _searchable(words: str) -> str:
    if not _TOKEN_CHAR.search(words):
        raise QueryError(
            f'"{echoed(words)}" has no letters or digits to search for; use re:"…" to find punctuation or symbols'
        )
    return words


# -- words and operators ---------------------------------------------------------------------


class _Parser:
    """Recursive descent, FTS5's precedence: NOT binds tighter than AND (or juxtaposition), AND than OR."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.i = 0

    def parse(self) -> Node:
        node = self._or()
        if self.i < len(self.tokens):
            raise QueryError(f"unexpected {echoed(self._show(self.tokens[self.i]))}")
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _or(self) -> Node:
        items = [self._and()]
        while (tok := self._peek()) and tok.kind == "op" and tok.value == "OR":
            self.i += 1
            items.append(self._and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def _and(self) -> Node:
        items = [self._not()]
        while (tok := self._peek()) and tok.kind != ")" and not (tok.kind == "op" and tok.value == "OR"):
            if tok.kind == "op" and tok.value == "AND":
                self.i += 1
            if (tok := self._peek()) and tok.kind == "not":  # `a -b`: a NOT b
                self.i += 1
                items[-1] = Not(items[-1], self._unary())
                continue
            items.append(self._not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def _not(self) -> Node:
        node = self._unary()
        while (tok := self._peek()) and tok.kind == "op" and tok.value == "NOT":
            self.i += 1
            node = Not(node, self._unary())
        return node

    def _unary(self) -> Node:
        tok = self._peek()
        if tok is None:
            raise QueryError("the query ends where words were expected (after AND, OR or NOT?)")
        if tok.kind in ("not",) or (tok.kind == "op" and tok.value == "NOT"):
            raise QueryError(
                "NOT needs words before it, as in: ceasefire NOT Gaza (a search cannot start from everything but…)"
            )
        if tok.kind == "op":
            raise QueryError(f"{tok.value} needs words on both sides, as in: ceasefire {tok.value} truce")
        self.i += 1
        if tok.kind == "(":
            if (inner := self._peek()) and inner.kind == ")":
                raise QueryError("empty parentheses: put words inside them")
            node = self._or()
            self.i += 1  # the ")" (balance was checked while reading the tokens)
            return node
        if tok.kind == ")":
            raise QueryError("a closing parenthesis where words were expected")
        return Words(tok.value, tok.prefix)

    @staticmethod
    def _show(tok: _Token) -> str:
        return {"(": "(", ")": ")", "not": "-"}.get(tok.kind, tok.value)


# -- filters -----------------------------------------------------------------------------------


def _with_filters(query: Query, filters: list[tuple[str, str, bool]]) -> Query:
    values: dict[str, object] = {}

    def add(name: str, value: str) -> None:
        values[name] = (*values.get(name, ()), value)  # type: ignore[misc]

    for key, value, negated in filters:
        if key.startswith("meta."):
            if negated:
                raise QueryError(f"-{echoed(key)}: is not supported; give the values you want instead")
            add("meta", _meta(key[5:], value))
        elif key == "label":
            add("not_labels" if negated else "labels", value)
        elif key == "ent":
            add("not_entities" if negated else "entities", value)
        elif key == "category":
            add("not_categories" if negated else "categories", value)
        elif negated:
            raise QueryError(f"-{echoed(key)}: is not supported (only -label:, -ent: and -category: can be negated)")
        elif key in values or (key == "re" and "regex" in values):
            raise QueryError(f"give {echoed(key)}: once")
        elif key == "status":
            if value not in STATUSES:
                raise QueryError(f"status:{echoed(value)} is not a status; use one of {', '.join(STATUSES)}")
            values["status"] = value
        elif key == "annotator":
            values["annotator"] = value
        elif key == "re":
            values["regex"] = _compile(value)
    return Query(query.text, query.words, **values)  # type: ignore[arg-type]


_RANGE = re.compile(r"^(?P<low>.*?)\.\.(?P<high>.*)$")
_BOUND = re.compile(r"^(?P<op>>=|<=|>|<)(?P<value>.+)$")


def _meta(name: str, value: str) -> MetaCondition:
    if not name:
        raise QueryError("meta.FIELD: needs a field name, as in meta.source:tass")
    if m := _RANGE.match(value):
        if not (m.group("low") or m.group("high")):
            field = echoed(name)
            raise QueryError(f"meta.{field}:.. needs at least one end, as in meta.{field}:2025-01..2025-03")
        return MetaCondition(name, low=m.group("low") or None, high=m.group("high") or None)
    if m := _BOUND.match(value):
        op, bound = m.group("op"), m.group("value")
        if op.startswith(">"):
            return MetaCondition(name, low=bound, low_open=op == ">")
        return MetaCondition(name, high=bound, high_open=op == "<")
    return MetaCondition(name, value=value)


def _compile(pattern: str) -> regex.Pattern[str]:
    """`pattern` in `re`'s syntax (the `regex` module's VERSION0), compiled by `regex`, whose matching can
    be stopped by a `timeout=` — `re` cannot, and one catastrophic pattern would never return."""
    if not pattern:
        raise QueryError('re: needs a pattern, as in re:"halt(ed|s)? strikes"')
    problem = regex_problem(pattern)
    if problem:
        raise QueryError(f"{problem}: {echoed(pattern)!r}")
    try:
        return regex.compile(pattern, regex.VERSION0)
    except regex.error as exc:
        raise QueryError(f"the regular expression {echoed(pattern)!r} is not valid: {exc}") from exc
