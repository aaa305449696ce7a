"""The attacks of issue 26, run against the current code: one row each (attack, outcome, peak MB,
seconds). `python -m benchmarks --suite attacks` prints the table; the "before" of each row is in
the issue's text.

Each attack runs in a fresh child process whose address space is capped at 1 GiB (a bomb that
gets through is killed, not the machine), mostly through the real command line; its peak is the
child's own VmHWM. An attack that needs a window, a kill or a cluster runs its named test (peak
"-"): those tests drive the real thing (Xvfb and xdotool, SIGKILL, a silent TCP listener).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks import Result

ROOT = Path(__file__).resolve().parent.parent
CAP_BYTES = 1 << 30

#: `python -m annotator ARGS` (or, with `-c CODE`, a snippet) under the cap; the peak goes to a file.
CAPPED = """
import os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
try:
    if sys.argv[1] == "-c":
        sys.argv = sys.argv[2:]
        exec(compile(sys.argv[0], "<attack>", "exec"), {{"__name__": "__main__"}})
    else:
        sys.argv = ["annotator", *sys.argv[1:]]
        runpy.run_module("annotator", run_name="__main__", alter_sys=True)
finally:
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
"""


@dataclass
class Run:
    returncode: int
    out: str
    err: str
    peak_mb: float | None
    seconds: float

    def said(self, work: Path) -> str:
        """The message, file names as the user gave them: the first FILE:LINE: reason, else the
        error's last line, else the output's last line."""
        for text in (self.err, self.out):
            lines = [line for line in text.splitlines() if line.strip() and not line.startswith("indexing ")]
            named = [line for line in lines if re.search(r":\d+: ", line)]
            if named or lines:
                return (named or lines)[0 if named else -1].removeprefix("Error: ").replace(f"{work}/", "")
        return ""


def capped(work: Path, *args: object, code: str | None = None, timeout: float = 600) -> Run:
    """`annotator ARGS`, or the Python `code` with ARGS as sys.argv[1:], in a capped child."""
    peak = work / "peak"
    peak.unlink(missing_ok=True)
    # read in the one process whose peak is taken (a large JSON import would otherwise be read
    # by a second process: `importing.aside`)
    env = {
        **os.environ,
        "PEAK_FILE": str(peak),
        "ANNOTATOR_NAME": "tester",
        "QT_QPA_PLATFORM": "offscreen",
        "ANNOTATOR_READ_ASIDE": "0",
    }
    # search --apply's backup and the log stay in the work folder, never in the user's
    env.update(ANNOTATOR_DATA_DIR=str(work / "data"), ANNOTATOR_LOG_DIR=str(work / "log"))
    argv = ["-c", code, *map(str, args)] if code is not None else list(map(str, args))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CAPPED.format(cap=CAP_BYTES), *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.perf_counter() - started
    mb = int(peak.read_text()) / 1024 if peak.exists() else None
    return Run(done.returncode, done.stdout, done.stderr, mb, seconds)


def named_test(node: str, timeout: float = 900) -> Run:
    """A test that drives the attack for real (a window on Xvfb, a SIGKILL, a silent scheduler)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return Run(done.returncode, f"{node}: {last}", "", None, time.perf_counter() - started)


def traceback_free(run: Run) -> bool:
    return "Traceback" not in run.err and "MemoryError" not in run.err and run.peak_mb is not None


# -- projects and files the attacks use ---------------------------------------------------------

TEXT = "Zelensky said Kyiv will halt strikes if Moscow does. Russia denied it at once."


def project(work: Path, name: str = "p") -> Path:
    """A project with one article, its first sentence labeled offer by tester."""
    from annotator.records import IncomingRecord, Span
    from annotator.store import Store

    path = work / f"{name}.annotator.sqlite"
    for leftover in work.glob(f"{name}.annotator.sqlite*"):
        leftover.unlink()
    with Store.create(path) as store:
        store.add_records([IncomingRecord(TEXT, "T", "t", 1, spans=[Span(0, 52, "offer")], annotator="tester")], "me")
    return path


def jsonl(work: Path, name: str, *objects: dict) -> Path:
    path = work / name
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


