"""A reproducible random sample of a corpus of any size, in memory bounded by the sample.

What is drawn is a task: a record, with the records of the same task (a Label Studio task's
other annotations) that `importing` keeps with it. Each gets a key from the seed and its
text's content hash; the sample is the `n` tasks with the smallest keys (a bottom-k
reservoir, one pass over the stream, a heap of `n`). So the same seed gives the same sample
whatever the order of the files, a larger sample with the same seed contains the smaller one,
and a text that occurs twice counts once.

Stratified by a meta field: a first pass counts the records of each value, each value gets
its share of `n` (largest remainders), and a second pass keeps the bottom-k of each value:
the sample holds every source in the proportion the corpus has it.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotator.records import IncomingRecord
from annotator.text import content_hash

#: What a stratum is called when the record's meta lacks the field.
MISSING = "(none)"


@dataclass(frozen=True)
class Sample:
    """`n` tasks (a record each, but for a Label Studio task's several) drawn with `seed`, stratified
    by meta field `by` when given."""

    n: int
    seed: int = 0
    by: str | None = None


#: A task's records (`importing.Unit`): drawn, kept or left out together.
Task = list[IncomingRecord]


def stratum(task: Task, field: str) -> str:
    value = task[0].meta.get(field)
    return MISSING if value is None or value == "" else str(value)


def draw(sample: Sample, stream: Callable[[bool], Iterable[Task]]) -> tuple[list[Task], dict]:
    """The sampled tasks, in the order the stream gave them, and how many came from each stratum.

    `stream(first)` gives the tasks anew each time it is called (`first` tells the first
    pass, which reports rejections). Stratified samples read it twice.
    """
    if sample.by is None:
        chosen = _bottom_k(sample, stream(True), lambda _r: sample.n)
        return _in_order(chosen), {}
    counts = Counter(stratum(r, sample.by) for r in stream(True))
    shares = allocate(sample.n, counts)
    chosen = _bottom_k(
        sample, stream(False), lambda r: shares[stratum(r, sample.by)], key=lambda r: stratum(r, sample.by)
    )
    return _in_order(chosen), shares


def allocate(n: int, counts: Counter) -> dict[str, int]:
    """Each stratum's share of `n`, proportional to its count (largest remainders; ties by name)."""
    total = sum(counts.values())
    if total <= n:
        return dict(counts)
    exact = {name: n * count / total for name, count in counts.items()}
    shares = {name: int(value) for name, value in exact.items()}
    rest = sorted(exact, key=lambda name: (shares[name] - exact[name], name))[: n - sum(shares.values())]
    for name in rest:
        shares[name] += 1
    return shares


def _bottom_k(
    sample: Sample,
    tasks: Iterable[Task],
    size_of: Callable[[Task], int],
    key: Callable[[Task], str] = lambda _t: "",
) -> list[tuple[int, Task]]:
    heaps: dict[str, list[tuple[int, int, Task]]] = {}
    seen: dict[str, set[int]] = {}
    salt = f"{sample.seed}\0".encode()
    for position, task in enumerate(tasks):
        size = size_of(task)
        if size <= 0:
            continue
        group = key(task)
        heap = heaps.setdefault(group, [])
        keys = seen.setdefault(group, set())
        rank = int.from_bytes(hashlib.sha256(salt + content_hash(task[0].text).encode()).digest()[:8], "big")
        if rank in keys:
            continue
        if len(heap) < size:
            heapq.heappush(heap, (-rank, position, task))
            keys.add(rank)
        elif -heap[0][0] > rank:
            evicted = heapq.heapreplace(heap, (-rank, position, task))
            keys.discard(-evicted[0])
            keys.add(rank)
    return [(position, task) for heap in heaps.values() for _, position, task in heap]


def _in_order(chosen: list[tuple[int, Task]]) -> list[Task]:
    return [task for _, task in sorted(chosen, key=lambda item: item[0])]
