"""The right-hand bar: the current statement, one button per label, its note, the definitions.

The statement's excerpt has a fixed height (at most `EXCERPT_LINES` lines, elided), so the
buttons below it stay where the hand expects them. The note is saved at every pause in
typing, on leaving the field and on moving to another statement or article; the line under
it says "not saved yet" until the store has committed it, and only then "saved".
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPen, QPixmap, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.records import clean_note
from annotator.ui.annotate.labels.suggestion_marks import percent
from annotator.ui.annotate.session import Session
from annotator.ui.shell import palette, style
from annotator.ui.shell.plaintext import menu_text, plain_label, tooltip

#: Lines the statement excerpt may take; it always takes this much room.
EXCERPT_LINES = 4
#: A pause in typing this long (ms) saves the note.
NOTE_PAUSE_MS = 500


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


def checked_tint(color: str, th: palette.Theme) -> str:
    """The background of a label button that is on: a light tint of the label's own colour."""
    return palette.over(color, 0.25, th.base)


def checked_style(color: str, th: palette.Theme) -> str:
    """A label button that is on: its border in the label's colour, filled with a light tint of it."""
    return f"QPushButton:checked {{ border-color: {color}; background: {checked_tint(color, th)}; }}"


class LabelButton(QPushButton):
    """A label's button. While the label is suggested (`suggestedNow`) and not on, a dashed outline in
    the label's hue (3:1 on the bar) is drawn over its border: no fill, and not one pixel of its size
    changes, so the buttons under it never move."""

    def __init__(self, icon: QIcon, text: str, outline: str):
        super().__init__(icon, text)
        self.outline = outline

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.property("suggestedNow") and not self.isChecked():
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(QColor(self.outline), 2.0, Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([3.0, 2.0])
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 6, 6)
            painter.end()


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "heading")
    return label


def elide_lines(text: str, font: QFont, width: int, lines: int) -> str:
    """`text` cut to what fits in `lines` lines of `width` pixels, ending in "…" if cut, one line
    break after each line. A word wider than the line (a URL, a base64 blob) is broken anywhere,
    as the article view does, so the excerpt never asks for more width than it has."""
    metrics = QFontMetrics(font)
    # the lines shown hold at most `width` characters each (no glyph is narrower than a pixel)
    head = text[: (lines + 1) * max(width, 1)]
    layout = QTextLayout(head, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    starts = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1))
        starts.append(line.textStart())
    layout.endLayout()
    starts.append(len(head))
    shown = [head[a:b].rstrip(" ").removesuffix("\n") for a, b in itertools.pairwise(starts)]
    if len(shown) <= lines and len(head) == len(text):
        return "\n".join(shown)
    last = metrics.elidedText(shown[lines - 1].rstrip() + " …", Qt.TextElideMode.ElideRight, max(width, 1))
    return "\n".join([*shown[: lines - 1], last])