# -- the attacks ---------------------------------------------------------------------------------

#: The window's label key as the session writes it (a change against what is stored now), from a
#: connection opened before another program wrote: what the window held open.
KEY_AFTER_OTHER_WRITER = """
import subprocess, sys
from annotator.store import Store
path, *other = sys.argv[1:]
with Store.open(path) as window:
    window.statements.statements(1, "tester")  # the window has read the statement
    subprocess.run([sys.executable, "-m", "annotator", "--db", path, *other], check=True, capture_output=True)
    window.statements.change_statement(1, "tester", 0, 52, add=["denial"])
    print(sorted(window.statements.statements(1, "tester")[0].labels))
"""


def lost_update_search(work: Path) -> tuple[bool, Run]:
    path = project(work)
    run = capped(
        work, path, "search", '"halt strikes"', "--label", "demand", "--annotator", "tester", "--apply",
        code=KEY_AFTER_OTHER_WRITER,
    )  # fmt: skip
    return run.out.strip().endswith("['demand', 'denial', 'offer']"), run


def lost_update_import(work: Path) -> tuple[bool, Run]:
    path = project(work)
    demand = {"start": 0, "end": 52, "label": "demand", "answer": "accept"}
    feedback = jsonl(work, "feedback.jsonl", {"text": TEXT, "_annotator_id": "tester", "spans": [demand]})
    run = capped(work, path, "import", "--no-ner", feedback, code=KEY_AFTER_OTHER_WRITER)
    return run.out.strip().endswith("['demand', 'denial', 'offer']"), run


def lost_update_window(work: Path) -> tuple[bool, Run]:
    run = named_test(
        "tests/ui/test_real_x.py::test_on_a_real_x_server_a_label_key_keeps_the_label_another_program_gave_meanwhile"
    )
    return run.returncode == 0, run


def labeled_project(path: Path) -> None:
    """Twenty finished articles with a label each: enough for train to reach its output folder."""
    from annotator.records import IncomingRecord, Span
    from annotator.store import Store

    with Store.create(path) as store:
        store.add_records(
            [
                IncomingRecord(f"Article {i}: {TEXT}", f"A{i}", "t", i, spans=[Span(0, 7, "offer")], status="done")
                for i in range(20)
            ],
            "tester",
        )


def train_keeps_user_files(work: Path) -> tuple[bool, Run]:
    folder = work / "model"
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    for name, text in (("config.cfg", "[nlp]\n"), ("meta.json", "{}"), ("notes.txt", "my notes")):
        (folder / name).write_text(text, encoding="utf-8")
    path = work / "labeled.annotator.sqlite"
    if not path.exists():
        labeled_project(path)
    run = capped(work, "--db", path, "train", "--output", folder)
    kept = (folder / "notes.txt").read_text(encoding="utf-8") == "my notes" and (folder / "corpus").is_dir()
    return kept and run.returncode != 0 and traceback_free(run), run


def train_killed(work: Path) -> tuple[bool, Run]:
    run = named_test("tests/test_train_output.py::test_a_train_killed_between_its_renames_leaves_the_previous_pipeline")
    return run.returncode == 0, run


def entity_label_line_break(work: Path) -> tuple[bool, Run]:
    path = project(work)
    bad = jsonl(
        work, "inject.jsonl", {"text": TEXT, "entities": [{"start": 0, "end": 8, "label": "Evil\nX _ _ B-INJECTED"}]}
    )
    run = capped(work, "--db", path, "import", "--no-ner", bad)
    return f"{bad}:1:" in run.err and "line break" in run.err and traceback_free(run), run


def link_type_line_break(work: Path) -> tuple[bool, Run]:
    path = project(work)
    relation = {
        "head_span": {"start": 0, "end": 52},
        "child_span": {"start": 0, "end": 8},
        "label": "speaker\nT9\tX 0 4",
    }
    spans = [{"start": 0, "end": 52, "label": "offer"}]
    bad = jsonl(work, "inject.jsonl", {"text": TEXT, "spans": spans, "relations": [relation]})
    run = capped(work, "--db", path, "import", "--no-ner", bad)
    return f"{bad}:1:" in run.err and "line break" in run.err and traceback_free(run), run


