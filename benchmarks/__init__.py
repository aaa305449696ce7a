"""Benchmarks: each suite measures Annotator against a bare baseline in the same run.

Benchmarks live outside the shipped `annotator` package (`make bench`, `python -m benchmarks`).
A suite is a module in this package with `run(workdir: Path, quick: bool) -> list[Result]`,
listed in `SUITES`. Ratios, not seconds, are the figures that matter: a noisy machine
slows both sides alike.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Suites in the order they run; each name is a module of this package.
SUITES: list[str] = [
    "floor",
    "io",
    "formats",
    "nlp",
    "memory",
    "agreement",
    "search",
    "window",
    "window_scale",
    "links",
    "learn",
    "gates",
    "rules",
    "package",
    "packages",
    "speakers",
    "indexes",
]
#: Suites run only when named (`--suite attacks`): the attack table of issue 26, not a ratio.
NAMED_ONLY: list[str] = ["attacks", "label_studio"]


@dataclass
class Result:
    suite: str
    name: str
    value: float
    unit: str = "s"
    baseline: float | None = None
    target: float | None = None
    note: str = ""
    #: The peak resident memory of the process measured, when the suite reads it (MB).
    peak_mb: float | None = None
    #: The ratio must reach the target rather than stay under it (another tool against Annotator).
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        ratio = self.ratio
        measured = ratio if ratio is not None else self.value
        return measured >= self.target if self.higher_is_better else measured <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "ok": self.ok}


def timed(fn: Callable[[], Any], repeat: int = 1, setup: Callable[[], Any] | None = None) -> float:
    """Best wall-clock time of `repeat` runs of `fn`, each after an untimed `setup`."""
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def compare(
    ours: Callable[[], Any], bare: Callable[[], Any], repeat: int = 3, setup: Callable[[], Any] | None = None
) -> tuple[float, float]:
    """Best times of `ours` and `bare`, run in turns so both meet the same machine load."""
    best_ours = best_bare = float("inf")
    for _ in range(repeat):
        best_bare = min(best_bare, timed(bare, setup=setup))
        best_ours = min(best_ours, timed(ours, setup=setup))
    return best_ours, best_bare


def run_suites(workdir: Path, names: list[str] | None = None, quick: bool = False) -> list[Result]:
    results: list[Result] = []
    for name in names or SUITES:
        module = importlib.import_module(f"benchmarks.{name}")
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        results.extend(module.run(folder, quick))
    return results


def table(results: list[Result], suites: list[str] | None = None) -> str:
    """The results as a table; a single suite with a table of its own (`attacks`) prints that."""
    if suites and len(suites) == 1:
        own = getattr(importlib.import_module(f"benchmarks.{suites[0]}"), "table", None)
        if own is not None:
            return own(results)
    rows = [("suite", "measure", "value", "baseline", "ratio", "target", "")]
    for r in results:
        rows.append(
            (
                r.suite,
                r.name,
                f"{r.value:.4g} {r.unit}",
                f"{r.baseline:.4g} {r.unit}" if r.baseline else "-",
                f"{r.ratio:.2f}x" if r.ratio else "-",
                (f"{'>=' if r.higher_is_better else '<='} {r.target:g}" + ("x" if r.baseline else f" {r.unit}"))
                if r.target
                else "-",
                {True: "ok", False: "SHORT" if r.higher_is_better else "OVER", None: ""}[r.ok],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    notes = [f"  {r.suite} · {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines + (["", "notes:", *notes] if notes else []))
