"""`annotator review` and `annotator agreement --dashboard-screenshot`: started like every window.

Each opens its project through the shell's guarded opener (lock, integrity check, restore
offer) and closes it when its window is gone. The dashboard run on its own opens a review
window on the same project when a disagreement is double-clicked, under a name checked as
`annotator review` checks it (`reviewer_name`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QWidget

from annotator.packages.who import writing_annotator
from annotator.records import person_name_problem
from annotator.store import Store
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
        reviews = ConflictReview(project.store, dashboard)
        dashboard.openConflict.connect(reviews.show_conflict)
        dashboard.show()
        return app.exec()
    finally:
        project.close()


class ConflictReview:
    """The review window the dashboard run on its own opens on a double-clicked disagreement, made on
    the first one under the reviewer's name (`reviewer_name`); none while no name is given."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        self.store = store
        self.parent = parent
        self.window: ReviewWindow | None = None

    def show_conflict(self, article_id: int, start: int, end: int) -> None:
        if self.window is None:
            name = reviewer_name(self.store, self.parent)
            if name is None:
                return
            self.window = ReviewWindow(self.store, name)
        self.window.show_conflict(article_id, start, end)


def reviewer_name(store: Store, parent: QWidget | None = None) -> str | None:
    """Who gold decisions are stored under, as `annotator review` has it (the package's annotator in a
    work package, else `ANNOTATOR_NAME` or the login name), asked for again while no person may
    have it (`records.person_name_problem`: ANNOTATOR_NAME=gold, a control or invisible character).
    None when the reviewer gives no name: no review window is opened."""
    name = writing_annotator(store, None)
    while (why := person_name_problem(name)) is not None:
        typed, ok = QInputDialog.getText(
            parent, "Reviewer's name", f"{why}: choose another name.\nYour name, stored with every gold decision:"
        )
        if not ok or not typed.strip():
            return None
        name = typed.strip()
    return name
