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


def speaker_task(actor, **more) -> dict:
    """A JSONL task: one statement whose speaker link ends on "Putin", that end standing for `actor`."""
    return {
        "text": "Putin said no.",
        "spans": [{"start": 0, "end": 14, "label": "denial"}],
        "relations": [
            {
                "head_span": {"start": 0, "end": 14},
                "child_span": {"start": 0, "end": 5, "actor": actor},
                "label": "speaker",
            }
        ],
        **more,
    }


def import_lines(tmp_path, *tasks):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(task, ensure_ascii=False) + "\n" for task in tasks), encoding="utf-8")
    store = Store.create(tmp_path / "p.annotator.sqlite")
    return path, store, import_paths(store, [path], annotator="anna")


SPOOF = "Z\u0435lensky"  # a Cyrillic е among Latin letters


@pytest.mark.parametrize(
    "actor,why",
    [
        ("Putin\nX", "actor name 'Putin\\nX' holds a line break or control character (U+000A)"),
        ("Pu\u200btin", "actor name 'Pu\\u200btin' holds an invisible character (U+200B ZERO WIDTH SPACE)"),
        (
            SPOOF,
            f"actor name {SPOOF!r}: the word {SPOOF!r} mixes Latin and Cyrillic letters "
            "(U+0435 CYRILLIC SMALL LETTER IE)",
        ),
        ("...", "actor name '...' has no letters or digits to compare by"),
        ("", "actor name must be a non-empty string"),
    ],
)
def test_an_actor_name_the_registry_refuses_is_named_and_the_link_comes_in_without_it(tmp_path, actor, why):
    """The store's actor check (`check_name`) refused these and left the end unresolved without a
    word (a look-alike, "..."), or the whole record was refused (a control character)."""
    path, store, report = import_lines(tmp_path, speaker_task(actor))
    with store:
        assert [(str(r), r.kept) for r in report.rejections] == [
            (f"{path}:1: {why}; the link comes in without its actor", True)
        ]
        assert not report.refused  # the import exits 0: the record came in
        assert [(link.label, link.child) for link in store.links.links(1, "anna")] == [("speaker", (0, 5))]
        assert store.actors.count() == 0 and list(store.actors.mentions()) == []


def test_a_refused_actor_is_named_once_and_the_good_ones_of_the_record_come_in(tmp_path):
    task = speaker_task(SPOOF, actors=[{"name": SPOOF, "kind": "person"}, {"name": "Russia", "kind": "state"}])
    task["relations"].append(
        {
            "head_span": {"start": 0, "end": 14},
            "child_span": {"start": 11, "end": 13, "actor": "Russia"},
            "label": "target",
        }
    )
    _, store, report = import_lines(
        tmp_path,
        task,
        speaker_task("Vladimir Putin", actors=[{"name": "Vladimir Putin", "kind": "person", "side": "Ru\u0441sia"}]),
    )
    with store:
        assert [str(r).split(": ", 1)[1] for r in report.rejections] == [
            f"actor name {SPOOF!r}: the word {SPOOF!r} mixes Latin and Cyrillic letters (U+0435 CYRILLIC SMALL "
            "LETTER IE); the link comes in without its actor",
            "side 'Ru\u0441sia': the word 'Ru\u0441sia' mixes Latin and Cyrillic letters (U+0441 CYRILLIC SMALL "
            "LETTER ES); 'Vladimir Putin' comes in without its side",
        ]
        assert [r.line for r in report.rejections] == [1, 2]
        assert {a.name: (a.kind, a.side) for a in store.actors.actors()} == {
            "Russia": ("state", ""),
            "Vladimir Putin": ("person", ""),
        }


def test_a_brat_actor_the_registry_refuses_is_named_by_its_n_line_and_the_link_comes_in(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Zelensky spoke. Putin did not.", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tclaim 0 15\tZelensky spoke.\n"
        "T2\tPERSON 0 8\tZelensky\n"
        "A1\tEnd T2\n"
        "R1\tspeaker Arg1:T1 Arg2:T2\n"
        f"N1\tReference T2 Actors:Zelensky\t{SPOOF}\n"
        "A2\tSide T2 Ukraine\n",
        encoding="utf-8",
    )
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        report = import_paths(store, [folder / "a.txt"], annotator="anna")
        ann = folder / "a.ann"
        assert [(str(r), r.kept) for r in report.rejections] == [
            (
                f"{ann}:5: actor name {SPOOF!r}: the word {SPOOF!r} mixes Latin and Cyrillic letters (U+0435 CYRILLIC "
                "SMALL LETTER IE); the link comes in without its actor",
                True,
            ),
            (f"{ann}:6: A2: Side of the actor refused on line 5; left out with it", True),
        ]
        assert not report.refused
        assert [(link.label, link.child) for link in store.links.links(1, "anna")] == [("speaker", (0, 8))]
        assert store.actors.count() == 0


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
