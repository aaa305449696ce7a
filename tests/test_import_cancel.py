"""A cancel stops an import at once, whatever the batch size: the batch being written is rolled back
(none of it is in), the batch being read is dropped, the committed ones stay, and the report says
cancelled; importing the same file again brings the rest, nothing twice. Both ways of reading
(here, and aside in a second process). The window imports in the command line's batches because of it."""

from __future__ import annotations

import json
import multiprocessing
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
