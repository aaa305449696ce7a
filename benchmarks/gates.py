"""The oracle annotator with the suggestion gates: which suggestions would be shown, how many an
annotator who knows the right labels would accept, and whether Enter ever writes one.

On the learning-curve corpus of `benchmarks.learn` (generated news statements of the seven
default labels, 4% label noise), an oracle finishes articles in document order, ~60 statements a
round; after each round the project is trained as Tools ▸ Train trains it (`train_project`:
calibrated on the held-out split, each label's examples and held-out F1 kept in the model). For
the statements of the next round — ones the model has not seen — every label the calibrated
model gives at least 0.5 is a candidate suggestion, and each gate setting (min examples, min
held-out F1) shows those of the labels it lets through. The oracle accepts a shown suggestion
when the statement has that label: the acceptance rate is the share of shown suggestions
accepted. Figures summed over the rounds, per setting; the rules (never gated) are measured on
the seeds by `--suite rules`.

Enter is then pressed in the real window (offscreen), on every statement of the next articles,
with the latest model's suggestions on screen: the project's labels are counted before and
after (Enter moves on; it must write none).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks import Result
from benchmarks.learn import POOL, POOL_SEED, ROUND, START, _finish
from benchmarks.statements_corpus import articles, build_project

SUITE = "gates"
#: The settings compared: (SUGGEST_MIN_EXAMPLES, SUGGEST_MIN_F1).
GRID = [(n, f1) for n in (0, 10, 20, 40) for f1 in (0.0, 0.4, 0.6, 0.8)]
THRESHOLD = 0.5


def run(workdir: Path, quick: bool) -> list[Result]:
    os.environ["ANNOTATOR_DATA_DIR"] = str(workdir / "data")  # models go here, never to the user's folder
    from annotator import settings

    pool = articles(2 * POOL, seed=POOL_SEED)[:POOL]
    totals, rounds, enter = simulate(workdir, pool, up_to=400 if quick else 1000)
    print(_table(totals, rounds), flush=True)
    chosen = (settings.SUGGEST_MIN_EXAMPLES, settings.SUGGEST_MIN_F1)
    shown, right = totals[chosen]
    everything = totals[(0, 0.0)]
    out = [
        Result(
            SUITE,
            f"shown model suggestions accepted, gates {chosen[0]} examples / F1 {chosen[1]:.2f}",
            right / shown if shown else float("nan"),
            "",
            baseline=everything[1] / everything[0] if everything[0] else None,
            note=f"{right} of {shown} shown; baseline: no gate, {everything[1]} of {everything[0]}; the gates keep "
            f"{right / max(everything[1], 1):.0%} of the right suggestions",
        ),
    ]
    for point, (labels_before, pressed, shown_on, written) in enter.items():
        out.append(
            Result(
                SUITE,
                f"labels written by Enter, model after {point} statements",
                written,
                "labels",
                target=0.0,
                note=f"Enter pressed on {pressed} statements in the window, {shown_on} with a suggestion on screen; "
                f"{labels_before} labels in the project before",
            )
        )
    return out


def simulate(workdir: Path, pool, *, up_to: int):
    """Per gate setting (shown, accepted) summed over rounds; per round its figures; Enter's count."""
    from annotator.learn.project import train_project
    from annotator.learn.suggest import Suggester

    totals = {gate: [0, 0] for gate in GRID}
    rounds = []
    enter = {}
    path = workdir / "gates.annotator.sqlite"
    for leftover in workdir.glob(path.name + "*"):
        leftover.unlink()
    with build_project(path, pool, finished=0) as store:
        _finish(store, pool, range(1, START + 1))
        done = set(range(1, START + 1))
        while True:
            t0 = time.perf_counter()
            report = train_project(store, annotator="oracle")
            decided = report.train_examples + report.held_out_examples
            suggester = Suggester.from_path(report.model.path, min_examples=0, min_f1=0.0)
            figures = suggester.nlp.meta["annotator"]["labels"]
            chosen, statements = [], 0
            for article_id in range(1, len(pool) + 1):
                if article_id not in done:
                    chosen.append(article_id)
                    statements += len(pool[article_id - 1].statements)
                    if statements >= ROUND:
                        break
            upcoming = [s for a in chosen for s in pool[a - 1].statements]
            here = {gate: [0, 0] for gate in GRID}
            for probabilities, statement in zip(
                suggester.probabilities([s.text for s in upcoming]), upcoming, strict=True
            ):
                for label, p in probabilities.items():
                    if p < THRESHOLD:
                        continue
                    item = figures.get(label) or {}
                    for n, f1 in GRID:
                        if _lets_through(item, n, f1):
                            here[(n, f1)][0] += 1
                            here[(n, f1)][1] += label in statement.labels
            for gate, (s, r) in here.items():
                totals[gate][0] += s
                totals[gate][1] += r
            rounds.append((decided, report.macro_f1, dict(report.calibration), here, time.perf_counter() - t0))
            if len(rounds) == 1 or decided >= up_to or not chosen:
                enter[decided] = press_enter(store.path, chosen[:3])
            if decided >= up_to or not chosen:
                return {g: tuple(v) for g, v in totals.items()}, rounds, enter
            _finish(store, pool, chosen)
            done.update(chosen)


