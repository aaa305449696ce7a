"""Each annotator against gold: Cohen's kappa per label and overall, and span F1 per label.

Gold is the gold layer as an export sees it (`review.gold.gold_articles`: review decisions over
what everyone who finished agrees on), in the articles where it is complete. In such an article,
gold's silence on a span is "no label". The units of an annotator are gold's spans and the
annotator's own labeled spans in the articles the annotator took part in; the annotator's value is
their labels there, "no label" when they marked the article done, and missing (left out) otherwise.
Overall kappa takes each unit's sorted label set as one category (as `review.agreement` does); per
label, whether the label is present. Trainees are scored too: that is what calibration is for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.review import NO_LABEL, collect
from annotator.review.agreement import cohen_kappa
from annotator.review.gold import gold_articles
from annotator.review.units import Labels, SpanKey

#: One compared unit: (article_id, start, end, the annotator's labels, gold's labels).
GoldUnit = tuple[int, int, int, Labels, Labels]


@dataclass
class AgainstGold:
    annotator: str
    trainee: bool
    units: list[GoldUnit]
    kappa: float
    per_label_kappa: dict[str, float]
    per_label_f1: dict[str, float]
    articles: int
    #: Exact (start, end, label) matches, the annotator's and gold's totals, per label.
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "trainee": self.trainee,
            "articles": self.articles,
            "units": len(self.units),
            "kappa": _json(self.kappa),
            "per_label": {
                label: {
                    "kappa": _json(self.per_label_kappa[label]),
                    "span_f1": _json(self.per_label_f1[label]),
                    "matched": self.counts[label][0],
                    "annotator_spans": self.counts[label][1],
                    "gold_spans": self.counts[label][2],
                }
                for label in self.per_label_kappa
            },
        }


def _json(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 6)


def gold_units(store, annotators: Iterable[str] | None = None) -> dict[str, list[GoldUnit]]:
    """Each annotator's units against complete gold (see the module docstring), in article order."""
    gold = {k: g for k, g in gold_articles(store).items() if g.complete}
    collection = collect(store, annotators=annotators, article_ids=sorted(gold), trainees=True)
    out: dict[str, list[GoldUnit]] = {name: [] for name in collection.annotators}
    for art in collection.articles:
        found = gold.get(art.article_id)
        if found is None:
            continue
        decided: dict[SpanKey, Labels] = {**found.agreed, **found.decided}
        for name in art.participants:
            spans = sorted(set(decided) | set(art.spans.get(name, {})))
            for span in spans:
                mine = art.value(name, span)
                if mine is None:
                    continue
                out[name].append((art.article_id, *span, mine, decided.get(span, NO_LABEL)))
    return out


def against_gold(store, labels: Iterable[str] | None = None) -> list[AgainstGold]:
    """Every annotator (trainees included) scored against gold."""
    trainees = store.guidelines.trainees()
    results = []
    for name, units in gold_units(store).items():
        wanted = sorted(set(labels) if labels is not None else {lab for u in units for lab in (*u[3], *u[4])})
        mine = [u[3] for u in units]
        theirs = [u[4] for u in units]
        codes: dict[Labels, int] = {}
        x = np.array([codes.setdefault(v, len(codes)) for v in mine], dtype=int)
        y = np.array([codes.setdefault(v, len(codes)) for v in theirs], dtype=int)
        per_label, f1, counts = {}, {}, {}
        for label in wanted:
            a = np.array([label in v for v in mine], dtype=int)
            g = np.array([label in v for v in theirs], dtype=int)
            per_label[label] = cohen_kappa(a, g)
            both, given, truth = int((a & g).sum()), int(a.sum()), int(g.sum())
            f1[label] = 2 * both / (given + truth) if given + truth else math.nan
            counts[label] = (both, given, truth)
        results.append(
            AgainstGold(
                name,
                name in trainees,
                units,
                cohen_kappa(x, y),
                per_label,
                f1,
                len({u[0] for u in units}),
                counts,
            )
        )
    return results


def against_gold_table(results: list[AgainstGold]) -> str:
    if not results:
        return "no annotator took part in an article whose gold is complete (decide conflicts in annotator review)"
    lines = []
    for r in results:
        role = " (trainee)" if r.trainee else ""
        lines.append(f"{r.annotator}{role}: kappa {_fmt(r.kappa)} over {len(r.units)} units in {r.articles} articles")
        if r.per_label_kappa:
            width = max(len(label) for label in r.per_label_kappa)
            lines.append(
                f"  {'label':<{width}}  {'kappa':>6}  {'span F1':>7}  {'matched':>7}  {'yours':>5}  {'gold':>5}"
            )
            for label, kappa in r.per_label_kappa.items():
                both, given, truth = r.counts[label]
                lines.append(
                    f"  {label:<{width}}  {_fmt(kappa):>6}  {_fmt(r.per_label_f1[label]):>7}  {both:>7}  "
                    f"{given:>5}  {truth:>5}"
                )
    return "\n".join(lines)


def _fmt(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.3f}"
