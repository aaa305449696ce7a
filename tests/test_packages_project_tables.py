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
