"""Several annotators on the same articles: units, conflicts, agreement and the gold layer.

No Qt and no spaCy here: the CLI's `agreement` command and the review window share it.
Layers: `units` reads the store into per-article label sets; `conflicts` classifies where
annotators disagree; `agreement` computes the figures; `gold` writes review decisions.
"""

from annotator.review.agreement import Agreement, PairFigures, compute_agreement
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
