"""Peers' formats against our own JSONL, in the same run: what reading and writing them costs.

- Import a Label Studio JSON export of 50,000 tasks (one person's annotation and a model's
  prediction each) against the import of the very same records as our JSONL (one line per
  layer): the Label Studio reader (a streamed JSON array, quotes checked, one task's records
  stored together) over the bare path.
- Export the same project, every layer, as Label Studio tasks against Prodigy JSONL.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from benchmarks import Result, compare
from benchmarks.io import WORDS, sync

ANNOTATOR = "anna@example.org"
MODEL_VERSION = "crf-2024"


def _regions(text: str, rng: random.Random, n: int, start_at: int = 0) -> list[tuple[int, int, str]]:
    spans, pos = [], start_at
    for k in range(n):
        start = text.index(" ", pos + 10) + 1
        end = text.index(" ", start + 5)
        spans.append((start, end, f"L{(k + rng.randrange(4)) % 4}"))
        pos = end
    return spans


def make_exports(folder: Path, n: int, seed: int = 2) -> tuple[Path, Path]:
    """The same `n` tasks as a Label Studio JSON export and as our JSONL (two records a task)."""
    rng = random.Random(seed)
    tasks, lines = [], []
    for i in range(n):
        text = f"Report {i}. " + " ".join(rng.choice(WORDS) for _ in range(120))
        people, model = _regions(text, rng, 3), _regions(text, rng, 2, start_at=200)

        def result(spans: list[tuple[int, int, str]], text: str = text) -> list[dict]:
            return [
                {
                    "id": f"r{s}",
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
                }
                for s, e, label in spans
            ]

        tasks.append(
            {
                "id": i,
                "data": {"text": text},
                "annotations": [{"id": i, "completed_by": {"id": 4, "email": ANNOTATOR}, "result": result(people)}],
                "predictions": [{"model_version": MODEL_VERSION, "result": result(model)}],
            }
        )
        meta = {"label_studio_id": i}
        for name, spans, status in ((ANNOTATOR, people, "done"), ("model:" + MODEL_VERSION, model, None)):
            record = {"text": text, "meta": meta, "_annotator_id": name}
            record["spans"] = [{"start": s, "end": e, "label": label, "text": text[s:e]} for s, e, label in spans]
            if status:
                record["_status"] = status
            lines.append(json.dumps(record))
    ls = folder / "label-studio-export.json"
    ls.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    ours = folder / "same-records.jsonl"
    ours.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ls, ours


def run(workdir: Path, quick: bool) -> list[Result]:
    from annotator.export.rule import choose_rule
    from annotator.export.run import export
    from annotator.importing.run import import_paths
    from annotator.store import Store

    n = 5_000 if quick else 50_000
    ls, jsonl = make_exports(workdir, n)
    made: list[Path] = []

    def importing(src: Path) -> None:
        db = workdir / f"import-{len(made)}.sqlite"
        made.append(db)
        with Store.create(db) as store:
            report = import_paths(store, [src], annotator="bench")
            assert report.counts.articles_added == n and not report.rejections, report.rejections[:3]
            assert report.counts.labels_added == 5 * n

    t_ls, t_jsonl = compare(lambda: importing(ls), lambda: importing(jsonl), setup=sync)
    project = made[-1]
    with Store.open(project) as store:
        assert store.layers.layer_kinds() == {ANNOTATOR: "human", "model:" + MODEL_VERSION: "model"}

    def exporting(fmt: str, out: Path, records: int) -> None:
        with Store.open(project) as store:
            summary = export(store, out, choose_rule(store, fmt, all_layers=True))
            assert summary.records == records, summary.lines()

    t_ls_out, t_jsonl_out = compare(
        lambda: exporting("label-studio", workdir / "out.json", n),
        lambda: exporting("jsonl", workdir / "out.jsonl", 2 * n),
        setup=sync,
    )
    return [
        Result(
            "formats",
            f"import a Label Studio export of {n:,} tasks vs the same records as JSONL",
            t_ls,
            baseline=t_jsonl,
            target=1.5,
            note=f"{2 * n:,} records either way: one person's annotation and a model's prediction per task",
        ),
        Result(
            "formats",
            f"export {n:,} articles, every layer, as Label Studio tasks vs Prodigy JSONL",
            t_ls_out,
            baseline=t_jsonl_out,
            target=1.5,
            note="one task per article (annotation + prediction) against one JSON line per article and layer",
        ),
    ]
