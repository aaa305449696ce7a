"""What each index an import writes costs, and what it serves (issue 29: "rows written with the
fewest indexes the queries need (measure each index's cost and what it serves)").

For each secondary index on the tables an import fills (`INDEXES`):
- **its cost**: the CPU time of writing the rows of 50,000 fresh records (the writing half of an
  import, `store.fresh.add_fresh`, rows made ahead as the reader makes them) into a new project,
  with every index, with that one dropped, and with all of them dropped, in 7 rounds; each round
  runs every variant once, so a share is read within one round (1 - without / with), and the
  median share is given with its range over the rounds (on a shared machine the range is wide);
- **what it serves**: every call of `CALLS` (what the window, `stats`, review, progress, the
  export's layers and the pre-annotation queue ask of a large project) whose query plan reads the
  index, timed (best of 5, wall clock) on a project of 100,000 articles (three layers: an
  importer's on all of them, an annotator's on a tenth, gold on 1%) with every index and on a
  copy without that one.

`--suite indexes` prints one Markdown table; `--quick` makes 5,000 records and 10,000 articles.
An index whose dropping costs its calls less than it saves the import is one the queries do not need.
"""

from __future__ import annotations

import gc
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks import Result
from benchmarks.floor import make_corpus

#: The secondary indexes on the rows an import writes (the unique ones are constraints, not choices).
INDEXES = ("statement_labels_label", "statements_annotator", "article_status_annotator", "articles_unannotated")

#: Rounds of the writing's variants (each round runs every variant once).
ROUNDS = 7

#: Layers of the serving project besides the importer's ("bench"): an annotator's and gold.
ANNA, GOLD_SHARE, ANNA_SHARE = "anna", 100, 10


def _calls() -> list[tuple[str, Callable[[Any], object]]]:
    """What a user's commands and the window ask of a large project, as store calls."""
    from annotator.records import GOLD
    from annotator.store.articles import ArticleFilter

    return [
        ("annotator stats", lambda s: s.stats()),
        ("labels in use (the window opens)", lambda s: s.statements.used_labels()),
        ("layers to export", lambda s: s.layers.layers()),
        ("article list: anna's done", lambda s: s.articles.article_page(ANNA, ArticleFilter(status="done"))),
        ("article list: anna's new", lambda s: s.articles.article_page(ANNA, ArticleFilter(status="new"))),
        ("article list: anna's 'threat'", lambda s: s.articles.article_page(ANNA, ArticleFilter(label="threat"))),
        ("anna's progress", lambda s: s.articles.progress(ANNA)),
        ("anna's counts (progress tab)", lambda s: s.progress.counts(ANNA)),
        ("anna's decision times (progress tab's time line)", lambda s: s.progress.decision_times(ANNA)),
        ("gold statements (review, gold export)", lambda s: list(s.review.gold_statements(GOLD))),
        ("done layers (agreement)", lambda s: list(s.review.done_annotators())),
        ("anna's finished statements (suggestions)", lambda s: s.suggestions.decided_state(ANNA)),
        ("rows of an export", lambda s: s.count_export_rows()),
        ("articles to pre-annotate", lambda s: s.preannotations.count_unannotated()),
    ]


def _fresh_batches(src: Path, workdir: Path) -> list:
    """The fresh batches of `src` as an import's reader makes them (`importing.run.batches_of`)."""
    from annotator.importing.run import ImportReport, batches_of, valid_units
    from annotator.settings import IMPORT_BATCH
    from annotator.store import Store
    from annotator.store.fresh import fresh_batch

    empty = workdir / "empty.sqlite"
    Store.create(empty).close()
    with Store.open(empty, readonly=True) as store:
        units = valid_units(store, [src], None, ImportReport(), lambda _: None, [], "bench")
        batches = [fresh_batch(batch, "bench") for batch in batches_of(units, IMPORT_BATCH)]
    assert all(batch is not None for batch in batches)
    return batches


def _write_cpu(batches: list, db: Path, without: tuple[str, ...]) -> float:
    """CPU seconds of writing `batches` into a new project at `db` without the indexes `without`."""
    from annotator.store import Store
    from annotator.store.fresh import add_fresh

    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    with Store.create(db) as store:
        for index in without:
            _drop(store.conn, index)
        gc.collect()
        before = time.process_time()
        for batch in batches:
            add_fresh(store, batch)
        return time.process_time() - before


def _drop(conn: sqlite3.Connection, index: str) -> None:
    assert index in INDEXES
    conn.execute(f"DROP INDEX {index}")


