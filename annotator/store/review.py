"""Queries for merging, conflict review, agreement and the gold layer."""

from __future__ import annotations

from annotator.store.core import CoreStore


class ReviewMixin(CoreStore):
    pass
