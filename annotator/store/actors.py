"""Actors: who is who across the project (`schema.m015_actors`).

An actor is a canonical name with a kind (person, state, organisation, media, anonymous), a
side, aliases (names, and *metonyms*: Kyiv standing for Ukraine), titles held between two dates
("President of Ukraine" from 2019-05-20) and a retired flag. A link end (a mention, by its
offsets in an article) resolved to an actor is kept in `actor_mentions`, with how it was
resolved; a user's choice (`how="user"`) is never replaced by a later automatic resolution.

Actors are the project's, shared by every annotator, as entities are. Every public method that
writes is one user action and one committed transaction; names are checked at the door
(`check_name`: `records.name_problem`: one script per word, no invisible character…), and a problem raises
`ActorError` with a sentence for the user.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from annotator.records import ActorMention, name_problem
from annotator.store.part import Part, now
from annotator.store.stored_meta import shown_meta
from annotator.text import excerpt

KINDS = ("person", "state", "organisation", "media", "anonymous")
ALIAS_KINDS = ("name", "metonym")
#: How a link end came to its actor: by a name or alias, a metonym, a title valid at the article's
#: date, a pronoun or a description ("the president") through the actor named before it, an
#: anonymous source, or a user's choice.
HOWS = ("alias", "metonym", "title", "pronoun", "description", "anonymous", "user")
USER_CHOICE = "user"
#: The kind an actor made on import gets from the entity type of its mention.
KIND_OF_ENTITY = {"PERSON": "person", "GPE": "state", "NORP": "state", "ORG": "organisation"}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class ActorError(ValueError):
    """A user's mistake about actors (an unknown actor, a name in use, a bad date): the message says which."""


class NotTheActor(ActorError):
    """A metonym (or an alias of a state, organisation…) given where an edit needs the actor itself:
    "Kyiv" would retire, rename or merge Ukraine. `words`, the `actor` they stand for, and how."""

    def __init__(self, words: str, actor: str, how: str) -> None:
        self.words, self.actor, self.how = words, actor, how
        ActorError.__init__(self, f"{words[:60]!r} is {how} of {actor}; name the actor: {actor!r}")


@dataclass(frozen=True)
class Title:
    title: str
    valid_from: str = ""
    valid_to: str = ""

    def valid_on(self, date: str) -> bool:
        """Whether the title was held on `date` (ISO; an unknown date: any title counts)."""
        if not date:
            return True
        return (not self.valid_from or self.valid_from <= date) and (not self.valid_to or date <= self.valid_to)


@dataclass
class Actor:
    id: int
    name: str
    kind: str
    side: str = ""
    retired: bool = False
    #: (alias, kind) pairs, kind "name" or "metonym", sorted.
    aliases: list[tuple[str, str]] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)

    def as_dict(self) -> dict:
        out: dict = {"name": self.name, "kind": self.kind}
        if self.side:
            out["side"] = self.side
        names = [a for a, k in self.aliases if k == "name"]
        metonyms = [a for a, k in self.aliases if k == "metonym"]
        if names:
            out["aliases"] = names
        if metonyms:
            out["metonyms"] = metonyms
        if self.titles:
            out["titles"] = [
                {
                    "title": t.title,
                    **({"from": t.valid_from} if t.valid_from else {}),
                    **({"to": t.valid_to} if t.valid_to else {}),
                }
                for t in self.titles
            ]
        if self.retired:
            out["retired"] = True
        return out


@dataclass(frozen=True)
class MentionActor:
    """A link end resolved to an actor."""

    article_id: int
    start: int
    end: int
    actor: str
    how: str


@dataclass(frozen=True)
class ActorStatement:
    """A statement an actor made (`role` "speaker") or was the target of ("target")."""

    article_id: int
    title: str
    date: str
    annotator: str
    start: int
    end: int
    role: str
    labels: tuple[str, ...]
    text: str

    def as_dict(self) -> dict:
        return {
            "article": self.article_id,
            "title": self.title,
            "date": self.date,
            "annotator": self.annotator,
            "statement": [self.start, self.end],
            "role": self.role,
            "labels": list(self.labels),
            "text": self.text,
        }


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def actor_key(name: str) -> str:
    """The form names are compared in: NFKC, accents and case folded, one space between words,
    a leading "the" and a trailing possessive dropped ("the Kremlin's" → "kremlin")."""
    text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(re.sub(r"[^\w'\- ]+", " ", text).split())
    text = re.sub(r"'s$|'$", "", text)
    return re.sub(r"^the ", "", text).strip()


