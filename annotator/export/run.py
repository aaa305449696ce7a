"""Export the project: the rule's rows, checked, written atomically, and accounted for.

`annotator.export.rule` decides which layer and which articles; each format's module makes its
records (`Format.writer`, found in the registry `annotator.formats`); this module is the loop
between them. Every span is checked against its own text before anything is written (a span
that does not slice its text stops the export and leaves the old file), a failure or a cancel
at any point leaves the previous file (or folder, for a format that writes one) as it was, and
the export ends with its account (`export_account`): records written, per label, and each thing
left out or changed, with its reason and count.
"""

from __future__ import annotations

import contextlib
import errno
import re
import sys
import time
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

from annotator import formats
from annotator.export.categories import UNKNOWN, WRITTEN
from annotator.export.rule import ExportRefused, ExportRule, Selection
from annotator.formats.account import ITEMS, ExportSummary
from annotator.formats.atomic import (
    FOLDER_MARKER,
    NotARegularFile,
    atomic_folder,
    atomic_output,
    is_our_folder,
    remove_stale_temporaries,
    written_file,
)
from annotator.formats.base import Format, WriteContext
from annotator.nlp.pipeline import pipeline_tokenizer
from annotator.records import GOLD, ExportRow
from annotator.schemes.categories import project_categories
from annotator.schemes.labels import label_universe
from annotator.store import Store, StoreError
from annotator.streaming import no_cyclic_gc
from annotator.text import path_shown, plural


class ExportError(Exception):
    """The export was refused or failed; the old file is untouched. `summary`: the account so far."""

    def __init__(self, message: str, summary: ExportSummary | None = None):
        super().__init__(message)
        self.summary = summary


class _Cancelled(Exception):
    pass


def export(
    store: Store,
    out: str | Path,
    rule: ExportRule,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    **options: str | None,
) -> ExportSummary:
    """Write what `rule` selects to `out` (`-` = standard output); see the module docstring.

    `options` are the format's own choices by key (`align="expand"` for a DocBin or CoNLL,
    `tag_scheme="bilou"`, `layers_as="annotations"`; None: not given); an option the format
    does not take, or a value it does not know, is a ValueError. `progress(n)` is called as
    stored rows are gone through (total: `count_records`); when `cancelled()` returns True the
    export stops, the old file stays and the summary says `cancelled`. Raises `ExportRefused`
    (the rule cannot give what was asked) or `ExportError` (nothing written: no record, a bad
    destination, a full disk, a closed pipe); either way nothing was written and the old file
    is as it was.
    """
    started = time.perf_counter()
    fmt = formats.get(rule.fmt)
    writer_class = formats.writer_of(rule.fmt)
    chosen = format_options(rule.fmt, options)
    check_destination(store, out)
    if fmt.writes_folder:
        check_folder(fmt, out)
    elif str(out) != "-":
        try:
            written_file(out)
        except NotARegularFile as exc:
            raise ExportError(f"{exc}; nothing was written") from exc
    selection = Selection(store, rule, chosen)
    summary = ExportSummary(
        str(out), rule.fmt, rule.describe(selection.categories_file), items={**ITEMS, **fmt.account_items}
    )
    if str(out) != "-":
        summary.counts["stale_temporaries"] = len(remove_stale_temporaries(Path(out)))
    writer = writer_class(write_context(store, rule), summary, chosen)

    def tick() -> None:
        if progress:
            progress(1)
        if cancelled and cancelled():
            raise _Cancelled

    ticking = tick if progress or cancelled else None

    try:
        paused = contextlib.nullcontext() if writer.makes_cycles else no_cyclic_gc()
        if writer.folder:
            output = atomic_folder(out, f"{fmt.title}: {rule.describe()}")
        else:
            output = atomic_output(out, "wb" if writer.binary else "w")
        with paused, output as handle:
            check, write = _check_row, writer.write
            holds_categories, holds_notes = fmt.holds_categories, fmt.holds_notes
            last_article = None  # rows come in article order; with every layer, several per article
            written: set[int] = set()  # the articles written, for the data card
            for row in selection.rows(ticking):
                check(row)
                if row.notes:  # notes on statements with no label: carried, or counted as left out
                    summary.counts["notes_written" if holds_notes else "notes_left_out"] += len(row.notes)
                if write(handle, row) is not False:
                    if row.article_id != last_article:
                        summary.articles += 1
                        last_article = row.article_id
                        written.add(row.article_id)
                    if row.categories and not holds_categories:
                        summary.counts["categories_left_out"] += 1

            writer.finish(handle)
            if not summary.records:
                raise ExportError(_nothing_message(summary, selection), summary)
    except _Cancelled:
        summary.cancelled = True
    except BrokenPipeError as exc:
        raise ExportError(
            f"standard output was closed after {plural(summary.records, 'record')} (the reading program stopped); "
            "the export is incomplete",
            summary,
        ) from exc
    except StoreError as exc:  # a file is left as it was; standard output has what was written before
        if str(out) != "-":
            raise
        raise ExportError(
            f"{exc}. {plural(summary.records, 'record')} had been written to standard output: the export is incomplete",
            summary,
        ) from exc
    except OSError as exc:
        raise ExportError(_os_message(exc, out), summary) from exc
    finally:
        summary.left_out.update(selection.left_out)
        summary.counts.update(selection.counts)
        if not fmt.holds_categories:  # its account says what it left out, not what it wrote
            for item in (WRITTEN, UNKNOWN):
                summary.counts.pop(item, None)
        summary.seconds = time.perf_counter() - started
    if wants_card(fmt, rule) and str(out) != "-" and summary.records and not summary.cancelled:
        from annotator.guidelines.card import write_card

        try:
            card = write_card(store, out, rule.layer, rule.labels, summary, written)
        except OSError as exc:  # the export is written; only its card could not be
            summary.warnings.append(
                f"{path_shown(f'{out}.card.md')}: the data card could not be written ({exc.strerror or exc})"
            )
            card = None
        summary.card = str(card) if card else ""
    return summary


