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
    assert pane.text.toPlainText() == "## denial\n\nThe speaker says a claim is false.\n"
    assert pane.heading.text().startswith("denial: version 1 (lead, 20")
    assert stored(project) == before  # a key that shows never writes

    qtbot.keyClick(window.view, Qt.Key.Key_Up)  # a statement without a label: the whole document
    assert pane.text.toPlainText() == GUIDE
    assert "the statement has no label" in pane.heading.text()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert not pane.isVisible()


def test_without_guidelines_the_pane_says_how_to_load_them(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert "annotator guidelines --load FILE.md" in window.guideline_pane.text.toPlainText()
