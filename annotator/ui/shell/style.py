"""The palette: entity colours, statement tints and the stylesheet, for light and dark themes.

Entities are coloured *text* with a dotted underline in a cool, muted family; labels are
*background tints* and margin chips in the scheme's saturated colours. Different channels
keep the two apart even where hues are close.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from annotator import settings

#: spaCy entity types → (text colour on a light background, on a dark one).
ENTITY_COLORS: dict[str, tuple[str, str]] = {
    "PERSON": ("#1d4ed8", "#93c5fd"),
    "GPE": ("#0e7490", "#67e8f9"),
    "LOC": ("#0f766e", "#5eead4"),
    "NORP": ("#4338ca", "#a5b4fc"),
    "ORG": ("#7e22ce", "#d8b4fe"),
    "DATE": ("#57534e", "#d6d3d1"),
    "TIME": ("#57534e", "#d6d3d1"),
    "EVENT": ("#9d174d", "#f9a8d4"),
    "MONEY": ("#3f6212", "#bef264"),
    "CARDINAL": ("#52525b", "#a1a1aa"),
    "ORDINAL": ("#52525b", "#a1a1aa"),
    "PERCENT": ("#52525b", "#a1a1aa"),
    "QUANTITY": ("#52525b", "#a1a1aa"),
    "FAC": ("#155e75", "#7dd3fc"),
    "PRODUCT": ("#6b21a8", "#e9d5ff"),
    "LAW": ("#6b21a8", "#e9d5ff"),
    "LANGUAGE": ("#4338ca", "#a5b4fc"),
    "WORK_OF_ART": ("#6b21a8", "#e9d5ff"),
}
OTHER_ENTITY = ("#475569", "#cbd5e1")
#: The current statement's marker: a calm blue that no label uses.
ACCENT = "#2563eb"
ENTITY_TYPES = sorted(ENTITY_COLORS)


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


def entity_color(label: str) -> QColor:
    light, dark = ENTITY_COLORS.get(label, OTHER_ENTITY)
    return QColor(dark if is_dark() else light)


def tint(color: str | QColor, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def chip_text_color(color: str | QColor) -> QColor:
    """Black or white, whichever reads better on `color`."""
    c = QColor(color)
    luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return QColor("#111827") if luminance > 0.55 else QColor("#ffffff")


def reading_font(size: float = 12.5) -> QFont:
    """A serif face for long text where one is installed, at a comfortable size."""
    font = QFont()
    font.setFamilies(["Source Serif 4", "Charter", "Georgia", "Noto Serif", "DejaVu Serif", "serif"])
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(size)
    return font


def stylesheet() -> str:
    path = settings.resource("style.qss")
    qss = path.read_text(encoding="utf-8") if path.exists() else ""
    return qss.replace("@accent", ACCENT)


def apply_theme(app: QApplication) -> None:
    """Fusion everywhere; `ANNOTATOR_THEME` forces light or dark, else the desktop decides."""
    app.setStyle(QStyleFactory.create("Fusion"))
    theme = settings.theme()
    if theme == "dark":
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(_dark_palette())
    elif theme == "light":
        app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    app.setStyleSheet(stylesheet())


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2329",
        QPalette.ColorRole.WindowText: "#e5e7eb",
        QPalette.ColorRole.Base: "#171a1f",
        QPalette.ColorRole.AlternateBase: "#1f2329",
        QPalette.ColorRole.Text: "#e5e7eb",
        QPalette.ColorRole.Button: "#2a2f37",
        QPalette.ColorRole.ButtonText: "#e5e7eb",
        QPalette.ColorRole.Mid: "#3a404a",
        QPalette.ColorRole.Midlight: "#2f353e",
        QPalette.ColorRole.PlaceholderText: "#9ca3af",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2a2f37",
        QPalette.ColorRole.ToolTipText: "#e5e7eb",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    return p
