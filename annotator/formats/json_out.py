"""The JSON text of one exported record: compact, UTF-8, exact to every number a user's meta holds.

orjson writes it: a float as the shortest text that reads back as the very same float (ujson,
srsly's writer, cut every float to 15 digits: 2.2250738585072014e-308 came out as 0.0), and three
times as fast as ujson, which matters on the export's hot path (`benchmarks/floor.py`). Text
outside ASCII is written as UTF-8, as doccano and Label Studio write their own exports: a
Ukrainian article is a third of the size it was as `\\uXXXX` escapes, and readable in the file.

Some characters are still written as escapes, the same string to any JSON reader: U+2028, U+2029
and U+0085 end a line for readers that split lines as Python's `str.splitlines` does, so a text
holding one would break its record in two; and what a terminal obeys rather than shows (DEL, the
C1 controls such as U+009B, a one-character CSI, and the bidi overrides and isolates:
`text.json_shown`), so that printing or grepping an export runs nothing a text holds. What orjson
refuses (an integer beyond 64 bits, a lone surrogate, a key that is not a text; an import lets
none of them into a project) the standard library's encoder writes, all in ASCII.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from annotator.text import json_shown

_ascii_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def json_text(record: Any) -> str:
    """`record` as one line of compact JSON (no line break at its end)."""
    try:
        data = orjson.dumps(record)
    except TypeError:  # what orjson does not write; never a stored record's (see the module docstring)
        return _ascii_dumps(record)
    # every character escaped below is DEL or starts, in UTF-8, with 0xC2 (U+0080 to U+00BF) or 0xE2
    # (U+2000 to U+2FFF): a line with none of them (most, Cyrillic ones too) is written as it is
    if b"\x7f" not in data and (data.isascii() or (b"\xc2" not in data and b"\xe2" not in data)):
        return data.decode()
    text = json_shown(data.decode())
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text
