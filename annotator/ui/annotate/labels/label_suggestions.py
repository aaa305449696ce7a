"""Label suggestions in the window: the latest model's and the rules' likely labels of the statement.

The `Suggester` (spaCy: seconds to load) is built on a worker thread and handed to the GUI
thread, where it answers for the current statement from its cache or in a few milliseconds
(`make bench`, suite `window`); while the window is idle it suggests ahead for the article's
next statements. Suggestions show only while the statement is undecided (it has no label of
yours), drawn by `suggestion_marks` (dashed, never filled), never as a label. Accepting and
moving on are two keys: Shift+Enter gives the statement exactly the suggested labels — one
committed, undoable action that says what it wrote — and stays; Enter (like ↓) only moves on
and never writes a label. A number key decides as before and the suggestion goes away; undo
brings the statement and its suggestion back.

What was shown and decided goes to the suggestion log (`store.suggestions.log_shown`, `log_decision`,
`withdraw_decision`), which `annotator stats` reads: a suggestion counts as shown once it has
been on screen for `SHOWN_MS` (walking past with ↓ is not a look) or when it is decided; the
decision of a statement is its labels after each change, with the decision keys pressed on it.
After a model loads, the uncertainty of every undecided statement is scored on a worker
thread (`UncertaintyIndex`, kept beside the model) for Go ▸ Next uncertain statement and the
article list's "most uncertain first".
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.store import StoreError
from annotator.ui.annotate.labels.suggestion_marks import SuggestionMarks
from annotator.ui.annotate.labels.suggestion_work import index_task, suggester_task
from annotator.ui.annotate.session import Session, Span
from annotator.ui.shell.workers import Task, TaskRunner

log = logging.getLogger("annotator.ui")
LOAD_TASK, INDEX_TASK = "suggestions", "uncertainty"
#: A suggestion on screen this long (ms) counts as shown in the log.
SHOWN_MS = 300
#: Decisions are logged at a pause this long (ms), or when the window closes.
LOG_PAUSE_MS = 250
#: Statements of the open article suggested for at once while the window is idle (about 10 ms).
PREFETCH = 6


@dataclass
class _Logged:
    """What the log holds for one statement this session."""

    shown: int | None = None  # the log_shown row, when its suggestion was seen
    decision: int | None = None  # the row of an unaided decision
    labels: tuple[str, ...] = ()  # the labels last logged as decided
    keys: int = 0  # decision keys pressed on it


class LabelSuggestions(QObject):
    """The current statement's suggestions, accepting them, the log, the model and its uncertainty index."""

    changed = Signal()  # the current statement's suggestions changed
    modelChanged = Signal()  # a model (or the rules) loaded: `model` says which
    indexChanged = Signal()  # the uncertainty index is ready (or gone)
    decided = Signal()  # the annotator decided a statement (a label set where there was none)
    message = Signal(str)

    def __init__(self, session: Session, view, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.view = view
        self.runner = runner
        self.enabled = True
        self.suggester = None
        self.model = None  # ModelInfo of the model in use, None: rules only
        self.index = None  # UncertaintyIndex for `model`
        self.current = None  # Suggestions of the current statement (None: none shown)
        #: Milliseconds each statement's suggestions took on the GUI thread (the bench reads them).
        self.latencies: list[float] = []
        #: (milliseconds, statements) of each batch suggested ahead while the window was idle.
        self.prefetched: list[tuple[float, int]] = []
        self._ahead: list[Span] = []
        self._ahead_of: int | None = None
        self._prefetch_timer = QTimer(self, singleShot=True, interval=0)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self._log: dict[tuple[str, int, Span], _Logged] = {}
        self._load_task: Task | None = None
        self._index_task: Task | None = None
        self._reload = False
        self._shown_timer = QTimer(self, singleShot=True, interval=SHOWN_MS)
        self._shown_timer.timeout.connect(self._log_shown)
        #: Decisions to log, written at a pause (`LOG_PAUSE_MS`): a label keystroke commits its label alone.
        self._pending: dict[tuple[str, int, Span], tuple[str, ...]] = {}
        self._log_timer = QTimer(self, singleShot=True, interval=LOG_PAUSE_MS)
        self._log_timer.timeout.connect(self.flush)
        session.currentChanged.connect(self.refresh)
        session.statementsChanged.connect(self.refresh)
        session.articleChanged.connect(self._article_opened)
        session.schemeChanged.connect(self._scheme_changed)
        session.undo_stack.indexChanged.connect(self._sync)
        self.marks = SuggestionMarks(self, view)

    # -- the model ---------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)build the suggester from the project's latest model and rules, on a worker thread."""
        if self._load_task is not None:
            self._reload = True  # a newer model may have come since that one started
            return
        task = Task(self.session.store.path, suggester_task(), LOAD_TASK, readonly=True)
        task.finished.connect(self._loaded)
        task.failed.connect(self._load_failed)
        self._load_task = self.runner.start(task)

    def _loaded(self, result) -> None:
        self._load_task = None
        if self._reload:
            self._reload = False
            self.load()
            return
        self.suggester, info = result
        changed = (info and info.version) != (self.model and self.model.version)
        self.model = info
        self.modelChanged.emit()
        self.refresh()
        if changed or self.index is None:
            self.build_index()

    def _load_failed(self, message: str) -> None:
        self._load_task = None
        log.warning("no label suggestions: %s", message)
        self.message.emit(message)

    def build_index(self) -> None:
        """Score the corpus under the model in use (off the GUI thread), for "next uncertain"."""
        if self.model is None:
            if self.index is not None:
                self.index = None
                self.indexChanged.emit()
            return
        if self._index_task is not None:
            self._index_task.cancel()
        task = Task(self.session.store.path, index_task(self.model, self.session.annotator), INDEX_TASK, readonly=True)
        task.message.connect(self.message)
        # bound methods of this object: Qt queues the calls onto the GUI thread
        task.finished.connect(self._indexed)
        task.failed.connect(self._index_failed)
        self._index_task = self.runner.start(task)

    def _index_failed(self, message: str) -> None:
        if self.sender() is self._index_task:
            self._index_task = None
        log.warning("uncertainty not scored: %s", message)

    def _indexed(self, index) -> None:
        if self.sender() is not self._index_task:
            return  # an older model's
        self._index_task = None
        if index is not None:
            self.index = index
            self.message.emit("statements scored: Shift+U goes to the least sure")
            self.indexChanged.emit()

    @property
    def indexing(self) -> bool:
        return self._index_task is not None

    def set_enabled(self, on: bool) -> None:
        """View ▸ Suggest labels."""
        self.enabled = on
        if on and self.suggester is None:
            self.load()
        self.refresh()
        self.changed.emit()

    def _scheme_changed(self) -> None:
        if self.suggester is not None:
            self.suggester.set_labels(label.name for label in self.session.labels if not label.retired)
        self.refresh()

    def set_rules(self, rules) -> None:
        """The project's rules were edited: use them from now on."""
        if self.suggester is not None:
            self.suggester.set_rules(rules)
        self.refresh()

    # -- the current statement ---------------------------------------------------------------

    def for_span(self, span: Span | None):
        """The suggestions of a statement of the open article (None: no suggester, no article, none)."""
        s = self.session
        if self.suggester is None or s.article is None or span is None:
            return None
        start, end = span
        t0 = time.perf_counter()
        made = self.suggester.suggest(s.article.id, start, end, s.article.text[start:end])
        self.latencies.append((time.perf_counter() - t0) * 1000)
        return made

    def _article_opened(self) -> None:
        """Show the current statement's suggestions, then suggest for the article's other undecided
        statements from it onwards, a few at a time whenever the window is idle (batched through the
        model: less time each), so that ↓ finds them ready and a keystroke never waits on a batch."""
        self.refresh()
        s = self.session
        self._ahead = []
        if self.enabled and self.suggester is not None and s.article is not None:
            spans = [span for span in s.candidates() if not s.state(span).labels]
            here = s.current or (0, 0)
            self._ahead = [span for span in spans if span >= here] + [span for span in spans if span < here]
            self._ahead_of = s.article.id
            self._prefetch_timer.start()

    def _prefetch(self) -> None:
        s = self.session
        if not self._ahead or self.suggester is None or s.article is None or s.article.id != self._ahead_of:
            self._ahead = []
            return
        batch, self._ahead = self._ahead[:PREFETCH], self._ahead[PREFETCH:]
        text, aid = s.article.text, s.article.id
        t0 = time.perf_counter()
        self.suggester.suggest_many((aid, a, b, text[a:b]) for a, b in batch)
        self.prefetched.append(((time.perf_counter() - t0) * 1000, len(batch)))
        if self._ahead:
            self._prefetch_timer.start()

    def refresh(self) -> None:
        """Show the current statement's suggestions while it is undecided; nothing otherwise."""
        s = self.session
        made = None
        if self.enabled and s.current is not None and not s.state().labels:
            made = self.for_span(s.current)
            if made is not None and not made.suggested and not made.withheld:
                made = None  # kept when a label was withheld: the window says why none is shown
        if made == self.current:
            return
        self.current = made
        if made is not None and made.suggested and s.article is not None and not s.store.readonly:
            self._shown_timer.start()
        else:
            self._shown_timer.stop()
        self.changed.emit()
        self.view.repaint_marks()

    def accept(self) -> None:
        """Shift+Enter: the statement gets exactly the suggested labels (undoable); the status line
        says which. It stays on the statement: moving on is another key (Enter, ↓), which never writes."""
        s = self.session
        made = self.current
        if (
            made is not None
            and made.suggested
            and s.current == (made.start, made.end)
            and s.article_id == made.article_id
        ):
            self.before_decision()
            names = ", ".join(made.labels)
            s.set_labels(made.labels, f"accepted the suggestion: wrote {names}")
        elif s.current is not None and not s.state().labels:
            self.message.emit("nothing suggested here: nothing written (1–9 labels a statement)")
        else:
            self.message.emit("this statement is decided already: nothing written")

    # -- the log ------------------------------------------------------------------------------

    def _key(self) -> tuple[str, int, Span] | None:
        s = self.session
        if s.article is None or s.current is None:
            return None
        return s.annotator, s.article.id, s.current

    def before_decision(self) -> None:
        """A decision key (1–9, Enter, Del) is about to act on the current statement: count it,
        and log its suggestion as shown if it was not yet."""
        key = self._key()
        if key is None or self.session.store.readonly:
            return
        self._log.setdefault(key, _Logged()).keys += 1
        if self._shown_timer.isActive():
            self._shown_timer.stop()
            self._log_shown()

    def _log_shown(self) -> None:
        key, made = self._key(), self.current
        if key is None or made is None or not made.suggested or (made.article_id, (made.start, made.end)) != key[1:]:
            return
        entry = self._log.setdefault(key, _Logged())
        if entry.shown is not None or entry.labels or self._pending.get(key):
            return
        try:
            entry.shown = self.session.store.suggestions.log_shown(
                made.article_id, key[0], made.start, made.end, made.as_log(), made.model_version
            )
        except (StoreError, ValueError, sqlite3.Error) as exc:
            log.warning("suggestion not logged: %s", exc)

    def _sync(self, _index: int = 0) -> None:
        """After any action or undo: log the current statement's decision if its labels changed."""
        key = self._key()
        if key is None or self.session.store.readonly:
            return
        labels = tuple(sorted(self.session.state().labels))
        entry = self._log.get(key)
        if entry is None:
            if not labels:
                return
            entry = self._log[key] = _Logged(keys=1)  # a click on a label button
        if labels == self._pending.get(key, entry.labels):
            return
        if not entry.labels and labels and key not in self._pending:
            self.decided.emit()
        self._pending[key] = labels
        self._log_timer.start()

    def close(self) -> None:
        """The window closes: log what is pending, start nothing more."""
        self._shown_timer.stop()
        self._prefetch_timer.stop()
        self.flush()
        if self._index_task is not None:
            self._index_task.cancel()

    def flush(self) -> None:
        """Write the decisions not logged yet (at a pause in typing; on closing)."""
        self._log_timer.stop()
        pending, self._pending = self._pending, {}
        for key, labels in pending.items():
            self._write(key, labels)

    def _write(self, key: tuple[str, int, Span], labels: tuple[str, ...]) -> None:
        entry = self._log[key]
        if labels == entry.labels:
            return
        store, (annotator, article_id, (start, end)) = self.session.store, key
        try:
            if entry.decision is not None:  # an unaided decision is replaced by the new one
                store.suggestions.withdraw_decision(entry.decision)
                entry.decision = None
            if not labels:
                if entry.shown is not None:
                    store.suggestions.withdraw_decision(entry.shown)  # undone: shown and undecided again
            elif entry.shown is not None:
                store.suggestions.log_decision(article_id, annotator, start, end, labels, entry.keys, shown=entry.shown)
            else:
                entry.decision, _ = store.suggestions.log_decision(
                    article_id, annotator, start, end, labels, entry.keys
                )
        except (StoreError, ValueError, sqlite3.Error) as exc:
            log.warning("decision not logged: %s", exc)
            return
        entry.labels = labels
