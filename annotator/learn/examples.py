"""The examples a statement classifier learns from: the textcat export's records, and a held-out split.

There is one rule for training data (`annotator.export.rule`), and training follows it by
taking exactly what `annotator export --format textcat` writes: one layer (`--annotator NAME`,
`--gold`, or the one the rule picks), finished articles only, every labeled statement a
positive for its labels, every sentence of a finished article that overlaps no labeled
statement a negative (all labels 0), a span answered reject never a label. No spaCy here.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.export.rule import ExportRule, Selection, choose_rule
from annotator.formats.textcat import textcat_from_row
from annotator.schemes.labels import label_universe

#: A label with fewer positive examples than this is reported as too few to learn.
MIN_EXAMPLES = 10
#: The share of examples held out to measure the model (seeded; stratified by label).
HELD_OUT = 0.2


@dataclass(frozen=True)
class Example:
    """One statement and the labels it carries (empty: a negative). Offsets are code points."""

    text: str
    labels: frozenset[str]
    article_id: int
    start: int
    end: int


@dataclass
class TrainingData:
    """The examples of one layer and what the rule left out, as the textcat export would write them."""

    rule: ExportRule
    #: Every label the classifier learns (the textcat export's universe), in scheme order.
    labels: list[str]
    examples: list[Example] = field(default_factory=list)
    #: Articles the rule left out, by reason (in progress, untouched, answered reject…).
    left_out: Counter[str] = field(default_factory=Counter)

    def per_label(self, examples: Iterable[Example] | None = None) -> Counter[str]:
        """Positive examples per label (every label of the universe, zeros included)."""
        counts = Counter({label: 0 for label in self.labels})
        for example in self.examples if examples is None else examples:
            counts.update(example.labels)
        return counts

    @property
    def negatives(self) -> int:
        return sum(not example.labels for example in self.examples)

    def too_few(self) -> list[str]:
        """Labels with fewer than `MIN_EXAMPLES` positives: a model cannot learn them yet."""
        return [label for label, n in self.per_label().items() if n < MIN_EXAMPLES]


def training_data(
    store,
    *,
    annotator: str | None = None,
    gold: bool = False,
    tick: Callable[[], None] | None = None,
) -> TrainingData:
    """The textcat export's records of one layer as examples (see the module docstring).

    Raises `ExportRefused` when the rule cannot choose a layer (several annotators and no
    review: the message says to pass --annotator or --gold).
    `tick()` is called per stored article (`Selection.total()` of them).
    """
    # the gold layer's articles with undecided conflicts are left out and counted (export's --skip-undecided):
    # a model in the loop trains on what is decided while the review goes on
    rule = choose_rule(store, "textcat", annotator=annotator, gold=gold, skip_undecided=True)
    selection = Selection(store, rule)
    data = TrainingData(rule, label_universe(store))
    known = set(data.labels)
    for row in selection.rows(tick):
        records, _ = textcat_from_row(row, data.labels)
        for record in records:
            labels = frozenset(name for name, value in record["cats"].items() if value)
            meta = record["meta"]
            data.examples.append(Example(record["text"], labels, meta["article_id"], meta["start"], meta["end"]))
            known |= labels
    data.labels += sorted(known - set(data.labels))
    data.left_out = selection.left_out
    return data


def held_out_split(
    examples: Sequence[Example], fraction: float = HELD_OUT, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """(train, held_out): a seeded split, stratified by each example's rarest label.

    Examples with the same text go to the same side (a sentence repeated across articles must
    not be measured on itself). Each stratum gives `fraction` of its texts, rounded, to the
    held-out side, and at least one when it has two or more: a label with two examples is
    measured on one of them. Strata of one text stay in training.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"the held-out fraction must be between 0 and 1, not {fraction}")
    by_text: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_text[example.text].append(example)
    frequency = Counter(label for example in examples for label in example.labels)
    strata: dict[str, list[str]] = defaultdict(list)
    for text, group in by_text.items():
        labels = set().union(*(e.labels for e in group))
        strata[min(labels, key=lambda label: (frequency[label], label)) if labels else ""].append(text)
    rng = random.Random(seed)
    held: set[str] = set()
    for key in sorted(strata):
        texts = strata[key]
        rng.shuffle(texts)
        if len(texts) >= 2:
            held.update(texts[: max(1, round(len(texts) * fraction))])
    train = [e for e in examples if e.text not in held]
    return train, [e for e in examples if e.text in held]
