"""No command creates, migrates or writes a file that is not already a project; a damaged project
is left byte for byte as it was (its -wal too); a project on read-only media can still be read."""

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import NotAProjectError, ReadOnlyProjectError, Store, StoreError
from tests.nothing_lost import ROOT, confirm_in_wal, labeled_project, labels, scribble_on_second_page

READING = [["stats"], ["export", "{out}"], ["backup"], ["check"], ["agreement"]]


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def sidecars(path):
    return sorted(p.name for p in path.parent.glob(path.name + "*") if p != path)


@pytest.mark.parametrize("command", [*READING, ["restore"], ["gui"]], ids=lambda c: c[0])
def test_a_mistyped_project_path_is_refused_and_nothing_is_created(tmp_path, command):
    typo = tmp_path / "typo.sqlite"
    result = run(typo, *[arg.format(out=tmp_path / "out.jsonl") for arg in command])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "no such project" in result.output or "no backups" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [*READING, ["import", "{src}"]], ids=lambda c: c[0])
def test_another_programs_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path, command):
    other = tmp_path / "some-other-app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes(body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    before = other.read_bytes()
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Kyiv offered a halt."}\n', encoding="utf-8")
    result = run(other, *[arg.format(out=tmp_path / "out.jsonl", src=src) for arg in command])
    assert result.exit_code == 1
    assert "not an Annotator project" in result.output and "left untouched" in result.output
    assert other.read_bytes() == before
    assert not (tmp_path / "out.jsonl").exists()


def test_an_empty_file_is_not_a_project_and_stays_empty(tmp_path):
    empty = tmp_path / "empty.annotator.sqlite"
    empty.touch()
    for command in (["stats"], ["check"], ["import", "--no-ner", tmp_path / "nothing.txt"]):
        result = run(empty, *command)
        assert result.exit_code == 1 and "an empty file, not an Annotator project" in result.output
    assert empty.read_bytes() == b""
    with pytest.raises(NotAProjectError):
        Store.open(empty)


