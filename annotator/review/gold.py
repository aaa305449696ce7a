"""The gold layer: review decisions over what every annotator who finished an article agrees on.

Gold is computed, not only stored. A unit (a span somebody labeled) on which every annotator
who marked the article done — at least two — gave the same labels is gold without a keypress
("agreed"). A review decision, stored as the gold annotator layer through
`store.statements.set_statement`, overrides it and settles everything else. `gold_articles` says, per
article, what its gold is and whether it is complete (every unit of a finished annotator
decided or agreed): the export of the gold layer is built from it.

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

from annotator.records import GOLD, HUMAN_LAYER
from annotator.review.conflicts import Conflict, regions
from annotator.review.units import ArticleLabels, Collection, Labels, SpanKey, collect
from annotator.tokens import snap, word_tokens

#: The note of a gold statement that records "reviewed: no label here".
NO_LABEL_NOTE = "review: no label"
#: How the review window marks a unit that is gold because everyone who finished agrees on it.
AGREED_NOTE = "agreed by everyone who finished the article"

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
    """Statement changes made as one batch, undone and redone as one (each in one transaction).

    `layer` is the annotator layer the changes are in: gold for review decisions, the
    annotator's own for "label all matches" (`annotator.search.label_all`).
    """

    description: str
    changes: list[Change] = field(default_factory=list)
    layer: str = GOLD

    def undo(self, store) -> None:
        _apply(store, [(c, c.before) for c in reversed(self.changes)], self.layer)

    def redo(self, store) -> None:
        _apply(store, [(c, c.after) for c in self.changes], self.layer)

    @property
    def article_ids(self) -> list[int]:
        return sorted({c.article_id for c in self.changes})


def _apply(store, targets: list[tuple[Change, State]], layer: str = GOLD) -> None:
    with store.write():
        for change, (labels, note) in targets:
            store.statements.set_statement(change.article_id, layer, change.start, change.end, labels, note)


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
            for st in store.statements.statements(article_id, GOLD):
                span = (st.start, st.end)
                if span not in targets and st.start < clear[1] and clear[0] < st.end:
                    before = store.statements.set_statement(article_id, GOLD, st.start, st.end, (), "")
                    decision.changes.append(Change(article_id, st.start, st.end, before, ((), "")))
        for (start, end), labels in sorted(targets.items()):
            current = store.statements.statement_state(article_id, GOLD, start, end)
            after = (tuple(sorted(set(labels))), _note(labels, current[1]))
            if after == current:
                continue
            before = store.statements.set_statement(article_id, GOLD, start, end, after[0], after[1])
            decision.changes.append(Change(article_id, start, end, before, after))
    return decision


def take(store, conflict: Conflict, annotator: str) -> Decision:
    """Gold takes `annotator`'s statements in the region (no label where they have none)."""
    mine = conflict.values.get(annotator, {})
    targets = {span: mine.get(span, ()) for span in conflict.units}
    return _decide(store, conflict.article_id, targets, f"take {annotator}'s", (conflict.start, conflict.end))


def take_all(store, conflict: Conflict) -> Decision:
    """Gold takes the union of everybody's labels at each unit of the region.

    Where units overlap and carry the same label (a boundary conflict), the label stays on
    the longest of them only: gold never holds one label twice over the same words.
    """
    union: dict[SpanKey, set[str]] = {span: set() for span in conflict.units}
    for values in conflict.values.values():
        for span in conflict.units:
            union[span].update(values.get(span, ()))
    for label in {label for labels in union.values() for label in labels}:
        carrying = sorted(span for span, labels in union.items() if label in labels)
        for group in regions(carrying):
            keep = max(group, key=lambda span: (span[1] - span[0], -span[0]))
            for span in group:
                if span != keep:
                    union[span].discard(label)
    targets = {span: tuple(sorted(labels)) for span, labels in union.items()}
    return _decide(store, conflict.article_id, targets, "take all", (conflict.start, conflict.end))


def take_none(store, conflict: Conflict) -> Decision:
    """Gold has no label anywhere in the region."""
    targets = dict.fromkeys(conflict.units, ())
    return _decide(store, conflict.article_id, targets, "take none", (conflict.start, conflict.end))


def gold_span(store, article_id: int, start: int, end: int) -> SpanKey | None:
    """A selection snapped onto whole tokens of the article (spaCy's, or words until the pipeline
    has run), as every gold span must be; None if it covers no token."""
    tokens = store.articles.tokens(article_id) or word_tokens(store.articles.article(article_id).text)
    return snap(start, end, tokens)


