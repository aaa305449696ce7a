"""Everything written is exported or counted: a note on a statement with no label.

The annotator labels one statement, writes a note on another she gives no label ("Could this
lead to the end of the war's hot phase?"), and marks the article done. Every format that can
hold the note carries it (JSONL in the task's meta, a CSV row with an empty label, a doccano
comment, a Label Studio comment on the text, the DocBin's user_data); the others' accounts
count it as left out.
"""

from __future__ import annotations

import csv
import json

import pytest

from annotator.records import IncomingRecord
from annotator.store import Preannotation
from annotator.tokens import word_tokens
from tests.conftest import export_file

LABELED = "Kyiv offered a pause in strikes."
QUESTION = "Could this lead to the end of the war's hot phase?"
TEXT = f"{LABELED} {QUESTION}"
NOTE = "a question, not a claim: check the source"
AT = (TEXT.index(QUESTION), len(TEXT))


@pytest.fixture
def noted(store):
    store.add_records([IncomingRecord(TEXT, "talks", "test", 1)], "importer")
    (article,) = store.articles.article_ids()
    sentences = [(0, len(LABELED)), AT]
    store.preannotations.store_preannotations([Preannotation(article, "test", [], sentences, word_tokens(TEXT))])
    store.statements.set_statement(article, "anna", 0, len(LABELED), ["offer"])
    store.statements.set_statement(article, "anna", *AT, [], note=NOTE)  # a note, no label
    store.articles.set_status(article, "anna", "done")
    return store


def test_the_note_reaches_every_format_that_can_hold_it(noted, tmp_path):
    summary = export_file(noted, tmp_path / "out.jsonl", annotator="anna")
    (task,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert task["meta"]["notes"] == [{"start": AT[0], "end": AT[1], "text": QUESTION, "note": NOTE}]
    assert summary.counts["notes_written"] == 1 and not summary.counts["notes_left_out"]
    assert any("notes on statements without a label" in line for line in summary.lines())

    export_file(noted, tmp_path / "out.csv", annotator="anna")
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    (row,) = [r for r in rows if r["note"]]
    assert (row["start"], row["end"], row["label"], row["text"], row["note"]) == (
        str(AT[0]),
        str(AT[1]),
        "",
        QUESTION,
        NOTE,
    )

    export_file(noted, tmp_path / "out-doccano.jsonl", "doccano", annotator="anna")
    (record,) = [json.loads(x) for x in (tmp_path / "out-doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["Comments"] == [f"{AT[0]}-{AT[1]} “{QUESTION}”: {NOTE}"]

    export_file(noted, tmp_path / "out-ls.json", "label-studio", annotator="anna")
    (ls_task,) = json.loads((tmp_path / "out-ls.json").read_text(encoding="utf-8"))
    layers = ls_task["annotations"] + ls_task["predictions"]
    comments = [r for a in layers for r in a["result"] if r["type"] == "textarea"]
    assert [c["value"] for c in comments] == [{"start": AT[0], "end": AT[1], "text": [NOTE]}]


@pytest.mark.spacy
def test_the_docbin_keeps_the_note_in_user_data(noted, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    summary = export_file(noted, tmp_path / "out.spacy", annotator="anna")
    (doc,) = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    ours = next(value for key, value in doc.user_data.items() if isinstance(value, dict) and "notes" in value)
    assert [list(note) for note in ours["unlabeled_notes"]] == [[*AT, NOTE]]
    assert summary.counts["notes_written"] == 1


def test_a_format_without_a_place_for_it_counts_it(noted, tmp_path):
    summary = export_file(noted, tmp_path / "out.textcat.jsonl", "textcat", annotator="anna")
    assert summary.counts["notes_left_out"] == 1
    assert any("no place for" in line and line.rstrip().endswith(": 1") for line in summary.lines())


def test_notes_come_back_on_import(noted, tmp_path, cli):
    """A JSONL export re-imported into a fresh project keeps both notes: the labeled statement's
    (on its span) and the unlabeled one's (in meta.notes), each on its statement, and the second
    import of the same file changes nothing."""
    (article,) = noted.articles.article_ids()
    first = noted.statements.statements(article, "anna")[0]
    noted.statements.set_statement(article, "anna", first.start, first.end, ["offer"], note="said at the briefing")
    export_file(noted, tmp_path / "out.jsonl", annotator="anna")

    fresh = tmp_path / "fresh.annotator.sqlite"
    for _ in range(2):
        result = cli("import", "--no-ner", tmp_path / "out.jsonl", db=fresh)
        assert result.exit_code == 0, result.output
    from annotator.store import Store

    with Store.open(fresh) as store:
        (again,) = store.articles.article_ids()
        kept = {(s.start, s.end): (s.labels, s.note) for s in store.statements.statements(again, "anna")}
        assert kept == {(0, len(LABELED)): (("offer",), "said at the briefing"), AT: ((), NOTE)}
        assert "notes" not in store.articles.article(again).meta  # a statement again, not the article's meta
        export_file(store, tmp_path / "again.jsonl", annotator="anna")
    (out,), (back,) = (
        [json.loads(x) for x in (tmp_path / f).read_text("utf-8").splitlines()] for f in ("out.jsonl", "again.jsonl")
    )
    assert back["meta"]["notes"] == out["meta"]["notes"]
    keys = ("start", "end", "label", "note")  # token indices need the tokens, which --no-ner leaves out
    assert [[s[k] for k in keys] for s in back["spans"]] == [[s[k] for k in keys] for s in out["spans"]]


def test_a_note_outside_the_text_is_refused_at_the_door(tmp_path, cli):
    bad = {"text": TEXT, "meta": {"notes": [{"start": 5, "end": len(TEXT) + 9, "note": NOTE}]}}
    other = {"text": "Kyiv said nothing.", "meta": {"notes": "my own field"}}  # another shape: the record's own meta
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(bad) + "\n" + json.dumps(other) + "\n", encoding="utf-8")
    result = cli("import", "--no-ner", path)
    assert f"{path}:1: meta.notes 0: start and end must be offsets into the text" in result.output
    assert "Traceback" not in result.output
    from annotator.store import Store

    with Store.open(tmp_path / "project.annotator.sqlite") as store:
        (kept,) = store.articles.article_ids()
        assert store.articles.article(kept).meta["notes"] == "my own field"
