"""Found in a tryout: `annotator --db w.sqlite stats` (and every other command that only reads)
leaves an empty w.sqlite-wal and a w.sqlite-shm beside the project. SQLite makes both to read a
WAL-mode file, and only a connection that can write removes them on closing; a reading command
never opens the project for writing, so they stay until the next writer closes. The user then
deleted w.sqlite and imported into the same path again, and the import refused: "w.sqlite-wal is
beside it without its project file; it may hold someone's work", for a -wal of 0 bytes. An empty
pair where no project is is now cleared; a -wal that holds work still is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store, StoreError
from annotator.store.files import sidecar
from tests.nothing_lost import ROOT, confirm_in_wal, labeled_project, labels

#: Commands that only read the project.
READING = [
    ["stats"],
    ["annotators"],
    ["check"],
    ["export", "{out}"],
    ["guidelines"],
    ["actors"],
    ["agreement"],
    ["progress"],
]


def run(project: Path, *args: object):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


@pytest.fixture
def article(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Kyiv offered a halt."}\n', encoding="utf-8")
    return src


@pytest.mark.parametrize("command", READING, ids=lambda c: c[0])
def test_a_command_that_only_reads_never_writes_the_project(tmp_path, command):
    """The project byte for byte as it was, and nothing beside it but what SQLite makes to read it:
    an empty -wal and its -shm (a reading command never opens the project for writing, even to
    remove them; the next writer does, on closing)."""
    project = labeled_project(tmp_path / "w.sqlite", 3)
    before = project.read_bytes()
    assert folder(project) == ["w.sqlite"]
    result = run(project, *[arg.format(out=tmp_path / "out.jsonl") for arg in command])
    assert "Traceback" not in result.output
    assert set(folder(project)) <= {"w.sqlite", "w.sqlite-shm", "w.sqlite-wal"}
    wal = sidecar(project, "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "a read-only command wrote to the -wal"
    assert project.read_bytes() == before
    Store.open(project).close()  # the next writer, closing last, takes the empty pair away
    assert folder(project) == ["w.sqlite"]


def test_stats_then_deleting_the_project_then_importing_again_makes_a_new_project(tmp_path, article):
    project = tmp_path / "w.sqlite"
    assert run(project, "import", "--no-ner", article).exit_code == 0
    assert run(project, "stats").exit_code == 0
    project.unlink()  # the user's `rm w.sqlite`
    again = run(project, "import", "--no-ner", article)
    assert again.exit_code == 0, again.output
    assert "Error" not in again.output
    assert labels(project) == 0 and run(project, "stats").exit_code == 0


def test_empty_sidecars_a_reading_command_left_beside_a_deleted_project_are_cleared(tmp_path, article):
    project = tmp_path / "w.sqlite"
    sidecar(project, "-wal").touch()
    sidecar(project, "-shm").write_bytes(b"\0" * 32768)  # an index of nothing: never data of its own
    result = run(project, "import", "--no-ner", article)
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output and folder(project) == ["w.sqlite"]


def test_a_wal_that_holds_work_beside_a_missing_project_is_still_refused(tmp_path, article):
    project = labeled_project(tmp_path / "w.sqlite", 3)
    confirm_in_wal(project, 1, "denial")  # committed, only in the -wal, and the program died
    project.rename(tmp_path / "moved.sqlite")  # the project went; its -wal stayed behind
    wal = sidecar(project, "-wal")
    work = wal.read_bytes()
    assert work
    result = run(project, "import", "--no-ner", article)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "w.sqlite-wal is beside it without its project file" in result.output
    assert "may hold someone's work" in result.output
    assert not project.exists() and wal.read_bytes() == work and sidecar(project, "-shm").exists()


#: Another program (a window) with the project open: writes when told to, and says what it wrote.
WRITER = """
import sys
from annotator.store import Store
store = Store.open(sys.argv[1])
print("open", flush=True)
for line in sys.stdin:
    if line.strip() == "close":
        break
    store.statements.toggle_label(int(line), "anna", 0, 4, "denial")
    print("saved", flush=True)
store.close()
print("closed", flush=True)
"""


class Writer:
    """A second process holding the project open for writing, as the window does."""

    def __init__(self, path: Path):
        command = [sys.executable, "-c", WRITER, str(path)]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self._say(None) == "open"

    def _say(self, line: str | None) -> str:
        assert self.proc.stdin and self.proc.stdout
        if line is not None:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def label(self, article: int) -> None:
        assert self._say(str(article)) == "saved"

    def close(self) -> None:
        assert self._say("close") == "closed"
        self.proc.wait(timeout=30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()  # waits, and closes the pipes


@pytest.fixture
def writer_on(request):
    made: list[Writer] = []

    def start(path: Path) -> Writer:
        made.append(Writer(path))
        return made[-1]

    yield start
    for w in made:
        w.kill()


@pytest.mark.parametrize("command", READING, ids=lambda c: c[0])
def test_a_read_only_command_leaves_the_sidecars_of_a_window_that_has_the_project_open(tmp_path, writer_on, command):
    project = labeled_project(tmp_path / "w.sqlite", 3)
    window = writer_on(project)
    result = run(project, *[arg.format(out=tmp_path / "out.jsonl") for arg in command])
    assert "Traceback" not in result.output
    assert folder(project) == ["w.sqlite", "w.sqlite-shm", "w.sqlite-wal"]
    window.label(1)
    assert labels(project) == 4, "another program no longer sees what the window saved"
    window.close()
    assert folder(project) == ["w.sqlite"] and labels(project) == 4


def test_a_window_that_opens_the_project_while_stats_reads_it_keeps_its_sidecars(tmp_path, writer_on):
    """The read-only look made the -wal and -shm, then a window opened the project: the look, closing
    after it, must not take them from under the window (SQLite removes them only for the last one)."""
    project = labeled_project(tmp_path / "w.sqlite", 3)
    looking = Store.open(project, readonly=True)
    window = writer_on(project)
    looking.close()
    assert folder(project) == ["w.sqlite", "w.sqlite-shm", "w.sqlite-wal"]
    window.label(1)
    assert sidecar(project, "-wal").stat().st_size > 0 and labels(project) == 4
    Store.open(project, readonly=True).close()  # a second look while the window's -wal holds work
    assert labels(project) == 4
    window.close()
    assert folder(project) == ["w.sqlite"] and labels(project) == 4


def test_a_project_deleted_while_a_window_has_it_open_is_not_replaced_under_that_window(tmp_path, writer_on, article):
    """Its -wal may be empty, but the window still uses it and would delete, on closing, the new
    project's -wal by that name."""
    project = labeled_project(tmp_path / "w.sqlite", 3)
    window = writer_on(project)
    project.unlink()
    refused = run(project, "import", "--no-ner", article)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "a program may still have it open" in refused.output
    assert not project.exists()
    window.close()
    made = run(project, "import", "--no-ner", article)
    assert made.exit_code == 0, made.output
    assert labels(project) == 0


def test_a_project_this_process_still_holds_is_not_replaced_either(tmp_path):
    project = labeled_project(tmp_path / "w.sqlite", 3)
    window = Store.open(project)
    try:
        project.unlink()
        with pytest.raises(StoreError, match="may still have it open"):
            Store.create(project)
        assert sidecar(project, "-wal").exists() and sidecar(project, "-shm").exists()
    finally:
        window.close()
