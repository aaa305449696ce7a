"""Suggestions: rules help before any model exists, the model's come with probabilities, both say
where they came from, and none of them is ever a label until the annotator decides."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from annotator.learn.rules import RULES_SETTING, Rule, project_rules, save_rules
from annotator.learn.suggest import Suggester
from annotator.review import collect, compute_agreement
from annotator.schemes.labels import default_labels
from tests.conftest import export_file
from tests.learn_project import TINY, generated_project, tiny_project

pytestmark = pytest.mark.spacy

CONTINGENT = TINY[2][1][1][0]  # "Any pause is contingent on Kyiv doing the same, Peskov said."


@pytest.fixture
def tiny(tmp_path):
    with tiny_project(tmp_path / "tiny.annotator.sqlite") as store:
        yield store


def test_rules_suggest_before_any_model_exists(tiny):
    suggester = Suggester.for_project(tiny)
    assert suggester.model_version is None
    made = suggester.suggest(3, 0, len(CONTINGENT), CONTINGENT)
    (condition,) = made.suggested
    assert condition.label == "condition" and condition.sources == ("rule:contingent on",)
    assert condition.from_rule and not condition.from_model and condition.probability is None
    assert made.probabilities == {} and made.uncertainty is None


@pytest.mark.parametrize(
    ("sentence", "label", "rule"),
    [
        ("If Moscow stops the strikes, then Kyiv will stop too.", "condition", "rule:if ... then"),
        ("The Kremlin DENIED the report.", "denial", "rule:denied"),
        ("Kyiv offered a pause over the holidays.", "offer", "rule:offered"),
        ("Washington demanded an answer by Friday.", "demand", "rule:demanded"),
        ("Russia will halt strikes from Monday.", "commitment", "rule:will halt"),
    ],
)
def test_the_default_rules_know_the_fields_phrases(tiny, sentence, label, rule):
    made = Suggester.for_project(tiny).suggest(1, 0, len(sentence), sentence)
    assert (label, (rule,)) in [(s.label, s.sources) for s in made.suggested]


def test_the_projects_own_rules_replace_the_defaults_and_travel_with_the_file(tiny):
    save_rules(tiny, [Rule("offer", "host the talks"), Rule("claim", [{"LOWER": "bridge"}], "bridge")])
    assert json.loads(json.dumps(tiny.get_setting(RULES_SETTING)))[0] == {"label": "offer", "pattern": "host the talks"}
    suggester = Suggester.for_project(tiny)
    text = "Ankara said it was ready to host the talks."
    assert [(s.label, s.sources) for s in suggester.suggest(4, 0, len(text), text).suggested] == [
        ("offer", ("rule:host the talks",))
    ]
    assert Suggester.for_project(tiny).suggest(3, 0, len(CONTINGENT), CONTINGENT).suggested == ()
    save_rules(tiny, None)
    assert len(project_rules(tiny)) > 40  # the defaults again


def test_a_retired_label_is_never_suggested(tiny):
    tiny.schemes.set_label_scheme([replace(label, retired=label.name == "condition") for label in default_labels()])
    assert Suggester.for_project(tiny).suggest(3, 0, len(CONTINGENT), CONTINGENT).suggested == ()


def test_the_rules_command_shows_loads_refuses_and_resets(cli, db_path, tmp_path):
    tiny_project(db_path).close()
    shown = cli("rules")
    assert shown.exit_code == 0 and '{"label": "condition", "pattern": "contingent on"}' in shown.output
    good = tmp_path / "rules.jsonl"
    good.write_text('{"label": "offer", "pattern": "host the talks"}\n', encoding="utf-8")
    assert cli("rules", "--load", good).output.strip().endswith("are the project's")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"label": "offer", "pattern": "stand ready"}\n{"label": "", "pattern": "x"}\n'
        '{"label": "demand", "pattern": [{"LOWR": "must"}]}\nnot json\n',
        encoding="utf-8",
    )
    refused = cli("rules", "--load", bad)
    assert refused.exit_code == 1
    assert f'{bad}:2: "label" must be a non-empty string' in refused.output
    assert f"{bad}:4: not JSON" in refused.output
    assert "the project's rules are unchanged" in refused.output
    assert cli("rules").output == '{"label": "offer", "pattern": "host the talks"}\n'
    wrong_token = tmp_path / "token.jsonl"
    wrong_token.write_text('{"label": "demand", "pattern": [{"LOWR": "must"}]}\n', encoding="utf-8")
    refused = cli("rules", "--load", wrong_token)
    assert refused.exit_code == 1 and f"{wrong_token}:1:" in refused.output and "LOWR" in refused.output
    assert cli("rules", "--reset").exit_code == 0
    assert "contingent on" in cli("rules").output


def test_the_models_suggestions_carry_its_version_and_probability(tmp_path, monkeypatch):
    from annotator import settings
    from annotator.learn.project import train_project

    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    # every label shown whatever its figures: this test is about what a shown suggestion carries
    monkeypatch.setattr(settings, "SUGGEST_MIN_EXAMPLES", 0)
    monkeypatch.setattr(settings, "SUGGEST_MIN_F1", 0.0)
    with generated_project(tmp_path / "p.annotator.sqlite", 40) as store:
        report = train_project(store, architecture="bow")
        suggester = Suggester.for_project(store)
    assert suggester.model_version == report.model.version
    text = "Washington called on Moscow to exchange prisoners."
    made = suggester.suggest(1, 0, len(text), text)
    demand = next(s for s in made.suggested if s.label == "demand")
    assert demand.sources[0] == f"model:{report.model.version}" and demand.probability > 0.5
    assert "rule:called on" in demand.sources
    assert set(made.probabilities) == set(report.model.labels) and 0 <= made.uncertainty <= len(report.model.labels)
    assert suggester.suggest(1, 0, len(text), text) is made  # cached
    batch = suggester.suggest_many([(1, 0, len(text), text), (1, 0, 9, "Officials met in Riyadh.")])
    assert batch[0] is made and batch[1].probabilities


def test_suggestions_never_reach_exports_or_agreement(tmp_path, monkeypatch):
    """Two annotators finish the tiny project; suggestions are shown and some decided differently.
    Every export format and every agreement figure stays byte for byte what it was."""
    from annotator.records import IncomingRecord, Span
    from tests.learn_project import text_of

    with tiny_project(tmp_path / "team.annotator.sqlite") as store:
        text, bounds = text_of(TINY[0][1])
        store.add_records(
            [
                IncomingRecord(
                    text, TINY[0][0], "x", 1, spans=[Span(*bounds[0], "offer")], annotator="ben", status="done"
                )
            ],
            "ben",
        )

        def outputs() -> dict[str, object]:
            found = {}
            for fmt, name in (("jsonl", "a.jsonl"), ("doccano", "b.jsonl"), ("textcat", "c.jsonl"), ("csv", "d.csv")):
                export_file(store, tmp_path / name, fmt, annotator="anna")
                found[fmt] = (tmp_path / name).read_bytes()
            export_file(store, tmp_path / "all.jsonl", "jsonl", all_layers=True, articles="all")
            found["all"] = (tmp_path / "all.jsonl").read_bytes()
            export_file(store, tmp_path / "e.spacy", "spacy", annotator="anna")
            found["spacy"] = len((tmp_path / "e.spacy").read_bytes())
            found["agreement"] = compute_agreement(collect(store)).as_dict()
            found["stats"] = {k: v for k, v in store.stats().items() if k != "path"}
            return found

        before = outputs()
        suggester = Suggester.for_project(store)
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            for start, end in store.articles.sentences(article_id):
                made = suggester.suggest(article_id, start, end, article.text[start:end])
                shown = store.suggestions.log_shown(article_id, "anna", start, end, made.as_log(), made.model_version)
                if article_id == 4:  # the untouched article: suggestions shown, one decided differently
                    store.suggestions.log_decision(article_id, "anna", start, end, ["claim"], 2, shown=shown)
        assert len(store.suggestions.suggestion_log("anna")) == 9
        after = outputs()
    assert after == before


def test_the_window_can_swap_rules_and_labels_without_reloading_the_model(tiny):
    suggester = Suggester.for_project(tiny)
    assert suggester.suggest(3, 0, len(CONTINGENT), CONTINGENT).labels == ("condition",)
    suggester.set_rules([Rule("claim", "Peskov said")])
    assert suggester.suggest(3, 0, len(CONTINGENT), CONTINGENT).labels == ("claim",)
    suggester.set_labels(["offer"])
    assert suggester.suggest(3, 0, len(CONTINGENT), CONTINGENT).labels == ()


def test_a_label_shows_the_models_suggestions_only_once_it_earned_them(tmp_path, monkeypatch):
    """Calibrated on the held-out split (the report says how much it helped); a label with too few
    examples or a low held-out F1 is withheld, and the suggestions say why."""
    from annotator import settings
    from annotator.learn.project import train_project

    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    with generated_project(tmp_path / "p.annotator.sqlite", 12) as store:
        report = train_project(store, architecture="bow")
        suggester = Suggester.for_project(store)
    calibration = report.calibration
    assert calibration["ece_after"] <= calibration["ece_before"]
    assert any(line.startswith("calibration: expected calibration error") for line in report.lines())
    weak = {
        item["label"]
        for item in report.labels
        if item["examples"] < settings.SUGGEST_MIN_EXAMPLES or (item["f1"] or 0) < settings.SUGGEST_MIN_F1
    }
    assert weak and set(suggester.withheld) == weak
    assert any(line.startswith("not suggested by the model until") for line in report.lines())
    text = "Washington called on Moscow to exchange prisoners."
    made = suggester.suggest(1, 0, len(text), text)
    assert not any(s.from_model and s.label in weak for s in made.suggested)
    for label, why in made.withheld:
        assert label in weak and "needs" in why and "examples" in why
    strict = Suggester(suggester.nlp, model_version="strict", min_examples=10**6)
    assert set(strict.withheld) == set(report.model.labels)
    assert all(not s.from_model for s in strict.suggest(1, 0, len(text), text).suggested)


@pytest.mark.parametrize(
    ("sentence", "not_label"),
    [
        ("We are not ready to discuss a ceasefire before the elections.", "offer"),
        ("Moscow did not confirm it had agreed to the pause.", "commitment"),
        ("Kyiv has never offered to withdraw.", "offer"),
        ("The Kremlin didn't deny the report.", "denial"),
        # the seeds' own (tests/statement_gold.json): the negation eleven tokens back, a denial verb
        (
            "Moscow did not say when the request was made or explicitly confirm it had agreed to the pause.",
            "commitment",
        ),
        ("Zelensky rejected any talks about a peace agreement in exchange for territorial concessions.", "condition"),
    ],
)
def test_the_rules_leave_a_negated_phrase_alone(tiny, sentence, not_label):
    made = Suggester.for_project(tiny).suggest(1, 0, len(sentence), sentence)
    assert not_label not in made.labels


def test_negation_with_a_parse_follows_the_neg_child():
    import spacy
    from spacy.tokens import Doc

    from annotator.learn.rules import negated

    words = ["We", "are", "not", "ready", "to", "talk"]
    heads = [1, 1, 1, 1, 5, 3]  # "not" (neg) and "ready" (acomp) hang on "are"
    deps = ["nsubj", "ROOT", "neg", "acomp", "aux", "xcomp"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)
    assert negated(doc, 3, 5)  # "ready to": its head "are" has a neg child
    plain = Doc(spacy.blank("en").vocab, words=words[:2] + words[3:], heads=[1, 1, 1, 4, 2], deps=deps[:2] + deps[3:])
    assert not negated(plain, 2, 4)


def test_a_rule_on_an_unregistered_underscore_attribute_is_refused_at_load(cli, db_path, tmp_path):
    """spaCy's Matcher takes `{"_": {"nope": …}}` and then fails on every statement it looks at:
    the rule is refused when loaded, FILE:LINE: reason, and the project's rules stay as they were."""
    tiny_project(db_path).close()
    rules = tmp_path / "underscore.jsonl"
    rules.write_text(
        '{"label": "offer", "pattern": "host the talks"}\n{"label": "demand", "pattern": [{"_": {"nope": "x"}}]}\n',
        encoding="utf-8",
    )
    refused = cli("rules", "--load", rules)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert f"{rules}:2: \"_\": 'nope' is not a token attribute" in refused.output
    assert "contingent on" in cli("rules").output  # unchanged: still the defaults


