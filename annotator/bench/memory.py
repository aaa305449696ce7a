"""Peak memory of a large import: it must stay flat as the corpus grows tenfold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.bench import Result

PROBE = """
import resource, sys
from pathlib import Path
from annotator.importing import import_paths
from annotator.store import Store
with Store.open(sys.argv[2]) as store:
    report = import_paths(store, [Path(sys.argv[1])], annotator="bench")
try:  # VmHWM belongs to this address space; ru_maxrss on Linux keeps the parent's peak across exec
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(report.counts.articles_added, peak)
"""


def small_corpus(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = f"Statement {i}: Kyiv will halt strikes on energy infrastructure if Moscow does the same."
            out.write(json.dumps({"text": text, "spans": [{"start": 0, "end": 9, "label": "claim"}]}) + "\n")
    return path


def peak_import_kib(src: Path, db: Path) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(src), str(db)], capture_output=True, text=True, check=True)
    added, peak = out.stdout.split()
    return int(added), int(peak)


def run(workdir: Path, quick: bool) -> list[Result]:
    small_n, big_n = (10_000, 100_000) if quick else (50_000, 500_000)
    _, small_peak = peak_import_kib(small_corpus(workdir / "small.jsonl", small_n), workdir / "small.sqlite")
    added, big_peak = peak_import_kib(small_corpus(workdir / "big.jsonl", big_n), workdir / "big.sqlite")
    assert added == big_n
    return [
        Result(
            "memory",
            f"peak RSS importing {big_n:,} records vs {small_n:,}",
            big_peak / 1024,
            unit="MiB",
            baseline=small_peak / 1024,
            target=1.2,
        )
    ]
