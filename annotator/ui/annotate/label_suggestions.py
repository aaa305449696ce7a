"""Label suggestions in the window: the latest model's and the rules' likely labels of the statement.

The `Suggester` (spaCy: seconds to load) is built on a worker thread and handed to the GUI
thread, where it answers for the current statement from its cache or in about a millisecond
(`make bench`, suite `window`). Suggestions show only while the statement is undecided (it
has no label of yours): as outlined buttons in the label bar and a dashed line under the
statement, never as a label. Enter gives the statement exactly the suggested labels — one
committed, undoable action — and goes on to the next statement; a number key decides as
before and the suggestion goes away; undo brings the statement and its suggestion back.

What was shown and decided goes to the suggestion log (`Store.log_shown`, `log_decision`,
`withdraw_decision`), which `annotator stats` reads: a suggestion counts as shown once it has
been on screen for `SHOWN_MS` (walking past with ↓ is not a look) or when it is decided; the
decision of a statement is its labels after each change, with the decision keys pressed on it.
After a model loads, the uncertainty of every undecided statement is scored on a worker
thread (`UncertaintyIndex`, kept beside the model) for Go ▸ Next uncertain statement and the
article list's "most uncertain first".
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen

from annotator.store import StoreError
from annotator.ui.annotate.article_view import START_BAR
from annotator.ui.annotate.session import Session, Span
from annotator.ui.shell import palette
from annotator.ui.shell.workers import Task, TaskRunner

log = logging.getLogger("annotator.ui")
LOAD_TASK, INDEX_TASK = "suggestions", "uncertainty"
#: A suggestion on screen this long (ms) counts as shown in the log.
SHOWN_MS = 300
#: Decisions are logged at a pause this long (ms), or when the window closes.
LOG_PAUSE_MS = 250
#: Undecided statements of an article suggested for at once when it opens (a long one's first).
PREFETCH = 400


def percent(probability: float) -> str:
    """A probability as the window shows it: whole percents, never a certain-looking "100%" or "0%"."""
    if probability > 0.995:
        return ">99%"
    if probability < 0.005:
        return "<1%"
    return f"{probability:.0%}"


def suggester_task(model: bool = True):
    """Work for a `Task`: the project's `Suggester` (latest model, if any, and rules) and its model info."""

    def work(store, task: Task):
        from annotator.learn.models import latest_model
        from annotator.learn.suggest import Suggester

        info = latest_model(store.path) if model else None
        return Suggester.for_project(store, model=info or False), info

    return work


def index_file(info, annotator: str):
    """Where the uncertainty index of `annotator` under model `info` is kept: beside the model."""
    digest = hashlib.sha1(annotator.encode("utf-8")).hexdigest()[:12]
    return info.path / f"uncertainty-{digest}.json"


