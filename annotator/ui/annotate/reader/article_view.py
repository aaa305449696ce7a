"""The article: read-only plain text with entities, statement candidates, labels and search matches.

Labeled statements are painted under the text, one rounded band per line, so that two
statements side by side stay two (a gap and a bar in the label's colour mark each start)
and a statement with several labels shows each of them (one stripe per label). Chips in a
left margin name the labels; a pen mark there says a statement has a note. Character
formats (entities, matches) come from `Highlighter`; the text itself is never HTML.

A long article is shown a page at a time: the document holds the session's page only, and
every span is placed through the session's `offsets`, which map that page.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import ClassVar, Protocol

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPainterPath, QPen, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip, QWidget

from annotator.records import Entity
from annotator.ui.annotate.reader.highlighter import Highlighter, Layer, PlainDocument, line_gap
from annotator.ui.annotate.session import Session, Span
from annotator.ui.annotate.spans import snap
from annotator.ui.shell import palette, style
from annotator.ui.shell.plaintext import menu_text, tooltip

log = logging.getLogger("annotator.ui")

GUTTER = 118
READING_WIDTH_EM = 38  # about 75 characters of a serif face
NOTE_MARK = "✎"
#: Width of the bar that marks where a labeled statement starts.
START_BAR = 3


class Interceptor(Protocol):
    """Something that may take a selection or a click for itself (linking does), before the view
    makes it the current statement. Each returns True when it took it."""

    def take_selection(self, start: int, end: int) -> bool: ...

    def take_click(self, position: int) -> bool: ...


class _Gutter(QWidget):
    def __init__(self, view: ArticleView):
        super().__init__(view)
        self.view = view

    def paintEvent(self, event) -> None:
        self.view.paint_gutter(self, event.rect())


def outline_box(rect: QRectF, pen: float, widen: float = 0.0) -> QRectF:
    """A line's box for an outline of `pen` width: the stroke lies in the gap between lines, just
    outside the line's glyphs (never on a descender of its own line, never on the next line's
    glyphs while the pen is narrower than the gap), `widen` pixels beyond the text at each side."""
    half = pen / 2 + 0.5
    return rect.adjusted(-widen, -half, widen, half)


class ArticleView(QPlainTextEdit):
    """Shows the session's article; reports selections and entity corrections back to it."""

    #: Keys the window's shortcuts own even while the text has focus.
    PASS_THROUGH: ClassVar[set[Qt.Key]] = {
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Delete,
        Qt.Key.Key_J,
        Qt.Key.Key_K,
        Qt.Key.Key_U,
    }

    zoomed = Signal(float)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDocument(PlainDocument(self))
        self.document().setDocumentMargin(START_BAR + 6)  # room left of the text for a statement's start bar
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
        self.theme = palette.theme(style.is_dark())
        self._colors: dict[str, str] = {}
        self._highlighter = Highlighter(self)
        self._gutter = _Gutter(self)
        self._current_qt: tuple[int, int] | None = None
        #: statements with labels or a note, in Qt positions: (start, end, labels, has_note)
        self._marked = Layer([])
        self._margins: tuple[int, int] = (0, 0)
        self._selecting = False
        #: Painters drawn over the text after it (link outlines and hints), each given the painter and the clip.
        self.overlays: list[Callable[[QPainter, QRectF], None]] = []
        #: Painters drawn under the text (outlines), so no stroke ever hides a glyph or a descender.
        self.underlays: list[Callable[[QPainter, QRectF], None]] = []
        #: Painters of the label margin (suggested labels), given the painter, the chips' font metrics and
        #: `line_rects`'s (top, bottom) of a Qt range; drawn after the labels' chips.
        self.gutter_overlays: list[Callable[..., None]] = []
        #: The label margin's chips and note marks painted last time: (label or NOTE_MARK, rectangle).
        self.margin_marks: list[tuple[str, QRectF]] = []
        #: More hover lines for a position (code points): suggested labels.
        self.tooltip_sources: list[Callable[[int], list[str]]] = []
        #: Takes selections and clicks first when set (see `Interceptor`).
        self.interceptor: Interceptor | None = None
        self.updateRequest.connect(lambda *_: self._gutter.update())
        session.articleChanged.connect(self._show_article)
        session.pageChanged.connect(self._show_article)
        session.statementsChanged.connect(self._show_statements)
        session.entitiesChanged.connect(self._show_entities)
        session.currentChanged.connect(self._show_current)
        session.schemeChanged.connect(self._show_statements)

    # -- colours ---------------------------------------------------------------------------

    def label_color(self, name: str) -> QColor:
        if not self._colors:
            self._colors = {label.name: label.color for label in self.session.labels}
        return QColor(self._colors.get(name, "#64748b"))

    def tint(self, name: str) -> str:
        """The background of a statement labeled `name`, in this theme (opaque '#rrggbb')."""
        return palette.label_tint(self.label_color(name).name(), self.theme)

    # -- session → screen ---------------------------------------------------------------

    def _show_article(self) -> None:
        s = self.session
        self._colors = {}
        self._highlighter.reset_formats()
        self._set_layers()
        # setPlainText re-highlights every block once, with the layers already in place
        a, b = s.page_span
        self.setPlainText(s.article.text[a:b] if s.article else "")
        self._place_caret()
        self._gutter.update()

    def _set_layers(self) -> None:
        s = self.session
        qt = s.offsets.span_to_qt
        h = self._highlighter
        h.layers[h.SENTENCE] = Layer([(*qt(a, b), i % 2) for i, (a, b) in enumerate(s.sentences)])
        h.layers[h.MATCH] = Layer([])
        self._set_statement_layer()
        self._set_current()
        self._set_entity_layer()

    def _set_statement_layer(self) -> None:
        qt = self.session.offsets.span_to_qt
        h = self._highlighter
        on_page = self.session.offsets.holds
        statements = [(span, st) for span, st in self.session.statements.items() if on_page(*span)]
        h.layers[h.STATEMENT] = Layer([(*qt(a, b), st.labels) for (a, b), st in statements if st.labels])
        self._marked = Layer([(*qt(a, b), (st.labels, bool(st.note))) for (a, b), st in statements])

    def _set_current(self) -> None:
        s = self.session
        self._current_qt = s.offsets.span_to_qt(*s.current) if s.current and s.offsets.holds(*s.current) else None

    def _set_entity_layer(self) -> None:
        qt = self.session.offsets.span_to_qt
        h = self._highlighter
        h.layers[h.ENTITY] = Layer(
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
        old = set(self._highlighter.layers[Highlighter.STATEMENT].spans)
        self._set_statement_layer()
        changed = sorted({(a, b) for a, b, _ in old ^ set(self._highlighter.layers[Highlighter.STATEMENT].spans)})
        self._rehighlight_range(changed if len(changed) < 50 else [(0, self.session.offsets.qt_length)])
        self.viewport().update()
        self._gutter.update()

    def _show_entities(self) -> None:
        self._set_entity_layer()
        self._highlighter.rehighlight()

    def _show_current(self) -> None:
        self._set_current()
        self._place_caret()
        self.viewport().update()
        self._gutter.update()

    def _place_caret(self) -> None:
        if not self._current_qt or self._selecting:
            return
        cursor = self.textCursor()
        cursor.setPosition(self._current_qt[0])
        self.setTextCursor(cursor)
        end = QTextCursor(self.document())
        end.setPosition(self._current_qt[1])
        self.ensureCursorVisible()
        # the whole statement in view with a line of the text after it (its outline is never cut by the
        # edge), as long as its first line and the outline in the half gap above it stay in view; the
        # scroll bar counts lines
        first, last = self.cursorRect(), self.cursorRect(end)
        step = last.height() + line_gap(last.height())
        overflow = last.bottom() + step + line_gap(last.height()) - self.viewport().height()
        if overflow > 0:
            bar = self.verticalScrollBar()
            lines = min(-(-overflow // step), max(0, (first.top() - line_gap(first.height()) // 2) // step))
            bar.setValue(bar.value() + lines)

    def repaint_marks(self) -> None:
        """Paint the text's marks and the label margin again (an overlay's content changed)."""
        self.viewport().update()
        self._gutter.update()

    def set_hidden_types(self, hidden: set[str]) -> None:
        self.hidden_types = set(hidden)
        self._show_entities()

    def set_matches(self, matches: list[tuple[int, int]], current: int | None) -> None:
        """Show search matches (Qt positions): every one marked, the `current` one in its own colour."""
        h = self._highlighter
        before = [(a, b) for a, b, _ in h.layers[h.MATCH].spans]
        length = self.session.offsets.qt_length
        if len(self.session.pages) > 1:  # the matches on this page only
            kept = [(i, (a, b)) for i, (a, b) in enumerate(matches) if b > 0 and a < length]
            current = next((k for k, (i, _) in enumerate(kept) if i == current), None)
            matches = [span for _, span in kept]
        h.layers[h.MATCH] = Layer([(a, b, i == current) for i, (a, b) in enumerate(matches)])
        changed = before + matches
        self._rehighlight_range(changed if len(changed) < 200 else [(0, self.session.offsets.qt_length)])

    # -- screen → session -----------------------------------------------------------------

    def _selection_cp(self) -> Span | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.session.offsets.span_to_cp(cursor.selectionStart(), cursor.selectionEnd())

    @contextlib.contextmanager
    def keeping_selection(self) -> Iterator[None]:
        """Move the current statement without moving the user's selection (and caret)."""
        self._selecting = True
        try:
            yield
        finally:
            self._selecting = False

    def _take_selection(self) -> None:
        span = self._selection_cp()
        if span is not None and self.interceptor is not None and self.interceptor.take_selection(*span):
            return
        if span is not None:
            with self.keeping_selection():
                self.session.select(*span)

    def go_to_selection(self) -> None:
        """Make the statement holding the selection's start current, leaving the selection shown (a search hit)."""
        span = self._selection_cp()
        if span is None:
            return
        for candidate in self.session.candidates():
            if candidate[0] <= span[0] < candidate[1]:
                with self.keeping_selection():
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
            if self.interceptor is not None and self.interceptor.take_click(position):
                return
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
            meaning = palette.ENTITY_MEANINGS.get(entity.label, "")
            corrected = ", corrected" if entity.source == "user" else ""
            lines.append(f"{entity.label} — {meaning} (entity{corrected})" if meaning else f"{entity.label}{corrected}")
        for (a, b), state in self.session.statements.items():
            if a <= position < b:
                if state.labels:
                    lines.append("labels: " + ", ".join(state.labels))
                if state.note:
                    lines.append(f"note: {state.note}")
        for source in self.tooltip_sources:
            lines += source(position)
        if lines:
            QToolTip.showText(global_pos, tooltip("\n".join(lines)), self)
        else:
            QToolTip.hideText()

    def contextMenuEvent(self, event) -> None:
        position = self._at(event.pos())
        menu = QMenu(self)
        entity = self.entity_at(position)
        types = sorted(set(palette.ENTITY_TYPES) | set(self.session.entity_types()))
        if entity:
            change = menu.addMenu(menu_text(f"Change entity type ({entity.label})"))
            for label in types:
                if label != entity.label:
                    change.addAction(menu_text(label), lambda label=label: self.session.relabel_entity(entity, label))
            menu.addAction(menu_text(f"Remove entity {entity.label}"), lambda: self.session.remove_entity(entity))
        selection = self._selection_cp()
        if selection:
            snapped = snap(*selection, self.session.tokens)
            if snapped:
                add = menu.addMenu(menu_text(f"Add entity “{self.session.excerpt(snapped, 24)}”"))
                for label in types:
                    add.addAction(menu_text(label), lambda label=label: self.session.add_entity(*snapped, label))
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
        self.set_font_size(max(8.0, min(28.0, font.pointSizeF() + step)))
        self.zoomed.emit(self.font().pointSizeF())

    def set_font_size(self, size: float) -> None:
        font = self.font()
        font.setPointSizeF(size)
        self.setFont(font)
        self._margins = (0, 0)
        self._relayout()

    # -- painting ----------------------------------------------------------------------------

    def visible_range(self) -> tuple[int, int]:
        """Qt positions of the first and last characters on screen."""
        first = self.firstVisibleBlock().position()
        last = self.cursorForPosition(QPoint(self.viewport().width(), self.viewport().height())).position()
        return first, last + 1

    def paintEvent(self, event) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_statements(painter, QRectF(event.rect()))
        if self._current_qt:  # in the gaps between lines, under the text: it never hides a descender
            pen = 1.6
            painter.setPen(QPen(QColor(self.theme.accent), pen))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in self.line_rects(*self._current_qt):
                if rect.intersects(QRectF(event.rect())):
                    painter.drawRoundedRect(outline_box(rect, pen, 3), 4, 4)
        for underlay in self.underlays:
            painter.save()
            underlay(painter, QRectF(event.rect()))
            painter.restore()
        painter.end()
        super().paintEvent(event)  # the text, over the tints and outlines
        if self.overlays:
            painter = QPainter(self.viewport())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for overlay in self.overlays:
                painter.save()
                overlay(painter, QRectF(event.rect()))
                painter.restore()
            painter.end()

    def _paint_statements(self, painter: QPainter, clip: QRectF) -> None:
        """Each labeled statement: a band per line (a stripe per label), inset where it starts and ends."""
        painter.setPen(Qt.PenStyle.NoPen)
        for a, b, labels in self._highlighter.layers[Highlighter.STATEMENT].touching(*self.visible_range()):
            rects = self.line_rects(a, b)
            if not rects:
                continue
            tints = [QColor(self.tint(name)) for name in labels]
            gap = line_gap(rects[0].height()) / 2
            for i, rect in enumerate(rects):
                # one band over the statement's lines, across the gaps between them, none outside it
                top = 1.5 if i == 0 else -gap
                bottom = 1.5 if i == len(rects) - 1 else -gap
                # the first line reaches left over the start bar; the last stops short of the next statement
                band = rect.adjusted(-START_BAR - 2 if i == 0 else 0, top, -1 if i == len(rects) - 1 else 0, -bottom)
                if not band.intersects(clip):
                    continue
                path = QPainterPath()
                path.addRoundedRect(band, 3, 3)
                painter.save()
                painter.setClipPath(path)
                height = band.height() / len(tints)
                for k, color in enumerate(tints):
                    painter.fillRect(QRectF(band.left(), band.top() + k * height, band.width(), height), color)
                painter.restore()
            first = rects[0]
            height = (first.height() - 3) / len(labels)
            for k, name in enumerate(labels):  # the start bar, in each label's own colour
                bar = QRectF(first.left() - START_BAR - 2, first.top() + 1.5 + k * height, START_BAR, height)
                painter.fillRect(bar, self.label_color(name))

    def line_rects(self, a: int, b: int) -> list[QRectF]:
        """One rectangle per visual line of the Qt range a-b, in viewport coordinates."""
        rects: list[QRectF] = []
        a, b = max(0, a), min(b, self.session.offsets.qt_length)  # a span partly (or not) on this page
        if b <= a:
            return rects
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
                    if geometry.top() + line.y() > bottom:  # a long paragraph: lines below the view
                        return rects
                    s = max(a, base + line.textStart())
                    e = min(b, base + line.textStart() + line.textLength())
                    if e <= s or (s != a and geometry.top() + line.y() + line.height() < 0):
                        continue  # lines above the view, but for the one the range starts on
                    x1, _ = line.cursorToX(s - base)
                    x2, _ = line.cursorToX(e - base)
                    rects.append(QRectF(x1, line.y(), x2 - x1, line.height()).translated(geometry.topLeft()))
            block = block.next()
        return rects

    def paint_gutter(self, widget: QWidget, clip: QRect) -> None:
        painter = QPainter(widget)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
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

        if self._current_qt:
            found = rect_of(*self._current_qt)
            if found:
                top, bottom = found
                painter.fillRect(QRect(right + 4, top + 2, 3, bottom - top - 4), QColor(self.theme.accent))
        self.margin_marks = []
        floor = -(10**9)  # the bottom of the marks placed so far: a statement's marks start below it
        for a, b, (labels, has_note) in self._marked.touching(*self.visible_range()):
            found = rect_of(a, b)
            if found is None:
                continue
            top, _ = found
            # level with the statement's first line, or just under the previous statement's chips when
            # both start on one line (or its chips run down past this one's start): nothing is covered
            y = max(top + 2, floor + 3)
            x_right = right
            if has_note:
                painter.setPen(QColor(self.theme.muted))
                note_w = metrics.horizontalAdvance(NOTE_MARK) + 4
                mark = QRect(right - note_w, y, note_w, chip_h)
                painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, NOTE_MARK)
                self.margin_marks.append((NOTE_MARK, QRectF(mark)))
                x_right = right - note_w - 2
                floor = max(floor, mark.bottom())
            for name in labels:
                color = self.label_color(name)
                width = metrics.horizontalAdvance(name) + 12
                chip = QRect(x_right - width, y, width, chip_h)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(chip, chip_h / 2, chip_h / 2)
                painter.setPen(QColor(palette.chip_text(color.name())))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
                self.margin_marks.append((name, QRectF(chip)))
                floor = max(floor, chip.bottom())
                y += chip_h + 3
        for overlay in self.gutter_overlays:
            overlay(painter, right, chip_h, rect_of)
        painter.end()
