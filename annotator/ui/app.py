"""Starting the window: the QApplication, first start, the project to open, screenshots, crashes."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from annotator import settings

log = logging.getLogger("annotator.ui")


def no_display() -> bool:
    """True on Linux with no display and no Qt platform chosen: the window cannot appear."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


def run(db_path: Path | None, *, article: int | None = None, screenshot: Path | None = None) -> int:
    """Open the window on `db_path` (None: the last project, or the sample on first start).

    With `screenshot`, render the window to that PNG and return at once. Returns an exit code.
    """
    if no_display():
        if screenshot is None:
            print(
                "annotator: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it on a desktop, "
                "or use `annotator gui --screenshot FILE.png` to render the window offscreen.",
                file=sys.stderr,
            )
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    _setup_logging()
    from annotator.ui.controller import Controller

    controller = Controller(app, quiet=screenshot is not None)
    if screenshot is None:
        sys.excepthook = controller.excepthook
    window = controller.open(db_path, article=article, preannotate=screenshot is None)
    if window is None:
        return 1
    if screenshot is not None:
        return controller.screenshot(window, screenshot)
    return app.exec()


def _setup_logging() -> None:
    """Log to annotator.log in the user's log folder (the current one, should it change)."""
    logger = logging.getLogger("annotator")
    target = settings.log_dir() / "annotator.log"
    for handler in [h for h in logger.handlers if isinstance(h, logging.FileHandler)]:
        if Path(handler.baseFilename) == target.resolve():
            return
        logger.removeHandler(handler)
        handler.close()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(target, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def format_exception(exc_type, exc, tb) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb))