def test_only_import_creates_a_project_and_only_where_no_file_is(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Kyiv offered a halt."}\n', encoding="utf-8")
    project = tmp_path / "new.annotator.sqlite"
    assert run(project, "import", "--no-ner", src).exit_code == 0
    assert labels(project) == 0 and run(project, "stats").exit_code == 0
    with pytest.raises(StoreError, match="already exists"):
        Store.create(project)
    with pytest.raises(StoreError, match="no such project"):
        Store.open(tmp_path / "missing.annotator.sqlite")


def test_creating_a_project_beside_a_lone_wal_is_refused(tmp_path):
    """A -wal without its project (moved away mid-restore, say) may hold someone's work: a new
    project must not start life by replaying it."""
    lone = tmp_path / "p.annotator.sqlite-wal"
    lone.write_bytes(b"work of someone")
    with pytest.raises(StoreError, match="without its project file"):
        Store.create(tmp_path / "p.annotator.sqlite")
    assert lone.read_bytes() == b"work of someone"


def damaged_with_wal(tmp_path):
    project = labeled_project(tmp_path / "p.annotator.sqlite", 30)
    confirm_in_wal(project, 1, "denial")  # committed, and only in the -wal
    scribble_on_second_page(project)  # then a disk error hits the main file
    wal = tmp_path / "p.annotator.sqlite-wal"
    assert wal.stat().st_size > 0
    return project, wal


@pytest.mark.parametrize("command", [["check"], ["import", "--no-ner", "{src}"], ["backup"], ["stats"]])
def test_a_damaged_project_with_a_wal_is_left_exactly_as_it_was(tmp_path, command):
    project, wal = damaged_with_wal(tmp_path)
    before = project.read_bytes(), wal.read_bytes()
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Another article."}\n', encoding="utf-8")
    result = run(project, *[str(arg).format(src=src) for arg in command])
    assert "Traceback" not in result.output
    if command[0] != "stats":  # stats may not read the damaged page; it must not write either way
        assert result.exit_code == 1 and "damaged" in result.output
    assert (project.read_bytes(), wal.read_bytes()) == before


def test_opening_a_damaged_project_with_a_wal_writes_nothing(tmp_path):
    project, wal = damaged_with_wal(tmp_path)
    before = project.read_bytes(), wal.read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        Store.open(project, check=True)
    assert (project.read_bytes(), wal.read_bytes()) == before


@pytest.mark.parametrize("where", ["check", "Store.open"])
def test_the_recovery_hint_can_be_pasted_into_a_shell_whatever_the_path(tmp_path, where):
    folder = tmp_path / "it's $(touch pwned) ; dir"
    folder.mkdir()
    project = labeled_project(folder / "p q.annotator.sqlite", 5)
    assert run(project, "backup").exit_code == 0
    scribble_on_second_page(project)
    if where == "check":
        message = run(project, "check").output
    else:
        with pytest.raises(StoreError) as caught:
            Store.open(project, check=True)
        message = str(caught.value)
    hint = message.rsplit("with: ", 1)[1].strip()
    assert hint == f"annotator --db {shlex.quote(str(project))} restore"
    # run it as the user would: it restores this project and nothing else happens
    shell = f"{shlex.quote(sys.executable)} -m {hint}"
    done = subprocess.run(["sh", "-c", shell], cwd=tmp_path, capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert labels(project) == 5
    assert not list(tmp_path.rglob("pwned"))


# -- read-only media ------------------------------------------------------------------------


def _can_mount_read_only() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


needs_read_only_mount = pytest.mark.skipif(
    not _can_mount_read_only(), reason="needs user namespaces (unshare -rm) to mount a folder read-only"
)

ON_READ_ONLY_MEDIA = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'


def on_read_only_media(folder, *command):
    """Run `command` with `folder` mounted read-only (a CD, a locked USB stick, a read-only share)."""
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", ON_READ_ONLY_MEDIA, "sh", str(folder), *map(str, command)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    return folder


@needs_read_only_mount
def test_a_project_on_read_only_media_can_be_read_exported_and_backed_up(media, tmp_path):
    project = labeled_project(media / "p.annotator.sqlite", 12)
    cli = [sys.executable, "-m", "annotator", "--db", project]

    stats = on_read_only_media(media, *cli, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "spans        12 (labels given" in stats.stdout
    assert "is read-only (it is on read-only media" in stats.stderr

    out = tmp_path / "out.jsonl"
    exported = on_read_only_media(media, *cli, "export", out)
    assert exported.returncode == 0, exported.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12

    backed_up = on_read_only_media(media, *cli, "backup")
    assert backed_up.returncode == 0, backed_up.stderr
    assert on_read_only_media(media, *cli, "check").returncode == 0

    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Kyiv offered a halt."}\n', encoding="utf-8")
    imported = on_read_only_media(media, *cli, "import", "--no-ner", src)
    assert imported.returncode == 1 and "Traceback" not in imported.stderr
    assert "read-only" in imported.stderr and "nothing can be saved" in imported.stderr
    assert sorted(p.name for p in media.iterdir()) == ["p.annotator.sqlite"]


@needs_read_only_mount
def test_read_only_media_shows_what_only_the_wal_holds_or_says_why_it_cannot(media, tmp_path):
    project = labeled_project(media / "p.annotator.sqlite", 12)
    confirm_in_wal(project, 1, "denial")  # a project copied while open: -wal and -shm beside it
    cli = [sys.executable, "-m", "annotator", "--db", project]
    stats = on_read_only_media(media, *cli, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "spans        13 (labels given" in stats.stdout

    (media / "p.annotator.sqlite-shm").unlink()  # without the -shm, SQLite cannot read the -wal there
    stats = on_read_only_media(media, *cli, "stats")
    assert stats.returncode == 1 and "Traceback" not in stats.stderr
    assert "latest changes are in p.annotator.sqlite-wal" in stats.stderr


WINDOW_API = """
import sys
from pathlib import Path
from annotator.store import Store, ReadOnlyProjectError, read_only_reason
path = Path(sys.argv[1])
try:
    Store.open(path)
except ReadOnlyProjectError as exc:
    print("writable open refused:", exc)
store = Store.open(path, check=True, readonly=True)
print("readonly", store.readonly, "reason", read_only_reason(path))
print("articles", len(store.articles.article_ids()))
try:
    store.statements.toggle_label(1, "anna", 0, 4, "offer")
except ReadOnlyProjectError as exc:
    print("write refused:", exc)
from annotator.ui.shell.opener import open_guarded
guarded, lock = open_guarded(path, lambda problem, latest: False)
print("the window's opener gives a read-only store:", guarded.readonly)
lock.unlock()
"""


@needs_read_only_mount
def test_the_store_gives_a_window_a_read_only_project(media):
    project = labeled_project(media / "p.annotator.sqlite", 3)
    done = on_read_only_media(media, sys.executable, "-c", WINDOW_API, project)
    assert done.returncode == 0, done.stderr
    assert "writable open refused:" in done.stdout and "nothing can be saved" in done.stdout
    assert "readonly True reason it is on read-only media" in done.stdout
    assert "articles 3" in done.stdout
    assert "write refused:" in done.stdout and "read-only" in done.stdout
    assert "the window's opener gives a read-only store: True" in done.stdout


def test_a_read_only_store_never_writes(tmp_path):
    project = labeled_project(tmp_path / "p.annotator.sqlite", 3)
    before = project.read_bytes()
    with Store.open(project, readonly=True) as store:
        assert store.readonly and store.stats()["spans"] == 3
        with pytest.raises(ReadOnlyProjectError, match="read-only"):
            store.statements.toggle_label(1, "anna", 0, 4, "offer")
    assert project.read_bytes() == before


@needs_read_only_mount
def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_copy(tmp_path):
    project = labeled_project(tmp_path / "p.annotator.sqlite", 6_000)  # 3 MB: more than the disk holds
    data = tmp_path / "data"
    data.mkdir()
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=2m tmpfs "$1" && shift && exec "$@"', "sh", data,
         sys.executable, "-m", "annotator", "--db", project, "backup"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "ANNOTATOR_DATA_DIR": str(data)},
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the copy could not be written (database or disk is full); no copy was made" in done.stderr
    assert labels(project) == 6_000
