"""Every hostile input of issue 26, through the real command line, in a child whose address space is
capped at 1 GiB: each ends in a one-line message (or its work done), with the exit code a script
can read, and the child's peak memory stays under 512 MB.

Before: `re:"x{4294967294}"` grew to 22.6 GB, `x{10000000}` took 2.7 GB, a rule's `"OP":
"{1000000000}"` 8.6 GB, a REGEX rule `^(a|aa)+$` froze the window 18-29 s on a 41-character token,
a record under the 64 MiB line cap took 785-871 MB, the label-all preview 2.3 GB for 512,006 hits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.records import IncomingRecord
from annotator.store import Store
from tests.nothing_lost import ROOT, labeled_project

#: The child sets its own limit, runs `annotator ARGS` as `python -m annotator` does, and writes
#: its peak resident size (VmHWM, its own: ru_maxrss would carry the parent's pages over exec)
#: to the file named by the environment, so its standard output and error stay the command's.
CAPPED_CLI = """
import os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.argv = ["annotator", *sys.argv[1:]]
try:
    runpy.run_module("annotator", run_name="__main__", alter_sys=True)
finally:
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
"""
PEAK_MB = 512


def capped_cli(
    tmp_path: Path, *args: object, timeout: float = 300, read_aside: str = "0"
) -> tuple[subprocess.CompletedProcess, float]:
    """`annotator ARGS` under a 1 GiB address-space cap: the finished process and its peak in MB.
    A large JSON import reads in that process, whose peak is taken, unless `read_aside` is "1"
    (`importing.aside`: then a second process reads, under the same cap)."""
    peak = tmp_path / "peak"
    env = {**os.environ, "PEAK_FILE": str(peak), "ANNOTATOR_NAME": "tester", "ANNOTATOR_READ_ASIDE": read_aside}
    done = subprocess.run(
        [sys.executable, "-c", CAPPED_CLI, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    return done, int(peak.read_text()) / 1024


def one_line(done: subprocess.CompletedProcess) -> str:
    """The one line of the message: nothing else (a bad query is said before any indexing)."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def project(tmp_path) -> Path:
    return labeled_project(tmp_path / "p.annotator.sqlite", n=3)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ('re:"x{4294967294}"', "repeats something 4,294,967,294 times; at most 1,000"),
        ('re:"x{10000000}"', "repeats something 10,000,000 times; at most 1,000"),
    ],
)
def test_a_search_pattern_bomb(tmp_path, project, query, said):
    done, peak = capped_cli(tmp_path, "--db", project, "search", query)
    assert done.returncode == 1 and said in one_line(done)
    assert peak < PEAK_MB, peak


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ({"LOWER": "a", "OP": "{1000000000}"}, "repeats a token more than 100 times"),
        ({"TEXT": {"REGEX": "^(a|aa)+$"}}, "repeats a group that itself repeats or has alternatives"),
    ],
)
def test_a_rule_bomb(tmp_path, project, token, said):
    rules = tmp_path / "rules.jsonl"
    rules.write_text(json.dumps({"label": "demand", "pattern": [token]}) + "\n", encoding="utf-8")
    done, peak = capped_cli(tmp_path, "--db", project, "rules", "--load", rules)
    assert done.returncode == 1
    reason, summary = [line for line in done.stderr.splitlines() if line.strip()]
    assert reason.startswith(f"{rules}:1: ") and said in reason
    assert summary == "Error: 1 rules rejected (see above); the project's rules are unchanged"
    assert peak < PEAK_MB, peak


@pytest.mark.slow
def test_one_record_just_under_the_line_cap(tmp_path, project):
    sentence = "Kyiv offered a halt to strikes on the cargo ships. "
    text = sentence * ((64 * 2**20 - 4096) // len(sentence))
    src = tmp_path / "big.jsonl"
    src.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    assert 63 * 2**20 < src.stat().st_size < 64 * 2**20
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    assert done.returncode == 0 and "imported 1 new article" in done.stdout, done.stdout + done.stderr
    assert peak < PEAK_MB, peak


@pytest.mark.slow
def test_label_all_on_many_hits(tmp_path):
    path = tmp_path / "many.annotator.sqlite"
    sentence = "Officials offered a halt to the strikes on the cargo ships today. "
    with Store.create(path) as store:
        store.add_records([IncomingRecord(f"Report {i}. " + sentence * 20, f"T{i}", "x", i) for i in range(1000)], "me")
    done, peak = capped_cli(tmp_path, "--db", path, "search", "halt", "--label", "offer", "--apply")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "20,000" in done.stdout or "20000" in done.stdout, done.stdout
    assert peak < PEAK_MB, peak
    with Store.open(path) as store:
        assert (
            sum(len(s.labels) for a in store.articles.article_ids() for s in store.statements.statements(a)) == 20_000
        )


def _lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.strip()]


