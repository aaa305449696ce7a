"""Child process for the close test: open the window as `annotator gui` does, close it (as Ctrl+Q
does) while spaCy parses the article for speaker suggestions, and say when.

It prints "parsing 1" (the parse was under way; 0: it was not), "closed T" (time.time() as the
close began), "gone S" (seconds the close took) and "returned S" (seconds from the close until the
command's background work had ended); the parent times the process's exit.
Run as `python -m tests.ui.close_child PROJECT`.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.nlp.speakers import parser_pipeline
from annotator.ui.annotate.links.link_suggestions import TASK_NAME
from annotator.ui.annotate.window import launch
from annotator.ui.annotate.window.main_window import MainWindow

#: Once spaCy is loaded, how long the parse runs before the close (ms).
PARSING_MS = 150
#: Closed regardless after this long (s), so that a parse that never starts fails the test, never hangs it.
GIVE_UP = time.monotonic() + 30
began: list[float] = []


def close_while_parsing() -> None:
    """Close the window once its speaker suggestions are past spaCy's loading, into the parse."""
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if windows and time.monotonic() > GIVE_UP:
        close(windows[0])
        return
    if windows and TASK_NAME in windows[0].runner.running() and parser_pipeline.cache_info().currsize:
        QTimer.singleShot(PARSING_MS, lambda: close(windows[0]))
        return
    QTimer.singleShot(10, close_while_parsing)


def close(window: MainWindow) -> None:
    print("parsing", int(TASK_NAME in window.runner.running()), flush=True)  # 0: the article was too short
    began.append(time.time())
    print("closed", began[0], flush=True)
    window.close()
    print("gone", time.time() - began[0], flush=True)


if __name__ == "__main__":
    QTimer.singleShot(0, close_while_parsing)
    code = launch.run(sys.argv[1])
    print("returned", time.time() - began[0], flush=True)
    sys.exit(code)
