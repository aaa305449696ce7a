"""Training a spaCy `textcat_multilabel` on the project's statements, with progress and cancel hooks.

`train_textcat` fits a blank pipeline (tokenizer + textcat_multilabel) on examples and scores
it on held-out ones with spaCy's own scorer (`Language.evaluate`: per-label precision, recall
and F1 at the component's threshold, 0.5). The pipeline it returns is plain spaCy: saved
with `to_disk`, `spacy.load(DIR)` runs it without Annotator. `train_project` (in
`annotator.learn.project`) adds the project around it: the examples, the split, the report.

The architecture is chosen by measurement (`make bench`, suite `learn`): see `AUTO`.
Imports spaCy: only the commands and threads that train or suggest import this module.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam

from annotator.learn.examples import Example

#: spaCy model configs for `textcat_multilabel`, by the name `--architecture` takes.
#: "bow" is spaCy's bag-of-words linear model over unigrams and bigrams (hashed into 65,536
#: buckets: a quarter of spaCy's default, four times less to update per step for the same F1 on
#: the benchmark); "ensemble" is spaCy's default (that linear model plus a small CNN tok2vec
#: with attention over word, prefix, suffix and shape features).
ARCHITECTURES: dict[str, dict] = {
    "bow": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 65536,
    },
    "ensemble": {
        "@architectures": "spacy.TextCatEnsemble.v2",
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {
                "@architectures": "spacy.MultiHashEmbed.v2",
                "width": 64,
                "rows": [2000, 2000, 500, 1000, 500],
                "attrs": ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"],
                "include_static_vectors": False,
            },
            "encode": {
                "@architectures": "spacy.MaxoutWindowEncoder.v2",
                "width": 64,
                "window_size": 1,
                "maxout_pieces": 3,
                "depth": 2,
            },
        },
        "linear_model": {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": False,
            "length": 65536,
            "ngram_size": 1,
            "no_output_layer": False,
        },
    },
}
#: "auto" (the default) picks by the number of training examples, as the `learn` benchmark
#: measured on 2 cores. The ensemble is better at every size measured (macro F1 on the test set
#: 0.65 against 0.52 at 100 labeled statements, 0.88 against 0.78 at 300, 0.93 against 0.90 at
#: 1,000) and trains in 4-14 s there, so it is used below `AUTO_BOW_FROM` examples. Its training
#: time grows with the examples (14 s at 2,600) and the gap closes as data grows, so from there,
#: where the ensemble would take a minute or more, the bag of words (3-5x faster) is used.
AUTO = "auto"
AUTO_BOW_FROM = 10_000
#: Adam's learning rate, batch size and the updates to aim for, per architecture (measured).
LEARN_RATE = {"bow": 0.03, "ensemble": 0.002}
TARGET_UPDATES = {"bow": 600, "ensemble": 400}
BATCH_SIZE = 16
DROPOUT = 0.1
#: The name of the component in every pipeline Annotator trains.
COMPONENT = "textcat_multilabel"


def choose_architecture(architecture: str, n_examples: int) -> str:
    """The architecture "auto" means for `n_examples` training examples, or the one named."""
    if architecture == AUTO:
        return "bow" if n_examples >= AUTO_BOW_FROM else "ensemble"
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; choose auto, {', '.join(ARCHITECTURES)}")
    return architecture


def epochs_for(n_examples: int, architecture: str) -> int:
    """Passes over the training examples: enough updates for small data, fewer passes for more
    (between 8 and 20; measured in the `learn` benchmark)."""
    batches = max(1, -(-n_examples // BATCH_SIZE))
    return max(8, min(20, TARGET_UPDATES[architecture] // batches))


class TrainingCancelled(Exception):
    """`cancelled()` returned True: training stopped and nothing was kept."""


@dataclass(frozen=True)
class LabelScore:
    """One label's figures on the held-out examples (None where it has no held-out example)."""

    label: str
    examples: int
    train: int
    held_out: int
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class Fitted:
    nlp: Language
    architecture: str
    epochs: int
    seconds: float


def blank_pipeline(labels: Sequence[str], architecture: str, lang: str = "en") -> Language:
    """A tokenizer and an untrained `textcat_multilabel` that knows `labels`."""
    nlp = spacy.blank(lang)
    textcat = nlp.add_pipe(COMPONENT, config={"model": ARCHITECTURES[architecture]})
    for label in labels:
        textcat.add_label(label)
    return nlp


