"""Two annotators link the same statements: agreement per pair and per type, conflicts, gold decided like labels."""

import json
import math

import pytest

from annotator.export.rule import ExportRefused, Selection, choose_rule
from annotator.records import GOLD, Entity, IncomingRecord, Link
from annotator.review.links import (
    LINK_MISMATCH,
    LINK_MISSING,
    collect_links,
    compute_link_agreement,
    gold_links,
    link_conflicts,
    take_links,
    take_no_links,
)

TEXT = "Putin offered a halt, contingent on Ukraine reciprocating. Peskov said Kyiv refused. Zelensky denied it."
S1 = (0, TEXT.index(".") + 1)
S2 = (TEXT.index("Peskov"), TEXT.index("refused.") + len("refused."))
S3 = (TEXT.index("Zelensky"), len(TEXT))


def word(w: str) -> tuple[int, int]:
    return TEXT.index(w), TEXT.index(w) + len(w)


@pytest.fixture
def team(store):
    store.add_records([IncomingRecord(TEXT, "t", "s", 1, entities=[Entity(*word("Putin"), "PERSON")])], "x")
    article = store.articles.article_ids()[0]
    for name in ("anna", "ben"):
        for span in (S1, S2, S3):
            store.statements.set_statement(article, name, *span, ["claim"])
    store.links.change_links(
        article,
        "anna",
        add=[
            Link(*S1, *word("Putin"), "speaker"),  # both
            Link(*S1, *word("Ukraine"), "target"),  # both
            Link(*S2, *word("Peskov"), "speaker"),  # ben: Kyiv (mismatch)
            Link(*S3, *S2, "responds-to"),  # ben: none (missing)
        ],
    )
    store.links.change_links(
        article,
        "ben",
        add=[
            Link(*S1, *word("Putin"), "speaker"),
            Link(*S1, *word("Ukraine"), "target"),
            Link(*S2, *word("Kyiv"), "speaker"),
        ],
    )
    for name in ("anna", "ben"):
        store.articles.set_status(article, name, "done")
    return article


def test_link_f1_per_pair_and_per_type(store, team):
    result = compute_link_agreement(collect_links(store))
    (pair,) = result.pairs
    assert (pair.a, pair.b, pair.links_a, pair.links_b, pair.shared) == ("anna", "ben", 4, 3, 2)
    assert pair.f1 == pytest.approx(2 * 2 / 7)
    assert result.per_type_f1["target"] == 1.0
    assert result.per_type_f1["speaker"] == pytest.approx(2 * 1 / 4)
    assert result.per_type_f1["responds-to"] == 0.0
    assert result.type_counts["speaker"] == {"anna": 2, "ben": 2}
    assert result.conflicts_by_kind == {LINK_MISSING: 1, LINK_MISMATCH: 1}


def test_a_single_annotator_has_no_link_agreement_and_says_why(store, team):
    store.links.change_links(team, "ben", remove=store.links.links(team, "ben"))
    for span in (S1, S2, S3):
        store.statements.set_statement(team, "ben", *span, [])
    store.articles.set_status(team, "ben", "new")
    result = compute_link_agreement(collect_links(store))
    assert result.pairs == [] and math.isnan(result.per_type_f1["speaker"])
    assert result.per_type_reason["speaker"] == "a single annotator"


def test_conflicts_are_slots_where_the_annotators_differ(store, team):
    conflicts = link_conflicts(collect_links(store))
    assert [(c.start, c.end, c.label, sorted(c.kinds)) for c in conflicts] == [
        (*S2, "speaker", [LINK_MISMATCH]),
        (*S3, "responds-to", [LINK_MISSING]),
    ]
    assert conflicts[0].values == {"anna": {word("Peskov")}, "ben": {word("Kyiv")}}


