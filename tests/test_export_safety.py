"""An export never destroys work: it will not write over a project, and a full disk, a closed pipe,
a damaged project or a killed export end in a clear message, never a traceback or a stray file."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import srsly

from annotator.store import Store, backups
from tests.conftest import write_jsonl
from tests.nothing_lost import page_size

TEXT = "Kyiv said it would halt strikes on refineries. Moscow must first stop hitting power plants."


@pytest.fixture
def labeled(cli, db_path, tmp_path) -> Path:
    """A project with a few finished articles of anna's (every command exports them)."""
    records = [
        json.dumps({"text": f"{TEXT} ({i})", "_annotator_id": "anna", "spans": [{"start": 0, "end": 4, "label": "x"}]})
        for i in range(3)
    ]
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "anna.jsonl", records)).exit_code == 0
    return db_path


def annotator(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The installed command, in its own process."""
    command = [sys.executable, "-m", "annotator", *args]
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(command, text=True, timeout=120, **streams)


# -- (a) never over a project --------------------------------------------------------------------


def test_an_export_over_the_project_its_journal_or_a_backup_is_refused(labeled, cli, tmp_path):
    with Store.open(labeled) as store:
        backup = backups.make_backup(store)
    other = tmp_path / "other.annotator.sqlite"
    Store.create(other).close()
    link = tmp_path / "link.jsonl"
    link.symlink_to(labeled)
    for target in (
        labeled,
        Path(f"{labeled}-wal"),
        Path(f"{labeled}-shm"),
        backup,
        other,
        link,
        Path(os.path.relpath(labeled)),
    ):
        before = target.read_bytes() if target.exists() else None
        result = cli("export", target, "--format", "jsonl")
        assert result.exit_code == 1, target
        assert "an export never writes over a project" in result.stderr, result.output
        assert (target.read_bytes() if target.exists() else None) == before, f"{target} was touched"
    with Store.open(labeled) as store:
        assert store.quick_check() == [] and len(store.articles.article_ids()) == 3


def test_an_export_named_as_a_project_file_is_refused_unless_its_format_is_named(labeled, cli, tmp_path):
    """`export team.annotator.sqlite` wrote Prodigy JSONL under a project's name: the teammate who got
    it read "not an SQLite file" on import. Without --format it is a usage error saying what to do."""
    out = tmp_path / "team.annotator.sqlite"
    result = cli("export", out)
    assert result.exit_code == 2
    assert "is named as a project file (.sqlite)" in result.output
    assert "send a copy of the project file" in result.output
    assert not out.exists()
    assert cli("export", "--format", "jsonl", out).exit_code == 0  # asked for by name: written
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["_annotator_id"] == "anna"


def test_an_ordinary_file_beside_the_project_is_written(labeled, cli, tmp_path):
    out = tmp_path / "anna.jsonl"
    out.write_text("an older export\n", encoding="utf-8")
    assert cli("export", out).exit_code == 0
    assert len(list(srsly.read_jsonl(out))) == 3


# -- (b) a full disk, a closed pipe, a damaged project ---------------------------------------------


def test_a_full_disk_says_so_and_leaves_the_old_file(labeled, cli, tmp_path, monkeypatch):
    out = tmp_path / "anna.jsonl"
    out.write_text("the last export\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("annotator.formats.atomic.os.fsync", full)
    result = cli("export", out)
    assert result.exit_code == 1
    assert f"Error: {out}: the disk is full; nothing was written, {out} is as it was" in result.stderr
    assert out.read_text(encoding="utf-8") == "the last export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_device_says_so_without_a_traceback(labeled):
    with open("/dev/full", "w") as full:
        result = annotator("--db", str(labeled), "export", "-", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert "-: the disk is full; nothing was written" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_a_reader_that_closes_the_pipe_early_gets_a_clear_message(cli, db_path, tmp_path):
    """`annotator export - | head -1` on an export larger than the pipe's buffer."""
    records = [json.dumps({"text": f"{TEXT} {i} " + "talks " * 40, "_annotator_id": "anna"}) for i in range(2000)]
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "big.jsonl", records)).exit_code == 0
    with subprocess.Popen(
        [sys.executable, "-m", "annotator", "--db", str(db_path), "export", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        first = process.stdout.readline()
        process.stdout.close()  # what `head -1` does once it has its line
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 1
    assert json.loads(first)["_annotator_id"] == "anna"
    assert "standard output was closed after" in errors and "the export is incomplete" in errors
    assert "Traceback" not in errors and "Exception ignored" not in errors


def test_a_damaged_project_is_named_with_the_way_back_not_a_traceback(cli, db_path, tmp_path):
    records = [json.dumps({"text": f"{TEXT} {i} " + "energy " * 200, "_annotator_id": "anna"}) for i in range(200)]
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "big.jsonl", records)).exit_code == 0
    with Store.open(db_path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    page = page_size(db_path)
    for start in range(len(data) // 2, len(data) - page, page):  # the back half's pages: texts
        data[start + 8 : start + page] = b"\xa5" * (page - 8)
    db_path.write_bytes(bytes(data))
    result = annotator("--db", str(db_path), "export", str(tmp_path / "out.jsonl"))
    assert result.returncode == 1
    assert "the project file is damaged" in result.stderr and "restore" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


# -- (c) what a killed export leaves is cleaned up ---------------------------------------------------

KILLED_MIDWAY = """
import contextlib, sys, time
from annotator.export import run as exporting

real = exporting.atomic_output

@contextlib.contextmanager
def stuck(out, mode):
    with real(out, mode) as handle:
        handle.write("half of an export")
        handle.flush()
        print("WRITING", flush=True)
        time.sleep(120)
        yield handle

exporting.atomic_output = stuck
from annotator.cli import main
main(sys.argv[1:])
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9")
@pytest.mark.parametrize(
    ("stored", "why"),
    [
        ('{"x": NaN, "y": -Infinity}', "article 2's meta is not JSON (NaN is not a JSON number)"),
        ('{"x": 1e999}', "is not JSON (1e999 is beyond a double, read as infinity)"),
        ("{not json", "article 2's meta is not JSON (Expecting property name"),
        ("[1, 2]", "article 2's meta is not a JSON object"),
        (b'{"a": 1}', "article 2's meta is not JSON text but a blob of 8 bytes"),
        ('{"a": ' * 600 + "1" + "}" * 600, "article 2's meta is nested more than 100 levels deep"),
        ('{"a": ' * 5000 + "1" + "}" * 5000, "article 2's meta is not JSON (maximum recursion depth"),
    ],
)
def test_a_meta_edited_into_no_json_stops_the_export_naming_its_article(labeled, cli, tmp_path, stored, why):
    """A project file edited by hand or by another program: its meta would have been written as
    null (NaN), or the export would have ended in a traceback. Nothing is written."""
    old = tmp_path / "out.jsonl"
    old.write_text("the last export\n", encoding="utf-8")
    with Store.open(labeled) as store:
        store.conn.execute("UPDATE articles SET meta = ? WHERE id = 2", (stored,))
    for out in (old, "-", tmp_path / "out.spacy"):  # spaCy's writer crashed at 510 levels
        result = cli("export", *(() if out == tmp_path / "out.spacy" else ("--all-layers",)), out)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"{labeled}: article 2's meta " in result.stderr and "check --full" in result.stderr
        assert why in result.stderr
        assert "null" not in result.stdout
        if out == "-":  # what came before the article is out already: said, as a closed pipe is
            assert "1 record had been written to standard output: the export is incomplete" in result.stderr
    assert old.read_text(encoding="utf-8") == "the last export\n" and not (tmp_path / "out.spacy").exists()
    with Store.open(labeled) as store:  # the window still opens the article to annotate: its meta shows as none
        assert store.articles.article(2).meta == {} and store.articles.article(2).text.startswith("Kyiv said")
    check = cli("check", "--full")  # the way to find every such article: where a backup would not help
    searched = cli("search", "Kyiv meta.x:1")  # SQLite's JSON functions stopped on it: a traceback
    assert searched.exit_code == 0 and "match" in searched.output
    reason = why.removeprefix("article 2's meta ")
    assert check.exit_code == 1 and f"{labeled}: article 2's meta " in check.stderr and reason in check.stderr
    assert "the meta of 1 article was changed outside Annotator; the rest of the file is sound" in check.stderr


def test_the_next_export_removes_what_a_killed_export_left(labeled, cli, tmp_path):
    out = tmp_path / "anna.jsonl"
    args = ["--db", str(labeled), "export", str(out)]
    with subprocess.Popen([sys.executable, "-c", KILLED_MIDWAY, *args], stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout.readline().strip() == "WRITING"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    (left,) = [p for p in tmp_path.iterdir() if p.name.startswith(".anna.jsonl.")]
    assert left.name.startswith(f".anna.jsonl.{process.pid}.") and left.name.endswith(".tmp")

    running = tmp_path / f".anna.jsonl.{os.getppid()}.busy1234.tmp"  # another export, still running
    running.write_text("still being written", encoding="utf-8")
    result = cli("export", out)
    assert result.exit_code == 0, result.output
    assert "temporary files of an interrupted export removed: 1" in result.stdout
    assert not left.exists() and running.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".anna")] == [running.name]
