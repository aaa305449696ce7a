"""Label all matches: give every hit of a search one label, as one undoable batch.

Two ways, the user's choice: the *statement* holding each hit gets the label (the annotator's
own statement there, else the sentence unit the hit is in), or the *span* — each match
itself, widened to whole tokens as every span must be. First a plan (`plan_label_all`): what
would change, how many statements in how many articles, and what is skipped because it would
collide — already carrying the label, overlapping another of the annotator's statements with
other bounds, off token boundaries, or two matches on the same words. Then `apply_label_all`
writes the plan in one transaction and returns a `Decision` whose undo/redo take it all back
or forward (again one transaction each).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.records import GOLD, Statement, is_model_layer
from annotator.review.gold import Change, Decision
from annotator.schemes.labels import unknown_labels
from annotator.search.hits import Hit
from annotator.text import plural
from annotator.tokens import snap, word_tokens

STATEMENT, SPAN = "statement", "span"
MODES = (STATEMENT, SPAN)

ALREADY = "already labeled"
OVERLAP = "overlaps another statement"
OFF_TOKENS = "off token boundaries"
SAME_WORDS = "another match covers the same words"


@dataclass(frozen=True)
class Target:
    article_id: int
    start: int
    end: int


@dataclass(frozen=True)
class Skipped:
    article_id: int
    start: int
    end: int
    reason: str
    #: The statement it collides with, when there is one.
    other: tuple[int, int] | None = None


#: Skipped hits kept as examples (the rest only counted by reason).
SKIPPED_EXAMPLES = 200


class Targets(Sequence[Target]):
    """The plan's changes, three machine integers each (24 bytes, not a Python object per hit), so
    the preview of half a million hits stays small and the batch applied is exactly the one shown."""

    def __init__(self) -> None:
        self._flat = array("q")

    def append(self, t: Target) -> None:
        self._flat.extend((t.article_id, t.start, t.end))

    def __len__(self) -> int:
        return len(self._flat) // 3

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return Target(*self._flat[3 * i : 3 * i + 3])

    def __iter__(self) -> Iterator[Target]:
        flat = self._flat
        for i in range(0, len(flat), 3):
            yield Target(flat[i], flat[i + 1], flat[i + 2])


#: What the articles still waiting for pre-annotation need before their hits can be labeled: nothing
#: runs by itself after an import with --no-ner, so the line says what to run.
WAITING_WAY = (
    "run annotator preannotate (the window does it in the background; an import still running does it too), "
    "then label again"
)


@dataclass
class LabelAllPlan:
    """What `apply_label_all` would do: `changes` gain `label` in `annotator`'s layer; the others are
    skipped, counted by reason, the first `SKIPPED_EXAMPLES` kept in `skipped` as examples."""

    label: str
    annotator: str
    mode: str
    changes: Targets = field(default_factory=Targets)
    skipped: list[Skipped] = field(default_factory=list)
    #: Matches widened to whole tokens (span mode).
    widened: int = 0
    #: Articles with at least one change.
    articles: int = 0
    #: Hits left out because their article still waits for pre-annotation, and those articles: imported
    #: while another import pre-annotates, or with --no-ner into a project the pipeline has run on
    #: (`store.search.awaits_sentences`); `annotator preannotate` or the window gives them their sentences.
    waiting_hits: int = 0
    waiting_articles: int = 0
    _skipped_counts: dict[str, int] = field(default_factory=dict)
    _last_article: int | None = None

    @property
    def skipped_count(self) -> int:
        return sum(self._skipped_counts.values())

    def skip(self, s: Skipped) -> None:
        self._skipped_counts[s.reason] = self._skipped_counts.get(s.reason, 0) + 1
        if len(self.skipped) < SKIPPED_EXAMPLES:
            self.skipped.append(s)

    def change(self, t: Target) -> None:
        self.changes.append(t)
        if t.article_id != self._last_article:  # hits come article by article
            self.articles += 1
            self._last_article = t.article_id

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(self._skipped_counts)

    def describe(self, *, applied: bool = False) -> list[str]:
        """The preview (or, `applied`, the result), in sentences: the same in the terminal and the window."""
        what = "statement" if self.mode == STATEMENT else "span"
        lines = [
            f"{plural(len(self.changes), what)} in {plural(self.articles, 'article')} "
            f"{'got' if applied else 'would get'} {self.label!r} (in {self.annotator}'s annotations)"
        ]
        if self.waiting_hits:
            lines.append(
                f"{plural(self.waiting_hits, 'hit')} in {plural(self.waiting_articles, 'article')} still waiting "
                f"for pre-annotation (spaCy's sentences) {_were(self.waiting_hits) if applied else 'would be'} "
                f"not labeled: {WAITING_WAY}"
            )
        if self.widened:
            lines.append(f"{self.widened} matches widened to whole tokens")
        for reason, n in sorted(self.skipped_by_reason().items()):
            lines.append(f"skipped {n}: {reason}")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "annotator": self.annotator,
            "mode": self.mode,
            "statements": len(self.changes),
            "articles": self.articles,
            "widened": self.widened,
            "waiting_for_preannotation": {"hits": self.waiting_hits, "articles": self.waiting_articles},
            "changes": [[t.article_id, t.start, t.end] for t in self.changes],
            "skipped": [
                {"article": s.article_id, "span": [s.start, s.end], "reason": s.reason}
                | ({"other": list(s.other)} if s.other else {})
                for s in self.skipped
            ],
            "skipped_by_reason": self.skipped_by_reason(),
            "skipped_total": self.skipped_count,
        }


def plan_label_all(store, hits: Iterable[Hit], label: str, annotator: str, mode: str = STATEMENT) -> LabelAllPlan:
    """The plan for labeling `hits` (all a search found, or the ones selected). Raises ValueError for
    an unknown mode, an empty label, a label the project does not have (`scheme.unknown_labels`),
    or a layer that is not a person's (gold, a model's).

    Streams: one article's statements and tokens are held at a time, so `hits` must come article by
    article (a search's hits do; a selection given as a sequence is put in reading order here)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    if not label.strip():
        raise ValueError("name the label to give")
    if annotator == GOLD or is_model_layer(annotator):
        raise ValueError(f"{annotator!r} is not an annotator's layer: label all matches as yourself")
    unknown = unknown_labels(store, [label])
    if unknown:  # a typo would add a new label to the whole corpus
        raise ValueError(f"{unknown}; add it to the scheme first (in the window: Edit ▸ Label scheme)")
    plan = LabelAllPlan(label, annotator, mode)
    if isinstance(hits, Sequence):
        hits = sorted(hits, key=lambda h: (h.article_id, h.start, h.end))
    seen: set[Target] = set()  # this article's targets only
    articles = _Articles(store, annotator)
    preannotates = store.search.preannotates()
    waiting = False
    for hit in hits:
        if articles.moved_to(hit.article_id):
            seen.clear()
            # its units are a plain split spaCy's sentences will replace: labeling them now would
            # leave statements that match no sentence (a search run while an import pre-annotates)
            waiting = store.search.awaits_sentences(hit.article_id, preannotates=preannotates)
            plan.waiting_articles += waiting
        if waiting:
            plan.waiting_hits += 1
            continue
        mine = articles.statements(hit.article_id)
        if mode == STATEMENT:
            candidates = [_statement_target(hit, mine, articles)]
        else:
            candidates = [_span_target(hit, m, articles, plan) for m in hit.matches]
        for target in candidates:
            if isinstance(target, Skipped):
                plan.skip(target)
            elif target in seen:
                if mode == SPAN:
                    plan.skip(Skipped(*_key(target), SAME_WORDS))
            elif (problem := _collision(target, mine, label)) is not None:
                seen.add(target)
                plan.skip(problem)
            else:
                seen.add(target)
                plan.change(target)
    return plan


def apply_label_all(store, plan: LabelAllPlan) -> Decision:
    """Write the plan in one transaction; returns the undoable batch. A statement that meanwhile got
    the label is left as it is (no change recorded)."""
    decision = Decision(f"label {len(plan.changes)} matches {plan.label!r}", layer=plan.annotator)
    with store.write():
        for t in plan.changes:
            labels, note = store.statements.statement_state(t.article_id, plan.annotator, t.start, t.end)
            if plan.label in labels:
                continue
            after = (tuple(sorted({*labels, plan.label})), note)
            before = store.statements.set_statement(t.article_id, plan.annotator, t.start, t.end, after[0], note)
            decision.changes.append(Change(t.article_id, t.start, t.end, before, after))
    return decision


class _Articles:
    """Per-article lookups the plan needs, each read once, for the current article only (a cache of
    every article's tokens grew with the corpus: 2.3 GB for half a million hits)."""

    def __init__(self, store, annotator: str):
        self.store = store
        self.annotator = annotator
        self._current: int | None = None
        self._statements: dict[int, list[Statement]] = {}
        self._tokens: dict[int, list[tuple[int, int]]] = {}

    def moved_to(self, article_id: int) -> bool:
        """Forget the previous article's lookups when the hits reach another; True if they did."""
        if article_id == self._current:
            return False
        self._current = article_id
        self._statements.clear()
        self._tokens.clear()
        return True

    def statements(self, article_id: int) -> list[Statement]:
        if article_id not in self._statements:
            self._statements[article_id] = self.store.statements.statements(article_id, self.annotator)
        return self._statements[article_id]

    def tokens(self, article_id: int) -> list[tuple[int, int]]:
        if article_id not in self._tokens:
            stored = self.store.articles.tokens(article_id)
            self._tokens[article_id] = (
                stored if stored is not None else word_tokens(self.store.articles.article(article_id).text)
            )
        return self._tokens[article_id]


def _statement_target(hit: Hit, mine: list[Statement], articles: _Articles) -> Target | Skipped:
    """The annotator's own statement holding the first match, else the hit's sentence unit."""
    first = hit.matches[0]
    holding = [
        s for s in mine if s.start <= first[0] and first[1] <= s.end and hit.start <= s.start and s.end <= hit.end
    ]
    if holding:
        s = min(holding, key=lambda s: s.end - s.start)
        return Target(hit.article_id, s.start, s.end)
    if snap(hit.start, hit.end, articles.tokens(hit.article_id)) != (hit.start, hit.end):
        return Skipped(hit.article_id, hit.start, hit.end, OFF_TOKENS)
    return Target(hit.article_id, hit.start, hit.end)


def _span_target(hit: Hit, match: tuple[int, int], articles: _Articles, plan: LabelAllPlan) -> Target | Skipped:
    snapped = snap(match[0], match[1], articles.tokens(hit.article_id))
    if snapped is None:
        return Skipped(hit.article_id, *match, OFF_TOKENS)
    if snapped != match:
        plan.widened += 1
    return Target(hit.article_id, *snapped)


def _collision(target: Target, mine: list[Statement], label: str) -> Skipped | None:
    for s in mine:
        if (s.start, s.end) == (target.start, target.end):
            return Skipped(*_key(target), f"{ALREADY} {label!r}") if label in s.labels else None
    for s in mine:
        if s.start < target.end and target.start < s.end:
            return Skipped(*_key(target), OVERLAP, (s.start, s.end))
    return None


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _key(t: Target) -> tuple[int, int, int]:
    return t.article_id, t.start, t.end
