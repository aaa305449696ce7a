"""The project file's failures, as messages a user can act on.

Known failures (damaged, not a project, newer schema, read-only, busy, disk full) are
`StoreError`s; `known_error` sorts SQLite's own errors into them by what SQLite said.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path


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


def restore_hint(path: Path) -> str:
    """The command that brings a damaged project back, safe to paste into a shell."""
    return f"annotator --db {shlex.quote(str(path))} restore"


def damaged(path: Path, what: str) -> CorruptProjectError:
    return CorruptProjectError(
        f"{path}: the project file is damaged ({what}); it was left as it was. "
        f"Restore the latest backup with: {restore_hint(path)}"
    )


def known_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    """Turn SQLite's errors into messages a user can act on."""
    text = str(exc)
    if isinstance(exc, StoreError):
        return exc
    if "file is not a database" in text or "malformed" in text:
        return damaged(path, text)
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: the project is busy in another program ({text}); try again")
    if "readonly" in text:
        return ReadOnlyProjectError(f"{path}: the project file is read-only; this change was not saved")
    if "disk is full" in text or "full" in text:
        return StoreError(f"{path}: the disk is full; this change was not saved")
    if "unable to open" in text:
        return StoreError(f"{path}: cannot open the project file ({text})")
    return StoreError(f"{path}: {text}")
