"""Bad input is reported as FILE:LINE: reason; everything else still comes in; exit code 1."""

import json

import pytest

from annotator.store import Store
from tests.conftest import write_jsonl

GOOD = json.dumps({"text": "A good article about Kyiv."})


def _import(cli, *paths):
    result = cli("import", "--no-ner", *paths)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "broken', "not valid JSON: Unterminated string starting at (column 10)"),
        ('{"text": "a", "meta": {"v": NaN}}', "not valid JSON: NaN is not a JSON value"),
        ('{"text": "a", "meta": {"id": 123456789012345678901234567890}}', "integer beyond 64 bits"),
        ('{"text": "a", "meta": {"v": [1e999]}}', '"meta" has inf, which is not a JSON number'),
        ('{"text": "a", "meta": {"v": "\\ud800"}}', '"meta" has a lone surrogate (U+D800)'),
        # the checks' fast paths (ASCII strings, plain ints and dicts) miss nothing deeper down
        ('{"text": "a", "meta": {"k": {"\\udc00": 1}}}', '"meta" has a lone surrogate (U+DC00)'),
        ('{"text": "a", "meta": {"k": ["é", "é\\ud800"]}}', '"meta" has a lone surrogate (U+D800) at offset 1'),
        ('{"text": "a", "meta": {"k": [{"n": 18446744073709551616}]}}', "integer beyond 64 bits"),
        ('{"text": "é\\udfffb"}', "lone surrogate (U+DFFF) at offset 1"),
        ("[1, 2, 3]", "expected a JSON object, got a list"),
        ('{"meta": {}}', 'missing "text"'),
        ('{"text": 42}', '"text" must be a string, got a number'),
        ('{"text": "   "}', '"text" is empty'),
        (
            '{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "x"}]}',
            "outside the text, which has 3 characters",
        ),
        ('{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "x"}]}', "start must be before end"),
        # a label with a line break is quoted, so that the message stays one FILE:LINE line
        ('{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "a\\rb"}]}', "(2-1 'a\\rb'): start must be"),
        ('{"text": "abc", "spans": [{"start": 0, "end": 1}]}', "label must be a non-empty string"),
        ('{"text": "abc", "label": [[0, 1]]}', "must be [start, end, label]"),
        ('{"text": "a\\ud800b"}', "lone surrogate (U+D800) at offset 1"),
        ('{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "x", "text": "bc"}]}', "says 'bc' but the text"),
        ('{"text": "abc", "meta": "no"}', '"meta" must be an object'),
        # 1,000 levels went past the JSON encoder's recursion when stored: a traceback, nothing imported
        ('{"text": "a", "meta": {"d": ' + "[" * 1000 + "]" * 1000 + "}}", '"meta" is nested more than 100 levels'),
    ],
)
def test_each_bad_record_is_named_by_file_and_line(cli, db_path, tmp_path, line, reason):
    path = write_jsonl(tmp_path / "in.jsonl", [GOOD, line, json.dumps({"text": "Another good one."})])
    result = _import(cli, path)
    assert result.exit_code == 1
    assert f"{path}:2: " in result.stderr
    assert reason in result.stderr
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 2


def test_meta_a_fast_parser_refuses_but_json_allows_comes_in_and_goes_out_exactly(cli, db_path, tmp_path):
    meta = {"max": 2**64 - 1, "min": -(2**63), "deep": [[{"x": 1.5}]]}
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": "Kyiv offered a halt.", "meta": meta})])
    assert _import(cli, path).exit_code == 0
    out = tmp_path / "out.jsonl"
    assert cli("export", out, "--all-layers", "--articles", "all").exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert {key: exported[key] for key in meta} == meta


def test_a_rejected_record_is_not_half_imported(cli, db_path, tmp_path):
    bad = {
        "text": "Partly fine",
        "spans": [{"start": 0, "end": 6, "label": "x"}, {"start": 5, "end": 99, "label": "y"}],
    }
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(bad)])
    assert _import(cli, path).exit_code == 1
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 0
        assert store.stats()["spans"] == 0


