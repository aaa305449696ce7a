"""The application controller: which project and name to use, windows per project, crash reports."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QStyleFactory

from annotator import settings
from annotator.store import StoreError
from annotator.ui import style
from annotator.ui.main_window import MainWindow, recent_projects, remember_project
from annotator.ui.project_guard import backup_task, open_guarded
from annotator.ui.workers import Task, import_task

log = logging.getLogger("annotator.ui")
ORGANISATION = "annotator"
SAMPLE_PROJECT = f"sample{settings.PROJECT_SUFFIX}"


def app_settings() -> QSettings:
    return QSettings(ORGANISATION, "annotator")


class Controller:
    def __init__(self, app: QApplication, quiet: bool = False):
        self.app = app
        self.quiet = quiet
        app.setOrganizationName(ORGANISATION)
        app.setApplicationName("annotator")
        app.setApplicationDisplayName("Annotator")
        self.qsettings = app_settings()
        _apply_theme(app)
        self.windows: list[MainWindow] = []

    # -- who and what --------------------------------------------------------------------

    def annotator(self) -> str:
        """The annotator's name: ANNOTATOR_NAME, the remembered one, or asked for on first start."""
        env = os.environ.get("ANNOTATOR_NAME")
        if env:
            return env
        name = self.qsettings.value("annotator/name")
        if name:
            return str(name)
        name = settings.default_annotator()
        if not self.quiet:
            text, ok = QInputDialog.getText(
                None,
                "Welcome to Annotator",
                "Your name, stored with every label you make\n(change it later in File ▸ Annotator name):",
                text=name,
            )
            name = text.strip() if ok and text.strip() else name
        self.qsettings.setValue("annotator/name", name)
        return name

    def project_path(self, db_path: Path | None) -> tuple[Path, bool]:
        """(path, is_the_first_start_sample)."""
        if db_path is not None:
            return Path(db_path), False
        last = self.qsettings.value("project/last")
        if last and Path(str(last)).exists():
            return Path(str(last)), False
        return settings.data_dir() / SAMPLE_PROJECT, True

    # -- opening ------------------------------------------------------------------------

    def open(self, db_path: Path | None, *, article: int | None = None, preannotate: bool = True) -> MainWindow | None:
        path, sample = self.project_path(db_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            store, lock = open_guarded(path, self.ask_restore)
        except StoreError as exc:
            log.error("cannot open %s: %s", path, exc)
            if self.quiet:
                print(f"annotator: {exc}", flush=True)
            else:
                QMessageBox.critical(None, "Cannot open the project", str(exc))
            return None
        remember_project(self.qsettings, path)
        window = MainWindow(store, self.annotator(), self.qsettings)
        window.project_lock = lock
        window.destroyed.connect(lock.unlock)
        window.projectRequested.connect(lambda p, w=window: self.switch(w, p))
        window.newProjectRequested.connect(lambda p, w=window: self.switch(w, p, create=True))
        self.windows.append(window)
        window.destroyed.connect(lambda *_: None)
        window.start(article, preannotate=preannotate)
        if not self.quiet:
            window.runner.start(Task(path, backup_task, "backup"))
        if sample and not store.article_ids() and settings.SEEDS.exists():
            self._import_sample(window)
        if not self.quiet:
            window.show()
        return window

    def ask_restore(self, problem: str, latest: Path) -> bool:
        """Offer the latest backup in place of a damaged project (never in quiet mode)."""
        if self.quiet:
            return False
        box = QMessageBox(QMessageBox.Icon.Critical, "The project file is damaged", problem)
        box.setInformativeText(
            f"Restore the latest backup ({latest.name})? The damaged file is kept beside it, unchanged."
        )
        restore = box.addButton("Restore latest backup", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is restore

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
            forget_project(self.qsettings, path)
            self._warn(
                window,
                "Project not found",
                f"{path} no longer exists: it was moved or deleted. It is removed from the recent projects.",
            )
            return
        replacement = self.open(path)
        if replacement is not None:
            replacement.resize(window.size())
            window.close()
            self.windows.remove(window)
            window.store.close()
            window.project_lock.unlock()
            window.deleteLater()

    def _warn(self, parent: MainWindow | None, title: str, text: str) -> None:
        log.warning("%s: %s", title, text)
        if self.quiet:
            print(f"annotator: {text}", flush=True)
        else:
            QMessageBox.warning(parent, title, text)

    # -- screenshots and crashes ---------------------------------------------------------

    def screenshot(self, window: MainWindow, out: Path) -> int:
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.show()
        for _ in range(5):
            self.app.processEvents()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(out))
        window.close()
        window.store.close()
        if not ok:
            print(f"annotator: could not write {out}", flush=True)
            return 1
        print(f"wrote {out}", flush=True)
        return 0

    def excepthook(self, exc_type, exc, tb) -> None:
        from annotator.ui.app import format_exception

        text = format_exception(exc_type, exc, tb)
        log.error("unhandled exception\n%s", text)
        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", f"{exc_type.__name__}: {exc}")
        box.setInformativeText(
            f"Your work up to the last “saved” message is in the project file. "
            f"Details are in {settings.log_dir() / 'annotator.log'}."
        )
        box.setDetailedText(text)
        box.exec()


def forget_project(qsettings: QSettings, path: Path) -> None:
    """Drop `path` from the recent projects (and as the last one): it is gone."""
    path_text = str(Path(path).resolve())
    qsettings.setValue("project/recent", [p for p in recent_projects(qsettings) if p != path_text])
    if qsettings.value("project/last") == path_text:
        qsettings.remove("project/last")


def _apply_theme(app: QApplication) -> None:
    app.setStyle(QStyleFactory.create("Fusion"))
    theme = os.environ.get("ANNOTATOR_THEME", "").lower()
    if theme == "dark":
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(_dark_palette())
    elif theme == "light":
        app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    app.setStyleSheet(style.stylesheet())


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2329",
        QPalette.ColorRole.WindowText: "#e5e7eb",
        QPalette.ColorRole.Base: "#171a1f",
        QPalette.ColorRole.AlternateBase: "#1f2329",
        QPalette.ColorRole.Text: "#e5e7eb",
        QPalette.ColorRole.Button: "#2a2f37",
        QPalette.ColorRole.ButtonText: "#e5e7eb",
        QPalette.ColorRole.Mid: "#3a404a",
        QPalette.ColorRole.Midlight: "#2f353e",
        QPalette.ColorRole.PlaceholderText: "#9ca3af",
        QPalette.ColorRole.Highlight: style.ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2a2f37",
        QPalette.ColorRole.ToolTipText: "#e5e7eb",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    return p
