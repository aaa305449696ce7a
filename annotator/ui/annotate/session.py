"""The window's one service: the open project, the current article and statement, and undo.

Widgets call methods and listen to signals; nothing here draws. Every action is
committed by the store before `saved` is emitted, and every action goes through the
`QUndoStack` as a command whose undo is itself a committed store action.

A long article is shown a page at a time (`PAGE_CHARS`, cut where the pre-annotation cuts:
after a paragraph, a line, a sentence): the session holds the whole text and the annotator's
statements, but only the page's entities, sentences and tokens, and `offsets` maps the page.
Moving the current statement to another page turns the page (`pageChanged`); offsets are
always the stored text's.
"""

from __future__ import annotations

import logging
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.nlp.pipeline import pieces
from annotator.passages import split_at_breaks
from annotator.records import USER, Article, Entity, Label, clean_note
from annotator.schemes.labels import project_labels
from annotator.store import StatementChange, Store, StoreError, read_only_reason
from annotator.store.articles import ArticleFilter
from annotator.store.files import backup_reason
from annotator.text import excerpt, path_shown
from annotator.ui.annotate.spans import snap, word_tokens
from annotator.ui.shell.offsets import OffsetMap

log = logging.getLogger("annotator.ui")

Span = tuple[int, int]

#: The most characters the window lays out at once. A news article is one page; a longer text is
#: cut into pages no longer than this (Qt's layout of 1.2M characters takes seconds and of 60 MB
#: gigabytes; a page of this size opens in a few hundredths of a second).
PAGE_CHARS = 100_000


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
    pageChanged = Signal()  # another page of the same article is shown (its entities and sentences loaded)
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
        #: The article's pages (code points, contiguous, covering the text) and the one shown.
        self.pages: list[Span] = [(0, 0)]
        self.page = 0
        #: The page's entities and sentences (those starting on it); the annotator's statements of the whole article.
        self.entities: list[Entity] = []
        self.sentences: list[Span] = []
        self._tokens: list[Span] | None = None
        self.statements: dict[Span, StatementState] = {}
        self.current: Span | None = None
        #: Blind annotation by default: other annotators' labels stay hidden unless asked for.
        self.show_others = False
        #: The project's `data_version` when the statements were last read (see `catch_up`).
        self._seen_version = store.data_version()

    @property
    def readonly_reason(self) -> str:
        """Why nothing can be changed here, for the user (empty when the project is writable)."""
        if not self.store.readonly:
            return ""
        why = read_only_reason(self.store.path) or backup_reason(self.store.path) or "it was opened read-only"
        return f"{path_shown(self.store.path.name)} is read-only ({why}); it can be read and exported, not changed"

    # -- loading -------------------------------------------------------------------

    @property
    def article_id(self) -> int | None:
        return self.article.id if self.article else None

    def open_article(self, article_id: int, current: Span | None = None) -> bool:
        try:
            article = self.store.articles.article(article_id)
        except StoreError as exc:
            self.error.emit(str(exc))
            return False
        self.aboutToMove.emit()
        self.article = article
        self.pages = pieces(article.text, PAGE_CHARS)
        self._seen_version = self.store.data_version()
        self._load_statements()
        if current is not None and not 0 <= current[0] < current[1] <= len(article.text):
            current = None  # a saved place off this text (the text was replaced): start afresh
        if current is None:
            # where the annotator left off: their last labeled statement, else the first sentence
            labeled = [span for span, state in self.statements.items() if state.labels]
            current = max(labeled) if labeled else None
        self.page = self.page_of(current[0]) if current else 0
        self._load_page()
        if current is None and self.candidates():
            current = self.candidates()[0]
        self.current = current
        self.articleChanged.emit()
        self.currentChanged.emit()
        return True

    def _load_annotations(self) -> None:
        self._load_statements()
        self._load_page()

    def _load_statements(self) -> None:
        assert self.article is not None
        self.statements = {
            (s.start, s.end): StatementState(s.labels, s.note)
            for s in self.store.statements.statements(self.article.id, self.annotator)
        }

    def _load_page(self) -> None:
        """The page's map, entities and sentences (tokens are read when a selection needs them)."""
        assert self.article is not None
        a, b = self.page_span
        self.offsets = OffsetMap(self.article.text[a:b], base=a)
        self.entities = self.store.entities.entities(self.article.id, self._within())
        self.sentences = self._sentences_of(self.page)
        self._tokens = None

    # -- pages ---------------------------------------------------------------------------

    @property
    def page_span(self) -> Span:
        """Code points of the page shown: (0, len(text)) for an article of one page."""
        return self.pages[self.page]

    def _within(self, page: int | None = None) -> Span | None:
        """What to ask the store for: None (everything) for an article of one page."""
        return None if len(self.pages) == 1 else self.pages[self.page if page is None else page]

    def page_of(self, offset: int) -> int:
        """The page holding code point `offset` (the last page for the text's end)."""
        return max(0, min(len(self.pages) - 1, bisect_right(self.pages, (offset, float("inf"))) - 1))

    def _sentences_of(self, page: int) -> list[Span]:
        """A page's statement units: the stored sentences split at line breaks, those starting on it."""
        assert self.article is not None
        found = split_at_breaks(self.store.articles.sentences(self.article.id, self._within(page)), self.article.text)
        if len(self.pages) == 1:
            return found
        a, b = self.pages[page]
        return [span for span in found if a <= span[0] < b]

    def candidates_of(self, page: int) -> list[Span]:
        """The statement candidates of any page of the article (the page shown or another)."""
        a, b = self.pages[page]
        mine = {span for span in self.statements if a <= span[0] < b}
        return sorted(set(self._sentences_of(page) if page != self.page else self.sentences) | mine)

    def _turn_to(self, page: int) -> None:
        if page != self.page:
            self.page = page
            self._load_page()
            self.pageChanged.emit()

    def go_to_page(self, page: int) -> None:
        """Show another page of the article, its first statement current (reading goes on from its top)."""
        if self.article is None or not 0 <= page < len(self.pages) or page == self.page:
            return
        first = self.candidates_of(page)
        if first:
            self.set_current(first[0])
            return
        self.aboutToMove.emit()
        self.current = None
        self._turn_to(page)
        self.currentChanged.emit()

    def show_offset(self, offset: int) -> None:
        """Turn to the page holding `offset` (a search match) without moving the current statement yet."""
        if self.article is not None:
            self._turn_to(self.page_of(offset))

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
            if len(self.pages) > 1:
                # the stored tokens of a long article are one JSON list of millions: the page's words instead
                a, b = self.page_span
                self._tokens = [(s + a, e + a) for s, e in word_tokens(self.article.text[a:b])]
            else:
                stored = self.store.articles.tokens(self.article.id)
                self._tokens = stored if stored is not None else word_tokens(self.article.text)
        return self._tokens or []

    # -- statements ------------------------------------------------------------------

    def candidates(self) -> list[Span]:
        """The page's sentences and the annotator's own statements on it, in reading order: what ↓/↑ walk
        through (past the page's last, ↓ goes on to the next page's first)."""
        if len(self.pages) == 1:
            return sorted(set(self.sentences) | set(self.statements))
        return self.candidates_of(self.page)

    def state(self, span: Span | None = None) -> StatementState:
        span = span or self.current
        return self.statements.get(span, StatementState()) if span else StatementState()

    def set_current(self, span: Span | None) -> None:
        """Make `span` current, turning to its page first if it starts on another one."""
        if span != self.current:
            self.aboutToMove.emit()
            self.current = span
            if span is not None and self.article is not None:
                self._turn_to(self.page_of(span[0]))
            self.currentChanged.emit()

    def step_statement(self, step: int) -> None:
        spans = self.candidates()
        if not spans:
            spans = self._beyond(step)
            if spans:
                self.set_current(spans[0] if step > 0 else spans[-1])
            return
        if self.current is None:
            self.set_current(spans[0] if step > 0 else spans[-1])
            return
        i = bisect_left(spans, self.current)
        present = i < len(spans) and spans[i] == self.current
        i = i + step if present else (i if step > 0 else i - 1)
        if not 0 <= i < len(spans):
            beyond = self._beyond(step)
            if beyond:
                self.set_current(beyond[0] if step > 0 else beyond[-1])
                return
        self.set_current(spans[max(0, min(len(spans) - 1, i))])

    def _beyond(self, step: int) -> list[Span]:
        """The statement candidates of the nearest page after (step 1) or before (-1) this one that has any."""
        page = self.page + step
        while 0 <= page < len(self.pages):
            found = self.candidates_of(page)
            if found:
                return found
            page += step
        return []

    def select(self, start: int, end: int) -> Span | None:
        """Make a selection (code points) the current statement, snapped to token bounds."""
        span = snap(start, end, self.tokens)
        if span is not None:
            self.set_current(span)
        return span

    def toggle_label(self, name: str) -> None:
        """Add `name` to the current statement, or take it off: one label, as stored now (a label
        another program gave the statement meanwhile is read first and kept)."""
        if self.article is None or self.current is None:
            return
        self.catch_up()
        on = name not in self.state().labels
        verb = "added" if on else "removed"
        change = {"add": (name,)} if on else {"remove": (name,)}
        self._push(_StatementCommand(self, self.article.id, self.current, f"{verb} {name}", **change))

    def toggle_key(self, key: str) -> None:
        for label in self.labels:
            if label.key == key and not label.retired:
                self.toggle_label(label.name)
                return

    def set_labels(self, labels: tuple[str, ...], what: str) -> bool:
        """Give the current statement exactly `labels` (accepting suggestions): one undoable action,
        written as the labels it adds and removes."""
        if self.article is None or self.current is None:
            return False
        self.catch_up()
        before, wanted = set(self.state().labels), set(labels)
        if before == wanted:
            return True
        return self._push(
            _StatementCommand(
                self, self.article.id, self.current, what, add=tuple(wanted - before), remove=tuple(before - wanted)
            )
        )

    def clear_labels(self) -> None:
        if self.article is None or self.current is None:
            return
        self.catch_up()
        if self.state().labels:
            labels = self.state().labels
            self._push(_StatementCommand(self, self.article.id, self.current, "cleared labels", remove=labels))

    def set_note(self, note: str, span: Span | None = None) -> bool:
        """Save the note of `span` (default: the current statement); True once it is committed."""
        span = span or self.current
        if self.article is None or span is None:
            return False
        note = clean_note(note)  # no ESC or bidi override in a note, however it came (records.note_problem)
        self.catch_up()
        if note == self.state(span).note:
            return True
        return self._push(_StatementCommand(self, self.article.id, span, "note", note=note))

    def catch_up(self) -> None:
        """Read the article's statements, entities and (through `statementsChanged`) links again if
        another program committed to the project since they were read (SQLite's `data_version`),
        so a key decides on what is stored and a write never undoes what it did not see. Every
        writing key calls it first: labels, notes, entities, status, links."""
        version = self.store.data_version()
        if version == self._seen_version:
            return
        self._seen_version = version
        if self.article is not None:
            self._load_statements()
            self.entities = self.store.entities.entities(self.article.id, self._within())
            self.statementsChanged.emit()
            self.entitiesChanged.emit()

    # -- article status and navigation ----------------------------------------------

    def status(self) -> str:
        return self.store.articles.status(self.article.id, self.annotator) if self.article else "new"

    def set_status(self, status: str) -> bool:
        if self.article is None:
            return False
        self.catch_up()
        before = self.status()
        if before == status:
            return True
        return self._push(_StatusCommand(self, self.article.id, before, status))

    def entities_reviewed(self) -> bool:
        return self.article is not None and self.store.entities.entities_reviewed_by(self.article.id, self.annotator)

    def toggle_entity_review(self) -> bool:
        """The entity review key: the annotator vouches for the article's entities as shown (spaCy's
        included), or takes it back. Its own decision: "done" is about statements only."""
        if self.article is None:
            return False
        before = self.entities_reviewed()
        return self._push(_EntityReviewCommand(self, self.article.id, before, not before, len(self.entities)))

    def mark_done_and_next(self) -> None:
        if self.article is None or not self.set_status("done"):
            return
        following = self.store.articles.next_unfinished(self.article.id, self.annotator)
        if following is None:
            self.saved.emit("saved · every article is done")
        else:
            self.open_article(following)

    def step_article(self, step: int) -> None:
        if self.article is None:
            return
        target = self.store.articles.neighbour_article(self.article.id, self.annotator, step, self.filter)
        if target is not None:
            self.open_article(target)

    # -- entity corrections -----------------------------------------------------------

    def add_entity(self, start: int, end: int, label: str) -> None:
        if self.article is None:
            return
        self.catch_up()  # an entity another program gave these words meanwhile is the one replaced (undo keeps it)
        self._push(_EntityCommand(self, self.article.id, None, Entity(start, end, label, USER)))

    def remove_entity(self, entity: Entity) -> None:
        if self.article is not None and self._still_there(entity):
            self._push(_EntityCommand(self, self.article.id, entity, None))

    def relabel_entity(self, entity: Entity, label: str) -> None:
        if self.article is not None and label != entity.label and self._still_there(entity):
            self._push(_EntityCommand(self, self.article.id, entity, Entity(entity.start, entity.end, label, USER)))

    def _still_there(self, entity: Entity) -> bool:
        """Whether `entity`, as shown, is still stored; if another program changed it meanwhile the
        entities are shown again and nothing is written (its undo would bring back what they removed)."""
        self.catch_up()
        if any((e.start, e.end, e.label) == (entity.start, entity.end, entity.label) for e in self.entities):
            return True
        self.error.emit(f"not saved: another program changed the entity {entity.label} meanwhile; shown as stored now")
        return False

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
        labels, note = self.store.statements.statement_state(self.article.id, self.annotator, *span)
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
            for s in self.store.statements.statements(self.article.id)
            if s.annotator != self.annotator and s.labels and s.start < end and start < s.end
        ]

    def set_show_others(self, on: bool) -> None:
        self.show_others = on
        self.currentChanged.emit()

    def excerpt(self, span: Span, limit: int = 40) -> str:
        if self.article is None:
            return ""
        return excerpt(self.article.text[span[0] : span[1]], limit)


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
    """Labels added and removed (or a note set) on one statement: a change, applied to what is
    stored when it runs, whose undo takes back exactly that change (and the links it took)."""

    def __init__(self, session, article_id, span, what: str, *, add=(), remove=(), note: str | None = None):
        super().__init__(session, article_id, what)
        self._span, self.add, self.remove, self.note = span, tuple(add), tuple(remove), note
        self.change: StatementChange | None = None

    def span(self) -> Span:
        return self._span

    def after(self) -> str:
        return f"{self.text()} · “{self.session.excerpt(self._span)}”"

    def _refresh(self) -> None:
        s = self.session
        if s.article_id == self.article_id:
            s._refresh_statement(self._span)
        s.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        s = self.session
        self.change = s.store.statements.change_statement(
            self.article_id, s.annotator, *self._span, add=self.add, remove=self.remove, note=self.note
        )
        self._refresh()

    def revert(self) -> None:
        s = self.session
        if self.change is not None:
            s.store.statements.revert_statement_change(self.article_id, s.annotator, *self._span, self.change)
        self._refresh()