def ten_million_character_label(work: Path) -> tuple[bool, Run]:
    path = project(work)
    identity = {"pipeline": "rules", "version": "0", "recipe": "x"}
    shard = work / "shards"
    shard.mkdir(exist_ok=True)
    record = {"text": TEXT, "spans": [{"start": 0, "end": 8, "label": "x" * 10_000_000}]}
    record["_preannotation"] = {**identity, "entities": [], "sentences": [], "tokens": []}
    jsonl(shard, "part-0.jsonl", record)
    run = capped(work, "--db", path, "import", "--no-ner", shard / "part-0.jsonl")
    return "10,000,000 characters long" in run.err and traceback_free(run), run


def exclusive_group_feedback(work: Path) -> tuple[bool, Run]:
    from annotator.records import Category, CategoryGroup
    from annotator.store import Store

    path = project(work)
    with Store.open(path) as store:
        store.schemes.set_category_scheme([CategoryGroup("stance", True, (Category("positive"), Category("negative")))])
    spans = [{"start": 0, "end": 8, "label": "offer", "answer": "accept"}]
    feedback = jsonl(
        work, "teach.jsonl",
        {"text": TEXT, "spans": spans, "_categories": ["positive"]},
        {"text": TEXT, "spans": spans, "_categories": ["negative"]},
    )  # fmt: skip
    run = capped(work, "--db", path, "import", "--no-ner", feedback)
    with Store.open(path) as store:
        # never both: since binary answers add up, a contradicting pair is left out whole (unknown)
        held = len(store.categories.article_categories(1, "tester")) <= 1
    return held and "exclusive group" in run.err and f"{feedback}:2:" in run.err and traceback_free(run), run


LAST_LABEL_OFF = """
import sys
from annotator.records import Link
from annotator.store import Store
with Store.open(sys.argv[1]) as store:
    store.links.change_links(1, "tester", add=[Link(0, 52, 0, 8, "speaker")])
    change = store.statements.change_statement(1, "tester", 0, 52, remove=["offer"])
    gone = store.links.links(1, "tester")
    store.statements.revert_statement_change(1, "tester", 0, 52, change)
    print("links after the last label went", len(gone), "after undo", len(store.links.links(1, "tester")))
"""


def last_label_off(work: Path) -> tuple[bool, Run]:
    run = capped(work, project(work), code=LAST_LABEL_OFF)
    return run.out.strip().endswith("went 0 after undo 1"), run


def search_bomb(query: str, said: str) -> Callable[[Path], tuple[bool, Run]]:
    def attack(work: Path) -> tuple[bool, Run]:
        run = capped(work, "--db", project(work), "search", query)
        return run.returncode == 1 and said in run.err and traceback_free(run), run

    return attack


SEARCH_BOX = """
from annotator.search.query import QueryError, parse
try:
    parse("x{10000000}", regex=True)
except QueryError as exc:
    print(exc)
"""


def search_box_bomb(work: Path) -> tuple[bool, Run]:
    run = capped(work, code=SEARCH_BOX)
    return "at most 1,000" in run.out and traceback_free(run), run


def rule_bomb(token: dict, said: str) -> Callable[[Path], tuple[bool, Run]]:
    def attack(work: Path) -> tuple[bool, Run]:
        rules = jsonl(work, "rules.jsonl", {"label": "demand", "pattern": [token]})
        run = capped(work, "--db", project(work), "rules", "--load", rules)
        return run.returncode != 0 and said in run.err and f"{rules}:1:" in run.err and traceback_free(run), run

    return attack


def hits_project(work: Path, articles: int) -> Path:
    from annotator.records import IncomingRecord
    from annotator.store import Store

    path = work / f"hits{articles}.annotator.sqlite"
    if not path.exists():
        sentence = "Officials offered a halt to the strikes on the cargo ships today. "
        with Store.create(path) as store:
            store.add_records(
                [IncomingRecord(f"Report {i}. " + sentence * 40, f"T{i}", "x", i) for i in range(articles)], "me"
            )
    return path


