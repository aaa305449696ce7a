"""Linking by keyboard on a long article, and the speaker suggestions' cost and accuracy.

- S on a 20,000-word article with 1,000 entities until the hints are painted (baseline: the same
  window repainted without hints);
- a hint's letter until the link's row is committed (baseline: a bare sqlite3 INSERT + COMMIT,
  WAL, synchronous=FULL, as for the label keystroke);
- speaker suggestions for that article, the parse included (baseline: the bare `nlp.pipe` of
  the same lines with the same pipeline), and per seed article;
- how often the suggested speaker is right on the hand-annotated seed gold set
  (tests/speaker_gold.json): accuracy over statements with a speaker, precision over suggestions.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

from benchmarks import Result, compare
from benchmarks.window import bare_commits, build_project

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "speaker_gold.json"


def run(workdir: Path, quick: bool) -> list[Result]:
    words, entities = (5_000, 250) if quick else (20_000, 1_000)
    results = _keyboard(workdir, words, entities)
    results += _suggestions(workdir)
    return results


def _keyboard(workdir: Path, words: int, entities: int) -> list[Result]:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.store import Store
    from annotator.store.files import connect_readonly
    from annotator.ui.annotate.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    project = workdir / "links.annotator.sqlite"
    for leftover in workdir.glob("links.annotator.sqlite*"):
        leftover.unlink()
    first, _ = build_project(project, words, entities, 300, extra=0)
    store = Store.open(project)
    qsettings = QSettings(str(workdir / "links.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", False)  # measured on its own below
    window = MainWindow(store, "bench", qsettings)
    window.resize(1440, 900)
    window.start(first, preannotate=False)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    view = window.view
    view.setFocus()
    checker = connect_readonly(project)  # reads the rows the window commits, never writes

    hints, plain, commits, shown = [], [], [], []
    for _ in range(20):
        QTest.keyClick(view, Qt.Key.Key_Down)
        app.processEvents()
        t0 = time.perf_counter()
        window.repaint()
        app.processEvents()
        plain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_S)
        window.repaint()
        app.processEvents()
        hints.append(time.perf_counter() - t0)
        mode = window.linking.mode
        assert mode is not None and mode.candidates, "no hints shown"
        shown.append(len(mode.candidates))
        before = checker.execute("SELECT count(*) FROM links").fetchone()[0]
        t0 = time.perf_counter()
        for letter in mode.hints[0]:
            QTest.keyClick(view, getattr(Qt.Key, f"Key_{letter.upper()}"))
        commits.append(time.perf_counter() - t0)
        assert checker.execute("SELECT count(*) FROM links").fetchone()[0] == before + 1, "the link was not committed"
    checker.close()
    window.close()
    store.close()

    bare = bare_commits(workdir / "bare-links.sqlite", 20)
    return [
        Result(
            "links",
            f"S to hints painted, {words:,}-word article, {entities:,} entities (median of 20)",
            statistics.median(hints),
            baseline=statistics.median(plain),
            target=10.0,
            note=f"bare: the same window repainted without hints; {statistics.median(shown):.0f} candidates in view",
        ),
        Result(
            "links",
            "hint keystroke to committed link row (median of 20)",
            statistics.median(commits),
            baseline=statistics.median(bare),
            target=20.0,
            note="bare: sqlite3 INSERT + COMMIT, WAL, synchronous=FULL",
        ),
    ]


def _suggestions(workdir: Path) -> list[Result]:
    from annotator.importing.run import import_paths
    from annotator.nlp.pipeline import load_pipeline, preannotate
    from annotator.nlp.speakers import SpeakerScore, parser_pipeline, score, suggest_speakers
    from annotator.passages import split_at_breaks
    from annotator.store import Store
    from benchmarks.window import make_article

    seeds = workdir / "seeds.annotator.sqlite"
    for leftover in workdir.glob("seeds.annotator.sqlite*"):
        leftover.unlink()
    nlp = parser_pipeline(None)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    total = SpeakerScore()
    per_article = []
    with Store.create(seeds) as store:
        import_paths(store, [ROOT / "seeds"], annotator="bench")
        preannotate(store, load_pipeline(None))
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            units = split_at_breaks(store.articles.sentences(article_id), article.text)
            ents = store.entities.entities(article_id)
            t0 = time.perf_counter()
            found = suggest_speakers(nlp, article.text, units, ents)
            per_article.append(time.perf_counter() - t0)
            score(article.text, units, found, gold[article.source], total)

    text, spans = make_article(20_000, 1_000, seed=1)
    from annotator.records import Entity

    entities = [Entity(a, b, label) for a, b, label in spans]
    units = [m.span() for m in re.finditer(r"[^.\n]+\.?", text) if m.group().strip()]
    lines = [m.group() for m in re.finditer(r"[^\n]+", text)]
    ours, bare = compare(lambda: suggest_speakers(nlp, text, units, entities), lambda: list(nlp.pipe(lines)), repeat=2)
    return [
        Result(
            "links",
            "speaker suggestions, 20,000-word article (parse included, off the GUI thread)",
            ours,
            baseline=bare,
            target=1.5,
            note="bare: nlp.pipe of the same lines, the same pipeline (parser on, NER off)",
        ),
        Result(
            "links",
            "speaker suggestions per seed article (median of 5, 400-660 words)",
            statistics.median(per_article),
            target=1.0,
        ),
        Result(
            "links",
            "suggested speaker right, seed gold set (accuracy)",
            100 * total.accuracy,
            unit="%",
            note=(
                f"{total.right}/{total.with_speaker} statements with a speaker; precision "
                f"{100 * total.precision:.0f}% ({total.right}/{total.suggested} suggestions), "
                f"{total.false_alarms} on the {total.statements - total.with_speaker} statements nobody named says; "
                "the cues were refined on this set (first version: 80% accuracy, 76% precision)"
            ),
        ),
    ]
