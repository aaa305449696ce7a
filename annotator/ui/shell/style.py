"""The look of every window: Fusion, the palette of the current theme, the stylesheet, the reading font.

Colours themselves live in `palette` (measured there); this module applies them to Qt.
The theme is `ANNOTATOR_THEME` when set, else the desktop's colour scheme.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from annotator import settings
from annotator.ui.shell import palette

ENTITY_TYPES = palette.ENTITY_TYPES


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def current_theme() -> palette.Theme:
    return palette.theme(is_dark())


def entity_color(label: str) -> QColor:
    """The text colour of an entity of type `label` on the article's own background."""
    return QColor(palette.entity_color(label, current_theme()))


def reading_font(size: float = 12.5) -> QFont:
    """A serif face for long text where one is installed, at a comfortable size."""
    font = QFont()
    font.setFamilies(["Source Serif 4", "Charter", "Georgia", "Noto Serif", "DejaVu Serif", "serif"])
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(size)
    return font


def stylesheet(th: palette.Theme) -> str:
    """resources/style.qss with the theme's colours filled in (@accent, @muted, ...)."""
    path = settings.resource("style.qss")
    qss = path.read_text(encoding="utf-8") if path.exists() else ""
    names = ("accent_text", "accent", "muted", "error", "midlight", "mid", "window", "base", "text")  # longest first
    for name in names:
        qss = qss.replace(f"@{name}", getattr(th, name))
    return qss


def apply_theme(app: QApplication) -> None:
    """Fusion, with the light or dark palette: `ANNOTATOR_THEME` if set, else what the desktop uses."""
    app.setStyle(QStyleFactory.create("Fusion"))
    chosen = settings.theme()
    if chosen == "dark":
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
    elif chosen == "light":
        app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    th = palette.theme(chosen == "dark" if chosen else is_dark())
    app.setPalette(qt_palette(th))
    app.setStyleSheet(stylesheet(th))


def qt_palette(th: palette.Theme) -> QPalette:
    """Qt's palette from a theme: every widget's text and background come from the measured colours."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: th.window,
        QPalette.ColorRole.WindowText: th.text,
        QPalette.ColorRole.Base: th.base,
        QPalette.ColorRole.AlternateBase: th.alternate,
        QPalette.ColorRole.Text: th.text,
        QPalette.ColorRole.Button: th.button,
        QPalette.ColorRole.ButtonText: th.text,
        QPalette.ColorRole.BrightText: th.accent_text,
        QPalette.ColorRole.Light: th.base,
        QPalette.ColorRole.Mid: th.mid,
        QPalette.ColorRole.Midlight: th.midlight,
        QPalette.ColorRole.Dark: th.mid,
        QPalette.ColorRole.PlaceholderText: th.muted,
        QPalette.ColorRole.Highlight: th.accent,
        QPalette.ColorRole.HighlightedText: th.accent_text,
        QPalette.ColorRole.ToolTipBase: th.tooltip_base,
        QPalette.ColorRole.ToolTipText: th.tooltip_text,
        QPalette.ColorRole.Link: th.accent,
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    # disabled text (a label button with no statement chosen) stays readable too
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(th.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(th.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(th.muted))
    return p
