"""The annotation app: which project and name to use, one window per project, switching projects."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator import settings
from annotator.records import person_name_problem
from annotator.text import path_shown
from annotator.ui.annotate.window.main_window import MainWindow
from annotator.ui.annotate.window.team import FirstStartDialog, mark_trainee
from annotator.ui.shell import window_settings as ws
from annotator.ui.shell.app import grab_to_png
from annotator.ui.shell.opener import ProjectOpener, backup_task
from annotator.ui.shell.workers import Task, import_task

log = logging.getLogger("annotator.ui")
SAMPLE_PROJECT = settings.SAMPLE_PROJECT  # the one `make run` makes too


class Controller:
    def __init__(self, app: QApplication, quiet: bool = False, settings_folder: Path | None = None):
        """`settings_folder`: a render-only run (`--screenshot`) keeps its settings there, on a copy
        of the user's, so nothing it does is remembered in the user's settings."""
        self.app = app
        self.quiet = quiet
        if settings_folder is None:
            self.settings = ws.WindowSettings()
        else:
            self.settings = ws.WindowSettings(ws.render_only_settings(settings_folder), remember_for_cli=False)
        self.opener = ProjectOpener(quiet)
        self.windows: list[MainWindow] = []
        #: The name the first-start dialog asked to mark a trainee, marked in the first project opened.
        self.pending_trainee: str | None = None

    # -- who and what --------------------------------------------------------------------

    def annotator(self) -> str:
        """The annotator's name: ANNOTATOR_NAME, the remembered one, or asked for on first start."""
        env = settings.annotator_from_env()
        if env and not person_name_problem(env):
            return env
        name = self.settings.get(ws.ANNOTATOR_NAME)
        if name and not person_name_problem(name):
            return name
        name = settings.default_annotator()
        if person_name_problem(name):  # ANNOTATOR_NAME=gold: the review's layer is nobody's name
            name = "annotator"
        prompt = "Your name, stored with every label you make\n(change it later in File ▸ Annotator name):"
        dialog = None if self.quiet else FirstStartDialog(name, prompt)
        while dialog is not None:
            if not (dialog.exec() and dialog.name.text().strip()):
                break
            text = dialog.name.text()
            why = person_name_problem(text)
            if not why:
                name = text.strip()
                # marked in the project once it is open (`open`), as `annotators --trainee` would
                self.pending_trainee = name if dialog.trainee.isChecked() else None
                break
            dialog.ask(f"{why}: choose another name.\nYour name, stored with every label you make:")
        self.settings.set(ws.ANNOTATOR_NAME, name)
        return name

    @staticmethod
    def package_annotator(store) -> str | None:
        """The annotator a work package was made for, or None (the rule: packages.who)."""
        from annotator.packages.who import package_annotator

        return package_annotator(store)

    def project_path(self, db_path: Path | None) -> tuple[Path, bool]:
        """(path, is_the_first_start_sample)."""
        if db_path is not None:
            return Path(db_path), False
        last = self.settings.last_project()
        if last is not None and last.exists():
            return last, False
        return settings.data_dir() / SAMPLE_PROJECT, True

    # -- opening ------------------------------------------------------------------------

    def open(self, db_path: Path | None, *, article: int | None = None, preannotate: bool = True) -> MainWindow | None:
        path, sample = self.project_path(db_path)
        project = self.opener.open(path)
        if project is None:
            return None
        self.settings.remember_project(path)
        window = MainWindow(
            project.store, self.package_annotator(project.store) or self.annotator(), self.settings.qsettings
        )
        window.project = project
        window.destroyed.connect(project.close)
        window.projectRequested.connect(lambda p, w=window: self.switch(w, p))
        window.newProjectRequested.connect(lambda p, w=window: self.switch(w, p, create=True))
        self.windows.append(window)
        window.start(article, preannotate=preannotate)
        if self.pending_trainee:
            window.flash(mark_trainee(window, self.pending_trainee))
            self.pending_trainee = None
        if not self.quiet:
            window.runner.start(Task(path, backup_task, "backup", readonly=True))
            self._backup_after_first_labels(window)
        if sample and not project.store.articles.article_ids() and settings.SEEDS.exists():
            self._import_sample(window)
        if not self.quiet:
            window.show()
        return window

    def _backup_after_first_labels(self, window: MainWindow) -> None:
        """A project that opened with no label gets a backup again once its first labels are saved:
        the first start's backup holds no work, and the next daily one is a day away."""
        if window.store.statements.has_labels():
            return

        def saved(_message: str) -> None:
            if window.store.statements.has_labels():
                window.session.saved.disconnect(saved)
                window.runner.start(Task(window.store.path, backup_task, "backup", readonly=True))

        window.session.saved.connect(saved)

    def _import_sample(self, window: MainWindow) -> None:
        """First start: fill the sample project from the bundled seeds, in the background."""
        task = Task(window.store.path, import_task([settings.SEEDS], window.session.annotator), "import")
        window.task_state.setText("importing the sample corpus…")

        task.finished.connect(window.sample_imported)  # a bound method: runs on the GUI thread
        task.failed.connect(window._task_failed)
        window.runner.start(task)

    def switch(self, window: MainWindow, path: Path, *, create: bool = False) -> None:
        """Replace `window` by one on `path` (File ▸ New project with `create`, Open project, Open recent)."""
        path = Path(path)
        if path.resolve() == window.store.path.resolve():
            window.raise_()
            window.activateWindow()
            return
        if not create and not path.exists():
            # a recent project moved or deleted since: say so, rather than make an empty one there
            self.settings.forget_project(path)
            log.warning("project not found: %s", path)
            self.opener.tell(
                window,
                "Project not found",
                f"{path_shown(path)} no longer exists: it was moved or deleted. "
                "It is removed from the recent projects.",
                QMessageBox.Icon.Warning,
            )
            return
        replacement = self.open(path)
        if replacement is not None:
            replacement.resize(window.size())
            window.close()
            self.windows.remove(window)
            window.project.close()
            window.deleteLater()

    def screenshot(self, window: MainWindow, out: Path) -> int:
        code = grab_to_png(window, out)
        window.close()
        window.project.close()
        return code
