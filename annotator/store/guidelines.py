"""The project's guidelines: one Markdown document kept in numbered versions, and who is a trainee.

A version is never changed: loading or saving different text adds the next one (with its time,
author and SHA-256), so "which guidelines was this decided under" always has an answer. The
version each decision was made under is written by triggers (`schema.GUIDELINES_TRIGGERS`), not here;
they are made with the first version, so a project without guidelines pays nothing for them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.store.part import Part, now
from annotator.store.schema import make_stamping


@dataclass(frozen=True)
class GuidelinesVersion:
    version: int
    created_at: str
    author: str
    sha256: str
    #: The whole document (empty in `versions()`, which lists them without their text).
    text: str = ""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class GuidelinesPart(Part):
    """`store.guidelines`: the versions of the guidelines, and trainees."""

    def current(self) -> GuidelinesVersion | None:
        """The newest version, text included, or None before any guidelines were loaded."""
        row = self.conn.execute(
            "SELECT version, created_at, author, sha256, text FROM guidelines ORDER BY version DESC LIMIT 1"
        ).fetchone()
        return GuidelinesVersion(*row) if row else None

    def version(self, number: int) -> GuidelinesVersion | None:
        row = self.conn.execute(
            "SELECT version, created_at, author, sha256, text FROM guidelines WHERE version = ?", (number,)
        ).fetchone()
        return GuidelinesVersion(*row) if row else None

    def versions(self) -> list[GuidelinesVersion]:
        """Every version, oldest first, without its text."""
        return [
            GuidelinesVersion(*row)
            for row in self.conn.execute("SELECT version, created_at, author, sha256 FROM guidelines ORDER BY version")
        ]

    def add(self, text: str, author: str) -> tuple[GuidelinesVersion, bool]:
        """Make `text` the current guidelines, in one transaction: a new version when it differs from
        the current one; returns the current version and whether it is new."""
        sha = text_sha256(text)
        with self.write():
            current = self.current()
            if current is not None and current.sha256 == sha:
                return current, False
            number = (current.version if current else 0) + 1
            stamp = now()
            self.conn.execute(
                "INSERT INTO guidelines(version, created_at, author, text, sha256) VALUES (?, ?, ?, ?, ?)",
                (number, stamp, author, text, sha),
            )
            make_stamping(self.conn)  # every decision from now on carries a version
        return GuidelinesVersion(number, stamp, author, sha, text), True

    def add_version(self, text: str, author: str, created_at: str) -> GuidelinesVersion:
        """A version made elsewhere (in a work package) as the project's next version, its author
        and time kept; one transaction."""
        sha = text_sha256(text)
        with self.write():
            current = self.current()
            number = (current.version if current else 0) + 1
            self.conn.execute(
                "INSERT INTO guidelines(version, created_at, author, text, sha256) VALUES (?, ?, ?, ?, ?)",
                (number, created_at, author, text, sha),
            )
            make_stamping(self.conn)
        return GuidelinesVersion(number, created_at, author, sha, text)

    # -- the version of each decision ----------------------------------------------------------

    def decision_versions(self) -> Iterator[tuple[int, str, int | None]]:
        """(article_id, annotator, version) for every article a layer labeled or finished: the version
        its "done" was given under when it is done, else the newest of its labels' versions."""
        yield from self._read(
            "SELECT st.article_id, a.name, CASE WHEN st.status = 'done' THEN st.guidelines_version ELSE "
            "(SELECT max(l.guidelines_version) FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
            " WHERE s.article_id = st.article_id AND s.annotator_id = st.annotator_id) END "
            "FROM article_status st JOIN annotators a ON a.id = st.annotator_id ORDER BY st.article_id, a.name"
        )

    def assumed(self) -> set[tuple[int, str]]:
        """(article_id, annotator) of layers merged from a teammate's file without guidelines (or
        under a text this project does not hold): their version is the one current at the merge."""
        return set(
            self._read(
                "SELECT st.article_id, a.name FROM article_status st JOIN annotators a ON a.id = st.annotator_id "
                "WHERE st.guidelines_assumed = 1"
            )
        )

    def decided_under(self) -> dict[str, list[int | None]]:
        """Each layer's distinct guidelines versions over its labels and finished articles."""
        out: dict[str, set[int | None]] = {}
        for name, version in self._read(
            "SELECT a.name, l.guidelines_version FROM statement_labels l JOIN statements s ON s.id = l.statement_id "
            "JOIN annotators a ON a.id = s.annotator_id GROUP BY a.name, l.guidelines_version "
            "UNION SELECT a.name, st.guidelines_version FROM article_status st "
            "JOIN annotators a ON a.id = st.annotator_id WHERE st.status = 'done'"
        ):
            out.setdefault(name, set()).add(version)
        return {name: sorted(v, key=lambda x: -1 if x is None else x) for name, v in sorted(out.items())}

    # -- trainees --------------------------------------------------------------------------------

    def trainees(self) -> set[str]:
        """Annotators still in training: their work stays out of gold, review and team agreement."""
        return {row[0] for row in self.conn.execute("SELECT name FROM annotators WHERE trainee = 1")}

    def set_trainee(self, name: str, trainee: bool) -> bool:
        """Mark `name` (a person's layer, made when new) a trainee or promote them; True if it changed."""
        with self.write():
            annotator_id = self.store.layers.annotator_id(name)
            cursor = self.conn.execute(
                "UPDATE annotators SET trainee = ? WHERE id = ? AND kind = 'human' AND trainee != ?",
                (int(trainee), annotator_id, int(trainee)),
            )
        return cursor.rowcount > 0

    # -- calibration sets ------------------------------------------------------------------------

    def calibration_set(self, annotator: str) -> dict | None:
        """The calibration set drawn for `annotator` ({"articles": [...], "seed", "size", ...}), or None."""
        return self.store.get_setting(f"calibration/{annotator}")

    def set_calibration_set(self, annotator: str, drawn: dict) -> None:
        """Keep the calibration set drawn for `annotator` (one transaction; a new draw replaces it)."""
        self.store.set_setting(f"calibration/{annotator}", drawn)
