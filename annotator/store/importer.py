"""Import: a batch of records into the project, as one sequence of steps in one transaction.

articles (one hash→id lookup for the whole batch) → replacing a newer complete record's layer
→ entities → statements, labels, statuses and answers → links → article categories. Every step
after the first reads the article ids the first one found or gave; nothing looks them up again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from json.encoder import c_make_encoder, encode_basestring
from typing import TYPE_CHECKING

from annotator.records import ACCEPT, MODEL_LAYER, IncomingRecord, layer_kind
from annotator.store.articles import put_statuses, start_statuses
from annotator.store.links import INSERT as INSERT_LINK
from annotator.store.part import now
from annotator.store.replacing import keep_last_complete, replace_layers, settle_feedback

if TYPE_CHECKING:
    from annotator.store.opening import Store


@dataclass
class ImportCounts:
    """What one batch of records changed in the project."""

    articles_added: int = 0
    #: Records whose text was already an article (a re-run, or another annotator's labels on it).
    articles_existing: int = 0
    labels_added: int = 0
    entities_added: int = 0
    links_added: int = 0
    #: Article categories given (per article and annotator).
    categories_added: int = 0
    #: Binary answers that a category does not apply (a known 0 on it alone).
    categories_denied: int = 0
    #: Articles started by records that answer only categories (statements not asked: in progress).
    categories_only: int = 0
    #: Articles on which an annotator's stored work was replaced by a newer record of hers, by name.
    replaced: dict[str, int] = field(default_factory=dict)

    def __iadd__(self, other: ImportCounts) -> ImportCounts:
        self.articles_added += other.articles_added
        self.articles_existing += other.articles_existing
        self.labels_added += other.labels_added
        self.entities_added += other.entities_added
        self.links_added += other.links_added
        self.categories_added += other.categories_added
        self.categories_denied += other.categories_denied
        self.categories_only += other.categories_only
        for name, n in other.replaced.items():
            self.replaced[name] = self.replaced.get(name, 0) + n
        return self

    def describe(self) -> str:
        """One sentence for the user, the same in the terminal and the window."""
        text = _plural(self.articles_added, "new article")
        if self.articles_existing:
            text += f", {_plural(self.articles_existing, 'record')} matched articles already in the project"
        links = f", {_plural(self.links_added, 'link')}" if self.links_added else ""
        if self.categories_added:
            links += f", {_plural(self.categories_added, 'article category', 'article categories')}"
        if self.categories_denied:
            links += f", {_plural(self.categories_denied, 'article category', 'article categories')} answered no"
        if self.categories_only:
            links += (
                f"; {_plural(self.categories_only, 'article')} with only category answers, in progress "
                "(statements not asked)"
            )
        replaced = "".join(
            f"; replaced {name}'s labels on {_plural(n, 'article')}" for name, n in sorted(self.replaced.items())
        )
        return (
            f"{text}; {_plural(self.labels_added, 'label')}, {_plural(self.entities_added, 'entity', 'entities')}"
            + links
            + replaced
        )


#: `json.dumps(meta, ensure_ascii=False)` (meta stays on the standard library: ujson rounds floats)
#: by the C encoder `json.JSONEncoder.encode` makes for every call, made once: the same text
#: without the Python layers around it (an import writes a meta per record). No circular check:
#: a meta is read from JSON, and a cycle would end in RecursionError rather than be written.
_META_ENCODER = json.JSONEncoder(ensure_ascii=False)
_c_encode_meta = (
    c_make_encoder(None, _META_ENCODER.default, encode_basestring, None, ": ", ", ", False, False, True)
    if c_make_encoder is not None
    else None
)


def meta_json(meta: dict) -> str:
    """An article's meta as the project stores it: its JSON, `{}` for none. The one writer of it
    (`store.fresh` makes the same rows ahead)."""
    if not meta:
        return "{}"
    if _c_encode_meta is None:
        return _META_ENCODER.encode(meta)
    return "".join(_c_encode_meta(meta, 0))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def add_records(store: Store, records: Sequence[IncomingRecord], default_annotator: str) -> ImportCounts:
    """Store a batch of validated records in one transaction: all of it or none.

    A text already in the project joins its article (content hash), so a re-run
    after a crash, or a second annotator's file, adds no duplicates. Rows go in with
    `executemany`: new articles and statements get their ids here, which is safe
    because the batch holds the project's write lock.

    The newer work wins, as in Prodigy and doccano, where a dataset holds one answer per task
    and annotator: a *complete* record (`IncomingRecord.complete`: a whole-task answer, with a
    status or a task answer - not binary feedback on a few spans) is that annotator's whole
    work on the article, so it *replaces* what her layer held there: labels and statements,
    rejected spans and links the record does not have are removed (counted in
    `ImportCounts.replaced` when anything changed). Article categories are replaced only
    when the record gives some (most formats carry none); a record that gives only
    categories (doccano's text classification) replaces only those; notes fill empty ones and are
    never overwritten. Binary feedback (spans with answers of their own) adds to the layer.
    Of several complete records for one article and annotator, the last one read counts,
    so re-importing a file changes nothing. The records' lists may be emptied here for that.
    """
    counts = ImportCounts()
    with store.write():
        c = store.conn
        stamp = now()
        digests = [rec.digest for rec in records]
        emptied, dropped = keep_last_complete(records, digests, default_annotator)
        article_ids, old_articles = _articles_step(c, records, digests, stamp, counts)
        replaced = set()
        if old_articles:  # what changed against the stored layer
            replaced = replace_layers(c, records, article_ids, old_articles, default_annotator, emptied)
        if dropped:  # on a new article, a later record of the batch replaced an earlier one's work
            article_of = dict(zip(digests, article_ids, strict=True))
            replaced |= {(article_of[d], name) for d, name in dropped if article_of[d] not in old_articles}
        for _, name in replaced:
            counts.replaced[name] = counts.replaced.get(name, 0) + 1
        counts.entities_added = _entities_step(c, records, article_ids)
        layer_ids: dict[str, int] = {}

        def layer_of(rec: IncomingRecord, *, model_version: bool = True) -> int:
            """The record's layer id, added on first use (as a model's when it names its model)."""
            name = rec.annotator or default_annotator
            if name not in layer_ids:
                kind = layer_kind(name, rec.model_version) if model_version else None
                layer_ids[name] = store.layers.annotator_id(name, kind)
            return layer_ids[name]

        statement_rows, label_rows, status_rows, note_rows, answers = _statement_rows(
            c, records, article_ids, old_articles, layer_of, stamp
        )
        c.executemany(
            "INSERT INTO statements(id, article_id, annotator_id, start, end, note, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            statement_rows,
        )
        # An imported note fills an empty one; it never overwrites what someone wrote here.
        c.executemany("UPDATE statements SET note = ? WHERE id = ? AND note = ''", note_rows)
        # the cursor's count, not total_changes: the guidelines trigger's stamp is no second label
        counts.labels_added = c.executemany(
            "INSERT INTO statement_labels(statement_id, label, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            label_rows,
        ).rowcount
        put_statuses(c, [row for row in status_rows if row[2] is not None])
        counts.categories_only = start_statuses(
            c, [(*row[:2], "in_progress", row[3]) for row in status_rows if row[2] is None]
        )
        _guidelines_step(c, records, article_ids, layer_of)
        _answers_step(c, answers, stamp)
        counts.links_added = _links_step(c, records, article_ids, lambda rec: layer_of(rec, model_version=False), stamp)
        _categories_step(store, records, digests, article_ids, old_articles, default_annotator, counts)
        if any(rec.actors for rec in records):
            store.actors.add_imported(
                [(article_id, m) for rec, article_id in zip(records, article_ids, strict=True) for m in rec.actors],
                {name: kind for rec in records for name, kind in rec.actor_kinds.items()},
                {
                    (article_id, e.start, e.end): e.label
                    for rec, article_id in zip(records, article_ids, strict=True)
                    for e in rec.entities
                },
            )
    return counts


def _categories_step(
    store: Store,
    records: Sequence[IncomingRecord],
    digests: Sequence[str],
    article_ids: Sequence[int],
    old_articles: set[int],
    default: str,
    counts: ImportCounts,
) -> None:
    """The records' article categories and what each layer was asked. Binary feedback (a record that
    says what it was asked and is not complete) adds to the layer: a category it was asked and did
    not give is known not to apply, so the layer no longer gives it; the last answer on a category
    counts; a layer that was asked every category (the window) still was. Categories a conflict left
    out (`categories_withdrawn`) go after the rest is in."""
    cats = store.categories
    settle_feedback(records, digests, default)
    feedback_on = {a for rec, a in zip(records, article_ids, strict=True) if not rec.complete and a in old_articles}
    everything = cats.asked_everything(feedback_on) if feedback_on else set()
    triples = [
        (article_id, rec.annotator or default, category)
        for rec, article_id in zip(records, article_ids, strict=True)
        if not rec.complete and rec.categories_asked
        for category in set(rec.categories_asked) - set(rec.categories)
    ]
    cats.remove_article_categories(triples)
    counts.categories_denied = len(triples)
    counts.categories_added = cats.add_article_categories(
        (article_id, rec.annotator or default, category)
        for rec, article_id in zip(records, article_ids, strict=True)
        for category in rec.categories
    )
    cats.add_categories_asked(
        (article_id, rec.annotator or default, category)
        for rec, article_id in zip(records, article_ids, strict=True)
        if rec.categories_asked and (rec.complete or (article_id, rec.annotator or default) not in everything)
        for category in rec.categories_asked
    )
    withdrawn = [
        (article_id, rec.annotator or default, category)
        for rec, article_id in zip(records, article_ids, strict=True)
        for category in rec.categories_withdrawn
    ]
    cats.remove_article_categories(withdrawn, asked=True)


def _articles_step(
    c: sqlite3.Connection, records: Sequence[IncomingRecord], digests: Sequence[str], stamp: str, counts: ImportCounts
) -> tuple[list[int], set[int]]:
    """Each record's article id (an article already there, or a new one), and the ids that were there
    before the batch: the batch's one hash→id lookup. New ids are given here, under the write lock."""
    article_of = dict(
        c.execute(
            "SELECT hash, id FROM articles WHERE hash IN (SELECT value FROM json_each(?))",
            (json.dumps(digests),),
        )
    )
    old_articles = set(article_of.values())
    next_id = (c.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
    article_rows: list[tuple] = []
    article_ids: list[int] = []
    for rec, digest in zip(records, digests, strict=True):
        article_id = article_of.get(digest)
        if article_id is None:
            article_id = article_of[digest] = next_id
            next_id += 1
            article_rows.append((article_id, digest, rec.title, rec.text, rec.source, meta_json(rec.meta), stamp))
            counts.articles_added += 1
        else:
            counts.articles_existing += 1
        article_ids.append(article_id)
    c.executemany(
        "INSERT INTO articles(id, hash, title, text, source, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        article_rows,
    )
    return article_ids, old_articles


def _entities_step(c: sqlite3.Connection, records: Sequence[IncomingRecord], article_ids: Sequence[int]) -> int:
    """The records' entities; returns how many were new."""
    before = c.total_changes
    c.executemany(
        "INSERT INTO entities(article_id, start, end, label, source) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(a, *e) for rec, a in zip(records, article_ids, strict=True) for e in rec.entities],
    )
    return c.total_changes - before


def _statement_rows(
    c: sqlite3.Connection,
    records: Sequence[IncomingRecord],
    article_ids: Sequence[int],
    old_articles: set[int],
    layer_of: Callable[[IncomingRecord], int],
    stamp: str,
) -> tuple[list[list], list[tuple], list[tuple], list[tuple], list[tuple[int, int, IncomingRecord]]]:
    """New statement rows (with ids), label rows, status rows, note updates, and the
    (article_id, annotator_id, record) of every labeled record, for its answers.

    Statements already in the project are looked up only on articles that were there
    before the batch: a new article has none.
    """
    kinds: dict[int, str] = {}
    statement_of: dict[tuple[int, int, int, int], int] = {}
    if old_articles:
        statement_of = {
            (a, n, s, e): i
            for a, n, s, e, i in c.execute(
                "SELECT article_id, annotator_id, start, end, id FROM statements "
                "WHERE article_id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(old_articles)),),
            )
        }
    new_rows: dict[int, list] = {}
    next_id = (c.execute("SELECT max(id) FROM statements").fetchone()[0] or 0) + 1
    label_rows: list[tuple] = []
    status_rows: list[tuple] = []
    note_rows: list[tuple] = []
    answers: list[tuple[int, int, IncomingRecord]] = []
    add_label = label_rows.append
    for rec, article_id in zip(records, article_ids, strict=True):
        if not (rec.spans or rec.notes or rec.status or rec.rejected or rec.answer != ACCEPT):
            continue
        annotator = layer_of(rec)
        if annotator not in kinds:
            kinds[annotator] = c.execute("SELECT kind FROM annotators WHERE id = ?", (annotator,)).fetchone()[0]
        answers.append((article_id, annotator, rec))
        for start, end, label, note in rec.spans:  # the hot loop of an import: kept lean
            key = (article_id, annotator, start, end)
            statement_id = statement_of.get(key)
            if statement_id is None:
                statement_id = statement_of[key] = next_id
                next_id += 1
                new_rows[statement_id] = [statement_id, article_id, annotator, start, end, note, stamp, stamp]
            elif note:
                row = new_rows.get(statement_id)
                if row is None:
                    note_rows.append((note, statement_id))
                elif not row[5]:
                    row[5] = note
            add_label((statement_id, label, stamp))
        for note in rec.notes:  # a note on a statement the layer gave no label: the statement, unlabeled
            key = (article_id, annotator, note.start, note.end)
            statement_id = statement_of.get(key)
            if statement_id is None:
                statement_of[key] = next_id
                new_rows[next_id] = [next_id, *key, note.note, stamp, stamp]
                next_id += 1
            elif statement_id not in new_rows:
                note_rows.append((note.note, statement_id))
            elif not new_rows[statement_id][5]:
                new_rows[statement_id][5] = note.note
        if rec.status and kinds[annotator] != MODEL_LAYER:  # a model's output is never "finished"
            # only category answers start the article and leave a status it has as it is (None here)
            status_rows.append((article_id, annotator, None if rec.only_categories else rec.status, stamp))
    return list(new_rows.values()), label_rows, status_rows, note_rows, answers


def _guidelines_step(
    c: sqlite3.Connection,
    records: Sequence[IncomingRecord],
    article_ids: Sequence[int],
    layer_of: Callable[[IncomingRecord], int],
) -> None:
    """A teammate's merged layer keeps the guidelines version she worked under: this project's
    version of the same text (by SHA-256). Her file without guidelines, or with a text this project
    does not hold, keeps the version current at the merge (the triggers' stamp), marked assumed so
    the data card can say so. Nothing to do while this project has no guidelines."""
    merged = [(rec, a) for rec, a in zip(records, article_ids, strict=True) if rec.guidelines_sha256 is not None]
    if not merged or c.execute("SELECT 1 FROM guidelines LIMIT 1").fetchone() is None:
        return
    ours = dict(c.execute("SELECT sha256, version FROM guidelines"))
    for rec, article_id in merged:
        layer = layer_of(rec)
        version = ours.get(rec.guidelines_sha256)
        if version is None:
            c.execute(
                "UPDATE article_status SET guidelines_assumed = 1 WHERE article_id = ? AND annotator_id = ?",
                (article_id, layer),
            )
            continue
        c.execute(
            "UPDATE article_status SET guidelines_version = ?, guidelines_assumed = 0 "
            "WHERE article_id = ? AND annotator_id = ?",
            (version, article_id, layer),
        )
        c.execute(
            "UPDATE statement_labels SET guidelines_version = ? WHERE statement_id IN "
            "(SELECT id FROM statements WHERE article_id = ? AND annotator_id = ?)",
            (version, article_id, layer),
        )


def _answers_step(c: sqlite3.Connection, answers: Sequence[tuple[int, int, IncomingRecord]], stamp: str) -> None:
    """Rejected spans and task answers of (article_id, annotator_id, record): kept, never as labels.

    A task answered accept again (a corrected file) drops the old reject/ignore of that pair.
    """
    c.executemany(
        "INSERT INTO rejected_spans(article_id, annotator_id, start, end, label, answer, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET answer = excluded.answer",
        [(a, n, *span, stamp) for a, n, rec in answers for span in rec.rejected],
    )
    last = {(a, n): rec.answer for a, n, rec in answers}  # in file order: the last answer counts
    c.executemany(
        "INSERT INTO task_answers(article_id, annotator_id, answer, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
        [(a, n, answer, stamp) for (a, n), answer in last.items() if answer != ACCEPT],
    )
    if c.execute("SELECT 1 FROM task_answers LIMIT 1").fetchone():
        c.executemany(
            "DELETE FROM task_answers WHERE article_id = ? AND annotator_id = ?",
            [pair for pair, answer in last.items() if answer == ACCEPT],
        )


def _links_step(
    c: sqlite3.Connection,
    records: Sequence[IncomingRecord],
    article_ids: Sequence[int],
    layer_of: Callable[[IncomingRecord], int],
    stamp: str,
) -> int:
    """The records' links and link decisions; returns how many links were new."""
    link_rows, decision_rows = [], []
    for rec, article_id in zip(records, article_ids, strict=True):
        if not (rec.links or rec.link_decisions):
            continue
        annotator_id = layer_of(rec)
        link_rows += [(article_id, annotator_id, *link, stamp) for link in rec.links]
        decision_rows += [(article_id, annotator_id, *slot, stamp) for slot in rec.link_decisions]
    before = c.total_changes
    c.executemany(INSERT_LINK, link_rows)
    added = c.total_changes - before
    c.executemany(
        "INSERT INTO link_decisions(article_id, annotator_id, head_start, head_end, label, decided_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        decision_rows,
    )
    return added
