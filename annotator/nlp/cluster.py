"""Pre-annotation beyond one machine: a JSONL corpus mapped over a Dask cluster into shards.

`write_shards` reads CORPUS.jsonl (validated like an import: FILE:LINE for bad records),
cuts it into partitions of `partition_size` lines, runs `nlp.analyse_texts` on each
partition on a Dask worker and writes one shard per partition (`part-00000.jsonl`, the
format in `formats/shards.py` and `docs/big-corpora.md`). Shards are written by this process, so the
workers need no shared file system; each is written atomically, so a killed run leaves
whole shards only, and a new run skips them: resumable, without duplicates.

Dask is imported inside `write_shards` only: nothing else needs it installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator import formats, settings
from annotator.formats.atomic import atomic_output
from annotator.formats.shards import MANIFEST, shard_line, shard_record
from annotator.records import IncomingRecord, Rejection
from annotator.text import path_in_command, path_shown

log = logging.getLogger("annotator.nlp.cluster")

SHARD_FORMAT = "annotator-shards-1"
#: Partitions queued per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


class ShardError(Exception):
    """Why shards cannot be written (a message for the user)."""


@dataclass
class ShardSummary:
    out: Path
    records: int = 0
    written: int = 0
    skipped: int = 0
    rejected: int = 0
    failed: int = 0
    pipeline: str = ""
    cluster: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        text = (
            f"wrote {_count(self.written, 'shard')} ({_count(self.records, 'record')}) to {path_shown(self.out)} "
            f"with {self.pipeline} on {self.cluster} in {self.seconds:.1f} s"
        )
        if self.skipped:
            text += f"; {_count(self.skipped, 'shard')} already done and kept"
        if self.failed:
            text += f"; the pipeline failed on {_count(self.failed, 'record')} (marked in their shards)"
        if self.rejected:
            text += f"; {_count(self.rejected, 'record')} rejected (see above)"
        return text + f". Import them with: annotator import {path_in_command(self.out)}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def shard_name(index: int) -> str:
    return f"part-{index:05d}.jsonl"


def write_shards(
    corpus: Path,
    out: Path,
    *,
    pipeline: str | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int = 1000,
    batch_size: int = settings.PREANNOTATE_BATCH,
    on_rejection: Callable[[Rejection], None] | None = None,
    on_message: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ShardSummary:
    """Pre-annotate `corpus` into shards in `out` on the Dask cluster at `scheduler` (else a
    local cluster of `workers` processes, default one per core). Raises `ShardError`."""
    from annotator.nlp.pipeline import available_cores, pipeline_identity

    started = time.perf_counter()
    identity = pipeline_identity(pipeline)
    if not corpus.is_file():
        raise ShardError(f"{path_shown(corpus)}: no such file")
    created = not out.exists()
    _claim(out, corpus, identity, partition_size)
    summary = ShardSummary(out, pipeline=f"{identity['pipeline']} {identity['version']}")
    say = on_message or (lambda _m: None)
    partitions = _partitions(corpus, partition_size, out, summary, on_rejection)
    first = next(partitions, None)
    if first is None:  # every shard is done: no cluster to start
        summary.cluster = "no cluster (nothing left to do)"
        summary.seconds = time.perf_counter() - started
        return summary
    with contextlib.ExitStack() as stack:
        try:
            client, cluster = stack.enter_context(_client(scheduler, workers or available_cores()))
        except ShardError:
            if created:  # the cluster never answered: leave no empty --out behind
                (out / MANIFEST).unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    out.rmdir()
            raise
        summary.cluster = cluster
        say(f"pre-annotating {path_shown(corpus)} on {cluster}")
        limit = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})))
        running: dict[Any, tuple[int, list[IncomingRecord]]] = {}
        for index, records in itertools.chain([first], partitions):
            future = client.submit(analyse_partition, pipeline, [r.text for r in records], batch_size, pure=False)
            running[future] = (index, records)
            if len(running) >= limit:
                _write_finished(running, out, identity, summary, progress, first_only=True)
        _write_finished(running, out, identity, summary, progress, first_only=False)
    summary.seconds = time.perf_counter() - started
    return summary


def _claim(out: Path, corpus: Path, identity: dict[str, str], partition_size: int) -> None:
    """Make `out` ours (or check it already is, for this corpus and pipeline) and drop temporary files."""
    manifest = {
        "format": SHARD_FORMAT,
        "corpus": _fingerprint(corpus),
        "partition_size": partition_size,
        "pipeline": identity,
    }
    path = out / MANIFEST
    if path.exists():
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except RecursionError:
            raise ShardError(
                f"{path_shown(path)}:1: not valid JSON (nested too deep); choose another --out folder"
            ) from None
        except (OSError, ValueError) as exc:
            raise ShardError(
                f"{path_shown(path)}: cannot read the manifest ({exc}); choose another --out folder"
            ) from exc
        if found != manifest:
            what = [key for key in manifest if found.get(key) != manifest[key]]
            raise ShardError(
                f"{path_shown(out)} holds shards of another run ({', '.join(what)} differ); "
                "choose another --out folder, or remove this one to start again"
            )
    elif out.exists() and any(out.iterdir()):
        raise ShardError(
            f"{path_shown(out)} is not empty and holds no shards of ours; choose an empty or new --out folder"
        )
    else:
        with atomic_output(path) as handle:
            json.dump(manifest, handle, indent=2)
    for stale in out.glob(".part-*.tmp"):
        stale.unlink()


def _fingerprint(corpus: Path) -> dict[str, Any]:
    """The corpus's name, size and a hash of its first and last MiB (enough to tell corpora apart)."""
    size = corpus.stat().st_size
    digest = hashlib.sha256()
    with corpus.open("rb") as handle:
        digest.update(handle.read(2**20))
        if size > 2**20:
            handle.seek(max(2**20, size - 2**20))
            digest.update(handle.read())
    return {"name": corpus.name, "bytes": size, "sha256_ends": digest.hexdigest()}


