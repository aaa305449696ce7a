"""Units of comparison: every distinct (article, start, end) span that any annotator labeled.

For one unit an annotator has either

- a label set (the sorted labels of their statement at exactly that span),
- `NO_LABEL` (an empty tuple) when they marked the article done and did not label that
  span — they saw it and left it unlabeled, or
- nothing (missing, `None`) when they have not finished the article: we cannot tell.

Only people's layers are annotators here: the gold layer (`records.GOLD`) and a model's
output (a `model:<version>` layer, such as Label Studio's predictions) never are. A multi-label statement is one
nominal value: its sorted label set taken as a single category (`category`), so
{claim, denial} agrees only with {claim, denial}, never with {claim} alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

from annotator.records import HUMAN_LAYER

Labels = tuple[str, ...]
SpanKey = tuple[int, int]
NO_LABEL: Labels = ()
#: (article_id, annotator) pairs: whose work in which article a collection keeps.
LayerPairs = set[tuple[int, str]] | frozenset[tuple[int, str]]


def category(labels: Labels | None) -> str:
    """The display name of a nominal value: `claim+denial`, `(no label)` or `(missing)`."""
    if labels is None:
        return "(missing)"
    return "+".join(labels) if labels else "(no label)"


@dataclass(frozen=True)
class Unit:
    article_id: int
    start: int
    end: int
    #: One entry per annotator of the collection, in its order: labels, NO_LABEL or None.
    values: tuple[Labels | None, ...]


@dataclass
class ArticleLabels:
    """One article's labeled statements per annotator, and who marked it done."""

    article_id: int
    spans: dict[str, dict[SpanKey, Labels]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)

    @property
    def participants(self) -> list[str]:
        """Annotators who labeled something here or marked the article done."""
        return sorted(set(self.spans) | self.done)

    def unit_spans(self) -> list[SpanKey]:
        keys: set[SpanKey] = set()
        for by_span in self.spans.values():
            keys.update(by_span)
        return sorted(keys)

    def value(self, annotator: str, span: SpanKey) -> Labels | None:
        labels = self.spans.get(annotator, {}).get(span)
        if labels is not None:
            return labels
        return NO_LABEL if annotator in self.done else None


@dataclass
class Collection:
    """Everything agreement and conflict detection need, read from the store in one pass."""

    annotators: list[str]
    articles: list[ArticleLabels]
    _index: dict[int, ArticleLabels] = field(default_factory=dict, repr=False)

    def units(self) -> list[Unit]:
        out: list[Unit] = []
        for art in self.articles:
            for span in art.unit_spans():
                out.append(Unit(art.article_id, span[0], span[1], tuple(art.value(a, span) for a in self.annotators)))
        return out

    def article(self, article_id: int) -> ArticleLabels | None:
        if len(self._index) != len(self.articles):
            self._index = {art.article_id: art for art in self.articles}
        return self._index.get(article_id)


def collect(
    store,
    *,
    labels: Iterable[str] | None = None,
    annotators: Iterable[str] | None = None,
    article_ids: list[int] | None = None,
    layers: LayerPairs | None = None,
    trainees: bool = False,
) -> Collection:
    """Read every annotator's labeled statements and done marks (people's layers only: not gold, no
    model, and no trainee's unless `trainees`: their work stays out of review until promoted).

    `labels` keeps only those labels: other labels are dropped from each statement, and a
    statement left with none is no longer a unit. `annotators` keeps only those annotators;
    `layers` only those (article_id, annotator) pairs (say, the work done under one guidelines version).
    """
    keep_labels = set(labels) if labels is not None else None
    keep_annotators = set(annotators) if annotators is not None else None
    people = set(store.layers.annotators(HUMAN_LAYER))
    if not trainees:
        people -= store.guidelines.trainees()

    def wanted(name: str, article_id: int) -> bool:
        return (
            name in people
            and (keep_annotators is None or name in keep_annotators)
            and (layers is None or (article_id, name) in layers)
        )

    done: dict[int, set[str]] = {}
    for article_id, name in store.review.done_annotators(article_ids):
        if wanted(name, article_id):
            done.setdefault(article_id, set()).add(name)

    articles: dict[int, ArticleLabels] = {}
    for article_id, rows in groupby(store.review.labeled_statements(article_ids), key=lambda r: r[0]):
        art = ArticleLabels(article_id, done=done.pop(article_id, set()))
        for _, name, start, end, labs in rows:
            if not wanted(name, article_id):
                continue
            if keep_labels is not None:
                labs = tuple(label for label in labs if label in keep_labels)
                if not labs:
                    continue
            art.spans.setdefault(name, {})[(start, end)] = labs
        articles[article_id] = art
    for article_id, names in done.items():  # done, but nobody labeled anything there
        articles[article_id] = ArticleLabels(article_id, done=names)

    names: set[str] = set()
    for art in articles.values():
        names.update(art.participants)
    return Collection(sorted(names), [articles[k] for k in sorted(articles)])
