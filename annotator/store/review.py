"""Queries for merging, conflict review, agreement and the gold layer.

The review package (`annotator.review`) turns these rows into units, conflicts and
figures; everything here is plain reads that stream, so 100,000 units stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.store.part import Part

#: Separates labels inside one `group_concat`; it cannot occur in a label a user typed.
_SEP = "\x1f"


class ReviewPart(Part):
    """`store.review`: the streaming reads merging, conflict review and agreement need."""

    def labeled_statements(
        self, article_ids: list[int] | None = None
    ) -> Iterator[tuple[int, str, int, int, tuple[str, ...]]]:
        """(article_id, annotator, start, end, sorted labels) of every statement that has labels.

        All annotators, the gold layer included (callers drop it), ordered by article and
        span. One streaming query: memory stays flat however large the project.
        """
        sql = (
            "SELECT s.article_id, a.name, s.start, s.end, group_concat(l.label, char(31)) "
            "FROM statements s JOIN annotators a ON a.id = s.annotator_id "
            "JOIN statement_labels l ON l.statement_id = s.id"
        )
        args: list[int] = []
        if article_ids is not None:
            sql += f" WHERE s.article_id IN ({','.join('?' * len(article_ids))})"
            args.extend(article_ids)
        sql += " GROUP BY s.id ORDER BY s.article_id, s.start, s.end, a.name"
        for article_id, name, start, end, labels in self._read(sql, args):
            yield article_id, name, start, end, tuple(sorted(labels.split(_SEP)))

    def gold_statements(
        self, gold: str, article_ids: list[int] | None = None
    ) -> Iterator[tuple[int, int, int, tuple[str, ...]]]:
        """(article_id, start, end, sorted labels) of every statement of the gold layer, labeled or not.

        A gold statement without labels is a decision too ("no label here").
        """
        sql = (
            "SELECT s.article_id, s.start, s.end, "
            "(SELECT group_concat(label, char(31)) FROM statement_labels l WHERE l.statement_id = s.id) "
            "FROM statements s JOIN annotators a ON a.id = s.annotator_id WHERE a.name = ?"
        )
        args: list[object] = [gold]
        if article_ids is not None:
            sql += f" AND s.article_id IN ({','.join('?' * len(article_ids))})"
            args.extend(article_ids)
        for article_id, start, end, labels in self._read(sql + " ORDER BY s.article_id, s.start, s.end", args):
            yield article_id, start, end, tuple(sorted(labels.split(_SEP))) if labels else ()

    def categories_only_annotators(self) -> Iterator[tuple[int, str]]:
        """(article_id, annotator) for every article whose layer holds only category answers from a
        file (`export.rule.only_categories`): in progress, asked some categories, no statement, span
        answer or link. Its categories are decided (the category review counts them as finished),
        its statements are not."""
        yield from self._read(
            "SELECT st.article_id, a.name FROM article_status st JOIN annotators a ON a.id = st.annotator_id "
            "WHERE st.status = 'in_progress' "
            "AND EXISTS (SELECT 1 FROM categories_asked c "
            "WHERE c.article_id = st.article_id AND c.annotator_id = st.annotator_id) "
            "AND NOT EXISTS (SELECT 1 FROM statements s "
            "WHERE s.article_id = st.article_id AND s.annotator_id = st.annotator_id) "
            "AND NOT EXISTS (SELECT 1 FROM rejected_spans r "
            "WHERE r.article_id = st.article_id AND r.annotator_id = st.annotator_id) "
            "AND NOT EXISTS (SELECT 1 FROM links k "
            "WHERE k.article_id = st.article_id AND k.annotator_id = st.annotator_id) "
            "AND NOT EXISTS (SELECT 1 FROM task_answers ta "
            "WHERE ta.article_id = st.article_id AND ta.annotator_id = st.annotator_id) "
            "ORDER BY st.article_id, a.name"
        )

    def done_annotators(self, article_ids: list[int] | None = None) -> Iterator[tuple[int, str]]:
        """(article_id, annotator) for every article an annotator marked done (and did not answer
        reject or ignore as a whole task: that is no finished annotation to agree with)."""
        sql = (
            "SELECT st.article_id, a.name FROM article_status st JOIN annotators a ON a.id = st.annotator_id "
            "WHERE st.status = 'done' AND NOT EXISTS (SELECT 1 FROM task_answers ta "
            "WHERE ta.article_id = st.article_id AND ta.annotator_id = st.annotator_id)"
        )
        args: list[int] = []
        if article_ids is not None:
            sql += f" AND st.article_id IN ({','.join('?' * len(article_ids))})"
            args.extend(article_ids)
        yield from self._read(sql + " ORDER BY st.article_id, a.name", args)
