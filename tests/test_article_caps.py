"""What several records of one article bring is summed with what the project holds, and capped
(settings.MAX_RECORD_*): fifty records of one article, each under the per-record cap, no longer
give it 490,000 links. The record that would pass a cap is refused whole as FILE:LINE: reason;
importing the same file again refuses nothing."""

from __future__ import annotations

import json

import pytest

from annotator import settings
from annotator.importing import article_caps
from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Kyiv offered a halt. Moscow said no. Ankara asked for talks."
OFFER, DENIAL, ASK = (0, 20), (21, 36), (37, 60)
KYIV, MOSCOW, ANKARA = (0, 4), (21, 27), (37, 43)


def relation(head, child, label="speaker") -> dict:
    return {
        "head_span": {"start": head[0], "end": head[1]},
        "child_span": {"start": child[0], "end": child[1]},
        "label": label,
    }


def record(annotator: str, spans, relations=(), entities=()) -> str:
    return json.dumps(
        {
            "text": TEXT,
            "_annotator_id": annotator,
            "spans": [{"start": a, "end": b, "label": label} for (a, b), label in spans],
            "relations": list(relations),
            "entities": [{"start": a, "end": b, "label": label} for (a, b), label in entities],
        }
    )


def held(db_path) -> dict[str, tuple[int, int]]:
    """Each layer's (labels, links) on the one article."""
    with Store.open(db_path) as store:
        names = {s.annotator for s in store.statements.statements(1)}
        return {
            name: (sum(len(s.labels) for s in store.statements.statements(1, name)), len(store.links.links(1, name)))
            for name in sorted(names)
        }


@pytest.fixture(params=["hashes read once", "a query per record"])
def caps(monkeypatch, request):
    if request.param == "a query per record":  # a project too large to read every article's hash
        monkeypatch.setattr(article_caps, "PRELOADED", -1)
    monkeypatch.setattr(settings, "MAX_RECORD_SPANS", 4)
    monkeypatch.setattr(settings, "MAX_RECORD_ENTITIES", 3)
    monkeypatch.setattr(settings, "MAX_RECORD_LINKS", 3)


def test_links_of_several_records_of_one_article_are_summed_and_the_record_past_the_cap_is_refused_whole(
    cli, tmp_path, db_path, caps
):
    spans = [(OFFER, "offer"), (DENIAL, "denial")]
    two_links = [relation(OFFER, KYIV), relation(DENIAL, MOSCOW)]
    lines = [record("anna", spans, two_links), record("bob", spans, two_links), record("cleo", spans[:1])]
    src = write_jsonl(tmp_path / "team.jsonl", lines)
    done = cli("import", "--no-ner", src)
    assert f"{src}:2: with this record its article would hold 4 links" in done.output, done.output
    assert "one article may hold at most 3: the record is left out" in done.output
    assert held(db_path) == {"anna": (2, 2), "cleo": (1, 0)}  # nothing of bob's: not his labels either


def test_a_later_import_adds_to_what_the_project_holds(cli, tmp_path, db_path, caps):
    first = write_jsonl(tmp_path / "a.jsonl", [record("anna", [(OFFER, "offer")], [relation(OFFER, KYIV)] * 1)])
    second = write_jsonl(
        tmp_path / "b.jsonl",
        [record("bob", [(DENIAL, "denial")], [relation(DENIAL, MOSCOW), relation(DENIAL, KYIV, "addressee")])],
    )
    third = write_jsonl(tmp_path / "c.jsonl", [record("cleo", [(ASK, "demand")], [relation(ASK, ANKARA)])])
    for src in (first, second):
        assert cli("import", "--no-ner", src).exit_code == 0
    done = cli("import", "--no-ner", third)
    assert f"{third}:1: with this record its article would hold 4 links" in done.output, done.output
    assert held(db_path) == {"anna": (1, 1), "bob": (1, 2)}


def test_importing_the_same_file_again_refuses_nothing(cli, tmp_path, db_path, caps):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    lines = ["T1\toffer 0 20\tKyiv offered a halt.", "T2\tdenial 21 36\tMoscow said no.", "T3\tGPE 0 4\tKyiv"]
    lines += ["R1\tresponds-to Arg1:T2 Arg2:T1", "R2\tcondition-of Arg1:T1 Arg2:T2"]
    (folder / "a.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("import", "--no-ner", str(folder)).exit_code == 0
    again = cli("import", "--no-ner", str(folder))  # brat adds to a layer: only the repeats are counted once
    assert again.exit_code == 0 and "left out" not in again.output, again.output
    assert held(db_path) == {"tester": (3, 2)}  # T3 is a label here: 3 + 3 spans over the cap of 4 before dedup


def test_entities_and_spans_are_summed_too(cli, tmp_path, db_path, caps):
    two = [(KYIV, "GPE"), (MOSCOW, "GPE")]
    lines = [
        record("anna", [(OFFER, "offer"), (DENIAL, "denial")], entities=two),
        record("bob", [(OFFER, "offer")], entities=[(ANKARA, "GPE"), (OFFER, "EVENT")]),  # 4 entities
        record("cleo", [(OFFER, "offer"), (DENIAL, "denial"), (ASK, "demand")]),  # 2 + 3 spans
        record("dan", [(ASK, "demand")], entities=two),  # the same entities as anna's: nothing new
    ]
    src = write_jsonl(tmp_path / "team.jsonl", lines)
    done = cli("import", "--no-ner", src)
    assert f"{src}:2: with this record its article would hold 4 entities" in done.output, done.output
    assert f"{src}:3: with this record its article would hold 5 spans" in done.output, done.output
    assert held(db_path) == {"anna": (2, 0), "dan": (1, 0)}
    with Store.open(db_path) as store:
        assert len(store.entities.entities(1)) == 2
