"""Import: expand paths into records, store them in all-or-nothing batches, then pre-annotate.

Which format a file is in, and how it is read, is the registry's (`annotator.formats`);
this is the loop around the readers. Bad input never stops the rest: each rejected file or
record becomes a `Rejection` (`FILE:LINE: reason`) and everything valid is committed. The
records of one task (a Label Studio task's annotations, the layers of one article of a
project file: `IncomingRecord.continued`) are one unit, never split across two batches.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator import formats, settings
from annotator.formats.base import ReadContext
from annotator.importing.article_caps import ArticleTally
from annotator.importing.aside import (
    READ_ASIDE_VARIABLE,
    Batch,
    Ended,
    ReaderStopped,
    read_aside,
    sigint_handler,
    worth_reading_aside,
)
from annotator.importing.category_checks import CategoryChecks
from annotator.importing.sampling import Sample, draw
from annotator.packages.returns import merge_package_scheme, sent_in_package
from annotator.records import HUMAN_LAYER, CategoryGroup, IncomingRecord, Rejection, layer_kind, record_size_problem
from annotator.schemes.categories import OTHER_GROUP, default_categories, project_categories
from annotator.store import ImportCounts, Preannotation, PreannotationFailure, Store, StoreError
from annotator.store.fresh import add_fresh, fresh_batch
from annotator.store.packages import PROJECT_ID_SETTING
from annotator.store.stopping import stopped_by
from annotator.streaming import no_cyclic_gc
from annotator.text import path_shown, plural

log = logging.getLogger("annotator.importing.run")

#: The records of one task, stored in one transaction.
Unit = list[IncomingRecord]


@dataclass
class ImportReport:
    counts: ImportCounts = field(default_factory=ImportCounts)
    rejections: list[Rejection] = field(default_factory=list)
    files: int = 0
    #: CPU seconds and peak memory (KiB) of the process that read the files, when they were read
    #: aside (`aside`): what the import cost is this process's and these (the benchmarks add them).
    reader_cpu_seconds: float = 0.0
    reader_peak_kib: int = 0
    preannotated: int = 0
    pipeline: str = ""
    cancelled: bool = False
    #: Shard records whose pre-annotation was kept (the project's pipeline) or set aside, by pipeline.
    carried_kept: dict[str, int] = field(default_factory=dict)
    carried_redone: dict[str, int] = field(default_factory=dict)
    #: Entities stored from kept shard pre-annotations (the pipeline's, not counted among the import's own).
    carried_entities: int = 0
    #: The project's pipeline, as shards name it ("en_core_web_sm 3.8.0").
    project_pipeline: str = ""
    #: With a stratified sample: how many records each value of the field was given.
    sample_shares: dict[str, int] = field(default_factory=dict)
    #: Article categories the import brought that the project's scheme did not have.
    new_categories: list[str] = field(default_factory=list)
    #: The groups they are shown in ("other", or the group their file named: a `<Choices name>`).
    new_category_groups: list[str] = field(default_factory=list)
    #: What work packages coming back changed in the schemes, or left as they were.
    package_notes: list[str] = field(default_factory=list)
    #: With `trainee`: the people whose work the import brought, each a trainee (sorted).
    trainees: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejections

    @property
    def refused(self) -> bool:
        """A file or record was refused: the import exits 1. A note on a record that came in is no refusal."""
        return any(not r.kept for r in self.rejections)

    def rejections_line(self) -> str:
        """`1 file passed over, 1 note on a record that came in, 2 rejected`: the same words in the
        terminal and the window."""
        passed = sum(1 for r in self.rejections if r.passed_over)
        kept = sum(1 for r in self.rejections if r.kept) - passed
        parts = [plural(passed, "file") + " passed over"] if passed else []
        if kept:
            parts.append(f"{'1 note on a record' if kept == 1 else f'{kept} notes on records'} that came in")
        return ", ".join([*parts, f"{len(self.rejections) - kept - passed} rejected"])

    @property
    def notes(self) -> list[str]:
        """What happened to the pre-annotation that came with shards, for the user."""
        out = list(self.package_notes)
        for name, n in self.carried_kept.items():
            out.append(
                f"{plural(n, 'shard record')} came pre-annotated by {name}, this project's pipeline: "
                "their entities, sentences and tokens were kept and spaCy was not run again for them"
            )
        if self.carried_kept:
            out.append(f"entities from the shards' pre-annotation: {self.carried_entities}")
        for name, n in self.carried_redone.items():
            out.append(
                f"{plural(n, 'shard record')} came pre-annotated by {name}, not this project's pipeline "
                f"({self.project_pipeline}): their pre-annotation was set aside; they are pre-annotated again"
            )
        if self.new_categories:
            shown = ", ".join(self.new_categories[:10]) + (", …" if len(self.new_categories) > 10 else "")
            out.append(
                f"{len(self.new_categories)} article {'category' if len(self.new_categories) == 1 else 'categories'} "
                f"new to this project's scheme ({shown}): shown in {self._groups_shown()} until you place "
                "them in a group (Edit ▸ Article categories… in the window)"
            )
        return out

    def _groups_shown(self) -> str:
        """`the group "other"`, or the groups the new categories' files named."""
        names = self.new_category_groups or [OTHER_GROUP]
        quoted = ", ".join(f'"{name}"' for name in names)
        return f"the group {quoted}" if len(names) == 1 else f"the groups {quoted}"


