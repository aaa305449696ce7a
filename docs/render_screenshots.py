"""Render the README's screenshots: `.venv/bin/python docs/render_screenshots.py [OUT_DIR]` (default docs/).

Builds a demo project from seeds/ (the real spaCy pipeline, two annotators, a statement with two
labels, a note) in a temporary folder and renders each window offscreen, through the same
start-up as `annotator gui --screenshot`: the annotation window in the light and the dark theme,
the same article with a search, the corpus search's hit list with categories in the article list
(light and dark), the review window and the agreement dashboard.
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
}


def build(project: Path) -> None:
    from annotator import settings
    from annotator.importing import import_paths
    from annotator.nlp import load_pipeline, preannotate
    from annotator.store import Store

    with Store.create(project) as store:
        import_paths(store, [settings.SEEDS], annotator="importer")
        preannotate(store, load_pipeline())
        for article in store.article_ids():
            for i, (start, end) in enumerate(store.sentences(article)[1:9]):
                anna = [LABELS[i % 7]] + (["claim"] if i == 2 else [])  # one statement with two labels
                store.set_statement(article, "anna", start, end, anna, note="check the source" if i == 4 else None)
                if i != 5:
                    store.set_statement(article, "ben", start, end, [LABELS[(i + (i % 3 == 0)) % 7]])
            store.set_status(article, "anna", "done")
            store.set_status(article, "ben", "done")
        for article, (anna, ben) in enumerate(CATEGORIES, 1):  # article categories, one stance in dispute
            store.set_article_categories(article, "anna", anna)
            store.set_article_categories(article, "ben", ben)
        store.update_search_index()  # what the window's catch-up does on its first search


def shot(kind: str, project: Path, out: Path) -> int:
    """Render one window to `out` (runs in its own process: the theme is chosen per process)."""
    from annotator.ui.shell.app import grab_to_png, start

    if kind == "review":
        from annotator.ui.review.launch import run_review

        return run_review(project, "reviewer", screenshot=out)
    if kind == "dashboard":
        from annotator.ui.review.launch import run_dashboard

        return run_dashboard(project, screenshot=out)
    from annotator.ui.annotate.controller import Controller

    app = start(screenshot=True)
    window = Controller(app, quiet=True).open(project, article=1, preannotate=False)
    if window is None:
        return 1
    text = window.session.article.text
    window.session.set_current(next(s for s in window.session.candidates() if "In other words" in text[s[0] : s[1]]))
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


def main(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="annotator-shots-") as tmp:
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
        for name, (theme, kind) in SHOTS.items():
            subprocess.run(
                [sys.executable, __file__, "--shot", kind, str(project), str(out_dir / name)],
                env={**env, "ANNOTATOR_THEME": theme},
                check=True,
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--shot"]:
        sys.exit(shot(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])))
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
