"""Suggestions for a statement: the latest model's label probabilities, and the project's rules.

`Suggester.for_project(store)` loads the project's latest model (if any) and rules — spaCy
loading takes a moment, so the window builds it on a worker thread and swaps it in — and
`suggest(article_id, start, end, text)` answers in well under a millisecond for a
bag-of-words model and about a millisecond for the ensemble (`make bench`, suite `learn`),
from a cache after the first time. A label is suggested when the model gives it at least
`THRESHOLD` or a rule matches; each suggestion says where it came from. A suggestion is
never a label: nothing here writes to the project (the window logs what it showed with
`store.suggestions.log_shown`, and saves only what the annotator decides).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.learn.calibration import scaled
from annotator.learn.models import ModelInfo, latest_model
from annotator.learn.rules import Rule, RuleMatcher, project_rules
from annotator.learn.training import COMPONENT
from annotator.learn.uncertainty import DEFAULT_MEASURE, MEASURES

#: The probability from which the model suggests a label (the component's own threshold).
THRESHOLD = 0.5
CACHE_SIZE = 4096
MODEL, RULE = "model", "rule"


@dataclass(frozen=True)
class Suggestion:
    """One suggested label: its sources (`model:<version>`, `rule:<pattern>`) and the model's probability."""

    label: str
    sources: tuple[str, ...]
    #: The model's probability for the label (None without a model).
    probability: float | None

    @property
    def from_model(self) -> bool:
        return any(source.startswith(MODEL + ":") for source in self.sources)

    @property
    def from_rule(self) -> bool:
        return any(source.startswith(RULE + ":") for source in self.sources)