def test_a_rule_whose_label_no_name_may_be_is_refused_by_its_line(cli, db_path, tmp_path):
    """A rule's label becomes a statement's label once accepted: an ESC, a bidi override or 10,000
    characters is refused as any import refuses it, FILE:LINE: reason, and the project's rules
    stay as they were (a rules file loads whole or not at all)."""
    tiny_project(db_path).close()
    rules = tmp_path / "names.jsonl"
    lines = [
        {"label": "offer", "pattern": "host the talks"},
        {"label": "of\x1b[31mfer", "pattern": "stand ready"},
        {"label": "de\u202emand", "pattern": "must"},
        {"label": "X" * 10_000, "pattern": "insist"},
        {"label": "offer", "pattern": "ready", "id": "re\u200bady"},
    ]
    rules.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    refused = cli("rules", "--load", rules)
    assert refused.exit_code == 1 and "\x1b" not in refused.output and "\u202e" not in refused.output
    assert [line for line in refused.stderr.splitlines() if line.startswith(f"{rules}:")] == [
        f"{rules}:2: \"label\" 'of\\x1b[31mfer' holds a line break or control character (U+001B)",
        f"{rules}:3: \"label\" 'de\\u202emand' holds a bidi control character (U+202E) that reorders how it reads",
        f'{rules}:4: "label" is 10,000 characters long; a name has at most 200',
        f"{rules}:5: \"id\" 're\\u200bady' holds an invisible character (U+200B ZERO WIDTH SPACE)",
    ]
    assert "contingent on" in cli("rules").output  # unchanged: still the defaults


