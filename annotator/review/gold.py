"""Review decisions, written as the gold annotator layer through `Store.set_statement`.

A decision covers a conflict region (see `conflicts`) and gives the gold layer a statement
at every unit of it: the chosen labels, or — where the choice is "no label" — a statement
with no labels and the note `NO_LABEL_NOTE`, so the region reads as decided. Gold statements
inside the region at other spans (direct edits) are cleared. Each function runs in one
transaction and returns a `Decision` whose `undo`/`redo` restore the states before/after.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.records import GOLD
from annotator.review.conflicts import Conflict
from annotator.review.units import Collection, Labels, SpanKey

#: The note of a gold statement that records "reviewed: no label here".
NO_LABEL_NOTE = "review: no label"

State = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class Change:
    article_id: int
    start: int
    end: int
    before: State
    after: State


@dataclass
class Decision:
    description: str
    changes: list[Change] = field(default_factory=list)

    def undo(self, store) -> None:
        _apply(store, [(c, c.before) for c in reversed(self.changes)])

    def redo(self, store) -> None:
        _apply(store, [(c, c.after) for c in self.changes])

    @property
    def article_ids(self) -> list[int]:
        return sorted({c.article_id for c in self.changes})


def _apply(store, targets: list[tuple[Change, State]]) -> None:
    with store.write():
        for change, (labels, note) in targets:
            store.set_statement(change.article_id, GOLD, change.start, change.end, labels, note)


def _note(labels: Labels, current: str) -> str:
    """The gold note for a decision: the no-label marker when there are no labels, else the user's note."""
    if labels:
        return "" if current == NO_LABEL_NOTE else current
    return current or NO_LABEL_NOTE


def _decide(store, article_id: int, targets: dict[SpanKey, Labels], description: str, clear: SpanKey | None = None):
    """Give gold exactly `targets` (no labels → the no-label note); clear other gold spans in `clear`."""
    decision = Decision(description)
    with store.write():
        if clear is not None:
            for st in store.statements(article_id, GOLD):
                span = (st.start, st.end)
                if span not in targets and st.start < clear[1] and clear[0] < st.end:
                    before = store.set_statement(article_id, GOLD, st.start, st.end, (), "")
                    decision.changes.append(Change(article_id, st.start, st.end, before, ((), "")))
        for (start, end), labels in sorted(targets.items()):
            current = store.statement_state(article_id, GOLD, start, end)
            after = (tuple(sorted(set(labels))), _note(labels, current[1]))
            if after == current:
                continue
            before = store.set_statement(article_id, GOLD, start, end, after[0], after[1])
            decision.changes.append(Change(article_id, start, end, before, after))
    return decision


def take(store, conflict: Conflict, annotator: str) -> Decision:
    """Gold takes `annotator`'s statements in the region (no label where they have none)."""
    mine = conflict.values.get(annotator, {})
    targets = {span: mine.get(span, ()) for span in conflict.units}
    return _decide(store, conflict.article_id, targets, f"take {annotator}'s", (conflict.start, conflict.end))


def take_all(store, conflict: Conflict) -> Decision:
    """Gold takes the union of everybody's labels at each unit of the region."""
    targets: dict[SpanKey, Labels] = {}
    for span in conflict.units:
        union = set()
        for values in conflict.values.values():
            union.update(values.get(span, ()))
        targets[span] = tuple(sorted(union))
    return _decide(store, conflict.article_id, targets, "take all", (conflict.start, conflict.end))


def take_none(store, conflict: Conflict) -> Decision:
    """Gold has no label anywhere in the region."""
    targets = dict.fromkeys(conflict.units, ())
    return _decide(store, conflict.article_id, targets, "take none", (conflict.start, conflict.end))


def set_gold(store, article_id: int, start: int, end: int, labels: Iterable[str]) -> Decision:
    """A direct edit of the gold column: exactly `labels` on one span (none → removed)."""
    decision = Decision("edit gold")
    wanted = tuple(sorted(set(labels)))
    with store.write():
        current = store.statement_state(article_id, GOLD, start, end)
        after = (wanted, "" if current[1] == NO_LABEL_NOTE else current[1])
        if after != current:
            before = store.set_statement(article_id, GOLD, start, end, after[0], after[1])
            decision.changes.append(Change(article_id, start, end, before, after))
    return decision


def decided_spans(store, article_ids: list[int] | None = None) -> dict[int, set[SpanKey]]:
    """The spans where the gold layer has a statement (labeled or "no label"), per article."""
    out: dict[int, set[SpanKey]] = {}
    for article_id, start, end in store.gold_statements(GOLD, article_ids):
        out.setdefault(article_id, set()).add((start, end))
    return out


def is_resolved(conflict: Conflict, decided: set[SpanKey]) -> bool:
    """A conflict is resolved once gold has decided every unit of its region."""
    return all(span in decided for span in conflict.units)


def auto_accept(store, collection: Collection, threshold: int | None = None) -> Decision:
    """Give gold every undecided unit the annotators agree on; returns one undoable decision.

    `threshold=None`: all participants of the article (at least two) have the same labels.
    `threshold=k`: at least k annotators share one value — labels, or "no label" from those
    who marked the article done — and no other value is as common (a tie decides nothing).
    Missing values (annotators still at work) count for nothing either way.
    """
    if threshold is not None and threshold < 1:
        raise ValueError("the threshold must be at least 1")
    decision = Decision("auto-accept" if threshold is None else f"auto-accept (≥ {threshold})")
    decided = decided_spans(store)
    with store.write():
        for art in collection.articles:
            participants = art.participants
            if len(participants) < 2:
                continue
            done = decided.get(art.article_id, set())
            targets: dict[SpanKey, Labels] = {}
            for span in art.unit_spans():
                if span in done:
                    continue
                values = [art.value(a, span) for a in participants]
                if threshold is None:
                    if values[0] and all(v == values[0] for v in values):
                        targets[span] = values[0]
                    continue
                ranked = Counter(v for v in values if v is not None).most_common(2)
                if not ranked or ranked[0][1] < threshold or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
                    continue
                targets[span] = ranked[0][0]
            if targets:
                decision.changes.extend(_decide(store, art.article_id, targets, decision.description).changes)
    return decision
