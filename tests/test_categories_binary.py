"""Prodigy's binary textcat answers (`textcat.teach`: one `label`, accepted or rejected) teach only
the category they asked about: the others stay missing in every training file, never 0."""

from __future__ import annotations

import json

import spacy
from spacy.tokens import DocBin

from annotator.importing.run import import_paths
from annotator.store import Store
from tests.conftest import export_file, write_jsonl

TEXT = "The shelling of the substation went on overnight."
OTHER = "Talks resumed in Istanbul on Tuesday."


def binary(label: str, answer: str = "accept", text: str = TEXT) -> str:
    return json.dumps({"text": text, "label": label, "answer": answer})


def doccat_cats(cli, tmp_path) -> dict[str, dict[str, float]]:
    """text -> `cats` of `annotator export --format doccat -`."""
    result = cli("export", "--format", "doccat", "-")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {line["text"]: line["cats"] for line in lines}


def docbin_cats(cli, tmp_path) -> dict[str, dict[str, float]]:
    """text -> `doc.cats` of `annotator export out.spacy`."""
    out = tmp_path / "out.spacy"
    result = cli("export", out)
    assert result.exit_code == 0, result.output
    return {doc.text: doc.cats for doc in DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)}


def test_an_accepted_binary_label_is_the_only_category_written(cli, tmp_path):
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "bin1.jsonl", [binary("energy-strikes")]))
    assert result.exit_code == 0, result.output
    assert doccat_cats(cli, tmp_path) == {TEXT: {"energy-strikes": 1.0}}
    assert docbin_cats(cli, tmp_path) == {TEXT: {"energy-strikes": 1.0}}


def test_a_rejected_binary_label_is_a_0_on_it_alone_and_the_article_is_not_rejected(cli, tmp_path):
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "bin.jsonl", [binary("energy-strikes", "reject")]))
    assert result.exit_code == 0 and "not imported" not in result.output, result.output
    assert "1 article category answered no" in result.output
    assert doccat_cats(cli, tmp_path) == {TEXT: {"energy-strikes": 0.0}}
    assert docbin_cats(cli, tmp_path) == {TEXT: {"energy-strikes": 0.0}}


def test_an_ignored_binary_label_asks_nothing(cli, tmp_path):
    lines = [binary("energy-strikes", "ignore"), binary("relevant", text=OTHER)]
    cli("import", "--no-ner", write_jsonl(tmp_path / "bin.jsonl", lines))
    assert doccat_cats(cli, tmp_path) == {OTHER: {"relevant": 1.0}}


def test_binary_answers_on_one_article_add_up_and_the_newer_answer_wins(cli, tmp_path):
    lines = [binary("energy-strikes"), binary("relevant", "reject"), binary("positive"), binary("neutral", "reject")]
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", lines))
    assert result.exit_code == 0, result.output
    expected = {"relevant": 0.0, "energy-strikes": 1.0, "positive": 1.0, "neutral": 0.0}
    assert doccat_cats(cli, tmp_path) == {TEXT: expected}
    assert docbin_cats(cli, tmp_path) == {TEXT: expected}
    # a later file: energy-strikes does not apply after all, relevant does; ceasefire-talks asked anew
    later = [binary("energy-strikes", "reject"), binary("relevant"), binary("ceasefire-talks", "reject")]
    cli("import", "--no-ner", write_jsonl(tmp_path / "later.jsonl", later))
    expected = {"relevant": 1.0, "ceasefire-talks": 0.0, "energy-strikes": 0.0, "positive": 1.0, "neutral": 0.0}
    assert doccat_cats(cli, tmp_path) == {TEXT: expected}
    assert docbin_cats(cli, tmp_path) == {TEXT: expected}


def test_in_one_file_the_last_answer_on_a_category_counts(cli, tmp_path):
    lines = [binary("relevant"), binary("relevant", "reject"), binary("positive", "reject"), binary("positive")]
    cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", lines))
    assert doccat_cats(cli, tmp_path) == {TEXT: {"relevant": 0.0, "positive": 1.0}}


def test_a_choice_task_still_asks_exactly_its_options(cli, tmp_path):
    options = [{"id": name, "text": name} for name in ("positive", "negative")]
    task = {"text": TEXT, "options": options, "accept": ["negative"], "answer": "accept"}
    cli("import", "--no-ner", write_jsonl(tmp_path / "choice.jsonl", [json.dumps(task)]))
    assert doccat_cats(cli, tmp_path) == {TEXT: {"positive": 0.0, "negative": 1.0}}


