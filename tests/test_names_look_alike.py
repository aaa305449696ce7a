"""A name that looks like another is refused: no invisible character, no word mixing scripts.

An analyst pastes "Zel\\u200bensky" (a zero-width space from a web page) or types "Zеlensky" with
a Cyrillic е (U+0435) on a Ukrainian keyboard. Both read as Zelensky, and both were stored as a
second actor, a second label or a second person, splitting every count in two. Now the one name
rule (`records.name_problem`) refuses any invisible format character (Unicode category Cf) in a
label, link type, category, actor, alias or person's name, and no name may mix Latin, Cyrillic or
Greek letters inside one word; a name wholly in Cyrillic stays welcome.
Notes and article text keep such characters: they are text, not names.
"""

from __future__ import annotations

import json

import pytest

from annotator.actors.registry import seed_actors
from annotator.records import mixed_script_problem, name_problem, note_problem
from annotator.settings import resource
from annotator.store import Store
from annotator.store.actors import ActorError
from tests.conftest import write_jsonl

TEXT = "Zelensky offered talks in Geneva."
OTHER = "Talks could resume in Geneva."
SPOOF = "Z\u0435lensky"  # a Cyrillic е among Latin letters


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u200c", "U+200C ZERO WIDTH NON-JOINER"),
        ("\u200d", "U+200D ZERO WIDTH JOINER"),
        ("\u2060", "U+2060 WORD JOINER"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ],
)
def test_an_invisible_character_in_a_name_is_named_by_its_code_point(char, named):
    assert name_problem(f"Zel{char}ensky", "actor name") == (
        f"actor name {'Zel' + char + 'ensky'!r} holds an invisible character ({named})"
    )


def test_notes_keep_invisible_characters_names_do_not():
    assert note_problem("Zel\u200bensky said so") is None
    assert name_problem("Zel\u200bensky") is not None


@pytest.mark.parametrize(
    "line",
    [
        {"text": TEXT, "spans": [{"start": 0, "end": 8, "label": "of\u200bfer"}]},
        {"text": TEXT, "spans": [{"start": 0, "end": 8, "label": "offer"}], "_annotator_id": "an\u00adna"},
    ],
)
def test_an_import_refuses_the_record_by_file_and_line_and_takes_the_rest(cli, db_path, tmp_path, line):
    good = {"text": OTHER, "spans": [{"start": 0, "end": 5, "label": "offer"}]}
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(line), json.dumps(good)])
    result = cli("import", "--no-ner", "--annotator", "anna", path)
    assert result.exit_code == 1
    assert f"{path}:1: " in result.stderr and "holds an invisible character (U+" in result.stderr
    with Store.open(db_path) as store:
        (only,) = store.articles.article_ids()  # the second line came in
        assert store.articles.article(only).text == OTHER
        assert sorted(store.layers.annotators()) == ["anna"]


