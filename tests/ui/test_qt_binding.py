"""The Qt binding itself must not break long sessions.

PySide6 6.12.0 takes a reference from None on every call that returns None; on Python
before 3.12 the app then dies with "none_dealloc" after a few thousand clicks. This
test fails on any binding with that bug, so an upgrade cannot bring it back.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_that_return_none_do_not_use_up_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
    assert sys.getrefcount(None) - before > -50
