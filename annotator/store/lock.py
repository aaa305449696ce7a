"""The project lock: one window (or one restore) on a project at a time, without Qt.

The lock is a file beside the project (`P.lock`) holding "pid, app, host" as Qt's
`QLockFile` writes them, so locks of older versions are read too. Its owner is whoever
holds an advisory lock (`flock`) on that file: the operating system drops it when the
process dies, however it dies, so a lock left by a crash, a `kill -9` or a power loss
(an empty or garbled file) is recognised as stale and taken over, with a message. On
Windows, where there is no `flock`, the owner keeps the file open, which stops others
from deleting it; a file that can be deleted has no owner.

A lock naming a process on another computer (a project on a shared folder) is respected:
there is no way to see from here whether that process still runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import socket
from dataclasses import dataclass
from pathlib import Path

from annotator.store.errors import StoreError

log = logging.getLogger("annotator.store")

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

APP_NAME = "annotator"


class ProjectInUse(StoreError):
    """Another live process holds the project's lock."""


@dataclass
class ProjectLock:
    """A held project lock; `unlock()` frees it (also when the process ends, however it ends)."""

    path: Path
    fd: int | None
    #: What was found and taken over, for the user ("a lock left by process 123, which is no longer running").
    taken_over: str | None = None

    def unlock(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        ours = os.fstat(fd)
        if fcntl is None:  # Windows cannot delete a file that is still open
            os.close(fd)
        with contextlib.suppress(OSError):
            # Only remove the file if it is still ours (never a successor's lock at the same path).
            there = self.path.stat()
            if (there.st_dev, there.st_ino) == (ours.st_dev, ours.st_ino):
                self.path.unlink()
        if fcntl is not None:
            os.close(fd)

    def __enter__(self) -> ProjectLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unlock()


def lock_path(project: Path) -> Path:
    """`P.lock` beside the project's real file: a link to the project (a desktop shortcut, another
    folder) shares the lock of the file it names, so a window on one is seen through the other."""
    return Path(os.path.realpath(project) + ".lock")


def lock_project(project: Path) -> ProjectLock:
    """Take the lock of `project`, or raise `ProjectInUse` naming who holds it.

    A stale lock (its process is gone, or the file is empty or unreadable) is taken over;
    `ProjectLock.taken_over` then says what was found.
    """
    path = lock_path(Path(project))
    for _ in range(5):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            taken = _take_over(path, project)
            if taken is not None:
                return taken
            continue  # the holder let go while we looked; try again
        except OSError as exc:
            raise StoreError(f"{project}: cannot create the lock file {path} ({exc.strerror})") from exc
        if _hold(fd):
            _write_owner(fd)
            return ProjectLock(path, fd)
        os.close(fd)  # someone took it over between our create and our lock: theirs now
    raise _in_use(project, _read_owner(path))


def _take_over(path: Path, project: Path) -> ProjectLock | None:
    """Take `path` over if its owner is gone; None if it vanished meanwhile (then try again)."""
    owner = _read_owner(path)
    if owner.host and owner.host != socket.gethostname():
        raise _in_use(project, owner)
    if fcntl is None:  # Windows: a lock file nobody holds open can be deleted
        try:
            path.unlink()
        except FileNotFoundError:
            return None
        except OSError:
            raise _in_use(project, owner) from None
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return None
        _write_owner(fd)
        return ProjectLock(path, fd, taken_over=_log_take_over(project, owner))
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{project}: cannot open the lock file {path} ({exc.strerror})") from exc
    if not _hold(fd):
        os.close(fd)
        raise _in_use(project, owner)
    if not _same_file(fd, path):  # freed and removed by its owner after we opened it
        os.close(fd)
        return None
    _write_owner(fd)
    return ProjectLock(path, fd, taken_over=_log_take_over(project, owner))


def _log_take_over(project: Path, owner: _Owner) -> str:
    found = (
        f"a lock left by process {owner.pid}, which is no longer running"
        if owner.pid
        else "an empty or unreadable lock file (left by a crash or a power loss)"
    )
    note = f"{project}: {found}; it was taken over"
    log.warning(note)
    return note


def _hold(fd: int) -> bool:
    """Take the advisory lock on `fd` without waiting; False if another process holds it."""
    if fcntl is None:
        return True  # Windows: holding the file open is what keeps others out
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class _Owner:
    pid: int | None = None
    host: str = ""


def _read_owner(path: Path) -> _Owner:
    """What the lock file says (QLockFile's layout: pid, app name, host name); empty if unreadable."""
    try:
        lines = path.read_bytes()[:4096].decode("utf-8", errors="replace").splitlines()
    except OSError:
        return _Owner()
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    host = lines[2].strip() if len(lines) > 2 and pid else ""
    return _Owner(pid, host)


def _write_owner(fd: int) -> None:
    text = f"{os.getpid()}\n{APP_NAME}\n{socket.gethostname()}\n"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())
    os.fsync(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), path.stat()
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _in_use(project: Path, owner: _Owner) -> ProjectInUse:
    if owner.host and owner.host != socket.gethostname():
        return ProjectInUse(
            f"{project} is open in Annotator on another computer ({owner.host}, process {owner.pid}). "
            f"Close it there first; if that computer is off, delete {shlex.quote(str(lock_path(project)))}."
        )
    who = f" (process {owner.pid})" if owner.pid else ""
    return ProjectInUse(
        f"{project} is already open in another Annotator window{who}. "
        "Use that window, or close it first: two windows on one project could undo each other's work."
    )
