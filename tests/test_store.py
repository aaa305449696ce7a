import sqlite3

import pytest

from annotator.records import IncomingRecord, Span
from annotator.store import SCHEMA_VERSION, CorruptProjectError, NewerSchemaError, Store


def test_project_is_opened_for_durability(store):
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.schema_version() == SCHEMA_VERSION


def test_a_failed_write_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError), store.write():
        store.conn.execute(
            "INSERT INTO annotators(name, created_at) VALUES ('ghost', 'now')",
        )
        raise RuntimeError("crash mid-action")
    assert "ghost" not in store.layers.annotators()


def test_each_record_batch_is_committed_for_other_readers(store, db_path):
    store.add_records([IncomingRecord("Putin spoke.", "t", "s", 1, spans=[Span(0, 5, "claim")])], "ann")
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT count(*) FROM statement_labels").fetchone()[0] == 1


def test_project_from_a_newer_version_is_refused_and_left_untouched(db_path):
    Store.create(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer Annotator"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_a_project_gives_a_clear_error(db_path):
    db_path.write_bytes(b"this is not sqlite" * 100)
    before = db_path.read_bytes()
    with pytest.raises(CorruptProjectError, match="damaged"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_label_scheme_and_settings_persist(db_path):
    from annotator.records import Label

    with Store.create(db_path) as s:
        assert s.schemes.label_scheme() is None
        s.schemes.set_label_scheme([Label("offer", "#336699", "1", "Someone offers something")])
        s.set_setting("pipeline", "rules")
    with Store.open(db_path) as s:
        assert s.schemes.label_scheme()[0].name == "offer"
        assert s.get_setting("pipeline") == "rules"
