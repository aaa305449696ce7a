"""Agreement and conflict detection on 100,000 units from 3 annotators.

Baselines in the same run: the bare SQL read of the same rows (what `collect` must at least
do), and `krippendorff.alpha` alone on the finished reliability matrix (what every figure
we add on top — per-label alpha, kappa, F1, confusion, conflicts — is measured against).
"""

from __future__ import annotations

import random
from pathlib import Path

from annotator.records import IncomingRecord, Span
from benchmarks import Result, timed

SUITE = "agreement"
ANNOTATORS = ("anna", "ben", "cleo")
LABELS = ("claim", "offer", "demand", "denial", "threat", "condition", "commitment")
UNITS_PER_ARTICLE = 50


def make_project(path: Path, units: int, seed: int = 5):
    """A project whose three annotators label `units` distinct spans (about 80% agreement each).

    Every span is labeled by at least one annotator; one in ten is skipped by someone
    (missing or "no label"), one in fifty is moved by a few characters (a boundary conflict,
    and one more unit), one in twenty carries a second label. One article in ten is left
    unfinished by one annotator.
    """
    from annotator.store import Store

    rng = random.Random(seed)
    store = Store.create(path)
    n_articles = max(1, units // UNITS_PER_ARTICLE)
    sentence = "Officials said talks on energy could resume if strikes stop. "
    records = []
    for n in range(n_articles):
        text = f"Article {n}. " + sentence * UNITS_PER_ARTICLE
        base = len(f"Article {n}. ")
        per = {a: [] for a in ANNOTATORS}
        for k in range(UNITS_PER_ARTICLE):
            start, end = base + k * len(sentence), base + (k + 1) * len(sentence) - 1
            truth = rng.choice(LABELS)
            labelers = [a for a in ANNOTATORS if rng.random() > 0.1] or [rng.choice(ANNOTATORS)]
            for a in labelers:
                label = truth if rng.random() < 0.8 else rng.choice(LABELS)
                s, e = (start + 9, end) if rng.random() < 0.02 else (start, end)
                per[a].append(Span(s, e, label))
                if rng.random() < 0.05:
                    per[a].append(Span(s, e, rng.choice(LABELS)))
        unfinished = rng.choice(ANNOTATORS) if n % 10 == 0 else None
        for a in ANNOTATORS:
            status = "in_progress" if a == unfinished else "done"
            records.append(IncomingRecord(text, f"Article {n}", "bench", n, spans=per[a], annotator=a, status=status))
        if len(records) >= 600:
            store.add_records(records, "bench")
            records = []
    if records:
        store.add_records(records, "bench")
    return store


def bare_read(store) -> list:
    """The rows `collect` needs, read with one plain query and nothing else."""
    return store.conn.execute(
        "SELECT s.article_id, s.annotator_id, s.start, s.end, l.label FROM statements s "
        "JOIN statement_labels l ON l.statement_id = s.id ORDER BY s.article_id, s.start, s.end"
    ).fetchall()


def run(workdir: Path, quick: bool) -> list[Result]:
    import krippendorff

    from annotator.review import collect, compute_agreement, find_conflicts
    from annotator.review.agreement import reliability_matrix

    target_units = 10_000 if quick else 100_000
    store = make_project(workdir / "agreement.annotator.sqlite", target_units)
    try:
        collection = collect(store)
        units = len(collection.units())
        note = f"{units:,} units, {len(collection.annotators)} annotators"
        matrix, _ = reliability_matrix(collection)
        repeat = 3 if quick else 2
        t_read = timed(lambda: collect(store), repeat)
        t_bare_read = timed(lambda: bare_read(store), repeat)
        t_conflicts = timed(lambda: find_conflicts(collection), repeat)
        n_conflicts = len(find_conflicts(collection))
        t_all = timed(lambda: compute_agreement(collect(store)), repeat)
        t_alpha = timed(lambda: krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"), repeat)
    finally:
        store.close()
    return [
        Result(SUITE, "read units from the project", t_read, baseline=t_bare_read, target=6, note=note),
        Result(
            SUITE, "conflict detection", t_conflicts, target=3 if not quick else 1, note=f"{n_conflicts:,} conflicts"
        ),
        Result(
            SUITE,
            "all figures, from the project file",
            t_all,
            baseline=t_alpha,
            note=f"{note}; baseline: krippendorff.alpha alone on the finished matrix",
        ),
        Result(SUITE, "all figures, absolute", t_all, target=10 if not quick else 2, note=note),
    ]
