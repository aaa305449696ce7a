"""What a new user and an attacker ran into with `annotator actors` (and the guidelines door)."""

from __future__ import annotations

import json

import pytest

from annotator.records import name_problem
from annotator.settings import resource
from annotator.store import Store

STARTER = resource("actors/ukraine-war.json")


@pytest.fixture
def loaded(cli, db_path):
    Store.create(db_path).close()
    assert cli("actors", "--load", STARTER).exit_code == 0
    return cli


@pytest.mark.parametrize(
    "args, way_out",
    [
        (("--retire", "Kyiv"), "--retire Ukraine"),
        (("--merge", "Ukraine", "Kremlin"), "--merge Ukraine Russia"),
        (("--rename", "Kyiv", "Kiev"), "--rename Ukraine Kiev"),
        (("--alias", "Kyiv", "Kiev"), "--alias Ukraine Kiev"),
    ],
)
def test_an_edit_naming_a_metonym_is_refused_with_the_command_naming_the_actor(loaded, args, way_out):
    before = loaded("actors", "--json").output
    result = loaded("actors", *args)
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: 'Kyiv' is a metonym of Ukraine" if "Kyiv" in args else "Error:")
    assert result.output.strip().endswith(f"name the actor: {way_out}")
    assert loaded("actors", "--json").output == before  # nothing changed


def test_retiring_a_person_by_her_alias_says_which_actor_was_retired(loaded):
    result = loaded("actors", "--retire", "Zelensky")
    assert result.output == "retired 'Volodymyr Zelensky' (its mentions are kept)\n"


def test_a_one_line_jsonl_actor_file_and_a_single_ruler_pattern_load(loaded, tmp_path):
    solo = tmp_path / "solo.jsonl"
    solo.write_text('{"name":"Solo Person","kind":"person"}\n', encoding="utf-8")
    assert "1 actors added" in loaded("actors", "--load", solo).output
    pattern = tmp_path / "pattern.jsonl"
    pattern.write_text('{"label": "GPE", "pattern": "Kharkiv", "id": "Ukraine"}\n', encoding="utf-8")
    assert "0 actors added, 1 updated" in loaded("actors", "--load", pattern).output
    ukraine = next(a for a in json.loads(loaded("actors", "--json").output)["actors"] if a["name"] == "Ukraine")
    assert "Kharkiv" in ukraine["aliases"] and ukraine["kind"] == "state"


@pytest.mark.parametrize("deep", ["[" * 20_000 + "]" * 20_000, '{"a":' * 20_000 + "1" + "}" * 20_000])
def test_a_deeply_nested_actor_file_is_one_line_not_a_traceback(loaded, tmp_path, deep):
    path = tmp_path / "deep.json"
    path.write_text(deep, encoding="utf-8")
    result = loaded("actors", "--load", path)
    assert result.output == f"Error: {path}:1: not valid JSON (nested too deep)\n"


def test_a_deeply_nested_package_marker_is_no_marker(store):
    store.set_setting("package", json.loads("[" * 100 + "]" * 100))
    store.conn.execute("UPDATE settings SET value = ? WHERE key = 'package'", ("[" * 20_000 + "]" * 20_000,))
    assert store.packages.marker() is None


def test_an_impossible_title_date_is_refused_at_the_door(loaded, tmp_path):
    path = tmp_path / "dates.jsonl"
    path.write_text(
        '{"name": "Mayor Nobody", "kind": "person", "titles": [{"title": "Mayor", "from": "2020-13-45"}]}\n'
    )
    result = loaded("actors", "--load", path)
    assert result.output == f"Error: {path}:1: from '2020-13-45' is no date of the calendar\n"
    assert "Mayor Nobody" not in loaded("actors").output


def test_renaming_an_actor_to_its_own_name_says_nothing_changed(loaded):
    assert loaded("actors", "--rename", "Ukraine", "Ukraine").output == (
        "'Ukraine' is already the actor's name; nothing changed\n"
    )


def test_loading_back_our_own_json_and_patterns_changes_nothing(loaded, tmp_path):
    dumped = tmp_path / "actors.json"
    dumped.write_text(loaded("actors", "--json").output, encoding="utf-8")
    assert "0 actors added, 0 updated, 27 unchanged" in loaded("actors", "--load", dumped).output
    patterns = tmp_path / "actors.jsonl"
    patterns.write_text(loaded("actors", "--patterns").output, encoding="utf-8")
    result = loaded("actors", "--load", patterns)
    assert "0 actors added, 0 updated" in result.output and "unchanged" in result.output
    assert loaded("actors", "--json").output == dumped.read_text(encoding="utf-8")  # sides and kinds kept


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u200f", "\u2028", "\u2029"])
def test_a_name_holding_a_bidi_control_or_line_separator_is_refused_at_the_one_door(control):
    assert name_problem(f"Ky{control}iv", "alias")


def test_an_alias_with_a_bidi_override_is_refused(loaded):
    result = loaded("actors", "--alias", "Ukraine", "Ky\u202eiv2")
    assert result.exit_code == 2 and "bidi control character (U+202E)" in result.output


def test_a_guidelines_file_with_a_line_separator_is_stored_with_a_line_break(cli, db_path, tmp_path):
    Store.create(db_path).close()
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\u2028\n## offer\u2029A speaker proposes.\n", encoding="utf-8")
    assert cli("guidelines", "--load", guide).exit_code == 0
    assert "\u2028" not in cli("guidelines").output and "\u2029" not in cli("guidelines").output
    assert cli("guidelines", "--section", "offer").output == "## offer\nA speaker proposes.\n"


def test_a_10000_character_section_is_echoed_cut_to_60(cli, db_path, tmp_path):
    Store.create(db_path).close()
    guide = tmp_path / "guide.md"
    guide.write_text("## offer\n\nA speaker proposes.\n", encoding="utf-8")
    cli("guidelines", "--load", guide)
    result = cli("guidelines", "--section", "x" * 10_000)
    assert result.exit_code == 2 and len(result.output) < 200  # refused as a name before the lookup
    result = cli("guidelines", "--section", "x" * 200)  # a name's length: the lookup cuts it
    assert result.exit_code == 1 and len(result.output) < 200
