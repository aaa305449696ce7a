"""The articles' metadata fields, discovered from the data: what the list and the search can filter on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.store.articles import META_JSON
from annotator.store.part import Part

#: How ISO dates look (2025-03, 2025-03-05, 2025-03-05T10:00…), as SQLite GLOB patterns.
_DATE_GLOB = "[12][0-9][0-9][0-9]-[01][0-9]*"


@dataclass(frozen=True)
class MetaField:
    """One `meta` key: in how many articles, its most common values with counts, and its range.

    `kind` is "date" when every text value reads as an ISO date (then `low`/`high` are the
    earliest and latest), "number" when every value is a number, else "text" (or "list",
    "object" for nested values, which filter by membership only).
    """

    name: str
    articles: int
    kind: str
    distinct: int
    values: list[tuple[Any, int]] = field(default_factory=list)
    low: Any = None
    high: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "articles": self.articles,
            "kind": self.kind,
            "distinct": self.distinct,
            "values": [[v, n] for v, n in self.values],
            "low": self.low,
            "high": self.high,
        }


class MetaPart(Part):
    """`store.meta`: the articles' metadata fields."""

    def meta_fields(self, top: int = 20) -> list[MetaField]:
        """Every metadata key present, most common first, with up to `top` values each."""
        c = self.conn
        rows = c.execute(
            "SELECT m.key, m.type, count(*), count(DISTINCT CAST(m.value AS TEXT)), min(m.value), max(m.value), "
            f"sum(m.type = 'text' AND m.value GLOB '{_DATE_GLOB}') "
            f"FROM articles ar, json_each({META_JSON}) m WHERE ar.meta != '{{}}' GROUP BY m.key, m.type"
        ).fetchall()
        by_key: dict[str, list[tuple]] = {}
        for row in rows:
            by_key.setdefault(row[0], []).append(row[1:])
        fields = []
        for key, kinds in by_key.items():
            articles = sum(k[1] for k in kinds)
            types = {k[0] for k in kinds if k[0] != "null"}
            low = high = None
            if types == {"text"} and kinds[0][5] == kinds[0][1]:
                kind, (low, high) = "date", (kinds[0][3], kinds[0][4])
            elif types and types <= {"integer", "real"}:
                kind = "number"
                low = min(k[3] for k in kinds if k[0] != "null")
                high = max(k[4] for k in kinds if k[0] != "null")
            else:
                kind = (
                    {"array": "list", "object": "object"}.get(next(iter(types)), "text") if len(types) == 1 else "text"
                )
            values = c.execute(
                f"SELECT m.value, count(*) FROM articles ar, json_each({META_JSON}) m "
                "WHERE ar.meta != '{}' AND m.key = ? AND m.type NOT IN ('array', 'object') "
                "GROUP BY m.value ORDER BY count(*) DESC, m.value LIMIT ?",
                (key, top),
            ).fetchall()
            fields.append(MetaField(key, articles, kind, sum(k[2] for k in kinds), values, low, high))
        fields.sort(key=lambda f: (-f.articles, f.name))
        return fields
