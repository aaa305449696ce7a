"""Link outlines never cover a glyph of another line, and their tags sit in the margin, off the text:
checked on the rendered article, from the text layout's own line boxes (QTextLayout), with the text
large enough that the statement wraps."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF

from tests.ui.test_linking import hint_of, press


def glyph_boxes(view) -> list[QRectF]:
    """Where each visible line's glyphs are drawn (ascent to descent of the font), viewport coordinates."""
    metrics = QFontMetricsF(view.font())
    boxes: list[QRectF] = []
    block = view.firstVisibleBlock()
    offset = view.contentOffset()
    while block.isValid():
        geometry = view.blockBoundingGeometry(block).translated(offset)
        if geometry.top() > view.viewport().height():
            break
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.textLength() == 0:
                continue
            baseline = geometry.top() + line.y() + line.ascent()
            text = line.naturalTextRect().translated(geometry.topLeft())
            height = metrics.ascent() + metrics.descent()
            boxes.append(QRectF(text.left(), baseline - metrics.ascent(), text.width(), height))
        block = block.next()
    return boxes


def strokes(outer: QRectF, pen: float) -> list[QRectF]:
    """The top and bottom strokes of an outline whose outer edges are `outer`, drawn `pen` wide."""
    return [
        QRectF(outer.left(), outer.top(), outer.width(), pen),
        QRectF(outer.left(), outer.bottom() - pen, outer.width(), pen),
    ]


def overlaps(a: QRectF, b: QRectF) -> bool:
    """True when the rectangles share more than a hairline (antialiasing's half pixel is no glyph)."""
    both = a.intersected(b)
    return both.width() > 0.5 and both.height() > 0.5


def test_no_link_outline_or_tag_covers_a_glyph_of_another_line(window, qtbot):
    window.resize(1366, 768)
    window.view.set_font_size(24)  # the statement wraps over several lines
    press(qtbot, window, "S")
    press(qtbot, window, hint_of(window, "Zelensky"))
    press(qtbot, window, "T")
    press(qtbot, window, hint_of(window, "Moscow"))
    window.view.viewport().repaint()
    overlay = window.link_overlay
    assert overlay.paint_outlines in window.view.underlays  # outlines under the text: no descender hidden
    assert len(overlay.painted) >= 2  # two outlines
    window.view._gutter.repaint()
    assert [tag.right() <= window.view._gutter.width() for tag in overlay.margin_tags] == [True, True]
    boxes = glyph_boxes(window.view)
    assert len(boxes) >= 3
    for painted in overlay.painted:
        lines = [box for box in boxes if overlaps(painted, box)]
        assert len(lines) <= 1, (painted, lines)  # its own line's glyphs at most, never another's


def test_outlines_lie_in_the_gaps_between_lines_and_clip_no_descender(window, qtbot):
    """Zelensky's y and the statement's g, p, q keep their tails: every outline's strokes, halo
    included, pass between lines, over no glyph box (ascent to descent) of any line."""
    from annotator.ui.annotate.links.link_overlay import HALO, OUTLINE
    from annotator.ui.annotate.reader.article_view import outline_box

    window.resize(1366, 768)
    for size in (11, 24):  # a laptop's reading size, and one at which the statement wraps
        window.view.set_font_size(size)
        press(qtbot, window, "S")
        press(qtbot, window, hint_of(window, "Zelensky"))
        window.view.viewport().repaint()
        painted = window.link_overlay.painted
        assert painted, "the speaker is outlined"
        boxes = glyph_boxes(window.view)
        current = window.view.line_rects(*window.session.offsets.span_to_qt(*window.session.current))
        outlines = [(outer, OUTLINE + HALO) for outer in painted] + [
            (outline_box(rect, 1.6, 3).adjusted(-0.8, -0.8, 0.8, 0.8), 1.6) for rect in current
        ]
        for outer, pen in outlines:
            for stroke in strokes(outer, pen):
                assert not [box for box in boxes if overlaps(stroke, box)], (size, stroke)
        window.session.undo_stack.undo()


def assert_hints_cover_no_glyph(window) -> None:
    """While linking, every hint badge and every candidate's dotted outline lies off every glyph box
    (ascent to descent, any line), the badges tall enough to read and none on another."""
    from annotator.ui.annotate.links.link_overlay import HINT_PEN

    overlay = window.link_overlay
    window.view.viewport().repaint()
    boxes = glyph_boxes(window.view)
    badges = overlay.hint_badges
    assert badges and len(overlay.painted) >= len(badges)  # a badge and an outline per candidate in view
    for badge in badges:
        assert not [box for box in boxes if overlaps(badge, box)], badge
        assert badge.height() >= 10.5, badge  # room for capitals of 10 pixels
        assert badge.left() >= 0 and badge.right() <= window.view.viewport().width()
    for i, badge in enumerate(badges):
        assert not [other for other in badges[i + 1 :] if overlaps(badge, other)], badge
    for outer in overlay.painted:
        for stroke in strokes(outer, HINT_PEN):
            assert not [box for box in boxes if overlaps(stroke, box)], stroke


