"""Which undecided statement to ask about next: by the model's uncertainty, or simply the next one.

A *statement candidate* is what the window walks with ↓/↑: a sentence, split at line breaks
(`candidate_spans`). For an annotator, a candidate is *decided* when the article is done
(every sentence is then labeled or a negative, by the export rule) or when it overlaps a
statement the annotator labeled; every other candidate is *undecided*.

The uncertainty of a prediction over independent labels (`textcat_multilabel`: one sigmoid a
label) is measured by `entropy` by default: the sum of the labels' binary entropies, in bits
(0 when every label is certain, 1 per label at 0.5), so a statement the model is unsure about
for two labels counts more than one it is unsure about for one. `margin`, `1 - 2·min |p - 0.5|`
(how close the label nearest its threshold is to it: Prodigy's `prefer_uncertain`), is the
other choice. The `learn` benchmark's oracle annotator, finishing articles most uncertain first,
reached macro F1 0.85 with fewer statements by entropy than by margin, and by the mean per
article than by the maximum (README, "The model in the loop"). No spaCy here.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

Span = tuple[int, int]


def margin(probabilities: Mapping[str, float]) -> float:
    """`1 - 2·min |p - 0.5|` over the labels: 1 when a label is at its threshold, 0 when all are certain."""
    if not probabilities:
        return 0.0
    return 1.0 - 2.0 * min(abs(p - 0.5) for p in probabilities.values())


def entropy(probabilities: Mapping[str, float]) -> float:
    """The sum over labels of the binary entropy of p, in bits (0 to the number of labels)."""
    total = 0.0
    for p in probabilities.values():
        if 0.0 < p < 1.0:
            total -= p * math.log2(p) + (1 - p) * math.log2(1 - p)
    return total


MEASURES: dict[str, Callable[[Mapping[str, float]], float]] = {"margin": margin, "entropy": entropy}
DEFAULT_MEASURE = "entropy"
#: How an article's undecided statements make its place in "most uncertain first".
AGGREGATES: dict[str, Callable[[Sequence[float]], float]] = {
    "max": max,
    "mean": lambda values: sum(values) / len(values),
    "sum": sum,
}
DEFAULT_AGGREGATE = "mean"
#: Statements scored between two looks at `cancelled` (at 0.1-0.4 ms apiece: well under 50 ms).
CHUNK = 64

_LINE = re.compile(r"[^\n]+")


def candidate_spans(text: str, sentences: Iterable[Span]) -> list[Span]:
    """The statements the window walks: sentences, never across a line break (a headline is not
    part of the first sentence), trimmed of white space. The window's `_split_at_breaks` does the same."""
    out: list[Span] = []
    for start, end in sentences:
        if "\n" not in text[start:end]:
            out.append((start, end))
            continue
        for piece in _LINE.finditer(text, start, end):
            a, b = piece.span()
            a += len(text[a:b]) - len(text[a:b].lstrip())
            b -= len(text[a:b]) - len(text[a:b].rstrip())
            if b > a:
                out.append((a, b))
    return out


def undecided_spans(candidates: Iterable[Span], labeled: Sequence[Span]) -> list[Span]:
    """The candidates that overlap none of the annotator's labeled statements."""
    return [(s, e) for s, e in candidates if not any(a < e and s < b for a, b in labeled)]


@dataclass(frozen=True)
class Scored:
    """One statement's uncertainty under a model (higher: less sure), and where it is."""

    uncertainty: float
    article_id: int
    start: int
    end: int


@dataclass(frozen=True)
class ArticleUncertainty:
    """An article's place in "most uncertain first": its score and undecided statements."""

    article_id: int
    score: float
    undecided: int


