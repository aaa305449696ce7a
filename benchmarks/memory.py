"""Peak memory of a large import, and of opening its project in the window: flat as the corpus grows tenfold.

Each figure is the VmHWM of a fresh process, so neither run inherits the other's peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import Result

PROBE = """
import resource, sys
from pathlib import Path
from annotator.importing.run import import_paths
from annotator.store import Store
with Store.create(sys.argv[2]) as store:
    report = import_paths(store, [Path(sys.argv[1])], annotator="bench")
try:  # VmHWM belongs to this address space; ru_maxrss on Linux keeps the parent's peak across exec
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(report.counts.articles_added, peak + report.reader_peak_kib)  # with the reader, when it read aside
"""

#: Opens the project in the main window offscreen, scrolls the article list to its end, reports VmHWM.
WINDOW_PROBE = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from annotator.store import Store
from annotator.ui.annotate.window.main_window import MainWindow
app = QApplication([])
store = Store.open(sys.argv[1])
window = MainWindow(store, "bench", QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.resize(1440, 900)
window.start(preannotate=False)
window.show()
app.processEvents()
listing = window.list_panel.view
for _ in range(20):
    listing.verticalScrollBar().setValue(listing.verticalScrollBar().maximum())
    app.processEvents()
rows = window.list_panel.model.rowCount()
window.close()
store.close()
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(rows, peak)
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


def peak_window_kib(db: Path, workdir: Path) -> tuple[int, int]:
    """Rows the list loaded after scrolling to its end 20 times, and the process's peak KiB."""
    args = [sys.executable, "-c", WINDOW_PROBE, str(db), str(workdir / "window.ini")]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    rows, peak = out.stdout.split()
    return int(rows), int(peak)


def run(workdir: Path, quick: bool) -> list[Result]:
    small_n, big_n = (10_000, 100_000) if quick else (50_000, 500_000)
    _, small_peak = peak_import_kib(small_corpus(workdir / "small.jsonl", small_n), workdir / "small.sqlite")
    added, big_peak = peak_import_kib(small_corpus(workdir / "big.jsonl", big_n), workdir / "big.sqlite")
    assert added == big_n
    results = [
        Result(
            "memory",
            f"peak RSS importing {big_n:,} records vs {small_n:,}",
            big_peak / 1024,
            unit="MiB",
            baseline=small_peak / 1024,
            target=1.2,
        )
    ]
    if sys.platform.startswith("linux"):  # VmHWM
        _, small_window = peak_window_kib(workdir / "small.sqlite", workdir)
        rows, big_window = peak_window_kib(workdir / "big.sqlite", workdir)
        results.append(
            Result(
                "memory",
                f"peak RSS of the window on {big_n:,} articles vs {small_n:,}",
                big_window / 1024,
                unit="MiB",
                baseline=small_window / 1024,
                target=1.2,
                note=f"list scrolled to its end 20 times: {rows:,} rows loaded",
            )
        )
    return results
