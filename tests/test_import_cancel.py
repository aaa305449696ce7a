"""A cancel stops an import at once, whatever the batch size: the batch being written is rolled back
(none of it is in), the batch being read is dropped, the committed ones stay, and the report says
cancelled; importing the same file again brings the rest, nothing twice. Both ways of reading
(here, and aside in a second process). The window imports in the command line's batches because of it."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.importing import run
from annotator.store import Store

TEXT = "Kyiv offered to halt strikes on energy infrastructure if Moscow agreed"


def tasks(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            spans = [{"start": 0, "end": 4, "label": "claim"}, {"start": 48, "end": 54, "label": "offer"}]
            out.write(json.dumps({"text": f"{TEXT} ({i}).", "meta": {"n": i}, "spans": spans}) + "\n")
    return path


@pytest.fixture(params=[False, True], ids=["read-here", "read-aside"])
def aside(request, monkeypatch) -> bool:
    monkeypatch.setattr(run, "worth_reading_aside", lambda files, fmt: request.param)
    return request.param


def cancel_when(condition) -> threading.Event:
    """A cancel as the window's: once pressed (here: when `condition()` first holds) it stays."""
    pressed = threading.Event()

    def cancelled() -> bool:
        if not pressed.is_set() and condition():
            pressed.set()
        return pressed.is_set()

    pressed.cancelled = cancelled  # type: ignore[attr-defined]
    return pressed


def project_state(db: Path) -> tuple[int, int, int, list, list]:
    with Store.open(db) as store:
        c = store.conn
        return (
            c.execute("SELECT count(*) FROM articles").fetchone()[0],
            c.execute("SELECT count(*) FROM statements").fetchone()[0],
            c.execute("SELECT count(*) FROM statement_labels").fetchone()[0],
            c.execute("PRAGMA foreign_key_check").fetchall(),
            c.execute("PRAGMA integrity_check").fetchall(),
        )


def cancelled_after_the_first_batch(tmp_path: Path, *, while_writing: bool):
    """3,000 tasks in batches of 1,000 into a new project; the cancel comes once the first batch is
    in: while the next one is written (`while_writing`), or before it is."""
    src = tasks(tmp_path / "tasks.jsonl", 3000)
    db = tmp_path / "p.sqlite"
    armed = threading.Event()
    with Store.create(db) as store:
        report = run.import_paths(
            store,
            [src],
            annotator="anna",
            batch_size=1000,
            progress=lambda n: armed.set(),
            cancelled=cancel_when(lambda: armed.is_set() and store.conn.in_transaction == while_writing).cancelled,
        )
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # the fresh batch's switch is back
    return src, db, report


def test_a_cancel_while_a_batch_is_written_rolls_that_batch_back_and_keeps_the_ones_before(tmp_path, aside):
    src, db, report = cancelled_after_the_first_batch(tmp_path, while_writing=True)
    assert report.cancelled
    assert report.counts.articles_added == 1000
    assert project_state(db) == (1000, 2000, 2000, [], [("ok",)])  # the first batch, whole; none of the second
    assert multiprocessing.active_children() == []

    with Store.open(db) as store:  # the same file again: the rest comes in, nothing twice
        again = run.import_paths(store, [src], annotator="anna", batch_size=1000)
    assert not again.cancelled and again.counts.articles_added == 2000
    assert project_state(db) == (3000, 6000, 6000, [], [("ok",)])


def test_a_cancel_between_batches_writes_nothing_more(tmp_path, aside):
    _, db, report = cancelled_after_the_first_batch(tmp_path, while_writing=False)
    assert report.cancelled and report.counts.articles_added == 1000
    assert project_state(db)[:3] == (1000, 2000, 2000)
    assert multiprocessing.active_children() == []


def test_a_cancel_before_anything_is_read_writes_nothing(tmp_path, aside):
    src = tasks(tmp_path / "tasks.jsonl", 50)
    with Store.create(tmp_path / "p.sqlite") as store:
        report = run.import_paths(store, [src], annotator="anna", cancelled=lambda: True)
    assert report.cancelled and report.counts.articles_added == 0
    assert project_state(tmp_path / "p.sqlite")[:3] == (0, 0, 0)


def test_a_cancel_does_not_wait_for_a_large_batch(tmp_path, aside):
    """The window's Cancel and its close: the import returns a small part of one batch's time after."""
    src = tasks(tmp_path / "tasks.jsonl", 40_000)
    stop = threading.Event()
    times: dict[str, float] = {}

    def first_batch_in(n: int) -> None:
        if "first" not in times:
            times["first"] = time.monotonic()
            threading.Timer(0.03, lambda: (times.setdefault("cancel", time.monotonic()), stop.set())).start()

    with Store.create(tmp_path / "p.sqlite") as store:
        started = time.monotonic()
        report = run.import_paths(
            store, [src], annotator="anna", batch_size=10_000, progress=first_batch_in, cancelled=stop.is_set
        )
        ended = time.monotonic()
    assert report.cancelled and report.counts.articles_added == 10_000
    one_batch = times["first"] - started  # reading and writing 10,000 records
    assert ended - times["cancel"] < one_batch / 4, (ended - times["cancel"], one_batch)


def test_ctrl_c_just_after_a_batch_is_saved_is_counted_in_what_the_import_says(tmp_path, monkeypatch, aside):
    """Ctrl-C in the instant between a batch's commit and its count said one batch fewer than the
    project held ("saved before it: 1000" of 2000). Now it is heard as a cancel: the batch is counted."""
    src = tasks(tmp_path / "tasks.jsonl", 3000)
    real = run._BatchWriter.write
    written: list[int] = []

    def committed_then_ctrl_c(self, batch):
        result = real(self, batch)
        written.append(1)
        if len(written) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # the second batch is in; its count is not added yet
        return result

    monkeypatch.setattr(run._BatchWriter, "write", committed_then_ctrl_c)
    with Store.create(tmp_path / "p.sqlite") as store:
        with pytest.raises(run.ImportInterrupted) as stopped:
            run.import_paths(store, [src], annotator="anna", batch_size=1000)
        held = store.stats()["articles"]
    assert held == 2000
    assert "saved before it: 2000 new articles" in str(stopped.value)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's own handler is back


@pytest.mark.parametrize("after", [0.3, 0.6, 1.2])
def test_ctrl_c_to_the_whole_command_early_or_late_ends_it_with_130_and_no_traceback(tmp_path, after):
    """A terminal sends Ctrl-C to every process of the command: the fork server starting up (it
    printed a traceback), the reader, and the command itself before its import began ("Aborted!", 1)."""
    src = tasks(tmp_path / "tasks.jsonl", 80_000)  # 8 MB or more: read aside, by a fork server started at once
    command = [sys.executable, "-m", "annotator", "--db", str(tmp_path / "p.sqlite"), "import", "--no-ner", str(src)]
    env = {**os.environ, "ANNOTATOR_READ_ASIDE": "1"}
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    time.sleep(after)
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert child.returncode in (0, 130), (child.returncode, err)  # 0: it had ended before the Ctrl-C
    if child.returncode == 130:
        assert err.startswith("interrupted"), err
        if (tmp_path / "p.sqlite").exists():
            with Store.open(tmp_path / "p.sqlite") as store:
                held = store.stats()["articles"]
            said = "nothing" if not held else f"{held} new articles"
            assert "saved before it" not in err or f"saved before it: {said}" in err, (held, err)
