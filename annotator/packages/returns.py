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
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.records import Category, CategoryGroup, Label, name_problem
from annotator.schemes.categories import default_categories
from annotator.schemes.labels import default_labels
from annotator.schemes.links import SETTING as LINK_SETTING
from annotator.schemes.links import default_link_types, link_types_from_setting, link_types_to_setting
from annotator.store import Store
from annotator.store.packages import PACKAGE_SETTING, PROJECT_ID_SETTING
from annotator.text import path_in_command, path_shown

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
            marker = _json(raw.get(PACKAGE_SETTING))
            if not isinstance(marker, dict) or marker.get("project_id") != store.get_setting(PROJECT_ID_SETTING):
                return []
            name = marker.get("annotator")
            shown = name if isinstance(name, str) and name_problem(name) is None else "?"  # no ESC to the terminal
            who = f"{path.name} ({shown})"
            try:
                guidelines: list | str = other.guidelines()
            except TeammateFileError as exc:
                guidelines = str(exc)
            try:
                actors: list | str = other.actors()
            except TeammateFileError as exc:
                actors = str(exc)
    except TeammateFileError:
        return []
    notes: list[str] = []
    for key, what, where in SCHEMES:
        if key not in raw:
            continue
        notes += _merge_one(store, key, what, where, who, raw[key])
    if isinstance(guidelines, str):
        notes.append(f"{who}: {guidelines}; the project's guidelines are unchanged")
    elif guidelines:
        notes += merge_package_guidelines(store, path, who, guidelines)
    if isinstance(actors, str):
        notes.append(f"{who}: {actors}; the project's actors are unchanged")
    elif actors:
        notes += merge_package_actors(store, who, actors)
    return notes


def merge_package_actors(store: Store, who: str, rows: list[dict[str, Any]]) -> list[str]:
    """Actors added in the package (a name the project has no actor or alias for) join the
    project's registry with their aliases and titles, each its own committed write; one whose
    name or alias the project already gives another actor is named and left out."""
    from annotator.store.actors import ActorError, Title, actor_key

    known = {actor_key(a.name) for a in store.actors.actors()}
    added, refused = [], []
    for row in rows:
        try:
            name = _decoded(row["name"], "name")
            if actor_key(name) in known:
                continue
            aliases = [(_decoded(a, "alias"), _decoded(k, "alias kind")) for a, k in row["aliases"]]
            titles = [Title(*(_decoded(v, "title") for v in t)) for t in row["titles"]]
            store.actors.add_actor(
                name,
                _decoded(row["kind"], "kind"),
                _decoded(row["side"], "side"),
                aliases=aliases,
                titles=titles,
                retired=bool(row["retired"]),
            )
            added.append(name)
            known.add(actor_key(name))
        except (ActorError, ValueError) as exc:
            shown = bytes(row["name"]).decode("utf-8", "replace") if isinstance(row["name"], bytes) else "?"
            refused.append(f"{shown[:60]}: {exc}")
    notes = []
    if added:
        notes.append(f"{who}: {_plural(len(added), 'actor')} added in the package, now in the project: {_shown(added)}")
    for why in refused[:10]:
        notes.append(f"{who}: an actor added in the package was left out ({why})")
    return notes


def _decoded(value: Any, what: str) -> str:
    if not isinstance(value, bytes):
        raise ValueError(f"its {what} is not text")
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"its {what} is not valid UTF-8") from None


@dataclass(frozen=True)
class _Version:
    version: int
    created_at: str
    author: str
    text: str
    sha256: str


def merge_package_guidelines(store: Store, path: Path, who: str, rows: list) -> list[str]:
    """The guidelines versions made in the package come in as the project's next versions (author
    and time kept), unless the project's guidelines changed too since the package was made: then
    the package's are named and left out, with the way to compare and choose. Twice: nothing."""
    try:
        theirs = _versions(rows)
    except ValueError as exc:
        return [f"{who}: its guidelines were left out ({exc}); the project's are unchanged"]
    ours = store.guidelines.versions()
    ours_sha = {v.version: v.sha256 for v in ours}
    base = max((v.version for v in theirs if ours_sha.get(v.version) == v.sha256), default=0)
    already = {(v.sha256, v.created_at, v.author) for v in ours}
    hers = [v for v in theirs if v.version > base and (v.sha256, v.created_at, v.author) not in already]
    if not hers:
        return []
    hers_keys = {(v.sha256, v.created_at, v.author) for v in theirs if v.version > base}
    moved = [v for v in ours if v.version > base and (v.sha256, v.created_at, v.author) not in hers_keys]
    last = hers[-1]
    if moved:
        if ours[-1].sha256 == last.sha256:
            return []  # the same text, changed in both
        project = moved[-1]
        return [
            f"{who}: the guidelines were changed in the package (its version {last.version} by "
            f"{last.author}, {last.created_at}) and in the project since it was made (version {project.version} by "
            f"{project.author}); the package's were left out and the project's kept: compare them "
            f"(annotator guidelines --db {path_in_command(path)} --version {last.version}) and load the text meant "
            "(annotator guidelines --load FILE)"
        ]
    notes = []
    for version in hers:
        why = _refused_text(version)
        if why:
            notes.append(
                f"{path_shown(path)}:1: guidelines version {version.version} by {version.author} was left out ({why}); "
                "the rest of the package came in"
            )
            continue
        added = store.guidelines.add_version(version.text, version.author, version.created_at)
        notes.append(
            f"{who}: guidelines version {version.version} made in the package by {version.author} "
            f"({version.created_at}) is now the project's version {added.version}"
        )
    return notes