#: How long a Dask scheduler may take to answer, and to have a worker, before the run gives up.
CONNECT_SECONDS = 30.0
WORKERS_SECONDS = 120.0


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[tuple[Any, str]]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ShardError(
            "the Dask path needs dask.distributed, which this build does not carry: install Annotator with pip "
            "(pip install annotator, which brings dask[distributed]) and run this command there"
        ) from exc
    if scheduler:
        _check_address(scheduler)
        import dask

        _check_answers(scheduler)

        wait = f"{CONNECT_SECONDS}s"
        # every step of the handshake bounded: an address that accepts TCP and never answers hung past 300 s
        # (Dask's TCP keep-alive timeout must be over 10 s)
        quiet = f"{max(CONNECT_SECONDS, 15)}s"
        with dask.config.set({"distributed.comm.timeouts.connect": wait, "distributed.comm.timeouts.tcp": quiet}):
            try:
                client = Client(scheduler, timeout=wait)
            except (OSError, TimeoutError) as exc:
                raise ShardError(
                    f"cannot reach the Dask scheduler at {scheduler} (no answer in {CONNECT_SECONDS:g} s): {exc}"
                ) from exc
        with client:
            try:
                client.wait_for_workers(1, timeout=WORKERS_SECONDS)
            except (OSError, TimeoutError) as exc:
                raise ShardError(
                    f"the Dask scheduler at {scheduler} has no workers (waited {WORKERS_SECONDS:g} s); "
                    f"start some with: dask worker {scheduler}"
                ) from exc
            yield client, f"the Dask cluster at {scheduler}"
        return
    # The dashboard on a free port (":0"): Dask's default 8787 may be another cluster's or program's.
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    )
    with cluster, Client(cluster) as client:
        client.wait_for_workers(workers, timeout="120s")
        yield client, f"a local Dask cluster of {_count(workers, 'worker')}"


