"""Which annotator gets which article: each article goes to exactly K distinct annotators,
every annotator's share within one of every other's, the same split from the same seed.

Pure logic, no project: the caller hands in article ids (and, to stratify, each article's value
of a metadata field) and gets the assignment back. The split is greedy over the least loaded
annotators, ties broken by the seeded random order, so pairs vary from article to article (an
overlap that always paired anna with ben would say nothing of anna and carol's agreement).
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field


class AssignmentError(ValueError):
    """The request cannot be met (the message says why, for the user)."""


@dataclass(frozen=True)
class Assignment:
    """Each annotator's articles (in the order they were dealt) and what was left unassigned."""

    packages: dict[str, list[int]]
    overlap: int
    seed: int
    #: Articles no K annotators could take (each had seen it already): not in any package.
    unplaced: list[int] = field(default_factory=list)

    def annotators_of(self) -> dict[int, list[str]]:
        """Each assigned article's annotators."""
        out: dict[int, list[str]] = {}
        for name, articles in self.packages.items():
            for article in articles:
                out.setdefault(article, []).append(name)
        return out

    def shares(self) -> dict[str, int]:
        return {name: len(articles) for name, articles in self.packages.items()}


def assign(
    articles: Sequence[int],
    annotators: Sequence[str],
    overlap: int,
    seed: int = 0,
    *,
    size: int | None = None,
    strata: Mapping[int, Hashable] | None = None,
    seen: Mapping[str, set[int]] | None = None,
) -> Assignment:
    """Deal `articles` to `annotators`, each article to `overlap` of them.

    `size`: articles per annotator; then `size * len(annotators) // overlap` articles are drawn
    (stratified by `strata` when given, each value in proportion). `strata`: each article's value
    of the stratifying field; the deal runs value by value, so every value is shared out evenly too.
    `seen`: articles an annotator already had (a second round): never dealt to her again.
    """
    names = list(annotators)
    twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if twice is not None:
        raise AssignmentError(f"{twice[:60]} twice: an annotator named twice would get two packages")
    if not names:
        raise AssignmentError("no annotators named")
    if not 1 <= overlap <= len(names):
        raise AssignmentError(f"overlap must be between 1 and the number of annotators ({len(names)}), got {overlap}")
    if size is not None and size < 1:
        raise AssignmentError(f"size must be at least 1, got {size}")
    rng = random.Random(seed)
    groups = _groups(sorted(set(articles)), strata)
    for group in groups:
        rng.shuffle(group)
    if size is not None:
        groups = _drawn(groups, size * len(names) // overlap)
    seen = {name: set(seen.get(name, ())) for name in names} if seen else {}
    load = dict.fromkeys(names, 0)
    order = {name: rng.random() for name in names}
    packages: dict[str, list[int]] = {name: [] for name in names}
    unplaced: list[int] = []
    for group in groups:
        for article in group:
            free = [n for n in names if article not in seen.get(n, ())] if seen else names
            if len(free) < overlap:
                unplaced.append(article)
                continue
            # the least loaded first; among equals the seeded order, reshuffled per article
            chosen = sorted(free, key=lambda n: (load[n], order[n]))[:overlap]
            for name in chosen:
                packages[name].append(article)
                load[name] += 1
                order[name] = rng.random()
    return Assignment(packages, overlap, seed, unplaced)


def _groups(articles: list[int], strata: Mapping[int, Hashable] | None) -> list[list[int]]:
    """The articles, one list per value of the stratifying field (sorted by value), or one list."""
    if strata is None:
        return [articles]
    by_value: dict[str, list[int]] = {}
    for article in articles:
        by_value.setdefault(repr(strata.get(article)), []).append(article)
    return [by_value[key] for key in sorted(by_value)]


def _drawn(groups: list[list[int]], total: int) -> list[list[int]]:
    """The first `total` articles, each group in proportion to its size (largest remainders)."""
    available = sum(len(g) for g in groups)
    if total >= available:
        return groups
    quotas = [len(g) * total / available for g in groups]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(groups)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return [g[:n] for g, n in zip(groups, counts, strict=True)]
