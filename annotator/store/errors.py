"""The project file's failures, as messages a user can act on.

Known failures are `StoreError`s. SQLite's own errors are sorted by their error code
(`sqlite_errorcode`, as qutebrowser's `misc/sql.py` does), never by their wording: busy or
locked, read-only, disk full, input/output error, damaged, not a database, cannot open, no
permission. Any other SQLite error is a bug in Annotator, not the user's to fix: `known_error`
raises it again as it is, so it reaches the crash dialog with its traceback in the log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.text import path_in_command, path_shown


class StoreError(Exception):
    """A failure the user can understand and act on."""


class NewerSchemaError(StoreError):
    pass


class CorruptProjectError(StoreError):
    pass


class NotAProjectError(StoreError):
    """The file is not an Annotator project (another program's SQLite file, an empty file…); left untouched."""


class ReadOnlyProjectError(StoreError):
    """The project cannot be written where it is; it can still be read."""


class ProjectBusyError(StoreError):
    """Another program (or window) holds the project's write lock longer than we wait."""


class DiskFullError(StoreError):
    """The disk (or the file's size limit) has no room for the change."""


class DiskError(StoreError):
    """The operating system could not read or write the file (a failing disk, a share gone away)."""


class CannotOpenError(StoreError):
    """SQLite could not open the file or its -wal/-shm beside it (a missing folder, no rights)."""


class StoppedError(StoreError):
    """A statement stopped by a cancel (`store.stopping.stopped_by`): the change it was part of was not made."""


def restore_hint(path: Path) -> str:
    """The command that brings a damaged project back, safe to paste into a shell."""
    return f"annotator --db {path_in_command(path)} restore"


def damaged(path: Path, what: str) -> CorruptProjectError:
    return CorruptProjectError(
        f"{path_shown(path)}: the project file is damaged ({what}); it was left as it was. "
        f"Restore the latest backup with: {restore_hint(path)}"
    )


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of `exc` (an extended code such as SQLITE_IOERR_WRITE reduced
    to SQLITE_IOERR), or None for an error SQLite did not raise (a misuse of the module)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _busy(path: Path, text: str) -> StoreError:
    return ProjectBusyError(f"{path_shown(path)}: the project is busy in another program ({text}); try again")


#: SQLite's primary result code -> the known failure it is, as a message for the user.
_KNOWN = {
    sqlite3.SQLITE_BUSY: _busy,
    sqlite3.SQLITE_LOCKED: _busy,
    sqlite3.SQLITE_READONLY: lambda path, text: ReadOnlyProjectError(
        f"{path_shown(path)}: the project file is read-only; this change was not saved"
    ),
    sqlite3.SQLITE_FULL: lambda path, text: DiskFullError(
        f"{path_shown(path)}: the disk is full; this change was not saved"
    ),
    sqlite3.SQLITE_IOERR: lambda path, text: DiskError(
        f"{path_shown(path)}: the disk could not read or write the project file ({text}); this change was not saved"
    ),
    sqlite3.SQLITE_CORRUPT: damaged,
    sqlite3.SQLITE_NOTADB: damaged,
    sqlite3.SQLITE_CANTOPEN: lambda path, text: CannotOpenError(
        f"{path_shown(path)}: cannot open the project file ({text})"
    ),
    sqlite3.SQLITE_INTERRUPT: lambda path, text: StoppedError(
        f"{path_shown(path)}: stopped (cancelled) before this change was saved"
    ),
    sqlite3.SQLITE_PERM: lambda path, text: CannotOpenError(
        f"{path_shown(path)}: the system refused access to the project file ({text})"
    ),
}


def sqlite_error(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """The known failure SQLite's `exc` is (by its error code), or None when it is a bug."""
    if isinstance(exc, StoreError):
        return exc
    make = _KNOWN.get(primary_code(exc))  # type: ignore[arg-type]
    return None if make is None else make(path, str(exc))


def known_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """SQLite's `exc` as the known failure it is, with a message the user can act on.

    Any other error is a bug: it is raised again, unchanged, for the crash dialog and the log.
    """
    error = sqlite_error(exc, path)
    if error is None:
        raise exc
    return error