def test_hint_badges_lie_in_the_line_gaps_off_every_glyph(window, qtbot):
    """The badge of Russia (after a flag and an emoji) sits above the word, not over its R, nor over
    the end of the word before; at a laptop's reading size and at a large one."""
    window.resize(1366, 768)
    for size in (11, 12.5, 24):
        window.view.set_font_size(size)
        press(qtbot, window, "S")
        assert_hints_cover_no_glyph(window)
        russia = window.view.line_rects(*window.session.offsets.span_to_qt(*_span(window, "Russia")))[0]
        badge = window.link_overlay.hint_badges[[_words(window, e) for e in _shown(window)].index("Russia")]
        assert badge.bottom() <= russia.top() + 0.5 and abs(badge.left() - russia.left()) < 2  # just above it
        qtbot.keyClick(window.view, Qt.Key.Key_Escape)


def _words(window, entity) -> str:
    return window.session.article.text[entity.start : entity.end]


def _span(window, words: str) -> tuple[int, int]:
    entity = next(e for e in window.linking.mode.candidates if _words(window, e) == words)
    return entity.start, entity.end


def _shown(window) -> list:
    """The candidates that have a badge, in the order the badges were placed."""
    mode = window.linking.mode
    in_view = [e for e in mode.candidates if window.view.line_rects(*window.session.offsets.span_to_qt(e.start, e.end))]
    return in_view


def test_the_current_statement_outline_stays_inside_its_lines(window, qtbot):
    from annotator.ui.annotate.reader.article_view import outline_box

    window.view.set_font_size(24)
    boxes = glyph_boxes(window.view)
    rects = window.view.line_rects(*window.session.offsets.span_to_qt(*window.session.current))
    assert len(rects) >= 2
    for rect in rects:
        outline = outline_box(rect, 1.6, 3).adjusted(-0.8, -0.8, 0.8, 0.8)  # with the pen's half width
        assert len([box for box in boxes if overlaps(outline, box)]) <= 1


def test_a_new_link_updates_the_link_list_by_row(window, qtbot):
    """The rows already there are left alone (not cleared and rebuilt) when a link is added."""
    press(qtbot, window, "S")
    press(qtbot, window, hint_of(window, "Zelensky"))
    rows = window.link_list.list
    assert rows.count() == 2  # the statement's heading, its link
    mark = Qt.ItemDataRole.UserRole + 10
    rows.item(0).setData(mark, "untouched")
    rows.item(1).setData(mark, "untouched")
    press(qtbot, window, "T")
    press(qtbot, window, hint_of(window, "Moscow"))
    assert rows.count() == 3
    assert rows.item(0).data(mark) == "untouched" and rows.item(1).data(mark) == "untouched"
    assert "Moscow" in rows.item(2).text()
    window.linking.remove(next(link for link in window.linking.links if link.label == "target"))
    assert rows.count() == 2 and rows.item(1).data(mark) == "untouched"


def test_a_link_listed_before_others_inserts_its_row_and_leaves_the_rest(window, qtbot):
    """A speaker added after a target lists above it: its row is inserted, the target's row is the same row."""
    press(qtbot, window, "T")
    press(qtbot, window, hint_of(window, "Moscow"))
    rows = window.link_list.list
    target_row = rows.item(1)
    mark = Qt.ItemDataRole.UserRole + 10
    target_row.setData(mark, "untouched")
    press(qtbot, window, "S")
    press(qtbot, window, hint_of(window, "Zelensky"))
    assert rows.count() == 3
    assert "Zelensky" in rows.item(1).text() and rows.item(2).data(mark) == "untouched"
    assert "Moscow" in rows.item(2).text()


