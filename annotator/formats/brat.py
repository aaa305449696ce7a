"""brat standoff: an article `.txt` with its annotations in the `.ann` beside it (INCEpTION, brat).

Text-bound annotations (`T1<TAB>Type START END<TAB>text`) become labeled statements, the
type their label; `#1<TAB>AnnotatorNotes T1<TAB>note` becomes the statement's note;
relations (`R1<TAB>speaker Arg1:T1 Arg2:T2`) become links from Arg1 to Arg2. A text-bound
annotation with the attribute `End` (`A1<TAB>End T2`, as the export writes it) is only the end
of a link (an entity, a pronoun), not a statement. A normalization into the `Actors` resource
(`N1<TAB>Reference T2 Actors:Vladimir_Putin<TAB>Vladimir Putin`) says which actor an end stands
for, and the attributes `Kind` and `Side` on that end (`A2<TAB>Kind T2 person`, `A3<TAB>Side T2
Russia`) what that actor is: an actor the project lacks is made with them. A name the actors'
registry refuses (a word mixing Latin and Cyrillic letters, an invisible character) is named by its
line and the end comes in without its actor. A type (a `T` line's label, an `R` line's link type)
is a name and keeps the rule every name keeps (`records.name_problem`: no control, bidi or invisible
character, at most 200 characters): one that breaks it refuses the article, named by its line, as
a bad label refuses a JSONL record (a statement left out would be taught as no statement). Events, other
attributes and discontinuous spans have no place in a project: each such line is reported as
`FILE:LINE` and the rest of the article comes in.

Written (`annotator export --format brat OUT`): a folder with `NAME.txt` and `NAME.ann` per
article and layer, and the `annotation.conf` that declares the labels, the link types and the
attributes (`End`; `Kind` and `Side` when an end stands for an actor), so brat opens it as it is.

brat counts offsets in the file as it is, but tools disagree on the BOM and on CRLF
(brat #853, #1301). Each line quotes the text it covers, so the reading of the file under
which every quote fits is the one used, and the spans are then moved onto the stored
(normalised) text. INCEpTION is written in Java and counts UTF-16 code units (an emoji is
two): that reading is taken when the quotes prove it (`text.offsets_by_quotes`). An `.ann`
whose quotes fit no reading is refused whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.formats.base import Format, ReadContext, Writer
from annotator.formats.relations import SPAN_LABEL, end_namer, statement_spans
from annotator.formats.textfiles import read_raw_text
from annotator.records import (
    ActorMention,
    ExportRow,
    IncomingRecord,
    Link,
    Rejection,
    Span,
    name_problem,
    note_problem,
)
from annotator.store.actors import KIND_OF_ENTITY, KINDS, ActorError, check_name
from annotator.text import BOM, normalize, offsets_by_quotes, path_shown, title_of

ANN_SUFFIX = ".ann"
#: brat's configuration file, written beside an export's files.
CONF_NAME = "annotation.conf"
#: What each kind of brat line is, for the message that says it is not imported.
UNSUPPORTED = {"E": "an event", "A": "an attribute", "M": "an attribute", "N": "a normalization"}
#: The normalization resource an `N` line names for an actor (`N1<TAB>Reference T3 Actors:Vladimir_Putin<TAB>Vladimir
#: Putin`): the id is the name joined with `_`, the name itself follows the second tab.
ACTORS_RESOURCE = "Actors"
#: The attribute that marks a text-bound annotation as a link's end only (not a statement).
END_ATTRIBUTE = "End"
#: The attributes of an end resolved to an actor that say what the actor is (`store.actors`):
#: its kind (one of `KINDS`) and its side. brat's attribute values hold no white space (its
#: `annotation.conf` splits on it), so a side's spaces are written `_` and read back as spaces.
KIND_ATTRIBUTE = "Kind"
SIDE_ATTRIBUTE = "Side"


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
    if ann.is_symlink() and not ann.resolve().is_relative_to(txt.parent.resolve()):
        # not read, and nothing of it shown: the link may point at any file the user can read
        yield Rejection(
            str(ann), 1, "a link to a file outside the folder of its .txt; not read, the article not imported"
        )
        return
    raw = read_raw_text(txt)
    if isinstance(raw, Rejection):
        yield raw
        return
    content = read_raw_text(ann)
    if isinstance(content, Rejection):
        yield content
        return
    parsed = _parse(ann, content.removeprefix(BOM))
    bounds, notes, left_out = parsed.bounds, parsed.notes, parsed.left_out
    if parsed.bad_names:
        yield _refused_names(ann, parsed.bad_names)
        return
    if not raw.removeprefix(BOM).strip():
        yield Rejection(str(txt), 1, "empty file, skipped")
        return
    fitting = _fitting_reading(raw, bounds)
    if fitting is None:
        yield _misfit(ann, txt, raw, bounds)
        return
    reading, offsets = fitting
    text, shift = normalize(reading)  # every reading normalises to the same text
    by_id = {b.id: (shift(start), shift(end)) for b, (start, end) in zip(bounds, offsets, strict=True)}
    spans = {Span(*by_id[b.id], b.label, notes.pop(b.id, ("", 0))[0]) for b in bounds if b.id not in parsed.ends}
    links = set()
    for rid, label, arg1, arg2, line in parsed.relations:
        missing = next((arg for arg in (arg1, arg2) if arg not in by_id), None)
        if missing is not None:
            left_out.append(Rejection(str(ann), line, f"{rid} names {missing}, which is not a text-bound annotation"))
        elif by_id[arg1] == by_id[arg2]:
            left_out.append(Rejection(str(ann), line, f"{rid} links a span to itself"))
        else:
            links.add(Link(*by_id[arg1], *by_id[arg2], label))
    actors, kinds = [], {}
    label_of = {b.id: b.label for b in bounds}
    actor_of: dict[str, str] = {}
    for tid, actor, line in parsed.actors:
        if tid in by_id:
            actors.append(ActorMention(*by_id[tid], actor, "user"))
            actor_of[tid] = actor
            if label_of.get(tid) in KIND_OF_ENTITY:  # an end written as its entity type: the actor's kind
                kinds.setdefault(actor, (KIND_OF_ENTITY[label_of[tid]], ""))
        else:
            left_out.append(Rejection(str(ann), line, f"the actor {actor!r} is given for {tid}, which is not a span"))
    kinds.update(_actor_attributes(ann, parsed, actor_of, kinds, left_out))
    # The article comes in: each line left out of it is a note on it (`kept`), as a refused part of a
    # JSONL record is, and leaves the import's exit code 0.
    yield from (replace(r, kept=True) for r in left_out)
    for tid, (_, line) in notes.items():
        yield Rejection(str(ann), line, f"AnnotatorNotes on {tid}, which is not an imported span", kept=True)
    yield IncomingRecord(
        text=text,
        title=title_of(text),
        source=txt.name,
        line=1,
        meta={"file": txt.name},
        spans=sorted(spans),
        links=sorted(links),
        actors=sorted(actors),
        actor_kinds=kinds,
    )


@dataclass
class _Parsed:
    """What an `.ann` holds: text-bound annotations, notes by annotation id (with their line),
    relations (id, type, Arg1, Arg2, line), the ids marked `End`, and lines left out."""

    bounds: list[_TextBound] = field(default_factory=list)
    notes: dict[str, tuple[str, int]] = field(default_factory=dict)
    relations: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    ends: set[str] = field(default_factory=set)
    #: `N` lines naming an actor: (text-bound id, actor name, line).
    actors: list[tuple[str, str, int]] = field(default_factory=list)
    #: Text-bound ids whose `N` line named an actor the registry refuses: {id: that line}.
    refused_actors: dict[str, int] = field(default_factory=dict)
    #: `Kind` and `Side` attributes: (attribute id, name, text-bound id, value as read, line).
    actor_attributes: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    left_out: list[Rejection] = field(default_factory=list)
    #: Types the name rule refuses: (line, why); any of them refuses the article.
    bad_names: list[tuple[int, str]] = field(default_factory=list)


def _parse(ann: Path, content: str) -> _Parsed:
    parsed = _Parsed()
    bounds, notes, left_out = parsed.bounds, parsed.notes, parsed.left_out
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
                _check_type(parsed, found.id, found.label, "type", number)
        elif kind == "#" and len(fields) >= 3 and fields[1].startswith("AnnotatorNotes "):
            note = "\t".join(fields[2:])
            if (bad := note_problem(note)) is not None:  # the span comes in, without its note
                left_out.append(Rejection(str(ann), number, f"{bad}; left out"))
            else:
                notes[fields[1].split(" ", 1)[1].strip()] = (note, number)
        elif kind == "#":
            left_out.append(Rejection(str(ann), number, "a comment other than AnnotatorNotes, not imported"))
        elif kind == "R":
            found = _relation(fields, number)
            if isinstance(found, str):
                left_out.append(Rejection(str(ann), number, found))
            else:
                parsed.relations.append(found)
                _check_type(parsed, found[0], found[1], "relation type", number)
        elif (
            kind == "N"
            and len(fields) >= 3
            and fields[1].startswith("Reference ")
            and (fields[1].split(" ")[2:3] and fields[1].split(" ")[2].startswith(ACTORS_RESOURCE + ":"))
        ):
            tid = fields[1].split(" ")[1]
            try:  # refused here as the actors' registry would refuse it, which would leave the end without a word
                parsed.actors.append((tid, check_name(fields[2]), number))
            except ActorError as error:  # the end (and the record) still come in: a note, not a rejection
                parsed.refused_actors[tid] = number
                left_out.append(Rejection(str(ann), number, f"{error}; the link comes in without its actor", kept=True))
        elif kind == "A" and len(fields) >= 2 and fields[1].split(" ")[0] == END_ATTRIBUTE:
            parsed.ends.update(fields[1].split(" ")[1:2])
        elif kind == "A" and len(fields) >= 2 and fields[1].split(" ")[0] in (KIND_ATTRIBUTE, SIDE_ATTRIBUTE):
            found = _actor_attribute(fields, number)
            if isinstance(found, str):
                left_out.append(Rejection(str(ann), number, found))
            else:
                parsed.actor_attributes.append(found)
        else:
            what = UNSUPPORTED.get(kind, "not a brat annotation")
            left_out.append(
                Rejection(str(ann), number, f"{fields[0]} is {what}; only spans (T), relations (R) and notes come in")
            )
    return parsed


def _check_type(parsed: _Parsed, aid: str, name: str, what: str, number: int) -> None:
    """Note in `parsed.bad_names` a type the name rule refuses (`records.name_problem`)."""
    if (why := name_problem(name, f"{aid}'s {what}")) is not None:
        parsed.bad_names.append((number, why))


def _refused_names(ann: Path, bad_names: list[tuple[int, str]]) -> Rejection:
    """The article refused for the types the name rule refuses: the first named, the others' lines given."""
    (line, why), others = bad_names[0], [str(n) for n, _ in bad_names[1:]]
    more = f" (and on line{'s' if len(others) > 1 else ''} {', '.join(others[:10])}{', …' if len(others) > 10 else ''})"
    return Rejection(str(ann), line, f"{why}{more if others else ''}; the article was not imported")


