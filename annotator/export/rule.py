"""The one rule every export follows: which layer, which articles, what a missing label means.

Every format, the command line and the Export dialog go through `choose_rule` and `Selection`;
`rule_text()` is the same rule in words (`annotator export --help`, `docs/export-rule.md`). Which formats
are for training, and which hold entities rather than statements, is the registry's
(`annotator.formats`).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from annotator import formats
from annotator.export.categories import CATEGORY_RULE, CategoryScope
from annotator.formats.base import ENTITIES
from annotator.records import ACCEPT, GOLD, HUMAN_LAYER, IGNORE, MODEL_LAYER, USER, ExportRow, Span, is_model_layer
from annotator.review.gold import NO_LABEL_NOTE, GoldArticle, gold_articles
from annotator.review.links import GoldLinks, gold_links
from annotator.schemes.categories import project_categories
from annotator.schemes.labels import unknown_labels
from annotator.text import excerpt, path_shown

_RULE = (
    """\
Which layer: one per file. --annotator NAME, --gold, or by default the gold layer when the
project has review decisions, else its only annotator; with several annotators and no review
the export asks you to choose. The gold layer is what every annotator who finished an article
agrees on, overridden and completed by the review's decisions. A model's output (a layer
model:VERSION, such as Label Studio's predictions) is no annotator: never chosen by default,
never in review, agreement or gold; --annotator model:VERSION writes it ({interchange} only).
--all-layers ({interchange} only) writes every layer as stored, one record per article and
annotator: for merging or another tool's review, never for training. A training format
({training}) never mixes layers.

Which articles: those the layer finished - marked done, or for gold, every unit of an annotator
who finished it decided in review or agreed; for a model's layer, those it predicted something
in. The rest are left out and counted: in progress, untouched, tasks answered reject or ignore
(Prodigy JSONL writes those with their answer). --gold stops (exit 1, nothing written) while
conflicts are undecided, unless --skip-undecided leaves their articles out. --articles
started|all adds unfinished and untouched articles ({interchange} only).

Entities ({entity_formats}) belong to the article, not to one layer, and are their own
decision: "done" is about statements only. By default an article is written when its entities
were decided - every one of them a person's (a corpus' tags, an imported record's entities with
source user, or added or corrected one by one in the window), or an annotator marked them
reviewed in this tool (the window's entity review key) after spaCy predicted them; with
--annotator NAME, the articles that annotator reviewed, or finished with only a person's
entities; with --gold, the reviewed articles. Marking an article done never vouches for spaCy's
entities, nor does a status imported from another tool; in a project made before the review
had its own key, an article finished here after the prediction counts as reviewed (that is
what done meant then). spaCy's predictions nobody reviewed, and articles whose entities were
never predicted, are left out and counted. A
sentence holding an entity CoNLL cannot tag (off tokens without --align, overlapping another)
is left out: CoNLL has no "missing" tag, and O would teach "not an entity".

What a missing label means: in a finished article a sentence with no label is a negative
(textcat writes it with every label 0); anywhere else a missing label is unknown and nothing
is written for it. An entity the DocBin cannot place, or in an article whose entities were
never predicted or are spaCy's predictions nobody reviewed, is missing, not O (a person's
entities stay). A span answered reject is never a label. A note on a statement with no label
is written by every format that can hold it (JSONL in the task's meta, a CSV row with no label,
a doccano comment, a Label Studio textarea on the text, the DocBin's user_data) and counted
where a format cannot.

"""
    + CATEGORY_RULE
)


def _entity_formats() -> tuple[str, ...]:
    return tuple(f.name for f in formats.all_formats() if f.can_export and f.holds == ENTITIES)


def rule_text() -> str:
    """The rule in words, with the registry's formats named (`annotator export --help`, `docs/export-rule.md`)."""
    text = _RULE.format(
        interchange=", ".join(formats.interchange_names()),
        training=", ".join(formats.training_names()),
        entity_formats=", ".join(_entity_formats()),
    )
    return "\n\n".join(textwrap.fill(" ".join(part.split()), 95) for part in text.split("\n\n"))


RULE = rule_text()
#: Which articles an export takes: finished ones (the rule), plus unfinished, plus untouched.
ARTICLE_CHOICES = ("done", "started", "all")

# Why an article was left out (the account counts each).
UNTOUCHED = "untouched by this layer"
NOBODY = "untouched by anyone"
IN_PROGRESS = "not finished (in progress)"
REJECTED = "answered reject as a whole task"
IGNORED = "answered ignore (skipped) as a whole task"
NOT_REVIEWED = "with no gold yet: no review decision and fewer than two annotators finished it"
UNDECIDED = "with undecided conflicts: gold incomplete (--skip-undecided)"
NOT_PREDICTED = "where this model predicted nothing"
ENTITIES_UNREVIEWED = (
    "whose entities nobody decided (spaCy's predictions nobody reviewed with the entity review key; "
    "done and an imported status do not vouch for them)"
)
ENTITIES_UNKNOWN = "whose entities were never predicted nor added (imported with --no-ner)"
CATEGORIES_ONLY = (
    "with only category answers: statements not decided (their categories: --format doccat, or doccano's "
    "text classification)"
)


def only_categories(row: ExportRow) -> bool:
    """The layer's work on the article is category answers from a file and nothing else: it was
    asked only some categories (`categories_asked`), gave no statement, span answer, link or note,
    and did not finish it (`IncomingRecord.only_categories`). Its categories are decided, its
    statements are not: a file of categories takes it, a file of statements leaves it out."""
    return (
        row.status == "in_progress"
        and row.answer == ACCEPT
        and row.categories_asked is not None
        and not (row.spans or row.rejected or row.links or row.notes)
    )


class ExportRefused(Exception):
    """The rule cannot give what was asked; nothing was written. The message says what to choose."""


@dataclass(frozen=True)
class ExportRule:
    """One export's choices, made by `choose_rule`."""

    fmt: str
    #: The layer: an annotator's name, `GOLD`, or None for every stored layer (interchange only).
    layer: str | None
    articles: str = "done"
    labels: frozenset[str] | None = None
    skip_undecided: bool = False
    #: Why this layer (when the user did not name it).
    chosen_because: str = ""
    #: Only these category groups' categories (`--category-groups`); None: every group.
    category_groups: frozenset[str] | None = None

    @property
    def training(self) -> bool:
        return self.fmt in formats.training_names()

    @property
    def entities_only(self) -> bool:
        """The format writes the articles' entities, not a layer's statements (CoNLL)."""
        return self.fmt in _entity_formats()

    def describe(self, categories_alone: bool = False) -> str:
        """One line for the account: the layer, the articles, and what a missing label means;
        `categories_alone`: the file takes the articles whose layer answered only categories
        (`Selection.categories_file`)."""
        if self.entities_only:
            return self._describe_entities()
        if self.layer is None:
            layer = "every layer as stored (not for training)"
        elif self.layer == GOLD:
            layer = "gold (review decisions over what everyone who finished agrees on)"
        elif is_model_layer(self.layer):
            layer = f"{self.layer}'s predictions (a model's output, not for training)"
        else:
            layer = f"{self.layer}'s labels"
        if self.chosen_because:
            layer += f" - {self.chosen_because}"
        articles = {
            "done": "articles it finished" if not is_model_layer(self.layer or "") else "articles it predicted in",
            "started": "articles it finished or started",
            "all": "every article",
        }[self.articles]
        if categories_alone and self.articles == "done" and not is_model_layer(self.layer or ""):
            articles += " or answered only categories of"
        missing = (
            "an unlabeled sentence of a finished article is a negative"
            if formats.get(self.fmt).writes_negatives
            else "a missing label is unknown"
        )
        only = f"; labels {', '.join(sorted(self.labels))} only" if self.labels is not None else ""
        if self.category_groups is not None:
            only += f"; categories of {', '.join(sorted(self.category_groups))} only"
        return f"{layer}; {articles}; {missing}{only}"

    def _describe_entities(self) -> str:
        if self.layer is None:
            which = (
                "entities of articles whose entities were decided: all a person's, or reviewed here by an "
                "annotator (the entity review key) after spaCy predicted them"
            )
        elif self.layer == GOLD:
            which = "entities of articles whose gold is complete"
        else:
            which = f"entities of articles {self.layer} reviewed here after spaCy predicted them (or all a person's)"
        return f"{which}; tokens outside them are O (not an entity)"


def choose_rule(
    store,
    fmt: str,
    *,
    annotator: str | None = None,
    gold: bool = False,
    all_layers: bool = False,
    articles: str = "done",
    labels: Iterable[str] | None = None,
    skip_undecided: bool = False,
    category_groups: Iterable[str] | None = None,
) -> ExportRule:
    """The rule for one export, or `ExportRefused` saying what the user must choose.

    Raises ValueError for choices that contradict each other (a programming or usage error).
    """
    if articles not in ARTICLE_CHOICES:
        raise ValueError(f"unknown --articles {articles!r}; choose one of {', '.join(ARTICLE_CHOICES)}")
    if annotator == GOLD:
        annotator, gold = None, True
    if sum((annotator is not None, gold, all_layers)) > 1:
        raise ValueError("give one of --annotator, --gold and --all-layers, not several")
    if labels is not None:
        labels = frozenset(label.strip() for label in labels if label.strip())
        if not labels:
            raise ValueError("--labels names no label")
        unknown = unknown_labels(store, labels)
        if unknown:
            raise ExportRefused(f"{unknown}; nothing was written")
    groups = _category_groups(store, category_groups)
    interchange = ", ".join(formats.interchange_names())
    training = fmt in formats.training_names()
    if training and all_layers:
        raise ExportRefused(
            f"{fmt} is a training format and never mixes layers: choose --annotator NAME or --gold "
            f"(--all-layers is for {interchange})"
        )
    if training and articles != "done":
        raise ExportRefused(
            f"{fmt} is a training format: it takes finished articles only (an unfinished article's "
            f"missing labels would be learned as negatives); --articles started|all is for {interchange}"
        )
    why = ""
    kinds = store.layers.layer_kinds()
    layers = store.layers.layers()
    trainees = store.guidelines.trainees()  # a trainee's layer is exported only when named
    people = [name for name in layers if kinds.get(name) == HUMAN_LAYER and name not in trainees]
    models = [name for name in layers if kinds.get(name) == MODEL_LAYER]
    if gold:
        layer: str | None = GOLD
    elif annotator is not None:
        if annotator not in kinds:
            known = ", ".join(people + models) or "none yet"
            raise ExportRefused(f"no annotator {excerpt(annotator, 60)!r} in {path_shown(store.path)} (known: {known})")
        if training and kinds[annotator] == MODEL_LAYER:
            raise ExportRefused(
                f"{annotator} is a model's output, not what people decided: a training format takes an "
                f"annotator's layer or --gold; write {annotator} in {interchange}"
            )
        layer = annotator
    elif all_layers:
        layer = None
    elif fmt in _entity_formats():
        layer, why = None, "entities belong to the article, not to a layer"
    elif GOLD in layers:
        layer, why = GOLD, "the project has review decisions"
    elif len(people) == 1:
        layer, why = people[0], "the project's only annotator"
    elif not people:
        also = f"; {', '.join(models)} is a model's output: --annotator {models[0]} writes it" if models else ""
        raise ExportRefused(
            "nothing to export: no annotator has labeled or finished an article yet "
            f"(--all-layers --articles all writes the texts alone, in {interchange}){also}"
        )
    else:
        gold = "--gold (what everyone who finished agrees on, plus review decisions)"
        choices = (  # a training format never mixes layers: --all-layers is no choice there (`train` lacks it)
            f"--annotator NAME or {gold}"
            if fmt in formats.training_names()
            else f"--annotator NAME, {gold}, or --all-layers ({interchange}; not for training)"
        )
        names = ", ".join(people)
        raise ExportRefused(f"{len(people)} annotators ({names}) and no review yet: choose one layer - {choices}")
    return ExportRule(fmt, layer, articles, labels, skip_undecided, why, groups)


def _category_groups(store, names: Iterable[str] | None) -> frozenset[str] | None:
    """`--category-groups`, checked against the project's groups (`ExportRefused` names them)."""
    if names is None:
        return None
    wanted = frozenset(name.strip() for name in names if name.strip())
    known = [g.name for g in project_categories(store)]
    unknown = sorted(wanted - set(known))
    if not wanted or unknown:
        raise ExportRefused(
            f"no category group {', '.join(repr(excerpt(g, 60)) for g in unknown) or 'named'} in this project "
            "(its groups: "
            f"{', '.join(known) or 'none'})"
        )
    return wanted


class Selection:
    """The rows a rule keeps, in article order, and how many articles it left out and why.

    Built before anything is written: `--gold` with undecided conflicts raises `ExportRefused` here.
    """

    def __init__(self, store, rule: ExportRule, options: Mapping[str, str | None] | None = None):
        self.store = store
        self.rule = rule
        fmt = formats.get(rule.fmt)
        #: The file holds article categories alone (`Format.holds_only_categories`, by its `options`).
        self.categories_file = fmt.holds_only_categories is not None and fmt.holds_only_categories(options or {})
        #: Articles (or, with every layer, article-layer pairs) left out, by reason.
        self.left_out: Counter[str] = Counter()
        #: Span-level things the rule did: labels not asked for, gold spans agreed or decided.
        self.counts: Counter[str] = Counter()
        self.gold: dict[int, GoldArticle] = {}
        self.gold_links: dict[int, GoldLinks] = {}
        kinds = store.layers.layer_kinds()
        self.people = {name for name, kind in kinds.items() if kind == HUMAN_LAYER}
        self.models = {name for name, kind in kinds.items() if kind == MODEL_LAYER}
        self.keeps_task_answers = formats.get(rule.fmt).keeps_task_answers
        if rule.layer == GOLD:
            self.gold = gold_articles(store, rule.labels)
            self.gold_links = gold_links(store)
        self.categories = CategoryScope(store, rule.layer, rule.category_groups)
        if fmt.spans_never_missing and not self.categories_file:
            # a file that teaches statements cannot say "not decided": an article with only category
            # answers goes in for its categories only where the layer taught no statement at all
            finished = any(g.reviewed for g in self.gold.values()) if rule.layer == GOLD else None
            if finished is None and rule.layer is not None:
                finished = store.articles.progress(rule.layer)[0] > 0
            self.categories_file = not finished
        #: Training formats keep spaCy's entities only where a person reviewed them (`RULE`).
        self.checks_entities = rule.entities_only or (formats.get(rule.fmt).training and rule.layer != GOLD)
        self.reviewed = store.entities.entities_reviewed() if self.checks_entities else set()
        if rule.layer == GOLD and rule.articles == "done" and not rule.skip_undecided:
            stuck = [g for g in self.gold.values() if g.reviewed and self._undecided(g.article_id)]
            if stuck:
                regions = sum(self._undecided(g.article_id) for g in stuck)
                raise ExportRefused(
                    f"the gold layer is incomplete: {regions} undecided conflict{'s' * (regions != 1)} in "
                    f"{len(stuck)} article{'s' * (len(stuck) != 1)} (first: article {stuck[0].article_id}); "
                    "nothing was written. Decide them in `annotator review`, or pass --skip-undecided "
                    "to leave those articles out"
                )

    def _undecided(self, article_id: int) -> int:
        """Undecided conflicts of an article's gold: label regions and link slots."""
        labels = self.gold.get(article_id)
        links = self.gold_links.get(article_id)
        return (len(labels.undecided) if labels else 0) + (len(links.undecided) if links else 0)

    def total(self) -> int:
        """How many stored rows `rows` goes through (the total for a progress bar)."""
        return self.store.count_export_rows(self.rule.layer)

    def rows(self, tick: Callable[[], None] | None = None) -> Iterator[ExportRow]:
        """The rows to write; `tick()` after each stored row, kept or not."""
        if self.rule.entities_only:
            yield from self._entity_rows(tick)
            return
        keep, categories = self._keep, self.categories.apply
        for row in self.store.export_rows(self.rule.layer):
            kept = keep(row)
            if kept is not None:
                yield categories(kept)
            if tick is not None:
                tick()
        self.counts.update(self.categories.counts)

    def _entity_rows(self, tick: Callable[[], None] | None) -> Iterator[ExportRow]:
        """One row per article whose entities were decided (see `RULE`), without statements."""
        layer = self.rule.layer
        for article_id, rows in groupby(self.store.export_rows(layer), key=attrgetter("article_id")):
            group = list(rows)
            first = group[0]
            if layer is None:
                finished = any(r.annotator in self.people and r.answer == ACCEPT and self._saw(r) for r in group)
                why = None if finished or self._peoples(first) else ENTITIES_UNREVIEWED
            elif layer == GOLD:
                found = self.gold.get(article_id)
                why = UNTOUCHED if found is None else None if found.complete else UNDECIDED
                why = NOT_REVIEWED if found is not None and not found.reviewed else why
            elif first.answer != ACCEPT:
                why = IGNORED if first.answer == IGNORE else REJECTED
            elif self._saw(first):
                why = None  # the entities are their own decision: reviewed, whatever the statements' status
            elif first.status != "done":
                why = UNTOUCHED if first.status is None else IN_PROGRESS
            else:
                why = None if self._saw(first) or self._peoples(first) else ENTITIES_UNREVIEWED
            if why in (None, ENTITIES_UNREVIEWED) and not first.entities_known:
                why = ENTITIES_UNKNOWN
            if why is None:
                given = tuple(sorted({c for r in group for c in r.categories}))  # counted as left out
                yield first._replace(
                    annotator=layer,
                    spans=(),
                    rejected=(),
                    links=(),
                    status="done",
                    answer=ACCEPT,
                    categories=given,
                    notes=(),  # an entity format's row: its statements' notes belong to the statements' export
                )
            else:
                self._leave_out(why)
            if tick is not None:
                for _ in group:
                    tick()

    # -- the rule, row by row ------------------------------------------------------------

    def _keep(self, row: ExportRow) -> ExportRow | None:
        rule = self.rule
        if row.notes and row.annotator == GOLD:  # a review's "no label" decision is stored as a note: not one
            row = row._replace(notes=tuple(n for n in row.notes if n.note != NO_LABEL_NOTE))
        if rule.layer == GOLD:
            return self._gold_row(row)
        if row.annotator in self.models:
            # A model's output is never "finished": an article is its when it predicted something there.
            if not row.spans and rule.articles != "all":
                return self._leave_out(NOT_PREDICTED)
            return self._only_asked_labels(row._replace(status=None))
        if row.answer != ACCEPT:
            # An answer to the whole task: Prodigy's format says so; the others have no place for it.
            if not self.keeps_task_answers:
                return self._leave_out(IGNORED if row.answer == IGNORE else REJECTED)
        elif row.status != "done":
            wanted = rule.articles == "all" or (rule.articles == "started" and row.status is not None)
            if not wanted and only_categories(row):
                return self._only_asked_labels(row) if self.categories_file else self._leave_out(CATEGORIES_ONLY)
            if not wanted:
                untouched = UNTOUCHED if row.annotator is not None else NOBODY
                return self._leave_out(untouched if row.status is None else IN_PROGRESS)
        return self._only_asked_labels(self._reviewed_entities(row))

    def _gold_row(self, row: ExportRow) -> ExportRow | None:
        """The article's computed gold: agreed units, overridden and completed by the decisions."""
        found = self.gold.get(row.article_id)
        if found is None or not found.reviewed:
            if self.rule.articles == "all":
                return row._replace(spans=(), status=None, links=())
            if self.categories_file and row.article_id in self.categories.gold:  # gold categories, no gold statements
                return row._replace(spans=(), rejected=(), status="in_progress", links=(), notes=())
            if found is None and row.article_id in self.categories.gold:
                return self._leave_out(CATEGORIES_ONLY)
            return self._leave_out(UNTOUCHED if found is None else NOT_REVIEWED)
        complete = not self._undecided(row.article_id)
        if not complete and self.rule.articles == "done":
            return self._leave_out(UNDECIDED)  # only with --skip-undecided: Selection refused otherwise
        notes = {(s.start, s.end): s.note for s in row.spans}
        spans = []
        for (start, end), labels in found.spans().items():
            self.counts["gold_decided" if (start, end) in found.decided else "gold_agreed"] += len(labels)
            spans.extend(Span(start, end, label, notes.get((start, end), "")) for label in labels)
        links = self.gold_links.get(row.article_id)
        return row._replace(
            spans=tuple(spans), status="done" if complete else "in_progress", links=links.links() if links else ()
        )

    def _saw(self, row: ExportRow) -> bool:
        """The row's annotator reviewed the article's entities here after spaCy predicted them."""
        return (row.article_id, row.annotator) in self.reviewed

    @staticmethod
    def _peoples(row: ExportRow) -> bool:
        """Every entity of the article is a person's (none of spaCy's left to review)."""
        return bool(row.entities) and all(e.source == USER for e in row.entities)

    def _reviewed_entities(self, row: ExportRow) -> ExportRow:
        """A training row's entities: spaCy's predictions nobody reviewed become unknown (the
        DocBin writes their tokens missing, not O); a person's stay."""
        if not self.checks_entities or self._saw(row) or all(e.source == USER for e in row.entities):
            return row
        if not row.entities_known:
            return row
        people = tuple(e for e in row.entities if e.source == USER)
        self.counts["entities_unreviewed"] += len(row.entities) - len(people)
        return row._replace(entities=people, entities_known=False)

    def _only_asked_labels(self, row: ExportRow) -> ExportRow:
        labels = self.rule.labels
        if labels is None or self.rule.layer == GOLD:
            return row  # the gold layer was computed with the label filter already
        spans = tuple(s for s in row.spans if s.label in labels)
        rejected = tuple(s for s in row.rejected if s.label in labels)
        self.counts["other_labels"] += len(row.spans) - len(spans)
        return row._replace(spans=spans, rejected=rejected)

    def _leave_out(self, reason: str) -> None:
        self.left_out[reason] += 1
        return None
