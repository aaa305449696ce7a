"""An open project file: opening, creating, migrating, transactions, checked copies.

A project is one SQLite file in WAL mode with `synchronous=FULL`. Every write runs in a
`BEGIN IMMEDIATE` transaction (`write`), so a user action is either wholly on disk or
not at all. Only a file that is already a project is opened (`open`); a new one is made
only by `create`, where no file is. Known failures (damaged, not a project, newer schema,
read-only, locked, disk full) surface as `StoreError` with a message meant for the user.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import sqlite_utils

from annotator.store import files
from annotator.store.errors import (
    CorruptProjectError,
    ReadOnlyProjectError,
    StoreError,
    damaged,
    known_error,
)
from annotator.store.lock import Hold, hold_for_writing
from annotator.store.schema import SCHEMA_VERSION, migrations

log = logging.getLogger("annotator.store")

BUSY_TIMEOUT_MS = 10_000
#: errno values of `os.link` on file systems without hard links.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.ENOSYS}


class ProjectFile:
    """The connection to one project file and its transactions. See `Store`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool = False):
        self.conn = conn
        self.path = path
        self.db = sqlite_utils.Database(conn)
        #: Opened read-only: reads work, every write raises `ReadOnlyProjectError`.
        self.readonly = readonly
        self._damaged = False
        #: A writer's shared hold on the project (`lock.hold_for_writing`): a restore waits for it.
        self._hold = Hold(None)
        #: This process holds the file open through SQLite (`files.held_here`): never `open()` it.
        self._held_here = files.held_here(path)

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
                    f"{path}: this project was written by an older Annotator (schema {version}) and cannot be "
                    f"upgraded where it is ({reason}). Copy it to a folder you can write to and open the copy."
                )
            raise ReadOnlyProjectError(
                f"{path}: the project is read-only ({reason}). It can be read (stats, export, backup) but "
                "nothing can be saved in it; copy it to a folder you can write to to work on it."
            )
        hold = hold_for_writing(path)  # taken before the file is opened: a restore is over, or waits for us
        try:
            store = cls._connect(path, migrate_from=version if version < SCHEMA_VERSION else None)
        except BaseException:
            hold.release()
            raise
        store._hold = hold
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
        is opened instead (`open` refuses anything that is not a project).
        """
        path = Path(path)
        if path.exists():
            if exist_ok:
                return cls.open(path, check=True)
            raise _exists(path)
        for suffix in files.SIDECARS:
            if files.sidecar(path, suffix).exists():
                raise StoreError(
                    f"{path}: {path.name}{suffix} is beside it without its project file (moved or deleted?); "
                    "it may hold someone's work. Move it away before creating a project here."
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
                raise StoreError(f"{path}: cannot create the project ({exc.strerror})") from exc
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
            mode = _switch_to_wal(conn)
            if mode.lower() != "wal":
                raise StoreError(f"{path}: could not switch the project to WAL mode (got {mode!r})")
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
        if version > 0:
            backup = self.backup(self.path.with_name(f"{self.path.name}.v{version}.bak"))
            log.info("backed up %s to %s before migrating", self.path, backup)
        with self.write():
            migrations.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
        self._hold.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: object) -> None:
        """Close; an SQLite error escaping the block becomes a `StoreError` the user can act on."""
        known = self._known(exc) if isinstance(exc, sqlite3.DatabaseError) else exc
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
            raise StoreError(f"{target}: a backup cannot replace the project itself")
        try:
            files.copy_checked(self.conn, target, source_name=self.path)
        except CorruptProjectError:
            self._damaged = True
            raise
        return target

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
    return StoreError(f"{path}: a file already exists there; choose another name for the new project")


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
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
