"""Several annotators' links on the same articles: agreement, conflicts, and the gold layer's links.

The unit of a link is its *slot*: a statement (the head, by its offsets) and a link type. For
one slot an annotator has the set of other ends they linked there (possibly empty). Who takes
part in an article is who labeled or linked something in it or marked it done (the gold layer
never counts).

- Agreement per pair is span F1 on exact links (head, other end, type): 2·|A∩B| / (|A|+|B|),
  over the articles both took part in; per type the same, pooled over every pair. Undefined
  figures are NaN (null in JSON) with a reason, as for labels.
- Agreement *by actor* is the same F1 with each other end read as the actor it was resolved to
  (`annotator actors --resolve`, or chosen): "Zelensky" and "the Ukrainian president" agree
  when both stand for Volodymyr Zelensky. An end with no actor counts by its offsets.
- A conflict is a slot where two participants' sets differ: `link_missing` (one linked, the
  other did not) or `link_mismatch` (both linked, to other ends).
- Gold: a slot every annotator who finished the article (at least two) linked the same way is
  gold without a keypress ("agreed"); a review decision (the gold layer's links and decided
  slots) overrides it. Each decision here is one transaction with an undo.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations, groupby
from typing import Any

from annotator.records import GOLD, Link
from annotator.review.conflicts import Pair, PairKinds
from annotator.review.reasons import NO_SHARED_ARTICLES, SINGLE_ANNOTATOR
from annotator.review.units import Collection, collect
from annotator.store import SlotState

LINK_MISSING = "link_missing"
LINK_MISMATCH = "link_mismatch"
LINK_KINDS = (LINK_MISSING, LINK_MISMATCH)
NO_LINKS = "no links in shared articles"

Slot = tuple[int, int, str]  # head start, head end, link type
Child = tuple[int, int]
Children = frozenset[Child]


@dataclass
class ArticleLinks:
    """One article's links per annotator, by slot, and who took part in it."""

    article_id: int
    slots: dict[str, dict[Slot, Children]] = field(default_factory=dict)
    participants: list[str] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    #: The actor each resolved other end stands for (`store.actors`), by offsets.
    actors: dict[Child, str] = field(default_factory=dict)

    def actor_links(self, annotator: str) -> set[tuple[int, int, str, object]]:
        """The annotator's links with each other end read as its actor (else its offsets)."""
        return {
            (slot[0], slot[1], slot[2], ("actor", self.actors[child]) if child in self.actors else child)
            for slot, kids in self.slots.get(annotator, {}).items()
            for child in kids
        }

    def links(self, annotator: str) -> set[Link]:
        return {
            Link(*slot[:2], *child, slot[2]) for slot, kids in self.slots.get(annotator, {}).items() for child in kids
        }

    def value(self, annotator: str, slot: Slot) -> Children:
        return self.slots.get(annotator, {}).get(slot, frozenset())


def collect_links(
    store, collection: Collection | None = None, article_ids: list[int] | None = None
) -> list[ArticleLinks]:
    """Every annotator's links (gold left out), per article, with the article's participants:
    those of `collection` (labels and done marks; read from the store when not given) and whoever linked."""
    collection = collection if collection is not None else collect(store, article_ids=article_ids)
    articles: dict[int, ArticleLinks] = {}
    trainees = store.guidelines.trainees()  # their work stays out of review until promoted
    for article_id, rows in groupby(store.links.all_links(article_ids), key=lambda r: r[0]):
        art = ArticleLinks(article_id)
        for _, name, link in rows:
            if name == GOLD or name in trainees:
                continue
            slot = (link.head_start, link.head_end, link.label)
            art.slots.setdefault(name, {}).setdefault(slot, frozenset())
            art.slots[name][slot] |= {link.child}
        articles[article_id] = art
    for labels in collection.articles:
        art = articles.get(labels.article_id)
        if art is None:
            continue
        art.done = set(labels.done)
        art.participants = sorted(set(labels.participants) | set(art.slots))
    for art in articles.values():
        if not art.participants:
            art.participants = sorted(art.slots)
    for mention in store.actors.mentions(article_ids):
        if mention.article_id in articles:
            articles[mention.article_id].actors[(mention.start, mention.end)] = mention.actor
    return [articles[k] for k in sorted(articles)]


