"""Backups you can restore: a backup is a checked copy or nothing, a restore brings back the newest
backup that passes the check, touches nothing before it has one, and never runs under a window."""

import shlex
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import SCHEMA_VERSION, Store, backups
from tests.nothing_lost import (
    ROOT,
    annotator,
    confirm_in_wal,
    killed_at,
    labeled_project,
    labels,
    scribble_on_second_page,
)


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def damage(project):
    """A disk error scribbles over one of the project's pages (its -wal checkpointed first)."""
    with sqlite3.connect(project) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    scribble_on_second_page(project)


def sound_backups(project):
    return [(path.name, labels(path)) for path in backups.backups(project)]


@pytest.fixture
def project(tmp_path):
    return labeled_project(tmp_path / "p.annotator.sqlite", 20)


@pytest.mark.parametrize(
    ("event", "delay_ms"),
    [("sqlite3.connect", 0), ("sqlite3.connect", 40), ("os.rename", 0)],
    ids=["killed as the copy starts", "killed while copying", "killed before the rename"],
)
def test_a_backup_killed_halfway_never_becomes_the_latest_backup(tmp_path, event, delay_ms):
    project = labeled_project(tmp_path / "p.annotator.sqlite", 3000)  # large enough to be caught copying
    assert run(project, "backup").exit_code == 0
    with Store.open(project) as store:
        store.statements.toggle_label(1, "ben", 0, 7, "offer")
    killed = killed_at(event, backups.backup_dir(project), 1, "--db", project, "backup", delay_ms=delay_ms)
    assert killed.returncode == -9
    counts = [count for _, count in sound_backups(project)]
    # no partial copy under a backup's name: only the old one, or (killed just after) the whole new one too
    assert counts == [3000] or (delay_ms and counts == [3000, 3001])

    restored = run(project, "restore")
    assert restored.exit_code == 0, restored.output
    assert f"from {backups.backups(project)[-1]}" in restored.output
    assert labels(project) == counts[-1]

    assert run(project, "backup").exit_code == 0  # the next backup clears what the killed one left
    assert not list(backups.backup_dir(project).glob(".*"))


def test_backing_up_a_damaged_project_is_refused_and_the_good_backup_stays_the_newest(project):
    assert run(project, "backup").exit_code == 0
    damage(project)
    damaged = project.read_bytes()
    result = run(project, "backup")
    assert result.exit_code == 1
    assert "not backed up" in result.output and "damaged" in result.output
    assert f"annotator --db {shlex.quote(str(project))} restore" in result.output
    assert sound_backups(project) == [(backups.backups(project)[0].name, 20)]
    assert project.read_bytes() == damaged

    assert run(project, "restore").exit_code == 0
    assert run(project, "check").exit_code == 0
    assert labels(project) == 20


def test_restore_names_each_backup_it_skips_once_without_advice_about_the_backup(project):
    assert run(project, "backup").exit_code == 0
    good = backups.backups(project)[-1]
    bad = backups.backup_dir(project) / "29990102T000000000000Z.annotator.sqlite"
    bad.write_bytes(good.read_bytes()[:8192])  # cut short: "the project file is damaged"
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", project, "restore"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(str(bad)) == 1, done.stderr  # was named twice (a log line, then "skipped")
    assert f"skipped {bad}: " in done.stderr
    assert "Restore the latest backup with" not in done.stderr  # advice to restore a backup of a backup


def test_restore_picks_the_newest_backup_that_passes_the_check_and_says_which(project):
    assert run(project, "backup").exit_code == 0
    with Store.open(project) as store:
        store.statements.toggle_label(1, "ben", 0, 7, "offer")
    assert run(project, "backup").exit_code == 0
    good = backups.backups(project)[-1]
    folder = backups.backup_dir(project)
    # what older versions or a full disk could leave under a backup's name: empty, cut short, damaged
    (folder / "29990101T000000000000Z.annotator.sqlite").write_bytes(b"")
    (folder / "29990102T000000000000Z.annotator.sqlite").write_bytes(good.read_bytes()[:8192])
    newest = folder / "29990103T000000000000Z.annotator.sqlite"
    newest.write_bytes(good.read_bytes())
    damage(newest)

    result = run(project, "restore")
    assert result.exit_code == 0, result.output
    assert f"skipped {newest}: " in result.output and "damaged" in result.output
    assert f"restored {project} from {good} (checked)" in result.output
    assert labels(project) == 21


