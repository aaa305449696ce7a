"""Write a file (or a folder of files) so that a crash leaves either the old one or the complete new one.

The temporary file is `.NAME.PID.XXXXXXXX.tmp` beside NAME; one left by a process that no
longer runs (an export killed mid-way) is removed by the next write of NAME. A folder
(`atomic_folder`, brat's export, `train --output`) is written the same way and swapped in by one
atomic exchange (Linux `renameat2`), elsewhere by two renames: a crash between them leaves the old
folder beside, as `.NAME.PID.old`, which the next write puts back (`restore_aside`) before anything.
Every folder written so carries a small marker file, `.annotator-export` (`FOLDER_MARKER`): only
a folder holding it was written by us, and only such a folder may later be replaced
(`exporting.check_folder`) — a folder of the user's own `.txt`/`.ann` files never is.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from annotator.text import path_shown

#: The marker file an exported folder carries, and the first line it holds.
FOLDER_MARKER = ".annotator-export"
MARKER_HEADER = "Annotator export folder"

#: Where the process id cannot be checked (not POSIX), a temporary file this old is taken as left over.
STALE_SECONDS = 24 * 3600


class NotARegularFile(OSError):
    """The path names a device, pipe, socket or folder: a write would replace it with a file."""


def written_file(path: str | Path) -> Path:
    """The file a write of `path` replaces: `path`, or the file a link there points to (a link is
    written through, never swapped for a file of its own). Raises `NotARegularFile` when that is a
    device, pipe, socket or folder: the rename that makes a write atomic would put a plain file in
    its place (`/dev/full` or a FIFO replaced by a file, for every program that uses it)."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "a device, pipe or socket"
        raise NotARegularFile(
            f"{path_shown(path)} is not a regular file ({kind}): a write would replace it; give a file name"
            + ("" if path.is_dir() else ", or - for standard output")
        )
    return path


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Yield a handle to a temporary file beside `path`; on success fsync and rename it into place.

    `-` means standard output (written directly); a link is written through, a device, pipe or
    socket refused (`written_file`). On any error the temporary file is removed and `path` is
    untouched.
    """
    if str(path) == "-":
        with _standard_output("b" in mode) as handle:
            yield handle
            handle.flush()  # a full disk or a closed pipe shows here, not at the interpreter's exit
        return
    path = written_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


@contextlib.contextmanager
def _standard_output(binary: bool) -> Iterator[IO]:
    """Standard output for an export: its bytes, or text written as UTF-8 with LF line ends, as a
    file export is, whatever Python's own choice for it (on Windows, redirected to a file or a
    pipe, that is the ANSI code page, cp1252, which cannot hold a Cyrillic text, with CR LF ends)."""
    raw = getattr(sys.stdout, "buffer", None)
    if binary or raw is None:  # no bytes beneath it: a test's or an embedding program's stream
        yield sys.stdout.buffer if binary else sys.stdout
        return
    sys.stdout.flush()
    handle = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    try:
        yield handle
    finally:
        with contextlib.suppress(ValueError, OSError):  # a closed pipe: the export's own error says so
            handle.detach()  # flushed first; standard output stays open for what is printed after


@contextlib.contextmanager
def atomic_folder(path: str | Path, what: str = "") -> Iterator[Path]:
    """Yield a temporary folder beside `path` to fill; on success add the `FOLDER_MARKER` (naming
    `what` was exported), fsync its files and put it in place of `path` (an old folder there is
    moved aside, then removed). On any error the temporary folder is removed and `path` is
    untouched. The caller checks that `path` may be replaced (`is_our_folder`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    restore_aside(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        marker = f"{MARKER_HEADER}\n{what}\nThis folder is replaced whole by the next write to it.\n"
        (tmp / FOLDER_MARKER).write_text(marker, encoding="utf-8", newline="\n")
        for item in sorted(tmp.rglob("*"), reverse=True):  # files and sub-folders (a spaCy pipeline's)
            if item.is_dir():
                _fsync_dir(item)
            elif item.is_file():
                with item.open("rb") as handle:
                    os.fsync(handle.fileno())
        _fsync_dir(tmp)
        if path.exists() and _exchange(tmp, path):
            _fsync_dir(path.parent)
            shutil.rmtree(tmp, ignore_errors=True)  # the old folder, now under the temporary name
            return
        aside = path.with_name(f".{path.name}.{os.getpid()}.old")
        if path.exists():
            os.replace(path, aside)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        shutil.rmtree(aside, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def restore_aside(path: Path) -> Path | None:
    """Put back the folder an earlier write of `path` moved aside (`.NAME.PID.old`) when that
    write died before the new folder took its place and `path` is missing; returns it."""
    if path.exists() or path.is_symlink():
        return None
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)\.old")
    try:
        candidates = sorted(path.parent.iterdir())
    except OSError:
        return None
    for item in candidates:
        match = pattern.fullmatch(item.name)
        if match and item.is_dir() and not item.is_symlink() and _left_over(item, int(match.group(1))):
            os.replace(item, path)
            return path
    return None


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def is_our_folder(path: Path) -> bool:
    """Whether the folder `path` carries the marker of an earlier folder export (a regular file,
    not a link, starting with `MARKER_HEADER`)."""
    marker = path / FOLDER_MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        with marker.open("rb") as handle:
            return handle.read(len(MARKER_HEADER)) == MARKER_HEADER.encode()
    except OSError:
        return False


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files of earlier writes of `path` whose process has ended; returns them.

    A temporary file of a write still running (in this or another process) is left alone.
    """
    # exactly the names `tempfile.mkstemp`/`mkdtemp` give here: 8 characters of its alphabet
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.tmp")
    removed = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return []
    for item in candidates:
        match = pattern.fullmatch(item.name)
        if match is None or not _left_over(item, int(match.group(1)) if match.group(1) else None):
            continue
        with contextlib.suppress(FileNotFoundError):
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)  # a folder export's
            else:
                item.unlink()
            removed.append(item)
    return removed


def _left_over(item: Path, pid: int | None) -> bool:
    if pid is not None and os.name == "posix":
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # it exists, under another user
        return False
    try:
        return time.time() - item.stat().st_mtime > STALE_SECONDS
    except OSError:
        return False


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what a plain `open()` would give (mkstemp's 0600 is too tight)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
