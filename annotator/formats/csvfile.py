"""A spreadsheet view of the labels: one CSV row per label of a statement (RFC 4180 quoting).

The `categories` column holds the article's categories (` | ` between them) on each of its
rows, and an article with categories but no label gets a row of its own; the cell is empty
where the categories are unknown (`export_categories`). The sheet is for reading, not for
import: the JSONL formats carry categories back.

Spans answered reject or ignore get a row too, with that `answer` (a label's row says
`accept`), so the sheet shows what was rejected without taking it for a label. The `speaker`
and `target` columns hold the words the statement is linked to by those link types (several
joined by ` | `); links of other types are in the JSONL, doccano, brat and DocBin exports.

Article text is untrusted and a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return as a formula (CSV injection). Such text cells get a leading `'`,
which spreadsheets show as plain text (OWASP's advice); offsets stay those of the stored
text. The JSONL and DocBin formats carry the text exactly.

A cell that joins several names or words with ` | ` (`categories`, `speaker`, `target`) writes
a bar inside one of them with a backslash before it (and a backslash as two), so the cell still splits into what was
joined; the account counts each name so written.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.formats.base import Format, Writer
from annotator.formats.categories import NOES_LEFT_OUT, noes_left_out
from annotator.records import ACCEPT, ExportRow
from annotator.tokens import SpacyTokens

COLUMNS = (
    "article_id",
    "title",
    "source",
    "annotator",
    "status",
    "start",
    "end",
    "label",
    "text",
    "note",
    "answer",
    "speaker",
    "target",
    "categories",
    "speaker_actor",
    "target_actor",
)
#: The link types that have a column, in `COLUMNS` order (and an `_actor` column at the end).
LINK_COLUMNS = ("speaker", "target")
#: The account's item for links no column holds.
LINKS_NOT_IN_COLUMNS = "links_not_in_columns"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Between the names or words of one cell.
SEPARATOR = " | "
#: The account's item for names or words that held the separator's `|`.
SEPARATORS_ESCAPED = "separators_escaped"


def inert(cell: str) -> str:
    """`cell`, with a leading `'` if a spreadsheet would run it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def joined(items: Iterable[str], counts: Counter | None = None) -> str:
    """`items` in one cell, ` | ` between them; a `|` (or `\\`) inside one escaped with `\\` and
    counted in `counts` (`SEPARATORS_ESCAPED`), so the cell splits back into `items`."""
    out = []
    for item in items:
        if "|" in item or "\\" in item:
            item = item.replace("\\", "\\\\").replace("|", "\\|")
            if counts is not None:
                counts[SEPARATORS_ESCAPED] += 1
        out.append(item)
    return SEPARATOR.join(out)


def csv_rows_from_row(row: ExportRow, counts: Counter | None = None) -> Iterator[list[Any]]:
    """One line per label (answer accept), then one per rejected span (its answer); every line
    carries the article's known categories. An article with categories but no span gets one
    line with the span columns empty. Names escaped in a joined cell are counted in `counts`."""
    text = row.text
    head = [row.article_id, inert(row.title or ""), inert(row.source or ""), inert(row.annotator or "")]
    status = row.status or ""
    linked: dict[tuple[int, int, str], list[str]] = {}
    actor_at = {(m.start, m.end): m.actor for m in row.actors}
    actors: dict[tuple[int, int, str], list[str]] = {}
    for link in row.links:
        if link.label in LINK_COLUMNS:
            linked.setdefault((*link.head, link.label), []).append(" ".join(text[slice(*link.child)].split()))
            actors.setdefault((*link.head, link.label), []).append(actor_at.get(link.child, ""))
    categories = inert(categories_cell(row, counts))
    items = [(s, e, label, note, ACCEPT) for s, e, label, note in row.spans]
    items += [(s, e, label, "", answer) for s, e, label, answer in row.rejected]
    items += [(s, e, "", note, "") for s, e, note in row.notes]  # a note on a statement with no label
    for start, end, label, note, answer in items:
        ends = [inert(joined(linked.get((start, end, kind), []), counts)) for kind in LINK_COLUMNS]
        # one actor per linked end, in the same order ("" where an end is not resolved)
        who = [
            inert(joined(actors[(start, end, kind)], counts) if any(actors.get((start, end, kind), ())) else "")
            for kind in LINK_COLUMNS
        ]
        yield [
            *head,
            status,
            start,
            end,
            inert(label),
            inert(text[start:end]),
            inert(note or ""),
            answer,
            *ends,
            categories,
            *who,
        ]
    if not items and row.category_scope:
        yield [*head, status, "", "", "", "", "", "", "", "", categories, "", ""]


def categories_cell(row: ExportRow, counts: Counter | None = None) -> str:
    """The article's categories joined by ` | `; `(none)` when known and none applies (a gold
    decision); empty when unknown."""
    if not row.category_scope:
        return ""
    return joined(row.categories, counts) or "(none)"


class CsvWriter(Writer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.csv: Any = None

    def write(self, handle: Any, row: ExportRow) -> None:
        if self.csv is None:
            self.csv = csv.writer(handle, lineterminator="\r\n")
            self.csv.writerow(COLUMNS)
        for line in csv_rows_from_row(row, self.summary.counts):
            self.csv.writerow(line)
            self.summary.records += 1
        self.summary.counts["rejected_written"] += len(row.rejected)
        self.summary.counts[NOES_LEFT_OUT] += noes_left_out(row)  # the cell lists only the chosen ones
        self.count_labels(row)
        self.summary.counts[LINKS_NOT_IN_COLUMNS] += sum(link.label not in LINK_COLUMNS for link in row.links)
        self.report_alignment(row, SpacyTokens.build(row.text, row.tokens))


FORMAT = Format(
    name="csv",
    title="CSV",
    writer=CsvWriter,
    export_suffixes=(".csv",),
    holds_categories=True,
    holds_notes=True,
    account_items={
        LINKS_NOT_IN_COLUMNS: ("links of types other than speaker and target: no CSV column holds them", False),
        SEPARATORS_ESCAPED: (
            "categories or linked words holding a | (or \\), written as \\| (\\\\) so their cell splits at ' | '",
            False,
        ),
    },
    exports="one row per label (and per rejected span, with its `answer`); a cell that starts like a formula "
    "(`=`, `+`, `-`, `@`) gets a leading `'` so spreadsheets show it as text; `speaker` and `target` columns "
    "hold the words a statement is linked to, `categories` the article's categories, `speaker_actor` and "
    "`target_actor` the actors those words stand for (`annotator actors`)",
    peers="spreadsheets open it with every cell as text (formulas escaped); no annotation tool imports it",
)
