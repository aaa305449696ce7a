"""Corpus search in the window: Ctrl+Shift+F, the hit list, Enter on a hit, label all matches with undo."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QWidget

from annotator.records import IncomingRecord
from annotator.store import Store
from tests.ui.conftest import OTHER, TEXT, as_shown, stored

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def search(window, qtbot, query: str):
    """Type a query in the hit list's box as a user does and wait for its hits and count."""
    window.activateWindow()
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL_SHIFT)
    panel = window.search_dock.panel
    assert window.search_dock.isVisible() and panel.query.hasFocus()
    panel.query.clear()
    qtbot.keyClicks(panel.query, query)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not panel.indexing() and (panel.count is not None or panel.status.property("state") == "error")
    )
    return panel


def test_ctrl_shift_f_searches_every_article_in_context(window, qtbot):
    panel = search(window, qtbot, "Kyiv OR sentences")
    assert panel.status.text() == "2 statements in 2 articles"
    model = panel.model
    rows = [[model.data(model.index(r, c)) for c in range(4)] for r in range(model.rowCount())]
    assert rows[0] == [
        "Zelensky said",
        "Kyiv",
        " ".join(TEXT[18:78].split()).rsplit(" ", 1)[0] + "…",
        TEXT.split(".")[0],
    ]
    assert rows[1][:3] == ["Second article. It has two", "sentences", "."]
    assert model.data(model.index(0, 1), Qt.ItemDataRole.FontRole).bold()


def test_a_query_that_cannot_be_searched_is_said_in_words(window, qtbot):
    panel = search(window, qtbot, '"energy')
    assert panel.status.property("state") == "error"
    assert "quote is not closed" in panel.status.text()
    assert panel.model.rowCount() == 0
    panel = search(window, qtbot, "NOT Gaza")
    assert "NOT needs words before it" in panel.status.text()


def test_filters_of_the_query_language_work_in_the_window(window, qtbot, project):
    with Store.open(project) as store:
        store.statements.set_statement(2, "tester", 0, len("Second article."), ["offer"])
    panel = search(window, qtbot, "label:offer")
    assert [(h.article_id, h.hit) for h in panel.model.hits] == [(2, "Second article.")]
    panel = search(window, qtbot, "ent:PERSON")
    assert [h.hit for h in panel.model.hits] == ["Zelensky"]


def test_enter_on_a_hit_opens_its_article_with_the_statement_current(window, qtbot):
    panel = search(window, qtbot, "sentences")
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    session = window.session
    assert session.article_id == 2
    start = OTHER.index("It has")
    assert session.current == (start, start + len("It has two sentences."))
    assert window.view.hasFocus()
    # the statement is one the window walks with ↓/↑ too: the hit and the statement are one span
    assert session.current in session.candidates()
    qtbot.keyClick(window.view, Qt.Key.Key_6)  # a label key now labels that statement
    assert (start, start + len("It has two sentences."), ("claim",), "") in stored(window.store.path)


def test_label_all_matches_previews_applies_as_one_step_and_undoes(window, qtbot, project, monkeypatch):
    from annotator.ui.annotate.search import label_all_dialog

    start = TEXT.index("halt strikes")
    with Store.open(project) as store:  # a statement with other bounds inside the first hit's sentence: skipped
        store.statements.set_statement(1, "tester", start, start + len("halt strikes"), ["claim"])
    panel = search(window, qtbot, "Kyiv OR sentences OR Odesa")
    assert panel.count.statements == 3
    shown = {}

    def preview(dialog):
        qtbot.waitUntil(lambda: dialog.preview is not None)
        shown["summary"] = dialog.summary.text()
        shown["skipped"] = [dialog.skipped.item(i).text() for i in range(dialog.skipped.count())]
        shown["scope"] = dialog.all_button.isChecked()
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(label_all_dialog.LabelAllDialog, "exec", preview)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.table, Qt.Key.Key_2)  # offer

    assert shown["scope"] is True  # Ctrl+A: every hit of the search
    assert shown["summary"].splitlines() == [
        "2 statements in 2 articles would get 'offer' (in tester's annotations)",
        "skipped 1: overlaps another statement",
    ]
    assert shown["skipped"] == [
        f"overlaps another statement: “Zelensky said Kyiv will halt strikes if Moscow does.” — {TEXT.split('.')[0]}"
    ]
    odesa = TEXT.index("Café owners")
    sentences = OTHER.index("It has")
    offer = {(s, e) for s, e, labels, _ in stored(project) if "offer" in labels}
    assert offer == {(odesa, odesa + len("Café owners in Odesa said nothing.")), (sentences, sentences + 21)}
    assert window.save_state.text().startswith("saved · labeled 2 statements in 2 articles “offer”")
    assert window.session.undo_stack.count() == 1

    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not [row for row in stored(project) if "offer" in row[2]]
    assert window.save_state.text().startswith("saved · undone: labeled 2 statements")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL_SHIFT)
    assert len([row for row in stored(project) if "offer" in row[2]]) == 2
    # the open article shows what the batch did
    assert window.session.state((odesa, odesa + len("Café owners in Odesa said nothing."))).labels == ("offer",)


