"""A note is free text, but no terminal escape: a note holding ESC or BEL from a JSONL file or a
work package was stored and written raw by the CSV export, so `cat` of the export set the terminal's
title. It is refused at the door like a name (`FILE:LINE: reason`); line breaks and tabs stay."""

from __future__ import annotations

import json

import pytest

from annotator.records import clean_note, note_problem
from annotator.store import Store
from tests.conftest import write_jsonl

GOOD = json.dumps({"text": "A good article about Kyiv."})
TEXT = "Kyiv said it would talk."
OSC = "n\u001b]0;x\u0007ote"


def _import(cli, path):
    result = cli("import", "--no-ner", path)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (OSC, "U+001B"),
        ("a\x00b", "U+0000"),
        ("a\x7fb", "U+007F"),
        ("a\x9bb", "U+009B"),
        ("a\u202eb", "U+202E"),
        ("bad \ud83d", "U+D83D"),  # half a character: it stopped the whole import with a traceback
    ],
)
def test_a_span_note_with_a_control_character_is_refused_by_file_and_line(cli, db_path, tmp_path, note, code):
    record = {"text": TEXT, "spans": [{"start": 0, "end": 24, "label": "offer", "note": note}], "_annotator_id": "zed"}
    path = write_jsonl(tmp_path / "in.jsonl", [GOOD, json.dumps(record)])
    result = _import(cli, path)
    assert result.exit_code == 1
    assert f"{path}:2: span 0's note {note!r}" in result.stderr and f"({code})" in result.stderr, result.stderr
    with Store.open(db_path) as store:
        assert len(store.articles.article_ids()) == 1  # the good record; the bad one is refused whole, as a bad label


def test_a_note_on_an_unlabeled_statement_is_checked_too(cli, db_path, tmp_path):
    notes = [{"start": 0, "end": 24, "note": OSC, "text": TEXT}]
    record = {"text": TEXT, "meta": {"notes": notes}, "_annotator_id": "zed", "_status": "done"}
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record)])
    result = _import(cli, path)
    assert result.exit_code == 1
    assert f"{path}:1: meta.notes 0: the note {OSC!r} holds a control character (U+001B)" in result.stderr


def test_line_breaks_and_tabs_stay_in_a_note_and_the_export_holds_no_escape(cli, db_path, tmp_path):
    note = "first line\nsecond\tline — ok"
    record = {"text": TEXT, "spans": [{"start": 0, "end": 24, "label": "offer", "note": note}], "_annotator_id": "zed"}
    result = _import(cli, write_jsonl(tmp_path / "in.jsonl", [json.dumps(record)]))
    assert result.exit_code == 0, result.output
    with Store.open(db_path) as store:
        assert [s.note for s in store.statements.statements(1, "zed")] == [note]
    out = tmp_path / "out.csv"
    assert cli("export", "--annotator", "zed", "--format", "csv", str(out)).exit_code == 0
    assert "second\tline" in out.read_text(encoding="utf-8") and "\x1b" not in out.read_text(encoding="utf-8")


def test_the_window_keeps_the_text_of_a_note_and_drops_its_escapes():
    assert note_problem("plain note, with é and 🙂") is None
    assert note_problem("two\nlines\tand a tab\r\n") is None
    assert clean_note(OSC) == "n]0;xote"
    assert clean_note("a\u202eb\u2066c") == "abc"
    assert clean_note("half \ud83d a smile") == "half  a smile"  # a pasted lone surrogate cannot be saved
    assert clean_note("keep\nthis\tone") == "keep\nthis\tone"