@pytest.mark.slow
def test_a_spacy_json_line_of_a_million_entities(tmp_path, project):
    """Before: `Doc.to_json`'s `ents` were copied before the record's count was checked, and
    2,000,000 of them on one 62 MB line ended in a MemoryError traceback."""
    text = "Joe Biden met Olaf Scholz."
    src = tmp_path / "ents.jsonl"
    ents = [{"start": 0, "end": 3, "label": "PERSON"}] * 1_000_000
    lines = [{"text": text, "ents": ents}, {"text": "The talks went on.", "ents": []}]
    src.write_text("".join(json.dumps(o, separators=(",", ":")) + "\n" for o in lines), encoding="utf-8")
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    reason, summary = _lines(done)
    assert reason == f"{src}:1: the record has 1,000,000 entities; one article may bring at most 50,000 (split it)"
    assert summary == "1 rejected (see above)"
    assert done.returncode == 1 and "imported 1 new article" in done.stdout
    assert peak < PEAK_MB, peak


@pytest.mark.slow
@pytest.mark.parametrize("read_aside", ["0", "1"])
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_record_of_twenty_million_empty_objects(tmp_path, project, suffix, read_aside):
    """Before: one 57 MB line of `{}`s made the JSON decoder take 5.4 GB (any JSON shape). Read on a
    second core, the reader says the same, under the same cap."""
    bomb = '{"text":"x","ents":[' + ",".join(["{}"] * 20_000_000) + "]}"
    good = json.dumps({"text": "The talks went on."})
    src = tmp_path / f"bomb{suffix}"
    body = f"{good}\n{bomb}\n{good.replace('on', 'off')}\n"
    src.write_text(body if suffix == ".jsonl" else f"[{good},\n{bomb},\n{good}]\n", encoding="utf-8")
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src, read_aside=read_aside)
    reason = _lines(done)[0]
    if suffix == ".jsonl":  # the line is skipped, the next comes in
        said = "holds 20,000,002 JSON objects and arrays; at most 2,000,000 are read in one record (split it)"
        assert reason == f"{src}:2: the record {said}" and "imported 2 new articles" in done.stdout
    else:  # a streamed array cannot be told apart past it: the records before it come in
        assert reason.startswith(f"{src}:2: the record holds more than 2,000,000 JSON objects and arrays")
        assert reason.endswith("the rest of the file was not read") and "imported 1 new article" in done.stdout
    assert done.returncode == 1
    assert peak < PEAK_MB, peak


@pytest.mark.slow
def test_a_record_of_twelve_million_short_strings(tmp_path, project):
    """Before: one 60 MB line of two-letter strings made the JSON decoder take 827 MB, a
    MemoryError traceback under a gigabyte: its values are counted (its commas) before decoding."""
    bomb = '{"text":"x","meta":{"x":[' + ",".join(['"ab"'] * 12_000_000) + "]}}"
    src = tmp_path / "strings.jsonl"
    src.write_text(f"{bomb}\n" + json.dumps({"text": "The talks went on."}) + "\n", encoding="utf-8")
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    reason, summary = _lines(done)
    assert (
        reason
        == f"{src}:1: the record holds 12,000,000 JSON values; at most 3,500,000 are read in one record (split it)"
    )
    assert summary == "1 rejected (see above)"
    assert done.returncode == 1 and "imported 1 new article" in done.stdout
    assert peak < PEAK_MB, peak


def test_brackets_in_a_text_are_no_objects(tmp_path, monkeypatch):
    """The count of objects and arrays leaves out the brackets a text quotes (code, a formula)."""
    from annotator import settings
    from annotator.formats.json_stream import too_many_containers

    monkeypatch.setattr(settings, "MAX_RECORD_CONTAINERS", 5)
    quoting = json.dumps({"text": 'x = [[{"a": [1]}]] \\ "[" ' * 10, "spans": [{}, {}]}).encode()
    assert too_many_containers(quoting) is None
    assert "holds 6 JSON objects" in too_many_containers(json.dumps({"text": "[[[", "a": [{}, {}, {}, {}]}).encode())


def test_a_file_name_with_a_line_break_keeps_each_message_on_one_line(tmp_path, project):
    """Before: `new\\nline.jsonl:1: reason` came out over two lines, a script read two messages."""
    src = tmp_path / "new\nline.jsonl"
    src.write_text('{"text": ""}\n{"text": "The talks went on."}\n[1]\n', encoding="utf-8")
    done, _ = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    shown = f"{tmp_path}/new\\x0aline.jsonl"
    assert _lines(done) == [
        f'{shown}:1: "text" is empty',
        f"{shown}:3: expected a JSON object, got a list",
        "2 rejected (see above)",
    ]
    assert done.returncode == 1 and "imported 1 new article" in done.stdout


def _between_good_lines(tmp_path: Path, name: str, bomb: str) -> Path:
    src = tmp_path / name
    good = json.dumps({"text": "The talks went on."})
    src.write_text(f"{good}\n{bomb}\n{good.replace('on', 'off')}\n", encoding="utf-8")
    return src


