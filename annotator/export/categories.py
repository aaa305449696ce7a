"""The export rule for article categories: which layer, which articles, what a missing one means.

Categories follow the rule the spans follow (`export_rule`): the same layer, the same articles.
On top of it (`CATEGORY_RULE`, the same in words):

- An article's categories are *known* in a layer when the layer gave it at least one category,
  or was asked about one and said it does not apply (a binary textcat answer rejected; for the
  gold layer: the review decided one of its groups, or the annotators who finished it agree on
  at least one category). Then every category asked is written, 1 when given and 0 when not:
  `ExportRow.category_scope` lists them, `ExportRow.categories` the 1s.
  Groups the gold layer has not decided are left out of the scope (unknown, not 0), and
  retired categories too unless the article carries them.
- Only the categories the layer was *asked* about are known: an import that says which were
  shown (Prodigy's `options`, the keys of `cats`, a binary textcat task's one `label`, the
  choices of a Label Studio task) stores them (`ExportRow.categories_asked`; where the file
  shows only the choices made, the import adds the rest of their groups: a tool shows a group's
  choices together); they are the scope, the others stay out of it, unknown rather than 0 (spaCy
  treats an absent category as missing). Without that (the window shows them all), every
  category of the scheme was asked.
- An article with no category is *unknown*: nothing is written for it (no `cats`, no
  `accept`, no `label` list), never every category 0. Untouched and unfinished articles never
  reach a training file at all, so they never become negative examples.
- An article whose layer answered only categories in an imported file (`IncomingRecord.only_categories`,
  `rule.only_categories`) is in progress, not done: its categories are decided, its statements
  are not. A file of categories alone takes it whatever its status; a file of statements leaves it
  out and counts it (a DocBin, whose spans have no "missing", takes it only when it teaches no
  statement: the layer finished no article).
- Exclusive groups hold at most one category per article (the window and the import see to
  it); multi-choice groups any number. A training format says which: DocBin and textcat carry
  the 0/1 values, and `categories.exclusive_groups` names the exclusive ones for a config.
"""

from __future__ import annotations

from collections import Counter

from annotator.records import GOLD, ExportRow
from annotator.review.categories import GoldCategories, gold_categories
from annotator.schemes.categories import project_categories

CATEGORY_RULE = """\
Article categories come from the same layer and the same articles as the spans. They are known
for an article when its layer gave it at least one category, or said one does not apply (gold: a
review decision on one of its groups, or the finished annotators' agreement on one): then every
category the layer was asked is written, 1 if given and 0 if not, and the others are left missing
(unknown, not 0). The window asks every category of the scheme; an imported file may have asked
only some (Prodigy's options, a binary textcat label); for gold, the groups still undecided are
left out. An article with no category is unknown: no categories are written for it, never all 0. Exclusive
groups hold one category per article, multi-choice groups any number. An article whose layer only
answered categories in an imported file (a textcat or choice task, `cats`, a doccano text-classification
line: no spans, notes, links or status of its own) is not finished - nobody was asked about its
statements: a file of categories (doccat, doccano's text classification, a DocBin of a layer that
finished no article) writes its categories, every other file leaves it out and counts it."""

#: Account items (`export_account.ITEMS`).
WRITTEN, UNKNOWN = "categories_written", "categories_unknown"


class CategoryScope:
    """Fills in `ExportRow.category_scope` (and gold's categories) for one export's rows."""

    def __init__(self, store, layer: str | None, only_groups: frozenset[str] | None = None):
        groups = project_categories(store)
        if only_groups is not None:
            groups = [g for g in groups if g.name in only_groups]
        self.groups = groups
        self.active = tuple(c.name for g in groups for c in g.categories if not c.retired)
        #: Every category of the chosen groups, retired too: what a row may carry.
        self.members = frozenset(c.name for g in groups for c in g.categories)
        self.only = only_groups is not None
        self.used = bool(store.categories.used_categories()) or store.categories.any_asked()
        self.layer = layer
        self.gold: dict[int, GoldCategories] = gold_categories(store) if layer == GOLD and self.used else {}
        self.decided = store.categories.category_decisions() if layer == GOLD and self.used else set()
        self.counts: Counter[str] = Counter()

    def apply(self, row: ExportRow) -> ExportRow:
        """The row with the categories the rule writes for it (none: unknown)."""
        if not self.used or row.annotator is None:
            return row
        if self.layer == GOLD:
            return self._gold(row)
        given = self._chosen(row.categories)
        scope = self._scope(given, ())
        if row.categories_asked is not None:  # the file said which were shown: the others stay unknown
            asked = set(row.categories_asked)
            scope = tuple(name for name in scope if name in asked)
        if not given and not (row.categories_asked and scope):  # nothing given, nothing known not to apply
            self.counts[UNKNOWN] += 1
            return row._replace(categories=()) if row.categories else row
        self.counts[WRITTEN] += 1
        return row._replace(categories=given, category_scope=scope)

    def _chosen(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        """The categories of the chosen groups (`--category-groups`), or all of them."""
        return tuple(c for c in categories if c in self.members) if self.only else categories

    def _gold(self, row: ExportRow) -> ExportRow:
        found = self.gold.get(row.article_id)
        given = self._chosen(found.categories) if found is not None else ()
        decided = {group for article, group in self.decided if article == row.article_id}
        if found is None or not (given or decided & {g.name for g in self.groups}):
            self.counts[UNKNOWN] += 1
            return row._replace(categories=(), category_scope=())
        self.counts[WRITTEN] += 1
        return row._replace(categories=given, category_scope=self._scope(given, found.undecided))

    def _scope(self, given: tuple[str, ...], undecided: tuple[str, ...]) -> tuple[str, ...]:
        left_out = {c.name for g in self.groups if g.name in undecided for c in g.categories}
        scope = [name for name in self.active if name not in left_out]
        scope += [name for name in given if name not in scope]
        return tuple(scope)
