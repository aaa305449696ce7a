"""Loading the spaCy pipeline and pre-annotating articles with it.

spaCy is imported only inside these functions, so commands that do not pre-annotate
start without it. Domain entity patterns (`resources/entity_patterns.jsonl`) run
before the statistical NER, so names the stock model gets wrong (e.g. "Kyiv" as a
PERSON) are fixed before it sees them.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import settings
from annotator.store import Preannotation, Store

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("annotator.nlp")

#: Components the pre-annotation never needs; disabled for speed when present.
UNNEEDED = ("tagger", "attribute_ruler", "lemmatizer", "morphologizer", "trainable_lemmatizer")


class PipelineError(Exception):
    pass


@dataclass
class Pipeline:
    nlp: Language
    name: str
    #: Shown to the user: what is running, and what is missing.
    description: str
    rules_only: bool = False


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
    _prepare(nlp)
    meta = nlp.meta
    label = wanted if Path(str(wanted)).exists() else f"{meta.get('lang')}_{meta.get('name')}"
    return Pipeline(nlp, str(wanted), f"{label} {meta.get('version', '')}".strip())


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


def analyse(pipeline: Pipeline, texts: Iterable[str], batch_size: int = settings.PREANNOTATE_BATCH) -> Iterator[Any]:
    """Entities, sentences and tokens (as code point offsets) for each text, in order."""
    for doc in pipeline.nlp.pipe(texts, batch_size=batch_size):
        entities = [(*_trimmed(e.start_char, e.text), e.label_) for e in doc.ents if e.text.strip()]
        sentences = [_trimmed(s.start_char, s.text) for s in doc.sents if s.text.strip()]
        tokens = [(t.idx, t.idx + len(t)) for t in doc if not t.is_space]
        yield entities, sentences, tokens


def _trimmed(start: int, text: str) -> tuple[int, int]:
    """Bounds without the white space spaCy sometimes leaves at either end of a span."""
    lead = len(text) - len(text.lstrip())
    return start + lead, start + len(text.rstrip())


def preannotate(
    store: Store,
    pipeline: Pipeline,
    *,
    batch_size: int = settings.PREANNOTATE_BATCH,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
) -> int:
    """Pre-annotate every article the pipeline has not seen, one committed batch at a time.

    Resumable: a batch is saved whole or not at all, and a later call carries on
    where an interrupted one stopped. `on_batch` hears the ids of each saved batch
    (the window redraws them). Returns how many articles were done.
    """
    done = 0
    while not (cancelled and cancelled()):
        batch = store.unannotated(limit=batch_size * 4)
        if not batch:
            break
        # spaCy runs before the write begins: the project stays free for the annotator's actions.
        results = [
            Preannotation(article_id, pipeline.name, ents, sents, toks)
            for (article_id, _), (ents, sents, toks) in zip(
                batch, analyse(pipeline, (text for _, text in batch), batch_size), strict=True
            )
        ]
        store.store_preannotations(results)
        done += len(batch)
        if on_batch:
            on_batch([article_id for article_id, _ in batch])
        if progress:
            progress(len(batch))
    return done
