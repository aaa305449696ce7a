"""Linking by keyboard: who said the current statement, to whom, on which condition.

- `S` / `T` (the keys of the link types that end on entities: speaker, target) show a one- or
  two-letter hint on every candidate entity in view, nearest first; typing a hint links the
  statement to it (or unlinks it, if that link is there). Tab picks another type; selecting
  words (mouse, or Shift+arrows) links them instead, snapped to whole tokens; a click on an
  entity links it; Esc cancels.
- `L` then J/K (or ↓/↑) picks another statement, Enter links to it; 1–9 or Tab pick the type
  (condition-of, responds-to); a click on a statement links it.
- `Shift+S` accepts the suggested speaker; Del clears the statement with the links it is an
  end of. Every change is a committed store action on the session's undo stack.

Nothing here paints (`link_overlay`) or lays out text (`link_panel`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent

from annotator.records import Entity, Link, LinkType
from annotator.schemes.links import project_link_types
from annotator.store import ClearedStatement, LinkChange
from annotator.ui.annotate.links.actor_choice import ActorChoice
from annotator.ui.annotate.links.hint_letters import distance, entity_candidates, hint_labels
from annotator.ui.annotate.reader.article_view import ArticleView
from annotator.ui.annotate.session import Session, Span, _Command
from annotator.ui.annotate.spans import snap

#: Which statement-to-statement type L starts with, by a label of the current statement.
STARTING_TYPE = {"condition": "condition-of", "denial": "responds-to"}
_STATEMENT_KEYS = {Qt.Key.Key_J: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_K: -1, Qt.Key.Key_Up: -1}


@dataclass
class HintMode:
    """Linking to an entity: the types to choose from, the candidates in view and their hints."""

    types: list[LinkType]
    index: int
    candidates: list[Entity]
    hints: list[str]
    typed: str = ""

    @property
    def type(self) -> LinkType:
        return self.types[self.index]


@dataclass
class StatementMode:
    """Linking to another statement: the types to choose from and the statement pointed at."""

    types: list[LinkType]
    index: int
    targets: list[Span]
    at: int = 0

    @property
    def type(self) -> LinkType:
        return self.types[self.index]

    @property
    def target(self) -> Span:
        return self.targets[self.at]


class LinkController(QObject):
    """The window's links: reads the layer's links, runs the linking modes, pushes undoable commands."""

    linksChanged = Signal()  # the article's links (or what is shown of others') changed
    modeChanged = Signal()  # a linking mode started, changed (type, typed letters, target) or ended
    message = Signal(str)  # something true for a moment, for the status bar

    def __init__(self, session: Session, view: ArticleView, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.view = view
        self.types: list[LinkType] = project_link_types(session.store)
        self.links: list[Link] = []
        #: Other annotators' links on this article: shown only when blind mode is off.
        self.others: list[tuple[str, Link]] = []
        self.actors: dict[tuple[int, int], str] = {}
        #: The actor suggested for a link end with none stored (by offsets), shown greyed with "?".
        self.guessed: dict[tuple[int, int], str] = {}
        self.mode: HintMode | StatementMode | None = None
        #: The suggested other end of each statement (by span), for the speaker type; set by `link_suggestions`.
        self.suggested: dict[Span, tuple[int, int]] = {}
        #: A / Shift+A: the actor of a link end, by keyboard.
        self.actor_choice = ActorChoice(self)
        view.interceptor = self
        view.installEventFilter(self)
        session.articleChanged.connect(self._article_changed)
        session.statementsChanged.connect(self.refresh)
        session.currentChanged.connect(self._current_changed)
        session.schemeChanged.connect(self._scheme_changed)
        view.verticalScrollBar().valueChanged.connect(self._scrolled)

    # -- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read this article's links again (after an action, an undo, a change of blind mode)."""
        s = self.session
        if s.article is None:
            self.links, self.others, self.actors = [], [], {}
        else:
            #: The actor each resolved link end stands for (`annotator actors --resolve` or chosen), by offsets.
            self.actors = s.store.actors.article_mentions(s.article.id)
            self.links = s.store.links.links(s.article.id, s.annotator)
            self.others = (
                [(who, link) for who, link in s.store.links.article_links(s.article.id) if who != s.annotator]
                if s.show_others
                else []
            )
        self.guessed = self._guessed() if s.article is not None else {}
        self.linksChanged.emit()
        self.view.viewport().update()

    def _guessed(self) -> dict[tuple[int, int], str]:
        """The actor suggested for each of this article's link ends that has none stored (shown with "?"
        beside the end; A writes it): names, aliases, metonyms, titles at the article's date, pronouns."""
        from annotator.actors.resolve import Registry, resolve_article
        from annotator.store.actors import article_date

        s = self.session
        ends = {link.child for link in self.links} | {link.child for _, link in self.others}
        ends -= set(self.actors)
        if not ends:
            return {}
        registry = Registry.of(s.store.actors.actors(retired=False))
        if not registry.actors:
            return {}
        entities = s.store.entities.entities(s.article.id)
        found = resolve_article(registry, s.article.text, article_date(s.article.meta), entities, sorted(ends))
        return {span: r.actor.name for span, r in found.items() if span in ends}

    def outgoing(self, span: Span | None = None) -> list[Link]:
        span = span or self.session.current
        return [link for link in self.links if link.head == span]

    def incoming(self, span: Span | None = None) -> list[Link]:
        span = span or self.session.current
        return [link for link in self.links if link.child == span]

    def active_types(self) -> list[LinkType]:
        return [t for t in self.types if not t.retired]

    def type_named(self, name: str) -> LinkType | None:
        return next((t for t in self.types if t.name == name), None)

    def speaker_type(self) -> LinkType | None:
        """The type suggestions are for: `speaker`, else the first active type on S."""
        found = self.type_named("speaker")
        if found is not None and not found.retired:
            return found
        return next((t for t in self.active_types() if t.key == "S"), None)

    def suggestion(self, span: Span | None = None) -> Link | None:
        """The suggested speaker link of a statement, while it has no link of that type."""
        span = span or self.session.current
        kind = self.speaker_type()
        if span is None or kind is None or not self.suggested:
            return None
        child = self.suggested.get(span)
        if child is None:  # a statement within a sentence: the sentence's speaker
            unit = next((u for u in self.session.sentences if u[0] <= span[0] < u[1]), None)
            child = self.suggested.get(unit) if unit is not None else None
        if child is None or child == span or any(link.label == kind.name for link in self.outgoing(span)):
            return None
        return Link(*span, *child, kind.name)

    def _article_changed(self) -> None:
        self.cancel()
        self.suggested = {}
        self.refresh()

    def _current_changed(self) -> None:
        if self.mode is not None:
            self.cancel()
        self.view.viewport().update()

    def _scheme_changed(self) -> None:
        self.types = project_link_types(self.session.store)
        self.refresh()

    # -- starting and ending a mode -------------------------------------------------------------

    def start_key(self, key: str) -> None:
        """S or T: hints for the link type on that key."""
        kind = next((t for t in self.active_types() if t.key == key), None)
        if kind is None:
            self.message.emit(f"no link type on {key} (Edit ▸ Label scheme ▸ Link types)")
            return
        self.start_hints(kind)

    def _scrolled(self) -> None:
        """Hints are for the entities in view: scrolled, they are given again (what was typed is dropped)."""
        if isinstance(self.mode, HintMode):
            self.start_hints(self.mode.type, quiet=True)

    def start_hints(self, kind: LinkType, *, quiet: bool = False) -> None:
        s = self.session
        if s.current is None:
            self.message.emit("pick a statement first (↓ or a click), then link it")
            return
        types = [t for t in self.active_types() if t.to_entities]
        first = [self.suggested[s.current]] if kind == self.speaker_type() and s.current in self.suggested else []
        visible = s.offsets.span_to_cp(*self.view.visible_range())
        candidates = entity_candidates(s.entities, s.current, visible, hidden=self.view.hidden_types, first=first)
        self.mode = HintMode(types, types.index(kind), candidates, hint_labels(len(candidates)))
        self.view.setFocus()
        self._mode_changed()
        if not candidates and not quiet:
            self.message.emit(f"{kind.name}: no entity in view; select the words instead, or Esc")

    def start_statements(self) -> None:
        """L: point at another statement (J/K), Enter links to it."""
        s = self.session
        types = [t for t in self.active_types() if t.to_statements]
        if s.current is None:
            self.message.emit("pick a statement first (↓ or a click), then link it")
            return
        if not types:
            self.message.emit("no link type between statements (Edit ▸ Label scheme ▸ Link types)")
            return
        targets = [span for span in s.candidates() if span != s.current]
        if not targets:
            self.message.emit("no other statement in this article to link to")
            return
        wanted = next((STARTING_TYPE[label] for label in s.state().labels if label in STARTING_TYPE), None)
        index = next((i for i, t in enumerate(types) if t.name == wanted), 0)
        # the nearest statement first (one holding the current one, as a sentence holds its condition); on a tie the
        # one before, as a reply follows what it answers
        at = min(range(len(targets)), key=lambda i: (distance(targets[i], s.current), targets[i] > s.current))
        self.mode = StatementMode(types, index, targets, at)
        self.view.setFocus()
        self._mode_changed()

    def cancel(self) -> None:
        if self.mode is not None:
            self.mode = None
            self._mode_changed()

    def _mode_changed(self) -> None:
        self.modeChanged.emit()
        self.view.viewport().update()

    # -- keys while a mode is on -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.mode is None or watched is not self.view:
            return False
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if not self._ours(key_event):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to us, not to the window's shortcuts
            return True
        self._key(key_event)
        return True

    def _ours(self, event: QKeyEvent) -> bool:
        blocked = (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        )
        if event.modifiers() & blocked:
            return False
        key = event.key()
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Backspace):
            return True
        if isinstance(self.mode, StatementMode):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                return False
            return key in _STATEMENT_KEYS or key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.text().isdigit()
        return event.text().isalpha() and len(event.text()) == 1

    def _key(self, event: QKeyEvent) -> None:
        key = event.key()
        mode = self.mode
        if key == Qt.Key.Key_Escape:
            self.cancel()
            self.message.emit("linking cancelled")
            return
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            step = -1 if key == Qt.Key.Key_Backtab else 1
            mode.index = (mode.index + step) % len(mode.types)
            self._mode_changed()
            return
        if isinstance(mode, HintMode):
            self._hint_key(mode, key, event.text().lower())
        elif isinstance(mode, StatementMode):
            self._statement_key(mode, key, event.text())

    def _hint_key(self, mode: HintMode, key: int, letter: str) -> None:
        if key == Qt.Key.Key_Backspace:
            mode.typed = mode.typed[:-1]
            self._mode_changed()
            return
        typed = mode.typed + letter
        if typed in mode.hints:
            entity = mode.candidates[mode.hints.index(typed)]
            self.cancel()
            self.toggle(Link(*self.session.current, entity.start, entity.end, mode.type.name))
        elif any(hint.startswith(typed) for hint in mode.hints):
            mode.typed = typed
            self._mode_changed()
        else:
            mode.typed = ""
            self._mode_changed()
            self.message.emit(f"no entity has the hint {typed.upper()}")

    def _statement_key(self, mode: StatementMode, key: int, text: str) -> None:
        if key in _STATEMENT_KEYS:
            mode.at = max(0, min(len(mode.targets) - 1, mode.at + _STATEMENT_KEYS[key]))
            self._mode_changed()
            self._show_target(mode.target)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            target, kind = mode.target, mode.type
            self.cancel()
            self.toggle(Link(*self.session.current, *target, kind.name))
        elif text.isdigit() and 1 <= int(text) <= len(mode.types):
            mode.index = int(text) - 1
            self._mode_changed()

    def _show_target(self, span: Span) -> None:
        cursor = self.view.textCursor()
        with self.view.keeping_selection():
            cursor.setPosition(self.session.offsets.to_qt(span[0]))
            self.view.setTextCursor(cursor)
            self.view.ensureCursorVisible()

    # -- mouse and selections while a mode is on ---------------------------------------------------

    def take_selection(self, start: int, end: int) -> bool:
        """Selected words become the other end (snapped to whole tokens) while linking."""
        if self.mode is None or self.session.current is None:
            return False
        span = snap(start, end, self.session.tokens)
        kind = self.mode.type
        self.cancel()
        if span is None:
            self.message.emit("the selection covers no word; nothing linked")
        elif span == self.session.current:
            self.message.emit("a statement cannot be linked to itself")
        else:
            self.toggle(Link(*self.session.current, *span, kind.name))
        return True

    def take_click(self, position: int) -> bool:
        """A click on an entity (hints) or a statement (L) links it; a click elsewhere ends linking."""
        mode = self.mode
        if mode is None or self.session.current is None:
            return False
        if isinstance(mode, HintMode):
            entity = self.view.entity_at(position)
            if entity is not None:
                self.cancel()
                self.toggle(Link(*self.session.current, entity.start, entity.end, mode.type.name))
                return True
        else:
            target = next((span for span in mode.targets if span[0] <= position < span[1]), None)
            if target is not None:
                self.cancel()
                self.toggle(Link(*self.session.current, *target, mode.type.name))
                return True
        self.cancel()
        return False

    # -- actions ---------------------------------------------------------------------------------

    def toggle(self, link: Link) -> None:
        """Add the link, or remove it if the layer has it (as stored now, another program's links read
        first): one committed, undoable action."""
        self.session.catch_up()
        if link in self.links:
            self.remove(link)
        else:
            self._push(link.head, add=[link], what=f"linked {link.label} · {self._words(link.child)}")

    def remove(self, link: Link) -> None:
        self._push(link.head, remove=[link], what=f"unlinked {link.label} · {self._words(link.child)}")

    def accept_suggestion(self) -> None:
        """Shift+S: the suggested speaker becomes a link (suggestions are never saved before)."""
        self.session.catch_up()
        link = self.suggestion()
        if link is None:
            kind = self.speaker_type()
            had = kind is not None and any(k.label == kind.name for k in self.outgoing())
            self.message.emit(f"this statement has its {kind.name} already" if had else "no speaker suggested here")
            return
        self._push(link.head, add=[link], what=f"accepted {link.label} · {self._words(link.child)}")

    def clear_statement(self) -> None:
        """Del: clear the statement's labels; when it is an end of links, they go too (undo brings all back)."""
        s = self.session
        if s.article is None or s.current is None:
            return
        s.catch_up()  # links another program gave the statement meanwhile are taken (and given back) too
        if not (self.outgoing() or self.incoming()):
            s.clear_labels()
            return
        command = _ClearCommand(self, s.article.id, s.current)
        s._push(command)

    def _push(self, head: Span, *, add: list[Link] = (), remove: list[Link] = (), what: str) -> None:
        s = self.session
        if s.article is not None:
            s._push(_LinksCommand(self, s.article.id, head, list(add), list(remove), what))

    def _words(self, span: tuple[int, int]) -> str:
        return f"“{self.session.excerpt(span, 30)}”"


