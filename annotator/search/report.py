"""A search's outcome for the terminal and for scripts: the hit count, keyword-in-context lines,
and the preview (or result) of labeling all matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.review.gold import Decision
from annotator.search.hits import Hit, HitCount, SearchPage
from annotator.search.label_all import LabelAllPlan
from annotator.search.query import echoed
from annotator.text import path_in_command

#: Width of the left and right context in a terminal line.
SIDE = 38
TITLE = 40
#: The longest hit shown whole.
HIT = 60


@dataclass
class SearchOutcome:
    query: str
    page: SearchPage | None
    count: HitCount
    notes: list[str] = field(default_factory=list)
    plan: LabelAllPlan | None = None
    applied: Decision | None = None
    #: The checked backup made just before the labels were applied, and the project's path.
    backup: Path | None = None
    project: Path | None = None

    def way_back(self) -> list[str]:
        """How to take an applied batch back from the command line, which has no undo (the window's
        Ctrl+Z only undoes what the window did)."""
        if self.backup is None or self.project is None:
            return []
        return [
            "the command line has no undo: to take the batch back, restore the backup made just before it "
            "(changes made after it are lost too; the current file is kept aside):",
            f"  annotator --db {path_in_command(self.project)} restore --from {path_in_command(self.backup)}",
        ]

    def lines(self) -> list[str]:
        hits = self.page.hits if self.page else []
        floor = "" if self.count.complete else "at least "
        head = (
            f"{floor}{_n(self.count.statements, 'statement')} in {_n(self.count.articles, 'article')} "
            f"match: {echoed(self.query)}"
        )
        if hits and len(hits) < self.count.statements:
            head += f" (showing the first {len(hits)}; --limit N for more)"
        out = [head]
        out += [kwic_line(hit) for hit in hits]
        out += [f"note: {note}" for note in self.notes + (self.page.notes if self.page else [])]
        if self.plan is not None:
            out.append("")
            out += self.plan.describe(applied=self.applied is not None)
            if self.applied is not None:
                out.append(
                    f"applied: {len(self.applied.changes)} {self.plan.mode}s labeled {self.plan.label!r} in one batch"
                )
                out += self.way_back()
            else:
                out.append("nothing written: add --apply to label them")
        return out

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "query": self.query,
            "statements": self.count.statements,
            "articles": self.count.articles,
            "complete": self.count.complete,
            "hits": [hit.as_dict() for hit in self.page.hits] if self.page else [],
            "notes": self.notes + (self.page.notes if self.page else []),
        }
        if self.plan is not None:
            out["label_all"] = {**self.plan.as_dict(), "applied": self.applied is not None}
            if self.backup is not None:
                out["label_all"]["backup_before"] = str(self.backup)
        return out


def kwic_line(hit: Hit) -> str:
    """`left context [hit] right context  · title (article N, start–end)` on one line."""
    left = _flat(hit.left)
    left = ("…" + left[-(SIDE - 1) :]) if len(left) > SIDE else left
    right = _flat(hit.right)
    right = (right[: SIDE - 1] + "…") if len(right) > SIDE else right
    title = _flat(hit.title)
    title = (title[: TITLE - 1] + "…") if len(title) > TITLE else title
    middle = _flat(hit.hit)
    if len(middle) > HIT:  # a whole labeled statement: its two ends
        middle = middle[: HIT // 2 - 1] + " … " + middle[-(HIT // 2 - 2) :]
    start, end = hit.matches[0]
    return f"{left:>{SIDE}}[{middle}]{right:<{SIDE}}  · {title} (article {hit.article_id}, {start}–{end})"


def _flat(text: str) -> str:
    return " ".join(text.split()) if any(ch.isspace() and ch != " " for ch in text) else text


def _n(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"
