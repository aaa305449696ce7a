"""How a suggested label looks: never like a decided one.

Where a decided label fills the statement with its tint, puts a solid bar at its start and a
filled chip in the margin, a suggestion draws a dashed bar (a stripe per suggested label) and
a dashed "label?" chip; the label bar's button gets a dashed outline (`label_bar.LabelButton`).
Colours are the label's hue made readable (`palette.suggestion_color`: 3:1 for the marks, AA for
the chip's name), measured in tests/ui/test_palette.py. Hover texts say the probability and
where each suggestion came from, through the plain-text helper where they are shown.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from annotator.ui.annotate.reader.article_view import START_BAR
from annotator.ui.shell import palette


def percent(probability: float) -> str:
    """A probability as the window shows it: whole percents, never a certain-looking "100%" or "0%"."""
    if probability > 0.995:
        return ">99%"
    if probability < 0.005:
        return "<1%"
    return f"{probability:.0%}"


class SuggestionMarks:
    """Draws the current statement's suggestions (`LabelSuggestions.current`) in the article view."""

    def __init__(self, suggestions, view):
        self.suggestions, self.view, self.session = suggestions, view, suggestions.session
        view.overlays.append(self.paint)
        # before the link tags, which are placed off every chip of the margin (`margin_marks`)
        view.gutter_overlays.insert(0, self.paint_gutter)
        view.tooltip_sources.append(self.hover_lines)

    def _drawn(self):
        """(Qt start, Qt end, suggestions) of the suggestion on screen, or None."""
        made, s = self.suggestions.current, self.session
        if made is None or s.article_id != made.article_id:
            return None
        return (*s.offsets.span_to_qt(made.start, made.end), made.suggested)

    def paint(self, painter: QPainter, clip: QRectF) -> None:
        """Where a decided statement has a solid bar in its label's colour, a suggested one has a dashed
        bar (a stripe per suggested label): seen at a glance, never a fill."""
        drawn = self._drawn()
        if drawn is None:
            return
        a, b, suggested = drawn
        view = self.view
        rects = [rect for rect in view.line_rects(a, b) if rect.intersects(clip.adjusted(-20, -4, 0, 4))]
        width = 3.0 / max(1, min(len(suggested), 3))
        for k, suggestion in enumerate(suggested[:3]):
            pen = QPen(QColor(self.color(suggestion.label)), width, Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([2.0 / width, 1.5 / width])
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            for rect in rects:
                x = rect.left() - START_BAR - 2 + width * (k + 0.5)
                painter.drawLine(QPointF(x, rect.top() + 2), QPointF(x, rect.bottom() - 2))

    def paint_gutter(self, painter: QPainter, right: int, chip_h: int, rect_of) -> None:
        """The suggested labels' chips in the margin: dashed outlines with a "?", where decided ones are filled."""
        drawn = self._drawn()
        if drawn is None:
            return
        found = rect_of(drawn[0], drawn[1])
        if found is None:
            return
        metrics = painter.fontMetrics()
        y = found[0] + 2
        for suggestion in drawn[2]:
            name = f"{suggestion.label}?"
            width = metrics.horizontalAdvance(name) + 12
            chip = QRectF(right - width, y, width, chip_h).adjusted(1, 1, -1, -1)
            color = QColor(self.color(suggestion.label))
            pen = QPen(color, 1.4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(chip, chip_h / 2, chip_h / 2)
            painter.setPen(QColor(self.text_color(suggestion.label)))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            self.view.margin_marks.append((name, QRectF(chip)))
            y += chip_h + 3

    def color(self, label: str) -> str:
        """A suggested label's dashes and outline in this theme (`palette.suggestion_color`)."""
        return palette.suggestion_color(self.view.label_color(label).name(), self.view.theme)

    def text_color(self, label: str) -> str:
        """A suggested label's name in the margin: its hue, readable (WCAG AA) on the article's background."""
        th = self.view.theme
        return palette.readable(self.view.label_color(label).name(), [th.base])

    def hover_lines(self, position: int) -> list[str]:
        """The text's hover over the suggested statement: each suggestion, its probability and source."""
        made = self.suggestions.current
        if made is None or self.session.article_id != made.article_id or not made.start <= position < made.end:
            return []
        return [self.describe(s) for s in made.suggested]

    def describe(self, suggestion) -> str:
        """A suggested label's hover text: what it is, its probability and where it came from."""
        lines = [f"suggested: {suggestion.label} — not a label until you accept it (Shift+Enter) or press its key"]
        if suggestion.probability is not None:
            lines.append(f"model's probability {percent(suggestion.probability)}")
        for source in suggestion.sources:
            kind, _, name = source.partition(":")
            lines.append(f"from the model {name}" if kind == "model" else f"from the rule “{name}”")
        return "\n".join(lines)