def test_label_all_as_spans_on_the_selected_hits_only(window, qtbot, project):
    from annotator.ui.annotate.search.label_all_dialog import LabelAllDialog

    panel = search(window, qtbot, "Kyiv OR Odesa")
    panel.table.selectRow(1)  # Odesa only
    hits = panel.selected_hits()
    label = next(lab for lab in window.session.labels if lab.name == "denial")
    dialog = LabelAllDialog(window.session, window.runner, label, hits, panel.search, "Kyiv OR Odesa", 2)
    qtbot.addWidget(dialog)
    dialog.span_button.setChecked(True)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.plan.mode == "span")
    assert dialog.selected_button.isChecked()
    assert dialog.summary.text().splitlines() == [
        "1 span in 1 article would get 'denial' (in tester's annotations)",
        "nothing is skipped",
    ]
    dialog.apply()
    odesa = TEXT.index("Odesa")
    assert stored(project) == [(odesa, odesa + 5, ("denial",), "")]


def test_a_read_only_project_searches_but_changes_nothing(qtbot, project, tmp_path):
    from tests.ui.test_read_only_window import open_read_only

    with Store.open(project) as store:
        store.search.update_search_index()
    before = project.read_bytes()
    win, store = open_read_only(qtbot, project, tmp_path)
    try:
        panel = search(win, qtbot, "Kyiv")
        assert panel.status.text() == "1 statement in 1 article"
        panel.table.setFocus()
        panel.table.selectRow(0)
        qtbot.keyClick(panel.table, Qt.Key.Key_1)  # label all: refused before any preview
        assert win.save_state.text().startswith("not saved: ") and "read-only" in win.save_state.text()
        assert not win.actions_by_name["category_1"].isEnabled()
        win.categories.toggle_key("1")  # even if a key got through, nothing is written
        assert not win.categories.buttons["relevant"].isEnabled()
    finally:
        win.close()
        store.close()
    assert project.read_bytes() == before


def test_the_index_catches_up_after_an_import_off_the_gui_thread(window, qtbot, project):
    panel = search(window, qtbot, "Kyiv")
    with Store.open(project) as store:
        store.add_records([IncomingRecord("Kyiv again, in a new article.", "New", "x", 1)], "importer")
        assert store.search.search_index_pending() == 1
    panel.catch_up()
    assert panel.indexing() and panel.progress_box.isVisibleTo(panel)
    qtbot.waitUntil(lambda: not panel.indexing())
    assert not panel.progress_box.isVisibleTo(panel)
    panel = search(window, qtbot, "Kyiv")
    assert panel.status.text() == "2 statements in 2 articles"


