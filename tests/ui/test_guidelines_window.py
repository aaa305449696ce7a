"""The guidelines in the window: the editor, the pane's examples from gold, trainees, the dashboard split."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.guidelines.examples import examples_text, label_examples
from annotator.store import Store
from annotator.ui.annotate.labels.guideline_pane import pane_text
from tests.ui.conftest import stored
from tests.ui.test_guideline_pane import GUIDE


def _editor(window):
    from annotator.ui.annotate.schemes.guidelines_editor import GuidelinesEditor

    labels = [label.name for label in window.session.labels if not label.retired]
    return GuidelinesEditor(window.store, window.session.annotator, labels, window)


def headings(editor) -> list[tuple[str, int]]:
    """The preview's headings: (text, level)."""
    block, found = editor.preview.document().begin(), []
    while block.isValid():
        if block.blockFormat().headingLevel():
            found.append((block.text(), block.blockFormat().headingLevel()))
        block = block.next()
    return found


def test_the_editor_saves_a_new_version_by_the_window_s_annotator(window, qtbot, project):
    with Store.open(project) as store:
        store.guidelines.add(GUIDE, "lead")
    editor = _editor(window)
    qtbot.addWidget(editor)
    assert editor.source.toPlainText() == GUIDE
    assert "Editing version 1 (lead" in editor.heading.text() and "makes version 2" in editor.heading.text()
    assert ("denial", 2) in headings(editor)  # rendered as the pane renders it
    assert editor.coverage.text().startswith("Sections for offer, denial; no section yet for condition, demand")

    editor.source.setPlainText(GUIDE + "\n## claim\n\nA statement of fact, *checked* or not.\n")
    editor.update_preview()
    assert "A statement of fact, checked or not." in editor.preview.toPlainText()  # emphasis marks gone
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "Saved guidelines version 2" in editor.state.text() and "by tester" in editor.state.text()
    with Store.open(project) as store:
        current = store.guidelines.current()
        assert (current.version, current.author) == (2, "tester")
        assert "## claim" in current.text

    assert editor.save() is False  # the same text again: no version, and it says so
    assert editor.state.text() == "Unchanged: the text is version 2's; no new version was made."
    with Store.open(project) as store:
        assert [v.version for v in store.guidelines.versions()] == [1, 2]


def test_the_editor_refuses_a_control_character_and_saves_nothing(window, qtbot, project):
    editor = _editor(window)
    qtbot.addWidget(editor)
    assert editor.heading.text() == "No guidelines yet: the first save makes version 1."
    editor.source.setPlainText("# Guide\n\nbad \x07 bell\n")
    assert editor.save() is False
    assert editor.state.text() == "Not saved: guidelines:3: control character U+0007 in a text file"
    with Store.open(project) as store:
        assert store.guidelines.current() is None


def test_the_menu_and_the_pane_open_the_editor(window, qtbot, monkeypatch):
    from annotator.ui.annotate.schemes import guidelines_editor

    opened = []
    monkeypatch.setattr(guidelines_editor.GuidelinesEditor, "exec", lambda self: opened.append(self) or 0)
    titles = [a.text() for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()]
    assert "&Guidelines…" in titles and "&Promote trainee…" in titles
    window.guidelines_action.trigger()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    window.guideline_pane.edit_button.click()
    assert len(opened) == 2


def test_the_pane_shows_the_label_s_examples_from_gold_read_off_the_gui_thread(window, qtbot, project):
    with Store.open(project) as store:
        store.guidelines.add(GUIDE, "lead")
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # denial
    start, end = window.session.current
    article_id = window.session.article_id
    with Store.open(project) as store:  # two teammates finished the article and agreed: gold
        for name in ("anna", "ben"):
            store.statements.set_statement(article_id, name, start, end, ["denial"])
            store.articles.set_status(article_id, name, "done")
        expected = pane_text(examples_text("denial", *label_examples(store, "denial")))
    assert "everyone who finished agreed" in expected
    before = stored(project)
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    pane = window.guideline_pane
    qtbot.waitUntil(lambda: pane.examples.toPlainText() == expected + "\n", timeout=10_000)
    assert stored(project) == before  # showing examples never writes
    qtbot.keyClick(window.view, Qt.Key.Key_Up)  # a statement without a label
    assert "has no label" in pane.examples.toPlainText()


def test_promote_trainee_from_the_team_menu(window, qtbot, project, monkeypatch):
    from annotator.ui.annotate.window import team

    assert "now a trainee" in team.mark_trainee(window, "tina")
    with Store.open(project) as store:
        assert store.guidelines.trainees() == {"tina"}
    monkeypatch.setattr(team.QInputDialog, "getItem", lambda *a, **k: ("tina", True))
    window.promote_action.trigger()
    assert "tina is promoted" in window.task_state.text()
    with Store.open(project) as store:
        assert store.guidelines.trainees() == set()


