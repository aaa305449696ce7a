"""What was suggested and what was decided is kept, and `annotator stats` says how much it helped."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils

from annotator.store import Store
from annotator.store.schema import migrations
from tests.learn_project import tiny_project

MODEL = [{"label": "offer", "sources": ["model:textcat-1"], "probability": 0.81}]
BOTH = [
    {"label": "condition", "sources": ["model:textcat-1", "rule:contingent on"], "probability": 0.7},
    {"label": "claim", "sources": ["rule:according to"], "probability": 0.2},
]


@pytest.fixture
def tiny(db_path):
    with tiny_project(db_path) as store:
        yield store


def test_a_suggestion_shown_then_accepted_changed_or_undone(tiny):
    shown = tiny.suggestions.log_shown(4, "anna", 0, 10, MODEL, "textcat-1")
    assert tiny.suggestions.log_decision(4, "anna", 0, 10, ["offer"], 1, shown=shown) == (shown, "accepted")
    other = tiny.suggestions.log_shown(4, "anna", 11, 20, BOTH, "textcat-1")
    assert tiny.suggestions.log_decision(4, "anna", 11, 20, ["condition"], 3, shown=other) == (other, "changed")
    unaided, outcome = tiny.suggestions.log_decision(3, "anna", 0, 10, ["demand"], 2)
    assert outcome == "unaided"
    rows = tiny.suggestions.suggestion_log("anna")
    assert [(r["outcome"], r["decided"], r["keystrokes"]) for r in rows] == [
        ("accepted", ["offer"], 1),
        ("changed", ["condition"], 3),
        ("unaided", ["demand"], 2),
    ]
    assert rows[0]["suggested"] == MODEL and rows[0]["model_version"] == "textcat-1"
    tiny.suggestions.withdraw_decision(other)  # undo: shown again, not decided
    tiny.suggestions.withdraw_decision(unaided)  # undo of a decision without a suggestion: gone
    rows = tiny.suggestions.suggestion_log()
    assert [(r["outcome"], r["decided"]) for r in rows] == [("accepted", ["offer"]), (None, None)]


def test_the_log_refuses_what_is_not_a_statement(tiny):
    with pytest.raises(ValueError, match="outside article 4"):
        tiny.suggestions.log_shown(4, "anna", 0, 10_000, MODEL)
    with pytest.raises(ValueError, match="no suggestion 99"):
        tiny.suggestions.log_decision(4, "anna", 0, 10, ["offer"], 1, shown=99)
    with pytest.raises(ValueError, match="negative"):
        tiny.suggestions.log_decision(4, "anna", 0, 10, ["offer"], -1)


def test_stats_figures_acceptance_and_keystrokes_with_and_without(tiny):
    for start in (0, 11, 21):  # three shown, two accepted (1 key: Enter), one changed (3 keys)
        shown = tiny.suggestions.log_shown(4, "anna", start, start + 5, MODEL, "textcat-1")
        labels, keys = (["offer"], 1) if start < 21 else (["demand"], 3)
        tiny.suggestions.log_decision(4, "anna", start, start + 5, labels, keys, shown=shown)
    shown = tiny.suggestions.log_shown(3, "anna", 0, 5, BOTH, "textcat-1")
    tiny.suggestions.log_decision(3, "anna", 0, 5, ["condition"], 2, shown=shown)
    tiny.suggestions.log_shown(3, "anna", 6, 9, MODEL, "textcat-1")  # shown, never decided
    for keys in (2, 3, 4):
        tiny.suggestions.log_decision(1, "anna", keys, keys + 3, ["claim"], keys)
    figures = tiny.suggestions.suggestion_stats()
    assert figures == {
        "shown": 5,
        "decided_with_suggestions": 4,
        "accepted": 2,
        "acceptance_rate": 0.5,
        "decided_without_suggestions": 3,
        "keystrokes_with_suggestions": (1 + 1 + 3 + 2) / 4,
        "keystrokes_without_suggestions": 3.0,
        "labels_suggested": {"model": 4, "rule": 2},
        "labels_kept": {"model": 3 / 4, "rule": 1 / 2},
    }
    assert tiny.suggestions.suggestion_stats("ben")["acceptance_rate"] is None


def test_annotator_stats_reports_the_suggestions(cli, tiny):
    assert "suggestions  none shown yet" in cli("stats").output
    shown = tiny.suggestions.log_shown(4, "anna", 0, 5, BOTH, "textcat-1")
    tiny.suggestions.log_decision(4, "anna", 0, 5, ["claim", "condition"], 1, shown=shown)
    tiny.suggestions.log_decision(4, "anna", 6, 9, ["offer"], 3)
    out = cli("stats").output
    assert "suggestions  shown for 1 statement; 1 decided, 1 accepted unchanged (acceptance rate 100%)" in out
    assert "  labels from the model  1 suggested, 100% kept" in out
    assert "  labels from rules      2 suggested, 100% kept" in out
    assert "keystrokes per decided statement: 1.00 with suggestions (1), 3.00 without (1)" in out
    figures = json.loads(cli("stats", "--json").output)["suggestions"]
    assert figures["acceptance_rate"] == 1.0 and figures["keystrokes_without_suggestions"] == 3.0


def test_stats_and_rules_need_no_spacy(tiny, db_path):
    tiny.suggestions.log_shown(4, "anna", 0, 5, MODEL, "textcat-1")
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "for args in (['stats'], ['stats', '--json'], ['rules']):\n"
        "    try:\n"
        f"        main(['--db', {str(db_path)!r}, *args])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('HEAVY', [m for m in ('spacy', 'thinc', 'PySide6') if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stderr and "acceptance rate" in result.stdout


def test_a_project_from_before_the_log_is_migrated_and_keeps_its_work(tmp_path):
    old = tmp_path / "old.annotator.sqlite"
    conn = sqlite3.connect(old)
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before="m010_learn_suggestion_log")
    version = len([m for m in migrations._migrations]) - 1
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO articles(hash, title, text, created_at) VALUES ('h', 't', 'Kyiv offered a pause.', 'now')"
    )
    conn.commit()
    conn.close()
    with Store.open(old) as store:
        assert store.articles.article(1).text == "Kyiv offered a pause."
        shown = store.suggestions.log_shown(1, "anna", 0, 21, MODEL, "textcat-1")
        assert store.suggestions.log_decision(1, "anna", 0, 21, ["offer"], 1, shown=shown)[1] == "accepted"
    assert (tmp_path / f"old.annotator.sqlite.v{version}.bak").exists()
