"""A project that cannot be written (read-only media) opens read-only: it can be read, searched
and exported; nothing can be changed, and the window says so for as long as it is open."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from annotator.store import Store
from annotator.ui.shell.workers import Task, export_task


def open_read_only(qtbot, project, tmp_path):
    from annotator.ui.annotate.window.main_window import MainWindow

    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    store = Store.open(project, readonly=True)
    win = MainWindow(store, "tester", qsettings)
    qtbot.addWidget(win)
    win.start()
    win.show()
    with qtbot.waitActive(win):
        win.activateWindow()
    win.view.setFocus()
    return win, store


def test_a_read_only_project_says_so_and_changes_nothing(qtbot, project, tmp_path):
    before = project.read_bytes()
    win, store = open_read_only(qtbot, project, tmp_path)
    try:
        assert win.windowTitle().endswith("(read-only)")
        assert win.save_state.text().startswith("read-only: ") and "can be read and exported" in win.save_state.text()
        assert not win.actions_by_name["label_1"].isEnabled()
        assert not win.import_action.isEnabled() and not win.scheme_action.isEnabled()
        assert win.session.current is not None  # reading goes on: statements can be stepped through
        qtbot.keyClick(win.view, Qt.Key.Key_1)
        win.session.toggle_key("1")  # even if a label key got through, the session refuses to write
        assert win.save_state.text().startswith("not saved: ") and "read-only" in win.save_state.text()
        assert not win.runner.busy("pre-annotation")  # nothing is pre-annotated into a read-only project
    finally:
        win.close()
        store.close()
    assert project.read_bytes() == before


def test_an_export_from_a_read_only_project_runs(qtbot, project, tmp_path):
    out = tmp_path / "out.jsonl"
    task = Task(project, export_task(out, "jsonl", {"all_layers": True, "articles": "all"}), "export", readonly=True)
    with qtbot.waitSignal(task.finished, timeout=20_000) as done:
        task.run()
    assert done.args[0].records == 2 and out.exists()
