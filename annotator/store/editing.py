"""Annotation actions from the window: statement labels, notes, statuses, entity corrections.

Each public method is one user action and one committed transaction; each returns what
the caller needs to undo it (the state before), so an undo is just another action.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotator.records import MODEL, STATUSES, USER, Entity, Label, MetaCondition
from annotator.store.core import CoreStore, StoreError, now
from annotator.store.renames import rename_values


@dataclass(frozen=True)
class ArticleRow:
    """One line of the window's article list, for one annotator."""

    id: int
    title: str
    status: str
    labels: int
    #: The annotator's categories of the article, sorted (the list's category column).
    categories: tuple[str, ...] = ()
    #: The annotator reviewed the article's entities (`set_entity_review`).
    entities_reviewed: bool = False


@dataclass(frozen=True)
class ArticleFilter:
    """What the article list (and a search) shows: a status, a label the annotator used, words in
    title or text, categories the annotator gave or did not give, metadata conditions (all must hold)."""

    status: str | None = None
    label: str | None = None
    text: str = ""
    #: Only these articles (e.g. those with conflicts); None means no such limit.
    ids: tuple[int, ...] | None = None
    categories: tuple[str, ...] = ()
    not_categories: tuple[str, ...] = ()
    meta: tuple[MetaCondition, ...] = ()


