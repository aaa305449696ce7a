"""Examples of a label from the project's own gold, and its hardest near-misses.

Examples: gold spans that carry the label, those every finished annotator agreed on first (the
clear cases), then review decisions. Near-misses: units the annotators disagreed on where the
label was at stake (one of them gave it, or the review did) and the review decided, with each
side's labels: what the guidelines' examples section is made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.review import collect
from annotator.review.gold import gold_articles
from annotator.review.units import Labels, category

#: Characters of a statement shown before it is cut with an ellipsis.
SHOWN = 240


@dataclass
class Example:
    article_id: int
    start: int
    end: int
    gold: Labels
    #: "agreed" (every finished annotator), "decided" (in review) or "near-miss".
    kind: str
    #: Each annotator's labels on the unit (near-misses), by name.
    annotators: dict[str, Labels] = field(default_factory=dict)
    title: str = ""
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "gold": list(self.gold),
            "annotators": {name: list(labels) for name, labels in self.annotators.items()},
        }


def label_examples(store, label: str, limit: int = 5) -> tuple[list[Example], list[Example]]:
    """(examples, near-misses) of `label`, at most `limit` of each, in article order."""
    gold = gold_articles(store)
    collection = collect(store)
    examples: list[Example] = []
    near: list[Example] = []
    for art in collection.articles:
        found = gold.get(art.article_id)
        if found is None:
            continue
        for span, labels in sorted(found.agreed.items()):
            if label in labels and span not in found.decided:
                examples.append(Example(art.article_id, *span, labels, "agreed"))
        for span, labels in sorted(found.decided.items()):
            values = {name: art.value(name, span) for name in found.finished}
            given = {name: v for name, v in values.items() if v is not None}
            disagreed = len(set(given.values())) > 1
            at_stake = label in labels or any(label in v for v in given.values())
            if disagreed and at_stake:
                near.append(Example(art.article_id, *span, labels, "near-miss", given))
            elif label in labels:
                examples.append(Example(art.article_id, *span, labels, "decided"))
    examples.sort(key=lambda e: (e.kind != "agreed", e.article_id, e.start))
    chosen, misses = examples[:limit], near[:limit]
    _fill_texts(store, chosen + misses)
    return chosen, misses


def _fill_texts(store, found: list[Example]) -> None:
    ids = sorted({e.article_id for e in found})
    titles = store.articles.article_titles(ids) if ids else {}
    texts = {article_id: store.articles.article(article_id).text for article_id in ids}
    for e in found:
        text = " ".join(texts[e.article_id][e.start : e.end].split())
        e.text = text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
        e.title = titles.get(e.article_id, "")


def examples_text(label: str, examples: list[Example], near: list[Example]) -> str:
    if not examples and not near:
        return f"no gold example of {label!r} yet (gold comes from agreement of finished articles and review)"
    lines = [f"{label}: examples from gold"]
    for e in examples:
        how = "everyone who finished agreed" if e.kind == "agreed" else "decided in review"
        lines.append(f"  article {e.article_id} [{e.start}:{e.end}] “{e.text}” ({how}; gold: {category(e.gold)})")
    if near:
        lines.append(f"{label}: near-misses decided in review")
        for e in near:
            sides = ", ".join(f"{name} {category(v)}" for name, v in e.annotators.items())
            lines.append(f"  article {e.article_id} [{e.start}:{e.end}] “{e.text}”: gold {category(e.gold)}; {sides}")
    return "\n".join(lines)
