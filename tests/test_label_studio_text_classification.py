"""A team brings the export of a Label Studio text-classification project (`<Choices>` on the
text, no `<Labels>`): each annotator chose the article's topics and was never asked about its
statements. The choices become the article's categories and the article comes in started, as a
Prodigy textcat answer does: statement exports leave it out and say so, instead of teaching
"no statement here"; the category exports write its categories. An annotation that labeled
statements too, or was submitted with nothing at all, is a finished article as before."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import spacy
from click.testing import CliRunner
from spacy.tokens import DocBin

from annotator.cli import main
from annotator.store import Store

CHOSEN = "The shelling of the substation went on overnight, officials in Kharkiv said."
LABELED = "Kyiv offered to halt strikes on refineries if Moscow did the same."
NOTHING = "The weather in Odesa stayed mild through the weekend."
ANNA = {"id": 1, "email": "anna@example.org", "first_name": "Anna", "last_name": ""}
LEFT_OUT = "1 article with only category answers: statements not decided"
STARTED = "1 article with only category answers, in progress (statements not asked)"


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def choices(names: list[str], rid: str = "Jk2f9Ouq0b", **more) -> dict:
    """A `choices` result on the text, as Label Studio's JSON export writes it (`<Choices name="topic">`)."""
    return {
        "value": {"choices": names},
        "id": rid,
        "from_name": "topic",
        "to_name": "text",
        "type": "choices",
        "origin": "manual",
        **more,
    }


def annotation(task_id: int, result: list[dict], annotation_id: int) -> dict:
    """A submitted annotation with the fields Label Studio 1.x exports beside its result."""
    return {
        "id": annotation_id,
        "completed_by": ANNA,
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": "2024-05-02T10:00:00.123456Z",
        "updated_at": "2024-05-02T10:00:04.654321Z",
        "draft_created_at": None,
        "lead_time": 4.2,
        "prediction": {},
        "result_count": 0,
        "unique_id": f"3f1c-{annotation_id}",
        "import_id": None,
        "last_action": None,
        "task": task_id,
        "project": 3,
        "updated_by": 1,
        "parent_prediction": None,
        "parent_annotation": None,
        "last_created_by": None,
    }


def task(task_id: int, text: str, annotations: list[dict], predictions: list[dict] | None = None) -> dict:
    return {
        "id": task_id,
        "annotations": annotations,
        "file_upload": "a1b2c3d4-articles.json",
        "drafts": [],
        "predictions": predictions or [],
        "data": {"text": text},
        "meta": {},
        "created_at": "2024-05-01T09:00:00.000000Z",
        "updated_at": "2024-05-02T10:00:04.654321Z",
        "inner_id": task_id,
        "total_annotations": len(annotations),
        "cancelled_annotations": 0,
        "total_predictions": len(predictions or []),
        "comment_count": 0,
        "unresolved_comment_count": 0,
        "last_comment_updated_at": None,
        "project": 3,
        "updated_by": 1,
        "comment_authors": [],
    }


def topic_project() -> list[dict]:
    """The export of a text-classification project (`<Text name="text" value="$text"/>` and
    `<Choices name="topic" toName="text" choice="multiple">`): one article given two topics (and
    a classifier's suggestion), one submitted with nothing chosen."""
    guess = {"model_version": "topics-v2", "score": 0.81, "result": [choices(["energy-strikes"], rid="p1")]}
    return [
        task(41, CHOSEN, [annotation(41, [choices(["energy-strikes", "ceasefire-talks"])], 63)], [guess]),
        task(42, NOTHING, [annotation(42, [], 64)]),
    ]


def statements_project() -> list[dict]:
    """The export of a project that asks both (`<Labels>` and `<Choices>`): labels and a topic."""
    quote = "Kyiv offered to halt strikes on refineries"
    offer = {
        "value": {"start": 0, "end": len(quote), "text": quote, "labels": ["offer"]},
        "id": "r0",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
    }
    return [task(43, LABELED, [annotation(43, [offer, choices(["ceasefire-talks"], rid="c43")], 65)])]