def wants_card(fmt, rule: ExportRule) -> bool:
    """A data card goes beside every training export, and beside an interchange file (JSONL, CSV,
    doccano, Label Studio…) of the gold layer, the team's training data. One person's layer, every
    layer as stored or a model's predictions in an interchange file are for merging or another
    tool's review, and a folder format has no file to stand beside: no card."""
    if fmt.training:
        return True
    return not fmt.writes_folder and rule.layer == GOLD


def write_context(store: Store, rule: ExportRule) -> WriteContext:
    """What the writer may know of the project, read once before the first row: the rule's layer
    and choices, the labels and categories of the scheme, and the pipeline's tokenizer (loaded
    only if a writer calls it). The writer never sees the store."""
    pipeline = store.get_setting("pipeline")
    return WriteContext(
        layer=rule.layer,
        labels=tuple(sorted(rule.labels)) if rule.labels is not None else tuple(label_universe(store)),
        categories=tuple(project_categories(store)),
        category_groups=rule.category_groups,
        has_links=bool(store.links.used_link_types()),
        tokenize=lambda text: pipeline_tokenizer(pipeline)(text),
        actor_kinds={a.name: (a.kind, a.side) for a in store.actors.actors()},
    )


def format_options(fmt: str, given: dict[str, str | None]) -> dict[str, str | None]:
    """The options of format `fmt`, by key, with its defaults for those not given (None).

    ValueError for an option the format does not take or a value it does not know.
    """
    takes = {option.key: option for option in formats.get(fmt).options}
    for key, value in given.items():
        if value is None:
            continue
        option = takes.get(key)
        if option is None:
            flag = "--" + key.replace("_", "-")
            known = next((o for o in formats.options() if o.key == key), None)
            where = f"it is for {', '.join(formats.option_formats(known))}" if known else "no format takes it"
            raise ValueError(f"{flag} does not apply to {fmt}: {where}")
        if value not in option.choices:
            raise ValueError(f"unknown {option.flag} {value!r}; choose one of {', '.join(option.choices)}")
    return {key: given.get(key) or option.default for key, option in takes.items()}


def count_records(store: Store, rule: ExportRule) -> int:
    """How many stored rows `export` goes through with this rule: the total for its `progress`."""
    return store.count_export_rows(rule.layer)


def format_for(out: str | Path) -> str:
    """The format a file name asks for when none is given (`formats.export_format_for`)."""
    return formats.export_format_for(out)


def check_destination(store: Store, out: str | Path) -> None:
    """Refuse to write over the project, its -wal/-shm/-journal or lock file, a backup of it, or any
    Annotator project or file beside one that the project owns (its lock, a `.damaged-…` or
    `.before-…` copy a restore kept, a migration's `.v<N>.bak`).

    Raises `ExportError`; compares resolved paths, so a link or `./` changes nothing. Replacing a
    lock file would free the lock of a window that holds it (a lock lives on the file, which the
    export's rename swaps), and a restore could then move the project from under that window.
    """
    if str(out) == "-":
        if sys.stdout is None or sys.stdout.closed:
            raise ExportError("standard output is closed (- writes to it); nothing was written: give a file name")
        return
    from annotator.store.backups import backup_dir
    from annotator.store.files import is_project

    target = Path(out).expanduser().resolve()
    project = store.path.resolve()
    what = None
    if target == project:
        what = "the project file itself"
    elif target.parent == backup_dir(project).resolve():
        what = "in this project's backup folder"
    else:
        base, part = _owner_of(target)
        if base == project:
            what = f"part of the project ({part})"
        elif base.is_file() and is_project(base):
            what = "an Annotator project" if base == target else f"part of an Annotator project ({part})"
    if what is not None:
        raise ExportError(
            f"{path_shown(out)} is {what}; an export never writes over a project: choose another file name"
        )


