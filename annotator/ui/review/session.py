"""The review window's service: conflicts, the current one, gold decisions and their undo.

Widgets call methods and listen to signals; nothing here draws. Every decision is
committed by the store (through `annotator.review.gold`) before a signal goes out, and is
pushed on a `QUndoStack` whose undo/redo are committed store actions too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import combinations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.records import GOLD, Article, Label
from annotator.review import Collection, Conflict, collect, find_conflicts
from annotator.review import gold as gold_ops
from annotator.review import links as link_ops
from annotator.review.conflicts import KINDS, Pair
from annotator.review.links import LINK_KINDS, LinkConflict
from annotator.schemes.labels import project_labels
from annotator.store import Store, StoreError

log = logging.getLogger("annotator.ui")

SpanKey = tuple[int, int]


class ReviewSession(QObject):
    """Holds the store, the conflicts (filtered), the current conflict and the undo stack."""

    conflictsChanged = Signal()  # the filtered list changed (filter, reload)
    currentChanged = Signal()  # another conflict is current
    goldChanged = Signal(int)  # the gold layer of this article changed
    message = Signal(str)
    error = Signal(str)

    def __init__(self, store: Store, reviewer: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.reviewer = reviewer
        self.undo_stack = QUndoStack(self)
        self.labels: list[Label] = project_labels(store)
        self.kind: str | None = None
        self.pair: Pair | None = None
        self.unresolved_only = False
        self.collection = Collection([], [])
        self.all_conflicts: list[Conflict] = []
        self.conflicts: list[Conflict] = []
        self.decided: dict[int, set[SpanKey]] = {}
        #: Units every annotator who finished the article agrees on: gold without a keypress.
        self.agreed: dict[int, dict[SpanKey, tuple[str, ...]]] = {}
        #: Link slots (head start, head end, type) decided in review, and those agreed (with their other ends).
        self.link_decided: dict[int, set[link_ops.Slot]] = {}
        self.link_agreed: dict[int, dict[link_ops.Slot, link_ops.Children]] = {}
        self.index = -1
        self._articles: dict[int, Article] = {}
        self.reload()

    # -- loading and filtering -------------------------------------------------------

    @property
    def annotators(self) -> list[str]:
        return self.collection.annotators

    @property
    def pairs(self) -> list[Pair]:
        return list(combinations(self.annotators, 2))

    @property
    def kinds(self) -> tuple[str, ...]:
        return (*KINDS, *LINK_KINDS)

    def label_color(self, label: str) -> str:
        for item in self.labels:
            if item.name == label:
                return item.color
        return "#64748b"

    def reload(self) -> None:
        """Read every annotator's labels again (after an import, say) and keep the place."""
        current = self.current
        self.collection = collect(self.store)
        links = link_ops.collect_links(self.store, self.collection)
        label_conflicts: list[Conflict | LinkConflict] = list(find_conflicts(self.collection))
        self.all_conflicts = sorted(
            label_conflicts + link_ops.link_conflicts(links),
            key=lambda c: (c.article_id, c.start, c.end, getattr(c, "label", "")),
        )
        self.decided = gold_ops.decided_spans(self.store)
        self.agreed = {art.article_id: gold_ops.agreed_units(art) for art in self.collection.articles}
        self.link_decided = link_ops.decided_slots(self.store)
        self.link_agreed = {a: g.agreed for a, g in link_ops.gold_links(self.store, links).items() if g.agreed}
        self._apply_filter(current)

    def set_filter(self, kind: str | None = None, pair: Pair | None = None, unresolved_only: bool | None = None):
        self.kind = kind
        self.pair = pair
        if unresolved_only is not None:
            self.unresolved_only = unresolved_only
        self._apply_filter(self.current)

    def _apply_filter(self, keep: Conflict | None) -> None:
        self.conflicts = [
            c
            for c in self.all_conflicts
            if c.matches(self.kind, self.pair) and not (self.unresolved_only and self.is_resolved(c))
        ]
        self.index = -1
        if keep is not None:
            self.index = next((i for i, c in enumerate(self.conflicts) if _same(c, keep)), -1)
        if self.index < 0 and self.conflicts:
            self.index = 0
        self.conflictsChanged.emit()
        self.currentChanged.emit()

    # -- where we are ------------------------------------------------------------------

    @property
    def current(self) -> Conflict | None:
        return self.conflicts[self.index] if 0 <= self.index < len(self.conflicts) else None

    def article(self, article_id: int) -> Article:
        if article_id not in self._articles:
            self._articles[article_id] = self.store.articles.article(article_id)
        return self._articles[article_id]

    def is_resolved(self, conflict: Conflict | LinkConflict) -> bool:
        """Every unit of the region decided in review, or agreed by everyone who finished the article
        (for a link conflict: its slot)."""
        if isinstance(conflict, LinkConflict):
            slot = conflict.slot
            return slot in self.link_decided.get(conflict.article_id, set()) or slot in self.link_agreed.get(
                conflict.article_id, {}
            )
        settled = self.decided.get(conflict.article_id, set()) | self.agreed.get(conflict.article_id, {}).keys()
        return gold_ops.is_resolved(conflict, settled)

    def unresolved_count(self) -> int:
        return sum(not self.is_resolved(c) for c in self.all_conflicts)

    def gold(self, article_id: int) -> dict[SpanKey, tuple[tuple[str, ...], str]]:
        """The gold layer of one article: span → (labels, note). Agreed units not overridden by a
        decision are in it too, with the note `gold.AGREED_NOTE`."""
        decided = {(s.start, s.end): (s.labels, s.note) for s in self.store.statements.statements(article_id, GOLD)}
        agreed = {span: (labels, gold_ops.AGREED_NOTE) for span, labels in self.agreed.get(article_id, {}).items()}
        return {**agreed, **decided}

    def gold_links(self, conflict: LinkConflict) -> link_ops.Children | None:
        """Gold's other ends in a link conflict's slot: decided, else agreed, else None (undecided)."""
        slot = conflict.slot
        if slot in self.link_decided.get(conflict.article_id, set()):
            head = (conflict.start, conflict.end)
            state = self.store.links.slot_state(conflict.article_id, GOLD, head, conflict.label)
            return frozenset(state.children)
        return self.link_agreed.get(conflict.article_id, {}).get(slot)

    def go(self, index: int) -> None:
        if 0 <= index < len(self.conflicts) and index != self.index:
            self.index = index
            self.currentChanged.emit()

    def go_to(self, article_id: int, start: int | None = None, end: int | None = None, clear: bool = True) -> bool:
        """Make the conflict of `article_id` (covering start–end, if given) current.

        If the filters hide it, they are cleared first (unless `clear` is False).
        """

        def find() -> int:
            for i, c in enumerate(self.conflicts):
                if c.article_id == article_id and (start is None or (c.start <= start and end <= c.end)):
                    return i
            return -1

        index = find()
        if index < 0 and clear and (self.kind or self.pair or self.unresolved_only):
            self.set_filter(None, None, False)
            index = find()
        if index >= 0:
            self.index = -1
            self.go(index)
        return index >= 0

    def step(self, delta: int, unresolved: bool = False) -> None:
        """Next (1) or previous (-1) conflict; with `unresolved`, skip the ones decided."""
        i = self.index
        while 0 <= i + delta < len(self.conflicts):
            i += delta
            if not unresolved or not self.is_resolved(self.conflicts[i]):
                self.go(i)
                return
        if unresolved:
            self.message.emit("no more unresolved conflicts this way")

    # -- decisions ---------------------------------------------------------------------

    def take(self, annotator_number: int) -> None:
        """Gold takes the statements of annotator number `annotator_number` (1-based) in the region."""
        conflict = self.current
        if conflict is None or not 1 <= annotator_number <= len(self.annotators):
            return
        name = self.annotators[annotator_number - 1]
        if name not in conflict.values:
            self.message.emit(f"{name} has not worked on this article")
            return
        if isinstance(conflict, LinkConflict):
            self._decide(lambda: link_ops.take_links(self.store, conflict, name), advance=True)
        else:
            self._decide(lambda: gold_ops.take(self.store, conflict, name), advance=True)

    def take_all(self) -> None:
        conflict = self.current
        if isinstance(conflict, LinkConflict):
            self._decide(lambda: link_ops.take_all_links(self.store, conflict), advance=True)
        elif conflict is not None:
            self._decide(lambda: gold_ops.take_all(self.store, conflict), advance=True)

    def take_none(self) -> None:
        conflict = self.current
        if isinstance(conflict, LinkConflict):
            self._decide(lambda: link_ops.take_no_links(self.store, conflict), advance=True)
        elif conflict is not None:
            self._decide(lambda: gold_ops.take_none(self.store, conflict), advance=True)

    def set_gold(self, article_id: int, start: int, end: int, labels: list[str]) -> None:
        self._decide(lambda: gold_ops.set_gold(self.store, article_id, start, end, labels))

    def auto_accept(self, threshold: int | None = None) -> int:
        """Accept every undecided unit the annotators agree on; returns how many units got gold."""
        decision = self._decide(lambda: gold_ops.auto_accept(self.store, self.collection, threshold))
        return len(decision.changes) if decision else 0

    def _decide(self, action: Callable[[], gold_ops.Decision], advance: bool = False) -> gold_ops.Decision | None:
        try:
            decision = action()
        except (StoreError, ValueError) as exc:
            log.warning("review decision failed: %s", exc)
            self.error.emit(str(exc))
            return None
        if not decision.changes:
            self.message.emit(f"{decision.description}: nothing to change")
            return decision
        self.undo_stack.push(_DecisionCommand(self, decision))
        self._refresh(decision)
        self.message.emit(f"{decision.description}: {len(decision.changes)} gold statements saved")
        if advance:
            self.step(1, unresolved=True)
        return decision

    def _refresh(self, decision: gold_ops.Decision | link_ops.LinkDecision) -> None:
        ids = decision.article_ids
        fresh = gold_ops.decided_spans(self.store, ids)
        fresh_links = link_ops.decided_slots(self.store, ids)
        for article_id in ids:
            self.decided[article_id] = fresh.get(article_id, set())
            self.link_decided[article_id] = fresh_links.get(article_id, set())
        if self.unresolved_only:
            self._apply_filter(self.current)
        for article_id in ids:
            self.goldChanged.emit(article_id)

    def _undo_redo(self, decision: gold_ops.Decision, undo: bool) -> None:
        try:
            decision.undo(self.store) if undo else decision.redo(self.store)
        except StoreError as exc:
            self.error.emit(str(exc))
            return
        self._refresh(decision)
        first = decision.changes[0]
        self.go_to(first.article_id, first.start, first.end, clear=False)
        self.message.emit(f"{'undone' if undo else 'redone'}: {decision.description}")


def _same(a: Conflict | LinkConflict, b: Conflict | LinkConflict) -> bool:
    return (a.article_id, a.start, a.end, getattr(a, "label", None)) == (
        b.article_id,
        b.start,
        b.end,
        getattr(b, "label", None),
    )


class _DecisionCommand(QUndoCommand):
    """A decision already committed when pushed; undo and redo are committed store actions too."""

    def __init__(self, session: ReviewSession, decision: gold_ops.Decision):
        super().__init__(decision.description)
        self.session = session
        self.decision = decision
        self.pushed = True

    def redo(self) -> None:
        if self.pushed:  # QUndoStack.push calls redo(); the decision ran already
            self.pushed = False
            return
        self.session._undo_redo(self.decision, undo=False)

    def undo(self) -> None:
        self.session._undo_redo(self.decision, undo=True)
