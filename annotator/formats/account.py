"""The account every export ends with: what was written, per label, and each thing left out or changed.

`ExportSummary` is filled by the export loop (`exporting`) and the rule (`export_rule`); the
command prints `lines()` or `as_dict()` (`--json`), the Export dialog shows `lines()`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from annotator.text import path_shown, plural

#: Each thing the account counts besides records and labels: what it says, and whether it is a
#: loss — something asked for that the file does not hold (the export then exits 1).
ITEMS: dict[str, tuple[str, bool]] = {
    "gold_decided": ("gold labels decided in review", False),
    "gold_agreed": ("gold labels on units everyone who finished agrees on", False),
    "negatives": ("sentences of finished articles with no label, written as negatives (every label 0)", False),
    "rejected_written": ("spans answered reject/ignore, written with their answer (not as labels)", False),
    "rejected_tasks_written": ("whole tasks answered reject/ignore, written with their answer", False),
    "rejected_left_out": ("spans answered reject/ignore left out: an answer, not a label", False),
    "other_labels": ("labels not asked for (--labels) left out", False),
    "misaligned": ("spans/entities off token boundaries, written as they are (character offsets)", False),
    "snapped": ("spans/entities snapped onto whole tokens, as asked (--align)", False),
    "ner_unknown": (
        "articles whose entities nobody decided (never predicted, or spaCy's predictions nobody reviewed): "
        "every token's entity missing, not O, but a person's entities",
        False,
    ),
    "entities_unreviewed": (
        "spaCy's entities nobody reviewed (no entity review here after the prediction; done is about "
        "statements only): left out, their tokens missing",
        False,
    ),
    "notes_written": ("notes on statements without a label, written with their statement", False),
    "notes_left_out": ("notes on statements without a label that this format has no place for: not written", False),
    "categories_written": (
        "articles with their categories (those asked 1 or 0, the others left missing: unknown, not 0)",
        False,
    ),
    "categories_unknown": ("articles with no category: categories unknown, none written (never all 0)", False),
    "categories_left_out": ("articles whose categories this format cannot hold, written without them", False),
    "category_noes_left_out": (
        "categories asked and answered no (0) that this format cannot write (it lists only the chosen ones): "
        "left out, unknown when read back",
        False,
    ),
    "stale_temporaries": ("temporary files of an interrupted export removed", False),
    "links_written": ("links written (statement → other end, with its type)", False),
    "links_not_in_columns": ("links of types other than speaker and target: no CSV column holds them", False),
    "links_misaligned": (
        "links with an end off token boundaries: in doc.user_data['links'] by characters only, not in doc._.rel",
        False,
    ),
    "skipped": ("statements off token boundaries left out of doc.spans['sc'] (--align snaps them)", True),
    "entities_missing": ("entities off token boundaries: their tokens missing in doc.ents, not O (--align)", True),
    "overflow": ("overlapping entities not in doc.ents (in doc.spans['ents_overflow'], tokens missing)", True),
    "no_sentences": ("finished articles without sentences (imported --no-ner): no negatives from them", True),
}


@dataclass
class ExportSummary:
    """The export's account: what was written, and each thing left out or changed, with its reason."""

    path: str
    format: str
    #: The rule in one line (`ExportRule.describe`).
    rule: str = ""
    records: int = 0
    #: Articles written, each once (with every layer, an article has several records).
    articles: int = 0
    spans: int = 0
    entities: int = 0
    #: Labels written, per label.
    labels: Counter = field(default_factory=Counter)
    #: Articles left out by the rule, per reason.
    left_out: Counter = field(default_factory=Counter)
    #: The items of `ITEMS`, counted.
    counts: Counter = field(default_factory=Counter)
    #: One line per span or entity the account counts as changed or lost (article and offsets).
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    #: The data card written beside a training export (`guidelines.card`), or "".
    card: str = ""
    #: What each counted item says and whether it is a loss: `ITEMS` and the format's own.
    items: dict[str, tuple[str, bool]] = field(default_factory=lambda: dict(ITEMS))

    @property
    def losses(self) -> dict[str, int]:
        """What was asked for and is not in the file, by item."""
        return {item: n for item, n in self.counts.items() if n and self.items[item][1]}

    @property
    def ok(self) -> bool:
        """True when what was written is what was asked: the export exits 0."""
        return not self.cancelled and self.records > 0 and not self.losses

    def lines(self) -> list[str]:
        """The account for people: the terminal and the Export dialog."""
        per_label = ", ".join(f"{label} {n}" for label, n in sorted(self.labels.items())) or "none"
        out = [
            f"exported {plural(self.records, 'record')} from {plural(self.articles, 'article')} "
            f"to {path_shown(self.path)} "
            f"({self.format}) in {self.seconds:.2f} s",
            f"rule: {self.rule}",
            f"labels: {per_label}",
        ]
        out += [f"  {self.items[item][0]}: {n}" for item, n in self._items(loss=False)]
        if self.left_out:
            out.append(
                "left out: " + "; ".join(f"{plural(n, 'article')} {why}" for why, n in self.left_out.most_common())
            )
        if self.card:
            out.append(f"data card: {path_shown(self.card)}")
        losses = list(self._items(loss=True))
        if losses:
            out.append("not as asked (exit 1):")
            out += [f"  {self.items[item][0]}: {n}" for item, n in losses]
        return out

    def as_dict(self) -> dict[str, Any]:
        """The account for scripts (`annotator export --json`)."""
        return {
            "path": self.path,
            "format": self.format,
            "rule": self.rule,
            "ok": self.ok,
            "records": self.records,
            "articles": self.articles,
            "spans": self.spans,
            "entities": self.entities,
            "labels": dict(sorted(self.labels.items())),
            "left_out": dict(self.left_out.most_common()),
            "items": [
                {"item": item, "count": n, "what": self.items[item][0], "loss": self.items[item][1]}
                for loss in (False, True)
                for item, n in self._items(loss)
            ],
            "warnings": self.warnings,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            **({"card": self.card} if self.card else {}),
        }

    def _items(self, loss: bool) -> list[tuple[str, int]]:
        return [
            (item, self.counts[item]) for item, (_, lost) in self.items.items() if self.counts[item] and lost == loss
        ]
