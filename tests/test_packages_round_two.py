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
    assert "round 2: 6 articles" in result.output and "1 article to review" in result.output
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


def test_a_reviewers_package_carries_the_actors_of_the_reviewed_links_ends_only(tmp_path):
    from annotator.records import Link

    project = generated_project(tmp_path / "team.annotator.sqlite", 12)
    one, two = tmp_path / "round1", tmp_path / "round2"
    assert run(project, "packages", "--annotators", "anna,ben", "-k", "2", "--size", "6", "--out", one).exit_code == 0
    labels = {"anna": ["offer"], "ben": ["denial"]}
    for name in ("anna", "ben"):
        with Store.open(one / f"{name}.annotator.sqlite") as package:
            first = package.packages.article_ids()[0]
            package.statements.set_statement(first, name, 0, 9, labels[name])
            package.links.change_links(first, name, add=[Link(0, 9, 14, 18, "speaker")])
    assert (
        run(project, "import", "--no-ner", one / "anna.annotator.sqlite", one / "ben.annotator.sqlite").exit_code == 0
    )
    with Store.open(project) as store:
        store.actors.add_actor("Ukraine", "state", aliases=[("Kyiv", "metonym")])
        store.conn.executemany(
            "INSERT INTO actor_mentions(article_id, start, end, actor_id, how, resolved_at) "
            "SELECT ?, ?, ?, id, 'metonym', '2026-01-01' FROM actors",
            [(first, 14, 18), (first, 30, 36)],  # a link end, and a mention no reviewed link has
        )
        store.conn.commit()
    result = run(project, "packages", "--annotators", "anna,ben,carol", "-k", "2", "--reviewer", "dora", "--out", two)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(two / "dora.review.annotator.sqlite")
    try:
        rows = conn.execute("SELECT article_id, start, end FROM actor_mentions").fetchall()
    finally:
        conn.close()
    assert rows == [(first, 14, 18)]
    conn = sqlite3.connect(two / "carol.annotator.sqlite")
    try:
        assert conn.execute("SELECT count(*) FROM actor_mentions").fetchone() == (0,)  # blind
    finally:
        conn.close()


def _round_one_back(tmp_path, n: int, size: int | None, disagree: bool):
    """Round 1 to anna and ben (each article to both), their work imported; they disagree or not."""
    project = generated_project(tmp_path / "team.annotator.sqlite", n)
    one = tmp_path / "round1"
    sized = ["--size", size] if size else []
    assert run(project, "packages", "--annotators", "anna,ben", "-k", "2", *sized, "--out", one).exit_code == 0
    labels = {"anna": ["offer"], "ben": ["denial" if disagree else "offer"]}
    for name in ("anna", "ben"):
        with Store.open(one / f"{name}.annotator.sqlite") as package:
            package.statements.set_statement(package.packages.article_ids()[0], name, 0, 9, labels[name])
    back = [one / "anna.annotator.sqlite", one / "ben.annotator.sqlite"]
    assert run(project, "import", "--no-ner", *back).exit_code == 0
    return project


def round_two(project, out):
    return run(
        project, "packages", "--round", 2, "--reviewer", "dora", "--annotators", "anna,ben,carol", "-k", 2, "--out", out
    )


def test_a_reviewer_with_no_conflicts_and_no_articles_left_gets_nothing_written(tmp_path):
    project = _round_one_back(tmp_path, 6, None, disagree=False)
    result = round_two(project, tmp_path / "round2")
    assert result.exit_code == 1
    assert "no articles left to deal and no conflicts of round 1 to review; nothing written" in result.output
    assert not (tmp_path / "round2").exists()
    with Store.open(project, readonly=True) as store:
        assert {p.round for p in store.packages.sent()} == {1}  # round 2 not used up


def test_a_reviewer_with_conflicts_but_no_articles_left_gets_the_only_package(tmp_path):
    project = _round_one_back(tmp_path, 6, None, disagree=True)
    result = round_two(project, tmp_path / "round2")
    assert result.exit_code == 0, result.output
    assert "1 article to review" in result.output
    assert "no package for anna, ben, carol; only dora's package to review was written" in result.output
    assert sorted(p.name for p in (tmp_path / "round2").glob("*.annotator.sqlite")) == ["dora.review.annotator.sqlite"]
    with Store.open(project, readonly=True) as store:
        assert [(p.round, p.annotator, p.role) for p in store.packages.sent() if p.round == 2] == [
            (2, "dora", "review")
        ]


def test_new_articles_but_no_conflicts_write_no_empty_package_for_the_reviewer(tmp_path):
    project = _round_one_back(tmp_path, 12, 6, disagree=False)
    result = round_two(project, tmp_path / "round2")
    assert result.exit_code == 0, result.output
    assert "no conflicts of round 1 to review: no package for dora" in result.output
    written = sorted(p.name for p in (tmp_path / "round2").glob("*.annotator.sqlite"))
    assert written == ["anna.annotator.sqlite", "ben.annotator.sqlite", "carol.annotator.sqlite"]
