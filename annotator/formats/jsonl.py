"""JSONL input: plain `{"text", "meta"}`, Prodigy-style `spans` and doccano-style `label` records.

Read line by line (streamed), so a bad line is reported with its physical line number
and the rest of the file still comes in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import srsly

from annotator.formats.records import RecordError, record_from_dict
from annotator.records import IncomingRecord, Rejection

MAX_LINE_BYTES = 64 * 1024 * 1024


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def _strict_json(line: str) -> Any:
    """The standard library's reading of a line srsly's fast parser refused.

    ujson refuses some valid JSON (integers beyond 64 bits) and says little about invalid
    JSON; the standard parser names the problem and its column. NaN and Infinity stay out.
    Raises ValueError with the reason the user sees.
    """
    try:
        return json.loads(line.rstrip("\r\n"), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None


def read_jsonl(path: Path) -> Iterator[IncomingRecord | Rejection]:
    return json_records(path, lambda obj, lineno: record_from_dict(obj, source=path.name, line=lineno))


def json_records(path: Path, make: Callable[[Any, int], IncomingRecord]) -> Iterator[IncomingRecord | Rejection]:
    """`make(obj, lineno)` for each line of a JSONL file; a `RecordError` it raises becomes FILE:LINE."""
    for item in json_lines(path):
        if isinstance(item, Rejection):
            yield item
            continue
        lineno, obj = item
        try:
            yield make(obj, lineno)
        except RecordError as exc:
            yield Rejection(str(path), lineno, str(exc))


def json_lines(path: Path) -> Iterator[tuple[int, Any] | Rejection]:
    """(line number, parsed JSON) of each non-blank line, or why a line cannot be read."""
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejection(name, 1, f"cannot read the file ({exc.strerror})")
        return
    with handle:
        for lineno, raw in enumerate(handle, 1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            if len(raw) > MAX_LINE_BYTES:
                yield Rejection(name, lineno, f"line is longer than {MAX_LINE_BYTES // 2**20} MiB")
                continue
            if b"\x00" in raw:
                yield Rejection(name, lineno, "binary data (NUL byte), not JSON")
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Rejection(name, lineno, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                continue
            try:
                obj = srsly.json_loads(line)
            except (ValueError, RecursionError, OverflowError):
                try:
                    obj = _strict_json(line)
                except ValueError as exc:
                    yield Rejection(name, lineno, str(exc))
                    continue
            yield lineno, obj
