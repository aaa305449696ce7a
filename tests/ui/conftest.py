"""Fixtures for driving the real window offscreen, with QSettings kept in the test's temp dir."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from annotator.records import IncomingRecord
from annotator.store import Preannotation, Store
from annotator.ui.annotate.spans import word_tokens

#: An emoji, a flag (two astral code points), a combining mark, and markup that must stay text.
TEXT = (
    "Zelensky said Kyiv will halt strikes if Moscow does. 🇺🇦 Russia denied it 😀 at once.\n"
    "Café owners in Odesa said nothing. <img src=x onerror=alert(1)> <script>alert('x')</script> is text."
)
OTHER = "Second article. It has two sentences.\nAnd a third line."


def sentences_of(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^.\n]+[.]?", text) if m.group().strip()]


def make_project(path: Path, texts: list[str]) -> list[int]:
    with Store.create(path) as store:
        records = [IncomingRecord(t, t.split(".")[0][:60], "test", i + 1) for i, t in enumerate(texts)]
        store.add_records(records, "importer")
        ids = store.articles.article_ids()
        results = []
        for article_id in ids:
            text = store.articles.article(article_id).text
            ents = [(m.start(), m.end(), "GPE") for m in re.finditer(r"Kyiv|Moscow|Russia|Odesa", text)]
            ents += [(m.start(), m.end(), "PERSON") for m in re.finditer(r"Zelensky", text)]
            sents = [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in sentences_of(text)]
            results.append(Preannotation(article_id, "test", ents, sents, word_tokens(text)))
        store.preannotations.store_preannotations(results)
        return ids


@pytest.fixture(autouse=True)
def _qsettings(tmp_path, monkeypatch):
    """Every QSettings() (the app's, the default one) lives under the test's temp dir."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # speaker suggestions load spaCy's parser on a thread: only the tests about them turn them on
    QSettings("annotator", "annotator").setValue("links/speaker_suggestions", False)
    # label suggestions load spaCy on a thread too: tests/ui/test_label_suggestions.py turns them on
    QSettings("annotator", "annotator").setValue("learn/suggest_labels", False)


@pytest.fixture
def project(db_path) -> Path:
    make_project(db_path, [TEXT, OTHER])
    return db_path


@pytest.fixture
def window(qtbot, project, tmp_path):
    from annotator.ui.annotate.window.main_window import MainWindow

    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", False)  # they load spaCy's parser: tests/ui/test_speakers.py
    qsettings.setValue("learn/suggest_labels", False)  # spaCy too: tests/ui/test_label_suggestions.py
    store = Store.open(project)
    win = MainWindow(store, "tester", qsettings)
    qtbot.addWidget(win)
    win.start(preannotate=False)
    win.show()
    with qtbot.waitActive(win):  # keys reach the window's shortcuts only once it is the active one
        win.activateWindow()
    win.view.setFocus()
    yield win
    win.close()
    store.close()


def stored(path: Path, annotator: str = "tester"):
    with Store.open(path) as store:
        return [
            (s.start, s.end, s.labels, s.note)
            for article_id in store.articles.article_ids()
            for s in store.statements.statements(article_id, annotator)
        ]


ICON_KINDS = {
    QMessageBox.Icon.Information: "information",
    QMessageBox.Icon.Warning: "warning",
    QMessageBox.Icon.Critical: "critical",
    QMessageBox.Icon.Question: "question",
}


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str, str]]:
    """Message boxes are recorded as (kind, title, text), never shown: a modal box would block the test."""
    shown: list[tuple[str, str, str]] = []

    def record(box: QMessageBox) -> int:
        shown.append((ICON_KINDS.get(box.icon(), "other"), box.windowTitle(), box.text()))
        return QMessageBox.StandardButton.Ok.value

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


def as_shown(rich: str) -> str:
    """What a tooltip (escaped rich text) shows the reader, as plain text."""
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText().replace("\xa0", " ")


@pytest.fixture
def scheme(window, qtbot, monkeypatch):
    """`scheme(act)` opens the dialog from the Edit menu, runs `act(dialog)`, and returns the dialog."""
    action = next(a for menu in window.findChildren(QMenu) for a in menu.actions() if a.text() == "&Label scheme…")

    from annotator.ui.annotate.schemes.scheme_dialog import SchemeDialog

    def run(act) -> SchemeDialog:
        opened: list[SchemeDialog] = []

        def exec_(dialog: SchemeDialog) -> int:
            opened.append(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            dialog.activateWindow()  # as a modal dialog is
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            act(dialog)
            assert not dialog.isVisible(), "the test left the dialog open"
            return dialog.result()

        monkeypatch.setattr(SchemeDialog, "exec", exec_)
        action.trigger()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        window.view.setFocus()
        return opened[0]

    return run
