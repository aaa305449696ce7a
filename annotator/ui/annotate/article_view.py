"""The article: read-only plain text with entities, statement candidates and labels drawn on it.

Text goes in with `setPlainText` only, never as HTML. Highlighting runs per block in a
`QSyntaxHighlighter` over spans kept in Qt (UTF-16) positions, so a change redraws only
the blocks it touches; labeled statements also get chips in a left margin.
"""

from __future__ import annotations

import contextlib
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPen,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QPlainTextDocumentLayout, QPlainTextEdit, QToolTip, QWidget

from annotator.records import Entity
from annotator.ui.annotate.session import Session, Span
from annotator.ui.shell import style

log = logging.getLogger("annotator.ui")

GUTTER = 118
READING_WIDTH_EM = 38  # about 75 characters of a serif face


class _Layer:
    """Spans in Qt positions sorted by start, with values; finds those touching a range."""

    def __init__(self, spans: list[tuple[int, int, object]]):
        self.spans = sorted(spans, key=lambda s: (s[0], s[1]))
        self.starts = [s[0] for s in self.spans]
        #: the furthest end among spans[:i+1]; spans before the first one past `a` all end by `a`
        self.reach = list(accumulate((s[1] for s in self.spans), max))

    def touching(self, a: int, b: int) -> list[tuple[int, int, object]]:
        lo = bisect_right(self.reach, a)
        hi = bisect_left(self.starts, b)
        return [span for span in self.spans[lo:hi] if span[1] > a]


class _Highlighter(QSyntaxHighlighter):
    SENTENCE, STATEMENT, CURRENT, ENTITY = range(4)

    def __init__(self, view: ArticleView):
        super().__init__(view.document())
        self.view = view
        self.layers = [_Layer([]) for _ in range(4)]
        self._formats: dict[tuple, QTextCharFormat] = {}

    def reset_formats(self) -> None:
        self._formats.clear()

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        b0 = block.position()
        b1 = b0 + block.length() - 1  # UTF-16 units; len(text) would count code points
        if b1 <= b0:
            return
        found = [layer.touching(b0, b1) for layer in self.layers]
        points = {b0, b1}
        for spans in found:
            for s, e, _ in spans:
                points.add(max(s, b0))
                points.add(min(e, b1))
        cuts = sorted(points)
        attrs = [[None] * 4 for _ in range(len(cuts) - 1)]
        for layer, spans in enumerate(found):
            for s, e, value in spans:
                for i in range(bisect_left(cuts, max(s, b0)), bisect_left(cuts, min(e, b1))):
                    attrs[i][layer] = value
        for i, a in enumerate(attrs):
            key = tuple(a)
            if key == (None, None, None, None):
                continue
            fmt = self._formats.get(key)
            if fmt is None:
                fmt = self._formats[key] = self._format(*key)
            self.setFormat(cuts[i] - b0, cuts[i + 1] - cuts[i], fmt)

    def _format(self, sentence, labels, current, entity) -> QTextCharFormat:
        fmt = QTextCharFormat()
        dark = style.is_dark()
        if sentence == 1:
            fmt.setBackground(QColor(255, 255, 255, 10) if dark else QColor(15, 23, 42, 9))
        if labels:
            color = self.view.label_color(labels[0])
            fmt.setBackground(style.tint(color, 70 if dark else 46))
        if entity:
            fmt.setForeground(style.entity_color(entity))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(style.entity_color(entity))
        return fmt


class _Gutter(QWidget):
    def __init__(self, view: ArticleView):
        super().__init__(view)
        self.view = view

    def paintEvent(self, event) -> None:
        self.view.paint_gutter(self, event.rect())


