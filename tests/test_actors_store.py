"""The actor registry in the project: actors, aliases, metonyms, titles with dates, merges, renames,
and link ends resolved to actors, where a user's choice is never overwritten."""

from __future__ import annotations

import json

import pytest

from annotator.actors.registry import ActorFileError, read_actor_file, ruler_patterns, seed_actors
from annotator.records import IncomingRecord
from annotator.settings import resource
from annotator.store.actors import ActorError, Title, actor_key

STARTER = resource("actors/ukraine-war.json")


def _article(store, text="Kyiv said talks could resume. Zelensky agreed."):
    store.add_records([IncomingRecord(text=text, title="t", source="a.txt", line=1)], "tester")
    return store.articles.article_ids()[-1]


def test_names_compare_by_their_normalized_form():
    assert actor_key("The Kremlin’s") == actor_key("kremlin") == "kremlin"
    assert actor_key("Zelenskyy") != actor_key("Zelensky")
    assert actor_key("Volodymyr  Zelénsky") == "volodymyr zelensky"


def test_an_actor_is_found_by_its_name_aliases_and_metonyms(store):
    store.actors.add_actor("Ukraine", "state", aliases=[("Kyiv", "metonym"), ("Ukrainian government", "name")])
    assert store.actors.actor("the Ukrainian Government").name == "Ukraine"
    assert store.actors.actor("kyiv").aliases == [("Kyiv", "metonym"), ("Ukrainian government", "name")]
    with pytest.raises(ActorError, match="already names 'Ukraine'"):
        store.actors.add_actor("Kyiv City", "organisation", aliases=[("Kyiv", "name")])
    assert store.actors.count() == 1  # the refused actor left nothing behind


def test_bad_names_are_refused_at_the_door(store):
    for bad, reason in (("", "non-empty"), ("a\nb", "line break"), ("x" * 201, "at most 200"), ("...", "no letters")):
        with pytest.raises(ActorError, match=reason):
            store.actors.add_actor(bad, "person")
    with pytest.raises(ActorError, match="kind is one of"):
        store.actors.add_actor("Zelensky", "hero")
    with pytest.raises(ActorError, match="date like"):
        store.actors.add_actor("Zelensky", "person", titles=[Title("President of Ukraine", "May 2019")])
    assert store.actors.count() == 0


def test_merge_folds_one_actor_into_another_with_its_mentions(store):
    article = _article(store)
    store.actors.add_actor("Volodymyr Zelensky", "person")
    store.actors.add_actor("Zelensky", "person", aliases=[("Zelenskyy", "name")])
    store.actors.set_mention(article, 30, 38, "Zelensky", "alias")
    assert store.actors.merge("Volodymyr Zelensky", "Zelensky") == 1
    assert [a.name for a in store.actors.actors()] == ["Volodymyr Zelensky"]
    assert store.actors.actor("Zelenskyy").name == "Volodymyr Zelensky"
    assert store.actors.mention(article, 30, 38).actor == "Volodymyr Zelensky"


def test_rename_keeps_the_old_name_as_an_alias_and_retire_keeps_the_actor(store):
    store.actors.add_actor("Zelensky", "person")
    assert store.actors.rename("Zelensky", "Volodymyr Zelensky") == "Zelensky"
    assert store.actors.actor("Zelensky").name == "Volodymyr Zelensky"
    assert store.actors.set_retired("Volodymyr Zelensky") is False
    assert store.actors.actors(retired=False) == [] and store.actors.actor("Zelensky").retired


def test_a_rename_to_another_actor_s_name_says_which_two_and_how_to_merge(store):
    """Found in a tryout: renaming Rossiya to Russia read "'Russia' is already 'Russia'"."""
    store.actors.add_actor("Russia", "state", aliases=[("Moscow", "metonym")])
    store.actors.add_actor("Rossiya", "state")
    with pytest.raises(ActorError) as refused:
        store.actors.rename("Rossiya", "Russia")
    assert str(refused.value) == (
        "'Rossiya' cannot be renamed 'Russia': that is already an actor; to make them one actor, "
        "merge them (annotator actors --merge 'Russia' 'Rossiya')"
    )
    with pytest.raises(ActorError, match="already a name of 'Russia'"):
        store.actors.rename("Rossiya", "Moscow")


def test_a_users_choice_is_never_overwritten_by_a_resolution(store):
    article = _article(store)
    store.actors.add_actor("Ukraine", "state", aliases=[("Kyiv", "metonym")])
    store.actors.add_actor("Kyiv City Council", "organisation")
    assert store.actors.set_mention(article, 0, 4, "Kyiv City Council", "user")
    assert not store.actors.set_mention(article, 0, 4, "Ukraine", "metonym")
    assert store.actors.mention(article, 0, 4).actor == "Kyiv City Council"
    assert store.actors.set_mention(article, 0, 4, "Ukraine", "user")  # the user changes their mind
    assert store.actors.mention(article, 0, 4).how == "user"
    with pytest.raises(ValueError, match="outside"):
        store.actors.set_mention(article, 0, 4000, "Ukraine", "user")


