"""A guidelines document: read at the door, and found by label.

The file is untrusted input: its size is capped before it is read whole, it must be UTF-8, and a
byte-order mark and Windows or old Mac line ends are normalized, so the same text loaded from two
editors is the same version. A label's section is the text under a Markdown heading that names
the label (`## offer`, `### Offer`, ``## `offer` ``), up to the next heading of the same or a
higher level; headings inside fenced code blocks are text, not headings.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from annotator.text import path_shown

#: The largest guidelines file taken (a long codebook is some tens of kilobytes).
MAX_BYTES = 1_000_000

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
#: Control characters a text file has no business holding (tab and line feed are text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class GuidelinesError(ValueError):
    """A guidelines file that cannot be taken; the message names the file (and line) and why."""


def normalize(text: str) -> str:
    """The text as stored: no byte-order mark, `\\n` line ends (U+2028 and U+2029 too), one line end at the end."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")  # Unicode's line/paragraph separators
    return text.rstrip("\n") + "\n" if text.strip() else ""


def read_guidelines(path: Path) -> str:
    """The normalized text of a guidelines file, or `GuidelinesError` saying `FILE[:LINE]: reason`."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise GuidelinesError(f"{path_shown(path)}: cannot read it ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise GuidelinesError(
            f"{path_shown(path)}: larger than {MAX_BYTES:,} bytes; guidelines are one Markdown document"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GuidelinesError(
            f"{path_shown(path)}:{line}: not UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from exc
    return checked_text(text, path_shown(path))


def checked_text(text: str, where: str) -> str:
    """`text` normalized, or `GuidelinesError` (`WHERE:LINE: reason`) for a control character, an
    oversized or an empty document; the door for a file and for the window's editor alike."""
    text = normalize(text)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise GuidelinesError(f"{where}: larger than {MAX_BYTES:,} bytes; guidelines are one Markdown document")
    for number, line in enumerate(text.split("\n"), start=1):
        found = _CONTROL.search(line)
        if found:
            raise GuidelinesError(f"{where}:{number}: control character U+{ord(found.group()):04X} in a text file")
    if not text:
        raise GuidelinesError(f"{where}: empty; nothing was saved")
    return text


def _heading_key(title: str) -> str:
    return title.strip().strip("`*_").strip().casefold()


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line index, level, title) of every heading outside fenced code blocks."""
    found, fence = [], ""
    for i, line in enumerate(text.split("\n")):
        opened = _FENCE.match(line)
        if opened:
            marker = opened.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if fence:
            continue
        match = _HEADING.match(line)
        if match:
            found.append((i, len(match.group(1)), match.group(2)))
    return found


def section(text: str, label: str) -> str | None:
    """The section of `label` (its heading line included), or None when no heading names it."""
    lines = text.split("\n")
    marks = headings(text)
    key = _heading_key(label)
    for n, (line, level, title) in enumerate(marks):
        if _heading_key(title) == key:
            end = next((other for other, lv, _ in marks[n + 1 :] if lv <= level), len(lines))
            return "\n".join(lines[line:end]).strip("\n") + "\n"
    return None


def sections(text: str, labels: list[str]) -> dict[str, str | None]:
    """The section of each label (None where the guidelines have none)."""
    return {label: section(text, label) for label in labels}


def diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """A unified diff of two versions' texts (empty when they are the same)."""
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), fromfile=old_name, tofile=new_name))


def label_coverage(text: str, labels: list[str]) -> tuple[list[str], list[str]]:
    """(labels with a section, labels without one) in `labels`' order."""
    found = sections(text, labels)
    return [k for k, v in found.items() if v], [k for k, v in found.items() if not v]