def test_a_phrase_with_a_zero_width_space_is_shown_as_an_escape_and_loads_back_the_same(cli, db_path, tmp_path):
    """`annotator rules` prints what the user edits and loads back: a phrase holding a zero-width
    space (which matches nothing that looks like it) shows it as \\u200b, and the JSON reads back the same."""
    tiny_project(db_path).close()
    rules = tmp_path / "hidden.jsonl"
    rules.write_text(json.dumps({"label": "offer", "pattern": "host\u200b the talks"}) + "\n", encoding="utf-8")
    assert cli("rules", "--load", rules).exit_code == 0
    shown = cli("rules").output
    assert shown == '{"label": "offer", "pattern": "host\\u200b the talks"}\n'
    assert json.loads(shown)["pattern"] == "host\u200b the talks"


@pytest.mark.parametrize(
    ("sentence", "not_label"),
    [  # the shipped rules' wrong hits on the seed articles (`python -m benchmarks --suite rules`)
        ("Getting a result could signal that Moscow may be ready to end the war.", "offer"),
        ("Russia's willingness to negotiate depends first on the US elections, Zelensky said.", "offer"),
        ("The proposed deterrence package is a way to compensate Ukraine, Zelensky said.", "offer"),
        ("She acknowledged that further details must be ironed out.", "demand"),
    ],
)
def test_the_shipped_rules_leave_what_is_no_offer_or_demand_alone(tiny, sentence, not_label):
    assert not_label not in Suggester.for_project(tiny).suggest(1, 0, len(sentence), sentence).labels


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("We are ready for compromises that lead to a real end to the war.", "offer"),
        ("Zelensky has expressed a willingness to suspend attacks on Russian energy sites.", "offer"),
        ("Putin signaled a readiness to halt attacks for 30 days.", "offer"),
        ("Ukraine proposed a truce on energy sites.", "offer"),
        ("Russia must withdraw its troops.", "demand"),
    ],
)
def test_the_shipped_rules_still_find_offers_and_demands(tiny, sentence, label):
    assert label in Suggester.for_project(tiny).suggest(1, 0, len(sentence), sentence).labels