def _lets_through(item: dict, min_examples: int, min_f1: float) -> bool:
    """Whether a label with these figures passes the gate (as `learn.suggest._gates`; 0/0: no gate)."""
    if min_examples == 0 and min_f1 == 0.0:
        return True
    f1 = item.get("f1")
    return (item.get("examples") or 0) >= min_examples and f1 is not None and f1 >= min_f1


def press_enter(path: Path, article_ids: list[int]) -> tuple[int, int, int, int]:
    """Open the window on the project (its latest model's suggestions on), press Enter on every
    statement of these articles; (statements in the layer, Enter presses, presses with a
    suggestion on screen, labels written)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import sqlite3

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.store import Store
    from annotator.ui.annotate.window.main_window import MainWindow

    def labels() -> int:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM statement_labels").fetchone()[0]

    app = QApplication.instance() or QApplication([])
    qsettings = QSettings(str(path.with_suffix(".ini")), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", False)
    qsettings.setValue("learn/retrain_every", 0)
    qsettings.setValue("learn/suggest_labels", True)
    store = Store.open(path)
    window = MainWindow(store, "oracle", qsettings)
    window.start(preannotate=False)
    window.show()
    QTest.qWaitForWindowExposed(window)
    deadline = time.monotonic() + 180
    while window.suggestions.suggester is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    before, pressed, shown = labels(), 0, 0
    for article_id in article_ids:
        window.session.open_article(article_id)
        app.processEvents()
        window.view.setFocus()
        for _ in range(len(window.session.candidates())):
            app.processEvents()
            shown += bool(window.suggestions.current is not None and window.suggestions.current.suggested)
            QTest.keyClick(window.view, Qt.Key.Key_Return)
            pressed += 1
    app.processEvents()
    written = labels() - before
    window.close()
    app.processEvents()
    store.close()
    return before, pressed, shown, written


def _table(totals, rounds) -> str:
    lines = ["suggestion gates on the learning curve (document order; the next round's statements, unseen):"]
    lines.append(f"  {'min examples':>12} {'min F1':>6} {'shown':>6} {'accepted':>8} {'rate':>6}")
    for (n, f1), (shown, right) in totals.items():
        rate = f"{right / shown:.3f}" if shown else "-"
        lines.append(f"  {n:>12} {f1:>6.2f} {shown:>6} {right:>8} {rate:>6}")
    lines.append("  per round: decided, macro F1, ECE before → after (temperature), shown/accepted at 20 / 0.60:")
    for decided, macro, calibration, here, seconds in rounds:
        ece = (
            f"{calibration['ece_before']:.3f} → {calibration['ece_after']:.3f} (T {calibration['temperature']:.2f})"
            if calibration.get("ece_before") is not None
            else "-"
        )
        s, r = here[(20, 0.6)]
        lines.append(f"  {decided:>6} {macro or 0:>6.3f}  {ece:<28} {r:>4}/{s:<4} ({seconds:.0f} s)")
    return "\n".join(lines)
