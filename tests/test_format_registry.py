"""A format is one module in a registry: adding one touches nothing else.

A format of the test's own is registered the way `annotator/formats/__init__.py` registers the
real ones; the command line (choices, help, options), file recognition (suffix, folder walks,
first bytes), the export (file name, options, writer) and the dialogs' filters pick it up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from annotator import formats
from annotator.formats.base import Format, Option, ReadContext, Writer
from annotator.records import ExportRow, IncomingRecord, Rejection
from annotator.store import Store
from tests.conftest import ROOT

CASE = Option("tiny-case", ("upper", "lower"), "Write the texts in upper or lower case", default="lower")


def read_tiny(path: Path, _context: ReadContext) -> list[IncomingRecord | Rejection]:
    """One article a line (the first line of a file sniffed by its first bytes is its marker)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        IncomingRecord(text=line, title=line[:20], source=path.name, line=n)
        for n, line in enumerate(lines, 1)
        if line.strip() and line != "#tiny"
    ]


class TinyWriter(Writer):
    def write(self, handle: Any, row: ExportRow) -> None:
        text = row.text.upper() if self.options[CASE.key] == "upper" else row.text.lower()
        handle.write(f"{text}\t{','.join(s.label for s in row.spans)}\n")
        self.summary.records += 1
        self.count_labels(row)


TINY = Format(
    name="tiny",
    title="Tiny lines",
    suffixes=(".tiny",),
    read=read_tiny,
    sniff=lambda head: head.startswith(b"#tiny\n"),
    writer=TinyWriter,
    export_suffixes=(".tiny",),
    options=(CASE,),
    imports="one article a line",
    exports="one line per article: its text and its labels",
)


@pytest.fixture
def tiny():
    formats.register(TINY)
    yield TINY
    formats.unregister(TINY.name)


def test_a_new_format_is_offered_by_the_command_line_with_its_help_and_options(tiny, cli):
    import_help = cli("import", "--help").output
    assert "tiny (.tiny)" in import_help and "one article a line" in import_help
    assert re.search(r"--format \[[a-z|-]*\|tiny\]", import_help)
    export_help = " ".join(cli("export", "--help").output.split())
    assert "tiny: Tiny lines (.tiny)" in export_help and "one line per article: its text and its labels" in export_help
    assert "--tiny-case [upper|lower] Write the texts in upper or lower case (tiny only)." in export_help
    assert re.search(r"Default: from OUT's ending \([^)]*\.tiny\)", export_help)  # its ending picks it


def test_a_new_format_s_files_are_recognised_by_suffix_in_folders_and_by_their_first_bytes(
    tiny, cli, db_path, tmp_path
):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.tiny").write_text("Kyiv offered talks.\nMoscow said no.\n", encoding="utf-8")
    (tmp_path / "marked").write_text("#tiny\nAnkara offered to host.\n", encoding="utf-8")
    assert formats.format_of(tmp_path / "in" / "a.tiny") is tiny
    assert formats.format_of(tmp_path / "marked") is tiny
    assert ".tiny" in formats.folder_suffixes()
    result = cli("import", "--no-ner", tmp_path / "in", tmp_path / "marked")
    assert result.exit_code == 0, result.output
    assert "imported 3 new articles" in result.stdout


def test_a_new_format_exports_by_its_file_name_with_its_own_option(tiny, cli, db_path, tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "Kyiv offered talks.", "spans": [{"start": 0, "end": 4, "label": "offer"}]}))
    cli("import", "--no-ner", "--annotator", "anna", src)
    result = cli("export", tmp_path / "out.tiny", "--tiny-case", "upper")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.tiny").read_text(encoding="utf-8") == "KYIV OFFERED TALKS.\toffer\n"
    refused = cli("export", tmp_path / "out.jsonl", "--tiny-case", "upper")
    assert refused.exit_code == 2 and "--tiny-case does not apply to jsonl: it is for tiny" in refused.output


def test_a_writer_gets_what_it_needs_of_the_project_never_the_project(tiny, cli, tmp_path, monkeypatch):
    """The export loop reads the project once and hands the writer a frozen context: the layer,
    the labels, the categories; a format has no store or rule to query."""
    import dataclasses

    from annotator.formats.base import WriteContext

    seen: list[Writer] = []
    monkeypatch.setattr(TinyWriter, "finish", lambda self, handle: seen.append(self))
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "Kyiv offered talks.", "spans": [{"start": 0, "end": 4, "label": "offer"}]}))
    cli("import", "--no-ner", "--annotator", "anna", src)
    assert cli("export", tmp_path / "out.tiny", "--labels", "offer").exit_code == 0
    (writer,) = seen
    context = writer.context
    assert isinstance(context, WriteContext) and not hasattr(writer, "store") and not hasattr(writer, "rule")
    assert (context.layer, context.labels, context.category_groups) == ("anna", ("offer",), None)
    assert [g.name for g in context.chosen_categories] == [g.name for g in context.categories]
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.layer = "ben"  # type: ignore[misc]


