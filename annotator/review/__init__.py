"""Several annotators on the same articles: units, conflicts, agreement and the gold layer.

No Qt and no spaCy here: the CLI's `agreement` command and the review window share it.
Layers: `units` reads the store into per-article label sets; `conflicts` classifies where
annotators disagree; `agreement` computes the figures; `gold` writes review decisions.
`agreement` (numpy, krippendorff) is loaded only when its names are first used: `search
--apply` reads review decisions without paying for the figures.
"""

from typing import Any

from annotator.review.conflicts import KINDS, Conflict, conflict_article_ids, find_conflicts
from annotator.review.units import NO_LABEL, ArticleLabels, Collection, Unit, category, collect

__all__ = [
    "KINDS",
    "NO_LABEL",
    "Agreement",
    "ArticleLabels",
    "Collection",
    "Conflict",
    "PairFigures",
    "Unit",
    "category",
    "collect",
    "compute_agreement",
    "conflict_article_ids",
    "find_conflicts",
]


def __getattr__(name: str) -> Any:
    if name in {"Agreement", "PairFigures", "compute_agreement"}:
        from annotator.review import agreement

        return getattr(agreement, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
