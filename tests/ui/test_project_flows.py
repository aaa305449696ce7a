"""Project handling through the real window: the first start and the name prompt, changing the
annotator's name, new/open/recent projects, reopening the last one, the article list's filters."""

from __future__ import annotations

import getpass
import logging
import sys
from pathlib import Path

import pytest
import shiboken6
from click.testing import CliRunner
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
)

from annotator import settings
from annotator.cli import main
from annotator.nlp import pipeline as nlp
from annotator.ui.annotate.window.controller import SAMPLE_PROJECT, Controller
from annotator.ui.annotate.window.main_window import MainWindow
from annotator.ui.annotate.window.team import FirstStartDialog
from annotator.ui.shell.opener import lock_project
from annotator.ui.shell.window_settings import WindowSettings, app_settings
from tests.ui.conftest import OTHER, TEXT, make_project, stored

FIRST_TITLE = TEXT.split(".")[0]


# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_message_box(messages):
    """Every test here records its message boxes (the `messages` fixture)."""


class Prompt:
    """Stands in for the name questions (the first-start dialog, QInputDialog.getText): records
    (title, question, offered text), answers (typed text, OK pressed) from a queue."""

    def __init__(self):
        self.asked: list[tuple[str, str, str]] = []
        self.answers: list[tuple[str, bool]] = []

    def __call__(self, parent, title, label, *args, text="", **kwargs):
        self.asked.append((title, label, text))
        return self.answers.pop(0)

    def first_start(self, dialog: FirstStartDialog) -> int:
        """What a person does in the first-start dialog: reads, types a name, OK or Cancel."""
        self.asked.append((dialog.windowTitle(), dialog.prompt.text(), dialog.name.text()))
        typed, ok = self.answers.pop(0)
        dialog.name.setText(typed)
        return int(ok)


@pytest.fixture
def prompt(monkeypatch) -> Prompt:
    answer = Prompt()
    monkeypatch.setattr(QInputDialog, "getText", answer)
    monkeypatch.setattr(FirstStartDialog, "exec", lambda dialog: answer.first_start(dialog))
    return answer


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(folder))
    return folder


def quit_window(window: MainWindow) -> None:
    """What quitting does: close the window (it stops its background tasks), free the project."""
    if not shiboken6.isValid(window):
        return
    window.close()
    window.project.close()
    window.deleteLater()


@pytest.fixture
def start(qapp, monkeypatch, data_dir):
    """Start the app as a user would (no ANNOTATOR_NAME); call again for the next start.

    No spaCy model is found, so background pre-annotation uses the rules pipeline.
    """
    monkeypatch.delenv("ANNOTATOR_NAME")
    monkeypatch.setattr(nlp, "installed_default", lambda: settings.RULES_PIPELINE)
    controllers: list[Controller] = []

    def new_start() -> Controller:
        for controller in controllers:  # the previous run quits first
            for window in controller.windows:
                quit_window(window)
        controllers.append(Controller(qapp))
        return controllers[-1]

    yield new_start
    for controller in controllers:
        for window in controller.windows:
            quit_window(window)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def wait_for_the_sample(qtbot, window: MainWindow) -> None:
    """The first start imports the sample corpus in the background; its end resets the list."""
    with qtbot.waitSignal(window.list_panel.model.modelReset, timeout=30_000):
        pass


def menu_action(window: MainWindow, menu: str, text: str) -> QAction:
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu:
            for action in top.menu().actions():
                if action.text().replace("&", "").rstrip("…") == text:
                    return action
    raise AssertionError(f"no {menu} ▸ {text} in the menu bar")


def recent_entries(window: MainWindow) -> list[QAction]:
    window.recent_menu.aboutToShow.emit()  # what opening File ▸ Open recent does
    return window.recent_menu.actions()


def titles(window: MainWindow) -> list[str]:
    view = window.findChild(QTableView, "articleList")
    model = view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def the_window(controller: Controller) -> MainWindow:
    (window,) = controller.windows
    return window


def ready(qtbot, window: MainWindow) -> MainWindow:
    """Wait until the window is the active one, so its keyboard shortcuts work."""
    with qtbot.waitActive(window):
        window.activateWindow()
    window.view.setFocus()
    return window


# -- first start --------------------------------------------------------------------------------------