#: A character of meta's JSON counts this many of text toward a batch's `settings.IMPORT_BATCH_CHARS`:
#: decoded, short values cost ~10 times their JSON (a text costs about its length).
_META_WEIGHT = 8


def expand(paths: Iterable[Path], fmt: str | None = None, into: Path | None = None) -> Iterator[Path | Rejection]:
    """Files to read, in a stable order: folders are walked for the files the formats take
    (`formats.folder_suffixes`, or all of `fmt`'s suffixes when it is named); a project file in a
    folder is named and passed over, except `into`, the project imported into, left unsaid.

    Inside a folder a symbolic link is followed only to a file in that same folder: a link
    out of it (to someone's keys, another project…) is named and not read.
    """
    suffixes = formats.get(fmt).suffixes if fmt else formats.folder_suffixes()
    passed_over = () if fmt else tuple(s for s in formats.get("project").suffixes if s not in suffixes)
    for path in paths:
        if path.is_dir():
            found = list(_walk(path, suffixes, passed_over, into))
            if not any(isinstance(x, Path) for x in found):
                yield Rejection(str(path), 1, f"folder has no {', '.join(suffixes)} files")
            yield from found
        elif path.is_file():
            yield path
        elif path.exists():  # a FIFO, a device (/dev/zero), a socket: no end to wait for, or none at all
            why = "not a regular file (a pipe, device or socket); save the data to a file first"
            yield Rejection(str(path), 1, why)
        else:
            yield Rejection(str(path), 1, "no such file or folder")


def _walk(
    folder: Path, suffixes: tuple[str, ...], passed_over: tuple[str, ...] = (), into: Path | None = None
) -> Iterator[Path | Rejection]:
    """The files under `folder` ending in `suffixes`; each file ending in `passed_over` (a project
    file: the open project, its copies and backups often sit beside the files to import, and
    merging one is a choice made by its name) is named, not read."""
    root = folder.resolve()
    ignored = formats.ignored_names()
    files: list[Path] = []
    passed: list[Path] = []
    for here, dirs, names in os.walk(folder):  # does not descend into linked folders
        for name in dirs:
            link = Path(here) / name
            if link.is_symlink() and not link.resolve().is_relative_to(root):
                yield Rejection(str(link), 1, "a link to a folder outside the imported folder; not followed")
        for name in names:
            path = Path(here) / name
            if name.startswith(".") or name in ignored:
                continue
            if path.suffix.lower() not in suffixes:
                if path.suffix.lower() in passed_over and not _same_file(path, into):
                    passed.append(path)
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                yield Rejection(str(path), 1, "a link to a file outside the imported folder; not followed")
            elif path.is_file():
                files.append(path)
    why = "a project file, which a folder import passes over; import it by its name to merge it"
    yield from (Rejection(str(path), 1, why, kept=True, passed_over=True) for path in sorted(passed))
    yield from sorted(files)