def _actor_attribute(fields: list[str], number: int) -> tuple[str, str, str, str, int] | str:
    """One `Kind` or `Side` line (`A2<TAB>Kind T3 person`), its value checked, or why it cannot say
    what an actor is. A side's `_` are read as the spaces the export wrote them for."""
    parts = fields[1].split(" ", 2)
    if len(parts) < 3 or not parts[2].strip():
        return f"{fields[0]}: expected 'A<id><TAB>{parts[0]} T<id> <value>'"
    name, tid, value = parts[0], parts[1], parts[2].strip()
    if name == KIND_ATTRIBUTE:
        if value not in KINDS:
            return f"{fields[0]}: an actor's kind is one of {', '.join(KINDS)}, not {value[:40]!r}"
        return fields[0], name, tid, value, number
    try:
        side = check_name(" ".join(value.replace("_", " ").split()), "side")
    except ActorError as error:
        return f"{fields[0]}: {error}"
    return fields[0], name, tid, side, number


def _actor_attributes(
    ann: Path,
    parsed: _Parsed,
    actor_of: dict[str, str],
    kinds: dict[str, tuple[str, str]],
    left_out: list[Rejection],
) -> dict[str, tuple[str, str]]:
    """{actor: (kind, side)} from the `Kind` and `Side` attributes on the ends that name an actor,
    over the kind the end's entity type gave (`kinds`). The first value the file gives an actor is
    kept; another, and an attribute on an end that names no actor, are added to `left_out`."""
    given: dict[tuple[str, str], str] = {}
    for aid, name, tid, value, line in parsed.actor_attributes:
        actor = actor_of.get(tid)
        if actor is None and tid in parsed.refused_actors:
            why = f"{aid}: {name} of the actor refused on line {parsed.refused_actors[tid]}; left out with it"
            left_out.append(Rejection(str(ann), line, why, kept=True))
            continue
        if actor is None:
            why = f"{aid}: {name} on {tid}, which names no actor (no Actors: N line)"
            left_out.append(Rejection(str(ann), line, why))
            continue
        before = given.setdefault((actor, name), value)
        if before != value:
            left_out.append(
                Rejection(str(ann), line, f"{aid}: {actor!r} is given {name} {before!r} earlier; {value!r} is left out")
            )
    out = {}
    for actor in {actor for actor, _ in given}:
        kind, side = kinds.get(actor, ("", ""))
        out[actor] = (given.get((actor, KIND_ATTRIBUTE), kind), given.get((actor, SIDE_ATTRIBUTE), side))
    return out