def test_a_note_mark_is_never_under_another_statements_chips(window, qtbot):
    """Two statements on one line, the first with three labels, the second with a note: the ✎ is
    painted where no chip of the first is (and no chip is painted over another)."""
    from annotator.ui.annotate.reader.article_view import NOTE_MARK

    s = window.session
    first, second = s.candidates()[:2]
    window.resize(1366, 768)
    lines = window.view.line_rects(*s.offsets.span_to_qt(*second))
    assert window.view.line_rects(*s.offsets.span_to_qt(*first))[0].top() == lines[0].top()  # one line
    s.set_current(first)
    for name in [label.name for label in s.labels][:3]:
        s.toggle_label(name)
    s.set_current(second)
    assert s.set_note("checked with the transcript")
    window.view._gutter.repaint()
    marks = window.view.margin_marks
    notes = [rect for name, rect in marks if name == NOTE_MARK]
    chips = [rect for name, rect in marks if name != NOTE_MARK]
    assert len(notes) == 1 and len(chips) == 3
    for i, (_, rect) in enumerate(marks):
        for _, other in marks[i + 1 :]:
            assert not rect.intersects(other), (rect, other)
    gutter = window.view._gutter.rect()
    assert all(gutter.contains(rect.toRect()) for _, rect in marks)


def test_the_current_statement_is_never_cut_by_the_edge_of_the_view(window, qtbot):
    """Stepping through the statements with a short view and large text: each, when current, shows
    whole, its outline (in the gap under its last line) inside the view."""
    from annotator.ui.annotate.reader.highlighter import line_gap

    window.resize(1366, 453)  # the window's least height
    window.view.set_font_size(28)
    s = window.session
    assert window.view.verticalScrollBar().maximum() > 0  # the text scrolls
    for span in s.candidates():
        s.set_current(span)
        qtbot.wait(5)
        rects = window.view.line_rects(*s.offsets.span_to_qt(*span))
        height = window.view.viewport().height()
        whole = rects[-1].bottom() - rects[0].top() + line_gap(rects[0].height()) < height
        if whole:  # a statement taller than the view keeps its first line in view instead
            assert rects[-1].bottom() + line_gap(rects[-1].height()) / 2 <= height, (span, rects, height)
        assert rects[0].top() >= 0


def test_a_link_tag_never_covers_a_label_chip_in_a_narrow_margin(cli, db_path, tmp_path, qtbot):
    """Found in a tryout: a Label Studio task whose PERSON span is a statement's speaker, at 1366x768:
    the `speaker →` tag was painted over the PERSON chip (it read "RSON"). The tag now goes beside
    the chips when there is room and below them when there is not: no chip or tag covers another,
    and each is whole in the margin."""
    import json

    from PySide6.QtCore import QSettings

    from annotator.store import Store
    from annotator.ui.annotate.window.main_window import MainWindow

    text = "Zelensky denied any talks with Moscow."

    def region(quote: str, label: str, rid: str) -> dict:
        start = text.index(quote)
        value = {"start": start, "end": start + len(quote), "text": quote, "labels": [label]}
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}

    relation = {"from_id": "p1", "to_id": "s1", "type": "relation", "direction": "right", "labels": ["speaker"]}
    result = [region("Zelensky", "PERSON", "p1"), region(text, "denial", "s1"), relation]
    task = {"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "completed_by": 4, "result": result}]}
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps([task]), encoding="utf-8")
    assert cli("import", "--no-ner", source).exit_code == 0

    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", False)
    qsettings.setValue("learn/suggest_labels", False)
    with Store.open(db_path) as store:
        window = MainWindow(store, "ls-4", qsettings)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.start(preannotate=False)
        window.show()
        qtbot.waitExposed(window)
        s = window.session
        s.set_current(next(span for span in s.candidates() if span[1] - span[0] == len(text)))
        qtbot.wait(20)
        window.view.viewport().repaint()
        window.view._gutter.repaint()
        marks = window.view.margin_marks
        tags = window.link_overlay.margin_tags
        assert sorted(name for name, _ in marks) == ["PERSON", "denial"] and len(tags) == 1
        placed = [rect for _, rect in marks] + tags
        for i, rect in enumerate(placed):
            for other in placed[i + 1 :]:
                assert not rect.intersects(other), (rect, other)
        gutter = QRectF(window.view._gutter.rect())
        assert all(gutter.contains(rect) for rect in placed)
        window.close()


def test_hint_letters_are_large_enough_to_read_at_the_reading_size(window, qtbot):
    """Found in a tryout: at 1366x768 the hint badges were 8 pixels high, their letters 6, beside
    17-pixel text: readable only zoomed in. At the window's own reading size the line gap holds
    capitals of 10 pixels or more, still over no glyph."""
    window.resize(1366, 768)
    press(qtbot, window, "S")
    assert_hints_cover_no_glyph(window)
    overlay = window.link_overlay
    for badge in overlay.hint_badges:
        font = overlay.hint_font(badge.height() + 0.5)
        assert QFontMetricsF(font).capHeight() >= 10, badge
