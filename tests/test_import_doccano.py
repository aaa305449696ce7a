"""A team coming from doccano brings whatever its version exported: sequence labelling, entity
and relation projects, per-user `annotations`, text classification, the `data` key of 1.3-1.6.
Spans become the annotator's statements (never model entities); relations, categories and
comments are named once per file with a count; the sequence-labelling file goes back out alike."""

from __future__ import annotations

import json

import pytest

from annotator.export.rule import choose_rule
from annotator.export.run import export
from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Ukraine proposed a truce on energy sites. Russia rejected it within hours 🚫."
OFFER = "Ukraine proposed a truce on energy sites."
DENIAL = "Russia rejected it within hours 🚫."
A, AE = TEXT.index(OFFER), TEXT.index(OFFER) + len(OFFER)
B, BE = TEXT.index(DENIAL), TEXT.index(DENIAL) + len(DENIAL)


def statements(db_path) -> dict[str, list[tuple[str, str]]]:
    """annotator -> sorted (covered text, label); and no entity came in from the labels."""
    with Store.open(db_path) as store:
        assert store.stats()["entities"] == 0, "doccano spans must not become model entities"
        found: dict[str, list[tuple[str, str]]] = {}
        for row in store.export_rows():
            if row.spans:
                t = row.text
                found[row.annotator] = sorted((t[s:e], label) for s, e, label, _ in row.spans)
        return found


def test_sequence_labelling_of_1_7_comes_in_with_its_comments_named(cli, db_path, tmp_path):
    """backend/data_export/pipeline/examples/sequence_labeling/example.jsonl, with 1.8's Comments."""
    line = {"id": 1, "text": TEXT, "label": [[A, AE, "offer"], [B, BE, "denial"]], "Comments": ["check the date"]}
    path = write_jsonl(tmp_path / "admin.jsonl", [json.dumps(line, ensure_ascii=False)])
    result = cli("import", "--no-ner", "--annotator", "admin", path)
    assert f"{path}:1: 1 comment in 1 record not imported (the first on this line)" in result.stderr
    assert statements(db_path) == {"admin": [(DENIAL, "denial"), (OFFER, "offer")]}


def test_entity_and_relation_projects_give_the_annotator_statements_and_links(cli, db_path, tmp_path):
    """examples/relation_extraction/example.jsonl: spans are the annotator's, not the model's, and
    `--annotator` is honoured (they used to be stored as entities under nobody); relations are links."""
    lines = [
        {
            "id": 2,
            "text": TEXT,
            "entities": [
                {"id": 10, "label": "offer", "start_offset": A, "end_offset": AE},
                {"id": 11, "label": "denial", "start_offset": B, "end_offset": BE},
            ],
            "relations": [{"id": 3, "from_id": 11, "to_id": 10, "type": "rejects"}],
            "Comments": [],
        },
        {"id": 4, "text": "Talks resume in Geneva.", "entities": [], "relations": [], "Comments": []},
    ]
    path = write_jsonl(tmp_path / "carol.jsonl", [json.dumps(x, ensure_ascii=False) for x in lines])
    result = cli("import", "--no-ner", "--annotator", "carol", path)
    assert result.exit_code == 0, result.output
    assert "1 link" in result.stdout
    assert statements(db_path) == {"carol": [(DENIAL, "denial"), (OFFER, "offer")]}
    with Store.open(db_path) as store:
        (link,) = store.links.links(store.articles.article_ids()[0], "carol")
    assert (link.head, link.child, link.label) == ((B, BE), (A, AE), "rejects")


def test_a_relation_to_an_entity_the_record_lacks_is_refused_with_its_record(cli, db_path, tmp_path):
    line = {
        "text": TEXT,
        "entities": [{"id": 1, "label": "offer", "start_offset": A, "end_offset": AE}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 7, "type": "rejects"}],
    }
    path = write_jsonl(tmp_path / "bad.jsonl", [json.dumps(line, ensure_ascii=False)])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:1: relation 0: to_id 7 names no entity of the record" in result.stderr


def test_per_user_annotations_of_1_0_come_in_under_each_user(cli, db_path, tmp_path):
    """doccano 1.0-1.2's "JSON" export (`JSONPainter.paint`): these spans used to be dropped, exit 0."""
    line = {
        "id": 3,
        "text": TEXT,
        "annotations": [
            {"label": "offer", "start_offset": A, "end_offset": AE, "user": 1},
            {"label": "denial", "start_offset": B, "end_offset": BE, "user": 2},
            {"label": "offer", "start_offset": A, "end_offset": AE, "user": 2},
        ],
        "meta": {"source": "tass"},
        "annotation_approver": None,
    }
    path = write_jsonl(tmp_path / "doccano.jsonl", [json.dumps(line, ensure_ascii=False)])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0, result.output
    assert statements(db_path) == {"doccano-1": [(OFFER, "offer")], "doccano-2": [(DENIAL, "denial"), (OFFER, "offer")]}


