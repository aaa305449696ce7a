"""The format registry: every format Annotator reads or writes, each declared once, in its own module.

A format is one module of this package that ends with `FORMAT = Format(...)` (`base.Format`):
its name (`--format NAME`), title, suffixes, how its files are recognised, its reader and/or
writer, whether it is a training format, its export options, and in a sentence what it reads
and writes. `_MODULES` below lists them; everything that depends on formats is built here:

- `annotator import`: `read(path)` picks the reader (by suffix; `recognise` where formats
  share a suffix, as `.jsonl` and `.txt`; the first bytes' `sniff` for a suffix no format
  claims, as CoNLL's `eng.train`), folders are walked for `folder_suffixes()`, and
  `import --format NAME` forces one (`import_names()`);
- `annotator export`: the `--format` choices and their help (`export_names()`,
  `export_help()`), each format's own options (`options()`), the format a file name asks
  for (`export_format_for(out)`), the writer (a file's, or a folder's: `folder_names()`),
  and the export rule's training formats (`training_names()`);
- the window's dialogs, without Qt: `import_filter()` for Import, `export_choices()`,
  `export_filter(name)` and `export_suffix(name)` for Export;
- the formats table of `docs/formats.md`: `markdown_table()`.

Adding a format: write its module (reader and/or writer, `FORMAT`), add it to `_MODULES`, and
run `python -m annotator.cli.reference` (it writes the table into `docs/formats.md`). Nothing
else changes; `tests/test_format_registry.py` registers a format of its own to hold that. The
order of `_MODULES` is the order of menus and help and of the JSON shapes tried on an object,
and where formats share an export suffix the first is the one a file name picks (`.jsonl`:
Prodigy).

Modelled on spaCy's converters (`spacy/cli/convert.py`: a format is a name and a function,
chosen by name or by file ending) and Picard's format registry (`picard/formats/util.py`: each
format declares its extensions; a file is matched by its extension, else by its first bytes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.formats import (
    brat,
    conll,
    csvfile,
    docbin,
    doccano,
    doccat,
    label_studio,
    prodigy,
    project_file,
    shards,
    textcat,
    textfiles,
)
from annotator.formats.base import ENTITIES, STATEMENTS, Format, Option, ReadContext, Writer
from annotator.formats.jsonl import read_json_objects
from annotator.records import IncomingRecord, Rejection
from annotator.store.files import head_bytes

#: Every format, in the order of menus and help (the Export dialog opens on the first export,
#: Prodigy JSONL). JSON shapes are tried in this order too: Label Studio's before doccano's (a
#: task's `annotations` would pass for doccano 1.0's).
_MODULES = (
    textfiles,
    prodigy,
    label_studio,
    doccano,
    docbin,
    textcat,
    doccat,
    csvfile,
    brat,
    conll,
    project_file,
    shards,
)
#: The export a file name picks when no format claims its ending.
DEFAULT_EXPORT = "jsonl"
#: How many first bytes of a file `Format.sniff` sees.
HEAD_BYTES = 4096

_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format (after the others); its options must not clash with another format's."""
    if fmt.name in _REGISTRY:
        raise ValueError(f"a format named {fmt.name!r} is registered already")
    if (
        fmt.is_object is None
        and fmt.read_object is not None
        and any(f.read_object and not f.is_object for f in all_formats())
    ):
        raise ValueError(f"format {fmt.name}: only one JSON format may read the objects no other shape claims")
    for option in fmt.options:
        known = next((o for f in all_formats() for o in f.options if o.name == option.name), option)
        if known != option:
            raise ValueError(f"format {fmt.name}: option {option.flag} differs from another format's")
    _REGISTRY[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def all_formats() -> list[Format]:
    return list(_REGISTRY.values())


def get(name: str) -> Format:
    """The format named `name`; ValueError listing the names otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(_REGISTRY)}") from None


def import_names() -> tuple[str, ...]:
    return tuple(f.name for f in all_formats() if f.can_import)


def export_names() -> tuple[str, ...]:
    return tuple(f.name for f in all_formats() if f.can_export)


def training_names() -> tuple[str, ...]:
    """Formats a model is trained on: the export rule's strict half (one layer, finished articles)."""
    return tuple(f.name for f in all_formats() if f.can_export and f.training)


def folder_names() -> tuple[str, ...]:
    """Exports written as a folder of files (`Writer.folder`): named, never picked by a file name."""
    return tuple(f.name for f in all_formats() if f.writes_folder)


def interchange_names() -> tuple[str, ...]:
    """Exports for other tools and merging: they may hold every layer and unfinished articles."""
    return tuple(f.name for f in all_formats() if f.can_export and not f.training)


def options() -> list[Option]:
    """Every export option, once, in the order of the formats that take it."""
    found: dict[str, Option] = {}
    for fmt in all_formats():
        for option in fmt.options:
            found.setdefault(option.name, option)
    return list(found.values())


def option_formats(option: Option) -> tuple[str, ...]:
    """The formats that take `option`."""
    return tuple(f.name for f in all_formats() if option in f.options)


def account_items() -> dict[str, tuple[str, bool]]:
    """What the formats' accounts count besides the common items (see `export_account.ITEMS`)."""
    return {item: what for fmt in all_formats() for item, what in fmt.account_items.items()}


# -- reading -----------------------------------------------------------------------------


def folder_suffixes() -> tuple[str, ...]:
    """The endings of the files a folder import takes."""
    return tuple(dict.fromkeys(s for f in all_formats() for s in f.folder_suffixes))


def ignored_names() -> frozenset[str]:
    """File names a folder import passes over (a shard run's manifest)."""
    return frozenset(name for f in all_formats() for name in f.ignored)


def format_of(path: Path) -> Format | None:
    """The format a file is in: the one its suffix names; where formats share it, the first that
    `recognise`s the file, else the first that does not ask; a suffix nobody claims, the first
    whose `sniff` takes its first bytes. None if none."""
    suffix = path.suffix.lower()
    claiming = [f for f in all_formats() if f.can_import and suffix in f.suffixes]
    for fmt in claiming:
        if fmt.recognise is not None and fmt.recognise(path):
            return fmt
    plain = [f for f in claiming if f.recognise is None] or claiming
    if plain:
        return plain[0]
    head = _head(path)
    sniffing = [f for f in all_formats() if f.can_import and f.sniff is not None]
    return next((f for f in sniffing if head and f.sniff(head)), None)


def read(
    path: Path, context: ReadContext | None = None, fmt: str | None = None
) -> Iterator[IncomingRecord | Rejection]:
    """The records of one file, in the format it is in (or `fmt`), and what could not be read.

    A JSON format's file is read object by object, each by the JSON format whose shape it has
    (only `fmt`'s when it is named).
    """
    chosen = get(fmt) if fmt else format_of(path)
    if chosen is None:
        yield Rejection(str(path), 1, _unknown(path))
        return
    if not chosen.can_import:
        raise ValueError(f"{chosen.name} is written by exports only; it cannot be imported")
    if chosen.read_object is not None:
        shapes = [chosen] if fmt else [f for f in all_formats() if f.read_object is not None]
        yield from read_json_objects(path, shapes)
    else:
        yield from chosen.read(path, context or ReadContext())


def _head(path: Path) -> bytes | None:
    try:
        return head_bytes(path, HEAD_BYTES)
    except OSError:
        return None


def _unknown(path: Path) -> str:
    by_suffixes: dict[tuple[str, ...], list[str]] = {}
    for fmt in all_formats():
        if fmt.can_import:
            by_suffixes.setdefault(fmt.suffixes, []).append(fmt.title)
    expected = "; ".join(f"{' '.join(suffixes)} ({', '.join(titles)})" for suffixes, titles in by_suffixes.items())
    return (
        f"unknown file type {path.suffix.lower() or '(none)'!r}: expected {expected}, or a folder; "
        "import --format NAME reads a file as that format"
    )


# -- writing -----------------------------------------------------------------------------


def export_format_for(out: str | Path) -> str:
    """The format a file name asks for when none is given: the first whose export takes its
    ending (`.spacy`, `.csv`, `.json`: Label Studio, `.conll`), else Prodigy JSONL (doccano and
    textcat also end in `.jsonl`, so they must be named). A format that writes a folder (brat)
    has no ending: it is always named."""
    suffix = Path(str(out)).suffix.lower()
    return next((f.name for f in all_formats() if suffix in f.export_suffixes), DEFAULT_EXPORT)


def export_suffix(name: str) -> str:
    """The ending an export in this format is usually given (the Export dialog follows it); ""
    for a format that writes a folder."""
    fmt = get(name)
    return "" if fmt.writes_folder else fmt.export_suffixes[0]


def writer_of(name: str) -> type[Writer]:
    fmt = get(name)
    if fmt.writer is None:
        raise ValueError(f"{name} is read by imports only; export to one of {', '.join(export_names())}")
    return fmt.writer


# -- what people see: help, the dialogs' filters, the docs -------------------------------


def export_choices() -> list[tuple[str, str]]:
    """(name, what the Export dialog's format list says) of every export."""
    out = []
    for fmt in all_formats():
        if fmt.can_export:
            use = "for training" if fmt.training else "for other tools and merging"
            out.append((fmt.name, f"{fmt.title} ({fmt.export_place}), {use}"))
    return out


def import_filter() -> str:
    """The Import dialog's file-type filter (Qt's `Title (*.a *.b);;...` syntax): every file an
    import reads, then one entry per group of formats that share their suffixes, then all files."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for fmt in all_formats():
        if fmt.can_import:
            groups.setdefault(fmt.suffixes, []).append(fmt.title)
    every = " ".join(dict.fromkeys(f"*{s}" for suffixes in groups for s in suffixes))
    entries = [f"Everything Annotator imports ({every})"]
    entries += [f"{', '.join(titles)} ({' '.join('*' + s for s in suffixes)})" for suffixes, titles in groups.items()]
    return ";;".join([*entries, "All files (*)"])


def export_filter(name: str) -> str:
    """The Export dialog's save filter for one format; "" for a format that writes a folder (the
    dialog asks for a folder, where no file filter applies)."""
    fmt = get(name)
    if fmt.writes_folder:
        return ""
    return f"{fmt.title} ({' '.join('*' + s for s in fmt.export_suffixes)});;All files (*)"


def export_help() -> str:
    """What `annotator export --format` says about each choice."""
    parts = []
    for fmt in all_formats():
        if fmt.can_export:
            kind = ", training" if fmt.training else ""
            parts.append(f"{fmt.name}: {fmt.title} ({fmt.export_place}{kind})")
    default = export_suffix(DEFAULT_EXPORT)
    endings = ", ".join(
        dict.fromkeys(s for f in all_formats() if f.can_export for s in f.export_suffixes if s != default)
    )
    sharing = [f.name for f in all_formats() if default in f.export_suffixes and f.name != DEFAULT_EXPORT]
    also = f" ({' and '.join(sharing)} also end in {default}: name them)" if sharing else ""
    folders = folder_names()
    folder = (
        f" {' and '.join(folders)} write{'s' * (len(folders) == 1)} a folder (OUT), replaced whole: name "
        f"{'it' if len(folders) == 1 else 'them'}."
        if folders
        else ""
    )
    return "; ".join(parts) + f". Default: from OUT's ending ({endings}), else {DEFAULT_EXPORT}{also}.{folder}"


def import_help() -> str:
    """What `annotator import` says it reads, one format a line."""
    lines = []
    for fmt in all_formats():
        if fmt.can_import:
            lines.append(f"{fmt.name} ({' '.join(fmt.suffixes)}): {fmt.imports}")
    return "\n".join(lines)


def markdown_table() -> str:
    """The formats table of `docs/formats.md`, from each format's own declaration."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = [
        "| format | `--format` | `annotator import` reads | `annotator export` writes "
        "| the peers' tools with our file |",
        "|---|---|---|---|---|",
    ]
    for fmt in all_formats():
        reads = f"{' '.join(f'`{s}`' for s in fmt.suffixes)}: {fmt.imports}" if fmt.can_import else "–"
        writes = "–"
        if fmt.can_export:
            what = "training" if fmt.training else "interchange"
            if fmt.holds == ENTITIES:
                what += ", entities"
            back = "; reads back" if fmt.reads_back else ""
            flags = "".join(f"; `{o.flag} {'|'.join(o.choices)}`" for o in fmt.options)
            place = fmt.export_place if fmt.writes_folder else f"`{fmt.export_place}`"
            writes = f"{place} ({what}{back}{flags}): {fmt.exports}"
        peers = fmt.peers if fmt.can_export else "–"
        rows.append(f"| {fmt.title} | `{fmt.name}` | {cell(reads)} | {cell(writes)} | {cell(peers)} |")
    return "\n".join(rows)


for _module in _MODULES:
    register(_module.FORMAT)

__all__ = [
    "ENTITIES",
    "STATEMENTS",
    "Format",
    "Option",
    "ReadContext",
    "Writer",
    "account_items",
    "all_formats",
    "export_choices",
    "export_filter",
    "export_format_for",
    "export_help",
    "export_names",
    "export_suffix",
    "folder_names",
    "folder_suffixes",
    "format_of",
    "get",
    "ignored_names",
    "import_filter",
    "import_help",
    "import_names",
    "interchange_names",
    "markdown_table",
    "option_formats",
    "options",
    "read",
    "register",
    "training_names",
    "unregister",
    "writer_of",
]