class EditingMixin(CoreStore):
    # -- statements ----------------------------------------------------------------

    def statement_state(self, article_id: int, annotator: str, start: int, end: int) -> tuple[tuple[str, ...], str]:
        """(labels, note) of one statement; empty when there is none."""
        row = self.conn.execute(
            "SELECT s.id, s.note FROM statements s JOIN annotators a ON a.id = s.annotator_id "
            "WHERE s.article_id = ? AND a.name = ? AND s.start = ? AND s.end = ?",
            (article_id, annotator, start, end),
        ).fetchone()
        if row is None:
            return (), ""
        labels = self.conn.execute(
            "SELECT label FROM statement_labels WHERE statement_id = ? ORDER BY label", (row[0],)
        ).fetchall()
        return tuple(r[0] for r in labels), row[1]

    def set_statement(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        labels: Iterable[str],
        note: str | None = None,
    ) -> tuple[tuple[str, ...], str]:
        """Make a statement carry exactly `labels` (and `note`, if given); returns the state before.

        A statement left with no labels and no note is removed. Marks the article
        in progress for this annotator unless it is already done.
        """
        self._check_span(article_id, start, end)
        wanted = sorted(set(labels))
        with self.write():
            before = self.statement_state(article_id, annotator, start, end)
            note = before[1] if note is None else note
            annotator_id = self.annotator_id(annotator)
            stamp = now()
            if not wanted and not note:
                self.conn.execute(
                    "DELETE FROM statements WHERE article_id = ? AND annotator_id = ? AND start = ? AND end = ?",
                    (article_id, annotator_id, start, end),
                )
            else:
                statement_id = self._statement_id(article_id, annotator_id, start, end, stamp)
                self.conn.execute(
                    "UPDATE statements SET note = ?, updated_at = ? WHERE id = ?", (note, stamp, statement_id)
                )
                self.conn.execute("DELETE FROM statement_labels WHERE statement_id = ?", (statement_id,))
                self.conn.executemany(
                    "INSERT INTO statement_labels(statement_id, label, created_at) VALUES (?, ?, ?)",
                    [(statement_id, label, stamp) for label in wanted],
                )
            if self.status(article_id, annotator) == "new":
                self._set_status(article_id, annotator_id, "in_progress", stamp)
            self._answered_anew(article_id, annotator_id)
        return before

    def toggle_label(self, article_id: int, annotator: str, start: int, end: int, label: str) -> bool:
        """Add `label` to the statement, or take it off if it is there; True if it is now on."""
        with self.write():
            labels, _ = self.statement_state(article_id, annotator, start, end)
            on = label not in labels
            self.set_statement(article_id, annotator, start, end, [*labels, label] if on else set(labels) - {label})
        return on

    def set_status(self, article_id: int, annotator: str, status: str) -> str:
        """Set the annotator's status for the article; returns the one before."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.write():
            before = self.status(article_id, annotator)
            annotator_id = self.annotator_id(annotator)
            stamp = now()
            self._set_status(article_id, annotator_id, status, stamp)
            self._answered_anew(article_id, annotator_id)
            # "done" is about statements only: the entities have their own decision (`set_entity_review`)
        return before

    def set_entity_review(self, article_id: int, annotator: str, reviewed: bool) -> bool:
        """Record (or take back) that `annotator` checked the article's entities, spaCy's included:
        only then do spaCy's entities become training data (`export.rule`). Returns the state before."""
        with self.write():
            before = self.entities_reviewed_by(article_id, annotator)
            annotator_id = self.annotator_id(annotator)
            if reviewed:
                self.conn.execute(
                    "INSERT OR REPLACE INTO entities_reviewed(article_id, annotator_id, reviewed_at, with_done) "
                    "VALUES (?, ?, ?, 0)",
                    (article_id, annotator_id, now()),
                )
            else:
                self.conn.execute(
                    "DELETE FROM entities_reviewed WHERE article_id = ? AND annotator_id = ?",
                    (article_id, annotator_id),
                )
        return before

    def has_labels(self) -> bool:
        """Whether anyone has labeled anything yet (the first labels earn a backup of their own)."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM statement_labels)").fetchone()[0] == 1

    def entities_reviewed_by(self, article_id: int, annotator: str) -> bool:
        return bool(
            self.conn.execute(
                "SELECT 1 FROM entities_reviewed r JOIN annotators a ON a.id = r.annotator_id "
                "WHERE r.article_id = ? AND a.name = ?",
                (article_id, annotator),
            ).fetchone()
        )

    def entity_reviewers(self, article_id: int) -> list[tuple[str, bool]]:
        """Who reviewed the article's entities, by name, and whether it came with an old "done"
        (a project made before the review had its own key, `schema.m013_entity_review_own_key`)."""
        return [
            (name, bool(with_done))
            for name, with_done in self.conn.execute(
                "SELECT a.name, r.with_done FROM entities_reviewed r JOIN annotators a ON a.id = r.annotator_id "
                "WHERE r.article_id = ? ORDER BY a.name",
                (article_id,),
            )
        ]

    def entities_reviewed(self) -> set[tuple[int, str]]:
        """(article id, annotator) pairs where a person reviewed the article's entities in this tool
        after they were predicted (`schema.m011_entities_reviewed`, `set_entity_review`)."""
        return set(
            self.conn.execute(
                "SELECT r.article_id, a.name FROM entities_reviewed r JOIN annotators a ON a.id = r.annotator_id"
            )
        )

    def _answered_anew(self, article_id: int, annotator_id: int) -> None:
        """Labeling or finishing an article here replaces an imported reject/ignore of the whole task."""
        self.conn.execute(
            "DELETE FROM task_answers WHERE article_id = ? AND annotator_id = ?", (article_id, annotator_id)
        )

    # -- entity corrections (shared by all annotators) -----------------------------

    def add_entity(self, article_id: int, start: int, end: int, label: str, source: str = USER) -> None:
        self._check_span(article_id, start, end)
        with self.write():
            self.conn.execute(
                "INSERT INTO entities(article_id, start, end, label, source) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(article_id, start, end, label) DO UPDATE SET source = excluded.source",
                (article_id, start, end, label, source),
            )

    def remove_entity(self, article_id: int, entity: Entity) -> None:
        with self.write():
            self.conn.execute(
                "DELETE FROM entities WHERE article_id = ? AND start = ? AND end = ? AND label = ?",
                (article_id, entity.start, entity.end, entity.label),
            )

    def relabel_entity(self, article_id: int, entity: Entity, label: str) -> Entity:
        """Change an entity's type (a user correction); returns the new entity."""
        with self.write():
            self.remove_entity(article_id, entity)
            self.add_entity(article_id, entity.start, entity.end, label, USER)
        return Entity(entity.start, entity.end, label, USER)

    # -- the article list (paged, so a 100,000-article project opens at once) ----------

    def _list_where(self, annotator: str, filt: ArticleFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if filt.status == "new":
            clauses.append("coalesce(st.status, 'new') = 'new'")
        elif filt.status:
            clauses.append("st.status = ?")
            args.append(filt.status)
        if filt.label:
            clauses.append(
                "EXISTS (SELECT 1 FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
                "WHERE s.article_id = ar.id AND s.annotator_id = an.id AND l.label = ?)"
            )
            args.append(filt.label)
        if filt.ids is not None:
            clauses.append("ar.id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(list(filt.ids)))
        for category, present in [(c, True) for c in filt.categories] + [(c, False) for c in filt.not_categories]:
            clauses.append(
                ("" if present else "NOT ") + "EXISTS (SELECT 1 FROM article_categories ac WHERE ac.article_id = ar.id "
                "AND ac.annotator_id = an.id AND ac.category = ?)"
            )
            args.append(category)
        for condition in filt.meta:
            clause, values = meta_clause(condition)
            clauses.append(clause)
            args.extend(values)
        for word in filt.text.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(ar.title LIKE ? ESCAPE '\\' OR ar.text LIKE ? ESCAPE '\\')")
            args.extend([pattern, pattern])
        return (" AND ".join(clauses) or "1"), args

    _LIST_FROM = (
        "FROM articles ar LEFT JOIN annotators an ON an.name = ? "
        "LEFT JOIN article_status st ON st.article_id = ar.id AND st.annotator_id = an.id "
    )

    def article_page(
        self, annotator: str, filt: ArticleFilter = ArticleFilter(), *, after_id: int = 0, limit: int = 200
    ) -> list[ArticleRow]:
        """The next `limit` articles after `after_id` (keyset paging, in id order) that match `filt`."""
        where, args = self._list_where(annotator, filt)
        sql = (
            "SELECT ar.id, ar.title, coalesce(st.status, 'new'), "
            "(SELECT count(*) FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
            " WHERE s.article_id = ar.id AND s.annotator_id = an.id), "
            "(SELECT group_concat(category, char(31)) FROM (SELECT category FROM article_categories ac "
            " WHERE ac.article_id = ar.id AND ac.annotator_id = an.id ORDER BY category)), "
            "EXISTS (SELECT 1 FROM entities_reviewed r WHERE r.article_id = ar.id AND r.annotator_id = an.id) "
            + self._LIST_FROM
            + f"WHERE ar.id > ? AND {where} ORDER BY ar.id LIMIT ?"
        )
        rows = self.conn.execute(sql, [annotator, after_id, *args, limit]).fetchall()
        return [ArticleRow(*r[:4], tuple(r[4].split("\x1f")) if r[4] else (), bool(r[5])) for r in rows]

    def article_row(self, article_id: int, annotator: str) -> ArticleRow:
        rows = self.article_page(annotator, after_id=article_id - 1, limit=1)
        if not rows or rows[0].id != article_id:
            raise StoreError(f"no article {article_id} in {self.path}")
        return rows[0]

    def progress(self, annotator: str) -> tuple[int, int]:
        """(articles done by `annotator`, articles in the project), for the progress bar."""
        done = self.conn.execute(
            "SELECT count(*) FROM article_status st JOIN annotators an ON an.id = st.annotator_id "
            "WHERE an.name = ? AND st.status = 'done'",
            (annotator,),
        ).fetchone()[0]
        total = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        return done, total

    def neighbour_article(
        self, article_id: int, annotator: str, step: int, filt: ArticleFilter = ArticleFilter()
    ) -> int | None:
        """The id of the next (`step` > 0) or previous matching article, or None at either end."""
        where, args = self._list_where(annotator, filt)
        op, order = (">", "ASC") if step > 0 else ("<", "DESC")
        row = self.conn.execute(
            "SELECT ar.id " + self._LIST_FROM + f"WHERE ar.id {op} ? AND {where} ORDER BY ar.id {order} LIMIT 1",
            [annotator, article_id, *args],
        ).fetchone()
        return row[0] if row else None

    def next_unfinished(self, article_id: int, annotator: str) -> int | None:
        """The first article after `article_id` (wrapping round) that `annotator` has not marked done."""
        sql = (
            "SELECT ar.id " + self._LIST_FROM + "WHERE ar.id {op} ? AND coalesce(st.status, 'new') != 'done' "
            "ORDER BY ar.id LIMIT 1"
        )
        for op in (">", "<"):
            row = self.conn.execute(sql.format(op=op), (annotator, article_id)).fetchone()
            if row:
                return row[0]
        return None

    def first_article(self) -> int | None:
        row = self.conn.execute("SELECT min(id) FROM articles").fetchone()
        return row[0]

    def has_article(self, article_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def used_labels(self) -> list[str]:
        """Every label some statement carries, in any annotator's layer, sorted.

        One index seek per distinct label (a skip scan), not a pass over every statement label:
        the window asks this on opening, whatever the project's size.
        """
        return [
            row[0]
            for row in self.conn.execute(
                "WITH RECURSIVE l(label) AS (SELECT min(label) FROM statement_labels UNION ALL "
                "  SELECT (SELECT min(label) FROM statement_labels WHERE label > l.label) FROM l "
                "  WHERE l.label IS NOT NULL) "
                "SELECT label FROM l WHERE label IS NOT NULL"
            )
        ]

    # -- the label scheme ------------------------------------------------------------

    def update_label_scheme(self, labels: Iterable[Label], renames: Mapping[str, str] = {}) -> int:
        """Save the scheme and carry every label renamed old → new over, in one transaction.

        The renames apply together, so swapping two names (or a → b with b → c) moves each
        statement label once. A statement that already carries the new name keeps one copy.
        Returns how many statement labels were renamed.
        """
        with self.write():
            moved = rename_values(self.conn, "statement_labels", "label", renames)
            self.set_label_scheme(labels)
        return moved

    def _check_span(self, article_id: int, start: int, end: int) -> None:
        row = self.conn.execute("SELECT length(text) FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id} in {self.path}")
        if not 0 <= start < end <= row[0]:
            raise ValueError(f"span {start}-{end} is outside article {article_id} ({row[0]} characters)")


def meta_clause(condition: MetaCondition) -> tuple[str, list[Any]]:
    """SQL over `ar.meta` for one metadata condition, and its arguments.

    Equality is case-insensitive text (a list field matches when it holds the value). Bounds
    compare text values as text (ISO dates; a `high` bound shorter than the value compares with
    its prefix, so `..2025-03` takes all of March) and numeric values as numbers.
    """
    key = condition.field
    if '"' in key:  # no JSON path can name it: look the key up
        value, kind, args = (
            "(SELECT value FROM json_each(ar.meta) WHERE key = ?)",
            "(SELECT type FROM json_each(ar.meta) WHERE key = ?)",
            [key],
        )
    else:  # json_extract: one C call per article, several times cheaper than json_each
        value, kind, args = "json_extract(ar.meta, ?)", "json_type(ar.meta, ?)", [f'$."{key}"']
    if condition.value is not None:
        members = "(SELECT value FROM json_each(ar.meta) WHERE key = ?)"
        return (
            f"(CAST({value} AS TEXT) = ? COLLATE NOCASE OR ({kind} = 'array' AND EXISTS (SELECT 1 FROM "
            f"json_each({members}) x WHERE CAST(x.value AS TEXT) = ? COLLATE NOCASE)))",
            [*args, condition.value, *args, key, condition.value],
        )
    tests: list[str] = []
    out: list[Any] = []
    if condition.low is not None:
        op = ">" if condition.low_open else ">="
        tests.append(f"(({kind} = 'text' AND {value} {op} ?) OR ({kind} IN ('integer', 'real') AND {value} {op} ?))")
        out += [*args, *args, condition.low, *args, *args, _number(condition.low)]
    if condition.high is not None:
        op = "<" if condition.high_open else "<="
        tests.append(
            f"(({kind} = 'text' AND substr({value}, 1, length(?)) {op} ?) "
            f"OR ({kind} IN ('integer', 'real') AND {value} {op} ?))"
        )
        out += [*args, *args, condition.high, condition.high, *args, *args, _number(condition.high)]
    return "(" + " AND ".join(tests or ["1"]) + ")", out


def _number(text: str) -> float | None:
    """A bound as a number when it reads as one (so 9 < 10 among numeric values); else None,
    which no numeric value passes."""
    try:
        return float(text)
    except ValueError:
        return None


__all__ = ["MODEL", "USER", "ArticleFilter", "ArticleRow", "EditingMixin", "meta_clause"]
