"""The project file: the only package that speaks SQL.

A project is one SQLite file in WAL mode with `synchronous=FULL`. Every write runs in a
`BEGIN IMMEDIATE` transaction (`Store.write`), so a user action is wholly on disk or not
at all. Known failures (locked, corrupt, not a project, newer schema, read-only, disk
full) surface as `StoreError` with a message meant for the user (`errors`, sorted by
SQLite's error code).

`Store` (`opening`) opens, creates, migrates, holds the settings and the transactions; the
project's contents are named parts over its one connection, each in its own module, as
sqlite-utils hands out tables over one database:

    store.layers          layers.py          annotators, models and the gold layer
    store.schemes         schemes.py         label, link and category schemes
    store.articles        articles.py        articles, statuses, the paged article list
    store.meta            metadata.py        the articles' metadata fields
    store.entities        entities.py        entities and their corrections
    store.statements      statements.py      statements and their labels
    store.links           links.py           links and the gold layer's link decisions
    store.categories      categories.py      article categories and gold's decisions
    store.search          search_index.py    the corpus search index
    store.suggestions     suggestions.py     what was suggested and what was decided
    store.review          review.py          streaming reads for merging and agreement
    store.preannotations  preannotations.py  the pipeline's output and failures
    store.places          places.py          where each annotator was reading
    store.actors          actors.py          who is who: actors, aliases, titles, resolved link ends
    store.packages        packages.py        work packages sent out, and building one
    store.progress        progress.py        who decided what and when (annotator progress)

Import (`importer`) and export (`exporter`) are each one sequence of steps in one module.
`files` looks at project files without writing and makes checked copies, `lock` keeps a
second window (or a restore) off a project, `teammate` reads another annotator's project
file as untrusted input.
"""

from typing import Any

from annotator.store.errors import (
    CannotOpenError,
    CorruptProjectError,
    DiskError,
    DiskFullError,
    NewerSchemaError,
    NotAProjectError,
    ProjectBusyError,
    ReadOnlyProjectError,
    StoreError,
)

#: Names this package hands out, and the module each lives in: loaded on first use, so that a
#: command importing only `StoreError` (the CLI's group) does not load every part.
_LAZY = {
    "check_project": "files",
    "read_only_reason": "files",
    "ImportCounts": "importer",
    "LinkChange": "links",
    "SlotState": "links",
    "MetaField": "metadata",
    "Store": "opening",
    "now": "part",
    "Preannotation": "preannotations",
    "PreannotationFailure": "preannotations",
    "SCHEMA_VERSION": "schema",
    "ClearedStatement": "statements",
    "StatementChange": "statements",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"annotator.store.{module}"), name)


__all__ = [
    "SCHEMA_VERSION",
    "CannotOpenError",
    "ClearedStatement",
    "CorruptProjectError",
    "DiskError",
    "DiskFullError",
    "ImportCounts",
    "LinkChange",
    "MetaField",
    "NewerSchemaError",
    "NotAProjectError",
    "Preannotation",
    "PreannotationFailure",
    "ProjectBusyError",
    "ReadOnlyProjectError",
    "SlotState",
    "StatementChange",
    "Store",
    "StoreError",
    "check_project",
    "now",
    "read_only_reason",
]
