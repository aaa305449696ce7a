"""Loading the spaCy pipeline and pre-annotating articles with it, on every core.

spaCy is imported only inside these functions, so commands that do not pre-annotate
start without it. Domain entity patterns (`resources/entity_patterns.jsonl`) run
before the statistical NER, so names the stock model gets wrong (e.g. "Kyiv" as a
PERSON) are fixed before it sees them.

Long articles go through spaCy in pieces (`pieces`) and come back with their offsets
shifted into the whole text; an article the pipeline raises on becomes an
`AnalysisFailure` with the reason, never an error that stops the other articles. A run
over a project (`preannotate`) uses worker processes when there is enough to do;
`annotator.nlp.cluster` maps the same `analyse_texts` over a Dask cluster.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import multiprocessing
import os
import pickle
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import settings
from annotator.store import Preannotation, PreannotationFailure, Store
from annotator.text import shown

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("annotator.nlp.pipeline")

#: Components the pre-annotation never needs; disabled for speed when present.
UNNEEDED = ("tagger", "attribute_ruler", "lemmatizer", "morphologizer", "trainable_lemmatizer")


#: Components whose output is a claim about every entity of a text (what they do not mark is not one).
ENTITY_FACTORIES = frozenset({"ner", "beam_ner", "entity_ruler", "span_ruler"})

#: Pipeline batches in one worker task (and one committed batch). One: the workers' last tasks end
#: close together, so a worker idles at most one short task (~1 s) at the end; with four, on
#: 1,000 articles, the two workers' CPU times ended 2.1 s apart. Sending a task costs ~1 ms.
WORKER_TASK_BATCHES = 1


class PipelineError(Exception):
    pass


#: Bumped whenever what pre-annotation does with a pipeline's output changes (pieces, trimming,
#: components): shards written under another recipe are pre-annotated again on import.
RECIPE = "annotator-preannotate-1"


@dataclass
class Pipeline:
    nlp: Language
    name: str
    #: Shown to the user: what is running, and what is missing.
    description: str
    rules_only: bool = False
    #: The pipeline recognises entities (`ner`, an entity or span ruler of its own): else what it
    #: finds says nothing about entities, and they stay unknown (`store.preannotations.store_preannotations`).
    predicts_entities: bool = True

    @property
    def identity(self) -> dict[str, str]:
        """What makes two runs give the same results: the pipeline's own name and version, our
        recipe and the entity patterns. Written into shards; compared on import."""
        return pipeline_identity(self.name, self.nlp.meta)


def installed_default() -> str | None:
    """The first installed of the default English pipelines, or None."""
    for name in settings.DEFAULT_PIPELINES:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def load_pipeline(name: str | None = None) -> Pipeline:
    """Load `name` (a package or a folder), the default English pipeline, or the rule-based fallback."""
    import spacy

    wanted = name or installed_default()
    if wanted in (None, settings.RULES_PIPELINE):
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        _add_patterns(nlp, before=None)
        why = "no spaCy pipeline is installed" if wanted is None else "the rule-based pipeline was chosen"
        return Pipeline(nlp, settings.RULES_PIPELINE, f"rules only ({why}): sentences and entity patterns", True)
    try:
        nlp = spacy.load(wanted)
    except (OSError, ImportError) as exc:
        raise PipelineError(
            f"cannot load the spaCy pipeline {wanted!r}: {exc}. Install it, name another with --pipeline, "
            f"or use --pipeline {settings.RULES_PIPELINE}"
        ) from exc
    factories = {nlp.get_pipe_meta(name).factory for name in nlp.pipe_names}
    predicts = bool(ENTITY_FACTORIES & factories)
    _prepare(nlp)
    meta = nlp.meta
    label = wanted if Path(str(wanted)).exists() else f"{meta.get('lang')}_{meta.get('name')}"
    description = f"{label} {meta.get('version', '')}".strip()
    if not predicts:
        description += " (no ner or entity_ruler: entities not predicted, left unknown)"
    return Pipeline(nlp, str(wanted), description, predicts_entities=predicts)


@functools.lru_cache(maxsize=4)
def pipeline_tokenizer(name: str | None) -> Any:
    """The tokenizer of pipeline `name` (as `load_pipeline` takes it), or spaCy's English rules if
    it cannot load: what a DocBin export re-tokenizes an article with."""
    try:
        return load_pipeline(name).nlp.tokenizer
    except PipelineError:
        import spacy

        return spacy.blank("en").tokenizer


def pipeline_identity(name: str | None, meta: dict[str, Any] | None = None) -> dict[str, str]:
    """The identity of pipeline `name` (as `load_pipeline` takes it), read from its meta.json
    without loading spaCy when `meta` is not given: {"pipeline", "version", "recipe"}."""
    wanted = name or installed_default()
    patterns = hashlib.sha256(settings.resource("entity_patterns.jsonl").read_bytes()).hexdigest()[:12]
    recipe = f"{RECIPE}+patterns-{patterns}"
    if wanted in (None, settings.RULES_PIPELINE):
        return {"pipeline": settings.RULES_PIPELINE, "version": RECIPE, "recipe": recipe}
    if meta is None:
        meta = _read_meta(str(wanted))
    return {"pipeline": f"{meta.get('lang')}_{meta.get('name')}", "version": str(meta.get("version")), "recipe": recipe}


def _read_meta(name: str) -> dict[str, Any]:
    """meta.json of an installed pipeline package or a pipeline folder ({} when there is none)."""
    folder = Path(name)
    if not folder.exists():
        spec = importlib.util.find_spec(name) if name.isidentifier() else None
        locations = list(spec.submodule_search_locations or []) if spec else []
        folder = Path(locations[0]) if locations else folder
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _prepare(nlp: Language) -> None:
    """Keep only what finds entities and sentences: senter instead of the parser when it has one."""
    names = set(nlp.pipe_names)
    for component in UNNEEDED:
        if component in names:
            nlp.disable_pipe(component)
    if "senter" in nlp.component_names and "parser" in names:
        nlp.enable_pipe("senter")
        nlp.disable_pipe("parser")
    elif not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer", first=True)
    _add_patterns(nlp, before="ner" if "ner" in nlp.pipe_names else None)


def _add_patterns(nlp: Language, before: str | None) -> None:
    import srsly

    path = settings.resource("entity_patterns.jsonl")
    ruler = nlp.add_pipe("entity_ruler", name="domain_entities", before=before, config={"phrase_matcher_attr": None})
    ruler.add_patterns(list(srsly.read_jsonl(path)))


# -- analysis: texts in, offsets out ---------------------------------------------------

#: Where a long text may be cut, best first: after a blank line, a line break, a sentence end, any space.
_CUTS = (
    re.compile(r"\n[^\S\n]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?…][\"'”’)\]]*\s+"),
    re.compile(r"\s+"),
)


def pieces(text: str, limit: int) -> list[tuple[int, int]]:
    """Contiguous (start, end) ranges that cover `text`, each at most `limit` characters.

    A piece ends after its last paragraph break, else after its last line break, sentence
    end or space; a text with no space for `limit` characters is cut there.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    size = len(text)
    out: list[tuple[int, int]] = []
    start = 0
    while size - start > limit:
        room = start + limit
        cut = room
        for pattern in _CUTS:
            ends = [m.end() for m in pattern.finditer(text, start + 1, room)]
            if ends:
                cut = ends[-1]
                break
        out.append((start, cut))
        start = cut
    out.append((start, size))
    return out