def index_task(info, annotator: str):
    """Work for a `Task`: the `UncertaintyIndex` of the corpus under the model `info` (read back
    when it was scored before), scoring with a pipeline of the worker's own."""

    def work(store, task: Task):
        from annotator.learn.suggest import Suggester
        from annotator.learn.uncertainty import UncertaintyIndex

        path = index_file(info, annotator)
        index = UncertaintyIndex.load(path, info.version)
        if index is not None:
            return index
        task.message.emit("scoring statements for “most uncertain”…")
        suggester = Suggester.from_path(info.path, model_version=info.version)
        index = UncertaintyIndex.build(
            store,
            suggester.probabilities,
            info.version,
            annotator=annotator,
            progress=lambda done, total: task.message.emit(f"scoring statements for “most uncertain” {done}/{total}"),
            cancelled=task.cancelled,
        )
        if index is not None:
            try:
                index.save(path)
            except OSError as exc:  # the data folder is full or gone: it is rebuilt next time
                log.warning("uncertainty index not kept: %s", exc)
        return index

    return work


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
        #: (milliseconds, statements) of each article's statements suggested at once on opening.
        self.prefetched: list[tuple[float, int]] = []
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
        view.overlays.append(self.paint)
        view.gutter_overlays.append(self.paint_gutter)
        view.tooltip_sources.append(self.hover_lines)

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
        """Suggest for the article's statements at once (batched through the model: about a third
        of the time each), so that ↓ finds them ready."""
        s = self.session
        if self.enabled and self.suggester is not None and s.article is not None:
            text, aid = s.article.text, s.article.id
            spans = [span for span in s.candidates() if not s.state(span).labels][:PREFETCH]
            t0 = time.perf_counter()
            self.suggester.suggest_many((aid, a, b, text[a:b]) for a, b in spans)
            if spans:
                self.prefetched.append(((time.perf_counter() - t0) * 1000, len(spans)))
        self.refresh()

    def refresh(self) -> None:
        """Show the current statement's suggestions while it is undecided; nothing otherwise."""
        s = self.session
        made = None
        if self.enabled and s.current is not None and not s.state().labels:
            made = self.for_span(s.current)
            if made is not None and not made.suggested:
                made = None
        if made == self.current:
            return
        self.current = made
        if made is not None and s.article is not None and not s.store.readonly:
            self._shown_timer.start()
        else:
            self._shown_timer.stop()
        self.changed.emit()
        self.view.repaint_marks()

    def accept(self) -> None:
        """Enter: the statement gets exactly the suggested labels (undoable), and ↓ goes on.
        With nothing suggested (or the statement decided already) it only goes on."""
        s = self.session
        made = self.current
        if made is not None and s.current == (made.start, made.end) and s.article_id == made.article_id:
            self.before_decision()
            names = ", ".join(made.labels)
            if not s.set_labels(made.labels, f"accepted {names}"):
                return
        elif s.current is not None and not s.state().labels:
            self.message.emit("nothing suggested here: ↓ moved on (1–9 labels a statement)")
        s.step_statement(1)

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
        if key is None or made is None or (made.article_id, (made.start, made.end)) != key[1:]:
            return
        entry = self._log.setdefault(key, _Logged())
        if entry.shown is not None or entry.labels or self._pending.get(key):
            return
        try:
            entry.shown = self.session.store.log_shown(
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
                store.withdraw_decision(entry.decision)
                entry.decision = None
            if not labels:
                if entry.shown is not None:
                    store.withdraw_decision(entry.shown)  # undone: shown and undecided again
            elif entry.shown is not None:
                store.log_decision(article_id, annotator, start, end, labels, entry.keys, shown=entry.shown)
            else:
                entry.decision, _ = store.log_decision(article_id, annotator, start, end, labels, entry.keys)
        except (StoreError, ValueError, sqlite3.Error) as exc:
            log.warning("decision not logged: %s", exc)
            return
        entry.labels = labels

    # -- drawing --------------------------------------------------------------------------------

    def _drawn(self):
        """(Qt start, Qt end, suggestions) of the suggestion on screen, or None."""
        made, s = self.current, self.session
        if made is None or s.article_id != made.article_id:
            return None
        return (*s.offsets.span_to_qt(made.start, made.end), made.suggested)

    def paint(self, painter: QPainter, clip: QRectF) -> None:
        """Where a decided statement has a solid bar in its label's colour, a suggested one has a dashed
        bar (a stripe per suggested label): seen at a glance, never a fill."""
        drawn = self._drawn()
        if drawn is None:
            return
        a, b, suggested = drawn
        view = self.view
        rects = [rect for rect in view.line_rects(a, b) if rect.intersects(clip.adjusted(-20, -4, 0, 4))]
        width = 3.0 / max(1, min(len(suggested), 3))
        for k, suggestion in enumerate(suggested[:3]):
            pen = QPen(QColor(self.color(suggestion.label)), width, Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([2.0 / width, 1.5 / width])
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            for rect in rects:
                x = rect.left() - START_BAR - 2 + width * (k + 0.5)
                painter.drawLine(QPointF(x, rect.top() + 2), QPointF(x, rect.bottom() - 2))

    def paint_gutter(self, painter: QPainter, right: int, chip_h: int, rect_of) -> None:
        """The suggested labels' chips in the margin: dashed outlines with a "?", where decided ones are filled."""
        drawn = self._drawn()
        if drawn is None:
            return
        found = rect_of(drawn[0], drawn[1])
        if found is None:
            return
        metrics = painter.fontMetrics()
        y = found[0] + 2
        for suggestion in drawn[2]:
            name = f"{suggestion.label}?"
            width = metrics.horizontalAdvance(name) + 12
            chip = QRectF(right - width, y, width, chip_h).adjusted(1, 1, -1, -1)
            color = QColor(self.color(suggestion.label))
            pen = QPen(color, 1.4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(chip, chip_h / 2, chip_h / 2)
            painter.setPen(QColor(self.text_color(suggestion.label)))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            y += chip_h + 3

    def color(self, label: str) -> str:
        """A suggested label's dashes and outline in this theme (`palette.suggestion_color`)."""
        return palette.suggestion_color(self.view.label_color(label).name(), self.view.theme)

    def text_color(self, label: str) -> str:
        """A suggested label's name in the margin: its hue, readable (WCAG AA) on the article's background."""
        th = self.view.theme
        return palette.readable(self.view.label_color(label).name(), [th.base])

    def hover_lines(self, position: int) -> list[str]:
        """The text's hover over the suggested statement: each suggestion, its probability and source."""
        made = self.current
        if made is None or self.session.article_id != made.article_id or not made.start <= position < made.end:
            return []
        return [self.describe(s) for s in made.suggested]

    def describe(self, suggestion) -> str:
        """A suggested label's hover text: what it is, its probability and where it came from."""
        lines = [f"suggested: {suggestion.label} — not a label until you accept it (Enter) or press its key"]
        if suggestion.probability is not None:
            lines.append(f"model's probability {percent(suggestion.probability)}")
        for source in suggestion.sources:
            kind, _, name = source.partition(":")
            lines.append(f"from the model {name}" if kind == "model" else f"from the rule “{name}”")
        return "\n".join(lines)
