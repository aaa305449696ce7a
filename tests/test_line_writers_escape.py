"""brat and CSV write what their format cannot hold so it still reads as written: a line break in
a statement's words or note stays on its `.ann` line (every reader's line breaks, not only LF), a
label with a space is joined with `_`, a `|` inside a joined CSV cell is escaped; each is counted
in the export's account."""

from __future__ import annotations

import csv

from annotator.importing.run import import_paths
from annotator.records import IncomingRecord, Link
from annotator.schemes.categories import Category, CategoryGroup
from annotator.store import Store
from tests.conftest import export_file

TEXT = "Kyiv offered\r a halt\u2028 to strikes.\nThe Kremlin and the A|B group denied it."
OFFER = (0, TEXT.index(".") + 1)
SPEAKER = (TEXT.index("the A|B group"), TEXT.index(" denied"))
DENIAL = (TEXT.index("The Kremlin"), len(TEXT))


def project(path):
    store = Store.create(path)
    store.add_records([IncomingRecord(TEXT, "Talks", "wire", 1)], "me")
    store.statements.set_statement(1, "anna", *OFFER, ["offer"], note="check\nthis\u2028again")
    store.statements.set_statement(1, "anna", *DENIAL, ["firm denial"])
    store.links.change_links(1, "anna", add=[Link(*DENIAL, *SPEAKER, "speaker")])
    store.schemes.set_category_scheme([CategoryGroup("topic", False, (Category("war|peace"), Category("energy")))])
    store.categories.set_article_categories(1, "anna", ["energy", "war|peace"])
    store.articles.set_status(1, "anna", "done")
    return store


def test_a_brat_ann_keeps_each_annotation_on_its_line_and_reads_back(tmp_path):
    out = tmp_path / "brat"
    with project(tmp_path / "p.annotator.sqlite") as store:
        summary = export_file(store, out, "brat", annotator="anna")
    with open(out / "000001.ann", encoding="utf-8") as handle:  # universal newlines, as brat reads it
        lines = handle.read().splitlines()
    assert all(line[:1] in "TRA#" and line for line in lines), lines
    assert any(line.startswith("T") and "\tfirm_denial " in line for line in lines)
    assert any("AnnotatorNotes" in line and line.endswith("\tcheck this again") for line in lines)
    assert summary.counts["quotes_on_one_line"] == 1
    assert summary.counts["notes_on_one_line"] == 1
    assert summary.counts["names_joined"] == 1
    said = "\n".join(summary.lines())
    assert "quoted on one line" in said and "notes holding a line break" in said and "joined with _" in said
    with Store.create(tmp_path / "back.annotator.sqlite") as back:
        report = import_paths(back, [out / "000001.txt"], annotator="anna")
        assert not report.rejections, report.rejections
        spans = {(s.start, s.end, s.labels) for s in back.statements.statements(1, "anna")}
    assert (*OFFER, ("offer",)) in spans and (*DENIAL, ("firm_denial",)) in spans


def test_a_csv_cell_of_joined_names_escapes_the_separator(tmp_path):
    out = tmp_path / "labels.csv"
    with project(tmp_path / "p.annotator.sqlite") as store:
        summary = export_file(store, out, "csv", annotator="anna")
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["categories"] for row in rows} == {r"energy | war\|peace"}
    assert [row["speaker"] for row in rows if row["label"] == "firm denial"] == [r"the A\|B group"]
    assert summary.counts["separators_escaped"] == 2  # the category once, the linked words once
    assert "written as \\| " in "\n".join(summary.lines())
