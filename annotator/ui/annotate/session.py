"""The window's one service: the open project, the current article and statement, and undo.

Widgets call methods and listen to signals; nothing here draws. Every action is
committed by the store before `saved` is emitted, and every action goes through the
`QUndoStack` as a command whose undo is itself a committed store action.
"""

from __future__ import annotations

import logging
import sqlite3
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.passages import split_at_breaks
from annotator.records import USER, Article, Entity, Label
from annotator.scheme import project_labels
from annotator.store import Store, StoreError, read_only_reason
from annotator.store.editing import ArticleFilter
from annotator.ui.annotate.spans import snap, word_tokens
from annotator.ui.shell.offsets import OffsetMap

log = logging.getLogger("annotator.ui")

Span = tuple[int, int]


@dataclass
class StatementState:
    labels: tuple[str, ...] = ()
    note: str = ""


class Session(QObject):
    """Holds the store and what the annotator is looking at; method calls in, signals out."""

    aboutToMove = Signal()  # the article or the current statement is about to change: flush edits
    articleChanged = Signal()  # a new article (text, entities, statements) is loaded
    statementsChanged = Signal()  # labels or notes of the current article changed
    currentChanged = Signal()  # the current statement moved
    entitiesChanged = Signal()
    articleRowChanged = Signal(int)  # status or label count of this article changed
    articlesChanged = Signal()  # many articles' rows changed at once (label all matches): re-read the list
    schemeChanged = Signal()
    saved = Signal(str)
    error = Signal(str)

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.undo_stack = QUndoStack(self)
        self.labels: list[Label] = project_labels(store)
        self.filter = ArticleFilter()
        self.article: Article | None = None
        self.offsets = OffsetMap("")
        self.entities: list[Entity] = []
        self.sentences: list[Span] = []
        self._tokens: list[Span] | None = None
        self.statements: dict[Span, StatementState] = {}
        self.current: Span | None = None
        #: Blind annotation by default: other annotators' labels stay hidden unless asked for.
        self.show_others = False

    @property
    def readonly_reason(self) -> str:
        """Why nothing can be changed here, for the user (empty when the project is writable)."""
        if not self.store.readonly:
            return ""
        why = read_only_reason(self.store.path) or "it was opened read-only"
        return f"{self.store.path.name} is read-only ({why}); it can be read and exported, not changed"

    # -- loading -------------------------------------------------------------------

    @property
    def article_id(self) -> int | None:
        return self.article.id if self.article else None

    def open_article(self, article_id: int, current: Span | None = None) -> bool:
        try:
            article = self.store.article(article_id)
        except StoreError as exc:
            self.error.emit(str(exc))
            return False
        self.aboutToMove.emit()
        self.article = article
        self.offsets = OffsetMap(article.text)
        self._load_annotations()
        if current is None:
            # where the annotator left off: their last labeled statement, else the first sentence
            labeled = [span for span, state in self.statements.items() if state.labels]
            current = max(labeled) if labeled else (self.candidates()[0] if self.candidates() else None)
        self.current = current
        self.articleChanged.emit()
        self.currentChanged.emit()
        return True

    def _load_annotations(self) -> None:
        assert self.article is not None
        aid = self.article.id
        self.entities = self.store.entities(aid)
        self.sentences = split_at_breaks(self.store.sentences(aid), self.article.text)
        self._tokens: list[Span] | None = None
        self.statements = {
            (s.start, s.end): StatementState(s.labels, s.note) for s in self.store.statements(aid, self.annotator)
        }

    def reload_preannotation(self) -> None:
        """Entities and sentences arrived from the pipeline: show them, keep the current statement."""
        if self.article is None:
            return
        self._load_annotations()
        self.entitiesChanged.emit()
        self.statementsChanged.emit()
        if self.current is None and self.candidates():
            self.set_current(self.candidates()[0])

    def reload_scheme(self) -> None:
        self.labels = project_labels(self.store)
        if self.article is not None:
            self._load_annotations()
            self.statementsChanged.emit()
        self.schemeChanged.emit()

    @property
    def tokens(self) -> list[Span]:
        """Token bounds for snapping selections: spaCy's, or words until the pipeline has run (read lazily)."""
        if self._tokens is None and self.article is not None:
            stored = self.store.tokens(self.article.id)
            self._tokens = stored if stored is not None else word_tokens(self.article.text)
        return self._tokens or []

    # -- statements ------------------------------------------------------------------

    def candidates(self) -> list[Span]:
        """Sentences and the annotator's own statements, in reading order: what ↓/↑ walk through."""
        return sorted(set(self.sentences) | set(self.statements))

    def state(self, span: Span | None = None) -> StatementState:
        span = span or self.current
        return self.statements.get(span, StatementState()) if span else StatementState()

    def set_current(self, span: Span | None) -> None:
        if span != self.current:
            self.aboutToMove.emit()
            self.current = span
            self.currentChanged.emit()

    def step_statement(self, step: int) -> None:
        spans = self.candidates()
        if not spans:
            return
        if self.current is None:
            self.set_current(spans[0] if step > 0 else spans[-1])
            return
        i = bisect_left(spans, self.current)
        present = i < len(spans) and spans[i] == self.current
        i = i + step if present else (i if step > 0 else i - 1)
        self.set_current(spans[max(0, min(len(spans) - 1, i))])

    def select(self, start: int, end: int) -> Span | None:
        """Make a selection (code points) the current statement, snapped to token bounds."""
        span = snap(start, end, self.tokens)
        if span is not None:
            self.set_current(span)
        return span

    def toggle_label(self, name: str) -> None:
        if self.article is None or self.current is None:
            return
        before = self.state()
        labels = set(before.labels) ^ {name}
        on = name in labels
        verb = "added" if on else "removed"
        after = StatementState(tuple(sorted(labels)), before.note)
        self._push(_StatementCommand(self, self.article.id, self.current, before, after, f"{verb} {name}"))

    def toggle_key(self, key: str) -> None:
        for label in self.labels:
            if label.key == key and not label.retired:
                self.toggle_label(label.name)
                return

    def set_labels(self, labels: tuple[str, ...], what: str) -> bool:
        """Give the current statement exactly `labels` (accepting suggestions): one undoable action."""
        if self.article is None or self.current is None:
            return False
        before = self.state()
        after = StatementState(tuple(sorted(set(labels))), before.note)
        if after.labels == before.labels:
            return True
        return self._push(_StatementCommand(self, self.article.id, self.current, before, after, what))

    def clear_labels(self) -> None:
        if self.article is None or self.current is None or not self.state().labels:
            return
        before = self.state()
        after = StatementState((), before.note)
        self._push(_StatementCommand(self, self.article.id, self.current, before, after, "cleared labels"))

    def set_note(self, note: str, span: Span | None = None) -> bool:
        """Save the note of `span` (default: the current statement); True once it is committed."""
        span = span or self.current
        if self.article is None or span is None:
            return False
        if note == self.state(span).note:
            return True
        before = self.state(span)
        after = StatementState(before.labels, note)
        return self._push(_StatementCommand(self, self.article.id, span, before, after, "note"))

    # -- article status and navigation ----------------------------------------------

    def status(self) -> str:
        return self.store.status(self.article.id, self.annotator) if self.article else "new"

    def set_status(self, status: str) -> bool:
        if self.article is None:
            return False
        before = self.status()
        if before == status:
            return True
        return self._push(_StatusCommand(self, self.article.id, before, status))

    def mark_done_and_next(self) -> None:
        if self.article is None or not self.set_status("done"):
            return
        following = self.store.next_unfinished(self.article.id, self.annotator)
        if following is None:
            self.saved.emit("saved · every article is done")
        else:
            self.open_article(following)

    def step_article(self, step: int) -> None:
        if self.article is None:
            return
        target = self.store.neighbour_article(self.article.id, self.annotator, step, self.filter)
        if target is not None:
            self.open_article(target)

    # -- entity corrections -----------------------------------------------------------

    def add_entity(self, start: int, end: int, label: str) -> None:
        if self.article is None:
            return
        self._push(_EntityCommand(self, self.article.id, None, Entity(start, end, label, USER)))

    def remove_entity(self, entity: Entity) -> None:
        if self.article is not None:
            self._push(_EntityCommand(self, self.article.id, entity, None))

    def relabel_entity(self, entity: Entity, label: str) -> None:
        if self.article is not None and label != entity.label:
            self._push(_EntityCommand(self, self.article.id, entity, Entity(entity.start, entity.end, label, USER)))

    def entity_types(self) -> list[str]:
        return sorted({e.label for e in self.entities})

    # -- running actions ------------------------------------------------------------

    def _push(self, command: _Command) -> bool:
        """Commit the action; only then put it on the undo stack and say it is saved."""
        if not self.run(command.apply, command.after):
            return False
        command.applied = True
        self.undo_stack.push(command)
        return True

    def push(self, command: _Command) -> bool:
        """Commit an action defined in another module of the window (a `Command`) and make it undoable."""
        return self._push(command)

    def run(self, action: Callable[[], object], describe: Callable[[], str]) -> bool:
        if self.store.readonly:
            self.error.emit(f"not saved: {self.readonly_reason}")
            return False
        try:
            action()
        except (StoreError, sqlite3.Error, ValueError) as exc:
            log.warning("not saved: %s", exc)
            self.error.emit(f"not saved: {exc}")
            return False
        self.saved.emit(f"saved · {describe()}")
        return True

    def _show(self, article_id: int, span: Span | None = None) -> None:
        """Bring the article an undone/redone action belongs to on screen."""
        if self.article_id != article_id:
            self.open_article(article_id, span)
        elif span is not None:
            self.set_current(span)

    def _refresh_statement(self, span: Span) -> None:
        labels, note = self.store.statement_state(self.article.id, self.annotator, *span)
        if labels or note:
            self.statements[span] = StatementState(labels, note)
        else:
            self.statements.pop(span, None)
        self.statementsChanged.emit()

    def others(self, span: Span | None = None) -> list[tuple[str, Span, tuple[str, ...]]]:
        """Other annotators' labeled statements overlapping `span` (empty in blind mode)."""
        span = span or self.current
        if not self.show_others or span is None or self.article is None:
            return []
        start, end = span
        return [
            (s.annotator, (s.start, s.end), s.labels)
            for s in self.store.statements(self.article.id)
            if s.annotator != self.annotator and s.labels and s.start < end and start < s.end
        ]

    def set_show_others(self, on: bool) -> None:
        self.show_others = on
        self.currentChanged.emit()

    def excerpt(self, span: Span, limit: int = 40) -> str:
        if self.article is None:
            return ""
        text = " ".join(self.article.text[span[0] : span[1]].split())
        return text if len(text) <= limit else text[: limit - 1] + "…"