@dataclass(frozen=True)
class Analysis:
    """What the pipeline found in one text: (start, end, label) entities, (start, end) sentences
    and the tokens' bounds as one flat JSON list (`"[0,5,6,11]"`, white-space tokens left out)."""

    entities: list[tuple[int, int, str]]
    sentences: list[tuple[int, int]]
    tokens: str


@dataclass(frozen=True)
class AnalysisFailure:
    """The pipeline raised on this text: `reason` is what the user is told."""

    reason: str


def analyse_texts(
    pipeline: Pipeline, texts: Sequence[str], batch_size: int = settings.PREANNOTATE_BATCH
) -> list[Analysis | AnalysisFailure]:
    """One `Analysis` (or `AnalysisFailure`) per text, in order. Never raises for one bad text:
    when a batch fails, each of its texts is tried alone and only those that fail again fail."""
    try:
        return list(_analyse(pipeline, texts, batch_size))
    except Exception:
        if len(texts) == 1:
            return [AnalysisFailure(_reason())]
        log.warning("a batch of %d texts failed; trying them one by one", len(texts), exc_info=True)
    return [analyse_texts(pipeline, [text], batch_size)[0] for text in texts]


def _reason() -> str:
    exc = sys.exc_info()[1]
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:500]


def _analyse(pipeline: Pipeline, texts: Sequence[str], batch_size: int) -> Iterator[Analysis]:
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    nlp = pipeline.nlp
    limit = min(settings.PREANNOTATE_PIECE_CHARS, nlp.max_length)
    plan = [(i, start, end) for i, text in enumerate(texts) for start, end in pieces(text, limit)]
    docs = nlp.pipe((texts[i][start:end] for i, start, end in plan), batch_size=batch_size)
    current, entities, sentences, tokens = 0, [], [], []
    for (i, offset, _end), doc in zip(plan, docs, strict=True):
        if i != current:
            yield Analysis(entities, sentences, f"[{','.join(tokens)}]")
            current, entities, sentences, tokens = i, [], [], []
        entities += [(*_trimmed(e.start_char + offset, e.text), e.label_) for e in doc.ents if e.text.strip()]
        sentences += [_trimmed(s.start_char + offset, s.text) for s in doc.sents if s.text.strip()]
        bounds = doc.to_array([IDX, LENGTH, IS_SPACE])
        if len(bounds):
            words = bounds[bounds[:, 2] == 0]
            flat = [0] * (2 * len(words))
            flat[::2] = (words[:, 0] + offset).tolist()
            flat[1::2] = (words[:, 0] + words[:, 1] + offset).tolist()
            if flat:
                tokens.append(",".join(map(str, flat)))
    if plan:
        yield Analysis(entities, sentences, f"[{','.join(tokens)}]")