def test_agreed_links_are_gold_and_the_rest_waits_for_a_decision(store, team):
    gold = gold_links(store)[team]
    assert set(gold.links()) == {Link(*S1, *word("Putin"), "speaker"), Link(*S1, *word("Ukraine"), "target")}
    assert gold.undecided == [(*S2, "speaker"), (*S3, "responds-to")]
    with pytest.raises(ExportRefused, match="2 undecided conflicts"):
        Selection(store, choose_rule(store, "jsonl", gold=True))


def test_deciding_link_conflicts_completes_gold_and_undo_restores(store, team):
    mismatch, missing = link_conflicts(collect_links(store))
    take = take_links(store, mismatch, "ben")
    none = take_no_links(store, missing)
    assert store.links.links(team, GOLD) == [Link(*S2, *word("Kyiv"), "speaker")]
    gold = gold_links(store)[team]
    assert gold.undecided == []
    rows = list(Selection(store, choose_rule(store, "jsonl", gold=True)).rows())
    assert set(rows[0].links) == {
        Link(*S1, *word("Putin"), "speaker"),
        Link(*S1, *word("Ukraine"), "target"),
        Link(*S2, *word("Kyiv"), "speaker"),
    }
    none.undo(store)
    take.undo(store)
    assert store.links.links(team, GOLD) == [] and list(store.links.link_decisions(GOLD)) == []
    take.redo(store)
    assert store.links.links(team, GOLD) == [Link(*S2, *word("Kyiv"), "speaker")]


def test_annotator_agreement_prints_links_in_text_and_json(cli, store, team):
    store.close()
    text = cli("agreement")
    assert text.exit_code == 0, text.output
    assert "links        7 (2 conflicts: link missing 1, link mismatch 1)" in text.output
    assert "anna / ben" in text.output and "0.571" in text.output
    data = json.loads(cli("agreement", "--json").output)
    assert data["links"]["pairs"][0]["f1"] == pytest.approx(4 / 7, abs=1e-6)
    assert data["links"]["per_type_f1"]["target"] == 1.0


def test_two_mentions_of_the_same_actor_agree_by_actor(store, cli):
    """anna links the second statement to "the Ukrainian president", ben to "Zelensky" before it: exact
    links disagree; once both ends resolve to Volodymyr Zelensky, they agree by actor."""
    from annotator.actors.registry import read_actor_file
    from annotator.actors.resolve import resolve_links
    from annotator.settings import resource

    text = "Zelensky said talks could resume. The Ukrainian president added that Kyiv was ready."
    first, second = (0, text.index(".") + 1), (text.index("The Ukrainian"), len(text))
    zelensky = (0, 8)
    president = (text.index("The Ukrainian"), text.index(" added"))
    store.add_records([IncomingRecord(text, "t", "s", 1, meta={"date": "2025-03-02"})], "x")
    article = store.articles.article_ids()[0]
    for name, second_speaker in (("anna", president), ("ben", zelensky)):
        for span in (first, second):
            store.statements.set_statement(article, name, *span, ["claim"])
        store.links.change_links(
            article, name, add=[Link(*first, *zelensky, "speaker"), Link(*second, *second_speaker, "speaker")]
        )
        store.articles.set_status(article, name, "done")
    (before,) = compute_link_agreement(collect_links(store)).pairs
    assert before.f1 == pytest.approx(0.5) and before.actor_f1 == pytest.approx(0.5)  # nothing resolved yet

    store.actors.load(read_actor_file(resource("actors/ukraine-war.json")).actors)
    assert resolve_links(store).by_how == {"alias": 1, "title": 1}
    result = compute_link_agreement(collect_links(store))
    (pair,) = result.pairs
    assert pair.f1 == pytest.approx(0.5) and pair.shared == 1  # the exact figure says what it said
    assert pair.actor_f1 == 1.0 and pair.actor_shared == 2
    assert result.per_type_actor_f1 == {"speaker": 1.0}
    store.close()
    assert json.loads(cli("agreement", "--json").output)["links"]["pairs"][0]["actor_f1"] == 1.0
    assert "link F1  by actor" in cli("agreement").output
