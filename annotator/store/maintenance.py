"""Health checks of the project file."""

from __future__ import annotations

from annotator.store import files
from annotator.store.core import CoreStore


class MaintenanceMixin(CoreStore):
    def quick_check(self) -> list[str]:
        """SQLite's `quick_check`: an empty list when the file is sound, else the problems found."""
        return files.problems(self.conn)

    def integrity_check(self) -> list[str]:
        """The slower, complete check (indexes against tables, and foreign keys)."""
        return files.problems(self.conn, full=True)