def _trimmed(start: int, text: str) -> tuple[int, int]:
    """Bounds without the white space spaCy sometimes leaves at either end of a span."""
    lead = len(text) - len(text.lstrip())
    return start + lead, start + len(text.rstrip())


# -- a project's articles, on every core -----------------------------------------------


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class RunProfile:
    """Where a `preannotate` run's CPU time went, in CPU seconds (benchmarks and the log read it).

    `parent` is this process over the whole run, of which `saving` went to writing results
    into the project and `analysing` to running the pipeline here; `workers` maps each worker
    process's id to its CPU time since it started (start-up and pipeline load included), of
    which `worker_analysing` (summed over workers) went to the pipeline.
    """

    parent: float = 0.0
    saving: float = 0.0
    analysing: float = 0.0
    workers: dict[int, float] = field(default_factory=dict)
    worker_analysing: float = 0.0

    def describe(self) -> str:
        each = " + ".join(f"{cpu:.1f}" for cpu in self.workers.values())
        startup = sum(self.workers.values()) - self.worker_analysing
        text = f"parent {self.parent:.1f} s CPU (pipeline {self.analysing:.1f} s, saving {self.saving:.1f} s)"
        if self.workers:
            text += (
                f"; {len(self.workers)} workers {each} s CPU (pipeline {self.worker_analysing:.1f} s, "
                f"start-up and transfer {startup:.1f} s)"
            )
        return text


