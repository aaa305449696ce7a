"""The label-all preview holds one article at a time: its memory does not grow with the hits.

A preview of 512,006 hits took 2.3 GB (every article's tokens and statements kept, a Python object
per change and per skipped hit); it now reads an article, plans it, forgets it, and keeps each
change as three integers."""

from __future__ import annotations

from annotator.records import IncomingRecord
from annotator.store import Store
from tests.nothing_lost import peak_memory_mb

SENTENCE = "Officials in the port city offered a halt to the strikes on the cargo ships today. "

PLAN = """
import sys
from pathlib import Path
from annotator.search.hits import Search
from annotator.search.label_all import plan_label_all
from annotator.store import Store
with Store.open(Path(sys.argv[1])) as store:
    plan = plan_label_all(store, Search(store, "halt", annotator="anna").hits(), "offer", "anna")
    print("PLANNED", len(plan.changes), plan.articles, len(plan.skipped))
"""


def project(path, articles: int, sentences: int) -> None:
    with Store.create(path) as store:
        store.add_records(
            [IncomingRecord(f"Report number {i}. " + SENTENCE * sentences, f"T{i}", "x", i) for i in range(articles)],
            "me",
        )
        store.search.update_search_index()


def test_the_preview_does_not_grow_with_the_hits(tmp_path):
    small, large = tmp_path / "small.annotator.sqlite", tmp_path / "large.annotator.sqlite"
    project(small, 50, 40)
    project(large, 2000, 40)
    small_peak, small_out = peak_memory_mb(PLAN, small)
    large_peak, large_out = peak_memory_mb(PLAN, large)
    assert "PLANNED 2000 50 0" in small_out and "PLANNED 80000 2000 0" in large_out
    assert large_peak - small_peak < 20, (small_peak, large_peak)
