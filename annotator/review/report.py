"""Agreement figures as text for the terminal."""

from __future__ import annotations

import math

from annotator.review.agreement import Agreement


def fmt(x: float, digits: int = 3) -> str:
    return "n/a" if math.isnan(x) else f"{x:.{digits}f}"


def agreement_table(result: Agreement) -> str:
    lines = [
        f"annotators   {', '.join(result.annotators) or '-'}",
        f"units        {result.units}",
        f"conflicts    {result.conflicts} ("
        + ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in result.conflicts_by_kind.items())
        + ")",
        f"Krippendorff's alpha (nominal)  {fmt(result.alpha)}",
    ]
    if result.per_label_alpha:
        lines.append("")
        width = max(len(label) for label in result.per_label_alpha)
        lines.append(f"{'label':<{width}}  alpha  " + "  ".join(f"{a:>8}" for a in result.annotators))
        for label, alpha in result.per_label_alpha.items():
            counts = result.label_counts.get(label, {})
            lines.append(
                f"{label:<{width}}  {fmt(alpha):>5}  " + "  ".join(f"{counts.get(a, 0):>8}" for a in result.annotators)
            )
    if result.pairs:
        lines.append("")
        width = max(len(f"{p.a} / {p.b}") for p in result.pairs)
        lines.append(f"{'pair':<{width}}  {'units':>6}  {'kappa':>6}  {'span F1':>7}  {'conflicts':>9}")
        for p in result.pairs:
            lines.append(
                f"{p.a + ' / ' + p.b:<{width}}  {p.units:>6}  {fmt(p.kappa):>6}  {fmt(p.span_f1):>7}  {p.conflicts:>9}"
            )
    elif len(result.annotators) < 2:
        lines.append("(agreement needs at least two annotators on the same articles)")
    return "\n".join(lines)
