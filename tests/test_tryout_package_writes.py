"""Writes into a work package from the command line are stored under the package's annotator,
whoever's computer runs them; another name is refused (the rule the window follows too)."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from annotator.cli import main
from tests.packages_project import generated_project


def run(project, *args, env=None):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)], env=env or {})


def made(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    out = tmp_path / "packages"
    result = run(project, "packages", "--annotators", "anna,ben", "--out", out)
    assert result.exit_code == 0, result.output
    return project, out / "anna.annotator.sqlite"


def layer_owners(path):
    conn = sqlite3.connect(path)
    try:
        return {
            name
            for (name,) in conn.execute(
                "SELECT DISTINCT n.name FROM statements s JOIN annotators n ON n.id = s.annotator_id"
            )
        }
    finally:
        conn.close()


def test_search_apply_in_annas_package_labels_as_anna_not_the_login_name(tmp_path):
    _, package = made(tmp_path)
    result = run(package, "search", "Kyiv", "--label", "offer", "--apply", env={"ANNOTATOR_NAME": "oswald"})
    assert result.exit_code == 0, result.output
    assert layer_owners(package) == {"anna"}


def test_search_apply_naming_someone_else_in_annas_package_is_refused_in_one_line(tmp_path):
    _, package = made(tmp_path)
    result = run(package, "search", "Kyiv", "--label", "offer", "--apply", "--annotator", "ben")
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "anna's work package" in errors[0]
    assert layer_owners(package) == set()


def test_import_into_annas_package_naming_ben_is_refused(tmp_path):
    _, package = made(tmp_path)
    extra = tmp_path / "more.jsonl"
    extra.write_text('{"text": "Moscow said no.", "spans": [{"start": 0, "end": 6, "label": "offer"}]}\n')
    result = run(package, "import", extra, "--annotator", "ben")
    assert result.exit_code != 0
    assert "anna's work package" in result.output
    assert "ben" not in layer_owners(package)


def test_a_package_whose_texts_were_edited_by_hand_adds_no_article_to_the_team_project(tmp_path):
    from annotator.store import Store
    from tests.test_packages_return import annotate

    project, package = made(tmp_path)
    annotate(package, "anna")
    with Store.open(package) as opened:
        edited = opened.packages.article_ids()[-1]
        opened.statements.set_statement(edited, "anna", 0, 9, ["offer"])
    conn = sqlite3.connect(package)
    with conn:  # her copy of one article's text, edited by hand
        conn.execute(
            "UPDATE articles SET text = 'Article X: nothing happened at all.', hash = 'x' WHERE id = ?", (edited,)
        )
    conn.close()
    with Store.open(project, readonly=True) as store:
        before = store.stats()["articles"]
    result = run(project, "import", "--no-ner", package)
    assert f"anna.annotator.sqlite:{edited}: article {edited}: not an article this project sent" in result.output
    with Store.open(project, readonly=True) as store:
        assert store.stats()["articles"] == before  # nothing added
    assert layer_owners(project) == {"anna"}  # the rest came in


def test_a_package_whose_marker_cannot_be_read_says_to_ask_for_it_again(tmp_path):
    project, package = made(tmp_path)
    conn = sqlite3.connect(package)
    with conn:
        conn.execute("UPDATE settings SET value = '\"broken\"' WHERE key = 'package'")
    conn.close()
    result = run(project, "import", "--no-ner", package)
    assert "marker cannot be read; nothing was taken from it: ask its sender for the package again" in result.output


def test_review_in_annas_package_decides_as_anna_and_refuses_another_name(tmp_path, monkeypatch):
    """The review window stores who decided each gold label: in a package, its annotator (as every
    other write does), so `review --annotator ben` in anna's package is refused in one line."""
    from annotator.ui.review import launch

    _, package = made(tmp_path)
    reviewers = []
    monkeypatch.setattr(launch, "run_review", lambda db, who, **kw: reviewers.append(who) or 0)
    assert run(package, "review", env={"ANNOTATOR_NAME": "oswald"}).exit_code == 0
    assert reviewers == ["anna"]

    result = run(package, "review", "--annotator", "ben")
    assert result.exit_code != 0 and reviewers == ["anna"]
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "anna's work package" in errors[0]
