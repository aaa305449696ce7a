"""A generated project for the work-package tests: N articles with a metadata field, entities, a scheme."""

from __future__ import annotations

from pathlib import Path

from annotator.records import Entity, IncomingRecord, Label
from annotator.store import Store


def generated_project(path: Path, n: int = 30) -> Path:
    records = [
        IncomingRecord(
            text=f"Article {i}: Kyiv offered a halt to the talks. Moscow refused it on day {i}.",
            title=f"Article {i}",
            source="wire",
            line=i,
            meta={"desk": "sport" if i % 3 == 0 else "politics", "n": i},
            entities=[Entity(*span) for span in ((14, 18, "GPE", "model"),)],
        )
        for i in range(1, n + 1)
    ]
    with Store.create(path) as store:
        store.add_records(records, "nobody")
        store.schemes.set_label_scheme([Label("offer", "#2a9d8f", "1"), Label("denial", "#e76f51", "2")])
    return path
