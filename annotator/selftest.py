"""`annotator --self-test`: prove that an installed or packaged app works, end to end.

Loads the real spaCy pipeline, finds entities in a seed article, builds a project in a
temporary folder, tags, exports (JSONL and DocBin) and renders the window offscreen.
Nothing is written to the user's projects; the window's remembered settings are put
back as they were. Qt is imported only in the window step.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator import __version__, settings

ANNOTATOR = "self-test"


class SelfTestError(Exception):
    """A step did not do what it should; the message says what was seen."""


def self_test(out: Callable[[str], None] = print) -> int:
    """Run every step, print one line each with its time; 0 if all passed, 1 otherwise."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    frozen = "packaged" if getattr(sys, "frozen", False) else "from source"
    out(f"annotator {__version__} self-test ({frozen}, Python {sys.version.split()[0]}, {sys.platform})")
    started = time.perf_counter()
    state: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="annotator-self-test-") as tmp:
            state["tmp"] = Path(tmp)
            for name, step in STEPS:
                t0 = time.perf_counter()
                detail = step(state)
                out(f"  ok    {name:<10} {time.perf_counter() - t0:6.2f} s  {detail}")
            state.pop("store").close()
    except Exception as exc:  # any failure, expected or not, is the test's answer
        store = state.pop("store", None)
        if store is not None:
            store.close()
        kind = "" if isinstance(exc, SelfTestError) else f"{type(exc).__name__}: "
        out(f"  FAIL  {kind}{exc}")
        out(f"self-test failed after {time.perf_counter() - started:.2f} s")
        return 1
    out(f"self-test passed in {time.perf_counter() - started:.2f} s")
    return 0


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def _seed_files() -> list[Path]:
    seeds = sorted(settings.SEEDS.glob("*.txt"))
    _check(bool(seeds), f"no seed articles in {settings.SEEDS}")
    return seeds


def step_pipeline(state: dict[str, Any]) -> str:
    from annotator.nlp.pipeline import load_pipeline

    pipeline = load_pipeline()
    _check(
        not pipeline.rules_only,
        f"no statistical spaCy pipeline was found ({pipeline.description}); "
        f"expected one of {', '.join(settings.DEFAULT_PIPELINES)}",
    )
    _check("ner" in pipeline.nlp.pipe_names, f"{pipeline.name} has no 'ner' component")
    state["pipeline"] = pipeline
    return f"{pipeline.description}: {', '.join(pipeline.nlp.pipe_names)}"


def step_ner(state: dict[str, Any]) -> str:
    seed = _seed_files()[0]
    doc = state["pipeline"].nlp(seed.read_text(encoding="utf-8"))
    found = {ent.label_ for ent in doc.ents}
    _check({"PERSON", "GPE"} <= found, f"NER on {seed.name} found {sorted(found) or 'nothing'}, not PERSON and GPE")
    return f"{len(doc.ents)} entities in {seed.name} ({', '.join(sorted(found))})"


def step_project(state: dict[str, Any]) -> str:
    from annotator.importing.run import import_paths
    from annotator.nlp.pipeline import preannotate
    from annotator.store import Store

    path = state["tmp"] / f"self-test{settings.PROJECT_SUFFIX}"
    store = state["store"] = Store.create(path)
    report = import_paths(store, [settings.SEEDS], annotator=ANNOTATOR)
    _check(not report.rejections, f"seed import rejected: {report.rejections[:1]}")
    done = preannotate(store, state["pipeline"])
    articles = store.articles.article_ids()
    _check(len(articles) == len(_seed_files()), f"{len(articles)} articles imported from {len(_seed_files())} seeds")
    _check(done == len(articles), f"{done} of {len(articles)} articles pre-annotated")
    entities = sum(len(store.entities.entities(a)) for a in articles)
    _check(entities > 0, "pre-annotation stored no entities")
    state["db"] = path
    return f"{len(articles)} seed articles imported and pre-annotated ({entities} entities)"


def step_tag(state: dict[str, Any]) -> str:
    from annotator.schemes.labels import project_labels

    store = state["store"]
    article = store.articles.article_ids()[0]
    sentences = store.articles.sentences(article)
    _check(bool(sentences), f"article {article} has no sentences")
    label = project_labels(store)[0].name
    start, end = sentences[0]
    _check(store.statements.toggle_label(article, ANNOTATOR, start, end, label), "toggle_label did not add the label")
    labels = [lab for s in store.statements.statements(article, ANNOTATOR) for lab in s.labels]
    _check(label in labels, f"statement labels after tagging: {labels}")
    store.articles.set_status(article, ANNOTATOR, "done")  # exports take finished articles
    store.entities.set_entity_review(article, ANNOTATOR, True)  # and spaCy's entities only once reviewed
    state["label"] = label
    return f"'{label}' on article {article} [{start}:{end}], marked done, entities reviewed"


def step_export(state: dict[str, Any]) -> str:
    import srsly

    from annotator.export.rule import choose_rule
    from annotator.export.run import export

    store, label = state["store"], state["label"]
    jsonl = state["tmp"] / "out.jsonl"
    summary = export(store, jsonl, choose_rule(store, "jsonl"))
    records = list(srsly.read_jsonl(jsonl))
    spans = [s.get("label") for r in records for s in r.get("spans", [])]
    _check(len(records) == summary.records > 0, f"{len(records)} JSONL records read back, {summary.records} written")
    _check(label in spans, f"label {label!r} missing from the JSONL export (spans: {sorted(set(spans))})")

    from spacy.tokens import DocBin

    docbin = state["tmp"] / "out.spacy"
    export(store, docbin, choose_rule(store, "spacy"))
    docs = list(DocBin().from_disk(docbin).get_docs(state["pipeline"].nlp.vocab))
    _check(len(docs) == summary.records, f"{len(docs)} docs in the DocBin, {summary.records} expected")
    _check(any(doc.ents for doc in docs), "no entities in the exported DocBin")
    size = jsonl.stat().st_size + docbin.stat().st_size
    return f"{len(records)} records to JSONL, {len(docs)} docs to DocBin ({size:,} bytes)"


def step_window(state: dict[str, Any]) -> str:
    try:
        from annotator.ui.annotate.window.launch import run
    except ImportError as exc:
        return f"skipped: the window is not in this build ({exc})"
    store = state.pop("store")
    store.close()
    png = state["tmp"] / "window.png"
    with _settings_restored():
        code = run(state["db"], screenshot=png)
    state["store"] = type(store).open(state["db"])
    _check(code == 0, f"the window returned exit code {code}")
    _check(png.exists() and png.stat().st_size > 0, f"no screenshot at {png}")
    return f"main window rendered offscreen ({png.stat().st_size:,} bytes PNG)"


@contextmanager
def _settings_restored() -> Iterator[None]:
    """Put the window's remembered settings (last project, recent list, name...) back as they were."""
    from annotator.ui.shell.window_settings import app_settings

    qsettings = app_settings()
    before = {key: qsettings.value(key) for key in qsettings.allKeys()}
    try:
        yield
    finally:
        qsettings.sync()
        for key in qsettings.allKeys():
            if key not in before:
                qsettings.remove(key)
        for key, value in before.items():
            if qsettings.value(key) != value:
                qsettings.setValue(key, value)
        qsettings.sync()


STEPS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("pipeline", step_pipeline),
    ("ner", step_ner),
    ("project", step_project),
    ("tag", step_tag),
    ("export", step_export),
    ("window", step_window),
]
