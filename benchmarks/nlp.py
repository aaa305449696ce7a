"""Pre-annotation on every core, and on a local Dask cluster, against bare single-process `nlp.pipe`.

The bare baseline runs `nlp.pipe` in this process over the same texts with the same
components enabled and reads what pre-annotation reads (entities, sentences, tokens);
ours also stores everything in a project (one transaction per batch, fsynced). Target on
two cores: 0.6x of bare. The Dask figure includes starting the cluster and writing shards.

Wall-clock ratios on a machine others load are noisy, so the run also measures CPU time:
bare's own, and ours split into the parent (saving) and each worker (pipeline, start-up),
from `nlp.RunProfile`. The busiest process's CPU time (or the total over the cores, if
larger) is what ours would take on an otherwise idle machine; its ratio to bare's CPU time
is the load-independent figure.
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

    from annotator.nlp.pipeline import RunProfile, available_cores, load_pipeline, preannotate
    from annotator.records import IncomingRecord
    from annotator.store import Store

    n = 200 if quick else 1000
    corpus = texts(n)
    pipeline = load_pipeline()
    cores = available_cores()
    profile = RunProfile()

    def bare() -> tuple[float, float]:
        """Wall-clock and CPU seconds."""
        t0, cpu = time.perf_counter(), time.process_time()
        for doc in pipeline.nlp.pipe(corpus, batch_size=settings.PREANNOTATE_BATCH):
            doc.ents, list(doc.sents), [t.idx for t in doc]  # what pre-annotation reads
        return time.perf_counter() - t0, time.process_time() - cpu

    def ours() -> float:
        with Store.create(workdir / "nlp.sqlite") as store:
            store.add_records([IncomingRecord(t, t[:20], "bench", 1) for t in corpus], "bench")
            t0 = time.perf_counter()
            assert preannotate(store, pipeline, profile=profile) == n
            return time.perf_counter() - t0

    def dask() -> float:
        from annotator.nlp.cluster import write_shards

        src = workdir / "corpus.jsonl"
        srsly.write_jsonl(src, ({"text": t} for t in corpus))
        t0 = time.perf_counter()
        summary = write_shards(src, workdir / f"shards-{time.time_ns()}", workers=2, partition_size=max(50, n // 10))
        assert summary.records == n
        return time.perf_counter() - t0

    t_bare, cpu_bare = bare()
    t_ours = ours()
    busiest = max([profile.parent, *profile.workers.values()])
    cpu_ours = max(busiest, (profile.parent + sum(profile.workers.values())) / cores)
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
            note=f"bare: single-process nlp.pipe(batch_size={settings.PREANNOTATE_BATCH}); ours stores the results "
            f"too. CPU: bare {cpu_bare:.1f} s; ours {profile.describe()}",
        ),
        Result(
            "nlp",
            f"pre-annotate {what}, all {cores} cores, CPU time of the busiest process",
            cpu_ours,
            baseline=cpu_bare,
            target=0.6,
            note="what the run would take on an idle machine: max(busiest process, total CPU / cores) "
            f"against bare's CPU time; the workers' pipeline CPU is {profile.worker_analysing / cpu_bare:.2f}x "
            "bare's for the same texts (two processes share caches and memory bandwidth)",
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
