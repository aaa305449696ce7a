"""Whose labels a write stores: in a work package, always the package's annotator (the window,
`import`, `search --apply` and every other write into a package ask here, the one rule)."""

from __future__ import annotations

from typing import Any

from annotator import settings
from annotator.records import person_name_problem


class NotThePackagesAnnotator(ValueError):
    """A name given for a write into a work package that is not the package's annotator."""


def package_annotator(store: Any) -> str | None:
    """The annotator a work package was made for (`annotator packages`): in her package, her labels
    are stored under her name whoever's computer opens it. None for any other project (or a marker
    whose name could not be stored)."""
    marker = store.packages.marker()
    name = marker.get("annotator") if marker else None
    if not isinstance(name, str) or person_name_problem(name):
        return None
    return name


def writing_annotator(store: Any, given: str | None, option: str = "--annotator") -> str:
    """Who a write into `store` is stored under: in a work package its annotator (a `given` name
    of someone else is refused, `NotThePackagesAnnotator`, telling to leave out `option`); elsewhere
    `given`, else the default (`ANNOTATOR_NAME` or the login name)."""
    owner = package_annotator(store)
    if owner is None:
        return given or settings.default_annotator()
    if given and given != owner:
        raise NotThePackagesAnnotator(
            f"this is {owner}'s work package: its labels are stored under {owner!r}, not {given[:60]!r}; "
            f"leave out {option}"
        )
    return owner
