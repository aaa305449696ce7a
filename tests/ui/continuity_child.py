"""Child process for the continuity tests: move or type, report, then wait to be killed.

    python -m tests.ui.continuity_child PROJECT place   # next article, two statements down
    python -m tests.ui.continuity_child PROJECT note    # type a note into the note field

"place" prints `placed ARTICLE START END` once the store holds that place. "note" prints
`typed STATE STORED` right after the keystrokes (what the field says, what the file has),
then `saved STATE` once the field says the note is saved. The parent kills it with SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.store import Store
from annotator.ui.annotate.window.main_window import MainWindow

NOTE = "check the source"


def when(condition, then) -> None:
    """Run `then` once `condition` holds, checking from the event loop (the window keeps running)."""
    timer = QTimer()
    timer.setInterval(10)

    def check() -> None:
        if condition():
            timer.stop()
            then()

    timer.timeout.connect(check)
    timer.start()
    when.timers.append(timer)


when.timers = []


def main(project: Path, scenario: str) -> None:
    app = QApplication([])
    settings = QSettings(str(project.with_suffix(".ini")), QSettings.Format.IniFormat)
    settings.setValue("ui/quiet_errors", True)
    store = Store.open(project)
    window = MainWindow(store, "tester", settings)
    window.start(preannotate=False)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.view.setFocus()
    session = window.session
    if scenario == "place":
        QTest.keyClick(window.view, Qt.Key.Key_N)
        QTest.keyClick(window.view, Qt.Key.Key_Down)
        QTest.keyClick(window.view, Qt.Key.Key_Down)
        place = (session.article_id, session.current)
        when(
            lambda: store.places.reading_place("tester") == place,
            lambda: print(f"placed {place[0]} {place[1][0]} {place[1][1]}", flush=True),
        )
    else:
        window.labels.edit_note()
        QTest.keyClicks(window.labels.note, NOTE)
        stored = store.statements.statement_state(session.article_id, "tester", *session.current)[1]
        print(f"typed {window.labels.note_state.text()!r} {stored!r}", flush=True)
        when(
            lambda: window.labels.note_state.text() == "saved",
            lambda: print(f"saved {window.labels.note_state.text()!r}", flush=True),
        )
    app.exec()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
