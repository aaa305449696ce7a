"""A JSON export writes a Ukrainian or Russian article as UTF-8 text, one record a line.

Before, every character outside ASCII was a six-byte `\\uXXXX` escape: a Cyrillic corpus came out
about three times its size, and no one could grep it for a name. Standard output is UTF-8 too,
whatever Python would choose for it (on Windows, redirected to a file, the ANSI code page, which
cannot hold Cyrillic), so `annotator export - > out.jsonl` is the same file as `export out.jsonl`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import srsly
from hypothesis import given
from hypothesis import strategies as st

from annotator.formats.json_out import json_text
from tests.conftest import write_jsonl

KYIV = "Київ заявив, що готовий припинити удари по енергетиці, якщо Москва зробить те саме."
#: Line breaks to `str.splitlines` that JSON leaves unescaped: a text holding one must stay on its line.
BREAKS = "\u2028\u2029\x85"


def labeled(cli, tmp_path, text: str = KYIV) -> None:
    offer = text.index("готовий")
    record = {
        "text": text,
        "meta": {"джерело": "Укрінформ"},
        "spans": [{"start": offer, "end": offer + len("готовий"), "label": "offer"}],
        "_annotator_id": "олена",
        "_status": "done",
    }
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "in.jsonl", [json.dumps(record)])).exit_code == 0


def test_a_cyrillic_article_is_exported_as_readable_utf8(cli, tmp_path):
    labeled(cli, tmp_path)
    out = tmp_path / "out.jsonl"
    assert cli("export", out).exit_code == 0
    data = out.read_bytes()
    assert KYIV.encode() in data and "Укрінформ".encode() in data and b"\\u04" not in data
    escaped = json.dumps(json.loads(data), separators=(",", ":")).encode()  # as it was written before
    assert len(data) < 0.7 * len(escaped)
    (task,) = srsly.read_jsonl(out)  # Prodigy's own reader
    assert task["text"] == KYIV and task["_annotator_id"] == "олена"
    assert task["spans"][0]["text"] == "готовий"


def test_a_text_with_unicode_line_separators_stays_one_record_a_line(cli, tmp_path):
    text = f"Перший рядок{BREAKS[0]}другий{BREAKS[1]}третій{BREAKS[2]} — Київ готовий."
    labeled(cli, tmp_path, text)
    for fmt in ("jsonl", "doccano"):
        out = tmp_path / f"out.{fmt}.jsonl"
        assert cli("export", "--format", fmt, out).exit_code == 0, fmt
        lines = out.read_text(encoding="utf-8").splitlines()  # splits at U+2028, U+2029 and U+0085 too
        assert len(lines) == 1 and json.loads(lines[0])["text"] == text, fmt


def test_standard_output_carries_utf8_whatever_its_own_encoding(cli, db_path, tmp_path):
    labeled(cli, tmp_path)
    (tmp_path / "file.jsonl").write_bytes(b"")
    assert cli("export", tmp_path / "file.jsonl").exit_code == 0
    environment = {**os.environ, "PYTHONIOENCODING": "cp1252"}  # what a Windows redirect gives Python
    for fmt in ("jsonl", "csv"):
        result = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", str(db_path), "export", "--format", fmt, "-"],
            capture_output=True,
            env=environment,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        assert KYIV.encode() in result.stdout, fmt
        if fmt == "jsonl":  # byte for byte the file export: UTF-8, LF line ends
            assert result.stdout == (tmp_path / "file.jsonl").read_bytes()


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=6), st.integers(-(2**63), 2**64 - 1))),
)
def test_any_text_is_one_line_of_json_that_reads_back_the_same(text, meta):
    record = {"text": text, "meta": meta, "spans": []}
    line = json_text(record)
    assert len(line.splitlines()) == 1 and json.loads(line) == record


def test_what_the_fast_writer_refuses_is_still_written_exactly():
    for record in ({"meta": {"big": 2**70}}, {"text": "half \ud83d a character"}, {"meta": {1: "a key"}}):
        line = json_text(record)
        assert line.isascii() and json.loads(line) == json.loads(json.dumps(record))


def test_printing_an_export_obeys_nothing_its_texts_hold(cli, tmp_path):
    """A text holding a one-character CSI (U+009B), an OSC (U+009D) or a bidi override (U+202E)
    is written with those as escapes: `cat out.jsonl` shows them, the terminal runs none."""
    text = "Київ готовий: \x9d0;PWNED\x9c \x9b2J \u202eevil\u202c \x7f, 'ти' — «так»"
    labeled(cli, tmp_path, text)
    for fmt in ("jsonl", "doccano", "label-studio"):
        out = tmp_path / f"out.{fmt}"
        assert cli("export", "--format", fmt, out).exit_code == 0, fmt
        data = out.read_bytes()
        for obeyed in ("\x9b", "\x9c", "\x9d", "\u202e", "\u202c", "\x7f"):
            assert obeyed.encode() not in data, (fmt, obeyed)
        assert "Київ готовий".encode() in data and "«так»".encode() in data  # the rest stays readable
        written = json.loads(data)
        assert (written[0]["data"]["text"] if fmt == "label-studio" else written["text"]) == text