def _same_file(path: Path, other: Path | None) -> bool:
    """Whether `path` is the file `other` names (through a link too); False where either is gone."""
    try:
        return other is not None and path.samefile(other)
    except OSError:
        return False


def read_records(
    path: Path, into: Path | None = None, fmt: str | None = None, project_id: str | None = None
) -> Iterator[IncomingRecord | Rejection]:
    """Records of one file in the format it is in (or `fmt`); `into` is the project being
    imported into (not merged with itself), `project_id` its id (a work package names it)."""
    return formats.read(path, ReadContext(into, project_id), fmt)


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    annotator: str,
    fmt: str | None = None,
    batch_size: int = settings.IMPORT_BATCH,
    pipeline: str | None = None,
    sample: Sample | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    trainee: bool = False,
) -> ImportReport:
    """Store every valid record under `paths` (or a `sample` of them); commit in batches; report the rest.

    With `trainee`, exactly the people whose work the records bring (`trainee_of`) are marked
    trainees, each in the transaction that first writes their layer, so their work never counts as
    a team member's; a record that would write a team member's layer is rejected, naming them and
    `annotators --trainee`. The importing `annotator` is one of them only when a record with no
    `_annotator_id` brings work.

    `fmt` reads every file as that format (`formats.import_names()`), whatever its name.
    Shard records keep the pre-annotation they carry when it comes from `pipeline` (default:
    the project's setting, else the default pipeline); the others are left for `preannotate`.
    A batch holds about `batch_size` records, whole tasks only.
    """
    with no_cyclic_gc():
        report = ImportReport()
        members = _team_members(store) if trainee else None
        paths = list(paths)
        groups = project_categories(store)
        known = {c.name for g in groups for c in g.categories}

        def reject(rejection: Rejection) -> None:
            report.rejections.append(rejection)
            if on_rejection:
                on_rejection(rejection)

        def stream(first: bool) -> Iterator[Unit]:
            return valid_units(
                store,
                paths,
                fmt,
                report if first else ImportReport(),
                reject if first else None,
                groups,
                annotator,
                members,
            )

        units: Iterable[Unit] | None = None
        if sample is not None:  # the whole input is read to draw it: Ctrl-C there stops the import as ever
            units, report.sample_shares = draw(sample, stream)
        with ctrl_c_as_cancel() as pressed:
            stop = pressed if cancelled is None else (lambda: pressed() or cancelled())
            store_batch = _BatchWriter(
                store, annotator, pipeline or store.get_setting("pipeline"), report, trainee, stop
            )
            batches: Iterable[list[IncomingRecord] | Batch | Ended] | None = None
            aside = _files_to_read_aside(paths, fmt, store.path) if sample is None and members is None else None
            if aside is not None:
                files, passed_over = aside
                batches = read_aside(store.path, files, fmt, annotator, groups, batch_size, stop)
                if batches is not None:  # the reader reads `files` alone: the files passed over are said here
                    for rejection in passed_over:
                        reject(rejection)
            if batches is None:
                batches = batches_of(stream(True) if units is None else units, batch_size, stop)
            try:
                _store_batches(batches, store_batch, progress, stop, report, reject)
            except KeyboardInterrupt as exc:  # Ctrl-C not heard as a cancel: the batch being written is rolled back
                raise ImportInterrupted(report) from exc
            finally:
                close = getattr(batches, "close", None)
                if close is not None:  # a reader stops at once: cancel, or an error in writing
                    close()
        if pressed():  # what was saved is exactly what the report counts: no batch half-counted
            raise ImportInterrupted(report)
        report.trainees = sorted(store_batch.trainees)
        if report.counts.categories_added:
            report.new_categories = [name for name in store.categories.known_categories() if name not in known]
            new = set(report.new_categories)
            report.new_category_groups = [
                g.name for g in project_categories(store) if any(c.name in new for c in g.categories)
            ]
        return report


