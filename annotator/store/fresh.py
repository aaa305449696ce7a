"""Import of fresh articles: a batch whose every record is a new text with plain work on it.

Most of an import is such records: a corpus of new texts, each with one layer's labeled spans and
a status (issue 29's floor is exactly this). For them the general steps (`importer.add_records`)
ask nothing of the project but where the ids start, so the rows can be made ahead, in pure Python
and without the store - on the reading side of an import (`importing.aside`, on a second core) -
and written here in one pass: the few `executemany` calls the floor itself makes, with the ids
counted from the project's next ones inside SQL. No record object is touched on the writing side.

`fresh_batch` says whether a batch is such a batch and makes its rows; `add_fresh` writes them and
returns the counts `add_records` would. A text the project turns out to hold already (another
program imported it meanwhile) makes `add_fresh` return None: the caller writes the batch by the
general steps, so the outcome is the same as theirs whichever path a batch takes
(`tests/test_import_fresh.py` holds the two to each other).
"""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import TYPE_CHECKING

from annotator.records import MODEL_LAYER, IncomingRecord, Span, layer_kind
from annotator.store.errors import StoppedError
from annotator.store.importer import ImportCounts, meta_json
from annotator.store.part import now

if TYPE_CHECKING:
    from annotator.store.opening import Store

#: The fields a record of a fresh batch may hold; every other field must be at its default
#: (entities, links, categories, notes, rejected spans, answers, carried pre-annotation, …): such
#: a record is written by the general steps. A field added to `IncomingRecord` later is general
#: until it is named here.
_PLAIN = frozenset(
    {
        "text",
        "title",
        "source",
        "line",
        "meta",
        "spans",
        "annotator",
        "status",
        "model_version",
        "meta_chars",
        "refused",
    }
)
_DEFAULTS = tuple(
    (f.name, f.default if f.default_factory is MISSING else f.default_factory())
    for f in fields(IncomingRecord)
    # complete: the layer's whole work, as a new one's is; a field left out of comparisons is no content
    if f.name not in _PLAIN and f.name != "complete" and f.compare
)


@dataclass
class FreshBatch:
    """The rows of a fresh batch, with ids counted from 0 (article and statement), layers by index.

    `layers` are (name, model version) in the order the general steps first use them, so a new
    layer gets the same id either way."""

    #: (article, hash, title, text, source, meta JSON)
    articles: list[tuple[int, str, str, str, str, str]]
    layers: list[tuple[str, str | None]]
    #: (statement, article, layer, start, end, note)
    statements: list[tuple[int, int, int, int, int, str]]
    #: (statement, label)
    labels: list[tuple[int, str]]
    #: (article, layer, status)
    statuses: list[tuple[int, int, str]]
    #: Per article, what else its record said: (line, complete, annotator, model version, status).
    #: With the rows, it is the record again (`records`), for a batch that goes by the general steps.
    said: list[tuple[int, bool, str | None, str | None, str | None]]

    def records(self) -> list[IncomingRecord]:
        """The batch's records, made again from its rows: what a plain record holds is all here."""
        spans: list[list[Span]] = [[] for _ in self.articles]
        of_statement: dict[int, tuple[int, int, int, str]] = {}
        for statement, article, _layer, start, end, note in self.statements:
            of_statement[statement] = (article, start, end, note)
        for statement, label in self.labels:
            article, start, end, note = of_statement[statement]
            spans[article].append(Span(start, end, label, note))
        return [
            IncomingRecord(
                text,
                title,
                source,
                line,
                meta=json.loads(meta),
                spans=spans[article],
                annotator=annotator,
                status=status,
                model_version=version,
                complete=complete,
            )
            for (article, _hash, title, text, source, meta), (line, complete, annotator, version, status) in zip(
                self.articles, self.said, strict=True
            )
        ]


_others = operator.attrgetter(*(name for name, _ in _DEFAULTS))
_OTHERS_DEFAULT = tuple(default for _, default in _DEFAULTS)


def _plain(rec: IncomingRecord) -> bool:
    """Whether `rec` holds only what a fresh batch writes (see `_PLAIN`): its other fields, read in
    one call, are their defaults."""
    return _others(rec) == _OTHERS_DEFAULT


#: Records between two looks at a cancel while a batch's rows are made: well under a millisecond.
_LOOK_EVERY = 500


