"""The review window driven by keyboard: resolve conflicts, auto-accept, undo/redo, gold exported."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from annotator.records import GOLD
from annotator.store import Store
from tests.conftest import write_jsonl
from tests.ui.conftest import as_shown

#: An emoji and a flag before the conflicts (Qt counts them twice), and markup that must stay text.
TEXT = (
    "Kyiv 😀 said 🇺🇦 it will halt strikes. Moscow must stop first. The Kremlin denied it. "
    "<script>alert('x')</script> stays text. Talks resume Monday."
)


def span(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


HALT, MUST, DENIED, TALKS = (
    span(p)
    for p in ("it will halt strikes.", "Moscow must stop first.", "The Kremlin denied it.", "Talks resume Monday.")
)


@pytest.fixture
def merged(cli, db_path, tmp_path):
    """Two annotators' JSONL merged with `annotator import`: agreed, label mismatch, missing."""
    labels = {
        "anna": [(*HALT, "offer"), (*MUST, "demand"), (*DENIED, "denial"), (*TALKS, "claim")],
        "ben": [(*HALT, "offer"), (*MUST, "condition"), (*TALKS, "claim")],
    }
    for name, spans in labels.items():
        record = {
            "text": TEXT,
            "_annotator_id": name,
            "spans": [dict(start=s, end=e, label=lab) for s, e, lab in spans],
        }
        assert cli("import", "--no-ner", write_jsonl(tmp_path / f"{name}.jsonl", [json.dumps(record)])).exit_code == 0
    return db_path


@pytest.fixture
def review(qtbot, merged):
    from annotator.ui.review.window import ReviewWindow

    with Store.open(merged) as store:
        win = ReviewWindow(store, "rev")
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.list_view.setFocus()
        yield win
        win.close()


def gold(path) -> dict[tuple[int, int], tuple[str, ...]]:
    with Store.open(path) as store:
        return {(s.start, s.end): s.labels for s in store.statements.statements(store.articles.article_ids()[0], GOLD)}


