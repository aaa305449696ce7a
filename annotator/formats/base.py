"""What a format declares (`Format`), and the shapes of the readers and writers it names.

Each format module ends with one `FORMAT = Format(...)`; `annotator.formats` (the registry)
lists them and builds everything else from them. No spaCy, no Qt here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

try:  # CPython's C loop behind Counter.update (a mapping test per row spared); plain Python elsewhere
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover

    def _count_elements(mapping: dict, iterable: Iterable) -> None:
        for item in iterable:
            mapping[item] = mapping.get(item, 0) + 1


from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.formats.checks import snippet
from annotator.formats.left_out import LeftOut
from annotator.records import CategoryGroup, ExportRow, IncomingRecord, Rejection
from annotator.tokens import SpacyTokens

if TYPE_CHECKING:
    from annotator.formats.account import ExportSummary

#: What an export can hold: labeled statements (a layer's work) or the article's entities.
STATEMENTS, ENTITIES = "statements", "entities"
_NAME = re.compile(r"[a-z][a-z0-9-]*")


#: A span's label (`Span.label`), read in C.
_LABEL = itemgetter(2)


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need besides the file: the project being imported into (a project file
    is never merged into itself)."""

    into: Path | None = None
    #: The project's id (its `project_id` setting), or None when it never sent out work packages:
    #: a package names the project it came from, and only that one takes it back.
    project_id: str | None = None


@dataclass
class ObjectContext:
    """Where one parsed JSON object came from, for a JSON format's `read_object`."""

    path: str
    #: The file's name, the records' `source` unless their metadata names one.
    source: str
    line: int
    #: What the file carries that a project cannot hold, counted once per file.
    left_out: LeftOut


@dataclass(frozen=True)
class WriteContext:
    """What a writer may know of the project besides the rows: gathered once by the export loop
    (`annotator.export.run.write_context`) from the project and the rule. A format never queries the
    project; what it needs is named here.
    """

    #: The layer the rule writes (an annotator, gold, `model:VERSION`); None: every layer, one
    #: record per article and annotator (brat names its file pairs after the layer then).
    layer: str | None = None
    #: Every label a statement classifier should know (textcat's `cats`): those the rule asks for
    #: (`--labels`), else the scheme's active labels and any other label in use.
    labels: tuple[str, ...] = ()
    #: The project's category groups, in scheme order (Label Studio's `<Choices>`).
    categories: tuple[CategoryGroup, ...] = ()
    #: The groups whose categories the rule writes (`--categories`); None: every group.
    category_groups: frozenset[str] | None = None
    #: The project has links (doccano then writes every line in the entity+relation shape).
    has_links: bool = False
    #: The project pipeline's tokenizer (text -> spaCy Doc), for a DocBin article whose stored
    #: tokens do not match its text; loaded at the first call. None: spaCy's English rules.
    tokenize: Callable[[str], Any] | None = None
    #: The project's actors: {name: (kind, side)}, for formats that list the actors a record names.
    actor_kinds: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def chosen_categories(self) -> list[CategoryGroup]:
        """The category groups the export writes: the project's, less those the rule leaves out."""
        only = self.category_groups
        return [g for g in self.categories if only is None or g.name in only]


#: A file's records and what could not be read (`FILE:LINE: reason`).
Reader = Callable[[Path, ReadContext], Iterable[IncomingRecord | Rejection]]
#: The records one JSON object holds, all or none (`RecordError`), and a note on what was left
#: out of it (`"2 relations not imported yet"`) or None.
ObjectReader = Callable[[dict[str, Any], ObjectContext], tuple[list[IncomingRecord], str | None]]


@dataclass(frozen=True)
class Option:
    """A choice one or more formats' exports take (`annotator export --NAME CHOICE`, the dialog).

    `default` is what the format does when the option is not given.
    """

    name: str
    choices: tuple[str, ...]
    help: str
    default: str | None = None

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    @property
    def key(self) -> str:
        """The keyword the export takes it under (`--tag-scheme` -> `tag_scheme`)."""
        return self.name.replace("-", "_")


#: Snapping onto tokens, shared by the formats that carry tokens (DocBin, CoNLL).
ALIGN = Option(
    "align",
    ("contract", "expand"),
    "Snap spans and entities off token boundaries onto whole tokens, inward or outward (without it "
    "they are reported: a DocBin leaves them out, CoNLL leaves out their sentence)",
)


