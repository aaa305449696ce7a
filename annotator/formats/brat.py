"""brat standoff: an article `.txt` with its annotations in the `.ann` beside it (INCEpTION, brat).

Text-bound annotations (`T1<TAB>Type START END<TAB>text`) become labeled statements, the
type their label; `#1<TAB>AnnotatorNotes T1<TAB>note` becomes the statement's note.
Relations, events, attributes and discontinuous spans have no place in a project: each
such line is reported as `FILE:LINE` and the rest of the article comes in.

brat counts offsets in the file as it is, but tools disagree on the BOM and on CRLF
(brat #853, #1301). Each line quotes the text it covers, so the reading of the file under
which every quote fits is the one used, and the spans are then moved onto the stored
(normalised) text. An `.ann` whose quotes fit no reading is refused whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.formats.base import Format, ReadContext
from annotator.formats.textfiles import read_raw_text
from annotator.records import IncomingRecord, Rejection, Span
from annotator.text import BOM, normalize, title_of

ANN_SUFFIX = ".ann"
#: What each kind of brat line is, for the message that says it is not imported.
UNSUPPORTED = {"R": "a relation", "E": "an event", "A": "an attribute", "M": "an attribute", "N": "a normalization"}


@dataclass(frozen=True)
class _TextBound:
    id: str
    label: str
    start: int
    end: int
    quoted: str | None
    line: int


def has_annotations(txt: Path) -> bool:
    """Whether a `.txt` has brat annotations beside it."""
    return txt.with_suffix(ANN_SUFFIX).is_file()


def read_brat(txt: Path) -> Iterator[IncomingRecord | Rejection]:
    """The article in `txt` with the statements of the `.ann` beside it, and what was left out."""
    ann = txt.with_suffix(ANN_SUFFIX)
    raw = read_raw_text(txt)
    if isinstance(raw, Rejection):
        yield raw
        return
    content = read_raw_text(ann)
    if isinstance(content, Rejection):
        yield content
        return
    bounds, notes, left_out = _parse(ann, content.removeprefix(BOM))
    if not raw.removeprefix(BOM).strip():
        yield Rejection(str(txt), 1, "empty file, skipped")
        return
    reading = _fitting_reading(raw, bounds)
    if reading is None:
        yield _misfit(ann, txt, raw, bounds)
        return
    text, shift = normalize(reading)  # every reading normalises to the same text
    spans = {Span(shift(b.start), shift(b.end), b.label, notes.pop(b.id, ("", 0))[0]) for b in bounds}
    yield from left_out
    for tid, (_, line) in notes.items():
        yield Rejection(str(ann), line, f"AnnotatorNotes on {tid}, which is not an imported span")
    yield IncomingRecord(
        text=text, title=title_of(text), source=txt.name, line=1, meta={"file": txt.name}, spans=sorted(spans)
    )


def _parse(ann: Path, content: str) -> tuple[list[_TextBound], dict[str, tuple[str, int]], list[Rejection]]:
    """Text-bound annotations, notes by annotation id (with their line), and lines left out."""
    bounds: list[_TextBound] = []
    notes: dict[str, tuple[str, int]] = {}
    left_out: list[Rejection] = []
    for number, line in enumerate(content.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        kind = line[0]
        if kind == "T":
            found = _text_bound(fields, number)
            if isinstance(found, str):
                left_out.append(Rejection(str(ann), number, found))
            else:
                bounds.append(found)
        elif kind == "#" and len(fields) >= 3 and fields[1].startswith("AnnotatorNotes "):
            notes[fields[1].split(" ", 1)[1].strip()] = ("\t".join(fields[2:]), number)
        elif kind == "#":
            left_out.append(Rejection(str(ann), number, "a comment other than AnnotatorNotes, not imported"))
        else:
            what = UNSUPPORTED.get(kind, "not a brat annotation")
            left_out.append(Rejection(str(ann), number, f"{fields[0]} is {what}; only spans (T) and notes come in"))
    return bounds, notes, left_out


def _text_bound(fields: list[str], number: int) -> _TextBound | str:
    """One `T` line, or why it cannot be a statement."""
    if len(fields) < 2 or len(fields[1].split(" ")) < 3:
        return f"{fields[0]}: expected 'T<id><TAB><type> <start> <end><TAB><text>'"
    label, offsets = fields[1].split(" ", 1)
    if ";" in offsets:
        return f"{fields[0]} is a discontinuous span ({offsets}); a statement is one stretch of text"
    try:
        start, end = (int(x) for x in offsets.split(" "))
    except ValueError:
        return f"{fields[0]}: offsets must be two whole numbers, got {offsets!r}"
    if not 0 <= start < end:
        return f"{fields[0]}: offsets {start}-{end} are not a span"
    quoted = "\t".join(fields[2:]) if len(fields) > 2 else None
    return _TextBound(fields[0], label, start, end, quoted, number)


def _readings(raw: str) -> list[str]:
    """The file as brat counts it, then as other tools do: without the BOM, CRLF as one, both."""
    lf = raw.replace("\r\n", "\n")
    found: list[str] = []
    for reading in (raw, raw.removeprefix(BOM), lf, lf.removeprefix(BOM)):
        if reading not in found:
            found.append(reading)
    return found


def _fits(reading: str, bound: _TextBound) -> bool:
    if bound.end > len(reading) or _splits_crlf(reading, bound.start) or _splits_crlf(reading, bound.end):
        return False
    if bound.quoted is None:
        return True
    # a line break inside a span is written as a space (a CRLF as one space or two)
    here = reading[bound.start : bound.end]
    return _flat(bound.quoted) in (_flat(here.replace("\r\n", "\n")), _flat(here))


def _splits_crlf(reading: str, offset: int) -> bool:
    """Whether `offset` falls between the CR and the LF of one line break: no span ends there."""
    return 0 < offset < len(reading) and reading[offset - 1] == "\r" and reading[offset] == "\n"


def _flat(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def _fitting_reading(raw: str, bounds: list[_TextBound]) -> str | None:
    return next((r for r in _readings(raw) if all(_fits(r, b) for b in bounds)), None)


def _misfit(ann: Path, txt: Path, raw: str, bounds: list[_TextBound]) -> Rejection:
    wrong = [b for b in bounds if not _fits(raw, b)]
    first = wrong[0]
    short = first.end > len(raw)
    there = f"has only {len(raw)} characters" if short else f"has {raw[first.start : first.end]!r} there"
    more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
    return Rejection(
        str(ann),
        first.line,
        f"{first.id} quotes {first.quoted!r} at {first.start}-{first.end}, but {txt.name} {there}{more}; "
        "this .ann does not fit its text, so the article was not imported",
    )


def _read(path: Path, _context: ReadContext) -> Iterator[IncomingRecord | Rejection]:
    """An `.ann` names its `.txt`; a `.txt` (or any text) has its `.ann` beside it."""
    return read_brat(path.with_suffix(".txt") if path.suffix.lower() == ANN_SUFFIX else path)


def _recognise(path: Path) -> bool:
    return path.suffix.lower() == ANN_SUFFIX or has_annotations(path)


FORMAT = Format(
    name="brat",
    title="brat standoff",
    suffixes=(".txt", ANN_SUFFIX),
    read=_read,
    recognise=_recognise,
    walked=(),  # a folder's .txt files are walked as text, and recognised here by their .ann
    imports="a `.txt` with its `.ann` beside it (INCEpTION, brat): `T` lines become statements, "
    "`AnnotatorNotes` their notes; offsets read the way the writing tool counted them",
)