def _files_to_read_aside(paths: list[Path], fmt: str | None, into: Path) -> tuple[list[Path], list[Rejection]] | None:
    """The files of the import when a reader of their own is worth its start (`aside`), with the
    project files a folder passes over (notes, not refusals: they keep no import from a second
    core); else None, as for any file refused."""
    files, passed_over = [], []
    for item in expand(paths, fmt, into):
        if isinstance(item, Rejection):
            if not item.passed_over:
                return None
            passed_over.append(item)
        else:
            files.append(item)
    return (files, passed_over) if worth_reading_aside(files, fmt) else None


def valid_units(
    store: Store,
    paths: list[Path],
    fmt: str | None,
    report: ImportReport,
    reject: Callable[[Rejection], None] | None,
    groups: Sequence[CategoryGroup] = (),
    annotator: str = "",
    members: set[str] | None = None,
) -> Iterator[Unit]:
    """The valid records of every file, a task's records together (`IncomingRecord.continued`).
    A record whose categories break an exclusive group of the project's scheme is rejected, or
    comes in without them (`category_checks`, which also widens what a record was asked).
    With `members` (an import of trainees' work), a record that would write one of those team
    members' layers is rejected."""
    checks = CategoryChecks(store, groups, annotator)
    project_id = store.get_setting(PROJECT_ID_SETTING)
    tally = ArticleTally(store, annotator)
    for item in expand(paths, fmt, store.path):
        if isinstance(item, Rejection):
            if reject:
                reject(item)
            continue
        report.files += 1
        sent = None
        if (fmt or getattr(formats.format_of(item), "name", None)) == "project":
            report.package_notes += merge_package_scheme(store, item)
            sent = sent_in_package(store, item)
        unit: Unit = []
        for rec in read_records(item, into=store.path, fmt=fmt, project_id=project_id):
            why = None
            if not isinstance(rec, Rejection):
                # every format's records pass here: brat, CoNLL and DocBin build theirs directly
                why = record_size_problem(
                    len(rec.spans) + len(rec.rejected), len(rec.entities), len(rec.links) + len(rec.link_decisions)
                )
                if why is None and sent is not None and rec.digest not in sent:
                    why = (
                        f"article {rec.line}: not an article this project sent in the package (a text "
                        "changed by hand, or an article added); left out"
                    )
            if not isinstance(rec, Rejection) and why is None:
                why = checks.check(rec)  # exclusive groups, what was asked (`category_checks`)
                if why is None:
                    why = tally.problem(rec)  # several records of one article, summed with what it holds
            if members and not isinstance(rec, Rejection) and why is None:
                why = _member_problem(rec, annotator, members)
            if why is not None:
                if unit and not rec.continued:  # it closed a task: the task's other records go on
                    yield unit
                    unit = []
                rec = Rejection(str(item), rec.line, why)
            if isinstance(rec, Rejection):
                if reject:
                    reject(rec)
                continue
            if rec.refused and reject:  # the record comes in; what of it was refused is said
                for reason in rec.refused:
                    reject(Rejection(str(item), rec.line, reason, kept=True))
            unit.append(rec)
            if not rec.continued:
                yield unit
                unit = []
        if unit:  # a reader that left its last task open: the file's end closes it
            yield unit