def _refused_text(version: _Version) -> str | None:
    """Why `guidelines --load` would refuse this version's text (too large, a control character,
    empty), or None: a package is no way around the door every guidelines text passes."""
    from annotator.guidelines.document import GuidelinesError, checked_text

    try:
        checked_text(version.text, "its text")
    except GuidelinesError as exc:
        return str(exc)
    return None


def _versions(rows: list) -> list[_Version]:
    """The package's guidelines versions, validated (ValueError: why they cannot be merged)."""
    from annotator.store.guidelines import text_sha256
    from annotator.store.teammate import MAX_GUIDELINES_VERSIONS

    if len(rows) > MAX_GUIDELINES_VERSIONS:
        raise ValueError(f"more than {MAX_GUIDELINES_VERSIONS:,} versions")
    out = []
    for number, created_at, author, text in rows:
        if type(number) is not int or number < 1:
            raise ValueError(f"a version number that is not a positive integer ({str(number)[:20]!r})")
        values = []
        for value, what in ((created_at, "time"), (author, "author"), (text, "text")):
            if not isinstance(value, bytes):
                raise ValueError(f"version {number}: its {what} is not text")
            try:
                values.append(bytes(value).decode("utf-8"))
            except UnicodeDecodeError:
                raise ValueError(f"version {number}: its {what} is not valid UTF-8") from None
        created, name, body = values
        try:
            datetime.fromisoformat(created)
        except ValueError:
            raise ValueError(f"version {number}: its time {created[:40]!r} is not an ISO time") from None
        why = name_problem(name, "author")
        if why or not name:
            raise ValueError(f"version {number}: {why or 'no author'}")
        out.append(_Version(number, created, name, body, text_sha256(body)))
    return out


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
    if not isinstance(ours, list):
        ours = _default_scheme(key)  # a project that never saved a scheme works with the defaults
    theirs = _json(raw)
    if theirs == ours:
        return []
    problem = _unreadable(key, theirs)
    if problem:
        return [f"{who}: its {what} scheme was left out ({problem}); the project's is unchanged"]
    ours_by_name = {item.get("name"): item for item in ours if isinstance(item, dict)}
    theirs_by_name = {item["name"]: item for item in theirs}
    added = [item for name, item in theirs_by_name.items() if name not in ours_by_name]
    both = [(name, ours_by_name[name], item) for name, item in theirs_by_name.items() if name in ours_by_name]
    retired = [name for name, mine, hers in both if hers.get("retired") and not mine.get("retired")]
    changed = [name for name, mine, hers in both if name not in retired and _definition(mine) != _definition(hers)]
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
    if retired:
        notes.append(
            f"{who}: {_plural(len(retired), what)} retired in the package ({_shown(retired)}); the project's "
            f"kept in use: retire them in {where} if meant"
        )
    if dropped:
        notes.append(f"{who}: {_plural(len(dropped), what)} not in the package's scheme ({_shown(dropped)}); kept")
    return notes


def _default_scheme(key: str) -> list[dict]:
    """The scheme a project works with until it saves its own, as a saved one is stored: a package's
    scheme is compared with it, so her added, changed and retired entries are named either way."""
    if key == "label_scheme":
        return [asdict(label) for label in default_labels()]
    if key == LINK_SETTING:
        return link_types_to_setting(default_link_types())
    return [asdict(group) for group in default_categories()]


def _definition(item: dict) -> dict:
    """An entry without its key: keys follow the scheme's order (retiring one label renumbers the
    rest), so a key that moved is no change of what the entry means."""
    out = {name: value for name, value in item.items() if name != "key"}
    if isinstance(out.get("categories"), list):
        out["categories"] = [_definition(c) if isinstance(c, dict) else c for c in out["categories"]]
    return out


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
