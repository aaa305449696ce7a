"""Random team projects through every export format: the records are exactly what the rule says.

Hypothesis builds projects (several annotators, statuses, whole-task answers, rejected spans,
review decisions); the test works out, on its own and straight from the rule as docs/export-rule.md
states it, which records each format must hold, and reads each file back with the format's
own reader. Nothing here calls `annotator.review` or `annotator.export.rule`.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
import srsly
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.export.run import ExportError, ExportRefused
from annotator.records import GOLD, IncomingRecord, RejectedSpan, Span
from annotator.review.gold import NO_LABEL_NOTE
from annotator.store import Preannotation, Store
from annotator.tokens import word_tokens
from tests.conftest import export_file

pytestmark = [pytest.mark.spacy, pytest.mark.slow]

WORDS = ["Kyiv", "Moscow", "talks", "halt", "strikes", "energy", "if", "offer", "denied", "plants"]
LABELS = ["claim", "offer", "demand"]
NAMES = ["anna", "ben", "cleo"]


# -- random projects ---------------------------------------------------------------------------


@st.composite
def projects(draw):
    """{"articles": [text, ...], "sentences": [[(s, e), ...], ...], "layers": {(i, name): layer},
    "gold": {i: {(s, e): labels}}} — a layer is {"status", "answer", "spans", "rejected"}."""
    articles, sentences = [], []
    for i in range(draw(st.integers(1, 4))):
        parts = [
            " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))) + "."
            for _ in range(draw(st.integers(1, 4)))
        ]
        text, bounds = f"A{i}", []
        for part in parts:
            text += draw(st.sampled_from([" ", "\n"]))
            bounds.append((len(text), len(text) + len(part)))
            text += part
        articles.append(text)
        sentences.append(bounds)
    layers = {}
    for i, bounds in enumerate(sentences):
        units = [*bounds, (bounds[0][0], bounds[-1][1])] if len(bounds) > 1 else bounds  # sentences, the whole

        def labeled(most: int, units: list = units) -> set[tuple[int, int, str]]:
            picks = range(draw(st.integers(0, most)))
            return {(*draw(st.sampled_from(units)), draw(st.sampled_from(LABELS))) for _ in picks}

        for name in NAMES:
            status = draw(st.sampled_from([None, "in_progress", "done", "done", "done"]))
            if status is None:
                continue
            spans, rejected = labeled(3), labeled(1)
            layers[(i, name)] = {
                "status": status,
                "answer": draw(st.sampled_from(["accept"] * 6 + ["reject", "ignore"])),
                "spans": sorted(spans),
                "rejected": sorted(rejected - spans),
            }
    gold = {}
    for i, bounds in enumerate(sentences):
        if draw(st.booleans()):
            decided = {}
            for span in draw(st.lists(st.sampled_from(bounds), max_size=2, unique=True)):
                decided[span] = tuple(sorted(draw(st.sets(st.sampled_from(LABELS), max_size=2))))
            gold[i] = decided
    return {"articles": articles, "sentences": sentences, "layers": layers, "gold": gold}


def build(path: Path, project: dict) -> Store:
    store = Store.create(path)
    records = []
    for (i, name), layer in sorted(project["layers"].items()):
        record = IncomingRecord(
            project["articles"][i],
            f"article {i}",
            "test",
            1,
            spans=[Span(*s) for s in layer["spans"]] if layer["answer"] == "accept" else [],
            annotator=name,
            status=layer["status"],
            rejected=[RejectedSpan(*s, "reject") for s in layer["rejected"]]
            + ([RejectedSpan(*s, layer["answer"]) for s in layer["spans"]] if layer["answer"] != "accept" else []),
            answer=layer["answer"],
        )
        records.append(record)
    records += [IncomingRecord(text, f"article {i}", "test", 1) for i, text in enumerate(project["articles"])]
    store.add_records(records, "importer")
    ids = {store.articles.article(a).text: a for a in store.articles.article_ids()}
    for i, decided in project["gold"].items():
        for (s, e), labels in decided.items():
            store.statements.set_statement(
                ids[project["articles"][i]], GOLD, s, e, labels, "" if labels else NO_LABEL_NOTE
            )
    store.preannotations.store_preannotations(
        Preannotation(ids[text], "test", [], bounds, word_tokens(text))
        for text, bounds in zip(project["articles"], project["sentences"], strict=True)
    )
    for (i, name), layer in sorted(project["layers"].items()):
        if layer["status"] == "done" and layer["answer"] == "accept":  # finished here, entities reviewed
            store.articles.set_status(ids[project["articles"][i]], name, "done")
            store.entities.set_entity_review(ids[project["articles"][i]], name, True)
    return store


# -- the rule, worked out here ------------------------------------------------------------------


def layer_rows(project: dict, name: str, fmt: str) -> list[tuple[str, str, str, list, list]]:
    """(text, layer, answer, accepted (s, e, label), rejected (s, e, label, answer)) the rule keeps for `name`."""
    rows = []
    for (i, who), layer in sorted(project["layers"].items()):
        if who != name:
            continue
        answer = layer["answer"]
        if answer != "accept" and fmt != "jsonl":
            continue  # a whole task answered reject/ignore: only Prodigy's format can say so
        if answer == "accept" and layer["status"] != "done":
            continue  # unfinished
        accepted = layer["spans"] if answer == "accept" else []
        rejected = [(*s, "reject") for s in layer["rejected"]]
        rejected += [(*s, answer) for s in layer["spans"]] if answer != "accept" else []
        rows.append((project["articles"][i], name, answer, sorted(accepted), sorted(rejected)))
    return rows


def gold_rows(project: dict) -> list[tuple[str, str, str, list, list]]:
    """Gold: what every annotator who finished (at least two) agrees on, under the decisions; complete articles only."""
    rows = []
    for i, text in enumerate(project["articles"]):
        finished = {
            name: layer
            for (j, name), layer in project["layers"].items()
            if j == i and layer["status"] == "done" and layer["answer"] == "accept"
        }
        values = {name: defaultdict(set) for name in finished}
        for name, layer in finished.items():
            for s, e, label in layer["spans"]:
                values[name][(s, e)].add(label)
        units = sorted({span for per in values.values() for span in per})
        agreed = {}
        if len(finished) >= 2:
            for span in units:
                seen = {frozenset(per.get(span, ())) for per in values.values()}
                if len(seen) == 1 and next(iter(seen)):
                    agreed[span] = set(next(iter(seen)))
        decided = {span: set(labels) for span, labels in project["gold"].get(i, {}).items()}
        if not decided and len(finished) < 2:
            continue  # no gold here
        settled = set(decided) | set(agreed)
        groups, end = [], -1  # spans that overlap, transitively
        for span in units:
            if groups and span[0] < end:
                groups[-1].append(span)
                end = max(end, span[1])
            else:
                groups.append([span])
                end = span[1]
        if any(span not in settled for group in groups for span in group):
            continue  # undecided: left out (--skip-undecided)
        spans = {**agreed, **decided}
        accepted = sorted((s, e, label) for (s, e), labels in spans.items() for label in labels)
        rows.append((text, GOLD, "accept", accepted, []))
    return rows


def every_layer_rows(project: dict, fmt: str) -> list[tuple[str, str, str, list, list]]:
    """--all-layers: each stored layer as it is, finished ones. A review's decisions leave the gold
    layer's own status "in progress", so that layer is not among them by default."""
    return [row for name in NAMES for row in layer_rows(project, name, fmt)]