def test_cancelling_the_catch_up_searches_what_is_indexed_and_says_what_is_not(window, qtbot, project):
    with Store.open(project) as store:
        texts = [f"Kyiv in article {i}. " + "Another sentence of the article. " * 40 for i in range(5000)]
        store.add_records([IncomingRecord(t, f"N{i}", "x", i) for i, t in enumerate(texts)], "importer")
    panel = window.search_dock.panel
    window.search_dock.show()
    panel.query.setText("Kyiv")
    panel.run()  # waits for the index ...
    assert "runs when the index has caught up" in panel.status.text()
    panel.cancel.click()  # ... unless asked not to
    qtbot.waitUntil(lambda: panel.count is not None, timeout=20_000)
    with Store.open(project) as store:
        pending = store.search.search_index_pending()
    assert 0 < pending < 5002  # stopped after a committed batch; what is done stays done
    assert f"{pending} articles are not in the search index yet" in panel.status.text()  # said, not hidden


def test_many_hits_stay_cheap_pages_load_as_the_list_scrolls(window, qtbot, project):
    from annotator.ui.annotate.search.hit_list import PAGE

    with Store.open(project) as store:
        store.add_records(
            [IncomingRecord(f"Kyiv {i}. Kyiv again. Kyiv once more.", f"N{i}", "x", i) for i in range(400)], "importer"
        )
    panel = search(window, qtbot, "Kyiv")
    assert panel.count.statements == 1201
    assert panel.model.rowCount() == PAGE and panel.model.canFetchMore(QModelIndex())
    panel.table.scrollToBottom()
    QApplication.processEvents()
    assert panel.model.rowCount() > PAGE


@pytest.mark.parametrize("query", ["<b>bold</b>", "<img src=x>"])
def test_hostile_titles_and_queries_stay_text(window, qtbot, project, query):
    with Store.open(project) as store:
        store.add_records([IncomingRecord("A bold claim, bold again.", query, "x", 1)], "importer")
    panel = search(window, qtbot, "bold")
    assert panel.model.data(panel.model.index(0, 3)) == query
    assert query in as_shown(panel.model.data(panel.model.index(0, 0), Qt.ItemDataRole.ToolTipRole))


def assert_selected_row_reads(panel, th) -> None:
    """Every cell of the selected first row: its text reads at 4.5:1 on the selection's colour."""
    from annotator.ui.shell import palette

    image = panel.table.viewport().grab().toImage()
    for column in range(4):
        rect = panel.table.visualRect(panel.model.index(0, column))
        seen = Counter(
            image.pixelColor(x, y).name()
            for x in range(rect.left(), rect.right())
            for y in range(rect.top(), rect.bottom())
        )
        background = seen.most_common(1)[0][0]
        text = max(seen, key=lambda c: palette.contrast(c, background))
        assert palette.contrast(text, background) >= palette.AA, (column, text, background)


def test_a_selected_hit_reads_in_the_dark_theme_too(window, qtbot, monkeypatch):
    """The theme's stylesheet gives selected hits the selection's own text colour, in an active window
    and in one that is not (a screenshot, another window in front)."""
    from annotator.ui.shell import palette, style

    app = QApplication.instance()
    before = app.palette(), app.styleSheet(), app.styleHints().colorScheme()
    th = palette.DARK
    monkeypatch.setenv("ANNOTATOR_THEME", "dark")
    style.apply_theme(app)  # as the app starts: the dark scheme, palette and stylesheet
    try:
        panel = search(window, qtbot, "Kyiv OR sentences")
        panel.table.selectRow(0)
        assert_selected_row_reads(panel, th)
        other = QWidget()
        qtbot.addWidget(other)
        other.show()
        with qtbot.waitActive(other):
            other.activateWindow()
        assert_selected_row_reads(panel, th)
    finally:
        app.setPalette(before[0])
        app.setStyleSheet(before[1])
        app.styleHints().setColorScheme(before[2])


def test_a_catastrophic_regular_expression_stops_and_the_window_stays_usable(window, qtbot, project):
    with Store.open(project) as store:
        store.add_records([IncomingRecord("a" * 60 + "! Redos line.", "redos", "x", 9)], "tester")
    panel = search(window, qtbot, 're:"(a|aa)+$"')  # backtracks for ever with Python's re
    assert panel.status.property("state") == "error"
    assert "the regular expression took more than 0.4 s on one statement" in panel.status.text()
    assert "simplify it" in panel.status.text()
    panel = search(window, qtbot, "sentences")  # the window answers the next search
    assert panel.status.text() == "1 statement in 1 article"


