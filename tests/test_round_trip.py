"""What goes out comes back: export → import into an empty project → the same labels, notes, people and entities.

Checked on the labeled seeds (real spaCy tokens) and on generated texts full of emoji,
flags, combining marks, right-to-left script and CRLF line ends, for every format that
can be imported (Prodigy JSONL, doccano, spaCy DocBin) and for merging a project file.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.export.run import ExportError, ExportSummary
from annotator.importing.run import import_paths
from annotator.records import ACCEPT, GOLD, USER
from annotator.store import Store
from tests.conftest import export_file as export
from tests.seed_project import NOTE, seed_project

#: Format → file name; "project" merges the project file itself.
IMPORTABLE = {"jsonl": "out.jsonl", "doccano": "out.doccano.jsonl", "spacy": "out.spacy", "project": None}


def snapshot(
    store: Store, *, notes: bool = True, answers: bool = True, training: bool = False, gold: bool = True
) -> dict:
    """Everything a round trip must keep, keyed by article text (ids may differ between projects).

    `answers=False`: a format with no place for answers (doccano) - tasks answered reject/ignore
    are left out, rejected spans are not written. `training`: only what a training format
    holds - each annotator's finished, accepted articles, with spaCy's entities only where the
    annotator finished the article here after they were predicted (a person's entities always).
    `gold=False`: an interchange file's gold records are refused on import (the gold layer is
    what this project's review decides).
    """
    labels = {}
    entities: dict[str, set] = {}
    reviewed = store.entities.entities_reviewed()
    for row in store.export_rows():
        if training and (row.annotator in (None, GOLD) or row.status != "done" or row.answer != ACCEPT):
            continue
        if not answers and row.answer != ACCEPT:
            continue
        if not gold and row.annotator == GOLD:
            continue
        spans = sorted((s, e, label, note if notes else "") for s, e, label, note in row.spans)
        rejected = sorted(row.rejected) if answers else []
        labels[(row.text, row.annotator)] = (row.status, row.answer, spans, rejected)
        ents = row.entities
        if training and (row.article_id, row.annotator) not in reviewed:
            ents = [e for e in ents if e.source == USER]  # spaCy's, nobody reviewed: missing in a DocBin
        entities.setdefault(row.text, set()).update(ents)
    entities = {text: sorted(found) for text, found in entities.items()}
    annotators = sorted({name for _, name in labels}) if training else store.layers.annotators()
    if not gold:
        annotators = [name for name in annotators if name != GOLD]
    return {"labels": labels, "entities": entities, "annotators": annotators}


def round_trip(source: Store, fmt: str, folder: Path) -> tuple[Store, list[ExportSummary]]:
    """Export `source` as `fmt` and import that into a new, empty project.

    JSONL and doccano carry every layer and article (`--all-layers --articles all`); a DocBin,
    a training format, one annotator's finished articles per file: one file per annotator.
    """
    summaries = []
    if fmt == "project":
        # as a teammate sends it: everything in the file itself (a file is read without its -wal)
        source.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        paths = [source.path]
    elif fmt == "spacy":
        paths = []
        for i, name in enumerate(n for n in source.layers.layers() if n != GOLD):
            path = folder / f"out-{i}.spacy"
            try:
                summaries.append(export(source, path, annotator=name))
            except ExportError:
                continue  # this annotator finished nothing: nothing to train on
            paths.append(path)
    else:
        paths = [folder / IMPORTABLE[fmt]]
        summaries.append(export(source, paths[0], all_layers=True, articles="all"))
    target = Store.create(folder / f"back-{fmt}.annotator.sqlite")
    report = import_paths(target, paths, annotator="someone-else")
    # only a project file brings its gold layer: a file's records named "gold" are refused
    refused = [str(r) for r in report.rejections if fmt == "project" or "review's layer" not in r.reason]
    assert not refused, refused
    return target, summaries


@pytest.mark.spacy
@pytest.mark.parametrize("fmt", IMPORTABLE)
def test_seed_project_survives_a_round_trip(tmp_path_factory, pipeline, tmp_path, fmt):
    with Store.open(seed_project(tmp_path_factory, pipeline, tmp_path / "team.annotator.sqlite")) as team:
        target, _ = round_trip(team, fmt, tmp_path)
        with target:
            keeps_notes = fmt != "doccano"  # doccano's format has no place for a note
            training = fmt == "spacy"
            gold = fmt == "project"
            expected = snapshot(team, notes=keeps_notes, answers=keeps_notes, training=training, gold=gold)
            assert snapshot(target, notes=keeps_notes, answers=keeps_notes, gold=gold) == expected
            if keeps_notes:
                assert any(note == NOTE for row in target.export_rows("anna") for *_, note in row.spans)
            assert (GOLD in target.layers.annotators()) is gold


@pytest.mark.spacy
def test_export_import_export_gives_the_same_file(tmp_path_factory, pipeline, tmp_path):
    """As a user does it: `annotator import` pre-annotates, so tokens (and token indices) come back too."""
    from annotator.nlp.pipeline import preannotate

    with Store.open(seed_project(tmp_path_factory, pipeline, tmp_path / "team.annotator.sqlite")) as team:
        export(team, tmp_path / "first.jsonl", annotator="anna")
        target, _ = round_trip(team, "spacy", tmp_path)
        with target:
            preannotate(target, pipeline)
            export(target, tmp_path / "second.jsonl", annotator="anna")

    def labels_of(path: Path) -> list:
        tasks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return sorted(
            (
                t["text"],
                t.get("_annotator_id"),
                t.get("_status"),
                *(json.dumps(t[k]) for k in ("spans", "entities", "tokens")),
            )
            for t in tasks
        )

    assert labels_of(tmp_path / "second.jsonl") == labels_of(tmp_path / "first.jsonl")


def test_merging_another_annotators_project_file(cli, tmp_path, db_path):
    theirs = tmp_path / "ben.annotator.sqlite"
    src = tmp_path / "ben.jsonl"
    text = "Kyiv 🇺🇦 will halt strikes\r\nif Moscow does."
    src.write_text(
        json.dumps({"text": text, "_annotator_id": "ben", "spans": [{"start": 27, "end": 42, "label": "condition"}]}),
        encoding="utf-8",
    )
    assert cli("import", "--no-ner", src, db=theirs).exit_code == 0
    result = cli("import", "--no-ner", theirs)
    assert result.exit_code == 0, result.output
    assert "1 label," in result.stdout
    with Store.open(db_path) as mine, Store.open(theirs) as other:
        assert snapshot(mine) == snapshot(other)


def test_merging_a_project_into_itself_is_refused(cli, db_path, tmp_path):
    cli("import", "--no-ner", tmp_path)  # creates the project (and reports the empty folder)
    result = cli("import", "--no-ner", db_path)
    assert result.exit_code == 1
    assert "this is the project being imported into" in result.output


# -- generated texts ------------------------------------------------------------------------

PIECES = ["Kyiv", " ", "  ", "👍🏽", "🇺🇦", "e\u0301", "שלום", "مرحبا", "\r\n", "\n", "Putin", "\u200f", ".", "-", "'s"]
LABELS = ["claim", "condition", "proposal"]


@st.composite
def labeled_records(draw):
    """Prodigy-style records on raw (CRLF) texts, with spans, notes, entities, annotators and statuses."""
    records = []
    for _ in range(draw(st.integers(1, 3))):
        raw = "x" + "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25)))

        def cut(raw=raw):
            start, end = sorted(draw(st.sets(st.integers(0, len(raw)), min_size=2, max_size=2)))
            return start, end

        entities = []
        for _ in range(draw(st.integers(0, 3))):
            start, end = cut()
            source = draw(st.sampled_from(["model", "user"]))
            entities.append(
                {"start": start, "end": end, "label": draw(st.sampled_from(["GPE", "PERSON"])), "source": source}
            )
        for annotator in draw(st.lists(st.sampled_from(["anna", "ben", "carl"]), unique=True, max_size=3)) or [None]:
            spans = []
            for _ in range(draw(st.integers(0, 3))):
                start, end = cut()
                note = draw(st.sampled_from(["", "", "check 🇺🇦", "dup\nline"]))
                span = {"start": start, "end": end, "label": draw(st.sampled_from(LABELS)), "note": note}
                answer = draw(st.sampled_from([None, None, None, "reject", "ignore"]))  # binary feedback
                spans.append(span if answer is None else {**span, "answer": answer, "note": None})
            record = {"text": raw, "spans": spans, "entities": entities}
            if annotator:
                record["_annotator_id"] = annotator
                record["_status"] = draw(st.sampled_from(["new", "in_progress", "done"]))
                record["answer"] = draw(st.sampled_from(["accept", "accept", "accept", "reject", "ignore"]))
            records.append(record)
    return records


_rules = {}


def rules_pipeline():
    """The rule-based pipeline: real spaCy tokens stored for each article, no model to load."""
    if "p" not in _rules:
        from annotator.nlp.pipeline import load_pipeline

        _rules["p"] = load_pipeline("rules")
    return _rules["p"]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=labeled_records(), fmt=st.sampled_from(list(IMPORTABLE)), tokens=st.booleans())
def test_generated_texts_survive_a_round_trip(records, fmt, tokens):
    from annotator.nlp.pipeline import preannotate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = folder / "in.jsonl"
        src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        with Store.create(folder / "a.annotator.sqlite") as source:
            report = import_paths(source, [src], annotator="importer")
            assume(report.ok)  # a span that is only a line break cannot exist once CRLF becomes LF
            if tokens:
                preannotate(source, rules_pipeline())
            target, summaries = round_trip(source, fmt, folder)
            with target:
                keeps_notes = fmt != "doccano"
                training = fmt == "spacy"
                expected = snapshot(source, notes=keeps_notes, answers=keeps_notes, training=training)
                assert snapshot(target, notes=keeps_notes, answers=keeps_notes) == expected
            if summaries:
                counts = Counter()
                for summary in summaries:
                    counts.update(summary.counts)
                    counts.update(spans=summary.spans, entities=summary.entities)
                kinds = ("spans", "entities", "skipped", "entities_missing", "entities_unreviewed")
                written = sum(counts[k] for k in kinds)
                rows = [r for r in source.export_rows() if not training or r.status == "done"]
                rows = [r for r in rows if not training or (r.annotator != GOLD and r.answer == ACCEPT)]
                assert written == sum(len(r.spans) + len(r.entities) for r in rows), "nothing silently dropped"