def _serving_project(workdir: Path, n: int) -> Path:
    """`n` articles: the importer's layer on all, anna's (done) on a tenth, gold on 1%."""
    from annotator.importing.run import import_paths
    from annotator.records import GOLD
    from annotator.store import Store

    src = make_corpus(workdir / "serving.jsonl", n, words=60)
    anna = workdir / "anna.jsonl"
    with src.open(encoding="utf-8") as lines, anna.open("w", encoding="utf-8") as out:
        for i, line in enumerate(lines):
            if i % ANNA_SHARE == 0:
                out.write(line)
    db = workdir / "serving.sqlite"
    with Store.create(db) as store:
        import_paths(store, [src], annotator="bench")
        import_paths(store, [anna], annotator=ANNA)
        with store.write():
            for article_id in range(1, n + 1, GOLD_SHARE):
                first = store.statements.statements(article_id, "bench")[0]
                store.statements.set_statement(article_id, GOLD, first.start, first.end, first.labels)
    return db


def _plans(conn: sqlite3.Connection, statements: list[str]) -> str:
    """Every query plan line of `statements` (SQL as run, values in it), joined."""
    lines = []
    for sql in statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            lines += [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    return "\n".join(lines)


def _served(db: Path) -> dict[str, list[str]]:
    """For each call, the indexes of `INDEXES` its queries read."""
    from annotator.store import Store

    uses: dict[str, list[str]] = {}
    with Store.open(db) as store:
        for name, call in _calls():
            ran: list[str] = []
            store.conn.set_trace_callback(ran.append)
            call(store)
            store.conn.set_trace_callback(None)
            plans = _plans(store.conn, ran)
            uses[name] = [index for index in INDEXES if index in plans]
    return uses


def _call_time(db: Path, call: Callable[[Any], object], repeat: int = 5) -> float:
    """Best wall time of `call` on the project at `db` (opened once)."""
    from annotator.store import Store

    best = float("inf")
    with Store.open(db) as store:
        call(store)  # the pages it reads are in the page cache for both sides
        for _ in range(repeat):
            started = time.perf_counter()
            call(store)
            best = min(best, time.perf_counter() - started)
    return best


def run(workdir: Path, quick: bool) -> list[Result]:
    n_write, n_serve = (5_000, 10_000) if quick else (50_000, 100_000)
    batches = _fresh_batches(make_corpus(workdir / "write.jsonl", n_write), workdir)
    write = workdir / "write.sqlite"
    variants: tuple[tuple[str, ...], ...] = ((), *((index,) for index in INDEXES), INDEXES)
    rounds: list[dict[tuple[str, ...], float]] = []
    for _ in range(ROUNDS):  # each round runs every variant once: a share is read within a round
        rounds.append({without: _write_cpu(batches, write, without) for without in variants})
    every = median(r[()] for r in rounds)
    results = [
        Result(
            "indexes",
            f"write {n_write:,} fresh records, every index (CPU, median of {ROUNDS} rounds)",
            every,
            note="store.fresh.add_fresh of rows made ahead, as an import's writing half",
        )
    ]
    for without in variants[1:]:
        shares = sorted(1 - r[without] / r[()] for r in rounds)
        name = without[0] if len(without) == 1 else "all four"
        results.append(
            Result(
                "indexes",
                f"{name}: writing with it / without it (CPU)",
                every,
                baseline=median(r[without] for r in rounds),
                note=f"its share of the writing: {median(shares):.0%} (rounds: {shares[0]:.0%} to {shares[-1]:.0%})",
            )
        )

    db = _serving_project(workdir, n_serve)
    calls = dict(_calls())
    for name, indexes in _served(db).items():
        for index in indexes:
            without = workdir / f"without-{index}.sqlite"
            if not without.exists():
                shutil.copyfile(db, without)
                with sqlite3.connect(without) as conn:
                    _drop(conn, index)
            results.append(
                Result(
                    "indexes",
                    f"{index} serves {name} ({n_serve:,} articles): without it / with it",
                    _call_time(without, calls[name]),
                    baseline=_call_time(db, calls[name]),
                )
            )
    return results


def table(results: list[Result]) -> str:
    """The suite as Markdown: each index's share of the writing, then each call it serves."""
    lines = ["| measure | value | baseline | ratio | note |", "|---|---|---|---|---|"]
    for r in results:
        baseline = _ms(r.baseline) if r.baseline else "-"
        ratio = f"{r.ratio:.2f}x" if r.ratio else "-"
        lines.append(f"| {r.name} | {_ms(r.value)} | {baseline} | {ratio} | {r.note} |")
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"
