"""One record may bring only so many spans, entities and links (settings.MAX_RECORD_*): more is
refused at the door as FILE:LINE: reason, before they are parsed, in every format, so no article
makes each label key slow (490,000 imported links took ~a minute a key)."""

from __future__ import annotations

import json

from annotator import settings
from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Kyiv offered a halt. Moscow said no."


def test_a_jsonl_record_with_too_many_links_is_refused_with_its_line(cli, tmp_path, db_path):
    relation = {"head_span": {"start": 0, "end": 4}, "child_span": {"start": 21, "end": 27}, "label": "speaker"}
    many = {"text": TEXT, "spans": [{"start": 0, "end": 20, "label": "offer"}]}
    many["relations"] = [relation] * (settings.MAX_RECORD_LINKS + 1)
    src = write_jsonl(tmp_path / "c.jsonl", [json.dumps({"text": "Fine one."}), json.dumps(many)])
    done = cli("import", "--no-ner", src)
    assert f"{src}:2: the record has {settings.MAX_RECORD_LINKS + 1:,} links; one article may bring at most" in (
        done.output
    )
    with Store.open(db_path) as store:
        assert [store.articles.article(a).text for a in store.articles.article_ids()] == ["Fine one."]


def test_every_format_is_capped_at_the_door(cli, tmp_path, db_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_RECORD_LINKS", 2)
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    lines = ["T1\toffer 0 20\tKyiv offered a halt.", "T2\tdenial 21 36\tMoscow said no."]
    lines += ["R1\tresponds-to Arg1:T2 Arg2:T1", "R2\tcondition-of Arg1:T1 Arg2:T2", "R3\tspeaker Arg1:T1 Arg2:T2"]
    (folder / "a.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = cli("import", "--no-ner", str(folder))
    assert "the record has 3 links; one article may bring at most 2" in done.output, done.output
