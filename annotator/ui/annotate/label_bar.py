"""The right-hand bar: one button per label, the current statement, its note, the definitions."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.annotate.session import Session


def swatch(color: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(0, 0, size, size, 3, 3)
    painter.end()
    return QIcon(pixmap)


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "heading")
    return label


class LabelBar(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("labelBar")
        self.setAccessibleName("Labels")
        self.session = session
        self.buttons: dict[str, QPushButton] = {}
        self._note_span: tuple[int | None, tuple[int, int] | None] = (None, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(6)

        layout.addWidget(_heading("Statement"))
        self.excerpt = QLabel()
        self.excerpt.setObjectName("statementExcerpt")
        self.excerpt.setTextFormat(Qt.TextFormat.PlainText)
        self.excerpt.setWordWrap(True)
        layout.addWidget(self.excerpt)

        layout.addSpacing(6)
        layout.addWidget(_heading("Labels"))
        self.button_box = QVBoxLayout()
        self.button_box.setSpacing(4)
        layout.addLayout(self.button_box)

        self.others_heading = _heading("Other annotators")
        self.others = QLabel()
        self.others.setObjectName("otherAnnotators")
        self.others.setTextFormat(Qt.TextFormat.PlainText)
        self.others.setWordWrap(True)
        layout.addWidget(self.others_heading)
        layout.addWidget(self.others)

        layout.addSpacing(6)
        layout.addWidget(_heading("Note"))
        self.note = QLineEdit()
        self.note.setObjectName("noteField")
        self.note.setPlaceholderText("Note on this statement (saved as you type)")
        self.note.setClearButtonEnabled(True)
        layout.addWidget(self.note)
        self._note_timer = QTimer(self, singleShot=True, interval=700)
        self._note_timer.timeout.connect(self._save_note)
        self.note.textEdited.connect(lambda _: self._note_timer.start())
        self.note.editingFinished.connect(self._save_note)

        layout.addSpacing(6)
        layout.addWidget(_heading("Definitions"))
        self.definitions = QLabel()
        self.definitions.setProperty("role", "definition")
        self.definitions.setTextFormat(Qt.TextFormat.PlainText)
        self.definitions.setWordWrap(True)
        self.definitions.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.definitions)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(scroll, 1)

        session.aboutToMove.connect(self.flush_note)
        session.schemeChanged.connect(self.rebuild)
        session.currentChanged.connect(self.refresh)
        session.statementsChanged.connect(self.refresh)
        session.articleChanged.connect(self.refresh)
        self.rebuild()

    def rebuild(self) -> None:
        while self.button_box.count():
            item = self.button_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons.clear()
        for label in self.session.labels:
            if label.retired:
                continue
            key = f"{label.key}  " if label.key else "    "
            button = QPushButton(swatch(label.color), f"{key}{label.name}")
            button.setObjectName(f"label_{label.name}")
            button.setProperty("labelButton", True)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{label.description}\nShortcut: {label.key}" if label.key else label.description)
            button.setAccessibleName(f"Label {label.name}")
            c = QColor(label.color)  # a stylesheet reads #RRGGBBAA as #AARRGGBB: spell the tint out
            button.setStyleSheet(
                f"QPushButton:checked {{ border-color: {c.name()}; "
                f"background: rgba({c.red()}, {c.green()}, {c.blue()}, 40); }}"
            )
            button.clicked.connect(lambda _=False, name=label.name: self.session.toggle_label(name))
            self.buttons[label.name] = button
            self.button_box.addWidget(button)
        self.definitions.setText(
            "\n\n".join(f"{label.name}: {label.description}" for label in self.session.labels if not label.retired)
        )
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        state = s.state()
        has = s.current is not None
        self.excerpt.setText(s.excerpt(s.current, 160) if has else "Select text or press ↓ to pick a statement.")
        for name, button in self.buttons.items():
            button.setEnabled(has)
            button.setChecked(name in state.labels)
        self.note.setEnabled(has)
        self.others_heading.setVisible(s.show_others)
        self.others.setVisible(s.show_others)
        if s.show_others:
            lines = [
                f"{who}: {', '.join(labels)}" + ("" if span == s.current else f"  (on “{s.excerpt(span, 30)}”)")
                for who, span, labels in s.others()
            ]
            self.others.setText("\n".join(lines) or "none on this statement")
        if not self._note_timer.isActive():
            self._note_span = (s.article_id, s.current)
            if self.note.text() != state.note:
                self.note.setText(state.note)

    def flush_note(self) -> None:
        """Save a note still waiting for its typing pause (before moving on or closing)."""
        if self._note_timer.isActive():
            self._save_note()

    def _save_note(self) -> None:
        self._note_timer.stop()
        article_id, span = self._note_span
        if span is not None and article_id == self.session.article_id:
            self.session.set_note(self.note.text(), span)
