"""Speed at the floor (issue 29): Annotator against the bare minimum, in one run.

- import floor: `json.loads` each line, `sha1` of the text, one INSERT per article (id, hash
  unique, text, meta JSON) and one `executemany` of its spans (article id, start, end, label,
  annotator) into a second table with no other index, one transaction for the file;
- export floor: one SELECT of the spans grouped in a dict, one SELECT of the articles,
  `json.dumps` of {"text", "meta", "spans"} per line;
- start-up: `annotator --version` against `python -c "import click"`, and `annotator stats` on
  the imported project against a bare count of the same tables, in CPU (user + sys of the child);
- peak memory of an import, 50,000 records against 500,000: flat.

Both sides use the same SQLite settings as a project (WAL, synchronous=FULL).
"""

from __future__ import annotations

import hashlib
import json
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from benchmarks import Result, compare
from benchmarks.io import our_import
from benchmarks.memory import peak_import_kib

WORDS = [
    *("Kyiv", "Moscow", "said", "the", "talks", "on", "energy", "infrastructure"),
    *("could", "halt", "strikes", "if", "Russia", "agrees"),
]

#: Labels of the spans each record carries.
LABELS = ("claim", "demand", "threat", "offer", "denial")

#: The tables `annotator stats` counts, counted bare.
BARE_COUNT = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for table in ("articles", "statements", "statement_labels", "entities", "sentences", "links", "annotators",
              "article_status", "preannotation_failures"):
    print(table, c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
"""


def make_corpus(path: Path, n: int, words: int = 120, seed: int = 1) -> Path:
    """`n` Prodigy-style records of about `words` words, each with 5 labeled spans and a meta."""
    rng = random.Random(seed)
    gap = words // 5
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            tokens = [f"Article {i}.", *(rng.choice(WORDS) for _ in range(words))]
            starts = [0]
            for token in tokens[:-1]:
                starts.append(starts[-1] + len(token) + 1)
            spans = []
            for k in range(5):  # two words from the (k * gap + 1)th
                first = k * gap + 1
                spans.append({"start": starts[first], "end": starts[first + 2] - 1, "label": LABELS[k]})
            record = {"text": " ".join(tokens), "meta": {"n": i, "source": "bench"}, "spans": spans}
            out.write(json.dumps(record) + "\n")
    return path


def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def floor_import(src: Path, db: Path, annotator: str = "bench") -> None:
    """The import floor, exactly as issue 29 names it (see the module docstring)."""
    conn = _connect(db)
    conn.executescript(
        "CREATE TABLE articles(id INTEGER PRIMARY KEY, hash TEXT UNIQUE, text TEXT, meta TEXT);"
        "CREATE TABLE spans(article_id INT, start INT, end INT, label TEXT, annotator TEXT);"
    )
    with src.open("rb") as f:
        conn.execute("BEGIN")
        for aid, line in enumerate(f, 1):
            rec = json.loads(line)
            text = rec["text"]
            conn.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?)",
                (aid, hashlib.sha1(text.encode()).hexdigest(), text, json.dumps(rec.get("meta", {}))),
            )
            conn.executemany(
                "INSERT INTO spans VALUES (?, ?, ?, ?, ?)",
                [(aid, s["start"], s["end"], s["label"], annotator) for s in rec["spans"]],
            )
        conn.execute("COMMIT")
    conn.close()


def floor_export(db: Path, out: Path) -> None:
    """The export floor: the spans grouped in a dict by one SELECT, the articles by another,
    `json.dumps` of {"text", "meta", "spans"} per line."""
    conn = sqlite3.connect(db)
    spans: dict[int, list[dict]] = defaultdict(list)
    for aid, start, end, label in conn.execute("SELECT article_id, start, end, label FROM spans"):
        spans[aid].append({"start": start, "end": end, "label": label})
    with out.open("w", encoding="utf-8") as f:
        for aid, text, meta in conn.execute("SELECT id, text, meta FROM articles"):
            f.write(json.dumps({"text": text, "meta": json.loads(meta), "spans": spans.get(aid, [])}) + "\n")
    conn.close()


def cpu_of(fn: Callable[[], object]) -> float:
    """CPU seconds this process spends in one call of `fn`."""
    before = time.process_time()
    fn()
    return time.process_time() - before


def child_cpu(args: list[str]) -> float:
    """User + system CPU seconds of one run of `args` (a child process, waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare_cpu(ours: list[str], bare: list[str], repeat: int = 7) -> tuple[float, float]:
    """Least CPU of `ours` and of `bare`, run in turns."""
    best_ours = best_bare = float("inf")
    for _ in range(repeat):
        best_bare = min(best_bare, child_cpu(bare))
        best_ours = min(best_ours, child_cpu(ours))
    return best_ours, best_bare


def compiled_package() -> None:
    """Annotator's modules compiled to bytecode, as an installed copy has them (pip compiles what it
    installs; the bundle holds bytecode): start-up is measured as a user meets it, not with every
    module compiled from source again, as it is where PYTHONDONTWRITEBYTECODE is set. The standard
    library the bare baselines import is compiled already."""
    import annotator as package

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(package.__file__).parent)], check=True)


