"""Render the docs' screenshots: `.venv/bin/python docs/render_screenshots.py [OUT_DIR]` (default docs/).

Builds a demo project from seeds/ (the real spaCy pipeline, two annotators, a statement with two
labels, a note) in a temporary folder and renders each window offscreen, through the same
start-up as `annotator gui --screenshot`: the annotation window in the light and the dark theme,
the same article with a search, the corpus search's hit list with categories in the article list
(light and dark), links, label suggestions from the rules (light and dark), the review window, the
agreement dashboard, a long article (the seeds' texts over and over, their spaCy annotations
copied along) on its second part, and the guideline pane on the section of a statement's label.

`--screens OUT_DIR` renders instead the windows at a laptop's 1366×768 and at 1920×1080, light
and dark: the annotation window with the corpus search open, the review window and the dashboard
(for looking at, not for the docs: build/screens/ is the usual place).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("condition", "offer", "demand", "denial", "threat", "claim", "commitment")
#: (anna's, ben's) categories of the five seed articles.
CATEGORIES = (
    (("relevant", "ceasefire-talks", "positive"), ("relevant", "ceasefire-talks", "positive")),
    (("relevant", "negative"), ("relevant", "neutral")),
    (("relevant", "ceasefire-talks", "energy-strikes", "positive"), ("relevant", "ceasefire-talks", "positive")),
    (("relevant", "ceasefire-talks", "neutral"), ("relevant", "ceasefire-talks", "neutral")),
    (("relevant", "energy-strikes", "positive"), ("relevant", "energy-strikes", "positive")),
)
#: name: (theme, what to render)
SHOTS = {
    "screenshot-annotate.png": ("light", "annotate"),
    "screenshot-labels-dark.png": ("dark", "annotate"),
    "screenshot-search.png": ("light", "search"),
    "screenshot-corpus-search.png": ("light", "hits"),
    "screenshot-corpus-search-dark.png": ("dark", "hits"),
    "screenshot-review.png": ("light", "review"),
    "screenshot-agreement.png": ("light", "dashboard"),
    "screenshot-links.png": ("light", "links"),
    "screenshot-linking.png": ("light", "linking"),
    "screenshot-links-dark.png": ("dark", "links"),
    "screenshot-long-article.png": ("light", "long"),
    "screenshot-suggestions.png": ("light", "model-suggestions"),
    "screenshot-suggestions-dark.png": ("dark", "suggestions"),
    "screenshot-guidelines.png": ("light", "guidelines"),
    "screenshot-guidelines-editor.png": ("light", "guidelines-editor"),
}
#: The demo project's guidelines (version 2 sharpens `offer`), shown by the guideline pane.
GUIDELINES = """# Guidelines: statements in ceasefire reporting

Label what a named side says, not what the reporter concludes. Read the whole sentence first.

## condition

What one side requires before it acts. The test: an "if" (said or meant) that the side itself sets.

## offer

A side proposes, or signals readiness for, something the other side wants: a pause, a halt, talks.

- A *conditional* proposal is an offer **and** a condition ("we will halt strikes if they do").
- Not an offer: a demand phrased politely ("we call on Moscow to stop"): that is a demand.
- Not an offer: a promise with nothing asked in return: that is a commitment.

### Near-misses decided in review

"Kyiv is ready to discuss an energy truce": offer (readiness counts).
"Kyiv said talks could resume one day": no label (no side proposes anything).

## demand

A side insists that another act, without offering anything in return.

## denial

