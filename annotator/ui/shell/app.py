"""One start-up for every window: the display check, QApplication, the log file, the theme, the crash dialog.

`annotator` (the annotation window), `annotator review` and the agreement dashboard all
start through `start()` and open their project through `ProjectOpener`, so each one logs
to `annotator.log`, wears the same theme, shows the same crash dialog and takes the
project's lock. `--screenshot` renders offscreen (no display needed) and exits.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import settings
from annotator.text import path_shown
from annotator.ui.shell import style
from annotator.ui.shell.screen import give_screen
from annotator.ui.shell.window_settings import APPLICATION, ORGANISATION
from annotator.ui.shell.workers import wait_for_released

log = logging.getLogger("annotator.ui")

NO_DISPLAY = (
    "annotator: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it on a desktop, "
    "or add --screenshot FILE.png to render the window offscreen."
)
#: Exit code when the window cannot appear (no display): a usage problem, not a failure of the app.
EXIT_NO_DISPLAY = 2


def no_display() -> bool:
    """True on Linux with no display and no Qt platform chosen: the window cannot appear."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


def start(*, screenshot: bool = False, size: tuple[int, int] | None = None) -> QApplication | None:
    """The application, ready for a window; None (after saying why) when no window can appear.

    With `screenshot` the window is only rendered: offscreen when there is no display, and
    errors are printed rather than shown in a dialog; `size` (width, height) is the screen it is
    laid out for (`--size`), the machine's own when None.
    """
    give_screen(size)
    if no_display():
        if not screenshot:
            print(NO_DISPLAY, file=sys.stderr)
            return None
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance() or QApplication([sys.argv[0]])
    prepare(app)
    if not screenshot:
        sys.excepthook = crash_dialog
    return app


def prepare(app: QApplication) -> None:
    """Names (they place the settings file), the log file and the theme."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Annotator")
    setup_logging()
    style.apply_theme(app)


def setup_logging() -> None:
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


def crash_dialog(exc_type, exc, tb) -> None:
    """`sys.excepthook` of every window: log the traceback and show it, saying what is safe."""
    from annotator.ui.shell.plaintext import message_box

    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unhandled exception\n%s", text)
    box = message_box(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        f"{exc_type.__name__}: {exc}",
        "Your work up to the last “saved” message is in the project file. "
        f"Details are in {path_shown(settings.log_dir() / 'annotator.log')}.",
        details=text,
    )
    box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()


def grab_to_png(widget: QWidget, out: Path) -> int:
    """Render `widget` (never shown on screen) to the PNG `out`; returns an exit code and says so."""
    from PySide6.QtCore import Qt

    app = QApplication.instance()
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.show()
    for _ in range(5):
        app.processEvents()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        print(f"annotator: could not write {path_shown(out)}", file=sys.stderr, flush=True)
        return 1
    print(f"wrote {path_shown(out)}", flush=True)
    return 0


def ends_cleanly(run: Callable[..., int]) -> Callable[..., int]:
    """The ending of every command that opens a window (`@ends_cleanly` on its `run`): once the window
    has gone, shown or only grabbed, wait for the threads it released (spaCy still parsing for
    suggestions) before the command returns. Left to `atexit`, the wait would come too late: the
    libraries a thread imported after start-up (spaCy's BLIS) register their own exit handlers, which
    run first and free what the thread is still using, and the process ends in a segmentation fault."""

    @functools.wraps(run)
    def run_then_wait(*args, **kwargs) -> int:
        try:
            return run(*args, **kwargs)
        finally:
            wait_for_released()
            give_screen(None)  # the next window (a test's, in the same process) fits the real screen

    return run_then_wait


def show_or_grab(app: QApplication, window: QWidget, screenshot: Path | None) -> int:
    """Run `window` until the user closes it, or with `screenshot` write its PNG and close it: the
    one ending of every command that opens a window (`annotator review`, `calibrate --window`)."""
    if screenshot is not None:
        code = grab_to_png(window, screenshot)
        window.close()
        return code
    window.show()
    return app.exec()