@dataclass(frozen=True)
class Suggestions:
    """What the sources suggest for one statement (offsets are code points into the article)."""

    article_id: int
    start: int
    end: int
    suggested: tuple[Suggestion, ...]
    #: The model's probability for every label it knows ({} without a model).
    probabilities: dict[str, float]
    model_version: str | None
    #: The model's uncertainty (`uncertainty.DEFAULT_MEASURE`), None without a model.
    uncertainty: float | None
    #: Labels the model would suggest but that have not earned it yet, and why (the window says it).
    withheld: tuple[tuple[str, str], ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(s.label for s in self.suggested)

    def as_log(self) -> list[dict[str, Any]]:
        """What `store.suggestions.log_shown` keeps."""
        return [{"label": s.label, "sources": list(s.sources), "probability": s.probability} for s in self.suggested]


class Suggester:
    """Label suggestions from a textcat pipeline and rules; either may be missing.

    Not thread-safe (spaCy pipelines are not): use it on one thread, the GUI's.
    """

    def __init__(
        self,
        nlp=None,
        rules: Sequence[Rule] = (),
        *,
        model_version: str | None = None,
        labels: Iterable[str] | None = None,
        measure: str = DEFAULT_MEASURE,
        min_examples: int | None = None,
        min_f1: float | None = None,
    ):
        import spacy

        from annotator import settings

        self.nlp = nlp
        self.model_version = model_version if nlp is not None else None
        self._tokenizer_nlp = nlp if nlp is not None else spacy.blank("en")
        self._textcat = nlp.get_pipe(COMPONENT) if nlp is not None else None
        self.rules = RuleMatcher(rules, self._tokenizer_nlp) if rules else None
        #: Labels that may be suggested (the project's active labels); None: any.
        self.labels = frozenset(labels) if labels is not None else None
        self._measure = MEASURES[measure]
        self._cache: OrderedDict[tuple[int, int, int, str], Suggestions] = OrderedDict()
        ours = (nlp.meta.get("annotator") or {}) if nlp is not None else {}
        #: Temperature scaling fitted on the held-out split (`learn.calibration`); 1: as the model says.
        self.temperature = float(ours.get("temperature") or 1.0)
        #: label -> why its model suggestions are not shown (`settings.SUGGEST_MIN_*`).
        self.withheld = _gates(
            ours,
            settings.SUGGEST_MIN_EXAMPLES if min_examples is None else min_examples,
            settings.SUGGEST_MIN_F1 if min_f1 is None else min_f1,
        )

    @classmethod
    def for_project(cls, store, *, model: ModelInfo | bool | None = True) -> Suggester:
        """The project's latest model (`model=False`: rules only) and rules, for its active labels."""
        import spacy

        from annotator.schemes.labels import project_labels

        info = latest_model(store.path) if model is True else (model or None)
        nlp = spacy.load(info.path) if info is not None else None
        active = [label.name for label in project_labels(store) if not label.retired]
        return cls(nlp, project_rules(store), model_version=info.version if info else None, labels=active)

    @classmethod
    def from_path(cls, path: Path, rules: Sequence[Rule] = (), **kwargs) -> Suggester:
        import spacy

        return cls(spacy.load(path), rules, model_version=kwargs.pop("model_version", Path(path).name), **kwargs)

    # -- asking ------------------------------------------------------------------------

    def suggest(self, article_id: int, start: int, end: int, text: str) -> Suggestions:
        """The suggestions for `text` = the statement `start`-`end` of the article (cached)."""
        key = (article_id, start, end, text)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        doc = self._tokenizer_nlp.make_doc(text)
        if self._textcat is not None:
            doc = self._textcat(doc)
        made = self._suggestions(article_id, start, end, doc)
        self._remember(key, made)
        return made

    def suggest_many(self, statements: Iterable[tuple[int, int, int, str]]) -> list[Suggestions]:
        """Suggestions for many statements at once (batched through the model: an article on opening)."""
        items = list(statements)
        missing = [item for item in items if item not in self._cache]
        docs = (self._tokenizer_nlp.make_doc(text) for *_, text in missing)
        if self._textcat is not None:
            docs = self._textcat.pipe(docs, batch_size=64)
        for item, doc in zip(missing, docs, strict=True):
            self._remember(item, self._suggestions(*item[:3], doc))
        return [self._cache[item] for item in items]

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """The model's label probabilities per text (empty dicts without a model): for `UncertaintyIndex.build`."""
        if self._textcat is None:
            return [{} for _ in texts]
        docs = self._textcat.pipe((self._tokenizer_nlp.make_doc(t) for t in texts), batch_size=256)
        return [{label: scaled(p, self.temperature) for label, p in doc.cats.items()} for doc in docs]

    def set_rules(self, rules: Sequence[Rule]) -> None:
        """Use these rules from now on (the project's were edited). Raises `RuleError` for a bad one."""
        self.rules = RuleMatcher(rules, self._tokenizer_nlp) if rules else None
        self._cache.clear()

    def set_labels(self, labels: Iterable[str] | None) -> None:
        """Suggest only these labels from now on (the label scheme changed: a label retired or added)."""
        self.labels = frozenset(labels) if labels is not None else None
        self._cache.clear()

    # -- making them -------------------------------------------------------------------

    def _suggestions(self, article_id: int, start: int, end: int, doc) -> Suggestions:
        t = self.temperature
        probabilities = (
            {label: scaled(float(p), t) for label, p in doc.cats.items()} if self._textcat is not None else {}
        )
        rule_hits = self.rules.match(doc) if self.rules is not None else {}
        suggested, withheld = [], []
        for label in dict.fromkeys([*probabilities, *rule_hits]):
            if self.labels is not None and label not in self.labels:
                continue
            sources = []
            p = probabilities.get(label)
            if p is not None and p >= THRESHOLD and label in self.withheld:
                withheld.append((label, self.withheld[label]))
            elif p is not None and p >= THRESHOLD:
                sources.append(f"{MODEL}:{self.model_version}")
            if label in rule_hits:
                sources.append(rule_hits[label].source)
            if sources:
                suggested.append(Suggestion(label, tuple(sources), p))
        suggested.sort(key=lambda s: (-(s.probability or 0.0), s.label))
        return Suggestions(
            article_id,
            start,
            end,
            tuple(suggested),
            probabilities,
            self.model_version,
            self._measure(probabilities) if probabilities else None,
            tuple(withheld),
        )

    def _remember(self, key: tuple[int, int, int, str], made: Suggestions) -> None:
        self._cache[key] = made
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)


def _gates(ours: dict[str, Any], min_examples: int, min_f1: float) -> dict[str, str]:
    """label -> why the model's suggestions of it are withheld, from the figures its training kept
    (`learn.project._meta`). A pipeline that kept none (not one `annotator train` made) is not gated."""
    figures = ours.get("labels")
    if not isinstance(figures, dict):
        return {}
    withheld = {}
    for label, item in figures.items():
        examples, f1 = item.get("examples") or 0, item.get("f1")
        if examples < min_examples or f1 is None or f1 < min_f1:
            held = "no held-out example" if f1 is None else f"held-out F1 {f1:.2f}"
            withheld[label] = f"{examples} examples, {held} (needs {min_examples} and F1 {min_f1:.2f})"
    return withheld
