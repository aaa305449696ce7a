"""The team's progress in the agreement dashboard: the figures of `annotator progress` (done per
package, statements, active time, decisions per hour, suggestion acceptance, who is behind),
read on a worker thread with its own connection so a large project never stalls the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from annotator.packages.progress import TRAINEE_NOTE, AnnotatorProgress, hours_minutes, project_progress
from annotator.store import Store
from annotator.ui.shell.plaintext import plain_label
from annotator.ui.shell.workers import Task, TaskRunner

COLUMNS = ("Annotator", "Done", "Statements", "Active", "Decisions/h", "Accepted", "Packages")


def _progress_work(store: Store, _task: Task) -> list[AnnotatorProgress]:
    return project_progress(store)


class ProgressPanel(QWidget):
    """Per annotator: what `annotator progress` prints, one row each; BEHIND rows stand out."""

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.rows: list[AnnotatorProgress] | None = None
        self._stale = False
        self.runner = TaskRunner(self)
        self.note = plain_label("Reading progress…")
        self.note.setObjectName("progressNote")
        self.note.setWordWrap(True)
        self.note.setContentsMargins(2, 4, 2, 2)  # off the table above and the window's edge
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("progressTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def refresh(self) -> None:
        """Read the figures again, on a worker thread (its own read-only connection); while the
        panel is not shown, when it is (no thread outlives a panel that was never shown)."""
        self._stale = True
        if self.isVisible():
            self._start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._start()

    def _start(self) -> None:
        if self.runner.busy("progress"):
            return
        self._stale = False
        self.note.setText("Reading progress…")
        task = Task(self.store.path, _progress_work, "progress", readonly=True)
        task.finished.connect(self.show_rows)
        task.failed.connect(lambda why: self.note.setText(f"Progress could not be read: {why}"))
        self.runner.start(task)

    def show_rows(self, rows: list[AnnotatorProgress]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(sorted(rows, key=lambda r: r.annotator)):
            packages = ", ".join(f"round {p['round']}: {p['done']}/{p['assigned']}" for p in r.packages) or "-"
            values = (
                r.shown_name + ("  BEHIND" if r.behind else ""),
                f"{r.done}/{r.assigned}" if r.assigned else str(r.done),
                str(r.statements),
                "in pkg" if r.active_seconds is None else hours_minutes(r.active_seconds),
                "-" if r.decisions_per_hour is None else f"{r.decisions_per_hour:.0f}",
                "-" if r.acceptance is None else f"{r.acceptance:.0%}",
                packages,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if 0 < col < 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 0 and r.trainee:
                    item.setToolTip(f"A trainee: {TRAINEE_NOTE}.")
                if r.behind:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, col, item)
        notes = []
        if not rows:
            notes.append("No annotator has saved work yet.")
        if any(r.active_seconds is None for r in rows):
            notes.append("in pkg: time is read from the packages (annotator progress PACKAGE_FILES…)")
        behind = sorted(r.annotator for r in rows if r.behind)
        if behind:
            notes.append(f"Behind: {', '.join(behind)} (share done more than the margin below the team's median)")
        trainees = sorted(r.annotator for r in rows if r.trainee)
        if trainees:
            notes.append(f"Trainee: {', '.join(trainees)} ({TRAINEE_NOTE})")
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Wait (events still delivered) until the figures are shown; True when they are."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop
        from PySide6.QtWidgets import QApplication

        deadline = QDeadlineTimer(timeout_ms)
        if self.rows is None:
            self._start()
        while self.rows is None and not deadline.hasExpired():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self.runner.wait_all(20)
        QApplication.processEvents()
        return self.rows is not None

    def stop(self) -> None:
        self.runner.stop_all()
