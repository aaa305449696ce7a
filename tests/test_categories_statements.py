"""A record that answers only article categories (a textcat task, a choice task, `cats`, a doccano
text-classification line) decides the categories, not the statements: the article is started, not
finished. Its categories reach every category file; a statement file leaves it out and says so,
never writing it as a finished article with no statement (a negative nobody decided)."""

from __future__ import annotations

import json

import spacy
from spacy.tokens import DocBin

from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "The shelling of the substation went on overnight."
OTHER = "Kyiv offered to halt strikes on refineries."
LEFT_OUT = "1 article with only category answers: statements not decided"


def binary(label: str, answer: str = "accept", text: str = TEXT, **more) -> str:
    return json.dumps({"text": text, "label": label, "answer": answer, **more})


def spans_task(text: str = OTHER, **more) -> str:
    """An ner.manual/spans.manual task: its statements decided (one labeled)."""
    return json.dumps({"text": text, "spans": [{"start": 0, "end": 4, "label": "offer"}], "answer": "accept", **more})


def imported(cli, tmp_path, name: str, lines: list[str], *args: str) -> None:
    result = cli("import", "--no-ner", *args, write_jsonl(tmp_path / name, lines))
    assert result.exit_code == 0 and "not imported" not in result.output, result.output


def exported(cli, *args: str, db=None) -> tuple[list[dict], str]:
    """The JSON lines an export writes to standard output, and what it says."""
    result = cli("export", *args, "-", db=db)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")], result.output


def status(db_path, text: str, annotator: str = "tester") -> str:
    with Store.open(db_path) as store:
        (article_id,) = [row.article_id for row in store.export_rows() if row.text == text]
        return store.articles.status(article_id, annotator)


def test_a_binary_textcat_answer_is_a_category_not_a_finished_article(db_path, cli, tmp_path):
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", [binary("energy-strikes"), spans_task()]))
    assert "1 article with only category answers, in progress (statements not asked)" in result.output
    assert status(db_path, TEXT) == "in_progress"
    tasks, said = exported(cli, "--format", "jsonl")
    assert [task["text"] for task in tasks] == [OTHER]
    assert LEFT_OUT in said
    cats, said = exported(cli, "--format", "doccat")
    assert {line["text"]: line["cats"] for line in cats} == {TEXT: {"energy-strikes": 1.0}}
    assert "articles it finished or answered only categories of" in said


def test_a_docbin_with_statements_leaves_out_an_article_with_only_categories(cli, tmp_path):
    """spaCy's spancat reads a doc without spans as "no statement": such a doc would teach a
    negative nobody decided, so it stays out (its categories: doccat) and is counted."""
    imported(cli, tmp_path, "teach.jsonl", [binary("energy-strikes"), spans_task()])
    out = tmp_path / "out.spacy"
    result = cli("export", out)
    assert result.exit_code == 0, result.output
    assert LEFT_OUT in result.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [(doc.text, [s.label_ for s in doc.spans["sc"]]) for doc in docs] == [(OTHER, ["offer"])]


def test_a_docbin_of_categories_alone_carries_them_without_a_span_group(cli, tmp_path):
    imported(cli, tmp_path, "teach.jsonl", [binary("energy-strikes")])
    out = tmp_path / "out.spacy"
    assert cli("export", out).exit_code == 0
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert doc.cats == {"energy-strikes": 1.0} and "sc" not in doc.spans


def test_a_later_spans_task_finishes_it_and_an_earlier_one_stays_finished(db_path, cli, tmp_path):
    imported(cli, tmp_path, "teach.jsonl", [binary("energy-strikes", text=OTHER)])
    assert status(db_path, OTHER) == "in_progress"
    imported(cli, tmp_path, "ner.jsonl", [spans_task()])
    assert status(db_path, OTHER) == "done"
    imported(cli, tmp_path, "more.jsonl", [binary("relevant", "reject", text=OTHER)])
    assert status(db_path, OTHER) == "done", "a category answer never unfinishes an article"
    tasks, _ = exported(cli, "--format", "jsonl")
    assert [[s["label"] for s in task["spans"]] for task in tasks] == [["offer"]]
    cats, _ = exported(cli, "--format", "doccat")
    assert [line["cats"]["energy-strikes"] for line in cats] == [1.0]


