"""Working in a team: blind by default, others' labels on request, articles filtered by conflict."""

from PySide6.QtWidgets import QComboBox, QLabel

from annotator.store import Store
from tests.ui.conftest import TEXT


def label_as(project, annotator, start, end, *labels):
    with Store.open(project) as store:
        store.statements.set_statement(1, annotator, start, end, labels)


def test_annotation_is_blind_until_others_are_asked_for(qtbot, project, window):
    kyiv = TEXT.index("Kyiv will halt")
    label_as(project, "ben", kyiv, kyiv + 14, "offer")
    window.session.select(kyiv, kyiv + 14)
    others = window.findChild(QLabel, "otherAnnotators")
    assert not others.isVisible()
    window.show_others_action.setChecked(True)
    assert others.isVisible()
    assert others.text() == "ben: offer"
    window.show_others_action.setChecked(False)
    assert not others.isVisible()


def test_the_article_list_shows_only_articles_with_conflicts(qtbot, project, tmp_path):
    from PySide6.QtCore import QSettings

    from annotator.ui.annotate.window.main_window import MainWindow

    label_as(project, "anna", 0, 8, "claim")
    label_as(project, "ben", 0, 8, "denial")
    store = Store.open(project)
    win = MainWindow(store, "anna", QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.start(preannotate=False)
    combo = win.findChild(QComboBox, "conflictFilter")
    assert [combo.itemText(i) for i in range(combo.count())][-1] == "Conflicts: anna / ben"
    model = win.findChild(QComboBox, "conflictFilter").parent().model
    model.fetchMore(model.index(0, 0).parent())
    assert model.rowCount() == 2
    combo.setCurrentIndex(combo.findText("Conflicts: label mismatch"))
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)).startswith("Zelensky said Kyiv")
    combo.setCurrentIndex(combo.findText("Conflicts: missing"))
    assert model.rowCount() == 0
    win.close()
    store.close()
