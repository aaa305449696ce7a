"""Work for the window's label suggestions that runs on worker threads (`Task`s): building the
`Suggester` (loading spaCy and the model takes seconds) and scoring the corpus's uncertainty.

The `UncertaintyIndex` of an annotator under a model is kept beside the model (its folder in the
user's data folder), so a window opened again reads it instead of running the model over the corpus.
"""

from __future__ import annotations

import hashlib
import logging

from annotator.ui.shell.workers import Task

log = logging.getLogger("annotator.ui")


def suggester_task(model: bool = True):
    """Work for a `Task`: the project's `Suggester` (latest model, if any, and rules) and its model info."""

    def work(store, task: Task):
        from annotator.learn.models import latest_model
        from annotator.learn.suggest import Suggester

        info = latest_model(store.path) if model else None
        with task.cannot_stop():  # spaCy and the model load: a closing window does not wait
            return Suggester.for_project(store, model=info or False), info

    return work


def index_file(info, annotator: str):
    """Where the uncertainty index of `annotator` under model `info` is kept: beside the model."""
    digest = hashlib.sha1(annotator.encode("utf-8")).hexdigest()[:12]
    return info.path / f"uncertainty-{digest}.json"


def index_task(info, annotator: str):
    """Work for a `Task`: the `UncertaintyIndex` of the corpus under the model `info` (read back
    when it was scored before), scoring with a pipeline of the worker's own."""

    def work(store, task: Task):
        from annotator.learn.suggest import Suggester
        from annotator.learn.uncertainty import UncertaintyIndex

        path = index_file(info, annotator)
        index = UncertaintyIndex.load(path, info.version)
        if index is not None:
            return index
        task.message.emit("scoring statements for “most uncertain”…")
        with task.cannot_stop():
            suggester = Suggester.from_path(info.path, model_version=info.version)
        if task.cancelled():
            return None
        index = UncertaintyIndex.build(
            store,
            suggester.probabilities,
            info.version,
            annotator=annotator,
            progress=lambda done, total: task.message.emit(f"scoring statements for “most uncertain” {done}/{total}"),
            cancelled=task.cancelled,
        )
        if index is not None:
            try:
                index.save(path)
            except OSError as exc:  # the data folder is full or gone: it is rebuilt next time
                log.warning("uncertainty index not kept: %s", exc)
        return index

    return work
