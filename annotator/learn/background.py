"""Training in a child process, so that the window's GUI thread never waits on it.

Training on a thread of the window's own process shares Python's interpreter lock with the GUI
thread: most of the time the GUI thread waits a few milliseconds at most, but a garbage
collection or spaCy's first set-up in the process holds it up for 60-120 ms (`make bench`,
suite `learn`). `train_in_subprocess` runs `train_project` in a fresh interpreter (forkserver
or spawn: never a fork of a process with threads) on the project opened read-only, and relays
its progress and the cancel request; the calling thread (the window's worker) only waits on
a queue, which holds nothing up. The report comes back as `train_project` returns it, and so do
its errors (`ExportRefused`, `NothingToLearn`, `ModelFolderError`).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.learn.project import TrainingReport

#: How often (seconds) the waiting thread looks at the cancel request and the child's health.
POLL = 0.05


class TrainingProcessError(RuntimeError):
    """The child process died or failed with an unexpected error (the message says which)."""


def train_in_subprocess(
    project: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    **options: Any,
) -> TrainingReport:
    """`train_project(Store.open(project, readonly=True), **options)` in a child process.

    `progress(done, total)` and `cancelled()` are called on the calling thread; when
    `cancelled()` turns True the child stops between batches and the report says `cancelled`.
    Blocks until the child ends. Raises what `train_project` raises, or `TrainingProcessError`.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    messages = context.Queue()
    stop = context.Event()
    # the data folder is passed on: a forkserver started earlier may hold an older environment
    data_dir = str(settings.data_dir())
    child = context.Process(target=_child, args=(str(project), data_dir, options, messages, stop), daemon=True)
    child.start()
    try:
        while True:
            if cancelled is not None and cancelled():
                stop.set()
            try:
                kind, payload = messages.get(timeout=POLL)
            except queue.Empty:
                if not child.is_alive():
                    raise TrainingProcessError(
                        f"the training process ended unexpectedly (exit {child.exitcode})"
                    ) from None
                continue
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "done":
                return payload
            else:
                raise payload
    finally:
        stop.set()
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
            child.join()


def _child(project: str, data_dir: str, options: dict[str, Any], messages, stop) -> None:
    os.environ["ANNOTATOR_DATA_DIR"] = data_dir
    from annotator.export.rule import ExportRefused
    from annotator.learn.models import ModelFolderError
    from annotator.learn.project import NothingToLearn, train_project
    from annotator.store import Store, StoreError

    last = [0]

    def progress(done: int, total: int) -> None:
        step = max(1, total // 200)  # at most ~200 messages
        if done - last[0] >= step or done == total:
            last[0] = done
            messages.put(("progress", (done, total)))

    try:
        with Store.open(project, readonly=True) as store:
            report = train_project(store, progress=progress, cancelled=stop.is_set, **options)
        messages.put(("done", report))
    except (ExportRefused, NothingToLearn, ModelFolderError, StoreError, OSError) as exc:
        messages.put(("error", exc))
    except Exception as exc:  # a bug: say what it was, in the parent
        messages.put(("error", TrainingProcessError(f"training failed: {type(exc).__name__}: {exc}")))
