"""Driving the annotation window like a user: entity menus, the legend, tooltips, search, zoom, navigation."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QToolButton, QToolTip

from annotator.records import MODEL, USER, Entity
from annotator.store import Store
from annotator.ui.shell import palette, style
from tests.ui.conftest import OTHER, TEXT, as_shown, stored

CTRL = Qt.KeyboardModifier.ControlModifier


# -- helpers ----------------------------------------------------------------------------


def entities(project, article_id: int = 1) -> set[Entity]:
    with Store.open(project) as store:
        return set(store.entities.entities(article_id))


def point_at(view, offset: int) -> QPoint:
    """Viewport point inside the character at code-point `offset`."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.session.offsets.to_qt(offset))
    return view.cursorRect(cursor).center() + QPoint(2, 0)


def format_at(view, offset: int) -> QTextCharFormat:
    """The highlighter's format on the character at code-point `offset`, as drawn."""
    position = view.session.offsets.to_qt(offset)
    block = view.document().findBlock(position)
    within = position - block.position()
    ranges = block.layout().formats()  # the formats live as long as this list
    for fmt in ranges:
        if fmt.start <= within < fmt.start + fmt.length:
            return QTextCharFormat(fmt.format)
    return QTextCharFormat()


def shows_entity(view, offset: int, label: str) -> bool:
    """The character is drawn as an entity of type `label`: its colour, its underline (values dashed)."""
    fmt = format_at(view, offset)
    line = QTextCharFormat.UnderlineStyle
    return fmt.underlineStyle() == (
        line.DashUnderline if label in palette.VALUE_TYPES else line.DotLine
    ) and fmt.foreground().color() == style.entity_color(label)


def select_keys(qtbot, view, start: int, end: int) -> None:
    """Select code points start-end with Shift+→ from `start`, as a keyboard user would."""
    offsets = view.session.offsets
    cursor = view.textCursor()
    cursor.setPosition(offsets.to_qt(start))
    view.setTextCursor(cursor)
    while view.textCursor().position() < offsets.to_qt(end):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyRelease(view, Qt.Key.Key_Shift)


def context_menu(qtbot, view, offset: int, *path: str) -> list[str]:
    """Right-click at a code point, pick the entry at `path` (submenu titles, then an entry); return the entries.

    The view's own menu runs (`QMenu.exec` cannot be patched on a PySide6 instance): a zero timer fires
    inside its event loop, picks the entry, and closes every popup whatever happens.
    """
    shown: list[str] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        try:
            shown.extend(action.text() for action in menu.actions())
            target = menu
            for title in path[:-1]:
                target = next(m for m in target.findChildren(QMenu) if m.title().startswith(title))
            if path:
                next(a for a in target.actions() if a.text() == path[-1]).trigger()
        finally:
            while (popup := QApplication.activePopupWidget()) is not None:
                popup.close()

    QTimer.singleShot(0, pick)
    pos = point_at(view, offset)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    # the offscreen platform leaves the closed menu as the active window; a window manager would not
    view.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view.window())
    return shown


def tooltip_at(view, offset: int) -> str:
    """The tooltip shown at a code point, as the reader sees it (tooltips are escaped rich text)."""
    pos = point_at(view, offset)
    QToolTip.hideText()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    return as_shown(QToolTip.text()) if QToolTip.isVisible() else ""


def current_text(window) -> str:
    a, b = window.session.current
    return window.session.article.text[a:b]


# -- 1. correcting an entity from its context menu -----------------------------------------


def test_changing_an_entity_type_from_its_menu_is_a_user_entity_and_undoes(window, qtbot, project):
    view = window.view
    kyiv = TEXT.index("Kyiv")
    model_kyiv = Entity(kyiv, kyiv + 4, "GPE", MODEL)
    assert model_kyiv in entities(project)
    assert shows_entity(view, kyiv, "GPE")

    shown = context_menu(qtbot, view, kyiv + 1, "Change entity type (GPE)", "ORG")
    assert "Remove entity GPE" in shown
    assert Entity(kyiv, kyiv + 4, "ORG", USER) in entities(project)
    assert model_kyiv not in entities(project)
    assert shows_entity(view, kyiv, "ORG") and not shows_entity(view, kyiv, "GPE")
    assert window.save_state.text() == "saved · entity GPE → ORG"
    assert tooltip_at(view, kyiv + 1) == "ORG — organisations (entity, corrected)"

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert model_kyiv in entities(project)
    assert Entity(kyiv, kyiv + 4, "ORG", USER) not in entities(project)
    assert shows_entity(view, kyiv, "GPE")
    assert window.save_state.text().startswith("saved · undone")


