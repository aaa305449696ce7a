"""`gold` is the review's layer: no file, `--annotator` or window user can write into it.

A record named `"_annotator_id": "gold"` (a teammate's `--all-layers` export, our own `--gold`
export, any file that happens to use the name) would otherwise overrule what the review decided,
and the export would call it "decided in review".
"""

from __future__ import annotations

import json

import pytest
import srsly

from annotator.records import GOLD, IncomingRecord, Span
from annotator.review import collect, find_conflicts
from annotator.review import gold as gold_ops
from annotator.store import Store
from tests.conftest import write_jsonl

OFFER = "Kyiv offered to halt strikes on refineries."
DENIAL = "The Kremlin denied any such offer."
TEXT = f"{OFFER} {DENIAL}"
D0 = len(OFFER) + 1


def reviewed(db_path) -> None:
    """anna says offer+denial, ben offer+claim: the review takes anna's denial."""
    with Store.create(db_path) as store:
        for name, second in (("anna", "denial"), ("ben", "claim")):
            record = IncomingRecord(
                TEXT, "t", "test", 1, spans=[Span(0, len(OFFER), "offer"), Span(D0, len(TEXT), second)], annotator=name
            )
            record.status = "done"
            store.add_records([record], name)
        for conflict in find_conflicts(collect(store)):
            gold_ops.take(store, conflict, "anna")


def gold_of(db_path) -> list[tuple[int, int, tuple[str, ...]]]:
    with Store.open(db_path) as store:
        article = store.articles.article_ids()[0]
        return [(s.start, s.end, s.labels) for s in store.statements.statements(article, GOLD)]


def test_a_record_named_gold_is_refused_and_the_review_stands(cli, db_path, tmp_path):
    reviewed(db_path)
    before = gold_of(db_path)
    fake = {
        "text": TEXT,
        "_annotator_id": "gold",
        "_status": "done",
        "spans": [{"start": 0, "end": 10, "label": "threat"}],
    }
    other = {"text": "Talks could resume in Geneva.", "_annotator_id": "carl", "spans": []}
    path = write_jsonl(tmp_path / "fake.jsonl", [json.dumps(fake), json.dumps(other)])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f'{path}:1: "gold" is the review\'s layer' in result.stderr
    assert "--annotator NAME" in result.stderr
    assert "imported 1 new article" in result.stdout  # the rest goes on
    assert gold_of(db_path) == before


@pytest.mark.parametrize("name", ["gold", "Gold", " gold "])
def test_import_under_the_name_gold_is_refused(cli, db_path, tmp_path, name):
    reviewed(db_path)
    before = gold_of(db_path)
    path = write_jsonl(tmp_path / "plain.jsonl", [json.dumps({"text": TEXT, "label": [[0, 10, "threat"]]})])
    result = cli("import", "--no-ner", "--annotator", name, path)
    assert result.exit_code == 2
    assert "review's layer" in result.output
    assert gold_of(db_path) == before


def test_our_own_gold_export_comes_back_only_under_a_persons_name(cli, db_path, tmp_path):
    """`export --gold` then `import` is refused; without its `_annotator_id`, `--annotator NAME` takes it."""
    reviewed(db_path)
    before = gold_of(db_path)
    out = tmp_path / "gold.jsonl"
    assert cli("export", "--gold", out).exit_code == 0
    records = list(srsly.read_jsonl(out))
    assert records and all(r.get("_annotator_id") == GOLD for r in records)
    other = tmp_path / "other.annotator.sqlite"
    result = cli("import", "--no-ner", out, db=other)
    assert result.exit_code == 1 and "review's layer" in result.stderr
    with Store.open(other) as store:
        assert GOLD not in store.layers.annotators()
    for record in records:
        del record["_annotator_id"]
    srsly.write_jsonl(out, records)
    assert cli("import", "--no-ner", "--annotator", "adjudicated", out, db=other).exit_code == 0
    with Store.open(other) as store:
        (article,) = store.articles.article_ids()
        labels = [(s.start, s.end, s.labels) for s in store.statements.statements(article, "adjudicated")]
    assert labels == [(0, len(OFFER), ("offer",)), (D0, len(TEXT), ("denial",))]  # agreed and decided
    assert gold_of(db_path) == before


def test_the_window_refuses_the_name_gold(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from annotator.ui.annotate.window import main_window
    from annotator.ui.annotate.window.main_window import MainWindow

    shown = []
    monkeypatch.setattr(main_window, "show_message", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("gold", True))
    window = MainWindow(store, "anna")
    qtbot.addWidget(window)
    window.change_annotator()
    assert window.session.annotator == "anna"
    assert shown and "review's layer" in shown[0]


def test_first_start_asks_again_for_a_name_that_is_not_gold(qtbot, monkeypatch):
    """The first-start dialog (name, and a box to start as a trainee) never offers "gold" as the
    name, and asks again, saying why, when a person types it."""
    from PySide6.QtWidgets import QApplication

    from annotator.ui.annotate.window.controller import Controller
    from annotator.ui.annotate.window.team import FirstStartDialog
    from annotator.ui.shell import window_settings as ws

    monkeypatch.setenv("ANNOTATOR_NAME", "gold")
    ws.WindowSettings().set(ws.ANNOTATOR_NAME, "gold")  # remembered from before this fix
    answers = iter(["gold", "anna"])
    asked = []

    def answer(dialog: FirstStartDialog) -> int:
        asked.append((dialog.prompt.text(), dialog.name.text()))
        dialog.name.setText(next(answers))
        return 1

    monkeypatch.setattr(FirstStartDialog, "exec", answer)
    assert Controller(QApplication.instance()).annotator() == "anna"
    assert asked[0][1] != "gold" and "review's layer" in asked[1][0]
