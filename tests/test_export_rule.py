"""Every export means what the annotators decided: one layer, finished articles, gold that is complete.

Small projects of invented texts, labeled the way a team does it: each case of issue 13 has
its test here with the value it must have (rejected spans, the DocBin's missing entities and
the review's keys have their own files).
"""

from __future__ import annotations

import json

import pytest
import srsly

from annotator.export.rule import RULE, ExportRefused, choose_rule
from annotator.export.run import ExportError
from annotator.records import GOLD, IncomingRecord, Span
from annotator.review import collect, find_conflicts
from annotator.review import gold as gold_ops
from annotator.store import Preannotation, Store
from annotator.tokens import word_tokens
from tests.conftest import export_file, write_jsonl

HALT = "Kyiv said it would halt strikes on refineries."
MUST = "Moscow must first stop hitting power plants."
DENY = "The Kremlin denied any such offer."
TALKS = "Talks could resume in Geneva next week."
TEXT = " ".join((HALT, MUST, DENY, TALKS))
OTHER = "Ministers met in Vienna. Both sides agreed to talk again if the ceasefire holds."
THIRD = "Energy prices rose in the winter. Analysts expect more talks."


def at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def label(store: Store, text: str, annotator: str, status: str | None, spans: list[tuple[str, str]]) -> None:
    """`annotator` labels `text`: each (part, label) on the words `part`, and leaves it at `status`."""
    record = IncomingRecord(
        text, text[:20], "test", 1, spans=[Span(*at(text, part), name) for part, name in spans], annotator=annotator
    )
    record.status = status
    store.add_records([record], annotator)


def tokenize(store: Store) -> None:
    """Token and sentence bounds for every article, as pre-annotation stores them (no model needed)."""
    results = []
    for article_id in store.articles.article_ids():
        text = store.articles.article(article_id).text
        starts = [0] + [i + 2 for i, c in enumerate(text) if c == "." and i + 2 < len(text)]
        ends = [i + 1 for i, c in enumerate(text) if c == "."]
        results.append(Preannotation(article_id, "test", [], list(zip(starts, ends, strict=True)), word_tokens(text)))
    store.preannotations.store_preannotations(results)


@pytest.fixture
def team(store):
    """anna and ben both finished TEXT: they agree on HALT and DENY, differ on MUST, and only anna
    labeled TALKS. OTHER: anna finished it, ben has not. THIRD: nobody touched it."""
    label(store, TEXT, "anna", "done", [(HALT, "offer"), (MUST, "condition"), (DENY, "denial"), (TALKS, "claim")])
    label(store, TEXT, "ben", "done", [(HALT, "offer"), (MUST, "demand"), (DENY, "denial")])
    label(store, OTHER, "anna", "done", [("Both sides agreed", "claim")])
    label(store, OTHER, "ben", "in_progress", [])
    store.add_records([IncomingRecord(THIRD, "Energy", "test", 1)], "x")
    tokenize(store)
    return store


def gold_spans(path) -> list[tuple[str, str]]:
    (task,) = srsly.read_jsonl(path)
    return sorted((task["text"][s["start"] : s["end"]], s["label"]) for s in task["spans"])


# -- 1. gold holds what everyone who finished agreed on ---------------------------------------


def test_gold_holds_what_everyone_who_finished_agrees_on_once_every_conflict_is_decided(team, tmp_path):
    conflicts = find_conflicts(collect(team))
    for conflict in conflicts:  # the reviewer decides every conflict: anna's, each time
        gold_ops.take(team, conflict, "anna")
    decided = gold_ops.decided_spans(team)
    assert all(gold_ops.is_resolved(c, decided[c.article_id]) for c in conflicts), "0 unresolved"

    summary = export_file(team, tmp_path / "gold.jsonl", gold=True)
    assert gold_spans(tmp_path / "gold.jsonl") == sorted(
        [(HALT, "offer"), (MUST, "condition"), (DENY, "denial"), (TALKS, "claim")]
    ), "HALT and DENY are gold without a keypress: anna and ben, who finished it, agree"
    assert summary.counts["gold_agreed"] == 2 and summary.counts["gold_decided"] == 2
    assert summary.left_out == {
        "with no gold yet: no review decision and fewer than two annotators finished it": 1,
        "untouched by this layer": 1,
    }
    assert summary.ok


def test_an_annotator_still_at_work_does_not_hold_agreed_units_back(team, tmp_path):
    label(team, TEXT, "cleo", "in_progress", [(HALT, "threat")])
    conflicts = find_conflicts(collect(team))
    assert len(conflicts) == 4, "review shows cleo's disagreements too"
    for conflict in conflicts:
        if conflict.start in (at(TEXT, MUST)[0], at(TEXT, TALKS)[0]):
            gold_ops.take(team, conflict, "ben")
    export_file(team, tmp_path / "gold.jsonl", gold=True)
    assert gold_spans(tmp_path / "gold.jsonl") == [(HALT, "offer"), (MUST, "demand"), (DENY, "denial")]