def test_the_first_start_dialog_can_mark_a_trainee(qtbot, monkeypatch, project, tmp_path):
    from annotator.ui.annotate.window import controller as ctl
    from annotator.ui.annotate.window.team import FirstStartDialog

    monkeypatch.delenv("ANNOTATOR_NAME", raising=False)

    prompts = []

    def answer(dialog: FirstStartDialog) -> int:
        prompts.append(dialog.prompt.text())
        dialog.name.setText("tina" if len(prompts) > 1 else "ti\x1bna")  # a control character first
        dialog.trainee.setChecked(True)
        return 1

    monkeypatch.setattr(FirstStartDialog, "exec", answer)
    app = ctl.QApplication.instance()
    controller = ctl.Controller(app)
    controller.settings.set(ctl.ws.ANNOTATOR_NAME, "")
    assert controller.annotator() == "tina"
    assert controller.pending_trainee == "tina"
    assert prompts[1].startswith(
        "the name 'ti\\x1bna' holds a line break or control character (U+001B): choose another"
    )
    controller.quiet = True  # no backup task, no window shown: the test opens the project only
    window = controller.open(project, preannotate=False)
    qtbot.addWidget(window)
    try:
        assert window.store.guidelines.trainees() == {"tina"}
        assert "tina is now a trainee" in window.task_state.text()
    finally:
        window.close()
        window.project.close()


def _two_versions(db_path) -> None:
    from tests.test_trainees import team_project

    team_project(db_path)
    with Store.open(db_path) as store:
        store.guidelines.add(GUIDE, "lead")
        for name in ("anna", "ben"):  # the first article finished again under version 1
            store.articles.set_status(1, name, "in_progress")
            store.articles.set_status(1, name, "done")
        store.guidelines.add(GUIDE + "\n## claim\n\nA fact.\n", "lead")
        for n in (2, 3):  # the others under version 2
            for name in ("anna", "ben"):
                store.articles.set_status(n, name, "in_progress")
                store.articles.set_status(n, name, "done")


def test_the_dashboard_splits_agreement_by_guidelines_version(qtbot, db_path):
    from annotator.guidelines.by_version import agreement_by_version
    from annotator.review.report import fmt
    from annotator.ui.review.dashboard import AgreementDashboard

    _two_versions(db_path)
    with Store.open(db_path) as store:
        board = AgreementDashboard(store)
        qtbot.addWidget(board)
        board.show()
        rows = agreement_by_version(store)
        table = board.versions_table
        assert table.isVisible() and board.versions_title.isVisible()
        assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["guidelines", "units", "α"]
        shown = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
        assert shown == [
            [f"version {row.version}", f"{row.agreement.units:,}", fmt(row.agreement.alpha, 2)] for row in rows
        ]
        assert [r[0] for r in shown] == ["version 1", "version 2"]
        board.close()  # as a user closes it: the progress read stops before the dashboard goes


def test_with_one_version_the_dashboard_shows_no_split(qtbot, db_path):
    from annotator.ui.review.dashboard import AgreementDashboard
    from tests.test_trainees import team_project

    team_project(db_path)
    with Store.open(db_path) as store:
        store.guidelines.add(GUIDE, "lead")
        board = AgreementDashboard(store)
        qtbot.addWidget(board)
        board.show()
        assert not board.versions_table.isVisible()
        board.close()  # as a user closes it: the progress read stops before the dashboard goes


def test_the_preview_renders_headings_that_wrap_as_text_at_a_laptop_s_width(window, qtbot, tmp_path):
    """Found in a tryout: the preview underlined a heading with "=" characters, and at 1366x768 the
    underline of a long title wrapped onto a second line of its own. The preview now renders the
    Markdown as the guideline pane does: a heading is a heading, and a long one wraps as words."""
    from PySide6.QtGui import QTextLayout

    title = "Annotation guidelines for statements about ceasefire negotiations"
    editor = _editor(window)
    qtbot.addWidget(editor)
    editor.source.setPlainText(f"# {title}\n\nRead it *all*.\n\n## offer\n\nA party offers a halt.\n")
    editor.update_preview()
    editor.resize(1366, 768)
    editor.show()
    qtbot.waitExposed(editor)
    assert headings(editor) == [(title, 1), ("offer", 2)]
    lines = editor.preview.toPlainText().splitlines()
    assert not [line for line in lines if line and set(line) <= set("=-")], lines  # no underline
    assert "Read it all." in lines
    first = editor.preview.document().begin()
    layout: QTextLayout = first.layout()
    width = editor.preview.viewport().width()
    assert all(layout.lineAt(i).naturalTextWidth() <= width for i in range(layout.lineCount()))
    assert editor.grab().save(str(tmp_path / "editor.png"))
