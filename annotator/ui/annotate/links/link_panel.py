"""The links in words: a compact line for the current statement, and a list of the article's links.

The line reads "said by Putin → to Ukraine · condition: “contingent on Ukraine reciprocating”":
the statement's own links, then the statements linking to it; while linking it says which
keys do what. The list shows every link of the article (other annotators' too, named, when
blind mode is off); Enter or a double-click goes to the statement, Del removes a link of
yours. Every string from the data is shown as plain text.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget

from annotator.records import Link
from annotator.ui.annotate.links.link_mode import HintMode, LinkController, StatementMode
from annotator.ui.shell import palette, style
from annotator.ui.shell.plaintext import plain_label, tooltip

#: How the line words a link of a default type: (from the statement, to the statement).
PHRASES = {
    "speaker": ("said by {}", "speaker of {}"),
    "target": ("to {}", "target of {}"),
    "condition-of": ("condition of {}", "condition: {}"),
    "responds-to": ("responds to {}", "answered by {}"),
}
#: Types whose phrases are joined by an arrow ("said by Putin → to Ukraine"); the rest by "·".
ARROWED = ("speaker", "target")
QUOTE_CHARS = 36


def words(controller: LinkController, span: tuple[int, int]) -> str:
    """An end as the line names it: an entity's words, or a statement's opening words in quotes;
    with the actor it stands for beside it when that is not the same words ("he [Vladimir Putin]")."""
    s = controller.session
    text = " ".join(s.article.text[span[0] : span[1]].split()) if s.article else ""
    if span in s.statements or span in s.sentences or len(text) > QUOTE_CHARS:
        return f"“{s.excerpt(span, QUOTE_CHARS)}”"
    actor = controller.actors.get(span)
    if actor:
        return f"{text} [{actor}]" if actor != text else text
    guess = controller.guessed.get(span)  # suggested, not stored: A writes it
    return f"{text} [{guess}?]" if guess else text


def phrase(label: str, who: str, outgoing: bool) -> str:
    out, back = PHRASES.get(label, (label + ": {}", label + " of {}"))
    return (out if outgoing else back).format(who)


def compact_line(controller: LinkController) -> str:
    """The current statement's links in one line (empty when it has none)."""
    arrowed, others = [], []
    order = {t.name: i for i, t in enumerate(controller.types)}
    for link in sorted(controller.outgoing(), key=lambda k: (order.get(k.label, len(order)), k.child)):
        text = phrase(link.label, words(controller, link.child), True)
        (arrowed if link.label in ARROWED else others).append(text)
    for link in controller.incoming():
        others.append(phrase(link.label, words(controller, link.head), False))
    parts = [" → ".join(arrowed)] if arrowed else []
    return " · ".join(parts + others)


def mode_prompt(controller: LinkController) -> str:
    mode = controller.mode
    others = ", ".join(t.name for t in mode.types if t is not mode.type) if mode else ""
    tab = f" · Tab: {others}" if others else ""
    if isinstance(mode, HintMode):
        typed = f" {mode.typed.upper()}…" if mode.typed else ""
        return f"{mode.type.name}:{typed} type the letters on an entity, or select words{tab} · Esc cancels"
    if isinstance(mode, StatementMode):
        target = words(controller, mode.target)
        numbers = " · ".join(f"{i}: {t.name}" for i, t in enumerate(mode.types, 1)) if len(mode.types) > 1 else ""
        keys = f" · {numbers}" if numbers else ""
        return f"{mode.type.name} → {target} · J/K: another statement · Enter links{keys} · Esc cancels"
    return ""


class LinkLine(QWidget):
    """One line under the article: the current statement's links, a suggestion, or the linking keys."""

    def __init__(self, controller: LinkController, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("linkLine")
        self.controller = controller
        self.label = plain_label(word_wrap=False, object_name="linkLineText")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 3, 12, 3)
        layout.addWidget(self.label)
        controller.linksChanged.connect(self.refresh)
        controller.modeChanged.connect(self.refresh)
        controller.session.currentChanged.connect(self.refresh)
        controller.session.articleChanged.connect(self.refresh)
        self.refresh()

    def text(self) -> str:
        return self.label.text()

    def refresh(self) -> None:
        c = self.controller
        if c.mode is not None:
            text, role = mode_prompt(c), "linking"
        elif c.session.current is None:
            text, role = "", "hint"
        else:
            text = compact_line(c)
            suggestion = c.suggestion()
            if suggestion is not None:
                guess = f"{phrase(suggestion.label, words(c, suggestion.child), True)}? — Shift+S accepts"
                text = f"{text} · {guess}" if text else guess
            role = "links" if text else "hint"
            text = text or "no links · S speaker, T target, L another statement"
        self.label.setProperty("role", role)
        self.label.style().polish(self.label)
        full = text
        metrics = self.label.fontMetrics()
        self.label.setText(metrics.elidedText(full, Qt.TextElideMode.ElideRight, max(80, self.width() - 24)))
        self.label.setToolTip(tooltip(full))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refresh()


