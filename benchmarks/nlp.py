"""Pre-annotation on every core, and on a local Dask cluster, against bare single-process `nlp.pipe`.

The bare baseline runs `nlp.pipe` in this process over the same texts with the same
components enabled and reads what pre-annotation reads (entities, sentences, tokens);
ours also stores everything in a project (one transaction per batch, fsynced). Target on
two cores: 0.6x of bare. The Dask figure includes starting the cluster and writing shards.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from annotator import settings
from benchmarks import Result


def texts(n: int) -> list[str]:
    """`n` distinct news-like articles made from the bundled seeds."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(settings.SEEDS.glob("*.txt"))]
    return [f"Dispatch {i}.\n{seeds[i % len(seeds)]}" for i in range(n)]


def run(workdir: Path, quick: bool) -> list[Result]:
    import srsly

    from annotator.nlp import available_cores, load_pipeline, preannotate
    from annotator.records import IncomingRecord
    from annotator.store import Store

    n = 200 if quick else 1000
    corpus = texts(n)
    pipeline = load_pipeline()
    cores = available_cores()

    def bare() -> float:
        t0 = time.perf_counter()
        for doc in pipeline.nlp.pipe(corpus, batch_size=settings.PREANNOTATE_BATCH):
            doc.ents, list(doc.sents), [t.idx for t in doc]  # what pre-annotation reads
        return time.perf_counter() - t0

    def ours() -> float:
        with Store.create(workdir / "nlp.sqlite") as store:
            store.add_records([IncomingRecord(t, t[:20], "bench", 1) for t in corpus], "bench")
            t0 = time.perf_counter()
            assert preannotate(store, pipeline) == n
            return time.perf_counter() - t0

    def dask() -> float:
        from annotator.preannotate import write_shards

        src = workdir / "corpus.jsonl"
        srsly.write_jsonl(src, ({"text": t} for t in corpus))
        t0 = time.perf_counter()
        summary = write_shards(src, workdir / f"shards-{time.time_ns()}", workers=2, partition_size=max(50, n // 10))
        assert summary.records == n
        return time.perf_counter() - t0

    t_bare = bare()
    t_ours = ours()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    t_dask = dask()
    words = sum(len(t.split()) for t in corpus)
    what = f"{n} articles ({words:,} words, {pipeline.description})"
    return [
        Result(
            "nlp",
            f"pre-annotate {what}, all {cores} cores",
            t_ours,
            baseline=t_bare,
            target=0.6,
            note=f"bare: single-process nlp.pipe(batch_size={settings.PREANNOTATE_BATCH}); ours stores the results too",
        ),
        Result(
            "nlp",
            f"shards of {what}, local Dask cluster of 2 workers",
            t_dask,
            baseline=t_bare,
            target=0.7,
            note="cluster start, pipeline load on each worker and shard writing included",
        ),
    ]
