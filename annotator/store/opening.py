"""The open project file, `Store`: opening, creating, migrating, transactions, settings, checks.

A project is one SQLite file in WAL mode with `synchronous=FULL`. Every write runs in a
`BEGIN IMMEDIATE` transaction (`write`), so a user action is either wholly on disk or
not at all. Only a file that is already a project is opened (`open`); a new one is made
only by `create`, where no file is. Known failures (damaged, not a project, newer schema,
read-only, locked, disk full) surface as `StoreError` with a message meant for the user.

Everything else is a named part over the same connection (`store.articles`, `store.links`, …,
see `Store.__init__`), as sqlite-utils hands out tables over one `Database`; import and export
are each one sequence of steps (`importer`, `exporter`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import sqlite_utils

from annotator.store import files
from annotator.store.errors import (
    CorruptProjectError,
    ReadOnlyProjectError,
    StoreError,
    damaged,
    known_error,
    primary_code,
)
from annotator.store.leftovers import clear_leftover_sidecars
from annotator.store.schema import SCHEMA_VERSION, make_stamping, migrations, stamping_missing
from annotator.text import path_shown

if TYPE_CHECKING:
    from annotator.records import ExportRow, IncomingRecord
    from annotator.store import importer
    from annotator.store.actors import ActorsPart
    from annotator.store.articles import ArticlesPart
    from annotator.store.categories import CategoriesPart
    from annotator.store.entities import EntitiesPart
    from annotator.store.guidelines import GuidelinesPart
    from annotator.store.layers import LayersPart
    from annotator.store.links import LinksPart
    from annotator.store.lock import Hold
    from annotator.store.metadata import MetaPart
    from annotator.store.packages import PackagesPart
    from annotator.store.places import PlacesPart
    from annotator.store.preannotations import PreannotationsPart
    from annotator.store.progress import ProgressPart
    from annotator.store.review import ReviewPart
    from annotator.store.schemes import SchemesPart
    from annotator.store.search_index import SearchPart
    from annotator.store.statements import StatementsPart
    from annotator.store.suggestions import SuggestionsPart

BUSY_TIMEOUT_MS = 10_000
#: The page size of a new project. An article (~1 KB of text, its meta, its title) fills a quarter
#: of a 4 KB page, SQLite's default; at 16 KB an import writes a quarter of the pages, each one
#: read and written by one system call, and its B-trees are a level shallower. Measured on 50,000
#: records: the writing half of an import 15-20% less wall time, export 5-8% (`docs/speed.md`).
#: A project made before keeps its 4 KB pages: SQLite reads either, and a copy keeps its source's.
PAGE_SIZE = 16_384
#: A model's layer in `annotators.kind`: `records.MODEL_LAYER`, which `stats` reads without loading
#: `records` (tests/test_cli.py holds the two together).
_MODEL_KIND = "model"
#: errno values of `os.link` on file systems without hard links.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.ENOSYS}


def _part(module: str, name: str) -> Any:
    """A part of the store (class `name` of `annotator.store.<module>`), made on first use."""

    def make(store: Store) -> Any:
        return getattr(importlib.import_module(f"annotator.store.{module}"), name)(store)

    make.__doc__ = f"`{name}` (`annotator.store.{module}`)."
    return functools.cached_property(make)


class Store:
    """An open project file. `Store.open(path)` an existing one, `Store.create(path)` a new one;
    close it (or use `with`). Its contents are reached through its named parts."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool = False):
        self.conn = conn
        self.path = path
        #: Opened read-only: reads work, every write raises `ReadOnlyProjectError`.
        self.readonly = readonly
        self._damaged = False
        #: A writer's shared hold on the project (`lock.hold_for_writing`): a restore waits for it.
        #: None for a read-only connection, which holds nothing (and never loads `lock`).
        self._hold: Hold | None = None
        #: This process holds the file open through SQLite (`files.held_here`): never `open()` it.
        self._held_here = files.held_here(path)

    # -- the named parts, each made (and its module imported) on first use: a light command
    # such as `stats` loads only the parts it reads ----------------------------------------

    layers: LayersPart = _part("layers", "LayersPart")
    schemes: SchemesPart = _part("schemes", "SchemesPart")
    articles: ArticlesPart = _part("articles", "ArticlesPart")
    meta: MetaPart = _part("metadata", "MetaPart")
    entities: EntitiesPart = _part("entities", "EntitiesPart")
    statements: StatementsPart = _part("statements", "StatementsPart")
    links: LinksPart = _part("links", "LinksPart")
    categories: CategoriesPart = _part("categories", "CategoriesPart")
    search: SearchPart = _part("search_index", "SearchPart")
    suggestions: SuggestionsPart = _part("suggestions", "SuggestionsPart")
    review: ReviewPart = _part("review", "ReviewPart")
    preannotations: PreannotationsPart = _part("preannotations", "PreannotationsPart")
    places: PlacesPart = _part("places", "PlacesPart")
    guidelines: GuidelinesPart = _part("guidelines", "GuidelinesPart")
    actors: ActorsPart = _part("actors", "ActorsPart")
    packages: PackagesPart = _part("packages", "PackagesPart")
    progress: ProgressPart = _part("progress", "ProgressPart")

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, check: bool = False, readonly: bool = False) -> Self:
        """Open an existing project; a project of an older schema is migrated after a backup.

        Anything else is refused and left exactly as it was, before any write: a missing
        file (`StoreError`; see `create`), another program's file (`NotAProjectError`), a
        newer schema (`NewerSchemaError`), a damaged file (`CorruptProjectError`; `check` runs
        SQLite's quick_check first, as the window does on every open). Every look happens
        through a read-only connection, so even a damaged file's -wal stays as it was.

        `readonly` opens a connection that cannot write (stats, export, backup, a read-only
        window); without it a project that cannot be written where it is raises
        `ReadOnlyProjectError` (see `files.read_only_reason`).
        """
        path = Path(path)
        probe, version = _probe(path, check=check)
        if version < SCHEMA_VERSION and not check:
            found = files.problems(probe)  # never migrate a damaged file
            if found:
                probe.close()
                raise damaged(path, found[0])
        if readonly and version == SCHEMA_VERSION:
            probe.execute("PRAGMA query_only = ON")
            probe.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            return cls(probe, path, readonly=True)
        probe.close()  # a read-only connection: closing it writes nothing
        reason = files.read_only_reason(path)
        if reason:
            if readonly:
                raise ReadOnlyProjectError(
                    f"{path_shown(path)}: this project was written by an older Annotator (schema {version}) "
                    f"and cannot be upgraded where it is ({reason}). "
                    "Copy it to a folder you can write to and open the copy."
                )
            raise ReadOnlyProjectError(
                f"{path_shown(path)}: the project is read-only ({reason}). It can be read (stats, export, backup) but "
                "nothing can be saved in it; copy it to a folder you can write to to work on it."
            )
        from annotator.store.lock import hold_for_writing  # only a writer needs it: `stats` starts without

        hold = hold_for_writing(path)  # taken before the file is opened: a restore is over, or waits for us
        try:
            store = cls._connect(path, migrate_from=version if version < SCHEMA_VERSION else None)
        except BaseException:
            hold.release()
            raise
        store._hold = hold
        if stamping_missing(store.conn):  # guidelines another program wrote: stamp what is decided from now on
            with store.write():
                make_stamping(store.conn)
        if readonly:
            store.close()
            return cls.open(path, readonly=True)
        return store

    @classmethod
    def create(cls, path: str | Path, *, exist_ok: bool = False) -> Self:
        """Create a new, empty project at `path`, where no file may exist yet.

        Only import, the window's New project and its first start create projects. The new
        file is built under a temporary name and linked into place whole, so another process
        never sees a half-made project and an existing file is never overwritten. With
        `exist_ok`, a project already at `path` (or made there meanwhile by another process)
        is opened instead (`open` refuses anything that is not a project). An empty -wal and
        -shm left where no project is are removed; a -wal that holds changes is refused
        (`leftovers.clear_leftover_sidecars`).
        """
        path = Path(path)
        if path.exists():
            if exist_ok:
                return cls.open(path, check=True)
            raise _exists(path)
        removed = clear_leftover_sidecars(path)  # empty ones; a -wal holding work is refused
        if removed:
            import logging

            logging.getLogger("annotator.store").info(
                "removed %s, left empty beside %s (it held nothing)", ", ".join(p.name for p in removed), path
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        building = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            cls._connect(building, migrate_from=0).close()
            files.fsync_file(building)
            os.link(building, path)
        except FileExistsError:
            if not exist_ok:
                raise _exists(path) from None
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, path) from exc
        except OSError as exc:
            if path.exists() or exc.errno not in _NO_HARD_LINKS:
                raise StoreError(f"{path_shown(path)}: cannot create the project ({exc.strerror})") from exc
            os.replace(building, path)  # a file system without hard links (FAT, some shares)
        finally:
            building.unlink(missing_ok=True)
        files.fsync_dir(path.parent)
        return cls.open(path)

    @classmethod
    def _connect(cls, path: Path, *, migrate_from: int | None) -> Self:
        """The read-write connection: WAL, `synchronous=FULL`, foreign keys; migrated when asked."""
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        store = cls(conn, path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if migrate_from == 0:  # a new file: its page size is fixed by its first write, WAL's header
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            mode = _switch_to_wal(conn)
            if mode.lower() != "wal":
                raise StoreError(f"{path_shown(path)}: could not switch the project to WAL mode (got {mode!r})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if migrate_from is not None:
                store._migrate(migrate_from)
        except BaseException as exc:
            store.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise known_error(exc, path) from exc
            raise
        return store

    def _migrate(self, version: int) -> None:
        import logging

        if version > 0:
            backup = self.backup(self.path.with_name(f"{self.path.name}.v{version}.bak"))
            logging.getLogger("annotator.store").info("backed up %s to %s before migrating", self.path, backup)
        with self.write():
            migrations.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for migrations and nested savepoints; imported
        only when first needed (it loads numpy): a command that only reads starts without it."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def data_version(self) -> int:
        """SQLite's count of commits by *other* connections (another window, the CLI, a worker): a window
        polls it to learn, at the cost of one pragma, that the project changed under it."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        """Close the connection. After damage was seen, a read-only connection is held while
        closing, so SQLite does not checkpoint the -wal into the damaged file (it stays as it was)."""
        guard = None
        if self._damaged and not self.readonly:
            with contextlib.suppress(sqlite3.Error, StoreError):
                guard = files.connect_readonly(self.path)
        self.conn.close()
        if guard is not None:
            guard.close()
        files.released(self._held_here)
        self._held_here = None
        if self._hold is not None:
            self._hold.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: object) -> None:
        """Close; a known SQLite error escaping the block becomes a `StoreError` the user can act on
        (any other is a bug and escapes as it is)."""
        try:
            known = self._known(exc) if isinstance(exc, sqlite3.DatabaseError) else exc
        finally:
            self.close()
        if known is not exc:
            raise known from exc

    def _known(self, exc: sqlite3.DatabaseError) -> StoreError:
        """`known_error`, remembering damage (see `close`)."""
        error = known_error(exc, self.path)
        if isinstance(error, CorruptProjectError):
            self._damaged = True
        return error

    def backup(self, target: str | Path) -> Path:
        """A checked copy of the project at `target` (see `files.copy_checked`): written under a
        temporary name, checked (integrity, schema, row counts) and renamed. A damaged project
        raises `CorruptProjectError` and no copy is left."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise StoreError(f"{path_shown(target)}: a backup cannot replace the project itself")
        try:
            files.copy_checked(self.conn, target, source_name=self.path)
        except CorruptProjectError:
            self._damaged = True
            raise
        return target

    # -- settings ------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        import json

        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        import json

        with self.write():
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    # -- import and export: each one sequence of steps in its own module ---------------

    def add_records(self, records: Sequence[IncomingRecord], default_annotator: str) -> importer.ImportCounts:
        """Store a batch of validated records in one transaction: all of it or none (`importer.add_records`)."""
        from annotator.store import importer

        return importer.add_records(self, records, default_annotator)

    def export_rows(self, annotator: str | None = None) -> Iterator[ExportRow]:
        """The project as `ExportRow`s, in article order (`exporter.export_rows`)."""
        from annotator.store import exporter

        return exporter.export_rows(self, annotator)

    def count_export_rows(self, annotator: str | None = None) -> int:
        """How many rows `export_rows(annotator)` yields (the total for a progress bar)."""
        from annotator.store import exporter

        return exporter.count_export_rows(self, annotator)

    # -- the whole file ----------------------------------------------------------------

    def quick_check(self) -> list[str]:
        """SQLite's `quick_check`: an empty list when the file is sound, else the problems found."""
        return files.problems(self.conn)

    def integrity_check(self) -> list[str]:
        """The slower, complete check (indexes against tables, and foreign keys)."""
        return files.problems(self.conn, full=True)

    def stats(self) -> dict[str, Any]:
        """The counts `annotator stats` prints, each table read once and only along an index where
        one serves: the statements' labels are counted label by label along their index (a skip
        scan), and `spans` is their sum, so the 5 labels of 50,000 articles cost one pass, not two.
        Reads only this connection: no part of the store is loaded (`stats` starts light)."""
        c = self.conn

        def one(sql: str) -> int:
            return c.execute(sql).fetchone()[0]

        # all but the not yet pre-annotated, which a partial index holds: no scan of the texts
        articles, waiting = c.execute(
            "SELECT count(*), (SELECT count(*) FROM articles WHERE pipeline IS NULL) FROM articles"
        ).fetchone()
        labels = dict(
            c.execute(
                "WITH RECURSIVE l(label) AS (SELECT min(label) FROM statement_labels UNION ALL "
                "SELECT (SELECT min(label) FROM statement_labels WHERE label > l.label) FROM l "
                "WHERE l.label IS NOT NULL) "
                "SELECT label, (SELECT count(*) FROM statement_labels s WHERE s.label = l.label) "
                "FROM l WHERE label IS NOT NULL"
            ).fetchall()
        )
        kinds = c.execute("SELECT name, kind FROM annotators ORDER BY name").fetchall()
        return {
            "path": str(self.path),
            "articles": articles,
            "preannotated": articles - waiting,
            "preannotation_failed": [
                {"article": i, "title": t, "pipeline": p, "reason": r}
                for i, t, p, r in c.execute(
                    "SELECT f.article_id, a.title, f.pipeline, f.reason FROM preannotation_failures f "
                    "JOIN articles a ON a.id = f.article_id ORDER BY f.article_id"
                )
            ],
            "statements": one("SELECT count(*) FROM statements"),
            "spans": sum(labels.values()),  # a label is NOT NULL: every row is in one label's count
            "entities": one("SELECT count(*) FROM entities"),
            "sentences": one("SELECT count(*) FROM sentences"),
            # the layers' kinds (`records.LAYER_KINDS`, spelled by the schema's CHECK), read here
            # rather than through `store.layers`, which loads `records` and its dataclasses
            "annotators": [name for name, kind in kinds if kind != _MODEL_KIND],
            "models": [name for name, kind in kinds if kind == _MODEL_KIND],
            "labels": labels,
            "entity_labels": dict(
                c.execute("SELECT label, count(*) FROM entities GROUP BY label ORDER BY label").fetchall()
            ),
            "done": self._done(),
            "schema_version": self.schema_version(),
            "links": one("SELECT count(*) FROM links"),
            "link_types": dict(c.execute("SELECT label, count(*) FROM links GROUP BY label ORDER BY label").fetchall()),
        }

    def _done(self) -> dict[str, int]:
        """Articles each layer marked done. When one layer holds every status (the first and last
        along the (annotator_id, status) index are one), its done ones are all rows (SQLite counts
        a whole table from its pages) less its new and in-progress ones (two seeks): no row is read.
        Else they are counted per layer along the index, then named."""
        c = self.conn
        first, last = c.execute(
            "SELECT (SELECT min(annotator_id) FROM article_status), (SELECT max(annotator_id) FROM article_status)"
        ).fetchone()
        if first is None:
            return {}
        if first == last:
            (name,) = c.execute("SELECT name FROM annotators WHERE id = ?", (first,)).fetchone()
            total = c.execute("SELECT count(*) FROM article_status").fetchone()[0]
            (pending,) = c.execute(
                "SELECT count(*) FROM article_status WHERE annotator_id = ? AND status IN ('new', 'in_progress')",
                (first,),
            ).fetchone()
            return {name: total - pending} if total > pending else {}
        return dict(
            c.execute(
                "SELECT a.name, s.n FROM (SELECT annotator_id, count(*) AS n FROM article_status "
                "WHERE status = 'done' GROUP BY annotator_id) s JOIN annotators a ON a.id = s.annotator_id "
                "ORDER BY a.name"
            ).fetchall()
        )

    # -- transactions --------------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """One atomic write: `BEGIN IMMEDIATE` … `COMMIT`, or a savepoint when nested."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._known(exc) from exc
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._known(exc) from exc
            raise


def _exists(path: Path) -> StoreError:
    return StoreError(f"{path_shown(path)}: a file already exists there; choose another name for the new project")


def _probe(path: Path, *, check: bool) -> tuple[sqlite3.Connection, int]:
    """A read-only look at `path` and its schema version; refuses what is not a project (and, with
    `check`, a damaged one) before anything could be written."""
    files.check_header(path)
    try:
        conn = files.connect_readonly(path)
    except sqlite3.DatabaseError as exc:
        raise known_error(exc, path) from exc
    try:
        version = files.inspect_project(path, conn)
        found = files.problems(conn) if check else []
        if found:
            raise damaged(path, found[0])
    except BaseException:
        conn.close()
        raise
    return conn, version


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """`PRAGMA journal_mode = WAL`, waiting like any other statement while a second process is
    creating the same new project (SQLite may answer "locked" here without its busy handler)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if primary_code(exc) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
