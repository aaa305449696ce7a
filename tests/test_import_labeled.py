"""Labeled JSONL from Prodigy and doccano joins the right articles under the right annotators."""

import json

from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Zelensky said Kyiv will halt strikes if Moscow does."
IF, END = TEXT.index("if Moscow"), len(TEXT)
KYIV = TEXT.index("Kyiv")


def test_prodigy_and_doccano_labels_join_one_article(cli, db_path, tmp_path):
    prodigy = write_jsonl(
        tmp_path / "anna.jsonl",
        [json.dumps({"text": TEXT, "_annotator_id": "anna", "spans": [{"start": KYIV, "end": END, "label": "offer"}]})],
    )
    doccano = write_jsonl(tmp_path / "ben.jsonl", [json.dumps({"text": TEXT, "label": [[IF, END, "condition"]]})])
    assert cli("import", "--no-ner", prodigy).exit_code == 0
    assert cli("import", "--no-ner", "--annotator", "ben", doccano).exit_code == 0
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 1
        (article_id,) = store.articles.article_ids()
        by_annotator = {s.annotator: (TEXT[s.start : s.end], s.labels) for s in store.statements.statements(article_id)}
        assert store.articles.status(article_id, "anna") == "done"
    assert by_annotator == {
        "anna": ("Kyiv will halt strikes if Moscow does.", ("offer",)),
        "ben": ("if Moscow does.", ("condition",)),
    }


def test_crlf_and_bom_are_normalised_and_spans_move_with_the_text(cli, db_path, tmp_path):
    raw = "\ufeffPutin offered\r\na pause.\r\nKyiv refused."
    start = raw.index("Kyiv refused")
    path = write_jsonl(
        tmp_path / "crlf.jsonl",
        [json.dumps({"text": raw, "spans": [{"start": start, "end": start + 13, "label": "denial"}]})],
    )
    assert cli("import", "--no-ner", path).exit_code == 0
    with Store.open(db_path) as store:
        article = store.articles.article(store.articles.article_ids()[0])
        (statement,) = store.statements.statements(article.id)
    assert article.text == "Putin offered\na pause.\nKyiv refused."
    assert article.text[statement.start : statement.end] == "Kyiv refused."


def test_same_text_with_crlf_or_lf_is_one_article(cli, db_path, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Title\r\nBody text.\r\n")
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfTitle\nBody text.\n")
    result = cli("import", "--no-ner", tmp_path / "a.txt", tmp_path / "b.txt")
    assert "imported 1 new article, 1 record matched articles already in the project" in result.stdout


def test_rejected_answers_bring_the_text_but_not_the_labels(cli, db_path, tmp_path):
    path = write_jsonl(
        tmp_path / "r.jsonl",
        [json.dumps({"text": TEXT, "answer": "reject", "spans": [{"start": 0, "end": 8, "label": "claim"}]})],
    )
    cli("import", "--no-ner", path)
    with Store.open(db_path) as store:
        assert store.stats()["articles"] == 1
        assert store.stats()["spans"] == 0
