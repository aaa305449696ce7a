"""Agreement figures as text for the terminal."""

from __future__ import annotations

import math

from annotator.review.agreement import Agreement
from annotator.review.categories import CategoryAgreement
from annotator.review.links import LinkAgreement


def fmt(x: float, digits: int = 3, reason: str | None = None) -> str:
    """A figure, or `n/a` with the reason it is undefined (`n/a (full agreement)`)."""
    if not math.isnan(x):
        return f"{x:.{digits}f}"
    return f"n/a ({reason})" if reason else "n/a"


def agreement_table(result: Agreement) -> str:
    lines = [
        f"annotators   {', '.join(result.annotators) or '-'}",
        f"units        {result.units}",
        f"conflicts    {result.conflicts} ("
        + ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in result.conflicts_by_kind.items())
        + ")",
        f"Krippendorff's alpha (nominal)  {fmt(result.alpha, reason=result.alpha_reason)}",
    ]
    if result.per_label_alpha:
        lines.append("")
        width = max(len(label) for label in result.per_label_alpha)
        shown = {
            label: fmt(a, reason=result.per_label_reason.get(label)) for label, a in result.per_label_alpha.items()
        }
        column = max(5, *map(len, shown.values()))
        lines.append(f"{'label':<{width}}  {'alpha':<{column}}  " + "  ".join(f"{a:>8}" for a in result.annotators))
        for label, alpha in shown.items():
            counts = result.label_counts.get(label, {})
            lines.append(
                f"{label:<{width}}  {alpha:>{column}}  "
                + "  ".join(f"{counts.get(a, 0):>8}" for a in result.annotators)
            )
    if result.pairs:
        lines.append("")
        width = max(len(f"{p.a} / {p.b}") for p in result.pairs)
        lines.append(f"{'pair':<{width}}  {'units':>6}  {'kappa':>6}  {'span F1':>7}  {'conflicts':>9}")
        for p in result.pairs:
            lines.append(
                f"{p.a + ' / ' + p.b:<{width}}  {p.units:>6}  {fmt(p.kappa):>6}  {fmt(p.span_f1):>7}  {p.conflicts:>9}"
            )
            why = [f"{name} n/a: {r}" for name, r in (("kappa", p.kappa_reason), ("span F1", p.span_f1_reason)) if r]
            if why:
                lines.append(f"{'':<{width}}  ({'; '.join(why)})")
    elif len(result.annotators) < 2:
        lines.append("(agreement needs at least two annotators on the same articles)")
    return "\n".join(lines)


def link_agreement_table(result: LinkAgreement) -> str:
    """Link agreement: F1 on exact links (statement, other end, type) per pair and per type."""
    if not result.type_counts:
        return "links        none yet"
    kinds = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in result.conflicts_by_kind.items())
    total = sum(sum(c.values()) for c in result.type_counts.values())
    conflicts = f"{result.conflicts} conflict{'s' * (result.conflicts != 1)}"
    lines = [f"links        {total} ({conflicts}: {kinds})"]
    width = max(4, *(len(t) for t in result.type_counts))
    lines.append("")
    lines.append(f"{'link':<{width}}  {'F1':>5}  " + "  ".join(f"{a:>8}" for a in result.annotators))
    for label, counts in result.type_counts.items():
        f1 = fmt(result.per_type_f1[label], reason=result.per_type_reason.get(label))
        lines.append(f"{label:<{width}}  {f1:>5}  " + "  ".join(f"{counts.get(a, 0):>8}" for a in result.annotators))
    if result.pairs:
        lines.append("")
        width = max(len(f"{p.a} / {p.b}") for p in result.pairs)
        lines.append(
            f"{'pair':<{width}}  {'links':>11}  {'shared':>6}  {'link F1':>7}  {'by actor':>8}  {'conflicts':>9}"
        )
        for p in result.pairs:
            both = f"{p.links_a}/{p.links_b}"
            lines.append(
                f"{p.a + ' / ' + p.b:<{width}}  {both:>11}  {p.shared:>6}  {fmt(p.f1):>7}  {fmt(p.actor_f1):>8}  "
                f"{p.conflicts:>9}"
            )
            if p.f1_reason:
                lines.append(f"{'':<{width}}  (link F1 n/a: {p.f1_reason})")
    return "\n".join(lines)


def category_table(result: CategoryAgreement) -> str:
    """Article categories: alpha per category (and per exclusive group) with each annotator's counts."""
    lines = [
        f"article categories: {result.articles} articles with two or more annotators, {result.conflicts} conflicts"
    ]
    if not result.per_category:
        return lines[0] + " (no categories in the scheme)"
    shown = {c: fmt(a, reason=result.reasons.get(c)) for c, a in result.per_category.items()}
    shown.update({f"{g} (one of)": fmt(a, reason=result.group_reasons.get(g)) for g, a in result.per_group.items()})
    width = max(len("category"), *map(len, shown))
    column = max(5, *map(len, shown.values()))
    lines.append(f"{'category':<{width}}  {'alpha':<{column}}  " + "  ".join(f"{a:>8}" for a in result.annotators))
    for name, alpha in shown.items():
        counts = result.counts.get(name, {})
        lines.append(
            f"{name:<{width}}  {alpha:>{column}}  "
            + "  ".join(f"{counts[a]:>8}" if name in result.counts else f"{'':>8}" for a in result.annotators)
        )
    return "\n".join(lines)
