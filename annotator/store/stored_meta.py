"""An article's stored meta read back: the JSON object an import or an edit wrote, or damage.

Every meta the project writes is a JSON object of finite numbers, nested at most
`settings.MAX_META_DEPTH` deep (the import refuses anything else). A file changed by hand or by
another program can hold something else (NaN, 1e999, broken JSON, a list, 5,000 levels of
nesting); read here, that is damage naming its article, never a traceback, a `null` written for
NaN or an export that our own import would refuse; `annotator check --full` lists them all.
Reading an article to annotate it is not stopped by its meta: there it shows as none (`shown_meta`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from json.scanner import c_make_scanner
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.store.errors import CorruptProjectError
from annotator.text import path_in_command, path_shown


def _not_a_number(name: str) -> None:
    """NaN, Infinity and -Infinity, which Python's JSON reader takes and JSON has not."""
    raise ValueError(f"{name} is not a JSON number")


def _finite(number: str) -> float:
    """A JSON number as a float, unless it is beyond a double's range (1e999), which reads as infinity."""
    value = float(number)
    if math.isinf(value):
        raise ValueError(f"{number:.40} is beyond a double, read as infinity")
    return value


_DECODER = json.JSONDecoder(parse_constant=_not_a_number, parse_float=_finite)
#: A JSON text shorter than this cannot nest more than `settings.MAX_META_DEPTH` deep (two characters a level).
_SHALLOW = 2 * (settings.MAX_META_DEPTH + 1)
#: The C half of `json.loads`: one object from an offset, without the Python wrapper's whitespace matching.
_scan = c_make_scanner(_DECODER) if c_make_scanner is not None else _DECODER.scan_once


def read_meta(stored: str, article_id: int, path: Path) -> dict[str, Any]:
    """The meta stored for article `article_id` of the project at `path`, as a dict; a
    `CorruptProjectError` (a `StoreError`) naming the article when it is no JSON object the project
    could have written."""
    try:  # the common meta, read by the C scanner alone: too short to nest too deep (the export's hot path)
        found, end = _scan(stored, 0)
        if end == len(stored) and type(found) is dict and end < _SHALLOW:
            return found
    except (StopIteration, ValueError, RecursionError, TypeError):
        pass
    try:
        return parsed_meta(stored)
    except ValueError as exc:
        command = f"annotator --db {path_in_command(path)}"
        raise CorruptProjectError(
            f"{path_shown(path)}: article {article_id}'s meta {exc}, which Annotator never writes: the file was "
            f"changed by another program or by hand, and was left as it was. `{command} check --full` lists every "
            f"such article; correct them in the file, or restore a backup made before the change "
            f"(`{command} restore --from BACKUP`)"
        ) from None


def parsed_meta(stored: str) -> dict[str, Any]:
    """A stored meta as a dict, or ValueError saying what it is instead ("is not JSON: …", "is not
    a JSON object", "is nested more than 100 levels deep"). The C scanner alone reads it when it
    reads the whole string, as it does every meta an import stored."""
    try:
        try:
            found, end = _scan(stored, 0)
        except StopIteration:  # leading white space, or not JSON at all
            end = -1
        meta = found if end == len(stored) else _DECODER.decode(stored)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"is not JSON ({exc})") from None
    except TypeError:  # SQLite holds any type in any column: a blob, a number
        raise ValueError(f"is not JSON text but {_kind(stored)}") from None
    if type(meta) is not dict:
        raise ValueError("is not a JSON object")
    if stored.count("{") + stored.count("[") > settings.MAX_META_DEPTH and _depth(meta) > settings.MAX_META_DEPTH:
        raise ValueError(f"is nested more than {settings.MAX_META_DEPTH} levels deep")
    return meta


def shown_meta(stored: str) -> dict[str, Any]:
    """A stored meta for reading and annotating (the window, an actor's dated statements): `{}`
    where it is damage. The text is what a person works on; the export and `check --full` name it."""
    try:
        return parsed_meta(stored)
    except ValueError:
        return {}


def meta_problems(rows: Iterable[tuple[int, str]]) -> Iterator[str]:
    """What is wrong with each (article id, stored meta) of `rows` that `parsed_meta` refuses."""
    for article_id, stored in rows:
        if stored != "{}":
            try:
                parsed_meta(stored)
            except ValueError as exc:
                yield f"article {article_id}'s meta {exc}"


def is_meta_problem(problem: str) -> bool:
    """Whether `problem` (a line of `check --full`) is one `meta_problems` gave."""
    return _META_PROBLEM.match(problem) is not None


_META_PROBLEM = re.compile(r"article \d+'s meta ")


def _kind(value: Any) -> str:
    return f"a blob of {len(value)} bytes" if isinstance(value, bytes) else f"a {type(value).__name__}"


def _depth(value: Any) -> int:
    """How deep objects and lists nest in `value` (a flat object: 1), walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        container, depth = stack.pop()
        deepest = max(deepest, depth)
        items = container.values() if type(container) is dict else container
        stack += [(item, depth + 1) for item in items if type(item) in (dict, list)]
    return deepest
