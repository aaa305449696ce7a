"""JSON input: one record per line (JSONL) or per element of a `.json` array, whichever tool wrote it.

A record may be plain `{"text", "meta"}`, Prodigy's (`spans`, `_annotator_id`; `label`
triples, as doccano's sequence labelling writes them), any other doccano shape
(`formats.doccano`) or a Label Studio task or JSON-MIN item (`formats.label_studio`):
each object is read by the shape it has, so one file may mix them. Prodigy's loader
takes a `.json` array of the same records (`prodigy.components.loaders.JSON`).

Read line by line or element by element (streamed), so a bad record is reported with its
line number and the rest of the file still comes in. Prodigy's `relations` (`rel.manual`) become
links. What a record carries that a project cannot hold (categories, choices) is named once per
file with a count.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import srsly

from annotator import settings
from annotator.formats import label_studio
from annotator.formats.doccano import doccano_records, is_doccano
from annotator.formats.json_stream import iter_json_records, reject_constant
from annotator.formats.left_out import LeftOut
from annotator.formats.records import RecordError, record_from_dict
from annotator.formats.textfiles import open_binary
from annotator.records import IncomingRecord, Rejection

MAX_LINE_BYTES = settings.MAX_RECORD_BYTES
#: How much of an over-long line is read at a time while it is skipped.
_SKIP_CHUNK = 16 * 2**20


def _strict_json(line: str) -> Any:
    """The standard library's reading of a line srsly's fast parser refused.

    ujson refuses some valid JSON (integers beyond 64 bits) and says little about invalid
    JSON; the standard parser names the problem and its column. NaN and Infinity stay out.
    Raises ValueError with the reason the user sees.
    """
    try:
        return json.loads(line.rstrip("\r\n"), parse_constant=reject_constant)
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
    """The records of a JSONL file, each line read by the shape it has."""
    name = str(path)
    left_out = LeftOut()
    for item in json_lines(path):
        if isinstance(item, Rejection):
            yield item
            continue
        lineno, obj = item
        yield from records_from_object(obj, path=name, source=path.name, line=lineno, left_out=left_out)
    yield from left_out.rejections(name)


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
    handle = open_binary(path)
    if isinstance(handle, Rejection):
        yield handle
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
            yield lineno, obj


def read_json(path: Path) -> Iterator[IncomingRecord | Rejection]:
    """The records of a `.json` file: an array of records (Label Studio's, doccano's and
    Prodigy's exports) or one record, streamed (`json_stream`)."""
    name = str(path)
    left_out = LeftOut()
    for item in iter_json_records(path):
        if isinstance(item, Rejection):
            yield item
            continue
        line, obj = item
        yield from records_from_object(obj, path=name, source=path.name, line=line, left_out=left_out)
    yield from left_out.rejections(name)


def records_from_object(
    obj: Any, *, path: str, source: str, line: int, left_out: LeftOut
) -> Iterator[IncomingRecord | Rejection]:
    """The records one parsed JSON object holds (a Label Studio task holds one per annotation),
    all of them or, with the reason, none."""
    task = ""
    note = None
    try:
        if type(obj) is not dict:
            records = [record_from_dict(obj, source=source, line=line)]  # says what it is instead
        elif label_studio.is_task(obj) or label_studio.is_json_min(obj):
            task = _task_name(obj.get("id"))
            read = label_studio.task_records if label_studio.is_task(obj) else label_studio.min_records
            records, note = read(obj, source=source, line=line)
        elif is_doccano(obj):
            records = [
                record_from_dict(item, source=source, line=line) for item in doccano_records(obj, line, left_out)
            ]
        else:
            records = [record_from_dict(_prodigy(obj, line, left_out), source=source, line=line)]
    except RecordError as exc:
        yield Rejection(path, line, f"{task}{exc}")
        return
    yield from records
    if note:
        yield Rejection(path, line, f"{task}{note}")


def _task_name(task_id: Any) -> str:
    """How a message names a Label Studio task: `task 17: `."""
    if task_id is None:
        return "task: "
    return f"task {task_id}: " if isinstance(task_id, int) else f"task {task_id!r:.40}: "


def _prodigy(obj: dict[str, Any], line: int, left_out: LeftOut) -> dict[str, Any]:
    """Count what a Prodigy task holds besides spans and relations (links, read by `record_from_dict`):
    `accept` (choice), `cats` and a textcat `label` (a name, not triples), which is taken out."""
    cats, accept, label = obj.get("cats"), obj.get("accept"), obj.get("label")
    if cats is None and accept is None and not isinstance(label, str):
        return obj
    left_out.add_categories(cats, line)
    if isinstance(accept, list):
        left_out.add("choice", line, len(accept), tuple(map(str, accept)))
    if isinstance(label, str):
        left_out.add("category", line, 1, (label,))
        obj = {key: value for key, value in obj.items() if key != "label"}
    return obj
