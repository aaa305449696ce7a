"""The link scheme: the project's link types, or the defaults from `resources/link_types.json`.

Link types are edited like labels (add, rename with carry-over, recolour, reorder, retire);
the project keeps its own list in the setting `link_scheme` once it has one. The defaults
are this domain's: `speaker` and `target` (statement → entity or words), `condition-of` and
`responds-to` (statement → statement).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from annotator import settings
from annotator.records import LINK_ENDS, LinkType

#: The window's keys for link types that end on entities, given in the scheme's order (labels get 1–9).
LINK_KEYS = ("S", "T")
#: Colours for link types found in the data but not in the scheme (measured with the defaults in
#: tests/ui/test_palette.py).
EXTRA_LINK_COLORS = ("#4d7c0f", "#0369a1", "#57534e", "#ca8a04")
SETTING = "link_scheme"


def default_link_types() -> list[LinkType]:
    data = json.loads(settings.resource("link_types.json").read_text(encoding="utf-8"))
    return link_keys([LinkType(**item) for item in data["link_types"]])


def link_types_from_setting(raw: object) -> list[LinkType] | None:
    """The stored scheme (a list of dicts), or None when the project has not chosen one."""
    if not isinstance(raw, list):
        return None
    fields = {"name", "color", "ends", "description", "retired"}
    found = []
    for item in raw:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item.get("ends", "entity") in LINK_ENDS:
            found.append(LinkType(**{k: v for k, v in item.items() if k in fields}))
    return found


def link_types_to_setting(types: Sequence[LinkType]) -> list[dict]:
    return [
        {"name": t.name, "color": t.color, "ends": t.ends, "description": t.description, "retired": t.retired}
        for t in types
    ]


def project_link_types(store) -> list[LinkType]:
    """The project's link types (the defaults until it chooses its own), then every type its links
    carry that the scheme lacks (from another tool's file, say), so each can be seen and renamed."""
    scheme = store.schemes.link_scheme() or default_link_types()
    known = {t.name for t in scheme}
    extra = [name for name in store.links.used_link_types() if name not in known]
    colors = [c for c in EXTRA_LINK_COLORS if c not in {t.color for t in scheme}] or list(EXTRA_LINK_COLORS)
    found = [
        LinkType(
            name,
            colors[i % len(colors)],
            "any",
            "Found in this project's links but not in its scheme; describe it in Edit → Label scheme.",
        )
        for i, name in enumerate(extra)
    ]
    return link_keys(scheme + found)


def link_keys(types: Sequence[LinkType]) -> list[LinkType]:
    """S and T for the first two active types that end on entities, in order; no key for the rest."""
    keys = iter(LINK_KEYS)
    out = []
    for t in types:
        key = next(keys, "") if t.to_entities and not t.retired else ""
        out.append(replace(t, key=key))
    return out


def type_named(types: Sequence[LinkType], name: str) -> LinkType | None:
    return next((t for t in types if t.name == name), None)
