"""Another annotator's project file, read as untrusted input.

A teammate's file may be damaged, crafted or of another version; reading it must not run
anything stored in it, write to it, hang or exhaust memory. Following SQLite's advice for
untrusted database files (https://www.sqlite.org/security.html):

- opened `mode=ro&immutable=1` with `trusted_schema=OFF`, `query_only`, `cell_size_check`
  and no memory-mapped I/O, never migrated, never written (its triggers cannot fire);
- `quick_check` first; then only the real tables of a schema version we know are read:
  each must be a plain table (not a view, not virtual) with exactly the columns that
  version made (no generated columns), compared against the schema our own migrations
  build for that version;
- bounded: values longer than `max_value_bytes` are refused by SQLite itself
  (`SQLITE_LIMIT_LENGTH`), other limits are tight, a progress handler aborts a read that
  takes longer than its time budget and lets Ctrl+C through;
- read with our own SQL, one article at a time, so a bad row costs only its article.

Values come out raw (`Text` for SQLite text, still bytes; `bytes` for blobs; int, float,
None): validating them into records is the caller's job (`formats.project_file`).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from annotator.store.files import SQLITE_HEADER, head_bytes
from annotator.store.schema import SCHEMA_VERSION, migrations, version_with


class Column(NamedTuple):
    """One column we read; `since` is the schema version that added it, `before` its value in older files."""

    name: str
    since: int = 1
    before: Any = None


#: What is read of each table. A new migration that adds a column we need adds one entry here.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "articles": (Column("id"), Column("title"), Column("text"), Column("source"), Column("meta")),
    "settings": (Column("key"), Column("value")),
    "annotators": (Column("id"), Column("name"), Column("kind", since=version_with("m008_layer_kinds"))),
    "statements": (
        Column("id"),
        Column("article_id"),
        Column("annotator_id"),
        Column("start"),
        Column("end"),
        Column("note"),
    ),
    "statement_labels": (
        Column("statement_id"),
        Column("label"),
        Column("guidelines_version", since=version_with("m016_guidelines")),
    ),
    "article_status": (
        Column("article_id"),
        Column("annotator_id"),
        Column("status"),
        Column("guidelines_version", since=version_with("m016_guidelines")),
    ),
    "guidelines": (Column("version"), Column("sha256")),
    "entities": (Column("article_id"), Column("start"), Column("end"), Column("label"), Column("source")),
    "rejected_spans": (
        Column("article_id"),
        Column("annotator_id"),
        Column("start"),
        Column("end"),
        Column("label"),
        Column("answer"),
    ),
    "task_answers": (Column("article_id"), Column("annotator_id"), Column("answer")),
    "article_categories": (Column("article_id"), Column("annotator_id"), Column("category")),
    "categories_asked": (Column("article_id"), Column("annotator_id"), Column("category")),
    "links": (
        Column("article_id"),
        Column("annotator_id"),
        Column("head_start"),
        Column("head_end"),
        Column("child_start"),
        Column("child_end"),
        Column("label"),
    ),
    "link_decisions": (
        Column("article_id"),
        Column("annotator_id"),
        Column("head_start"),
        Column("head_end"),
        Column("label"),
    ),
    "actor_mentions": (Column("article_id"), Column("start"), Column("end"), Column("actor_id"), Column("how")),
    "actors": (Column("name"), Column("kind"), Column("side")),
}
#: Tables a later migration added: (the schema version that made them); older files have none.
TABLE_SINCE = {
    "rejected_spans": version_with("m005_rejected_answers"),
    "task_answers": version_with("m005_rejected_answers"),
    "article_categories": version_with("m007_article_categories"),
    "categories_asked": version_with("m014_categories_asked"),
    "links": version_with("m009_statement_links"),
    "link_decisions": version_with("m009_statement_links"),
    "actor_mentions": version_with("m015_actors"),
    "actors": version_with("m015_actors"),
    "guidelines": version_with("m016_guidelines"),
}

#: The tables of later migrations that hold a layer's work on an article (asked rows alone are none).
LAYER_TABLES_SINCE = ("rejected_spans", "task_answers", "article_categories", "links", "link_decisions")
#: The most guidelines versions read from a file (more: the file is not a project we made).
MAX_GUIDELINES_VERSIONS = 10_000
#: The most actors read from a file.
MAX_ACTORS = 100_000
#: Articles read together (one query per table for them all).
CHUNK_ARTICLES = 256
#: Statements a progress handler lets run between its checks of the clock and of Ctrl+C.
PROGRESS_STEPS = 10_000


class TeammateFileError(Exception):
    """The file as a whole cannot be read (the reason is for the user; the caller adds the file name)."""


class Text(bytes):
    """An SQLite TEXT value, still undecoded: its UTF-8 may be invalid, and only the caller says what that costs."""


@dataclass
class Layer:
    """One annotator's work on one article: status, labeled spans and links, as raw values."""

    annotator: Any
    status: Any
    #: What the layer is (`human`, `model`, `gold`), or None in a file older than layer kinds.
    kind: Any = None
    #: One dict per (statement, label): the statements' and labels' columns by name.
    spans: list[dict[str, Any]] = field(default_factory=list)
    #: Spans answered reject/ignore (binary feedback), by column name.
    rejected: list[dict[str, Any]] = field(default_factory=list)
    #: The answer to the whole task when it was not accept (reject/ignore), else None.
    answer: Any = None
    #: The article's categories in this layer (one dict per category, by column name).
    categories: list[dict[str, Any]] = field(default_factory=list)
    #: The categories the layer was asked about, where the file it came from said (none: all of them).
    categories_asked: list[dict[str, Any]] = field(default_factory=list)
    #: Links from the layer's statements, by column name.
    links: list[dict[str, Any]] = field(default_factory=list)
    #: (head, type) slots a review decided (gold layers), by column name.
    link_decisions: list[dict[str, Any]] = field(default_factory=list)
    #: The guidelines version its status was given under, in the file's own numbering (or None).
    status_guidelines: Any = None

    def guidelines_version(self) -> Any:
        """The version (the file's numbering) the layer was decided under: its status's, else the
        newest of its labels' (an unfinished layer), else None."""
        if isinstance(self.status_guidelines, int):
            return self.status_guidelines
        found = [s.get("guidelines_version") for s in self.spans]
        found = [v for v in found if isinstance(v, int) and not isinstance(v, bool)]
        return max(found) if found else None