def _relation(fields: list[str], number: int) -> tuple[str, str, str, str, int] | str:
    """One `R` line (`R1<TAB>type Arg1:T1 Arg2:T2`), or why it cannot be a link."""
    parts = fields[1].split(" ") if len(fields) >= 2 else []
    args = dict(part.split(":", 1) for part in parts[1:] if ":" in part)
    if len(parts) != 3 or set(args) != {"Arg1", "Arg2"} or not parts[0]:
        return f"{fields[0]}: expected 'R<id><TAB><type> Arg1:T<id> Arg2:T<id>'"
    return fields[0], parts[0], args["Arg1"], args["Arg2"], number


def _text_bound(fields: list[str], number: int) -> _TextBound | str:
    """One `T` line, or why it cannot be a statement."""
    if len(fields) < 2 or len(fields[1].split(" ")) < 3:
        return f"{fields[0]}: expected 'T<id><TAB><type> <start> <end><TAB><text>'"
    label, offsets = fields[1].split(" ", 1)
    if not label:  # a type is a word: `T1<TAB> 0 4` has none
        return f"{fields[0]}: expected 'T<id><TAB><type> <start> <end><TAB><text>'"
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
    return bound.quoted is None or _quote_fits(bound.quoted, reading[bound.start : bound.end])


