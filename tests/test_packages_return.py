"""Work packages come back through `annotator import`: labels, links, categories and notes join the
project; twice changes nothing; another project's package is refused; a changed scheme is named."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.records import Label, Link
from annotator.store import Store
from tests.packages_project import generated_project


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


@pytest.fixture
def made(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 12)
    out = tmp_path / "packages"
    result = run(project, "packages", "--annotators", "anna,ben", "--overlap", "2", "--out", out)
    assert result.exit_code == 0, result.output
    return project, out


def annotate(package_path, name):
    """Her work in her package, as the window saves it: labels with a note, a link, a category, done."""
    with Store.open(package_path) as package:
        first, second = package.packages.article_ids()[:2]
        package.statements.set_statement(first, name, 0, 9, ["offer"], note=f"{name} was sure")
        package.statements.set_statement(first, name, 19, 45, ["denial"])
        package.links.change_links(first, name, add=[Link(0, 9, 14, 18, "speaker")])
        package.categories.set_article_categories(second, name, ["relevant"])
        package.articles.set_status(first, name, "done")
        return first, second


def layer_rows(project):
    conn = sqlite3.connect(project)
    try:
        return {
            table: sorted(conn.execute(sql).fetchall())
            for table, sql in {
                "labels": "SELECT n.name, s.article_id, s.start, s.end, l.label, s.note FROM statements s "
                "JOIN statement_labels l ON l.statement_id = s.id JOIN annotators n ON n.id = s.annotator_id",
                "links": "SELECT annotator_id, article_id, head_start, head_end, child_start, child_end, label "
                "FROM links",
                "categories": "SELECT annotator_id, article_id, category FROM article_categories",
                "status": "SELECT annotator_id, article_id, status FROM article_status",
            }.items()
        }
    finally:
        conn.close()


def test_labels_links_categories_and_notes_come_back_and_twice_changes_nothing(made):
    project, out = made
    first, _ = annotate(out / "anna.annotator.sqlite", "anna")
    annotate(out / "ben.annotator.sqlite", "ben")
    result = run(project, "import", "--no-ner", out / "anna.annotator.sqlite", out / "ben.annotator.sqlite")
    assert result.exit_code == 0, result.output
    rows = layer_rows(project)
    assert ("anna", first, 0, 9, "offer", "anna was sure") in rows["labels"]
    assert ("anna", first, 19, 45, "denial", "") in rows["labels"]
    assert len(rows["labels"]) == 4 and len(rows["links"]) == 2
    assert len(rows["categories"]) == 2
    assert sorted(s for _, _, s in rows["status"]) == ["done", "done", "in_progress", "in_progress"]
    with Store.open(project, readonly=True) as store:
        assert store.stats()["articles"] == 12  # the same articles, by content: none added
        assert store.links.links(first, "anna") == [Link(0, 9, 14, 18, "speaker")]
    again = run(project, "import", "--no-ner", out / "anna.annotator.sqlite", out / "ben.annotator.sqlite")
    assert again.exit_code == 0, again.output
    assert "0 new articles" in again.output and "0 labels" in again.output
    assert layer_rows(project) == rows


def test_agreement_is_computed_on_the_overlap(made):
    project, out = made
    annotate(out / "anna.annotator.sqlite", "anna")
    annotate(out / "ben.annotator.sqlite", "ben")
    assert run(project, "import", "--no-ner", *sorted(out.glob("*.annotator.sqlite"))).exit_code == 0
    result = run(project, "agreement", "--json")
    assert result.exit_code == 0, result.output
    (pair,) = json.loads(result.output)["pairs"]
    assert (pair["a"], pair["b"], pair["units"], pair["kappa"]) == ("anna", "ben", 2, 1.0)


def test_a_package_of_another_project_is_refused_in_one_line(made, tmp_path):
    _, out = made
    annotate(out / "anna.annotator.sqlite", "anna")
    other = generated_project(tmp_path / "other.annotator.sqlite", 12)
    before = layer_rows(other)
    result = run(other, "import", "--no-ner", out / "anna.annotator.sqlite")
    assert result.exit_code == 1
    refusal = [line for line in result.output.splitlines() if "another project" in line]
    assert len(refusal) == 1
    assert "anna.annotator.sqlite:1: a work package of another project" in refusal[0]
    assert "import it into the project that made it" in refusal[0]
    assert layer_rows(other) == before


def test_a_label_added_in_a_package_joins_the_scheme_a_changed_one_is_named(made):
    project, out = made
    with Store.open(out / "anna.annotator.sqlite") as package:
        package.schemes.set_label_scheme(
            [Label("offer", "#000000", "1"), Label("denial", "#e76f51", "2"), Label("threat", "#111111", "2")]
        )
        package.statements.set_statement(package.packages.article_ids()[0], "anna", 0, 9, ["threat"])
    result = run(project, "import", "--no-ner", out / "anna.annotator.sqlite")
    assert result.exit_code == 0, result.output
    assert "1 label added in the package, now in the project: threat" in result.output
    assert "1 label changed in the package (offer); the project's kept: change them in Edit ▸ Labels…" in result.output
    with Store.open(project, readonly=True) as store:
        scheme = {label.name: label for label in store.schemes.label_scheme()}
    assert scheme["offer"].color == "#2a9d8f"  # the project's kept
    assert scheme["threat"].key == ""  # its key was the project's denial's


def test_only_the_articles_worked_on_in_a_package_are_read_back(made):
    """A package's articles nobody worked on are the project's own: the import passes them by (a
    package of 100,000 articles with a few labels costs those labels), even one changed there."""
    project, out = made
    anna = out / "anna.annotator.sqlite"
    first, second = annotate(anna, "anna")
    conn = sqlite3.connect(anna)
    untouched = conn.execute(
        "SELECT id FROM articles WHERE id NOT IN (?, ?) ORDER BY id LIMIT 1", (first, second)
    ).fetchone()[0]
    conn.execute("UPDATE articles SET text = 'A text the project never had.' WHERE id = ?", (untouched,))
    conn.commit()
    conn.close()
    before = sqlite3.connect(project).execute("SELECT count(*) FROM articles").fetchone()[0]
    result = run(project, "import", "--no-ner", anna)
    assert result.exit_code == 0, result.output
    assert "imported 0 new articles" in result.output
    conn = sqlite3.connect(project)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == before
        assert layer_rows(project)["labels"]  # her work came back
    finally:
        conn.close()


@pytest.mark.parametrize("saved", [False, True], ids=["default-labels", "saved-scheme"])
def test_a_package_that_changed_the_default_labels_is_named_as_for_a_saved_scheme(tmp_path, saved):
    """carol redefines `offer`, adds `ultimatum` and retires five labels; the team's project works
    with the default labels, saved or never saved: the same three notes, and `ultimatum` joins it."""
    from dataclasses import replace

    from annotator.records import IncomingRecord
    from annotator.schemes.labels import default_labels, number_keys

    project = tmp_path / "team.annotator.sqlite"
    records = [
        IncomingRecord(text=f"Article {i}: Kyiv offered a halt.", title=f"{i}", source="wire", line=i) for i in range(4)
    ]
    with Store.create(project) as store:
        store.add_records(records, "nobody")
        if saved:
            store.schemes.set_label_scheme(default_labels())
    out = tmp_path / "packages"
    assert run(project, "packages", "--annotators", "carol", "--out", out).exit_code == 0
    retired = ["demand", "denial", "threat", "claim", "commitment"]
    with Store.open(out / "carol.annotator.sqlite") as package:
        hers = [
            replace(label, description="Any move toward a deal.") if label.name == "offer" else label
            for label in default_labels()
        ]
        hers = [replace(label, retired=label.name in retired) for label in hers]
        # saved as the window's scheme dialog saves it: keys renumbered over the active labels
        package.schemes.update_label_scheme(number_keys([*hers, Label("ultimatum", "#123456")]))
        package.statements.set_statement(package.packages.article_ids()[0], "carol", 0, 9, ["ultimatum"])
    result = run(project, "import", "--no-ner", out / "carol.annotator.sqlite")
    assert result.exit_code == 0, result.output
    who = "carol.annotator.sqlite (carol)"
    assert f"{who}: 1 label added in the package, now in the project: ultimatum" in result.output
    assert f"{who}: 1 label changed in the package (offer); the project's kept" in result.output
    assert f"{who}: 5 labels retired in the package ({', '.join(retired)}); the project's kept in use" in result.output
    with Store.open(project, readonly=True) as store:
        scheme = {label.name: label for label in store.schemes.label_scheme()}
    assert list(scheme) == [label.name for label in default_labels()] + ["ultimatum"]
    assert scheme["offer"] == default_labels()[1] and not scheme["demand"].retired  # the project's kept
    assert scheme["ultimatum"].key == ""  # her key 3 is the project's demand's
