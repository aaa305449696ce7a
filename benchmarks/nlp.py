"""Pre-annotation against a bare `nlp.pipe` over the same texts with the same pipeline."""

from __future__ import annotations

from pathlib import Path

from annotator import settings
from benchmarks import Result, compare


def texts(n: int) -> list[str]:
    """`n` distinct news-like articles made from the bundled seeds."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(settings.SEEDS.glob("*.txt"))]
    return [f"Dispatch {i}.\n{seeds[i % len(seeds)]}" for i in range(n)]


def run(workdir: Path, quick: bool) -> list[Result]:
    from annotator.nlp import load_pipeline, preannotate
    from annotator.records import IncomingRecord
    from annotator.store import Store

    n = 60 if quick else 300
    corpus = texts(n)
    pipeline = load_pipeline()
    made: list[Path] = []

    def ours() -> None:
        db = workdir / f"nlp-{len(made)}.sqlite"
        made.append(db)
        with Store.create(db) as store:
            store.add_records([IncomingRecord(t, t[:20], "bench", 1) for t in corpus], "bench")
            assert preannotate(store, pipeline) == n

    def bare() -> None:
        for doc in pipeline.nlp.pipe(corpus, batch_size=settings.PREANNOTATE_BATCH):
            doc.ents  # noqa: B018 - touch what pre-annotation reads

    t_ours, t_bare = compare(ours, bare, repeat=2)
    words = sum(len(t.split()) for t in corpus)
    return [
        Result(
            "nlp",
            f"pre-annotate {n} articles ({words:,} words, {pipeline.description})",
            t_ours,
            baseline=t_bare,
            target=1.1,
        )
    ]
