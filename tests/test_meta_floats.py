"""A float in an article's meta comes out of every JSON export as the very number that went in.

srsly's fast JSON reader rounded some on import (0.14285714285714285 stored as 0.14285714285714202)
and its writer cut every float to 15 digits on export (2.2250738585072014e-308 written as 0.0):
a score or a coordinate in a user's meta changed without a word."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.json_out import json_text
from annotator.store import Store
from tests.conftest import write_jsonl

FLOATS = st.floats(allow_nan=False, allow_infinity=False)
SCORES = [0.14285714285714285, 1.7e308, 2.2250738585072014e-308, 5e-324, -0.0, 1e-07, 0.1]


def test_floats_in_meta_come_back_exactly_from_each_json_export(cli, db_path, tmp_path):
    meta = {"score": SCORES[0], "all": SCORES, "nested": {"p": SCORES[1], "list": [{"x": SCORES[2]}]}}
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": "Moscow said talks would resume.", "meta": meta})])
    assert cli("import", "--no-ner", src).exit_code == 0
    with Store.open(db_path) as store:
        stored = json.loads(store.conn.execute("SELECT meta FROM articles").fetchone()[0])
    assert stored == meta and str(stored["all"][4]) == "-0.0"
    for fmt, read in [
        ("jsonl", lambda text: json.loads(text)["meta"]),
        ("label-studio", lambda text: json.loads(text)[0]["data"]),
        ("doccano", lambda text: json.loads(text)["meta"]),
    ]:
        out = tmp_path / f"out.{fmt}"
        assert cli("export", "--format", fmt, "--all-layers", "--articles", "all", out).exit_code == 0
        written = read(out.read_text(encoding="utf-8"))
        assert {key: written[key] for key in meta} == meta, fmt


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(max_size=5), st.one_of(FLOATS, st.lists(FLOATS, max_size=3), st.integers(0, 9))))
def test_a_record_is_written_as_json_that_reads_back_the_same(meta):
    record = {"text": "t", "meta": meta, "spans": [{"start": 0, "end": 1, "label": "offer"}]}
    assert json.loads(json_text(record)) == record
