"""Opening a project from the window: one window per project, stale locks taken over,
damage caught before anything is written, the latest backup offered, a daily backup made."""

import subprocess
import sys

from PySide6.QtWidgets import QApplication

from annotator.records import IncomingRecord
from annotator.store import Store, backups
from annotator.ui.annotate.window.controller import Controller
from annotator.ui.shell.opener import ProjectOpener


def open_window(qtbot, path, quiet=True):
    controller = Controller(QApplication.instance(), quiet=quiet)
    window = controller.open(path, preannotate=False)
    if window is not None:
        qtbot.addWidget(window)
    return controller, window


def test_a_second_window_on_the_same_project_is_refused(qtbot, project, capsys):
    _, first = open_window(qtbot, project)
    assert first is not None
    _, second = open_window(qtbot, project)
    assert second is None
    assert "already open in another Annotator window" in capsys.readouterr().out


def test_closing_the_window_frees_the_project(qtbot, project):
    _, first = open_window(qtbot, project)
    first.project.close()
    _, second = open_window(qtbot, project)
    assert second is not None


def test_a_lock_left_by_a_crashed_app_is_taken_over(qtbot, project):
    holder = (
        "import os, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(project) + '.lock'!r}); assert lock.tryLock(0)\n"
        "os._exit(0)  # dies holding the lock, as after kill -9\n"
    )
    subprocess.run([sys.executable, "-c", holder], check=True)
    assert (project.parent / (project.name + ".lock")).exists()
    _, window = open_window(qtbot, project)
    assert window is not None


def test_a_damaged_project_is_left_untouched_and_the_latest_backup_offered(qtbot, db_path, monkeypatch):
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord("Kept safe in the backup.", "t", "s", 1)], "x")
        backups.make_backup(store)
    with db_path.open("r+b") as f:
        f.seek(1500)
        f.write(b"\xde\xad" * 2000)
    damaged = db_path.read_bytes()
    _, window = open_window(qtbot, db_path)
    assert window is None and db_path.read_bytes() == damaged

    offered = []
    monkeypatch.setattr(ProjectOpener, "ask_restore", lambda self, problem, latest: offered.append(problem) or True)
    _, window = open_window(qtbot, db_path)
    assert window is not None
    assert "damaged" in offered[0]
    assert window.store.articles.article(1).text == "Kept safe in the backup."
    asides = [p for p in db_path.parent.glob(db_path.name + ".damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert asides[0].read_bytes() == damaged


def test_opening_the_window_makes_the_daily_backup(qtbot, project, monkeypatch):
    monkeypatch.setattr(Controller, "annotator", lambda self: "tester")
    _, window = open_window(qtbot, project, quiet=False)
    qtbot.waitUntil(lambda: len(backups.backups(project)) == 1, timeout=10_000)
    window.close()


def test_a_lock_file_emptied_by_a_power_loss_does_not_keep_the_window_out(qtbot, project, caplog):
    (project.parent / (project.name + ".lock")).write_bytes(b"")
    _, window = open_window(qtbot, project)
    assert window is not None
    assert "empty or unreadable lock file" in caplog.text and "taken over" in caplog.text


def test_restore_is_refused_while_the_window_has_the_project_open(qtbot, project):
    from click.testing import CliRunner

    from annotator.cli import main

    with Store.open(project) as store:
        backups.make_backup(store)
    _, window = open_window(qtbot, project)
    before = project.read_bytes()
    result = CliRunner().invoke(main, ["--db", str(project), "restore"])
    assert result.exit_code == 1
    assert "already open in another Annotator window" in result.output
    assert project.read_bytes() == before
    window.store.statements.toggle_label(1, "tester", 0, 4, "offer")  # the window's saves still land in the project
    with Store.open(project) as store:
        assert store.statements.statement_state(1, "tester", 0, 4)[0] == ("offer",)


def test_a_damaged_project_with_a_wal_is_left_as_it_was_by_the_window(qtbot, db_path):
    from tests.nothing_lost import confirm_in_wal, labeled_project, scribble_on_second_page

    labeled_project(db_path, 30)
    confirm_in_wal(db_path, 1, "denial")
    scribble_on_second_page(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    before = db_path.read_bytes(), wal.read_bytes()
    _, window = open_window(qtbot, db_path)
    assert window is None
    assert (db_path.read_bytes(), wal.read_bytes()) == before


def test_the_window_and_the_command_line_share_one_lock():
    from annotator.store import lock
    from annotator.ui.shell import opener

    assert opener.lock_project is lock.lock_project
    assert issubclass(opener.ProjectInUse, lock.ProjectInUse)


def test_a_backup_opened_in_the_window_is_read_only_and_says_how_to_restore_it(qtbot, project):
    with Store.open(project) as store:
        backup = backups.make_backup(store)
    before = backup.read_bytes()
    _, window = open_window(qtbot, backup)
    assert window is not None and window.store.readonly
    assert "it is a backup" in window.save_state.text() and "restore --from" in window.save_state.text()
    window.project.close()
    assert backup.read_bytes() == before
