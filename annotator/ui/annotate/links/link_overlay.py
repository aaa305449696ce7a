"""Links drawn over the article: the current statement's linked ends outlined, hints while linking.

- The current statement's links: each other end outlined in its type's colour (on a halo of
  the page colour, so the outline reads at 3:1 whatever tint is under it) with a small tag
  naming the type. Outlines lie in the gaps between lines, off every glyph, and are painted under the text;
  tags sit in the margin left of the text, level with the outline's first line (beside or below the
  label chips there when they would meet: nothing in the margin covers another). Statements
  linking *to* it are outlined dashed; a suggested speaker dashed, its tag ending in "?".
- Hint mode: each candidate outlined dotted in the gaps round it, under the text, and a badge with
  its letters in the line gap just above its first word, its capitals as tall as the gap allows
  (letters already typed in a muted colour; candidates that no longer match lose their badge).
  Like the outlines, no badge covers a glyph (tests/ui/test_legible_links.py).
- Statement mode (L): the statement pointed at, outlined thick and dashed, tagged "Enter: type".

Colours come from `palette` (`link_color`, the hint colours), measured in tests/ui/test_palette.py.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from annotator.ui.annotate.links.link_mode import HintMode, LinkController, StatementMode
from annotator.ui.annotate.reader.article_view import outline_box
from annotator.ui.annotate.reader.highlighter import line_gap
from annotator.ui.shell import palette

OUTLINE = 2.0
HALO = 4.5
#: The dotted outline round each candidate while linking.
HINT_PEN = 1.2


class LinkOverlay:
    """A painter for `ArticleView.overlays`."""

    def __init__(self, controller: LinkController):
        self.controller = controller
        self.view = controller.view
        self.session = controller.session
        controller.view.underlays.append(self.paint_outlines)
        controller.view.overlays.append(self)
        controller.view.gutter_overlays.append(self.paint_tags)
        self._pending: list[tuple[QRectF, QColor, str]] = []
        #: Every outline painted last time (its outer edges), viewport coordinates.
        self.painted: list[QRectF] = []
        #: The tags painted last time in the margin left of the text, margin coordinates.
        self.margin_tags: list[QRectF] = []
        self._shown_tags: list[tuple[float, str]] = []
        #: The hint badges painted last time, viewport coordinates (in the line gaps, off the text).
        self.hint_badges: list[QRectF] = []

    def color(self, name: str) -> QColor:
        kind = self.controller.type_named(name)
        return QColor(palette.link_color(kind.color if kind else "#57534e", self.view.theme))

    def _mode(self):
        """The linking mode (None also when there is no article or no current statement)."""
        s = self.session
        return None if s.article is None or s.current is None else self.controller.mode

    def __call__(self, painter: QPainter, clip: QRectF) -> None:
        """Over the text: the hints while linking (outlines are under the text, tags in the margin)."""
        mode = self._mode()
        if isinstance(mode, HintMode):
            self._hints(painter, mode, clip)

    def paint_outlines(self, painter: QPainter, clip: QRectF) -> None:
        """Under the text: the outlines of the current statement's links (their tags go to the margin)."""
        self._pending = []  # tags, painted in the margin left of the text by `paint_tags`
        self.painted = []
        try:
            self._paint_outlines(painter, clip)
        finally:
            shown = [(rect.top(), tag) for rect, _, tag in self._pending]
            if shown != self._shown_tags:  # the margin paints apart from the text: ask it to follow
                self._shown_tags = shown
                self.view._gutter.update()

    def _paint_outlines(self, painter: QPainter, clip: QRectF) -> None:
        s, c = self.session, self.controller
        mode = self._mode()
        if isinstance(mode, HintMode):
            self._hint_outlines(painter, mode, clip)
            return
        if s.article is None or s.current is None:
            return
        if isinstance(mode, StatementMode):
            color = self.color(mode.type.name)
            self._outline(painter, mode.target, color, f"Enter: {mode.type.name}", clip, dashed=True, width=2.6)
        else:
            for link in c.outgoing():
                self._outline(painter, link.child, self.color(link.label), link.label, clip)
            for link in c.incoming():
                self._outline(painter, link.head, self.color(link.label), f"{link.label} →", clip, dashed=True)
            suggestion = c.suggestion()
            if suggestion is not None:
                color = self.color(suggestion.label)
                self._outline(painter, suggestion.child, color, f"{suggestion.label}?", clip, dashed=True)

    # -- pieces -----------------------------------------------------------------------------

    def _rects(self, span: tuple[int, int]) -> list[QRectF]:
        return self.view.line_rects(*self.session.offsets.span_to_qt(*span))

    def _outline(
        self,
        painter: QPainter,
        span: tuple[int, int],
        color: QColor,
        tag: str,
        clip: QRectF,
        *,
        dashed: bool = False,
        width: float = OUTLINE,
    ) -> None:
        rects = [outline_box(r, width + HALO, 2) for r in self._rects(span)]
        if not rects or not any(r.adjusted(-4, -16, 4, 4).intersects(clip) for r in rects):
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        halo = QPen(QColor(self.view.theme.base), width + HALO)
        pen = QPen(color, width)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        for stroke in (halo, pen):
            painter.setPen(stroke)
            for rect in rects:
                painter.drawRoundedRect(rect, 3, 3)
        half = (width + HALO) / 2
        self.painted += [rect.adjusted(-half, -half, half, half) for rect in rects]
        self._pending.append((rects[0], color, tag))

    def _font(self, scale: float = 0.62) -> QFont:
        font = QFont(self.view.font())
        font.setPointSizeF(max(7.0, self.view.font().pointSizeF() * scale))
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def paint_tags(self, painter: QPainter, right: int, chip_h: int, rect_of) -> None:
        """In the margin left of the text, level with each outline's first line: the link type's name
        in a small chip of its colour. Nothing is drawn over the text, so no tag hides a word."""
        font = self._font()
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        self.margin_tags = []
        for rect, color, text in self._pending:
            height = min(metrics.height() + 2, rect.height())
            chip = QRectF(4, rect.center().y() - height / 2, metrics.horizontalAdvance(text) + 8, height)
            chip = self._free_place(chip, right)
            self.margin_tags.append(QRectF(chip))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(chip, 3, 3)
            painter.setPen(QColor(palette.chip_text(color.name())))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)

    def _free_place(self, chip: QRectF, right: int) -> QRectF:
        """`chip` moved to where it covers no label chip, note mark or other tag of the margin: beside
        the tags already on its line while it fits left of the label chips, else stacked below them."""
        taken = [rect for _, rect in self.view.margin_marks] + self.margin_tags
        chip = QRectF(chip)
        for _ in range(len(taken) + 1):
            hit = [placed for placed in taken if placed.intersects(chip)]
            if not hit:
                return chip
            beside = QRectF(chip).translated(max(p.right() for p in hit) + 3 - chip.left(), 0)
            if beside.right() <= right and not any(p.intersects(beside) for p in taken):
                return beside
            chip.moveTop(max(p.bottom() for p in hit) + 2)
            chip.moveLeft(4)
        return chip

    def _hint_outlines(self, painter: QPainter, mode: HintMode, clip: QRectF) -> None:
        """Under the text, while linking: each candidate still matching outlined dotted in the gaps
        around its lines, so the outline never crosses a glyph."""
        color = self.color(mode.type.name)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(color, HINT_PEN, Qt.PenStyle.DotLine))
        for entity, hint in zip(mode.candidates, mode.hints, strict=True):
            if not hint.startswith(mode.typed):
                continue
            for rect in self._rects((entity.start, entity.end)):
                box = outline_box(rect, HINT_PEN, 1)
                if box.adjusted(-2, -2, 2, 2).intersects(clip):
                    painter.drawRoundedRect(box, 2, 2)
                half = HINT_PEN / 2
                self.painted.append(box.adjusted(-half, -half, half, half))

    def hint_font(self, band: float) -> QFont:
        """The hint letters' font: bold capitals as tall as fit in a badge `band` pixels high, half
        a pixel to spare above and below: the smallest line gap, 11 pixels, takes 10-pixel capitals. Unhinted,
        so the capitals scale with the gap rather than snapping a pixel or two smaller."""
        font = QFont(self.view.font())
        font.setWeight(QFont.Weight.Black)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        font.setPixelSize(100)
        ratio = QFontMetricsF(font).capHeight() / 100 or 0.73
        font.setPixelSize(max(6, int((band - 1) / ratio)))
        return font

    def hint_band(self, rect: QRectF, glyphs: float) -> QRectF:
        """The free band above a candidate's first line (below it when that is out of view): from
        the previous line's glyphs (`glyphs` high, ascent to descent) to this line's."""
        gap = line_gap(rect.height())
        free = gap + max(0.0, rect.height() - glyphs)
        top = rect.top() - free
        if top < 0:  # the first line in view: the gap under it
            top = rect.top() + glyphs
        return QRectF(rect.left(), top, rect.width(), free)

    def _hints(self, painter: QPainter, mode: HintMode, clip: QRectF) -> None:
        """Each matching candidate's letters on a badge in the line gap just above its first word,
        left-aligned with it: over no glyph, its own or another line's."""
        th = self.view.theme
        self.hint_badges = []
        text_metrics = QFontMetricsF(self.view.font())
        glyphs = text_metrics.ascent() + text_metrics.descent()
        fonts: dict[float, tuple[QFont, QFontMetricsF]] = {}  # by band height: one per paint, mostly
        on_line: dict[float, list[QRectF]] = {}  # the badges placed in each gap
        right_edge = self.view.viewport().width()
        for entity, hint in zip(mode.candidates, mode.hints, strict=True):
            if not hint.startswith(mode.typed):
                continue
            rects = self._rects((entity.start, entity.end))
            if not rects:
                continue
            band = self.hint_band(rects[0], glyphs)
            if band.height() not in fonts:
                font = self.hint_font(band.height())
                fonts[band.height()] = (font, QFontMetricsF(font))
            font, metrics = fonts[band.height()]
            label = hint.upper()
            w = metrics.horizontalAdvance(label) + 5
            badge = QRectF(band.left() - 1, band.top() + 0.25, w, band.height() - 0.5)
            placed_here = on_line.setdefault(band.top(), [])
            for placed in sorted(placed_here, key=QRectF.left):  # candidates close on one line: side by side
                if placed.intersects(badge):
                    badge.moveLeft(placed.right() + 2)
            badge.moveLeft(max(0.0, min(badge.left(), right_edge - w)))
            placed_here.append(QRectF(badge))
            self.hint_badges.append(QRectF(badge))
            if not badge.intersects(clip):
                continue
            painter.setFont(font)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(th.hint))
            painter.drawRoundedRect(badge, 2, 2)
            typed = mode.typed.upper()
            x = badge.left() + 2.5
            baseline = badge.center().y() + metrics.capHeight() / 2
            if typed:
                painter.setPen(QColor(th.hint_typed))
                painter.drawText(QPointF(x, baseline), typed)
                x += metrics.horizontalAdvance(typed)
            painter.setPen(QColor(th.hint_text))
            painter.drawText(QPointF(x, baseline), label[len(typed) :])