def test_a_doccano_label_still_asks_its_whole_group(cli, tmp_path):
    """doccano shows only the labels chosen: a group's choices are shown together, so the stance
    group was asked, the topics were not."""
    line = json.dumps({"text": TEXT, "label": ["negative"]})
    cli("import", "--no-ner", "--format", "doccano", write_jsonl(tmp_path / "dc.jsonl", [line]))
    assert doccat_cats(cli, tmp_path) == {TEXT: {"positive": 0.0, "negative": 1.0, "neutral": 0.0}}


def test_two_accepted_stances_are_both_left_out_and_said_by_line(cli, tmp_path):
    """One of the two is wrong and nothing says which: neither is taught (not 1, not 0), the
    record's other answers stay, and a later answer on either in the same file is left out too."""
    lines = [
        binary("positive"),
        binary("energy-strikes"),
        binary("negative"),
        binary("positive"),
        binary("neutral", "reject"),
        binary("positive", text=OTHER),
    ]
    path = write_jsonl(tmp_path / "teach.jsonl", lines)
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0, result.output
    assert (
        f"{path}:3: negative accepted here and positive on line 1, both in the exclusive group 'stance' (one per "
        "article): one of them is wrong, so both are left out (unknown)"
    ) in result.output
    assert f"{path}:4: positive left out (unknown): an earlier record of this import gave the article two" in (
        result.output
    )
    assert "2 notes on records that came in" in result.output
    expected = {TEXT: {"energy-strikes": 1.0, "neutral": 0.0}, OTHER: {"positive": 1.0}}
    assert doccat_cats(cli, tmp_path) == expected
    assert docbin_cats(cli, tmp_path) == expected


def test_a_binary_answer_against_a_stored_binary_answer_leaves_both_out(cli, tmp_path):
    cli("import", "--no-ner", write_jsonl(tmp_path / "first.jsonl", [binary("positive"), binary("relevant")]))
    path = write_jsonl(tmp_path / "second.jsonl", [binary("negative")])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0, result.output
    assert f"{path}:1: negative accepted here and positive in the project already, both in the exclusive" in (
        result.output
    )
    assert doccat_cats(cli, tmp_path) == {TEXT: {"relevant": 1.0}}


def test_a_binary_answer_against_a_stance_chosen_in_the_window_is_refused_and_the_choice_stays(db_path, cli, tmp_path):
    cli("import", "--no-ner", write_jsonl(tmp_path / "text.jsonl", [json.dumps({"text": TEXT})]))
    with Store.open(db_path) as store:
        store.categories.set_article_categories(1, "tester", ["positive"])
        store.articles.set_status(1, "tester", "done")
    path = write_jsonl(tmp_path / "teach.jsonl", [binary("negative")])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:1: categories negative, positive are all in the exclusive group 'stance'" in result.output
    everything = {"relevant": 0.0, "ceasefire-talks": 0.0, "energy-strikes": 0.0}
    stance = {"positive": 1.0, "negative": 0.0, "neutral": 0.0}
    assert doccat_cats(cli, tmp_path) == {TEXT: {**everything, **stance}}


def test_a_binary_answer_refines_a_window_choice_that_asked_everything(db_path, cli, tmp_path):
    """Chosen in the window, every category was asked: a later binary answer changes its one
    category and leaves the others known."""
    cli("import", "--no-ner", write_jsonl(tmp_path / "text.jsonl", [json.dumps({"text": TEXT})]))
    with Store.open(db_path) as store:
        store.categories.set_article_categories(1, "tester", ["relevant", "positive"])
        store.articles.set_status(1, "tester", "done")
    teach = write_jsonl(tmp_path / "teach.jsonl", [binary("energy-strikes"), binary("relevant", "reject")])
    cli("import", "--no-ner", teach)
    cats = {"relevant": 0.0, "ceasefire-talks": 0.0, "energy-strikes": 1.0}
    assert doccat_cats(cli, tmp_path) == {TEXT: {**cats, "positive": 1.0, "negative": 0.0, "neutral": 0.0}}


def test_the_account_says_only_the_categories_asked_are_written(cli, tmp_path):
    cli("import", "--no-ner", write_jsonl(tmp_path / "bin.jsonl", [binary("energy-strikes")]))
    result = cli("export", "--format", "doccat", "-")
    assert "articles with their categories (those asked 1 or 0, the others left missing: unknown, not 0): 1" in (
        result.output
    )
    assert "every category of the scheme" not in result.output


