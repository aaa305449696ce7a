"""Re-importing an annotator's corrected work replaces her old labels, as a Prodigy or doccano user expects.

anna sends v1, then v2 in which she changed offer→claim and removed the denial: the project must
hold v2 (not the union of both), say what it replaced, and stay the same when v2 comes again.
Binary feedback (spans with answers of their own) still adds.
"""

from __future__ import annotations

import json

import srsly

from annotator.store import Store
from tests.conftest import write_jsonl

OFFER = "Kyiv offered to halt strikes on refineries."
DENIAL = "The Kremlin denied any such offer."
TEXT = f"{OFFER} {DENIAL}"
D0 = len(OFFER) + 1


def task(*spans: tuple[int, int, str], **extra) -> str:
    return json.dumps(
        {"text": TEXT, "_annotator_id": "anna", "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}
        | extra
    )


def labels(db_path, annotator: str = "anna") -> list[tuple[int, int, str]]:
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        return sorted(
            (s.start, s.end, label) for s in store.statements.statements(article, annotator) for label in s.labels
        )


V1 = [(0, len(OFFER), "offer"), (D0, len(TEXT), "denial")]
V2 = [(0, len(OFFER), "claim")]


def test_a_corrected_file_replaces_her_labels(cli, db_path, tmp_path):
    v1 = write_jsonl(tmp_path / "v1.jsonl", [task(*V1)])
    v2 = write_jsonl(tmp_path / "v2.jsonl", [task(*V2)])
    assert cli("import", "--no-ner", v1).exit_code == 0
    result = cli("import", "--no-ner", v2)
    assert result.exit_code == 0
    assert "replaced anna's labels on 1 article" in result.stdout
    assert labels(db_path) == V2
    again = cli("import", "--no-ner", v2)  # the same file again changes nothing
    assert "replaced" not in again.stdout
    with Store.open(db_path) as store:
        assert _labels_on_text(store) == V2
    out = tmp_path / "out.jsonl"
    assert cli("export", out).exit_code == 0
    (record,) = srsly.read_jsonl(out)
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == V2


def test_replacing_her_work_leaves_others_and_takes_back_her_reject(cli, db_path, tmp_path):
    """v1 rejected the whole task; v2 accepts it with a label: her reject is gone, ben's labels stay."""
    ben = json.dumps(
        {"text": TEXT, "_annotator_id": "ben", "spans": [{"start": D0, "end": len(TEXT), "label": "denial"}]}
    )
    v1 = write_jsonl(tmp_path / "v1.jsonl", [task(*V1, answer="reject"), ben])
    assert cli("import", "--no-ner", v1).exit_code == 0
    with Store.open(db_path) as store:
        assert [len(r.rejected) for r in store.export_rows("anna")] == [2]
    v2 = write_jsonl(tmp_path / "v2.jsonl", [task(*V2, _status="done")])
    assert "replaced anna's labels on 1 article" in cli("import", "--no-ner", v2).stdout
    assert labels(db_path) == V2
    assert labels(db_path, "ben") == [(D0, len(TEXT), "denial")]
    with Store.open(db_path) as store:
        (row,) = store.export_rows("anna")
        assert (row.answer, list(row.rejected), row.status) == ("accept", [], "done")


def test_binary_feedback_adds_to_her_labels(cli, db_path, tmp_path):
    """`ner.teach`-style records judge one suggestion each: they add, never replace."""
    v1 = write_jsonl(tmp_path / "v1.jsonl", [task(*V1)])
    assert cli("import", "--no-ner", v1).exit_code == 0
    teach = json.loads(task())
    teach["spans"] = [{"start": 0, "end": 4, "label": "actor", "answer": "accept"}]
    result = cli("import", "--no-ner", write_jsonl(tmp_path / "teach.jsonl", [json.dumps(teach)]))
    assert "replaced" not in result.stdout
    assert labels(db_path) == sorted([*V1, (0, 4, "actor")])


def test_the_last_of_two_records_in_one_file_counts(cli, db_path, tmp_path):
    both = write_jsonl(tmp_path / "both.jsonl", [task(*V1), task(*V2)])
    assert cli("import", "--no-ner", both).exit_code == 0
    assert labels(db_path) == V2
    assert cli("import", "--no-ner", both).exit_code == 0
    assert labels(db_path) == V2


def test_a_teammates_corrected_project_file_replaces_her_layer(cli, db_path, tmp_path):
    hers = tmp_path / "anna.annotator.sqlite"
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "v1.jsonl", [task(*V1)]), db=hers).exit_code == 0
    assert cli("import", "--no-ner", hers).exit_code == 0
    assert labels(db_path) == V1
    # anna edits her project: offer→claim, the denial removed
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "v2.jsonl", [task(*V2)]), db=hers).exit_code == 0
    with Store.open(hers) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert labels(hers) == V2
    result = cli("import", "--no-ner", hers)
    assert result.exit_code == 0, result.output
    assert "replaced anna's labels on 1 article" in result.stdout
    assert labels(db_path) == V2


def test_a_record_of_categories_only_replaces_her_categories_not_her_labels(cli, db_path, tmp_path):
    """doccano's text classification brings article categories alone: her spans stay."""
    v1 = write_jsonl(tmp_path / "v1.jsonl", [task(*V1, _categories=["relevant", "talks"])])
    assert cli("import", "--no-ner", v1).exit_code == 0
    cats = write_jsonl(tmp_path / "cats.jsonl", [json.dumps({"text": TEXT, "label": ["relevant"]})])
    result = cli("import", "--no-ner", "--format", "doccano", "--annotator", "anna", cats)
    assert result.exit_code == 0, result.output
    assert labels(db_path) == V1
    with Store.open(db_path) as store:
        (article,) = store.articles.article_ids()
        assert store.categories.article_categories(article, "anna") == ("relevant",)


def _labels_on_text(store: Store) -> list[tuple[int, int, str]]:
    (article,) = [a for a in store.articles.article_ids() if store.articles.article(a).text == TEXT]
    return sorted((s.start, s.end, lab) for s in store.statements.statements(article, "anna") for lab in s.labels)


def _twice_in_one_file(tmp_path, name: str = "twice.jsonl"):
    """anna's file holds the article twice: first with offer and denial, then corrected to claim."""
    return write_jsonl(tmp_path / name, [task(*V1), json.dumps({"text": "Another article."}), task(*V2)])


def test_a_text_twice_in_one_file_says_its_first_work_was_replaced_in_one_batch_or_two(cli, tmp_path):
    """The later record wins, as across two files; the summary says so whether the two records
    fall in one batch of the import or in two (before: said only across batches)."""
    from annotator.importing.run import import_paths

    src = _twice_in_one_file(tmp_path)
    for batch_size in (10, 1):
        with Store.create(tmp_path / f"p{batch_size}.sqlite") as store:
            report = import_paths(store, [src], annotator="anna", batch_size=batch_size)
            assert report.counts.replaced == {"anna": 1}, batch_size
            assert _labels_on_text(store) == V2


def test_the_same_file_again_replaces_nothing_even_with_a_text_twice_in_it(cli, db_path, tmp_path):
    """Before: importing such a file again said "replaced anna's labels on 1 article" though
    nothing changed (the first record, emptied, replaced the layer; the last one put it back)."""
    src = _twice_in_one_file(tmp_path)
    assert cli("import", "--no-ner", src).exit_code == 0
    again = cli("import", "--no-ner", src)
    assert again.exit_code == 0
    assert "replaced" not in again.stdout
    with Store.open(db_path) as store:
        assert _labels_on_text(store) == V2
