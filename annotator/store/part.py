"""What every named part of the store is: a small object over the store's one connection.

As sqlite-utils' `Database.__getitem__` hands out a `Table` that holds the database, each part
(`store.articles`, `store.links`, …) holds the `Store`: its connection, its path and its `write()`
transaction, so a part's write nests inside another part's as one committed action.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.store.errors import known_error

if TYPE_CHECKING:
    from annotator.store.opening import Store


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Part:
    """One concern of the project file (see the module docstring)."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def path(self) -> Path:
        return self.store.path

    def write(self) -> AbstractContextManager[None]:
        """The store's transaction (`Store.write`)."""
        return self.store.write()

    def _read(self, sql: str, args: Sequence[object] | dict[str, object] = ()) -> Iterator[tuple]:
        """Rows of one streaming query; a damaged file raises `StoreError`, not SQLite's error."""
        try:
            yield from self.conn.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            raise known_error(exc, self.path) from exc