def check_name(name: object, what: str = "actor name") -> str:
    """`name` stripped, or `ActorError` saying why it cannot be a name: the rule of every name
    (`records.name_problem`, which also refuses a word mixing Latin, Cyrillic or Greek letters: such
    a name, an actor's, an alias, a title or a side, would look like another and be a second one)."""
    if not isinstance(name, str) or not name.strip():
        raise ActorError(f"{what} must be a non-empty string")
    problem = name_problem(name, what)
    if problem:
        raise ActorError(problem)
    if not actor_key(name):
        raise ActorError(f"{what} {name!r} has no letters or digits to compare by")
    return " ".join(name.split())


def check_date(value: object, what: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _DATE.match(value):
        raise ActorError(f"{what} must be a date like 2019-05-20 (or 2019-05, 2019), not {str(value)[:60]!r}")
    try:  # a date that is no day of the calendar (2020-13-45) is refused, not stored
        date.fromisoformat(value if len(value) == 10 else f"{value}-01" if len(value) == 7 else f"{value}-01-01")
    except ValueError:
        raise ActorError(f"{what} {value!r} is no date of the calendar") from None
    return value


class ActorsPart(Part):
    """`store.actors`: the registry and the actors of resolved link ends; see the module docstring."""

    def __init__(self, store) -> None:
        Part.__init__(self, store)  # by name: no super() chain in the store (tests/test_store_parts.py)
        #: Inside `_indexed()`: whether to find actors by name through `_keys`, built on first need.
        self._indexing = False
        #: actor_key(name) -> id of every actor, while `_indexing` (None until first needed).
        self._keys: dict[str, int] | None = None

    # -- reading -------------------------------------------------------------------------------

    def actors(self, *, retired: bool = True) -> list[Actor]:
        """Every actor by name, with aliases and titles (the retired too unless `retired=False`)."""
        found = {
            row[0]: Actor(row[0], row[1], row[2], row[3], bool(row[4]))
            for row in self.conn.execute(
                "SELECT id, name, kind, side, retired FROM actors ORDER BY name COLLATE NOCASE"
            )
            if retired or not row[4]
        }
        for actor_id, alias, kind in self.conn.execute(
            "SELECT actor_id, alias, kind FROM actor_aliases ORDER BY alias"
        ):
            if actor_id in found:
                found[actor_id].aliases.append((alias, kind))
        for actor_id, title, start, end in self.conn.execute(
            "SELECT actor_id, title, valid_from, valid_to FROM actor_titles ORDER BY title, valid_from"
        ):
            if actor_id in found:
                found[actor_id].titles.append(Title(title, start, end))
        return list(found.values())

    def actor(self, name: str) -> Actor | None:
        """The actor called `name`, or whose alias it is (compared by `actor_key`)."""
        actor_id = self._find(name)
        return next((a for a in self.actors() if a.id == actor_id), None) if actor_id is not None else None

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM actors").fetchone()[0]

    @contextmanager
    def _indexed(self) -> Iterator[None]:
        """Within it, an actor is found by its compared name through a dict built once (and kept up
        to date by `_insert`), not by normalising every name again: a file of N actors costs N
        `actor_key` calls, not N² (100,000 actors hung for hours). Only for writes that add actors
        and never rename, merge or split one (the dict would not follow)."""
        if self._indexing:
            yield
            return
        self._indexing, self._keys = True, None
        try:
            yield
        finally:
            self._indexing, self._keys = False, None

    def _named(self, key: str) -> int | None:
        """The actor whose own name compares as `key` (first in the table's order if two do)."""
        if not self._indexing:
            return next((i for i, n in self.conn.execute("SELECT id, name FROM actors") if actor_key(n) == key), None)
        if self._keys is None:
            self._keys = {}
            for actor_id, actor_name in self.conn.execute("SELECT id, name FROM actors"):
                self._keys.setdefault(actor_key(actor_name), actor_id)
        return self._keys.get(key)

    def _find(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM actors WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return row[0]
        key = actor_key(name)
        actor_id = self._named(key)
        if actor_id is not None:
            return actor_id
        row = self.conn.execute("SELECT actor_id FROM actor_aliases WHERE normalized = ?", (key,)).fetchone()
        return row[0] if row else None

    def _need(self, name: str) -> int:
        actor_id = self._find(name)
        if actor_id is None:
            raise ActorError(f"no actor called {excerpt(name, 60)!r} (annotator actors --json lists them)")
        return actor_id

    def _need_actor(self, name: str) -> int:
        """The actor an edit acts on: its name, or an alias of a person ("Zelensky"); a metonym
        ("Kyiv" for Ukraine) or another kind's alias is refused (`NotTheActor`) so that an edit
        never lands on an actor the user did not name (docs/actors.md, "Naming the actor")."""
        actor_id = self._need(name)
        key = actor_key(name)
        actor_name, kind = self.conn.execute("SELECT name, kind FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if name == actor_name or actor_key(actor_name) == key:
            return actor_id
        row = self.conn.execute(
            "SELECT kind FROM actor_aliases WHERE normalized = ? AND actor_id = ?", (key, actor_id)
        ).fetchone()
        if row and row[0] == "name" and kind == "person":
            return actor_id
        how = "a metonym" if row and row[0] == "metonym" else f"an alias of a {kind}, not the name"
        raise NotTheActor(name, actor_name, how)

    def _name_of(self, actor_id: int) -> str:
        return self.conn.execute("SELECT name FROM actors WHERE id = ?", (actor_id,)).fetchone()[0]

    # -- editing the registry ------------------------------------------------------------------

    def add_actor(
        self,
        name: str,
        kind: str,
        side: str = "",
        aliases: Sequence[tuple[str, str]] = (),
        titles: Sequence[Title] = (),
        retired: bool = False,
    ) -> Actor:
        """A new actor with its aliases and titles, in one transaction. A name or alias another
        actor has is refused (`ActorError`), so that a name means one actor."""
        with self.write():
            actor_id = self._insert(name, kind, side, retired)
            for alias, alias_kind in aliases:
                self._alias(actor_id, alias, alias_kind)
            for title in titles:
                self._title(actor_id, title)
        return next(a for a in self.actors() if a.id == actor_id)

    def load(self, actors: Sequence[Actor], names_only: Collection[str] = ()) -> tuple[int, int]:
        """Add the actors of a file, or update those already here by name (kind, side, retired; aliases
        and titles are added, never removed), all in one transaction; returns (added, updated): an
        actor the file gives as it is here is neither (compared before writing, nothing written).
        An actor whose name is in `names_only` (made from EntityRuler patterns, which know no side)
        only brings aliases to one already here: its kind, side and retired are not the file's word."""
        added = updated = 0
        with self.write(), self._indexed():
            for actor in actors:
                actor_id = self._find(actor.name)
                if actor_id is None:
                    actor_id = self._insert(actor.name, actor.kind, actor.side, actor.retired)
                    for alias, kind in actor.aliases:
                        if self._alias_owner(alias) != actor_id:
                            self._alias(actor_id, alias, kind)
                    for title in actor.titles:
                        self._title(actor_id, title)
                    added += 1
                    continue
                kind, side, retired, aliases, titles = self._current(actor_id)
                wanted = (self._kind(actor.kind), check_name(actor.side, "side") if actor.side else "", actor.retired)
                changed = actor.name not in names_only and wanted != (kind, side, retired)
                if changed:
                    self.conn.execute(
                        "UPDATE actors SET kind = ?, side = ?, retired = ? WHERE id = ?",
                        (wanted[0], wanted[1], int(wanted[2]), actor_id),
                    )
                own = actor_key(self._name_of(actor_id))
                for alias, kind in actor.aliases:
                    key = actor_key(alias)
                    if key != own and key not in aliases and self._alias_owner(alias) != actor_id:
                        self._alias(actor_id, alias, kind)
                        changed = True
                for title in actor.titles:
                    if (check_name(title.title, "title"), title.valid_from, title.valid_to) not in titles:
                        self._title(actor_id, title)
                        changed = True
                updated += changed
        return added, updated

    def _current(self, actor_id: int) -> tuple[str, str, bool, set[str], set[tuple[str, str, str]]]:
        """(kind, side, retired, alias keys, titles) of one actor as stored."""
        kind, side, retired = self.conn.execute(
            "SELECT kind, side, retired FROM actors WHERE id = ?", (actor_id,)
        ).fetchone()
        aliases = {
            r[0] for r in self.conn.execute("SELECT normalized FROM actor_aliases WHERE actor_id = ?", (actor_id,))
        }
        titles = set(
            self.conn.execute("SELECT title, valid_from, valid_to FROM actor_titles WHERE actor_id = ?", (actor_id,))
        )
        return kind, side, bool(retired), aliases, titles

    def add_alias(self, name: str, alias: str, kind: str = "name") -> str:
        """Give actor `name` another alias (or metonym); returns the actor's name."""
        with self.write():
            actor_id = self._need_actor(name)
            self._alias(actor_id, alias, kind)
        return self._name_of(actor_id)

    def add_title(self, name: str, title: Title) -> str:
        with self.write():
            actor_id = self._need_actor(name)
            self._title(actor_id, title)
        return self._name_of(actor_id)

    def rename(self, name: str, new_name: str) -> str:
        """Give the actor a new canonical name; the old one stays an alias (old files and links still
        find it). Returns the old name."""
        new_name = check_name(new_name)
        with self.write():
            actor_id = self._need_actor(name)
            old = self._name_of(actor_id)
            if old == new_name:
                return old  # nothing to change, nothing written
            other = self._find(new_name)
            if other is not None and other != actor_id:
                taken = self._name_of(other)
                named = "an actor" if taken == new_name else f"a name of {taken!r}"
                raise ActorError(
                    f"{old!r} cannot be renamed {new_name!r}: that is already {named}; to make them one actor, "
                    f"merge them (annotator actors --merge {taken!r} {old!r})"
                )
            self.conn.execute("DELETE FROM actor_aliases WHERE normalized = ?", (actor_key(new_name),))
            self.conn.execute("UPDATE actors SET name = ? WHERE id = ?", (new_name, actor_id))
            if actor_key(old) != actor_key(new_name):
                self._alias(actor_id, old, "name")
        return old

    def merge(self, keep: str, gone: str) -> int:
        """Fold actor `gone` into `keep`: its name becomes an alias, its aliases, titles and resolved
        mentions move over, and it is removed; one transaction. Returns the mentions moved."""
        with self.write():
            keep_id, gone_id = self._need_actor(keep), self._need_actor(gone)
            if keep_id == gone_id:
                raise ActorError(f"{keep!r} and {gone!r} are the same actor")
            gone_name = self._name_of(gone_id)
            self.conn.execute("UPDATE actor_aliases SET actor_id = ? WHERE actor_id = ?", (keep_id, gone_id))
            self.conn.execute(
                "INSERT OR IGNORE INTO actor_titles(actor_id, title, normalized, valid_from, valid_to) "
                "SELECT ?, title, normalized, valid_from, valid_to FROM actor_titles WHERE actor_id = ?",
                (keep_id, gone_id),
            )
            moved = self.conn.execute(
                "UPDATE actor_mentions SET actor_id = ? WHERE actor_id = ?", (keep_id, gone_id)
            ).rowcount
            self.conn.execute("DELETE FROM actors WHERE id = ?", (gone_id,))
            self._alias(keep_id, gone_name, "name")
        return moved

    def split(self, name: str, new_name: str, aliases: Sequence[str] = ()) -> tuple[int, int]:
        """Split actor `name` in two: a new actor `new_name` of the same kind and side takes the
        `aliases` named (each must be the actor's) and the resolved mentions whose words are the new
        name or one of those aliases; one transaction. Returns (aliases moved, mentions moved)."""
        with self.write():
            old_id = self._need_actor(name)
            new_name = check_name(new_name)
            keys = {actor_key(new_name)} | {actor_key(check_name(a, "alias")) for a in aliases}
            for alias in aliases:
                if self._alias_owner(alias) != old_id:
                    raise ActorError(f"{alias!r} is no alias of {self._name_of(old_id)!r}")
            if actor_key(new_name) == actor_key(self._name_of(old_id)):
                raise ActorError(f"{new_name!r} is the name of the actor split; give the new one another")
            moved_aliases = 0
            if self._alias_owner(new_name) == old_id:  # an alias of it becomes an actor of its own
                moved_aliases += self.conn.execute(
                    "DELETE FROM actor_aliases WHERE normalized = ?", (actor_key(new_name),)
                ).rowcount
            kind, side = self.conn.execute("SELECT kind, side FROM actors WHERE id = ?", (old_id,)).fetchone()
            new_id = self._insert(new_name, kind, side, False)
            for key in keys - {actor_key(new_name)}:
                moved_aliases += self.conn.execute(
                    "UPDATE actor_aliases SET actor_id = ? WHERE normalized = ? AND actor_id = ?", (new_id, key, old_id)
                ).rowcount
            rows = self.conn.execute(
                "SELECT m.article_id, m.start, m.end, substr(a.text, m.start + 1, m.end - m.start) "
                "FROM actor_mentions m JOIN articles a ON a.id = m.article_id WHERE m.actor_id = ?",
                (old_id,),
            ).fetchall()
            moved = [(new_id, a, b, c) for a, b, c, words in rows if actor_key(words) in keys]
            self.conn.executemany(
                "UPDATE actor_mentions SET actor_id = ? WHERE article_id = ? AND start = ? AND end = ?", moved
            )
        return moved_aliases, len(moved)

    def set_retired(self, name: str, retired: bool = True) -> bool:
        """Retire an actor (kept, with its mentions, no longer offered), or bring it back; returns the state before."""
        with self.write():
            actor_id = self._need_actor(name)
            before = bool(self.conn.execute("SELECT retired FROM actors WHERE id = ?", (actor_id,)).fetchone()[0])
            self.conn.execute("UPDATE actors SET retired = ? WHERE id = ?", (int(retired), actor_id))
        return before

    def set_kind(self, name: str, kind: str) -> str:
        """Give an actor another kind (one of `KINDS`); returns the kind before."""
        kind = self._kind(kind)
        with self.write():
            actor_id = self._need(name)
            before = self.conn.execute("SELECT kind FROM actors WHERE id = ?", (actor_id,)).fetchone()[0]
            self.conn.execute("UPDATE actors SET kind = ? WHERE id = ?", (kind, actor_id))
        return before

    def set_side(self, name: str, side: str) -> str:
        """Give an actor another side or affiliation ("" for none); returns the side before."""
        side = check_name(" ".join(side.split()), "side") if side.strip() else ""
        with self.write():
            actor_id = self._need(name)
            before = self.conn.execute("SELECT side FROM actors WHERE id = ?", (actor_id,)).fetchone()[0]
            self.conn.execute("UPDATE actors SET side = ? WHERE id = ?", (side, actor_id))
        return before

    def _insert(self, name: str, kind: str, side: str, retired: bool) -> int:
        name = check_name(name)
        if self._find(name) is not None:
            raise ActorError(f"{name!r} is already an actor or an alias of one")
        actor_id = self.conn.execute(
            "INSERT INTO actors(name, kind, side, retired, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, self._kind(kind), check_name(side, "side") if side else "", int(retired), now()),
        ).lastrowid
        if self._keys is not None:
            self._keys.setdefault(actor_key(name), actor_id)
        return actor_id

    @staticmethod
    def _kind(kind: str) -> str:
        if kind not in KINDS:
            raise ActorError(f"an actor's kind is one of {', '.join(KINDS)}, not {kind!r}")
        return kind

    def _alias_owner(self, alias: str) -> int | None:
        row = self.conn.execute(
            "SELECT actor_id FROM actor_aliases WHERE normalized = ?", (actor_key(alias),)
        ).fetchone()
        return row[0] if row else None

    def _alias(self, actor_id: int, alias: str, kind: str) -> None:
        alias = check_name(alias, "alias")
        if kind not in ALIAS_KINDS:
            raise ActorError(f"an alias is a {' or a '.join(ALIAS_KINDS)}, not {kind!r}")
        key = actor_key(alias)
        owner = self._alias_owner(alias)
        named = self._named(key)
        if named == actor_id:
            return  # its own name
        if named is not None:
            mine = self._name_of(actor_id)
            raise ActorError(
                f"{alias!r} is an actor of its own; to make it a name of {mine!r}, merge the two "
                f"(annotator actors --merge {mine!r} {self._name_of(named)!r})"
            )
        if owner is not None and owner != actor_id:
            raise ActorError(f"{alias!r} already names {self._name_of(owner)!r}")
        self.conn.execute(
            "INSERT OR REPLACE INTO actor_aliases(actor_id, alias, normalized, kind) VALUES (?, ?, ?, ?)",
            (actor_id, alias, key, kind),
        )

    def _title(self, actor_id: int, title: Title) -> None:
        name = check_name(title.title, "title")
        start, end = check_date(title.valid_from, "from"), check_date(title.valid_to, "to")
        if start and end and end < start:
            raise ActorError(f"title {name!r} ends ({end}) before it starts ({start})")
        self.conn.execute(
            "INSERT OR REPLACE INTO actor_titles(actor_id, title, normalized, valid_from, valid_to) "
            "VALUES (?, ?, ?, ?, ?)",
            (actor_id, name, actor_key(name), start, end),
        )

    # -- resolved link ends --------------------------------------------------------------------

    def set_mention(self, article_id: int, start: int, end: int, actor: str, how: str) -> bool:
        """Record that the mention `start`-`end` of an article stands for `actor`. An automatic
        resolution never replaces a user's choice (returns False then); a user's choice replaces
        anything. One transaction; returns whether it wrote."""
        if how not in HOWS:
            raise ActorError(f"how a mention was resolved is one of {', '.join(HOWS)}, not {how!r}")
        self.store.articles.check_span(article_id, start, end)
        with self.write():
            actor_id = self._need(actor)
            return self._set_mention(article_id, start, end, actor_id, how)

    def set_mentions(self, found: Sequence[MentionActor], new_actors: Sequence[Actor] = ()) -> int:
        """Many automatic resolutions, and the anonymous actors they found (`new_actors`, made unless
        there), in one transaction (`annotator actors --resolve`); returns how many mentions wrote."""
        wrote = 0
        with self.write(), self._indexed():
            for actor in new_actors:
                if self._find(actor.name) is None:
                    self._insert(actor.name, actor.kind, actor.side, False)
            for m in found:
                wrote += self._set_mention(m.article_id, m.start, m.end, self._need(m.actor), m.how)
        return wrote

    def _set_mention(self, article_id: int, start: int, end: int, actor_id: int, how: str) -> bool:
        guard = "" if how == USER_CHOICE else " WHERE actor_mentions.how != 'user'"
        cur = self.conn.execute(
            "INSERT INTO actor_mentions(article_id, start, end, actor_id, how, resolved_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(article_id, start, end) DO UPDATE SET actor_id = excluded.actor_id, how = excluded.how, "
            f"resolved_at = excluded.resolved_at{guard}",
            (article_id, start, end, actor_id, how, now()),
        )
        return cur.rowcount > 0

    def add_imported(
        self,
        mentions: Sequence[tuple[int, ActorMention]],
        kinds: dict[str, tuple[str, str]],
        entity_labels: dict[tuple[int, int, int], str],
    ) -> int:
        """Link ends resolved in an imported file (inside the import's transaction): an actor the
        project lacks is made with the kind the file gives, else its entity's type, else
        organisation; the file's `how` is kept (a user's choice here is never replaced). Returns
        how many were stored. Runs in the caller's transaction (no savepoint of its own: the import's
        batch is one transaction already)."""
        if not self.conn.in_transaction:
            raise RuntimeError("add_imported runs inside the import's transaction")
        wrote = 0
        with self._indexed():
            for article_id, m in mentions:
                actor_id = self._find(m.actor)
                if actor_id is None:
                    kind, side = kinds.get(m.actor, ("", ""))
                    if kind not in KINDS:
                        kind = KIND_OF_ENTITY.get(entity_labels.get((article_id, m.start, m.end), ""), "organisation")
                    try:
                        actor_id = self._insert(m.actor, kind, side if isinstance(side, str) else "", False)
                    except ActorError:  # a name with nothing to compare by ("..."): the link stays, unresolved
                        continue
                how = m.how if m.how in HOWS else USER_CHOICE
                wrote += self._set_mention(article_id, m.start, m.end, actor_id, how)
        return wrote

    def clear_mention(self, article_id: int, start: int, end: int) -> MentionActor | None:
        """Forget which actor a mention stands for; returns what it was (for the undo)."""
        with self.write():
            before = self.mention(article_id, start, end)
            self.conn.execute(
                "DELETE FROM actor_mentions WHERE article_id = ? AND start = ? AND end = ?", (article_id, start, end)
            )
        return before

    def mention(self, article_id: int, start: int, end: int) -> MentionActor | None:
        row = self.conn.execute(
            "SELECT a.name, m.how FROM actor_mentions m JOIN actors a ON a.id = m.actor_id "
            "WHERE m.article_id = ? AND m.start = ? AND m.end = ?",
            (article_id, start, end),
        ).fetchone()
        return MentionActor(article_id, start, end, *row) if row else None

    def mentions(self, article_ids: Sequence[int] | None = None) -> Iterator[MentionActor]:
        """Every resolved mention (of `article_ids`), by article and offset."""
        sql = (
            "SELECT m.article_id, m.start, m.end, a.name, m.how "
            "FROM actor_mentions m JOIN actors a ON a.id = m.actor_id"
        )
        args: list = []
        if article_ids is not None:
            sql += " WHERE m.article_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(article_ids)))
        for row in self._read(sql + " ORDER BY m.article_id, m.start, m.end", args):
            yield MentionActor(*row)

    def article_mentions(self, article_id: int) -> dict[tuple[int, int], str]:
        """{(start, end): actor name} of one article."""
        return {(m.start, m.end): m.actor for m in self.mentions([article_id])}

    def entity_names(self, labels: Sequence[str]) -> Iterator[tuple[str, str]]:
        """(words, label) of every entity of `labels` in the project, for seeding actors."""
        yield from self._read(
            "SELECT substr(a.text, e.start + 1, e.end - e.start), e.label FROM entities e "
            "JOIN articles a ON a.id = e.article_id WHERE e.label IN (SELECT value FROM json_each(?))",
            (json.dumps(list(labels)),),
        )

    def statements(self, name: str, link_types: Sequence[str] = ("speaker", "target")) -> list[ActorStatement]:
        """Every statement whose `speaker` (or `target`) link end stands for the actor, in every layer,
        by the article's date then offset (an article without a date last)."""
        actor_id = self._need(name)
        rows = self.conn.execute(
            "SELECT l.article_id, ar.title, ar.meta, an.name, l.head_start, l.head_end, l.label, "
            "substr(ar.text, l.head_start + 1, l.head_end - l.head_start), "
            "(SELECT json_group_array(sl.label) FROM statements s JOIN statement_labels sl ON sl.statement_id = s.id "
            " WHERE s.article_id = l.article_id AND s.annotator_id = l.annotator_id AND s.start = l.head_start "
            " AND s.end = l.head_end) "
            "FROM actor_mentions m JOIN links l ON l.article_id = m.article_id AND l.child_start = m.start "
            "AND l.child_end = m.end JOIN articles ar ON ar.id = l.article_id "
            "JOIN annotators an ON an.id = l.annotator_id "
            "WHERE m.actor_id = ? AND l.label IN (SELECT value FROM json_each(?))",
            (actor_id, json.dumps(list(link_types))),
        ).fetchall()
        found = [
            ActorStatement(
                article_id,
                title,
                article_date(shown_meta(meta)),
                annotator,
                start,
                end,
                role,
                tuple(sorted(json.loads(labels or "[]"))),
                " ".join(text.split()),
            )
            for article_id, title, meta, annotator, start, end, role, text, labels in rows
        ]
        return sorted(found, key=lambda s: (not s.date, s.date, s.article_id, s.start, s.annotator, s.role))


#: Metadata keys that may hold an article's date, tried in order.
DATE_KEYS = ("date", "published", "published_at", "publication_date", "pubdate", "datetime", "created")


def article_date(meta: dict) -> str:
    """The article's date (YYYY-MM-DD) from its metadata, or "" when it has none."""
    for key in DATE_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return value[:10]
    return ""
