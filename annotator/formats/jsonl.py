"""JSONL input: plain `{"text", "meta"}`, Prodigy-style `spans` and doccano-style `label` records.

Read line by line (streamed), so a bad line is reported with its physical line number
and the rest of the file still comes in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import srsly

from annotator import settings
from annotator.formats.records import RecordError, record_from_dict
from annotator.records import IncomingRecord, Rejection

MAX_LINE_BYTES = settings.MAX_RECORD_BYTES
#: How much of an over-long line is read at a time while it is skipped.
_SKIP_CHUNK = 16 * 2**20


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


#: Stands for a line longer than MAX_LINE_BYTES, which is never held in memory whole.
_TOO_LONG = b"\0too long"


def _lines(handle: IO[bytes]) -> Iterator[bytes]:
    """The file's lines; one longer than MAX_LINE_BYTES (a 2 GB line without a newline…) is
    skipped a chunk at a time and given as `_TOO_LONG`, so memory stays bounded."""
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        if len(raw) <= MAX_LINE_BYTES:
            yield raw
            continue
        if not raw.endswith(b"\n"):
            _skip_line(handle)
        yield _TOO_LONG


def _skip_line(handle: IO[bytes]) -> None:
    """Read on past the end of the current line, never holding more than a chunk of it."""
    chunk = bytearray(_SKIP_CHUNK)  # one buffer, read into again and again
    while n := handle.readinto(chunk):
        end = chunk.find(b"\n", 0, n)
        if end >= 0:
            handle.seek(end + 1 - n, os.SEEK_CUR)
            return


def read_jsonl(path: Path) -> Iterator[IncomingRecord | Rejection]:
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejection(name, 1, f"cannot read the file ({exc.strerror})")
        return
    with handle:
        for lineno, raw in enumerate(_lines(handle), 1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw is _TOO_LONG:
                yield Rejection(name, lineno, f"line is longer than {MAX_LINE_BYTES // 2**20} MiB, skipped")
                continue
            if not raw.strip():
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
            try:
                yield record_from_dict(obj, source=path.name, line=lineno)
            except RecordError as exc:
                yield Rejection(name, lineno, str(exc))
