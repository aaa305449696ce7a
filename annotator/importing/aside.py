"""Reading an import on a second core: one process reads and checks while this one writes.

An import is two halves of about equal cost: reading and checking the records (JSON, the
record's checks, the caps, the category checks) and writing them (SQLite). In one process they
take turns; a thread does not help, as each row SQLite writes gives the GIL back and waits for
it again. Here a process of its own (a fresh interpreter: never a fork of this one, which may
have the window's threads and holds the project open through SQLite) reads the files, checks
every record as the import always does (`run.valid_units`, with the project opened read-only),
cuts them into the same batches (`run.batches_of`) and makes a fresh batch's rows ahead (`store.fresh`); this process
only writes them, in the same order, one committed batch at a time.

The reader is at most a batch or two ahead: a pipe holds one message, so it waits for the writer,
and its memory stays that of two batches. Rejections come with the batch they were read before, so
they are said in the order of the file. A batch that is not fresh (an article the project has,
entities, links, categories…) comes as its records, written by the general steps. Cancel, an error
in writing or the end stop the reader at once; an error in reading is raised here as it was there.

Used for the JSON formats' files (JSONL, Prodigy, doccano, Label Studio, spaCy's JSON; a folder
of them, shards included), together at least `MIN_BYTES`, where a core is spare (`spare_core`):
their reading needs nothing but the files and a read-only look at the project. A project file or
work package (its reading merges a scheme), brat, CoNLL and DocBin, a sample and a trainee import
read in this process as before.
"""

from __future__ import annotations

import contextlib
import gc
import io
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import settings
from annotator.nlp.pipeline import available_cores
from annotator.records import IncomingRecord, Rejection

if TYPE_CHECKING:
    from annotator.records import CategoryGroup
    from annotator.store.fresh import FreshBatch

#: Below this many bytes of files, the reader's start (a fresh interpreter, ~0.3 s) costs more than
#: it saves: the import reads in this process.
MIN_BYTES = 8 * 2**20


class ReaderStopped(Exception):
    """The reading process ended without a word (killed: out of memory, or by hand)."""

    def __init__(self, exitcode: int | None):
        killed = exitcode is not None and exitcode < 0
        how = f"killed by signal {-exitcode}; out of memory?" if killed else f"exit code {exitcode}"
        super().__init__(f"the process reading the files stopped ({how})")


