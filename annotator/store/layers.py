"""The project's layers: one per annotator, model or the gold layer (`records.LAYER_KINDS`)."""

from __future__ import annotations

from annotator.records import GOLD, LAYER_KINDS, layer_kind
from annotator.store.part import Part, now


class LayersPart(Part):
    """`store.layers`: who annotated, and of which kind."""

    def annotator_id(self, name: str, kind: str | None = None) -> int:
        """The id of layer `name`, adding it on first use as `kind` (default: `layer_kind(name)`).

        A layer's kind is set when it is made: a model's output never becomes an annotator.
        """
        row = self.conn.execute("SELECT id FROM annotators WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        kind = kind or layer_kind(name)
        if kind not in LAYER_KINDS:
            raise ValueError(f"unknown layer kind {kind!r}; one of {', '.join(LAYER_KINDS)}")
        with self.write():
            self.conn.execute(
                "INSERT INTO annotators(name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
                (name, kind, now()),
            )
            return self.conn.execute("SELECT id FROM annotators WHERE name = ?", (name,)).fetchone()[0]

    def layer_id(self, name: str) -> int | None:
        """The id of layer `name`, or None when there is no such layer (nothing is added)."""
        row = self.conn.execute("SELECT id FROM annotators WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def annotators(self, kind: str | None = None) -> list[str]:
        """Every layer's name, sorted, or only those of `kind` (`HUMAN_LAYER`: the annotators)."""
        if kind is None:
            return [r[0] for r in self.conn.execute("SELECT name FROM annotators ORDER BY name")]
        return [r[0] for r in self.conn.execute("SELECT name FROM annotators WHERE kind = ? ORDER BY name", (kind,))]

    def layer_kinds(self) -> dict[str, str]:
        """Each layer's kind by name: `human`, `model` or `gold` (`records.LAYER_KINDS`)."""
        return dict(self.conn.execute("SELECT name, kind FROM annotators ORDER BY name"))

    def layers(self) -> list[str]:
        """Annotators whose layer holds something to export, sorted: labels, links or answers, or
        (for anyone but the gold layer, whose review decisions are its statements) a status."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM annotators a WHERE EXISTS (SELECT 1 FROM statements WHERE annotator_id = a.id) "
                "OR EXISTS (SELECT 1 FROM rejected_spans WHERE annotator_id = a.id) "
                "OR EXISTS (SELECT 1 FROM task_answers WHERE annotator_id = a.id) "
                "OR EXISTS (SELECT 1 FROM links WHERE annotator_id = a.id) "
                "OR (a.name != :gold AND EXISTS (SELECT 1 FROM article_status WHERE annotator_id = a.id)) "
                "ORDER BY name",
                {"gold": GOLD},
            )
        ]