def annotator_command() -> list[str]:
    """The installed `annotator` script beside this Python, else `python -m annotator`."""
    script = Path(sys.executable).with_name("annotator")
    if script.exists():
        return [str(script)]
    found = shutil.which("annotator")
    return [found] if found else [sys.executable, "-m", "annotator"]


def run(workdir: Path, quick: bool) -> list[Result]:
    from annotator.export.rule import choose_rule
    from annotator.export.run import export
    from annotator.store import Store

    n = 5_000 if quick else 50_000
    src = make_corpus(workdir / "corpus.jsonl", n)
    made: list[Path] = []
    ours_import = our_import(workdir, src, n, made)

    floors: list[Path] = []

    def bare_import() -> None:
        db = workdir / f"floor-{len(floors)}.sqlite"
        floors.append(db)
        floor_import(src, db)

    t_import, t_floor_import = compare(ours_import, bare_import)
    project, floor_db = made[-1], floors[-1]
    reports: list = []
    cpu_import = cpu_of(our_import(workdir, src, n, made, reports)) + reports[-1].reader_cpu_seconds
    cpu_floor_import = cpu_of(bare_import)

    def ours_export() -> None:
        with Store.open(project) as store:
            export(store, workdir / "ours.jsonl", choose_rule(store, "jsonl"))

    t_export, t_floor_export = compare(ours_export, lambda: floor_export(floor_db, workdir / "floor.jsonl"))
    with (workdir / "ours.jsonl").open(encoding="utf-8") as a, (workdir / "floor.jsonl").open(encoding="utf-8") as b:
        for x, y in zip(a, b, strict=True):  # like for like: the same texts and spans
            x, y = json.loads(x), json.loads(y)
            assert x["text"] == y["text"]
            assert [(s["start"], s["end"], s["label"]) for s in x["spans"]] == [
                (s["start"], s["end"], s["label"]) for s in y["spans"]
            ]

    annotator = annotator_command()
    compiled_package()
    cpu_version, cpu_click = compare_cpu([*annotator, "--version"], [sys.executable, "-c", "import click"])
    cpu_stats, cpu_count = compare_cpu(
        [*annotator, "--db", str(project), "stats"], [sys.executable, "-c", BARE_COUNT, str(project)]
    )

    small_n, big_n = (5_000, 50_000) if quick else (50_000, 500_000)
    _, small_peak = peak_import_kib(make_corpus(workdir / "small.jsonl", small_n, words=20), workdir / "small.sqlite")
    added, big_peak = peak_import_kib(make_corpus(workdir / "big.jsonl", big_n, words=20), workdir / "big.sqlite")
    assert added == big_n
    return [
        Result(
            "floor",
            f"import {n:,} records, 5 spans each, vs the import floor",
            t_import,
            baseline=t_floor_import,
            target=2.0,
            note="import floor: json.loads, sha1, one INSERT per article, executemany of its spans "
            "into an unindexed table, one transaction",
        ),
        Result(
            "floor",
            f"import {n:,} records vs the import floor (CPU)",
            cpu_import,
            baseline=cpu_floor_import,
            note="CPU of every process the import runs: this one and, for a large JSON import, its reader "
            "(importing/aside.py); no target: the line above is the issue's",
        ),
        Result(
            "floor",
            f"export {n:,} records (jsonl) vs the export floor",
            t_export,
            baseline=t_floor_export,
            target=1.5,
            note='export floor: one SELECT of the spans into a dict, one of the articles, json.dumps {"text", '
            '"meta", "spans"} per line',
        ),
        Result(
            "floor",
            "annotator --version vs python -c 'import click' (CPU)",
            cpu_version,
            baseline=cpu_click,
            target=3.0,
        ),
        Result(
            "floor",
            f"annotator stats on {n:,} articles vs a bare count (CPU)",
            cpu_stats,
            baseline=cpu_count,
            target=3.0,
            note="bare count: python, sqlite3, count(*) of each table stats reads",
        ),
        Result(
            "floor",
            f"peak RSS importing {big_n:,} records vs {small_n:,}",
            big_peak / 1024,
            unit="MiB",
            baseline=small_peak / 1024,
            target=1.2,
        ),
    ]
