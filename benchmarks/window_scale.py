"""The window's keystrokes on a small and a 100,000-article project: their cost must not grow with the project.

- a label keystroke until its row is committed, and a link keystroke (S, then the hint's letter)
  until the link is committed, on 5 articles and on 100,000 (the same first article in both);
  the ratio big / small of the medians is the figure (target 1.25×). The two projects are timed
  in alternating rounds, so a busy moment of a shared machine falls on both alike, and the
  figure is the median of every round's keys (ROUNDS × KEYS of each kind);
- the first window on 100,000 articles and closing it (label suggestions on, as a user has them),
  targets 1 s each.

The big project is generated once and kept under build/ (about a minute to make), so later runs
measure at once; `--quick` uses 10,000 articles.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from benchmarks import Result
from benchmarks.window import build_project

#: Where the generated projects are kept between runs (the repository's build/ folder, ignored by git).
CACHE = Path(__file__).resolve().parents[1] / "build" / "bench"
#: Keystrokes timed per round, and rounds per project (alternating small, big, small, …).
KEYS = 40
ROUNDS = 5


def cached_project(articles: int) -> Path:
    """A project of `articles` articles (the first a 200-word article with entities and sentences),
    made once and kept under build/bench."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"scale-{articles}.sqlite"  # not *.annotator.sqlite: make clean may remove it
    if not path.exists():
        partial = CACHE / f"partial-{articles}.sqlite"
        for leftover in CACHE.glob(f"partial-{articles}.sqlite*"):
            leftover.unlink()
        build_project(partial, 200, 10, 5, extra=articles - 2)
        partial.rename(path)
    return path


def _window(path: Path, workdir: Path, suggestions: bool):
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest

    from annotator.store import Store
    from annotator.ui.annotate.window.main_window import MainWindow

    qsettings = QSettings(str(workdir / f"scale-{path.stem}.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", False)
    qsettings.setValue("learn/suggest_labels", suggestions)
    store = Store.open(path)
    window = MainWindow(store, "bench", qsettings)
    window.resize(1366, 768)
    window.start(1, preannotate=False)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.view.setFocus()
    return window, store


def keystrokes(path: Path, workdir: Path, app) -> tuple[list[float], list[float], float]:
    """Seconds of each label keystroke and each link keystroke until its row is committed, and the
    median CPU seconds (this thread's) of the link keys, which no other program's load inflates."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.store.files import connect_readonly

    copy = workdir / f"keys-{path.name}"
    for leftover in workdir.glob(f"keys-{path.name}*"):
        leftover.unlink()
    copy.write_bytes(path.read_bytes())
    window, store = _window(copy, workdir, suggestions=False)
    checker = connect_readonly(copy)  # reads what the window commits, never writes
    labels: list[float] = []
    links: list[float] = []
    link_cpu: list[float] = []
    s = window.session
    candidates = s.candidates()
    for i in range(KEYS):
        s.set_current(candidates[i % len(candidates)])
        app.processEvents()
        t0 = time.perf_counter()
        QTest.keyClick(window.view, Qt.Key.Key_4 if i % 2 else Qt.Key.Key_6)
        labels.append(time.perf_counter() - t0)
        QTest.keyClick(window.view, Qt.Key.Key_S)
        mode = window.linking.mode
        hint = mode.hints[i % len(mode.hints)]
        for letter in hint[:-1]:
            QTest.keyClick(window.view, getattr(Qt.Key, f"Key_{letter.upper()}"))
        t0, c0 = time.perf_counter(), time.thread_time()
        QTest.keyClick(window.view, getattr(Qt.Key, f"Key_{hint[-1].upper()}"))
        links.append(time.perf_counter() - t0)
        link_cpu.append(time.thread_time() - c0)
    labelled = checker.execute("SELECT count(*) FROM statement_labels").fetchone()[0]
    linked = checker.execute("SELECT count(*) FROM links").fetchone()[0]
    checker.close()
    window.close()
    store.close()
    assert labelled >= 5 and linked >= 5, (labelled, linked)
    return labels, links, statistics.median(link_cpu)


def quartile(times: list[float]) -> float:
    return sorted(times)[len(times) // 4]


def first_window_and_close(path: Path, workdir: Path, app) -> tuple[float, float, list[str]]:
    """Seconds to the first window painted, seconds to close it, and the background steps it left
    to end on their own (a spaCy load that cannot stop)."""
    from annotator.ui.shell import workers

    t0 = time.perf_counter()
    window, store = _window(path, workdir, suggestions=True)
    app.processEvents()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    window.close()
    app.processEvents()
    closed = time.perf_counter() - t0
    store.close()
    released = [task.name for task, thread in workers._RELEASED if not thread.isFinished()]
    workers.wait_for_released()
    return first, closed, released


def run(workdir: Path, quick: bool) -> list[Result]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    big_n = 10_000 if quick else 100_000
    small, big = cached_project(5), cached_project(big_n)
    results: list[Result] = []
    times: dict[Path, dict[str, list[float]]] = {p: {"label": [], "link": [], "link cpu": []} for p in (small, big)}
    for _ in range(1 if quick else ROUNDS):
        for project in (small, big):
            labels, links, cpu = keystrokes(project, workdir, app)
            times[project]["label"] += labels
            times[project]["link"] += links
            times[project]["link cpu"].append(cpu)
    keys = len(times[big]["label"])
    for what in ("label", "link"):
        on_small, on_big = times[small][what], times[big][what]
        note = (
            "baseline: the same keystroke on 5 articles, in alternating rounds; lower quartile "
            f"{quartile(on_big) * 1000:.1f} ms against {quartile(on_small) * 1000:.1f} ms"
        )
        if what == "link":
            cpu_small, cpu_big = (statistics.median(times[p]["link cpu"]) * 1000 for p in (small, big))
            note += f"; CPU {cpu_big:.1f} ms against {cpu_small:.1f} ms"
        results.append(
            Result(
                "window",
                f"{what} keystroke to committed row on {big_n:,} articles (median of {keys})",
                statistics.median(on_big),
                baseline=statistics.median(on_small),
                target=1.25,
                note=note,
            )
        )
    first, closed, released = first_window_and_close(big, workdir, app)
    results.append(Result("window", f"first window on {big_n:,} articles (label suggestions on)", first, target=1.0))
    results.append(
        Result(
            "window",
            f"close the window on {big_n:,} articles",
            closed,
            target=1.0,
            note="left to end after the window went: " + (", ".join(released) or "nothing"),
        )
    )
    return results