def test_label_ids_instead_of_names_are_refused_with_the_way_out(cli, db_path, tmp_path):
    line = {"id": 3, "text": TEXT, "annotations": [{"label": 7, "start_offset": A, "end_offset": AE, "user": 1}]}
    path = write_jsonl(tmp_path / "doccano.jsonl", [json.dumps(line, ensure_ascii=False)])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:1: annotation 0: label 7 is a doccano label id, not its name" in result.stderr
    assert 'export the project again as "JSONL (text label)"' in result.stderr
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 0  # nothing half-imported


def test_text_classification_brings_the_texts_and_their_categories(cli, db_path, tmp_path):
    """examples/text_classification/example.jsonl (1.7+); also a `.json` array (example.json)."""
    lines = [
        {"id": 4, "text": TEXT, "label": ["escalation", "diplomacy"], "Comments": []},
        {"id": 5, "text": "Talks resume in Geneva next week.", "label": ["diplomacy"], "Comments": []},
    ]
    jsonl = write_jsonl(tmp_path / "textcat.jsonl", [json.dumps(x, ensure_ascii=False) for x in lines])
    array = tmp_path / "textcat.json"
    array.write_text(json.dumps(lines, indent=4, ensure_ascii=False), encoding="utf-8")
    result = cli("import", "--no-ner", "--annotator", "dora", jsonl, array)
    assert result.exit_code == 0 and result.stderr == ""
    assert "imported 2 new articles, 2 records matched" in result.stdout
    assert "3 article categories" in result.stdout  # the array's are the same: not added twice
    assert "2 article categories new to this project's scheme (diplomacy, escalation)" in result.stdout
    with Store.open(db_path) as store:
        assert list(store.categories.category_rows()) == [
            (1, "dora", "diplomacy"),
            (1, "dora", "escalation"),
            (2, "dora", "diplomacy"),
        ]
        # text classification asked categories, not statements: started, not finished
        assert store.articles.status(1, "dora") == "in_progress"


@pytest.mark.parametrize(
    ("version", "line"),
    [
        ("0.x (PR #46)", {"doc_id": 20, "text": TEXT, "entities": [[A, AE, "offer"]], "username": "dora"}),
        ("1.0 json1", {"id": 9, "text": TEXT, "labels": [[A, AE, "offer"]], "meta": {}, "annotation_approver": "x"}),
        ("1.3-1.6", {"id": 9, "data": TEXT, "label": [[A, AE, "offer"]], "source": "tass"}),
        ("intent detection", {"id": 9, "text": TEXT, "entities": [[A, AE, "offer"]], "cats": ["truce"]}),
    ],
)
def test_every_older_shape_brings_its_spans(cli, db_path, tmp_path, version, line):
    path = write_jsonl(tmp_path / "old.jsonl", [json.dumps(line, ensure_ascii=False)])
    result = cli("import", "--no-ner", "--annotator", "dora", path)
    assert "1 label" in result.stdout, (version, result.output)
    assert statements(db_path) == {"dora": [(OFFER, "offer")]}
    if "cats" in line:
        assert "1 article category" in result.stdout
        with Store.open(db_path) as store:
            assert list(store.categories.category_rows()) == [(1, "dora", "truce")]


def test_doccano_s_top_level_metadata_is_kept(cli, db_path, tmp_path):
    line = {"id": 9, "data": TEXT, "label": [], "source": "tass", "published": "2025-03-18"}
    cli("import", "--no-ner", write_jsonl(tmp_path / "v15.jsonl", [json.dumps(line, ensure_ascii=False)]))
    with Store.open(db_path) as store:
        (row,) = store.export_rows()
    assert row.meta == {"id": 9, "source": "tass", "published": "2025-03-18"} and row.source == "tass"


def test_sequence_labelling_goes_back_out_with_the_same_spans(cli, db_path, tmp_path):
    theirs = {"id": 1, "text": TEXT, "label": [[A, AE, "offer"], [B, BE, "denial"]]}
    cli("import", "--no-ner", "--annotator", "admin", write_jsonl(tmp_path / "in.jsonl", [json.dumps(theirs)]))
    out = tmp_path / "out.jsonl"
    with Store.open(db_path) as store:
        export(store, out, choose_rule(store, "doccano"))
    (ours,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert ours["text"] == theirs["text"]
    assert sorted(ours["label"]) == sorted(theirs["label"])
    assert ours["_annotator_id"] == "admin"
