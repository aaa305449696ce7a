"""A team coming from Label Studio brings its export (JSON, JSON-MIN or one task per line): each
person's labels become their statements, the model's predictions a layer of their own, and
relations become links, the text's choices the article's categories; what a project cannot hold
(a region's choices, drafts) is named per task — then it goes back out
as a task Label Studio imports, with the same annotators, predictions and regions."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from annotator.formats.label_studio import Layer, label_studio_task
from annotator.importing.run import import_paths
from annotator.records import MODEL_LAYER_PREFIX
from annotator.store import Store

TEXT = "Kyiv 🇺🇦 offered a pause on strikes if Moscow halts its drone attacks."
CRLF_TEXT = "Moscow denied the report.\r\nThe Kremlin said no talks\r\nwere planned."


def js_units(text: str, offset: int) -> int:
    """A browser's string index (UTF-16 code units) of code point `offset`."""
    return len(text[:offset].encode("utf-16-le")) // 2


def ls_quote(quote: str) -> str:
    return quote.replace("\r", "\\n").replace("\n", "\\n")


def region(text: str, quote: str, labels: list[str], *, utf16: bool = False, rid: str = "", note: str = "") -> dict:
    """A `labels` result as Label Studio writes it (a quoted line break as the two characters \\n)."""
    start = text.index(quote)
    end = start + len(quote)
    if utf16:
        start, end = js_units(text, start), js_units(text, end)
    item = {
        "id": rid or f"r{start}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": ls_quote(quote), "labels": labels},
    }
    if note:
        item["meta"] = {"text": [note]}
    return item