A side rejects a claim, an offer or a report: "did not confirm", "refused".
"""

#: The sizes `--screens` renders each window at, and the windows.
SCREEN_SIZES = ((1366, 768), (1920, 1080))
SCREEN_KINDS = ("hits", "review", "dashboard")
#: The seed article the link screenshots show (seeds/004_…, the fifth).
LINKED_ARTICLE = 5
#: The model's screenshot: a generated corpus of 60 articles, the first 40 finished by "oracle"
#: (benchmarks/statements_corpus.py), a model trained on them; this article is not finished.
MODEL_ARTICLES, MODEL_FINISHED, MODEL_ARTICLE = 60, 40, 47


def build_model_project(project: Path) -> None:
    """The generated corpus and the model `annotator train --annotator oracle` makes of it."""
    from annotator.learn.project import train_project
    from benchmarks.statements_corpus import articles, build_project

    with build_project(project, articles(MODEL_ARTICLES, seed=7), finished=MODEL_FINISHED) as store:
        train_project(store, annotator="oracle")


def build(project: Path) -> None:
    from annotator import settings
    from annotator.importing.run import import_paths
    from annotator.nlp.pipeline import load_pipeline, preannotate
    from annotator.store import Store

    with Store.create(project) as store:
        import_paths(store, [settings.SEEDS], annotator="importer")
        preannotate(store, load_pipeline())
        for article in store.articles.article_ids():
            for i, (start, end) in enumerate(store.articles.sentences(article)[1:9]):
                anna = [LABELS[i % 7]] + (["claim"] if i == 2 else [])  # one statement with two labels
                store.statements.set_statement(
                    article, "anna", start, end, anna, note="check the source" if i == 4 else None
                )
                if i != 5:
                    store.statements.set_statement(article, "ben", start, end, [LABELS[(i + (i % 3 == 0)) % 7]])
            store.articles.set_status(article, "anna", "done")
            store.articles.set_status(article, "ben", "done")
        for article, (anna, ben) in enumerate(CATEGORIES, 1):  # article categories, one stance in dispute
            store.categories.set_article_categories(article, "anna", anna)
            store.categories.set_article_categories(article, "ben", ben)
        first = GUIDELINES.replace("A side proposes, or signals readiness for,", "A side proposes")
        store.guidelines.add(first, "lead")
        refinish(store, [1, 2])  # articles 1-2 finished again under version 1
        store.guidelines.add(GUIDELINES, "lead")  # version 2: the offer section sharpened
        refinish(store, [3, 4])  # and 3-4 under version 2: the dashboard splits alpha by version
        store.search.update_search_index()  # what the window's catch-up does on its first search
        link_article(store, LINKED_ARTICLE)


def link_article(store, article_id: int) -> None:
    """anna's links on one seed article: who said the offer, to whom, on which condition."""
    from annotator.passages import split_at_breaks
    from annotator.records import Link

    text = store.articles.article(article_id).text
    units = split_at_breaks(store.articles.sentences(article_id), text)

    def unit(opening: str) -> tuple[int, int]:
        at = text.index(opening)
        return next(u for u in units if u[0] <= at < u[1])

    def word(w: str, after: int = 0) -> tuple[int, int]:
        at = text.index(w, after)
        return at, at + len(w)

    offer = unit("Ukraine says it will halt")
    condition = word("if Moscow stops hitting its grid")
    welcomed = unit("Zelensky welcomed")
    confirmed = unit("The Kremlin confirmed")
    store.statements.set_statement(article_id, "anna", *offer, ["offer"])
    store.statements.set_statement(article_id, "anna", *condition, ["condition"])
    store.statements.set_statement(article_id, "anna", *confirmed, ["claim"])
    store.links.change_links(
        article_id,
        "anna",
        add=[
            Link(*offer, *word("Volodymyr Zelensky", offer[0]), "speaker"),
            Link(*offer, *word("Moscow", offer[0]), "target"),
            Link(*condition, *offer, "condition-of"),
            Link(*welcomed, *word("Zelensky", welcomed[0]), "speaker"),
            Link(*confirmed, *word("The Kremlin", confirmed[0]), "speaker"),
            Link(*confirmed, *word("Putin", confirmed[0]), "target"),
        ],
    )


