"""Linking a seed article in the real window (offscreen), with the real pipeline: keys in, links read back
from the project file; the suggested speaker shown, never saved until Shift+S accepts it."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.records import Link
from annotator.store import Store
from tests.conftest import SEEDS

SEED = "004_735b6c5849dd2fa6.txt"
pytestmark = pytest.mark.spacy


@pytest.fixture(scope="module")
def seed_template(tmp_path_factory, pipeline):
    from annotator.importing.run import import_paths
    from annotator.nlp.pipeline import preannotate

    folder = tmp_path_factory.mktemp("seed-linking")
    (folder / SEED).write_bytes((SEEDS / SEED).read_bytes())
    path = folder / "seed.annotator.sqlite"
    with Store.create(path) as store:
        import_paths(store, [folder / SEED], annotator="tester")
        preannotate(store, pipeline)
    return path


@pytest.fixture
def seed_window(qtbot, seed_template, tmp_path):
    from annotator.ui.annotate.window.main_window import MainWindow

    path = tmp_path / "seed.annotator.sqlite"
    shutil.copyfile(seed_template, path)
    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("ui/quiet_errors", True)
    qsettings.setValue("links/speaker_suggestions", True)
    store = Store.open(path)
    win = MainWindow(store, "tester", qsettings)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.speakers.ready, timeout=60_000):  # the parse runs on its own thread
        win.start(preannotate=False)
    win.show()
    with qtbot.waitActive(win):
        win.activateWindow()
    win.view.setFocus()
    yield win, path
    win.close()
    store.close()


def go_to(window, opening: str) -> tuple[int, int]:
    text = window.session.article.text
    at = text.index(opening)
    span = next(s for s in window.session.candidates() if s[0] <= at < s[1])
    window.session.set_current(span)
    return span


def typed_hint(qtbot, window, words: str) -> None:
    mode = window.linking.mode
    text = window.session.article.text
    hint = next(h for e, h in zip(mode.candidates, mode.hints, strict=True) if text[e.start : e.end] == words)
    for letter in hint:
        qtbot.keyClick(window.view, getattr(Qt.Key, f"Key_{letter.upper()}"))


def stored(path) -> list[Link]:
    with Store.open(path) as store:
        return store.links.links(1, "tester")


def test_speaker_and_target_by_keys_on_a_seed_article(seed_window, qtbot):
    window, path = seed_window
    text = window.session.article.text
    statement = go_to(window, "Trump, speaking during a Cabinet meeting")
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    typed_hint(qtbot, window, "Trump")
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    typed_hint(qtbot, window, "Putin")
    trump = text.index("Trump, speaking")
    putin = text.index("Putin", trump)
    assert stored(path) == [
        Link(*statement, trump, trump + 5, "speaker"),
        Link(*statement, putin, putin + 5, "target"),
    ]
    assert window.link_line.text() == "said by Trump → to Putin"


def test_a_condition_linked_to_its_offer_with_l(seed_window, qtbot):
    window, path = seed_window
    offer = go_to(window, "Ukraine says it will halt long-range strikes")
    text = window.session.article.text
    start = text.index("if Moscow stops hitting its grid")
    condition = window.session.select(start, start + len("if Moscow stops hitting its grid"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # condition
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    assert window.linking.mode.type.name == "condition-of"
    assert window.linking.mode.target == offer  # the sentence that holds it comes first
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert stored(path) == [Link(*condition, *offer, "condition-of")]
    window.session.set_current(offer)
    assert "condition: “if Moscow stops hitting its grid”" in window.link_line.text()


def test_the_suggested_speaker_is_shown_and_saved_only_when_accepted(seed_window, qtbot):
    window, path = seed_window
    statement = go_to(window, "Zelensky welcomed Trump’s announcement")
    assert "said by Zelensky? — Shift+S accepts" in window.link_line.text()
    assert stored(path) == []  # a suggestion is never saved on its own
    qtbot.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    zelensky = window.session.article.text.index("Zelensky welcomed")
    assert stored(path) == [Link(*statement, zelensky, zelensky + len("Zelensky"), "speaker")]
    assert window.link_line.text() == "said by Zelensky"
    assert window.save_state.text().startswith("saved · accepted speaker")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(path) == [] and "Shift+S accepts" in window.link_line.text()


def test_the_suggestion_leads_the_hints(seed_window, qtbot):
    window, _ = seed_window
    go_to(window, "He said he is counting on Washington")
    suggestion = window.linking.suggestion()
    text = window.session.article.text
    assert text[suggestion.child[0] : suggestion.child[1]] == "Zelensky"  # "he": the last named speaker
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    first = window.linking.mode.candidates[0]
    assert (first.start, first.end) == suggestion.child and window.linking.mode.hints[0] == "a"
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.link_line.text() == "said by Zelensky"


def test_hint_badges_cover_no_glyph_of_a_seed_article(seed_window, qtbot):
    """S on a seed article's statement at 1366x768: every badge (Newsweek's, Russia's…) in the line gap,
    over no glyph of the candidate nor of the word before it."""
    from tests.ui.test_legible_links import assert_hints_cover_no_glyph

    window, _path = seed_window
    window.resize(1366, 768)
    go_to(window, "Trump, speaking during a Cabinet meeting")
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert len(window.linking.mode.candidates) >= 5
    assert_hints_cover_no_glyph(window)