def negatives(project: dict, text: str, accepted: list) -> list[tuple[int, int]]:
    bounds = project["sentences"][project["articles"].index(text)]
    return [(s, e) for s, e in bounds if not any(a < e and s < b for a, b, _ in accepted)]


# -- each format read back ------------------------------------------------------------------------


def read_back(fmt: str, path: Path) -> list:
    if fmt == "jsonl":
        out = []
        for task in srsly.read_jsonl(path):
            accepted = sorted((s["start"], s["end"], s["label"]) for s in task["spans"] if _positive(s, task))
            rejected = sorted(
                (s["start"], s["end"], s["label"], s.get("answer", task["answer"]))
                for s in task["spans"]
                if not _positive(s, task)
            )
            out.append((task["text"], task["_annotator_id"], task["answer"], accepted, rejected))
        return sorted(out)
    if fmt == "doccano":
        return sorted(
            (r["text"], r["_annotator_id"], sorted(tuple(x) for x in r["label"])) for r in srsly.read_jsonl(path)
        )
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return sorted(
                (r["annotator"], int(r["start"]), int(r["end"]), r["label"], r["answer"])
                for r in csv.DictReader(handle)
            )
    if fmt == "textcat":
        return sorted(
            (r["meta"]["annotator"], r["text"], tuple(sorted(k for k, v in r["cats"].items() if v)))
            for r in srsly.read_jsonl(path)
        )
    if fmt == "label-studio":  # each layer a prediction named after it (pre-annotations)
        return sorted(
            (
                task["data"]["text"],
                layer["model_version"],
                sorted(
                    (r["value"]["start"], r["value"]["end"], label)
                    for r in layer["result"]
                    for label in r["value"]["labels"]
                ),
            )
            for task in srsly.read_json(path)
            for layer in task["predictions"]
        )
    if fmt == "conll":  # each document's tokens (the projects hold no entities: every tag O)
        docs: list[list[str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("-DOCSTART-"):
                docs.append([])
            elif line:
                assert line.endswith(" _ _ O"), line
                docs[-1].append(line.split()[0])
        return sorted(tuple(doc) for doc in docs)
    import spacy
    from spacy.tokens import DocBin

    docs = DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    return sorted(
        (
            doc.text,
            doc.user_data["annotator"]["annotator"],
            sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]),
            sorted(tuple(r) for r in doc.user_data["annotator"]["rejected_spans"]),
        )
        for doc in docs
    )


