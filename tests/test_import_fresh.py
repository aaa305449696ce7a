"""A batch of new texts with plain work on them is written from rows made ahead (`store.fresh`).

The project must come out exactly as the general steps (`store.importer.add_records`) leave it:
the same article, statement and label rows with the same ids, the same layers and statuses (none
for a model's output), and the same counts in the import's summary. A text the project holds by
the time the batch is written makes the fresh path step aside, writing nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.records import Entity, IncomingRecord, Span, model_layer
from annotator.store import Store
from annotator.store.errors import StoppedError
from annotator.store.fresh import add_fresh, fresh_batch

WORDS = ["Kyiv", "offered", "to", "halt", "strikes", "on", "energy", "infrastructure", "if", "Moscow", "agreed"]


def dump(store: Store) -> dict[str, list[tuple]]:
    """Everything an import writes, without its time stamps."""
    q = store.conn.execute
    return {
        "articles": q("SELECT id, hash, title, text, source, meta, pipeline FROM articles ORDER BY id").fetchall(),
        "layers": q("SELECT id, name, kind FROM annotators ORDER BY id").fetchall(),
        "statements": q("SELECT id, article_id, annotator_id, start, end, note FROM statements ORDER BY id").fetchall(),
        "labels": q("SELECT statement_id, label, guidelines_version FROM statement_labels ORDER BY 1, 2").fetchall(),
        "statuses": q(
            "SELECT article_id, annotator_id, status, guidelines_version FROM article_status ORDER BY 1, 2"
        ).fetchall(),
    }


@st.composite
def plain_records(draw) -> list[IncomingRecord]:
    n = draw(st.integers(1, 6))
    records = []
    for i in range(n):
        text = f"Article {i}. " + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12)))
        spans = []
        for _ in range(draw(st.integers(0, 6))):  # overlapping and repeated spans, some with notes
            start, end = draw(st.sampled_from([(0, 7), (0, 7), (3, 9), (8, 10), (9, 14)]))
            label = draw(st.sampled_from(["offer", "claim", "denial"]))
            spans.append(Span(start, end, label, draw(st.sampled_from(["", "", "why"]))))
        who = draw(st.sampled_from([None, "anna", "ben", "model"]))
        version = "v1" if who == "model" else None
        records.append(
            IncomingRecord(
                text,
                f"Article {i}",
                "file.jsonl",
                i + 1,
                meta=draw(st.sampled_from([{}, {"n": i, "source": "wire"}, {"nested": {"ü": [1.5, None]}}])),
                spans=spans,
                annotator=model_layer(version) if version else who,
                model_version=version,
                status=draw(st.sampled_from([None, "in_progress", "done"])),
                complete=draw(st.booleans()),
            )
        )
    return records


def two_projects(tmp_path: Path, first: list[IncomingRecord], guidelines: bool) -> tuple[Store, Store]:
    general = Store.create(tmp_path / "general.sqlite")
    fresh = Store.create(tmp_path / "fresh.sqlite")
    for store in (general, fresh):  # an older import first: the new ids count on from its
        store.add_records(first, "bench")
        if guidelines:  # labels and statuses are stamped with the version they were decided under
            store.guidelines.add("# Offers\nAn offer names what is given.", "lead")
    return general, fresh


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=plain_records(), guidelines=st.booleans())
def test_fresh_rows_store_what_the_general_steps_store(tmp_path_factory, records, guidelines):
    tmp = tmp_path_factory.mktemp("fresh")
    earlier = [IncomingRecord("An older article.", "Older", "old.jsonl", 1, spans=[Span(0, 2, "claim")], status="done")]
    general, fresh = two_projects(tmp, earlier, guidelines)
    with general, fresh:
        expected = general.add_records(records, "bench")
        rows = fresh_batch(records, "bench")
        assert rows is not None
        counts = add_fresh(fresh, rows)
        assert counts == expected
        assert dump(fresh) == dump(general)
        assert fresh.conn.execute("PRAGMA foreign_key_check").fetchall() == []  # written unchecked, yet sound
        assert fresh.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)  # and checked again after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=plain_records())
def test_a_fresh_batch_gives_back_its_records(tmp_path_factory, records):
    """A fresh batch the project turned out to hold is written by the general steps from the
    records its rows make again: the same project as from the records read."""
    tmp = tmp_path_factory.mktemp("again")
    with Store.create(tmp / "a.sqlite") as a, Store.create(tmp / "b.sqlite") as b:
        a.add_records(records, "bench")
        rows = fresh_batch(records, "bench")
        b.add_records(rows.records(), "bench")
        assert dump(a) == dump(b)


def test_a_text_the_project_holds_sends_the_batch_the_general_way(tmp_path):
    text = "Kyiv offered to halt strikes on energy infrastructure."
    with Store.create(tmp_path / "p.sqlite") as store:
        store.add_records([IncomingRecord(text, "t", "a.jsonl", 1, spans=[Span(0, 4, "claim")])], "anna")
        before = dump(store)
        batch = [
            IncomingRecord("A new text.", "n", "b.jsonl", 1, spans=[Span(0, 1, "offer")]),
            IncomingRecord(text, "t", "b.jsonl", 2, spans=[Span(5, 12, "offer")]),
        ]
        rows = fresh_batch(batch, "ben")
        assert rows is not None  # nothing in the batch itself says so: the project does
        assert add_fresh(store, rows) is None
        assert dump(store) == before  # nothing written: the batch goes by the general steps


def test_records_that_are_not_plain_or_share_a_text_are_not_fresh():
    text = "Moscow agreed."
    same = [IncomingRecord(text, "a", "f", 1), IncomingRecord(text, "a", "f", 2, annotator="ben")]
    assert fresh_batch(same, "anna") is None
    with_entities = IncomingRecord(text, "a", "f", 1, entities=[Entity(0, 6, "GPE")])
    assert fresh_batch([with_entities], "anna") is None
    categories = IncomingRecord(text, "a", "f", 1, categories=["offer"])
    assert fresh_batch([categories], "anna") is None
    rejected = IncomingRecord(text, "a", "f", 1, answer="reject")
    assert fresh_batch([rejected], "anna") is None


def test_prodigy_tasks_as_read_make_a_fresh_batch(tmp_path):
    """The common file (Prodigy tasks with spans and meta, as the floor bench writes them) goes the
    fresh way once read and checked: a field added to a record that the fresh path does not know
    would send every import the slow way, and this says so."""
    from annotator.importing.run import ImportReport, valid_units

    lines = [
        {"text": f"Kyiv offered talks ({i}).", "meta": {"n": i}, "spans": [{"start": 0, "end": 4, "label": "claim"}]}
        for i in range(3)
    ] + [{"text": "Moscow agreed.", "answer": "accept", "_annotator_id": "ben", "spans": []}]
    src = tmp_path / "tasks.jsonl"
    src.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with Store.create(tmp_path / "p.sqlite") as store:
        records = [rec for unit in valid_units(store, [src], None, ImportReport(), None) for rec in unit]
    assert len(records) == 4
    assert fresh_batch(records, "anna") is not None


def test_a_cancel_while_a_large_batchs_rows_are_made_stops_making_them():
    """Making 10,000 records' rows takes tens of milliseconds: a cancel is heard within them."""
    batch = [IncomingRecord(f"Text {i}.", "t", "f", i, spans=[Span(0, 4, "offer")]) for i in range(10_000)]
    asked: list[int] = []

    def cancel_after_two_looks() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(StoppedError):
        fresh_batch(batch, "anna", cancel_after_two_looks)
    assert len(asked) == 3  # looked at every few hundred records, not once per batch
    assert fresh_batch(batch, "anna", lambda: False) is not None