def imported(cli, tmp_path) -> str:
    out = []
    for name, tasks in (("topics.json", topic_project()), ("statements.json", statements_project())):
        result = cli("import", "--no-ner", write_json(tmp_path / name, tasks))
        assert result.exit_code == 0 and "not imported" not in result.output, result.output
        out.append(result.output)
    return "\n".join(out)


def status(db_path, text: str, annotator: str = "anna@example.org") -> str | None:
    with Store.open(db_path) as store:
        (article_id,) = {row.article_id for row in store.export_rows() if row.text == text}
        return store.articles.status(article_id, annotator)


def exported(cli, *args: str) -> tuple[str, str]:
    """What an export writes to standard output, and what it says."""
    result = cli("export", *args, "-")
    assert result.exit_code == 0, result.output
    return result.stdout, result.output


def test_only_choices_start_the_article_an_empty_annotation_and_labels_finish_it(cli, db_path, tmp_path):
    said = imported(cli, tmp_path)
    assert STARTED in said and said.count("with only category answers") == 1, "a prediction is no one's answer"
    assert "draft" not in said, 'Label Studio exports `"drafts": []` with every task: nothing left out'
    assert status(db_path, CHOSEN) == "in_progress"
    assert status(db_path, NOTHING) == "done", "submitted with nothing chosen: nothing to label there"
    assert status(db_path, LABELED) == "done"
    assert status(db_path, CHOSEN, "model:topics-v2") == "new", "a model's output is never started nor finished"


def test_jsonl_leaves_the_article_out_instead_of_teaching_no_statement(cli, tmp_path):
    imported(cli, tmp_path)
    written, said = exported(cli, "--format", "jsonl")
    tasks = {task["text"]: task for task in map(json.loads, written.splitlines())}
    assert set(tasks) == {LABELED, NOTHING} and LEFT_OUT in said
    assert [s["label"] for s in tasks[LABELED]["spans"]] == ["offer"] and tasks[NOTHING]["spans"] == []


def test_a_docbin_for_spancat_has_no_doc_of_it(cli, tmp_path):
    imported(cli, tmp_path)
    out = tmp_path / "train.spacy"
    result = cli("export", out)
    assert result.exit_code == 0 and LEFT_OUT in result.output, result.output
    docs = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert {doc.text: [s.label_ for s in doc.spans["sc"]] for doc in docs} == {LABELED: ["offer"], NOTHING: []}


def test_the_csv_leaves_it_out_too(cli, tmp_path):
    imported(cli, tmp_path)
    written, said = exported(cli, "--format", "csv")
    assert {row["title"] for row in csv.DictReader(io.StringIO(written))} == {LABELED}
    assert LEFT_OUT in said


def test_the_category_files_write_its_choices(cli, tmp_path):
    imported(cli, tmp_path)
    written, _ = exported(cli, "--format", "doccat")
    cats = {line["text"]: line["cats"] for line in map(json.loads, written.splitlines())}
    assert cats[CHOSEN] == {"ceasefire-talks": 1.0, "energy-strikes": 1.0}
    assert cats[LABELED]["ceasefire-talks"] == 1.0
    written, _ = exported(cli, "--format", "doccano", "--doccano-task", "text-classification")
    labels = {line["text"]: line["label"] for line in map(json.loads, written.splitlines())}
    assert labels[CHOSEN] == ["ceasefire-talks", "energy-strikes"]


def test_a_later_annotation_with_labels_finishes_it(cli, db_path, tmp_path):
    imported(cli, tmp_path)
    quote = "The shelling of the substation"
    region = {"start": 0, "end": len(quote), "text": quote, "labels": ["offer"]}
    labels = {"value": region, "id": "r1", "from_name": "label", "to_name": "text", "type": "labels"}
    again = [task(41, CHOSEN, [annotation(41, [labels, choices(["energy-strikes"])], 66)])]
    result = cli("import", "--no-ner", write_json(tmp_path / "ner.json", again))
    assert result.exit_code == 0 and "only category answers" not in result.output, result.output
    assert status(db_path, CHOSEN) == "done"


