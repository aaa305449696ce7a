"""Links in every format: written in each peer's own shape, read back exactly (emoji and CRLF included),
and the DocBin's links read by a training script that imports spaCy alone."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.label_studio import Layer, label_studio_task, task_records
from annotator.importing.run import import_paths
from annotator.records import Entity, IncomingRecord, Link
from annotator.store import Preannotation, Store
from annotator.ui.annotate.spans import word_tokens
from tests.conftest import export_file

TEXT = (
    "Putin 😀 signaled a readiness to halt attacks, contingent on Ukraine reciprocating.\n"
    "He said 🇺🇦 Kyiv must answer. Zelensky denied it."
)


def at(words: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(words, after)
    return start, start + len(words)


OFFER = (0, TEXT.index("\n"))
CONDITION = at("contingent on Ukraine reciprocating")
SAID = at("He said 🇺🇦 Kyiv must answer.")
DENIAL = at("Zelensky denied it.")
LINKS = [
    Link(*OFFER, *at("Putin"), "speaker"),  # an entity
    Link(*OFFER, *at("Ukraine"), "target"),
    Link(*CONDITION, *OFFER, "condition-of"),  # statement → statement
    Link(*SAID, *at("He"), "speaker"),  # a pronoun: no entity, no statement
    Link(*DENIAL, *SAID, "responds-to"),
]


def build(path: Path, text: str = TEXT, links=LINKS) -> Path:
    with Store.create(path) as store:
        entities = [Entity(*at(w), label) for w, label in (("Putin", "PERSON"), ("Ukraine", "GPE"), ("Kyiv", "GPE"))]
        store.add_records([IncomingRecord(text, "Talks", "wire", 1, entities=entities)], "x")
        sentences = [(0, OFFER[1]), (SAID[0], SAID[1]), DENIAL]
        store.preannotations.store_preannotations([Preannotation(1, "test", [], sentences, word_tokens(text))])
        for span, label in ((OFFER, "offer"), (CONDITION, "condition"), (SAID, "claim"), (DENIAL, "denial")):
            store.statements.set_statement(1, "anna", *span, [label], note="check 👍🏽" if label == "offer" else None)
        store.links.change_links(1, "anna", add=links)
        store.articles.set_status(1, "anna", "done")
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    return build(tmp_path / "links.annotator.sqlite")


def links_of(path: Path) -> list[Link]:
    with Store.open(path) as store:
        return [link for a in store.articles.article_ids() for link in store.links.links(a, "anna")]


def statements_of(path: Path) -> list[tuple]:
    with Store.open(path) as store:
        return [
            (s.start, s.end, s.labels, s.note)
            for a in store.articles.article_ids()
            for s in store.statements.statements(a, "anna")
        ]


def round_trip(tmp_path: Path, project: Path, out: Path, fmt: str) -> Path:
    with Store.open(project) as store:
        summary = export_file(store, out, fmt, annotator="anna")
    assert summary.counts["links_written"] == len(links_of(project))
    again = tmp_path / f"again-{fmt}.annotator.sqlite"
    with Store.create(again) as store:
        report = import_paths(store, [out], annotator="anna")
        assert [r for r in report.rejections if not r.warning] == [], report.rejections  # warnings: kept as given
    return again


@pytest.mark.parametrize(
    "fmt,name", [("jsonl", "x.jsonl"), ("doccano", "x.jsonl"), ("brat", "brat"), ("spacy", "x.spacy")]
)
def test_each_format_brings_the_links_back_exactly(tmp_path, project, fmt, name):
    again = round_trip(tmp_path, project, tmp_path / name, fmt)
    assert links_of(again) == links_of(project)
    assert statements_of(again) == statements_of(project)


def test_prodigy_relations_are_in_rel_manuals_shape(tmp_path, project):
    out = tmp_path / "x.jsonl"
    with Store.open(project) as store:
        export_file(store, out, "jsonl", annotator="anna")
    (task,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tokens = task["tokens"]
    speaker = next(r for r in task["relations"] if r["label"] == "speaker" and r["child_span"]["start"] == 0)
    assert speaker["head_span"]["label"] == "offer" and speaker["child_span"]["label"] == "PERSON"
    # head and child are the last token of each end, as spaCy's rel_component project reads them
    assert tokens[speaker["child"]]["end"] == speaker["child_span"]["end"] == len("Putin")
    assert tokens[speaker["head"]]["end"] == speaker["head_span"]["end"] == OFFER[1]
    pronoun = next(r for r in task["relations"] if r["child_span"]["text"] == "He")
    assert pronoun["child_span"]["label"] == "SPAN"


def test_doccano_gets_its_entity_and_relation_shape(tmp_path, project):
    out = tmp_path / "x.jsonl"
    with Store.open(project) as store:
        export_file(store, out, "doccano", annotator="anna")
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_id = {e["id"]: e for e in line["entities"]}
    assert all({"id", "start_offset", "end_offset", "label"} <= set(e) for e in line["entities"])
    named = {
        (
            TEXT[by_id[r["from_id"]]["start_offset"] : by_id[r["from_id"]]["end_offset"]][:8],
            r["type"],
            TEXT[by_id[r["to_id"]]["start_offset"] : by_id[r["to_id"]]["end_offset"]],
        )
        for r in line["relations"]
    }
    assert ("He said ", "speaker", "He") in named and ("Putin 😀 ", "speaker", "Putin") in named
    assert "label" not in line  # the statements are the entities with no "source"


def test_brat_gets_r_lines_and_an_annotation_conf(tmp_path, project):
    out = tmp_path / "brat"
    with Store.open(project) as store:
        export_file(store, out, "brat", annotator="anna")
    assert sorted(p.name for p in out.iterdir()) == [".annotator-export", "000001.ann", "000001.txt", "annotation.conf"]
    ann = (out / "000001.ann").read_text(encoding="utf-8").splitlines()
    bounds = {line.split("\t")[0]: line.split("\t")[2] for line in ann if line.startswith("T")}
    relations = [line.split("\t")[1].split(" ") for line in ann if line.startswith("R")]
    assert [
        "speaker",
        "Arg1:" + next(t for t, w in bounds.items() if w.startswith("He said")),
        "Arg2:" + next(t for t, w in bounds.items() if w == "He"),
    ] in relations
    assert any(line.startswith("A") and line.endswith(next(t for t, w in bounds.items() if w == "He")) for line in ann)
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "speaker\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf and "End\tArg:<ENTITY>" in conf


def test_a_brat_export_replaces_only_a_brat_folder(tmp_path, project):
    from annotator.export.run import ExportError

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "thesis.docx").write_text("mine", encoding="utf-8")
    with Store.open(project) as store, pytest.raises(ExportError, match="left as it was"):
        export_file(store, folder, "brat", annotator="anna")
    assert (folder / "thesis.docx").read_text(encoding="utf-8") == "mine"
    out = tmp_path / "brat"
    with Store.open(project) as store:
        export_file(store, out, "brat", annotator="anna")
        export_file(store, out, "brat", annotator="anna")  # again: the old export is replaced whole
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_csv_has_speaker_and_target_columns(tmp_path, project):
    out = tmp_path / "x.csv"
    with Store.open(project) as store:
        summary = export_file(store, out, "csv", annotator="anna")
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["label"]: row for row in csv.DictReader(handle)}
    assert (rows["offer"]["speaker"], rows["offer"]["target"]) == ("Putin", "Ukraine")
    assert rows["claim"]["speaker"] == "He" and rows["denial"]["speaker"] == ""
    assert summary.counts["links_not_in_columns"] == 2  # condition-of, responds-to


def test_textcat_records_carry_speaker_and_target_in_meta(tmp_path, project):
    out = tmp_path / "x.jsonl"
    with Store.open(project) as store:
        export_file(store, out, "textcat", annotator="anna")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    offer = next(r for r in records if r["cats"].get("offer") == 1)
    assert offer["meta"]["speaker"] == ["Putin"] and offer["meta"]["target"] == ["Ukraine"]
    denial = next(r for r in records if r["cats"].get("denial") == 1)
    assert denial["meta"]["links"] == [
        {"type": "responds-to", "text": TEXT[slice(*SAID)], "start": SAID[0], "end": SAID[1]}
    ]


def test_a_training_script_reads_the_docbins_links_with_spacy_alone(tmp_path, project):
    """What docs/formats.md documents: doc.user_data["links"] (token and character offsets) and doc._.rel
    (spaCy's rel_component shape), read in a fresh interpreter that never imports Annotator."""
    out = tmp_path / "train.spacy"
    with Store.open(project) as store:
        export_file(store, out, "spacy", annotator="anna")
    script = textwrap.dedent(
        f"""
        import json, sys
        import spacy
        from spacy.tokens import Doc, DocBin
        Doc.set_extension("rel", default={{}})
        nlp = spacy.blank("en")
        (doc,) = DocBin().from_disk({str(out)!r}).get_docs(nlp.vocab)
        links = [
            [link["label"], doc[link["head"][0]:link["head"][1]].text, doc[link["child"][0]:link["child"][1]].text]
            for link in doc.user_data["links"]
        ]
        rel = sorted([doc[h].text, doc[c].text, label] for (h, c), labels in doc._.rel.items() for label in labels)
        print(json.dumps({{"links": links, "rel": rel, "annotator": "annotator" in sys.modules}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    found = json.loads(done.stdout)
    assert found["annotator"] is False
    assert ["speaker", TEXT[slice(*OFFER)], "Putin"] in found["links"]
    assert ["speaker", TEXT[slice(*SAID)], "He"] in found["links"]
    assert ["Putin", "Putin", "speaker"] in found["rel"] and ["He", "He", "speaker"] in found["rel"]
    assert ["contingent", "Putin", "condition-of"] in found["rel"]


def test_label_studio_tasks_carry_relations_and_come_back(tmp_path, project):
    with Store.open(project) as store:
        (row,) = store.export_rows("anna")
    from annotator.formats.relations import end_namer

    task = label_studio_task(
        row.text,
        [Layer("anna@example.org", row.spans, links=row.links, end_label=end_namer(row))],
        as_predictions=False,
    )
    result = task["annotations"][0]["result"]
    assert sum(item["type"] == "relation" for item in result) == len(LINKS)
    ends = [item for item in result if item.get("meta", {}).get("link_end")]  # Label Studio has no entities here
    assert [(item["value"]["text"], item["value"]["labels"]) for item in ends] == [
        ("Putin", ["PERSON"]),
        ("Ukraine", ["GPE"]),
        ("He", ["SPAN"]),
    ]
    (record,), note = task_records(task, source="ls.json", line=1)
    assert note is None and sorted(record.links) == sorted(LINKS)
    assert sorted((s.start, s.end, s.label) for s in record.spans) == sorted(
        (s.start, s.end, s.label) for s in row.spans
    )


# -- any text: emoji, flags, CRLF --------------------------------------------------------------------

words = st.text(alphabet=st.sampled_from("abcdeéK😀🇺🇦👍🏽"), min_size=1, max_size=5)


@pytest.mark.docbin_own_tokens  # whitespace words, not spaCy's tokens
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(st.tuples(words, st.sampled_from([" ", "\r\n", ", "])), min_size=4, max_size=12),
    picks=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from(["speaker", "target", "x y"])),
        min_size=1,
        max_size=5,
    ),
    fmt=st.sampled_from(["jsonl", "doccano", "brat", "spacy"]),
)
def test_links_survive_a_round_trip_through_any_format_whatever_the_text(tmp_path_factory, parts, picks, fmt):
    """A Prodigy record whose text has CRLF and emoji, with relations counted on the text as given, comes
    in (CRLF → LF, offsets moved with it) and goes out and back through each format unchanged."""
    raw = "".join(w + sep for w, sep in parts).rstrip(" ,\r\n") + "."
    bounds, pos = [], 0
    for w, sep in parts:
        start = raw.index(w, pos)
        bounds.append((start, start + len(w)))
        pos = start + len(w) + len(sep)
    relations = []
    for a, b, label in picks:
        head, child = bounds[a % len(bounds)], bounds[b % len(bounds)]
        if head != child:
            relations.append(
                {
                    "head_span": {"start": head[0], "end": head[1]},
                    "child_span": {"start": child[0], "end": child[1]},
                    "label": label,
                }
            )
    spans = [
        {"start": s, "end": e, "label": "claim"}
        for s, e in {
            r["head_span"]["start"]: (r["head_span"]["start"], r["head_span"]["end"]) for r in relations
        }.values()
    ]
    folder = tmp_path_factory.mktemp("any")
    source = folder / "in.jsonl"
    source.write_text(
        json.dumps({"text": raw, "spans": spans, "relations": relations, "_annotator_id": "anna"}) + "\n",
        encoding="utf-8",
    )
    first = folder / "first.annotator.sqlite"
    with Store.create(first) as store:
        rejections = import_paths(store, [source], annotator="anna").rejections
        # a generated span may cut a grapheme cluster ("K 🏽"): named as a warning, the span kept as given
        assert [r for r in rejections if not r.warning] == []
        text = store.articles.article(1).text
        store.preannotations.store_preannotations([Preannotation(1, "test", [], [], word_tokens(text))])
    assert "\r" not in text

    def moved(offset: int) -> int:  # computed here, apart from the import: CRLF becomes LF before offsets
        return offset - raw[:offset].count("\r\n")

    expected = sorted(
        {
            Link(
                *map(
                    moved,
                    (r["head_span"]["start"], r["head_span"]["end"], r["child_span"]["start"], r["child_span"]["end"]),
                ),
                r["label"],
            )
            for r in relations
        }
    )
    assert links_of(first) == expected
    for link, r in ((link, r) for link in expected for r in relations if r["label"] == link.label):
        if moved(r["child_span"]["start"]) == link.child_start:
            assert text[slice(*link.child)] == raw[r["child_span"]["start"] : r["child_span"]["end"]].replace(
                "\r\n", "\n"
            )
    name = {"jsonl": "x.jsonl", "doccano": "x.jsonl", "brat": "brat", "spacy": "x.spacy"}[fmt]
    if fmt == "brat":  # brat's types have no white space
        expected = [link._replace(label=link.label.replace(" ", "_")) for link in expected]
    again = round_trip(folder, first, folder / name, fmt)
    assert links_of(again) == expected