@pytest.mark.slow
def test_the_tryouts_line_of_five_letter_strings(tmp_path, project):
    """Before: a 63.6 MB line of 7,950,000 five-letter strings in its meta (under the 8,000,000
    values then read) ended in a MemoryError traceback while it was stored, and the good lines
    around it were lost too."""
    bomb = '{"text":"Putin offered talks.","meta":{"x":[' + ",".join(['"abcde"'] * 7_950_000) + "]}}"
    src = _between_good_lines(tmp_path, "five.jsonl", bomb)
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    assert _lines(done) == [
        f"{src}:2: the record holds 7,950,000 JSON values; at most 3,500,000 are read in one record (split it)",
        "1 rejected (see above)",
    ]
    assert done.returncode == 1 and "imported 2 new articles" in done.stdout
    assert peak < PEAK_MB, peak


@pytest.mark.slow
def test_a_meta_of_27_mb_under_the_values_cap(tmp_path, project):
    """A meta under the values cap but far over its own: refused by its size, the rest comes in."""
    bomb = '{"text":"Putin offered talks.","meta":{"x":[' + ",".join(['"abcde"'] * 3_400_000) + "]}}"
    src = _between_good_lines(tmp_path, "meta.jsonl", bomb)
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    reason, summary = _lines(done)
    assert reason.startswith(f'{src}:2: "meta" is 27.2 MB of JSON; at most 1 MiB is kept a record'), reason
    assert summary == "1 rejected (see above)"
    assert done.returncode == 1 and "imported 2 new articles" in done.stdout
    assert peak < PEAK_MB, peak


@pytest.mark.slow
@pytest.mark.parametrize(("values", "count"), [('"ab"', 12_000_000), ("7", 30_000_000)])
def test_a_json_array_element_of_many_values(tmp_path, project, values, count):
    """Before: a `.json` array's element had no values cap: 12,000,000 two-letter strings ended in a
    MemoryError traceback in the decoder, 30,000,000 numbers came in with a 646 MB peak."""
    bomb = '{"text":"x","meta":{"x":[' + ",".join([values] * count) + "]}}"
    good = json.dumps({"text": "The talks went on."})
    src = tmp_path / "values.json"
    src.write_text(f"[{good},\n{bomb},\n{good.replace('on', 'off')}]\n", encoding="utf-8")
    done, peak = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    assert _lines(done)[0] == (
        f"{src}:2: the record holds more than 3,500,000 JSON values; at most 3,500,000 are read in one record "
        "(split it); the rest of the file was not read"
    )
    assert done.returncode == 1 and "imported 1 new article" in done.stdout
    assert peak < PEAK_MB, peak


def test_a_streamed_element_is_cut_before_its_values_cap(tmp_path, monkeypatch):
    """The streamed reader holds back what lies past the cap-th comma: the element that holds more
    values is refused by name, the ones before it come in; a file under the cap reads whole."""
    from annotator import settings
    from annotator.formats.json_stream import iter_json_records

    src = tmp_path / "a.json"
    src.write_text('[{"text": "a"},\n{"text": "b", "m": [1, 2, 3, 4, 5, 6, 7, 8]},\n{"text": "c"}]', encoding="utf-8")
    monkeypatch.setattr(settings, "MAX_RECORD_VALUES", 5)
    first, refused = iter_json_records(src)
    assert first == (1, {"text": "a"})
    assert str(refused) == (
        f"{src}:2: the record holds more than 5 JSON values; at most 5 are read in one record (split it); "
        "the rest of the file was not read"
    )
    monkeypatch.setattr(settings, "MAX_RECORD_VALUES", 10)  # fewer than the file's commas, each element under
    assert [line for line, _ in iter_json_records(src)] == [1, 2, 3]


def test_a_meta_over_its_cap_is_named_with_its_size(tmp_path, project):
    """A record's meta is measured as it is checked, before anything copies it."""
    src = _between_good_lines(tmp_path, "meta.jsonl", json.dumps({"text": "Big.", "meta": {"page": "x" * 2**21}}))
    done, _ = capped_cli(tmp_path, "--db", project, "import", "--no-ner", src)
    assert _lines(done) == [
        f'{src}:2: "meta" is 2.1 MB of JSON; at most 1 MiB is kept a record (keep the rest in a file of its own, '
        "or split the record)",
        "1 rejected (see above)",
    ]
    assert done.returncode == 1 and "imported 2 new articles" in done.stdout


def test_a_records_meta_is_measured_as_its_json(tmp_path):
    """The size the cap and the import batch count is close to the JSON the store writes."""
    from annotator.formats.records import record_from_dict

    meta = {"source": "Reuters", "ids": [1, 2, 123456789], "nested": {"a": None, "b": True, "c": 1.5}, "t": "é" * 10}
    record = record_from_dict({"text": "Kyiv said so.", "meta": meta}, source="x", line=1)
    written = len(json.dumps(meta, ensure_ascii=False))
    assert written * 0.8 <= record.meta_chars <= written * 1.2, (record.meta_chars, written)
