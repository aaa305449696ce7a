"""The calibration review: a trainee's differences from gold, side by side, with the guidelines.

`annotator calibrate --report NAME --window` opens it (`--screenshot PNG` renders it). On the left
each unit where NAME and gold differ; on the right the statement in its sentence, NAME's labels
beside gold's, and the guidelines section of the gold label. It reads only: nothing here writes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.guidelines.calibration import CalibrationError, Report, report
from annotator.review.units import category
from annotator.text import excerpt, plural
from annotator.ui.shell.app import EXIT_NO_DISPLAY, ends_cleanly, show_or_grab, start
from annotator.ui.shell.opener import ProjectOpener
from annotator.ui.shell.plaintext import markdown_view, plain_label, set_markdown, set_plain, tooltip
from annotator.ui.shell.screen import fit

#: Characters of the article shown on each side of the statement.
CONTEXT = 160


class CalibrationReview(QWidget):
    """The report of `calibration.report`, one difference at a time (Up/Down in the list)."""

    def __init__(self, store, annotator: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("calibrationReview")
        self.setWindowTitle(f"Calibration: {annotator} against gold — Annotator")
        self.store = store
        self.report: Report = report(store, annotator)
        found = self.report
        summary = (
            f"{annotator}: {found.agreed} of {found.units} units as gold in {plural(len(found.articles), 'article')} · "
            f"{plural(len(found.differences), 'difference')} · "
            + (f"guidelines version {found.guidelines_version}" if found.guidelines_version else "no guidelines yet")
        )
        self.summary = plain_label(summary, object_name="calibrationSummary", word_wrap=True)
        self.list = QListWidget()
        self.list.setObjectName("calibrationDifferences")
        for d in found.differences:
            item = QListWidgetItem(f"“{excerpt(d.text, 36)}” · {category(d.mine)} ≠ gold {category(d.gold)}")
            item.setToolTip(tooltip(d.text))  # the statement as typed, never rendered as HTML
            self.list.addItem(item)
        self.context = plain_label(object_name="calibrationContext", word_wrap=True)
        self.mine = plain_label(object_name="calibrationMine", word_wrap=True)
        self.gold = plain_label(object_name="calibrationGold", word_wrap=True)
        for side in (self.mine, self.gold):  # the two readings, what the eye compares first
            font = side.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.3)
            side.setFont(font)
        self.section = markdown_view(object_name="calibrationSection")

        detail = QWidget()
        grid = QGridLayout(detail)
        grid.addWidget(plain_label("STATEMENT"), 0, 0, 1, 2)
        grid.addWidget(self.context, 1, 0, 1, 2)
        grid.addWidget(plain_label(annotator.upper()), 2, 0)
        grid.addWidget(plain_label("GOLD"), 2, 1)
        grid.addWidget(self.mine, 3, 0)
        grid.addWidget(self.gold, 3, 1)
        grid.addWidget(plain_label("GUIDELINES"), 4, 0, 1, 2)
        grid.addWidget(self.section, 5, 0, 1, 2)
        grid.setRowStretch(5, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(detail)
        split.setSizes([360, 740])
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(split, 1)
        self.list.currentRowChanged.connect(self.show_difference)
        if found.differences:
            self.list.setCurrentRow(0)
        else:
            set_plain(self.context, "No difference from gold: every unit as gold.")
        fit(self, 1200, 720, within_screen=False)

    def show_difference(self, row: int) -> None:
        if not 0 <= row < len(self.report.differences):
            return
        d = self.report.differences[row]
        text = self.store.articles.article(d.article_id).text
        before = " ".join(text[max(0, d.start - CONTEXT) : d.start].split())
        after = " ".join(text[d.end : d.end + CONTEXT].split())
        before = ("…" if d.start > CONTEXT else "") + before
        after += "…" if d.end + CONTEXT < len(text) else ""
        set_plain(self.context, f"{d.title}\n\n{before} [{d.text}] {after}".replace("\n\n ", "\n\n"))
        set_plain(self.mine, category(d.mine))
        set_plain(self.gold, category(d.gold))
        parts = [
            text.rstrip("\n") if text else f"No section headed “{label}” in the guidelines."
            for label, text in d.sections.items()
        ]
        set_markdown(self.section, "\n\n".join(parts) or "The project has no guidelines yet.")


@ends_cleanly
def run_calibration(
    db_path: Path, annotator: str, screenshot: Path | None = None, size: tuple[int, int] | None = None
) -> int:
    """The calibration review on `db_path`; or its PNG with `screenshot` (as on a screen of `size` when
    given). Returns an exit code."""
    app = start(screenshot=screenshot is not None, size=size)
    if app is None:
        return EXIT_NO_DISPLAY
    project = ProjectOpener(quiet=screenshot is not None).open(db_path, create=False)
    if project is None:
        return 1
    try:
        try:
            view = CalibrationReview(project.store, annotator)
        except CalibrationError as exc:
            print(f"Error: {exc}")
            return 1
        return show_or_grab(app, view, screenshot)
    finally:
        project.close()