def long_project(demo: Path) -> Path:
    """A project beside `demo` with one long article: the seeds' texts, one after another, until it is
    three parts long; their entities, sentences and tokens copied from `demo`, anna's labels on them."""
    from annotator.records import IncomingRecord
    from annotator.store import Preannotation, Store
    from annotator.ui.annotate.session import PAGE_CHARS

    path = demo.with_name("long.annotator.sqlite")
    with Store.open(demo) as seeds:
        parts = [
            (
                seeds.articles.article(a).text,
                seeds.entities.entities(a),
                seeds.articles.sentences(a),
                seeds.articles.tokens(a),
            )
            for a in (1, 2, 3)
        ]
    text, entities, sentences, tokens, labeled = "", [], [], [], []
    while len(text) < 2.5 * PAGE_CHARS:
        for i, (piece, ents, sents, toks) in enumerate(parts):
            base = len(text)
            text += piece + "\n\n"
            entities += [(e.start + base, e.end + base, e.label) for e in ents]
            sentences += [(a + base, b + base) for a, b in sents]
            tokens += [(a + base, b + base) for a, b in toks or []]
            labeled += [(a + base, b + base, LABELS[(i + k) % 7]) for k, (a, b) in enumerate(sents[1:9:3])]
    with Store.create(path) as store:
        store.add_records([IncomingRecord(text.rstrip("\n"), "A long article: the talks, day by day", "demo", 1)], "x")
        store.preannotations.store_preannotations([Preannotation(1, "demo", entities, sentences, tokens)])
        with store.write():
            for start, end, label in labeled:
                store.statements.set_statement(1, "anna", start, end, [label])
    return path


