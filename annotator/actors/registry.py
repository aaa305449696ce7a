"""Actor files: reading them (untrusted input, `FILE:LINE: reason`), writing them, and seeding actors
from the project's entities.

The shape (docs/actors.md): a JSON object `{"actors": [ACTOR, …]}`, a JSON list of actors, or
JSONL with one actor per line. An actor:

    {"name": "Volodymyr Zelensky", "kind": "person", "side": "Ukraine",
     "aliases": ["Zelensky", "Zelenskyy"], "metonyms": [],
     "titles": [{"title": "President of Ukraine", "from": "2019-05-20"}], "retired": false}

Only `name` and `kind` are required. A JSONL line may instead be a spaCy `EntityRuler` pattern
with an id, `{"label": "GPE", "pattern": "Kyiv", "id": "Ukraine"}`: the pattern becomes an alias
of the actor the id names (made with the label's kind when it is new), so an alias list kept
for spaCy loads as it is.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.store.actors import KINDS, Actor, ActorError, Title, actor_key, check_date, check_name
from annotator.text import path_shown

#: The largest actor file read (a registry is names: megabytes would be a mistake or an attack).
MAX_FILE_BYTES = 20_000_000
MAX_ACTORS = 100_000
MAX_ALIASES = 1_000
#: The kind an entity label (or a ruler pattern's label) gives a new actor.
KIND_OF_LABEL = {"PERSON": "person", "GPE": "state", "LOC": "state", "NORP": "organisation", "ORG": "organisation"}
_FIELDS = {"name", "kind", "side", "aliases", "metonyms", "titles", "retired"}


class ActorFileError(ActorError):
    """A problem in an actor file, as `FILE:LINE: reason`."""


@dataclass
class Loaded:
    """What a file held: its actors in order (ruler patterns folded into them)."""

    actors: list[Actor] = field(default_factory=list)
    patterns: int = 0
    #: Names of the actors made from patterns alone: they bring aliases, not a kind or side.
    from_patterns: set[str] = field(default_factory=set)


def read_actor_file(path: Path) -> Loaded:
    """The actors of `path` (JSON or JSONL), or `ActorFileError` naming the file and line of the first problem."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ActorFileError(f"{path_shown(path)}: {size:,} bytes; an actor file has at most {MAX_FILE_BYTES:,}")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActorFileError(f"{path_shown(path)}:1: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise ActorFileError(f"{path_shown(path)}: cannot read it ({exc.strerror})") from exc
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and _is_one_json(stripped)):
        items = _json_items(path, text)
    else:
        items = _jsonl_items(path, text)
    if len(items) > MAX_ACTORS:  # a bound on the load's time and memory, whatever the file
        raise ActorFileError(
            f"{path_shown(path)}:{items[MAX_ACTORS][0]}: actor {MAX_ACTORS + 1:,} of {len(items):,}; "
            f"a file holds at most {MAX_ACTORS:,} actors (split it in several files); nothing was loaded"
        )
    loaded = Loaded()
    by_name: dict[str, Actor] = {}
    for line, item in items:
        try:
            if isinstance(item, dict) and "pattern" in item:
                _pattern(item, by_name, loaded)
                continue
            actor = actor_from_dict(item)
        except ActorError as exc:
            raise ActorFileError(f"{path_shown(path)}:{line}: {exc}") from None
        key = actor_key(actor.name)
        if key in by_name:
            raise ActorFileError(f"{path_shown(path)}:{line}: {actor.name!r} is given twice")
        by_name[key] = actor
        loaded.actors.append(actor)
    _check_aliases_unique(path, items, loaded.actors)
    return loaded


def _is_one_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    except RecursionError:
        return True  # said by `_json_items`, with the file's name
    return True


