"""Child process for the kill test: open the window, make N labeled statements by key, wait.

After each key press returns (the action is committed by then) it prints "saved K", so
the parent can kill it at any point and know what the window had confirmed.

Run as `python -m tests.ui.kill_child PROJECT N`; the parent kills it with SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.store import Store
from annotator.ui.annotate.window.main_window import MainWindow


def main(project: Path, n: int) -> None:
    app = QApplication([])
    settings = QSettings(str(project.with_suffix(".ini")), QSettings.Format.IniFormat)
    settings.setValue("ui/quiet_errors", True)
    window = MainWindow(Store.open(project), "tester", settings)
    window.start(preannotate=False)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.view.setFocus()
    keys = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3]
    for i in range(n):
        QTest.keyClick(window.view, keys[i % len(keys)])
        print(f"saved {i + 1} {window.save_state.text()}", flush=True)
        QTest.keyClick(window.view, Qt.Key.Key_Down)
    print("ready", flush=True)
    app.exec()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