class _LinksCommand(_Command):
    """Links added and removed in one committed action; undo is the reverse change."""

    def __init__(self, controller: LinkController, article_id: int, head: Span, add, remove, what: str):
        super().__init__(controller.session, article_id, what)
        self.controller, self._head, self.add, self.remove = controller, head, add, remove
        self.change = LinkChange()

    def span(self) -> Span:
        return self._head

    def _done(self) -> None:
        s = self.session
        if s.article_id == self.article_id:
            self.controller.refresh()
        s.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        s = self.session
        self.change = s.store.links.change_links(self.article_id, s.annotator, add=self.add, remove=self.remove)
        self._done()

    def revert(self) -> None:
        s = self.session
        s.store.links.change_links(self.article_id, s.annotator, **self.change.reversed())
        self._done()


class _ClearCommand(_Command):
    """Del on a statement that is an end of links: labels and links go in one action, and come back on undo."""

    def __init__(self, controller: LinkController, article_id: int, span: Span):
        n = len(controller.outgoing(span)) + len(controller.incoming(span))
        super().__init__(controller.session, article_id, f"cleared labels and {n} link{'s' * (n != 1)}")
        self.controller, self._span = controller, span
        self.cleared = ClearedStatement((), "", ())

    def span(self) -> Span:
        return self._span

    def after(self) -> str:
        return f"{self.text()} · “{self.session.excerpt(self._span)}”"

    def _done(self) -> None:
        s = self.session
        if s.article_id == self.article_id:
            s._refresh_statement(self._span)  # statementsChanged: the links are read again too
        s.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        s = self.session
        self.cleared = s.store.statements.clear_statement(self.article_id, s.annotator, *self._span)
        self._done()

    def revert(self) -> None:
        s = self.session
        s.store.statements.restore_statement(self.article_id, s.annotator, *self._span, self.cleared)
        self._done()
