"""Every index an import writes is read by something a user does (`python -m benchmarks --suite
indexes` measures what each costs the import and what its callers lose without it).

An index no call reads any more would cost every import its share of the writing for nothing:
this test then fails, and the index goes (a migration) or a call takes it up again.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.indexes import INDEXES, _served, _serving_project


def test_each_index_an_import_writes_serves_the_calls_it_is_kept_for(tmp_path: Path) -> None:
    served = _served(_serving_project(tmp_path, 300))

    readers = {index: {call for call, indexes in served.items() if index in indexes} for index in INDEXES}
    assert all(readers.values()), {index: calls for index, calls in readers.items() if not calls}
    # the reasons docs/speed.md gives for keeping each, every one of them
    assert {"annotator stats", "labels in use (the window opens)"} <= readers["statement_labels_label"]
    assert {
        "gold statements (review, gold export)",
        "anna's counts (progress tab)",
        "anna's decision times (progress tab's time line)",
        "anna's finished statements (suggestions)",
    } <= readers["statements_annotator"]
    assert {"anna's progress", "annotator stats", "anna's counts (progress tab)"} <= readers["article_status_annotator"]
    assert {"articles to pre-annotate", "annotator stats"} <= readers["articles_unannotated"]