def test_in_one_file_a_choice_task_keeps_the_statements_of_a_spans_task(db_path, cli, tmp_path):
    options = [{"id": name, "text": name} for name in ("positive", "negative")]
    choice = json.dumps({"text": OTHER, "options": options, "accept": ["negative"], "answer": "accept"})
    imported(cli, tmp_path, "both.jsonl", [spans_task(), choice])
    assert status(db_path, OTHER) == "done"
    tasks, _ = exported(cli, "--format", "jsonl")
    assert [([s["label"] for s in t["spans"]], t["accept"]) for t in tasks] == [(["offer"], ["negative"])]


def test_a_choice_task_and_cats_start_the_article_as_well(db_path, cli, tmp_path):
    options = [{"id": name, "text": name} for name in ("positive", "negative")]
    lines = [
        json.dumps({"text": TEXT, "options": options, "accept": ["negative"], "answer": "accept"}),
        json.dumps({"text": OTHER, "cats": {"relevant": 1.0}, "_annotator_id": "ben"}),
    ]
    imported(cli, tmp_path, "cats.jsonl", lines)
    assert status(db_path, TEXT) == "in_progress" and status(db_path, OTHER, "ben") == "in_progress"
    cats, _ = exported(cli, "--format", "doccat", "--annotator", "ben")
    assert [line["cats"] for line in cats] == [{"relevant": 1.0}]


def test_a_record_with_its_own_status_keeps_it(db_path, cli, tmp_path):
    imported(cli, tmp_path, "done.jsonl", [binary("energy-strikes", _status="done")])
    assert status(db_path, TEXT) == "done"


def test_a_doccano_text_classification_line_is_a_category_file_s_article(db_path, cli, tmp_path):
    line = json.dumps({"text": TEXT, "label": ["energy-strikes"]})
    sequence = json.dumps({"text": OTHER, "label": [[0, 4, "offer"]]})
    imported(cli, tmp_path, "dc.jsonl", [line, sequence], "--format", "doccano")
    assert status(db_path, TEXT) == "in_progress"
    classes, _ = exported(cli, "--format", "doccano", "--doccano-task", "text-classification")
    assert [(line["text"], line["label"]) for line in classes] == [(TEXT, ["energy-strikes"])]
    sequences, said = exported(cli, "--format", "doccano")
    assert [line["text"] for line in sequences] == [OTHER] and LEFT_OUT in said
    assert sequences[0]["_status"] == "done", "a file of statements says their status"


def test_gold_categories_of_two_annotators_who_answered_only_categories(cli, tmp_path):
    lines = [binary("energy-strikes", _annotator_id=name) for name in ("anna", "ben")]
    imported(cli, tmp_path, "teach.jsonl", [*lines, spans_task(_annotator_id="anna"), spans_task(_annotator_id="ben")])
    cats, _ = exported(cli, "--format", "doccat", "--gold")
    assert {line["text"]: line["cats"]["energy-strikes"] for line in cats} == {TEXT: 1.0}
    tasks, said = exported(cli, "--format", "jsonl", "--gold")
    assert [task["text"] for task in tasks] == [OTHER] and LEFT_OUT in said


def test_a_category_file_of_a_finished_article_reads_back_as_started(db_path, cli, tmp_path):
    """doccat and doccano's text classification hold no statements: read back, the article's
    categories come in and its statements stay undecided (no `_status` says otherwise)."""
    imported(cli, tmp_path, "ner.jsonl", [spans_task(cats={"relevant": 1.0})])
    assert status(db_path, OTHER) == "done"
    files = {
        "cats.jsonl": ["--format", "doccat"],
        "dc.jsonl": ["--format", "doccano", "--doccano-task", "text-classification"],
    }
    for name, args in files.items():
        out = tmp_path / name
        assert cli("export", *args, out).exit_code == 0
        assert "_status" not in out.read_text(encoding="utf-8")
        again = tmp_path / f"again-{name}.annotator.sqlite"
        result = cli("import", "--no-ner", *(["--format", "doccano"] if name == "dc.jsonl" else []), out, db=again)
        assert result.exit_code == 0, result.output
        assert status(again, OTHER) == "in_progress", name
        cats, _ = exported(cli, "--format", "doccat", db=again)
        assert [line["cats"]["relevant"] for line in cats] == [1.0], name
