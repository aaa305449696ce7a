"""`annotator progress`: per annotator, articles done per package, statements, active time from the
stored decision times (long pauses left out), decisions per hour, suggestions accepted, who is behind."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import datetime

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.packages.progress import active_seconds
from annotator.store import Store
from tests.packages_project import generated_project
from tests.test_packages_return import annotate

#: One stamp per table of decisions: the pause before 10:00 is longer than five minutes.
STAMPS = {
    "statement_labels": "2026-03-02T09:00:00.000+00:00",
    "statements": "2026-03-02T09:01:00.000+00:00",
    "article_status": "2026-03-02T09:02:30.000+00:00",
    "links": "2026-03-02T10:00:00.000+00:00",
    "article_categories": "2026-03-02T10:00:45.000+00:00",
}
COLUMN = {"statements": "updated_at", "article_status": "updated_at"}


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


@pytest.fixture
def packages(tmp_path):
    project = generated_project(tmp_path / "team.annotator.sqlite", 12)
    out = tmp_path / "packages"
    assert run(project, "packages", "--annotators", "anna,ben,carol", "-k", "2", "--out", out).exit_code == 0
    return project, out


def stamp_times(package):
    conn = sqlite3.connect(package)
    with conn:
        for table, stamp in STAMPS.items():
            conn.execute(f"UPDATE {table} SET {COLUMN.get(table, 'created_at')} = ?", (stamp,))
    conn.close()


def hand_computed(package):
    """Active seconds from the package's stored times, computed here without the code under test."""
    conn = sqlite3.connect(package)
    stamps = set()
    for table, column in [(t, COLUMN.get(t, "created_at")) for t in STAMPS]:
        stamps |= {row[0] for row in conn.execute(f"SELECT {column} FROM {table}")}
    conn.close()
    moments = sorted(datetime.fromisoformat(s) for s in stamps)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
    return len(moments), sum(g for g in gaps if g <= 300)


def test_active_time_matches_a_hand_computation_from_the_stored_times(packages):
    _, out = packages
    anna = out / "anna.annotator.sqlite"
    annotate(anna, "anna")
    stamp_times(anna)
    decisions, seconds = hand_computed(anna)
    assert (decisions, seconds) == (5, 60 + 90 + 45)  # the 57-minute pause is not work
    result = run(anna, "progress", "--json", anna)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["annotator"] == "anna" and row["decisions"] == decisions
    assert row["active_seconds"] == seconds
    assert row["decisions_per_hour"] == pytest.approx(decisions / (seconds / 3600))
    assert row["statements"] == 2 and row["done"] == 1 and row["assigned"] == 8
    longer = json.loads(run(anna, "progress", "--json", "--idle-minutes", "60", anna).output)[0]
    assert longer["active_seconds"] == 60 + 90 + 3450 + 45


def test_suggestion_acceptance_comes_from_the_suggestion_log(packages):
    _, out = packages
    with Store.open(out / "ben.annotator.sqlite") as package:
        article = package.packages.article_ids()[0]
        for labels in (["offer"], ["offer"], ["denial"]):
            shown = package.suggestions.log_shown(article, "ben", 0, 9, [{"label": "offer", "sources": ["rule:x"]}])
            package.suggestions.log_decision(article, "ben", 0, 9, labels, 1, shown)
    (row,) = json.loads(run(out / "ben.annotator.sqlite", "progress", "--json", out / "ben.annotator.sqlite").output)
    assert (row["accepted"], row["changed"]) == (2, 1)
    assert row["acceptance"] == pytest.approx(2 / 3)


def test_the_project_shows_each_package_done_and_who_is_behind(packages):
    project, out = packages
    for name in ("anna", "ben"):
        with Store.open(out / f"{name}.annotator.sqlite") as package:
            for article in package.packages.article_ids()[:6]:
                package.articles.set_status(article, name, "done")
    assert (
        run(project, "import", "--no-ner", out / "anna.annotator.sqlite", out / "ben.annotator.sqlite").exit_code == 0
    )
    result = run(project, "progress")
    assert result.exit_code == 0, result.output
    line = {row.split()[0]: row for row in result.output.splitlines()[1:]}
    assert "6/8" in line["anna"] and "round 1: 6/8" in line["anna"]
    assert "0/8" in line["carol"] and line["carol"].endswith("BEHIND")
    assert "behind: carol" in result.output
    assert "BEHIND" not in line["anna"]
    # the import stamped anna's labels with its own time: the project does not pretend to know hers
    assert line["anna"].split()[3:5] == ["in", "pkg"]
    assert "time is read from the packages" in result.output
    (anna,) = [r for r in json.loads(run(project, "progress", "--json").output) if r["annotator"] == "anna"]
    assert anna["active_seconds"] is None and anna["decisions_per_hour"] is None


def test_active_seconds_leaves_out_pauses_above_the_threshold():
    stamps = ["2026-01-01T10:00:00+00:00", "2026-01-01T10:04:00+00:00", "2026-01-01T10:20:00+00:00"]
    assert active_seconds(stamps, 300) == 240
    assert active_seconds(stamps, 3600) == 1200
    assert active_seconds([], 300) == 0
