"""Renaming stored values (labels, categories) together, in the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping


def rename_values(conn: sqlite3.Connection, table: str, column: str, renames: Mapping[str, str]) -> int:
    """Rename every `column` value old → new in `table`; returns how many rows were renamed.

    The renames apply together, so swapping two names (or a → b with b → c) moves each row
    once: every renamed value is first parked under a name no user can type. Where a row with
    the new name already exists (same key), one copy is kept.
    """
    renames = {old: new for old, new in renames.items() if old != new}
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    select = ", ".join("?" if name == column else f'"{name}"' for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    parked = {f"\x00rename {i}": new for i, new in enumerate(renames.values())}
    for old, park in zip(renames, parked, strict=True):
        conn.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', (park, old))
    moved = 0
    for park, new in parked.items():
        cur = conn.execute(
            f'INSERT OR IGNORE INTO "{table}" ({names}) SELECT {select} FROM "{table}" WHERE "{column}" = ?',
            (new, park),
        )
        moved += cur.rowcount
        conn.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', (park,))
    return moved
