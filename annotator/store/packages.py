"""Work packages in SQL: the project's id, the packages it sent out, and a package file built
from the project with SQLite's ATTACH and INSERT … SELECT (never row by row in Python).

A package is a project file of its own: the annotator's articles (text, meta, tokens, sentences,
the pipeline's entities), the project-level tables (`PROJECT_TABLES`: the settings with the
schemes, and guidelines or actors where the project has them), her name as its one annotator
and a marker (`PACKAGE_SETTING`) naming the project, the round and her. Nothing of anyone's work
on the articles goes in (no statements, labels, links, categories, statuses, no gold): a package
is blind, unless it is a reviewer's, which carries the layers under review.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.records import GOLD, HUMAN_LAYER
from annotator.store.part import Part, now
from annotator.store.schema import make_stamping
from annotator.text import path_shown

if TYPE_CHECKING:
    from annotator.store.opening import Store

#: Project-level tables copied whole into every package, when the project has them, in this order
#: (an actor before its aliases and titles). A branch that adds such a table adds its name here and
#: packages carry it. Left out: `actor_mentions` (the actor each link end stands for): those rows
#: are made from links on the articles, so a blind package holds none; a reviewer's package gets
#: those of the layers she reviews.
PROJECT_TABLES = ("settings", "guidelines", "actors", "actor_aliases", "actor_titles")
#: Article tables copied for a package's articles, each with the column naming the article.
ARTICLE_TABLES = (
    ("articles", "id"),
    ("tokens", "article_id"),
    ("sentences", "article_id"),
    ("entities", "article_id"),
    ("preannotation_failures", "article_id"),
)
#: A layer's tables, copied into a reviewer's package only (the layers she reviews).
LAYER_TABLES = ("statements", "statement_labels", "article_status", "links", "article_categories")
#: The setting holding a package's marker (a dict: project id, round, annotator, role…).
PACKAGE_SETTING = "package"
#: The setting holding the project's id, made on first use: what a package names as its source.
PROJECT_ID_SETTING = "project_id"
#: Settings that stay in the project: a package gets its own marker instead.
SETTINGS_LEFT_BEHIND = (PACKAGE_SETTING, PROJECT_ID_SETTING)


@dataclass(frozen=True)
class PackageRow:
    """One package this project sent out."""

    round: int
    annotator: str
    role: str
    file: str
    overlap: int | None
    seed: int | None
    made_at: str
    articles: int


class PackagesPart(Part):
    """`store.packages`: the packages sent out, and the package a project file is."""

    # -- who this project is ---------------------------------------------------------------

    def project_id(self) -> str:
        """The project's id (made and saved on first use): packages name it, so a package of
        another project is known when it comes back."""
        value = self.store.get_setting(PROJECT_ID_SETTING)
        if value is None:
            value = uuid.uuid4().hex
            with self.write():
                self.conn.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                    (PROJECT_ID_SETTING, json.dumps(value)),
                )
                value = self.store.get_setting(PROJECT_ID_SETTING)
        return value

    def marker(self) -> dict[str, Any] | None:
        """The package marker when this project file is a package, else None."""
        try:  # a package is another computer's file: a marker nested too deep is no marker
            value = self.store.get_setting(PACKAGE_SETTING)
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None

    # -- what was sent out -----------------------------------------------------------------

    def sent(self) -> list[PackageRow]:
        """Every package sent out, by round and annotator."""
        return [
            PackageRow(*row)
            for row in self.conn.execute(
                "SELECT p.round, p.annotator, p.role, p.file, p.overlap, p.seed, p.made_at, "
                "(SELECT count(*) FROM package_articles a WHERE a.round = p.round AND a.annotator = p.annotator) "
                "FROM packages p ORDER BY p.round, p.annotator"
            )
        ]

    def assigned(self, before_round: int | None = None) -> dict[str, set[int]]:
        """Each annotator's packaged articles (of rounds before `before_round`, or all)."""
        out: dict[str, set[int]] = {}
        rows = self.conn.execute(
            "SELECT annotator, article_id FROM package_articles WHERE ?1 IS NULL OR round < ?1", (before_round,)
        )
        for name, article in rows:
            out.setdefault(name, set()).add(article)
        return out

    def sent_hashes(self, round_: int, annotator: str) -> set[str]:
        """The text hashes of the articles sent to `annotator` in `round_` (`package_articles`):
        what her package may bring back."""
        return {
            row[0]
            for row in self.conn.execute(
                "SELECT r.hash FROM package_articles a JOIN articles r ON r.id = a.article_id "
                "WHERE a.round = ? AND a.annotator = ?",
                (round_, annotator),
            )
        }

    def record_package(self, row: PackageRow, articles: Iterable[int]) -> None:
        """Remember one package sent out and its articles (one committed action)."""
        with self.write():
            self.conn.execute(
                "INSERT INTO packages(round, annotator, role, file, overlap, seed, made_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.round, row.annotator, row.role, row.file, row.overlap, row.seed, row.made_at),
            )
            self.conn.execute(
                "INSERT INTO package_articles(round, annotator, article_id) SELECT ?, ?, value FROM json_each(?)",
                (row.round, row.annotator, json.dumps(sorted(articles))),
            )

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def meta_values(self, field: str) -> dict[int, Any]:
        """Each article's value of metadata field `field` (missing: absent from the result)."""
        return dict(
            self.conn.execute(
                "SELECT id, json_extract(meta, '$.' || json_quote(?)) FROM articles "
                "WHERE json_type(meta, '$.' || json_quote(?)) IS NOT NULL",
                (field, field),
            )
        )

    # -- writing a package -----------------------------------------------------------------

    def fill_package(
        self,
        package: Store,
        articles: Sequence[int],
        marker: dict[str, Any],
        *,
        layers_of: Sequence[str] = (),
    ) -> None:
        """Fill `package` (a new, empty project) from this
        project, in one transaction of the package: the articles, the project-level tables, her
        name and the marker; with `layers_of`, those annotators' layers on the articles (a
        reviewer's package). This project is attached read-only in spirit: only SELECTed."""
        conn = package.conn
        conn.execute("ATTACH DATABASE ? AS src", (str(self.path),))
        try:
            with package.write():
                conn.execute("CREATE TEMP TABLE chosen (id INTEGER PRIMARY KEY)")
                chosen = json.dumps(list(articles))
                conn.execute("INSERT INTO temp.chosen(id) SELECT value FROM json_each(?)", (chosen,))
                for table, key in ARTICLE_TABLES:
                    cols = _columns(conn, table)
                    conn.execute(
                        f'INSERT INTO main."{table}"({cols}) SELECT {cols} FROM src."{table}" '
                        f'WHERE "{key}" IN (SELECT id FROM temp.chosen)'
                    )
                for table in PROJECT_TABLES:
                    if not (_has_table(conn, "main", table) and _has_table(conn, "src", table)):
                        continue
                    cols = _columns(conn, table)
                    left = "WHERE key NOT IN (SELECT value FROM json_each(?))"
                    where = left if table == "settings" else "WHERE ? IS NULL"
                    arg = json.dumps(SETTINGS_LEFT_BEHIND) if table == "settings" else None
                    conn.execute(f'INSERT INTO main."{table}"({cols}) SELECT {cols} FROM src."{table}" {where}', (arg,))
                if layers_of:
                    _copy_layers(conn, layers_of)
                # after the copies (they keep their stamps): the guidelines came with the project
                # tables, so what is decided in the package from now on carries its version
                make_stamping(conn)
                conn.execute(
                    "INSERT INTO annotators(name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
                    (marker["annotator"], HUMAN_LAYER, now()),
                )
                conn.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?)",
                    (PACKAGE_SETTING, json.dumps(marker, ensure_ascii=False)),
                )
                conn.execute("DROP TABLE temp.chosen")
        finally:
            conn.execute("DETACH DATABASE src")