def set_gold(store, article_id: int, start: int, end: int, labels: Iterable[str]) -> Decision:
    """A direct edit of the gold column: exactly `labels` on one span, snapped onto whole tokens.

    No labels on a span an annotator labeled is a decision ("no label here", which overrides
    an agreed unit); on any other span it removes the gold statement. Raises ValueError if
    the selection covers no token.
    """
    span = gold_span(store, article_id, start, end)
    if span is None:
        raise ValueError("the selection covers no word; select words in the gold column")
    start, end = span
    decision = Decision("edit gold")
    wanted = tuple(sorted(set(labels)))
    with store.write():
        current = store.statements.statement_state(article_id, GOLD, start, end)
        if wanted:
            after = (wanted, "" if current[1] == NO_LABEL_NOTE else current[1])
        elif _labeled_by_annotators(store, article_id, span):
            after = ((), current[1] or NO_LABEL_NOTE)
        else:
            after = ((), "" if current[1] == NO_LABEL_NOTE else current[1])
        if after != current:
            before = store.statements.set_statement(article_id, GOLD, start, end, after[0], after[1])
            decision.changes.append(Change(article_id, start, end, before, after))
    return decision


def _labeled_by_annotators(store, article_id: int, span: SpanKey) -> bool:
    people = set(store.layers.annotators(HUMAN_LAYER)) - store.guidelines.trainees()
    return any(
        st.labels and st.annotator in people and (st.start, st.end) == span
        for st in store.statements.statements(article_id)
    )


def decided_spans(store, article_ids: list[int] | None = None) -> dict[int, set[SpanKey]]:
    """The spans where the gold layer has a statement (labeled or "no label"), per article."""
    out: dict[int, set[SpanKey]] = {}
    for article_id, start, end, _ in store.review.gold_statements(GOLD, article_ids):
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


# -- the gold layer as an export sees it ------------------------------------------------------


def agreed_units(art: ArticleLabels) -> dict[SpanKey, Labels]:
    """Units on which every annotator who marked the article done — at least two — gave the same labels.

    Annotators still at work do not count either way: when they finish, their labels join in.
    """
    finished = sorted(art.done)
    if len(finished) < 2:
        return {}
    spans = [art.spans.get(name, {}) for name in finished]
    agreed: dict[SpanKey, Labels] = {}
    for span, labels in spans[0].items():
        if labels and all(other.get(span) == labels for other in spans[1:]):
            agreed[span] = labels
    return agreed


@dataclass
class GoldArticle:
    """One article's gold layer, computed: decisions over agreement, and whether it is complete."""

    article_id: int
    #: Annotators who marked the article done (the gold layer never counts).
    finished: list[str]
    #: Stored review decisions: span → labels (empty: decided "no label").
    decided: dict[SpanKey, Labels]
    #: Units every finished annotator (at least two) gave the same labels.
    agreed: dict[SpanKey, Labels]
    #: Regions of finished annotators' units holding a unit neither decided nor agreed.
    undecided: list[list[SpanKey]]

    @property
    def reviewed(self) -> bool:
        """Whether the article has gold at all: a review decision, or two annotators who finished it."""
        return bool(self.decided) or len(self.finished) >= 2

    @property
    def complete(self) -> bool:
        return self.reviewed and not self.undecided

    def spans(self) -> dict[SpanKey, Labels]:
        """The gold labels: agreed units, overridden by decisions; spans with no label left out."""
        merged = {**self.agreed, **self.decided}
        return {span: labels for span, labels in sorted(merged.items()) if labels}


def gold_articles(store, labels: Iterable[str] | None = None) -> dict[int, GoldArticle]:
    """Every article someone finished or a reviewer decided on, with its computed gold.

    `labels` keeps only those labels (as `units.collect` does), so a conflict over another
    label does not hold an article back. One pass over the labels; no Qt, no spaCy.
    """
    keep = set(labels) if labels is not None else None
    collection = collect(store, labels=labels)
    decided: dict[int, dict[SpanKey, Labels]] = {}
    for article_id, start, end, labs in store.review.gold_statements(GOLD):
        if keep is not None:
            labs = tuple(label for label in labs if label in keep)
        decided.setdefault(article_id, {})[(start, end)] = labs
    out: dict[int, GoldArticle] = {}
    for art in collection.articles:
        out[art.article_id] = _gold_article(art, decided.pop(art.article_id, {}))
    for article_id, mine in decided.items():  # decisions on articles nobody else has labeled
        out[article_id] = _gold_article(ArticleLabels(article_id), mine)
    return out


def _gold_article(art: ArticleLabels, decided: dict[SpanKey, Labels]) -> GoldArticle:
    finished = sorted(art.done)
    agreed = agreed_units(art)
    units = sorted({span for name in finished for span in art.spans.get(name, {})})
    undecided = [
        region for region in regions(units) if any(span not in decided and span not in agreed for span in region)
    ]
    return GoldArticle(art.article_id, finished, decided, agreed, undecided)
