"""Opening a project safely from the window: one window per project, damage caught before use.

The project's lock (`annotator.store.lock`, shared with the command line) keeps a second
window, or a restore, off it; a lock left by a crashed process is taken over. The file is
checked with SQLite's quick_check before anything is written, and a damaged file is left
exactly as it was, with the latest backup offered in its place. A project that cannot be
written where it is (read-only media) opens read-only: `store.readonly` is then True.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from annotator import backups
from annotator.store import CorruptProjectError, Store, read_only_reason
from annotator.store.lock import ProjectInUse, ProjectLock, lock_project

log = logging.getLogger("annotator.ui")

__all__ = ["ProjectInUse", "backup_task", "lock_project", "open_guarded"]


def open_guarded(
    path: Path, ask_restore: Callable[[str, Path], bool], *, create: bool = True
) -> tuple[Store, ProjectLock]:
    """Lock and open `path`, checked. A damaged file is restored only if `ask_restore` agrees.

    With `create` (New project, first start) a path with no file gets a new project;
    anything else at `path` must already be a project. On read-only media the project is
    opened read-only and not locked (nobody can write it there): the window must then show
    that it is read-only and offer no editing.
    """
    path = Path(path)
    if path.exists() and read_only_reason(path):
        return Store.open(path, check=True, readonly=True), ProjectLock(path, None)
    lock = lock_project(path)
    try:
        if create and not path.exists():
            return Store.create(path), lock
        try:
            return Store.open(path, check=True), lock
        except CorruptProjectError as exc:
            latest = (backups.backups(path) or [None])[-1]
            if latest is None or not ask_restore(str(exc), latest):
                raise
            done = backups.restore(path, lock=lock)
            log.warning("restored %s from %s; the damaged file is kept as %s", path, done.used, done.aside)
            return Store.open(path, check=True), lock
    except BaseException:
        lock.unlock()
        raise


def backup_task(store: Store, _task: object) -> Path | None:
    """The automatic daily backup, run off the GUI thread when a project opens."""
    return backups.daily_backup(store)
