"""The label scheme: the project's own, or the default from `resources/labels.json`."""

from __future__ import annotations

import json

from annotator import settings
from annotator.records import Label


def default_labels() -> list[Label]:
    data = json.loads(settings.resource("labels.json").read_text(encoding="utf-8"))
    return [Label(**item) for item in data["labels"]]


def project_labels(store) -> list[Label]:
    """The labels the project uses; the defaults until it chooses its own."""
    return store.label_scheme() or default_labels()
