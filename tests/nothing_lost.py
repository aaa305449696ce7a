"""Helpers for the durability tests: projects with confirmed work, a look at a file that cannot
change it, the CLI in a child process (killed on purpose or not), peak memory of a child."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from annotator.records import IncomingRecord, Span
from annotator.store import Store

ROOT = Path(__file__).resolve().parent.parent


def labeled_project(path: Path, n: int = 20, prefix: str = "Article") -> Path:
    """A new project with `n` articles, each finished by anna with one confirmed label."""
    with Store.create(path) as store:
        store.add_records(
            [
                IncomingRecord(
                    f"{prefix} {i}: Kyiv offered a halt to strikes on energy infrastructure, officials said.",
                    f"{prefix} {i}",
                    "t",
                    i + 1,
                    spans=[Span(0, len(prefix), "offer")],
                    annotator="anna",
                    status="done",
                )
                for i in range(n)
            ],
            "importer",
        )
    return path


def confirm_in_wal(path: Path, article_id: int, label: str) -> None:
    """Confirm one more action from a process that then dies without closing: it is committed
    and lives only in the -wal until someone checkpoints it."""
    code = (
        "import os, sys\n"
        "from annotator.store import Store\n"
        "store = Store.open(sys.argv[1])\n"
        "store.statements.toggle_label(int(sys.argv[2]), 'anna', 0, 4, sys.argv[3])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(article_id), label], check=True, cwd=ROOT)


def labels(path: Path) -> int | None:
    """How many labels the project at `path` holds (its -wal included), read without changing
    it; None when it is not a sound project."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return None
        return conn.execute("SELECT count(*) FROM statement_labels").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def annotator(*args: object, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`annotator ARGS` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or dict(os.environ),
    )


def killed_at(event: str, part: object, n: int, *args: object, delay_ms: int = 0) -> subprocess.CompletedProcess:
    """`annotator ARGS`, killed with SIGKILL at the n-th `event` naming `part`, or `delay_ms` after
    it (see tests/kill_at.py)."""
    return subprocess.run(
        [sys.executable, "-m", "tests.kill_at", event, str(part), str(n), str(delay_ms), "--", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


#: Imports the files named after the new project's path into it, in a child capped at 2 GiB of
#: address space (a regression must not take the machine down), and prints what it did.
IMPORT_PROBE = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from annotator.importing.run import import_paths
from annotator.store import Store
with Store.create(Path(sys.argv[1])) as store:
    report = import_paths(store, [Path(p) for p in sys.argv[2:]], annotator="tester")
    print("ARTICLES", store.stats()["articles"])
for rejection in report.rejections:
    print("REJECTED", rejection)
"""


def peak_memory_mb(code: str, *args: object) -> tuple[float, str]:
    """Run `code` in a fresh Python and return (its peak resident memory in MB, its stdout).

    The child reads its own peak, VmHWM, at exit (resource.getrusage's ru_maxrss is the
    fallback: on Linux it would also count the parent's pages from before exec).
    """
    probe = (
        code
        + "\nimport resource as _r\n"
        + "try:\n"
        + "    _peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        + "except OSError:\n"
        + "    _peak = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss\n"
        + "print('PEAK_KB', _peak)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out, _, peak = done.stdout.rpartition("PEAK_KB ")
    return int(peak) / 1024, out


def page_size(path: Path) -> int:
    """The page size a project file says in its header (bytes 16-17, big-endian; 1 means 65536)."""
    with path.open("rb") as f:
        f.seek(16)
        size = int.from_bytes(f.read(2), "big")
    return 65536 if size == 1 else size


def scribble_on_second_page(path: Path) -> None:
    """A disk error over the project's second page (the first holds the schema and the header)."""
    with path.open("r+b") as f:
        f.seek(page_size(path) + 8)
        f.write(b"\xde\xad" * 2000)
