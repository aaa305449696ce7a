"""A `.json` file's records one at a time: the elements of a top-level array, or one top-level object.

Label Studio, doccano and Prodigy write whole exports as one JSON array, which can be far
larger than memory should hold. The array is read in chunks and each element decoded on
its own (the standard library's `raw_decode`), so memory stays near one element, and each
element comes with the line it starts on for `FILE:LINE` messages. An element larger
than `MAX_ELEMENT_CHARS`, one holding more than `settings.MAX_RECORD_CONTAINERS` objects and
arrays or more than `settings.MAX_RECORD_VALUES` values (commas), or a syntax error ends the
reading with one message: the elements before it stand, the rest of the file cannot be told apart.

The decoder spends ~70 bytes on each `{}` it reads (3 bytes of JSON) and ~60 on each short string,
so the text it is given never holds more `{` and `[` than the containers cap, nor more commas than
the values cap (`settings.MAX_RECORD_VALUES`): what lies past the cap-th one waits, undecoded, until
the elements before it are read (`_Reader.more`).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator import settings
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

#: In JSON text as bytes: a stretch with no string that holds `{` or `[`, else (group 1) a string
#: that holds one (whose brackets are no objects). Possessive, so a 64 MiB line keeps no stack.
_BRACKETED_STRING = re.compile(rb'(?:[^"]++|"(?:[^"\\{\[]++|\\.)*+")++|("(?:[^"\\]++|\\.)*+")', re.S)


def containers_message(count: int | None) -> str:
    """What is said of a record with `count` (None: more than the cap) objects and arrays."""
    return _over_cap(count, settings.MAX_RECORD_CONTAINERS, "JSON objects and arrays")


def _over_cap(count: int | None, cap: int, what: str) -> str:
    """The one wording of a record over one of its caps (`containers_message`, `values_message`)."""
    held = f"{count:,}" if count is not None else f"more than {cap:,}"
    return f"the record holds {held} {what}; at most {cap:,} are read in one record (split it)"


def too_many_containers(raw: bytes) -> str | None:
    """Why one record's JSON text is not decoded (`containers_message`), or None: its `{` and `[`
    outside strings are counted first, at C speed (a text quoting code has brackets of its own:
    counted again without its strings only when the first count is over the cap); then its values,
    as its commas (`settings.MAX_RECORD_VALUES`; a text's own commas are far too few to matter)."""
    cap = settings.MAX_RECORD_CONTAINERS
    if len(raw) <= cap:  # each is a byte: a short record cannot hold too many
        return None
    count = raw.count(b"{") + raw.count(b"[")
    if count > cap:  # ~1 s a 64 MiB line; one match at a time, so no memory to speak of
        for match in _BRACKETED_STRING.finditer(raw):
            start, end = match.span(1)
            if start >= 0:
                count -= raw.count(b"{", start, end) + raw.count(b"[", start, end)
    if count > cap:
        return containers_message(count)
    values = raw.count(b",")  # a value after each comma: strings and numbers cost the decoder too
    if values > settings.MAX_RECORD_VALUES:
        return values_message(values)
    return None


def values_message(count: int | None) -> str:
    """What is said of a record with `count` (None: more than the cap) values (its commas)."""
    return _over_cap(count, settings.MAX_RECORD_VALUES, "JSON values")


def _openers(text: str, start: int = 0) -> int:
    return text.count("{", start) + text.count("[", start)


def _nth(text: str, chars: str, n: int) -> int:
    """The index of the `n`th of any of `chars` in `text` (there are at least `n`): counted a block
    at a time, so only the last block is walked a character at a time."""
    block, start = 2**16, 0
    while (found := sum(text.count(char, start, start + block) for char in chars)) < n:
        n -= found
        start += block
    for at in range(start, start + block):
        if text[at] in chars:
            n -= 1
            if n == 0:
                return at
    raise AssertionError("counted, then not found")


class _Reader:
    """Decoded text of a binary file, read on demand, with the line number of its start."""

    def __init__(self, handle: BinaryIO, name: str):
        self.handle = handle
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.line = 1  # the line of buf[pos]
        self.eof = False  # the file is read to its end (`pending` may still hold text)
        self.read_bytes = 0
        #: Text read past the cap-th `{` or `[` after `pos`, not yet given to the decoder.
        self.pending = ""
        #: The message of the cap that cut `buf` short (`containers_message`, `values_message`), or
        #: None when `buf` ends where the file's text read so far ends.
        self.capped: Callable[[int | None], str] | None = None

    @property
    def ended(self) -> bool:
        """Whether `buf` holds the rest of the file."""
        return self.eof and not self.pending

    def more(self, size: int = _CHUNK) -> None:
        """Append up to `size` more characters, the held-back ones first, else bytes of the file
        decoded (raises ValueError if not UTF-8); `buf` then ends before its cap-th `{` or `[`."""
        if self.pending:
            text, self.pending = self.pending[:size], self.pending[size:]
        else:
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
            self.eof = not data
        self.buf, self.pos = self.buf[self.pos :] + text, 0  # what was read is let go
        self.capped = None
        cut = len(self.buf)
        cap = settings.MAX_RECORD_CONTAINERS
        if len(self.buf) > cap and _openers(self.buf) > cap:
            cut, self.capped = _nth(self.buf, "{[", cap + 1), containers_message
        cap = settings.MAX_RECORD_VALUES
        if cut > cap and self.buf.count(",", 0, cut) > cap:
            cut, self.capped = _nth(self.buf, ",", cap + 1), values_message
        if self.capped:
            self.pending = self.buf[cut:] + self.pending
            self.buf = self.buf[:cut]

    def skip_space(self) -> str:
        """The next non-whitespace character (reading on as needed), or "" at the end of the file."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WHITESPACE:
                if self.buf[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.ended:
                return ""
            self.more()

    def value(self) -> Any:
        """Decode the JSON value at `pos` and move past it; ValueError with line and column if it is not one."""
        size = _CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.capped and self.pos == 0 and self._cut_short(exc):  # the cap cut this very record
                    raise ValueError(self.capped(None)) from None
                if self.ended or not self._cut_short(exc) or len(self.buf) - self.pos > MAX_ELEMENT_CHARS:
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
        if not self.ended and self._cut_short(exc):
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