def key(qtbot, win, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(win.list_view, k, mod)


def test_columns_show_the_text_literally_and_mark_the_conflict_in_utf16(review):
    assert [c.header.text() for c in review.columns] == ["1 · anna", "2 · ben"]
    anna = review.columns[0].text
    assert anna.toPlainText() == TEXT
    assert "<script>alert('x')</script>" in anna.toPlainText()
    conflict = review.session.current
    assert (conflict.start, conflict.end) == MUST
    selections = anna.extraSelections()
    assert selections[0].cursor.selectedText() == TEXT[MUST[0] : MUST[1]]


def test_a_long_heading_ends_in_an_ellipsis_and_shows_whole_in_its_tooltip(review, qtbot):
    heading = review.article_label
    whole = as_shown(heading.toolTip())
    assert whole.startswith("1 of 2 · ")
    review.resize(420, review.height())
    qtbot.waitUntil(lambda: heading.text() != whole)
    assert heading.text().endswith("…") and whole.startswith(heading.text()[:-1])
    assert heading.fontMetrics().horizontalAdvance(heading.text()) <= heading.contentsRect().width()


def test_resolve_conflicts_by_keyboard_then_undo_and_redo(review, qtbot, merged):
    assert len(review.session.conflicts) == 2
    key(qtbot, review, Qt.Key.Key_2)  # take ben's for "Moscow must stop first."
    assert gold(merged) == {MUST: ("condition",)}
    assert (review.session.current.start, review.session.current.end) == DENIED  # moved on by itself
    key(qtbot, review, Qt.Key.Key_0)  # none for the denial only anna labeled
    assert gold(merged) == {MUST: ("condition",), DENIED: ()}
    assert review.session.unresolved_count() == 0
    assert "0 unresolved" in review.count_label.text()

    key(qtbot, review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(merged) == {MUST: ("condition",)}
    key(qtbot, review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(merged) == {}
    key(qtbot, review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert gold(merged) == {MUST: ("condition",)}

    key(qtbot, review, Qt.Key.Key_P)
    assert (review.session.current.start, review.session.current.end) == MUST
    key(qtbot, review, Qt.Key.Key_A)  # all: the union
    assert gold(merged)[MUST] == ("condition", "demand")


def test_next_and_previous_and_filters(review, qtbot):
    key(qtbot, review, Qt.Key.Key_N)
    assert review.session.current.start == DENIED[0]
    key(qtbot, review, Qt.Key.Key_Up)
    assert review.session.current.start == MUST[0]
    review.kind_box.setCurrentIndex(review.kind_box.findData("missing"))
    assert [c.start for c in review.session.conflicts] == [DENIED[0]]
    review.pair_box.setCurrentIndex(review.pair_box.findData(("anna", "ben")))
    assert review.list_model.rowCount() == 1


def test_auto_accept_then_undo_and_gold_exported(review, qtbot, merged, cli, tmp_path):
    key(qtbot, review, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert gold(merged) == {HALT: ("offer",), TALKS: ("claim",)}
    key(qtbot, review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(merged) == {}
    review.auto_button.click()
    key(qtbot, review, Qt.Key.Key_1)  # anna's demand
    key(qtbot, review, Qt.Key.Key_1)  # anna's denial

    out = tmp_path / "gold.jsonl"
    result = cli("export", "--gold", out)
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = sorted((s["start"], s["end"], s["label"]) for s in row["spans"])
    assert spans == sorted([(*HALT, "offer"), (*MUST, "demand"), (*DENIED, "denial"), (*TALKS, "claim")])


def test_edit_gold_directly_from_a_selection(review, merged):
    edit = review.gold_column.text
    start, end = review._offsets.span_to_qt(*HALT)
    cursor = edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    assert review.edit_gold(["commitment"])
    assert gold(merged) == {HALT: ("commitment",)}
    review.session.undo_stack.undo()
    assert gold(merged) == {}


def test_screenshot_command_writes_a_png(merged, cli, tmp_path):
    out = tmp_path / "review.png"
    assert cli("review", "--screenshot", out).exit_code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def select_in_gold(review, start: int, end: int) -> None:
    """A mouse selection in the gold column over the code points start–end."""
    edit = review.gold_column.text
    qt_start, qt_end = review._offsets.span_to_qt(start, end)
    cursor = edit.textCursor()
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)


def test_e_on_a_selection_inside_words_stores_the_whole_words(review, merged):
    inside = (TEXT.index("ill halt"), TEXT.index("strikes") + 3)  # "ill halt str"
    select_in_gold(review, *inside)
    assert review.gold_selection() == (TEXT.index("will"), TEXT.index("strikes") + len("strikes"))
    assert review.edit_gold(["commitment"])
    assert gold(merged) == {(TEXT.index("will"), TEXT.index("strikes") + len("strikes")): ("commitment",)}


def test_a_on_a_boundary_conflict_stores_one_gold_span_per_label(qtbot, cli, db_path, tmp_path):
    from annotator.ui.review.window import ReviewWindow

    longer, shorter = span("Moscow must stop first."), span("must stop first.")
    for name, bounds in (("anna", longer), ("ben", shorter)):
        record = {"text": TEXT, "_annotator_id": name, "spans": [dict(start=bounds[0], end=bounds[1], label="demand")]}
        cli("import", "--no-ner", write_jsonl(tmp_path / f"{name}.jsonl", [json.dumps(record)]))
    with Store.open(db_path) as store:
        win = ReviewWindow(store, "rev")
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.list_view.setFocus()
        assert win.session.current.kinds == {"boundary"}
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        key(qtbot, win, Qt.Key.Key_A)
        labeled = {bounds: labels for bounds, labels in gold(db_path).items() if labels}
        assert labeled == {longer: ("demand",)}, "not two overlapping 'demand' spans over the same words"
        win.close()


def test_units_everyone_agrees_on_show_as_agreed_gold(review, merged):
    article = review.session.current.article_id
    assert review.session.gold(article)[HALT] == (("offer",), "agreed by everyone who finished the article")
    tips = [as_shown(s.format.toolTip()) for s in review.gold_column.text.extraSelections()]
    assert "gold: offer — agreed by everyone who finished the article" in tips
    assert gold(merged) == {}, "nothing stored: agreement is computed, not copied"


def test_the_conflict_list_shows_the_statement_words(review):
    first = review.list_model.index(0).data()
    assert "“Moscow must stop first.”" in first
    assert f"{MUST[0]}–{MUST[1]}" not in first  # no offsets


def test_close_and_quit(review, qtbot):
    menu = next(a.menu() for a in review.menuBar().actions() if a.text() == "&File")
    entries = {a.text(): a for a in menu.actions()}
    assert entries["&Close window"].shortcut().toString() == "Ctrl+W"
    assert entries["&Quit"].shortcut().toString() == "Ctrl+Q"
    with qtbot.waitActive(review):
        review.activateWindow()
    key(qtbot, review, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not review.isVisible()


def test_ctrl_q_in_the_review_window_quits_every_window(review, qtbot):
    from PySide6.QtWidgets import QMainWindow

    other = QMainWindow()
    qtbot.addWidget(other)
    other.show()
    with qtbot.waitActive(review):
        review.activateWindow()
    key(qtbot, review, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not review.isVisible() and not other.isVisible()


def test_text_outside_the_conflict_is_drawn_readable_in_every_column(review):
    """The context colour really reaches the screen (also right after the conflict, in its paragraph)."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from annotator.ui.shell import palette, style

    th = style.current_theme()
    review.resize(1366, 768)  # a laptop: "The Kremlin" on one line of every column
    QApplication.processEvents()
    after = TEXT.index("The Kremlin")  # the sentence after the conflict in focus
    for column in [*review.columns, review.gold_column]:
        edit = column.text
        edit.viewport().repaint()
        image = edit.viewport().grab().toImage()
        cursor = QTextCursor(edit.document())
        cursor.setPosition(review._offsets.to_qt(after))
        start = edit.cursorRect(cursor)
        cursor.setPosition(review._offsets.to_qt(after + len("The Kremlin")))
        end = edit.cursorRect(cursor)
        pixels = [
            image.pixelColor(x, y)
            for x in range(start.left(), end.right())
            for y in range(start.top(), start.bottom())
            if 0 <= x < image.width() and 0 <= y < image.height()
        ]
        darkest = min(pixels, key=lambda c: c.lightness()).name()
        background = max(pixels, key=lambda c: c.lightness()).name()
        assert palette.contrast(darkest, background) >= palette.AA
        assert palette.delta_e(darkest, th.context) < palette.delta_e(darkest, th.text) + 1, darkest


def test_the_review_window_fits_a_laptop_screen(review, qtbot):
    """Its key line and legend wrap on a laptop (1366×768, 1280×800) instead of making the window wider
    than the screen."""
    assert review.minimumSizeHint().width() <= 1280 and review.minimumSizeHint().height() <= 768
    review.resize(1280, 768)
    qtbot.wait(20)
    assert review.width() <= 1280
    assert review.help_label.isVisible() and review.help_label.geometry().right() <= review.width()
    table = review.table  # the conflict's statements: as tall as its rows, no empty space under them
    rows = sum(table.rowHeight(i) for i in range(table.rowCount()))
    assert table.rowCount() and table.verticalScrollBar().maximum() == 0
    assert rows <= table.viewport().height() <= rows + table.rowHeight(0)


def test_the_heading_is_elided_within_a_laptops_width_with_five_annotators(cli, db_path, tmp_path, qtbot):
    """Found in a tryout: at 1366 px the heading ("1 of 4 · Gen 4: However, Zelensky said in Kyiv on
    Tuesda") was cut with no ellipsis: a "take" button per annotator made the window 1469 px wide,
    past the screen's edge. The buttons now wrap: at 1366×768 the window is 1366 px, the heading ends
    in "…" inside it with its whole text in the tooltip, and the gold column is on screen."""
    from annotator.ui.review.window import ReviewWindow

    title = (
        "Gen 4: However, Zelensky said in Kyiv on Tuesday that both sides ending their strikes on energy "
        "infrastructure could pave the way for de-escalating the conflict"
    )
    names = ["anna", "ben", "carla", "dmitri", "eve"]
    for name, label in zip(names, ["offer", "demand", "denial", "claim", "threat"], strict=True):
        record = {"text": TEXT, "meta": {"title": title}, "_annotator_id": name}
        record["spans"] = [dict(start=MUST[0], end=MUST[1], label=label)]
        assert cli("import", "--no-ner", write_jsonl(tmp_path / f"{name}.jsonl", [json.dumps(record)])).exit_code == 0
    with Store.open(db_path) as store:
        win = ReviewWindow(store, "rev")
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        qtbot.waitExposed(win)
        assert win.minimumSizeHint().width() <= 1366 and win.width() == 1366
        heading = win.article_label
        whole = as_shown(heading.toolTip())
        assert whole == f"1 of 1 · {title}"
        shown = heading.text()
        assert shown.endswith("…") and whole.startswith(shown[:-1]), (shown, whole)
        assert heading.fontMetrics().horizontalAdvance(shown) <= heading.contentsRect().width()
        assert heading.mapTo(win, heading.contentsRect().topRight()).x() < win.width()
        gold = win.gold_column
        assert gold.mapTo(win, gold.rect().topRight()).x() < win.width()
        win.close()


def test_the_legend_chips_stay_one_line_tall_in_a_narrow_window(review, qtbot):
    """Seen in a rendered shot: at 805 px the key to the marks wrapped into a tall column and every
    label chip beside it stretched to its height (boxes 200 px tall). The chips wrap on their own
    line now, and the key sits under them."""
    from PySide6.QtWidgets import QLabel

    review.resize(805, 800)
    review.show()
    qtbot.waitExposed(review)
    chips = [w for w in review.findChildren(QLabel) if w.text() in {"offer", "demand", "condition"}]
    assert chips and all(chip.height() < 30 for chip in chips), [chip.height() for chip in chips]


def test_the_screenshot_without_a_size_is_the_window_s_own_size_not_the_offscreen_screen_s(merged, cli, tmp_path):
    """Offscreen there is no screen to fit: `review --screenshot` renders the window at the size it
    asks for (1500×900), as before `--size` came, not squeezed into Qt's 800×800 stand-in."""
    out = tmp_path / "review.png"
    assert cli("review", "--annotator", "lead", "--screenshot", out).exit_code == 0
    head = out.read_bytes()[:24]
    assert int.from_bytes(head[16:20], "big") == 1500 and int.from_bytes(head[20:24], "big") == 900


def test_a_long_conflict_entry_ends_in_an_ellipsis_at_the_panes_edge(review, qtbot):
    """In a narrow list pane each entry is laid out as wide as the pane (no horizontal scrolling) and
    its long lines end in "…" there; the tooltip holds the whole entry, the article's title included."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    view = review.list_view
    view.setFixedWidth(220)
    qtbot.wait(10)
    index = view.model().index(0, 0)
    rect = view.visualRect(index)
    assert 0 < rect.width() <= view.viewport().width()
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    assert view.horizontalScrollBar().maximum() == 0 and not view.horizontalScrollBar().isVisible()
    option = QStyleOptionViewItem()
    view.itemDelegate().initStyleOption(option, index)
    lines = option.text.split("\n")
    long_lines = [line for line in lines if view.fontMetrics().horizontalAdvance(line) > rect.width()]
    assert long_lines, lines  # the title's line runs past the pane
    for line in long_lines:
        shown = view.fontMetrics().elidedText(line, view.textElideMode(), rect.width())
        assert shown.endswith("…") and len(shown) < len(line)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Moscow must stop first." in as_shown(tip) and "stays text. Talks resume Monday." in as_shown(tip)
