"""Agreement figures over units (see `units`): Krippendorff's alpha, Cohen's kappa, span F1.

- Alpha (nominal, the `krippendorff` package) over all annotators: each unit's value is its
  sorted label set as one category, or "no label"; missing values are left out, as alpha
  allows. Per label: the same units, the value being whether the label is present (1) or
  not (0).
- Cohen's kappa per pair over the units both annotators have a value for.
- Span F1 per pair: exact (start, end, label) triples, 2·|A∩B| / (|A|+|B|), over the
  articles both annotators took part in (labeled something or marked done).

A figure that is undefined is NaN (null in JSON, "n/a" in text) and comes with the reason
(`review.reasons`):
`SINGLE_ANNOTATOR`, `NO_UNITS`, `NO_SHARED_UNITS` (no unit has values from two annotators),
`FULL_AGREEMENT` (one value throughout, so chance agreement is total and the ratio 0/0),
`NO_SHARED_ARTICLES` (span F1: the pair labeled nothing in articles both took part in).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import krippendorff
import numpy as np

from annotator.review.conflicts import Pair, count_by_kind, find_conflicts
from annotator.review.reasons import FULL_AGREEMENT, NO_SHARED_ARTICLES, NO_SHARED_UNITS, NO_UNITS, SINGLE_ANNOTATOR
from annotator.review.units import Collection, Labels, category


@dataclass
class PairFigures:
    a: str
    b: str
    kappa: float
    span_f1: float
    units: int
    conflicts: int = 0
    #: (category of a, category of b) → units, over the units both have a value for.
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Why kappa / span F1 is undefined (None when it is a number).
    kappa_reason: str | None = None
    span_f1_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kappa": _json_float(self.kappa),
            "span_f1": _json_float(self.span_f1),
            "units": self.units,
            "conflicts": self.conflicts,
            "confusion": [[ca, cb, n] for (ca, cb), n in sorted(self.confusion.items())],
            **_reasons(kappa=self.kappa_reason, span_f1=self.span_f1_reason),
        }


@dataclass
class Agreement:
    annotators: list[str]
    alpha: float
    per_label_alpha: dict[str, float]
    units: int
    conflicts: int
    conflicts_by_kind: dict[str, int]
    pairs: list[PairFigures]
    #: Units each label was given, per annotator: {label: {annotator: n}}.
    label_counts: dict[str, dict[str, int]]
    #: Why alpha (overall, per label) is undefined, where it is.
    alpha_reason: str | None = None
    per_label_reason: dict[str, str] = field(default_factory=dict)

    def pair(self, a: str, b: str) -> PairFigures | None:
        for p in self.pairs:
            if {p.a, p.b} == {a, b}:
                return p
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "alpha": _json_float(self.alpha),
            "per_label_alpha": {k: _json_float(v) for k, v in self.per_label_alpha.items()},
            "units": self.units,
            "conflicts": self.conflicts,
            "conflicts_by_kind": self.conflicts_by_kind,
            "annotators": self.annotators,
            "pairs": [p.as_dict() for p in self.pairs],
            "label_counts": self.label_counts,
            **_reasons(alpha=self.alpha_reason),
            **({"per_label_alpha_reason": self.per_label_reason} if self.per_label_reason else {}),
        }


def _json_float(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 6)


def _reasons(**why: str | None) -> dict[str, str]:
    """`{figure}_reason` keys for the figures that are null in JSON."""
    return {f"{name}_reason": reason for name, reason in why.items() if reason}


def alpha_reason(matrix: np.ndarray) -> str | None:
    """Why `nominal_alpha(matrix)` is undefined, or None when it is a number."""
    if matrix.shape[0] < 2:
        return SINGLE_ANNOTATOR
    if matrix.shape[1] == 0:
        return NO_UNITS
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if not pairable.any():
        return NO_SHARED_UNITS
    values = matrix[:, pairable]
    if np.unique(values[~np.isnan(values)]).size < 2:
        return FULL_AGREEMENT
    return None


def nominal_alpha(matrix: np.ndarray) -> float:
    """Krippendorff's alpha (nominal) of an annotators × units matrix with NaN for missing.

    NaN when alpha is undefined; `alpha_reason` says why.
    """
    if alpha_reason(matrix) is not None:
        return math.nan
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def cohen_kappa(x: np.ndarray, y: np.ndarray) -> float:
    """Cohen's kappa of two equal-length integer category arrays (NaN if chance agreement is 1)."""
    n = len(x)
    if n == 0:
        return math.nan
    _, codes = np.unique(np.concatenate([x, y]), return_inverse=True)
    k = int(codes.max()) + 1
    confusion = np.bincount(codes[:n] * k + codes[n:], minlength=k * k).reshape(k, k).astype(float)
    observed = np.trace(confusion) / n
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / (n * n)
    if expected >= 1.0:
        return math.nan
    return (observed - expected) / (1.0 - expected)


