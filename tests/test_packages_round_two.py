"""`annotator packages --round 2`: unseen articles for everyone, the overlap's conflicts to a reviewer."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store
from tests.packages_project import generated_project


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def test_round_two_deals_unseen_articles_and_sends_conflicts_to_the_reviewer(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 12)
    one, two = tmp_path / "round1", tmp_path / "round2"
    result = run(project, "packages", "--annotators", "anna,ben", "-k", "2", "--size", "6", "--out", one)
    assert result.exit_code == 0, result.output
    labels = {"anna": ["offer"], "ben": ["denial"]}  # they disagree on the first article, agree on the second
    for name in ("anna", "ben"):
        with Store.open(one / f"{name}.annotator.sqlite") as package:
            first, second = package.packages.article_ids()[:2]
            package.statements.set_statement(first, name, 0, 9, labels[name])
            package.statements.set_statement(second, name, 0, 9, ["offer"])
    back = [one / "anna.annotator.sqlite", one / "ben.annotator.sqlite"]
    assert run(project, "import", "--no-ner", *back).exit_code == 0
    result = run(project, "packages", "--annotators", "anna,ben,carol", "-k", "2", "--reviewer", "dora", "--out", two)
    assert result.exit_code == 0, result.output
    assert "round 2: 6 articles" in result.output and "1 articles to review" in result.output
    with Store.open(project, readonly=True) as store:
        round1 = store.packages.assigned(before_round=2)
        everything = store.packages.assigned()
    for name in ("anna", "ben", "carol"):
        with Store.open(two / f"{name}.annotator.sqlite", readonly=True) as package:
            fresh = set(package.packages.article_ids())
            assert package.packages.marker()["round"] == 2
        assert len(fresh) == 4 and not fresh & round1.get(name, set())
        assert not fresh & round1["anna"]  # round 2 holds only articles no earlier package held
        assert everything[name] >= fresh
    review = two / "dora.review.annotator.sqlite"
    with Store.open(review, readonly=True) as package:
        assert package.packages.article_ids() == [first]
        assert package.packages.marker()["role"] == "review"
        assert sorted(package.layers.annotators()) == ["anna", "ben", "dora"]  # not blind: she reviews them
    # her package comes back with her work only: the layers she reviewed stay as the project has them
    with Store.open(review) as package:
        package.statements.set_statement(first, "dora", 0, 9, ["denial"])
        package.statements.set_statement(first, "anna", 0, 9, ["threat"])  # a slip in someone else's layer
    assert run(project, "import", "--no-ner", review).exit_code == 0
    conn = sqlite3.connect(project)
    rows = conn.execute(
        "SELECT n.name, l.label FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
        "JOIN annotators n ON n.id = s.annotator_id WHERE s.article_id = ? ORDER BY n.name",
        (first,),
    ).fetchall()
    conn.close()
    assert rows == [("anna", "offer"), ("ben", "denial"), ("dora", "denial")]


def test_a_reviewer_in_round_one_is_refused(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    result = run(project, "packages", "--annotators", "anna,ben", "--reviewer", "dora", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "use it with --round 2" in result.output
    assert not (tmp_path / "out").exists()
