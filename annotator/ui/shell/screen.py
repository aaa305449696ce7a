"""The screen a window is sized for: the real one, or the one `--size WxH` gives a screenshot.

Every window fits itself to the free area of its screen (`free_area`). A screenshot rendered with
`--size 1366x768` sees a screen of that size instead, so the layout is the one a user of a
1366×768 laptop sees (the window filling it, the legend folded on a short screen), and the PNG
is 1366×768 whatever the machine it was rendered on (offscreen, there is no real screen at all).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

_given: QSize | None = None


def give_screen(size: tuple[int, int] | None) -> None:
    """From now on windows are laid out for a screen of `size` (width, height); None: the real one."""
    global _given
    _given = QSize(*size) if size is not None else None


def given_screen() -> QSize | None:
    """The screen size `--size` gave, if any: a window rendered for it fills it."""
    return _given


def free_area(widget: QWidget) -> QRect | None:
    """The free area of the screen `widget` is on, as its sizing code must see it: the screen `--size`
    gave, else the real screen's; None offscreen without `--size` (no real screen to fit)."""
    if _given is not None:
        return QRect(0, 0, _given.width(), _given.height())
    screen = widget.screen()
    if screen is None or QGuiApplication.platformName() == "offscreen":
        return None
    return screen.availableGeometry()


def fit(widget: QWidget, width: int, height: int, *, within_screen: bool = True) -> None:
    """Size `widget` to `width`×`height`, `within_screen` at most its screen's free area; a screen
    `--size` gave is filled (the window as maximised there)."""
    if _given is not None:
        widget.resize(_given)
        return
    area = free_area(widget)  # offscreen without `--size`: no screen to fit, the size asked for
    if within_screen and area is not None:
        width, height = min(width, area.width()), min(height, area.height())
    widget.resize(width, height)
