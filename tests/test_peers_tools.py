"""Our files go through the peers' own tools (issue 28): label-studio-converter converts our Label
Studio export, Label Studio's import (its serializer's rules, read from its source) accepts it,
doccano's projects get the shape their type imports, and spaCy's `debug data` finds nothing of
ours to fix in the DocBins we write."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import write_jsonl
from tests.spacy_debug import check_docbin, debug_data_problems

TEXT = "Kyiv offered a pause on strikes, officials said.\nMoscow denied it."


def prodigy_project(cli, tmp_path: Path) -> None:
    """An article that never came from Label Studio: anna labeled it and finished it."""
    task = {
        "text": TEXT,
        "meta": {"title": "Pause offered", "source": "wire"},
        "spans": [{"start": 0, "end": 31, "label": "offer"}, {"start": 49, "end": 65, "label": "denial"}],
        "_annotator_id": "anna",
        "_status": "done",
    }
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "in.jsonl", [json.dumps(task)])).exit_code == 0


LABEL_CONFIG = """<View>
  <Labels name="label" toName="text"><Label value="offer"/><Label value="denial"/></Labels>
  <Text name="text" value="$text"/>
</View>"""


def test_label_studio_converter_converts_our_export(cli, tmp_path):
    converter = pytest.importorskip("label_studio_converter")
    prodigy_project(cli, tmp_path)
    out = tmp_path / "tasks.json"
    result = cli("export", "--layers-as", "annotations", out)
    assert result.exit_code == 0, result.output
    assert "tasks that did not come from Label Studio, given the article's number as their id: 1" in result.stdout
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(task["id"], int)
    assert task["data"]["title"] == "Pause offered" and task["data"]["source"] == "wire"
    conv = converter.Converter(LABEL_CONFIG, str(tmp_path))
    conv.convert(str(out), str(tmp_path / "min"), "JSON_MIN", is_dir=False)
    (record,) = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    assert sorted(tuple(r["labels"]) for r in record["label"]) == [("denial",), ("offer",)]
    conv.convert(str(out), str(tmp_path / "conll"), "CONLL2003", is_dir=False)
    conll = (tmp_path / "conll" / "result.conll").read_text(encoding="utf-8")
    assert "Kyiv -X- _ B-offer" in conll and "Moscow -X- _ B-denial" in conll


def test_the_default_export_says_the_converter_reads_annotations_only(cli, tmp_path):
    prodigy_project(cli, tmp_path)
    result = cli("export", tmp_path / "pre.json")
    assert result.exit_code == 0, result.output
    assert "label-studio-converter converts annotations only, --layers-as annotations for it: 1" in result.stdout


def label_studio_accepts(tasks: list[dict], members: dict[str, int]) -> list[str]:
    """What Label Studio's import (`label_studio/tasks/serializers.py`, `BaseTaskSerializerBulk.
    _insert_valid_completed_by`, with ALLOW_IMPORT_TASKS_WITH_UNKNOWN_EMAILS off, its default) says
    of each annotation's `completed_by`: an e-mail must be a member's, an id a member's id, and
    none at all goes to whoever imports. One error refuses the whole file."""
    errors = []
    for task in tasks:
        for annotation in task.get("annotations", []):
            completed_by = annotation.get("completed_by")
            if completed_by is None:
                continue
            if isinstance(completed_by, dict):
                if completed_by.get("email") not in members:
                    errors.append(f"Unknown annotator's email {completed_by.get('email')}")
            elif not (isinstance(completed_by, int) and completed_by in members.values()):
                errors.append(f"completed_by={completed_by} is not a valid annotator's email or ID")
    return errors


def test_label_studio_takes_our_annotations_into_an_instance_where_nobody_is_a_member(cli, tmp_path):
    prodigy_project(cli, tmp_path)
    with_email = {
        "text": "Kyiv said no.",
        "spans": [{"start": 0, "end": 4, "label": "offer"}],
        "_annotator_id": "ben@example.org",
        "_status": "done",
    }
    cli("import", "--no-ner", write_jsonl(tmp_path / "ben.jsonl", [json.dumps(with_email)]))
    out = tmp_path / "tasks.json"
    result = cli("export", "--all-layers", "--layers-as", "annotations", out)
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert label_studio_accepts(tasks, members={"admin@example.org": 1}) == []
    assert sorted(a["created_username"] for t in tasks for a in t["annotations"]) == ["anna", "ben@example.org"]
    assert "annotations without completed_by: they go to whoever imports" in result.stdout
    recorded = tmp_path / "recorded.json"
    cli("export", "--all-layers", "--layers-as", "annotations", "--completed-by", "recorded", recorded)
    refused = label_studio_accepts(json.loads(recorded.read_text(encoding="utf-8")), {"admin@example.org": 1})
    assert refused == ["Unknown annotator's email ben@example.org"], "recorded names non-members: refused"


def test_our_label_studio_export_comes_back_under_the_same_annotators(cli, tmp_path):
    prodigy_project(cli, tmp_path)
    out = tmp_path / "tasks.json"
    cli("export", "--layers-as", "annotations", out)
    again = tmp_path / "again.sqlite"
    assert cli("import", "--no-ner", out, db=again).exit_code == 0
    from annotator.store import Store

    with Store.open(again) as store:
        (row,) = store.export_rows("anna")
        assert row.title == "Pause offered" and row.source == "wire"
        assert sorted(label for *_, label, _ in row.spans) == ["denial", "offer"]


def doccano_keeps(spans: list[list], allow_overlapping: bool) -> list[list]:
    """doccano's `SpanCleaner` (`backend/data_import/pipeline/cleaners.py`): without "Allow overlapping
    spans", a span is kept only if it starts at or after the end of the last one kept."""
    if allow_overlapping:
        return spans
    kept, last = [], -1
    for span in sorted(spans, key=lambda s: s[0]):
        if span[0] >= last:
            last = span[1]
            kept.append(span)
    return kept


def test_doccano_intent_detection_gets_its_fixed_columns_and_the_settings_are_named(cli, db_path, tmp_path):
    from annotator.records import Category, CategoryGroup
    from annotator.store import Store

    prodigy_project(cli, tmp_path)
    with Store.open(db_path) as store:
        store.schemes.set_category_scheme([CategoryGroup("stance", True, (Category("pro"), Category("anti")))])
        store.statements.toggle_label(
            store.articles.article_ids()[0], "anna", 0, 4, "actor"
        )  # inside the offer: overlapping
        store.categories.set_article_categories(store.articles.article_ids()[0], "anna", ["pro"])
        store.articles.set_status(store.articles.article_ids()[0], "anna", "done")
    out = tmp_path / "intent.jsonl"
    result = cli("export", "--format", "doccano", "--doccano-task", "intent-detection", out)
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(map(tuple, line["entities"])) == [(0, 4, "actor"), (0, 31, "offer"), (49, 65, "denial")]
    assert line["cats"] == ["pro"] and "label" not in line
    assert "turn on the doccano project's 'Allow overlapping spans'" in result.stdout
    assert len(doccano_keeps(line["entities"], allow_overlapping=False)) < 3  # what the account warns of
    again = tmp_path / "again.sqlite"
    assert cli("import", "--no-ner", "--format", "doccano", out, db=again).exit_code == 0
    with Store.open(again) as store:
        (row,) = store.export_rows("anna")
        assert sorted(label for *_, label, _ in row.spans) == ["actor", "denial", "offer"]
        assert row.categories == ("pro",)


def test_doccano_relation_shape_names_the_settings_it_needs(cli, db_path, tmp_path):
    from annotator.records import Link
    from annotator.store import Store

    prodigy_project(cli, tmp_path)
    with Store.open(db_path) as store:
        article = store.articles.article_ids()[0]
        store.links.change_links(article, "anna", add=(Link(0, 31, 49, 65, "answered-by"),))
    result = cli("export", "--format", "doccano", tmp_path / "rel.jsonl")
    assert result.exit_code == 0, result.output
    assert "with 'Use relation labeling' and 'Allow overlapping spans' on: 1" in result.stdout


#: What `spacy debug data` says that is about the amount of data, not about our file.
NOT_OURS = (
    "Low number of examples",
    "No examples for texts WITHOUT new label",
    "The train data contains only instances with mutually-exclusive",  # 2 categories, one chosen (wrapped)
)

CORPUS = [
    {  # an entity drawn across spaces, another across a line break; a statement over the line break
        "text": "Shelling hit Kharkiv overnight, officials said.\nMoscow denied it.",
        "spans": [{"start": 0, "end": 20, "label": "claim"}, {"start": 47, "end": 65, "label": "denial"}],
        "entities": [
            {"start": 12, "end": 21, "label": "GPE", "source": "user"},
            {"start": 47, "end": 54, "label": "GPE", "source": "user"},
        ],
        "options": [{"id": "relevant", "text": "relevant"}, {"id": "off-topic", "text": "off-topic"}],
        "accept": ["relevant"],
        "_annotator_id": "anna",
        "_status": "done",
    },
    {  # drawn over a no-break space
        "text": "Kyiv\u00a0offered talks in Riyadh.",
        "spans": [{"start": 0, "end": 5, "label": "claim"}],
        "entities": [
            {"start": 0, "end": 5, "label": "GPE", "source": "user"},
            {"start": 22, "end": 28, "label": "GPE", "source": "user"},
        ],
        "options": [{"id": "relevant", "text": "relevant"}, {"id": "off-topic", "text": "off-topic"}],
        "accept": ["relevant"],
        "_annotator_id": "anna",
        "_status": "done",
    },
    {
        "text": "Officials in Odesa said the port was hit.",
        "spans": [{"start": 0, "end": 23, "label": "claim"}],
        "entities": [{"start": 13, "end": 18, "label": "GPE", "source": "user"}],
        "options": [{"id": "relevant", "text": "relevant"}, {"id": "off-topic", "text": "off-topic"}],
        "accept": ["off-topic"],
        "_annotator_id": "anna",
        "_status": "done",
    },
]


def test_spacy_debug_data_finds_nothing_of_ours_to_fix_in_our_docbins(cli, tmp_path):
    import subprocess
    import sys

    import spacy
    from spacy.tokens import DocBin

    path = write_jsonl(tmp_path / "corpus.jsonl", [json.dumps(task, ensure_ascii=False) for task in CORPUS])
    assert cli("import", "--no-ner", path).exit_code == 0
    out = tmp_path / "all.spacy"
    result = cli("export", out)
    assert result.exit_code == 0, result.output
    assert "entities drawn across white space (a space, line break or NBSP at an edge): trimmed to their words: 3" in (
        result.stdout
    )
    check_docbin(out)  # spaCy's own checks, in-process: the quick helper every DocBin test calls
    docs = list(DocBin(store_user_data=True).from_disk(out).get_docs(spacy.blank("en").vocab))
    DocBin(docs=docs[:2], store_user_data=True).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[2:], store_user_data=True).to_disk(tmp_path / "dev.spacy")
    config = tmp_path / "config.cfg"
    python = [sys.executable, "-m", "spacy"]
    made = subprocess.run(
        [*python, "init", "config", str(config), "--lang", "en", "--pipeline", "ner,spancat,textcat_multilabel"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    paths = ("--paths.train", str(tmp_path / "train.spacy"), "--paths.dev", str(tmp_path / "dev.spacy"))
    checked = subprocess.run(
        [*python, "debug", "data", str(config), *paths], capture_output=True, text=True, timeout=600
    )
    report = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|⠙[^\n]*?\.\.\.", "", checked.stdout)
    assert "No entities consisting of or starting/ending with whitespace" in report, report
    assert "No entities crossing sentence boundaries" in report, report
    flagged = [line[2:] for line in report.splitlines() if line.startswith(("⚠ ", "✘ "))]
    flagged = [line for line in flagged if not re.fullmatch(r"\d+ (warnings?|errors?)", line)]  # the summary
    assert flagged, report  # the tiny corpus is flagged for its size: the check did run
    assert [line for line in flagged if not line.startswith(NOT_OURS)] == [], report


def test_the_debug_data_helper_flags_what_spacy_debug_data_flags(tmp_path):
    """The in-process helper is spaCy's own check: a DocBin drawn as a person drew it (an entity
    over a space and across a sentence, a category scored 0.5) is flagged, as `spacy debug data` does."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Kyiv offered talks.  Moscow refused.")
    doc.ents = [doc.char_span(0, 4, "GPE"), doc.char_span(20, 21, "GPE")]  # the second: the double space
    doc.cats = {"relevant": 0.5}
    again = nlp.make_doc("Kyiv offered talks. Moscow refused.")
    for token in again:
        token.is_sent_start = token.i in (0, 4)
    again.ents = [again.char_span(13, 26, "EVENT")]  # "talks. Moscow": across the sentence boundary
    DocBin(docs=[doc, again]).to_disk(tmp_path / "bad.spacy")
    assert debug_data_problems(tmp_path / "bad.spacy") == [
        "1 invalid whitespace entity spans",
        "1 entities crossing sentence boundaries",
        "1 docs with cats other than 1.0/0.0",
    ]


def test_every_export_format_says_what_the_peers_tools_do_with_our_file():
    from annotator.formats import all_formats, markdown_table

    silent = [fmt.name for fmt in all_formats() if fmt.can_export and not fmt.peers]
    assert silent == [], "the formats table says, per export format, what the peers' tools do with it"
    assert "| the peers' tools with our file |" in markdown_table()
