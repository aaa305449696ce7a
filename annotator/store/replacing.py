"""A newer complete record of an annotator replaces her work on an article (`importer.add_records`).

Prodigy and doccano keep one answer per task and annotator; a corrected file sent again must
replace the old labels, not join them. These run inside the import batch's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from annotator.records import ACCEPT, IncomingRecord


def replace_layers(
    conn: sqlite3.Connection,
    records: Sequence[IncomingRecord],
    article_ids: Sequence[int],
    old_articles: set[int],
    default_annotator: str,
    emptied: set[int],
) -> set[tuple[int, str]]:
    """Remove from each complete record's (article, annotator) layer what the record no longer
    holds (see `importer.add_records`); the inserts that follow add what is new. A record
    `keep_last_complete` emptied is passed by: a later one of the batch replaces the layer.
    Returns the (article, annotator) pairs it replaced."""
    c = conn
    layer_ids = dict(c.execute("SELECT name, id FROM annotators"))
    done: set[tuple[int, str]] = set()
    for i, (rec, article_id) in enumerate(zip(records, article_ids, strict=True)):
        name = rec.annotator or default_annotator
        layer = layer_ids.get(name)
        if not rec.complete or article_id not in old_articles or layer is None or i in emptied:
            continue
        pair = (article_id, layer)
        before = c.total_changes
        categories = rec.categories or rec.categories_asked
        if categories and not (rec.spans or rec.rejected or rec.links or rec.answer != ACCEPT):
            # only article categories (doccano's text classification): they replace hers, her spans stay
            _replace_categories(c, pair, rec)
            if c.total_changes != before:
                done.add((article_id, name))
            continue
        keep = {(s.start, s.end, s.label) for s in rec.spans}
        places = {(s.start, s.end) for s in [*rec.spans, *rec.notes]}  # a noted statement stays
        rows = c.execute(
            "SELECT s.id, s.start, s.end, l.label FROM statements s "
            "LEFT JOIN statement_labels l ON l.statement_id = s.id WHERE s.article_id = ? AND s.annotator_id = ?",
            pair,
        ).fetchall()
        c.executemany(
            "DELETE FROM statement_labels WHERE statement_id = ? AND label = ?",
            [(i, label) for i, start, end, label in rows if label is not None and (start, end, label) not in keep],
        )
        c.executemany(
            "DELETE FROM statements WHERE id = ?",
            sorted({(i,) for i, start, end, _ in rows if (start, end) not in places}),
        )
        rejected = {(r.start, r.end, r.label) for r in rec.rejected}
        c.executemany(
            "DELETE FROM rejected_spans WHERE article_id = ? AND annotator_id = ? AND start = ? AND end = ? "
            "AND label = ?",
            [
                (*pair, *row)
                for row in c.execute(
                    "SELECT start, end, label FROM rejected_spans WHERE article_id = ? AND annotator_id = ?", pair
                ).fetchall()
                if row not in rejected
            ],
        )
        links = set(rec.links)
        c.executemany(
            "DELETE FROM links WHERE article_id = ? AND annotator_id = ? AND head_start = ? AND head_end = ? "
            "AND child_start = ? AND child_end = ? AND label = ?",
            [
                (*pair, *row)
                for row in c.execute(
                    "SELECT head_start, head_end, child_start, child_end, label FROM links "
                    "WHERE article_id = ? AND annotator_id = ?",
                    pair,
                ).fetchall()
                if row not in links
            ],
        )
        if categories:
            _replace_categories(c, pair, rec)
        if c.total_changes != before:
            done.add((article_id, name))
    return done


def _replace_categories(c: sqlite3.Connection, pair: tuple[int, int], rec: IncomingRecord) -> None:
    """Her categories become the record's, and what she was asked about the record's: the rows it
    does not name go (the import adds its own; a record that names none was asked every category)."""
    categories = rec.categories
    c.execute(
        "DELETE FROM categories_asked WHERE article_id = ? AND annotator_id = ? "
        "AND category NOT IN (SELECT value FROM json_each(?))",
        (*pair, json.dumps(rec.categories_asked or [])),
    )
    c.execute(
        "DELETE FROM article_categories WHERE article_id = ? AND annotator_id = ? "
        "AND category NOT IN (SELECT value FROM json_each(?))",
        (*pair, json.dumps(categories)),
    )


def keep_last_complete(
    records: Sequence[IncomingRecord], digests: Sequence[str], default_annotator: str
) -> tuple[set[int], set[tuple[str, str]]]:
    """Of several complete records of one (text, annotator) in a batch, only the last one's work
    counts: the earlier ones are emptied (their status is overwritten by the last one's anyway).
    A record that answers only categories (`IncomingRecord.only_categories`) is the last word on
    the categories alone, as `replace_layers` takes it: the statements of an earlier record stay.

    Returns the records emptied whole (`replace_layers` passes them by: the last one replaces the
    layer, so a file read again replaces nothing), and the (text, annotator) pairs whose earlier
    record held work the last one does not: replaced, as when the two come in two batches."""
    last: dict[tuple[str, str], int] = {}
    last_categories: dict[tuple[str, str], int] = {}
    for i, (rec, digest) in enumerate(zip(records, digests, strict=True)):
        if rec.complete:
            key = (digest, rec.annotator or default_annotator)
            if not rec.only_categories:
                last[key] = i
            if rec.categories or rec.categories_asked:
                last_categories[key] = i
    statements = sum(rec.complete and not rec.only_categories for rec in records)
    categories = sum(rec.complete and bool(rec.categories or rec.categories_asked) for rec in records)
    if len(last) == statements and len(last_categories) == categories:
        return set(), set()  # one record per (text, annotator): the common case
    emptied: set[int] = set()
    dropped: set[tuple[str, str]] = set()
    for i, (rec, digest) in enumerate(zip(records, digests, strict=True)):
        if not rec.complete:
            continue
        key = (digest, rec.annotator or default_annotator)
        if not rec.only_categories and last[key] != i:
            if _work(rec) - _work(records[last[key]]):
                dropped.add(key)
            rec.spans, rec.rejected, rec.links = [], [], []
            if key not in last_categories:
                rec.categories = []
        if last_categories.get(key, i) != i:
            rec.categories = []
        empty = not (rec.spans or rec.rejected or rec.links or rec.categories or rec.categories_asked)
        if empty and (last.get(key, i) != i or last_categories.get(key, i) != i):
            emptied.add(i)
    return emptied, dropped


def _work(rec: IncomingRecord) -> set[tuple]:
    """A record's labels, rejected spans and links, as one set to compare two records by."""
    return {
        *(("label", s.start, s.end, s.label) for s in rec.spans),
        *(("rejected", r.start, r.end, r.label) for r in rec.rejected),
        *(("link", *link) for link in rec.links),
    }


def settle_feedback(records: Sequence[IncomingRecord], digests: Sequence[str], default_annotator: str) -> None:
    """Of several binary answers in a batch on one category of one (text, annotator), the last one
    counts: the earlier ones' accept of it is taken out, so it is neither kept against a later
    reject nor removed after a later accept."""
    last: dict[tuple[str, str, str], int] = {}
    for i, (rec, digest) in enumerate(zip(records, digests, strict=True)):
        if not rec.complete and rec.categories_asked:
            for category in rec.categories_asked:
                last[(digest, rec.annotator or default_annotator, category)] = i
    for i, (rec, digest) in enumerate(zip(records, digests, strict=True)):
        if not rec.complete and rec.categories_asked and rec.categories:
            name = rec.annotator or default_annotator
            rec.categories = [c for c in rec.categories if last.get((digest, name, c), i) == i]