def _check_answers(scheduler: str) -> None:
    """A scheduler speaks first (its half of Dask's handshake) as soon as it is reached: an address
    that accepts a TCP connection and sends nothing within `CONNECT_SECONDS` is not one (Dask's own
    client waited on such an address for good)."""
    import socket

    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    scheme, location = parse_address(scheduler)
    if scheme != "tcp":
        return
    host, port = parse_host_port(location)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_SECONDS) as probe:
            if not probe.recv(1):
                raise ShardError(f"cannot reach the Dask scheduler at {scheduler}: it closed the connection")
    except TimeoutError:
        raise ShardError(
            f"cannot reach the Dask scheduler at {scheduler} (no answer in {CONNECT_SECONDS:g} s): "
            "is it a Dask scheduler's address?"
        ) from None
    except OSError as exc:
        raise ShardError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc


def _check_address(scheduler: str) -> None:
    """Refuse an address Dask cannot even parse (no port, the dashboard's http:// URL), in words."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port
    from distributed.comm.registry import backends

    hint = "--dask-scheduler takes the scheduler's address as `dask scheduler` prints it: tcp://HOST:PORT"
    try:
        scheme, location = parse_address(scheduler)
        if scheme not in backends:
            raise ValueError(f"Dask speaks {', '.join(s + '://' for s in sorted(backends))}, not {scheme}://")
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except ValueError as exc:
        raise ShardError(f"{scheduler!r} is not a Dask scheduler address ({exc}); {hint}") from None


def _partitions(
    corpus: Path,
    size: int,
    out: Path,
    summary: ShardSummary,
    on_rejection: Callable[[Rejection], None] | None,
) -> Iterator[tuple[int, list[IncomingRecord]]]:
    """(index, valid records) of each partition of `size` lines whose shard is not written yet."""
    done = {int(path.name[5:10]) for path in out.glob("part-[0-9][0-9][0-9][0-9][0-9].jsonl")}
    summary.skipped = len(done)
    current, records = 0, []
    for item in formats.read(corpus):
        index = (item.line - 1) // size
        if index != current:
            if current not in done:
                yield current, records
            current, records = index, []
        if index in done:
            continue
        if isinstance(item, Rejection):
            summary.rejected += 1
            if on_rejection:
                on_rejection(item)
        else:
            records.append(item)
    if current not in done:
        yield current, records


def _write_finished(
    running: dict[Any, tuple[int, list[IncomingRecord]]],
    out: Path,
    identity: dict[str, str],
    summary: ShardSummary,
    progress: Callable[[int], None] | None,
    *,
    first_only: bool,
) -> None:
    from dask.distributed import as_completed

    for future in as_completed(list(running)):
        index, records = running.pop(future)
        worker_identity, analyses = future.result()
        if worker_identity != identity:
            raise ShardError(
                f"a Dask worker runs {worker_identity['pipeline']} {worker_identity['version']} "
                f"({worker_identity['recipe']}), not {identity['pipeline']} {identity['version']} "
                f"({identity['recipe']}): install the same pipeline and Annotator on every worker"
            )
        with atomic_output(out / shard_name(index)) as handle:
            for record, found in zip(records, analyses, strict=True):
                handle.write(shard_line(shard_record(record, identity, found)))
        summary.written += 1
        summary.records += len(records)
        summary.failed += sum(1 for found in analyses if hasattr(found, "reason"))
        if progress:
            progress(len(records))
        if first_only:
            return


# -- on the workers ------------------------------------------------------------------

_LOADED: dict[str | None, Any] = {}


def analyse_partition(pipeline: str | None, texts: list[str], batch_size: int) -> tuple[dict[str, str], list[Any]]:
    """Run on a worker: the pipeline's identity there and one `Analysis`/`AnalysisFailure` per text.

    The pipeline is loaded once per worker process and kept for its later partitions.
    """
    from annotator.nlp.pipeline import analyse_texts, load_pipeline

    loaded = _LOADED.get(pipeline)
    if loaded is None:
        loaded = _LOADED[pipeline] = load_pipeline(pipeline)
    return loaded.identity, analyse_texts(loaded, texts, batch_size)
