"""Actors in every format that carries links: JSONL (`actor` on relation ends, a top-level `actors`
list), the DocBin (`Span.kb_id_` on entities, `user_data`), brat (`N` lines, `Kind` and `Side`
attributes), and CSV columns; each
read back on import, with the actor's kind, the way it was resolved and a user's choice kept."""

from __future__ import annotations

import csv
import json

import pytest
from spacy.tokens import DocBin

from annotator.importing.run import import_paths
from annotator.records import Link
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
    if fmt == "brat":  # an N line names the actor, not how it was found: a person's choice
        assert {m.how for m in after} == {"user"}
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


def test_brat_gives_each_actor_end_its_kind_and_side_and_declares_them(tmp_path, project):
    out = tmp_path / "brat"
    with Store.open(project) as store:
        store.actors.set_side("Vladimir Putin", "Russian Federation")  # a side of two words
        export_file(store, out, "brat", annotator="anna")
    ann = next(out.glob("*.ann")).read_text(encoding="utf-8").splitlines()
    end_of = {line.split("\t")[1].split(" ")[2]: line.split("\t")[1].split(" ")[1] for line in ann if line[0] == "N"}
    attributes = {tuple(line.split("\t")[1].split(" ")) for line in ann if line[0] == "A"}
    putin, ukraine = end_of["Actors:Vladimir_Putin"], end_of["Actors:Ukraine"]
    assert {
        ("Kind", putin, "person"),
        ("Side", putin, "Russian_Federation"),
        ("Kind", ukraine, "state"),
        ("Side", ukraine, "Ukraine"),
    } <= attributes
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "Kind\tArg:<ENTITY>, Value:person|state\n" in conf
    assert "Side\tArg:<ENTITY>, Value:Russian_Federation|Ukraine\n" in conf


def test_actors_come_back_from_brat_with_their_kind_and_side(cli, tmp_path, project):
    """The tryout: an export to brat imported into a new project gave its actors no kind (all
    organisations but for the ends spaCy had typed) and no side."""
    with Store.open(project) as store:
        store.actors.add_actor("RIA Novosti", "media", "Russian state media")
        store.actors.add_actor("an official", "anonymous")
        store.links.change_links(1, "anna", add=[Link(*at("Zelensky denied it."), *at("Zelensky"), "speaker")])
        store.actors.set_mention(1, *at("He"), "RIA Novosti", "user")  # an end no entity type names
        store.actors.set_mention(1, *at("Zelensky"), "an official", "user")
    out = tmp_path / "brat"
    assert cli("export", out, "--format", "brat", "--annotator", "anna", db=project).exit_code == 0
    again = tmp_path / "again.annotator.sqlite"
    Store.create(again).close()
    imported = cli("import", "--no-ner", "--annotator", "anna", out, db=again)
    assert imported.exit_code == 0, imported.output
    listed = lambda db: {  # noqa: E731
        a["name"]: (a["kind"], a.get("side")) for a in json.loads(cli("actors", "--json", db=db).output)["actors"]
    }
    assert (
        listed(again)
        == listed(project)
        == {
            "Vladimir Putin": ("person", "Russia"),
            "Ukraine": ("state", "Ukraine"),
            "RIA Novosti": ("media", "Russian state media"),
            "an official": ("anonymous", None),
        }
    )


def test_a_wrong_kind_or_side_in_brat_is_named_and_the_actor_still_comes_in(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Putin spoke. Shoigu said so.", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tclaim 0 12\tPutin spoke.\n"
        "T2\tPERSON 0 5\tPutin\n"
        "A1\tEnd T2\n"
        "R1\tspeaker Arg1:T1 Arg2:T2\n"
        "N1\tReference T2 Actors:Vladimir_Putin\tVladimir Putin\n"
        "A2\tKind T2 tsar\n"
        "A3\tSide T2 Russia\n"
        "A4\tSide T2 Kremlin\n"
        "A5\tKind T1 person\n",
        encoding="utf-8",
    )
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        report = import_paths(store, [folder / "a.txt"], annotator="anna")
        assert [str(r).split(": ", 1)[1] for r in report.rejections] == [
            "A2: an actor's kind is one of person, state, organisation, media, anonymous, not 'tsar'",
            "A4: 'Vladimir Putin' is given Side 'Russia' earlier; 'Kremlin' is left out",
            "A5: Kind on T1, which names no actor (no Actors: N line)",
        ]
        putin = store.actors.actor("Vladimir Putin")
        assert (putin.kind, putin.side) == ("person", "Russia")  # the kind from the end's entity type


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