class PlainDocument(QTextDocument):
    """An article's document: plain text that never loads a resource.

    Articles are untrusted; they are set with setPlainText only, so nothing should ever
    ask for an image or stylesheet. Should anything try, it gets nothing, and the
    attempt is counted and logged (tests spy on `loads`).
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setDocumentLayout(QPlainTextDocumentLayout(self))
        self.loads: list[str] = []

    def loadResource(self, kind: int, name: QUrl) -> object:
        self.loads.append(name.toString())
        log.warning("refused to load %s into an article", name.toString())
        return None


class ArticleView(QPlainTextEdit):
    """Shows the session's article; reports selections and entity corrections back to it."""

    #: Keys the window's shortcuts own even while the text has focus.
    PASS_THROUGH: ClassVar[set[Qt.Key]] = {
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Delete,
        Qt.Key.Key_J,
        Qt.Key.Key_K,
    }

    zoomed = Signal(float)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDocument(PlainDocument(self))
        self.setObjectName("articleView")
        self.setAccessibleName("Article text")
        self.session = session
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.setFont(style.reading_font())
        self.setCursorWidth(2)
        self.hidden_types: set[str] = set()
        self._colors: dict[str, QColor] = {}
        self._highlighter = _Highlighter(self)
        self._gutter = _Gutter(self)
        self._current_qt: tuple[int, int] | None = None
        self._labeled: list[tuple[int, int, tuple[str, ...]]] = []
        self._margins: tuple[int, int] = (0, 0)
        self._selecting = False
        self.updateRequest.connect(lambda *_: self._gutter.update())
        session.articleChanged.connect(self._show_article)
        session.statementsChanged.connect(self._show_statements)
        session.entitiesChanged.connect(self._show_entities)
        session.currentChanged.connect(self._show_current)
        session.schemeChanged.connect(self._show_statements)

    # -- session → screen ---------------------------------------------------------------

    def label_color(self, name: str) -> QColor:
        if not self._colors:
            self._colors = {label.name: QColor(label.color) for label in self.session.labels}
        return self._colors.get(name, QColor("#64748b"))

    def _show_article(self) -> None:
        s = self.session
        self._colors = {}
        self._highlighter.reset_formats()
        self._set_layers()
        # setPlainText re-highlights every block once, with the layers already in place
        self.setPlainText(s.article.text if s.article else "")
        self._place_caret()
        self._gutter.update()

    def _set_layers(self) -> None:
        s = self.session
        qt = s.offsets.span_to_qt
        h = self._highlighter
        h.layers[h.SENTENCE] = _Layer([(*qt(a, b), i % 2) for i, (a, b) in enumerate(s.sentences)])
        self._set_statement_layer()
        self._set_current_layer()
        self._set_entity_layer()

    def _set_statement_layer(self) -> None:
        qt = self.session.offsets.span_to_qt
        h = self._highlighter
        labeled = [(*qt(a, b), st.labels) for (a, b), st in self.session.statements.items() if st.labels]
        h.layers[h.STATEMENT] = _Layer(labeled)
        self._labeled = h.layers[h.STATEMENT].spans

    def _set_current_layer(self) -> None:
        s = self.session
        h = self._highlighter
        self._current_qt = s.offsets.span_to_qt(*s.current) if s.current else None
        h.layers[h.CURRENT] = _Layer([(*self._current_qt, True)] if self._current_qt else [])

    def _set_entity_layer(self) -> None:
        qt = self.session.offsets.span_to_qt
        h = self._highlighter
        h.layers[h.ENTITY] = _Layer(
            [(*qt(e.start, e.end), e.label) for e in self.session.entities if e.label not in self.hidden_types]
        )

    def _rehighlight_range(self, spans: list[tuple[int, int]]) -> None:
        doc = self.document()
        for a, b in spans:
            block = doc.findBlock(a)
            while block.isValid() and block.position() <= b:
                self._highlighter.rehighlightBlock(block)
                block = block.next()

    def _show_statements(self) -> None:
        self._colors = {}
        self._highlighter.reset_formats()
        old = set(self._labeled)
        self._set_statement_layer()
        changed_spans = old ^ set(self._labeled)
        old = [(a, b) for a, b, _ in changed_spans]
        new: list[tuple[int, int]] = []
        changed = sorted(set(old) ^ set(new) | ({self._current_qt} if self._current_qt else set()))
        self._rehighlight_range(changed if len(changed) < 50 else [(0, self.session.offsets.qt_length)])
        self._gutter.update()

    def _show_entities(self) -> None:
        self._set_entity_layer()
        self._highlighter.rehighlight()

    def _show_current(self) -> None:
        old = self._current_qt
        self._set_current_layer()
        self._rehighlight_range([span for span in (old, self._current_qt) if span])
        self._place_caret()
        self.viewport().update()
        self._gutter.update()

    def _place_caret(self) -> None:
        if not self._current_qt:
            return
        if self._selecting:
            return
        cursor = self.textCursor()
        cursor.setPosition(self._current_qt[0])
        self.setTextCursor(cursor)
        end = QTextCursor(self.document())
        end.setPosition(self._current_qt[1])
        self.ensureCursorVisible()
        rect = self.cursorRect(end)
        if rect.bottom() > self.viewport().height():
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + rect.bottom() // 2)

    def set_hidden_types(self, hidden: set[str]) -> None:
        self.hidden_types = set(hidden)
        self._show_entities()

    # -- screen → session -----------------------------------------------------------------

    def _selection_cp(self) -> Span | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.session.offsets.span_to_cp(cursor.selectionStart(), cursor.selectionEnd())

    @contextlib.contextmanager
    def _keeping_selection(self) -> Iterator[None]:
        """Move the current statement without moving the user's selection (and caret)."""
        self._selecting = True
        try:
            yield
        finally:
            self._selecting = False

    def _take_selection(self) -> None:
        span = self._selection_cp()
        if span is not None:
            with self._keeping_selection():
                self.session.select(*span)

    def go_to_selection(self) -> None:
        """Make the statement holding the selection's start current, leaving the selection shown (a search hit)."""
        span = self._selection_cp()
        if span is None:
            return
        for candidate in self.session.candidates():
            if candidate[0] <= span[0] < candidate[1]:
                with self._keeping_selection():
                    self.session.set_current(candidate)
                return

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.textCursor().hasSelection():
            self._take_selection()
        else:
            position = self.session.offsets.to_cp(self.cursorForPosition(event.position().toPoint()).position())
            for span in self.session.candidates():
                if span[0] <= position < span[1]:
                    self.session.set_current(span)
                    break

    def keyReleaseEvent(self, event) -> None:
        super().keyReleaseEvent(event)
        if event.key() == Qt.Key.Key_Shift and self.textCursor().hasSelection():
            self._take_selection()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if plain and Qt.Key(event.key()) in self.PASS_THROUGH:
                event.ignore()
                return False
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                event.ignore()
                return False
        if event.type() == QEvent.Type.ToolTip:
            self._tooltip(event.pos(), event.globalPos())
            return True
        return super().event(event)

    def _at(self, point: QPoint) -> int:
        return self.session.offsets.to_cp(self.cursorForPosition(point).position())

    def entity_at(self, position: int) -> Entity | None:
        for e in self.session.entities:
            if e.start <= position < e.end and e.label not in self.hidden_types:
                return e
        return None

    def _tooltip(self, pos: QPoint, global_pos: QPoint) -> None:
        position = self._at(self.viewport().mapFrom(self, pos))
        lines = []
        entity = self.entity_at(position)
        if entity:
            lines.append(f"{entity.label} (entity{', corrected' if entity.source == 'user' else ''})")
        for (a, b), state in self.session.statements.items():
            if a <= position < b and state.labels:
                lines.append("labels: " + ", ".join(state.labels))
                if state.note:
                    lines.append(f"note: {state.note}")
        if lines:
            QToolTip.showText(global_pos, "\n".join(lines), self)
        else:
            QToolTip.hideText()

    def contextMenuEvent(self, event) -> None:
        position = self._at(event.pos())
        menu = QMenu(self)
        entity = self.entity_at(position)
        types = sorted(set(style.ENTITY_TYPES) | set(self.session.entity_types()))
        if entity:
            change = menu.addMenu(f"Change entity type ({entity.label})")
            for label in types:
                if label != entity.label:
                    change.addAction(label, lambda label=label: self.session.relabel_entity(entity, label))
            menu.addAction(f"Remove entity {entity.label}", lambda: self.session.remove_entity(entity))
        selection = self._selection_cp()
        if selection:
            from annotator.ui.annotate.spans import snap

            snapped = snap(*selection, self.session.tokens)
            if snapped:
                add = menu.addMenu(f"Add entity “{self.session.excerpt(snapped, 24)}”")
                for label in types:
                    add.addAction(label, lambda label=label: self.session.add_entity(*snapped, label))
        if selection or not menu.isEmpty():
            menu.addSeparator()
        menu.addAction("Copy", self.copy).setEnabled(self.textCursor().hasSelection())
        menu.exec(event.globalPos())
        menu.deleteLater()  # a menu per right-click, with its submenus: do not keep them

    # -- layout: a centred reading column with a label margin on its left ----------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        em = self.fontMetrics().horizontalAdvance("m")
        column = READING_WIDTH_EM * em
        spare = max(0, self.width() - GUTTER - column - 24)
        left = GUTTER + spare // 2
        margins = (left, spare - spare // 2)
        if margins != self._margins:
            self._margins = margins
            self.setViewportMargins(left, 0, margins[1], 0)
            # QPlainTextEdit keeps the old wrap width when only the margins change: re-wrap
            self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left() + left - GUTTER, cr.top(), GUTTER, cr.height()))

    def zoom(self, step: int) -> None:
        font = self.font()
        size = max(8.0, min(28.0, font.pointSizeF() + step))
        font.setPointSizeF(size)
        self.setFont(font)
        self._margins = (0, 0)
        self._relayout()
        self.zoomed.emit(size)

    def set_font_size(self, size: float) -> None:
        font = self.font()
        font.setPointSizeF(size)
        self.setFont(font)
        self._margins = (0, 0)
        self._relayout()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._current_qt:
            painter = QPainter(self.viewport())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(QColor(style.ACCENT), 1.6)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in self.line_rects(*self._current_qt):
                if rect.intersects(QRectF(event.rect())):
                    painter.drawRoundedRect(rect.adjusted(-3, 0, 3, 0), 4, 4)
            painter.end()

    def line_rects(self, a: int, b: int) -> list[QRectF]:
        """One rectangle per visual line of the Qt range a-b, in viewport coordinates."""
        rects: list[QRectF] = []
        doc = self.document()
        block = doc.findBlock(a)
        offset = self.contentOffset()
        bottom = self.viewport().height()
        while block.isValid() and block.position() < b:
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            if block.isVisible() and geometry.bottom() >= 0:
                layout = block.layout()
                base = block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    s = max(a, base + line.textStart())
                    e = min(b, base + line.textStart() + line.textLength())
                    if e <= s:
                        continue
                    x1, _ = line.cursorToX(s - base)
                    x2, _ = line.cursorToX(e - base)
                    rects.append(QRectF(x1, line.y(), x2 - x1, line.height()).translated(geometry.topLeft()))
            block = block.next()
        return rects

    def paint_gutter(self, widget: QWidget, clip: QRect) -> None:
        painter = QPainter(widget)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        height = self.viewport().height()
        chip_font = QFont(self.font().family())
        chip_font.setPointSizeF(8)
        chip_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(chip_font)
        metrics = painter.fontMetrics()
        chip_h = metrics.height() + 2
        right = GUTTER - 10

        def rect_of(a: int, b: int) -> tuple[int, int] | None:
            rects = self.line_rects(a, b)
            if not rects:
                return None
            return int(rects[0].top()), int(rects[-1].bottom())

        first = self.firstVisibleBlock().position()
        last = self.cursorForPosition(QPoint(self.viewport().width(), height)).position()
        if self._current_qt:
            found = rect_of(*self._current_qt)
            if found:
                top, bottom = found
                painter.fillRect(QRect(right + 4, top + 2, 3, bottom - top - 4), QColor(style.ACCENT))
        for a, b, labels in self._labeled:
            if b < first or a > last:
                continue
            found = rect_of(a, b)
            if found is None:
                continue
            top, bottom = found
            y = top + 2
            for name in labels:
                color = self.label_color(name)
                width = metrics.horizontalAdvance(name) + 12
                chip = QRect(right - width, y, width, chip_h)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(chip, chip_h / 2, chip_h / 2)
                painter.setPen(style.chip_text_color(color))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
                y += chip_h + 3
        painter.end()