@dataclass(frozen=True)
class Format:
    """One format, declared in one place: its names, its files, its reader and writer.

    Reading: a file is this format's when its suffix is one of `suffixes` and, where several
    formats share a suffix, `recognise(path)` says so (a format without `recognise` takes the
    files the others do not). A file whose suffix no format claims is tried with each
    format's `sniff(first bytes)`. `read` reads a whole file; a JSON format gives
    `read_object` instead (the records of one parsed object) and `is_object` (whether an
    object has its shape): JSONL and `.json` files are read object by object, each by the
    format whose shape it has, so one file may mix them. At most one JSON format leaves
    `is_object` out: it reads every object no other shape claims.

    Writing: `writer` makes the export's records from the rule's rows; `export_suffixes` are
    the file endings its exports take (the first is the usual one). A writer whose `folder` is
    set writes a folder of files instead (brat: a `.txt` and an `.ann` per article): it has no
    export suffix, is never picked by a file name, and its destination is replaced whole. `training` formats
    follow the strict half of the export rule (one layer, finished articles, never a model's
    output); `holds` says whether it writes statements or entities; `keeps_task_answers` and
    `writes_negatives` are what the rule must know of what it can say. `options` are its own
    export choices, `account_items` what its account counts that no other format does.
    `imports`/`exports` say in a sentence what it reads and writes (the
    table in `docs/formats.md`, `--help`).
    """

    name: str
    title: str
    suffixes: tuple[str, ...] = ()
    read: Reader | None = None
    read_object: ObjectReader | None = None
    is_object: Callable[[dict[str, Any]], bool] | None = None
    #: Whether an object is its shape when the format is named (`import --format`): a shape it
    #: shares with the fallback reader counts then too (doccano's plain `{"text", "label"}`).
    is_named_object: Callable[[dict[str, Any]], bool] | None = None
    recognise: Callable[[Path], bool] | None = None
    sniff: Callable[[bytes], bool] | None = None
    #: Suffixes a folder is walked for (default: `suffixes`); `()` to be read only when named.
    walked: tuple[str, ...] | None = None
    #: File names a folder walk passes over (a shard run's manifest).
    ignored: tuple[str, ...] = ()
    writer: type[Writer] | None = None
    export_suffixes: tuple[str, ...] = ()
    training: bool = False
    holds: str = STATEMENTS
    #: It can say that a whole task was answered reject or ignore (Prodigy's `answer`): the rule
    #: writes such tasks instead of leaving them out.
    keeps_task_answers: bool = False
    #: A finished article's sentences with no label are written as negatives (textcat).
    writes_negatives: bool = False
    #: Its exports carry article categories (`export_categories`); the others' accounts count
    #: the articles whose categories they leave out.
    holds_categories: bool = False
    #: Its exports carry notes on statements without a label (`ExportRow.notes`); the others'
    #: accounts count the notes they leave out.
    holds_notes: bool = False
    #: Whether an export (with these options) holds article categories alone, no statement: it
    #: takes the articles whose layer answered only categories (`export.rule.only_categories`).
    holds_only_categories: Callable[[Mapping[str, str | None]], bool] | None = None
    #: Its statements have no "missing" (spaCy's spancat reads a doc without spans as "no
    #: statement"): an article with only category answers goes in only when the file teaches no
    #: statement at all (the layer finished no article).
    spans_never_missing: bool = False
    options: tuple[Option, ...] = ()
    #: What its account counts besides the common items (`export_account.ITEMS`): item ->
    #: (what it says, whether it is a loss: something asked for that the file does not hold).
    account_items: dict[str, tuple[str, bool]] = field(default_factory=dict)
    imports: str = ""
    exports: str = ""
    #: Whether `annotator import` reads its exports back with what they hold.
    reads_back: bool = False
    #: What the peers' own tools do with its exports (imports, refuses, needs setting X), and how we
    #: know (run in a test, or a test written from the importer's source); every export format says.
    peers: str = ""

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"format name {self.name!r}: lowercase letters, digits and '-'")
        if set("();") & set(self.title):
            raise ValueError(f"format {self.name}: a title holds no parentheses or ';' (file dialog filters)")
        for suffix in (*self.suffixes, *self.export_suffixes, *(self.walked or ())):
            if not suffix.startswith(".") or suffix != suffix.lower():
                raise ValueError(f"format {self.name}: suffix {suffix!r} must be lowercase and start with '.'")
        if self.read is not None and self.read_object is not None:
            raise ValueError(f"format {self.name}: give read or read_object, not both")
        if self.suffixes and self.read is None and self.read_object is None:
            raise ValueError(f"format {self.name}: suffixes to read but no reader")
        if self.writer is not None and not self.export_suffixes and not self.writer.folder:
            raise ValueError(f"format {self.name}: a writer needs export_suffixes (or to write a folder)")
        if self.writer is not None and self.writer.folder and self.export_suffixes:
            raise ValueError(f"format {self.name}: a folder is written, not a file: no export_suffixes")
        if self.holds not in (STATEMENTS, ENTITIES):
            raise ValueError(f"format {self.name}: holds must be {STATEMENTS!r} or {ENTITIES!r}")

    @property
    def can_import(self) -> bool:
        return self.read is not None or self.read_object is not None

    @property
    def can_export(self) -> bool:
        return self.writer is not None

    @property
    def writes_folder(self) -> bool:
        """Its export is a folder of files, not one file (`Writer.folder`)."""
        return self.writer is not None and self.writer.folder

    @property
    def export_place(self) -> str:
        """What its export is written to, as help and menus say it: its usual ending, or `a folder`."""
        return "a folder" if self.writes_folder else self.export_suffixes[0]

    @property
    def folder_suffixes(self) -> tuple[str, ...]:
        return self.suffixes if self.walked is None else self.walked


