"""The guidelines editor: the Markdown beside its preview, saved as a new version.

Saving goes through `store.guidelines.add`, as `annotator guidelines --load` does: different text
is the next version (with its time and the window's annotator as author); the same text makes
none and says so. The text passes the same door as a file (`checked_text`). The preview renders the
Markdown as the guideline pane shows it to annotators (`markdown_view`: headings as headings, which
wrap as text does; raw HTML as typed, nothing loaded); under it, which of the project's labels have a section.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.guidelines.document import GuidelinesError, checked_text, label_coverage, normalize
from annotator.store import StoreError
from annotator.ui.shell.plaintext import markdown_view, plain_label, set_markdown, set_plain

#: How long typing pauses before the preview follows (ms).
PREVIEW_DELAY_MS = 250


class GuidelinesEditor(QDialog):
    """Edit the project's guidelines; `saved(version)` after a save that made a new version."""

    saved = Signal(int)

    def __init__(self, store, author: str, labels: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("guidelinesEditor")
        self.setWindowTitle(f"Guidelines — {store.path.name}")
        self.store = store
        self.author = author
        self.labels = labels
        current = store.guidelines.current()
        self.base_version = current.version if current else None
        self.heading = plain_label(object_name="guidelinesVersion", word_wrap=True)
        self.source = QPlainTextEdit()
        self.source.setObjectName("guidelinesSource")
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source.setPlaceholderText("# Guidelines\n\n## offer\nA statement that ...")
        self.source.setPlainText(current.text if current else "")
        self.preview = markdown_view(object_name="guidelinesPreview")
        self.coverage = plain_label(object_name="guidelinesCoverage", word_wrap=True)
        self.state = plain_label(object_name="guidelinesState", word_wrap=True)

        left = QWidget()
        lc = QVBoxLayout(left)
        lc.setContentsMargins(0, 0, 0, 0)
        lc.addWidget(plain_label("Markdown"))
        lc.addWidget(self.source, 1)
        right = QWidget()
        rc = QVBoxLayout(right)
        rc.setContentsMargins(0, 0, 0, 0)
        rc.addWidget(plain_label("Preview (as annotators read it)"))
        rc.addWidget(self.preview, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 560])
        split.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save as new version")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        foot = QHBoxLayout()
        foot.addWidget(self.state, 1)
        foot.addWidget(self.buttons)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(split, 1)
        column.addWidget(self.coverage)
        column.addLayout(foot)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.source.textChanged.connect(self._timer.start)
        self._show_version(current)
        self.update_preview()
        self.resize(1180, 720)

    def _show_version(self, version) -> None:
        if version is None:
            set_plain(self.heading, "No guidelines yet: the first save makes version 1.")
        else:
            set_plain(
                self.heading,
                f"Editing version {version.version} ({version.author}, {version.created_at[:16].replace('T', ' ')}); "
                f"saving as {self.author} makes version {version.version + 1}.",
            )

    def update_preview(self) -> None:
        """Render the text into the preview, where the reader was (typing does not jump it to the top)."""
        text = self.source.toPlainText()
        bar = self.preview.verticalScrollBar()
        place = bar.value()
        set_markdown(self.preview, normalize(text))
        bar.setValue(place)
        covered, missing = label_coverage(normalize(text), self.labels)
        parts = []
        if covered:
            parts.append(f"Sections for {', '.join(covered)}")
        if missing:
            parts.append(f"no section yet for {', '.join(missing)}")
        set_plain(self.coverage, "; ".join(parts) + "." if parts else "")

    def save(self) -> bool:
        """Save the text; True when a new version was made. The outcome is said in the dialog."""
        try:
            text = checked_text(self.source.toPlainText(), "guidelines")
            version, new = self.store.guidelines.add(text, self.author)
        except (GuidelinesError, StoreError) as exc:
            set_plain(self.state, f"Not saved: {exc}")
            return False
        if new:
            set_plain(
                self.state,
                f"Saved guidelines version {version.version} ({len(text):,} characters, by {self.author}).",
            )
            self._show_version(version)
            self.saved.emit(version.version)
        else:
            set_plain(self.state, f"Unchanged: the text is version {version.version}'s; no new version was made.")
        return new