def test_arrow_keys_in_the_panel_move_the_hit_never_the_article_statement(window, qtbot):
    """↓ from the query box enters the hit list on its first row; ↓/↑ there move the hit; no key of
    the panel moves the article's current statement behind it; Esc closes it, the focus in the text."""
    panel = search(window, qtbot, "said OR sentences OR article")
    assert panel.model.rowCount() >= 3
    session = window.session
    before = (session.article_id, session.current)
    row = lambda: panel.table.currentIndex().row()  # noqa: E731
    selected = lambda: [i.row() for i in panel.table.selectionModel().selectedRows()]  # noqa: E731

    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    assert panel.table.hasFocus() and row() == 0 and selected() == [0]
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert row() == 1 and selected() == [1]
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert row() == 2 and selected() == [2]
    qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert row() == 1 and selected() == [1]
    assert (session.article_id, session.current) == before

    # the other keys that walk the article (J, K, U, N, P, Ctrl+PgDown) walk nothing from the panel
    for key, modifiers in [
        (Qt.Key.Key_J, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_K, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_U, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_P, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier),
    ]:
        for widget in (panel.table, panel.within_list):
            widget.setFocus()
            qtbot.keyClick(widget, key, modifiers)
            assert (session.article_id, session.current) == before, (key, widget.objectName())
    panel.query.setFocus()
    qtbot.keyClick(panel.query, Qt.Key.Key_Up)
    assert (session.article_id, session.current) == before

    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Escape)
    assert not window.search_dock.isVisible()
    assert window.view.hasFocus()
    assert (session.article_id, session.current) == before


def test_a_changed_query_clears_the_old_hits_so_nothing_acts_on_them(window, qtbot, monkeypatch):
    """Kyiv searched, then `drones` typed without Enter: the Kyiv hits go, Down Down Enter opens
    nothing and a label key offers nothing; Enter searches the query on screen."""
    from annotator.ui.annotate.search import label_all_dialog

    opened = []
    monkeypatch.setattr(label_all_dialog.LabelAllDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    panel = search(window, qtbot, "Kyiv OR Odesa")
    assert panel.model.rowCount() == 2
    session = window.session
    before = (session.article_id, session.current)

    panel.query.setFocus()
    qtbot.keyClick(panel.query, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.query, "drones")
    assert panel.model.rowCount() == 0 and panel.search is None
    assert panel.status.text() == "press Enter to search"
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.keyClick(panel.table, Qt.Key.Key_1)
    assert (session.article_id, session.current) == before
    assert opened == []

    panel.query.setFocus()
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.count is not None)
    assert panel.status.text() == "no statement matches"


def test_the_label_all_dialog_names_its_query_and_counts_in_the_right_number(window, qtbot, monkeypatch):
    from annotator.ui.annotate.search import label_all_dialog

    shown = {}

    def preview(dialog):
        qtbot.waitUntil(lambda: dialog.preview is not None)
        shown["every"] = dialog.all_button.text()
        shown["summary"] = dialog.summary.text().splitlines()[0]
        return 0

    monkeypatch.setattr(label_all_dialog.LabelAllDialog, "exec", preview)
    panel = search(window, qtbot, "Odesa")
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.table, Qt.Key.Key_2)
    assert shown["every"] == "every hit of “Odesa” (1)"
    assert shown["summary"] == "1 statement in 1 article would get 'offer' (in tester's annotations)"


@pytest.mark.parametrize("query", ['"' + "a" * 100_000, "status:" + "a" * 100_000])
def test_a_huge_query_is_echoed_shortened_in_the_status(window, qtbot, query):
    """Found in a tryout: a query of one 100,000-character word came back whole in the panel's
    status (as in the terminal). What the status quotes of a query is cut with "…"."""
    panel = window.search_dock.panel
    window.search_dock.open()
    panel.query.setText(query)
    panel.run()
    qtbot.waitUntil(lambda: panel.status.property("state") == "error")
    assert len(panel.status.text()) < 300, panel.status.text()[:300]
    assert "a" * 50 + "…" in panel.status.text()
