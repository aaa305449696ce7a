"""Agreement split by guidelines version: did alpha rise after version 3?

Each annotator's work in an article counts under one version: the version its "done" was given
under, or (an article still in progress) the newest version among its labels. Units are compared
among the work done under the same version; work from before any guidelines is version None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.review import Agreement, collect, compute_agreement


@dataclass
class VersionAgreement:
    version: int | None
    #: (article, annotator) pairs decided under this version.
    layers: int
    agreement: Agreement

    def as_dict(self) -> dict[str, Any]:
        figures = self.agreement.as_dict()
        keep = ("alpha", "alpha_reason", "per_label_alpha", "per_label_alpha_reason", "units", "annotators")
        return {"version": self.version, "layers": self.layers, **{k: figures[k] for k in keep if k in figures}}


def agreement_by_version(store, labels: Iterable[str] | None = None) -> list[VersionAgreement]:
    """Alpha (overall and per label) among the work done under each guidelines version, oldest first."""
    chosen = list(labels) if labels is not None else None
    groups: dict[int | None, set[tuple[int, str]]] = {}
    for article_id, name, version in store.guidelines.decision_versions():
        groups.setdefault(version, set()).add((article_id, name))
    out = []
    for version in sorted(groups, key=lambda v: -1 if v is None else v):
        collection = collect(store, labels=chosen, layers=groups[version])
        out.append(VersionAgreement(version, len(groups[version]), compute_agreement(collection, labels=chosen)))
    return out


def by_version_table(rows: list[VersionAgreement]) -> str:
    """One line per version: alpha, units, annotators; then alpha per label."""
    if not rows:
        return "no decisions yet"
    labels = sorted({label for row in rows for label in row.agreement.per_label_alpha})
    head = ["guidelines", "alpha", "units", "annotators", *labels]
    lines = [head]
    for row in rows:
        a = row.agreement
        lines.append(
            [
                "none" if row.version is None else f"v{row.version}",
                _fmt(a.alpha),
                str(a.units),
                str(len(a.annotators)),
                *(_fmt(a.per_label_alpha.get(label, float("nan"))) for label in labels),
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"