def screen_shot(kind: str, project: Path, out: Path, size: tuple[int, int]) -> int:
    """One window at a screen's size (`--screens`): the corpus search, the review window or the dashboard."""
    from annotator.ui.shell.app import grab_to_png, start

    app = start(screenshot=True)
    if kind == "hits":
        from annotator.ui.annotate.window.controller import Controller
        from annotator.ui.annotate.window.main_window import SHORT_SCREEN

        window = Controller(app, quiet=True).open(project, article=1, preannotate=False)
        window.resize(*size)
        left = max(340, size[0] // 4)  # as the window starts on such a screen (`fit_screen`)
        window.splitter.setSizes([left, size[0] - left - 280, 280])
        if size[1] < SHORT_SCREEN:
            window.legend.set_folded(True)
            window.categories.set_folded(True)
        window.search_dock.open()
        panel = window.search_dock.panel
        panel.query.setText('"energy infrastructure" OR ceasefire')
        panel.run()
        panel.table.selectRow(3)
        window.search_dock.open_hit(panel.model.hits[3])
        code = grab_to_png(window, out)
        window.close()
        window.project.close()
        return code
    from annotator.store import Store
    from annotator.ui.review.dashboard import AgreementDashboard
    from annotator.ui.review.window import ReviewWindow

    with Store.open(project) as store:
        if kind == "review":
            window = ReviewWindow(store, "reviewer")
        else:
            window = AgreementDashboard(store)
            if window.result.pairs:
                window.pairs_table.cellClicked.emit(0, 1)  # the first pair's disagreements listed
        window.resize(*size)
        code = grab_to_png(window, out)
        window.close()
    return code


def screens(out_dir: Path) -> None:
    """Every window of `SCREEN_KINDS` at every size of `SCREEN_SIZES`, light and dark, into `out_dir`."""
    with tempfile.TemporaryDirectory(prefix="annotator-screens-") as tmp:
        project = Path(tmp) / "demo.annotator.sqlite"
        build(project)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "ANNOTATOR_NAME": "anna",
            "ANNOTATOR_DATA_DIR": str(Path(tmp) / "data"),
            "ANNOTATOR_LOG_DIR": str(Path(tmp) / "log"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
        }
        for width, height in SCREEN_SIZES:
            for theme in ("light", "dark"):
                for kind in SCREEN_KINDS:
                    out = out_dir / f"{kind}-{width}x{height}-{theme}.png"
                    subprocess.run(
                        [sys.executable, __file__, "--screen", kind, str(project), str(out), f"{width}x{height}"],
                        env={**env, "ANNOTATOR_THEME": theme},
                        check=True,
                    )


def refinish(store, articles: list[int]) -> None:
    for article in articles:
        for name in ("anna", "ben"):
            store.articles.set_status(article, name, "in_progress")
            store.articles.set_status(article, name, "done")


def _wait_for_examples(app, window) -> None:
    """The pane's examples are read on a worker thread: wait for them before the picture."""
    import time

    from annotator.ui.annotate.labels.guideline_pane import LOADING

    deadline = time.monotonic() + 60
    while window.guideline_pane.examples.toPlainText() == LOADING and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def _editor_shot(app, window, out: Path) -> int:
    from PySide6.QtGui import QTextCursor

    from annotator.ui.annotate.schemes.guidelines_editor import GuidelinesEditor
    from annotator.ui.shell.app import grab_to_png

    labels = [label.name for label in window.session.labels if not label.retired]
    editor = GuidelinesEditor(window.store, "anna", labels, window)
    editor.source.moveCursor(QTextCursor.MoveOperation.End)
    editor.source.insertPlainText("\n## threat\n\nA side says it will do **harm** if the other does not act.\n")
    editor.update_preview()
    editor.show()
    app.processEvents()
    code = grab_to_png(editor, out)
    editor.close()
    window.close()
    window.project.close()
    return code


def shot(kind: str, project: Path, out: Path) -> int:
    """Render one window to `out` (runs in its own process: the theme is chosen per process)."""
    from annotator.ui.shell.app import grab_to_png, start

    if kind == "review":
        from annotator.ui.review.launch import run_review

        return run_review(project, "reviewer", screenshot=out)
    if kind == "dashboard":
        from annotator.ui.review.launch import run_dashboard

        return run_dashboard(project, screenshot=out)
    from annotator.ui.annotate.window.controller import Controller

    app = start(screenshot=True)
    if kind == "long":
        project = long_project(project)
    linked = kind in ("links", "linking")
    article = LINKED_ARTICLE if linked else 1
    if kind == "model-suggestions":  # the generated corpus and its model: an article not finished yet
        project, article = project.with_name("model.annotator.sqlite"), MODEL_ARTICLE
    window = Controller(app, quiet=True).open(project, article=article, preannotate=False)
    if window is None:
        return 1
    text = window.session.article.text
    if linked:
        return _links_shot(kind, app, window, text, out)
    if kind in ("suggestions", "model-suggestions"):
        return _suggestions_shot(app, window, out)
    if kind == "guidelines-editor":
        return _editor_shot(app, window, out)
    if kind == "long":
        window.session.go_to_page(1)  # the second part, its first statement current, then the next one
        window.session.step_statement(1)
    else:
        window.session.set_current(
            next(s for s in window.session.candidates() if "In other words" in text[s[0] : s[1]])
        )
    if kind == "guidelines":  # anna's statement labeled offer, the pane open on its section (the G key)
        labeled = window.session.statements
        window.session.set_current(next(span for span, state in labeled.items() if "offer" in state.labels))
        window.actions_by_name["guidelines"].trigger()  # as the G key: the pane under the list
        _wait_for_examples(app, window)
    if kind == "search":
        window.search.open()
        window.search.field.setText("energy")
        window.search.step(1)
    if kind == "hits":  # the corpus search: the hit list under the article, categories in the list
        window.resize(1440, 980)
        window.search_dock.open()
        panel = window.search_dock.panel
        panel.query.setText('"energy infrastructure" OR ceasefire')
        panel.run()
        panel.table.selectRow(3)
        window.search_dock.open_hit(panel.model.hits[3])
        window.splitter.setSizes([440, 760, 240])  # a wider list: every article's categories in view
        window.list_panel.view.setColumnWidth(3, 200)
    code = grab_to_png(window, out)
    window.close()
    window.project.close()
    return code


def _links_shot(kind: str, app, window, text: str, out: Path) -> int:
    """The offer with its links shown (`links`), or linking in progress: S pressed on Trump's statement,
    hints on the entities in view, the suggested speaker first (`linking`)."""
    import time

    from annotator.ui.shell.app import grab_to_png

    def current(opening: str) -> None:
        at = text.index(opening)
        window.session.set_current(next(s for s in window.session.candidates() if s[0] <= at < s[1]))

    from PySide6.QtCore import Qt

    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(1440, 900)
    window.show()  # laid out as on screen before the statement is scrolled to and the hints are placed
    deadline = time.monotonic() + 60
    while window.speakers.enabled and not window.linking.suggested and time.monotonic() < deadline:
        app.processEvents()  # the parse runs on its own thread
        time.sleep(0.05)
    if kind == "links":
        current("Ukraine says it will halt")
    else:
        current("Trump, speaking during a Cabinet meeting")
        for _ in range(5):
            app.processEvents()
        window.linking.start_key("S")
    code = grab_to_png(window, out)
    window.close()
    window.project.close()
    return code


def _suggestions_shot(app, window, out: Path) -> int:
    """The first statement anna has not labeled that the rules suggest labels for: outlined buttons,
    the line under them, the dashed line under the statement."""
    import time

    from PySide6.QtCore import Qt

    from annotator.ui.shell.app import grab_to_png

    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(1440, 900)
    window.show()  # laid out as on screen before the statement is scrolled to
    deadline = time.monotonic() + 60
    while window.suggestions.suggester is None and time.monotonic() < deadline:
        app.processEvents()  # the suggester loads on its own thread
        time.sleep(0.05)
    s = window.session
    chosen = [span for span in s.candidates() if not s.state(span).labels and window.suggestions.for_span(span)]
    chosen = [span for span in chosen if window.suggestions.for_span(span).suggested]

    def shows(span) -> tuple[int, int]:  # most suggestions, from the model and a rule if it can
        suggested = window.suggestions.for_span(span).suggested
        return len(suggested), sum(len(x.sources) for x in suggested)

    if chosen:
        s.set_current(max(chosen, key=shows))
        for _ in range(5):
            app.processEvents()
        window.view.centerCursor()  # the statement in the middle, its dashed line in view
    code = grab_to_png(window, out)
    window.close()
    window.project.close()
    return code


def main(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="annotator-shots-") as tmp:
        project = Path(tmp) / "demo.annotator.sqlite"
        build(project)
        data = Path(tmp) / "data"
        if any(kind == "model-suggestions" for _, kind in SHOTS.values()):
            os.environ["ANNOTATOR_DATA_DIR"] = str(data)  # the model is kept where the windows look
            build_model_project(project.with_name("model.annotator.sqlite"))
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "ANNOTATOR_NAME": "anna",
            "ANNOTATOR_DATA_DIR": str(data),
            "ANNOTATOR_LOG_DIR": str(Path(tmp) / "log"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
        }
        for name, (theme, kind) in SHOTS.items():
            subprocess.run(
                [sys.executable, __file__, "--shot", kind, str(project), str(out_dir / name)],
                env={**env, "ANNOTATOR_THEME": theme},
                check=True,
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:3] == ["--only", "suggestions"]:  # just the suggestion shots (a quicker check)
        SHOTS = {k: v for k, v in SHOTS.items() if v[1].endswith("suggestions")}
        sys.argv[1:3] = []
    if sys.argv[1:2] == ["--shot"]:
        from annotator.ui.shell.workers import wait_for_released

        code = shot(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        wait_for_released()  # the suggestion threads end before the process does, as every window command's
        sys.stdout.flush()
        os._exit(code)  # a renderer that is done: no teardown of Qt's objects (it may crash on the way out)
    if sys.argv[1:2] == ["--screen"]:
        width, height = (int(n) for n in sys.argv[5].split("x"))
        code = screen_shot(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), (width, height))
        sys.stdout.flush()
        os._exit(code)  # a renderer that is done: no teardown of Qt's objects (it may crash on the way out)
    if sys.argv[1:2] == ["--screens"]:
        screens(Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "build" / "screens")
        sys.exit(0)
    if sys.argv[1:2] and sys.argv[1].startswith("-"):
        sys.exit(f"usage: {sys.argv[0]} [OUT_DIR] | --only suggestions [OUT_DIR] | --screens [OUT_DIR]")
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
