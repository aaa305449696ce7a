"""The project as a file: what a file is before anything is written to it, read-only
connections, and checked copies (backups, restores).

Nothing here writes to a file it did not create. A file is looked at through a read-only
connection (`mode=ro`, which never checkpoints a WAL into the file nor deletes it) before
any command opens it for writing, so a file that is missing, another program's, newer or
damaged is refused exactly as it was. Such a look never opens the file for writing, not even
to take away the empty -wal and -shm SQLite makes to read it: the next connection that can write
removes them on closing, and a new project made beside an empty pair clears it (`leftovers`).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections import Counter
from pathlib import Path

from annotator import settings
from annotator.store.errors import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    ReadOnlyProjectError,
    StoreError,
    damaged,
    primary_code,
    sqlite_error,
)
from annotator.store.schema import SCHEMA_VERSION
from annotator.store.stored_meta import meta_problems
from annotator.text import path_in_command, path_shown

SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm")


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def backup_reason(path: Path) -> str | None:
    """Why `path` must not be written, when it lies in the backups folder (None otherwise): a backup
    stays what was backed up, or `restore` would bring back a state that never existed."""
    try:
        folder = (settings.data_dir() / "backups").resolve()
        inside = Path(os.path.realpath(path)).parent.parent == folder
    except OSError:
        return None
    if not inside:
        return None
    return (
        "it is a backup, kept as it was taken; to work on it, bring it back with "
        f"`annotator --db YOUR_PROJECT restore --from {path_in_command(path)}` or copy it elsewhere"
    )


def read_only_reason(path: Path) -> str | None:
    """Why the project at `path` cannot be written where it is (read-only media, folder or
    file), or None when it can. SQLite needs to write the file and create its -wal and -shm
    beside it."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK):
        return "it is on read-only media or in a folder you cannot write to"
    for candidate in (path, *(sidecar(path, s) for s in SIDECARS)):
        if candidate.exists() and not os.access(candidate, os.W_OK):
            return f"{path_shown(candidate.name)} is read-only"
    return None


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file or its WAL (`mode=ro`).

    On read-only media SQLite cannot create the -shm index a WAL file needs; then, if no
    -wal holds changes, the file is opened `immutable` (nobody can write it there either).
    Raises `ReadOnlyProjectError` when changes sit in a -wal that cannot be read.
    """
    uri = Path(path).resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if primary_code(exc) != sqlite3.SQLITE_CANTOPEN:
            raise
    wal = sidecar(Path(path), "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise ReadOnlyProjectError(
            f"{path_shown(path)}: its latest changes are in {path_shown(wal.name)}, which cannot be read where it is "
            f"({read_only_reason(Path(path)) or 'no -shm file beside it'}). Copy the project and its "
            f"{path_shown(wal.name)} to a folder you can write to and open the copy."
        )
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)


def inspect_project(path: Path, conn: sqlite3.Connection | None = None) -> int:
    """The schema version of the project at `path`, found without writing anything.

    Raises `StoreError` (no such file), `NotAProjectError` (empty, or an SQLite file of
    another program), `CorruptProjectError` (not readable as SQLite), `NewerSchemaError`.
    `conn`, a read-only connection to `path`, saves opening another.
    """
    path = Path(path)
    check_header(path)
    own = conn is None
    try:
        conn = conn or connect_readonly(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_articles = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from exc
    finally:
        if own and conn is not None:
            conn.close()
    if version < 1 or not has_articles:
        raise NotAProjectError(
            f"{path_shown(path)}: an SQLite file but not an Annotator project (no articles table); "
            "it was left untouched"
        )
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path_shown(path)}: this project was written by a newer Annotator "
            f"(schema {version}, this version knows {SCHEMA_VERSION}); "
            "it was left untouched. Update Annotator to open it."
        )
    return version


def is_project(path: Path) -> bool:
    """Whether `path` holds an Annotator project (of any schema version), looked at without writing."""
    try:
        inspect_project(path)
    except NewerSchemaError:
        return True
    except StoreError:
        return False
    return True


#: Project files this process holds open through SQLite, by (device, inode), with how many
#: connections. POSIX drops every lock a process holds on a file when it closes *any* descriptor
#: of that file; a plain `open()`/`close()` of an open project (to read its header) would silently
#: drop SQLite's locks, and another program's connection would then take itself for the last one
#: and delete the -wal the window is still writing to (its saves invisible, and gone on a crash).
_HELD_HERE: Counter[tuple[int, int]] = Counter()
#: The names those files were opened by: a file deleted since is still held under its old name.
_HELD_NAMES: dict[tuple[int, int], Path] = {}


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def held_here(path: Path) -> tuple[int, int] | None:
    """Note that this process opened an SQLite connection to `path`; give the key to `released`."""
    key = _file_key(Path(path))
    if key is not None:
        _HELD_HERE[key] += 1
        _HELD_NAMES[key] = Path(os.path.abspath(path))
    return key


def released(key: tuple[int, int] | None) -> None:
    """The connection noted by `held_here` was closed."""
    if key is not None and _HELD_HERE[key] > 0:
        _HELD_HERE[key] -= 1
        if not _HELD_HERE[key]:
            del _HELD_HERE[key]
            _HELD_NAMES.pop(key, None)


def held_at(path: Path) -> bool:
    """Whether this process holds, through SQLite, a project opened by this name (deleted since or not)."""
    return Path(os.path.abspath(path)) in _HELD_NAMES.values()


def head_bytes(path: Path, size: int) -> bytes:
    """The first `size` bytes of the file at `path` (raises `OSError` as `open` does), read
    without harm: a project this process holds open through SQLite is known to be SQLite and is
    not opened again (`_HELD_HERE` says why), so its head is SQLite's header."""
    key = _file_key(Path(path))
    if key is not None and key in _HELD_HERE:
        return SQLITE_HEADER[:size]
    with Path(path).open("rb") as handle:
        return handle.read(size)


