"""A `.json` file's records one at a time: the elements of a top-level array, or one top-level object.

Label Studio, doccano and Prodigy write whole exports as one JSON array, which can be far
larger than memory should hold. The array is read in chunks and each element decoded on
its own (the standard library's `raw_decode`), so memory stays near one element, and each
element comes with the line it starts on for `FILE:LINE` messages. An element larger
than `MAX_ELEMENT_CHARS` or a syntax error ends the reading with one message: the elements
before it stand, the rest of the file cannot be told apart.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.formats.textfiles import open_binary
from annotator.records import Rejection

#: One element may hold at most this many characters (the JSONL reader's line limit).
MAX_ELEMENT_CHARS = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
_WHITESPACE = " \t\n\r"


def reject_constant(name: str) -> None:
    """`parse_constant` for the standard parser: NaN and Infinity are not JSON values."""
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=reject_constant)


class _Reader:
    """Decoded text of a binary file, read on demand, with the line number of its start."""

    def __init__(self, handle: BinaryIO, name: str):
        self.handle = handle
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.line = 1  # the line of buf[pos]
        self.eof = False
        self.read_bytes = 0

    def more(self, size: int = _CHUNK) -> None:
        """Append up to `size` more bytes of the file, decoded (raises ValueError if not UTF-8)."""
        data = self.handle.read(size)
        if b"\x00" in data:
            raise ValueError("binary data (NUL byte), not JSON")
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"not UTF-8 (byte 0x{data[exc.start]:02x} at byte {self.read_bytes + exc.start})"
            ) from None
        self.read_bytes += len(data)
        self.buf, self.pos = self.buf[self.pos :] + text, 0  # what was read is let go
        self.eof = not data

    def skip_space(self) -> str:
        """The next non-whitespace character (reading on as needed), or "" at the end of the file."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WHITESPACE:
                if self.buf[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""
            self.more()

    def value(self) -> Any:
        """Decode the JSON value at `pos` and move past it; ValueError with line and column if it is not one."""
        size = _CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._cut_short(exc) or len(self.buf) - self.pos > MAX_ELEMENT_CHARS:
                    raise self._error(exc) from None
            except RecursionError:
                raise ValueError("not valid JSON: nested too deeply") from None
            else:
                self.line += self.buf.count("\n", self.pos, end)
                self.pos = end
                return value
            self.more(size)
            size = min(size * 2, MAX_ELEMENT_CHARS)  # a long record is read in ever larger pieces

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether the error may only mean that the value goes on past what was read so far."""
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 32

    def _error(self, exc: json.JSONDecodeError) -> ValueError:
        if not self.eof and self._cut_short(exc):
            return ValueError(f"a record larger than {MAX_ELEMENT_CHARS // 2**20} MiB, or not valid JSON from here")
        line = self.line + self.buf.count("\n", self.pos, exc.pos)
        column = exc.pos - self.buf.rfind("\n", 0, exc.pos)
        return ValueError(f"not valid JSON: {exc.msg} (line {line}, column {column})")


def iter_json_records(path: Path) -> Iterator[tuple[int, Any] | Rejection]:
    """(line, value) for each element of the top-level array (or the one top-level object);
    a `Rejection` for what cannot be read, after which the file is not read further."""
    name = str(path)
    handle = open_binary(path)
    if isinstance(handle, Rejection):
        yield handle
        return
    with handle:
        reader = _Reader(handle, name)
        try:
            yield from _elements(reader)
        except ValueError as exc:
            yield Rejection(name, reader.line, f"{exc}; the rest of the file was not read")


def _elements(reader: _Reader) -> Iterator[tuple[int, Any] | Rejection]:
    first = reader.skip_space()
    if first == "{":
        yield reader.line, reader.value()
        _expect_end(reader)
        return
    if first != "[":
        what = "an empty file" if not first else f"{first!r}"
        yield Rejection(reader.name, reader.line, f"expected a JSON array of records, found {what}")
        return
    reader.pos += 1
    if reader.skip_space() == "]":
        reader.pos += 1
        _expect_end(reader)
        return
    while True:
        line = reader.line
        yield line, reader.value()
        after = reader.skip_space()
        reader.pos += 1
        if after == "]":
            _expect_end(reader)
            return
        if after != ",":
            found = "the end of the file" if not after else repr(after)
            raise ValueError(f"not valid JSON: expected ',' or ']' after the record of line {line}, found {found}")
        reader.skip_space()


def _expect_end(reader: _Reader) -> None:
    after = reader.skip_space()
    if after:
        raise ValueError(f"not valid JSON: {after!r} after the end of the data")
