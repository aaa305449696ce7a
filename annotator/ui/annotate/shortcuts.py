"""Every keyboard shortcut in one table: the window binds from it and the F1 sheet shows it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout


@dataclass(frozen=True)
class Shortcut:
    name: str
    title: str
    keys: tuple[str, ...]
    section: str


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("next_statement", "Next statement", ("Down", "J"), "Statements"),
    Shortcut("prev_statement", "Previous statement", ("Up", "K"), "Statements"),
    *(Shortcut(f"label_{n}", f"Toggle label {n}", (str(n),), "Statements") for n in range(1, 10)),
    Shortcut("clear", "Clear the statement's labels", ("Del",), "Statements"),
    Shortcut("undo", "Undo (any action, entity corrections too)", ("Ctrl+Z",), "Editing"),
    Shortcut("redo", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Editing"),
    Shortcut("next_article", "Next article", ("N",), "Articles"),
    Shortcut("prev_article", "Previous article", ("P",), "Articles"),
    Shortcut("done_next", "Mark done, go to the next unfinished article", ("Ctrl+Return", "Ctrl+Enter"), "Articles"),
    Shortcut("search", "Search in the article", ("Ctrl+F",), "View"),
    Shortcut("zoom_in", "Larger text", ("Ctrl++", "Ctrl+="), "View"),
    Shortcut("zoom_out", "Smaller text", ("Ctrl+-",), "View"),
    Shortcut("shortcut_sheet", "This sheet", ("F1", "?"), "Help"),
)

#: Shown on the sheet although they are not window shortcuts.
MOUSE: tuple[tuple[str, str], ...] = (
    ("Select text (mouse, or Shift+arrows)", "makes it the statement, snapped to whole words"),
    ("Click a sentence", "makes it the current statement"),
    ("Right-click an entity", "change its type or remove it"),
    ("Select text, right-click", "add an entity"),
)


def display(keys: tuple[str, ...]) -> str:
    return " or ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) or k for k in keys)


def make_actions(parent, handlers: dict[str, object]) -> dict[str, QAction]:
    """One QAction per shortcut, bound to `handlers[name]` (a callable), added to `parent`."""
    actions: dict[str, QAction] = {}
    for sc in SHORTCUTS:
        action = QAction(sc.title, parent)
        action.setObjectName(f"action_{sc.name}")
        action.setShortcuts([QKeySequence(k) for k in sc.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False, fn=handlers[sc.name]: fn())
        parent.addAction(action)
        actions[sc.name] = action
    return actions


class ShortcutSheet(QDialog):
    def __init__(self, labels: dict[str, str], parent=None):
        """`labels` maps a key ("1") to the label it toggles in this project."""
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        rows: list[tuple[str, str, str]] = []
        for sc in SHORTCUTS:
            title = sc.title
            if sc.name.startswith("label_"):
                key = sc.name.removeprefix("label_")
                if key not in labels:
                    continue
                title = f"Toggle label “{labels[key]}”"
            rows.append((sc.section, display(sc.keys), title))
        rows.extend(("Mouse", what, does) for what, does in MOUSE)
        table = QTableWidget(len(rows), 3, self)
        table.setHorizontalHeaderLabels(["", "Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        previous = None
        for i, (section, keys, title) in enumerate(rows):
            items = (section if section != previous else "", keys, title)
            previous = section
            for j, text in enumerate(items):
                table.setItem(i, j, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(620, 560)