def _copy_layers(conn: Any, names: Sequence[str]) -> None:
    """The named people's layers on the chosen articles (never gold), ids kept."""
    who = json.dumps([n for n in names if n != GOLD])
    conn.execute(
        "INSERT INTO annotators(id, name, kind, created_at) SELECT id, name, kind, created_at FROM src.annotators "
        "WHERE name IN (SELECT value FROM json_each(?)) AND kind = ?",
        (who, HUMAN_LAYER),
    )
    mine = "annotator_id IN (SELECT id FROM main.annotators) AND article_id IN (SELECT id FROM temp.chosen)"
    for table in LAYER_TABLES:
        cols = _columns(conn, table)
        if table == "statement_labels":
            conn.execute(
                f"INSERT INTO main.statement_labels({cols}) SELECT {cols} FROM src.statement_labels "
                "WHERE statement_id IN (SELECT id FROM main.statements)"
            )
        else:
            conn.execute(f'INSERT INTO main."{table}"({cols}) SELECT {cols} FROM src."{table}" WHERE {mine}')
    if _has_table(conn, "src", "actor_mentions"):
        # the actor each of their link ends stands for (ends of other people's links stay behind)
        cols = _columns(conn, "actor_mentions")
        conn.execute(
            f"INSERT INTO main.actor_mentions({cols}) SELECT {cols} FROM src.actor_mentions m "
            "WHERE m.article_id IN (SELECT id FROM temp.chosen) AND EXISTS (SELECT 1 FROM main.links k "
            "WHERE k.article_id = m.article_id AND ((k.head_start = m.start AND k.head_end = m.end) "
            "OR (k.child_start = m.start AND k.child_end = m.end)))"
        )


def _columns(conn: Any, table: str) -> str:
    return ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA main.table_info("{table}")'))


def _has_table(conn: Any, schema: str, table: str) -> bool:
    return (
        conn.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        is not None
    )


def package_path_problem(path: Path) -> str | None:
    """Why a package cannot be written at `path` (something is there), or None."""
    if path.exists() or path.is_symlink():
        return f"{path_shown(path)}: a file is already there; a package never replaces a file"
    return None
