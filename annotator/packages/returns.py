"""A work package coming back: what its schemes say against the project's, merged or named.

The package's labels, links, categories and notes come back through the import of project
files (`formats.project_file`), which also refuses a package of another project. Here only its
schemes: a label, link type or category group the annotator added in her package is added to
the project's scheme (named); one she changed or dropped is named and the project's kept, with
where to change it; a scheme that cannot be read is named and left out. Each merge is its own
committed write, before the package's records come in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.records import Category, CategoryGroup, Label, name_problem
from annotator.schemes.links import SETTING as LINK_SETTING
from annotator.schemes.links import link_types_from_setting
from annotator.store import Store
from annotator.store.packages import PACKAGE_SETTING, PROJECT_ID_SETTING

#: Each scheme's setting, what its entries are called, and where the window changes it.
SCHEMES = (
    ("label_scheme", "label", "Edit ▸ Labels…"),
    (LINK_SETTING, "link type", "Edit ▸ Link types…"),
    ("category_scheme", "category group", "Edit ▸ Article categories…"),
)
#: The most entries a package's scheme may hold (a scheme is words, not data).
MAX_ENTRIES = 1000


def merge_package_scheme(store: Store, path: Path) -> list[str]:
    """Merge the schemes of the work package at `path` into the project's; notes for the user.
    Not a package, a package of another project, or a file that cannot be read: no notes (the
    import of its records says what is wrong with it)."""
    from annotator.store.teammate import TeammateFile, TeammateFileError

    keys = [PACKAGE_SETTING, *(key for key, _, _ in SCHEMES)]
    try:
        with TeammateFile.open(path, max_value_bytes=settings.MAX_RECORD_BYTES, seconds=60.0) as other:
            raw = other.settings(keys)
    except TeammateFileError:
        return []
    marker = _json(raw.get(PACKAGE_SETTING))
    if not isinstance(marker, dict) or marker.get("project_id") != store.get_setting(PROJECT_ID_SETTING):
        return []
    who = f"{path.name} ({str(marker.get('annotator', '?'))[:60]})"
    notes: list[str] = []
    for key, what, where in SCHEMES:
        if key not in raw:
            continue
        notes += _merge_one(store, key, what, where, who, raw[key])
    return notes


def sent_in_package(store: Store, path: Path) -> set[str] | None:
    """The text hashes of the articles this project sent in the work package at `path`, or None
    when it is no annotator's package of this project (a teammate's file, a reviewer's package):
    an article of the package not among them (a text edited by hand, an article added) is refused."""
    from annotator.store.teammate import TeammateFile, TeammateFileError

    try:
        with TeammateFile.open(path, max_value_bytes=settings.MAX_RECORD_BYTES, seconds=60.0) as other:
            marker = _json(other.settings([PACKAGE_SETTING]).get(PACKAGE_SETTING))
    except TeammateFileError:
        return None
    if not isinstance(marker, dict) or marker.get("project_id") != store.get_setting(PROJECT_ID_SETTING):
        return None
    round_, annotator = marker.get("round"), marker.get("annotator")
    if marker.get("role") != "annotate" or not isinstance(round_, int) or not isinstance(annotator, str):
        return None
    return store.packages.sent_hashes(round_, annotator)


def _merge_one(store: Store, key: str, what: str, where: str, who: str, raw: Any) -> list[str]:
    ours = store.get_setting(key)
    theirs = _json(raw)
    if not isinstance(ours, list) or theirs == ours:
        return []
    problem = _unreadable(key, theirs)
    if problem:
        return [f"{who}: its {what} scheme was left out ({problem}); the project's is unchanged"]
    ours_by_name = {item.get("name"): item for item in ours if isinstance(item, dict)}
    theirs_by_name = {item["name"]: item for item in theirs}
    added = [item for name, item in theirs_by_name.items() if name not in ours_by_name]
    changed = [name for name, item in theirs_by_name.items() if name in ours_by_name and ours_by_name[name] != item]
    dropped = [name for name in ours_by_name if name not in theirs_by_name]
    notes = []
    if added:
        if key == "label_scheme":  # a key the project's labels already use stays theirs
            used = {item.get("key") for item in ours if isinstance(item, dict)}
            added = [{**item, "key": ""} if item.get("key") in used else item for item in added]
        store.set_setting(key, [*ours, *added])
        notes.append(f"{who}: {_plural(len(added), what)} added in the package, now in the project: {_names(added)}")
    if changed:
        notes.append(
            f"{who}: {_plural(len(changed), what)} changed in the package ({_shown(changed)}); the project's "
            f"kept: change them in {where} if the package's are meant"
        )
    if dropped:
        notes.append(f"{who}: {_plural(len(dropped), what)} not in the package's scheme ({_shown(dropped)}); kept")
    return notes


def _unreadable(key: str, value: Any) -> str | None:
    """Why a package's scheme cannot be merged, or None."""
    if not isinstance(value, list) or not all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in value):
        return "not a list of named entries"
    if len(value) > MAX_ENTRIES:
        return f"{len(value):,} entries; a scheme holds at most {MAX_ENTRIES}"
    for item in value:
        why = name_problem(item["name"], "name")
        if why:
            return why
    try:
        if key == "label_scheme":
            [Label(**item) for item in value]
        elif key == LINK_SETTING:
            if link_types_from_setting(value) is None:
                return "not a list of link types"
        else:
            for group in value:
                for category in group.get("categories", ()):
                    Category(**category)
                CategoryGroup(group["name"], bool(group.get("exclusive")), ())
    except (TypeError, AttributeError) as exc:
        return f"an entry of unknown shape ({str(exc)[:80]})"
    return None


def _json(raw: Any) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(bytes(raw).decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def _plural(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _names(items: list[dict]) -> str:
    return _shown([item["name"] for item in items])


def _shown(names: list[str]) -> str:
    return ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