def _splits_crlf(reading: str, offset: int) -> bool:
    """Whether `offset` falls between the CR and the LF of one line break: no span ends there."""
    return 0 < offset < len(reading) and reading[offset - 1] == "\r" and reading[offset] == "\n"


def _flat(text: str) -> str:
    return text.translate(_ONE_LINE)


def _fitting_reading(raw: str, bounds: list[_TextBound]) -> tuple[str, list[tuple[int, int]]] | None:
    """The reading of the file under which every quote fits, with each bound's code-point offsets
    into it: counted in code points first, then in UTF-16 code units (INCEpTION is Java, whose
    offsets count an emoji as two) when the quotes prove that reading (`offsets_by_quotes`)."""
    readings = _readings(raw)
    for reading in readings:
        if all(_fits(reading, b) for b in bounds):
            return reading, [(b.start, b.end) for b in bounds]
    quoted = [(b.start, b.end, b.quoted) for b in bounds]
    for reading in readings:
        offsets = offsets_by_quotes(reading, quoted, _quote_fits)
        if offsets is not None:
            return reading, offsets
    return None


def _quote_fits(quote: str, here: str) -> bool:
    """A line break inside a span is written as a space (a CRLF as one space or two)."""
    return _flat(quote) in (_flat(here.replace("\r\n", "\n")), _flat(here))


def _misfit(ann: Path, txt: Path, raw: str, bounds: list[_TextBound]) -> Rejection:
    wrong = [b for b in bounds if not _fits(raw, b)]
    first = wrong[0]
    short = first.end > len(raw)
    there = f"has only {len(raw)} characters" if short else f"has {raw[first.start : first.end]!r} there"
    more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
    return Rejection(
        str(ann),
        first.line,
        f"{first.id} quotes {first.quoted!r} at {first.start}-{first.end}, but {path_shown(txt.name)} {there}{more}; "
        "this .ann does not fit its text, so the article was not imported",
    )


def _read(path: Path, _context: ReadContext) -> Iterator[IncomingRecord | Rejection]:
    """An `.ann` names its `.txt`; a `.txt` (or any text) has its `.ann` beside it."""
    return read_brat(path.with_suffix(".txt") if path.suffix.lower() == ANN_SUFFIX else path)


def _recognise(path: Path) -> bool:
    return path.suffix.lower() == ANN_SUFFIX or has_annotations(path)


# -- writing ---------------------------------------------------------------------------------