def test_removing_an_entity_from_its_menu_and_undoing_it(window, qtbot, project):
    view = window.view
    russia = TEXT.index("Russia")  # after a flag: two astral code points before it
    model_russia = Entity(russia, russia + 6, "GPE", MODEL)

    context_menu(qtbot, view, russia + 2, "Remove entity GPE")
    assert model_russia not in entities(project)
    assert format_at(view, russia).underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert tooltip_at(view, russia + 2) == ""

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert model_russia in entities(project)
    assert shows_entity(view, russia, "GPE")


def test_right_click_on_plain_text_offers_no_entity_corrections(window, qtbot):
    shown = context_menu(qtbot, window.view, TEXT.index("halt") + 1)
    assert not [entry for entry in shown if "entity" in entry.lower()]


def test_context_menus_do_not_pile_up(window, qtbot):
    view = window.view
    for _ in range(3):
        context_menu(qtbot, view, TEXT.index("halt") + 1)
    qtbot.waitUntil(lambda: view.findChildren(QMenu) == [])


# -- 2. adding an entity from a selection -------------------------------------------------


def test_adding_an_entity_from_a_selection_after_emoji(window, qtbot, project):
    view = window.view
    # after a flag and an emoji, one code point each counts as two Qt positions
    at = TEXT.index("at once")
    select_keys(qtbot, view, at + 1, at + 5)  # "t on": snapping widens it to "at once"
    shown = context_menu(qtbot, view, at + 2, "Add entity", "DATE")
    assert "Add entity “at once”" in shown
    assert Entity(at, at + len("at once"), "DATE", USER) in entities(project)
    assert shows_entity(view, at, "DATE") and shows_entity(view, at + 6, "DATE")
    assert window.legend.findChild(QToolButton, "entity_DATE") is not None

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert {e for e in entities(project) if e.label == "DATE"} == set()


def test_adding_an_entity_where_the_model_had_the_same_one_undoes_to_the_model_one(window, qtbot, project):
    view = window.view
    odesa = TEXT.index("Odesa")
    model_odesa = Entity(odesa, odesa + 5, "GPE", MODEL)
    select_keys(qtbot, view, odesa, odesa + 5)
    context_menu(qtbot, view, odesa + 1, "Add entity", "GPE")
    assert Entity(odesa, odesa + 5, "GPE", USER) in entities(project)

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert model_odesa in entities(project)


# -- 3. the legend and the tooltip -----------------------------------------------------------


def test_legend_toggles_hide_and_show_one_entity_type(window, qtbot):
    view = window.view
    kyiv, zelensky = TEXT.index("Kyiv"), TEXT.index("Zelensky")
    gpe = window.legend.findChild(QToolButton, "entity_GPE")
    assert gpe.isChecked()
    assert tooltip_at(view, kyiv + 1) == "GPE — countries, cities (entity)"

    qtbot.mouseClick(gpe, Qt.MouseButton.LeftButton)
    assert not gpe.isChecked()
    assert format_at(view, kyiv).underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert shows_entity(view, zelensky, "PERSON")
    assert tooltip_at(view, kyiv + 1) == ""

    qtbot.mouseClick(gpe, Qt.MouseButton.LeftButton)
    assert gpe.isChecked()
    assert shows_entity(view, kyiv, "GPE")
    assert tooltip_at(view, kyiv + 1) == "GPE — countries, cities (entity)"


def test_a_hidden_type_stays_hidden_after_an_entity_correction(window, qtbot):
    view = window.view
    gpe = window.legend.findChild(QToolButton, "entity_GPE")
    qtbot.mouseClick(gpe, Qt.MouseButton.LeftButton)
    zelensky = TEXT.index("Zelensky")
    context_menu(qtbot, view, zelensky + 1, "Change entity type (PERSON)", "ORG")  # rebuilds the legend
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not window.legend.findChild(QToolButton, "entity_GPE").isChecked()
    assert format_at(view, TEXT.index("Kyiv")).underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert shows_entity(view, zelensky, "ORG")


def test_tooltip_names_the_statement_labels(window, qtbot):
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.keyClick(view, Qt.Key.Key_4)
    assert tooltip_at(view, TEXT.index("halt")) == "labels: denial, offer"
    assert tooltip_at(view, TEXT.index("Kyiv") + 1) == "GPE — countries, cities (entity)\nlabels: denial, offer"


# -- 4. searching ------------------------------------------------------------------------------


