"""Driving the real window offscreen: keys, undo, selections after emoji, literal HTML."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

from annotator.records import Entity
from annotator.store import Store
from tests.ui.conftest import TEXT, stored


def current_text(window):
    a, b = window.session.current
    return window.session.article.text[a:b]


def test_main_widgets_have_stable_object_names(window):
    for name in ("articleList", "articleView", "labelBar", "statusFilter"):
        assert window.findChild(object, name) is not None, name


def test_tagging_a_statement_by_key_is_committed(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert current_text(window) == "🇺🇦 Russia denied it 😀 at once."
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    start = TEXT.index("🇺🇦")
    assert stored(project) == [(start, start + len("🇺🇦 Russia denied it 😀 at once."), ("denial",), "")]
    assert window.save_state.text().startswith("saved")
    assert window.labels.buttons["denial"].isChecked()
    row = window.list_panel.model.rows[0]
    assert (row.status, row.labels) == ("in_progress", 1)


def test_a_label_that_is_on_shows_a_light_tint_of_its_own_colour(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    button = window.labels.buttons["denial"]
    assert button.isChecked()
    image = button.grab().toImage()
    fill = image.pixelColor(image.width() - 8, image.height() // 2)  # right of the text, inside the border
    colour = QColor(next(label.color for label in window.session.labels if label.name == "denial"))
    assert abs(fill.hslHue() - colour.hslHue()) < 20, (fill.name(), colour.name())
    assert fill.lightness() > 200, fill.name()


def test_undo_and_redo_cover_labels_and_entity_corrections(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert stored(project)[0][2] == ("condition", "offer")
    entity = window.session.entities[0]
    window.session.relabel_entity(entity, "ORG")
    with Store.open(project) as store:
        assert ("ORG", "user") in {(e.label, e.source) for e in store.entities.entities(window.session.article_id)}

    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Store.open(project) as store:
        assert entity in store.entities.entities(window.session.article_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project)[0][2] == ("condition",)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project) == []
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.view, Qt.Key.Key_Z, redo)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, redo)
    assert stored(project)[0][2] == ("condition", "offer")
    assert window.save_state.text().startswith("saved · redone")


def test_a_keyboard_selection_after_emoji_is_stored_in_code_points(window, qtbot, project):
    view = window.view
    word = "Russia denied"
    start = TEXT.index(word)
    cursor = view.textCursor()
    cursor.setPosition(window.session.offsets.to_qt(start) + 2)  # inside "Russia": snapping widens it
    view.setTextCursor(cursor)
    for _ in range(len("ssia den")):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyRelease(view, Qt.Key.Key_Shift)
    assert current_text(window) == word
    qtbot.keyClick(view, Qt.Key.Key_6)
    assert stored(project) == [(start, start + len(word), ("claim",), "")]


def test_a_mouse_selection_after_a_flag_snaps_to_words(window, qtbot, project):
    view = window.view
    offsets = window.session.offsets
    start = TEXT.index("denied")
    c = QTextCursor(view.document())
    c.setPosition(offsets.to_qt(start + 1))
    a = view.cursorRect(c).center()
    c.setPosition(offsets.to_qt(start + len("denied it") - 1))
    b = view.cursorRect(c).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
    cursor = view.cursorForPosition(a)
    cursor.setPosition(view.cursorForPosition(b).position(), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)  # what a drag does; QTest cannot drag with the button held
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)
    assert current_text(window) == "denied it"
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert stored(project) == [(start, start + len("denied it"), ("demand",), "")]


def test_html_in_an_article_is_shown_as_characters(window):
    doc = window.view.document()
    assert doc.toPlainText() == TEXT
    assert "<script>alert('x')</script>" in doc.toPlainText()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            assert not it.fragment().charFormat().isImageFormat()
            it += 1
        block = block.next()


def test_statement_navigation_clear_and_notes(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    qtbot.keyClick(window.view, Qt.Key.Key_K)
    assert current_text(window).startswith("Zelensky said")
    qtbot.keyClick(window.view, Qt.Key.Key_5)
    window.labels.note.setText("a threat?")
    window.labels.note.editingFinished.emit()
    assert stored(project)[0][2:] == (("threat",), "a threat?")
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert stored(project)[0][2:] == ((), "a threat?")


def test_done_moves_to_the_next_unfinished_article(window, qtbot, project):
    first = window.session.article_id
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.article_id != first
    with Store.open(project) as store:
        assert store.articles.status(first, "tester") == "done"
    assert window.list_panel.progress_text.text().startswith("1 of 2")
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert window.session.article_id == first
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert window.session.article_id != first


def test_a_failed_save_says_so(window, qtbot, project):
    window.store.conn.execute("PRAGMA query_only = ON")
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert window.save_state.text().startswith("not saved:")
    assert window.session.undo_stack.count() == 0
    window.store.conn.execute("PRAGMA query_only = OFF")


def test_shortcut_sheet_lists_every_shortcut_and_fits_without_scrolling(window, qtbot):
    from PySide6.QtWidgets import QLabel, QScrollArea

    from annotator.ui.annotate.window.shortcuts import SHORTCUTS, ShortcutSheet, display

    keys = {label.key: label.name for label in window.session.labels if label.key}
    sheet = ShortcutSheet(keys, window, categories=window.categories.keys())
    qtbot.addWidget(sheet)
    shown = {label.text() for label in sheet.findChildren(QLabel)}
    for sc in SHORTCUTS:
        if sc.name.startswith(("label_", "category_")) or sc.name in ("link_s", "link_t"):
            continue
        assert sc.title in shown and display(sc.keys) in shown, sc.name
    assert {"Link to an entity: “speaker” (hints on the entities in view)", "A…Z", "J / K, Enter"} <= shown
    assert {f"Toggle label “{name}”" for name in keys.values()} <= shown
    assert "Shift+1–6" in shown  # the categories' keys share one row
    for entry in ("Esc", "Click a type in the legend", "Next statement without a label", "Next match", "Ctrl+Shift+F"):
        assert any(entry in text for text in shown), entry
    assert not sheet.findChildren(QScrollArea)  # nothing scrolls: the sheet is as large as its content
    size = sheet.sizeHint()
    assert size.width() <= 1280 and size.height() <= 700, size  # fits a 1280×720 screen
    assert all(window.actions_by_name[s.name].shortcuts() for s in SHORTCUTS)


def test_shortcut_sheet_rows_are_as_tall_as_their_wrapped_lines(window, qtbot):
    """A description on two lines shows both: each label is at least as tall as its text at its width."""
    from PySide6.QtWidgets import QLabel

    from annotator.ui.annotate.window.shortcuts import ShortcutSheet

    keys = {label.key: label.name for label in window.session.labels if label.key}
    sheet = ShortcutSheet(keys, window, categories=window.categories.keys())
    qtbot.addWidget(sheet)
    sheet.show()
    qtbot.waitExposed(sheet)
    texts = [label for label in sheet.findChildren(QLabel) if label.wordWrap()]
    two_lines = [label for label in texts if label.heightForWidth(label.width()) > 1.5 * label.fontMetrics().height()]
    assert two_lines, "some description wraps (the test would prove nothing otherwise)"
    for label in texts:
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert sheet.height() <= 700


def test_entity_corrections_from_the_view_are_user_entities(window, project):
    session = window.session
    start = TEXT.index("Café")
    session.add_entity(start, start + 4, "ORG")
    with Store.open(project) as store:
        assert Entity(start, start + 4, "ORG", "user") in store.entities.entities(1)
    russia = next(e for e in session.entities if TEXT[e.start : e.end] == "Russia")
    session.remove_entity(russia)
    assert russia not in session.entities
    session.undo_stack.undo()
    assert russia in session.entities


def test_an_article_never_makes_the_window_load_anything(window, qtbot):
    """<img src=…> in an article is text: painting it asks for no image, file or URL."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    doc = window.view.document()
    window.view.viewport().repaint()
    qtbot.wait(50)
    assert doc.loads == []
    # the spy is live: a document that did ask would be refused and recorded
    assert doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("file:///etc/passwd")) is None
    assert doc.loads == ["file:///etc/passwd"]


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown(qtbot, monkeypatch, tmp_path):
    import sys

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QMessageBox

    from annotator import settings
    from annotator.ui.shell.app import crash_dialog, setup_logging

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText())))
    setup_logging()
    monkeypatch.setattr(sys, "excepthook", crash_dialog)

    class Emitter(QObject):
        fired = Signal()

    def broken_slot():
        raise RuntimeError("slot went wrong")

    emitter = Emitter()
    emitter.fired.connect(broken_slot)
    emitter.fired.emit()
    assert shown and shown[0][0] == "RuntimeError: slot went wrong"
    assert "broken_slot" in shown[0][1]
    for handler in __import__("logging").getLogger("annotator").handlers:
        handler.flush()
    log_text = (settings.log_dir() / "annotator.log").read_text(encoding="utf-8")
    assert "unhandled exception" in log_text and "slot went wrong" in log_text


def test_the_label_definitions_keep_room_beside_an_empty_list_of_links(window, qtbot):
    """Seen in the merged screenshot: the links list took 300 px while empty and squeezed the label
    definitions to three lines. The labels' side gets most of the height."""
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    definitions = window.labels.definitions
    assert definitions.isVisible()
    assert window.labels.height() >= 3 * window.link_list.height()
