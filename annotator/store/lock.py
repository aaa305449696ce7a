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

Writers (every read-write `Store`: the window's, an import, `preannotate`, `rules`, `search
--apply`) hold a *shared* `flock` on a second file beside the project, `.P.writers`
(`hold_for_writing`), for as long as they are open; any number of them can write at once (SQLite
orders their transactions). A restore takes it *exclusively* (`hold_for_restore`) before it
moves the project aside, so it never moves a file from under a running import. It is a file of
its own, never the project file: closing a descriptor of the project would drop the locks SQLite
holds on it. Neither lock file is ever opened through a link (`O_NOFOLLOW`): a planted link
named like a lock makes us refuse, never write the file it points to. On Windows (no `flock`)
writers hold nothing; there, a project another program has open cannot be renamed, which stops a
restore by itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from annotator.store.errors import StoreError
from annotator.text import path_in_command, path_shown

log = logging.getLogger("annotator.store")

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

APP_NAME = "annotator"
#: Never follow a link in place of a lock file (0 where the system has no such flag).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: How long a writer waits for a restore under way to finish before giving up, in seconds.
RESTORE_WAIT_SECONDS = 60.0


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
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
        except FileExistsError:
            _refuse_link(path, project)
            taken = _take_over(path, project)
            if taken is not None:
                return taken
            continue  # the holder let go while we looked; try again
        except OSError as exc:
            raise StoreError(
                f"{path_shown(project)}: cannot create the lock file {path_shown(path)} ({exc.strerror})"
            ) from exc
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
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
        except FileExistsError:
            return None
        _write_owner(fd)
        return ProjectLock(path, fd, taken_over=_log_take_over(project, owner))
    try:
        fd = os.open(path, os.O_RDWR | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        _refuse_link(path, project)
        raise StoreError(
            f"{path_shown(project)}: cannot open the lock file {path_shown(path)} ({exc.strerror})"
        ) from exc
    if not _regular(fd):
        os.close(fd)
        _refuse_link(path, project, "not a regular file")
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
    note = f"{path_shown(project)}: {found}; it was taken over"
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
    """What the lock file says (QLockFile's layout: pid, app name, host name); empty if unreadable
    (a link is not read: it could name any file)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return _Owner()
    try:
        lines = os.read(fd, 4096).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return _Owner()
    finally:
        os.close(fd)
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
            f"{path_shown(project)} is open in Annotator on another computer ({owner.host}, process {owner.pid}). "
            f"Close it there first; if that computer is off, delete {path_in_command(lock_path(project))}."
        )
    who = f" (process {owner.pid})" if owner.pid else ""
    return ProjectInUse(
        f"{path_shown(project)} is already open in another Annotator window{who}. "
        "Use that window, or close it first: two windows on one project could undo each other's work."
    )


def _regular(fd: int) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fd).st_mode)


def _refuse_link(path: Path, project: Path, what: str = "") -> None:
    """Raise `StoreError` when `path`, a lock file's name, is a link (or `what` else is wrong with it):
    it is never followed nor written through, whatever it points to."""
    if not what and not path.is_symlink():
        return
    what = what or f"a link (to {path_shown(os.readlink(path))})"
    raise StoreError(
        f"{path_shown(project)}: its lock file {path_shown(path)} is {what}, not a lock Annotator wrote; "
        "it was left as it was and "
        f"nothing was written through it. Remove it (rm {path_in_command(path)}) if you did not put it there."
    )


# -- writers and restores ------------------------------------------------------------------------


def writers_path(project: Path) -> Path:
    """`.P.writers` beside the project's real file: what writers hold shared and a restore exclusively."""
    real = Path(os.path.realpath(project))
    return real.with_name(f".{real.name}.writers")


@dataclass
class Hold:
    """A shared (writer) or exclusive (restore) hold on a project; `release()` ends it (so does the
    process's end, however it ends). The last one out removes the writers file."""

    fd: int | None
    path: Path | None = None

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        # Removed only under an exclusive lock and only while the name is still this file: whoever
        # opened it meanwhile finds the name gone once they hold it, and opens the new one.
        if self.path is not None and _flock(fd, shared=False) and _same_file(fd, self.path):
            with contextlib.suppress(OSError):
                self.path.unlink()
        os.close(fd)  # the writers file is ours alone: closing it drops no SQLite lock

    def __enter__(self) -> Hold:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def hold_for_writing(project: Path, wait: float = RESTORE_WAIT_SECONDS) -> Hold:
    """A shared hold on `project` for a writer, waiting up to `wait` seconds while a restore runs.

    Raises `ProjectInUse` when a restore still holds it after that, `StoreError` when the writers
    file is a link. A folder where the file cannot be made (read-only) gives an empty hold: nobody
    can write the project there, nor restore it.
    """
    deadline = time.monotonic() + wait
    while True:
        hold = _hold_writers(project, shared=True)
        if hold is not None:
            return hold
        if time.monotonic() >= deadline:
            raise ProjectInUse(
                f"{path_shown(project)} is being restored by another Annotator; open it again once that is done"
            )
        time.sleep(0.05)


def hold_for_restore(project: Path) -> Hold:
    """The exclusive hold a restore takes before it moves `project` aside; raises `ProjectInUse`
    (nothing changed) while any writer — an import, a window, `preannotate`, `rules` — has it open."""
    hold = _hold_writers(project, shared=False)
    if hold is None:
        raise ProjectInUse(
            f"{path_shown(project)} is in use by another program (an import, a window or "
            "another command writing to it); "
            "let it finish, then restore again. Nothing was changed"
        )
    return hold


def _hold_writers(project: Path, *, shared: bool) -> Hold | None:
    """The writers file locked as asked, or None while someone holds it the other way."""
    if fcntl is None:
        return Hold(None)
    path = writers_path(project)
    for _ in range(100):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
        except OSError as exc:
            _refuse_link(path, project)
            if os.access(path.parent, os.W_OK):
                raise StoreError(f"{path_shown(project)}: cannot open {path_shown(path)} ({exc.strerror})") from exc
            return Hold(None)  # read-only: nobody writes or restores it there
        if not _regular(fd):
            os.close(fd)
            _refuse_link(path, project, "not a regular file")
        if not _flock(fd, shared=shared):
            os.close(fd)
            return None
        if _same_file(fd, path):
            return Hold(fd, path)
        os.close(fd)  # removed by the last holder while we waited: take the new one
    return None


def _flock(fd: int, *, shared: bool) -> bool:
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
