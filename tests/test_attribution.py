"""Who said it to whom: targets, unnamed sources and attributions without a speech verb, each resolved to
an actor; `annotator suggest --json`; and the figures on the gold sets (the seeds', a second one
on other topics, tests/speaker_gold_other.json, and a third never tuned on)."""

from __future__ import annotations

import json
import re

import pytest

from annotator.actors.registry import read_actor_file
from annotator.actors.resolve import Registry
from annotator.nlp.attribution import suggest_statements
from annotator.nlp.speakers import parser_pipeline
from annotator.records import Entity
from annotator.settings import resource
from annotator.store import Store

pytestmark = pytest.mark.spacy
NAMES = {
    "Zelensky": "PERSON",
    "Volodymyr Zelensky": "PERSON",
    "Kyiv": "GPE",
    "Moscow": "GPE",
    "Russia": "GPE",
    "Ukraine": "GPE",
    "Peskov": "PERSON",
    "Putin": "PERSON",
    "Washington": "GPE",
}


@pytest.fixture(scope="module")
def nlp():
    return parser_pipeline(None)


@pytest.fixture(scope="module")
def registry():
    return Registry.of(read_actor_file(resource("actors/ukraine-war.json")).actors)


def entities_of(text: str) -> list[Entity]:
    found = {Entity(m.start(), m.end(), NAMES[n]) for n in NAMES for m in re.finditer(rf"\b{n}\b", text)}
    # the longest name wins where two overlap ("Volodymyr Zelensky" over "Zelensky")
    return sorted(e for e in found if not any(o != e and o.start <= e.start and e.end <= o.end for o in found))


def said(nlp, registry, text: str) -> dict[str, tuple]:
    """{statement: (speaker words, speaker actor, target words, target actor)}; statements are lines."""
    units = [m.span() for m in re.finditer(r"[^\n]+", text)]
    found = suggest_statements(nlp, text, units, entities_of(text), registry, "2025-03-02")
    return {
        text[a:b]: (
            s.speaker.text if s.speaker else None,
            s.speaker.actor if s.speaker else None,
            s.target.text if s.target else None,
            s.target.actor if s.target else None,
        )
        for (a, b), s in found.items()
    }


def test_the_target_of_told_urged_offered_and_demanded_from_is_found_and_resolved(nlp, registry):
    text = (
        "Zelensky urged Moscow to stop the strikes.\n"
        "Peskov told Kyiv that the offer was closed.\n"
        "Putin offered Ukraine a pause of thirty days.\n"
        "Zelensky demanded from Russia a full withdrawal."
    )
    got = said(nlp, registry, text)
    assert [v[2:] for v in got.values()] == [
        ("Moscow", "Russia"),
        ("Kyiv", "Ukraine"),
        ("Ukraine", "Ukraine"),
        ("Russia", "Russia"),
    ]
    zelensky, peskov, putin = "Volodymyr Zelensky", "Dmitry Peskov", "Vladimir Putin"
    assert [v[1] for v in got.values()] == [zelensky, peskov, putin, zelensky]


def test_targets_the_parse_hides_conditions_negotiations_rejected_demands_and_offers(nlp, registry):
    """Sentences written for the test, each a form the seeds' misses showed: a condition as a clause
    ("Russia withdrawing … would"), "contingent on" parsed as a noun, a headline's capitalised
    "Talks with", "Kremlin demands" parsed as a verb, a headline's indirect object, a noun's "to"."""
    NAMES.update({"Kremlin": "ORG", "Germany": "GPE", "Qatar": "GPE"})
    text = (
        "Russia withdrawing its troops would open the way to talks, Zelensky said.\n"
        "Putin signaled a readiness to halt strikes for 30 days, contingent on Ukraine reciprocating.\n"
        "Ukraine Proposes Ceasefire Talks with Russia\n"
        "Zelensky rejects what he called Kremlin demands that troops withdraw.\n"
        "Qatar offers Germany long-term gas deal\n"
        "Zelensky's offer to Russia includes a halt to strikes."
    )
    got = said(nlp, registry, text)
    assert [v[2] for v in got.values()] == ["Russia", "Ukraine", "Russia", "Kremlin", "Germany", "Russia"]


def test_negotiations_reported_or_a_clause_about_someone_make_no_target(nlp, registry):
    text = (
        "Moscow denied that it had been in negotiations with Kyiv over the strikes.\n"
        "Zelensky said Russia launched 40 drones overnight.\n"
        "Peskov said the talks with Washington were going well."
    )
    got = said(nlp, registry, text)
    assert [v[2] for v in got.values()] == [None, None, None]