def batches_of(
    units: Iterable[Unit], batch_size: int, stop: Callable[[], bool] | None = None
) -> Iterator[list[IncomingRecord]]:
    """The units cut into batches of about `batch_size` records (or `settings.IMPORT_BATCH_CHARS` of
    text and meta), whole tasks only; read as they are asked for. Where a batch ends shows in the
    import's counts (a text twice in one batch is one article's work), so a reader elsewhere
    (`aside`) cuts the very same batches. Once `stop()` is true (a cancel) nothing more is read
    and the batch being read is dropped: a cancel does not wait for a batch to be read."""
    batch: list[IncomingRecord] = []
    chars = 0
    for unit in units:
        if stop is not None and stop():
            return
        batch += unit
        for rec in unit:
            chars += len(rec.text) + _META_WEIGHT * rec.meta_chars
        if len(batch) >= batch_size or chars >= settings.IMPORT_BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _store_batches(
    batches: Iterable[list[IncomingRecord] | Batch | Ended],
    store_batch: _BatchWriter,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
    report: ImportReport,
    reject: Callable[[Rejection], None],
) -> ImportReport:
    """Store each batch in its own transaction, in order; a reader's `Batch` brings the rejections
    read before it (said first) and, last, what it read (`Ended`). A reader that dies (`aside`)
    stops the import as a batch that cannot be saved does: what is in stays, and says so."""
    try:
        for batch in batches:
            if isinstance(batch, Ended):
                report.files += batch.files
                report.reader_cpu_seconds, report.reader_peak_kib = batch.cpu_seconds, batch.peak_kib
                continue
            if isinstance(batch, Batch):
                for rejection in batch.rejections:
                    reject(rejection)
            if cancelled and cancelled():  # a batch read before the cancel is not written after it
                break
            try:
                with stopped_by(store_batch.store, cancelled):  # a cancel stops the batch's writing at once
                    n, counts = store_batch.write(batch)
            except StoreError as exc:
                if cancelled and cancelled():  # stopped by it: the batch's transaction was rolled back
                    break
                records = batch.records() if isinstance(batch, Batch) else batch
                raise ImportStopped(exc, report, records) from exc
            if not n:
                continue
            report.counts += counts
            if progress:
                progress(n)
            if cancelled and cancelled():
                break
        # cancelled: while a batch was written (rolled back), after one, or while one was read
        # (`batches_of`, `read_aside` then end: the batch being read is not written)
        report.cancelled = bool(cancelled and cancelled())
        return report
    except ReaderStopped as exc:
        raise StoreError(
            f"{exc}; saved before it: {saved_so_far(report)}. Run the same import again (what is already in "
            f"is not added twice), or with {READ_ASIDE_VARIABLE}=0 to read in one process"
        ) from exc


@contextlib.contextmanager
def ctrl_c_as_cancel() -> Iterator[Callable[[], bool]]:
    """While batches are read and written, Ctrl-C (SIGINT) is heard as a cancel: the statement
    running stops and its batch is rolled back, or a batch committed a moment before is counted, so
    "saved before it" says exactly what the project holds (a KeyboardInterrupt raised between a
    batch's commit and its count said one batch too few). Yields whether it was pressed. Only where
    Python's own handler is set, in the main thread; elsewhere (the window's import thread) nothing
    changes and it is never pressed."""
    pressed: list[int] = []
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield lambda: False
        return
    with sigint_handler(lambda signum, _frame: pressed.append(signum)):
        yield lambda: bool(pressed)


def trainee_of(rec: IncomingRecord, annotator: str) -> str | None:
    """The person `rec` brings work of (its layer, when a person's and the record writes it), or None."""
    if not rec.brings_work:
        return None
    name = rec.annotator or annotator
    return name if layer_kind(name, rec.model_version) == HUMAN_LAYER else None


def _team_members(store: Store) -> set[str]:
    """The people of the project who are not trainees: a trainee import may not write their layers."""
    return set(store.layers.annotators(HUMAN_LAYER)) - store.guidelines.trainees()


def _member_problem(rec: IncomingRecord, annotator: str, members: set[str]) -> str | None:
    """Why a trainee import cannot store `rec`: it would write a team member's layer."""
    name = trainee_of(rec, annotator)
    if name is None or name not in members:
        return None
    return (
        f"{name} is already a member of the team here, so their work is not imported as a trainee's; "
        f"to make them a trainee (their work leaves gold and agreement), then import again: "
        f"annotator annotators --trainee {name}"
    )


