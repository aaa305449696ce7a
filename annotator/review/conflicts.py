"""Where annotators disagree, and how.

A conflict is a *region*: the units of one article that overlap each other (transitively),
so two statements with different boundaries over the same words are reviewed together.
Within a region every pair of participants (annotators who labeled something in the
article or marked it done) is compared, and each difference gets a kind:

- `label_mismatch`: both labeled the same span, with different label sets;
- `boundary`: one labeled a span, the other labeled an overlapping span with other bounds;
- `missing`: one labeled a span, the other labeled nothing overlapping it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from annotator.review.units import ArticleLabels, Collection, Labels, SpanKey, collect

LABEL_MISMATCH = "label_mismatch"
MISSING = "missing"
BOUNDARY = "boundary"
KINDS = (LABEL_MISMATCH, MISSING, BOUNDARY)

Pair = tuple[str, str]


class PairKinds:
    """What a conflict says of its pairs: `pair_kinds` (pair → kinds) and `values` (annotator → value)."""

    pair_kinds: dict[Pair, frozenset[str]]
    values: dict

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset().union(*self.pair_kinds.values()) if self.pair_kinds else frozenset()

    @property
    def annotators(self) -> list[str]:
        return sorted(self.values)

    def matches(self, kind: str | None = None, pair: Pair | None = None) -> bool:
        """True if some pair (or `pair` itself) disagrees here (with `kind`, if given)."""
        if pair is not None:
            kinds = self.pair_kinds.get(_pair(*pair))
            return bool(kinds) and (kind is None or kind in kinds)
        return kind is None or kind in self.kinds


@dataclass
class Conflict(PairKinds):
    """One region of one article where at least one pair of annotators disagrees."""

    article_id: int
    start: int
    end: int
    #: Every unit span inside the region, agreed or not, sorted.
    units: list[SpanKey]
    #: Each participant's labeled statements inside the region (possibly none).
    values: dict[str, dict[SpanKey, Labels]]
    #: The kinds of disagreement of each pair (names sorted within the pair).
    pair_kinds: dict[Pair, frozenset[str]] = field(default_factory=dict)


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def _overlaps(a: SpanKey, b: SpanKey) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def regions(spans: list[SpanKey]) -> list[list[SpanKey]]:
    """Group sorted spans into runs that overlap transitively (touching is not overlapping)."""
    out: list[list[SpanKey]] = []
    end = -1
    for span in spans:
        if out and span[0] < end:
            out[-1].append(span)
            end = max(end, span[1])
        else:
            out.append([span])
            end = span[1]
    return out


def pair_kinds(mine: dict[SpanKey, Labels], theirs: dict[SpanKey, Labels]) -> frozenset[str]:
    """How two annotators' statements in one region differ (empty: they agree)."""
    if mine == theirs:
        return frozenset()
    kinds: set[str] = set()
    for span in mine.keys() & theirs.keys():
        if mine[span] != theirs[span]:
            kinds.add(LABEL_MISMATCH)
    for own, other in ((mine, theirs), (theirs, mine)):
        for span in own.keys() - other.keys():
            kinds.add(BOUNDARY if any(_overlaps(span, o) for o in other) else MISSING)
    return frozenset(kinds)


def article_conflicts(art: ArticleLabels) -> Iterator[Conflict]:
    participants = art.participants
    if len(participants) < 2:
        return
    found = regions(art.unit_spans())
    region_of = {span: i for i, region in enumerate(found) for span in region}
    per_region: list[dict[str, dict[SpanKey, Labels]]] = [{a: {} for a in participants} for _ in found]
    for a, by_span in art.spans.items():
        for span, labs in by_span.items():
            per_region[region_of[span]][a][span] = labs
    for region, values in zip(found, per_region, strict=True):
        kinds = {}
        for a, b in combinations(participants, 2):
            k = pair_kinds(values[a], values[b])
            if k:
                kinds[(a, b)] = k
        if kinds:
            yield Conflict(art.article_id, region[0][0], max(s[1] for s in region), region, values, kinds)


def find_conflicts(
    source: Collection | Iterable[ArticleLabels], kind: str | None = None, pair: Pair | None = None
) -> list[Conflict]:
    """Every conflict region, in article and text order, optionally only of `kind` / `pair`."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown conflict kind {kind!r}; choose one of {', '.join(KINDS)}")
    articles = source.articles if isinstance(source, Collection) else source
    return [c for art in articles for c in article_conflicts(art) if c.matches(kind, pair)]


def conflict_article_ids(store, kind: str | None = None, pair: Pair | None = None) -> list[int]:
    """Ids of the articles with a conflict (of `kind`, between `pair`): the article list's filter."""
    return sorted({c.article_id for c in find_conflicts(collect(store), kind, pair)})


def count_by_kind(conflicts: Iterable[Conflict]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for c in conflicts:
        for k in c.kinds:
            counts[k] += 1
    return counts


def conflict_article_ids_among(store, annotators: list[str], articles: set[int]) -> list[int]:
    """Ids of `articles` where two of `annotators` disagree (a later round's reviewer package)."""
    wanted = set(annotators)
    found = set()
    for conflict in find_conflicts(collect(store)):
        if conflict.article_id in articles and any(set(pair) <= wanted for pair in conflict.pair_kinds):
            found.add(conflict.article_id)
    return sorted(found)
