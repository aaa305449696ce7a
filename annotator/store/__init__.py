"""The project file: the only package that speaks SQL.

A project is one SQLite file in WAL mode with `synchronous=FULL`. Every write runs in a
`BEGIN IMMEDIATE` transaction (`Store.write`), so a user action is wholly on disk or not
at all. Known failures (locked, corrupt, newer schema, read-only, disk full) surface as
`StoreError` with a message meant for the user. `Store` is assembled from one module per
concern: `core` (open, import, read), `editing` (the window's actions), `review`,
`places` (where each annotator was reading).
"""

from annotator.store.core import (
    CorruptProjectError,
    ImportCounts,
    NewerSchemaError,
    Preannotation,
    StoreError,
    now,
)
from annotator.store.editing import EditingMixin
from annotator.store.maintenance import MaintenanceMixin
from annotator.store.places import PlacesMixin
from annotator.store.review import ReviewMixin
from annotator.store.schema import SCHEMA_VERSION


class Store(EditingMixin, ReviewMixin, MaintenanceMixin, PlacesMixin):
    """An open project file. Use `Store.open(path)` and close it (or use `with`)."""


__all__ = [
    "SCHEMA_VERSION",
    "CorruptProjectError",
    "ImportCounts",
    "NewerSchemaError",
    "Preannotation",
    "Store",
    "StoreError",
    "now",
]