def test_a_new_format_is_in_the_dialogs_filters_and_the_readme_table(tiny):
    everything = formats.import_filter().split(";;")[0]
    assert "*.tiny" in everything and "Tiny lines (*.tiny)" in formats.import_filter()
    assert formats.export_filter("tiny") == "Tiny lines (*.tiny);;All files (*)"
    assert formats.export_suffix("tiny") == ".tiny"
    assert ("tiny", "Tiny lines (.tiny), for other tools and merging") in formats.export_choices()
    assert "| Tiny lines | `tiny` | `.tiny`: one article a line |" in formats.markdown_table()


def test_a_format_cannot_take_a_name_or_an_option_another_has():
    with pytest.raises(ValueError, match="registered already"):
        formats.register(Format(name="conll", title="Another CoNLL"))
    clash = Option("align", ("left", "right"), "Another align")
    with pytest.raises(ValueError, match="--align differs"):
        formats.register(
            Format(name="clash", title="Clash", writer=TinyWriter, export_suffixes=(".x",), options=(clash,))
        )
    assert "clash" not in formats.export_names()


# -- the registry is the one place -------------------------------------------------------------


def test_the_docs_formats_table_is_the_registry_s():
    page = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert formats.markdown_table() in page, (
        "the formats table of docs/formats.md is out of date: run python -m annotator.cli.reference"
    )


def test_no_module_outside_the_formats_names_a_format_s_file_ending():
    """Suffixes used to be spread over seven files; the formats' modules hold them now (the window's
    dialogs are wired to `formats.import_filter`/`export_filter` by the UI)."""
    ending = re.compile(r"""["']\.(jsonl|ndjson|json|conll|iob|tsv|spacy|csv|txt|ann)["']""")
    found = []
    for path in (ROOT / "annotator").rglob("*.py"):
        relative = path.relative_to(ROOT / "annotator").as_posix()
        if relative.startswith(("formats/", "ui/")):
            continue
        found += [f"{relative}: {m.group(0)}" for m in ending.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_every_file_type_the_import_reads_is_in_the_import_dialog_s_filter_project_files_too():
    everything = formats.import_filter().split(";;")[0]
    for fmt in formats.all_formats():
        for suffix in fmt.suffixes:
            assert f"*{suffix}" in everything
    assert "*.sqlite" in everything
    assert formats.export_filter("label-studio") == "Label Studio JSON (*.json);;All files (*)"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("out.spacy", "spacy"),
        ("out.csv", "csv"),
        ("tasks.json", "label-studio"),
        ("news.conll", "conll"),
        ("out.jsonl", "jsonl"),
        ("out", "jsonl"),
    ],
)
def test_the_file_name_picks_the_export_format(name, expected):
    assert formats.export_format_for(name) == expected


def test_files_that_share_a_suffix_are_told_apart_by_their_content(tmp_path):
    (tmp_path / "a.txt").write_text("Kyiv offered talks.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Kyiv offered talks.", encoding="utf-8")
    (tmp_path / "b.ann").write_text("T1\tGPE 0 4\tKyiv\n", encoding="utf-8")
    shard = {"text": "Kyiv.", "_preannotation": {"pipeline": "x", "version": "1", "recipe": "r"}}
    (tmp_path / "s.jsonl").write_text(json.dumps(shard) + "\n", encoding="utf-8")
    (tmp_path / "t.jsonl").write_text(json.dumps({"text": "Kyiv."}) + "\n", encoding="utf-8")
    (tmp_path / "eng.train").write_text("-DOCSTART- -X- O O\n\nKyiv NNP B-NP B-GPE\n", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    found = {path.name: getattr(formats.format_of(path), "name", None) for path in sorted(tmp_path.iterdir())}
    assert found == {
        "a.txt": "text",
        "b.txt": "brat",
        "b.ann": "brat",
        "s.jsonl": "shards",
        "t.jsonl": "jsonl",
        "eng.train": "conll",
        "notes.docx": None,
    }


def test_import_format_reads_a_file_whatever_its_name(cli, db_path, tmp_path):
    data = tmp_path / "export.data"
    data.write_text("Kyiv NNP B-NP B-GPE\noffered VBD B-VP O\n", encoding="utf-8")
    refused = cli("import", "--no-ner", data)
    assert refused.exit_code == 1 and "unknown file type '.data'" in refused.stderr
    assert "import --format NAME reads a file as that format" in refused.stderr
    result = cli("import", "--no-ner", "--format", "conll", data)
    assert result.exit_code == 0, result.output
    with Store.open(db_path) as store:
        (row,) = store.export_rows()
    assert row.text == "Kyiv offered" and [(e.label, row.text[e.start : e.end]) for e in row.entities] == [
        ("GPE", "Kyiv")
    ]