def test_an_article_s_text_keeps_its_zero_width_space(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": "Zel\u200bensky spoke."})])
    assert cli("import", "--no-ner", path).exit_code == 0
    with Store.open(db_path) as store:
        (only,) = store.articles.article_ids()
        assert store.articles.article(only).text == "Zel\u200bensky spoke."


@pytest.mark.parametrize(
    ("name", "scripts", "stray"),
    [
        (SPOOF, "Latin and Cyrillic", "U+0435 CYRILLIC SMALL LETTER IE"),
        ("Зeленський", "Cyrillic and Latin", "U+0065 LATIN SMALL LETTER E"),
        ("Volodymyr Zelenskу", "Latin and Cyrillic", "U+0443 CYRILLIC SMALL LETTER U"),
        ("Tsipras Αlexis", "Latin and Greek", "U+0391 GREEK CAPITAL LETTER ALPHA"),
    ],
)
def test_a_word_mixing_scripts_is_named_with_its_scripts(name, scripts, stray):
    why = mixed_script_problem(name, "alias")
    assert why is not None and f"mixes {scripts} letters ({stray})" in why
    word = next(w for w in name.split() if any(ord(ch) > 127 for ch in w))
    assert f"the word {word!r}" in why


@pytest.mark.parametrize(
    "name", ["Зеленський", "Володимир Зеленський", "Αλέξης Τσίπρας", "Zelensky", "Zelenskyy-Зеленський", "Nuñez"]
)
def test_a_name_wholly_in_one_script_per_word_is_welcome(name):
    assert mixed_script_problem(name) is None


def actor_file(tmp_path, aliases: list[str], name: str = "Volodymyr Zelensky"):
    path = tmp_path / "actors.json"
    actors = [{"name": "Ukraine", "kind": "state"}, {"name": name, "kind": "person", "aliases": aliases}]
    path.write_text(json.dumps({"actors": actors}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def project(cli, db_path):
    Store.create(db_path).close()
    return cli


def actor_names(db_path) -> list[str]:
    with Store.open(db_path) as store:
        return [a.name for a in store.actors.actors()]


def test_actors_load_refuses_a_mixed_script_alias_by_file_and_line(project, db_path, tmp_path):
    path = actor_file(tmp_path, ["Zelensky", SPOOF])
    result = project("actors", "--load", path)
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Volodymyr" in text)
    assert f"{path}:{line - 1}: alias {SPOOF!r}: the word {SPOOF!r} mixes Latin and Cyrillic letters" in result.output
    assert actor_names(db_path) == []


def test_actors_load_refuses_an_invisible_character_in_an_actor_s_name(project, db_path, tmp_path):
    path = actor_file(tmp_path, [], name="Volodymyr Zel\u200bensky")
    result = project("actors", "--load", path)
    assert result.exit_code == 1
    assert "holds an invisible character (U+200B ZERO WIDTH SPACE)" in result.output
    assert "\u200b" not in result.output
    assert actor_names(db_path) == []


def test_actors_load_takes_a_name_and_aliases_in_cyrillic(project, db_path, tmp_path):
    path = actor_file(tmp_path, ["Zelensky", "Зеленський", "Володимир Зеленський"])
    assert project("actors", "--load", path).exit_code == 0
    with Store.open(db_path) as store:
        assert store.actors.actor("Зеленський").name == "Volodymyr Zelensky"


@pytest.mark.parametrize(
    "args",
    [
        ("--alias", "Volodymyr Zelensky", SPOOF),
        ("--metonym", "Ukraine", "Kyi\u0432"),
        ("--rename", "Volodymyr Zelensky", f"Volodymyr {SPOOF}"),
        ("--alias", "Volodymyr Zelensky", "Zel\u2060ensky"),
    ],
)
def test_actor_edits_refuse_a_look_alike_and_change_nothing(project, tmp_path, args):
    """The name an edit writes (NEW, ALIAS, WORDS) is checked before the project opens: exit 2."""
    assert project("actors", "--load", actor_file(tmp_path, ["Zelensky"])).exit_code == 0
    before = project("actors", "--json").output
    result = project("actors", *args)
    assert result.exit_code == 2 and ("mixes Latin and Cyrillic" in result.output or "invisible" in result.output)
    assert project("actors", "--json").output == before


def test_the_starter_registry_still_loads(project):
    assert project("actors", "--load", resource("actors/ukraine-war.json")).exit_code == 0


def test_seeding_from_entities_leaves_a_look_alike_out_and_seeds_the_rest():
    found = seed_actors([(SPOOF, "PERSON"), ("Zel\u00adensky", "PERSON"), ("Geneva", "GPE"), ("Зеленський", "PERSON")])
    assert [a.name for a in found] == ["Geneva", "Зеленський"]


def test_the_store_refuses_a_look_alike_whoever_asks(store):
    store.actors.add_actor("Volodymyr Zelensky", "person")
    with pytest.raises(ActorError, match="mixes Latin and Cyrillic"):
        store.actors.add_actor(SPOOF, "person")
    with pytest.raises(ActorError, match="U\\+200B ZERO WIDTH SPACE"):
        store.actors.add_alias("Volodymyr Zelensky", "Zel\u200bensky")
    assert [a.name for a in store.actors.actors()] == ["Volodymyr Zelensky"]


def test_a_category_or_group_typed_with_an_invisible_character_is_refused():
    from annotator.records import Category, CategoryGroup
    from annotator.schemes.categories import check_scheme

    with pytest.raises(ValueError, match=r"category 'rele\\u200bvant' holds an invisible character \(U\+200B"):
        check_scheme([CategoryGroup("topic", False, (Category("rele\u200bvant", "#123456"),))])
    with pytest.raises(ValueError, match=r"group name 'to\\xadpic' holds an invisible character \(U\+00AD SOFT"):
        check_scheme([CategoryGroup("to\u00adpic", False, (Category("relevant", "#123456"),))])
