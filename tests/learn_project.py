"""Small invented projects for the model-in-the-loop tests.

`tiny_project`: four short articles written here, with their sentences stored as a pipeline
would (no spaCy needed): one finished by anna with labels, one finished with a span she
answered reject, one she has in progress, one nobody touched. `generated_project`: a few dozen
articles from the benchmark's generator (`benchmarks.statements_corpus`), finished and labeled
by an "oracle" annotator, for training.
"""

from __future__ import annotations

from pathlib import Path

from annotator.records import REJECT, IncomingRecord, RejectedSpan, Span
from annotator.store import Preannotation, Store
from annotator.tokens import word_tokens

#: (title, sentences); each sentence with the labels anna gives it.
TINY: list[tuple[str, list[tuple[str, tuple[str, ...]]]]] = [
    (
        "Kyiv sets a condition",
        [
            ("Kyiv will halt strikes only if Moscow stops hitting the grid.", ("condition",)),
            ("Temperatures fell to minus ten degrees.", ()),
            ("The Kremlin denied that it had agreed to a pause.", ("denial",)),
        ],
    ),
    (
        "An offer answered",
        [
            ("Moscow offered to pause drone attacks for thirty days.", ("offer",)),
            ("Officials met in Riyadh on Friday.", ()),
        ],
    ),
    (
        "Talks go on",
        [
            ("Washington called on both sides to stop the strikes.", ("demand",)),
            ("Any pause is contingent on Kyiv doing the same, Peskov said.", ()),
        ],
    ),
    (
        "Nobody has read this",
        [
            ("The bridge was built in the 1970s.", ()),
            ("Ankara said it was ready to host the talks.", ()),
        ],
    ),
]
STATUS = ("done", "done", "in_progress", None)
#: In the second article anna answered reject to "offer" on the second sentence (binary feedback).
REJECTED_ARTICLE, REJECTED_SENTENCE = 2, 1


def text_of(sentences: list[tuple[str, tuple[str, ...]]]) -> tuple[str, list[tuple[int, int]]]:
    text, bounds = "", []
    for sentence, _ in sentences:
        if text:
            text += " "
        bounds.append((len(text), len(text) + len(sentence)))
        text += sentence
    return text, bounds


def tiny_project(path: Path) -> Store:
    store = Store.create(path)
    records, all_bounds = [], []
    for (title, sentences), status in zip(TINY, STATUS, strict=True):
        text, bounds = text_of(sentences)
        all_bounds.append((text, bounds))
        spans = [Span(s, e, label) for (s, e), (_, labels) in zip(bounds, sentences, strict=True) for label in labels]
        rejected = []
        if title == TINY[REJECTED_ARTICLE - 1][0]:
            rejected = [RejectedSpan(*bounds[REJECTED_SENTENCE], "offer", REJECT)]
        records.append(
            IncomingRecord(
                text,
                title,
                "invented",
                len(records) + 1,
                spans=spans if status else [],
                annotator="anna" if status else None,
                status=status,
                rejected=rejected,
            )
        )
    store.add_records(records, "anna")
    store.preannotations.store_preannotations(
        Preannotation(article_id, "invented", [], bounds, word_tokens(text))
        for article_id, (text, bounds) in zip(store.articles.article_ids(), all_bounds, strict=True)
    )
    return store


def generated_project(path: Path, n_articles: int = 30, *, finished: int | None = None, seed: int = 18) -> Store:
    from benchmarks.statements_corpus import articles, build_project

    return build_project(path, articles(n_articles, seed=seed), finished=finished)
