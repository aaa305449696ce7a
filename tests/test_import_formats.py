"""Importing DocBins and other project files: what is good comes in, what is not is named FILE:LINE: reason.

Nobody gets a traceback, and a file that is not ours is never changed by trying to read it.
"""

from __future__ import annotations

import sqlite3

import pytest

from annotator.records import IncomingRecord
from annotator.store import SCHEMA_VERSION, Store


def make_docbin(path, texts_and_spans, *, user_data=False):
    """A DocBin as another spaCy user would make it: statements in doc.spans['sc'], entities in doc.ents."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=user_data)
    for text, spans, ents in texts_and_spans:
        doc = nlp.make_doc(text)
        doc.spans["sc"] = [doc.char_span(s, e, label=label) for s, e, label in spans]
        doc.ents = [doc.char_span(s, e, label=label) for s, e, label in ents]
        docbin.add(doc)
    docbin.to_disk(path)
    return path


@pytest.mark.spacy
def test_a_docbin_made_elsewhere_imports_its_spans_and_entities(cli, db_path, tmp_path):
    text = "Zelensky said Kyiv will halt strikes if Moscow does."
    src = make_docbin(tmp_path / "theirs.spacy", [(text, [(37, 52, "condition")], [(0, 8, "PERSON"), (14, 18, "GPE")])])
    result = cli("import", "--no-ner", "--annotator", "carol", src)
    assert result.exit_code == 0, result.output
    assert "1 label, 2 entities" in result.stdout
    with Store.open(db_path) as store:
        (row,) = store.export_rows()
    assert row.annotator == "carol" and row.spans == ((37, 52, "condition", ""),)
    assert row.entities == ((0, 8, "PERSON", "user"), (14, 18, "GPE", "user"))


@pytest.mark.parametrize(
    "content",
    [b"", b"not a docbin at all", b"\x00\x01\x02" * 50],
    ids=["empty", "text", "binary"],
)
def test_a_file_that_is_not_a_docbin_is_reported(cli, tmp_path, content):
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(content)
    result = cli("import", "--no-ner", bad)
    assert result.exit_code == 1
    assert f"{bad}:1: not a spaCy DocBin" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.spacy
def test_a_truncated_docbin_is_reported(cli, tmp_path):
    good = make_docbin(tmp_path / "good.spacy", [("Kyiv said so.", [(0, 4, "claim")], [])] * 20)
    cut = tmp_path / "cut.spacy"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    result = cli("import", "--no-ner", cut)
    assert result.exit_code == 1 and f"{cut}:1:" in result.stderr and "Traceback" not in result.output


def test_a_damaged_project_file_is_reported(cli, tmp_path):
    bad = tmp_path / "other.annotator.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"garbage" * 300)
    result = cli("import", "--no-ner", bad)
    assert result.exit_code == 1
    assert f"{bad}:1: not an Annotator project" in result.stderr


def test_someone_elses_sqlite_file_is_left_untouched(cli, tmp_path):
    other = tmp_path / "inventory.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE stock(item TEXT, n INTEGER)")
        conn.execute("INSERT INTO stock VALUES ('apples', 3)")
    conn.close()
    before = other.read_bytes()
    result = cli("import", "--no-ner", other)
    assert result.exit_code == 1
    assert "not an Annotator project" in result.stderr
    assert other.read_bytes() == before
    assert not (tmp_path / "inventory.sqlite-wal").exists()


def test_a_project_from_a_newer_annotator_is_reported_and_left_alone(cli, tmp_path):
    newer = tmp_path / "newer.annotator.sqlite"
    Store.create(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    result = cli("import", "--no-ner", newer)
    assert result.exit_code == 1
    assert "newer Annotator" in result.stderr


def test_an_article_of_another_project_whose_meta_no_export_could_carry_is_named(cli, db_path, tmp_path):
    other = tmp_path / "other.annotator.sqlite"
    with Store.create(other) as store:
        store.add_records(
            [
                IncomingRecord("Kyiv offered a halt.", "Offer", "wire", 1),
                IncomingRecord("Moscow denied it.", "Denial", "wire", 2, meta={"id": 2**70}),
            ],
            "x",
        )
    result = cli("import", "--no-ner", other)
    assert result.exit_code == 1
    assert f"{other}:2: article 2: " in result.stderr and "integer beyond 64 bits" in result.stderr
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 1


def test_the_import_help_names_every_format(cli):
    result = cli("import", "--help")
    for word in ("Prodigy", "doccano", ".spacy", ".annotator.sqlite"):
        assert word in result.output
