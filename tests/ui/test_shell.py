"""Every window starts the same way: the annotation window, `annotator review` and the dashboard
take the project's lock, check it, log to annotator.log and wear the theme."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from annotator import settings
from annotator.ui.shell.opener import lock_project

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = {
    "annotation window": ["gui", "--screenshot"],
    "review window": ["review", "--screenshot"],
    "dashboard": ["agreement", "--dashboard-screenshot"],
}


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def log_text() -> str:
    path = settings.log_dir() / "annotator.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize("window", WINDOWS)
def test_a_project_open_in_another_window_is_refused(window, project, tmp_path):
    lock = lock_project(project)
    try:
        result = run_cli("--db", str(project), *WINDOWS[window], str(tmp_path / "shot.png"))
    finally:
        lock.unlock()
    assert result.returncode == 1
    assert "already open in another Annotator window" in result.stdout + result.stderr
    assert "already open" in log_text()


@pytest.mark.parametrize("window", ["review window", "dashboard"])
def test_review_and_dashboard_never_create_a_project_and_log_why(window, tmp_path):
    missing = tmp_path / "typo.annotator.sqlite"
    result = run_cli("--db", str(missing), *WINDOWS[window], str(tmp_path / "shot.png"))
    assert result.returncode == 1
    assert not missing.exists()
    assert "cannot open" in log_text() and missing.name in log_text()


@pytest.mark.parametrize("window", WINDOWS)
def test_every_window_wears_the_dark_theme(window, project, tmp_path):
    shot = tmp_path / "dark.png"
    result = run_cli("--db", str(project), *WINDOWS[window], str(shot), ANNOTATOR_THEME="dark")
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    grid = [
        image.pixelColor(x * image.width() // 20, y * image.height() // 20).lightness()
        for x in range(1, 20)
        for y in range(1, 20)
    ]
    assert sorted(grid)[len(grid) // 2] < 80  # most of the window is dark


def test_a_task_handed_on_while_the_window_closes_is_never_started(qapp):
    """Closing waits for the running tasks; one that ends then and asks for the next (the speaker
    suggestions of the article opened last) gets nothing started: a thread started after the wait
    would be destroyed still running, and Qt aborts the app on Ctrl+Q."""
    from annotator.ui.shell.workers import Task, TaskRunner

    ran: list[int] = []
    runner = TaskRunner()
    runner.stop_all()
    runner.start(Task(Path("unused.sqlite"), lambda store, task: ran.append(1), "speaker suggestions"))
    qapp.processEvents()
    assert not runner.busy() and ran == []


def test_a_closing_window_starts_no_more_background_work(qtbot, tmp_path):
    """After `stop_all` (the window closes) a task asked for by a late signal never starts: its thread
    would outlive the interpreter, and spaCy's BLIS aborts the process on the way out."""
    from annotator.store import Store
    from annotator.ui.shell.workers import Task, TaskRunner

    Store.create(tmp_path / "p.annotator.sqlite").close()
    runner = TaskRunner()
    ran = []
    runner.start(Task(tmp_path / "p.annotator.sqlite", lambda store, task: ran.append(1), "first"))
    qtbot.waitUntil(lambda: ran == [1] and not runner.busy())
    runner.stop_all()
    runner.start(Task(tmp_path / "p.annotator.sqlite", lambda store, task: ran.append(2), "late"))
    qtbot.wait(200)
    assert ran == [1] and not runner.busy()


DROPPED_WHILE_READING = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget
from annotator.store import Store
from annotator.ui.shell.workers import Task, TaskRunner

app = QApplication([])
Store.create(Path(sys.argv[1])).close()
panel = QWidget()
runner = TaskRunner(panel)
runner.start(Task(Path(sys.argv[1]), lambda store, task: time.sleep(0.5), "progress", readonly=True))
time.sleep(0.1)  # the read is under way
panel.deleteLater()  # the dashboard goes, without a close, while its read runs
app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
print("gone")
"""


def test_a_panel_dropped_while_its_read_runs_leaves_the_app_running(tmp_path):
    """A dashboard dropped without a close while its progress read ran destroyed the read's thread
    still running, and Qt aborted the whole app: the runner now hands such threads to the process,
    which lets them end at once."""
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", DROPPED_WHILE_READING, str(tmp_path / "p.annotator.sqlite")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "gone"
    assert time.monotonic() - began < 20  # the app exits when the read ends, not after a 30 s wait