class Writer:
    """Writes one format's records for the export's rows and counts them in the account.

    A writer gets the rows and a `WriteContext`, never the project: the export loop
    (`annotator.export.run.export`) opens the destination (text, or bytes when `binary`,
    or a folder when `folder`), calls `write` for every row the rule keeps and `finish` once
    at the end, inside one atomic write. `options` holds the format's `Option`s by key,
    defaults filled in.
    """

    #: The destination is opened for bytes (a DocBin), else as UTF-8 text with LF line ends.
    binary = False
    #: The destination is a folder: `write` and `finish` get a temporary folder (a `Path`) to fill,
    #: which replaces the destination whole once the export succeeds (`atomic.atomic_folder`).
    folder = False
    #: The records hold reference cycles (spaCy Docs): Python's cyclic collector stays on.
    makes_cycles = False

    @classmethod
    def owns(cls, name: str) -> bool:
        """Whether a file named `name` in an existing destination folder is one this writer writes:
        a folder export replaces a folder only when every file in it is (its own earlier export)."""
        return False

    def __init__(self, context: WriteContext, summary: ExportSummary, options: dict[str, Any]):
        self.context, self.summary, self.options = context, summary, options

    def write(self, handle: Any, row: ExportRow) -> bool | None:
        """Write one row's records. Return False when the row adds no article to the file: left
        out (the writer counts why) or joined to the article before (one task, several layers)."""
        raise NotImplementedError

    def finish(self, handle: Any) -> None:
        """Write what could only be written at the end (a DocBin, a JSON array's closing bracket)."""

    # -- helpers for the account -----------------------------------------------------------

    def count_labels(self, row: ExportRow) -> None:
        """Count the row's labeled spans, per label, and its links."""
        self.summary.spans += len(row.spans)
        # counted in C (what Counter.update calls, without testing its argument for a mapping per row)
        _count_elements(self.summary.labels, map(_LABEL, row.spans))
        if row.links:
            self.summary.counts["links_written"] += len(row.links)

    def report_alignment(self, row: ExportRow, tokens: SpacyTokens | None) -> None:
        """Count spans off the boundaries of the tokens this format carries (written as they are)."""
        if tokens is None:
            return
        starts, ends = tokens.boundaries()
        where = f"article {row.article_id}" + (f" ({row.annotator})" if row.annotator else "")
        for kind, items in (("span", row.spans), ("entity", row.entities)):
            for start, end, label, _ in items:
                if start not in starts or end not in ends:
                    self.summary.counts["misaligned"] += 1
                    self.summary.warnings.append(
                        f"{where}: {kind} {start}-{end} {label!r} {snippet(row.text[start:end])} does not fall on "
                        "token boundaries (written as is)"
                    )
