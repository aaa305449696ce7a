"""`annotator packages`: one blind project file per annotator, made with SQLite, never over a file we did not write."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store
from tests.packages_project import generated_project


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


@pytest.fixture
def project(tmp_path):
    path = generated_project(tmp_path / "team.annotator.sqlite", 30)
    with Store.open(path) as store:  # someone's labels and gold, which no package may carry
        store.statements.set_statement(1, "zoe", 0, 9, ["offer"], note="zoe's")
        store.statements.set_statement(2, "gold", 0, 9, ["denial"])
    return path


def test_each_annotator_gets_her_articles_the_scheme_her_name_and_nothing_of_the_others(project, tmp_path):
    out = tmp_path / "packages"
    result = run(project, "packages", "--annotators", "anna,ben,carol", "--overlap", "2", "--seed", "3", "--out", out)
    assert result.exit_code == 0, result.output
    assert "round 1: 30 articles, each to 2 annotators" in result.output
    files = sorted(p.name for p in out.glob("*.annotator.sqlite"))
    assert files == ["anna.annotator.sqlite", "ben.annotator.sqlite", "carol.annotator.sqlite"]
    seen = {}
    for name in ("anna", "ben", "carol"):
        with Store.open(out / f"{name}.annotator.sqlite", readonly=True) as package:
            ids = package.packages.article_ids()
            seen[name] = set(ids)
            assert len(ids) == 20
            assert package.packages.marker()["annotator"] == name
            assert package.packages.marker()["round"] == 1
            assert [label.name for label in package.schemes.label_scheme()] == ["offer", "denial"]
            assert package.layers.annotators() == [name]
            stats = package.stats()
            assert stats["statements"] == 0 and stats["spans"] == 0  # blind: no zoe, no gold
            assert stats["entities"] == 20  # the pipeline's entities came along
    every = [a for s in seen.values() for a in s]
    assert sorted(set(every)) == list(range(1, 31)) and len(every) == 60
    with Store.open(project, readonly=True) as store:
        sent = store.packages.sent()
        assert [(p.round, p.annotator, p.articles) for p in sent] == [(1, "anna", 20), (1, "ben", 20), (1, "carol", 20)]
        assert store.packages.assigned()["anna"] == seen["anna"]


def test_the_same_seed_makes_the_same_packages(project, tmp_path):
    assert run(project, "packages", "--annotators", "anna,ben", "--round", "1", "--out", tmp_path / "a").exit_code == 0
    result = run(project, "packages", "--annotators", "anna,ben", "--round", "1", "--out", tmp_path / "c")
    assert result.exit_code == 1 and "round 1 was already made for anna, ben; --round 2 makes the next" in result.output
    made = []
    for folder in ("x", "y"):
        db = generated_project(tmp_path / f"{folder}.annotator.sqlite", 30)
        assert (
            run(
                db,
                "packages",
                "--annotators",
                "anna,ben,carol",
                "-k",
                "2",
                "--seed",
                "9",
                "--round",
                "5",
                "--out",
                tmp_path / folder,
            ).exit_code
            == 0
        )
        with Store.open(tmp_path / folder / "ben.annotator.sqlite", readonly=True) as package:
            made.append(package.packages.article_ids())
    assert made[0] == made[1]


def test_a_folder_with_files_we_did_not_write_is_refused_and_left_as_it_was(project, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(project, "packages", "--annotators", "anna", "--out", out)
    assert result.exit_code == 1
    assert "holds files Annotator did not write" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_package_never_replaces_a_file(project, tmp_path):
    out = tmp_path / "packages"
    assert run(project, "packages", "--annotators", "anna", "--size", "10", "--out", out).exit_code == 0
    before = (out / "anna.annotator.sqlite").read_bytes()
    result = run(project, "packages", "--annotators", "anna,ben", "--round", "2", "--out", out)
    assert result.exit_code == 1 and "a package never replaces a file" in result.output
    assert (out / "anna.annotator.sqlite").read_bytes() == before
    assert not (out / "ben.annotator.sqlite").exists()


@pytest.mark.parametrize("names", ["gold", "../evil", "a\tb", ".hidden", "an\x1bna", "anna,an\u202ena"])
def test_a_name_that_cannot_name_a_package_is_refused_in_one_line(project, tmp_path, names):
    """A name no person may have, given on the command line, exits 2 as every bad name does."""
    result = run(project, "packages", "--annotators", names, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("Error: no package was written:")
    assert not (tmp_path / "out").exists()


def test_stratified_packages_share_out_each_value(project, tmp_path):
    out = tmp_path / "packages"
    assert (
        run(project, "packages", "--annotators", "anna,ben", "--size", "6", "--by", "desk", "--out", out).exit_code == 0
    )
    conn = sqlite3.connect(out / "anna.annotator.sqlite")
    desks = [r[0] for r in conn.execute("SELECT json_extract(meta, '$.desk') FROM articles")]
    conn.close()
    assert len(desks) == 6 and desks.count("sport") == 2  # a third of the project is sport