@dataclass
class Batch:
    """One batch as the reader made it: a fresh batch's rows, or its records, and what was
    rejected before it. A fresh batch's records are made again from its rows if the project turns
    out to hold one of its texts (`FreshBatch.records`): they are never sent twice."""

    fresh: FreshBatch | None
    given: list[IncomingRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def records(self) -> list[IncomingRecord]:
        return self.fresh.records() if self.fresh is not None else self.given


@dataclass
class Ended:
    """The reader's last word: how many files it read, the CPU seconds it took and its peak memory
    (`ImportReport`: what the import cost is this process's and the reader's)."""

    files: int
    cpu_seconds: float
    peak_kib: int


def _peak_kib() -> int:
    """This process's peak resident memory (VmHWM where there is /proc, else ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        try:
            import resource
        except ImportError:  # Windows: not said
            return 0
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


#: `ANNOTATOR_READ_ASIDE=0` reads every import here, `=1` reads a large JSON import aside even on a
#: busy machine (tests, benchmarks, a machine whose load says little).
READ_ASIDE_VARIABLE = "ANNOTATOR_READ_ASIDE"


def spare_core() -> bool:
    """Whether a second core is free to read on: two or more this process may use, and fewer other
    tasks wanting a CPU now than those cores less one (`_others_running`). On a busy two-core
    machine a reader only takes turns with the writer, and the import measured about 10% slower
    than reading here; on a free one it measured 40% faster."""
    chosen = os.environ.get(READ_ASIDE_VARIABLE)
    if chosen in ("0", "1"):
        return chosen == "1"
    cores = available_cores()
    if cores < 2:
        return False
    return _others_running() < cores - 1


#: Looks at the tasks running now, `_LOOK_APART` seconds apart: a task that shows in all of them
#: keeps a core busy; one that shows in a single look (a short-lived command) does not count.
_LOOKS = 4
_LOOK_APART = 0.003


def _others_running() -> float:
    """How many other tasks want a CPU now: the fewest runnable in `_LOOKS` looks, less this one
    (Linux); elsewhere the load average of the last minute. Not the load average where the running
    count can be read: it decays over a minute, so an import or pre-annotation that has just ended
    (this program's own) would count as busy for a minute after, and the next import would read in
    one process."""
    seen = []
    for look in range(_LOOKS):
        running = _running_now()
        if running is None:
            break
        seen.append(running - 1)
        if look < _LOOKS - 1:
            time.sleep(_LOOK_APART)
    if seen:
        return min(seen)
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return 0.0


def _running_now() -> int | None:
    """The tasks runnable at this instant, this one included (`/proc/loadavg`'s fourth field), or None."""
    try:
        with open("/proc/loadavg", "rb") as loadavg:
            return int(loadavg.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def worth_reading_aside(files: Sequence[Path], fmt: str | None) -> bool:
    """Whether the import of `files` reads on a second core: JSON formats' files, together large."""
    from annotator import formats

    if not (_large(files) and spare_core()):  # sizes first: looking at the cores takes ~10 ms
        return False
    for path in files:
        chosen = formats.get(fmt) if fmt else formats.format_of(path)
        if chosen is None or chosen.read_object is None or not chosen.can_import:
            return False
    return True


def _large(paths: Sequence[Path]) -> bool:
    """Whether `paths` hold `MIN_BYTES` or more together (a folder counts as that much: it is walked
    later); False when one cannot be read."""
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size if path.is_file() else MIN_BYTES
        except OSError:
            return False
    return total >= MIN_BYTES


#: What a reader needs, imported once by the fork server that starts readers (where there is one):
#: a reader then starts in milliseconds, not in the ~0.35 s of importing the formats. srsly (the
#: JSON lines' parser, with numpy) is named too: the formats import it only when a first line is read.
_PRELOAD = ["annotator.importing.run", "srsly"]


def _context() -> Any:
    """Processes started from a fresh interpreter (the fork server's, else spawned), never forked
    from this one: it may run the window's threads and hold the project open through SQLite."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)  # no effect once the server runs (pre-annotation's)
    return context


@contextlib.contextmanager
def sigint_handler(handler: Any) -> Iterator[bool]:
    """Ctrl-C (SIGINT) handled by `handler` while it runs, the handler before it put back after;
    yields whether it was set: only the main thread may set one (the window's import thread
    cannot, and nothing changes there)."""
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield False
        return
    try:
        yield True
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


def _ctrl_c_left_to_this_process() -> contextlib.AbstractContextManager[bool]:
    """Processes started here ignore Ctrl-C: a terminal sends it to every process of the command,
    and the fork server, importing the reader's modules for half a second as it starts, printed a
    traceback of it; a reader would stop mid-batch. This process hears it and stops them
    (`run.ctrl_c_as_cancel`). The ignoring is what they inherit (Python leaves an ignored SIGINT
    ignored); this process's own handler is back once they have started."""
    return sigint_handler(signal.SIG_IGN)


@contextlib.contextmanager
def _without_the_calling_program() -> Iterator[None]:
    """Start a process without naming the program that runs the import (`__main__`'s file or
    module): Python would run that program again in the new process, to find what it needs there.
    The reader needs nothing of it; a script that calls the import outside `if __name__ ==
    "__main__":` would otherwise run its import a second time, in the reader."""
    main = sys.modules.get("__main__")
    held = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__} if main else {}
    if main is not None:
        main.__dict__.pop("__file__", None)
        if "__spec__" in held:
            main.__spec__ = None
    try:
        yield
    finally:
        if main is not None:
            main.__dict__.update(held)


def warm_reader(paths: Sequence[Path]) -> None:
    """Start the fork server now, when the import's files look large enough to be read aside: its
    imports then run beside this process's own start, not after it (`annotator import`)."""
    if not (_large(paths) and spare_core()):
        return
    context = _context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        try:
            with _without_the_calling_program(), _ctrl_c_left_to_this_process():
                forkserver.ensure_running()
        except (OSError, RuntimeError):
            return  # the reader is started (or not) when the import asks for it


def read_aside(
    project: Path,
    files: list[Path],
    fmt: str | None,
    annotator: str,
    groups: Sequence[CategoryGroup],
    batch_size: int,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[Batch | Ended] | None:
    """The batches of `files`, read and checked in a process of its own; last, what it read
    (`Ended`). Closing the iterator (cancel, an error here) stops the reader; so does `cancelled()`
    turning true while this process waits for the next batch (the iterator then ends).

    None when no reader could start (a system that cannot start processes): nothing is read yet,
    and the caller reads here."""
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    reader = context.Process(
        target=_read,
        args=(sending, project, files, fmt, annotator, list(groups), batch_size, settings.IMPORT_BATCH_CHARS),
        daemon=True,
        name="annotator-import-reader",
    )
    try:
        with _without_the_calling_program(), _ctrl_c_left_to_this_process():
            reader.start()
    except (OSError, RuntimeError):
        receiving.close()
        sending.close()
        return None
    sending.close()
    try:
        first = _next_message(receiving, cancelled)
    except EOFError:  # it died starting: nothing was read
        _stop(reader, receiving)
        return None
    except BaseException:
        _stop(reader, receiving)
        raise
    if first is None:  # cancelled before the first batch came
        _stop(reader, receiving)
        return iter(())
    return _messages(first, reader, receiving, cancelled)


def _next_message(receiving: Any, cancelled: Callable[[], bool] | None) -> bytes | None:
    """The reader's next message, or None once `cancelled()` is true while it waits for one
    (within `settings.CANCEL_LOOK_SECONDS`); `EOFError` when the reader is gone."""
    if cancelled is not None:
        while not receiving.poll(settings.CANCEL_LOOK_SECONDS):
            if cancelled():
                return None
    return receiving.recv_bytes()


def _messages(
    first: bytes, reader: Any, receiving: Any, cancelled: Callable[[], bool] | None = None
) -> Iterator[Batch | Ended]:
    message: bytes | None = first
    try:
        while message is not None:
            kind, payload = pickle.loads(message)
            if kind == "batch":
                yield payload
            elif kind == "end":
                yield payload
                return
            else:  # the reader's error, raised here as it was there
                raise payload
            try:
                message = _next_message(receiving, cancelled)
            except EOFError:
                reader.join(timeout=1)
                raise ReaderStopped(reader.exitcode) from None
    finally:
        _stop(reader, receiving)


def _stop(reader: Any, receiving: Any) -> None:
    """The reader ended, at once if it still reads: its batches would not be written."""
    receiving.close()
    if reader.is_alive():
        reader.terminate()
    reader.join()


def _pickled(message: tuple[str, object], fast: bool) -> memoryview:
    """`message` pickled; with `fast`, without pickle's memo (each object written out in full, no
    object looked up to be written as a reference): a fresh batch's rows are tuples of numbers and
    strings that share nothing worth a reference, and pickle 35% faster so, on the side of the
    import that takes longer. Records share objects (a text and the text its digest was made from,
    `IncomingRecord.digest`): they keep the memo, so each is written once and shared again."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = fast
    pickler.dump(message)
    return buffer.getbuffer()


def _read(
    sending: Any,
    project: Path,
    files: list[Path],
    fmt: str | None,
    annotator: str,
    groups: list[CategoryGroup],
    batch_size: int,
    batch_chars: int,
) -> None:
    """The reader: `run.valid_units` over the files, cut into batches by `run.batches_of`."""
    from annotator.importing.run import ImportReport, batches_of, valid_units
    from annotator.store import Store
    from annotator.store.fresh import fresh_batch

    def send(kind: str, payload: object) -> None:
        fast = isinstance(payload, Batch) and payload.fresh is not None and not payload.given
        sending.send_bytes(_pickled((kind, payload), fast))

    gc.disable()  # as `run.import_paths` does: the records are many objects, none in a cycle
    try:
        settings.IMPORT_BATCH_CHARS = batch_chars
        rejections: list[Rejection] = []
        report = ImportReport()
        with Store.open(project, readonly=True) as store:
            units = valid_units(store, files, fmt, report, rejections.append, groups, annotator)
            for batch in batches_of(units, batch_size):  # the very batches of reading here
                fresh = fresh_batch(batch, annotator)
                send("batch", Batch(fresh, [] if fresh is not None else batch, rejections[:]))
                rejections.clear()
        if rejections:
            send("batch", Batch(None, [], rejections))
        send("end", Ended(report.files, time.process_time(), _peak_kib()))
    except BrokenPipeError:  # the writer stopped (cancel, an error): nothing more to say
        pass
    except BaseException as exc:
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):
            send("error", exc)
    finally:
        sending.close()