def span_f1(a: set, b: set) -> float:
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else math.nan


def reliability_matrix(collection: Collection) -> tuple[np.ndarray, list[Labels]]:
    """Annotators × units codes (NaN missing) and the label set each code stands for."""
    codes: dict[Labels, int] = {}
    units = collection.units()
    matrix = np.full((len(collection.annotators), len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, value in enumerate(unit.values):
            if value is not None:
                matrix[i, j] = codes.setdefault(value, len(codes))
    return matrix, list(codes)


def compute_agreement(collection: Collection, labels: Iterable[str] | None = None) -> Agreement:
    """All figures for a collection (build it with `units.collect(store, labels=...)`)."""
    names = collection.annotators
    matrix, categories = reliability_matrix(collection)
    label_names = sorted(set(labels) if labels is not None else {lab for cat in categories for lab in cat})

    per_label: dict[str, float] = {}
    per_label_reason: dict[str, str] = {}
    present = ~np.isnan(matrix)
    for label in label_names:
        has = np.array([label in cat for cat in categories] + [False], dtype=float)
        binary = np.where(present, has[np.where(present, matrix, len(categories)).astype(int)], np.nan)
        per_label[label] = nominal_alpha(binary)
        reason = alpha_reason(binary)
        if reason:
            per_label_reason[label] = reason

    label_counts: dict[str, dict[str, int]] = {label: dict.fromkeys(names, 0) for label in label_names}
    for i, name in enumerate(names):
        row = matrix[i][present[i]].astype(int)
        for code, n in zip(*np.unique(row, return_counts=True), strict=True):
            for label in categories[code]:
                if label in label_counts:
                    label_counts[label][name] += int(n)

    conflicts = find_conflicts(collection)
    per_pair_conflicts: Counter[Pair] = Counter(p for c in conflicts for p in c.pair_kinds)
    f1 = _span_f1_by_pair(collection)
    pairs = []
    for i, j in combinations(range(len(names)), 2):
        both = present[i] & present[j]
        x, y = matrix[i][both].astype(int), matrix[j][both].astype(int)
        confusion = Counter(zip(x.tolist(), y.tolist(), strict=True))
        kappa = cohen_kappa(x, y)
        pair_f1 = f1.get((names[i], names[j]), math.nan)
        pairs.append(
            PairFigures(
                names[i],
                names[j],
                kappa,
                pair_f1,
                int(both.sum()),
                per_pair_conflicts[(names[i], names[j])],
                Counter({(category(categories[p]), category(categories[q])): n for (p, q), n in confusion.items()}),
                kappa_reason=None if not math.isnan(kappa) else (NO_SHARED_UNITS if not len(x) else FULL_AGREEMENT),
                span_f1_reason=NO_SHARED_ARTICLES if math.isnan(pair_f1) else None,
            )
        )
    return Agreement(
        annotators=names,
        alpha=nominal_alpha(matrix),
        per_label_alpha=per_label,
        units=matrix.shape[1],
        conflicts=len(conflicts),
        conflicts_by_kind=count_by_kind(conflicts),
        pairs=pairs,
        label_counts=label_counts,
        alpha_reason=alpha_reason(matrix),
        per_label_reason=per_label_reason,
    )


def _span_f1_by_pair(collection: Collection) -> dict[Pair, float]:
    """Span F1 of every pair in one pass: per shared article, |A∩B| and |A|+|B| of (start, end, label)."""
    shared: Counter[Pair] = Counter()
    total: Counter[Pair] = Counter()
    for art in collection.articles:
        participants = art.participants
        sizes = {a: sum(len(labs) for labs in art.spans.get(a, {}).values()) for a in participants}
        for a, b in combinations(participants, 2):
            mine, theirs = art.spans.get(a, {}), art.spans.get(b, {})
            if len(theirs) < len(mine):
                mine, theirs = theirs, mine
            both = 0
            for span, labs in mine.items():
                other = theirs.get(span)
                if other is not None:
                    both += len(labs) if labs == other else len(set(labs) & set(other))
            shared[(a, b)] += both
            total[(a, b)] += sizes[a] + sizes[b]
    return {pair: 2 * shared[pair] / total[pair] if total[pair] else math.nan for pair in total}