class Excerpt(QLabel):
    """The current statement's words in a box of fixed height; the whole text is its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("statementExcerpt")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # its width is the bar's, never its text's (a 45,000-character word would widen the window)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._full = ""
        self._fix_height()

    def _fix_height(self) -> None:
        margins = self.contentsMargins()
        self.setFixedHeight(self.fontMetrics().lineSpacing() * EXCERPT_LINES + margins.top() + margins.bottom() + 2)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(tooltip(text))
        self._elide()

    def _elide(self) -> None:
        self.setText(elide_lines(self._full, self.font(), self.contentsRect().width() - 2, EXCERPT_LINES))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self._fix_height()


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
        self.excerpt = Excerpt()
        layout.addWidget(self.excerpt)

        layout.addSpacing(6)
        layout.addWidget(_heading("Labels"))
        self.button_box = QVBoxLayout()
        self.button_box.setSpacing(4)
        layout.addLayout(self.button_box)

        self.suggested = plain_label(word_wrap=True, object_name="suggestedLabels")
        self.suggested.setProperty("role", "hint")
        self.suggested.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.suggested.hide()  # shown with its room kept, once suggestions are on: the buttons never move
        layout.addWidget(self.suggested)
        #: The window's `LabelSuggestions`, once it has one.
        self.suggestions = None

        self.others_heading = _heading("Other annotators")
        self.others = plain_label(word_wrap=True, object_name="otherAnnotators")
        layout.addWidget(self.others_heading)
        layout.addWidget(self.others)

        layout.addSpacing(6)
        layout.addWidget(_heading("Note"))
        self.note = QLineEdit()
        self.note.setObjectName("noteField")
        self.note.setPlaceholderText("Note on this statement")
        self.note.setClearButtonEnabled(True)
        layout.addWidget(self.note)
        self.note_state = plain_label(object_name="noteState")
        self.note_state.setProperty("role", "hint")
        layout.addWidget(self.note_state)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_PAUSE_MS)
        self._note_timer.timeout.connect(self._save_note)
        self.note.textEdited.connect(self._note_edited)
        self.note.editingFinished.connect(self._save_note)

        layout.addSpacing(6)
        layout.addWidget(_heading("Definitions"))
        self.definitions = plain_label(word_wrap=True, object_name="labelDefinitions")
        self.definitions.setProperty("role", "definition")
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
        th = style.current_theme()
        for label in self.session.labels:
            if label.retired:
                continue
            key = f"{label.key}  " if label.key else "    "
            button = LabelButton(
                swatch(label.color), menu_text(f"{key}{label.name}"), palette.suggestion_color(label.color, th)
            )
            button.setObjectName(f"label_{label.name}")
            button.setProperty("labelButton", True)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            shortcut = f"\nShortcut: {label.key}" if label.key else ""
            button.setToolTip(tooltip(label.description + shortcut))
            button.setAccessibleName(f"Label {label.name}")
            button.setProperty("plainTip", tooltip(label.description + shortcut))
            button.setProperty("suggestedNow", False)
            button.setStyleSheet(checked_style(label.color, th))
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
        self.excerpt.set_full_text(s.excerpt(s.current, 2000) if has else "Select text or press ↓ to pick a statement.")
        for name, button in self.buttons.items():
            button.setEnabled(has)
            button.setChecked(name in state.labels)
        self._show_suggestions()
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
            if self._note_span != (s.article_id, s.current):
                self.note_state.setText("")
            self._note_span = (s.article_id, s.current)
            if self.note.text() != state.note:
                self.note.setText(state.note)

    def set_suggestions(self, suggestions) -> None:
        """Show `suggestions` (a `LabelSuggestions`): outlined, dashed buttons and a line saying what Enter does."""
        self.suggestions = suggestions
        suggestions.changed.connect(self._show_suggestions)
        self._show_suggestions()

    def _show_suggestions(self) -> None:
        made = self.suggestions.current if self.suggestions is not None else None
        by_label = {s.label: s for s in made.suggested} if made is not None else {}
        for name, button in self.buttons.items():
            suggestion = by_label.get(name)
            if button.property("suggestedNow") != (suggestion is not None):
                button.setProperty("suggestedNow", suggestion is not None)
                button.update()
            tip = tooltip(self.suggestions.marks.describe(suggestion)) if suggestion is not None else None
            button.setToolTip(tip or button.property("plainTip"))
            button.setAccessibleDescription(f"suggested {name}" if suggestion is not None else "")
        if self.suggestions is not None and self.suggestions.enabled:
            lines = self.suggested.fontMetrics().lineSpacing() * 2 + 2
            self.suggested.setFixedHeight(lines)  # two lines, empty or not
            self.suggested.show()
        else:
            self.suggested.hide()
        if not by_label:
            withheld = made.withheld if made is not None else ()
            why = "; ".join(f"{label}: {reason}" for label, reason in withheld)
            self.suggested.setText(f"No model suggestion for {why}" if why else "")
            self.suggested.setToolTip(
                tooltip("The model's suggestions of a label show once it has earned them.") if why else ""
            )
            return
        parts = [
            s.label
            + (f" {percent(s.probability)}" if s.probability is not None and s.from_model else "")
            + ("" if s.from_model else " (rule)")
            for s in made.suggested
        ]
        self.suggested.setText("Suggested: " + ", ".join(parts) + " — Shift+Enter accepts, 1–9 decide, Enter moves on")
        self.suggested.setToolTip(tooltip("\n\n".join(self.suggestions.marks.describe(s) for s in made.suggested)))

    def edit_note(self) -> None:
        """Ctrl+M: type a note on the current statement (Esc or Enter goes back to the text, saved)."""
        if self.note.isEnabled():
            self.note.setFocus()
            self.note.selectAll()

    def flush_note(self) -> None:
        """Save a note not saved yet (before moving on or closing)."""
        self._save_note()

    def _note_edited(self, _text: str) -> None:
        self.note_state.setText("not saved yet…")
        self._note_timer.start()

    def _save_note(self) -> None:
        """Commit the note now if it differs from the stored one; say "saved" only once the store has it."""
        self._note_timer.stop()
        article_id, span = self._note_span
        if span is None or article_id != self.session.article_id:
            return
        text = clean_note(self.note.text())
        if text != self.note.text():  # a pasted ESC, BEL or bidi override is not kept (records.note_problem)
            self.note.setText(text)
        if text == self.session.state(span).note:
            if self.note_state.text() != "saved":
                self.note_state.setText("")
            return
        if self.session.set_note(text, span):
            self.note_state.setText("saved")
        else:
            self.note_state.setText("not saved — see the status bar")
