"""Label all matches: the user sees what would change and what would collide, applies it as one
batch, and takes it back with one undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.records import IncomingRecord
from annotator.search.hits import Search
from annotator.search.label_all import ALREADY, OFF_TOKENS, OVERLAP, SPAN, apply_label_all, plan_label_all
from tests.conftest import write_jsonl

TEXTS = [
    "Kyiv offered a halt to strikes. Moscow rejected the halt.",
    "A halt was discussed.\nNobody mentioned it again.",
    "No match here at all.",
]


@pytest.fixture
def project(store):
    store.add_records([IncomingRecord(t, f"T{i}", "x", i) for i, t in enumerate(TEXTS)], "me")
    store.search.update_search_index()
    return store


def hits(store, query="halt"):
    return list(Search(store, query, annotator="anna").hits())


def labels_of(store, annotator="anna"):
    return sorted(
        (aid, s.start, s.end, s.labels)
        for aid in store.articles.article_ids()
        for s in store.statements.statements(aid, annotator)
    )


def test_the_plan_counts_statements_and_articles_and_writes_nothing(project):
    plan = plan_label_all(project, hits(project), "offer", "anna")
    assert (len(plan.changes), plan.articles) == (3, 2)
    assert plan.describe()[0] == "3 statements in 2 articles would get 'offer' (in anna's annotations)"
    assert labels_of(project) == []


def test_apply_is_one_batch_and_undo_takes_it_all_back(project):
    plan = plan_label_all(project, hits(project), "offer", "anna")
    batch = apply_label_all(project, plan)
    assert [(a, project.articles.article(a).text[s:e], labels) for a, s, e, labels in labels_of(project)] == [
        (1, "Kyiv offered a halt to strikes.", ("offer",)),
        (1, "Moscow rejected the halt.", ("offer",)),
        (2, "A halt was discussed.", ("offer",)),
    ]
    batch.undo(project)
    assert labels_of(project) == []
    batch.redo(project)
    assert len(labels_of(project)) == 3


def test_apply_runs_in_one_transaction(project, monkeypatch):
    plan = plan_label_all(project, hits(project), "offer", "anna")
    calls = {"n": 0}
    real = project.statements.set_statement

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(project.statements, "set_statement", failing)
    with pytest.raises(OSError):
        apply_label_all(project, plan)
    assert labels_of(project) == []  # nothing half-applied


def test_collisions_are_skipped_and_named(project):
    text = TEXTS[0]
    project.statements.set_statement(1, "anna", 0, text.index(".") + 1, ["offer"])  # already labeled
    project.statements.set_statement(
        1, "anna", text.index("Moscow"), text.index("rejected") + 8, ["denial"]
    )  # overlaps
    plan = plan_label_all(project, hits(project), "offer", "anna")
    reasons = {(s.article_id, s.reason) for s in plan.skipped}
    assert reasons == {(1, f"{ALREADY} 'offer'"), (1, OVERLAP)}
    assert [(t.article_id, t.start) for t in plan.changes] == [(2, 0)]
    assert "skipped 1: overlaps another statement" in plan.describe()


def test_the_annotators_own_statement_holding_a_hit_gets_the_label(project):
    text = TEXTS[0]
    start = text.index("offered")
    project.statements.set_statement(1, "anna", start, text.index("strikes") + 7, ["demand"])
    plan = plan_label_all(project, hits(project), "offer", "anna")
    assert (1, start, text.index("strikes") + 7) in {(t.article_id, t.start, t.end) for t in plan.changes}
    apply_label_all(project, plan)
    assert project.statements.statement_state(1, "anna", start, text.index("strikes") + 7)[0] == ("demand", "offer")


def test_label_each_match_as_a_span_snapped_to_tokens(project):
    plan = plan_label_all(project, hits(project, "hal*"), "offer", "anna", SPAN)
    assert [project.articles.article(t.article_id).text[t.start : t.end] for t in plan.changes] == ["halt"] * 3
    plan = plan_label_all(project, hits(project, 're:"alt"'), "offer", "anna", SPAN)
    assert plan.widened == 3 and {
        project.articles.article(t.article_id).text[t.start : t.end] for t in plan.changes
    } == {"halt"}


def test_a_statement_off_token_boundaries_is_skipped(project, monkeypatch):
    project.statements.set_statement(3, "ben", 0, 2, ["x"])  # unrelated layer: no collision for anna
    found = hits(project)
    monkeypatch.setattr(project.articles, "tokens", lambda article_id: [(0, 3), (5, 10)])  # tokens that do not fit
    plan = plan_label_all(project, found, "offer", "anna")
    assert {s.reason for s in plan.skipped} == {OFF_TOKENS}


def test_gold_and_model_layers_are_refused(project):
    with pytest.raises(ValueError, match="not an annotator's layer"):
        plan_label_all(project, hits(project), "offer", "gold")
    with pytest.raises(ValueError, match="not an annotator's layer"):
        plan_label_all(project, hits(project), "offer", "model:v1")


def test_the_cli_previews_then_applies(cli, tmp_path, db_path):
    src = write_jsonl(tmp_path / "c.jsonl", [json.dumps({"text": t}) for t in TEXTS])
    cli("import", "--no-ner", src)
    preview = cli("search", "halt", "--label", "offer", "--annotator", "anna")
    assert preview.exit_code == 0
    assert "3 statements in 2 articles would get 'offer'" in preview.output
    assert "nothing written: add --apply" in preview.output
    applied = cli("search", "halt", "--label", "offer", "--annotator", "anna", "--apply", "--json")
    data = json.loads(applied.output[applied.output.index("{") :])
    assert data["label_all"]["applied"] and data["label_all"]["statements"] == 3
    assert Path(data["label_all"]["backup_before"]).is_file()
    again = cli("search", "halt", "--label", "offer", "--annotator", "anna")
    assert "0 statements in 0 articles would get" in again.output and "skipped 3: already labeled" in again.output
    assert cli("search", "halt", "--apply").exit_code == 2  # --apply needs --label


def test_the_cli_says_truly_how_to_take_an_applied_batch_back(cli, tmp_path, db_path):
    src = write_jsonl(tmp_path / "c.jsonl", [json.dumps({"text": t}) for t in TEXTS])
    cli("import", "--no-ner", src)
    applied = cli("search", "halt", "--label", "offer", "--annotator", "anna", "--apply")
    assert applied.exit_code == 0, applied.output
    assert "Ctrl+Z" not in applied.output  # the window's undo never sees a CLI batch
    assert "applied: 3 statements labeled 'offer' in one batch" in applied.output
    assert "the command line has no undo" in applied.output
    command = applied.output.split("restore --from ", 1)[1].split()[0]
    restored = cli("restore", "--from", command)  # the line it printed takes the batch back
    assert restored.exit_code == 0, restored.output
    again = cli("search", "halt", "--label", "offer", "--annotator", "anna")
    assert "3 statements in 2 articles would get 'offer'" in again.output


def _tokens(text: str) -> list[tuple[int, int]]:
    from annotator.tokens import word_tokens

    return word_tokens(text)


def test_apply_leaves_out_articles_still_waiting_for_pre_annotation(cli, db_path, tmp_path):
    """A search run while an import pre-annotates labels only articles that have their sentences: the
    others' units are a plain split (cut at "U.K.") that spaCy's sentences would replace."""
    from annotator.store import Store
    from annotator.store.preannotations import Preannotation

    done = "Kyiv offered a halt, according to the U.K. newspaper Financial Times. Moscow said no."
    pending = "A halt was asked for by the U.K. government on Monday. Nobody answered."
    src = write_jsonl(tmp_path / "two.jsonl", [json.dumps({"text": done}), json.dumps({"text": pending})])
    assert cli("import", "--no-ner", src).exit_code == 0
    first = done.index(" Moscow")
    with Store.open(db_path) as store:
        a, b = store.articles.article_ids()
        # article a has spaCy's sentences; b is where the import's pre-annotation has not reached yet
        store.preannotations.store_preannotations(
            [Preannotation(a, "spacy", [], [(0, first), (first + 1, len(done))], _tokens(done))]
        )
    result = cli("search", "halt", "--label", "offer", "--apply", "--annotator", "anna")
    assert result.exit_code == 0, result.output
    assert "1 statement in 1 article got 'offer'" in result.output
    assert "1 hit in 1 article still waiting for pre-annotation (spaCy's sentences) was not labeled" in result.output
    with Store.open(db_path) as store:
        assert labels_of(store) == [(a, 0, first, ("offer",))]
        assert store.statements.statements(b, "anna") == []


def test_articles_imported_with_no_ner_into_a_pre_annotated_project_say_what_they_wait_for(cli, db_path, tmp_path):
    """Found in a tryout: articles imported with --no-ner into a project spaCy had pre-annotated were
    left out as "waiting for pre-annotation: run again when the import is done", though no import
    ran. They do wait (for spaCy's sentences: nothing else gives them statements that stay), and
    nothing pre-annotates them by itself: the line now says to run annotator preannotate, which
    does, after which they are labeled."""
    from annotator.store import Store
    from annotator.store.preannotations import Preannotation

    first, later = TEXTS[:2]
    src = write_jsonl(tmp_path / "first.jsonl", [json.dumps({"text": first})])
    assert cli("import", "--no-ner", src).exit_code == 0
    with Store.open(db_path) as store:  # as an import with spaCy leaves it
        (a,) = store.articles.article_ids()
        store.preannotations.store_preannotations([Preannotation(a, "spacy", [], [(0, len(first))], _tokens(first))])
    more = write_jsonl(tmp_path / "later.jsonl", [json.dumps({"text": later})])
    assert cli("import", "--no-ner", more).exit_code == 0
    result = cli("search", "halt", "--label", "offer", "--apply", "--annotator", "anna")
    assert result.exit_code == 0, result.output
    assert "1 hit in 1 article still waiting for pre-annotation (spaCy's sentences)" in result.output
    assert "run annotator preannotate" in result.output and "when the import is done" not in result.output
    assert cli("preannotate").exit_code == 0  # what the line says to run
    again = cli("search", "halt", "--label", "offer", "--apply", "--annotator", "anna")
    assert "waiting" not in again.output and "got 'offer'" in again.output, again.output


def test_a_project_imported_without_pre_annotation_is_labeled_as_before(cli, tmp_path):
    src = write_jsonl(tmp_path / "two.jsonl", [json.dumps({"text": t}) for t in TEXTS])
    assert cli("import", "--no-ner", src).exit_code == 0
    result = cli("search", "halt", "--label", "offer", "--apply", "--annotator", "anna")
    assert "3 statements in 2 articles got 'offer'" in result.output
    assert "waiting for pre-annotation" not in result.output
