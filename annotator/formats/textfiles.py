"""Plain `.txt` articles: one file, one article, its first non-empty line the title."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from annotator import settings
from annotator.formats.base import Format, ReadContext
from annotator.records import IncomingRecord, Rejection
from annotator.text import normalize, title_of


def read_txt(path: Path) -> IncomingRecord | Rejection:
    """Read one article, or say why it cannot be one (binary, not UTF-8, empty)."""
    raw = read_raw_text(path)
    if isinstance(raw, Rejection):
        return raw
    text, _ = normalize(raw)
    if not text.strip():
        return Rejection(str(path), 1, "empty file, skipped")
    return IncomingRecord(text=text, title=title_of(text), source=path.name, line=1, meta={"file": path.name})


def read_raw_text(path: Path) -> str | Rejection:
    """A file's text exactly as decoded (BOM and CRLF still in), or why it is not text.

    A file larger than an article may be is refused by its size, before it is read.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if size > settings.MAX_RECORD_BYTES:
            limit = human_size(settings.MAX_RECORD_BYTES)
            return Rejection(
                name, 1, f"the file is {human_size(size)}, more than the {limit} an article may be; skipped"
            )
        data = path.read_bytes()
    except OSError as exc:
        return Rejection(name, 1, f"cannot read the file ({exc.strerror})")
    if b"\x00" in data:
        return Rejection(name, data[: data.index(b"\x00")].count(b"\n") + 1, "binary file (NUL byte), skipped")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Rejection(
            name,
            line,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
        )


def open_binary(path: Path) -> BinaryIO | Rejection:
    """The file opened for reading bytes, or why it cannot be (the streaming readers' first step)."""
    try:
        return path.open("rb")
    except OSError as exc:
        return Rejection(str(path), 1, f"cannot read the file ({exc.strerror})")


def human_size(n: int) -> str:
    """A byte count as a person reads it: 1 GiB, 64 MiB, 2.5 KiB."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _read(path: Path, _context: ReadContext) -> list[IncomingRecord | Rejection]:
    return [read_txt(path)]


FORMAT = Format(
    name="text",
    title="Plain text",
    suffixes=(".txt",),
    read=_read,
    imports="one article a file, its first non-empty line the title (a `.txt` with a brat `.ann` beside it is brat)",
)
