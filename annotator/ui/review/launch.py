"""`annotator review` and `annotator agreement --dashboard-screenshot`: started like every window.

Each opens its project through the shell's guarded opener (lock, integrity check, restore
offer) and closes it when its window is gone. The dashboard run on its own opens a review
window on the same project when a disagreement is double-clicked.
"""

from __future__ import annotations

from pathlib import Path

from annotator import settings
from annotator.ui.review.dashboard import AgreementDashboard
from annotator.ui.review.window import ReviewWindow
from annotator.ui.shell.app import EXIT_NO_DISPLAY, ends_cleanly, grab_to_png, show_or_grab, start
from annotator.ui.shell.opener import ProjectOpener

#: Said when `annotator review` finds the project open in a window: where to review there.
REVIEW_IN_WINDOW = "To review in that window: Tools ▸ Review conflicts…"


@ends_cleanly
def run_review(
    db_path: Path,
    reviewer: str,
    article: int | None = None,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """The review window on `db_path`; with `screenshot`, render it to that PNG instead (as on a screen
    of `size` when given). Returns an exit code."""
    app = start(screenshot=screenshot is not None, size=size)
    if app is None:
        return EXIT_NO_DISPLAY
    project = ProjectOpener(quiet=screenshot is not None).open(db_path, create=False, in_use=REVIEW_IN_WINDOW)
    if project is None:
        return 1
    try:
        window = ReviewWindow(project.store, reviewer)
        if article is not None:
            window.session.go_to(article)
        return show_or_grab(app, window, screenshot)
    finally:
        project.close()


@ends_cleanly
def run_dashboard(
    db_path: Path,
    labels: list[str] | None = None,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """The agreement dashboard on `db_path` (figures for `labels`, None: all); or its PNG with `screenshot`
    (as on a screen of `size` when given)."""
    app = start(screenshot=screenshot is not None, size=size)
    if app is None:
        return EXIT_NO_DISPLAY
    project = ProjectOpener(quiet=screenshot is not None).open(db_path, create=False)
    if project is None:
        return 1
    try:
        dashboard = AgreementDashboard(project.store, labels=labels)
        if screenshot is not None:
            if dashboard.result.pairs:
                dashboard.pairs_table.cellClicked.emit(0, 1)  # list the first pair's disagreements
            dashboard.progress.wait()  # the team's progress, read on a worker thread, in the picture
            code = grab_to_png(dashboard, screenshot)
            dashboard.close()
            return code
        reviews: list[ReviewWindow] = []

        def open_review(article_id: int, start_: int, end: int) -> None:
            if not reviews:
                reviews.append(ReviewWindow(project.store, settings.default_annotator()))
            reviews[0].show_conflict(article_id, start_, end)

        dashboard.openConflict.connect(open_review)
        dashboard.show()
        return app.exec()
    finally:
        project.close()