def check_header(path: Path) -> None:
    """Refuse, before SQLite is asked anything, a path with no file, an empty file or one that is not SQLite."""
    if not path.exists():
        raise StoreError(
            f"{path_shown(path)}: no such project. Check the path; `annotator import FILES --db PATH` "
            "or the window's File ▸ New project creates a project."
        )
    if path.is_dir():
        raise NotAProjectError(f"{path_shown(path)}: a folder, not a project file")
    try:
        header = head_bytes(path, len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path_shown(path)}: cannot read the project file ({exc.strerror})") from exc
    if not header:
        raise NotAProjectError(f"{path_shown(path)}: an empty file, not an Annotator project; it was left untouched")
    if header != SQLITE_HEADER:
        raise damaged(path, "not an SQLite file: another program's file, or a project damaged beyond reading")


def problems(conn: sqlite3.Connection, *, full: bool = False) -> list[str]:
    """SQLite's `quick_check` (or `integrity_check` and `foreign_key_check` when `full`): [] when sound."""
    found: list[str] = []
    pragmas = ("PRAGMA integrity_check", "PRAGMA foreign_key_check") if full else ("PRAGMA quick_check",)
    try:
        for pragma in pragmas:
            rows = [" ".join(map(str, row)) for row in conn.execute(pragma) if row[0] != "ok"]
            # one problem a line, without SQLite's "*** in database main ***" headings
            found += [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]
    except sqlite3.DatabaseError as exc:  # damage bad enough that the check itself cannot read on
        found.append(str(exc))
    return found


def check_project(path: Path, *, full: bool = False) -> list[str]:
    """The problems of the project file at `path`, found through a read-only connection; with
    `full`, also every article whose meta an export would refuse as damage.

    Raises `StoreError` when it is not a project at all (missing, another program's, newer).
    """
    path = Path(path)
    try:
        check_header(path)
        conn = connect_readonly(path)
    except CorruptProjectError as exc:
        return [str(exc.__cause__ or exc)]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    try:
        inspect_project(path, conn)
        found = problems(conn, full=full)
        if full and not found:  # what SQLite cannot see: a meta changed outside Annotator (`stored_meta`)
            found += meta_problems(conn.execute("SELECT id, meta FROM articles"))
        return found
    except CorruptProjectError as exc:
        return [str(exc.__cause__ or exc)]
    finally:
        conn.close()


# -- checked copies --------------------------------------------------------------------


def copy_checked(source: sqlite3.Connection, target: Path, *, source_name: Path) -> dict[str, int]:
    """Copy an open project to `target` so that `target` is only ever a whole, sound project.

    The copy is made with SQLite's online backup API from one read snapshot, under a
    temporary name beside `target`; it becomes a self-contained file (rollback journal, no
    -wal), passes `integrity_check`, holds our schema and the same number of rows in every
    table as the source's snapshot, is fsynced, and only then is renamed to `target`.
    Returns the row counts. Raises `CorruptProjectError` naming `source_name` when the source
    is damaged (the partial copy is removed).
    """
    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    began = not source.in_transaction
    if began:
        source.execute("BEGIN")
    try:
        expected = _counts(source)
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            found = problems(dest, full=True)
            if not found:
                try:
                    inspect_project(partial, dest)
                except StoreError as exc:
                    found.append(str(exc))
            if not found and _counts(dest) != expected:
                found.append("the copy does not hold the same rows as the project")
        finally:
            dest.close()
        if found:
            raise damaged(source_name, found[0])
        fsync_file(partial)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.DatabaseError):
            if isinstance(sqlite_error(exc, source_name), CorruptProjectError):
                raise damaged(source_name, str(exc)) from exc
            raise _not_copied(target, str(exc)) from exc
        if isinstance(exc, OSError):
            raise _not_copied(target, exc.strerror or str(exc)) from exc
        raise
    finally:
        if began and source.in_transaction:
            source.execute("ROLLBACK")
    os.replace(partial, target)
    fsync_dir(target.parent)
    return expected


def _not_copied(target: Path, why: str) -> StoreError:
    return StoreError(f"{path_shown(target.parent)}: the copy could not be written ({why}); no copy was made")


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    # virtual tables (the search index) are counted through their shadow tables, which are real ones
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def remove_partials(folder: Path) -> None:
    """Remove copies (and SQLite's journals of them) that a killed backup or restore left under
    their temporary names; a copy whose process still runs is left alone."""
    for leftover in folder.glob(".*.partial*"):
        found = _PARTIAL.search(leftover.name)
        if found and not _alive(int(found[1])):
            with contextlib.suppress(OSError):
                leftover.unlink()


#: `.<name>.<pid>.partial`, and the -journal, -wal or -shm SQLite keeps beside it.
_PARTIAL = re.compile(r"\.(\d+)\.partial(-journal|-wal|-shm)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fsync_file(folder)