#: Files a project keeps beside itself, by how their names end: (pattern, what it is).
_BESIDE = (
    (re.compile(r"(.+)(-wal|-shm|-journal)"), "SQLite's journal"),
    (re.compile(r"(.+)\.lock"), "its lock file, held while a window has it open"),
    (re.compile(r"\.(.+)\.writers"), "the lock its writers hold"),
    (re.compile(r"(.+)\.(?:damaged|before-restore)-\d{8}T\d+Z(?:-wal|-shm)?"), "a copy a restore kept"),
    (re.compile(r"(.+)\.v\d+\.bak(?:-wal|-shm|-journal)?"), "the copy kept before an upgrade"),
    (re.compile(r"\.(.+)\.(?:restoring|\d+\.partial)(?:-wal|-shm|-journal)?"), "a copy being made"),
)


def _owner_of(target: Path) -> tuple[Path, str]:
    """The project file `target` would belong to by its name, and what it would be; `target`
    itself (and "") when the name says nothing."""
    for pattern, part in _BESIDE:
        found = pattern.fullmatch(target.name)
        if found:
            return target.with_name(found[1]), part
    return target, ""


def check_folder(fmt: Format, out: str | Path) -> None:
    """A format that writes a folder replaces only an empty folder or one of our own earlier export:
    it carries the marker an export writes (`atomic.FOLDER_MARKER`) and every other file in it is one
    the writer writes (`Writer.owns`). A folder of `.txt`/`.ann` files without the marker (the user's
    corpus, another tool's brat export) is someone's work. Raises `ExportError` otherwise, or for `-`
    or a file."""
    if str(out) == "-":
        raise ExportError(f"{fmt.name} is a folder of files: give a folder name, not - (standard output)")
    path = Path(out)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise ExportError(f"{path_shown(out)} is a file; {fmt.name} is written as a folder: choose a folder name")
    if path.is_dir():
        owns = formats.writer_of(fmt.name).owns
        items = sorted(path.iterdir())
        if items and not is_our_folder(path):
            raise ExportError(
                f"{path_shown(out)} was not written by an Annotator export (it has no {FOLDER_MARKER} file): its "
                f"{plural(len(items), 'file')} may be someone's work, so it is left as it was. "
                "Choose a new or empty folder"
            )
        others = [
            item.name
            for item in items
            if item.name != FOLDER_MARKER and (item.is_symlink() or not item.is_file() or not owns(item.name))
        ]
        if others:
            raise ExportError(
                f"{path_shown(out)} holds other files than a {fmt.title} export ({others[0]}…); it is left as it was: "
                "choose another folder"
            )


def _nothing_message(summary: ExportSummary, selection: Selection) -> str:
    why = "; ".join(f"{plural(n, 'article')} {reason}" for reason, n in selection.left_out.most_common())
    return (
        f"nothing to export: no record for {selection.rule.describe()}"
        + (f" (left out: {why})" if why else "")
        + f"; nothing was written, {path_shown(summary.path)} is as it was"
    )


def _os_message(exc: OSError, out: str | Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{path_shown(out)}: the disk is full; nothing was written, {path_shown(out)} is as it was"
    reason = exc.strerror or str(exc)
    shown_out = path_shown(out)
    return f"{shown_out}: cannot write the export ({reason}); nothing was written, {shown_out} is as it was"


_END = itemgetter(1)


def _check_row(row: ExportRow) -> None:
    """Refuse a span, rejected span or entity that does not slice its own text."""
    size = len(row.text)
    # the store holds 0 <= start < end (CHECK constraints): only the ends can pass the text's, found in C
    if (
        max(map(_END, row.spans), default=0) <= size
        and max(map(_END, row.entities), default=0) <= size
        and not row.rejected
        and not row.links
    ):
        return
    for kind, items in (("span", row.spans), ("rejected span", row.rejected), ("entity", row.entities)):
        for start, end, label, _ in items:
            if not 0 <= start < end <= size:
                raise ExportError(
                    f"article {row.article_id}: {kind} {start}-{end} {label!r} does not fit its text "
                    f"({size} characters); nothing was written"
                )
    for link in row.links:
        if not (0 <= link.head_start < link.head_end <= size and 0 <= link.child_start < link.child_end <= size):
            raise ExportError(
                f"article {row.article_id}: link {link.label!r} {link.head_start}-{link.head_end} → "
                f"{link.child_start}-{link.child_end} does not fit its text ({size} characters); nothing was written"
            )


def __getattr__(name: str) -> Any:
    """`FORMATS` (the export formats' names) and `SUFFIXES` (each one's usual file ending), read
    from the registry when asked, so that they never go out of date."""
    if name == "FORMATS":
        return formats.export_names()
    if name == "SUFFIXES":
        return {fmt: formats.export_suffix(fmt) for fmt in formats.export_names()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [  # and FORMATS, SUFFIXES (module __getattr__)
    "ITEMS",
    "ExportError",
    "ExportRefused",
    "ExportSummary",
    "check_destination",
    "check_folder",
    "count_records",
    "export",
    "format_for",
    "format_options",
    "label_universe",
    "write_context",
]
