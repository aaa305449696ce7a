"""A work package carries the project's guidelines (every version, the current one shown) and its
actor registry (actors, aliases, titles), never the actor of anyone's link ends; opened on its own
it shows them in the CLI like the project does."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store
from annotator.store.actors import Title
from tests.packages_project import generated_project


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def test_a_package_carries_the_guidelines_and_the_actor_registry(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    with Store.open(project) as store:
        store.guidelines.add("# Guidelines\n\nAn offer is a proposal.\n", "lead")
        store.guidelines.add("# Guidelines\n\nAn offer is a proposal made in public.\n", "lead")
        store.actors.add_actor(
            "Ukraine", "state", side="UA", aliases=[("Kyiv", "metonym")], titles=[Title("state", "2014-01-01")]
        )
        store.actors.add_actor("Volodymyr Zelensky", "person", aliases=[("Zelensky", "name")])
        article = store.packages.article_ids()[0]
        store.conn.execute(
            "INSERT INTO actor_mentions(article_id, start, end, actor_id, how, resolved_at) "
            "SELECT ?, 14, 18, id, 'metonym', '2026-01-01' FROM actors WHERE name = 'Ukraine'",
            (article,),
        )
        store.conn.commit()
    out = tmp_path / "packages"
    made = run(project, "packages", "--annotators", "anna,ben", "--overlap", "1", "--out", out)
    assert made.exit_code == 0, made.output

    for package in sorted(out.glob("*.annotator.sqlite")):
        shown = run(package, "guidelines")
        assert shown.exit_code == 0, shown.output
        assert "made in public" in shown.output
        actors = run(package, "actors", "--json")
        assert actors.exit_code == 0, actors.output
        listed = json.loads(actors.output)
        rows = listed["actors"] if isinstance(listed, dict) else listed
        by_name = {a["name"]: a for a in rows}
        assert set(by_name) == {"Ukraine", "Volodymyr Zelensky"}
        assert "Kyiv" in json.dumps(by_name["Ukraine"])
        assert "2014-01-01" in json.dumps(by_name["Ukraine"])
        conn = sqlite3.connect(package)
        try:
            versions = conn.execute("SELECT version, author FROM guidelines ORDER BY version").fetchall()
            assert versions == [(1, "lead"), (2, "lead")]
            # blind: the actor resolved for a link end on the project's article does not travel
            assert conn.execute("SELECT count(*) FROM actor_mentions").fetchone() == (0,)
        finally:
            conn.close()


def _made(tmp_path, overlap="2"):
    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    with Store.open(project) as store:
        store.guidelines.add("# Guidelines\n\nAn offer is a proposal.\n", "lead")
    out = tmp_path / "packages"
    made = run(project, "packages", "--annotators", "anna,ben", "--overlap", overlap, "--out", out)
    assert made.exit_code == 0, made.output
    return project, out / "anna.annotator.sqlite", out / "ben.annotator.sqlite"


def _guidelines(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version, author, created_at, text FROM guidelines ORDER BY version").fetchall()
    finally:
        conn.close()


def test_a_guidelines_version_made_in_a_package_comes_back_as_the_projects_next(tmp_path):
    project, anna, _ = _made(tmp_path)
    with Store.open(anna) as package:
        mine, _ = package.guidelines.add("# Guidelines\n\nAn offer is a proposal, even a vague one.\n", "anna")
        first = package.packages.article_ids()[0]
        package.statements.set_statement(first, "anna", 0, 9, ["offer"])
    back = run(project, "import", anna)
    assert back.exit_code == 0, back.output
    assert "guidelines version 2 made in the package by anna" in back.output
    assert "now the project's version 2" in back.output
    versions = _guidelines(project)
    assert [(v, a) for v, a, _, _ in versions] == [(1, "lead"), (2, "anna")]
    assert versions[1][2] == mine.created_at  # her time kept
    assert "even a vague one" in versions[1][3]
    shown = run(project, "guidelines")
    assert "even a vague one" in shown.output

    again = run(project, "import", anna)
    assert again.exit_code == 0, again.output
    assert "guidelines version" not in again.output
    assert len(_guidelines(project)) == 2


def test_guidelines_changed_in_the_project_and_in_a_package_are_named_and_the_projects_kept(tmp_path):
    project, anna, ben = _made(tmp_path)
    with Store.open(anna) as package:
        package.guidelines.add("# Guidelines\n\nAnna's offer.\n", "anna")
    with Store.open(ben) as package:
        package.guidelines.add("# Guidelines\n\nBen's offer.\n", "ben")
        first = package.packages.article_ids()[0]
        package.statements.set_statement(first, "ben", 0, 9, ["offer"])
    assert run(project, "import", anna).exit_code == 0
    back = run(project, "import", ben)
    assert back.exit_code == 0, back.output
    assert "changed in the package (its version 2 by ben" in back.output
    assert "the package's were left out and the project's kept" in back.output
    assert f"annotator guidelines --db {ben} --version 2" in back.output
    assert [(v, a) for v, a, _, _ in _guidelines(project)] == [(1, "lead"), (2, "anna")]
    # his labels still came back
    conn = sqlite3.connect(project)
    try:
        assert conn.execute(
            "SELECT count(*) FROM statements s JOIN annotators n ON n.id = s.annotator_id WHERE n.name = 'ben'"
        ).fetchone() == (1,)
    finally:
        conn.close()


def test_actors_added_in_a_package_join_the_projects_registry(tmp_path):
    project, anna, _ = _made(tmp_path)
    with Store.open(project) as store:
        store.actors.add_actor("Ukraine", "state", aliases=[("Kyiv", "metonym")])
    # the packages were made before Ukraine: only hers and the project's own come together
    with Store.open(anna) as package:
        package.actors.add_actor("Russia", "state", side="RU", aliases=[("Moscow", "metonym")])
        package.actors.add_actor("Kyiv", "state")  # the project's alias of Ukraine: left out, named
    back = run(project, "import", anna)
    assert back.exit_code == 0, back.output
    assert "1 actor added in the package, now in the project: Russia" in back.output
    assert "an actor added in the package was left out (Kyiv:" in back.output
    listed = json.loads(run(project, "actors", "--json").output)
    rows = listed["actors"] if isinstance(listed, dict) else listed
    by_name = {a["name"]: a for a in rows}
    assert set(by_name) == {"Ukraine", "Russia"}
    assert "Moscow" in json.dumps(by_name["Russia"])
    again = run(project, "import", anna)
    assert "now in the project" not in again.output  # nothing new; the refusal is named again
    assert len(json.loads(run(project, "actors", "--json").output)) == len(listed)


def _hand_edited_version(package, text: str, author: str = "eve") -> None:
    """A guidelines version written into the package's table by hand, past every door."""
    conn = sqlite3.connect(package)
    try:
        conn.execute(
            "INSERT INTO guidelines(version, created_at, author, text, sha256) VALUES (2, ?, ?, ?, 'x')",
            ("2026-12-07T13:40:00+00:00", author, text),
        )
        conn.commit()
    finally:
        conn.close()


