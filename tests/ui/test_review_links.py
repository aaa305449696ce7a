"""Link conflicts in the review window, decided into gold like labels; link figures in the dashboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from annotator.records import GOLD, IncomingRecord, Link
from annotator.store import Store

TEXT = "Putin offered a halt, contingent on Ukraine reciprocating. Peskov said <b>Kyiv</b> refused."
OFFER = (0, TEXT.index(".") + 1)
SAID = (TEXT.index("Peskov"), len(TEXT))


def word(w: str) -> tuple[int, int]:
    return TEXT.index(w), TEXT.index(w) + len(w)


@pytest.fixture
def team(db_path):
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(TEXT, "t", "s", 1)], "x")
        for name in ("anna", "ben"):
            for span in (OFFER, SAID):
                store.statements.set_statement(1, name, *span, ["claim"])  # the labels agree
            store.links.change_links(1, name, add=[Link(*OFFER, *word("Putin"), "speaker")])  # agreed
        store.links.change_links(1, "anna", add=[Link(*SAID, *word("Peskov"), "speaker")])
        store.links.change_links(1, "ben", add=[Link(*SAID, *word("<b>Kyiv</b>"), "speaker")])
        for name in ("anna", "ben"):
            store.articles.set_status(1, name, "done")
    return db_path


@pytest.fixture
def review(qtbot, team):
    from annotator.ui.review.window import ReviewWindow

    with Store.open(team) as store:
        win = ReviewWindow(store, "rev")
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.list_view.setFocus()
        yield win
        win.close()


def gold_links(path):
    with Store.open(path) as store:
        return store.links.links(1, GOLD)


def test_a_link_conflict_is_listed_with_its_type_and_each_annotators_end(review):
    (conflict,) = review.session.conflicts
    assert (conflict.start, conflict.end, conflict.label) == (*SAID, "speaker")
    row = review.list_model.data(review.list_model.index(0), Qt.ItemDataRole.DisplayRole)
    assert "speaker: link mismatch" in row
    assert [c.summary.text() for c in review.columns] == ["speaker: Peskov", "speaker: <b>Kyiv</b>"]
    assert review.gold_column.summary.text() == "undecided: speaker"
    table = review.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["Peskov", "<b>Kyiv</b>"]
    assert [table.item(0, c).text() for c in range(1, table.columnCount())] == ["linked", "not linked", "undecided"]


def test_taking_an_annotators_link_decides_gold_and_undo_takes_it_back(review, qtbot, team):
    qtbot.keyClick(review.list_view, Qt.Key.Key_2)  # take ben's
    assert gold_links(team) == [Link(*SAID, *word("<b>Kyiv</b>"), "speaker")]
    assert review.session.unresolved_count() == 0
    assert review.gold_column.summary.text() == "✓ speaker: <b>Kyiv</b>"
    qtbot.keyClick(review.list_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_links(team) == []
    assert review.session.unresolved_count() == 1
    qtbot.keyClick(review.list_view, Qt.Key.Key_0)  # none: a decision too
    assert gold_links(team) == []
    with Store.open(team) as store:
        assert list(store.links.link_decisions(GOLD)) == [(1, *SAID, "speaker")]
    assert review.session.unresolved_count() == 0


def test_the_kind_filter_knows_link_conflicts(review):
    index = review.kind_box.findData("link_mismatch")
    assert index >= 0 and review.kind_box.itemText(index) == "link mismatch"
    review.kind_box.setCurrentIndex(review.kind_box.findData("label_mismatch"))
    assert review.session.conflicts == []
    review.kind_box.setCurrentIndex(index)
    assert len(review.session.conflicts) == 1


def test_the_dashboard_shows_link_f1_per_type_and_pair(review, qtbot):
    dashboard = review.open_dashboard()
    qtbot.addWidget(dashboard)
    table = dashboard.findChild(QTableWidget, "linksTable")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows == {"speaker": "0.50", "anna × ben": "0.50"}
    assert (
        "2 links" not in dashboard.summary.text()
        and "4 links (pair F1 0.50, 1 link conflicts)" in dashboard.summary.text()
    )
    table.cellClicked.emit(0, 0)
    assert dashboard.disagreements.count() == 1
    assert "speaker — anna: Peskov · ben: <b>Kyiv</b>" in dashboard.disagreements.item(0).text()
    dashboard.close()


def test_long_words_are_cut_with_an_ellipsis_in_the_conflict_list_and_the_columns(db_path, qtbot):
    """Found in a tryout: the conflict list's tooltip and a link's other end were cut mid-word with
    nothing to say so, as if that were the whole text. Every cut now ends in "…"."""
    from annotator.ui.review.window import ReviewWindow
    from tests.ui.conftest import as_shown

    speaker = "The spokesman of the presidential administration " * 3  # 147 characters: longer than 40
    claim = "Negotiators met again on Monday and talked for a long time about the halt. " * 6  # 450
    text = f"{speaker.strip()} said so. {claim.strip()}"
    said, end = (0, text.index(" said")), (text.index("Negotiators"), len(text))
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(text, "t", "s", 1)], "x")
        for name, labels in (("anna", ["claim"]), ("ben", ["offer"])):
            store.statements.set_statement(1, name, *end, labels)
            store.statements.set_statement(1, name, 0, end[0] - 1, ["claim"])
        store.links.change_links(1, "anna", add=[Link(0, end[0] - 1, *said, "speaker")])
        store.articles.set_status(1, "anna", "done")
        store.articles.set_status(1, "ben", "done")
    with Store.open(db_path) as store:
        win = ReviewWindow(store, "rev")
        qtbot.addWidget(win)
        model = win.list_model
        rows = [model.index(r) for r in range(model.rowCount())]
        tips = [as_shown(model.data(i, Qt.ItemDataRole.ToolTipRole)) for i in rows]
        shown = [model.data(i, Qt.ItemDataRole.DisplayRole) for i in rows]
        long_row = next(r for r, tip in enumerate(tips) if tip.startswith("Negotiators"))
        words = tips[long_row].split("\n")[0]  # under them, the conflict's kinds and the article's title
        assert len(words) == 300 and words.endswith("…"), words  # before: cut bare
        assert "…”" in shown[long_row], shown
        link_row = next(r for r, line in enumerate(shown) if "speaker:" in line)
        win.list_view.setCurrentIndex(rows[link_row])
        summaries = [c.summary.text() for c in win.columns]
        assert summaries[0].startswith("speaker: The spokesman") and summaries[0].endswith("…"), summaries
        win.close()
