"""A work package opened in the window stores labels under the name it was made for."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli import main
from annotator.ui.annotate.window.controller import Controller
from tests.packages_project import generated_project


def test_a_package_opens_under_her_name_whoever_opens_it(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NAME", "someone-else")
    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    out = tmp_path / "packages"
    result = CliRunner().invoke(main, ["--db", str(project), "packages", "--annotators", "anna,ben", "--out", str(out)])
    assert result.exit_code == 0, result.output
    controller = Controller(qapp, quiet=True)
    window = controller.open(out / "anna.annotator.sqlite", preannotate=False)
    try:
        assert window.session.annotator == "anna"
    finally:
        window.close()
        window.project.close()
    other = controller.open(project, preannotate=False)
    try:
        assert other.session.annotator == "someone-else"  # any other project: the user's own name
    finally:
        other.close()
        other.project.close()
