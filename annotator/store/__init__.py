"""The project file: the only package that speaks SQL.

A project is one SQLite file in WAL mode with `synchronous=FULL`. Every write runs in a
`BEGIN IMMEDIATE` transaction (`Store.write`), so a user action is wholly on disk or not
at all. Known failures (locked, corrupt, not a project, newer schema, read-only, disk
full) surface as `StoreError` with a message meant for the user. `Store` is assembled
from one module per concern: `opening` (open, create, transactions, backups), `core`
(import, read), `editing` (the window's actions), `review`, `preannotations`, `places` (where each
annotator was reading), `search_index` (the corpus search index), `categories` (article
categories), `metadata` (the articles' meta fields), `links` (links between statements and
their other ends), `suggestions` (what was suggested and what was decided); `files` looks at project
files without writing and makes checked copies, `lock` keeps a second window (or a
restore) off a project, `teammate` reads another annotator's project file as untrusted
input.
"""

from annotator.store.categories import CategoryMixin
from annotator.store.core import (
    ImportCounts,
    now,
)
from annotator.store.editing import EditingMixin
from annotator.store.errors import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    ReadOnlyProjectError,
    StoreError,
)
from annotator.store.files import check_project, read_only_reason
from annotator.store.links import ClearedStatement, LinkChange, LinksMixin, SlotState, StatementChange
from annotator.store.maintenance import MaintenanceMixin
from annotator.store.metadata import MetadataMixin, MetaField
from annotator.store.places import PlacesMixin
from annotator.store.preannotations import Preannotation, PreannotationFailure, PreannotationMixin
from annotator.store.review import ReviewMixin
from annotator.store.schema import SCHEMA_VERSION
from annotator.store.search_index import SearchIndexMixin
from annotator.store.suggestions import SuggestionLogMixin


class Store(
    SearchIndexMixin,
    LinksMixin,
    CategoryMixin,
    MetadataMixin,
    EditingMixin,
    ReviewMixin,
    MaintenanceMixin,
    PreannotationMixin,
    PlacesMixin,
    SuggestionLogMixin,
):
    """An open project file. `Store.open(path)` an existing one, `Store.create(path)` a new one;
    close it (or use `with`)."""


__all__ = [
    "SCHEMA_VERSION",
    "ClearedStatement",
    "CorruptProjectError",
    "ImportCounts",
    "LinkChange",
    "MetaField",
    "NewerSchemaError",
    "NotAProjectError",
    "Preannotation",
    "PreannotationFailure",
    "ReadOnlyProjectError",
    "SlotState",
    "StatementChange",
    "Store",
    "StoreError",
    "check_project",
    "now",
    "read_only_reason",
]
