"""What a new project finds where it is to be made: a -wal and -shm with no project beside them.

SQLite removes both when the last connection to a project closes, so they outlive it only when
a program died, still has the project open (deleted under it), or only read it (a read-only look
cannot remove the empty pair SQLite made for it, and never opens a project for writing to do so:
`files.connect_readonly`). `clear_leftover_sidecars` tells work from nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.store.errors import StoreError
from annotator.store.files import held_at, sidecar
from annotator.text import path_shown


def clear_leftover_sidecars(path: Path) -> list[Path]:
    """Before a project is made at `path`, where no file is: remove a -wal of 0 bytes and the -shm
    beside it (returned), which hold nobody's work (a read-only look, `stats` say, left them
    beside a project the user has since deleted). A -wal that holds changes is the work of a project
    moved or deleted, and is refused; so are files a program still has open (a window on the
    deleted project would, on closing, delete the new project's -wal by its name)."""
    wal, shm = sidecar(path, "-wal"), sidecar(path, "-shm")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"{path_shown(path)}: {path_shown(wal.name)} is beside it without its project file (moved or deleted?); "
            "it may hold someone's work. Move it away before creating a project here."
        )
    found = [p for p in (wal, shm) if p.exists()]
    if not found:
        return []
    try:
        if not _shm_in_use(path, shm):
            for leftover in found:
                if path.exists():  # another process made the project meanwhile: its files now
                    return []
                leftover.unlink(missing_ok=True)
            return found
    except OSError:  # Windows will not remove a file a program holds open
        pass
    raise StoreError(
        f"{path_shown(path)}: {path_shown(found[0].name)} is beside it and a program may still have it open "
        "(a window on a project of this name?); close that program, or move the file away, "
        "before creating a project here."
    )


def _shm_in_use(path: Path, shm: Path) -> bool:
    """Whether a connection has the -shm open through SQLite. Another process's holds a shared lock
    on its "dead man switch" byte (128 on POSIX) for as long as it is open, which SQLite itself tests
    to learn whether it is the first; elsewhere, removing a file in use fails instead. This
    process's own are known by name (`held_at`): opening the -shm and closing it would drop their locks."""
    if held_at(path):
        return True
    if os.name != "posix" or not shm.exists():
        return False
    import fcntl

    fd = os.open(shm, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DEAD_MAN_SWITCH)
    except OSError:
        return True
    finally:
        os.close(fd)  # the lock taken, if any, goes with it
    return False


#: The byte of a -shm file every connection to it holds a shared lock on (SQLite's `UNIX_SHM_DMS`).
_SHM_DEAD_MAN_SWITCH = 128
