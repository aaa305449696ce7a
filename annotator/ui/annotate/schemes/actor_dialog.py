"""Who is who, in the window: the project's actors (list, merge, rename, alias, retire) and the
selected actor's statements across the corpus, by date.

Each button is one action, committed at once in its own transaction (`store.actors`), and the
status line says what it wrote; a refused action (a name in use, an unknown actor) says why in
a message and writes nothing. Every string from the data is shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.store.actors import Actor, ActorError, actor_key
from annotator.ui.shell.plaintext import plain_label, set_plain, show_message, tooltip

NAME, KIND, SIDE, ALIASES, TITLES = range(5)
ACTOR_ROLE = Qt.ItemDataRole.UserRole


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def titles_text(actor: Actor) -> str:
    return "; ".join(
        t.title + (f" ({t.valid_from or '…'}–{t.valid_to or 'now'})" if t.valid_from or t.valid_to else "")
        for t in actor.titles
    )


class ActorDialog(QDialog):
    """The actor editor (Edit ▸ Actors…); see the module docstring."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.setObjectName("actorDialog")
        self.setWindowTitle("Actors: who is who")
        self.store = store
        self.tree = QTreeWidget()
        self.tree.setObjectName("actorTree")
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["Actor", "Kind", "Side", "Aliases and metonyms", "Titles"])
        self.tree.header().setSectionResizeMode(ALIASES, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(lambda *_: self.show_statements())
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, name, slot in (
            ("Merge into…", "merge", self.merge),
            ("Split…", "split", self.split),
            ("Rename…", "rename", self.rename),
            ("Add alias…", "alias", lambda: self.add_alias("name")),
            ("Add metonym…", "metonym", lambda: self.add_alias("metonym")),
            ("Kind…", "kind", self.change_kind),
            ("Side…", "side", self.change_side),
            ("Retire / restore", "retire", self.toggle_retired),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button
        buttons.addStretch(1)
        self.status = plain_label(object_name="actorStatus")
        self.status.setProperty("role", "hint")
        heading = QLabel("STATEMENTS OF THE SELECTED ACTOR")
        heading.setProperty("role", "heading")
        self.statements = QTreeWidget()
        self.statements.setObjectName("actorStatements")
        self.statements.setRootIsDecorated(False)
        self.statements.setHeaderLabels(["Date", "Role", "Labels", "Article", "Statement"])
        self.statements.header().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        lower = QVBoxLayout()
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(heading)
        lower.addWidget(self.statements)
        bottom = QWidget()
        bottom.setLayout(lower)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.tree)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        layout.addWidget(box)
        self.resize(1000, 640)
        self.reload()

    # -- reading ---------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        current = select or self.selected_name()
        self.tree.clear()
        for actor in self.store.actors.actors():
            aliases = ", ".join(a + (" (metonym)" if k == "metonym" else "") for a, k in actor.aliases)
            kind = actor.kind + (", retired" if actor.retired else "")
            item = QTreeWidgetItem([actor.name, kind, actor.side, aliases, titles_text(actor)])
            item.setData(NAME, ACTOR_ROLE, actor.name)
            for column in (ALIASES, TITLES):  # long lists are cut in the column: whole in the tooltip
                item.setToolTip(column, tooltip(item.text(column)))
            if actor.retired:
                for column in range(5):
                    item.setForeground(column, self.palette().placeholderText())
            self.tree.addTopLevelItem(item)
            if actor.name == current:
                self.tree.setCurrentItem(item)
        for column in (NAME, KIND, SIDE):
            self.tree.resizeColumnToContents(column)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        if self.tree.currentItem() is not None:  # the actor an action made or kept is in view
            self.tree.scrollToItem(self.tree.currentItem())
        count = self.tree.topLevelItemCount()
        set_plain(
            self.status,
            f"{count} actors; each button is one change, saved at once"
            if count
            else "no actors yet: annotator actors --load FILE, or --seed from the project's entities",
        )

    def selected_name(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(NAME, ACTOR_ROLE) if item is not None else None

    def select(self, name: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(i).data(NAME, ACTOR_ROLE) == name:
                self.tree.setCurrentItem(self.tree.topLevelItem(i))

    def show_statements(self) -> None:
        self.statements.clear()
        name = self.selected_name()
        if name is None:
            return
        for s in self.store.actors.statements(name):
            role = "said" if s.role == "speaker" else "target of"
            self.statements.addTopLevelItem(
                QTreeWidgetItem([s.date or "(no date)", role, ", ".join(s.labels), s.title, s.text])
            )
        for column in range(4):
            self.statements.resizeColumnToContents(column)

    # -- editing: each one action, committed ------------------------------------------------------

    def _do(self, action, said, select: str | None = None) -> None:
        """Run one action (committed by the store), show the list again, and say what it wrote."""
        try:
            result = action()
        except ActorError as exc:
            show_message(self, "Actors", str(exc))
            return
        self.reload(select)
        set_plain(self.status, said(result))

    def merge(self) -> None:
        gone = self.selected_name()
        if gone is None:
            return
        others = [a.name for a in self.store.actors.actors() if a.name != gone]
        keep, ok = QInputDialog.getItem(self, "Merge", f"Merge “{gone}” into:", others, 0, False)
        if ok and keep:
            self._do(
                lambda: self.store.actors.merge(keep, gone),
                lambda moved: f"merged “{gone}” into “{keep}”: its name is an alias; {moved} mentions moved",
                keep,
            )

    def split(self) -> None:
        """Split the selected actor: a new actor of the same kind and side, with the aliases named and
        the mentions whose words are those (one change, saved at once)."""
        name = self.selected_name()
        if name is None:
            return
        actor = self.store.actors.actor(name)
        new, ok = QInputDialog.getText(self, "Split", f"Split from “{name}” a new actor called:")
        if not ok or not new.strip():
            return
        own = ", ".join(a for a, _ in actor.aliases if actor_key(a) != actor_key(new))
        taken, ok = QInputDialog.getText(
            self, "Split", f"Aliases of “{name}” that go with “{new.strip()}” (comma-separated; of: {own}):"
        )
        if not ok:
            return
        aliases = [a.strip() for a in taken.split(",") if a.strip()]
        new_name = " ".join(new.split())
        self._do(
            lambda: self.store.actors.split(name, new_name, aliases),
            lambda moved: (
                f"split “{new_name}” from “{name}”: "
                f"{_counted(moved[0], 'alias', 'aliases')} and {_counted(moved[1], 'mention', 'mentions')} went with it"
            ),
            new_name,
        )

    def rename(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        new, ok = QInputDialog.getText(self, "Rename", f"New name for “{name}”:", text=name)
        if ok and new.strip() and new.strip() != name:
            self._do(
                lambda: self.store.actors.rename(name, new),
                lambda old: f"renamed “{old}” to “{' '.join(new.split())}” (the old name stays an alias)",
                " ".join(new.split()),
            )

    def add_alias(self, kind: str) -> None:
        name = self.selected_name()
        if name is None:
            return
        what = "alias" if kind == "name" else "metonym (words that stand for it: Kyiv for Ukraine)"
        alias, ok = QInputDialog.getText(self, "Add " + what.split(" ")[0], f"A new {what} of “{name}”:")
        if ok and alias.strip():
            self._do(
                lambda: self.store.actors.add_alias(name, alias, kind),
                lambda actor: f"“{alias.strip()}” is now {'an alias' if kind == 'name' else 'a metonym'} of “{actor}”",
                name,
            )

    def toggle_retired(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        actor = self.store.actors.actor(name)
        retire = not actor.retired
        self._do(
            lambda: self.store.actors.set_retired(name, retire),
            lambda _: f"retired “{name}” (its mentions are kept)" if retire else f"“{name}” is offered again",
            name,
        )

    def change_kind(self) -> None:
        """Give the selected actor another kind (person, state, organisation, media, anonymous)."""
        name = self.selected_name()
        if name is None:
            return
        from annotator.store.actors import KINDS

        actor = self.store.actors.actor(name)
        kind, ok = QInputDialog.getItem(self, "Kind", f"Kind of “{name}”:", list(KINDS), KINDS.index(actor.kind), False)
        if ok and kind != actor.kind:
            self._do(
                lambda: self.store.actors.set_kind(name, kind),
                lambda before: f"“{name}” is now of the kind {kind} (was {before})",
                name,
            )

    def change_side(self) -> None:
        """Give the selected actor another side or affiliation (empty for none)."""
        name = self.selected_name()
        if name is None:
            return
        actor = self.store.actors.actor(name)
        side, ok = QInputDialog.getText(
            self, "Side", f"Side or affiliation of “{name}” (empty: none):", text=actor.side
        )
        side = " ".join(side.split())
        if ok and side != actor.side:
            self._do(
                lambda: self.store.actors.set_side(name, side),
                lambda before: (
                    f"“{name}” is now on the side “{side}” " + (f"(was “{before}”)" if before else "(had none)")
                    if side
                    else f"“{name}” has no side now (was “{before}”)"
                ),
                name,
            )
