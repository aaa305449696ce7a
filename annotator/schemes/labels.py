"""The label scheme: the project's own, or the default from `resources/labels.json`."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace

from annotator import settings
from annotator.records import Label
from annotator.text import excerpt


def default_labels() -> list[Label]:
    data = json.loads(settings.resource("labels.json").read_text(encoding="utf-8"))
    return [Label(**item) for item in data["labels"]]


#: Colours for labels found in the data but not in the scheme: with the defaults', every two tints
#: differ by 13 or more in CIEDE2000 (the defaults among themselves by 20; tests/ui/test_palette.py).
EXTRA_COLORS = ("#41a3c1", "#54301d", "#f75cc7", "#1faf7a", "#9c976c", "#27356e", "#6c043f", "#ec7d6c")


def project_labels(store) -> list[Label]:
    """The project's scheme (the defaults until it chooses its own), then every label its
    statements carry that the scheme lacks (say, from another tool's file), so that each
    label in the data can be seen, keyed, filtered and named in the scheme dialog.

    Such a label gets the next key 1–9 after the active labels, as the scheme dialog would.
    """
    scheme = store.schemes.label_scheme() or default_labels()
    known = {label.name for label in scheme}
    extra = [name for name in store.statements.used_labels() if name not in known]
    if not extra:
        return scheme
    used = {label.color.lower() for label in scheme}
    colors = [c for c in EXTRA_COLORS if c not in used] or list(EXTRA_COLORS)
    found = [
        Label(
            name,
            colors[i % len(colors)],
            description="Found in this project's labels but not in its scheme; describe it in Edit → Label scheme.",
        )
        for i, name in enumerate(extra)
    ]
    return scheme + number_keys(found, after=sum(not label.retired for label in scheme))


def label_universe(store) -> list[str]:
    """Every label a statement classifier should know: the scheme's (the defaults until the project
    chooses its own) that are not retired, and any other label in use."""
    names = [label.name for label in project_labels(store) if not label.retired]
    used = [name for name in store.statements.used_labels() if name not in names]
    return names + used


def unknown_labels(store, names: Iterable[str]) -> str | None:
    """Why `names` are not all the project's labels (its scheme, or carried by a statement), naming
    the close match of each typo - or None. A typo must not become an empty training file
    (`export --labels ofer`) or a new label across the corpus (`search --label denail --apply`)."""
    known = [label.name for label in project_labels(store)]
    unknown = sorted({name for name in names if name not in known})
    if not unknown:
        return None
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or [
            k for k in known if k.casefold() == name.casefold()
        ]
        shown = repr(excerpt(name, 60))  # a 200-character typo is not echoed whole
        hints.append(f"{shown} (did you mean {close[0]!r}?)" if close else shown)
    return f"no label {', '.join(hints)} in this project (its labels: {', '.join(known) or 'none'})"


def number_keys(labels: Sequence[Label], after: int = 0) -> list[Label]:
    """Keys 1–9 for the labels that are not retired, in order (after `after` active labels);
    the rest have none. Keys follow the order: moving a label moves its key."""
    numbered, place = [], after
    for label in labels:
        key = ""
        if not label.retired:
            place += 1
            key = str(place) if place <= 9 else ""
        numbered.append(replace(label, key=key))
    return numbered
