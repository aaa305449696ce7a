"""Every decision records the guidelines version it was made under; agreement split by version."""

from __future__ import annotations

import json
import random

import pytest

from annotator.guidelines.by_version import agreement_by_version
from annotator.review import collect, compute_agreement
from annotator.store import Store
from annotator.store.schema import GUIDELINES_TRIGGERS
from tests.test_agreement import add, make_text

V1 = "# Guide\n\n## offer\n\nA proposal.\n\n## demand\n\nA requirement.\n"
#: Version 2 changes one label's definition: a conditional proposal is an offer, never a demand.
V2 = V1.replace("A proposal.", "A proposal, conditional ones included (never a demand).")


def label_version(store, article_id, annotator, label):
    for (version,) in store.conn.execute(
        "SELECT l.guidelines_version FROM statement_labels l JOIN statements s ON s.id = l.statement_id "
        "JOIN annotators a ON a.id = s.annotator_id WHERE s.article_id = ? AND a.name = ? AND l.label = ?",
        (article_id, annotator, label),
    ):
        return version
    raise AssertionError("no such label")


def test_the_store_writes_the_current_version_with_each_decision(store):
    text = make_text(0)
    add(store, text, "anna", [(0, 5, "offer")], done=False)
    assert label_version(store, 1, "anna", "offer") is None  # before any guidelines
    store.guidelines.add(V1, "lead")
    store.statements.change_statement(1, "anna", 0, 5, add=["demand"])
    store.guidelines.add(V2, "lead")
    store.statements.change_statement(1, "anna", 6, 12, add=["offer"])
    assert label_version(store, 1, "anna", "offer") is None  # a label kept keeps its version
    assert label_version(store, 1, "anna", "demand") == 1
    store.articles.set_status(1, "anna", "done")
    assert list(store.guidelines.decision_versions()) == [(1, "anna", 2)]
    assert store.guidelines.decided_under() == {"anna": [None, 1, 2]}


def generated(store, seed: int, articles: range, *, confusion: float) -> None:
    """Two annotators label ten statements per article; on `confusion` of the conditional ones
    (odd spans) ben says demand where anna says offer."""
    rng = random.Random(seed)
    for n in articles:
        text = make_text(n)
        bounds = [i for i, ch in enumerate(text) if ch == " "]
        spans = [(bounds[2 * k] + 1, bounds[2 * k + 1], "offer" if k % 2 else "demand") for k in range(6)]
        ben = [(s, e, "demand" if lab == "offer" and rng.random() < confusion else lab) for s, e, lab in spans]
        add(store, text, "anna", spans)
        add(store, text, "ben", ben)


def test_alpha_per_version_on_a_project_where_version_2_changes_one_definition(db_path, tmp_path, cli):
    with Store.create(db_path) as store:
        store.guidelines.add(V1, "lead")
        generated(store, 1, range(0, 10), confusion=0.6)
        store.guidelines.add(V2, "lead")
        generated(store, 2, range(10, 20), confusion=0.05)
        rows = agreement_by_version(store)
    # each version's figures are those of a project holding only the work done under it
    for version, articles, seed, confusion in ((1, range(0, 10), 1, 0.6), (2, range(10, 20), 2, 0.05)):
        with Store.create(tmp_path / f"only{version}.sqlite") as alone:
            generated(alone, seed, articles, confusion=confusion)
            expected = compute_agreement(collect(alone))
        row = next(r for r in rows if r.version == version)
        assert row.agreement.alpha == pytest.approx(expected.alpha)
        assert row.agreement.per_label_alpha == pytest.approx(expected.per_label_alpha)
        assert row.agreement.units == expected.units == 60
    v1, v2 = (next(r for r in rows if r.version == v) for v in (1, 2))
    assert v2.agreement.alpha > v1.agreement.alpha + 0.3

    figures = json.loads(cli("agreement", "--by-guidelines", "--json").output)["by_guidelines"]
    assert [(f["version"], f["layers"], f["units"]) for f in figures] == [(1, 20, 60), (2, 20, 60)]
    assert figures[1]["per_label_alpha"]["offer"] > figures[0]["per_label_alpha"]["offer"]
    table = cli("agreement", "--by-guidelines").output.splitlines()
    assert table[0].split() == ["guidelines", "alpha", "units", "annotators", "demand", "offer"]
    assert table[1].startswith("v1") and table[2].startswith("v2")