# -- conflicts ---------------------------------------------------------------------------------


@dataclass
class LinkConflict(PairKinds):
    """One slot of one article where at least two participants linked differently.

    Shaped like `conflicts.Conflict` where the review window needs it to be (`article_id`,
    `start`/`end` of the head statement, `units`, `annotators`, `kinds`, `matches`).
    """

    article_id: int
    start: int
    end: int
    label: str
    #: Each participant's other ends in this slot (possibly none).
    values: dict[str, Children]
    pair_kinds: dict[Pair, frozenset[str]] = field(default_factory=dict)

    @property
    def slot(self) -> Slot:
        return self.start, self.end, self.label

    @property
    def units(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


def link_conflicts(
    articles: Iterable[ArticleLinks], kind: str | None = None, pair: Pair | None = None
) -> list[LinkConflict]:
    """Every slot where participants differ, in article and text order (optionally of `kind` / `pair`)."""
    found = []
    for art in articles:
        if len(art.participants) < 2:
            continue
        slots = sorted({slot for by_slot in art.slots.values() for slot in by_slot})
        for slot in slots:
            values = {name: art.value(name, slot) for name in art.participants}
            kinds = {}
            for a, b in combinations(art.participants, 2):
                if values[a] != values[b]:
                    kinds[(a, b)] = frozenset({LINK_MISMATCH if values[a] and values[b] else LINK_MISSING})
            conflict = LinkConflict(art.article_id, slot[0], slot[1], slot[2], values, kinds)
            if kinds and conflict.matches(kind, pair):
                found.append(conflict)
    return found


# -- agreement ---------------------------------------------------------------------------------


@dataclass
class LinkPairFigures:
    a: str
    b: str
    f1: float
    links_a: int
    links_b: int
    shared: int
    conflicts: int = 0
    f1_reason: str | None = None
    #: F1 with other ends read as their actors (see the module docstring).
    actor_f1: float = math.nan
    actor_shared: int = 0

    def as_dict(self) -> dict[str, Any]:
        out = {
            "a": self.a,
            "b": self.b,
            "f1": _json(self.f1),
            "actor_f1": _json(self.actor_f1),
            "actor_shared": self.actor_shared,
            "links_a": self.links_a,
            "links_b": self.links_b,
            "shared": self.shared,
            "conflicts": self.conflicts,
        }
        return {**out, "f1_reason": self.f1_reason} if self.f1_reason else out


@dataclass
class LinkAgreement:
    """Link agreement of a project: per pair, per type (pooled over pairs), and the conflicts."""

    annotators: list[str]
    pairs: list[LinkPairFigures]
    per_type_f1: dict[str, float]
    per_type_reason: dict[str, str]
    #: Links of each type per annotator: {type: {annotator: n}}.
    type_counts: dict[str, dict[str, int]]
    conflicts: int
    conflicts_by_kind: dict[str, int]
    #: Per type, F1 with other ends read as their actors, pooled over pairs.
    per_type_actor_f1: dict[str, float] = field(default_factory=dict)

    def pair(self, a: str, b: str) -> LinkPairFigures | None:
        return next((p for p in self.pairs if {p.a, p.b} == {a, b}), None)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "annotators": self.annotators,
            "pairs": [p.as_dict() for p in self.pairs],
            "per_type_f1": {k: _json(v) for k, v in self.per_type_f1.items()},
            "type_counts": self.type_counts,
            "conflicts": self.conflicts,
            "conflicts_by_kind": self.conflicts_by_kind,
            "per_type_actor_f1": {k: _json(v) for k, v in self.per_type_actor_f1.items()},
        }
        if self.per_type_reason:
            out["per_type_f1_reason"] = self.per_type_reason
        return out


