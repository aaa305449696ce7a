"""Article categories in the window (Shift+1–9, chips, the list's column and filter, the scheme dialog)
and the list's metadata filters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.records import IncomingRecord
from annotator.store import Store
from tests.ui.conftest import as_shown

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def categories(project, article_id: int = 1, annotator: str = "tester") -> tuple[str, ...]:
    with Store.open(project) as store:
        return store.categories.article_categories(article_id, annotator)


def listed(window) -> list[int]:
    return [row.id for row in window.list_panel.model.rows]


def test_shift_and_a_number_toggles_a_category_of_the_article(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_1, SHIFT)
    assert categories(project) == ("relevant",)
    assert window.categories.buttons["relevant"].isChecked()
    assert window.save_state.text() == "saved · added category relevant"
    model = window.list_panel.model
    assert model.rows[0].categories == ("relevant",)
    assert model.data(model.index(0, 3)) == "relevant"
    qtbot.keyClick(window.view, Qt.Key.Key_1, SHIFT)
    assert categories(project) == ()
    assert not window.categories.buttons["relevant"].isChecked()


def test_an_exclusive_group_replaces_and_undo_brings_the_first_back(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_4, SHIFT)  # stance: positive
    qtbot.keyClick(window.view, Qt.Key.Key_5, SHIFT)  # stance: negative, instead
    assert categories(project) == ("negative",)
    assert window.save_state.text() == "saved · added category negative (instead of positive)"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert categories(project) == ("positive",)
    assert window.categories.buttons["positive"].isChecked()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert categories(project) == ("negative",)


def test_undoing_a_category_of_another_article_brings_that_article_back(window, qtbot, project):
    qtbot.keyClick(window.view, Qt.Key.Key_2, SHIFT)
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert window.session.article_id == 2
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.session.article_id == 1 and categories(project) == ()


def test_clicking_a_chip_toggles_it_and_hostile_names_stay_text(window, qtbot, project):
    with Store.open(project) as store:  # a category found in the data, in no group of the scheme
        store.categories.set_article_categories(2, "anna", ["<b>odd</b> & co"])
    window.categories_changed()
    chip = window.categories.buttons["<b>odd</b> & co"]
    assert chip.text().endswith("<b>odd</b> && co")  # & is a character in a button, not a mnemonic
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert categories(project) == ("<b>odd</b> & co",)
    assert "Found in this project's data" in as_shown(chip.toolTip())


def test_the_list_filters_by_category_given_or_not(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_1, SHIFT)
    box = window.list_panel.extra.category
    box.setCurrentIndex(box.findText("Category: relevant"))
    assert listed(window) == [1]
    box.setCurrentIndex(box.findText("Without: relevant"))
    assert listed(window) == [2]
    box.setCurrentIndex(0)
    assert listed(window) == [1, 2]


def test_the_shortcut_sheet_names_the_categories(window, qtbot):
    from PySide6.QtWidgets import QLabel

    from annotator.ui.annotate.window.shortcuts import ShortcutSheet

    sheet = ShortcutSheet({}, window, categories=window.categories.keys())
    qtbot.addWidget(sheet)
    shown = {label.text() for label in sheet.findChildren(QLabel)}
    assert "Shift+1–6" in shown
    named = "Toggle an article category: 1\u00a0relevant · 2\u00a0ceasefire-talks"  # a key never parts from its name
    assert any(text.startswith(named) for text in shown)
    assert "Search every article: the hit list" in shown


def test_the_category_scheme_dialog_renames_with_carry_over_and_keys_follow_order(window, qtbot, project):
    from annotator.ui.annotate.schemes.category_dialog import NAME, CategorySchemeDialog

    qtbot.keyClick(window.view, Qt.Key.Key_1, SHIFT)
    dialog = CategorySchemeDialog(window.session, window.categories.groups, window)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    relevance = tree.topLevelItem(0)
    relevance.child(0).setText(NAME, "on-topic")  # rename: the article keeps it under the new name
    stance = tree.topLevelItem(2)
    stance.setText(NAME, "tone")
    tree.setCurrentItem(stance.child(2))
    dialog.add_category()  # added to the selected category's group
    stance.child(3).setText(NAME, "mixed")
    tree.setCurrentItem(tree.topLevelItem(1).child(0))
    dialog.move(1)  # energy-strikes before ceasefire-talks: keys follow the order
    dialog.save()
    assert dialog.result()
    window.categories_changed()
    assert categories(project) == ("on-topic",)
    assert window.save_state.text() == "saved · article categories (1 article categories renamed)"
    keys = window.categories.keys()
    assert [keys[k] for k in sorted(keys)] == [
        "on-topic",
        "energy-strikes",
        "ceasefire-talks",
        "positive",
        "negative",
        "neutral",
        "mixed",
    ]
    assert next(g for g in window.categories.groups if g.name == "tone").exclusive
    qtbot.keyClick(window.view, Qt.Key.Key_7, SHIFT)
    assert categories(project) == ("mixed", "on-topic")


def test_two_categories_with_one_name_are_refused_in_words(window, qtbot, messages):
    from annotator.ui.annotate.schemes.category_dialog import NAME, CategorySchemeDialog

    dialog = CategorySchemeDialog(window.session, window.categories.groups, window)
    qtbot.addWidget(dialog)
    dialog.tree.topLevelItem(1).child(0).setText(NAME, "relevant")
    dialog.save()
    assert not dialog.result()
    assert messages == [
        ("warning", "Article categories", "Category 'relevant' is in two groups; category names must differ.")
    ]


# -- metadata filters ------------------------------------------------------------------------------

META = [
    {"source": "tass", "date": "2025-03-02", "words": 300},
    {"source": "reuters", "date": "2025-04-10", "words": 1200},
    {"source": "TASS", "date": "2024-12-31", "words": 80},
]


@pytest.fixture
def meta_window(qtbot, db_path, tmp_path):
    from annotator.ui.annotate.window.main_window import MainWindow

    with Store.create(db_path) as store:
        store.add_records(
            [IncomingRecord(f"Article {i} on the talks.", f"T{i}", "x", i, meta=m) for i, m in enumerate(META)], "me"
        )
    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    store = Store.open(db_path)
    win = MainWindow(store, "tester", qsettings)
    qtbot.addWidget(win)
    win.start(preannotate=False)
    win.show()
    yield win
    win.close()
    store.close()


def test_metadata_fields_are_found_in_the_data_and_filter_the_list(meta_window, qtbot):
    extra = meta_window.list_panel.extra
    assert not extra.meta_box.isVisible()
    qtbot.mouseClick(extra.meta_button, Qt.MouseButton.LeftButton)
    assert extra.meta_box.isVisible()
    assert [e.field.name for e in extra.editors] == ["date", "source", "words"]
    source = extra.editor("source")
    assert [source.itemText(i) for i in range(source.count())] == ["", "TASS", "reuters", "tass"]
    date = extra.editor("date")
    assert date.low.placeholderText() == "from 2024-12-31" and date.high.placeholderText() == "to 2025-04-10"

    source.setCurrentText("tass")  # any case
    qtbot.waitUntil(lambda: listed(meta_window) == [1, 3])
    assert extra.meta_button.text() == "Metadata (1) ▾"
    date.low.setText("2025-01")
    qtbot.waitUntil(lambda: listed(meta_window) == [1])
    extra.editor("words").high.setText("not a number")  # marked, and ignored rather than half-applied
    qtbot.wait(400)
    assert listed(meta_window) == [1]
    assert "Not a number" in as_shown(extra.editor("words").high.toolTip())
    qtbot.mouseClick(extra.findChild(type(extra.meta_button), "clearMetaFilters"), Qt.MouseButton.LeftButton)
    assert listed(meta_window) == [1, 2, 3]


def test_a_date_range_ending_in_a_month_takes_the_whole_month(meta_window, qtbot):
    extra = meta_window.list_panel.extra
    extra.meta_button.setChecked(True)
    extra.editor("date").high.setText("2025-03")
    qtbot.waitUntil(lambda: listed(meta_window) == [1, 3])


def test_a_project_without_metadata_says_so(window, qtbot):
    extra = window.list_panel.extra
    extra.meta_button.setChecked(True)
    assert extra.findChild(type(window.save_state), "noMetadata").text() == "The articles carry no metadata."
