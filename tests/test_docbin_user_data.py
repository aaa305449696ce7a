"""A DocBin whose `doc.user_data` holds values of another shape than we write (a crafted or
damaged file) is refused doc by doc as FILE:N: reason, never a traceback; the good docs come in."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from annotator.store import Store

BAD = [
    {"annotator": {"notes": 5}},  # not a list
    {"annotator": {"notes": [[[0], 4, "x"]]}},  # an offset that is a list (unhashable)
    {"annotator": {"entity_sources": [[0, 4, "GPE"]]}},  # three values where four belong
    {"annotator": {"unaligned_spans": [[0, 4, {"a": 1}, None]]}},  # a label that is a dict
    {"annotator": {"rejected_spans": "abc"}},
    {"links": [{"head_char": [[0], 4], "child_char": [0, 4], "label": "speaker"}]},
]


@pytest.mark.parametrize("user_data", BAD, ids=[str(i) for i in range(len(BAD))])
def test_malformed_user_data_is_a_one_line_refusal(cli, tmp_path, db_path, user_data):
    vocab = Vocab()
    good = Doc(vocab, words=["Kyiv", "offered", "a", "halt", "."])
    bad = Doc(vocab, words=["Moscow", "said", "no", "."])
    bad.user_data.update(user_data)
    path = tmp_path / "crafted.spacy"
    DocBin(docs=[good, bad], store_user_data=True).to_disk(path)
    done = cli("import", "--no-ner", str(path))
    assert "Traceback" not in done.output and (done.exception is None or isinstance(done.exception, SystemExit))
    assert f"{path}:2: " in done.output and "user_data" in done.output
    with Store.open(db_path) as store:
        assert [store.articles.article(a).text for a in store.articles.article_ids()] == ["Kyiv offered a halt . "]