def test_first_start_asks_for_the_name_once_and_opens_the_sample_corpus(start, prompt, data_dir, qtbot, messages):
    assert str(data_dir.parent) in app_settings().fileName()  # the test's own settings, not the user's
    prompt.answers = [("  Anna  ", True)]
    window = start().open(None)
    wait_for_the_sample(qtbot, window)

    (asked,) = prompt.asked
    assert "Annotator name" in asked[1]  # says where to change it later
    assert asked[2] == getpass.getuser()  # the login name is offered
    assert window.who.text() == "annotating as Anna"
    sample = data_dir / SAMPLE_PROJECT
    assert sample.exists() and window.store.path == sample
    assert window.isVisible() and window.windowTitle() == "sample — Annotator"
    seeds = sorted(settings.SEEDS.glob("*.txt"))
    assert len(titles(window)) == len(seeds) > 0
    assert window.session.article_id is not None  # an article is open, ready to label
    assert window.findChild(QLabel, "progressText").text() == f"0 of {len(seeds)} articles done"

    window = start().open(None)  # the next start: no question, the same project, nothing imported twice
    assert len(prompt.asked) == 1
    assert window.who.text() == "annotating as Anna"
    assert window.store.path == sample
    assert len(titles(window)) == len(seeds)
    assert messages == []


def test_cancelling_the_name_prompt_uses_the_login_name_and_keeps_it(start, prompt, data_dir, qtbot, messages):
    prompt.answers = [("Bea", False)]  # typed, then Cancel
    window = start().open(None)
    wait_for_the_sample(qtbot, window)
    assert window.who.text() == f"annotating as {getpass.getuser()}"
    assert window.store.path == data_dir / SAMPLE_PROJECT
    assert titles(window)

    window = start().open(None)
    assert len(prompt.asked) == 1  # kept: labels stay under one name until the user changes it
    assert window.who.text() == f"annotating as {getpass.getuser()}"
    assert messages == []


# -- the annotator's name ------------------------------------------------------------------------------


def test_a_new_annotator_name_gets_the_new_labels_and_shows_in_the_status_bar(start, prompt, project, qtbot):
    app_settings().setValue("annotator/name", "anna")
    window = ready(qtbot, start().open(project))
    assert window.who.text() == "annotating as anna"
    qtbot.keyClick(window.view, Qt.Key.Key_1)

    prompt.answers = [(" Bea ", True)]
    menu_action(window, "File", "Annotator name").trigger()
    assert prompt.asked[-1][2] == "anna"  # the current name, to edit
    assert window.who.text() == "annotating as Bea"
    assert window.labels.buttons["condition"].isChecked() is False  # anna's label is not Bea's
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert [labels for *_, labels, _note in stored(project, "Bea")] == [("offer",)]
    assert [labels for *_, labels, _note in stored(project, "anna")] == [("condition",)]

    window = start().open(project)
    assert not [a for a in prompt.asked if a[0] != "Annotator name"]  # never the first-start question
    assert window.who.text() == "annotating as Bea"


# -- new, open and recent projects ------------------------------------------------------------------------


def test_new_open_and_recent_projects(start, project, tmp_path, monkeypatch, messages):
    app_settings().setValue("annotator/name", "anna")
    other = tmp_path / "other.annotator.sqlite"
    make_project(other, [OTHER])
    controller = start()
    first = controller.open(project)
    assert titles(first) == [FIRST_TITLE, "Second article"]

    fresh = tmp_path / "fresh.annotator.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(fresh), ""))
    menu_action(first, "File", "New project").trigger()
    window = the_window(controller)
    assert window is not first and not first.isVisible()
    assert window.store.path == fresh and fresh.exists()
    assert window.windowTitle() == "fresh — Annotator"
    assert titles(window) == []
    hint = window.findChild(QLabel, "emptyListHint")
    assert hint.isVisible() and "Import files" in hint.text()
    lock_project(project).unlock()  # the previous project is free again

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    menu_action(window, "File", "Open project").trigger()
    window = the_window(controller)
    assert window.store.path == other
    assert titles(window) == ["Second article"]
    assert not window.findChild(QLabel, "emptyListHint").isVisible()
    lock_project(fresh).unlock()

    entries = recent_entries(window)
    assert [a.text() for a in entries] == [str(other), str(fresh), str(project)]  # most recent first
    next(a for a in entries if a.text() == str(project)).trigger()
    window = the_window(controller)
    assert window.store.path == project
    assert titles(window) == [FIRST_TITLE, "Second article"]
    assert [a.text() for a in recent_entries(window)] == [str(project), str(other), str(fresh)]

    next(a for a in recent_entries(window) if a.text() == str(project)).trigger()  # the open one: stays
    assert the_window(controller) is window
    assert messages == []


