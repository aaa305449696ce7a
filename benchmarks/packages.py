"""Work packages: making 10 packages of a 100,000-article project, and merging them back, against
copying the project file once per annotator (what "everyone gets everything" costs).

- make: `make_packages` for 10 annotators with overlap 2 (each package holds a fifth of the
  articles), built by SQLite with ATTACH and INSERT … SELECT;
- merge: `annotator import` of the 10 packages, each with one labeled statement on every one of
  its articles (put there with bare SQL, as ten annotators' weeks would);
- baseline: 10 copies of the project file (`shutil.copyfile`).

`--quick` makes 2,000 articles (tests run that size).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

from annotator.records import Entity, IncomingRecord
from annotator.store import Store
from benchmarks import Result, timed

SUITE = "packages"
ANNOTATORS = [f"annotator{i}" for i in range(10)]
WORDS = ("Kyiv", "Moscow", "said", "the", "talks", "on", "energy", "could", "halt", "strikes", "if", "Russia")


def make_project(path: Path, n: int, seed: int = 1) -> Path:
    """`n` articles of ~120 words, each with a metadata field and 3 of the pipeline's entities."""
    rng = random.Random(seed)
    with Store.create(path) as store:
        for first in range(0, n, 5000):
            batch = []
            for i in range(first, min(n, first + 5000)):
                text = f"Article {i}. " + " ".join(rng.choice(WORDS) for _ in range(120))
                batch.append(
                    IncomingRecord(
                        text=text,
                        title=f"Article {i}",
                        source="bench",
                        line=i,
                        meta={"desk": rng.choice(("politics", "sport", "economy"))},
                        entities=[Entity(0, 7, "ORG"), Entity(8, 9 + len(str(i)), "CARDINAL")],
                    )
                )
            store.add_records(batch, "bench")
    return path


def label_packages(paths: list[Path]) -> None:
    """One labeled statement on every article of every package, in each package's name."""
    for path in paths:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN")
        (who,) = conn.execute("SELECT id FROM annotators").fetchone()
        conn.execute(
            "INSERT INTO statements(article_id, annotator_id, start, end, note, created_at, updated_at) "
            "SELECT id, ?, 0, 7, '', '2026-01-01T10:00:00+00:00', '2026-01-01T10:00:00+00:00' FROM articles",
            (who,),
        )
        conn.execute(
            "INSERT INTO statement_labels(statement_id, label, created_at) "
            "SELECT id, 'offer', '2026-01-01T10:00:00+00:00' FROM statements"
        )
        conn.execute("COMMIT")
        conn.close()


def run(workdir: Path, quick: bool) -> list[Result]:
    from annotator.importing.run import import_paths
    from annotator.packages.make import make_packages

    n = 2_000 if quick else 100_000
    project = workdir / "team.annotator.sqlite"
    for old in workdir.glob("*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    t0 = time.perf_counter()
    make_project(project, n)
    built = time.perf_counter() - t0
    size_mb = project.stat().st_size / 2**20

    def copies() -> None:
        for i, _ in enumerate(ANNOTATORS):
            shutil.copyfile(project, workdir / f"copy{i}.sqlite")

    baseline = timed(copies, repeat=3)
    out = workdir / "packages"
    with Store.open(project) as store:
        make = timed(lambda: make_packages(store, ANNOTATORS, 2, out, seed=1))
    packages = sorted(out.glob("*.annotator.sqlite"))
    label_packages(packages)
    with Store.open(project) as store:
        merge = timed(lambda: import_paths(store, packages, annotator="bench"))
        labels = store.stats()["spans"]
    assert labels == 2 * n, labels
    note = f"{n:,} articles ({size_mb:.0f} MB, made in {built:.0f} s), 10 annotators, overlap 2"
    return [
        Result(SUITE, "make 10 packages", make, baseline=baseline, note=note),
        Result(SUITE, "merge 10 packages back", merge, baseline=baseline, note=f"{labels:,} labels came back"),
    ]
