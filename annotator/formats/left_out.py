"""What an input file carries that a project cannot hold, counted and named once per file.

Nothing is dropped silently: a reader that meets what it cannot take (a model's category
scores, a rejected category, comments on whole articles) adds it here, and at the end of the file each kind becomes one
`FILE:LINE: ...` message (LINE: the first record that had it) with its count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from annotator.records import Rejection

#: kind -> (one, many, why the project cannot take it yet)
KINDS = {
    "relation": ("relation", "relations", "a project has no links between statements yet"),
    "category_score": (
        "category score",
        "category scores",
        "`cats` between 0 and 1 are a model's scores, not a decision (import 0/1 values)",
    ),
    "category_rejected": (
        "category in a task answered reject or ignore",
        "categories in tasks answered reject or ignore",
        "the answer is the whole task's, or a skip: it says neither 1 nor 0 of the category",
    ),
    "category_none": (
        "decision that no category applies",
        "decisions that no category applies",
        "it does not say which categories were asked, so the article's categories stay unknown",
    ),
    "category_id": (
        "category by label id",
        "categories by label id",
        "doccano 1.0-1.2's JSON export names labels by id; export the project again as JSONL (text label)",
    ),
    "choice": ("choice", "choices", "no choices of this kind are read"),
    "comment": ("comment", "comments", "a project keeps notes on statements, not on whole articles"),
    "span_group": (
        "span of another spaCy span group",
        "spans of other spaCy span groups",
        'statements are read from the group "sc" only, where a DocBin export writes them',
    ),
    "unlabeled_span": (
        'span without a label in spaCy\'s "sc" group',
        'spans without a label in spaCy\'s "sc" group',
        "a statement needs a label (spaCy's span_finder writes its candidates without one)",
    ),
    "statement_kb_id": (
        "knowledge-base id on a statement",
        "knowledge-base ids on statements",
        "an actor is read from an entity's kb_id, not from a statement's",
    ),
    "custom_attribute": (
        "spaCy custom attribute",
        "spaCy custom attributes",
        "a project has no place for a Doc's, Token's or Span's `._` values",
    ),
}


def counted(n: int, one: str, many: str) -> str:
    """`1 relation`, `2 relations`."""
    return f"{n:,} {one if n == 1 else many}"


@dataclass
class _Seen:
    first_line: int
    records: int = 0
    items: int = 0
    values: Counter = field(default_factory=Counter)


class LeftOut:
    """Counts per kind (see `KINDS`) for one file."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}

    def add(self, kind: str, line: int, items: int = 1, values: tuple[str, ...] | Counter[str] = ()) -> None:
        """One record at `line` carried `items` things of `kind` (`values`: their names, if any, or
        how many of each)."""
        if items <= 0:
            return
        seen = self._seen.setdefault(kind, _Seen(line))
        seen.records += 1
        seen.items += items
        seen.values.update(values)

    def rejections(self, path: str) -> list[Rejection]:
        out = []
        for kind, seen in self._seen.items():
            one, many, why = KINDS[kind]
            named = ""
            if seen.values:
                top = ", ".join(f"{_shown(value)} {n}" for value, n in seen.values.most_common(5))
                named = f" ({top}{', …' if len(seen.values) > 5 else ''})"
            what = f"{counted(seen.items, one, many)}{named} in {counted(seen.records, 'record', 'records')}"
            out.append(
                Rejection(path, seen.first_line, f"{what} not imported (the first on this line): {why}", kept=True)
            )
        return out


_Item = TypeVar("_Item")


def labeled_statements(
    items: Sequence[_Item],
    line: int,
    left_out: LeftOut,
    label: Callable[[_Item], Any],
    kb_id: Callable[[_Item], Any],
) -> list[_Item]:
    """The spans of spaCy's "sc" group that can be statements: those with a label. The rest
    (`span_finder` writes its candidates there with an empty label) and a `kb_id` on a statement
    are counted in `left_out`, so the doc's other spans, entities and links still come in. One rule
    for spaCy's JSON (`doc_json`, items are dicts) and its DocBin (`docbin`, items are `Span`s):
    `label` and `kb_id` read an item's."""
    labeled = [item for item in items if not _blank(label(item))]
    left_out.add("unlabeled_span", line, len(items) - len(labeled))
    left_out.add("statement_kb_id", line, sum(1 for item in labeled if kb_id(item)))
    return labeled


def _blank(label: Any) -> bool:
    """An empty label, as `span_finder` writes it (any other value is left for the record's check)."""
    return isinstance(label, str) and not label.strip()


def _shown(value: str) -> str:
    """A name as a one-line message shows it: quoted when blank, padded or holding control characters."""
    plain = value and value.isprintable() and value == value.strip() and len(value) <= 40
    return value if plain else repr(value[:40])