#: Every character some reader takes for a line's end (Python's `str.splitlines`, brat's own
#: universal-newline reading, Java's readers): an `.ann` field holding one would become two lines.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ONE_LINE = str.maketrans(dict.fromkeys(LINE_BREAKS + "\t", " "))
#: Account items: what an `.ann` cannot hold as it is, and how it was written instead.
QUOTES_ON_ONE_LINE = "quotes_on_one_line"
NOTES_ON_ONE_LINE = "notes_on_one_line"
NAMES_JOINED = "names_joined"


def ann_from_row(
    row: ExportRow,
    counts: Counter | None = None,
    actor_kinds: Mapping[str, tuple[str, str]] | None = None,
    values_written: dict[str, set[str]] | None = None,
) -> str:
    """The `.ann` of one export row: a T line per statement label (its note as AnnotatorNotes), a T
    line marked `End` for each other end of a link that is no statement, an R line per link (Arg1
    the statement's first label's T), and for each end resolved to an actor an N line naming it,
    with `Kind` and `Side` attributes from `actor_kinds` ({name: (kind, side)}) so that an import
    into another project makes the actor as it is here (each value written is added to
    `values_written`, by attribute, for the `annotation.conf`). What a line cannot hold is written
    on one line or joined with `_`, and counted in `counts` (`QUOTES_ON_ONE_LINE`,
    `NOTES_ON_ONE_LINE`, `NAMES_JOINED`)."""
    counts = Counter() if counts is None else counts
    actor_kinds = actor_kinds or {}
    text = row.text
    lines: list[str] = []
    t_of: dict[tuple[int, int], str] = {}

    def bound(start: int, end: int, label: str) -> str:
        tid = f"T{sum(1 for line in lines if line.startswith('T')) + 1}"
        quoted = text[start:end]
        flat = quoted.translate(_ONE_LINE)
        if flat != quoted.replace("\t", " "):  # the quote only repeats the .txt, which keeps the text exact
            counts[QUOTES_ON_ONE_LINE] += 1
        lines.append(f"{tid}\t{brat_type(label, counts)} {start} {end}\t{flat}")
        return tid

    notes = 0
    for start, end, label, note in row.spans:
        tid = bound(start, end, label)
        if note and (start, end) not in t_of:  # a statement's note once, on its first label's line
            notes += 1
            if any(ch in LINE_BREAKS for ch in note):
                counts[NOTES_ON_ONE_LINE] += 1
            lines.append(f"#{notes}\tAnnotatorNotes {tid}\t{' '.join(note.split())}")
        t_of.setdefault((start, end), tid)
    name = end_namer(row)
    ends = 0
    for link in row.links:
        for span in (link.head, link.child):
            if span not in t_of:
                t_of[span] = bound(*span, name(span))
                ends += 1
                lines.append(f"A{ends}\t{END_ATTRIBUTE} {t_of[span]}")
    for i, link in enumerate(row.links, 1):
        lines.append(f"R{i}\t{brat_type(link.label, counts)} Arg1:{t_of[link.head]} Arg2:{t_of[link.child]}")
    attributes = ends
    for i, m in enumerate((m for m in row.actors if (m.start, m.end) in t_of), 1):
        tid = t_of[(m.start, m.end)]
        lines.append(f"N{i}\tReference {tid} {ACTORS_RESOURCE}:{'_'.join(m.actor.split())}\t{m.actor}")
        for name, value in zip((KIND_ATTRIBUTE, SIDE_ATTRIBUTE), actor_kinds.get(m.actor, ("", "")), strict=True):
            if value:
                attributes += 1
                lines.append(f"A{attributes}\t{name} {tid} {side_value(value)}")
                if values_written is not None:
                    values_written.setdefault(name, set()).add(side_value(value))
    return "\n".join(lines) + ("\n" if lines else "")


def brat_type(name: str, counts: Counter | None = None) -> str:
    """A type as brat's configuration takes it: no white space (brat splits on it), joined with `_`
    and counted in `counts` when it had some."""
    joined = "_".join(name.split()) or SPAN_LABEL
    if counts is not None and joined != name:
        counts[NAMES_JOINED] += 1
    return joined


def side_value(side: str) -> str:
    """A side (or kind) as a brat attribute value: its white space written `_`, and `,` and `|` too
    (brat's `annotation.conf` splits a value list on them). The reader turns `_` back into spaces."""
    return "_".join(side.replace(",", " ").replace("|", " ").split())


