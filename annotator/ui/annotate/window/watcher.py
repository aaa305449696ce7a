"""The window watches its project for other writers (the CLI, another window, a background worker).

SQLite's `PRAGMA data_version` changes when another connection commits; one pragma on a GUI-thread
`QTimer` every `POLL_MS` costs microseconds. On a change the article list, the footer counts and
the open article are read again, keeping the list's scroll, its selection and the current statement.
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.store import Store

log = logging.getLogger("annotator.ui")

#: How often the project is asked whether another connection committed (ms).
POLL_MS = 500


class ProjectWatcher(QObject):
    changed = Signal()  # another connection committed since the last poll

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.version = self._version()
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.version = self._version()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _version(self) -> int | None:
        try:
            return self.store.data_version()
        except sqlite3.Error as exc:  # a closed or vanished project: the window says so elsewhere
            log.debug("data_version: %s", exc)
            return None

    def poll(self) -> bool:
        """True (and `changed` emitted) when another connection committed since the last poll."""
        version = self._version()
        if version is None or version == self.version:
            return False
        self.version = version
        self.changed.emit()
        return True