def test_a_dateline_says_nothing_and_a_body_named_by_its_kind_speaks(nlp, registry):
    """Sentences written for the test: a place filed from ("Kyiv — Ukraine proposed") is not the
    speaker; a union, association, court or delegation subject of a speech or position verb is."""
    text = (
        "Kyiv — Ukraine proposed a ceasefire on energy infrastructure.\n"
        "The Ukrainian teachers' union said its members would strike on Monday.\n"
        "The farmers' association offered the ministry a compromise.\n"
        "A court in Kyiv ordered the release of the journalist.\n"
        "Several European delegations complained about the draft.\n"
        "Opposition rejects the new election date\n"
        "Ukraine is bracing for a harsh winter.\n"
        "The dockers' union calls off its strike after a pay offer"
    )
    got = said(nlp, registry, text)
    assert [v[0] for v in got.values()] == [
        "Ukraine",
        "The Ukrainian teachers' union",
        "The farmers' association",
        "A court in Kyiv",
        "Several European delegations",
        "Opposition",
    ]
    assert got["The farmers' association offered the ministry a compromise."][2] == "the ministry"


def test_the_press_a_speaker_talks_to_is_no_target(nlp, registry):
    got = said(nlp, registry, "Zelensky told reporters that the talks would resume.\nPeskov told the FT it was over.")
    assert [v[2] for v in got.values()] == [None, None]


def test_an_unnamed_source_is_suggested_as_an_anonymous_actor(nlp, registry):
    text = "Senior Ukrainian officials said the talks had stalled.\nAccording to industry sources, the deal is off."
    got = said(nlp, registry, text)
    speakers = [v[:2] for v in got.values()]
    assert speakers == [
        ("Senior Ukrainian officials", "sources: Senior Ukrainian officials"),
        ("industry sources", "sources: industry sources"),
    ]


def test_attributions_without_a_speech_verb_headline_position_and_a_plan(nlp, registry):
    text = (
        "Zelensky: we will not give up land\n"
        "Ukraine backs the energy ceasefire.\n"
        "Zelensky's plan includes a demand for security guarantees."
    )
    got = said(nlp, registry, text)
    assert [v[1] for v in got.values()] == ["Volodymyr Zelensky", "Ukraine", "Volodymyr Zelensky"]


def test_narration_has_neither_speaker_nor_target(nlp, registry):
    assert said(nlp, registry, "Ukraine is bracing for a harsh winter.\nThe talks resumed in Geneva.") == {}