class _BatchWriter:
    """Stores one batch of records in one transaction, with the pre-annotation shard records
    carry when it comes from the project's pipeline; with `trainee`, marks the people whose work
    the batch brings trainees in that same transaction."""

    def __init__(
        self,
        store: Store,
        annotator: str,
        pipeline: str | None,
        report: ImportReport,
        trainee: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ):
        self.store = store
        self.annotator = annotator
        self.pipeline = pipeline
        self.report = report
        self.trainee = trainee
        #: A cancel, heard while a batch's rows are made (`fresh_batch`) as well as while they are written.
        self.cancelled = cancelled
        #: The people marked (or found) trainees for the work this import brought.
        self.trainees: set[str] = set()
        self._identity: dict[str, str] | None = None

    def write(self, batch: list[IncomingRecord] | Batch) -> tuple[int, ImportCounts]:
        """Store one batch: a reader's fresh rows when the project holds none of their texts yet,
        else its records; how many records it held, and what it changed."""
        if isinstance(batch, Batch):
            if batch.fresh is not None and (counts := add_fresh(self.store, batch.fresh)) is not None:
                return len(batch.fresh.articles), counts
            records = batch.records()
            return len(records), self(records, fresh=False) if records else ImportCounts()
        return len(batch), self(batch)

    def __call__(self, batch: list[IncomingRecord], *, fresh: bool = True) -> ImportCounts:
        carried = [rec for rec in batch if rec.preannotation is not None]
        people = {name for rec in batch if (name := trainee_of(rec, self.annotator))} if self.trainee else set()
        groups = {name: group for rec in batch for name, group in rec.category_groups.items()}
        if not carried and not people and not groups:
            rows = fresh_batch(batch, self.annotator, self.cancelled) if fresh else None
            if rows is not None and (counts := add_fresh(self.store, rows)) is not None:
                return counts
            return self.store.add_records(batch, self.annotator)
        with self.store.write():
            for name in sorted(people - self.trainees):  # before their work: it never counts as a member's
                self.store.guidelines.set_trainee(name, True)
            counts = self.store.add_records(batch, self.annotator)
            if groups:  # a Label Studio `<Choices name>`: a category new to the scheme goes in that group
                scheme = self.store.schemes.category_scheme() or default_categories()
                self.store.schemes.add_found_category_groups(groups, (c.name for g in scheme for c in g.categories))
            if carried:
                self._keep(carried)
        self.trainees |= people
        return counts

    def _keep(self, records: list[IncomingRecord]) -> None:
        from annotator.nlp.pipeline import pipeline_identity

        if self._identity is None:
            self._identity = pipeline_identity(self.pipeline)
            self.report.project_pipeline = _named(self._identity)
        kept = [rec for rec in records if rec.preannotation.identity == self._identity]
        for rec in records:
            tally = self.report.carried_kept if rec in kept else self.report.carried_redone
            name = _named(rec.preannotation.identity)
            tally[name] = tally.get(name, 0) + 1
        ids = self.store.preannotations.unannotated_ids_by_hash(rec.digest for rec in kept)
        results, failures = [], []
        name = self.pipeline or self._identity["pipeline"]
        for rec in kept:
            article_id = ids.pop(rec.digest, None)
            found = rec.preannotation
            if article_id is None:  # already pre-annotated, or twice in this batch
                continue
            if found.error:
                failures.append(PreannotationFailure(article_id, name, found.error))
            else:
                results.append(Preannotation(article_id, name, found.entities, found.sentences, found.tokens))
        self.report.carried_entities += self.store.preannotations.store_preannotations(results, failures)


def _named(identity: dict[str, str]) -> str:
    return f"{identity['pipeline']} {identity['version']} ({identity['recipe']})"


def saved_so_far(report: ImportReport) -> str:
    """What an import that stopped midway had saved: its committed batches."""
    return report.counts.describe() if report.counts.articles_added or report.counts.labels_added else "nothing"


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl-C during an import: still an interrupt (it ends the command), with what had been saved."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            f"interrupted; saved before it: {saved_so_far(report)}. Run the same import again to go on: "
            "what is already in is not added twice"
        )


class ImportStopped(StoreError):
    """A batch could not be saved (disk full, read-only…): says what had been saved before it.

    Every earlier batch is committed; running the same import again adds only what is missing
    (articles are matched by content, labels by span).
    """

    def __init__(self, cause: StoreError, report: ImportReport, batch: list[IncomingRecord]):
        self.report = report
        first, last = batch[0], batch[-1]
        saved = saved_so_far(report)
        super().__init__(
            f"{cause}. The import stopped at a batch of {len(batch)} records "
            f"({path_shown(first.source)}:{first.line} to {path_shown(last.source)}:{last.line}), which was not saved; "
            f"saved before it: {saved}. Run the same import again once the cause is fixed: "
            "what is already in is not added twice."
        )
