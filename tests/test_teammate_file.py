"""A teammate's project file is untrusted input: read-only and immutable, never migrated or
written, only real tables of a schema we know, bounded in time and memory, every row validated
like a JSONL record (FILE:ID: reason, the rest comes in), no bad row in our project."""

import contextlib
import json
import os
import re
import signal
import sqlite3
import threading
import time

import pytest
import sqlite_utils

from annotator.store.schema import SCHEMA_VERSION, migrations
from tests.nothing_lost import IMPORT_PROBE, labeled_project, peak_memory_mb


def run_import(cli, *paths):
    result = cli("import", "--no-ner", *paths)
    assert "Traceback" not in result.output
    return result


@contextlib.contextmanager
def tampered(path):
    """A raw connection that stores anything anywhere, as whoever crafts a file can: NOT NULL,
    CHECK and column types are lifted while it is open, and the schema's text is put back after."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    original = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").fetchall()
    conn.execute("PRAGMA writable_schema = ON")
    for name, sql in original:
        loose = re.sub(r"\b(TEXT|INTEGER)\b(?! PRIMARY KEY)", "", sql.replace("NOT NULL", ""))
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (loose, name))
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield conn
    finally:
        conn.execute("PRAGMA writable_schema = ON")
        for name, sql in original:
            conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (sql, name))
        conn.close()


def add_article(conn, article_id, text="Kyiv offered a halt.", meta="{}", title="t"):
    conn.execute(
        "INSERT INTO articles(id, hash, title, text, source, meta, created_at) VALUES (?, ?, ?, ?, 'wire', ?, 'then')",
        (article_id, f"h{article_id}", title, text, meta),
    )


def add_labels(conn, article_id, annotator_id=1, label="offer", status="done"):
    conn.execute(
        "INSERT INTO statements(article_id, annotator_id, start, end, note, created_at, updated_at) "
        "VALUES (?, ?, 0, 4, '', 'then', 'then')",
        (article_id, annotator_id),
    )
    sid = conn.execute("SELECT max(id) FROM statements").fetchone()[0]
    conn.execute("INSERT INTO statement_labels VALUES (?, ?, 'then')", (sid, label))
    conn.execute("INSERT INTO article_status VALUES (?, ?, ?, 'then')", (article_id, annotator_id, status))


@pytest.fixture
def hostile(tmp_path):
    return hostile_file(tmp_path / "anna.annotator.sqlite")


def hostile_file(path):
    """Anna's project file: two good articles among rows no export could have written."""
    with sqlite3.connect(path):
        pass
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m004_preannotation_failures")  # a file of schema 3, as it was made
    db.conn.execute("PRAGMA user_version = 3")
    db.conn.commit()
    db.close()
    with tampered(path) as conn:
        conn.execute("INSERT INTO annotators VALUES (1, 'anna', 'then'), (2, X'ff00', 'then')")
        add_article(conn, 1, "Kyiv offered a halt to strikes.")
        add_labels(conn, 1)
        add_article(conn, 2, None)
        add_article(conn, 3, 42)
        add_article(conn, 4, b"\x89PNG\r\n")
        conn.execute("INSERT INTO articles VALUES (5, 'h5', 't', CAST(X'4b79c0' AS TEXT), 'wire', '{}', NULL, 'x')")
        add_article(conn, 6, "Moscow said no.", meta="{not json")
        add_article(conn, 7, "Moscow said no again.", meta="[1, 2]")
        add_article(conn, 8, "Ankara offered talks.")
        add_labels(conn, 8)
        add_article(conn, 9, "Kyiv asked for a pause.")
        add_labels(conn, 9, status="weird")
        add_article(conn, 10, "Kyiv denied it.")
        conn.execute("INSERT INTO entities VALUES (10, 0, 4, 'GPE', 'alien')")
        add_article(conn, 11, "Kyiv demanded guarantees.")
        add_labels(conn, 11, label=b"\xff")
        add_article(conn, 12, "Kyiv offered more.")
        add_labels(conn, 12, annotator_id=2)
        add_article(conn, 13, "Kyiv offered a halt.", meta='{"n": 1e999}')
        add_article(conn, 14, "Kyiv offered a pause.", meta='{"n": ' * 5000 + "1" + "}" * 5000)
    return path


EXPECTED = {
    2: "text must be text, got NULL",
    3: "text must be text, got an integer",
    4: "text must be text, got a blob of 6 bytes",
    5: "text is not valid UTF-8 (byte 0xc0 at 2)",
    6: '"meta" is not valid JSON: Expecting property name enclosed in double quotes at column 2',
    7: '"meta" must be an object, got a list',
    9: "\"_status\" must be one of new, in_progress, done, got 'weird'",
    10: "entity 0's source must be 'model' or 'user', got 'alien'",
    11: "span 0's label must be text, got a blob of 1 bytes",
    12: "annotator name must be text, got a blob of 2 bytes",
    13: '"meta" has inf, which is not a JSON number',
    14: '"meta" is not valid JSON: nested too deeply',  # the parser's own words were cut mid-word
}