def test_gold_with_undecided_conflicts_writes_nothing_says_how_many_and_exits_1(team, cli, db_path, tmp_path):
    out = tmp_path / "gold.jsonl"
    out.write_text("the last gold\n", encoding="utf-8")
    team.close()
    refused = cli("export", out, "--gold")
    assert refused.exit_code == 1
    assert "2 undecided conflicts in 1 article" in refused.stderr and "--skip-undecided" in refused.stderr
    assert out.read_text(encoding="utf-8") == "the last gold\n"

    with Store.open(db_path) as store:
        (must,) = [c for c in find_conflicts(collect(store)) if c.start == at(TEXT, MUST)[0]]
        gold_ops.take(store, must, "ben")
        with pytest.raises(ExportRefused, match="1 undecided conflict in 1 article"):
            export_file(store, out, gold=True)
        label(store, OTHER, "ben", "done", [("Both sides agreed", "claim")])  # ben finishes OTHER: agreed
    skipped = cli("export", out, "--gold", "--skip-undecided", "--json")
    assert skipped.exit_code == 0, skipped.output
    account = json.loads(skipped.stdout)
    assert account["records"] == 1 and account["left_out"] == {
        "with undecided conflicts: gold incomplete (--skip-undecided)": 1,
        "untouched by this layer": 1,
    }
    assert gold_spans(out) == [("Both sides agreed", "claim")]


def test_a_decision_overrides_an_agreed_unit(team, tmp_path):
    for conflict in find_conflicts(collect(team)):
        gold_ops.take(team, conflict, "ben")
    gold_ops.set_gold(team, 1, *at(TEXT, DENY), [])  # the reviewer: "no label" on what both said
    export_file(team, tmp_path / "gold.jsonl", gold=True)
    assert gold_spans(tmp_path / "gold.jsonl") == [(HALT, "offer"), (MUST, "demand")]


# -- 2. untouched and unfinished articles are not negatives -------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "csv", "textcat", "spacy"])
def test_untouched_and_unfinished_articles_are_left_out_and_counted(team, tmp_path, fmt):
    summary = export_file(team, tmp_path / f"ben.{fmt}", fmt, annotator="ben")
    assert summary.articles == 1, "only TEXT, which ben finished"
    assert summary.left_out == {"not finished (in progress)": 1, "untouched by this layer": 1}


@pytest.mark.spacy
def test_no_docbin_doc_and_no_task_for_an_article_nobody_labeled(team, tmp_path):
    from tests.test_export_formats import docbin_docs

    export_file(team, tmp_path / "anna.spacy", annotator="anna")
    export_file(team, tmp_path / "anna.jsonl", annotator="anna")
    texts = [doc.text for doc in docbin_docs(tmp_path / "anna.spacy")]
    assert texts == [TEXT, OTHER] == [task["text"] for task in srsly.read_jsonl(tmp_path / "anna.jsonl")]
    assert all(task["answer"] == "accept" and task["spans"] for task in srsly.read_jsonl(tmp_path / "anna.jsonl"))


def test_interchange_formats_take_unfinished_and_untouched_articles_only_when_asked(team, tmp_path):
    export_file(team, tmp_path / "all.jsonl", annotator="ben", articles="all")
    assert [t.get("_status") for t in srsly.read_jsonl(tmp_path / "all.jsonl")] == ["done", "in_progress", None]
    for fmt in ("spacy", "textcat"):
        with pytest.raises(ExportRefused, match="training format: it takes finished articles only"):
            choose_rule(team, fmt, annotator="ben", articles="started")


# -- 3. one layer per training file ---------------------------------------------------------------


def test_the_default_layer_is_gold_once_reviewed_else_the_only_annotator_else_the_user_chooses(store, tmp_path):
    label(store, TEXT, "anna", "done", [(HALT, "offer")])
    assert choose_rule(store, "spacy").layer == "anna"
    label(store, TEXT, "ben", "done", [(HALT, "offer"), (MUST, "demand")])
    with pytest.raises(
        ExportRefused, match=r"2 annotators \(anna, ben\) and no review yet: choose one layer"
    ) as refused:
        choose_rule(store, "spacy")
    assert "--all-layers" not in str(refused.value)  # no choice for training data (nor for `train`, which lacks it)
    with pytest.raises(ExportRefused, match=r"or --all-layers \(jsonl"):
        choose_rule(store, "jsonl")
    (conflict,) = find_conflicts(collect(store))
    gold_ops.take(store, conflict, "ben")
    rule = choose_rule(store, "spacy")
    assert (rule.layer, rule.chosen_because) == (GOLD, "the project has review decisions")
    with pytest.raises(ExportRefused, match="never mixes layers"):
        choose_rule(store, "spacy", all_layers=True)
    with pytest.raises(ExportRefused, match="no annotator 'nobody'"):
        choose_rule(store, "jsonl", annotator="nobody")


