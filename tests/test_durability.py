"""Nothing lost: kill -9, two writers at once, upgrades, damage, full disks and read-only files."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from annotator import settings
from annotator.cli import main
from annotator.records import Entity, IncomingRecord
from annotator.store import SCHEMA_VERSION, CorruptProjectError, Store, StoreError, backups
from annotator.store.schema import migrations


def corpus(path, n, prefix="article"):
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            spans = [{"start": 0, "end": len(prefix), "label": "claim"}]
            out.write(json.dumps({"text": f"{prefix} {i}: Kyiv and Moscow talk.", "spans": spans}) + "\n")
    return path


def annotator_cmd(db, *args):
    return [sys.executable, "-m", "annotator", "--db", str(db), *map(str, args)]


def counts(db):
    with Store.open(db) as store:
        assert store.integrity_check() == []
        return store.stats()["articles"], store.stats()["spans"]


@pytest.mark.slow
def test_import_killed_at_a_random_moment_then_rerun_gives_exactly_one_copy(tmp_path):
    src = corpus(tmp_path / "big.jsonl", 20_000)
    db = tmp_path / "p.annotator.sqlite"
    rng = random.Random(7)
    for _ in range(3):
        proc = subprocess.Popen(annotator_cmd(db, "import", "--no-ner", src), stderr=subprocess.DEVNULL)
        started = time.monotonic()  # a loaded machine may take seconds to start Python: kill only once it writes
        while not db.exists() and proc.poll() is None and time.monotonic() - started < 60:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.3, 1.7))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        articles, spans = counts(db)
        assert articles == spans and articles % settings.IMPORT_BATCH == 0  # whole batches only
    subprocess.run(annotator_cmd(db, "import", "--no-ner", src), check=True, capture_output=True)
    assert counts(db) == (20_000, 20_000)


@pytest.mark.slow
def test_two_imports_at_once_both_finish_and_nothing_is_lost(tmp_path):
    a = corpus(tmp_path / "a.jsonl", 5_000, "alpha")
    b = corpus(tmp_path / "b.jsonl", 5_000, "beta")
    db = tmp_path / "p.annotator.sqlite"
    procs = [
        subprocess.Popen(annotator_cmd(db, "import", "--no-ner", path), stderr=subprocess.PIPE, text=True)
        for path in (a, b)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "locked" not in err
    assert counts(db) == (10_000, 10_000)


def test_opening_an_older_project_backs_it_up_and_migrates(tmp_path):
    db = tmp_path / "old.annotator.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    import sqlite_utils

    migrations.apply(sqlite_utils.Database(conn), stop_before="m002_annotator_indexes")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO articles(hash, title, text, created_at) VALUES ('h', 't', 'Old text', 'then')")
    conn.execute("INSERT INTO entities(article_id, start, end, label, source) VALUES (1, 0, 3, 'GPE', 'user')")
    conn.close()
    with Store.open(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.articles.article(1).text == "Old text"
        assert store.entities.entities(1) == [Entity(0, 3, "GPE", "user")]
        indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(statements)")}
        assert "statements_annotator" in indexes
    saved = tmp_path / "old.annotator.sqlite.v1.bak"
    with sqlite3.connect(saved) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT text FROM articles").fetchone()[0] == "Old text"


def test_a_damaged_project_is_detected_left_as_it_was_and_restored_from_backup(tmp_path):
    db = tmp_path / "p.annotator.sqlite"
    with Store.create(db) as store:
        store.add_records([IncomingRecord("Saved before the damage.", "t", "s", 1)], "x")
        backups.make_backup(store)
    with db.open("r+b") as f:  # a disk error scribbles over the middle of the file
        f.seek(1500)
        f.write(b"\xde\xad" * 2000)
    for sidecar in ("-wal", "-shm"):
        db.with_name(db.name + sidecar).unlink(missing_ok=True)
    damaged = db.read_bytes()
    with pytest.raises(CorruptProjectError, match="left as it was"):
        Store.open(db, check=True)
    assert db.read_bytes() == damaged
    result = CliRunner().invoke(main, ["--db", str(db), "check"])
    assert result.exit_code == 1
    assert "damaged" in result.output and "restore" in result.output
    assert db.read_bytes() == damaged
    result = CliRunner().invoke(main, ["--db", str(db), "restore"])
    assert result.exit_code == 0, result.output
    aside = next(p for p in tmp_path.glob("p.annotator.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm")))
    assert aside.read_bytes() == damaged
    with Store.open(db) as store:
        assert store.articles.article(1).text == "Saved before the damage."
        assert store.quick_check() == []


def test_daily_backups_are_made_once_a_day_and_pruned(store):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(20):
        assert backups.daily_backup(store, keep_days=7, now=start + timedelta(days=day)) is not None
        assert backups.daily_backup(store, keep_days=7, now=start + timedelta(days=day, hours=3)) is None
    kept = backups.backups(store.path)
    assert 7 <= len(kept) <= 8
    with sqlite3.connect(kept[-1]) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_is_reported_and_a_retry_after_it_clears_succeeds(store):
    store.add_records([IncomingRecord("Kyiv offered a pause.", "t", "s", 1)], "x")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    big_note = "n" * 200_000
    with pytest.raises(StoreError, match="disk is full"):
        store.statements.set_statement(1, "anna", 0, 4, ["offer"], note=big_note)
    assert store.statements.statement_state(1, "anna", 0, 4) == ((), "")
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    store.statements.set_statement(1, "anna", 0, 4, ["offer"], note=big_note)
    assert store.statements.statement_state(1, "anna", 0, 4) == (("offer",), big_note)


def test_a_read_only_project_says_nothing_was_saved(store):
    store.add_records([IncomingRecord("Kyiv offered a pause.", "t", "s", 1)], "x")
    store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError, match=r"read-only|readonly"):
        store.statements.toggle_label(1, "anna", 0, 4, "offer")
    store.conn.execute("PRAGMA query_only = OFF")
    assert store.statements.toggle_label(1, "anna", 0, 4, "offer") is True


@pytest.mark.slow
def test_export_killed_midway_leaves_the_old_file_or_the_whole_new_one(tmp_path):
    db = tmp_path / "p.annotator.sqlite"
    subprocess.run(annotator_cmd(db, "import", "--no-ner", corpus(tmp_path / "c.jsonl", 30_000)), check=True)
    out = tmp_path / "out.jsonl"
    out.write_text('{"old": true}\n', encoding="utf-8")
    rng = random.Random(3)
    for _ in range(3):
        proc = subprocess.Popen(annotator_cmd(db, "export", out), stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines == ['{"old": true}'] or len(lines) == 30_000
