"""Calibration: a set of articles drawn from gold for a new annotator, and what they read differently.

The set is drawn from articles whose gold is complete and that the annotator has not touched (so
the labeling is blind), stratified by label: strata are the gold labels (and "no label" for
articles gold leaves empty), visited rarest first in turns, each turn taking the next article of
its stratum in a seeded shuffle, so every label is in the set when the size allows, and the same
seed draws the same set. The report lists each unit where the annotator and gold differ, with
the guidelines section of the gold label (of the annotator's label where gold says "no label").
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.formats.atomic import atomic_output
from annotator.guidelines.against_gold import gold_units
from annotator.guidelines.document import section
from annotator.review.gold import gold_articles
from annotator.review.units import category
from annotator.store.part import now
from annotator.text import path_shown, plural

NO_LABEL_STRATUM = "(no label)"


class CalibrationError(ValueError):
    """Why no calibration set can be drawn or reported; a message for the user."""


@dataclass
class Drawn:
    annotator: str
    articles: list[int]
    #: How many articles of the set carry each gold label.
    per_label: dict[str, int]
    available: int
    seed: int

    def as_setting(self, guidelines_version: int | None) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "seed": self.seed,
            "size": len(self.articles),
            "drawn_at": now(),
            "guidelines_version": guidelines_version,
        }


def draw(store, annotator: str, size: int, seed: int = 0) -> Drawn:
    """Draw up to `size` articles of complete gold that `annotator` has not touched, stratified by label."""
    if size < 1:
        raise CalibrationError("the size must be at least 1")
    touched = {art for art, name, _ in store.guidelines.decision_versions() if name == annotator}
    strata: dict[str, list[int]] = {}
    labels_of: dict[int, set[str]] = {}
    for article_id, gold in sorted(gold_articles(store).items()):
        if not gold.complete or article_id in touched:
            continue
        labels = {label for labs in gold.spans().values() for label in labs}
        labels_of[article_id] = labels
        for label in labels or {NO_LABEL_STRATUM}:
            strata.setdefault(label, []).append(article_id)
    if not labels_of:
        raise CalibrationError(
            f"no article has complete gold that {annotator} has not labeled yet: decide conflicts in annotator "
            "review first"
        )
    rng = random.Random(seed)
    for ids in strata.values():
        rng.shuffle(ids)
    order = sorted(strata, key=lambda label: (len(strata[label]), label))  # rarest first
    chosen: list[int] = []
    taken: set[int] = set()
    while len(chosen) < size and len(taken) < len(labels_of):
        for label in order:
            pool = strata[label]
            while pool and pool[0] in taken:
                pool.pop(0)
            if pool and len(chosen) < size:
                taken.add(pool[0])
                chosen.append(pool.pop(0))
    per_label: dict[str, int] = {}
    for article_id in chosen:
        for label in labels_of[article_id] or {NO_LABEL_STRATUM}:
            per_label[label] = per_label.get(label, 0) + 1
    return Drawn(annotator, sorted(chosen), dict(sorted(per_label.items())), len(labels_of), seed)


def write_package(store, drawn: Drawn, out: Path) -> int:
    """The calibration set as plain JSONL tasks (text and meta, no labels), for a trainee's own
    project: `annotator --db theirs.sqlite import FILE`. Never replaces a file; returns lines written."""
    if out.exists():
        raise CalibrationError(f"{path_shown(out)}: already exists; nothing was written (choose another --out)")
    with atomic_output(out) as handle:
        for article_id in drawn.articles:
            article = store.articles.article(article_id)
            meta = {**article.meta, "title": article.title, "source": article.source, "calibration": drawn.annotator}
            handle.write(json.dumps({"text": article.text, "meta": meta}, ensure_ascii=False) + "\n")
    return len(drawn.articles)


@dataclass
class Difference:
    article_id: int
    title: str
    start: int
    end: int
    text: str
    mine: tuple[str, ...]
    gold: tuple[str, ...]
    #: The guidelines section of the gold label (or of the annotator's, where gold has none), by label.
    sections: dict[str, str | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "annotator": list(self.mine),
            "gold": list(self.gold),
            "sections": self.sections,
        }


@dataclass
class Report:
    annotator: str
    articles: list[int]
    units: int
    agreed: int
    differences: list[Difference]
    guidelines_version: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "articles": self.articles,
            "units": self.units,
            "agreed": self.agreed,
            "guidelines_version": self.guidelines_version,
            "differences": [d.as_dict() for d in self.differences],
        }


def report(store, annotator: str) -> Report:
    """Each difference from gold in the annotator's calibration set (or, without one, in every article
    with complete gold the annotator took part in), with the guideline sections of the labels at stake."""
    drawn = store.guidelines.calibration_set(annotator)
    units = gold_units(store, annotators=[annotator]).get(annotator, [])
    if drawn is not None:
        wanted = set(drawn["articles"])
        units = [u for u in units if u[0] in wanted]
    if not units:
        where = "its calibration set" if drawn is not None else "articles with complete gold"
        raise CalibrationError(f"{annotator} has labeled nothing in {where} yet (or has not marked it done)")
    guide = store.guidelines.current()
    titles = store.articles.article_titles(sorted({u[0] for u in units}))
    texts: dict[int, str] = {}
    differences = []
    for article_id, start, end, mine, gold in units:
        if mine == gold:
            continue
        if article_id not in texts:
            texts[article_id] = store.articles.article(article_id).text
        at_stake = gold or mine
        sections = {label: section(guide.text, label) if guide else None for label in at_stake}
        differences.append(
            Difference(
                article_id, titles.get(article_id, ""), start, end, texts[article_id][start:end], mine, gold, sections
            )
        )
    articles = sorted({u[0] for u in units})
    return Report(
        annotator, articles, len(units), len(units) - len(differences), differences, guide.version if guide else None
    )


def report_text(found: Report) -> str:
    lines = [
        f"{found.annotator}: {found.agreed} of {found.units} units as gold in "
        f"{plural(len(found.articles), 'article')}; {plural(len(found.differences), 'difference')}"
        + (f" (guidelines version {found.guidelines_version})" if found.guidelines_version else " (no guidelines yet)")
    ]
    for d in found.differences:
        lines.append("")
        lines.append(f"article {d.article_id} {d.title!r} [{d.start}:{d.end}] {d.text!r}")
        lines.append(f"  {found.annotator}: {category(d.mine)}    gold: {category(d.gold)}")
        for label, text in d.sections.items():
            if text is None:
                lines.append(f"  guidelines: no section headed {label!r}")
            else:
                lines.extend("  | " + line if line else "  |" for line in text.rstrip("\n").split("\n"))
    return "\n".join(lines)
