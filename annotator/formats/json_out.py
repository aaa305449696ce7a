"""The JSON text of one exported record: compact, UTF-8, exact to every number a user's meta holds.

orjson writes it: a float as the shortest text that reads back as the very same float (ujson,
srsly's writer, cut every float to 15 digits: 2.2250738585072014e-308 came out as 0.0), and three
times as fast as ujson, which matters on the export's hot path (`benchmarks/floor.py`). Text
outside ASCII is written as UTF-8, as doccano and Label Studio write their own exports: a
Ukrainian article is a third of the size it was as `\\uXXXX` escapes, and readable in the file.

Three characters are still escaped: U+2028, U+2029 and U+0085 end a line for readers that split
lines as Python's `str.splitlines` does, so a text holding one would break its record in two.
What orjson refuses (an integer beyond 64 bits, a lone surrogate, a key that is not a text; an
import lets none of them into a project) the standard library's encoder writes, all in ASCII.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_ascii_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode

#: Line breaks to `str.splitlines` that JSON allows unescaped in a string, as UTF-8 and as an escape.
_LINE_BREAKS = (
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
    ("\x85".encode(), b"\\u0085"),
)


def json_text(record: Any) -> str:
    """`record` as one line of compact JSON (no line break at its end)."""
    try:
        data = orjson.dumps(record)
    except TypeError:  # what orjson does not write; never a stored record's (see the module docstring)
        return _ascii_dumps(record)
    if not data.isascii():
        for raw, escaped in _LINE_BREAKS:
            if raw in data:
                data = data.replace(raw, escaped)
    return data.decode()