def stamping_triggers(store) -> set[str]:
    return {
        name
        for (name,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        if name in GUIDELINES_TRIGGERS
    }


def test_a_project_without_guidelines_writes_no_stamps_and_pays_for_no_triggers(store):
    """Until the first version there is nothing to stamp: the triggers come with it, in its
    transaction, so the next label is stamped."""
    add(store, make_text(0), "anna", [(0, 5, "offer")], done=False)
    assert stamping_triggers(store) == set()
    assert label_version(store, 1, "anna", "offer") is None
    store.guidelines.add(V1, "lead")
    assert stamping_triggers(store) == set(GUIDELINES_TRIGGERS)
    store.statements.change_statement(1, "anna", 6, 12, add=["demand"])
    assert label_version(store, 1, "anna", "demand") == 1
    store.articles.set_status(1, "anna", "done")
    assert list(store.guidelines.decision_versions()) == [(1, "anna", 1)]


def test_a_version_from_a_work_package_brings_the_triggers_too(store):
    add(store, make_text(0), "anna", [(0, 5, "offer")], done=False)
    store.guidelines.add_version(V1, "lead", "2026-01-01T00:00:00")
    store.statements.change_statement(1, "anna", 6, 12, add=["demand"])
    assert label_version(store, 1, "anna", "demand") == 1


@pytest.mark.parametrize("with_guidelines", [True, False])
def test_an_older_project_keeps_its_triggers_exactly_when_it_has_guidelines(db_path, with_guidelines):
    """A project made before the triggers came on demand: with guidelines it goes on stamping;
    without, the triggers (which stamped nothing) go."""
    import sqlite3

    import sqlite_utils

    from annotator.store.schema import migrations, version_with

    conn = sqlite3.connect(db_path)
    step = "m024_guidelines_triggers_on_demand"
    migrations.apply(sqlite_utils.Database(conn), stop_before=step)
    conn.execute(f"PRAGMA user_version = {version_with(step) - 1}")
    if with_guidelines:
        conn.execute(
            "INSERT INTO guidelines(version, created_at, author, text, sha256) VALUES (1, 't', 'lead', ?, 'x')", (V1,)
        )
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert stamping_triggers(store) == (set(GUIDELINES_TRIGGERS) if with_guidelines else set())
        add(store, make_text(0), "anna", [(0, 5, "offer")], done=False)
        assert label_version(store, 1, "anna", "offer") == (1 if with_guidelines else None)


def test_work_in_a_package_is_stamped_with_the_guidelines_it_carries(tmp_path):
    """A package is a new project filled from this one: its guidelines come with the project tables,
    and what its annotator decides there carries their version (which the merge brings back)."""
    from click.testing import CliRunner

    from annotator.cli import main
    from tests.packages_project import generated_project

    project = generated_project(tmp_path / "team.annotator.sqlite", 6)
    with Store.open(project) as store:
        store.guidelines.add(V1, "lead")
    out = tmp_path / "packages"
    result = CliRunner().invoke(main, ["--db", str(project), "packages", "--annotators", "anna", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Store.open(out / "anna.annotator.sqlite") as package:
        article = package.packages.article_ids()[0]
        package.statements.change_statement(article, "anna", 0, 5, add=["offer"])
        assert label_version(package, article, "anna", "offer") == 1


def test_guidelines_another_program_wrote_are_stamped_from_the_next_open(db_path):
    import sqlite3

    with Store.create(db_path):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO guidelines(version, created_at, author, text, sha256) VALUES (1, 't', 'lead', ?, 'x')", (V1,)
    )
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        add(store, make_text(0), "anna", [(0, 5, "offer")], done=False)
        assert label_version(store, 1, "anna", "offer") == 1
