"""File ▸ Make work packages…: a preview of each annotator's share, then the packages written."""

from __future__ import annotations

from annotator.store import Store
from annotator.ui.shell.packages_dialog import PackagesDialog
from annotator.ui.shell.workers import TaskRunner
from tests.packages_project import generated_project


def test_the_preview_counts_each_share_and_make_writes_the_packages(qtbot, tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 30)
    with Store.open(project) as store:
        runner = TaskRunner()
        dialog = PackagesDialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.names.setText("anna, ben, carol")
        dialog.out.setText(str(tmp_path / "packages"))
        assert not dialog.go.isEnabled()  # nothing to make before a preview
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
        text = dialog.state.text()
        assert "Preview, round 1: 30 articles, each to 2 annotators" in text
        assert "anna: 20 articles" in text and "carol: 20 articles" in text
        assert not (tmp_path / "packages").exists()  # a preview writes nothing
        assert dialog.go.isEnabled()
        dialog.make()
        qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
        assert (tmp_path / "packages" / "ben.annotator.sqlite").exists()
        assert "back: File ▸ Import files…" in dialog.state.text()
        runner.stop_all()


def test_a_name_that_cannot_be_a_package_is_said_in_the_preview(qtbot, tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    with Store.open(project) as store:
        runner = TaskRunner()
        dialog = PackagesDialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.names.setText("anna, gold")
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
        assert dialog.state.text().startswith("no packages:")
        assert "review's layer" in dialog.state.text()
        assert not dialog.go.isEnabled()
        runner.stop_all()