def test_suggest_json_prints_one_object_per_statement_with_exact_offsets(cli, tmp_path):
    text = "Zelensky urged Moscow to stop the strikes. The weather was cold."
    (tmp_path / "a.txt").write_text(f"Talks\n\n{text}\n", encoding="utf-8")
    assert cli("import", tmp_path / "a.txt").exit_code == 0
    assert cli("preannotate").exit_code == 0
    result = cli("suggest", "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 1
    record = records[0]
    assert set(record) == {"article", "source", "statement", "speaker", "target"}
    assert record["source"] == "a.txt"
    speaker, target = record["speaker"], record["target"]
    article = Store.open(tmp_path / "project.annotator.sqlite", readonly=True).articles.article(1).text
    assert article[speaker["start"] : speaker["end"]] == speaker["text"] == "Zelensky"
    assert article[target["start"] : target["end"]] == target["text"] == "Moscow"
    assert speaker["cue"] and set(speaker) == {"start", "end", "text", "actor", "cue"}


def test_an_unknown_article_is_a_message_not_a_traceback(cli, db_path):
    with Store.create(db_path):
        pass
    result = cli("suggest", "--article", "5")
    assert result.exit_code == 2 and "no article 5" in result.output and "Traceback" not in result.output


def test_the_figures_on_both_gold_sets(tmp_path):
    """What `python -m benchmarks --suite speakers` prints; the seeds' gold is the one the cues were
    refined on, the other was written before the target and unnamed-source cues and not tuned on."""
    from benchmarks.speakers import measure

    seeds, other = measure(tmp_path, "seeds"), measure(tmp_path, "other")
    for name, s in (("seeds", seeds), ("other", other)):
        print(f"\n{name}: speakers {s.speaker_accuracy:.3f} targets {s.target_accuracy:.3f}", *s.misses, sep="\n  ")
    assert seeds.speaker_accuracy >= 0.9 and seeds.target_accuracy >= 0.7 and seeds.false_alarms_per_30 <= 3
    assert other.speaker_accuracy >= 0.85 and other.target_accuracy >= 0.7 and other.false_alarms_per_30 <= 3
    assert other.with_speaker >= 40 and other.unattributed >= 20


def test_the_third_gold_is_measured_whole(tmp_path):
    """The third gold (written after the rules, never tuned on) is measured statement by statement: each
    of its 87 statements is found in its article, whatever the figures; they are recorded in
    docs/actors.md, not a gate."""
    from benchmarks.speakers import measure

    third = measure(tmp_path, "third")
    figures = f"speakers {third.speaker_accuracy:.3f} targets {third.target_accuracy:.3f}"
    print(f"\nthird: {figures}", *third.misses, sep="\n  ")
    assert (third.statements, third.with_speaker, third.with_target, third.unattributed) == (87, 59, 31, 28)


def test_the_fourth_gold_is_measured_whole_and_meets_the_goals(tmp_path):
    """The fourth gold (written by someone who read neither the rules nor the earlier misses, run
    once, never tuned on) is found statement by statement, and holds the issue's goals: speakers
    at least 90% right, targets at least 70%, at most 3 false alarms per 30 unattributed sentences."""
    from benchmarks.speakers import measure

    fourth = measure(tmp_path, "fourth")
    print(f"\nfourth: speakers {fourth.speaker_accuracy:.3f} targets {fourth.target_accuracy:.3f}", *fourth.misses)
    assert (fourth.statements, fourth.with_speaker, fourth.with_target, fourth.unattributed) == (94, 60, 32, 34)
    assert fourth.speaker_accuracy >= 0.90
    assert fourth.target_accuracy >= 0.70
    assert fourth.false_alarms * 30 <= 3 * fourth.unattributed


NAMES.update({"Lagos": "GPE", "Nigeria": "GPE", "UEFA": "ORG", "Italy": "GPE", "Oslo": "GPE", "Norway": "GPE"})


def test_a_pronoun_subject_of_a_verb_of_acting_is_resolved_and_its_object_is_the_target(nlp, registry):
    text = (
        "Zelensky spoke in Kyiv on Monday.\n"
        "He asked Washington to send more air defence.\n"
        "Putin said his generals were ready.\n"
        "He ordered Ukraine to withdraw within a week.\n"
        "He gave Kyiv until Friday to answer."
    )
    got = said(nlp, registry, text)
    assert got["He asked Washington to send more air defence."][::2] == ("Zelensky", "Washington")
    assert got["He ordered Ukraine to withdraw within a week."][::2] == ("Putin", "Ukraine")
    assert got["He gave Kyiv until Friday to answer."][::2] == ("Putin", "Kyiv")


def test_a_verb_of_acting_in_a_clause_or_with_a_particle_names_no_speaker(nlp, registry):
    text = "Zelensky said the talks were over.\nWhen Russia gave up the port, nobody was surprised."
    assert "When Russia gave up the port, nobody was surprised." not in said(nlp, registry, text)


def test_a_dateline_with_a_date_is_where_the_story_was_filed_not_who_speaks(nlp, registry):
    text = "Lagos, May 3 — Nigeria's cabinet offered the strikers a new deal."
    (got,) = said(nlp, registry, text).values()
    assert got[0] != "Lagos" and "Nigeria" in got[0]
    assert got[2] == "the strikers"


def test_plain_plural_noun_phrases_and_a_board_speak_for_themselves(nlp, registry):
    text = (
        "Airline pilots wrote to Moscow asking for help.\n"
        "Norwegian farmers have long complained that the quota is too small.\n"
        "The board said in a statement that rates would stay on hold.\n"
        "Regional presidents wrote to Kyiv asking for generators."
    )
    got = said(nlp, registry, text)
    assert [v[0] for v in got.values()] == ["Airline pilots", "Norwegian farmers", "The board", "Regional presidents"]
    assert got["Airline pilots wrote to Moscow asking for help."][2] == "Moscow"


def test_an_unnamed_source_after_a_closed_quote_is_its_speaker_not_the_last_named_one(nlp, registry):
    text = 'Peskov told Kyiv that the offer was closed.\n"We only want to go home," a young Ukrainian soldier said.'
    got = said(nlp, registry, text)
    assert got['"We only want to go home," a young Ukrainian soldier said.'][0] == "a young Ukrainian soldier"


def test_targets_of_demanded_from_and_of_a_threat_to_act_on_a_named_party(nlp, registry):
    text = (
        "Zelensky demanded guarantees from Washington that aid would continue.\n"
        "UEFA threatens to expel Italy's football federation"
    )
    got = said(nlp, registry, text)
    assert got["Zelensky demanded guarantees from Washington that aid would continue."][2] == "Washington"
    assert got["UEFA threatens to expel Italy's football federation"][2] == "Italy's football federation"
