"""The suggestion log: what was suggested for a statement, and what the annotator then decided.

A suggestion is never a label. It lives in `suggestion_log` only — no export, agreement,
review or gold query reads that table — until the annotator accepts it, and then what is
saved is the annotator's decision, through `set_statement` like any other. The log keeps,
per statement shown: the suggested labels with their sources (`model:<version>`,
`rule:<pattern>`) and the model's probability; then the labels decided, whether that was
the suggestion unchanged (`accepted`) or not (`changed`), and the keystrokes it took.
Decisions made with no suggestion shown are logged too (`unaided`), so that `annotator
stats` compares keystrokes per decided statement with and without suggestions.

The window calls `log_shown` when it shows a statement's suggestions, `log_decision` when
the annotator decides it (Enter, a number key, clearing), and `withdraw_decision` on undo.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.store.part import Part, now

ACCEPTED, CHANGED, UNAIDED = "accepted", "changed", "unaided"


class SuggestionsPart(Part):
    """`store.suggestions`: what was suggested and what was decided."""

    def log_shown(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        suggested: Sequence[Mapping[str, Any]],
        model_version: str | None = None,
    ) -> int:
        """Record the suggestions shown for one statement; returns the log id for `log_decision`.

        `suggested`: one mapping per suggested label, `{"label", "sources": [...], "probability"}`
        (`Suggestions.as_log()` makes it); an empty list means the sources suggested no label.
        """
        self.store.articles.check_span(article_id, start, end)
        with self.write():
            return self.conn.execute(
                "INSERT INTO suggestion_log(article_id, annotator_id, start, end, suggested, model_version, shown_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    self.store.layers.annotator_id(annotator),
                    start,
                    end,
                    json.dumps(list(map(dict, suggested)), ensure_ascii=False),
                    model_version,
                    now(),
                ),
            ).lastrowid

    def log_decision(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        labels: Iterable[str],
        keystrokes: int,
        shown: int | None = None,
    ) -> tuple[int, str]:
        """Record that the annotator decided `labels` for the statement in `keystrokes` keys.

        With `shown` (the id `log_shown` gave), the decision completes that row: `accepted`
        when the labels are exactly the suggested ones, else `changed`. Without it, an
        `unaided` decision is logged. Returns (log id, outcome) — the id `withdraw_decision` takes.
        """
        if keystrokes < 0:
            raise ValueError("keystrokes cannot be negative")
        decided = sorted(set(labels))
        stamp = now()
        with self.write():
            if shown is None:
                self.store.articles.check_span(article_id, start, end)
                cur = self.conn.execute(
                    "INSERT INTO suggestion_log(article_id, annotator_id, start, end, decided, outcome, keystrokes, "
                    "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article_id,
                        self.store.layers.annotator_id(annotator),
                        start,
                        end,
                        json.dumps(decided),
                        UNAIDED,
                        keystrokes,
                        stamp,
                    ),
                )
                return cur.lastrowid, UNAIDED
            row = self.conn.execute("SELECT suggested FROM suggestion_log WHERE id = ?", (shown,)).fetchone()
            if row is None or row[0] is None:
                raise ValueError(f"no suggestion {shown} was logged as shown")
            suggested = sorted({item["label"] for item in json.loads(row[0])})
            outcome = ACCEPTED if suggested == decided else CHANGED
            self.conn.execute(
                "UPDATE suggestion_log SET decided = ?, outcome = ?, keystrokes = ?, decided_at = ? WHERE id = ?",
                (json.dumps(decided), outcome, keystrokes, stamp, shown),
            )
            return shown, outcome

    def withdraw_decision(self, log_id: int) -> None:
        """Undo of a logged decision: a suggestion goes back to shown-and-undecided, an unaided decision goes."""
        with self.write():
            self.conn.execute("DELETE FROM suggestion_log WHERE id = ? AND outcome = ?", (log_id, UNAIDED))
            self.conn.execute(
                "UPDATE suggestion_log SET decided = NULL, outcome = NULL, keystrokes = NULL, decided_at = NULL "
                "WHERE id = ?",
                (log_id,),
            )

    def suggestion_log(self, annotator: str | None = None) -> list[dict[str, Any]]:
        """Every logged row (oldest first), for tests and reports."""
        sql = (
            "SELECT l.id, l.article_id, a.name, l.start, l.end, l.suggested, l.model_version, l.decided, l.outcome, "
            "l.keystrokes FROM suggestion_log l JOIN annotators a ON a.id = l.annotator_id"
        )
        args: list[Any] = []
        if annotator is not None:
            sql += " WHERE a.name = ?"
            args.append(annotator)
        keys = (
            "id",
            "article_id",
            "annotator",
            "start",
            "end",
            "suggested",
            "model_version",
            "decided",
            "outcome",
            "keystrokes",
        )
        rows = []
        for row in self.conn.execute(sql + " ORDER BY l.id", args):
            item = dict(zip(keys, row, strict=True))
            for key in ("suggested", "decided"):
                item[key] = json.loads(item[key]) if item[key] is not None else None
            rows.append(item)
        return rows

    def suggestion_stats(self, annotator: str | None = None) -> dict[str, Any]:
        """How much the suggestions help: acceptance, labels kept per source, keystrokes with and without.

        `acceptance_rate`: decided statements whose suggestion was taken unchanged, over decided
        statements that had one. `kept[source]`: suggested labels (by `model` or `rule`) the
        decision kept, over those suggested. Keystrokes are per decided statement. Rates are None
        when nothing was decided yet.
        """
        shown = decided = accepted = 0
        keys = {"with": [0, 0], "without": [0, 0]}  # [statements, keystrokes]
        kept = {"model": [0, 0], "rule": [0, 0]}  # [suggested, kept]
        for row in self.suggestion_log(annotator):
            if row["suggested"] is not None:
                shown += 1
            if row["outcome"] is None:
                continue
            side = keys["without" if row["outcome"] == UNAIDED else "with"]
            side[0] += 1
            side[1] += row["keystrokes"]
            if row["outcome"] == UNAIDED:
                continue
            decided += 1
            accepted += row["outcome"] == ACCEPTED
            for item in row["suggested"]:
                for kind in {source.split(":", 1)[0] for source in item["sources"]} & kept.keys():
                    kept[kind][0] += 1
                    kept[kind][1] += item["label"] in row["decided"]

        def rate(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return {
            "shown": shown,
            "decided_with_suggestions": decided,
            "accepted": accepted,
            "acceptance_rate": rate(accepted, decided),
            "decided_without_suggestions": keys["without"][0],
            "keystrokes_with_suggestions": rate(keys["with"][1], keys["with"][0]),
            "keystrokes_without_suggestions": rate(keys["without"][1], keys["without"][0]),
            "labels_suggested": {kind: n for kind, (n, _) in kept.items()},
            "labels_kept": {kind: rate(k, n) for kind, (n, k) in kept.items()},
        }

    # -- what is still undecided (for "next unlabeled" and "next uncertain") -------------------

    def decided_state(
        self, annotator: str, article_ids: Sequence[int] | None = None
    ) -> tuple[set[int], dict[int, list[tuple[int, int]]]]:
        """(ids of the articles `annotator` finished, their labeled statements' (start, end) per article).

        Two reads, whatever the number of articles; `article_ids` narrows both to those articles.
        A statement with a note and no label is not a decision.
        """
        where, args = "", [annotator]
        if article_ids is not None:
            where = " AND x.article_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(article_ids)))
        done = {
            row[0]
            for row in self.conn.execute(
                "SELECT x.article_id FROM article_status x JOIN annotators a ON a.id = x.annotator_id "
                f"WHERE a.name = ? AND x.status = 'done'{where}",
                args,
            )
        }
        labeled: dict[int, list[tuple[int, int]]] = {}
        for article_id, start, end in self.conn.execute(
            "SELECT x.article_id, x.start, x.end FROM statements x JOIN annotators a ON a.id = x.annotator_id "
            f"WHERE a.name = ?{where} AND EXISTS (SELECT 1 FROM statement_labels l WHERE l.statement_id = x.id) "
            "ORDER BY x.article_id, x.start",
            args,
        ):
            labeled.setdefault(article_id, []).append((start, end))
        return done, labeled
