"""What a new user ran into with `annotator packages` and `annotator progress`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator import settings
from annotator.cli import main
from annotator.packages.progress import AnnotatorProgress
from tests.packages_project import generated_project
from tests.test_packages_return import annotate


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def test_packages_when_every_article_was_sent_out_writes_nothing_and_keeps_the_round(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 4)
    assert run(project, "packages", "--annotators", "anna,ben", "--out", tmp_path / "r1").exit_code == 0
    result = run(project, "packages", "--annotators", "anna,ben", "--out", tmp_path / "r2")
    assert result.exit_code != 0
    assert "no articles left to deal; nothing written" in result.output
    assert not list((tmp_path / "r2").glob("*.annotator.sqlite")) if (tmp_path / "r2").exists() else True
    again = run(project, "packages", "--annotators", "carol", "--out", tmp_path / "r3")
    assert "no articles left to deal" in again.output  # round 2 was never used up by an empty deal


def test_packages_naming_anna_twice_says_anna_twice(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 4)
    result = run(project, "packages", "--annotators", "anna,anna,ben", "--out", tmp_path / "out")
    assert result.exit_code != 0
    assert "anna twice" in result.output


def test_progress_after_a_few_seconds_of_work_shows_no_decisions_per_hour(tmp_path):
    row = AnnotatorProgress("anna", decisions=2, active_seconds=0.005)
    assert row.decisions_per_hour is None and row.as_dict()["decisions_per_hour"] is None
    enough = AnnotatorProgress("anna", decisions=2, active_seconds=settings.PROGRESS_MIN_ACTIVE_SECONDS)
    assert enough.decisions_per_hour == 2 / (settings.PROGRESS_MIN_ACTIVE_SECONDS / 3600)


def test_progress_of_a_package_worked_for_seconds_prints_a_dash_not_a_million(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 4)
    out = tmp_path / "packages"
    assert run(project, "packages", "--annotators", "anna", "--out", out).exit_code == 0
    package = out / "anna.annotator.sqlite"
    annotate(package, "anna")  # saved within a fraction of a second
    result = run(project, "progress", package)
    assert result.exit_code == 0, result.output
    anna = next(line for line in result.output.splitlines() if line.startswith("anna"))
    assert " - " in anna and "000" not in anna.split()[4]
    rows = json.loads(run(project, "progress", package, "--json").output)
    assert rows[0]["decisions_per_hour"] is None


def test_progress_marks_a_trainee_so_his_figures_are_read_apart(tmp_path):
    from annotator.store import Store

    project = generated_project(tmp_path / "team.annotator.sqlite", 4)
    with Store.open(project) as store:
        store.statements.set_statement(1, "anna", 0, 9, ["offer"])
        store.statements.set_statement(2, "tom", 0, 9, ["offer"])
    assert run(project, "annotators", "--trainee", "tom").exit_code == 0
    result = run(project, "progress")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    assert rows["tom"].startswith("tom (trainee) ") and "trainee" not in rows["anna"]
    header, anna, tom = result.output.splitlines()[:3]
    assert header.index("done") + 4 == anna.index(" 0 ") + 2 == tom.index(" 0 ") + 2  # the columns still align
    assert "trainee: tom (their work stays out of gold, review and the team's agreement" in result.output
    rows = json.loads(run(project, "progress", "--json").output)
    assert {r["annotator"]: r["trainee"] for r in rows} == {"anna": False, "tom": True}


def test_more_annotators_than_the_articles_allow_writes_nothing_and_says_how_many(tmp_path):
    """Tryout 2: 5,000 names on 305 articles wrote 4,700 empty packages (1.1 GB)."""
    project = generated_project(tmp_path / "team.annotator.sqlite", 4)
    names = ",".join(f"a{i}" for i in range(10))
    out = tmp_path / "out"
    result = run(project, "packages", "--annotators", names, "--overlap", "1", "--out", out)
    assert result.exit_code != 0
    assert "6 of 10 annotators would get no article" in result.output
    assert "4 articles, each to 1, give at most 4 annotators an article" in result.output
    assert "nothing written" in result.output
    assert not out.exists() or not list(out.glob("*.annotator.sqlite"))
    twice = run(project, "packages", "--annotators", "a0,a1,a2,a3,a4", "--overlap", "2", "--out", out)
    assert twice.exit_code == 0, twice.output  # 4 articles, each to 2: 8 places for 5 annotators
    assert "round 1" in twice.output  # the refused deal used no round


def test_names_that_differ_only_by_case_are_refused_with_both_named(tmp_path):
    """Tryout 2: anna and ANNA made two files that a case-insensitive disk keeps as one."""
    project = generated_project(tmp_path / "team.annotator.sqlite", 4)
    out = tmp_path / "out"
    result = run(project, "packages", "--annotators", "anna,ben,ANNA", "--out", out)
    assert result.exit_code != 0
    assert "'anna' and 'ANNA' differ only by case" in result.output
    assert not out.exists() or not list(out.glob("*.annotator.sqlite"))
