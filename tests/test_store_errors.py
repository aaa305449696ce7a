"""SQLite's errors are sorted by their error code, never by their wording: the known failures reach
the user as a message she can act on; anything else is a bug that escapes as it is (crash dialog,
traceback in the log)."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.records import IncomingRecord
from annotator.store import (
    CannotOpenError,
    CorruptProjectError,
    DiskError,
    DiskFullError,
    ProjectBusyError,
    ReadOnlyProjectError,
    Store,
    StoreError,
)
from annotator.store.errors import known_error, sqlite_error


def _error(code: int, text: str, kind: type[sqlite3.Error] = sqlite3.OperationalError) -> sqlite3.Error:
    """An error as SQLite raises it, for the codes no test can provoke on this machine."""
    exc = kind(text)
    exc.sqlite_errorcode = code
    exc.sqlite_errorname = "faked"
    return exc


@pytest.fixture
def project(store):
    store.add_records([IncomingRecord("Kyiv offered a pause.", "t", "s", 1)], "x")
    return store


def test_a_project_busy_in_another_program_says_try_again(project, db_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    project.conn.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(ProjectBusyError, match=r"busy in another program.*try again") as caught:
            project.statements.toggle_label(1, "anna", 0, 4, "offer")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.__cause__.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert project.statements.toggle_label(1, "anna", 0, 4, "offer") is True  # the retry works


def test_a_locked_table_is_busy_too(tmp_path):
    conn = sqlite3.connect(tmp_path / "locked.sqlite", isolation_level=None)
    conn.executescript("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);")
    reading = conn.execute("SELECT x FROM t")
    reading.fetchone()
    with pytest.raises(sqlite3.OperationalError) as real:  # a table dropped under its own reader
        conn.execute("DROP TABLE t")
    conn.close()
    assert real.value.sqlite_errorcode & 0xFF == sqlite3.SQLITE_LOCKED
    assert isinstance(known_error(real.value, tmp_path / "locked.sqlite"), ProjectBusyError)


def test_a_read_only_project_says_this_change_was_not_saved(project):
    project.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(ReadOnlyProjectError, match="read-only; this change was not saved") as caught:
        project.statements.toggle_label(1, "anna", 0, 4, "offer")
    assert caught.value.__cause__.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY


def test_a_full_disk_says_this_change_was_not_saved(project):
    pages = project.conn.execute("PRAGMA page_count").fetchone()[0]
    project.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFullError, match="the disk is full; this change was not saved") as caught:
        project.statements.set_statement(1, "anna", 0, 4, ["offer"], note="n" * 200_000)
    assert caught.value.__cause__.sqlite_errorcode == sqlite3.SQLITE_FULL
    assert project.statements.statement_state(1, "anna", 0, 4) == ((), "")  # nothing half-written


def test_a_file_of_garbage_is_damaged_with_the_way_back(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all " * 400)
    conn = sqlite3.connect(garbage)
    with pytest.raises(sqlite3.DatabaseError) as real:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert real.value.sqlite_errorcode == sqlite3.SQLITE_NOTADB
    error = known_error(real.value, garbage)
    assert isinstance(error, CorruptProjectError)
    assert "the project file is damaged" in str(error) and "restore" in str(error)


def test_a_file_that_cannot_be_opened_says_so(tmp_path):
    missing = tmp_path / "no such folder" / "p.sqlite"
    with pytest.raises(sqlite3.OperationalError) as real:
        sqlite3.connect(missing)
    assert real.value.sqlite_errorcode == sqlite3.SQLITE_CANTOPEN
    assert str(known_error(real.value, missing)).startswith(f"{missing}: cannot open the project file")


@pytest.mark.parametrize(
    ("code", "known", "says"),
    [
        (sqlite3.SQLITE_IOERR_WRITE, DiskError, "could not read or write the project file"),
        (sqlite3.SQLITE_IOERR, DiskError, "this change was not saved"),
        (sqlite3.SQLITE_CORRUPT, CorruptProjectError, "the project file is damaged"),
        (sqlite3.SQLITE_FULL, DiskFullError, "the disk is full"),
        (sqlite3.SQLITE_PERM, CannotOpenError, "refused access"),
        (sqlite3.SQLITE_BUSY_SNAPSHOT, ProjectBusyError, "busy in another program"),
    ],
)
def test_each_known_code_is_its_failure_whatever_sqlite_s_wording(tmp_path, code, known, says):
    error = known_error(_error(code, "some wording that names nothing"), tmp_path / "p.sqlite")
    assert type(error) is known and says in str(error)


def test_an_error_whose_wording_sounds_known_but_whose_code_is_not_is_a_bug(tmp_path):
    bug = _error(sqlite3.SQLITE_CONSTRAINT, "database or disk is full, readonly, locked", sqlite3.IntegrityError)
    assert sqlite_error(bug, tmp_path / "p.sqlite") is None
    with pytest.raises(sqlite3.IntegrityError) as raised:
        known_error(bug, tmp_path / "p.sqlite")
    assert raised.value is bug


def test_a_bug_in_a_write_escapes_unchanged_and_nothing_is_written(project):
    with pytest.raises(sqlite3.OperationalError, match="no such table") as raised, project.write():
        project.conn.execute("INSERT INTO annotators(name, kind, created_at) VALUES ('ghost', 'human', 'now')")
        project.conn.execute("SELECT * FROM no_such_table")
    assert not isinstance(raised.value, StoreError)
    assert "ghost" not in project.layers.annotators()


def test_a_bug_escaping_a_with_block_still_closes_the_project(db_path):
    Store.create(db_path).close()
    with pytest.raises(sqlite3.OperationalError, match="no such table"), Store.open(db_path) as store:
        store.conn.execute("SELECT * FROM no_such_table")
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        store.conn.execute("SELECT 1")
