"""JSON input: one object per line (JSONL) or per element of a `.json` array, whichever tool wrote it.

This module is the container, not a format: each object is read by the JSON format whose
shape it has (`Format.is_object`, `Format.read_object`: Label Studio's tasks, doccano's
shapes, Prodigy's records as the fallback), so one file may mix them. Prodigy's loader
takes a `.json` array of the same records (`prodigy.components.loaders.JSON`).

Read line by line or element by element (streamed), so a bad record is reported with its
line number and the rest of the file still comes in. The records of one object (a Label
Studio task holds one per annotation) come in whole or not at all, and are stored together
(`IncomingRecord.continued`). Relations (Prodigy's `rel.manual`, doccano's, Label Studio's)
become links. What a record carries that a project cannot hold (categories, choices) is named
once per file with a count.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from functools import cache, partial
from pathlib import Path
from typing import IO, Any

from annotator import settings
from annotator.formats.base import Format, ObjectContext
from annotator.formats.json_stream import iter_json_records, reject_constant, too_many_containers
from annotator.formats.left_out import LeftOut
from annotator.formats.records import RecordError, kind_of
from annotator.formats.textfiles import open_binary
from annotator.records import IncomingRecord, Rejection
from annotator.text import cluster_cuts

MAX_LINE_BYTES = settings.MAX_RECORD_BYTES
#: Lines up to this many characters are parsed by srsly's fast parser (ujson); longer ones by the
#: standard library's, which needs no more than the text it makes: ujson's scratch space for a
#: 63 MiB line was 300 MB more (a record under the line cap took 528 MB).
_FAST_PARSER_MAX = 2**20


@cache
def _fast_parser() -> Callable[[str], Any]:
    """srsly's fast parser, called without the wrapper `srsly.json_loads` puts around it; with its
    exact reading of floats (its default rounds: 0.14285714285714285 read as 0.14285714285714202).
    Imported when a first line is read: srsly brings numpy, 0.07 s of CPU that every command listing
    the formats (an export among them) paid for nothing."""
    import srsly

    return partial(srsly.ujson.loads, precise_float=True)


#: How much of an over-long line is read at a time while it is skipped.
_SKIP_CHUNK = 16 * 2**20


def _strict_json(line: str) -> Any:
    """The standard library's reading of a line srsly's fast parser refused.

    ujson refuses some valid JSON (integers beyond 64 bits) and says little about invalid
    JSON; the standard parser names the problem and its column. NaN and Infinity stay out.
    Raises ValueError with the reason the user sees.
    """
    try:
        try:
            return json.loads(line, parse_constant=reject_constant)  # a line's end is JSON white space
        except json.JSONDecodeError:  # read again without it, so the message names what is wrong
            json.loads(line.rstrip("\r\n"), parse_constant=reject_constant)
            raise
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None


#: Stands for a line longer than MAX_LINE_BYTES, which is never held in memory whole.
_TOO_LONG = b"\0too long"


def _next_line(handle: IO[bytes]) -> bytes | None:
    """The file's next line (None at its end); one longer than MAX_LINE_BYTES (a 2 GB line without
    a newline…) is skipped a chunk at a time and given as `_TOO_LONG`, so memory stays bounded.
    A function, not a generator: a suspended generator would hold on to the line it gave."""
    raw = handle.readline(MAX_LINE_BYTES + 1)
    if not raw:
        return None
    if len(raw) <= MAX_LINE_BYTES:
        return raw
    return _too_long(handle, raw)


def _too_long(handle: IO[bytes], raw: bytes) -> bytes:
    """`_TOO_LONG` for a line read to the limit: the rest of it is skipped (`_skip_line`)."""
    if not raw.endswith(b"\n"):
        _skip_line(handle)
    return _TOO_LONG


def first_line_holds(path: Path, needle: bytes) -> bool:
    """Whether the first line that is not blank holds `needle` (False when it cannot be read)."""
    try:
        with path.open("rb") as handle:
            while (raw := _next_line(handle)) is not None:
                if raw and not raw.isspace():
                    return needle in raw
    except OSError:
        return False
    return False


def _skip_line(handle: IO[bytes]) -> None:
    """Read on past the end of the current line, never holding more than a chunk of it."""
    chunk = bytearray(_SKIP_CHUNK)  # one buffer, read into again and again
    while n := handle.readinto(chunk):
        end = chunk.find(b"\n", 0, n)
        if end >= 0:
            handle.seek(end + 1 - n, os.SEEK_CUR)
            return


def read_json_objects(path: Path, shapes: Sequence[Format]) -> Iterator[IncomingRecord | Rejection]:
    """The records of a JSONL file (one object a line) or of a `.json` file (an array of objects,
    or one object), each object read by the first of `shapes` whose `is_object` takes it, else
    by the one without `is_object`."""
    name, source = str(path), path.name
    left_out = LeftOut()
    items = iter_json_records(path) if path.suffix.lower() == ".json" else json_lines(path)
    # the shape of each key set that decides it, found once per file (a format named with --format
    # looks at each object's values: `is_named_object`)
    by_keys: dict[tuple[str, ...], Format] | None = {} if len(shapes) > 1 else None
    for item in items:
        if isinstance(item, Rejection):
            yield item
            continue
        line, obj = item
        read = records_from_object(obj, ObjectContext(name, source, line, left_out), shapes, by_keys)
        if len(read) == 1:  # one record, nothing said of it: most objects
            yield read[0]
        else:
            yield from read
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
        lineno = 0
        readline, limit, fast_loads = handle.readline, MAX_LINE_BYTES + 1, _fast_parser()
        while raw := readline(limit):  # `_next_line`, whose common case is this one call
            if len(raw) == limit:
                raw = _too_long(handle, raw)
            lineno += 1
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw is _TOO_LONG:
                yield Rejection(name, lineno, f"line is longer than {MAX_LINE_BYTES // 2**20} MiB, skipped")
                continue
            if not raw or raw.isspace():  # not raw.strip(): that copies a 64 MiB line
                continue
            if b"\x00" in raw:
                yield Rejection(name, lineno, "binary data (NUL byte), not JSON")
                continue
            # before the decoder builds them all (a line shorter than the cap is asked nothing)
            if len(raw) > settings.MAX_RECORD_CONTAINERS and (too_many := too_many_containers(raw)) is not None:
                yield Rejection(name, lineno, too_many)
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Rejection(name, lineno, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                continue
            # this frame lives on while the record is stored: only the parsed object may stay
            # (a 64 MiB line held as bytes, text and object was three copies of it)
            del raw
            try:
                if len(line) > _FAST_PARSER_MAX:
                    raise ValueError("long line: the standard parser")
                if line == "-":  # `srsly.json_loads`, without its wrapper: "-" is no 0
                    raise ValueError("Expected object or value")
                obj = fast_loads(line)
            except (ValueError, RecursionError, OverflowError):
                try:
                    obj = _strict_json(line)
                except ValueError as exc:
                    yield Rejection(name, lineno, str(exc))
                    continue
            del line
            yield lineno, obj
            del obj


def records_from_object(
    obj: Any, where: ObjectContext, shapes: Sequence[Format], by_keys: dict[tuple[str, ...], Format] | None = None
) -> list[IncomingRecord | Rejection]:
    """The records one parsed JSON object holds, all of them or, with the reason, none; then what
    is said of them (kept). A list, not a generator: one is made for every object of a file.

    `by_keys` remembers, for the objects of one file, which shape each set of keys is read as,
    when the keys alone decide it (`_SHAPE_BY_VALUE` names the keys whose values decide it)."""
    try:
        if type(obj) is not dict:
            raise RecordError(f"expected a JSON object, got {kind_of(obj)}")
        if by_keys is None:
            shape = _shape_of(obj, shapes)
        else:
            keys = tuple(obj)
            shape = by_keys.get(keys)
            if shape is None:
                shape = _shape_of(obj, shapes)
                if _SHAPE_BY_VALUE.isdisjoint(keys) and len(by_keys) < 1000:
                    by_keys[keys] = shape
        records, note = shape.read_object(obj, where)
    except RecordError as exc:
        return [Rejection(where.path, where.line, str(exc))]
    if len(records) == 1 and not note and records[0].text.isascii():  # no cluster to cut: the common object
        return records
    out: list[IncomingRecord | Rejection] = list(records)
    for record in records[:-1]:
        record.continued = True
    cuts = [
        f"{record.annotator + ': ' if record.annotator else ''}span {s}-{e} {record.text[s:e]!r:.30}"
        for record in records
        if not record.text.isascii()  # no cluster to cut: most texts, asked before any list is built
        for s, e in cluster_cuts(record.text, [(x.start, x.end) for x in (*record.spans, *record.entities)])
    ]
    if note:
        out.append(Rejection(where.path, where.line, note, kept=True))
    if cuts:  # kept as given: a person may have meant it, but most often the offsets were counted otherwise
        shown = "; ".join(cuts[:5]) + ("; …" if len(cuts) > 5 else "")
        out.append(
            Rejection(
                where.path,
                where.line,
                f"{len(cuts)} span{'s' * (len(cuts) != 1)} cut a character in two (a grapheme cluster: a flag, an "
                f"emoji with its skin tone, a letter with its accent), kept as given: {shown}",
                kept=True,
                warning=True,
            )
        )
    return out


#: Keys whose values (not only their presence) tell the JSON shapes apart (`doccano.is_doccano`,
#: `label_studio.is_task`): an object holding one of them is looked at each time.
_SHAPE_BY_VALUE = frozenset({"label", "entities", "cats", "data"})


def _shape_of(obj: dict[str, Any], shapes: Sequence[Format]) -> Format:
    if len(shapes) == 1 and shapes[0].is_named_object is not None and shapes[0].is_named_object(obj):
        return shapes[0]  # named with --format: its shapes shared with plain records count too
    fallback = None
    for shape in shapes:
        if shape.is_object is None:
            fallback = fallback or shape
        elif shape.is_object(obj):
            return shape
    if fallback is None:
        raise RecordError(f"not a {' or '.join(shape.title for shape in shapes)} record")
    return fallback
