"""The agreement dashboard: the figures, a click that lists disagreements, a double-click that opens review."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from annotator.review import collect, compute_agreement
from annotator.store import Store
from annotator.ui.review.dashboard import AgreementDashboard
from tests.ui.test_review import DENIED, MUST, merged  # noqa: F401  (fixture)


@pytest.fixture
def dashboard(qtbot, merged):  # noqa: F811
    with Store.open(merged) as store:
        board = AgreementDashboard(store)
        qtbot.addWidget(board)
        board.show()
        qtbot.waitExposed(board)
        yield board
        board.close()


def test_matrix_shows_kappa_and_f1_of_the_pair(dashboard, merged):  # noqa: F811
    with Store.open(merged) as store:
        figures = compute_agreement(collect(store)).pair("anna", "ben")
    assert dashboard.pairs_table.item(0, 1).text() == f"κ {figures.kappa:.2f}"
    assert dashboard.pairs_table.item(1, 0).text() == f"F1 {figures.span_f1:.2f}"
    labels = [dashboard.labels_table.item(r, 0).text() for r in range(dashboard.labels_table.rowCount())]
    assert labels == ["claim", "condition", "demand", "denial", "offer"]


def test_clicking_a_cell_lists_disagreements_and_double_click_opens_review(dashboard, qtbot):
    dashboard.pairs_table.cellClicked.emit(0, 1)
    assert dashboard.disagreements.count() == 2
    with qtbot.waitSignal(dashboard.openConflict) as blocker:
        dashboard.disagreements.itemDoubleClicked.emit(dashboard.disagreements.item(1))
    assert blocker.args[1:] == list(DENIED)

    cats = dashboard.confusion_categories
    dashboard.confusion_table.cellClicked.emit(cats.index("demand"), cats.index("condition"))
    assert dashboard.disagreements.count() == 1
    assert dashboard.disagreements.item(0).data(256)[1:] == MUST


def test_review_window_opens_the_dashboard_and_follows_it(qtbot, merged):  # noqa: F811
    from annotator.ui.review.window import ReviewWindow

    with Store.open(merged) as store:
        win = ReviewWindow(store, "rev")
        qtbot.addWidget(win)
        board = win.open_dashboard()
        board.disagreements.clear()
        board.pairs_table.cellClicked.emit(1, 0)
        board.disagreements.itemDoubleClicked.emit(board.disagreements.item(1))
        assert (win.session.current.start, win.session.current.end) == DENIED
        win.close()


def test_dashboard_screenshot_command(merged, cli, tmp_path):  # noqa: F811
    out = tmp_path / "dash.png"
    assert cli("agreement", "--dashboard-screenshot", out).exit_code == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_a_figure_that_cannot_be_computed_says_why(qtbot, merged):  # noqa: F811
    from annotator.ui.review.dashboard import AgreementDashboard

    with Store.open(merged) as store:
        board = AgreementDashboard(store, labels=["claim"])  # both labeled the same one statement claim
        qtbot.addWidget(board)
        assert board.summary.text().startswith("Krippendorff's α n/a (full agreement)")
        assert board.pairs_table.item(0, 1).text() == "κ n/a (full agreement)"
        assert board.labels_table.item(0, 1).text() == "n/a (full agreement)"
        board.close()


def test_escape_closes_the_dashboard(dashboard, qtbot):
    with qtbot.waitActive(dashboard):
        dashboard.activateWindow()
    qtbot.keyClick(dashboard, Qt.Key.Key_Escape)
    assert not dashboard.isVisible()


def test_a_disagreement_lists_what_each_annotator_said_on_that_very_statement(qtbot, cli, db_path, tmp_path):
    """anna labels a sentence `threat`; ben labels only its first words, `threat` too (a boundary
    conflict: two statements, one region). The cell "threat vs (no label)" lists anna's statement
    with ben's "(no label)" on it, no longer the region's "anna: threat | ben: threat"."""
    from tests.conftest import write_jsonl

    text = "Moscow will strike the grid tonight. Nobody else spoke."
    whole, part = (0, text.index(" Nobody")), (0, len("Moscow will strike"))
    for name, span in {"anna": whole, "ben": part}.items():
        record = {"text": text, "_annotator_id": name, "spans": [{"start": span[0], "end": span[1], "label": "threat"}]}
        assert cli("import", "--no-ner", write_jsonl(tmp_path / f"{name}.jsonl", [json.dumps(record)])).exit_code == 0
    with Store.open(db_path) as store:
        board = AgreementDashboard(store)
        qtbot.addWidget(board)
        cats = board.confusion_categories
        board.confusion_table.cellClicked.emit(cats.index("threat"), cats.index("(no label)"))
        rows = [board.disagreements.item(i).text().split("   (")[0] for i in range(board.disagreements.count())]
        assert rows == ["“Moscow will strike the grid tonight.”\n    anna: threat · ben: (no label)"]
        board.confusion_table.cellClicked.emit(cats.index("(no label)"), cats.index("threat"))
        rows = [board.disagreements.item(i).text().split("   (")[0] for i in range(board.disagreements.count())]
        assert rows == ["“Moscow will strike”\n    anna: (no label) · ben: threat"]
        board.close()


def test_at_1366x768_no_table_scrolls_and_the_disagreements_take_the_rest(dashboard, qtbot):
    """On a laptop's screen the figures show every row without scrolling and no empty space under
    them; the disagreements list takes the height that is left."""
    dashboard.pairs_table.cellClicked.emit(0, 1)  # the first pair's disagreements listed
    dashboard.resize(1366, 768)
    qtbot.wait(50)
    assert dashboard.minimumSizeHint().width() <= 1366 and dashboard.minimumSizeHint().height() <= 768
    assert dashboard.width() <= 1366 and dashboard.height() <= 768
    tables = [
        dashboard.pairs_table,
        dashboard.labels_table,
        dashboard.confusion_table,
        dashboard.links.table,
        dashboard.categories_table,
    ]
    shown = [t for t in tables if t.isVisible() and t.rowCount()]
    assert len(shown) >= 4
    for table in shown:
        assert table.verticalScrollBar().maximum() == 0, table.objectName()  # every row in view
        rows = sum(table.rowHeight(i) for i in range(table.rowCount()))
        assert rows <= table.viewport().height() <= rows + table.rowHeight(0), table.objectName()  # no empty half
    assert dashboard.disagreements.height() >= 0.2 * dashboard.height()


def test_the_dashboard_shows_the_teams_progress_like_annotator_progress(dashboard, merged, qtbot):  # noqa: F811
    from annotator.packages.progress import project_progress

    qtbot.waitUntil(lambda: dashboard.progress.rows is not None, timeout=20_000)
    with Store.open(merged) as store:
        expected = {r.annotator: r for r in project_progress(store)}
    table = dashboard.progress.table
    shown = {table.item(i, 0).text().split()[0]: i for i in range(table.rowCount())}
    assert set(shown) == set(expected) and {"anna", "ben"} <= set(shown)
    for name, row in shown.items():
        assert table.item(row, 2).text() == str(expected[name].statements)
        assert table.item(row, 1).text().startswith(str(expected[name].done))
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Annotator", "Done", "Statements", "Active", "Decisions/h", "Accepted", "Packages"]


def test_the_progress_table_marks_a_trainee(qtbot, merged):  # noqa: F811
    with Store.open(merged) as store:
        store.guidelines.set_trainee("ben", True)  # as `annotator annotators --trainee ben` does
        board = AgreementDashboard(store)
        qtbot.addWidget(board)
        board.show()
        qtbot.waitUntil(lambda: board.progress.rows is not None, timeout=20_000)
        table = board.progress.table
        names = {table.item(i, 0).text(): table.item(i, 0) for i in range(table.rowCount())}
        assert "ben (trainee)" in names and "anna" in names
        assert "stays out of gold, review" in names["ben (trainee)"].toolTip() and not names["anna"].toolTip()
        assert board.progress.note.isVisibleTo(board)
        assert "Trainee: ben (their work stays out of gold, review" in board.progress.note.text()
        board.close()


def double_click_a_disagreement(qtbot, store, monkeypatch, answers: list[tuple[str, bool]]):
    """The dashboard run on its own (`run_dashboard`): a disagreement double-clicked with the name
    questions answered by `answers`; returns (its review opener, the prompts asked)."""
    from annotator.ui.review import launch

    board = AgreementDashboard(store)
    qtbot.addWidget(board)
    reviews = launch.ConflictReview(store, board)
    board.openConflict.connect(reviews.show_conflict)
    prompts: list[str] = []
    typed = iter(answers)

    def answer(_parent, _title, prompt, *_a, **_k):
        prompts.append(prompt.split(": choose another name.")[0])
        return next(typed)

    monkeypatch.setattr(launch.QInputDialog, "getText", answer)
    board.pairs_table.cellClicked.emit(0, 1)
    board.disagreements.itemDoubleClicked.emit(board.disagreements.item(1))
    return reviews, prompts


@pytest.mark.parametrize(
    "env,why",
    [
        ("gold", "\"gold\" is the review's layer (decided in annotator review), not an annotator's name"),
        ("re\u200bv", "the name 're\\u200bv' holds an invisible character (U+200B ZERO WIDTH SPACE)"),
    ],
)
def test_the_dashboards_review_window_asks_for_a_name_no_person_may_have(
    qtbot,
    merged,  # noqa: F811
    monkeypatch,
    env,
    why,
):
    """Before, the review window opened from the dashboard stored gold decisions under ANNOTATOR_NAME
    (or the login name) unchecked: "gold" or a name with an invisible character went through."""
    monkeypatch.setenv("ANNOTATOR_NAME", env)
    with Store.open(merged) as store:
        reviews, prompts = double_click_a_disagreement(qtbot, store, monkeypatch, [("an\x1bna", True), ("rev", True)])
        assert prompts == [why, "the name 'an\\x1bna' holds a line break or control character (U+001B)"]
        assert reviews.window is not None and reviews.window.session.reviewer == "rev"
        assert (reviews.window.session.current.start, reviews.window.session.current.end) == DENIED
        reviews.window.close()


def test_the_dashboards_review_window_stays_shut_when_no_name_is_given(qtbot, merged, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ANNOTATOR_NAME", "gold")
    with Store.open(merged) as store:
        reviews, prompts = double_click_a_disagreement(qtbot, store, monkeypatch, [("", False)])
        assert len(prompts) == 1 and reviews.window is None


def test_the_dashboards_review_window_takes_a_good_name_without_asking(qtbot, merged, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ANNOTATOR_NAME", "rev")
    with Store.open(merged) as store:
        reviews, prompts = double_click_a_disagreement(qtbot, store, monkeypatch, [])
        assert prompts == [] and reviews.window.session.reviewer == "rev"
        reviews.window.close()