def test_a_teammates_binary_answers_keep_what_was_asked_after_the_merge(tmp_path):
    """Her project, merged into the lead's: each article keeps the categories she was asked, a
    rejected-only article included; merged again, nothing changes."""
    lines = [binary("energy-strikes"), binary("relevant", "reject"), binary("energy-strikes", "reject", OTHER)]
    with Store.create(tmp_path / "anna.annotator.sqlite") as anna:
        assert import_paths(anna, [write_jsonl(tmp_path / "teach.jsonl", lines)], annotator="anna").rejections == []
    with Store.create(tmp_path / "lead.annotator.sqlite") as lead:
        report = import_paths(lead, [tmp_path / "anna.annotator.sqlite"], annotator="lead")
        assert report.rejections == []
        export_file(lead, tmp_path / "cats.jsonl", "doccat", annotator="anna")
        export_file(lead, tmp_path / "out.spacy", "spacy", annotator="anna")
        again = import_paths(lead, [tmp_path / "anna.annotator.sqlite"], annotator="lead")
        assert again.counts.replaced == {}, "the same file merged again changes nothing"
    expected = {TEXT: {"relevant": 0.0, "energy-strikes": 1.0}, OTHER: {"energy-strikes": 0.0}}
    lines = [json.loads(line) for line in (tmp_path / "cats.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {line["text"]: line["cats"] for line in lines} == expected
    docs = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    assert {doc.text: doc.cats for doc in docs} == expected


def test_what_was_asked_reads_back_from_every_training_file(cli, tmp_path):
    """Exported and imported into a new project, an article keeps exactly the categories asked:
    a rejected one stays a 0, the ones never asked stay missing."""
    lines = [binary("energy-strikes"), binary("relevant", "reject"), binary("positive", "reject", OTHER)]
    cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", lines))
    expected = {TEXT: {"relevant": 0.0, "energy-strikes": 1.0}, OTHER: {"positive": 0.0}}
    # JSONL holds statements: an article with only category answers (statements not decided) is
    # in it as a started one (`--articles started`), never as a finished one with no statement
    started = {"cats.jsonl": ["--format", "doccat"], "back.jsonl": ["--articles", "started"]}
    for name in ("back.jsonl", "back.spacy", "cats.jsonl"):
        out = tmp_path / name
        args = started.get(name, [])
        assert cli("export", *args, out).exit_code == 0
        again = tmp_path / f"again-{name}.annotator.sqlite"
        result = cli("import", "--no-ner", out, db=again)
        assert result.exit_code == 0 and "not imported" not in result.output, result.output
        written = cli("export", "--format", "doccat", "-", db=again).stdout.splitlines()
        assert {line["text"]: line["cats"] for line in map(json.loads, written)} == expected, name


def test_a_lone_0_is_no_empty_list_in_doccano_or_label_studio(cli, tmp_path):
    """doccano and Label Studio list the categories given: an empty list would say none of them
    applies, which a rejected binary label does not say."""
    lines = [binary("energy-strikes", "reject"), binary("relevant", text=OTHER)]
    cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", lines))
    out = tmp_path / "dc.jsonl"
    result = cli("export", "--format", "doccano", "--doccano-task", "text-classification", out)
    assert result.exit_code == 0, result.output
    assert [(r["text"], r["label"]) for r in map(json.loads, out.read_text().splitlines())] == [(OTHER, ["relevant"])]
    ls = tmp_path / "ls.json"
    # Label Studio holds statements: articles with only category answers are started ones there
    assert cli("export", "--format", "label-studio", "--articles", "started", ls).exit_code == 0
    tasks = json.loads(ls.read_text(encoding="utf-8"))
    choices = {
        task["data"]["text"]: [
            r["value"]["choices"] for a in task["annotations"] + task.get("predictions", []) for r in a["result"]
        ]
        for task in tasks
    }
    assert choices[OTHER] == [["relevant"]] and choices[TEXT] == []


def test_a_skipped_binary_label_is_named_as_a_skip(cli, tmp_path):
    path = write_jsonl(tmp_path / "bin.jsonl", [binary("energy-strikes", "ignore")])
    result = cli("import", "--no-ner", path)
    assert f"{path}:1: 1 category in a task answered reject or ignore (energy-strikes 1)" in result.output
    assert "a skip: it says neither 1 nor 0 of the category" in result.output
