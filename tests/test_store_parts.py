"""The store is composed, as sqlite-utils composes tables over one database: `Store` opens,
migrates, writes and keeps the settings; everything else is a named part in its own module over
the same connection; import and export are each one sequence of steps."""

from __future__ import annotations

import ast
import functools
import inspect
import json
from pathlib import Path

from annotator.records import IncomingRecord, Link, Span
from annotator.store import Store, part
from annotator.store.part import Part

STORE = Path(part.__file__).parent
#: The batch's one look-up of its texts (the general steps' `hash, id`, or a fresh batch's `1`).
HASH_LOOKUP = "FROM articles WHERE hash IN (SELECT value FROM json_each"


def _parts(store: Store) -> dict[str, Part]:
    """The store's parts, each made on first use (a cached property of `Store`)."""
    named = [name for name, value in vars(Store).items() if isinstance(value, functools.cached_property)]
    return {name: value for name in named if isinstance(value := getattr(store, name), Part)}


def test_the_store_has_no_mixin_base_and_few_methods_of_its_own():
    assert Store.__mro__ == (Store, object)
    own = [name for name, _ in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")]
    own += [name for name, v in vars(Store).items() if isinstance(v, classmethod) and not name.startswith("_")]
    assert len(set(own)) <= 15, sorted(set(own))


def test_each_part_lives_in_its_own_module_over_the_store_s_one_connection(store):
    parts = _parts(store)
    assert {"articles", "statements", "entities", "links", "categories", "meta", "search", "suggestions"} <= set(parts)
    modules = [type(p).__module__ for p in parts.values()]
    assert len(set(modules)) == len(modules), modules
    assert all(p.conn is store.conn and p.store is store for p in parts.values())


def test_no_super_chain_and_no_mixin_is_left_in_the_store():
    for path in STORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "super"]
        assert not calls, f"{path.name} calls super()"
        assert not [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and "Mixin" in n.name], path.name


def _records(n: int, start: int = 0) -> list[IncomingRecord]:
    records = []
    for i in range(start, start + n):
        text = f"Kyiv offered a pause number {i}. Moscow said no."
        records.append(
            IncomingRecord(
                text,
                f"t{i}",
                "s",
                i + 1,
                spans=[Span(0, 32, "offer"), Span(33, 48, "denial")],
                annotator="anna",
                status="done",
                links=[Link(33, 48, 0, 32, "responds-to")],
                categories=["relevant"],
                complete=True,
            )
        )
    return records


def test_an_import_looks_the_batch_s_articles_up_once_and_every_step_uses_the_ids(store):
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    counts = store.add_records(_records(30), "me")
    again = store.add_records(_records(40), "me")  # 30 already there, 10 new
    store.conn.set_trace_callback(None)
    assert sum(HASH_LOOKUP in sql for sql in seen) == 2  # one per batch, not one per step
    assert (counts.articles_added, counts.labels_added, counts.links_added, counts.categories_added) == (30, 60, 30, 30)
    assert (again.articles_added, again.articles_existing) == (10, 30)
    assert (again.links_added, again.categories_added) == (10, 10)


def test_an_import_of_a_file_looks_up_once_per_batch(store, tmp_path):
    from annotator.importing.run import import_paths

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": f"Article {i} on talks."}) + "\n" for i in range(25)))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    import_paths(store, [src], annotator="tester", batch_size=10)
    store.conn.set_trace_callback(None)
    # batches of 10, 10 and 5: at most one look-up each (a batch of new texts asks their unique index)
    assert sum(HASH_LOOKUP in sql for sql in seen) <= 3
    assert store.stats()["articles"] == 25


def test_the_export_assembles_each_row_with_its_layer_s_links_and_categories(store):
    store.add_records(_records(3), "me")
    rows = list(store.export_rows("anna"))
    assert [len(r.spans) for r in rows] == [2, 2, 2]
    assert all(r.links == (Link(33, 48, 0, 32, "responds-to"),) and r.categories == ("relevant",) for r in rows)
    assert [r.links for r in store.export_rows("nobody")] == [(), (), ()]
    every = list(store.export_rows())
    assert [(r.annotator, r.categories) for r in every] == [("anna", ("relevant",))] * 3
    assert store.count_export_rows() == 3
