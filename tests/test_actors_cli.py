"""`annotator actors`: load, dump and reload, seed, edit, resolve, and an actor's statements."""

from __future__ import annotations

import json

from annotator.records import IncomingRecord, Link
from annotator.settings import resource
from annotator.store import Store

STARTER = resource("actors/ukraine-war.json")
TEXT = "Kyiv said the talks could resume. The Kremlin denied it. Zelensky said he was ready."


def _project(db_path, date="2025-03-02"):
    with Store.create(db_path) as store:
        store.add_records(
            [IncomingRecord(text=TEXT, title="Talks", source="a.txt", line=1, meta={"date": date})], "tester"
        )
        store.entities.add_entity(1, TEXT.index("Zelensky"), TEXT.index("Zelensky") + 8, "PERSON", "model")
        store.entities.add_entity(1, 0, 4, "GPE", "model")
        kremlin = TEXT.index("The Kremlin")
        he = TEXT.index("he was")
        store.links.change_links(
            1,
            "tester",
            add=[
                Link(0, 33, 0, 4, "speaker"),
                Link(34, 56, kremlin, kremlin + 11, "speaker"),
                Link(34, 56, 0, 4, "target"),
                Link(57, len(TEXT), he, he + 2, "speaker"),
            ],
        )


def test_the_registry_goes_out_as_json_and_comes_back_the_same(cli, db_path, tmp_path):
    _project(db_path)
    result = cli("actors", "--load", STARTER)
    assert result.exit_code == 0 and "27 actors added, 0 updated" in result.output
    dumped = cli("actors", "--json").output
    path = tmp_path / "actors.json"
    path.write_text(dumped, encoding="utf-8")
    other = tmp_path / "other.annotator.sqlite"
    Store.create(other).close()
    assert "27 actors added" in cli("actors", "--load", path, db=other).output
    assert json.loads(cli("actors", "--json", db=other).output) == json.loads(dumped)


def test_a_mistake_in_the_file_is_one_line_naming_file_and_line(cli, db_path, tmp_path):
    _project(db_path)
    path = tmp_path / "actors.jsonl"
    path.write_text(
        '{"name": "Ukraine", "kind": "state"}\n{"name": "Putin", "kind": "person", "titles": '
        '[{"title": "President of Russia", "from": "7 May 2012"}]}\n'
    )
    result = cli("actors", "--load", path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {path}:2: from must be a date like 2019-05-20 (or 2019-05, 2019), not '7 May 2012'"
    )
    assert "no actors yet" in cli("actors").output  # nothing of the file was stored


def test_seed_edit_and_every_edit_says_what_it_wrote(cli, db_path):
    _project(db_path)
    assert "2 actors added from the project's entities" in cli("actors", "--seed").output
    refused = cli("actors", "--alias", "Kyiv", "Zelensky")
    assert refused.exit_code == 1 and "merge the two (annotator actors --merge 'Kyiv' 'Zelensky')" in refused.output
    assert cli("actors", "--rename", "Zelensky", "Volodymyr Zelensky").output == (
        "renamed 'Zelensky' to 'Volodymyr Zelensky' (the old name stays an alias)\n"
    )
    assert (
        cli("actors", "--alias", "Zelensky", "Zelenskyy").output
        == "'Zelenskyy' is now an alias of 'Volodymyr Zelensky'\n"
    )
    assert cli("actors", "--retire", "Kyiv").output == "retired 'Kyiv' (its mentions are kept)\n"
    assert cli("actors").output.splitlines() == [
        "Kyiv (state, retired)",
        "Volodymyr Zelensky (person): Zelensky, Zelenskyy",
        "2 actors",
    ]
    assert cli("actors", "--merge", "Kyiv", "Nobody").output == (
        "Error: no actor called 'Nobody' (annotator actors --json lists them)\n"
    )
    assert cli("actors", "--seed", "--resolve").exit_code == 2  # one action at a time


def test_resolve_then_an_actors_statements_in_date_order(cli, db_path):
    _project(db_path)
    cli("actors", "--load", STARTER)
    result = cli("actors", "--resolve")
    assert result.output.splitlines() == ["3 speaker/target link ends: resolved 2 by metonym, 1 by pronoun; 3 stored"]
    found = json.loads(cli("actors", "--statements", "Zelenskyy", "--json").output)
    assert found["actor"] == "Volodymyr Zelensky"
    assert [(s["role"], s["date"], s["text"]) for s in found["statements"]] == [
        ("speaker", "2025-03-02", "Zelensky said he was ready.")
    ]
    russia = cli("actors", "--statements", "Moscow").output.splitlines()
    assert russia[-1] == "1 statements of Russia" and russia[0].startswith("2025-03-02  said")