def label_all_preview(articles: int) -> Callable[[Path], tuple[bool, Run]]:
    def attack(work: Path) -> tuple[bool, Run]:
        run = capped(work, "--db", hits_project(work, articles), "search", "halt", "--label", "offer")
        return run.returncode == 0 and run.peak_mb is not None and run.peak_mb < 512, run

    return attack


def workers_die(work: Path) -> tuple[bool, Run]:
    run = named_test("tests/test_workers_die_with_parent.py")
    return run.returncode == 0, run


def record_under_line_cap(work: Path) -> tuple[bool, Run]:
    sentence = "Kyiv offered a halt to strikes on the cargo ships. "
    src = work / "big.jsonl"
    if not src.exists():
        src.write_text(json.dumps({"text": sentence * ((64 * 2**20 - 4096) // len(sentence))}) + "\n", encoding="utf-8")
    run = capped(work, "--db", project(work), "import", "--no-ner", src)
    return run.returncode == 0 and run.peak_mb is not None and run.peak_mb < 512 and traceback_free(run), run


def _bomb_line(work: Path, name: str, bomb: str, said: str) -> tuple[bool, Run]:
    """Import `bomb` (one JSONL line) and a good line after it: held when the bomb is refused as
    `FILE:1: ...said...`, the good line comes in, and nothing ends in a traceback."""
    src = work / name
    if not src.exists():
        src.write_text(f"{bomb}\n{json.dumps({'text': 'Kyiv said so.'})}\n", encoding="utf-8")
    run = capped(work, "--db", project(work), "import", "--no-ner", src)
    refused = f"{src}:1: {said}" in run.err and "imported 1 new article" in run.out
    return refused and traceback_free(run), run


def spacy_json_entities(work: Path) -> tuple[bool, Run]:
    """spaCy's `Doc.to_json` shape, 1,900,000 `ents` on one 59 MB line (under the line cap): its
    5,700,000 values are over the values cap, so it is refused before it is decoded."""
    ents = [{"start": 0, "end": 3, "label": "A"}] * 1_900_000
    bomb = json.dumps({"text": TEXT, "ents": ents}, separators=(",", ":"))
    return _bomb_line(work, "ents.jsonl", bomb, "the record holds 5,700,000 JSON values")


def empty_objects(work: Path) -> tuple[bool, Run]:
    """20,000,000 `{}` on one 57 MB JSONL line: the JSON decoder itself (any shape)."""
    bomb = '{"text":"x","ents":[' + ",".join(["{}"] * 20_000_000) + "]}"
    return _bomb_line(work, "empty.jsonl", bomb, "the record holds 20,000,002 JSON objects")


def short_strings(work: Path) -> tuple[bool, Run]:
    """12,000,000 two-letter strings on one 60 MB JSONL line: values the decoder builds one by one."""
    bomb = '{"text":"x","meta":{"x":[' + ",".join(['"ab"'] * 12_000_000) + "]}}"
    return _bomb_line(work, "strings.jsonl", bomb, "the record holds 12,000,000 JSON values")


def five_letter_strings(work: Path) -> tuple[bool, Run]:
    """7,950,000 five-letter strings in a meta, one 63.6 MB JSONL line (under the former 8,000,000)."""
    bomb = '{"text":"Putin offered talks.","meta":{"x":[' + ",".join(['"abcde"'] * 7_950_000) + "]}}"
    return _bomb_line(work, "five.jsonl", bomb, "the record holds 7,950,000 JSON values")


def big_meta(work: Path) -> tuple[bool, Run]:
    """A 27 MB meta (3,400,000 five-letter strings), under the values cap: refused by its size."""
    bomb = '{"text":"Putin offered talks.","meta":{"x":[' + ",".join(['"abcde"'] * 3_400_000) + "]}}"
    return _bomb_line(work, "meta.jsonl", bomb, '"meta" is 27.2 MB of JSON; at most 1 MiB')


def _bomb_element(work: Path, name: str, bomb: str, said: str) -> tuple[bool, Run]:
    """`_bomb_line` for a `.json` array: a good element, the bomb, a good one. Held when the bomb is
    refused as `FILE:2: ...said...`, the element before it comes in, and nothing ends in a traceback."""
    src = work / name
    if not src.exists():
        good = json.dumps({"text": "Kyiv said so."})
        src.write_text(f"[{good},\n{bomb},\n{json.dumps({'text': 'Moscow denied it.'})}]\n", encoding="utf-8")
    run = capped(work, "--db", project(work), "import", "--no-ner", src)
    refused = f"{src}:2: {said}" in run.err and "imported 1 new article" in run.out
    return refused and traceback_free(run), run


def json_array_strings(work: Path) -> tuple[bool, Run]:
    """12,000,000 two-letter strings in one element of a `.json` array (60 MB), read streamed."""
    bomb = '{"text":"x","meta":{"x":[' + ",".join(['"ab"'] * 12_000_000) + "]}}"
    return _bomb_element(work, "strings.json", bomb, "the record holds more than 3,500,000 JSON values")


def json_array_numbers(work: Path) -> tuple[bool, Run]:
    """30,000,000 one-digit numbers in one element of a `.json` array (60 MB), read streamed."""
    bomb = '{"text":"x","meta":{"x":[' + ",".join(["7"] * 30_000_000) + "]}}"
    return _bomb_element(work, "numbers.json", bomb, "the record holds more than 3,500,000 JSON values")


#: After the import: the seconds one label key takes on the article (the key reads its links),
#: once the window's modules are loaded (a first write in a fresh process imports them: ~3 s).
KEY_SECONDS = """
import sys, time
from annotator.store import Store
with Store.open(sys.argv[1]) as store:
    links = len(store.links.article_links(1))
    store.statements.change_statement(1, "a0", 0, 20, add=["denial"])  # the first imports the parts' modules
    started = time.perf_counter()
    store.statements.change_statement(1, "a0", 0, 20, add=["demand"])
    print(f"{links:,} links held; a label key {time.perf_counter() - started:.3f} s")
"""


def many_links(work: Path) -> tuple[bool, Run]:
    """50 records of one article from 50 annotators, 9,900 links each (490,000 together)."""
    sentences = [f"Sentence {i:03d} said no." for i in range(100)]
    text = " ".join(sentences)
    bounds = [(text.index(s), text.index(s) + len(s)) for s in sentences]
    spans = [{"start": a, "end": b, "label": "offer"} for a, b in bounds]
    relations = [
        {"head_span": {"start": a, "end": b}, "child_span": {"start": c, "end": d}, "label": "responds-to"}
        for i, (a, b) in enumerate(bounds)
        for j, (c, d) in enumerate(bounds)
        if i != j
    ]
    src = jsonl(
        work,
        "links.jsonl",
        *({"text": text, "_annotator_id": f"a{n}", "spans": spans, "relations": relations} for n in range(50)),
    )
    path = work / "links.annotator.sqlite"
    for leftover in work.glob("links.annotator.sqlite*"):
        leftover.unlink()
    run = capped(work, "--db", path, "import", "--no-ner", src)
    key = capped(work, path, code=KEY_SECONDS)
    run.out += "\n" + key.out
    refused = run.err.count("one article may hold at most 10,000")
    ok = refused == 49 and "9,900 links held" in key.out and traceback_free(run)
    return ok, Run(
        run.returncode, f"49 of 50 records refused as FILE:LINE; {key.out.strip()}", "", run.peak_mb, run.seconds
    )


def dask_silent(work: Path) -> tuple[bool, Run]:
    corpus = jsonl(work, "corpus.jsonl", {"text": TEXT})
    out = work / "shards-out"
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        run = capped(work, "preannotate", corpus, "--out", out, "--dask-scheduler", address, "--pipeline", "rules")
    return run.returncode != 0 and not out.exists() and "no answer" in run.err and traceback_free(run), run


def dask_no_workers(work: Path) -> tuple[bool, Run]:
    run = named_test("tests/test_dask_timeouts.py::test_a_scheduler_with_no_workers_says_so")
    return run.returncode == 0, run


#: (attack, as the issue names it; how it is run)
ATTACKS: list[tuple[str, Callable[[Path], tuple[bool, Run]]]] = [
    ("lost update: window key after search --apply (real X window)", lost_update_window),
    ("lost update: label key after search --apply (another connection)", lost_update_search),
    ("lost update: label key after a binary-feedback import", lost_update_import),
    ("train --output DIR with config.cfg, meta.json and the user's files", train_keeps_user_files),
    ("train killed between its renames; .partial leftovers", train_killed),
    ("entity label with a line break (CoNLL injection)", entity_label_line_break),
    ("link type with a line break (brat injection)", link_type_line_break),
    ("10-million-character label from a shard", ten_million_character_label),
    ("two binary-feedback records, both categories of an exclusive group", exclusive_group_feedback),
    ("a statement's only label turned off: its links (and undo)", last_label_off),
    ('search re:"x{4294967294}"', search_bomb('re:"x{4294967294}"', "4,294,967,294 times; at most 1,000")),
    ('search re:"x{10000000}"', search_bomb('re:"x{10000000}"', "10,000,000 times; at most 1,000")),
    ("window search box, regex mode, x{10000000}", search_box_bomb),
    ('rule "OP": "{1000000000}"', rule_bomb({"LOWER": "a", "OP": "{1000000000}"}, "more than 100 times")),
    ('rule "OP": "{1000000}"', rule_bomb({"LOWER": "a", "OP": "{1000000}"}, "more than 100 times")),
    ("rule REGEX ^(a|aa)+$", rule_bomb({"TEXT": {"REGEX": "^(a|aa)+$"}}, "repeats a group")),
    ("label-all preview, 80,000 hits", label_all_preview(2000)),
    ("kill -9 of preannotate: its workers", workers_die),
    ("one JSONL record just under the 64 MiB line cap", record_under_line_cap),
    ("490,000 links for one article in 50 records", many_links),
    ("spaCy JSON line with 1,900,000 ents (under the line cap)", spacy_json_entities),
    ("JSONL line of 20,000,000 empty objects (57 MB)", empty_objects),
    ("JSONL line of 12,000,000 short strings (60 MB)", short_strings),
    ("JSONL line of 7,950,000 five-letter strings in meta (63.6 MB)", five_letter_strings),
    ("JSONL record with a 27 MB meta, under the values cap", big_meta),
    (".json array element of 12,000,000 short strings (60 MB)", json_array_strings),
    (".json array element of 30,000,000 numbers (60 MB)", json_array_numbers),
    ("Dask address that accepts TCP and never answers", dask_silent),
    ("Dask scheduler with no workers", dask_no_workers),
]


#: The attacks that read or write files of 60 MB and more (left out of a quick run).
HEAVY = (
    record_under_line_cap,
    many_links,
    spacy_json_entities,
    empty_objects,
    short_strings,
    five_letter_strings,
    big_meta,
    json_array_strings,
    json_array_numbers,
)


def attack_rows(work: Path, quick: bool = False) -> list[Result]:
    """One result per attack: `value` its seconds, `note` its outcome, `peak_mb` its child's peak."""
    rows = []
    for name, attack in ATTACKS:
        if quick and attack in (*HEAVY, lost_update_window):
            continue
        folder = work / f"attack{len(rows)}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            held, run = attack(folder)
            said = run.said(folder)
        except Exception as exc:  # an attack that breaks the harness is a row too
            held, run, said = False, Run(1, "", "", None, 0.0), f"{type(exc).__name__}: {exc}"
        outcome = ("held: " if held else "NOT HELD: ") + said[:110]
        rows.append(Result("attacks", name, run.seconds, "s", note=outcome, peak_mb=run.peak_mb))
    return rows


def table(results: list[Result]) -> str:
    """The attack table, in Markdown: attack, outcome, peak MB, seconds."""
    lines = ["| attack | outcome | peak MB | seconds |", "|---|---|---|---|"]
    for r in results:
        peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else "-"
        cells = (r.name, r.note, peak, f"{r.value:.1f}")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def run(workdir: Path, quick: bool) -> list[Result]:
    return attack_rows(workdir, quick)