def test_search_finds_text_moves_there_and_escape_closes(window, qtbot, project):
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    assert window.search.isVisible() and window.search.field.hasFocus()
    qtbot.keyClicks(window.search.field, "odesa")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    cursor = view.textCursor()
    offsets = window.session.offsets
    odesa = TEXT.index("Odesa")
    assert offsets.span_to_cp(cursor.selectionStart(), cursor.selectionEnd()) == (odesa, odesa + 5)
    assert current_text(window) == "Café owners in Odesa said nothing."

    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    assert not window.search.isVisible()
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_1)  # labels the statement the search moved to
    sentence = TEXT.index("Café owners")
    assert [(a, b, labels) for a, b, labels, _ in stored(project)] == [
        (sentence, sentence + len("Café owners in Odesa said nothing."), ("condition",))
    ]


def test_search_wraps_and_goes_backwards(window, qtbot):
    view = window.view
    offsets = window.session.offsets
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search.field, "said")  # typing finds the first one already
    found = [offsets.to_cp(view.textCursor().selectionStart())]
    for _ in range(2):
        qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
        found.append(offsets.to_cp(view.textCursor().selectionStart()))
    first, second = TEXT.index("said"), TEXT.index("said", TEXT.index("said") + 1)
    assert found == [first, second, first]
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert offsets.to_cp(view.textCursor().selectionStart()) == second


def test_search_for_missing_text_says_so_and_stays_put(window, qtbot):
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_Down)
    before = (window.session.current, view.textCursor().position())
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search.field, "Kharkiv")  # "K" matches on the way: the reader moves, then back
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.search.count.text() == "no matches"
    assert window.save_state.text() == "ready"  # nothing in the status bar that will stop being true
    assert (window.session.current, view.textCursor().position()) == before


# -- 5. text size -------------------------------------------------------------------------------


def test_text_size_keys_change_the_font_and_it_is_remembered(window, qtbot, project, tmp_path):
    from annotator.ui.annotate.window.main_window import MainWindow

    view = window.view
    size = view.font().pointSizeF()
    qtbot.keyClick(view, Qt.Key.Key_Plus, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Equal, CTRL)
    assert view.font().pointSizeF() == size + 2
    assert view.document().defaultFont().pointSizeF() == size + 2
    qtbot.keyClick(view, Qt.Key.Key_Minus, CTRL)
    assert view.font().pointSizeF() == size + 1
    window.close()

    store = Store.open(project)
    again = MainWindow(store, "tester", QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.start(preannotate=False)
    try:
        assert again.view.font().pointSizeF() == size + 1
    finally:
        again.close()
        store.close()


# -- 6. moving between articles and statements ------------------------------------------------


def selected_article(window) -> int:
    panel = window.list_panel
    rows = panel.view.selectionModel().selectedRows()
    assert len(rows) == 1
    return panel.model.rows[rows[0].row()].id


def test_n_and_p_move_between_articles_and_the_list_follows(window, qtbot):
    view = window.view
    assert window.session.article_id == 1 and selected_article(window) == 1
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert window.session.article_id == 2 and selected_article(window) == 2
    assert view.document().toPlainText() == OTHER
    assert current_text(window) == "Second article."
    qtbot.keyClick(view, Qt.Key.Key_N)  # the last article: stays
    assert window.session.article_id == 2
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert window.session.article_id == 1 and selected_article(window) == 1
    assert view.document().toPlainText() == TEXT
    assert window.legend.findChild(QToolButton, "entity_GPE") is not None


def test_j_and_k_walk_the_statements(window, qtbot):
    view = window.view
    walked = [current_text(window)]
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_J)
        walked.append(current_text(window))
    last = "<img src=x onerror=alert(1)> <script>alert('x')</script> is text."
    assert walked == [
        "Zelensky said Kyiv will halt strikes if Moscow does.",
        "🇺🇦 Russia denied it 😀 at once.",
        "Café owners in Odesa said nothing.",
        last,
        last,  # the last statement: J stays
        last,
    ]
    qtbot.keyClick(view, Qt.Key.Key_K)
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert current_text(window) == "🇺🇦 Russia denied it 😀 at once."
    assert window.labels.excerpt.text() == "🇺🇦 Russia denied it 😀 at once."
    offsets = window.session.offsets
    assert offsets.to_cp(view.textCursor().position()) == TEXT.index("🇺🇦")
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert current_text(window).startswith("Zelensky")
    qtbot.keyClick(view, Qt.Key.Key_K)  # the first: stays
    assert current_text(window).startswith("Zelensky")