def compute_link_agreement(articles: list[ArticleLinks]) -> LinkAgreement:
    """Pair and per-type F1 on exact links (see the module docstring)."""
    names = sorted({name for art in articles for name in art.participants})
    shared: Counter[Pair] = Counter()
    total: Counter[Pair] = Counter()
    own: dict[Pair, list[int]] = {}
    type_shared: Counter[str] = Counter()
    type_total: Counter[str] = Counter()
    type_counts: dict[str, dict[str, int]] = {}
    actor_shared: Counter[Pair] = Counter()
    type_actor_shared: Counter[str] = Counter()
    for art in articles:
        by_actor = {name: art.actor_links(name) for name in art.participants}
        for a, b in combinations(art.participants, 2):
            both_actors = by_actor[a] & by_actor[b]
            actor_shared[(a, b)] += len(both_actors)
            for item in both_actors:
                type_actor_shared[item[2]] += 1
    for art in articles:
        mine = {name: art.links(name) for name in art.participants}
        for name, links in mine.items():
            for link in links:
                type_counts.setdefault(link.label, dict.fromkeys(names, 0))[name] += 1
        for a, b in combinations(art.participants, 2):
            both = mine[a] & mine[b]
            shared[(a, b)] += len(both)
            total[(a, b)] += len(mine[a]) + len(mine[b])
            counts = own.setdefault((a, b), [0, 0])
            counts[0] += len(mine[a])
            counts[1] += len(mine[b])
            for link in both:
                type_shared[link.label] += 1
            for link in mine[a] | mine[b]:
                type_total[link.label] += (link in mine[a]) + (link in mine[b])
    conflicts = link_conflicts(articles)
    per_pair_conflicts: Counter[Pair] = Counter(p for c in conflicts for p in c.pair_kinds)
    pairs = []
    for a, b in combinations(names, 2):
        f1 = 2 * shared[(a, b)] / total[(a, b)] if total[(a, b)] else math.nan
        links_a, links_b = own.get((a, b), [0, 0])
        pairs.append(
            LinkPairFigures(
                a,
                b,
                f1,
                links_a,
                links_b,
                shared[(a, b)],
                per_pair_conflicts[(a, b)],
                None if total[(a, b)] else (NO_SHARED_ARTICLES if (a, b) not in own else NO_LINKS),
                2 * actor_shared[(a, b)] / total[(a, b)] if total[(a, b)] else math.nan,
                actor_shared[(a, b)],
            )
        )
    type_counts = {label: type_counts[label] for label in sorted(type_counts)}
    per_type = {label: span_f1_pooled(type_shared[label], type_total[label]) for label in type_counts}
    reasons = {}
    for label, value in per_type.items():
        if math.isnan(value):
            reasons[label] = (
                SINGLE_ANNOTATOR if len(names) < 2 else "no two annotators linked this type in shared articles"
            )
    by_kind = dict.fromkeys(LINK_KINDS, 0)
    for c in conflicts:
        for k in c.kinds:
            by_kind[k] += 1
    by_actor = {label: span_f1_pooled(type_actor_shared[label], type_total[label]) for label in type_counts}
    return LinkAgreement(names, pairs, per_type, reasons, type_counts, len(conflicts), by_kind, by_actor)


def span_f1_pooled(shared: int, total: int) -> float:
    """2·shared / total, or NaN when no annotator pair has a link to compare."""
    return 2 * shared / total if total else math.nan


def _json(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 6)


# -- the gold layer's links ----------------------------------------------------------------------


@dataclass
class GoldLinks:
    """One article's gold links, computed: review decisions over what every finished annotator agrees on."""

    article_id: int
    finished: list[str]
    decided: dict[Slot, Children]
    agreed: dict[Slot, Children]
    undecided: list[Slot]

    @property
    def reviewed(self) -> bool:
        return bool(self.decided) or len(self.finished) >= 2

    def links(self) -> tuple[Link, ...]:
        merged = {**self.agreed, **self.decided}
        return tuple(sorted(Link(s[0], s[1], *child, s[2]) for s, kids in merged.items() for child in kids))