def test_the_starter_file_loads_with_dated_titles_and_metonyms(store):
    loaded = read_actor_file(STARTER)
    added, updated = store.actors.load(loaded.actors)
    assert added == len(loaded.actors) >= 20 and updated == 0
    assert store.actors.actor("the Kremlin").name == "Russia"
    trump = store.actors.actor("Trump")
    assert [(t.valid_from, t.valid_to) for t in trump.titles] == [("2017-01-20", "2021-01-20"), ("2025-01-20", "")]
    zelensky = store.actors.actor("Zelenskyy")
    assert zelensky.titles == [Title("President of Ukraine", "2019-05-20", "")]
    assert store.actors.load(loaded.actors) == (0, 0)  # loading again adds nothing and changes nothing


def test_a_bad_actor_file_is_refused_with_its_file_and_line(tmp_path):
    path = tmp_path / "actors.json"
    path.write_text('{"actors": [\n  {"name": "Ukraine", "kind": "state"},\n  {"name": "Putin", "kind": "tsar"}\n]}')
    with pytest.raises(ActorFileError, match=r"actors.json:3: 'Putin': kind is one of"):
        read_actor_file(path)
    path.write_text(
        '{"name": "Ukraine", "kind": "state"}\n{"name": "Russia", "kind": "state", "metonyms": ["Kyiv"]}\n'
        '{"name": "Kyiv", "kind": "state"}\n'
    )
    with pytest.raises(ActorFileError, match=r"actors.json:3: 'Kyiv': alias 'Kyiv' already names 'Russia'|:2:"):
        read_actor_file(path)
    path.write_text('{"name": "Ukraine", "kind": "state"}\n{"name": "Russia",\n')
    with pytest.raises(ActorFileError, match=r"actors.json:2: not valid JSON"):
        read_actor_file(path)


def test_entity_ruler_patterns_load_as_aliases_and_are_written_back(tmp_path):
    path = tmp_path / "patterns.jsonl"
    rows = [
        {"label": "GPE", "pattern": "Kyiv", "id": "Ukraine"},
        {"label": "GPE", "pattern": "Ukraine", "id": "Ukraine"},
        {"label": "PERSON", "pattern": "Zelensky", "id": "Volodymyr Zelensky"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    loaded = read_actor_file(path)
    assert [(a.name, a.kind, a.aliases) for a in loaded.actors] == [
        ("Ukraine", "state", [("Kyiv", "name")]),
        ("Volodymyr Zelensky", "person", [("Zelensky", "name")]),
    ]
    assert {"label": "PERSON", "pattern": "Zelensky", "id": "Volodymyr Zelensky"} in ruler_patterns(loaded.actors)


def test_seeding_makes_one_actor_per_name_and_folds_surnames():
    mentions = [
        ("Volodymyr Zelensky", "PERSON"),
        ("Zelensky", "PERSON"),
        ("Zelensky's", "PERSON"),
        ("Ukraine", "GPE"),
        ("the Kremlin", "ORG"),
        ("Kremlin", "ORG"),
        ("Monday", "DATE"),
    ]
    seeded = seed_actors(mentions)
    assert [(a.name, a.kind, a.aliases) for a in seeded] == [
        ("Kremlin", "organisation", []),
        ("Ukraine", "state", []),
        ("Volodymyr Zelensky", "person", [("Zelensky", "name")]),
    ]
    from annotator.store.actors import Actor

    assert [a.name for a in seed_actors(mentions, known=[Actor(1, "Ukraine", "state")])] == [
        "Kremlin",
        "Volodymyr Zelensky",
    ]


def test_split_makes_a_new_actor_with_the_aliases_named_and_the_mentions_whose_words_they_are(store):
    article = _article(store, "Kyiv said talks could resume. The Kremlin denied it. Russia agreed.")
    store.actors.add_actor("Russia", "state", "Russia", aliases=[("Kremlin", "metonym"), ("Moscow", "metonym")])
    store.actors.set_mention(article, 34, 41, "Russia", "metonym")  # "Kremlin"
    store.actors.set_mention(article, 53, 59, "Russia", "alias")  # "Russia"
    assert store.actors.split("Russia", "the Kremlin", ["Kremlin"]) == (1, 1)
    kremlin = store.actors.actor("the Kremlin")
    assert (kremlin.kind, kremlin.side) == ("state", "Russia") and store.actors.actor("Kremlin").name == "the Kremlin"
    assert store.actors.actor("Moscow").name == "Russia"
    assert store.actors.mention(article, 34, 41).actor == "the Kremlin"
    assert store.actors.mention(article, 53, 59).actor == "Russia"
    with pytest.raises(ActorError):  # an alias of another actor is refused, and nothing is written
        store.actors.split("Russia", "Muscovy", ["Kyiv"])
    assert store.actors.actor("Muscovy") is None
