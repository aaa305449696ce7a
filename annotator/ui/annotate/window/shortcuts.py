"""Every keyboard shortcut in one table: the window binds from it and the F1 sheet shows it.

The sheet lists every entry here (window keys, keys the search bar and legend answer to, the
mouse), in two columns sized to their content, so it fits a 1280×720 screen without scrolling.
A description too long for its column wraps, and its row is as tall as its lines (never clipped).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from annotator.ui.shell.plaintext import plain_label


@dataclass(frozen=True)
class Shortcut:
    """One key, one decision: `writes` says what pressing it writes to the project ("" for a key
    that moves or shows, which never writes; `tests/ui/test_key_audit.py` presses each and counts)."""

    name: str
    title: str
    keys: tuple[str, ...]
    section: str
    writes: str = ""


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("next_statement", "Next statement (never writes a label)", ("Down", "J", "Return", "Enter"), "Statements"),
    Shortcut("prev_statement", "Previous statement", ("Up", "K"), "Statements"),
    Shortcut("next_unlabeled", "Next statement without a label", ("U",), "Statements"),
    Shortcut("next_page", "Next part of a long article", ("Ctrl+PgDown",), "Statements"),
    Shortcut("prev_page", "Previous part of a long article", ("Ctrl+PgUp",), "Statements"),
    Shortcut("next_uncertain", "Next uncertain statement (any article)", ("Shift+U",), "Statements"),
    Shortcut(
        "accept_labels",
        "Accept the suggested labels (writes them; stays on the statement)",
        ("Shift+Return", "Shift+Enter"),
        "Statements",
        "the suggested labels on the statement",
    ),
    *(
        Shortcut(
            f"label_{n}", f"Toggle label {n}", (str(n),), "Statements", "adds or removes that label on the statement"
        )
        for n in range(1, 10)
    ),
    Shortcut(
        "clear",
        "Clear the statement's labels (and its links)",
        ("Del",),
        "Statements",
        "removes the statement's labels and links",
    ),
    Shortcut("note", "Write a note on the statement", ("Ctrl+M",), "Statements", "the note, when you leave the field"),
    Shortcut("guidelines", "Show or hide the guidelines for the statement's label", ("G",), "Statements"),
    Shortcut(
        "link_s",
        "Link to an entity with the link type on S (speaker, unless the scheme changed it)",
        ("S",),
        "Links",
        "nothing yet: the hint letter you press next writes the link",
    ),
    Shortcut(
        "link_t",
        "Link to an entity with the link type on T (target, unless the scheme changed it)",
        ("T",),
        "Links",
        "nothing yet: the hint letter you press next writes the link",
    ),
    Shortcut(
        "link_statement",
        "Link to another statement",
        ("L",),
        "Links",
        "nothing yet: Enter on the other statement writes the link",
    ),
    Shortcut(
        "accept_suggestion",
        "Accept the suggested speaker",
        ("Shift+S",),
        "Links",
        "a speaker link to the suggested entity",
    ),
    Shortcut(
        "choose_actor",
        "Accept the actor of a link end, again: the next actor",
        ("A",),
        "Links",
        "the actor the speaker or target end stands for (your choice)",
    ),
    Shortcut("next_actor_end", "Which link end A gives an actor to: the next", ("Shift+A",), "Links"),
    Shortcut(
        "undo",
        "Undo (any action, links and entity corrections too)",
        ("Ctrl+Z",),
        "Editing",
        "takes back the last change",
    ),
    Shortcut("redo", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Editing", "makes the undone change again"),
    Shortcut("next_article", "Next article", ("N",), "Articles"),
    Shortcut("prev_article", "Previous article", ("P",), "Articles"),
    Shortcut(
        "done_next",
        "Mark the statements done, go to the next unfinished article",
        ("Ctrl+Return", "Ctrl+Enter"),
        "Articles",
        "the article's status: done (statements only), then moves on",
    ),
    Shortcut(
        "review_entities",
        "Mark the article's entities reviewed by you (again: take it back)",
        ("Ctrl+Shift+E",),
        "Articles",
        "your review of the article's entities (or takes it back)",
    ),
    *(
        Shortcut(
            f"category_{n}",
            f"Toggle category {n}",
            (f"Shift+{n}",),
            "Articles",
            "adds or removes that article category",
        )
        for n in range(1, 10)
    ),
    Shortcut("search", "Search in the article", ("Ctrl+F",), "Search"),
    Shortcut("search_next", "Next match", ("F3",), "Search"),
    Shortcut("search_prev", "Previous match", ("Shift+F3",), "Search"),
    Shortcut("corpus_search", "Search every article: the hit list", ("Ctrl+Shift+F",), "Search"),
    Shortcut("escape", "Close the search (you stay at the match) · leave the note field", ("Esc",), "Search"),
    Shortcut("zoom_in", "Larger text", ("Ctrl++", "Ctrl+="), "View"),
    Shortcut("zoom_out", "Smaller text", ("Ctrl+-",), "View"),
    Shortcut("shortcut_sheet", "This sheet", ("F1", "?"), "Help"),
    Shortcut("quit", "Quit", ("Ctrl+Q",), "Help"),
)

#: Keys answered inside a widget rather than by the window; shown on the sheet all the same.
IN_WIDGETS: tuple[tuple[str, str, str], ...] = (
    ("Search", "Enter / Shift+Enter", "next / previous match (in the search field)"),
    ("Links", "A…Z", "while linking: the entity with those letters (again: unlink)"),
    ("Links", "J / K, Enter", "after L: another statement; link to it"),
    ("Links", "Tab · 1–9", "while linking: another link type"),
    ("Links", "Esc", "stop linking"),
    ("Links", "Del", "in the list of links: remove the link"),
    ("Search", "Enter (hit list)", "open the article at the hit, its statement current"),
    ("Search", "1–9 (hit list)", "label the selected hits (Ctrl+A: all), after a preview"),
)
#: Shown on the sheet although they are not keys.
MOUSE: tuple[tuple[str, str], ...] = (
    ("Select text (or Shift+arrows)", "makes it the statement, snapped to whole words"),
    ("Click a sentence", "makes it the current statement"),
    ("Right-click an entity", "change its type or remove it"),
    ("Select text, right-click", "add an entity"),
    ("While linking, select words or click", "links those words, that entity or statement"),
    ("Click a type in the legend", "hide or show that entity type"),
    ("Hover a statement or entity", "its labels, note, entity type and meaning"),
)
LEFT_SECTIONS = ("Statements", "Links", "Editing")


#: Keys a widget answers to that write, and what (the rest of `IN_WIDGETS` moves or shows).
WRITES_IN_WIDGETS: tuple[tuple[str, str], ...] = (
    ("A…Z while linking", "the link to the entity with those letters (again: removes it)"),
    ("Enter after L", "the link to the statement pointed at"),
    ("Del in the list of links", "removes the link"),
    ("1–9 in the hit list", "that label on the selected hits, after a preview you apply"),
    ("Right-click an entity", "its new type, or its removal (your correction)"),
    ("Select text, right-click", "a new entity (a person's)"),
)


def writing_keys() -> list[tuple[str, str]]:
    """(keys, what they write) for every key that writes: the docs list them (README, "Keys that write")."""
    rows = [(display(sc.keys), sc.writes) for sc in SHORTCUTS if sc.writes and not sc.name[-1].isdigit()]
    rows.insert(2, ("1–9", "adds or removes that label on the statement"))
    rows.append(("Shift+1–9", "adds or removes that article category"))
    return rows + list(WRITES_IN_WIDGETS)


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


def sheet_rows(
    labels: dict[str, str], links: dict[str, str] | None = None, categories: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(section, keys, what they do) for every shortcut; label keys name this project's labels, link
    keys (`links`: "S" → "speaker") its link types, and the category keys (`categories`: key → name)
    share one row that names each."""
    rows: list[tuple[str, str, str]] = []
    links = {"S": "speaker", "T": "target"} if links is None else links
    for sc in SHORTCUTS:
        title = sc.title
        if sc.name.startswith("category_"):
            if sc.name == "category_1" and categories:
                keys = sorted(categories)
                named = " · ".join(f"{k}\u00a0{categories[k]}" for k in keys)  # a key stays with its name
                rows.append((sc.section, f"Shift+{keys[0]}–{keys[-1]}", f"Toggle an article category: {named}"))
            continue
        if sc.name.startswith("label_"):
            key = sc.name.removeprefix("label_")
            if key not in labels:
                continue
            title = f"Toggle label “{labels[key]}”"
        elif sc.name in ("link_s", "link_t"):
            key = sc.name[-1].upper()
            if key not in links:
                continue
            title = f"Link to an entity: “{links[key]}” (hints on the entities in view)"
        rows.append((sc.section, display(sc.keys), title))
    for row in IN_WIDGETS:  # after the last row of its section
        at = max(i for i, (section, _, _) in enumerate(rows) if section == row[0])
        rows.insert(at + 1, row)
    rows.extend(("Mouse", what, does) for what, does in MOUSE)
    return rows


