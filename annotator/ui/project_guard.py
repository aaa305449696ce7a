"""Opening a project safely from the window: one window per project, damage caught before use.

A `QLockFile` beside the project keeps a second window (or a second app) off it; a lock
left by a crashed process is recognised as stale and taken over. The file is checked
with SQLite's quick_check before anything is written, and a damaged file is left exactly
as it was, with the latest backup offered in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile

from annotator import backups
from annotator.store import CorruptProjectError, Store, StoreError

log = logging.getLogger("annotator.ui")


class ProjectInUse(StoreError):
    pass


def lock_project(path: Path) -> QLockFile:
    """Take the project's lock, or raise `ProjectInUse` naming who holds it."""
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
    if lock.tryLock(100):
        return lock
    pid, host, *_ = lock.getLockInfo()  # PySide6 returns (pid, hostname, appname)
    who = f" (process {pid} on {host})" if pid else ""
    raise ProjectInUse(
        f"{path} is already open in another Annotator window{who}. "
        "Use that window, or close it first: two windows on one project could undo each other's work."
    )


def open_guarded(path: Path, ask_restore: Callable[[str, Path], bool]) -> tuple[Store, QLockFile]:
    """Lock and open `path`, checked. A damaged file is restored only if `ask_restore` agrees."""
    lock = lock_project(path)
    try:
        try:
            return Store.open(path, check=True), lock
        except CorruptProjectError as exc:
            latest = (backups.backups(path) or [None])[-1]
            if latest is None or not ask_restore(str(exc), latest):
                raise
            used, aside = backups.restore(path, latest)
            log.warning("restored %s from %s; the damaged file is kept as %s", path, used, aside)
            return Store.open(path, check=True), lock
    except BaseException:
        lock.unlock()
        raise


def backup_task(store: Store, _task: object) -> Path | None:
    """The automatic daily backup, run off the GUI thread when a project opens."""
    return backups.daily_backup(store)