def test_line_numbers_are_physical_and_count_blank_lines(cli, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(GOOD + "\n\n\nnot json\n", encoding="utf-8")
    assert f"{path}:4: not valid JSON" in _import(cli, path).stderr


def test_invalid_utf8_text_file_is_named(cli, db_path, tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Title\nCaf\xe9 in Kyiv".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Good title\nbody", encoding="utf-8")
    result = _import(cli, tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'latin1.txt'}:2: not UTF-8 text (byte 0xe9" in result.stderr
    assert "save the file as UTF-8" in result.stderr
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 1


def test_binary_and_empty_files_are_skipped_and_named(cli, db_path, tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Title\nText.", encoding="utf-8")
    result = _import(cli, tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'image.txt'}:3: binary file" in result.stderr
    assert f"{tmp_path / 'empty.txt'}:1: empty file, skipped" in result.stderr
    assert f"{tmp_path / 'blank.txt'}:1: empty file, skipped" in result.stderr
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 1


def test_missing_path_and_unknown_type_are_reported(cli, tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    result = _import(cli, tmp_path / "nowhere", tmp_path / "notes.docx")
    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere'}:1: no such file or folder" in result.stderr
    assert "unknown file type '.docx'" in result.stderr


def test_clean_input_exits_zero(cli, tmp_path):
    assert _import(cli, write_jsonl(tmp_path / "in.jsonl", [GOOD])).exit_code == 0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # a line break in an entity label would inject token lines into the CoNLL export
        (
            '{"text": "Evil corp", "entities": [{"start": 0, "end": 4, "label": "ORG\\nEvil _ _ B-INJECTED"}]}',
            "entity 0's label 'ORG\\nEvil _ _ B-INJECTED' holds a line break or control character (U+000A)",
        ),
        ('{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "a\\tb"}]}', "control character (U+0009)"),
        (json.dumps({"text": "abc", "spans": [{"start": 0, "end": 1, "label": "x" * 100_000}]}), "100,000 characters"),
        ('{"text": "abc", "_categories": ["sport\\u2028news"]}', "a category 'sport\\u2028news' holds a line break"),
        (
            '{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "a"}, {"start": 4, "end": 7, "label": "b"}],'
            ' "relations": [{"head_span": {"start": 0, "end": 3}, "child_span": {"start": 4, "end": 7},'
            ' "label": "says\\rINJECTED"}]}',
            "relation 0's label 'says\\rINJECTED' holds a line break",
        ),
    ],
)
def test_a_name_with_a_line_break_or_too_long_is_refused_at_the_door(cli, db_path, tmp_path, line, reason):
    path = write_jsonl(tmp_path / "in.jsonl", [GOOD, line])
    result = _import(cli, path)
    assert result.exit_code == 1
    assert f"{path}:2: " in result.stderr and reason in result.stderr, result.stderr
    with Store.open(db_path) as store:
        assert len(store.articles.article_ids()) == 1


@pytest.mark.parametrize(
    ("entity", "reason"),
    [
        ({"start": 0, "end": 40, "label": "GPE"}, "entity 0 (0-40 GPE) is outside the text, which has 3 characters"),
        ({"start": 2, "end": 1, "label": "GPE"}, "entity 0 (2-1 GPE): start must be before end"),
        ({"start": 0, "end": 1, "label": ""}, "entity 0's label must be a non-empty string, got ''"),
        ({"start": 0, "end": 1, "label": "a\u001bb"}, "entity 0's label 'a\\x1bb' holds a line break or control"),
        ({"start": 0, "end": 1, "label": "GPE", "source": "alien"}, "entity 0's source must be 'model' or 'user'"),
    ],
)
def test_a_bad_entity_is_named_as_an_entity(cli, tmp_path, entity, reason):
    """An entity's fault reads "entity 0's label", never "span 0 label" (a span is a statement here)."""
    path = write_jsonl(tmp_path / "in.jsonl", [GOOD, json.dumps({"text": "abc", "entities": [entity]})])
    result = _import(cli, path)
    assert result.exit_code == 1
    assert f"{path}:2: {reason}" in result.stderr, result.stderr
    assert "span 0" not in result.stderr