class UncertaintyIndex:
    """The uncertainty of every statement candidate of a corpus under one model, most uncertain first.

    Built once per model (`build`, off the GUI thread: it runs the model on every candidate),
    then asked many times: which statements are undecided is looked up in the store at each
    question, so decisions made since need no rebuild.
    """

    def __init__(self, model_version: str, measure: str, entries: Iterable[Scored]):
        self.model_version = model_version
        self.measure = measure
        self.entries = sorted(entries, key=lambda s: (-s.uncertainty, s.article_id, s.start))

    @classmethod
    def build(
        cls,
        store,
        predict: Callable[[Sequence[str]], list[dict[str, float]]],
        model_version: str,
        *,
        annotator: str | None = None,
        article_ids: Iterable[int] | None = None,
        measure: str = DEFAULT_MEASURE,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> UncertaintyIndex | None:
        """Score the candidates of every article, or of `article_ids` (a sample of a huge corpus:
        the model runs on each statement, about 0.1-0.4 ms apiece in batches). Articles `annotator`
        finished are skipped (decided).

        `predict(texts)` gives label probabilities per text (`Suggester.probabilities`).
        `progress(done, total)` per article; returns None when `cancelled()` says so.
        """
        score = MEASURES[measure]
        done, _ = store.suggestions.decided_state(annotator) if annotator is not None else (set(), {})
        wanted = store.articles.article_ids() if article_ids is None else list(article_ids)
        ids = [i for i in wanted if i not in done]
        entries: list[Scored] = []
        for n, article_id in enumerate(ids, 1):
            if cancelled is not None and cancelled():
                return None
            text = store.articles.article(article_id).text
            spans = candidate_spans(text, store.articles.sentences(article_id))
            for first in range(0, len(spans), CHUNK):  # a long article's statements a few at a time:
                if first and cancelled is not None and cancelled():  # a closing window never waits long
                    return None
                chunk = spans[first : first + CHUNK]
                for (start, end), probs in zip(chunk, predict([text[s:e] for s, e in chunk]), strict=True):
                    entries.append(Scored(score(probs), article_id, start, end))
            if progress is not None:
                progress(n, len(ids))
        return cls(model_version, measure, entries)

    def save(self, path: Path) -> None:
        """Keep the index (JSON, written under a temporary name and renamed): a window opens it again
        instead of running the model over the corpus. Keep it beside its model (`ModelInfo.path`)."""
        path = Path(path)
        data = {
            "model_version": self.model_version,
            "measure": self.measure,
            "entries": [[e.uncertainty, e.article_id, e.start, e.end] for e in self.entries],
        }
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path, model_version: str) -> UncertaintyIndex | None:
        """The index saved at `path` for `model_version`, or None (none there, another model's, unreadable)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if data["model_version"] != model_version:
                return None
            return cls(model_version, data["measure"], (Scored(*entry) for entry in data["entries"]))
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None

    def next_uncertain(self, store, annotator: str, *, skip: Iterable[tuple[int, int, int]] = ()) -> Scored | None:
        """The undecided statement the model is least sure of, or None when every one is decided.

        `skip`: (article_id, start, end) to pass over (the statement on screen). The store is
        asked about each article met on the way down the list, once.
        """
        passed = set(skip)
        states: dict[int, tuple[bool, list[Span]]] = {}
        for entry in self.entries:
            if (entry.article_id, entry.start, entry.end) in passed:
                continue
            state = states.get(entry.article_id)
            if state is None:
                done, labeled = store.suggestions.decided_state(annotator, [entry.article_id])
                state = states[entry.article_id] = (entry.article_id in done, labeled.get(entry.article_id, []))
            if not state[0] and undecided_spans([(entry.start, entry.end)], state[1]):
                return entry
        return None

    def articles(self, store, annotator: str, aggregate: str = DEFAULT_AGGREGATE) -> list[ArticleUncertainty]:
        """Articles with undecided statements, most uncertain first (the article list's sort).

        An article's score is the `aggregate` ("mean" by default: the uncertainty each decision
        there settles on average; "max"; "sum") of its undecided statements' uncertainty.
        Articles the index has not scored are not listed.
        """
        combine = AGGREGATES[aggregate]
        done, labeled = store.suggestions.decided_state(annotator)
        per_article: dict[int, list[float]] = {}
        for entry in self.entries:
            if entry.article_id in done:
                continue
            if undecided_spans([(entry.start, entry.end)], labeled.get(entry.article_id, [])):
                per_article.setdefault(entry.article_id, []).append(entry.uncertainty)
        ranked = [ArticleUncertainty(a, combine(values), len(values)) for a, values in per_article.items()]
        return sorted(ranked, key=lambda item: (-item.score, item.article_id))


def next_unlabeled(store, annotator: str, after: tuple[int, int] | None = None) -> tuple[int, int, int] | None:
    """(article_id, start, end) of the first undecided statement after `after` = (article_id, start)
    in reading order, wrapping round to the start of the corpus; None when every one is decided."""
    ids = store.articles.article_ids()
    if not ids:
        return None
    first_article, first_start = after if after is not None else (ids[0], -1)
    if first_article not in ids:
        first_start = -1
    done, labeled = store.suggestions.decided_state(annotator)
    later = [i for i in ids if i >= first_article]
    order = later + [i for i in ids if i < first_article] + later[:1]  # the start article again, from its top
    for n, article_id in enumerate(order):
        if article_id in done:
            continue
        text = store.articles.article(article_id).text
        spans = undecided_spans(
            candidate_spans(text, store.articles.sentences(article_id)), labeled.get(article_id, [])
        )
        for start, end in spans:
            if n == 0 and start <= first_start:
                continue
            return article_id, start, end
    return None
