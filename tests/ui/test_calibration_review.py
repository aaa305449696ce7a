"""The calibration review window: each difference from gold, side by side, with the guideline section."""

from __future__ import annotations

from annotator.store import Store
from tests.test_agreement import add, make_text
from tests.test_calibration import GUIDE, gold_project


def calibrated(db_path):
    """tina (a trainee) took two articles of gold: offer read as demand in one, right in the other."""
    with Store.create(db_path) as store:
        gold_project(store)
        store.guidelines.add(GUIDE, "lead")
        store.guidelines.set_trainee("tina", True)
        add(store, make_text(0), "tina", [(0, 5, "demand")])
        add(store, make_text(2), "tina", [(0, 5, "offer")])


def test_each_difference_shows_both_sides_and_the_gold_label_s_section(qtbot, db_path):
    from annotator.ui.review.calibration import CalibrationReview

    calibrated(db_path)
    with Store.open(db_path) as store:
        view = CalibrationReview(store, "tina")
        qtbot.addWidget(view)
        assert view.list.count() == 1
        assert "1 of 2 units as gold in 2 articles · 1 difference · guidelines version 1" in view.summary.text()
        assert (view.mine.text(), view.gold.text()) == ("demand", "offer")
        shown = view.section.toPlainText()  # the section formatted, as the guideline pane shows it
        assert "A proposal in exchange." in shown and "##" not in shown
        assert f"[{make_text(0)[:5]}]" in view.context.text()


def test_a_difference_s_tooltip_shows_the_statement_as_typed_never_as_html(qtbot, db_path):
    """The statement under a difference comes from data: its tooltip goes through the plain-text
    helper (a statement holding `<b>` shows the characters, not bold text)."""
    from annotator.guidelines.calibration import report
    from annotator.ui.review.calibration import CalibrationReview
    from annotator.ui.shell.plaintext import tooltip

    calibrated(db_path)
    with Store.open(db_path) as store:
        view = CalibrationReview(store, "tina")
        qtbot.addWidget(view)
        (difference,) = report(store, "tina").differences
        assert view.list.item(0).toolTip() == tooltip(difference.text)


def test_the_command_renders_the_window(cli, db_path, tmp_path):
    calibrated(db_path)
    out = tmp_path / "calibration.png"
    result = cli("calibrate", "--report", "tina", "--screenshot", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
