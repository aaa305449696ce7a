"""Annotation actions from the window: labels, notes, statuses, entity corrections, the article list.

Each public method is one user action and one committed transaction.
"""

from __future__ import annotations

from annotator.store.core import CoreStore


class EditingMixin(CoreStore):
    pass