class _StatusCommand(_Command):
    def __init__(self, session, article_id, before: str, after: str):
        super().__init__(session, article_id, f"article marked {after.replace('_', ' ')}")
        self.before, self.status_after = before, after

    def _set(self, status: str) -> None:
        self.session.store.articles.set_status(self.article_id, self.session.annotator, status)
        self.session.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        self._set(self.status_after)

    def revert(self) -> None:
        self._set(self.before)


class _EntityReviewCommand(_Command):
    def __init__(self, session, article_id, before: bool, after: bool, count: int):
        what = "reviewed" if after else "unreviewed (taken back)"
        super().__init__(session, article_id, f"article {article_id}: {count} entities marked {what}")
        self.before, self.reviewed_after = before, after

    def _set(self, reviewed: bool) -> None:
        s = self.session
        s.store.entities.set_entity_review(self.article_id, s.annotator, reviewed)
        s.articleRowChanged.emit(self.article_id)

    def apply(self) -> None:
        self._set(self.reviewed_after)

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

    def redo(self) -> None:
        if not self.applied:
            self._bring_into_view()
        super().redo()

    def undo(self) -> None:
        self._bring_into_view()
        super().undo()

    def _bring_into_view(self) -> None:
        """The entity's article and, in a long article, its part, with the statement holding it current."""
        s, entity = self.session, self.new or self.old
        s._show(self.article_id)
        if s.article_id == self.article_id and not s.offsets.holds(entity.start, entity.end):
            page = s.page_of(entity.start)
            s.set_current(next((c for c in s.candidates_of(page) if c[0] <= entity.start < c[1]), s.current))
            s.show_offset(entity.start)

    def _swap(self, remove: list[Entity | None], add: list[Entity | None]) -> None:
        s = self.session
        with s.store.write():
            for entity in remove:
                if entity is not None:
                    s.store.entities.remove_entity(self.article_id, entity)
            for entity in add:
                if entity is not None:
                    s.store.entities.add_entity(self.article_id, entity.start, entity.end, entity.label, entity.source)
        if s.article_id == self.article_id:
            s.entities = s.store.entities.entities(self.article_id, s._within())
            s.entitiesChanged.emit()

    def apply(self) -> None:
        self._swap([self.old, self.replaced], [self.new])

    def revert(self) -> None:
        self._swap([self.new], [self.replaced, self.old])


#: The base of undoable actions defined in the window's other modules (label all matches, categories).
Command = _Command
