"""Actors in every format that carries links: JSONL (`actor` on relation ends, a top-level `actors`
list), the DocBin (`Span.kb_id_` on entities, `user_data`), brat (`N` lines), and CSV columns; each
read back on import, with the actor's kind, the way it was resolved and a user's choice kept."""

from __future__ import annotations

import csv
import json

import pytest
from spacy.tokens import DocBin

from annotator.importing.run import import_paths
from annotator.store import Store
from tests.conftest import export_file
from tests.test_links_formats import TEXT, at, build


def with_actors(path):
    build(path)
    with Store.open(path) as store:
        store.actors.add_actor("Vladimir Putin", "person", "Russia", aliases=[("Putin", "name")])
        store.actors.add_actor("Ukraine", "state", "Ukraine", aliases=[("Kyiv", "metonym")])
        store.actors.set_mention(1, *at("Putin"), "Vladimir Putin", "alias")
        store.actors.set_mention(1, *at("Ukraine"), "Ukraine", "user")
        store.actors.set_mention(1, *at("He"), "Vladimir Putin", "pronoun")
        store.entities.set_entity_review(1, "anna", True)  # spaCy's entities vouched for: in doc.ents
    return path


@pytest.fixture
def project(tmp_path):
    return with_actors(tmp_path / "actors.annotator.sqlite")


def mentions(path):
    with Store.open(path) as store:
        return list(store.actors.mentions()), {a.name: (a.kind, a.side) for a in store.actors.actors()}


@pytest.mark.parametrize(
    "fmt,name",
    [
        ("jsonl", "x.jsonl"),
        ("brat", "brat"),
        ("spacy", "x.spacy"),
        ("doccano", "x.doccano.jsonl"),
        ("label-studio", "x.json"),
    ],
)
def test_the_actors_of_link_ends_come_back_from_each_format(tmp_path, project, fmt, name):
    out = tmp_path / name
    with Store.open(project) as store:
        export_file(store, out, fmt, annotator="anna")
    again = tmp_path / f"again-{fmt}.annotator.sqlite"
    with Store.create(again) as store:
        report = import_paths(store, [out], annotator="anna")
        assert [r for r in report.rejections if not r.warning] == []
    before, kinds_before = mentions(project)
    after, kinds_after = mentions(again)
    spans = lambda found: [(m.start, m.end, m.actor) for m in found]  # noqa: E731
    assert spans(after) == spans(before)
    if fmt == "brat":  # an N line names the actor only: it is a person's choice, its kind from the entity
        assert {m.how for m in after} == {"user"} and kinds_after["Vladimir Putin"][0] == "person"
    else:
        assert [m.how for m in after] == [m.how for m in before]
        assert kinds_after == kinds_before


def test_jsonl_names_the_actor_on_each_relation_end_and_lists_the_actors(tmp_path, project):
    out = tmp_path / "x.jsonl"
    with Store.open(project) as store:
        export_file(store, out, "jsonl", annotator="anna")
    task = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    speakers = [r["child_span"] for r in task["relations"] if r["label"] == "speaker"]
    assert [(s["text"], s.get("actor"), s.get("actor_how")) for s in speakers] == [
        ("Putin", "Vladimir Putin", "alias"),
        ("He", "Vladimir Putin", "pronoun"),
    ]
    assert task["actors"] == [
        {"name": "Ukraine", "kind": "state", "side": "Ukraine"},
        {"name": "Vladimir Putin", "kind": "person", "side": "Russia"},
    ]


def test_the_docbin_gives_entities_their_actor_as_kb_id(tmp_path, project):
    import spacy

    out = tmp_path / "x.spacy"
    with Store.open(project) as store:
        export_file(store, out, "spacy", annotator="anna")
    doc = next(iter(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)))
    assert {(e.text, e.kb_id_) for e in doc.ents} == {("Putin", "Vladimir Putin"), ("Ukraine", "Ukraine"), ("Kyiv", "")}


def test_brat_writes_a_normalization_line_per_resolved_end(tmp_path, project):
    out = tmp_path / "brat"
    with Store.open(project) as store:
        export_file(store, out, "brat", annotator="anna")
    ann = next(out.glob("*.ann")).read_text(encoding="utf-8").splitlines()
    normalizations = [line.split("\t") for line in ann if line.startswith("N")]
    assert [(n[1].split(" ")[0], n[1].split(" ")[2], n[2]) for n in normalizations] == [
        ("Reference", "Actors:Vladimir_Putin", "Vladimir Putin"),
        ("Reference", "Actors:Ukraine", "Ukraine"),
        ("Reference", "Actors:Vladimir_Putin", "Vladimir Putin"),
    ]


def test_csv_has_an_actor_column_beside_speaker_and_target(tmp_path, project):
    out = tmp_path / "x.csv"
    with Store.open(project) as store:
        export_file(store, out, "csv", annotator="anna")
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    offer = next(r for r in rows if r["label"] == "offer")
    said = next(r for r in rows if r["label"] == "claim")
    assert (offer["speaker"], offer["speaker_actor"], offer["target"], offer["target_actor"]) == (
        "Putin",
        "Vladimir Putin",
        "Ukraine",
        "Ukraine",
    )
    assert (said["speaker"], said["speaker_actor"]) == ("He", "Vladimir Putin")
    assert TEXT  # the article the links are on


def test_a_bad_actor_in_a_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    task = {
        "text": "Putin said no.",
        "spans": [{"start": 0, "end": 14, "label": "denial"}],
        "relations": [
            {
                "head_span": {"start": 0, "end": 14},
                "child_span": {"start": 0, "end": 5, "actor": "Putin\nX"},
                "label": "speaker",
            }
        ],
    }
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        report = import_paths(store, [path], annotator="anna")
        assert [str(r) for r in report.rejections] == [
            f"{path}:1: actor name 'Putin\\nX' holds a line break or control character (U+000A)"
        ]
        assert store.actors.count() == 0


def test_an_actor_name_with_nothing_to_compare_by_leaves_the_link_unresolved_not_the_import_failed(tmp_path):
    path = tmp_path / "dots.jsonl"
    task = {
        "text": "Putin said no.",
        "spans": [{"start": 0, "end": 14, "label": "denial"}],
        "relations": [
            {
                "head_span": {"start": 0, "end": 14},
                "child_span": {"start": 0, "end": 5, "actor": "..."},
                "label": "speaker",
            }
        ],
    }
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        report = import_paths(store, [path], annotator="anna")
        assert report.rejections == []
        assert len(store.links.links(1, "anna")) == 1 and store.actors.count() == 0


def test_a_teammates_project_file_brings_its_mention_actors_with_kind_and_side(tmp_path, project):
    """Merging a teammate's file carries who each link end stands for (found missing in issue 30: the
    links came, the actors did not)."""
    mine = tmp_path / "mine.annotator.sqlite"
    with Store.create(mine) as store:
        report = import_paths(store, [project], annotator="me")
        assert [r for r in report.rejections if not r.warning] == []
    before, kinds_before = mentions(project)
    after, kinds_after = mentions(mine)
    assert [(m.start, m.end, m.actor, m.how) for m in after] == [(m.start, m.end, m.actor, m.how) for m in before]
    assert kinds_after == kinds_before