class LinkList(QWidget):
    """The article's links, in reading order of their statements."""

    LINK_ROLE = Qt.ItemDataRole.UserRole
    KIND_ROLE = Qt.ItemDataRole.UserRole + 1
    #: A link row's flags: those of a new QListWidgetItem (a heading is only enabled).
    LINK_FLAGS = (
        Qt.ItemFlag.ItemIsSelectable
        | Qt.ItemFlag.ItemIsUserCheckable
        | Qt.ItemFlag.ItemIsEnabled
        | Qt.ItemFlag.ItemIsDragEnabled
    )

    def __init__(self, controller: LinkController, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("linkList")
        self.setAccessibleName("Links in this article")
        self.controller = controller
        heading = QLabel("LINKS IN THIS ARTICLE")
        heading.setProperty("role", "heading")
        self.count = plain_label(object_name="linkCount")
        self.count.setProperty("role", "hint")
        self.list = QListWidget()
        self._specs: list[tuple] = []  # what each row shows, in order: a refresh changes only rows that differ
        self.list.setObjectName("linkListView")
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._go)
        self.list.itemDoubleClicked.connect(self._go)
        self.list.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 12)
        layout.setSpacing(4)
        layout.addWidget(heading)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)
        controller.linksChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """One heading per statement (its opening words), its links under it; others' named. Rows that
        did not change are left as they are: a new link costs a row or two, not the whole list."""
        c = self.controller
        th = style.current_theme()
        muted = QColor(palette.readable(th.muted, [th.base]))
        rows = [(None, link) for link in c.links] + list(c.others)
        order = {t.name: i for i, t in enumerate(c.types)}
        rows.sort(key=lambda row: (row[1].head, row[0] or "", order.get(row[1].label, len(order)), row[1].child))
        wanted: list[tuple] = []  # (text, link role, kind, muted, tooltip source)
        head = None
        named: dict[tuple[int, int], str] = {}

        def name(span: tuple[int, int]) -> str:  # each end named once per refresh
            if span not in named:
                named[span] = words(c, span)
            return named[span]

        for who, link in rows:
            if link.head != head:
                head = link.head
                wanted.append((name(head), (None, link), None, True, ("excerpt", head)))
            text = "    " + phrase(link.label, name(link.child), True)
            if who is not None:
                text += f"  ({who})"
            tip = f"{link.label}: {name(link.head)} → {name(link.child)}" + (f" ({who})" if who else "")
            wanted.append((text, (who, link), "link", who is not None, ("text", tip)))
        self._apply(wanted, muted)
        mine = len(c.links)
        shown = f"{mine} link{'s' * (mine != 1)}"
        if c.others:
            shown += f" · {len(c.others)} by other annotators"
        self.count.setText(shown if rows else "none yet — S, T or L on a statement")

    def _apply(self, wanted: list[tuple], muted: QColor) -> None:
        """Make the rows read `wanted`, touching only those that differ: a new link inserts its row
        (and its heading), a removed one takes its row away; the rest are left as they are."""
        matcher = SequenceMatcher(None, self._specs, wanted, autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag == "equal":
                continue
            for _ in range(i2 - i1):
                self.list.takeItem(i1)
            for at, spec in enumerate(wanted[j1:j2], i1):
                self.list.insertItem(at, self._item(spec, muted))
        self._specs = list(wanted)

    def _item(self, spec: tuple, muted: QColor) -> QListWidgetItem:
        text, data, kind, is_muted, (how, source) = spec
        item = QListWidgetItem(text)
        item.setData(self.LINK_ROLE, data)
        item.setData(self.KIND_ROLE, kind)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled if kind is None else self.LINK_FLAGS)
        if is_muted:
            item.setData(Qt.ItemDataRole.ForegroundRole, muted)
        excerpt = self.controller.session.excerpt(source, 400) if how == "excerpt" else source
        item.setToolTip(tooltip(excerpt))
        return item

    def selected(self) -> tuple[str | None, Link] | None:
        """(annotator or None for yours, link) of the selected link row."""
        item = self.list.currentItem()
        if item is None or item.data(self.KIND_ROLE) != "link":
            return None
        return item.data(self.LINK_ROLE)

    def _go(self, item: QListWidgetItem) -> None:
        _, link = item.data(self.LINK_ROLE)
        self.controller.session.set_current(link.head)
        self.controller.view.setFocus()

    def remove_selected(self) -> None:
        found = self.selected()
        if found is not None and found[0] is None:
            self.controller.remove(found[1])

    def _menu(self, pos) -> None:
        found = self.selected()
        if found is None:
            return
        menu = QMenu(self)
        menu.addAction("Go to the statement", lambda: self.controller.session.set_current(found[1].head))
        remove = menu.addAction("Remove this link", self.remove_selected)
        remove.setEnabled(found[0] is None)
        menu.exec(self.list.mapToGlobal(pos))
        menu.deleteLater()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.list and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Delete:
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)
