"""An import's article categories checked against the project's scheme, record by record.

- A file that shows only the choices made (Label Studio, doccano: `asked_with_groups`) asked the
  rest of their groups too: `categories_asked` is widened to them here, where the scheme is known.
- An exclusive group holds one category per article. A record that gives two of one group is
  left out (`FILE:LINE: reason`). A complete record (a choice task, a project file's layer)
  replaces the layer's categories, so it is checked alone; binary feedback (Prodigy's
  `textcat.teach`: one category, accepted or rejected) adds to the layer, so it is checked with
  what the layer holds.
- A binary answer that accepts a category of an exclusive group whose other category the layer
  already holds from another binary answer (earlier in this import, or stored from a file that
  said what was asked): one of them is wrong and nothing says which, so *both* are left out
  (unknown, neither 1 nor 0; `IncomingRecord.categories_withdrawn`), and so is any later answer
  of this import on those two. The record still comes in (its status, its other categories); the
  conflict is a note, `FILE:LINE: reason`, counted with the import's notes. A clash with a
  category chosen in the window (every category was asked there) or by a choice task of this
  import leaves the binary answer out instead (`FILE:LINE`, a refused record): the person's
  whole answer stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.records import CategoryGroup, IncomingRecord


def exclusive_clash(categories: Iterable[str], exclusive: list[tuple[str, set[str]]]) -> str | None:
    """Why `categories` cannot be one article's (two of one exclusive group), or None."""
    found = _clash(categories, exclusive)
    if found is None:
        return None
    name, both = found
    return f"categories {', '.join(both)} are all in the exclusive group {name!r}: one per article"


def _clash(categories: Iterable[str], exclusive: list[tuple[str, set[str]]]) -> tuple[str, list[str]] | None:
    given = set(categories)
    for name, members in exclusive:
        both = sorted(members & given)
        if len(both) > 1:
            return name, both
    return None


class CategoryChecks:
    """The category checks of one import (see the module docstring); `check` once per record, in order."""

    def __init__(self, store, groups: Sequence[CategoryGroup], annotator: str):
        self.store = store
        self.annotator = annotator
        self.groups = [{c.name for c in g.categories} for g in groups]
        self.exclusive = [(g.name, {c.name for c in g.categories}) for g in groups if g.exclusive]
        #: (text, layer) -> the categories the layer holds so far: stored, then this import's records.
        self.given: dict[tuple[str, str], set[str]] = {}
        #: (text, layer) -> the categories this import's binary answers accepted, with their lines.
        self.feedback: dict[tuple[str, str], dict[str, int]] = {}
        #: (text, layer) -> what the project held it was asked before the import (a file said so).
        self.asked: dict[tuple[str, str], set[str]] = {}
        #: (text, layer) -> categories left out after a conflict: later binary answers on them too.
        self.conflicted: dict[tuple[str, str], set[str]] = {}

    def check(self, rec: IncomingRecord) -> str | None:
        """Why the record is left out, or None; widens what it was asked and takes out of it the
        categories a conflict leaves out (said in `rec.refused`)."""
        if rec.asked_with_groups and rec.categories_asked is not None:
            rec.categories_asked = sorted(set().union(rec.categories_asked, *self._groups_of(rec.categories_asked)))
            rec.asked_with_groups = False
        if not (rec.categories or rec.categories_asked) or not self.exclusive:
            return None
        key = (rec.digest, rec.annotator or self.annotator)
        if key not in self.given:
            self.given[key] = set(self.store.categories.categories_of_text(*key))
            self.asked[key] = set(self.store.categories.asked_of_text(*key))
        why = exclusive_clash(rec.categories, self.exclusive)
        if why is not None:
            return why
        if rec.complete:
            self.given[key] = set(rec.categories)
            self.asked[key] = set()
            self.conflicted.pop(key, None)
            return None
        dropped = self._drop(rec, self.conflicted.get(key, set()))
        if dropped:
            rec.refused = (
                *rec.refused,
                f"{', '.join(dropped)} left out (unknown): an earlier record of this import gave the article "
                "two categories of one exclusive group, and both stay out",
            )
        denied = set(rec.categories_asked or ()) - set(rec.categories)
        before = self.given[key] - denied
        found = _clash(before | set(rec.categories), self.exclusive)
        mine = self.feedback.setdefault(key, {})
        if found is not None:
            group, both = found
            earlier = sorted(set(both) - set(rec.categories))
            if not set(earlier) <= mine.keys() | self.asked[key]:
                return (
                    f"categories {', '.join(both)} are all in the exclusive group {group!r}: one per article "
                    f"(the article already has {', '.join(earlier)} from an answer that saw every option: the "
                    "window, or a choice task; that answer stays)"
                )
            lines = " and ".join(
                f"on line {mine.pop(name)}" if name in mine else "in the project already" for name in earlier
            )
            self.asked[key] -= set(earlier)
            self.conflicted.setdefault(key, set()).update(both)
            rec.categories_withdrawn = earlier
            before -= set(earlier)
            new = sorted(set(both) & set(rec.categories))
            self._drop(rec, set(both))
            rec.refused = (
                *rec.refused,
                f"{', '.join(new)} accepted here and {', '.join(earlier)} {lines}, both in the exclusive "
                f"group {group!r} (one per article): one of them is wrong, so both are left out (unknown)",
            )
        self.given[key] = before | set(rec.categories)
        for name in denied:
            mine.pop(name, None)
        mine.update(dict.fromkeys(rec.categories, rec.line))
        return None

    def _drop(self, rec: IncomingRecord, names: set[str]) -> list[str]:
        """Take `names` out of the record's categories and of what it was asked; the ones it named."""
        dropped = sorted(names & {*rec.categories, *(rec.categories_asked or ())})
        if dropped:
            rec.categories = [c for c in rec.categories if c not in names]
            if rec.categories_asked is not None:
                rec.categories_asked = [c for c in rec.categories_asked if c not in names]
        return dropped

    def _groups_of(self, names: Iterable[str]) -> list[set[str]]:
        found = set(names)
        return [members for members in self.groups if members & found]
