"""Resolving a link end to an actor: names and aliases, metonyms, titles valid at the article's date,
pronouns and descriptions through the actors named before, anonymous sources as actors of their own."""

from __future__ import annotations

import re

import pytest

from annotator.actors.registry import read_actor_file
from annotator.actors.resolve import Registry, resolve_article, resolve_links, resolve_mention
from annotator.records import Entity, IncomingRecord, Link
from annotator.settings import resource


@pytest.fixture(scope="module")
def registry():
    return Registry.of(read_actor_file(resource("actors/ukraine-war.json")).actors)


def who(registry, words, date="", before=()):
    found = resolve_mention(registry, words, date, [registry.names[k][0] for k in before])
    return None if found is None else (found.actor.name, found.how)


def test_five_ways_of_naming_zelensky_are_one_actor(registry):
    assert who(registry, "Volodymyr Zelensky") == ("Volodymyr Zelensky", "alias")
    assert who(registry, "Zelenskyy's") == ("Volodymyr Zelensky", "alias")
    assert who(registry, "President Zelensky") == ("Volodymyr Zelensky", "alias")
    assert who(registry, "the Ukrainian president", "2025-03-01") == ("Volodymyr Zelensky", "title")
    assert who(registry, "he", before=["volodymyr zelensky"]) == ("Volodymyr Zelensky", "pronoun")
    assert who(registry, "the president", "2025-03-01", before=["vladimir putin", "ukraine"]) == (
        "Vladimir Putin",
        "description",
    )


def test_a_title_is_resolved_to_whoever_held_it_on_the_articles_date(registry):
    assert who(registry, "the US president", "2023-06-01") == ("Joe Biden", "title")
    assert who(registry, "President of the United States", "2025-06-01") == ("Donald Trump", "title")
    assert who(registry, "the Ukrainian President", "2018-01-01") == ("Petro Poroshenko", "title")
    assert who(registry, "the Ukrainian president") == ("Volodymyr Zelensky", "title")  # no date: today's holder


def test_capitals_and_institutions_stand_for_their_state(registry):
    assert who(registry, "Kyiv") == ("Ukraine", "metonym")
    assert who(registry, "The Kremlin") == ("Russia", "metonym")
    assert who(registry, "Kremlin spokesman Dmitry Peskov") == ("Dmitry Peskov", "alias")
    assert who(registry, "it", before=["dmitry peskov", "russia"]) == ("Russia", "pronoun")


def test_an_unnamed_source_is_an_anonymous_actor_of_its_own_never_dropped(registry):
    found = resolve_mention(registry, "senior Ukrainian officials", "")
    assert (found.actor.name, found.actor.kind, found.actor.side, found.how) == (
        "sources: senior Ukrainian officials",
        "anonymous",
        "Ukraine",
        "anonymous",
    )
    assert resolve_mention(registry, "a diplomat", "").actor.name == "sources: diplomat"
    assert resolve_mention(registry, "sources", "").actor.kind == "anonymous"


def test_a_pronoun_follows_the_nearest_fitting_actor_in_the_article(registry):
    text = "Zelensky met Witkoff in Kyiv. He said Ukraine was ready. Officials said it was not."
    ends = [(m.start(), m.end()) for m in re.finditer(r"\bHe\b|\bOfficials\b|\bit\b", text)]
    entities = [
        Entity(m.start(), m.end(), lab)
        for name, lab in (("Zelensky", "PERSON"), ("Witkoff", "PERSON"), ("Kyiv", "GPE"), ("Ukraine", "GPE"))
        for m in re.finditer(name, text)
    ]
    found = {
        text[a:b]: (r.actor.name, r.how) for (a, b), r in resolve_article(registry, text, "", entities, ends).items()
    }
    assert found == {
        "He": ("Steve Witkoff", "pronoun"),
        "Officials": ("sources: Officials", "anonymous"),
        "it": ("Ukraine", "pronoun"),
    }


def test_resolving_the_project_stores_every_end_and_keeps_a_users_choice(store):
    text = "Kyiv said the talks could resume. The Kremlin denied it. Senior officials said nothing."
    store.add_records(
        [IncomingRecord(text=text, title="t", source="a.txt", line=1, meta={"date": "2025-03-02"})], "tester"
    )
    store.actors.load(read_actor_file(resource("actors/ukraine-war.json")).actors)
    article = store.articles.article_ids()[0]
    kyiv, kremlin, officials = (text.index(w) for w in ("Kyiv", "The Kremlin", "Senior officials"))
    links = [
        Link(0, 33, kyiv, kyiv + 4, "speaker"),
        Link(34, 56, kremlin, kremlin + 11, "speaker"),
        Link(34, 56, kyiv, kyiv + 4, "target"),
        Link(57, len(text), officials, officials + 16, "speaker"),
    ]
    store.links.change_links(article, "tester", add=links)
    store.actors.set_mention(article, kremlin, kremlin + 11, "Russian Foreign Ministry", "user")
    report = resolve_links(store)
    assert report.as_dict()["resolved"] == {"anonymous": 1, "metonym": 1} and report.kept_user == 1
    assert report.new_actors == ["sources: Senior officials"]
    assert store.actors.article_mentions(article) == {
        (kyiv, kyiv + 4): "Ukraine",
        (kremlin, kremlin + 11): "Russian Foreign Ministry",
        (officials, officials + 16): "sources: Senior officials",
    }
    statements = store.actors.statements("Ukraine")
    assert [(s.role, s.date, s.text) for s in statements] == [
        ("speaker", "2025-03-02", "Kyiv said the talks could resume."),
        ("target", "2025-03-02", "The Kremlin denied it."),
    ]


def test_a_place_inside_a_longer_name_is_a_modifier_and_a_possessive_names_its_owner(registry):
    assert who(registry, "The Kyiv Independent") is None  # an outlet, not Ukraine
    assert who(registry, "Zelensky's office") == ("Volodymyr Zelensky", "alias")
    assert who(registry, "Russia's foreign minister", "2025-03-01") == ("Sergey Lavrov", "title")
    # a description naming a side takes a person of that side only
    assert who(registry, "the Russian president", "", before=["vladimir putin", "volodymyr zelensky"]) == (
        "Vladimir Putin",
        "title",
    )
    assert who(registry, "the Russian envoy", "", before=["vladimir putin", "steve witkoff"]) == (
        "Vladimir Putin",
        "description",
    )
