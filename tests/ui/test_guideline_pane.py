"""The guideline pane: G shows the section of the current statement's label, and never writes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.store import Store
from tests.ui.conftest import stored

GUIDE = (
    "# Guidelines\n\nRead the whole sentence.\n\n## denial\n\nThe speaker says a claim is false.\n\n"
    "## offer\n\nA proposal in exchange.\n"
)


def test_g_opens_the_section_of_the_current_statement_s_label(window, qtbot, project):
    with Store.open(project) as store:
        store.guidelines.add(GUIDE, "lead")
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # denial
    before = stored(project)
    assert not window.guideline_pane.isVisible()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    pane = window.guideline_pane
    assert pane.isVisible()
    assert pane.text.toPlainText() == "denial\nThe speaker says a claim is false."  # formatted, not "## denial"
    assert pane.heading.text().startswith("denial: version 1 (lead, 20")
    assert stored(project) == before  # a key that shows never writes

    qtbot.keyClick(window.view, Qt.Key.Key_Up)  # a statement without a label: the whole document
    assert pane.text.document().toMarkdown().startswith("# Guidelines")
    assert "Read the whole sentence." in pane.text.toPlainText() and "##" not in pane.text.toPlainText()
    assert "the statement has no label" in pane.heading.text()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert not pane.isVisible()


def test_without_guidelines_the_pane_says_how_to_load_them(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert "annotator guidelines --load FILE.md" in window.guideline_pane.text.toPlainText()


def laptop_window_with_the_pane(window, qtbot, project, guide: str):
    """The window at 1366×768, guidelines loaded, a statement labeled denial and G pressed."""
    with Store.open(project) as store:
        store.guidelines.add(guide, "lead")
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366 and window.height() == 768)
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # denial
    before = window.view.width()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: window.guideline_pane.isVisible())
    return before


def test_at_1366_the_pane_takes_a_bounded_share_and_the_article_keeps_its_width(window, qtbot, project):
    before = laptop_window_with_the_pane(window, qtbot, project, GUIDE)
    pane, text = window.guideline_pane, window.view
    assert text.width() == before and text.width() >= 0.53 * 1366  # the text is not squeezed
    assert 300 <= pane.width() <= 0.30 * 1366
    assert pane.text.width() >= 300  # a readable column, not a strip
    assert window.list_panel.isVisible() and window.list_panel.view.height() >= 60  # the list stays, shorter
    assert window.minimumSizeHint().height() <= 700
    handle = window.splitter.handle(1)  # the user can still move the border
    assert handle.isVisible() and not window.splitter.childrenCollapsible()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert not pane.isVisible() and window.view.width() == before
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    qtbot.mouseClick(pane.hide_button, Qt.MouseButton.LeftButton)  # the pane's own ✕ closes it too
    assert not pane.isVisible() and window.view.width() == before


def test_the_pane_renders_the_markdown_but_raw_html_stays_text(window, qtbot, project):
    guide = "# Guide\n\n## denial\n\nSay **it is false**, <b>x</b> and <img src=x>.\n\n- one\n- two\n"
    laptop_window_with_the_pane(window, qtbot, project, guide)
    doc = window.guideline_pane.text.document()
    shown = doc.toPlainText()
    assert shown.startswith("denial\n") and "**" not in shown  # a heading and bold, not the source
    assert "<b>x</b> and <img src=x>." in shown  # as typed, never markup
    assert doc.firstBlock().blockFormat().headingLevel() == 2
    assert doc.toMarkdown().count("\n- ") == 2  # the list is a list
    weights = {}
    it = doc.findBlockByNumber(1).begin()
    while not it.atEnd():
        weights[it.fragment().text()] = it.fragment().charFormat().fontWeight()
        it += 1
    assert weights["it is false"] >= 700 and weights[", <b>x</b> and <img src=x>."] < 700  # bold; the tag not


def test_an_image_in_the_guidelines_is_never_read_from_disk(window, qtbot, project, tmp_path):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QTextDocument

    picture = tmp_path / "secret.png"
    red = QImage(8, 8, QImage.Format.Format_RGB32)
    red.fill(0xFF0000)
    red.save(str(picture))
    guide = f"## denial\n\n![look]({QUrl.fromLocalFile(str(picture)).toString()})\n"
    laptop_window_with_the_pane(window, qtbot, project, guide)
    doc = window.guideline_pane.text.document()
    window.guideline_pane.text.viewport().grab()  # laid out and drawn, as the user sees it
    loaded = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl.fromLocalFile(str(picture)))
    assert loaded.size().width() == 1 and loaded.pixelColor(0, 0).alpha() == 0  # a blank pixel, not the file


LONG_H1 = (
    "# Annotation guidelines for statements by heads of state and government about the war in Ukraine\n\n"
    "Read each article whole before labeling.\n\n## denial\n\nFor example:\n\n"
    "```\nannotator guidelines --examples denial\n```\n\nUse `denial` when a claim is called false.\n"
)


def fragments(doc):
    """(text, char format, block) of every fragment of a document."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield it.fragment().text(), it.fragment().charFormat(), block
            it += 1
        block = block.next()


def test_a_long_title_leaves_the_article_list_its_rows_and_code_is_fixed_pitch(window, qtbot, project):
    """Found in a tryout at 1366×768: a long H1 at twice the text's size filled the pane, the article
    list above it kept 3 rows, and a fenced code block showed in the body font."""
    from PySide6.QtGui import QFontInfo

    with Store.open(project) as store:
        store.guidelines.add(LONG_H1, "lead")
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366 and window.height() == 768)
    qtbot.keyClick(window.view, Qt.Key.Key_G)  # an unlabeled statement: the whole document
    qtbot.waitUntil(lambda: window.guideline_pane.isVisible())
    qtbot.wait(10)
    articles = window.list_panel.view
    row = articles.visualRect(articles.model().index(0, 0)).height()
    assert row > 0 and articles.viewport().height() // row >= 6  # was 3
    pane = window.guideline_pane.text
    doc = pane.document()
    found = list(fragments(doc))
    title = next(fmt for text, fmt, block in found if block.blockFormat().headingLevel() == 1)
    body = next(fmt for text, fmt, _ in found if text.startswith("Read each article"))
    assert QFontInfo(title.font()).pointSizeF() <= 1.25 * QFontInfo(body.font()).pointSizeF()
    heading = doc.documentLayout().blockBoundingRect(doc.firstBlock())
    assert heading.height() <= pane.viewport().height() / 2  # the title leaves room for the text
    wanted = ("annotator guidelines --examples denial", "denial")
    code = [fmt for text, fmt, block in found if text in wanted and not block.blockFormat().headingLevel()]
    assert len(code) == 2  # the fenced block and the inline code
    for fmt in code:
        # Qt named only "monospace", which a font setup without that alias shows in the body font
        assert fmt.fontFixedPitch() and QFontInfo(fmt.font()).fixedPitch(), fmt.fontFamilies()
    assert not QFontInfo(body.font()).fixedPitch()