def preannotate(
    store: Store,
    pipeline: Pipeline,
    *,
    batch_size: int = settings.PREANNOTATE_BATCH,
    processes: int | None = None,
    retry_failed: bool = False,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
    profile: RunProfile | None = None,
) -> int:
    """Pre-annotate every article the pipeline has not seen, one committed batch at a time.

    Resumable: a batch is saved whole or not at all, and a later call carries on where an
    interrupted one stopped; `cancelled` is checked before each batch is read and saved, and while
    workers analyse (every 20 ms: they are then stopped, their running batches dropped). Runs in
    `processes` worker processes (default: every core) when there is enough work for them,
    else in this one. An article the pipeline fails on is recorded with the reason (see
    `store.preannotations.preannotation_failures`) and skipped by later runs unless `retry_failed`.
    `on_batch` hears the ids of each saved batch (the window redraws them). Returns how many
    articles were done, failures included. `profile`, when given, is filled in.
    """
    cpu_start = time.process_time()
    profile = profile if profile is not None else RunProfile()
    pending = store.preannotations.count_unannotated(retry_failed=retry_failed)
    workers = min(processes or available_cores(), pending // settings.PREANNOTATE_PER_PROCESS)
    per_task = batch_size * (WORKER_TASK_BATCHES if workers > 1 else 4)
    stop = cancelled or (lambda: False)
    batches = _pending_batches(store, per_task, retry_failed, stop)
    if workers > 1:
        results = _on_workers(pipeline, batches, batch_size, workers, profile, stop)
    else:
        results = (_analysed_here(pipeline, batch, batch_size, profile) for batch in batches)
    done = 0
    try:
        for batch, analyses in results:
            if stop():  # cancelled while this batch was analysed: nothing more is saved
                break
            cpu = time.process_time()
            _save(store, pipeline, batch, analyses)
            profile.saving += time.process_time() - cpu
            done += len(batch)
            if on_batch:
                on_batch([article_id for article_id, _ in batch])
            if progress:
                progress(len(batch))
    finally:
        results.close()
        profile.parent += time.process_time() - cpu_start
        log.info("pre-annotated %d articles: %s", done, profile.describe())
    return done


def _analysed_here(
    pipeline: Pipeline, batch: list[tuple[int, str]], batch_size: int, profile: RunProfile
) -> tuple[list[tuple[int, str]], list[Analysis | AnalysisFailure]]:
    cpu = time.process_time()
    analyses = analyse_texts(pipeline, [text for _, text in batch], batch_size)
    profile.analysing += time.process_time() - cpu
    return batch, analyses


def _pending_batches(
    store: Store, size: int, retry_failed: bool, cancelled: Callable[[], bool]
) -> Iterator[list[tuple[int, str]]]:
    """(id, text) batches of the articles still to do, read as they are needed (keyset paging),
    until `cancelled`."""
    after = 0
    while not cancelled() and (batch := store.preannotations.unannotated(size, after=after, retry_failed=retry_failed)):
        after = batch[-1][0]
        yield batch


def _save(
    store: Store, pipeline: Pipeline, batch: list[tuple[int, str]], analyses: list[Analysis | AnalysisFailure]
) -> None:
    name, predicted = pipeline.name, pipeline.predicts_entities
    results, failures = [], []
    for (article_id, _), found in zip(batch, analyses, strict=True):
        if isinstance(found, AnalysisFailure):
            log.warning("pre-annotation failed on article %d: %s", article_id, shown(found.reason))
            failures.append(PreannotationFailure(article_id, name, found.reason))
        else:
            entities = found.entities if predicted else []  # our domain patterns alone are no NER
            results.append(Preannotation(article_id, name, entities, found.sentences, found.tokens, predicted))
    store.preannotations.store_preannotations(results, failures)


_Batches = Iterator[list[tuple[int, str]]]


def _on_workers(
    pipeline: Pipeline,
    batches: _Batches,
    batch_size: int,
    workers: int,
    profile: RunProfile,
    stop: Callable[[], bool],
) -> Iterator[tuple[list[tuple[int, str]], list[Analysis | AnalysisFailure]]]:
    """Batches analysed by `workers` processes, as they finish; at most two per worker in flight
    (memory stays bounded). Closing the generator before its end (a cancel, a closing window, an
    error) stops the workers at once: their running analyses would not be saved anyway."""
    methods = multiprocessing.get_all_start_methods()
    # A fresh interpreter per worker, never a fork of this one: the window has threads running,
    # and forked workers measured no faster (their start-up saved ~1.2 s of CPU each, and they
    # then spent as much more in the kernel, copying the pages they shared with the parent).
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    executor = ProcessPoolExecutor(
        workers, context, initializer=_worker_init, initargs=(pickle.dumps(pipeline), os.getpid())
    )
    running: dict[Future, list[tuple[int, str]]] = {}
    ended = False
    try:
        for batch in batches:
            running[executor.submit(_worker_analyse, [text for _, text in batch], batch_size)] = batch
            while len(running) >= 2 * workers and not stop():
                yield from _finished(running, profile, stop)
        while running and not stop():
            yield from _finished(running, profile, stop)
        ended = not running
    finally:
        if ended:
            executor.shutdown(wait=True)
        else:
            _stop_workers(executor)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """End the pool's processes now, not after the analyses they run (a batch of articles through
    spaCy, or spaCy's loading: seconds): nothing of theirs is saved any more. Python 3.14 names
    this `terminate_workers`; before it, the pool's processes are ended one by one."""
    terminate = getattr(executor, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _finished(
    running: dict[Future, list[tuple[int, str]]], profile: RunProfile, stop: Callable[[], bool]
) -> Iterator[tuple[list[tuple[int, str]], list[Any]]]:
    """The batches the workers have finished (at least one), or none once `stop()` is true."""
    done: set[Future] = set()
    while not done:
        if stop():
            return
        done, _ = wait(running, timeout=settings.CANCEL_LOOK_SECONDS, return_when=FIRST_COMPLETED)
    for future in done:
        analyses, pid, cpu_total, cpu_analysing = future.result()
        profile.workers[pid] = cpu_total
        profile.worker_analysing += cpu_analysing
        yield running.pop(future), analyses


_WORKER_PIPELINE: Pipeline | None = None


def _worker_init(pickled: bytes, parent: int | None = None) -> None:
    """Load the pipeline once (pickled once in the parent) for every task of this worker, which
    dies with the process that started it (`die_with`)."""
    global _WORKER_PIPELINE
    if parent is not None:
        die_with(parent)
    _WORKER_PIPELINE = pickle.loads(pickled)


#: How often a worker looks whether the process that started it still runs.
PARENT_CHECK_SECONDS = 1.0


def die_with(parent: int) -> None:
    """Make this worker end when process `parent` ends, however it ends (kill -9, the OOM killer):
    otherwise a killed `preannotate` leaves its workers (~230 MB each) running forever. On Linux
    the kernel signals it when its own parent (the forkserver) goes (`PR_SET_PDEATHSIG`); on every
    system a daemon thread checks each second that `parent` is still there."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass  # there, under another user: not ours, but not gone either

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _worker_analyse(texts: list[str], batch_size: int) -> tuple[list[Analysis | AnalysisFailure], int, float, float]:
    """The analyses, this worker's process id, its CPU seconds so far and those of this call."""
    assert _WORKER_PIPELINE is not None, "worker not initialised"
    cpu = time.process_time()
    analyses = analyse_texts(_WORKER_PIPELINE, texts, batch_size)
    now = time.process_time()
    return analyses, os.getpid(), now, now - cpu
