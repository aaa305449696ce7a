"""What each annotator did and when, in SQL (`store.progress`, read by `annotator progress` and
the dashboard): the moments decisions were saved, counts per person, and the packages sent out
with how far each got."""

from __future__ import annotations

from annotator.records import HUMAN_LAYER
from annotator.store.part import Part

#: Every table with a moment an annotator decided something, and the column holding it.
DECISION_TIMES = (
    ("statement_labels", "created_at"),
    ("statements", "updated_at"),
    ("article_status", "updated_at"),
    ("links", "created_at"),
    ("article_categories", "created_at"),
    ("entities_reviewed", "reviewed_at"),
    ("suggestion_log", "decided_at"),
)


class ProgressPart(Part):
    """`store.progress`: what each annotator did and when (for `annotator progress`)."""

    def people(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT name FROM annotators WHERE kind = ? ORDER BY name", (HUMAN_LAYER,))
        ]

    def decision_times(self, annotator: str) -> list[str]:
        """Every distinct moment `annotator` saved a decision (ISO time stamps, sorted)."""
        parts = []
        for table, column in DECISION_TIMES:
            if table == "statement_labels":
                parts.append(
                    "SELECT l.created_at FROM statement_labels l JOIN statements s ON s.id = l.statement_id "
                    "WHERE s.annotator_id = :who"
                )
            else:
                parts.append(f'SELECT "{column}" FROM "{table}" WHERE annotator_id = :who AND "{column}" IS NOT NULL')
        who = self.conn.execute("SELECT id FROM annotators WHERE name = ?", (annotator,)).fetchone()
        if who is None:
            return []
        union = " UNION ".join(parts)
        return [r[0] for r in self.conn.execute(f"SELECT * FROM ({union}) ORDER BY 1", {"who": who[0]})]

    def counts(self, annotator: str) -> dict[str, int]:
        """Statements labeled, articles done, suggestions accepted and changed, by `annotator`."""
        row = self.conn.execute(
            "SELECT "
            "(SELECT count(*) FROM statements s WHERE s.annotator_id = n.id "
            " AND EXISTS (SELECT 1 FROM statement_labels l WHERE l.statement_id = s.id)), "
            "(SELECT count(*) FROM article_status t WHERE t.annotator_id = n.id AND t.status = 'done'), "
            "(SELECT count(*) FROM suggestion_log g WHERE g.annotator_id = n.id AND g.outcome = 'accepted'), "
            "(SELECT count(*) FROM suggestion_log g WHERE g.annotator_id = n.id AND g.outcome = 'changed') "
            "FROM annotators n WHERE n.name = ?",
            (annotator,),
        ).fetchone()
        keys = ("statements", "done", "accepted", "changed")
        return dict(zip(keys, row or (0, 0, 0, 0), strict=True))

    def package_progress(self) -> list[tuple[int, str, str, int, int]]:
        """(round, annotator, role, articles assigned, of them done by her) per package sent out."""
        return self.conn.execute(
            "SELECT p.round, p.annotator, p.role, count(a.article_id), "
            "count(t.article_id) FROM packages p "
            "LEFT JOIN package_articles a ON a.round = p.round AND a.annotator = p.annotator "
            "LEFT JOIN annotators n ON n.name = p.annotator "
            "LEFT JOIN article_status t ON t.article_id = a.article_id AND t.annotator_id = n.id AND t.status = 'done' "
            "GROUP BY p.round, p.annotator ORDER BY p.round, p.annotator"
        ).fetchall()
