"""Found driving the real window: a second Store opened in the window's process (every background
task opens one) read the project's header with a plain open()/close(). POSIX drops all of a
process's locks on a file when any descriptor of it closes, so SQLite's locks went with it; the
next program that closed a connection to the project took itself for the last one and deleted
the -wal the window was still writing to. The window said "saved"; nobody else could see the
work, and a crash would have lost it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotator.records import IncomingRecord
from annotator.store import Store
from annotator.store.files import check_header, sidecar
from annotator.store.teammate import TeammateFile

READ = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "print(c.execute('SELECT count(*) FROM statements').fetchone()[0]); c.close()"
)


def statements_seen_by_another_program(path: Path) -> int:
    out = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_work_saved_while_background_tasks_open_the_project_stays_visible_to_other_programs(tmp_path):
    path = tmp_path / "p.annotator.sqlite"
    with Store.create(path) as store:
        store.add_records([IncomingRecord("Kyiv offered talks. Moscow said no.", "t", "x", 1)], "importer")
    window = Store.open(path)
    try:
        window.statements.set_statement(1, "anna", 0, 19, ["offer"])
        assert statements_seen_by_another_program(path) == 1
        Store.open(path, readonly=True).close()  # a background task's own Store, in the same process
        check_header(path)  # and any other look at the file from this process
        with TeammateFile.open(path, max_value_bytes=1 << 20, seconds=10):  # merged into another project
            pass
        assert statements_seen_by_another_program(path) == 1
        window.statements.set_statement(1, "anna", 20, 35, ["denial"])
        assert sidecar(path, "-wal").exists(), "another program's connection deleted the window's -wal"
        assert statements_seen_by_another_program(path) == 2
    finally:
        window.close()
    assert statements_seen_by_another_program(path) == 2