def test_a_new_project_never_replaces_an_existing_file(start, project, tmp_path, monkeypatch, messages):
    app_settings().setValue("annotator/name", "anna")
    controller = start()
    first = controller.open(project)
    before = project.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(project), ""))
    menu_action(first, "File", "New project").trigger()
    assert the_window(controller) is first
    assert titles(first) == [FIRST_TITLE, "Second article"]
    assert len(messages) == 1 and "already exists" in messages[0][2]
    assert project.read_bytes() == before


def test_a_recent_project_that_was_deleted_is_reported_and_dropped(start, project, tmp_path, messages):
    app_settings().setValue("annotator/name", "anna")
    gone = tmp_path / "gone.annotator.sqlite"
    make_project(gone, [OTHER])
    controller = start()
    controller.open(gone)
    window = controller.open(project)
    quit_window(controller.windows.pop(0))
    gone.unlink()

    entry = next(a for a in recent_entries(window) if a.text() == str(gone))
    entry.trigger()
    assert the_window(controller) is window and window.isVisible()  # still on the open project
    ((kind, _title, text),) = messages
    assert kind == "warning" and str(gone) in text
    assert not gone.exists()  # no empty project made in its place
    assert str(gone) not in [a.text() for a in recent_entries(window)]
    assert str(gone) not in WindowSettings().recent_projects()


# -- the next start -------------------------------------------------------------------------------------


@pytest.fixture
def app_globals(monkeypatch):
    """`run` sets the excepthook and a log file; put both back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    logger = logging.getLogger("annotator")
    before = list(logger.handlers)
    yield
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()


@pytest.mark.parametrize("args", [[], ["gui"]], ids=["annotator", "annotator gui"])
def test_annotator_reopens_the_last_project(args, start, project, tmp_path, monkeypatch, app_globals):
    app_settings().setValue("annotator/name", "anna")
    other = tmp_path / "other.annotator.sqlite"
    make_project(other, [OTHER])
    controller = start()
    first = controller.open(project)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    menu_action(first, "File", "Open project").trigger()
    quit_window(the_window(controller))

    seen = []

    def look_then_quit(app):
        for window in app.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                seen.append((window.store.path, titles(window), window.who.text()))
                quit_window(window)
        return 0

    monkeypatch.setattr(QApplication, "exec", look_then_quit)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen == [(other, ["Second article"], "annotating as anna")]


# -- the article list ---------------------------------------------------------------------------------------


def test_the_list_filters_and_progress_follow_the_widgets(window, qtbot):
    text = window.findChild(QLineEdit, "textFilter")
    status = window.findChild(QComboBox, "statusFilter")
    label = window.findChild(QComboBox, "labelFilter")
    progress = window.findChild(QProgressBar, "projectProgress")
    progress_text = window.findChild(QLabel, "progressText")
    model = window.findChild(QTableView, "articleList").model()
    hint = window.findChild(QLabel, "emptyListHint")
    assert titles(window) == [FIRST_TITLE, "Second article"]
    assert (progress.value(), progress.maximum(), progress_text.text()) == (0, 2, "0 of 2 articles done")

    qtbot.keyClick(window.view, Qt.Key.Key_2)  # "offer" on the first statement
    assert model.index(0, 2).data() == "1" and model.index(0, 1).data() == "◐"  # in progress
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert model.index(0, 1).data() == "●"  # done
    assert (progress.value(), progress_text.text()) == (1, "1 of 2 articles done")

    with qtbot.waitSignal(model.modelReset):  # the filter waits for a pause in typing
        qtbot.keyClicks(text, "odesa")  # in the first article's text, not its title
    assert titles(window) == [FIRST_TITLE]
    with qtbot.waitSignal(model.modelReset):
        text.clear()
    assert titles(window) == [FIRST_TITLE, "Second article"]

    for choice, expected in (("done", [FIRST_TITLE]), ("new", ["Second article"]), ("in_progress", [])):
        status.setCurrentIndex(status.findData(choice))
        assert titles(window) == expected, choice
    assert hint.isVisible() and "match" in hint.text()
    status.setCurrentIndex(status.findData(None))
    assert not hint.isVisible()

    label.setCurrentIndex(label.findData("offer"))
    assert titles(window) == [FIRST_TITLE]
    label.setCurrentIndex(label.findData("condition"))
    assert titles(window) == []
    label.setCurrentIndex(label.findData(None))
    assert titles(window) == [FIRST_TITLE, "Second article"]
    assert progress_text.text() == "1 of 2 articles done"  # filters never change the project's progress
