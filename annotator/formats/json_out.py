"""The JSON text of one exported record, exact to every float a user's meta holds.

ujson (srsly's writer, the fastest here) writes a float with at most 15 significant digits:
0.14285714285714285 comes out as 0.142857142857143 and 2.2250738585072014e-308 as 0.0. A record
whose meta holds a float is therefore written by the standard library's encoder, which writes the
shortest text that reads back as the very same float; every other record by ujson. Both write
the same compact JSON (`{"a":1}`, non-ASCII as `\\uXXXX`, `/` as it is). Only meta can hold a
float: every other value an export writes is a text, an integer or a flag of ours.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import srsly

#: `srsly.json_dumps` (the same bytes), called without its Python wrapper.
fast_dumps = partial(srsly.ujson.dumps, indent=0, escape_forward_slashes=False)
_exact_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def json_text(record: Any, meta: dict[str, Any]) -> str:
    """`record` as compact JSON: by ujson, or by the standard library when `meta` holds a float."""
    return _exact_dumps(record) if holds_float(meta) else fast_dumps(record)


def holds_float(meta: dict[str, Any]) -> bool:
    """Whether `meta` (parsed JSON) holds a float anywhere: a flat meta of texts and integers, the
    common one, is looked at in one pass; objects and lists in it are walked."""
    inner: list[Any] = []
    for value in meta.values():
        kind = type(value)
        if kind is float:
            return True
        if kind is dict or kind is list:
            inner.append(value)
    while inner:
        value = inner.pop()
        for item in value.values() if type(value) is dict else value:
            kind = type(item)
            if kind is float:
                return True
            if kind is dict or kind is list:
                inner.append(item)
    return False