#: A description's column, in average characters: most fit one line, and both columns fit 1280 px.
TEXT_CHARS = 56


class ShortcutSheet(QDialog):
    def __init__(
        self,
        labels: dict[str, str],
        parent=None,
        links: dict[str, str] | None = None,
        categories: dict[str, str] | None = None,
    ):
        """`labels` maps a key ("1") to the label it toggles in this project; `links` a key ("S") to
        the link type it starts; `categories` a key (pressed with Shift) to the article category it
        toggles."""
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = sheet_rows(labels, links, categories)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        for left in (True, False):
            chosen = [row for row in self.rows if (row[0] in LEFT_SECTIONS) == left]
            columns.addWidget(self._column(chosen), 0, Qt.AlignmentFlag.AlignTop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(buttons)

    def _column(self, rows: list[tuple[str, str, str]]) -> QWidget:
        column = QWidget()
        grid = QGridLayout(column)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        previous, line = None, 0
        for section, keys, title in rows:
            if section != previous:
                heading = QLabel(section)
                heading.setStyleSheet("font-weight: 600; padding-top: 6px;")
                grid.addWidget(heading, line, 0, 1, 2)
                line += 1
                previous = section
            key = plain_label(keys)
            if section != "Mouse":
                key.setStyleSheet("font-family: monospace;")
            grid.addWidget(key, line, 0, Qt.AlignmentFlag.AlignTop)
            text = plain_label(title, word_wrap=True)
            grid.addWidget(text, line, 1)
            self._fit(text)
            line += 1
        return column

    def _fit(self, text: QLabel) -> None:
        """A description gets the column's width and the height of all its lines: a grid row takes a
        wrapped label's one-line size hint otherwise, and its second line is cut in half."""
        text.ensurePolished()
        width = text.fontMetrics().averageCharWidth() * TEXT_CHARS
        text.setFixedWidth(width)
        text.setMinimumHeight(text.heightForWidth(width))

    def showEvent(self, event) -> None:
        for text in self.findChildren(QLabel):  # the style sheet may have changed the font since
            if text.wordWrap():
                self._fit(text)
        super().showEvent(event)