class _Command(QUndoCommand):
    """An action already committed when pushed; redo and undo are committed store actions too."""

    def __init__(self, session: Session, article_id: int, text: str):
        super().__init__(text)
        self.session = session
        self.article_id = article_id
        self.applied = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def after(self) -> str:
        return self.text()

    def redo(self) -> None:
        if self.applied:  # QUndoStack.push calls redo(); the action ran already
            self.applied = False
            return
        self.session._show(self.article_id, self.span())
        self.session.run(self.apply, lambda: f"redone: {self.after()}")

    def undo(self) -> None:
        self.session._show(self.article_id, self.span())
        self.session.run(self.revert, lambda: f"undone: {self.after()}")

    def span(self) -> Span | None:
        return None


class _StatementCommand(_Command):
    def __init__(self, session, article_id, span, before: StatementState, after: StatementState, what: str):
        super().__init__(session, article_id, what)
        self._span, self.before, self.state_after = span, before, after

    def span(self) -> Span:
        return self._span

    def after(self) -> str:
        return f"{self.text()} · “{self.session.excerpt(self._span)}”"

    def _set(self, state: StatementState) -> None:
        s = self.session
        s.store.set_statement(self.article_id, s.annotator, *self._span, state.labels, note=state.note)
        if s.article_id == self.article_id:
            s._refresh_statement(self._span)
        s.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        self._set(self.state_after)

    def revert(self) -> None:
        self._set(self.before)