def _json_items(path: Path, text: str) -> list[tuple[int, object]]:
    """Each element of the actor list with the line it starts on."""
    decoder = json.JSONDecoder()
    try:
        whole = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise ActorFileError(f"{path_shown(path)}:{line}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
    except RecursionError:
        raise ActorFileError(f"{path_shown(path)}:1: not valid JSON (nested too deep)") from None
    if isinstance(whole, dict) and "actors" not in whole and ("name" in whole or "pattern" in whole):
        return [(1, whole)]  # a file of one actor (or one pattern): JSONL of one line
    if isinstance(whole, dict):
        if set(whole) - {"actors", "about"} or not isinstance(whole.get("actors"), list):
            raise ActorFileError(f'{path_shown(path)}:1: expected {{"actors": [...]}} or a list of actors')
        found = re.search(r'"actors"\s*:\s*\[', text)
        at = found.end() if found else text.index("[") + 1
    elif isinstance(whole, list):
        at = text.index("[") + 1
    else:
        raise ActorFileError(f"{path_shown(path)}:1: expected a list of actors")
    items: list[tuple[int, object]] = []
    line, counted = 1, 0  # lines counted up to `counted`, so that a one-line file is not read again per actor
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return items
        item, end = decoder.raw_decode(text, at)
        line, counted = line + text.count("\n", counted, at), at
        items.append((line, item))
        at = end


def _jsonl_items(path: Path, text: str) -> list[tuple[int, object]]:
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except ValueError as exc:
            raise ActorFileError(f"{path_shown(path)}:{number}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
        except RecursionError:
            raise ActorFileError(f"{path_shown(path)}:{number}: not valid JSON (nested too deep)") from None
    return items


def actor_from_dict(item: object) -> Actor:
    """One actor of a file, checked: `ActorError` says what is wrong."""
    if not isinstance(item, dict):
        raise ActorError("an actor is a JSON object with a name and a kind")
    unknown = set(item) - _FIELDS
    if unknown:
        raise ActorError(f"unknown field {sorted(unknown)[0]!r} (an actor has {', '.join(sorted(_FIELDS))})")
    name = check_name(item.get("name"))
    kind = item.get("kind")
    if kind not in KINDS:
        raise ActorError(f"{name!r}: kind is one of {', '.join(KINDS)}, not {kind!r}")
    side = item.get("side") or ""
    side = check_name(side, "side") if side else ""
    aliases = [(check_name(a, "alias"), "name") for a in _strings(item, "aliases", name)]
    aliases += [(check_name(a, "metonym"), "metonym") for a in _strings(item, "metonyms", name)]
    titles = []
    raw_titles = item.get("titles") or []
    if not isinstance(raw_titles, list) or len(raw_titles) > MAX_ALIASES:
        raise ActorError(f"{name!r}: titles is a list of {{title, from, to}} (at most {MAX_ALIASES})")
    for t in raw_titles:
        if not isinstance(t, dict) or set(t) - {"title", "from", "to"}:
            raise ActorError(f'{name!r}: a title is {{"title": ..., "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}')
        title = Title(
            check_name(t.get("title"), "title"), check_date(t.get("from"), "from"), check_date(t.get("to"), "to")
        )
        if title.valid_from and title.valid_to and title.valid_to < title.valid_from:
            raise ActorError(f"{name!r}: title {title.title!r} ends before it starts")
        titles.append(title)
    retired = item.get("retired", False)
    if not isinstance(retired, bool):
        raise ActorError(f"{name!r}: retired is true or false")
    return Actor(0, name, kind, side, retired, aliases, titles)


def _strings(item: dict, key: str, name: str) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list) or len(value) > MAX_ALIASES or not all(isinstance(v, str) for v in value):
        raise ActorError(f"{name!r}: {key} is a list of names (at most {MAX_ALIASES})")
    return value


def _pattern(item: dict, by_name: dict[str, Actor], loaded: Loaded) -> None:
    """A spaCy EntityRuler pattern with an id: an alias of the actor the id names."""
    pattern, label, actor_id = item.get("pattern"), item.get("label"), item.get("id")
    if not isinstance(pattern, str):
        raise ActorError("only a phrase pattern (a string) can be an alias; a token pattern cannot")
    if not isinstance(actor_id, str):
        raise ActorError(f'the pattern {pattern[:40]!r} has no "id" naming its actor')
    name = check_name(actor_id)
    actor = by_name.get(actor_key(name))
    if actor is None:
        actor = Actor(0, name, KIND_OF_LABEL.get(str(label), "organisation"))
        by_name[actor_key(name)] = actor
        loaded.actors.append(actor)
        loaded.from_patterns.add(name)
    if actor_key(pattern) != actor_key(name):
        actor.aliases.append((check_name(pattern, "pattern"), "name"))
    loaded.patterns += 1


def _check_aliases_unique(path: Path, items: list[tuple[int, object]], actors: list[Actor]) -> None:
    owner: dict[str, str] = {actor_key(a.name): a.name for a in actors}
    for actor in actors:
        for alias, _ in actor.aliases:
            key = actor_key(alias)
            other = owner.setdefault(key, actor.name)
            if other != actor.name:
                line = next((n for n, item in items if isinstance(item, dict) and item.get("name") == actor.name), 1)
                raise ActorFileError(
                    f"{path_shown(path)}:{line}: {actor.name!r}: alias {alias!r} already names {other!r}"
                )


def dump_actors(actors: Iterable[Actor]) -> dict:
    """The registry in the file shape `read_actor_file` reads."""
    return {"actors": [a.as_dict() for a in actors]}


def ruler_patterns(actors: Iterable[Actor]) -> list[dict]:
    """The registry as spaCy EntityRuler patterns: each name and alias, its entity label, the actor as id."""
    label = {"person": "PERSON", "state": "GPE", "organisation": "ORG", "media": "ORG", "anonymous": "NORP"}
    out = []
    for actor in actors:
        if actor.retired or actor.kind == "anonymous":
            continue
        for name in [actor.name, *(a for a, _ in actor.aliases)]:
            out.append({"label": label[actor.kind], "pattern": name, "id": actor.name})
    return out


# -- seeding from the project's entities --------------------------------------------------------


def seed_actors(mentions: Iterable[tuple[str, str]], known: Iterable[Actor] = ()) -> list[Actor]:
    """Actors for the names entities give (`(text, label)` of PERSON, ORG, GPE and NORP mentions):
    one per distinct normalized name, its most frequent spelling as the name. A one-word person
    name that is the last word of exactly one longer person name becomes its alias ("Zelensky" of
    "Volodymyr Zelensky"); a nationality ("Ukrainian", NORP) of a state is left out, as are names
    the registry already knows (`known`) and words that cannot name an actor (`_may_name`)."""
    taken = {actor_key(a.name) for a in known} | {actor_key(x) for a in known for x, _ in a.aliases}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for text, label in mentions:
        if label not in KIND_OF_LABEL or label == "LOC":
            continue
        name = " ".join(re.sub(r"^[Tt]he\s+|['’]s$", "", text.strip()).split())
        key = actor_key(name)
        if not key or key in taken or not any(ch.isalpha() for ch in key) or not _may_name(name):
            continue
        spellings[key][name] += 1
        labels[key][label] += 1
    states = [k for k, c in labels.items() if "GPE" in c] + [actor_key(a.name) for a in known if a.kind == "state"]
    stems = tuple(k[:-1] for k in states if len(k) >= 4)
    actors: dict[str, Actor] = {}
    for key, names in sorted(spellings.items()):
        if labels[key].most_common(1)[0][0] == "NORP" and stems and key.startswith(stems):
            continue  # "Ukrainian", "Russians": the state's adjective, read as the state when resolving
        label = labels[key].most_common(1)[0][0]
        actors[key] = Actor(0, names.most_common(1)[0][0], KIND_OF_LABEL[label])
    people = [k for k, a in actors.items() if a.kind == "person" and " " in k]
    for key in [k for k, a in actors.items() if a.kind == "person" and " " not in k]:
        longer = [p for p in people if p.split()[-1] == key]
        if len(longer) == 1:
            gone = actors.pop(key)
            actors[longer[0]].aliases.append((gone.name, "name"))
    return sorted(actors.values(), key=lambda a: a.name.casefold())


def _may_name(words: str) -> bool:
    """Whether an entity's words may name an actor (`check_name`): words with a soft hyphen or a
    mixed-script word ("Z\\u0435lensky") are left for the user to add, not seeded."""
    try:
        check_name(words)
    except ActorError:
        return False
    return True
