"""Reading and deciding in the annotation window, checked on the pixels and widgets a reader sees:
statements apart, every label of a statement shown, paragraphs spaced, search marks every match,
label buttons that stay put, the next unlabeled statement, a mark for notes, messages that expire."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QTextCharFormat

from annotator.store import Store
from annotator.ui.annotate.window.main_window import MainWindow
from annotator.ui.shell import palette
from tests.ui.conftest import TEXT, make_project, stored
from tests.ui.test_window_flows import format_at, shows_entity

CTRL = Qt.KeyboardModifier.ControlModifier
#: Paragraphs separated by single line breaks, short sentences side by side.
PARAGRAPHS = (
    "Kyiv offered a pause. Moscow refused it. Talks went on.\n"
    "A second paragraph follows. It says little.\n"
    "A third one, on its own line, as many newswires write them."
)


@pytest.fixture
def reader(qtbot, db_path, tmp_path):
    make_project(db_path, [PARAGRAPHS, TEXT])
    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    store = Store.open(db_path)
    win = MainWindow(store, "tester", qsettings)
    qtbot.addWidget(win)
    win.start(preannotate=False)
    win.show()
    with qtbot.waitActive(win):
        win.activateWindow()
    win.view.setFocus()
    yield win
    win.close()
    store.close()


def span_of(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def label(window, part: str, *names: str) -> tuple[int, int]:
    span = span_of(window.session.article.text, part)
    window.session.set_current(span)
    for name in names:
        window.session.toggle_label(name)
    return span


def viewport_image(window) -> QImage:
    window.view.viewport().repaint()
    return window.view.viewport().grab().toImage()


def colours_in(image: QImage, rect: QRect) -> Counter:
    found: Counter = Counter()
    for x in range(max(rect.left(), 0), min(rect.right(), image.width() - 1) + 1):
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1) + 1):
            found[image.pixelColor(x, y).name()] += 1
    return found


def line_rects(window, span):
    return window.view.line_rects(*window.session.offsets.span_to_qt(*span))


# -- statements --------------------------------------------------------------------------------


def test_two_statements_side_by_side_stay_two(reader):
    """Two adjacent sentences with the same label: a gap of background and a start bar between them."""
    first = label(reader, "Kyiv offered a pause.", "claim")
    second = label(reader, "Moscow refused it.", "claim")
    reader.session.set_current(None)
    image = viewport_image(reader)
    end_of_first = line_rects(reader, first)[-1]
    start_of_second = line_rects(reader, second)[0]
    between = QRect(round(end_of_first.right()), round(end_of_first.top() + 4), 6, round(end_of_first.height() - 8))
    seen = colours_in(image, between)
    tint = palette.label_tint(reader.view.label_color("claim").name(), reader.view.theme)
    claim = reader.view.label_color("claim").name()
    assert seen[tint] < sum(seen.values())  # not one unbroken block of tint
    assert claim in seen or reader.view.theme.base in seen  # the start bar or the page between them
    assert start_of_second.left() > end_of_first.left()


def test_every_label_of_a_statement_shows_as_its_own_stripe(reader):
    span = label(reader, "Talks went on.", "claim", "denial")
    reader.session.set_current(None)
    image = viewport_image(reader)
    rect = line_rects(reader, span)[0].toRect()
    top = QRect(rect.left(), rect.top() + 2, rect.width(), rect.height() // 2 - 3)
    bottom = QRect(rect.left(), rect.center().y() + 2, rect.width(), rect.height() // 2 - 3)
    tints = {
        name: palette.label_tint(reader.view.label_color(name).name(), reader.view.theme)
        for name in ("claim", "denial")
    }
    assert colours_in(image, top).most_common(1)[0][0] == tints["claim"]
    assert colours_in(image, bottom).most_common(1)[0][0] == tints["denial"]


def test_paragraphs_are_spaced_without_touching_the_text_or_offsets(reader, qtbot, db_path):
    view = reader.view
    doc = view.document()
    assert doc.toPlainText() == PARAGRAPHS  # the stored text, character for character
    first, second = doc.findBlockByNumber(0), doc.findBlockByNumber(1)
    line = first.layout().lineAt(0).height()
    gap = view.blockBoundingGeometry(second).top() - (
        view.blockBoundingGeometry(first).top() + first.layout().boundingRect().height()
    )
    assert gap >= 0.5 * line  # visible space between the paragraphs
    # a statement after the spacing is stored at its true offsets
    span = span_of(PARAGRAPHS, "It says little.")
    cursor = view.textCursor()
    cursor.setPosition(reader.session.offsets.to_qt(span[0]))
    view.setTextCursor(cursor)
    point = view.cursorRect(cursor).center() + QPoint(3, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.keyClick(view, Qt.Key.Key_6)
    assert [(a, b) for a, b, *_ in stored(db_path)] == [span]


def test_changing_an_entity_between_any_two_types_changes_how_it_looks(reader):
    session = reader.session
    session.open_article(2)
    kyiv = TEXT.index("Kyiv")
    entity = next(e for e in session.entities if e.start == kyiv)
    looks = set()
    for kind in ("ORG", "PRODUCT", "LAW", "GPE", "LOC", "FAC"):
        session.relabel_entity(entity, kind)
        entity = next(e for e in session.entities if e.start == kyiv)
        assert shows_entity(reader.view, kyiv, kind)
        looks.add(format_at(reader.view, kyiv).foreground().color().name())
    assert len(looks) == 6


def test_the_legend_says_what_each_type_means(reader):
    reader.session.open_article(2)
    texts = {button.text() for button in reader.legend.buttons.values()}
    assert "GPE — countries, cities" in texts and "PERSON — people" in texts


# -- the label bar ----------------------------------------------------------------------------------


def test_label_buttons_stay_where_they_are_whatever_the_statement(reader, qtbot):
    reader.session.open_article(2)
    positions = []
    for span in [(0, 4), (0, len(TEXT)), None, (0, 2)]:
        reader.session.set_current(span)
        qtbot.wait(1)  # let the layout settle
        positions.append([b.mapTo(reader, QPoint(0, 0)).y() for b in reader.labels.buttons.values()])
    assert all(p == positions[0] for p in positions), positions  # the second statement is the whole article


def test_u_goes_to_the_next_statement_without_a_label(reader, qtbot):
    s = reader.session
    label(reader, "Moscow refused it.", "offer")
    s.set_current(s.candidates()[0])
    qtbot.keyClick(reader.view, Qt.Key.Key_U)
    assert s.article.text[slice(*s.current)] == "Talks went on."  # the labeled one is skipped
    first = s.article_id
    for _ in range(len(s.candidates())):
        s.toggle_label("claim") if not s.state().labels else None
        qtbot.keyClick(reader.view, Qt.Key.Key_U)
        if s.article_id != first:
            break
    # every statement here has a label: U goes on to the next article's first unlabeled statement
    assert "every statement of that article has a label" in reader.task_state.text()
    assert s.article_id != first and s.current == s.candidates()[0] and not s.state().labels


def test_a_statement_with_a_note_has_a_mark_in_the_margin(reader):
    span = span_of(PARAGRAPHS, "Moscow refused it.")
    reader.session.set_current(None)
    gutter = reader.view._gutter
    top = round(line_rects(reader, span)[0].top())
    strip = QRect(0, top, gutter.width(), 14)
    before = gutter.grab(strip).toImage()
    reader.session.set_note("check the source", span)
    after = gutter.grab(strip).toImage()
    assert before != after  # the pen mark appeared beside where the chips go
    assert stored(reader.store.path)[0][3] == "check the source"


# -- search --------------------------------------------------------------------------------------


def test_search_marks_every_match_counts_them_and_f3_walks_them(reader, qtbot):
    view, bar = reader.view, reader.search
    text = reader.session.article.text
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(bar.field, "paragraph")
    starts = [i for i in range(len(text)) if text.lower().startswith("paragraph", i)]
    assert len(starts) == 1
    bar.field.clear()
    qtbot.keyClicks(bar.field, "a")
    every = [i for i in range(len(text)) if text.lower().startswith("a", i)]
    assert bar.count.text() == f"1 of {len(every)}"
    match, current = QColor(view.theme.match), QColor(view.theme.current_match)
    backgrounds = [format_at(view, i).background().color() for i in every]
    assert backgrounds[0] == current and all(b == match for b in backgrounds[1:])
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert bar.count.text() == f"2 of {len(every)}"
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == f"{len(every)} of {len(every)}"  # round the start
    place = reader.session.current

    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.hasFocus()
    assert reader.session.current == place  # the reader stays where the search took them
    assert format_at(view, every[1]).background().style() == Qt.BrushStyle.NoBrush  # the marks are gone


def test_text_that_is_not_there_says_so_in_the_bar_only(reader, qtbot):
    qtbot.keyClick(reader.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(reader.search.field, "zzz")
    assert reader.search.count.text() == "no matches"
    assert reader.save_state.text() == "ready"
    assert format_at(reader.view, 0).background().style() == Qt.BrushStyle.NoBrush


# -- the status bar ----------------------------------------------------------------------------------


def test_a_message_about_finished_work_goes_away(reader, qtbot):
    reader._task_timer.setInterval(50)
    reader._preannotation_finished(3)
    assert reader.task_state.text() == "pre-annotated 3 articles"
    qtbot.waitUntil(lambda: reader.task_state.text() == "", timeout=2000)


def test_not_saved_shows_in_the_error_colour_and_goes_when_a_save_succeeds(reader, qtbot):
    reader.store.conn.execute("PRAGMA query_only = ON")
    qtbot.keyClick(reader.view, Qt.Key.Key_1)
    assert reader.save_state.text().startswith("not saved")
    error = reader.save_state.palette().color(reader.save_state.foregroundRole())
    assert error == QColor(reader.view.theme.error) or reader.save_state.property("state") == "error"
    reader.store.conn.execute("PRAGMA query_only = OFF")
    qtbot.keyClick(reader.view, Qt.Key.Key_1)
    assert reader.save_state.text().startswith("saved")
    assert reader.save_state.property("state") == "ok"


def test_entity_text_inside_a_statement_reads_on_its_tint(reader):
    reader.session.open_article(2)
    kyiv = TEXT.index("Kyiv")
    label(reader, TEXT.split(". ")[0] + ".", "demand")
    drawn = format_at(reader.view, kyiv).foreground().color().name()
    tint = palette.label_tint(reader.view.label_color("demand").name(), reader.view.theme)
    assert palette.contrast(drawn, tint) >= palette.AA
    assert format_at(reader.view, kyiv).underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine


def test_a_hidden_entity_type_stays_hidden_in_the_next_session(reader, qtbot, tmp_path):
    from PySide6.QtWidgets import QToolButton

    reader.session.open_article(2)
    gpe = reader.legend.findChild(QToolButton, "entity_GPE")
    qtbot.mouseClick(gpe, Qt.MouseButton.LeftButton)
    assert "GPE" in reader.view.hidden_types
    again = MainWindow(reader.store, "tester", QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.start(article=2, preannotate=False)
    assert "GPE" in again.view.hidden_types
    assert not again.legend.findChild(QToolButton, "entity_GPE").isChecked()
    again.close()
