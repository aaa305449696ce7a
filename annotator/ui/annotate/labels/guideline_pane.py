"""The guideline pane: the section of the current statement's label, beside the work.

One key (G) shows or hides it; it never writes. While shown it follows the current statement: the
section of each of its labels from the project's current guidelines (`annotator guidelines`), or
the whole guidelines for a statement without a label. Markdown is shown as the text it is, never
rendered as HTML.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QPlainTextEdit, QVBoxLayout, QWidget

from annotator.guidelines.document import section
from annotator.store import StoreError
from annotator.ui.shell.plaintext import plain_label, set_plain

NO_GUIDELINES = "This project has no guidelines yet.\n\nLoad them with:\n  annotator guidelines --load FILE.md"


class GuidelinePane(QDockWidget):
    """A dock beside the label bar, shown and hidden by `toggle` (the G key)."""

    def __init__(self, session, parent=None):
        super().__init__("Guidelines", parent)
        self.setObjectName("guidelinePane")
        self.session = session
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(6, 4, 6, 4)
        self.heading = plain_label(object_name="guidelineHeading", word_wrap=True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("guidelineText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        column.addWidget(self.heading)
        column.addWidget(self.text, 1)
        self.setWidget(body)
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea)
        self.hide()
        for signal in (session.currentChanged, session.statementsChanged, session.articleChanged):
            signal.connect(self.refresh)
        self.visibilityChanged.connect(lambda shown: shown and self.refresh())

    def toggle(self) -> None:
        """Show the pane (with the current statement's section) or hide it."""
        self.setVisible(not self.isVisible())
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        if not self.isVisible():
            return
        heading, text = self.contents()
        set_plain(self.heading, heading)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)

    def contents(self) -> tuple[str, str]:
        """(heading, text) the pane shows for the current statement."""
        try:
            guide = self.session.store.guidelines.current()
        except StoreError as exc:
            return "Guidelines", f"The guidelines cannot be read: {exc}"
        if guide is None:
            return "Guidelines", NO_GUIDELINES
        labels = self.session.state().labels if self.session.current is not None else ()
        version = f"version {guide.version} ({guide.author}, {guide.created_at[:10]})"
        if not labels:
            return f"The whole document, {version}: the statement has no label", guide.text
        parts = []
        for label in labels:
            found = section(guide.text, label)
            parts.append(found.rstrip("\n") if found else f"No section headed “{label}” in version {guide.version}.")
        return f"{', '.join(labels)}: {version}", "\n\n".join(parts) + "\n"