@pytest.mark.spacy
def test_a_docbin_holds_each_text_once_even_with_two_annotators_and_gold(team, tmp_path):
    from tests.test_export_formats import docbin_docs

    for conflict in find_conflicts(collect(team)):
        gold_ops.take(team, conflict, "anna")
    summary = export_file(team, tmp_path / "x.spacy")  # the default: gold, which now exists
    docs = docbin_docs(tmp_path / "x.spacy")
    assert [doc.text for doc in docs] == [TEXT] and summary.records == 1
    assert {doc.user_data["annotator"]["annotator"] for doc in docs} == {GOLD}


def test_every_layer_is_for_interchange_and_says_whose_each_record_is(team, tmp_path):
    summary = export_file(team, tmp_path / "every.jsonl", all_layers=True)
    tasks = list(srsly.read_jsonl(tmp_path / "every.jsonl"))
    assert sorted((t["text"], t["_annotator_id"]) for t in tasks) == sorted(
        [(TEXT, "anna"), (TEXT, "ben"), (OTHER, "anna")]
    )
    assert summary.left_out == {"not finished (in progress)": 1, "untouched by anyone": 1}


# -- 6. textcat: negatives from finished articles, every label of the scheme -----------------------


def test_textcat_writes_unlabeled_sentences_of_finished_articles_as_negatives_with_every_scheme_label(team, tmp_path):
    from annotator.schemes.labels import default_labels

    out = tmp_path / "ben.textcat.jsonl"
    summary = export_file(team, out, "textcat", annotator="ben")
    records = list(srsly.read_jsonl(out))
    assert [(r["text"], {k for k, v in r["cats"].items() if v}) for r in records] == [
        (HALT, {"offer"}),
        (MUST, {"demand"}),
        (DENY, {"denial"}),
        (TALKS, set()),  # ben read it and gave it nothing: a negative
    ]
    scheme = {label.name for label in default_labels()}
    assert all(set(r["cats"]) == scheme | {"claim"} for r in records), "every label, used or not, in every record"
    assert summary.counts["negatives"] == 1 and summary.labels == {"offer": 1, "demand": 1, "denial": 1}
    assert summary.left_out == {"not finished (in progress)": 1, "untouched by this layer": 1}


def test_textcat_says_when_a_finished_article_has_no_sentences_to_take_negatives_from(cli, tmp_path):
    src = write_jsonl(
        tmp_path / "a.jsonl", [json.dumps({"text": OTHER, "spans": [{"start": 0, "end": 8, "label": "x"}]})]
    )
    cli("import", "--no-ner", src)
    result = cli("export", tmp_path / "t.jsonl", "--format", "textcat")
    assert result.exit_code == 1
    assert "not as asked (exit 1):\n  finished articles without sentences (imported --no-ner)" in result.stdout


# -- the account and the rule in words -----------------------------------------------------------


def test_the_account_lists_what_was_written_and_what_was_left_out_in_text_and_json(team, cli, db_path, tmp_path):
    team.close()
    text = cli("export", tmp_path / "anna.csv", "--annotator", "anna")
    assert text.exit_code == 0
    assert text.stdout.splitlines()[1:] == [
        "rule: anna's labels; articles it finished; a missing label is unknown",
        "labels: claim 2, condition 1, denial 1, offer 1",
        "left out: 1 article untouched by this layer",
    ]
    account = json.loads(cli("export", tmp_path / "ben.csv", "--annotator", "ben", "--json").stdout)
    assert {k: account[k] for k in ("records", "articles", "labels", "left_out", "ok")} == {
        "records": 3,
        "articles": 1,
        "labels": {"demand": 1, "denial": 1, "offer": 1},
        "left_out": {"not finished (in progress)": 1, "untouched by this layer": 1},
        "ok": True,
    }


def test_nothing_to_write_is_an_error_that_writes_nothing(team, tmp_path):
    label(team, THIRD, "dora", "in_progress", [("Energy prices", "claim")])
    out = tmp_path / "dora.jsonl"
    with pytest.raises(ExportError, match=r"nothing to export.*1 article not finished") as raised:
        export_file(team, out, annotator="dora")
    assert not out.exists() and raised.value.summary.records == 0


def test_the_rule_is_written_in_the_help_and_the_docs(cli):
    from tests.conftest import ROOT

    help_text = " ".join(cli("export", "--help").stdout.split())
    readme = " ".join((ROOT / "docs" / "export-rule.md").read_text(encoding="utf-8").split())
    for sentence in ("in a finished article", "a missing label is unknown", "never mixes layers", "--skip-undecided"):
        assert sentence in " ".join(RULE.split()) and sentence in help_text
    assert "### The rule: which layer, which articles, what a missing label means" in readme
    for option in ("--all-layers", "--articles", "--skip-undecided", "--json"):
        assert option in help_text and option in readme