def fresh_batch(
    records: Sequence[IncomingRecord], default_annotator: str, stop: Callable[[], bool] | None = None
) -> FreshBatch | None:
    """The batch's rows, or None when a record is not plain or two records share a text (the
    second joins the first's article). Whether the project holds a text already, from before the
    import or an earlier batch of it, `add_fresh` asks when it writes.

    Making a large batch's rows takes tens of milliseconds (its metas are encoded here): `stop()`
    (a cancel) is asked every `_LOOK_EVERY` records and raises `StoppedError`, nothing made."""
    digests = [rec.digest for rec in records]
    if len(set(digests)) != len(digests) or not all(_plain(rec) for rec in records):
        return None
    articles: list[tuple[int, str, str, str, str, str]] = []
    layer_index: dict[str, int] = {}
    layers: list[tuple[str, str | None]] = []
    statements: list[tuple[int, int, int, int, int, str]] = []
    labels: list[tuple[int, str]] = []
    statuses: list[tuple[int, int, str]] = []
    said = [(rec.line, rec.complete, rec.annotator, rec.model_version, rec.status) for rec in records]
    next_statement = 0
    for article, (rec, digest) in enumerate(zip(records, digests, strict=True)):
        if stop is not None and not article % _LOOK_EVERY and stop():
            raise StoppedError("stopped (cancelled) before this batch was saved")
        articles.append((article, digest, rec.title, rec.text, rec.source, meta_json(rec.meta)))
        if not (rec.spans or rec.status):
            continue
        name = rec.annotator or default_annotator
        layer = layer_index.get(name)
        if layer is None:
            layer = layer_index[name] = len(layers)
            layers.append((name, rec.model_version))
        spans = rec.spans
        if len({(span[0], span[1]) for span in spans}) == len(spans):  # each span a statement of its own
            statements += [
                (next_statement + i, article, layer, span[0], span[1], span[3]) for i, span in enumerate(spans)
            ]
            labels += [(next_statement + i, span[2]) for i, span in enumerate(spans)]
            next_statement += len(spans)
        else:  # one statement per place, with every label given there and its first note
            statement_of: dict[tuple[int, int], list] = {}
            for start, end, label, note in spans:
                row = statement_of.get((start, end))
                if row is None:
                    row = statement_of[(start, end)] = [next_statement, article, layer, start, end, note, set()]
                    next_statement += 1
                elif note and not row[5]:
                    row[5] = note
                if label not in row[6]:
                    row[6].add(label)
                    labels.append((row[0], label))
            statements += [tuple(row[:6]) for row in statement_of.values()]  # type: ignore[misc]
        if rec.status:
            statuses.append((article, layer, rec.status))
    return FreshBatch(articles, layers, statements, labels, statuses, said)


#: A stamp as `part.now` makes it: the only text put into the SQL itself (checked, never data).
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")


def add_fresh(store: Store, batch: FreshBatch) -> ImportCounts | None:
    """Write a fresh batch in one transaction and return its counts, or None (nothing written) when
    the project holds one of its texts by now (its unique index on texts refuses the articles, and
    the transaction is rolled back): then the batch goes by the general steps.

    Every row refers only to rows written in the same transaction (its articles, its statements)
    or to a layer looked up in it, so SQLite's foreign-key checks, a B-tree search per reference,
    are left out while it writes (`PRAGMA foreign_keys` can change only between transactions: a
    batch written inside another transaction keeps them). No row can conflict with another either:
    the texts are new and each (statement, label) and (article, layer) comes once, so the inserts
    are plain ones, and a conflict would be an error that leaves the batch unwritten."""
    conn = store.conn
    unchecked = not conn.in_transaction and conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    if unchecked:
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return _write(store, batch)
    finally:
        if unchecked:
            conn.execute("PRAGMA foreign_keys = ON")


class _Held(Exception):
    """A text of the batch is in the project by now (another program imported it meanwhile)."""


def _write(store: Store, batch: FreshBatch) -> ImportCounts | None:
    try:
        return _write_rows(store, batch)
    except _Held:  # rolled back: nothing of the batch was written
        return None


def _write_rows(store: Store, batch: FreshBatch) -> ImportCounts:
    with store.write():
        c = store.conn
        stamp = now()
        if not _STAMP.fullmatch(stamp):
            raise ValueError(f"unexpected time stamp {stamp!r}")
        article0 = (c.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
        statement0 = (c.execute("SELECT max(id) FROM statements").fetchone()[0] or 0) + 1
        try:  # the texts' unique index says whether one is held: no look-up of the batch's texts first
            c.executemany(
                "INSERT INTO articles(id, hash, title, text, source, meta, created_at) "
                f"VALUES (? + {article0}, ?, ?, ?, ?, ?, '{stamp}')",
                batch.articles,
            )
        except sqlite3.IntegrityError as exc:
            if "articles.hash" not in str(exc):
                raise
            raise _Held from exc
        if not batch.layers:  # texts alone: nobody's work on them
            return ImportCounts(articles_added=len(batch.articles))
        ids = [store.layers.annotator_id(name, layer_kind(name, version)) for name, version in batch.layers]
        layer_sql = _case(ids)
        c.executemany(
            "INSERT INTO statements(id, article_id, annotator_id, start, end, note, created_at, updated_at) "
            f"VALUES (? + {statement0}, ? + {article0}, {layer_sql}, ?, ?, ?, '{stamp}', '{stamp}')",
            batch.statements,
        )
        labels = c.executemany(
            f"INSERT INTO statement_labels(statement_id, label, created_at) VALUES (? + {statement0}, ?, '{stamp}')",
            batch.labels,
        ).rowcount
        statuses = batch.statuses
        models = _model_layers(store, (name for name, _ in batch.layers))
        if models:  # a model's output is never "finished" (as `importer._statement_rows`)
            statuses = [row for row in statuses if row[1] not in models]
        c.executemany(
            "INSERT INTO article_status(article_id, annotator_id, status, updated_at) "
            f"VALUES (? + {article0}, {layer_sql}, ?, '{stamp}')",
            statuses,
        )
    return ImportCounts(articles_added=len(batch.articles), labels_added=labels)


def _case(ids: Sequence[int]) -> str:
    """SQL giving the layer id of a row's layer index (the next parameter)."""
    if len(ids) == 1:
        return f"(? * 0 + {int(ids[0])})"
    return "CASE ? " + " ".join(f"WHEN {i} THEN {int(layer)}" for i, layer in enumerate(ids)) + " END"


def _model_layers(store: Store, names: Iterable[str]) -> set[int]:
    """The indexes of the layers that are a model's output, by the kind each was made with."""
    kinds = store.layers.layer_kinds()
    return {i for i, name in enumerate(names) if kinds.get(name) == MODEL_LAYER}