def test_every_bad_row_of_a_teammates_file_is_named_and_the_rest_comes_in(cli, db_path, hostile, tmp_path):
    before = hostile.read_bytes()
    result = run_import(cli, hostile)
    assert result.exit_code == 1
    for article_id, reason in EXPECTED.items():
        line = next((x for x in result.stderr.splitlines() if x.startswith(f"{hostile}:{article_id}: ")), "")
        assert f"article {article_id}" in line and reason in line, (article_id, result.stderr)
    assert str(db_path) not in result.stderr  # the teammate's file is named, never our project
    assert hostile.read_bytes() == before
    stats = json.loads(cli("stats", "--json").output)
    assert stats["articles"] == 2 and stats["spans"] == 2 and stats["annotators"] == ["anna"]
    assert cli("export", tmp_path / "out.jsonl").exit_code == 0  # nothing that breaks an export got in


def older_teammate_file(path):
    """A schema-1 project with a trigger that would fire when a migration records itself."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m002_annotator_indexes")
    db.conn.execute("PRAGMA user_version = 1")
    db.conn.execute("INSERT INTO articles(hash, title, text, created_at) VALUES ('h', 't', 'Kyiv offered.', 'x')")
    db.conn.execute("INSERT INTO entities(article_id, start, end, label, source) VALUES (1, 0, 4, 'GPE', 'user')")
    db.conn.execute(
        "CREATE TRIGGER planted AFTER INSERT ON _sqlite_migrations "
        "BEGIN INSERT INTO settings(key, value) VALUES ('planted', 'ran'); END"
    )
    db.conn.commit()
    db.close()
    return path


def test_an_older_teammates_file_is_read_as_it_is_never_migrated_or_written(cli, db_path, tmp_path):
    other = older_teammate_file(tmp_path / "old.annotator.sqlite")
    before = other.read_bytes()
    result = run_import(cli, other)
    assert result.exit_code == 0, result.output
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("old")) == ["old.annotator.sqlite"]
    stats = json.loads(cli("stats", "--json").output)
    assert stats["articles"] == 1 and stats["entities"] == 1


def with_articles_replaced(path, table_sql):
    labeled_project(path, 2)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE statements")
    conn.execute(table_sql)
    conn.close()
    return path


#: A view with an endless recursive CTE where the statements table should be: it hung the import
#: (Ctrl+C ignored) and another such file allocated 8.6 GB.
ENDLESS_VIEW = (
    "CREATE VIEW statements AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT i AS id, 1 AS article_id, 1 AS annotator_id, 0 AS start, 4 AS end, printf('%.*c', i, 'x') AS note, "
    "'' AS created_at, '' AS updated_at FROM n"
)
#: A real table whose note is computed on read: 500 MB for each row.
GENERATED_BOMB = (
    "CREATE TABLE statements (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, annotator_id INTEGER NOT NULL, "
    "start INTEGER NOT NULL, end INTEGER NOT NULL, "
    "note TEXT GENERATED ALWAYS AS (printf('%.*c', 500000000, 'x')) VIRTUAL, "
    "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
)


@pytest.mark.parametrize(
    ("table_sql", "reason"),
    [
        (ENDLESS_VIEW, "statements is a view, where an Annotator project has a table"),
        (GENERATED_BOMB, f"the statements table does not have the columns of schema {SCHEMA_VERSION}"),
    ],
    ids=["endless view", "generated column"],
)
def test_a_crafted_teammates_file_is_refused_at_once_in_bounded_memory(tmp_path, table_sql, reason):
    other = with_articles_replaced(tmp_path / "crafted.annotator.sqlite", table_sql)
    before = other.read_bytes()
    started = time.monotonic()
    peak, out = peak_memory_mb(IMPORT_PROBE, tmp_path / "p.annotator.sqlite", other)
    assert time.monotonic() - started < 30
    assert f"REJECTED {other}:1: refused: {reason}" in out
    assert "ARTICLES 0" in out
    assert peak < 512, f"{peak:.0f} MB"
    assert other.read_bytes() == before


def test_a_value_longer_than_an_article_may_be_costs_only_its_article(tmp_path):
    other = labeled_project(tmp_path / "big.annotator.sqlite", 2)
    with sqlite3.connect(other) as conn:
        conn.execute("UPDATE articles SET text = printf('%.*c', 200000000, 'x') WHERE id = 2")
    conn.close()
    peak, out = peak_memory_mb(IMPORT_PROBE, tmp_path / "p.annotator.sqlite", other)
    assert f"REJECTED {other}:2: article 2: a value is longer than an article may be" in out
    assert "ARTICLES 1" in out
    assert peak < 512, f"{peak:.0f} MB"


def test_a_read_that_outlasts_its_time_budget_is_refused(cli, tmp_path, monkeypatch):
    from annotator.formats import project_file
    from annotator.store import teammate

    other = labeled_project(tmp_path / "slow.annotator.sqlite", 50)
    monkeypatch.setattr(project_file, "SECONDS_BASE", 0)
    monkeypatch.setattr(project_file, "SECONDS_PER_MB", 0)
    monkeypatch.setattr(project_file, "SECONDS_PER_ARTICLE", 0)
    monkeypatch.setattr(teammate, "PROGRESS_STEPS", 1)
    result = run_import(cli, other)
    assert result.exit_code == 1
    assert f"{other}:1: reading it took longer than 0 s" in result.stderr


def test_the_time_budget_grows_with_the_articles_a_file_holds(cli, tmp_path, monkeypatch):
    """A work package of 20,000 articles came back cut short on a busy machine: the budget of its
    size alone was too small for its ~8 queries per article."""
    from annotator.formats import project_file
    from annotator.store.teammate import TeammateFile

    opened = []

    class Watched(TeammateFile):
        @classmethod
        def open(cls, path, **kwargs):
            opened.append(super().open(path, **kwargs))
            return opened[-1]

    monkeypatch.setattr(project_file, "TeammateFile", Watched)
    monkeypatch.setattr(project_file, "SECONDS_PER_MB", 0)
    other = labeled_project(tmp_path / "many.annotator.sqlite", 50)
    assert run_import(cli, other).exit_code == 0
    (file,) = opened
    assert file._guard.seconds == project_file.SECONDS_BASE + 50 * project_file.SECONDS_PER_ARTICLE


def test_ctrl_c_stops_a_long_read_at_once():
    from annotator.store.teammate import ReadGuard

    conn = sqlite3.connect(":memory:")
    guard = ReadGuard(seconds=600)
    conn.set_progress_handler(guard, 1000)
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        guard.run(lambda: conn.execute(endless).fetchone())
    assert time.monotonic() - started < 5
    conn.close()


def test_a_teammates_file_still_open_elsewhere_is_named_not_read_stale(cli, tmp_path):
    from tests.nothing_lost import confirm_in_wal

    other = labeled_project(tmp_path / "open.annotator.sqlite", 2)
    confirm_in_wal(other, 1, "denial")
    result = run_import(cli, other)
    assert result.exit_code == 1
    assert f"{other}:1: its latest changes are still in open.annotator.sqlite-wal" in result.stderr


def test_a_model_layer_in_a_teammates_file_comes_in_as_a_models_output(cli, db_path, tmp_path):
    """A layer the teammate's file marks as a model's output (kind 'model') stays a model's output
    in our project: kept apart under `model:<version>`, never counted as a person's work."""
    theirs = labeled_project(tmp_path / "theirs.annotator.sqlite", n=3)
    conn = sqlite3.connect(theirs)
    conn.execute("UPDATE annotators SET name = 'spancat-v3', kind = 'model' WHERE name = 'anna'")
    conn.commit()
    conn.close()
    result = run_import(cli, theirs)
    assert result.exit_code == 0, result.output
    ours = sqlite3.connect(db_path)
    try:
        kinds = dict(ours.execute("SELECT name, kind FROM annotators"))
    finally:
        ours.close()
    assert kinds.get("model:spancat-v3") == "model"
    assert "spancat-v3" not in kinds


def test_articles_are_read_in_chunks_and_only_the_unreadable_one_is_named(tmp_path):
    """Articles are read a chunk at a time; one SQLite cannot hand out (a value over the limit)
    is named alone, every other article of its chunk and the next still comes, in id order."""
    from annotator.store.teammate import CHUNK_ARTICLES, RawArticle, TeammateFile, Unreadable

    n = CHUNK_ARTICLES + 50
    path = labeled_project(tmp_path / "theirs.annotator.sqlite", n=n)
    conn = sqlite3.connect(path)
    (bad,) = conn.execute("SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET 100").fetchone()
    conn.execute("UPDATE articles SET text = ? WHERE id = ?", ("x" * 5000, bad))
    conn.commit()
    conn.close()
    with TeammateFile.open(path, max_value_bytes=4000, seconds=60.0) as other:
        read = list(other.articles())
    assert [a.id for a in read] == sorted(a.id for a in read) and len(read) == n
    assert [a.id for a in read if isinstance(a, Unreadable)] == [bad]
    good = [a for a in read if isinstance(a, RawArticle)]
    assert all(len(a.layers) == 1 and a.layers[0].spans for a in good)  # anna's label on each