def test_json_min_with_several_choices_and_no_region_is_a_category_answer(cli, db_path, tmp_path):
    """JSON-MIN (label-studio-converter's `convert_to_json_min`) keeps several choices as
    `{"choices": [...]}`; a single one becomes a bare name that cannot be told from a data field."""
    line = {
        "text": CHOSEN,
        "id": 41,
        "topic": {"choices": ["energy-strikes", "ceasefire-talks"]},
        "annotator": "anna@example.org",
        "annotation_id": 63,
        "created_at": "2024-05-02T10:00:00.123456Z",
        "updated_at": "2024-05-02T10:00:04.654321Z",
        "lead_time": 4.2,
    }
    result = cli("import", "--no-ner", write_json(tmp_path / "min.json", [line]))
    assert result.exit_code == 0 and STARTED in result.output, result.output
    assert status(db_path, CHOSEN) == "in_progress"


def test_our_own_export_keeps_a_finished_article_without_statements_finished(cli, db_path, tmp_path):
    """An article finished with its categories and no statement is a decision ("no statement
    here"): exported as a Label Studio annotation its choices alone would read as a category answer,
    so the task's meta names whose statements were decided, and the round trip keeps it done."""
    imported(cli, tmp_path)
    with Store.open(db_path) as store:
        (article_id,) = {row.article_id for row in store.export_rows() if row.text == LABELED}
        quote = "Kyiv offered to halt strikes on refineries"
        store.statements.change_statement(article_id, "anna@example.org", 0, len(quote), remove=["offer"])
        assert not [row.spans for row in store.export_rows() if row.article_id == article_id and row.spans]
        assert store.articles.status(article_id, "anna@example.org") == "done"
    out = tmp_path / "ours.json"
    result = cli("export", "--format", "label-studio", "--layers-as", "annotations", out)
    assert result.exit_code == 0, result.output
    tasks = {t["data"]["text"]: t for t in json.loads(out.read_text(encoding="utf-8"))}
    assert tasks[LABELED]["meta"]["statements_decided"] == ["anna@example.org"]
    assert CHOSEN not in tasks, "started, not finished: the export's rule leaves it out"
    again = tmp_path / "again.annotator.sqlite"
    result = CliRunner().invoke(main, ["--db", str(again), "import", "--no-ner", str(out)])
    assert result.exit_code == 0, result.output
    assert status(again, LABELED) == "done"
    assert "only category answers" not in result.output


def sentiment_project() -> list[dict]:
    """A sentiment project (`<Choices name="sentiment" toName="text" choice="single">`): one choice."""
    chosen = choices(["Negative"], from_name="sentiment")
    return [task(51, CHOSEN, [annotation(51, [chosen], 71)])]


def test_a_label_studio_choices_name_comes_back_in_the_export(cli, db_path, tmp_path):
    """Categories new to the project go in a group named by their `<Choices name>`, not "other",
    so the export's choices still match the user's labeling config, and a second import agrees."""
    result = cli("import", "--no-ner", write_json(tmp_path / "sentiment.json", sentiment_project()))
    assert result.exit_code == 0 and 'shown in the group "sentiment"' in result.output, result.output
    out = tmp_path / "back.json"
    result = cli(
        "export", out, "--format", "label-studio", "--all-layers", "--articles", "all", "--layers-as", "annotations"
    )
    assert result.exit_code == 0, result.output
    (written,) = json.loads(out.read_text(encoding="utf-8"))
    (result_item,) = written["annotations"][0]["result"]
    assert (result_item["from_name"], result_item["value"]["choices"]) == ("sentiment", ["Negative"])
    again = tmp_path / "again.sqlite"
    assert cli("import", "--no-ner", out, db=again).exit_code == 0
    with Store.open(db_path) as first, Store.open(again) as second:
        from annotator.schemes.categories import project_categories

        for store in (first, second):
            assert [g.name for g in project_categories(store)][-1] == "sentiment"
        assert list(first.categories.category_rows()) == list(second.categories.category_rows())
        assert first.categories.asked_by_layer() == second.categories.asked_by_layer()