def export_tasks(*, utf16: bool = False) -> list[dict]:
    """Two tasks of a Label Studio JSON export: two annotators (e-mail and bare id), a prediction,
    a relation and a choice; the second text has CRLF line breaks, counted as two characters."""
    offer = region(TEXT, "Kyiv 🇺🇦 offered a pause on strikes", ["offer"], utf16=utf16, rid="a1", note="hedged 👍🏽")
    condition = region(TEXT, "if Moscow halts its drone attacks", ["condition"], utf16=utf16, rid="a2")
    return [
        {
            "id": 17,
            "data": {"text": TEXT, "source": "wire"},
            "project": 3,
            "annotations": [
                {
                    "id": 101,
                    "completed_by": {"id": 4, "email": "anna@example.org", "first_name": "Anna", "last_name": ""},
                    "was_cancelled": False,
                    "result": [
                        offer,
                        condition,
                        {"from_id": "a1", "to_id": "a2", "type": "relation", "direction": "right", "labels": ["if"]},
                        {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": ["calm"]}},
                    ],
                },
                {
                    "id": 102,
                    "completed_by": 9,
                    "result": [region(TEXT, "if Moscow halts its drone attacks", ["condition", "demand"], utf16=utf16)],
                },
            ],
            "predictions": [
                {"model_version": "ner-2024-05", "score": 0.8, "result": [region(TEXT, "Kyiv", ["offer"], utf16=utf16)]}
            ],
        },
        {
            "id": 18,
            "data": {"text": CRLF_TEXT},
            "annotations": [
                {
                    "id": 103,
                    "completed_by": {"id": 4, "email": "anna@example.org"},
                    "result": [region(CRLF_TEXT, "The Kremlin said no talks\r\nwere planned.", ["denial"])],
                }
            ],
            "predictions": [],
        },
    ]


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def layers_by_text(store: Store) -> dict[str, dict[str, list[tuple[str, str, str]]]]:
    """text -> annotator -> sorted (covered text, label, note), as the export sees them."""
    found: dict[str, dict[str, list[tuple[str, str, str]]]] = defaultdict(dict)
    for row in store.export_rows():
        if row.annotator is not None:
            t = row.text
            found[t][row.annotator] = sorted((t[s:e], label, note) for s, e, label, note in row.spans)
    return found


@pytest.mark.parametrize("utf16", [False, True], ids=["code points (today)", "UTF-16 (before #1008)"])
def test_a_label_studio_export_comes_in_under_its_annotators_and_the_model(cli, db_path, tmp_path, utf16):
    path = write_json(tmp_path / "project-3-at-2024.json", export_tasks(utf16=utf16))
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert "6 labels" in result.stdout and "1 article category" in result.stdout
    assert 'new to this project\'s scheme (calm): shown in the group "other"' in result.stdout
    with Store.open(db_path) as store:
        layers = layers_by_text(store)
        assert store.stats()["articles"] == 2
        (crlf_article,) = [a for a in map(store.articles.article, store.articles.article_ids()) if "Kremlin" in a.text]
    condition, offer = "if Moscow halts its drone attacks", "Kyiv 🇺🇦 offered a pause on strikes"
    assert layers[TEXT] == {
        "anna@example.org": [(offer, "offer", "hedged 👍🏽"), (condition, "condition", "")],
        "ls-9": [(condition, "condition", ""), (condition, "demand", "")],
        MODEL_LAYER_PREFIX + "ner-2024-05": [("Kyiv", "offer", "")],
    }
    assert crlf_article.text == "Moscow denied the report.\nThe Kremlin said no talks\nwere planned."
    denial = "The Kremlin said no talks\nwere planned."
    assert layers[crlf_article.text] == {"anna@example.org": [(denial, "denial", "")]}
    with Store.open(db_path) as store:  # the relation is anna's link, from the offer to its condition
        (article_id,) = [row.article_id for row in store.export_rows("anna@example.org") if row.text == TEXT]
        (link,) = store.links.links(article_id, "anna@example.org")
    assert (TEXT[slice(*link.head)], TEXT[slice(*link.child)], link.label) == (offer, condition, "if")
    with Store.open(db_path) as store:  # the stance choice is anna's category of the article
        assert [(who, c) for _, who, c in store.categories.category_rows()] == [("anna@example.org", "calm")]


def test_people_finish_their_articles_and_the_model_does_not(store, tmp_path):
    report = import_paths(store, [write_json(tmp_path / "ls.json", export_tasks())], annotator="me")
    (article_id,) = [row.article_id for row in store.export_rows() if row.text == TEXT][:1]
    assert store.articles.status(article_id, "anna@example.org") == "done"
    assert store.articles.status(article_id, "ls-9") == "done"
    assert store.articles.status(article_id, MODEL_LAYER_PREFIX + "ner-2024-05") != "done"
    assert "me" not in store.layers.annotators()
    assert report.rejections == [] and store.categories.article_categories(article_id, "anna@example.org") == ("calm",)


def test_records_of_a_prediction_are_marked_as_model_output():
    from annotator.formats.label_studio import task_records

    records, note = task_records(export_tasks()[0], source="ls.json", line=2)
    kinds = {(r.annotator, r.model_version, r.status) for r in records}
    assert kinds == {
        ("anna@example.org", None, "done"),
        ("ls-9", None, "done"),
        (MODEL_LAYER_PREFIX + "ner-2024-05", "ner-2024-05", None),
    }
    assert note is None
    (anna,) = [r for r in records if r.annotator == "anna@example.org"]
    assert anna.categories == ["calm"]
    assert [link.label for link in anna.links] == ["if"]


def test_the_same_tasks_one_per_line_come_in_alike(cli, db_path, tmp_path):
    tasks = export_tasks()
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    result = cli("import", "--no-ner", path)
    assert result.stderr == "" and "1 article category" in result.stdout
    with Store.open(db_path) as store:
        assert set(layers_by_text(store)[TEXT]) == {"anna@example.org", "ls-9", MODEL_LAYER_PREFIX + "ner-2024-05"}


def test_json_min_comes_in_under_each_annotator(cli, db_path, tmp_path):
    """JSON-MIN, as label-studio-converter's `convert_to_json_min` writes it: one flat record per annotation."""
    condition = region(TEXT, "if Moscow halts its drone attacks", ["condition"], utf16=True)["value"]
    demand = {**condition, "labels": ["condition", "demand"]}
    common = {"created_at": "2024-05-02T10:00:00Z", "updated_at": "2024-05-02T10:00:00Z", "lead_time": 3.5}
    records = [
        {"text": TEXT, "source": "wire", "id": 17, "label": [condition], "annotator": "anna@example.org"}
        | {"annotation_id": 101, "stance": [{"choices": ["calm", "firm"]}], **common},
        {"text": TEXT, "source": "wire", "id": 17, "label": [demand], "annotator": 9, "annotation_id": 102, **common},
    ]
    path = write_json(tmp_path / "min.json", records)
    result = cli("import", "--no-ner", path)
    assert result.stderr == "" and "2 article categories" in result.stdout
    with Store.open(db_path) as store:
        assert [(who, c) for _, who, c in store.categories.category_rows()] == [
            ("anna@example.org", c) for c in ("calm", "firm")
        ]
        condition = "if Moscow halts its drone attacks"
        assert layers_by_text(store)[TEXT] == {
            "anna@example.org": [(condition, "condition", "")],
            "ls-9": [(condition, "condition", ""), (condition, "demand", "")],
        }
        (row,) = [r for r in store.export_rows() if r.annotator == "ls-9"]
    assert row.meta == {"source": "wire", "label_studio_id": 17}


def test_a_region_whose_quote_fits_no_counting_rejects_its_whole_task(cli, db_path, tmp_path):
    tasks = export_tasks()
    tasks[0]["annotations"][1]["result"][0]["value"]["start"] += 3  # ls-9's region no longer says what it quotes
    path = write_json(tmp_path / "ls.json", tasks)
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:2: task 17: ls-9: region " in result.stderr and "quotes 'if Moscow" in result.stderr
    with Store.open(db_path) as store:
        texts = [store.articles.article(i).text for i in store.articles.article_ids()]
    assert texts == ["Moscow denied the report.\nThe Kremlin said no talks\nwere planned."]  # nothing of task 17


def test_skipped_annotations_and_drafts_are_named_not_imported(store, tmp_path):
    task = {
        "id": 5,
        "data": {"text": TEXT},
        "annotations": [{"completed_by": 2, "was_cancelled": True, "result": []}],
        "drafts": [{"result": [region(TEXT, "Kyiv", ["offer"])]}],
    }
    report = import_paths(store, [write_json(tmp_path / "one-task.json", task)], annotator="me")
    assert [r.reason for r in report.rejections] == ["task 5: 1 draft and 1 skipped annotation not imported yet"]
    assert store.stats()["articles"] == 1 and store.stats()["spans"] == 0


def test_every_other_result_type_is_named_by_its_type(store, tmp_path):
    results = [
        region(TEXT, "Kyiv", ["offer"]),
        {"from_name": "tone", "to_name": "text", "type": "rating", "value": {"rating": 4}},
        {"from_name": "summary", "to_name": "text", "type": "textarea", "value": {"text": ["a", "b"]}},
        {"from_name": "summary", "to_name": "text", "type": "textarea", "value": {"text": ["c"]}},
    ]
    annotations = [{"completed_by": 2, "result": results}]
    task = {"id": 6, "data": {"text": TEXT}, "annotations": annotations, "predictions": [3]}
    report = import_paths(store, [write_json(tmp_path / "t.json", [task])], annotator="me")
    assert [r.reason for r in report.rejections] == [
        "task 6: 1 prediction without its result, 1 rating result and 2 textarea results not imported yet"
    ]
    assert layers_by_text(store)[TEXT] == {"ls-2": [("Kyiv", "offer", "")]}


def test_a_task_with_several_text_fields_uses_the_one_its_regions_quote(store, tmp_path):
    body = "Moscow said the strikes would go on."
    task = {
        "id": 1,
        "data": {"headline": "Strikes go on", "body": body},
        "annotations": [{"completed_by": 1, "result": [region(body, "the strikes would go on", ["claim"])]}],
    }
    import_paths(store, [write_json(tmp_path / "t.json", task)], annotator="me")
    assert layers_by_text(store)[body] == {"ls-1": [("the strikes would go on", "claim", "")]}


# -- back to Label Studio ------------------------------------------------------------------


def tasks_from_project(store: Store, *, as_predictions: bool) -> list[dict]:
    """What the export (part 2 of the format registry) will write: one task per article."""
    rows: dict[int, list[dict]] = defaultdict(list)
    for row in store.export_rows():
        rows[row.article_id].append(row)
    tasks = []
    for article_rows in rows.values():
        first = article_rows[0]
        layers = [Layer(r.annotator, r.spans) for r in article_rows if r.annotator is not None]
        tasks.append(
            label_studio_task(
                first.text, layers, task_id=first.meta.get("label_studio_id"), as_predictions=as_predictions
            )
        )
    return tasks


def structure(tasks: list[dict]) -> dict:
    """What Label Studio keeps of a task: its text, who annotated which regions, which model predicted which."""

    def regions(result: list[dict]) -> list[tuple]:
        labeled = [(r["value"], r.get("meta", {}).get("text", [])) for r in result if r["type"] == "labels"]
        return sorted((v["start"], v["end"], v["text"], tuple(sorted(v["labels"])), tuple(n)) for v, n in labeled)

    def who(completed_by) -> object:
        return completed_by["email"] if isinstance(completed_by, dict) else completed_by

    return {
        task["id"]: {
            "text": task["data"]["text"].replace("\r\n", "\n"),
            "annotations": sorted((str(who(a.get("completed_by"))), regions(a["result"])) for a in task["annotations"]),
            "predictions": sorted((p["model_version"], regions(p["result"])) for p in task["predictions"]),
        }
        for task in tasks
    }


def test_label_studio_export_goes_back_out_with_the_same_annotators_predictions_and_regions(store, tmp_path):
    theirs = [task for task in export_tasks() if task["id"] == 17]  # code points, as Label Studio counts today
    import_paths(store, [write_json(tmp_path / "ls.json", theirs)], annotator="me")
    ours = tasks_from_project(store, as_predictions=False)
    assert structure(ours) == structure(theirs)
    (task,) = ours
    assert {r["from_name"] for a in task["annotations"] for r in a["result"]} == {"label"}
    assert {r["to_name"] for a in task["annotations"] for r in a["result"]} == {"text"}


def test_utf16_offsets_go_back_out_as_code_points_on_the_same_words(store, tmp_path):
    import_paths(store, [write_json(tmp_path / "old-ls.json", export_tasks(utf16=True))], annotator="me")
    for task in tasks_from_project(store, as_predictions=False):
        text = task["data"]["text"]
        for layer in task["annotations"] + task["predictions"]:
            for r in layer["result"]:
                v = r["value"]
                assert text[v["start"] : v["end"]].replace("\n", "\\n") == v["text"]


def test_as_pre_annotations_every_layer_is_a_prediction_named_after_it(store, tmp_path):
    import_paths(store, [write_json(tmp_path / "ls.json", export_tasks())], annotator="me")
    tasks = {t["id"]: t for t in tasks_from_project(store, as_predictions=True)}
    assert tasks[17]["annotations"] == []
    assert sorted(p["model_version"] for p in tasks[17]["predictions"]) == ["anna@example.org", "ls-9", "ner-2024-05"]
    json.dumps(tasks)  # plain JSON, ready for Label Studio's import


def test_a_line_break_inside_a_region_is_quoted_the_way_label_studio_quotes_it():
    text = "Kyiv said yes.\nMoscow said no."
    (region_,) = label_studio_task(text, [Layer("ls-3", [(5, 21, "claim", "")])])["predictions"][0]["result"]
    assert region_["value"] == {"start": 5, "end": 21, "text": "said yes.\\nMoscow", "labels": ["claim"]}


def test_text_fields_named_with_line_breaks_are_quoted_in_a_one_line_message(tmp_path):
    """Found by tests/test_import_fuzz_peers.py: a task whose data fields are "" and "\\n"."""
    from annotator import formats
    from annotator.records import Rejection

    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"data": {"": "", "\n": ""}}]), encoding="utf-8")
    (rejection,) = list(formats.read(path))
    assert isinstance(rejection, Rejection) and "\n" not in rejection.reason
    assert "several text fields ('', '\\n')" in rejection.reason