def test_a_package_version_the_load_would_refuse_is_named_and_left_out(tmp_path):
    """Tryout 2: a 10 MB version, or one holding NUL and ESC, became the project's next version
    (and froze the window's guidelines pane); now the same checks as `guidelines --load` apply."""
    for text, reason in (
        ("x" * 10_000_004, "larger than 1,000,000 bytes"),
        ("# Guidelines\n\nan\x00 offer \x1b]0;pwned\x07\n", "its text:3: control character U+0000"),
    ):
        project, anna, _ = _made(tmp_path / str(len(text)))
        _hand_edited_version(anna, text)
        with Store.open(anna) as package:
            first = package.packages.article_ids()[0]
            package.statements.set_statement(first, "anna", 0, 9, ["offer"])
        back = run(project, "import", anna)
        assert back.exit_code == 0, back.output
        assert f"{anna}:1: guidelines version 2 by eve" in back.output
        assert reason in back.output
        assert "was left out (its text" in back.output
        assert "\x1b" not in back.output
        assert [(v, a) for v, a, _, _ in _guidelines(project)] == [(1, "lead")]
        conn = sqlite3.connect(project)
        try:  # her labels still came back
            assert conn.execute(
                "SELECT count(*) FROM statements s JOIN annotators n ON n.id = s.annotator_id WHERE n.name = 'anna'"
            ).fetchone() == (1,)
        finally:
            conn.close()