def gold_links(store, articles: list[ArticleLinks] | None = None) -> dict[int, GoldLinks]:
    """Every article with links or link decisions, with its computed gold links."""
    articles = articles if articles is not None else collect_links(store)
    decided: dict[int, dict[Slot, Children]] = {}
    for article_id, name, link in store.links.all_links():
        if name == GOLD:
            slot = (link.head_start, link.head_end, link.label)
            slots = decided.setdefault(article_id, {})
            slots[slot] = slots.get(slot, frozenset()) | {link.child}
    for article_id, start, end, label in store.links.link_decisions(GOLD):
        decided.setdefault(article_id, {}).setdefault((start, end, label), frozenset())
    out: dict[int, GoldLinks] = {}
    for art in articles:
        finished = sorted(art.done & set(art.participants))
        mine = decided.pop(art.article_id, {})
        agreed: dict[Slot, Children] = {}
        undecided: list[Slot] = []
        if len(finished) >= 2:
            slots = sorted({slot for name in finished for slot in art.slots.get(name, {})})
            for slot in slots:
                values = {art.value(name, slot) for name in finished}
                if len(values) == 1:
                    agreed[slot] = values.pop()
                elif slot not in mine:
                    undecided.append(slot)
        out[art.article_id] = GoldLinks(art.article_id, finished, mine, agreed, undecided)
    for article_id, mine in decided.items():
        out[article_id] = GoldLinks(article_id, [], mine, {}, [])
    return out


@dataclass(frozen=True)
class SlotChange:
    article_id: int
    head: tuple[int, int]
    label: str
    before: SlotState
    after: SlotState

    @property
    def start(self) -> int:
        return self.head[0]

    @property
    def end(self) -> int:
        return self.head[1]


@dataclass
class LinkDecision:
    """A review decision on link slots, committed; `undo`/`redo` restore the states before/after
    (the same interface as `gold.Decision`, so the review window treats both alike)."""

    description: str
    changes: list[SlotChange] = field(default_factory=list)

    def undo(self, store) -> None:
        with store.write():
            for c in reversed(self.changes):
                store.links.set_slot(c.article_id, GOLD, c.head, c.label, c.before)

    def redo(self, store) -> None:
        with store.write():
            for c in self.changes:
                store.links.set_slot(c.article_id, GOLD, c.head, c.label, c.after)

    @property
    def article_ids(self) -> list[int]:
        return sorted({c.article_id for c in self.changes})


def decide_slot(store, conflict: LinkConflict, children: Iterable[Child], description: str) -> LinkDecision:
    """Gold's links in the conflict's slot become exactly `children` (none is a decision too)."""
    decision = LinkDecision(description)
    head = (conflict.start, conflict.end)
    after = SlotState(tuple(sorted(set(children))), True)
    with store.write():
        before = store.links.set_slot(conflict.article_id, GOLD, head, conflict.label, after)
    if before != after:
        decision.changes.append(SlotChange(conflict.article_id, head, conflict.label, before, after))
    return decision


def take_links(store, conflict: LinkConflict, annotator: str) -> LinkDecision:
    return decide_slot(store, conflict, conflict.values.get(annotator, ()), f"take {annotator}'s {conflict.label}")


def take_all_links(store, conflict: LinkConflict) -> LinkDecision:
    union = set().union(*conflict.values.values()) if conflict.values else set()
    return decide_slot(store, conflict, union, f"take every {conflict.label}")


def take_no_links(store, conflict: LinkConflict) -> LinkDecision:
    return decide_slot(store, conflict, (), f"no {conflict.label}")


def decided_slots(store, article_ids: list[int] | None = None) -> dict[int, set[Slot]]:
    """The slots the gold layer decided (links of the gold layer, and decided slots without any), per article."""
    out: dict[int, set[Slot]] = {}
    for article_id, name, link in store.links.all_links(article_ids):
        if name == GOLD:
            out.setdefault(article_id, set()).add((link.head_start, link.head_end, link.label))
    for article_id, start, end, label in store.links.link_decisions(GOLD, article_ids):
        out.setdefault(article_id, set()).add((start, end, label))
    return out
