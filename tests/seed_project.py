"""A labeled project built from the seed articles, as an annotation team would leave it.

The seeds are imported and pre-annotated with the real English pipeline once per session,
then two annotators and the gold layer label whole sentences. Anna marks one span that
starts inside a word (off token boundaries) and adds an entity that overlaps the model's.
Tests copy the template file, so each gets its own project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.importing.run import import_paths
from annotator.nlp.pipeline import preannotate
from annotator.records import GOLD, Entity, IncomingRecord, Span
from annotator.store import Store
from tests.conftest import SEEDS

LABELS = ("claim", "condition", "proposal")
MISALIGNED_ARTICLE = 2
NOTE = "hedged 👍🏽 — check the source"
_templates: dict[str, Path] = {}


def seed_project(tmp_path_factory, pipeline, dest: Path) -> Path:
    """Copy the labeled seed project to `dest` (built on first use) and return `dest`."""
    if "seeds" not in _templates:
        _templates["seeds"] = _build(tmp_path_factory.mktemp("seed-template") / "seeds.annotator.sqlite", pipeline)
    shutil.copyfile(_templates["seeds"], dest)
    return dest


def _build(path: Path, pipeline) -> Path:
    with Store.create(path) as store:
        import_paths(store, [SEEDS], annotator="tester")
        preannotate(store, pipeline)
        records = []
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            sentences = store.articles.sentences(article_id)
            for annotator, picked, status in (
                ("anna", sentences[:3], "done"),
                ("ben", sentences[1:4], "in_progress"),
                (GOLD, sentences[:2], "done"),
            ):
                if annotator == GOLD and article_id % 2 == 0:
                    continue
                spans = [Span(s, e, LABELS[i % 3]) for i, (s, e) in enumerate(picked)]
                entities = []
                if annotator == "anna":
                    spans[0] = Span(spans[0].start, spans[0].end, spans[0].label, NOTE)
                    spans.append(Span(picked[1][0], picked[1][1], "claim"))  # a second label on one statement
                    if article_id == MISALIGNED_ARTICLE:
                        spans.append(Span(picked[0][0] + 2, picked[0][1], "claim"))
                    if "Vladimir Putin" in article.text:
                        at = article.text.index("Vladimir Putin")
                        entities.append(Entity(at, at + len("Vladimir"), "PERSON", "user"))
                records.append(
                    IncomingRecord(
                        text=article.text,
                        title=article.title,
                        source=article.source,
                        line=1,
                        spans=spans,
                        entities=entities,
                        annotator=annotator,
                        status=status,
                    )
                )
        store.add_records(records, "tester")
        for (
            article_id
        ) in store.articles.article_ids():  # anna finished her articles in the window and reviewed the entities
            store.articles.set_status(article_id, "anna", "done")
            store.entities.set_entity_review(article_id, "anna", True)
    return path
