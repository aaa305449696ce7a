"""Opening a project for a window, the one guarded way: one window per project, damage caught before use.

Every window (annotation, `annotator review`, the agreement dashboard) opens its project
here. The project's lock (`annotator.store.lock`, shared with the command line) keeps a second
window, or a restore, off it; a lock left by a crashed process is taken over. The file is checked
with SQLite's quick_check before anything is written, and a damaged file is left exactly
as it was, with the latest backup offered in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.store import CorruptProjectError, Store, StoreError, backups, files, read_only_reason
from annotator.store.lock import ProjectInUse, ProjectLock, lock_project
from annotator.text import path_shown
from annotator.ui.shell.plaintext import message_box

log = logging.getLogger("annotator.ui")

__all__ = ["OpenProject", "ProjectInUse", "ProjectOpener", "backup_task", "lock_project", "open_guarded"]


def open_guarded(
    path: Path, ask_restore: Callable[[str, Path], bool], *, create: bool = True
) -> tuple[Store, ProjectLock]:
    """Lock and open `path`, checked. A damaged file is restored only if `ask_restore` agrees.

    With `create` (New project, first start) a path with no file gets a new project;
    anything else at `path` must already be a project. On read-only media the project is
    opened read-only and not locked (nobody can write it there), and so is a backup (it stays
    what was backed up): `store.readonly` is then True and the window offers no editing.
    """
    path = Path(path)
    if path.exists() and (read_only_reason(path) or files.backup_reason(path)):  # a backup is only read
        return Store.open(path, check=True, readonly=True), ProjectLock(path, None)
    lock = lock_project(path)
    if lock.taken_over:
        log.warning("%s", lock.taken_over)
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


@dataclass
class OpenProject:
    """A project a window holds: the store and its lock, given up together by `close()`."""

    store: Store
    lock: ProjectLock
    closed: bool = field(default=False, init=False)

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.store.close()
            self.lock.unlock()


class ProjectOpener:
    """Opens projects for windows; says why one cannot be opened (a dialog, or printed when quiet).

    `quiet` (screenshots, the self-test) never shows a dialog and never restores a backup.
    """

    def __init__(self, quiet: bool = False):
        self.quiet = quiet

    def open(
        self, path: Path, *, create: bool = True, parent: QWidget | None = None, in_use: str = ""
    ) -> OpenProject | None:
        """The project at `path`, locked and checked, or None after saying why. `in_use` is added when
        another window holds the project: where to do the same thing in that window."""
        path = Path(path)
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            store, lock = open_guarded(path, self.ask_restore, create=create)
        except StoreError as exc:
            log.error("cannot open %s: %s", path, exc)
            text = f"{exc} {in_use}" if in_use and isinstance(exc, ProjectInUse) else str(exc)
            self.tell(parent, "Cannot open the project", text, QMessageBox.Icon.Critical)
            return None
        return OpenProject(store, lock)

    def ask_restore(self, problem: str, latest: Path) -> bool:
        """Offer the latest backup in place of a damaged project (never in quiet mode)."""
        if self.quiet:
            return False
        box = message_box(
            QMessageBox.Icon.Critical,
            "The project file is damaged",
            problem,
            f"Restore the latest backup ({path_shown(latest.name)})? The damaged file is kept beside it, unchanged.",
        )
        restore = box.addButton("Restore latest backup", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is restore

    def tell(self, parent: QWidget | None, title: str, text: str, icon=QMessageBox.Icon.Warning) -> None:
        """Say something went wrong: printed in quiet mode, else a message box."""
        if self.quiet:
            print(f"annotator: {text}", flush=True)
        else:
            message_box(icon, title, text, parent=parent).exec()


def backup_task(store: Store, _task: object) -> Path | None:
    """The automatic daily backup, run off the GUI thread when a project opens."""
    return backups.daily_backup(store)