def train_textcat(
    train: Sequence[Example],
    labels: Sequence[str],
    *,
    architecture: str = AUTO,
    epochs: int | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lang: str = "en",
) -> Fitted:
    """Fit a pipeline on `train` (seeded: the same examples and seed give the same model).

    `progress(done, total)` is called after each batch (total: batches over every epoch);
    when `cancelled()` returns True between batches, `TrainingCancelled` is raised. Runs on
    the calling thread: the window calls it from a worker.
    """
    started = time.perf_counter()
    fix_random_seed(seed)
    architecture = choose_architecture(architecture, len(train))
    nlp = blank_pipeline(labels, architecture, lang)
    examples = spacy_examples(nlp, train, labels)
    epochs = epochs or epochs_for(len(examples), architecture)
    # spaCy's default optimizer settings, with the learning rate measured for the architecture
    adam = Adam(LEARN_RATE[architecture], L2=0.01, L2_is_weight_decay=True, grad_clip=1.0, use_averages=False)
    optimizer = nlp.initialize(lambda: examples, sgd=adam)
    textcat = nlp.get_pipe(COMPONENT)
    rng = random.Random(seed)
    per_epoch = -(-len(examples) // BATCH_SIZE)
    total, done = per_epoch * epochs, 0
    order = list(examples)
    for _ in range(epochs):
        rng.shuffle(order)
        for batch in minibatch(order, size=BATCH_SIZE):
            if cancelled is not None and cancelled():
                raise TrainingCancelled
            textcat.update(batch, sgd=optimizer, drop=DROPOUT)
            done += 1
            if progress is not None:
                progress(done, total)
    return Fitted(nlp, architecture, epochs, time.perf_counter() - started)


def warm_up(lang: str = "en") -> None:
    """Import and build once what training needs (spaCy's model code, the architectures' registry
    entries), and run one update: the first training in a process otherwise holds the other
    threads up for tens of milliseconds while that happens (the `learn` benchmark measures it).
    The window calls this on its worker when it loads spaCy, before the first training."""
    nlp = blank_pipeline(["a", "b"], "ensemble", lang)
    examples = spacy_examples(nlp, [Example("a warm up", frozenset({"a"}), 0, 0, 9)], ["a", "b"])
    nlp.initialize(lambda: examples)
    nlp.get_pipe(COMPONENT).update(examples)
    blank_pipeline(["a"], "bow", lang).initialize(lambda: examples)


def spacy_examples(nlp: Language, examples: Sequence[Example], labels: Sequence[str]) -> list[SpacyExample]:
    """spaCy `Example`s whose `cats` name every label (1.0 for the example's labels, 0.0 for the rest)."""
    return [
        SpacyExample.from_dict(nlp.make_doc(e.text), {"cats": {label: float(label in e.labels) for label in labels}})
        for e in examples
    ]


def score(
    nlp: Language, train: Sequence[Example], held_out: Sequence[Example], labels: Sequence[str]
) -> tuple[list[LabelScore], float | None]:
    """Per-label figures on `held_out` (spaCy's scorer) and their macro F1.

    The macro F1 averages the labels that have held-out examples: a label with none cannot be
    measured (spaCy's own `cats_macro_f` would count it as 0). None when no label can be.
    """
    trained = {label: 0 for label in labels}
    held = dict(trained)
    for example in train:
        for label in example.labels:
            trained[label] = trained.get(label, 0) + 1
    for example in held_out:
        for label in example.labels:
            held[label] = held.get(label, 0) + 1
    per_type = nlp.evaluate(spacy_examples(nlp, held_out, labels))["cats_f_per_type"] if held_out else {}
    scores = []
    for label in labels:
        figures = per_type.get(label) if held[label] else None
        scores.append(
            LabelScore(
                label,
                trained[label] + held[label],
                trained[label],
                held[label],
                figures["p"] if figures else None,
                figures["r"] if figures else None,
                figures["f"] if figures else None,
            )
        )
    measured = [s.f1 for s in scores if s.f1 is not None]
    return scores, (sum(measured) / len(measured) if measured else None)
