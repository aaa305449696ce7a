"""The article's document and its character formats: paragraph spacing, entities, search matches.

The stored text goes in with `setPlainText` only, never as HTML, and is never changed: the
space between paragraphs is added by the layout (`SpacedLayout`), so every Qt position is
still the UTF-16 offset into the stored text. Formats are set per block by a
`QSyntaxHighlighter` over spans kept in Qt positions, so a change redraws only the blocks
it touches. Statement tints are painted under the text by the view, not set here.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import Protocol

from PySide6.QtCore import QObject, QPointF, QUrl
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

from annotator.ui.shell import palette


class Canvas(Protocol):
    """What the highlighter needs of its view: the document, the theme, and each label's tint."""

    theme: palette.Theme

    def document(self) -> QTextDocument: ...

    def tint(self, name: str) -> str: ...


log = logging.getLogger("annotator.ui")

#: Space under a paragraph followed by another one, in line heights.
PARAGRAPH_SPACING = 0.6
#: Space between two lines, in line heights (at least `MIN_LINE_GAP` pixels): the room outlines are
#: drawn in, so a statement's or a link's outline never touches a glyph, its own line's descenders
#: included (QPlainTextEdit has no line height of its own: QTextBlockFormat's is QTextEdit's only).
#: The link hints' badges sit in it too, so it is tall enough for capitals of 10 pixels or more at
#: the reading size (a 0.4 gap gave a laptop 6-pixel letters, readable only zoomed in).
LINE_GAP = 0.55
MIN_LINE_GAP = 11


def line_gap(line_height: float) -> int:
    """The pixels between two lines of text `line_height` high (half above a line, half below)."""
    return max(MIN_LINE_GAP, round(line_height * LINE_GAP))


class SpacedLayout(QPlainTextDocumentLayout):
    """Plain-text layout with a gap between lines and space between paragraphs: every line gets half
    a `line_gap` above and below it, and a line of text followed by another line of text (no blank
    line between) gets `PARAGRAPH_SPACING` of its line height below it.

    The text and its offsets are untouched: only the lines' positions move (QTextLine.setPosition,
    after Qt laid the block out) and the block's bounding rectangle grows, through which
    QPlainTextEdit positions, paints and hit-tests blocks.
    """

    def blockBoundingRect(self, block: QTextBlock):
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        if not layout.lineCount():
            return rect
        gap = line_gap(layout.lineAt(0).height())
        top = gap // 2
        if layout.lineAt(0).y() != top:  # laid out (again) by Qt: give each line its gap
            y = top
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                line.setPosition(QPointF(line.x(), y))
                y += line.height() + gap
            rect = super().blockBoundingRect(block)
        rect.setHeight(rect.height() + gap - top)
        following = block.next()
        if block.length() > 1 and following.isValid() and following.length() > 1:
            rect.setHeight(rect.height() + round(layout.lineAt(0).height() * PARAGRAPH_SPACING))
        return rect


class PlainDocument(QTextDocument):
    """An article's document: plain text, paragraphs spaced, and never a resource loaded.

    Articles are untrusted; they are set with setPlainText only, so nothing should ever
    ask for an image or stylesheet. Should anything try, it gets nothing, and the
    attempt is counted and logged (tests spy on `loads`).
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setDocumentLayout(SpacedLayout(self))
        self.loads: list[str] = []

    def loadResource(self, kind: int, name: QUrl) -> object:
        self.loads.append(name.toString())
        log.warning("refused to load %s into an article", name.toString())
        return None


class Layer:
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


class Highlighter(QSyntaxHighlighter):
    """Character formats from four layers: sentences, labeled statements (their labels), entities, matches."""

    SENTENCE, STATEMENT, ENTITY, MATCH = range(4)

    def __init__(self, view: Canvas):
        super().__init__(view.document())
        self.view = view
        self.layers = [Layer([]) for _ in range(4)]
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

    def _format(self, sentence, labels, entity, match) -> QTextCharFormat:
        """What a stretch of text looks like; its text colour always reads at 4.5:1 on what is under it."""
        th = self.view.theme
        fmt = QTextCharFormat()
        if match is not None:  # the search match wins: text in the theme's colour on the match colour
            fmt.setBackground(QColor(th.current_match if match else th.match))
            fmt.setForeground(QColor(th.text))
            return fmt
        under = [th.alternate if sentence == 1 else th.base]
        if labels:
            under = [self.view.tint(name) for name in labels]
        if entity:
            color = QColor(palette.readable(palette.entity_color(entity, th), under))
            fmt.setForeground(color)
            style = (
                QTextCharFormat.UnderlineStyle.DashUnderline
                if entity in palette.VALUE_TYPES
                else QTextCharFormat.UnderlineStyle.DotLine
            )
            fmt.setUnderlineStyle(style)
            fmt.setUnderlineColor(color)
        if sentence == 1 and not labels:
            fmt.setBackground(QColor(th.alternate))
        return fmt