def annotation_conf(
    labels: list[str], end_types: list[str], link_types: list[str], actor_values: Mapping[str, set[str]] | None = None
) -> str:
    """brat's `annotation.conf` for an export: statement labels and end types as entities, link
    types as relations between any of them, the `End` attribute, and `Kind` and `Side` with the
    values the export wrote (`actor_values`, by attribute; none written: not declared)."""
    entities = sorted({brat_type(n) for n in [*labels, *end_types]})
    values = actor_values or {}
    return (
        "[entities]\n"
        + "".join(f"{name}\n" for name in entities)
        + "\n[relations]\n"
        + "".join(f"{brat_type(n)}\tArg1:<ENTITY>, Arg2:<ENTITY>\n" for n in sorted(set(link_types)))
        + "\n[events]\n\n[attributes]\n"
        + f"{END_ATTRIBUTE}\tArg:<ENTITY>\n"
        + "".join(
            f"{name}\tArg:<ENTITY>, Value:{'|'.join(sorted(values[name]))}\n"
            for name in (KIND_ATTRIBUTE, SIDE_ATTRIBUTE)
            if values.get(name)
        )
    )


class BratWriter(Writer):
    """brat standoff: `NAME.txt` and `NAME.ann` per row in a folder, and its `annotation.conf`.

    NAME is the article's id (six digits), and with every layer (`--all-layers`) the annotator's
    name too: one file pair per article and layer.
    """

    folder = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels: set[str] = set()
        self.ends: set[str] = set()
        self.types: set[str] = set()
        #: The `Kind` and `Side` values written, declared in the `annotation.conf`.
        self.actor_values: dict[str, set[str]] = {KIND_ATTRIBUTE: set(), SIDE_ATTRIBUTE: set()}

    @classmethod
    def owns(cls, name: str) -> bool:
        return Path(name).suffix in (".txt", ANN_SUFFIX) or name == CONF_NAME

    def write(self, folder: Path, row: ExportRow) -> None:
        name = f"{row.article_id:06d}"
        if self.context.layer is None and row.annotator is not None:  # every layer: one file pair each
            name += "-" + "".join(c if c.isalnum() or c in "-_." else "_" for c in row.annotator)[:60]
        (folder / f"{name}.txt").write_text(row.text, encoding="utf-8", newline="\n")
        ann = ann_from_row(row, self.summary.counts, self.context.actor_kinds, self.actor_values)
        (folder / f"{name}{ANN_SUFFIX}").write_text(ann, encoding="utf-8", newline="\n")
        self.summary.records += 1
        self.summary.counts["rejected_left_out"] += len(row.rejected)
        self.count_labels(row)
        self.labels.update(span.label for span in row.spans)
        self.types.update(link.label for link in row.links)
        statements, name_of = statement_spans(row), end_namer(row)
        self.ends.update(name_of(end) for link in row.links for end in (link.head, link.child) if end not in statements)

    def finish(self, folder: Path) -> None:
        conf = annotation_conf(sorted(self.labels), sorted(self.ends), sorted(self.types), self.actor_values)
        (folder / CONF_NAME).write_text(conf, encoding="utf-8", newline="\n")


FORMAT = Format(
    name="brat",
    title="brat standoff",
    suffixes=(".txt", ANN_SUFFIX),
    read=_read,
    recognise=_recognise,
    walked=(),  # a folder's .txt files are walked as text, and recognised here by their .ann
    writer=BratWriter,
    imports="a `.txt` with its `.ann` beside it (INCEpTION, brat): `T` lines become statements, "
    "`AnnotatorNotes` their notes, `R` lines links, `N` lines (`Actors:`) the actors of link ends, their "
    "`Kind` and `Side` attributes what those actors are; offsets read the way the writing tool counted them",
    exports="`NAME.txt` and `NAME.ann` per article (and layer) with `T` lines for statements, `R` lines for "
    "links, `N` lines for the actors of link ends with `Kind` and `Side` attributes, and the "
    "`annotation.conf` that declares them, so brat opens the folder as it is",
    reads_back=True,
    account_items={
        QUOTES_ON_ONE_LINE: (
            "T lines whose quoted words held a line break or tab, quoted on one line (the .txt keeps the text)",
            False,
        ),
        NOTES_ON_ONE_LINE: ("notes holding a line break, written on one line (an .ann line cannot hold it)", False),
        NAMES_JOINED: ("labels or link types holding white space, written joined with _ (brat splits on it)", False),
    },
    peers="brat opens the folder as it is (its `annotation.conf` declares the labels and link types), INCEpTION "
    "imports it as brat standoff; not run in a test (both are servers)",
)
