"""A word longer than any line (a base64 blob, a long URL in scraped news) in the window: it is
broken anywhere, and the window keeps its width whatever the data."""

import pytest
from PySide6.QtGui import QFontMetrics

from tests.ui.conftest import OTHER, make_project

BLOB = "x" * 45_000 + " Brenn offered talks on energy. " + "y" * 30_000


@pytest.fixture
def project(db_path):
    make_project(db_path, [BLOB, OTHER])
    return db_path


def test_a_45000_character_word_does_not_widen_the_window(window, qtbot):
    assert window.session.article.text == BLOB
    assert window.session.current is not None and window.session.current[1] - window.session.current[0] > 45_000
    assert window.minimumSizeHint().width() < 1400  # was 14,677 px: the statement preview took the word's width
    window.resize(1200, 800)
    qtbot.wait(50)
    assert window.width() <= 1200
    assert window.view.width() > 300  # the article column is not squeezed to two letters a line


def test_the_statement_preview_breaks_a_long_word_and_elides_it(window):
    excerpt = window.labels.excerpt
    lines = excerpt.text().split("\n")
    metrics = QFontMetrics(excerpt.font())
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(metrics.horizontalAdvance(line) <= excerpt.contentsRect().width() for line in lines)
    assert excerpt.toolTip()  # the whole statement is its tooltip


def test_a_statement_as_long_as_a_page_is_measured_only_where_it_is_seen(window):
    """Painting measures the lines on screen, not the thousand lines of the paragraph below them."""
    view = window.view
    a, b = window.view._current_qt
    rects = view.line_rects(a, b)
    line_height = view.fontMetrics().lineSpacing()
    assert rects and rects[0].top() <= line_height  # the statement starts on the first line shown
    assert len(rects) <= view.viewport().height() // (line_height // 2) + 2
    assert rects[-1].top() <= view.viewport().height()
