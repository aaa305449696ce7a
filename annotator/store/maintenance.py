"""Health checks of the project file."""

from __future__ import annotations

import sqlite3

from annotator.store.core import CoreStore


class MaintenanceMixin(CoreStore):
    def quick_check(self) -> list[str]:
        """SQLite's `quick_check`: an empty list when the file is sound, else the problems found."""
        return self._check("PRAGMA quick_check")

    def integrity_check(self) -> list[str]:
        """The slower, complete check (indexes against tables, and foreign keys)."""
        return self._check("PRAGMA integrity_check", "PRAGMA foreign_key_check")

    def _check(self, *pragmas: str) -> list[str]:
        problems = []
        try:
            for pragma in pragmas:
                problems += [" ".join(map(str, row)) for row in self.conn.execute(pragma) if row[0] != "ok"]
        except sqlite3.DatabaseError as exc:  # damage bad enough that the check itself cannot read on
            problems.append(str(exc))
        return problems