NOT_BACKUPS = {
    "a text file": lambda p: p.write_text("hello\n"),
    "an empty file": lambda p: p.write_bytes(b""),
    "another program's SQLite file": lambda p: sqlite3.connect(p).execute("CREATE TABLE stock(n)").connection.close(),
    "a damaged backup": lambda p: (labeled_project(p, 3), damage(p)),
    "a newer Annotator's project": lambda p: (
        labeled_project(p, 3),
        sqlite3.connect(p).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}").connection.close(),
    ),
}


@pytest.mark.parametrize("kind", NOT_BACKUPS)
def test_restore_from_something_that_is_no_good_backup_changes_nothing(project, tmp_path, kind):
    source = tmp_path / "from.annotator.sqlite"
    NOT_BACKUPS[kind](source)
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = run(project, "restore", "--from", source)
    assert result.exit_code == 1
    assert f"cannot restore from {source}: " in result.output and "nothing was changed" in result.output
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in before} == before
    assert not list(tmp_path.glob("*.damaged-*")) and not list(tmp_path.glob(".*"))
    assert labels(project) == 20


def test_restore_from_the_project_itself_is_refused(project):
    result = run(project, "restore", "--from", project)
    assert result.exit_code == 1 and "this is the project itself" in result.output
    assert labels(project) == 20


def test_restore_from_a_good_file_keeps_the_old_project_aside_with_its_wal(project, tmp_path):
    other = labeled_project(tmp_path / "other.annotator.sqlite", 5)
    confirm_in_wal(project, 1, "denial")  # 21 labels, the last one only in the -wal
    result = run(project, "restore", "--from", other)
    assert result.exit_code == 0, result.output
    assert labels(project) == 5
    # a sound project is kept as before-restore, never named damaged
    assert not list(tmp_path.glob("*.damaged-*"))
    aside = next(
        p for p in tmp_path.glob("p.annotator.sqlite.before-restore-*") if not p.name.endswith(("-wal", "-shm"))
    )
    assert f"kept, unchanged, as {aside}" in result.output
    assert labels(aside) == 21


HOLDER = """
import sys, time
from annotator.store.lock import lock_project
lock = lock_project(sys.argv[1])
print("holding", flush=True)
time.sleep(600)
"""


def test_restore_is_refused_while_a_window_holds_the_project(project):
    assert run(project, "backup").exit_code == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(project)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        before = project.read_bytes()
        result = annotator("--db", project, "restore")
        assert result.returncode == 1
        assert f"already open in another Annotator window (process {holder.pid})" in result.stderr
        assert project.read_bytes() == before
        assert not list(project.parent.glob("*.damaged-*"))
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    # the holder died without letting go (kill -9): its lock is recognised as stale
    result = annotator("--db", project, "restore")
    assert result.returncode == 0, result.stderr
    assert "no longer running; it was taken over" in result.stderr


@pytest.mark.parametrize("step", range(1, 6))
def test_a_restore_killed_at_any_step_and_run_again_loses_nothing(tmp_path, step):
    """Each rename of a restore (copy in place, project aside, -wal aside, -shm aside, copy into
    place) is a moment a kill -9 may hit; a second restore must finish the job, and the old
    project, with what only its -wal held, must stay readable aside."""
    project = labeled_project(tmp_path / "p.annotator.sqlite", 20)
    assert run(project, "backup").exit_code == 0
    confirm_in_wal(project, 1, "denial")  # 21: the last one only in the -wal
    killed_at("os.rename", project.name, step, "--db", project, "restore")
    result = annotator("--db", project, "restore")
    assert result.returncode == 0, result.stderr
    assert labels(project) == 20
    asides = [
        p
        for kind in ("damaged", "before-restore")
        for p in tmp_path.glob(f"p.annotator.sqlite.{kind}-*")
        if not p.name.endswith(("-wal", "-shm"))
    ]
    assert 21 in [labels(a) for a in asides]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
