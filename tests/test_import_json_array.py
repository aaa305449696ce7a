"""A `.json` array of records — Prodigy's or doccano's, as Prodigy's loader takes them — comes in
record by record: streamed, each bad record named by the line it starts on, the rest kept."""

from __future__ import annotations

import json
import tracemalloc

from annotator.formats.json_stream import iter_json_records
from annotator.store import Store

TEXT = "Ukraine proposed a truce on energy sites. Russia rejected it."


def test_a_json_array_of_prodigy_and_doccano_records_comes_in(cli, db_path, tmp_path):
    records = [
        {"text": TEXT, "spans": [{"start": 0, "end": 41, "label": "offer", "text": TEXT[:41]}], "_annotator_id": "eve"},
        {"text": "Russia rejected it.", "label": [[0, 19, "denial"]]},
        {"text": "Talks resume in Geneva.", "label": "diplomacy", "answer": "accept"},  # a Prodigy textcat task
    ]
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    result = cli("import", "--no-ner", "--annotator", "fay", path)
    assert "imported 3 new articles; 2 labels" in result.stdout and "1 article category" in result.stdout
    with Store.open(db_path) as store:
        assert sorted(store.layers.annotators()) == ["eve", "fay"]
        assert [(who, c) for _, who, c in store.categories.category_rows()] == [("fay", "diplomacy")]


def test_a_bad_record_is_named_by_its_line_and_the_others_come_in(cli, db_path, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[\n  {"text": "Kyiv votes."},\n  {"title": "no text"},\n  {"text": "Moscow waits."}\n]\n', "utf-8")
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f'{path}:3: missing "text"' in result.stderr
    assert "imported 2 new articles" in result.stdout


def test_a_truncated_file_keeps_what_came_before_and_says_where_it_ends(cli, db_path, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"text": "Kyiv votes."},\n {"text": "Moscow wai', encoding="utf-8")
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:2: not valid JSON: Unterminated string" in result.stderr
    assert "the rest of the file was not read" in result.stderr
    assert "imported 1 new article" in result.stdout


def test_not_an_array_is_named(cli, tmp_path):
    path = tmp_path / "config.json"
    path.write_text('"just a string"', encoding="utf-8")
    result = cli("import", "--no-ner", path)
    assert f"{path}:1: expected a JSON array of records, found '\"'" in result.stderr


def test_memory_stays_near_one_record_however_long_the_array(tmp_path):
    path = tmp_path / "big.json"
    record = {"text": "Talks on energy infrastructure resumed. " * 25}
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        handle.write(",\n".join(json.dumps({**record, "i": i}) for i in range(20_000)))
        handle.write("\n]\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        lines = [line for line, _ in iter_json_records(path)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines[:2] == [2, 3] and len(lines) == 20_000
    # a few 1 MiB reading buffers, whatever the file's size
    assert size > 18 * 2**20 and peak < 6 * 2**20, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.1f} MiB file"


def test_prodigy_relations_become_links_and_choices_and_cats_become_categories(cli, db_path, tmp_path):
    """rel.manual's relations are links (their head and child are the last tokens of the task's spans);
    a choice task's accepted option (by its id, as Prodigy's train reads it) and `cats` are categories."""
    spans = [
        {"start": 0, "end": 7, "token_start": 0, "token_end": 0, "label": "GPE"},
        {"start": 8, "end": 16, "token_start": 1, "token_end": 1, "label": "claim"},
    ]
    records = [
        {"text": TEXT, "spans": spans, "relations": [{"head": 1, "child": 0, "label": "SUBJ"}] * 2},
        {"text": "Kyiv agreed.", "options": [{"id": "A", "text": "yes"}], "accept": ["A"]},
        {"text": "Moscow refused.", "cats": {"DENIAL": 1.0, "OFFER": 0.0}},
    ]
    path = tmp_path / "rel.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0 and "imported 3 new articles; 2 labels, 0 entities, 1 link" in result.stdout
    assert "2 article categories" in result.stdout
    with Store.open(db_path) as store:
        assert [(a, c) for a, _, c in store.categories.category_rows()] == [(2, "A"), (3, "DENIAL")]
        assert [(link.head, link.child, link.label) for link in store.links.links(1, "tester")] == [
            ((8, 16), (0, 7), "SUBJ")
        ]
