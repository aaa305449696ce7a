"""Category conflicts in the review window, decided into gold by key with undo; category agreement in the dashboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.records import GOLD, IncomingRecord
from annotator.review.categories import gold_categories
from annotator.store import Store


@pytest.fixture
def two_annotators(db_path):
    """anna and ben finished both articles; they differ on article 1's relevance and stance."""
    with Store.create(db_path) as store:
        store.add_records(
            [
                IncomingRecord("Kyiv will halt strikes.", "<b>First</b>", "x", 1),
                IncomingRecord("Talks.", "Second", "x", 2),
            ],
            "importer",
        )
        for who, first in (("anna", ("relevant", "positive")), ("ben", ("negative",))):
            store.categories.set_article_categories(1, who, first)
            store.categories.set_article_categories(2, who, ("relevant",))
            for article_id in (1, 2):
                store.articles.set_status(article_id, who, "done")
    return db_path


@pytest.fixture
def review(qtbot, two_annotators):
    from annotator.ui.review.window import ReviewWindow

    store = Store.open(two_annotators)
    win = ReviewWindow(store, "rev")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    store.close()


def opened(review, qtbot):
    """The category review, as C opens it: its own window, active, so its keys reach it."""
    categories = review.open_category_review()
    with qtbot.waitActive(categories):
        categories.activateWindow()
    return categories


def gold(project, article_id=1) -> tuple[str, ...]:
    with Store.open(project) as store:
        return store.categories.article_categories(article_id, GOLD)


def test_c_lists_the_category_conflicts_in_words(review, qtbot):
    qtbot.keyClick(review, Qt.Key.Key_C)
    categories = review._categories
    assert categories is not None and categories.isVisible()
    lines = [categories.list.item(i).text() for i in range(categories.list.count())]
    assert lines == [
        "<b>First</b> — relevance\n    anna: relevant · ben: none of them",
        "<b>First</b> — stance\n    anna: positive · ben: negative",
    ]
    assert categories.heading.text() == "<b>First</b>\nrelevance (any of: relevant)"
    assert categories.gold.text() == "gold: not decided yet"


def test_keys_take_an_annotators_categories_into_gold_and_undo_takes_them_back(review, qtbot, two_annotators):
    categories = opened(review, qtbot)
    qtbot.keyClick(categories, Qt.Key.Key_1)  # relevance: take anna's
    assert gold(two_annotators) == ("relevant",)
    assert categories.list.currentRow() == 1  # on to the next conflict
    qtbot.keyClick(categories, Qt.Key.Key_2)  # stance: take ben's
    assert gold(two_annotators) == ("negative", "relevant")
    assert "✓ gold: negative" in categories.list.item(1).text()
    qtbot.keyClick(categories, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(two_annotators) == ("relevant",)
    review.session.undo_stack.undo()  # the review window's own undo reaches category decisions too
    assert gold(two_annotators) == ()
    review.session.undo_stack.redo()
    assert gold(two_annotators) == ("relevant",)


def test_none_of_them_and_a_ticked_choice_are_decisions_too(review, qtbot, two_annotators):
    categories = opened(review, qtbot)
    qtbot.keyClick(categories, Qt.Key.Key_0)  # relevance: none of them
    categories.checks["neutral"].setChecked(True)  # stance: neither annotator's
    categories.decide_ticked()
    with Store.open(two_annotators) as store:
        decided = gold_categories(store)[1]
        assert decided.categories == ("neutral",) and decided.complete
        assert store.categories.category_decisions() == {(1, "relevance"), (1, "stance")}
    assert "✓ gold: none of them" in categories.list.item(0).text()


def test_an_exclusive_group_ticks_one_category_at_a_time(review):
    categories = review.open_category_review()
    categories.step(1)
    categories.checks["positive"].setChecked(True)
    categories.checks["negative"].setChecked(True)
    assert [n for n, check in categories.checks.items() if check.isChecked()] == ["negative"]


def test_the_dashboard_shows_alpha_per_category_and_lists_the_articles_in_dispute(review, qtbot):
    dashboard = review.open_dashboard()
    table = dashboard.categories_table
    assert table.isVisibleTo(dashboard)
    rows = {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, table.columnCount())]
        for r in range(table.rowCount())
    }
    assert rows["relevant"] == ["0.00", "2", "1"]
    assert rows["stance: which one"][0] == "0.40"  # which stance: anna positive, ben negative; both none on 2
    assert rows["ceasefire-talks"][0].startswith("n/a")
    assert "2 category conflicts" in dashboard.summary.text()
    table.cellClicked.emit(table.row(table.findItems("positive", Qt.MatchFlag.MatchExactly)[0]), 0)
    item = dashboard.disagreements.item(0)
    assert item.text() == "<b>First</b> — stance\n    anna: positive · ben: negative"
    dashboard._open_item(item)  # double-click: the category review, at that conflict
    assert review._categories.current.group == "stance"


def test_a_project_without_categories_shows_no_category_table(qtbot, db_path):
    from annotator.ui.review.dashboard import AgreementDashboard

    with Store.create(db_path) as store:
        store.add_records([IncomingRecord("Text.", "T", "x", 1)], "importer")
        dashboard = AgreementDashboard(store)
        qtbot.addWidget(dashboard)
        assert not dashboard.categories_table.isVisibleTo(dashboard)


def test_every_pair_row_stays_in_view_beside_the_category_table(review, qtbot):
    """Found in the merged dashboard's screenshot: the categories' table squeezed the pairs to a sliver
    (with the app's stylesheet, whose rows are taller)."""
    from PySide6.QtWidgets import QApplication

    from annotator.ui.shell import style

    app = QApplication.instance()
    before = app.palette(), app.styleSheet()
    style.apply_theme(app)
    try:
        dashboard = review.open_dashboard()
        dashboard.resize(1557, 820)
        qtbot.waitExposed(dashboard)
        pairs = dashboard.pairs_table
        assert dashboard.categories_table.isVisibleTo(dashboard)
        rows = sum(pairs.rowHeight(i) for i in range(pairs.rowCount()))
        assert pairs.rowCount() == 2 and pairs.viewport().height() >= rows
        # and the layout may not take it back in a smaller window or with more labels
        assert pairs.minimumHeight() >= rows + pairs.horizontalHeader().height()
    finally:
        app.setPalette(before[0])
        app.setStyleSheet(before[1])