class _StatusCommand(_Command):
    def __init__(self, session, article_id, before: str, after: str):
        super().__init__(session, article_id, f"article marked {after.replace('_', ' ')}")
        self.before, self.status_after = before, after

    def _set(self, status: str) -> None:
        self.session.store.set_status(self.article_id, self.session.annotator, status)
        self.session.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        self._set(self.status_after)

    def revert(self) -> None:
        self._set(self.before)


class _EntityCommand(_Command):
    """Add (old None), remove (new None) or relabel an entity."""

    def __init__(self, session, article_id, old: Entity | None, new: Entity | None):
        if old is None:
            what = f"added entity {new.label}"
        elif new is None:
            what = f"removed entity {old.label}"
        else:
            what = f"entity {old.label} → {new.label}"
        super().__init__(session, article_id, what)
        self.old, self.new = old, new
        #: An entity the new one takes the place of (same span and type, e.g. the model's): undo brings it back.
        self.replaced = next(
            (
                e
                for e in session.entities
                if new is not None and e != old and (e.start, e.end, e.label) == (new.start, new.end, new.label)
            ),
            None,
        )

    def span(self) -> None:
        return None

    def _swap(self, remove: list[Entity | None], add: list[Entity | None]) -> None:
        s = self.session
        with s.store.write():
            for entity in remove:
                if entity is not None:
                    s.store.remove_entity(self.article_id, entity)
            for entity in add:
                if entity is not None:
                    s.store.add_entity(self.article_id, entity.start, entity.end, entity.label, entity.source)
        if s.article_id == self.article_id:
            s.entities = s.store.entities(self.article_id)
            s.entitiesChanged.emit()

    def apply(self) -> None:
        self._swap([self.old, self.replaced], [self.new])

    def revert(self) -> None:
        self._swap([self.new], [self.replaced, self.old])


#: The base of undoable actions defined in the window's other modules (label all matches, categories).
Command = _Command
