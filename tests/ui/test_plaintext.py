"""Text from data is never HTML: hostile names, labels, titles and notes show as typed in every window.

An annotator named `<img src=x>`, a label `<b>bold</b>`, a title with `&amp;`: each widget, tooltip,
heading, button, menu entry and list item that shows one shows its characters, nothing rendered.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QWidget,
)

from annotator.records import Entity, IncomingRecord, Label, Span
from annotator.store import Store
from annotator.ui.shell.plaintext import menu_text, message_box, tooltip
from tests.ui.conftest import as_shown

IMG, BOLD, AMP = "<img src=x>", "<b>bold</b>", "&amp;"
ANNA, BEN = f"anna {IMG}", f"ben {BOLD}"
LABEL = f"threat {BOLD} R&D"
TITLE = f"Title {IMG} {AMP} {BOLD}"
NOTE = f"note {IMG} {AMP}"
TEXT = "Kyiv will halt strikes if Moscow does. Moscow denied it at once. Talks resume Monday."
HOSTILE = (IMG, BOLD, AMP)


@pytest.fixture
def hostile(db_path) -> object:
    """A project whose names, label, title, entity type and note are all markup-like."""
    first, second = (0, TEXT.index(" Moscow denied")), (TEXT.index("Moscow denied"), TEXT.index(" Talks"))
    with Store.create(db_path) as store:
        store.schemes.set_label_scheme([Label(LABEL, "#ea011a", "1", description=f"defined as {IMG} {AMP}")])
        records = [
            IncomingRecord(
                TEXT,
                TITLE,
                "test",
                1,
                spans=[Span(*first, LABEL, NOTE), Span(*second, LABEL if name == ANNA else "offer")],
                entities=[Entity(0, 4, f"GPE{BOLD}", "model")],
                annotator=name,
                status="done",
            )
            for name in (ANNA, BEN)
        ]
        store.add_records(records, ANNA)
    return db_path


def hostile_in(text: str) -> bool:
    return any(marker in text for marker in HOSTILE)


def check_widgets(root: QWidget) -> int:
    """Every label, button, action, tooltip and item under `root` that mentions a hostile string shows it as text."""
    checked = 0
    for label in root.findChildren(QLabel):
        if hostile_in(label.text()):
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
            checked += 1
    for widget in [root, *root.findChildren(QWidget)]:
        tip = widget.toolTip()
        if hostile_in(as_shown(tip)) or hostile_in(tip):
            assert hostile_in(as_shown(tip)), tip  # escaped: the reader sees the characters
            assert IMG not in tip and BOLD not in tip, tip  # never raw markup
            checked += 1
    for button in root.findChildren(QAbstractButton):
        if "R&" in button.text():
            assert "R&&D" in button.text(), button.text()  # & is a character, not a shortcut mark
            checked += 1
    for action in root.findChildren(QAction):
        if "R&" in action.text():
            assert "R&&D" in action.text(), action.text()
            checked += 1
    for view in root.findChildren(QAbstractItemView):
        checked += check_model(view.model())
    return checked


def check_model(model: QAbstractItemModel | None) -> int:
    checked = 0
    if model is None:
        return 0
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            index = model.index(row, column, QModelIndex())
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole) or ""
            if hostile_in(as_shown(tip)) or hostile_in(tip):
                assert IMG not in tip and BOLD not in tip, tip
                checked += 1
    return checked


def test_the_helper_keeps_every_character(qtbot):
    for raw in (IMG, BOLD, AMP, "a\nb  c", f"{IMG}\n{AMP}"):
        assert as_shown(tooltip(raw)) == raw
        label = QLabel()
        qtbot.addWidget(label)
    assert menu_text("R&D") == "R&&D"
    box = message_box(QMessageBox.Icon.Warning, "t", IMG, AMP)
    assert box.textFormat() == Qt.TextFormat.PlainText


def test_the_annotation_window_shows_hostile_data_as_text(qtbot, hostile, tmp_path):
    from PySide6.QtCore import QSettings

    from annotator.ui.annotate.window.main_window import MainWindow

    with Store.open(hostile) as store:
        window = MainWindow(store, ANNA, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.start(preannotate=False)
        window.show_others_action.setChecked(True)  # the other annotator's labels are shown too
        window.show()
        qtbot.waitExposed(window)
        assert window.who.text() == f"annotating as {ANNA}"  # "annotating as"
        assert window.labels.others.text().startswith(BEN)
        assert f"defined as {IMG} {AMP}" in window.labels.definitions.text()
        button = window.labels.buttons[LABEL]
        assert as_shown(button.toolTip()).startswith(f"defined as {IMG} {AMP}")
        assert window.list_panel.model.index(0, 0).data() == TITLE
        assert f"GPE{BOLD}" in window.legend.buttons
        checked = check_widgets(window)
        assert checked >= 8, checked
        window.close()


def test_the_article_tooltip_shows_a_hostile_note_and_label(qtbot, hostile, tmp_path):
    from PySide6.QtCore import QEvent, QPoint, QSettings
    from PySide6.QtGui import QHelpEvent, QTextCursor
    from PySide6.QtWidgets import QApplication, QToolTip

    from annotator.ui.annotate.window.main_window import MainWindow

    with Store.open(hostile) as store:
        window = MainWindow(store, ANNA, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.start(preannotate=False)
        window.show()
        qtbot.waitExposed(window)
        view = window.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(1)
        pos = view.cursorRect(cursor).center() + QPoint(2, 0)
        QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
        shown = as_shown(QToolTip.text())
        assert f"GPE{BOLD}" in shown and f"labels: {LABEL}" in shown and f"note: {NOTE}" in shown
        assert IMG not in QToolTip.text()
        window.close()


def test_review_window_and_dashboard_show_hostile_data_as_text(qtbot, hostile):
    from annotator.ui.review.window import ReviewWindow

    with Store.open(hostile) as store:
        window = ReviewWindow(store, "rev")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert [c.header.text() for c in window.columns] == [f"1 · {ANNA}", f"2 · {BEN}"]
        assert TITLE in as_shown(window.article_label.toolTip())
        board = window.open_dashboard()
        qtbot.addWidget(board)
        board.pairs_table.cellClicked.emit(0, 1)  # the pair's headings and list name both annotators
        assert ANNA in board.list_title.text() and board.list_title.textFormat() == Qt.TextFormat.PlainText
        assert ANNA in board.confusion_title.text()
        assert board.disagreements.count() >= 1
        assert check_widgets(window) >= 4
        assert check_widgets(board) >= 3
        board.close()
        window.close()
