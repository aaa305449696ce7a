"""Label suggestions in the real window (offscreen): they appear outlined and say where they come
from, Shift+Enter accepts (and Enter only moves on), a number key overrides, undo restores, and a
suggestion never reaches a file, an export or agreement until accepted; Tools ▸ Train with cancel;
next uncertain; the rules."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextDocument

from annotator.store import Store
from annotator.ui.annotate.labels.label_suggestions import SHOWN_MS
from annotator.ui.shell import palette
from tests.ui.conftest import OTHER, make_project

DENIED = "Moscow denied the reports."
READY = "Kyiv is ready to pause strikes."
COLD = "The weather was cold."
TEXT = f"{DENIED} {READY} {COLD}"
FIRST = (0, len(DENIED))
SECOND = (len(DENIED) + 1, len(DENIED) + 1 + len(READY))


def open_window(qtbot, path, tmp_path, readonly=False, **values):
    from annotator.ui.annotate.window.main_window import MainWindow

    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", False)
    qsettings.setValue("learn/suggest_labels", True)
    for key, value in values.items():
        qsettings.setValue(key, value)
    win = MainWindow(Store.open(path, readonly=readonly), "tester", qsettings)
    qtbot.addWidget(win)
    win.start(preannotate=False)
    win.show()
    with qtbot.waitActive(win):
        win.activateWindow()
    win.view.setFocus()
    qtbot.waitUntil(lambda: win.suggestions.suggester is not None, timeout=60_000)
    return win


@pytest.fixture
def window(qtbot, db_path, tmp_path):
    make_project(db_path, [TEXT, OTHER])
    win = open_window(qtbot, db_path, tmp_path)
    yield win
    win.close()


def plain(tip: str) -> str:
    """A tooltip as the user reads it."""
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText().replace("\xa0", " ")


def stored(path, annotator="tester"):
    with Store.open(path) as store:
        return {
            (s.start, s.end): s.labels
            for a in store.articles.article_ids()
            for s in store.statements.statements(a, annotator)
        }


def log_rows(path):
    with Store.open(path) as store:
        return store.suggestions.suggestion_log("tester")


def test_suggestions_appear_outlined_with_their_source_and_are_no_label(window, db_path, qtbot):
    assert window.session.current == FIRST
    made = window.suggestions.current
    assert made is not None and made.labels == ("denial",)
    button = window.labels.buttons["denial"]
    assert button.property("suggestedNow") and not button.isChecked()
    assert button.outline == palette.suggestion_color(window.session.labels[3].color, window.view.theme)
    tip = plain(button.toolTip())
    assert "from the rule “denied”" in tip and "not a label until you accept it (Shift+Enter)" in tip
    assert not window.labels.buttons["offer"].property("suggestedNow")
    from PySide6.QtWidgets import QApplication

    from annotator.ui.shell import style

    style.apply_theme(QApplication.instance())  # the app's style sheet, as the app starts
    qtbot.wait(1)
    heights = {b.sizeHint().height() for b in window.labels.buttons.values()}
    assert len(heights) == 1, heights  # an outline never moves the buttons under it
    assert window.labels.suggested.isVisible()
    said = "Suggested: denial (rule) — Shift+Enter accepts, 1–9 decide, Enter moves on"
    assert window.labels.suggested.text() == said
    hover = window.suggestions.marks.hover_lines(FIRST[0] + 3)  # the text's hover over the statement says it too
    assert hover and "from the rule “denied”" in hover[0] and window.suggestions.marks.hover_lines(SECOND[0]) == []
    assert stored(db_path) == {}  # a suggestion is never saved as a label
    qtbot.waitUntil(lambda: len(log_rows(db_path)) == 1)  # seen for a moment: logged as shown
    row = log_rows(db_path)[0]
    assert (row["start"], row["end"], row["outcome"]) == (*FIRST, None)
    assert row["suggested"] == [{"label": "denial", "sources": ["rule:denied"], "probability": None}]


def test_walking_past_is_not_a_look_and_costs_no_write(window, db_path, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert window.suggestions.current.labels == ("offer",)  # "ready to"
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert window.suggestions.current is None  # nothing matches "The weather was cold."
    assert window.labels.suggested.text() == ""
    qtbot.wait(400)
    assert log_rows(db_path) == []


def test_enter_moves_on_and_never_writes_a_suggested_label(window, db_path, qtbot):
    assert window.suggestions.current.labels == ("denial",)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # moving on is not accepting
    assert window.session.current == SECOND and stored(db_path) == {}
    assert window.suggestions.current.labels == ("offer",)
    qtbot.keyClick(window.view, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert stored(db_path) == {}


def test_shift_enter_accepts_says_what_it_wrote_stays_and_undo_restores(window, db_path, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert stored(db_path) == {FIRST: ("denial",)}
    assert window.session.current == FIRST  # accepting is not moving on
    assert window.save_state.text().startswith("saved · accepted the suggestion: wrote denial")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.session.current == SECOND
    qtbot.waitUntil(lambda: log_rows(db_path)[0]["outcome"] is not None)  # logged at a pause in typing
    (row,) = log_rows(db_path)
    assert (row["outcome"], row["decided"], row["keystrokes"]) == ("accepted", ["denial"], 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(db_path) == {}
    assert window.session.current == FIRST
    assert window.suggestions.current.labels == ("denial",)  # the suggestion is back, not a label
    assert window.labels.buttons["denial"].property("suggestedNow")
    window.suggestions.flush()
    (row,) = log_rows(db_path)
    assert row["outcome"] is None and row["decided"] is None  # shown, undecided again


def test_a_number_key_overrides_the_suggestion(window, db_path, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_6)  # claim, not the suggested denial
    assert stored(db_path) == {FIRST: ("claim",)}
    assert window.session.current == FIRST
    assert window.suggestions.current is None  # decided: no suggestion any more
    assert not window.labels.buttons["denial"].property("suggestedNow")
    assert window.labels.buttons["claim"].isChecked()
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # and denial too: one decision, two keys
    window.suggestions.flush()
    (row,) = log_rows(db_path)
    assert (row["outcome"], row["decided"], row["keystrokes"]) == ("changed", ["claim", "denial"], 2)
    with Store.open(db_path) as store:
        figures = store.suggestions.suggestion_stats("tester")
    assert figures["acceptance_rate"] == 0.0 and figures["keystrokes_with_suggestions"] == 2


def test_a_decision_without_a_suggestion_is_logged_unaided(window, db_path, qtbot):
    window.session.set_current((len(DENIED) + len(READY) + 2, len(TEXT)))
    assert window.suggestions.current is None
    qtbot.keyClick(window.view, Qt.Key.Key_6)
    qtbot.waitUntil(lambda: len(log_rows(db_path)) == 1)
    (row,) = log_rows(db_path)
    assert (row["outcome"], row["keystrokes"], row["suggested"]) == ("unaided", 1, None)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.suggestions.flush()
    assert log_rows(db_path) == []


def test_enter_in_a_text_field_stays_the_fields(window, db_path, qtbot):
    window.labels.edit_note()
    qtbot.keyClicks(window.labels.note, "check the source")
    qtbot.keyClick(window.labels.note, Qt.Key.Key_Return)
    assert stored(db_path) == {FIRST: ()}  # the note saved; no label accepted
    assert window.session.current == FIRST


def test_suggestions_never_reach_exports_or_agreement(window, db_path, qtbot, tmp_path):
    from annotator.review import collect, compute_agreement
    from tests.conftest import export_file

    def outputs():
        with Store.open(db_path) as store:
            found = {}
            for fmt in ("jsonl", "textcat", "csv", "doccano"):
                out = tmp_path / f"out.{fmt}"
                articles = "done" if fmt == "textcat" else "all"
                export_file(store, out, fmt, annotator="tester", articles=articles)
                found[fmt] = out.read_bytes()
            found["agreement"] = compute_agreement(collect(store)).as_dict()
            return found

    with Store.open(db_path) as store:  # the tester has a layer: another article labeled, this one done
        other = store.articles.article_ids()[1]
        store.statements.set_statement(other, "tester", 0, len("Second article."), ["claim"])
        store.articles.set_status(store.articles.article_ids()[0], "tester", "done")
    before = outputs()
    for _ in range(3):  # every statement's suggestions shown, for long enough to be logged
        qtbot.wait(350)
        qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert len(log_rows(db_path)) == 2
    assert outputs() == before
    window.session.set_current(FIRST)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    after = outputs()
    assert b'"denial":1' in after["textcat"] and b'"denial":1' not in before["textcat"]
    assert b'"denial"' in after["jsonl"] and b'"denial"' not in before["jsonl"]


def test_the_shortcut_sheet_says_shift_enter_accepts_and_shift_s_is_the_speakers(window):
    from annotator.ui.annotate.window.shortcuts import sheet_rows

    rows = {title: keys for _, keys, title in sheet_rows({"1": "condition"})}
    assert rows["Accept the suggested labels (writes them; stays on the statement)"] == "Shift+Return or Shift+Enter"
    assert rows["Next statement (never writes a label)"] == "Down or J or Return or Enter"
    assert rows["Accept the suggested speaker"] == "Shift+S"
    assert rows["Next uncertain statement (any article)"] == "Shift+U"


def test_edit_suggestion_rules_in_the_window(window, db_path, qtbot):
    from annotator.ui.annotate.model.rules_dialog import RulesDialog

    dialog = RulesDialog(window.store, window)
    assert "contingent on" in dialog.text.toPlainText()
    dialog.text.setPlainText('{"label": "claim", "pattern": "weather"}\n{"label": "claim", "pattern": [{"FOO": 1}]}\n')
    dialog.save()
    assert "rules:2:" in dialog.errors.text() and dialog.saved is None  # nothing saved
    dialog.text.setPlainText('{"label": "claim", "pattern": "weather"}\n')
    dialog.save()
    assert dialog.result() and len(dialog.saved) == 1
    window.suggestions.set_rules(dialog.saved)
    assert window.suggestions.current is None  # "denied" is no rule any more
    window.session.set_current((len(DENIED) + len(READY) + 2, len(TEXT)))
    assert window.suggestions.current.labels == ("claim",)
    with Store.open(db_path) as store:
        from annotator.learn.rules import project_rules

        assert [r.pattern for r in project_rules(store)] == ["weather"]


# -- with a model -------------------------------------------------------------------------------


@pytest.fixture
def trained(tmp_path):
    """A generated project of 40 articles, 30 finished by "oracle", and a bag-of-words model of it."""
    from annotator.learn.project import train_project
    from tests.learn_project import generated_project

    path = tmp_path / "model.annotator.sqlite"
    with generated_project(path, 40, finished=30) as store:
        report = train_project(store, architecture="bow", annotator="oracle")
    return path, report


def test_model_suggestions_show_the_probability_and_next_uncertain_jumps(trained, qtbot, tmp_path):
    path, report = trained
    win = open_window(qtbot, path, tmp_path)
    try:
        from annotator.ui.annotate.window.main_window import MainWindow

        assert isinstance(win, MainWindow)
        win.session.annotator = "oracle"
        assert win.suggestions.model.version == report.model.version
        qtbot.waitUntil(lambda: win.suggestions.index is not None, timeout=60_000)
        assert win.list_panel.order.isEnabled()
        qtbot.keyClick(win.view, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
        expected = win.suggestions.index.next_uncertain(win.store, "oracle")
        assert expected is not None
        # the first press went to the least sure statement of an unfinished article
        with Store.open(path) as store:
            done, _ = store.suggestions.decided_state("oracle")
        assert win.session.article_id not in done
        entry = win.suggestions.index.entries
        assert (win.session.article_id, *win.session.current) in {(e.article_id, e.start, e.end) for e in entry}
        # hover: the probability and the model's version
        win.session.set_current(win.session.current)
        for _ in range(30):
            made = win.suggestions.current
            if made is not None and any(s.from_model for s in made.suggested):
                break
            win.session.step_statement(1)
        assert made is not None
        suggestion = next(s for s in made.suggested if s.from_model)
        tip = plain(win.labels.buttons[suggestion.label].toolTip())
        assert f"{suggestion.probability:.0%}" in tip and report.model.version in tip
        # most uncertain first: the list follows the index's article ranking
        win.list_panel.order.setCurrentIndex(1)
        ranked = [a.article_id for a in win.suggestions.index.articles(win.store, "oracle")]
        assert [row.id for row in win.list_panel.model.rows][: len(ranked)] == ranked[:200]
    finally:
        win.close()


def test_train_from_the_window_with_cancel_then_a_report(qtbot, tmp_path):
    from annotator.ui.annotate.model.train_dialog import TrainDialog
    from tests.learn_project import generated_project

    path = tmp_path / "train.annotator.sqlite"
    generated_project(path, 30, finished=20).close()
    win = open_window(qtbot, path, tmp_path)
    try:
        win.session.annotator = "oracle"
        assert win.suggestions.model is None
        win.train_action.trigger()  # Tools ▸ Train…
        dialog = win.model_actions.train_dialog
        assert isinstance(dialog, TrainDialog) and dialog.isVisible() and not dialog.isModal()
        dialog.start()
        assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.task is None, timeout=120_000)
        assert dialog.report.cancelled and "cancelled" in dialog.state.text()
        dialog.start()
        win.session.open_article(25)  # an unfinished article: labeling goes on while it trains
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        win.view.setFocus()
        qtbot.keyClick(win.view, Qt.Key.Key_6)
        assert win.session.state().labels == ("claim",) and dialog.task is not None
        qtbot.waitUntil(lambda: dialog.task is None, timeout=180_000)
        text = dialog.text.toPlainText()
        assert "macro F1" in text and "precision" not in text.splitlines()[0]
        assert "condition" in text and dialog.report.model is not None
        qtbot.waitUntil(lambda: win.suggestions.model is not None, timeout=60_000)
        assert win.suggestions.model.version == dialog.report.model.version
        dialog.close()
    finally:
        win.close()


def test_retrains_in_the_background_after_n_decisions(qtbot, tmp_path):
    from tests.learn_project import generated_project

    path = tmp_path / "retrain.annotator.sqlite"
    generated_project(path, 30, finished=20).close()
    win = open_window(qtbot, path, tmp_path, **{"learn/retrain_every": 2})
    try:
        win.session.annotator = "oracle"
        unfinished = 25
        win.session.open_article(unfinished)
        for _ in range(2):
            qtbot.keyClick(win.view, Qt.Key.Key_6)
            qtbot.keyClick(win.view, Qt.Key.Key_Down)
        assert win.retraining.task is not None  # started after the second decision
        qtbot.keyClick(win.view, Qt.Key.Key_6)  # typing goes on while it trains
        assert win.session.state().labels == ("claim",)
        qtbot.waitUntil(lambda: win.suggestions.model is not None, timeout=180_000)
        # two more decisions, but no article finished since: nothing new to learn, no retraining
        for _ in range(2):
            qtbot.keyClick(win.view, Qt.Key.Key_Down)
            qtbot.keyClick(win.view, Qt.Key.Key_6)
        assert win.retraining.task is None
        qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, next article
        qtbot.keyClick(win.view, Qt.Key.Key_6)
        assert win.retraining.task is not None  # a finished article more: retrained
    finally:
        win.close()


def test_enter_with_nothing_suggested_only_goes_on_and_view_turns_suggestions_off(window, db_path, qtbot):
    third = (len(DENIED) + len(READY) + 2, len(TEXT))
    window.session.set_current(SECOND)
    window.suggest_labels_action.setChecked(False)  # View ▸ Suggest labels
    assert window.suggestions.current is None and not window.labels.buttons["offer"].property("suggestedNow")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.session.current == third and stored(db_path) == {}  # Enter only went on
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.session.current == third and stored(db_path) == {}
    assert "nothing suggested" in window.task_state.text() and "nothing written" in window.task_state.text()
    window.suggest_labels_action.setChecked(True)
    window.session.set_current(SECOND)
    assert window.suggestions.current.labels == ("offer",)


def test_a_read_only_project_shows_suggestions_but_enter_changes_nothing(qtbot, db_path, tmp_path):
    make_project(db_path, [TEXT, OTHER])
    win = open_window(qtbot, db_path, tmp_path, readonly=True)
    assert win.suggestions.current.labels == ("denial",)
    assert not win.actions_by_name["accept_labels"].isEnabled()
    win.suggestions.accept()  # even called directly: not saved, said so
    qtbot.wait(SHOWN_MS + 100)
    win.close()
    assert stored(db_path) == {} and log_rows(db_path) == []
