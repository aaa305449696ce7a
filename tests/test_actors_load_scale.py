"""`annotator actors --load` grows with the file, not with its square: a file of 100,000 actors
hung the CLI for hours because each new actor normalised every name already there."""

from __future__ import annotations

import json
import time

import pytest

import annotator.store.actors as actors_module
from annotator.actors import registry
from annotator.records import IncomingRecord
from annotator.store import Store


def _file(path, n: int, first: int = 0):
    actors = [
        {"name": f"Actor {i}", "kind": "person", "side": "S", "aliases": [f"Alias {i}"]}
        for i in range(first, first + n)
    ]
    path.write_text(json.dumps({"actors": actors}), encoding="utf-8")
    return path


def _key_calls_to_load(store, path, monkeypatch) -> int:
    calls = 0
    real = actors_module.actor_key

    def counting(name: str) -> str:
        nonlocal calls
        calls += 1
        return real(name)

    monkeypatch.setattr(actors_module, "actor_key", counting)
    loaded = registry.read_actor_file(path)
    store.actors.load(loaded.actors, loaded.from_patterns)
    monkeypatch.setattr(actors_module, "actor_key", real)
    return calls


def test_names_are_normalised_a_fixed_number_of_times_per_actor(store, tmp_path, monkeypatch):
    small = _key_calls_to_load(store, _file(tmp_path / "a.json", 200), monkeypatch)
    # ten times the actors, into a project that already holds the first 200: ten times the work
    big = _key_calls_to_load(store, _file(tmp_path / "b.json", 2000, first=200), monkeypatch)
    assert store.actors.count() == 2200
    assert big <= 11 * small, (small, big)  # quadratic: about 100 times (1.6 M calls for 1,000 actors)
    # loaded again: every actor is found, none added, still linear
    again = _key_calls_to_load(store, tmp_path / "b.json", monkeypatch)
    assert again <= 11 * small, (small, again)


def test_twenty_thousand_actors_load_in_seconds(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(text="Kyiv said so.", title="t", source="a.txt", line=1)], "tester")
    path = _file(tmp_path / "many.json", 20_000)
    started = time.monotonic()
    result = cli("actors", "--load", str(path))
    took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "20000 actors added, 0 updated" in result.output
    assert took < 30, f"{took:.1f} s for 20,000 actors"  # about 5 s; quadratic, it took most of an hour
    with Store.open(db_path) as store:
        assert store.actors.actor("alias 19999").name == "Actor 19999"


def test_a_file_over_the_cap_is_refused_at_the_first_actor_too_many(cli, db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "MAX_ACTORS", 3)
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(text="Kyiv said so.", title="t", source="a.txt", line=1)], "tester")
    path = tmp_path / "five.jsonl"
    path.write_text("".join(json.dumps({"name": f"A{i}", "kind": "state"}) + "\n" for i in range(5)), encoding="utf-8")
    result = cli("actors", "--load", str(path))
    assert result.exit_code == 1
    assert f"{path}:4: actor 4 of 5; a file holds at most 3 actors" in result.output
    assert "Traceback" not in result.output
    with Store.open(db_path) as store:
        assert store.actors.count() == 0


@pytest.mark.parametrize("shape", ["json", "jsonl"])
def test_the_line_of_a_mistake_is_still_found_in_a_long_file(tmp_path, shape):
    actors = [{"name": f"Actor {i}", "kind": "person"} for i in range(3000)]
    actors[2500]["kind"] = "dragon"
    path = tmp_path / f"a.{shape}"
    if shape == "json":
        path.write_text("[\n" + ",\n".join(json.dumps(a) for a in actors) + "\n]\n", encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(a) + "\n" for a in actors), encoding="utf-8")
    with pytest.raises(registry.ActorFileError, match=rf"{path.name}:{2502 if shape == 'json' else 2501}: "):
        registry.read_actor_file(path)
