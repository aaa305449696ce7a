"""Links drawn over the article: the current statement's linked ends outlined, hints while linking.

- The current statement's links: each other end outlined in its type's colour (on a halo of
  the page colour, so the outline reads at 3:1 whatever tint is under it) with a small tag
  naming the type. Outlines lie in the gaps between lines, off every glyph, and are painted under the text;
  tags sit in the margin left of the text, level with the outline's first line. Statements
  linking *to* it are outlined dashed; a suggested speaker dashed, its tag ending in "?".
- Hint mode: a badge with each candidate's letters just left of it (letters already typed in
  a muted colour; candidates that no longer match lose their badge).
- Statement mode (L): the statement pointed at, outlined thick and dashed, tagged "Enter: type".

Colours come from `palette` (`link_color`, the hint colours), measured in tests/ui/test_palette.py.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from annotator.ui.annotate.links.link_mode import HintMode, LinkController, StatementMode
from annotator.ui.annotate.reader.article_view import outline_box
from annotator.ui.shell import palette

OUTLINE = 2.0
HALO = 4.5


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
        if s.article is None or s.current is None or isinstance(mode, HintMode):
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
            for placed in self.margin_tags:
                if placed.intersects(chip):
                    chip.moveLeft(placed.right() + 3)
            self.margin_tags.append(QRectF(chip))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(chip, 3, 3)
            painter.setPen(QColor(palette.chip_text(color.name())))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)

    def _hints(self, painter: QPainter, mode: HintMode, clip: QRectF) -> None:
        th = self.view.theme
        font = self._font(0.8)
        font.setWeight(QFont.Weight.Bold)
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        color = self.color(mode.type.name)
        for entity, hint in zip(mode.candidates, mode.hints, strict=True):
            if not hint.startswith(mode.typed):
                continue
            rects = self._rects((entity.start, entity.end))
            if not rects:
                continue
            first = rects[0]
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(color, 1.2, Qt.PenStyle.DotLine))
            for rect in rects:
                painter.drawRoundedRect(rect.adjusted(-1, 0, 1, 0), 2, 2)
            label = hint.upper()
            w = metrics.horizontalAdvance(label) + 8
            h = metrics.height() + 2
            # just left of the entity, over the space before it; never out of the view at a line's start
            badge = QRectF(max(0.0, first.left() - w + 1), first.center().y() - h / 2, w, h)
            if not badge.intersects(clip):
                continue
            painter.setPen(QPen(QColor(th.hint_text), 1))
            painter.setBrush(QColor(th.hint))
            painter.drawRoundedRect(badge, 3, 3)
            typed = mode.typed.upper()
            x = badge.left() + 4
            baseline = badge.top() + (h - metrics.height()) / 2 + metrics.ascent()
            if typed:
                painter.setPen(QColor(th.hint_typed))
                painter.drawText(QPointF(x, baseline), typed)
                x += metrics.horizontalAdvance(typed)
            painter.setPen(QColor(th.hint_text))
            painter.drawText(QPointF(x, baseline), label[len(typed) :])
