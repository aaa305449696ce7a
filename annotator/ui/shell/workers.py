"""Background work off the GUI thread: spaCy loading and pre-annotation, import, export.

Each task opens its OWN Store connection on its thread (SQLite connections are not
shared across threads) and reports through signals; `cancel()` keeps the committed batches, and an
import stops the batch it is reading or writing at once (rolled back). A step that cannot hear a cancel (loading
spaCy: a second or more) runs inside `task.cannot_stop()`, so a closing window does not wait for it.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from annotator.store import Store

log = logging.getLogger("annotator.ui")


class Task(QObject):
    progress = Signal(int)  # units done since the last report
    total = Signal(int)
    message = Signal(str)
    item = Signal(str)  # e.g. a rejection, FILE:LINE: reason
    batch = Signal(list)  # ids of articles just committed
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, store_path: Path, work: Callable[[Store, Task], Any], name: str, *, readonly: bool = False):
        """`readonly` work (export, backup) opens the project without writing, so it also runs
        on a project on read-only media."""
        super().__init__()
        self.store_path = Path(store_path)
        self.work = work
        self.name = name
        self.readonly = readonly
        self._cancel = threading.Event()
        self._unstoppable = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @contextlib.contextmanager
    def cannot_stop(self) -> Iterator[None]:
        """Around a step that cannot hear `cancel` (loading spaCy): while it runs, a closing window
        does not wait for the task but releases it at once (`TaskRunner.wait_all`). The work should
        look at `cancelled()` right after the step, so what follows never begins."""
        self._unstoppable.set()
        try:
            yield
        finally:
            self._unstoppable.clear()

    def stoppable(self) -> bool:
        """False while the task is in a step that cannot stop (`cannot_stop`)."""
        return not self._unstoppable.is_set()

    def run(self) -> None:
        try:
            with Store.open(self.store_path, readonly=self.readonly) as store:
                result = self.work(store, self)
        except Exception as exc:
            log.exception("%s failed", self.name)
            self.failed.emit(f"{self.name} failed: {exc}")
            return
        self.finished.emit(result)


#: How often (ms) `TaskRunner.wait_all` looks again whether a task it waits for entered a step that cannot stop.
WAIT_SLICE_MS = 5


class TaskRunner(QObject):
    """Starts tasks on their own threads and keeps them alive until they end.

    Once `stop_all` has run (the window is closing) nothing more starts: a task that ends during
    the wait may hand on to a next one (speaker suggestions do), and a thread started then would
    be destroyed still running when the window goes, which aborts the app."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running: list[tuple[Task, QThread]] = []
        self._stopped = False
        # A runner destroyed with its owner (a dashboard dropped without a close) would take its
        # still-running threads with it, and a QThread destroyed running aborts the app: they go
        # to the process instead, which lets them end (`destroyed` comes before the children go).
        running = self._running
        self.destroyed.connect(lambda *_: _release(running))

    def start(self, task: Task) -> Task:
        """Run `task` on a thread of its own; after `stop_all` (the window is closing) nothing starts:
        a thread started then could outlive the interpreter (spaCy's BLIS aborts the process)."""
        if self._stopped:
            log.info("not started, the window is closing: %s", task.name)
            return task
        thread = QThread(self)
        thread.setObjectName(task.name)
        task.moveToThread(thread)
        thread.started.connect(task.run)
        task.finished.connect(thread.quit)
        task.failed.connect(thread.quit)
        thread.finished.connect(self._forget_finished)  # a bound method: runs on the GUI thread
        self._running.append((task, thread))
        thread.start()
        return task

    def _forget_finished(self) -> None:
        for task, thread in [(t, th) for t, th in self._running if th.isFinished()]:
            self._running.remove((task, thread))
            thread.deleteLater()

    def busy(self, name: str | None = None) -> bool:
        return any(name is None or t.name == name for t, _ in self._running)

    def stop_all(self, timeout_ms: int = 30_000) -> None:
        self._stopped = True
        for task, _ in self._running:
            task.cancel()
        for _, thread in list(self._running):
            thread.quit()
            thread.wait(timeout_ms)

    def cancel_all(self) -> None:
        """The window is closing: cancel every task, start nothing more, and let no task's result or
        progress reach the window any more (each thread still ends when its work returns)."""
        self._stopped = True
        for task, thread in self._running:
            task.cancel()
            task.blockSignals(True)  # nothing more reaches the window, not even `finished`...
            thread.quit()  # ... so the thread's loop ends as soon as the work returns

    def wait_all(self, timeout_ms: int) -> bool:
        """Wait up to `timeout_ms` in all for the running threads to end; True when none is left.

        A task in a step that cannot stop (`Task.cannot_stop`: spaCy loading) is not waited for, so
        a close is not held by a load nobody needs any more: the wait ends as soon as every task
        left is in such a step (the caller then `release`s them)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            waited = [thread for task, thread in self._running if task.stoppable() and not thread.isFinished()]
            left_ms = int((deadline - time.monotonic()) * 1000)
            if not waited or left_ms <= 0:
                break
            # in slices: a task may enter a step that cannot stop while it is waited for
            waited[0].wait(min(left_ms, WAIT_SLICE_MS))
        self._forget_finished()
        return not self._running

    def running(self) -> list[str]:
        """The names of the tasks still running."""
        return [task.name for task, _ in self._running]

    def release(self) -> list[str]:
        """After `cancel_all` and a wait: hand the threads still in a step that cannot stop (spaCy
        loading) to the process, so the window can go now; they end on their own, and the process
        waits for them before it exits (`wait_for_released`). Returns their names."""
        names = self.running()
        _release(self._running)
        return names


#: Threads released by closed windows, still ending: (task, thread), kept alive until they have.
_RELEASED: list[tuple[Task, QThread]] = []


def _release(running: list[tuple[Task, QThread]]) -> None:
    """Hand `running` threads to the process (`_RELEASED`): none is destroyed while it runs."""
    _prune_released()
    for task, thread in running:
        task.cancel()
        thread.quit()  # its loop ends as soon as the work returns (no window is left to quit it)
        if not thread.isFinished():
            thread.setParent(None)
            _RELEASED.append((task, thread))
    running.clear()


def _prune_released() -> None:
    _RELEASED[:] = [(task, thread) for task, thread in _RELEASED if not thread.isFinished()]


def wait_for_released(timeout_ms: int = 30_000) -> None:
    """Wait for the released threads to end (the app is quitting): a QThread destroyed while it still
    runs aborts the process. Every window command waits here as it returns (`app.ends_cleanly`);
    `atexit` is only the last resort, since exit handlers registered later (spaCy's BLIS, imported on
    a worker thread) run before this one and free what a running parse uses."""
    for _, thread in _RELEASED:
        thread.wait(timeout_ms)
    _prune_released()


atexit.register(wait_for_released)


# -- the tasks --------------------------------------------------------------------------------


def preannotate_task(store: Store, task: Task) -> int:
    """Load spaCy and pre-annotate what is missing, a small committed batch at a time.

    spaCy runs before each write transaction opens, so the window's own writes never
    wait for the pipeline.
    """
    from annotator.nlp.pipeline import load_pipeline, preannotate

    pending = store.preannotations.count_unannotated()
    if not pending:
        return 0
    task.total.emit(pending)
    task.message.emit("loading spaCy…")
    with task.cannot_stop():
        pipeline = load_pipeline(store.get_setting("pipeline"))
    if task.cancelled():
        return 0  # the window closed while spaCy loaded: no article is read
    task.message.emit(f"pre-annotating with {pipeline.description}")
    return preannotate(
        store,
        pipeline,
        batch_size=8,
        progress=task.progress.emit,
        cancelled=task.cancelled,
        on_batch=task.batch.emit,
    )


def import_task(paths: list[Path], annotator: str) -> Callable[[Store, Task], Any]:
    """The import of `paths` in the batches the command line writes: a cancel or a closing window
    stops the batch being read or written at once (`import_paths`), so the batches need not be
    small for the window to stay responsive (200-record batches made a 50,000-record import
    commit 250 times, at some 25% more CPU)."""

    def work(store: Store, task: Task):
        from annotator import settings
        from annotator.importing.run import import_paths

        return import_paths(
            store,
            paths,
            annotator=annotator,
            batch_size=settings.IMPORT_BATCH,
            on_rejection=lambda r: task.item.emit(str(r)),
            progress=task.progress.emit,
            cancelled=task.cancelled,
        )

    return work


#: The dialog's choices that make the export rule (`choose_rule`'s keywords); the rest are the
#: format's own options (`align`, `tag_scheme`, …), passed to `export`.
RULE_CHOICES = ("annotator", "gold", "all_layers", "articles", "labels", "skip_undecided", "category_groups")


def export_task(out: Path, fmt: str, options: dict[str, Any]) -> Callable[[Store, Task], Any]:
    """`exporting.export` with the dialog's `options`: the export rule's choices and the format's options."""

    def work(store: Store, task: Task):
        from annotator.export import run as exporting
        from annotator.export.rule import choose_rule

        choices = {k: v for k, v in options.items() if k in RULE_CHOICES}
        format_options = {k: v for k, v in options.items() if k not in RULE_CHOICES and v is not None}
        rule = choose_rule(store, fmt, **choices)
        task.total.emit(exporting.count_records(store, rule))
        return exporting.export(
            store, out, rule, progress=task.progress.emit, cancelled=task.cancelled, **format_options
        )

    return work


def search_index_task(store: Store, task: Task) -> int:
    """Catch the corpus search index up (`store.search.update_search_index`), a committed batch at a time."""
    pending = store.search.search_index_pending()
    if not pending:
        return 0
    task.total.emit(pending)
    return store.search.update_search_index(progress=task.progress.emit, should_stop=task.cancelled)
