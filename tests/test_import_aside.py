"""A large JSON import is read on a second core (`importing.aside`): the project and the report are
what reading in this process gives, a cancel stops the reader at once, and its errors are said."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from annotator.importing import run
from annotator.store import Store
from tests.test_import_fresh import dump

TEXT = "Kyiv offered to halt strikes on energy infrastructure if Moscow agreed"


def corpus(path: Path, n: int = 60) -> Path:
    """Plain tasks with, here and there, what a fresh batch cannot hold and what is refused."""
    lines = []
    for i in range(n):
        record = {"text": f"{TEXT} ({i}).", "meta": {"n": i}, "spans": [{"start": 0, "end": 4, "label": "claim"}]}
        if i % 13 == 5:
            record["answer"] = "reject"  # binary feedback: the general steps
        if i % 17 == 3:
            record["text"] = f"{TEXT} (0)."  # a text the project holds by then
        if i % 11 == 7:
            record["_annotator_id"] = "ben"
        lines.append(json.dumps(record))
        if i % 19 == 2:
            lines.append('{"text": "broken')  # FILE:LINE: refused, the rest goes on
        if i % 23 == 4:
            lines.append(json.dumps({"text": "Short.", "spans": [{"start": 3, "end": 99, "label": "claim"}]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def imported(tmp_path: Path, name: str, src: Path, monkeypatch, *, aside: bool, **kwargs):
    monkeypatch.setattr(run, "worth_reading_aside", lambda files, fmt: aside)
    used = []
    real = run.read_aside

    def spied(*args, **kw):
        used.append(True)
        return real(*args, **kw)

    monkeypatch.setattr(run, "read_aside", spied)
    progress: list[int] = []
    with Store.create(tmp_path / name) as store:
        report = run.import_paths(store, [src], annotator="anna", batch_size=5, progress=progress.append, **kwargs)
        rows = dump(store)
    assert bool(used) == aside
    return report, rows, progress


def test_reading_aside_gives_the_project_and_report_of_reading_here(tmp_path, monkeypatch):
    src = corpus(tmp_path / "tasks.jsonl")
    here, here_rows, here_progress = imported(tmp_path, "here.sqlite", src, monkeypatch, aside=False)
    there, there_rows, there_progress = imported(tmp_path, "aside.sqlite", src, monkeypatch, aside=True)
    assert there_rows == here_rows
    assert [str(r) for r in there.rejections] == [str(r) for r in here.rejections]
    assert len(here.rejections) >= 4
    assert there.counts.describe() == here.counts.describe()
    assert (there.files, there.cancelled) == (here.files, here.cancelled) == (1, False)
    # the very same batches: where one ends shows in the counts (a text twice in one batch)
    assert there_progress == here_progress
    assert sum(here_progress) == len(here_rows["articles"]) + here.counts.articles_existing


def test_a_cancel_stops_the_reader_at_once(tmp_path, monkeypatch):
    src = corpus(tmp_path / "tasks.jsonl", n=200)
    started = time.monotonic()
    report, rows, progress = imported(
        tmp_path, "cancelled.sqlite", src, monkeypatch, aside=True, cancelled=lambda: True
    )
    assert report.cancelled
    assert sum(progress) == len(rows["articles"]) + report.counts.articles_existing <= 5  # at most a batch, whole
    assert multiprocessing.active_children() == []  # the reader is gone, not left reading
    assert time.monotonic() - started < 30


def test_an_error_in_the_reader_is_raised_here(tmp_path):
    from annotator.importing.aside import read_aside

    src = corpus(tmp_path / "tasks.jsonl", n=3)
    with pytest.raises(Exception, match=r"missing\.sqlite"):
        list(read_aside(tmp_path / "missing.sqlite", [src], None, "anna", [], 5))
    assert multiprocessing.active_children() == []


def test_small_imports_and_other_formats_read_here(tmp_path, monkeypatch):
    from annotator.importing import aside
    from annotator.importing.aside import MIN_BYTES, worth_reading_aside

    monkeypatch.setattr(aside, "spare_core", lambda: True)

    small = corpus(tmp_path / "small.jsonl", n=3)
    assert not worth_reading_aside([small], None)
    big = tmp_path / "big.jsonl"
    big.write_bytes(small.read_bytes() * (MIN_BYTES // small.stat().st_size + 1))
    assert worth_reading_aside([big], None)
    brat = tmp_path / "a.ann"
    brat.write_text("T1\tclaim 0 4\tKyiv\n" * (MIN_BYTES // 16), encoding="utf-8")
    assert not worth_reading_aside([big, brat], None)  # brat reads beside its .txt: here
    monkeypatch.setattr(aside, "spare_core", lambda: False)  # one core, or a busy machine
    assert not worth_reading_aside([big], None)


def test_a_busy_or_single_core_machine_has_no_spare_core(monkeypatch):
    from annotator.importing import aside

    monkeypatch.setattr(aside, "available_cores", lambda: 2)
    monkeypatch.setattr(aside, "_running_now", lambda: 2)  # this process and another, in every look
    assert not aside.spare_core()
    monkeypatch.setattr(aside, "_running_now", lambda: 1)  # this process alone
    assert aside.spare_core()
    monkeypatch.setattr(aside, "available_cores", lambda: 1)
    assert not aside.spare_core()
    monkeypatch.setenv("ANNOTATOR_READ_ASIDE", "1")  # asked for: read aside whatever the load
    assert aside.spare_core()
    monkeypatch.setenv("ANNOTATOR_READ_ASIDE", "0")
    monkeypatch.setattr(aside, "available_cores", lambda: 8)
    assert not aside.spare_core()


def test_an_import_just_after_another_still_reads_on_the_second_core(monkeypatch):
    """The last minute's load average still counts the import that has just ended (two busy
    processes for a minute: 1.6 on two cores); what runs now is this process alone."""
    from annotator.importing import aside

    monkeypatch.setattr(aside, "available_cores", lambda: 2)
    monkeypatch.setattr(aside.os, "getloadavg", lambda: (1.6, 1.0, 0.5))
    monkeypatch.setattr(aside, "_running_now", lambda: 1)
    assert aside.spare_core()


def test_a_short_lived_task_does_not_make_the_machine_busy(monkeypatch):
    from annotator.importing import aside

    monkeypatch.setattr(aside, "available_cores", lambda: 2)
    looks = iter([2, 1, 2, 2])  # another task in three looks of four: gone for a moment
    monkeypatch.setattr(aside, "_running_now", lambda: next(looks))
    assert aside.spare_core()
    monkeypatch.setattr(aside, "_running_now", lambda: 3)  # two others, all the time
    assert not aside.spare_core()


def test_without_a_running_count_the_load_average_decides(monkeypatch):
    from annotator.importing import aside

    monkeypatch.setattr(aside, "available_cores", lambda: 2)
    monkeypatch.setattr(aside, "_running_now", lambda: None)  # macOS, BSD: no /proc
    monkeypatch.setattr(aside.os, "getloadavg", lambda: (1.6, 1.0, 1.0))
    assert not aside.spare_core()
    monkeypatch.setattr(aside.os, "getloadavg", lambda: (0.3, 1.0, 1.0))
    assert aside.spare_core()


def test_the_running_count_is_read_on_linux():
    from annotator.importing import aside

    if not Path("/proc/loadavg").exists():
        pytest.skip("no /proc/loadavg here")
    assert aside._running_now() >= 1  # this test runs
    assert 1 <= aside.available_cores() <= os.cpu_count()


def test_a_script_without_a_main_guard_imports_once(tmp_path):
    """Python starts a process by running the calling program again to find what it needs there;
    the reader needs nothing of it, so a script written without `if __name__ == "__main__":` runs
    once, and its import is read aside and written once."""
    import subprocess
    import sys

    src = corpus(tmp_path / "tasks.jsonl", n=12)
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from annotator.importing import run\n"
        "from annotator.store import Store\n"
        "print('the script runs')\n"
        "run.worth_reading_aside = lambda files, fmt: True\n"
        "with Store.create(Path(sys.argv[1])) as store:\n"
        "    report = run.import_paths(store, [Path(sys.argv[2])], annotator='anna', batch_size=5)\n"
        "print('stored', report.counts.articles_added, 'aside', report.reader_cpu_seconds > 0)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "p.sqlite"), str(src)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["the script runs", "stored 11 aside True"]
    assert "__main__" in sys.modules and getattr(sys.modules["__main__"], "__file__", None) is not None


def test_a_reader_killed_midway_stops_the_import_keeping_what_is_in(tmp_path, monkeypatch):
    from annotator.store import StoreError

    src = corpus(tmp_path / "tasks.jsonl", n=3000)
    monkeypatch.setattr(run, "worth_reading_aside", lambda files, fmt: True)

    def kill_the_reader(n: int) -> None:
        for child in multiprocessing.active_children():
            child.kill()

    with Store.create(tmp_path / "p.sqlite") as store:
        with pytest.raises(StoreError) as stopped:
            run.import_paths(store, [src], annotator="anna", batch_size=5, progress=kill_the_reader)
        held = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    said = str(stopped.value)
    assert said.startswith("the process reading the files stopped (killed by signal 9; out of memory?)")
    assert "Run the same import again" in said and "ANNOTATOR_READ_ASIDE=0" in said
    assert 0 < held < 2900  # the batches written before it stay
    assert multiprocessing.active_children() == []


def said_both_ways(cli, tmp_path, monkeypatch, src: Path) -> dict[str, tuple[int, str, str]]:
    """`annotator import --no-ner SRC` read here ("0") and aside ("1"), each into a project of its
    own: (exit code, standard output with the project named P, standard error) by way. Asserts
    that only "1" started a reader."""
    from annotator.importing import aside

    monkeypatch.setattr(aside, "MIN_BYTES", 1)  # these small files count as large
    started = []
    real = run.read_aside
    monkeypatch.setattr(run, "read_aside", lambda *args: started.append(1) or real(*args))
    said = {}
    for where in ("0", "1"):
        monkeypatch.setenv("ANNOTATOR_READ_ASIDE", where)
        result = cli("import", "--no-ner", src, db=tmp_path / f"p{where}.sqlite")
        said[where] = (result.exit_code, result.stdout.replace(f"p{where}.sqlite", "P"), result.stderr)
    assert started == [1]  # "0" read here, "1" aside
    return said


def test_the_command_says_the_same_whichever_process_reads(cli, tmp_path, monkeypatch):
    said = said_both_ways(cli, tmp_path, monkeypatch, corpus(tmp_path / "tasks.jsonl", n=80))
    assert said["1"] == said["0"]
    code, out, err = said["1"]
    assert code == 1 and "imported 75 new articles, 5 records matched" in out and "tasks.jsonl:4: not valid JSON" in err


@pytest.mark.parametrize("where", ["0", "1"])
def test_ctrl_c_says_what_was_saved(cli, tmp_path, monkeypatch, where):
    """Ctrl-C midway: the batch being written is rolled back, the earlier ones stay, and the command
    says how much is in and how to go on (before: "Aborted!"), ending as an interrupt does (130)."""
    from annotator.importing import aside

    src = tmp_path / "tasks.jsonl"
    src.write_text("".join(json.dumps({"text": f"{TEXT} ({i})."}) + "\n" for i in range(40)), encoding="utf-8")
    monkeypatch.setattr(aside, "MIN_BYTES", 1)
    monkeypatch.setenv("ANNOTATOR_READ_ASIDE", where)
    monkeypatch.setattr(run.settings, "IMPORT_BATCH", 5)
    monkeypatch.setattr(run.import_paths, "__kwdefaults__", {**run.import_paths.__kwdefaults__, "batch_size": 5})
    written = []
    real = run._BatchWriter.write

    def interrupted_on_the_third(self, batch):
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(1)
        return real(self, batch)

    monkeypatch.setattr(run._BatchWriter, "write", interrupted_on_the_third)
    result = cli("import", "--no-ner", src, db=tmp_path / "p.sqlite")
    assert result.exit_code == 130
    assert "interrupted; saved before it: 10 new articles" in result.stderr
    assert "Run the same import again to go on" in result.stderr
    assert multiprocessing.active_children() == []
    with Store.open(tmp_path / "p.sqlite") as store:
        assert store.stats()["articles"] == 10


def test_a_project_file_in_the_folder_keeps_no_import_from_the_second_core(cli, tmp_path, monkeypatch):
    """A teammate's project beside a large corpus is named once, as reading here names it, and the
    corpus is still read aside (the note is no refusal)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    corpus(folder / "tasks.jsonl", n=80)
    Store.create(folder / "anna.annotator.sqlite").close()
    said = said_both_ways(cli, tmp_path, monkeypatch, folder)
    assert said["1"] == said["0"]
    note = f"{folder / 'anna.annotator.sqlite'}:1: a project file, which a folder import passes over"
    assert said["1"][2].count(note) == 1 and "1 file passed over" in said["1"][2]
