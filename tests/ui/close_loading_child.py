"""Child process for the close-while-loading test: open the window as `annotator gui` does on a
project whose articles wait for pre-annotation, close it while spaCy loads for the first time in
this process, and say when.

It prints "loading 1" (the close came during spaCy's loading; 0: it did not), "gone S" (seconds the
close took) and "returned S" (seconds from the close until the command had waited for the load).
Run as `python -m tests.ui.close_loading_child PROJECT`.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.ui.annotate.window import launch
from annotator.ui.annotate.window.main_window import MainWindow

#: Once spaCy is loading, how long before the close (ms).
LOADING_MS = 30
#: Closed regardless after this long (s), so that a load that never starts fails the test, never hangs it.
GIVE_UP = time.monotonic() + 30
began: list[float] = []


def close_while_loading() -> None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if windows and time.monotonic() > GIVE_UP:
        close(windows[0])
        return
    task = getattr(windows[0], "_preannotation", None) if windows else None
    if task is not None and not task.stoppable():
        QTimer.singleShot(LOADING_MS, lambda: close(windows[0]))
        return
    QTimer.singleShot(5, close_while_loading)


def close(window: MainWindow) -> None:
    task = window._preannotation
    print("loading", int(task is not None and not task.stoppable()), flush=True)
    began.append(time.perf_counter())
    window.close()
    print("gone", time.perf_counter() - began[0], flush=True)


if __name__ == "__main__":
    QTimer.singleShot(0, close_while_loading)
    code = launch.run(sys.argv[1])
    print("returned", time.perf_counter() - began[0], flush=True)
    sys.exit(code)