def _positive(span: dict, task: dict) -> bool:
    return span.get("answer", task["answer"]) == "accept"


def expected(fmt: str, project: dict, rows: list) -> list:
    if fmt == "jsonl":
        return sorted(rows)
    accepted_rows = [row for row in rows if row[2] == "accept"]
    if fmt in ("doccano", "label-studio"):
        return sorted((text, name, accepted) for text, name, _, accepted, _ in accepted_rows)
    if fmt == "conll":
        return sorted(tuple(text[s:e] for s, e in word_tokens(text)) for text, *_ in accepted_rows)
    if fmt == "csv":
        out = [(name, s, e, label, "accept") for _, name, _, accepted, _ in accepted_rows for s, e, label in accepted]
        out += [(name, *r) for _, name, _, _, rejected in accepted_rows for r in rejected]
        return sorted(out)
    if fmt == "textcat":
        out = []
        for text, name, _, accepted, _ in accepted_rows:
            by_span = defaultdict(set)
            for s, e, label in accepted:
                by_span[(s, e)].add(label)
            out += [(name, text[s:e], tuple(sorted(labels))) for (s, e), labels in by_span.items()]
            out += [(name, text[s:e], ()) for s, e in negatives(project, text, accepted)]
        return sorted(out)
    return sorted((text, name, accepted, rejected) for text, name, _, accepted, rejected in accepted_rows)


# -- the property -----------------------------------------------------------------------------------

MODES = ["anna", "ben", GOLD, GOLD, "every layer"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(project=projects(), mode=st.sampled_from(MODES))
def test_every_format_holds_what_the_rule_says(project, mode):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with build(folder / "team.annotator.sqlite", project) as store:
            for fmt in ("jsonl", "doccano", "csv", "textcat", "spacy", "label-studio", "conll"):
                if mode == "every layer" and fmt in ("textcat", "spacy", "conll"):
                    continue  # training formats never mix layers (tested in test_export_rule)
                if mode == GOLD:
                    rows, choices = gold_rows(project), {"gold": True, "skip_undecided": True}
                elif mode == "every layer":
                    rows, choices = every_layer_rows(project, fmt), {"all_layers": True}
                else:
                    rows, choices = layer_rows(project, mode, fmt), {"annotator": mode}
                want = expected(fmt, project, rows)
                out = folder / f"out.{fmt}"
                try:
                    export_file(store, out, fmt, **choices)
                except (ExportError, ExportRefused) as exc:  # refused: an annotator with no layer at all
                    assert want == [], f"{fmt}: {exc}; the rule gives {want}"
                    continue
                assert read_back(fmt, out) == want, fmt
