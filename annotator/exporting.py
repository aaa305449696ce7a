"""Export the project as training data, written atomically, with a summary of what went out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import srsly

from annotator.formats.atomic import atomic_output
from annotator.formats.prodigy import task_from_row
from annotator.store import Store

FORMATS = ("jsonl",)


@dataclass
class ExportSummary:
    path: str
    format: str
    records: int = 0
    spans: int = 0
    entities: int = 0
    labels: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def export(
    store: Store,
    out: str | Path,
    *,
    fmt: str = "jsonl",
    annotator: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportSummary:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    summary = ExportSummary(str(out), fmt)
    with atomic_output(out) as handle:
        for row in store.export_rows(annotator):
            task = task_from_row(row)
            handle.write(srsly.json_dumps(task) + "\n")
            summary.records += 1
            summary.spans += len(task["spans"])
            summary.entities += len(task["entities"])
            summary.labels.update(span["label"] for span in task["spans"])
            if progress:
                progress(1)
    return summary
