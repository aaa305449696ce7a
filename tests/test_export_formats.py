"""A team's labels leave the project in the format the next tool wants: checked, complete and atomic.

Every format is read back with the consumer's own reader (srsly, csv, spaCy's DocBin) and held
against the project: each span slices its own text, every label is counted, spans off token
boundaries are reported by article and offset and never vanish.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter

import pytest
import srsly

from annotator import formats
from annotator.export import run as exporting
from annotator.export.rule import ExportRule, choose_rule
from annotator.export.run import FORMATS, ExportError, count_records
from annotator.formats.csvfile import inert
from annotator.records import GOLD, IncomingRecord, Span
from annotator.store import Store
from tests.conftest import export_file as export
from tests.seed_project import LABELS, MISALIGNED_ARTICLE, NOTE, seed_project

pytestmark = pytest.mark.spacy


@pytest.fixture
def project(tmp_path_factory, pipeline, tmp_path):
    with Store.open(seed_project(tmp_path_factory, pipeline, tmp_path / "team.annotator.sqlite")) as store:
        yield store


def project_labels(store: Store, annotator: str | None = None) -> Counter:
    """Labels of the layer's finished articles (all stored layers' when `annotator` is None)."""
    rows = store.export_rows(annotator)
    return Counter(span.label for row in rows if row.status == "done" for span in row.spans)


def docbin_docs(path):
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_the_formats_offered_are_the_ones_the_cli_offers():
    from annotator.cli import export_cmd

    choices = next(p for p in export_cmd.params if p.name == "fmt").type.choices
    assert tuple(choices) == FORMATS


def test_prodigy_jsonl_of_every_layer_has_one_task_per_article_and_annotator_with_token_indices(project, tmp_path):
    out = tmp_path / "team.jsonl"
    summary = export(project, out, all_layers=True, articles="all")
    tasks = list(srsly.read_jsonl(out))
    assert summary.records == len(tasks) == count_records(project, choose_rule(project, "jsonl", all_layers=True))
    assert Counter(t.get("_annotator_id") for t in tasks) == {"anna": 5, "ben": 5, GOLD: 3}
    assert summary.labels == Counter(span.label for row in project.export_rows() for span in row.spans)
    for task in tasks:
        assert {"text", "meta", "_input_hash", "_task_hash", "answer", "spans", "entities", "tokens"} <= set(task)
        tokens = task["tokens"]
        for span in task["spans"]:
            assert task["text"][span["start"] : span["end"]] == span["text"]
            if "token_start" in span:
                assert tokens[span["token_start"]]["start"] == span["start"]
                assert tokens[span["token_end"]]["end"] == span["end"]
        assert all(e["source"] in ("model", "user") for e in task["entities"])
    anna_first = next(t for t in tasks if t.get("_annotator_id") == "anna")
    assert anna_first["spans"][0]["note"] == NOTE
    assert anna_first["_status"] == "done"


def test_a_span_off_token_boundaries_is_reported_by_article_and_offset_and_still_exported(project, tmp_path):
    summary = export(project, tmp_path / "team.jsonl", annotator="anna")
    (warning,) = [w for w in summary.warnings if "token boundaries" in w]
    assert warning.startswith(f"article {MISALIGNED_ARTICLE} (anna): span ")
    assert summary.counts["misaligned"] == 1 and summary.ok, "written as is: what was asked"
    task = next(
        t
        for t in srsly.read_jsonl(tmp_path / "team.jsonl")
        if t.get("_annotator_id") == "anna" and t["meta"]["source"].startswith("001_")
    )
    odd = [s for s in task["spans"] if "token_start" not in s]
    assert len(odd) == 1 and f"span {odd[0]['start']}-{odd[0]['end']} 'claim'" in warning


def test_doccano_lines_carry_label_triples(project, tmp_path):
    out = tmp_path / "team.doccano.jsonl"
    summary = export(project, out, fmt="doccano", annotator="anna")
    lines = list(srsly.read_jsonl(out))
    assert len(lines) == summary.records == 5
    for line in lines:
        assert all(line["text"][s:e] for s, e, _ in line["label"])
        assert {label for _, _, label in line["label"]} <= set(LABELS)
    assert summary.spans == sum(len(line["label"]) for line in lines) == sum(project_labels(project, "anna").values())


def test_docbin_has_statements_in_sc_and_entities_in_ents_and_says_what_it_could_not_place(project, tmp_path):
    out = tmp_path / "team.spacy"
    summary = export(project, out, annotator="anna")
    docs = docbin_docs(out)
    assert len(docs) == summary.records == 5
    assert sum(len(doc.spans["sc"]) for doc in docs) == summary.spans
    assert summary.counts["skipped"] == 1, "the span inside a word is counted, not silently dropped"
    assert summary.spans + summary.counts["skipped"] == sum(project_labels(project, "anna").values())
    assert not summary.ok, "a statement the DocBin cannot hold is not what was asked: exit 1"
    skipped = [w for w in summary.warnings if "not in doc.spans['sc'], kept in doc.user_data" in w]
    assert len(skipped) == 1 and skipped[0].startswith(f"article {MISALIGNED_ARTICLE} (anna)")
    assert summary.counts["overflow"] >= 1, "anna's 'Vladimir' overlaps the model's 'Vladimir Putin'"
    assert any("ents_overflow" in w for w in summary.warnings)
    placed = sum(len(doc.ents) + len(doc.spans.get("ents_overflow", [])) for doc in docs)
    assert placed == summary.entities
    for doc in docs:
        assert {span.label_ for span in doc.spans["sc"]} <= set(LABELS)
        assert all(ent.text == ent.text.strip() for ent in doc.ents)


@pytest.mark.parametrize("mode", ["expand", "contract"])
def test_docbin_snaps_off_boundary_spans_only_when_asked(project, tmp_path, mode):
    summary = export(project, tmp_path / "team.spacy", annotator="anna", align=mode)
    assert summary.counts["skipped"] == 0 and summary.counts["snapped"] == 1
    assert summary.spans == sum(project_labels(project, "anna").values())
    assert any(f"snapped ({mode})" in w for w in summary.warnings)


def test_textcat_has_one_record_per_statement_and_per_unlabeled_sentence_with_every_label(project, tmp_path):
    out = tmp_path / "team.textcat.jsonl"
    summary = export(project, out, fmt="textcat", annotator="anna")
    records = list(srsly.read_jsonl(out))
    rows = list(project.export_rows("anna"))
    statements = {(r.article_id, s, e) for r in rows for s, e, _, _ in r.spans}
    negatives = {
        (r.article_id, s, e) for r in rows for s, e in r.sentences if not any(a < e and s < b for a, b, *_ in r.spans)
    }
    positive = [r for r in records if any(r["cats"].values())]
    assert {(r["meta"]["article_id"], r["meta"]["start"], r["meta"]["end"]) for r in positive} == statements
    assert len(records) == summary.records == len(statements) + len(negatives)
    assert summary.counts["negatives"] == len(negatives) > 0
    for record in records:
        assert set(record["cats"]) >= set(LABELS)
        assert set(record["cats"].values()) <= {0, 1}
        article = project.articles.article(record["meta"]["article_id"])
        assert article.text[record["meta"]["start"] : record["meta"]["end"]] == record["text"]
    assert any(sum(r["cats"].values()) == 2 for r in records), "a statement with two labels has both"


def test_csv_has_one_row_per_label_and_quotes_line_breaks(project, tmp_path):
    out = tmp_path / "team.csv"
    summary = export(project, out, annotator="anna")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary.records == sum(project_labels(project, "anna").values())
    assert {row["answer"] for row in rows} == {"accept"}
    for row in rows:
        text = project.articles.article(int(row["article_id"])).text
        assert inert(text[int(row["start"]) : int(row["end"])]) == row["text"]
    assert any(row["note"] == NOTE for row in rows)


def test_labels_and_articles_filters(project, tmp_path):
    only = export(project, tmp_path / "claims.jsonl", annotator="anna", labels=["claim"])
    assert set(only.labels) == {"claim"} and only.records == 5
    assert only.counts["other_labels"] == sum(project_labels(project, "anna").values()) - only.labels["claim"]

    started = export(project, tmp_path / "ben.jsonl", annotator="ben", articles="started")
    tasks = list(srsly.read_jsonl(tmp_path / "ben.jsonl"))
    assert {t["_status"] for t in tasks} == {"in_progress"} and len(tasks) == started.records == 5

    with pytest.raises(ValueError, match="not several"):
        choose_rule(project, "jsonl", annotator="anna", gold=True)


def test_progress_counts_up_to_the_total(project, tmp_path):
    seen: list[int] = []
    export(project, tmp_path / "team.spacy", annotator="anna", progress=seen.append)
    assert sum(seen) == count_records(project, choose_rule(project, "spacy", annotator="anna")) == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_crash_mid_export_leaves_the_old_file_whole(project, tmp_path, monkeypatch, fmt):
    out = tmp_path / f"team.{fmt}"
    previous = out
    if formats.get(fmt).writes_folder:  # brat: the previous export is a folder, kept whole
        out.mkdir()
        (out / ".annotator-export").write_text("Annotator export folder\n", encoding="utf-8")
        previous = out / "000001.ann"
    previous.write_bytes(b"the previous export\n")
    rows = project.export_rows

    def failing_rows(*args, **kwargs):
        for i, row in enumerate(rows(*args, **kwargs)):
            if i == 3:
                raise OSError("disk unplugged")
            yield row

    monkeypatch.setattr(project, "export_rows", failing_rows)
    with pytest.raises(ExportError, match="disk unplugged"):
        export(project, out, fmt=fmt, annotator="anna")
    assert previous.read_bytes() == b"the previous export\n"
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".writers")]
    assert left == [], "no temporary file left behind (the open project's writers lock aside)"


def test_cancel_stops_and_keeps_the_old_file(project, tmp_path):
    out = tmp_path / "team.jsonl"
    out.write_text("old\n")
    done: list[int] = []
    summary = export(project, out, annotator="anna", progress=done.append, cancelled=lambda: len(done) >= 2)
    assert summary.cancelled and out.read_text() == "old\n"


def test_a_span_that_does_not_slice_its_text_stops_the_export(project, tmp_path, monkeypatch):
    out = tmp_path / "team.jsonl"
    out.write_text("old\n")
    rows = project.export_rows

    def broken_rows(*args, **kwargs):
        for row in rows(*args, **kwargs):
            yield row._replace(spans=(*row.spans, Span(0, len(row.text) + 5, "claim")))

    monkeypatch.setattr(project, "export_rows", broken_rows)
    with pytest.raises(ExportError, match=r"article 1: span 0-\d+ 'claim' does not fit its text"):
        export(project, out, annotator="anna")
    assert out.read_text() == "old\n"


def test_written_file_gets_ordinary_permissions(project, tmp_path):
    out = tmp_path / "team.jsonl"
    export(project, out, annotator="anna")
    assert out.stat().st_mode & 0o077, "readable by the group like any file the user saves, not mkstemp's 0600"


def test_cli_prints_the_account_and_each_span_it_could_not_place(cli, db_path, tmp_path_factory, pipeline, tmp_path):
    seed_project(tmp_path_factory, pipeline, db_path)
    out = tmp_path / "team.spacy"
    result = cli("export", out, "--annotator", "anna", "--labels", "claim,condition")
    assert result.exit_code == 1, "a statement left out of the DocBin is not what was asked"
    assert result.stdout.startswith(f"exported 5 records from 5 articles to {out} (spacy)")
    assert "rule: anna's labels; articles it finished; a missing label is unknown; labels claim, condition only" in (
        result.stdout
    )
    assert "labels: claim" in result.stdout and "proposal" not in result.stdout.split("labels:")[1].splitlines()[0]
    assert "not as asked (exit 1):" in result.stdout
    assert "statements off token boundaries left out of doc.spans['sc'] (--align snaps them): 1" in result.stdout
    assert f"warning: article {MISALIGNED_ARTICLE} (anna): span" in result.stderr
    snapped = cli("export", out, "--annotator", "anna", "--align", "expand", "--json")
    account = json.loads(snapped.stdout)
    assert account["records"] == 5 and account["path"] == str(out)
    assert {item["item"]: item["count"] for item in account["items"]}["snapped"] == 1
    assert account["ok"] is (snapped.exit_code == 0) is not any(item["loss"] for item in account["items"])


def test_the_file_name_picks_the_format_when_none_is_given(cli, db_path, tmp_path_factory, pipeline, tmp_path):
    seed_project(tmp_path_factory, pipeline, db_path)
    docbin = cli("export", tmp_path / "team.spacy", "--annotator", "anna")
    assert "(spacy)" in docbin.stdout
    assert len(docbin_docs(tmp_path / "team.spacy")) == 5
    table = cli("export", tmp_path / "team.CSV", "--annotator", "anna")
    assert "(csv)" in table.stdout
    assert (tmp_path / "team.CSV").read_text(encoding="utf-8").startswith("article_id,title,")
    tasks = cli("export", tmp_path / "team.jsonl", "--annotator", "anna")
    assert "(jsonl)" in tasks.stdout and "_task_hash" in next(srsly.read_jsonl(tmp_path / "team.jsonl"))
    named = cli("export", tmp_path / "doccano.jsonl", "--format", "doccano", "--annotator", "anna")
    assert "(doccano)" in named.stdout and "label" in next(srsly.read_jsonl(tmp_path / "doccano.jsonl"))


def test_cli_writes_nothing_when_there_is_no_gold(cli, store, tmp_path):
    result = cli("export", tmp_path / "g.jsonl", "--gold")
    assert result.exit_code == 1 and "nothing to export" in result.output
    assert not (tmp_path / "g.jsonl").exists()


@pytest.mark.parametrize("fmt", ["doccano", "textcat", "csv"])
def test_exports_other_than_spacy_do_not_import_spacy(tmp_path, fmt):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Kyiv offered a pause.", "spans": [{"start": 0, "end": 4, "label": "x"}]}))
    db = str(tmp_path / "p.sqlite")
    runs = [["--db", db, "import", "--no-ner", str(src)], ["--db", db, "export", str(tmp_path / "o"), "--format", fmt]]
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        f"for args in {runs!r}:\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exit:\n"
        "        print('EXIT', exit.code, file=sys.stderr)\n"
        "print('HEAVY', [m for m in ('spacy', 'thinc', 'PySide6') if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stderr, result.stderr
    # textcat says its finished article has no sentence split (--no-ner) to take negatives from: exit 1
    assert result.stderr.startswith(f"EXIT 0\nEXIT {int(fmt == 'textcat')}\n"), result.stderr
    assert (tmp_path / "o").read_text(encoding="utf-8")


def test_articles_without_stored_tokens_are_tokenized_for_the_docbin(store, tmp_path):
    src = tmp_path / "in.jsonl"
    text = "Kyiv 👍🏽 said: halt\r\nstrikes 🇺🇦 now."
    src.write_text(json.dumps({"text": text, "_annotator_id": "a", "spans": [{"start": 0, "end": 4, "label": "x"}]}))
    store.add_records(list(formats.read(src)), "a")
    out = tmp_path / "o.spacy"
    summary = export(store, out)
    (doc,) = docbin_docs(out)
    assert doc.text == text.replace("\r\n", "\n") and [s.text for s in doc.spans["sc"]] == ["Kyiv"]
    assert summary.counts["skipped"] == 0


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        exporting.export(None, "-", ExportRule("xml", None))  # type: ignore[arg-type]


def test_csv_cells_a_spreadsheet_would_run_as_formulas_stay_text(tmp_path):
    text = '=HYPERLINK("http://evil.example","click") said the minister.\n+1 more: talks resume.'
    formula_end = text.index(" said")
    spans = [Span(0, formula_end, "claim", "@note"), Span(text.index("+1"), len(text), "offer")]
    with Store.create(tmp_path / "hostile.annotator.sqlite") as store:
        store.add_records(
            [IncomingRecord(text, "-Breaking", "=cmd|' /C calc'!A0", 1, spans=spans, annotator="anna", status="done")],
            "x",
        )
        export(store, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["text"] for row in rows] == ["'" + text[:formula_end], "'+1 more: talks resume."]
    assert {row["title"] for row in rows} == {"'-Breaking"}
    assert {row["source"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert rows[0]["note"] == "'@note"
    # offsets are still those of the stored text: drop the quote and the slice matches
    assert all(text[int(r["start"]) : int(r["end"])] == r["text"][1:] for r in rows)