@dataclass
class RawArticle:
    """One article of the file as stored, every value unchecked."""

    id: int
    values: dict[str, Any]
    entities: list[dict[str, Any]]
    layers: list[Layer]
    #: The actor each resolved link end stands for: the mention's columns and its actor's name, kind, side.
    actors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Unreadable:
    """An article whose rows SQLite could not hand out (too long, damaged page…)."""

    id: int
    reason: str


class TeammateFile:
    """A read-only, bounded reader of another annotator's project file. Use `TeammateFile.open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, version: int, guard: ReadGuard):
        self.conn = conn
        self.path = path
        self.version = version
        self._guard = guard
        self._names: dict[Any, Any] = {}

    @classmethod
    def open(cls, path: Path, *, max_value_bytes: int, seconds: float) -> TeammateFile:
        """Open and check `path`; raises `TeammateFileError` saying why it cannot be read at all."""
        path = Path(path)
        try:
            header = head_bytes(path, len(SQLITE_HEADER))
        except OSError as exc:
            raise TeammateFileError(f"cannot read the file ({exc.strerror})") from exc
        if header != SQLITE_HEADER:
            raise TeammateFileError("not an Annotator project (not an SQLite file)")
        guard = ReadGuard(seconds)
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
        try:
            _harden(conn, max_value_bytes)
            conn.set_progress_handler(guard, PROGRESS_STEPS)
            version = guard.run(lambda: _checked_version(conn))
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise TeammateFileError(f"not an Annotator project, or a damaged one ({_reason(exc)})") from exc
            raise
        return cls(conn, path, version, guard)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> TeammateFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def guidelines_hashes(self) -> dict[int, str]:
        """The file's guidelines versions: {version: SHA-256 of its text}; empty when it has none."""
        if self.version < TABLE_SINCE["guidelines"]:
            return {}
        try:
            rows = self._guard.run(lambda: self._rows("guidelines", "g", "ORDER BY g.version", ()))
        except sqlite3.DatabaseError as exc:
            raise TeammateFileError(f"{_reason(exc)}; nothing was read") from exc
        return {row["version"]: row["sha256"] for row in rows if isinstance(row["version"], int)}

    def articles(self, *, worked_only: bool = False) -> Iterator[RawArticle | Unreadable]:
        """Every article with its entities and each annotator's layer, in id order, one at a time.

        Read `CHUNK_ARTICLES` articles at a time (one query per table for the chunk, not per
        article: the per-article queries cost a millisecond an article on a large file); a chunk
        SQLite cannot hand out whole is read again article by article, so that only the article
        that cannot be read is named. `worked_only`: only articles someone did work on (a work
        package back in its project, whose other articles are the project's own)."""
        where = ""
        if worked_only:
            tables = ["statements", "article_status"] + [
                t for t in LAYER_TABLES_SINCE if self.version >= TABLE_SINCE[t]
            ]
            where = "WHERE id IN (" + " UNION ".join(f'SELECT article_id FROM "{t}"' for t in tables) + ") "
        try:
            ids = self._guard.run(lambda: self.conn.execute(f"SELECT id FROM articles {where}ORDER BY id"))
            chunk = self._guard.run(lambda: ids.fetchmany(CHUNK_ARTICLES))
        except sqlite3.DatabaseError as exc:
            raise TeammateFileError(f"{_reason(exc)}; nothing was read") from exc
        while chunk:
            article_ids = [row[0] for row in chunk]
            try:
                read = self._guard.run(lambda article_ids=article_ids: self._articles(article_ids))
            except sqlite3.DatabaseError:
                read = None
            if read is not None:
                yield from read
            else:
                for article_id in article_ids:
                    try:
                        yield self._guard.run(lambda article_id=article_id: self._articles([article_id])[0])
                    except sqlite3.DatabaseError as exc:
                        yield Unreadable(article_id, _reason(exc))
            try:
                chunk = self._guard.run(lambda: ids.fetchmany(CHUNK_ARTICLES))
            except sqlite3.DatabaseError as exc:
                last = article_ids[-1]
                raise TeammateFileError(f"{_reason(exc)} after article {last}; the rest was not read") from exc

    def article_count(self) -> int:
        """How many articles the file holds (its time budget may grow with them: `allow_more`)."""
        try:
            return self._guard.run(lambda: self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise TeammateFileError(f"{_reason(exc)}; nothing was read") from exc

    def allow_more(self, seconds: float) -> None:
        """Lengthen the read's time budget by `seconds` (still a bound: the caller says how much)."""
        self._guard.seconds += seconds
        self._guard.deadline += seconds

    def settings(self, keys: list[str]) -> dict[str, Any]:
        """The file's settings named in `keys` (its schemes, a work package's marker), values raw."""
        try:
            rows = self._guard.run(
                lambda: self.conn.execute(
                    "SELECT key, value FROM settings WHERE key IN (SELECT value FROM json_each(?))", (json.dumps(keys),)
                ).fetchall()
            )
        except sqlite3.DatabaseError as exc:
            raise TeammateFileError(f"its settings cannot be read ({_reason(exc)})") from exc
        return {_raw(k).decode(errors="replace"): v for k, v in rows}

    def guidelines(self) -> list[tuple[Any, Any, Any, Any]]:
        """The file's guidelines versions (version, created_at, author, text), values raw; none in a
        file older than guidelines. Its stored SHA-256 is not read: the caller computes its own."""
        if self.version < version_with("m016_guidelines"):
            return []
        try:
            return self._guard.run(
                lambda: self.conn.execute(
                    "SELECT version, created_at, author, text FROM guidelines ORDER BY version LIMIT ?",
                    (MAX_GUIDELINES_VERSIONS + 1,),
                ).fetchall()
            )
        except sqlite3.DatabaseError as exc:
            raise TeammateFileError(f"its guidelines cannot be read ({_reason(exc)})") from exc

    def actors(self) -> list[dict[str, Any]]:
        """The file's actor registry (at most `MAX_ACTORS`): each actor's name, kind, side and
        retired flag with its aliases and titles, values raw; none in a file older than actors."""
        if self.version < version_with("m015_actors"):
            return []

        def read() -> list[dict[str, Any]]:
            found: dict[Any, dict[str, Any]] = {}
            for actor_id, name, kind, side, retired in self.conn.execute(
                "SELECT id, name, kind, side, retired FROM actors ORDER BY id LIMIT ?", (MAX_ACTORS,)
            ):
                found[actor_id] = {"name": name, "kind": kind, "side": side, "retired": retired}
                found[actor_id].update(aliases=[], titles=[])
            for actor_id, alias, kind in self.conn.execute(
                "SELECT actor_id, alias, kind FROM actor_aliases ORDER BY actor_id, alias LIMIT ?", (MAX_ACTORS * 10,)
            ):
                if actor_id in found:
                    found[actor_id]["aliases"].append((alias, kind))
            for actor_id, title, start, end in self.conn.execute(
                "SELECT actor_id, title, valid_from, valid_to FROM actor_titles ORDER BY actor_id, valid_from LIMIT ?",
                (MAX_ACTORS * 10,),
            ):
                if actor_id in found:
                    found[actor_id]["titles"].append((title, start, end))
            return list(found.values())

        try:
            return self._guard.run(read)
        except sqlite3.DatabaseError as exc:
            raise TeammateFileError(f"its actors cannot be read ({_reason(exc)})") from exc

    # -- reading one article -------------------------------------------------------------

    def _articles(self, article_ids: list[int]) -> list[RawArticle]:
        """The articles with these ids (in id order), each with its entities and layers. One query
        per table for all of them; each article's text is read on its own (memory: one article's
        values at a time, whatever the chunk)."""
        chosen = (json.dumps(article_ids),)
        among = "IN (SELECT value FROM json_each(?))"

        def grouped(
            table: str,
            alias: str,
            rest: str,
            also: tuple[str, str] | None = None,
            join: tuple[str, str, str] | None = None,
        ) -> dict[Any, list]:
            """Rows of `table` for the chosen articles, by article; `also` joins a statement's labels,
            `join` (table, alias, condition) another table whose columns come along."""
            out: dict[Any, list] = {}
            on = f"JOIN statement_labels {also[1]} ON {also[1]}.statement_id = {alias}.id " if also else ""
            if join:
                on = f"JOIN {join[0]} {join[1]} ON {join[2]} "
                also = (join[0], join[1])
            rows = self._rows(table, alias, f"{on}WHERE {alias}.article_id {among} {rest}", chosen, also=also)
            for row in rows:
                out.setdefault(row["article_id"], []).append(row)
            return out

        entities = grouped("entities", "e", "ORDER BY e.article_id, e.start, e.end, e.label")
        statements = grouped(
            "statements",
            "s",
            "ORDER BY s.article_id, s.annotator_id, s.start, s.end, l.label",
            also=("statement_labels", "l"),
        )
        unlabeled: dict[Any, list] = {}
        for article_id, who in self.conn.execute(
            f"SELECT DISTINCT article_id, annotator_id FROM statements WHERE article_id {among} "
            "ORDER BY article_id, annotator_id",
            chosen,
        ):
            unlabeled.setdefault(article_id, []).append(who)
        statuses = grouped("article_status", "t", "ORDER BY t.article_id, t.annotator_id")
        empty: dict[Any, list] = {}
        rejected = answers = categories = asked = links = decisions = empty
        if self.version >= TABLE_SINCE["rejected_spans"]:
            rejected = grouped("rejected_spans", "r", "ORDER BY r.article_id, r.annotator_id, r.start, r.end, r.label")
            answers = grouped("task_answers", "q", "ORDER BY q.article_id, q.annotator_id")
        if self.version >= TABLE_SINCE["article_categories"]:
            categories = grouped("article_categories", "c", "ORDER BY c.article_id, c.annotator_id, c.category")
        if self.version >= TABLE_SINCE["categories_asked"]:
            asked = grouped("categories_asked", "q", "ORDER BY q.article_id, q.annotator_id, q.category")
        if self.version >= TABLE_SINCE["links"]:
            links = grouped(
                "links",
                "k",
                "ORDER BY k.article_id, k.annotator_id, k.head_start, k.head_end, k.label, k.child_start, k.child_end",
            )
            decisions = grouped(
                "link_decisions", "d", "ORDER BY d.article_id, d.annotator_id, d.head_start, d.head_end, d.label"
            )
        mentions: dict[Any, list] = {}
        if self.version >= TABLE_SINCE["actor_mentions"]:
            mentions = grouped(
                "actor_mentions",
                "m",
                "ORDER BY m.article_id, m.start, m.end",
                join=("actors", "a", "a.id = m.actor_id"),
            )
        out = []
        for article_id in article_ids:
            values = self._rows("articles", "a", "WHERE a.id = ?", (article_id,))[0]
            layers: dict[Any, Layer] = {}
            for span in statements.get(article_id, ()):
                who = span["annotator_id"]
                layers.setdefault(who, self._layer(who)).spans.append(span)
            for who in unlabeled.get(article_id, ()):
                layers.setdefault(who, self._layer(who))
            for status in statuses.get(article_id, ()):
                who = status["annotator_id"]
                layer = layers.setdefault(who, self._layer(who))
                layer.status = status["status"]
                layer.status_guidelines = status["guidelines_version"]
            for span in rejected.get(article_id, ()):
                who = span["annotator_id"]
                layers.setdefault(who, self._layer(who)).rejected.append(span)
            for answer in answers.get(article_id, ()):
                who = answer["annotator_id"]
                layers.setdefault(who, self._layer(who)).answer = answer["answer"]
            for row in categories.get(article_id, ()):
                who = row["annotator_id"]
                layers.setdefault(who, self._layer(who)).categories.append(row)
            for row in asked.get(article_id, ()):
                who = row["annotator_id"]
                if who in layers:  # asked rows join a layer's work (a rejected-only one has its status)
                    layers[who].categories_asked.append(row)
            for link in links.get(article_id, ()):
                who = link["annotator_id"]
                layers.setdefault(who, self._layer(who)).links.append(link)
            for slot in decisions.get(article_id, ()):
                who = slot["annotator_id"]
                layers.setdefault(who, self._layer(who)).link_decisions.append(slot)
            for layer in layers.values():
                if layer.status is None:
                    layer.status = Text(b"in_progress")  # statements without a status: work in progress
            out.append(
                RawArticle(
                    article_id,
                    values,
                    entities.get(article_id, []),
                    list(layers.values()),
                    mentions.get(article_id, []),
                )
            )
        return out

    def _rows(
        self, table: str, alias: str, rest: str, args: tuple, *, also: tuple[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of `table` (and of the joined `also` table) as dicts of the columns in `COLUMNS`,
        with the values columns had before the file's version filled in."""
        parts = [(table, alias)] + ([also] if also else [])
        present = [(a, c) for t, a in parts for c in COLUMNS[t] if c.since <= self.version]
        missing = {c.name: c.before for t, _ in parts for c in COLUMNS[t] if c.since > self.version}
        select = ", ".join(f'{a}."{c.name}"' for a, c in present)
        names = [c.name for _, c in present]
        rows = self.conn.execute(f'SELECT {select} FROM "{table}" {alias} {rest}', args).fetchall()
        return [{**missing, **dict(zip(names, row, strict=True))} for row in rows]

    def _layer(self, annotator_id: Any) -> Layer:
        """A new, empty layer of the annotator with this id (name and kind looked up once)."""
        if annotator_id not in self._names:
            rows = self._rows("annotators", "n", "WHERE n.id = ?", (annotator_id,))
            self._names[annotator_id] = (rows[0]["name"], rows[0]["kind"]) if rows else (None, None)
        name, kind = self._names[annotator_id]
        return Layer(name, None, kind)


# -- the connection ----------------------------------------------------------------------


def _harden(conn: sqlite3.Connection, max_value_bytes: int) -> None:
    conn.text_factory = Text
    for pragma in ("trusted_schema = OFF", "query_only = ON", "cell_size_check = ON", "mmap_size = 0"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("PRAGMA cache_size = -16000")  # 16 MB of pages at most
    limits = {
        sqlite3.SQLITE_LIMIT_LENGTH: max_value_bytes,
        sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
        sqlite3.SQLITE_LIMIT_COLUMN: 200,
        sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
        sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 10,
        sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 8,
        sqlite3.SQLITE_LIMIT_ATTACHED: 0,
        sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 100,
        sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
        sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
    }
    for limit, value in limits.items():
        conn.setlimit(limit, value)


def _checked_version(conn: sqlite3.Connection) -> int:
    """The file's schema version, once it has passed quick_check and its tables are the ones that version made."""
    # structural damage refuses the file; a NULL or a broken CHECK in a row is that row's problem
    problems = [row[0] for row in conn.execute("PRAGMA quick_check") if not _row_level(row[0])]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
    if problems:
        raise TeammateFileError(f"the project file is damaged ({problems[0].decode(errors='replace')[:200]})")
    if version < 1 or b"articles" not in {_raw(k) for k in kinds}:
        raise TeammateFileError("an SQLite file but not an Annotator project (no articles table); left untouched")
    if version > SCHEMA_VERSION:
        raise TeammateFileError(f"written by a newer Annotator (schema {version}, this one knows {SCHEMA_VERSION})")
    kinds = {_raw(k).decode(errors="replace"): _raw(v).decode(errors="replace") for k, v in kinds.items()}
    for table, expected in _expected_tables(version).items():
        if TABLE_SINCE.get(table, 1) > version:
            continue
        if table not in kinds:
            raise TeammateFileError(f"not a project of schema {version}: it has no {table} table")
        if kinds[table] != "table":
            raise TeammateFileError(f"refused: {table} is a {kinds[table]}, where an Annotator project has a table")
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        if _raw(sql or b"").lstrip().upper().startswith(b"CREATE VIRTUAL"):
            raise TeammateFileError(f"refused: {table} is a virtual table, where an Annotator project has a table")
        if _shape(conn, table) != expected:
            raise TeammateFileError(f"refused: the {table} table does not have the columns of schema {version}")
    return version


@functools.cache
def _expected_tables(version: int) -> dict[str, list[tuple]]:
    """The shape of each table we read, as our own migrations make it for `version`."""
    import sqlite_utils  # only a teammate's file asks (its import, 0.1 s of CPU, not every command's)

    db = sqlite_utils.Database(memory=True)
    names = [m.name for m in migrations._migrations]
    migrations.apply(db, stop_before=names[version] if version < len(names) else None)
    return {table: _shape(db.conn, table) for table in COLUMNS if TABLE_SINCE.get(table, 1) <= version}


def _shape(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """(name, declared type, not null, primary key, hidden/generated) of each column."""
    rows = conn.execute(f'PRAGMA table_xinfo("{table}")').fetchall()
    return [(_raw(name), _raw(kind).upper(), notnull, pk, hidden) for _, name, kind, notnull, _, pk, hidden in rows]


#: What quick_check says of a value that breaks its column's rules (NULL, a number in a text
#: column, a failed CHECK): that row's problem, found again when the row is validated.
_ROW_LEVEL = re.compile(rb"^(ok|(NULL|NUMERIC|TEXT|BLOB|INTEGER|REAL) value in |CHECK constraint failed)")


def _row_level(problem: bytes) -> bool:
    return _ROW_LEVEL.match(problem) is not None


def _raw(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


# -- time and Ctrl+C -----------------------------------------------------------------------


class ReadGuard:
    """SQLite's progress handler: aborts a statement past the deadline or on Ctrl+C (which would
    otherwise wait for the statement to end)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.interrupted = False

    def __call__(self) -> int:
        try:
            return int(time.monotonic() > self.deadline)
        except KeyboardInterrupt:
            self.interrupted = True
            return 1

    def run(self, step: Any) -> Any:
        """`step()`; an aborted statement becomes KeyboardInterrupt or `TeammateFileError`."""
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not _interrupted(exc):
                raise
            if self.interrupted or time.monotonic() <= self.deadline:
                raise KeyboardInterrupt from exc
            raise TeammateFileError(
                f"reading it took longer than {self.seconds:.0f} s, far longer than a project of its size "
                "needs; the rest of the file was not read"
            ) from exc


def _interrupted(exc: sqlite3.DatabaseError) -> bool:
    return "interrupted" in str(exc)


def _reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "too big" in text:
        return "a value is longer than an article may be"
    if "malformed" in text or "not a database" in text:
        return f"damaged ({text})"
    return text
