"""Speaker suggestions for the article on screen, computed off the GUI thread and kept per article.

When an article opens (and again when the pipeline's entities and sentences arrive), its
statements go through `annotator.nlp.speakers` on a worker thread: spaCy's parse of the article's
lines, with the parser on (the pre-annotation leaves it off). The result is kept for the
article's text and entities, so coming back costs nothing; at most one parse runs at a time,
and the latest article asked for is the next one parsed. A project whose pipeline has no
parser gets no suggestions, quietly (the log says why once). A long article is parsed a page
(the part on screen) at a time, never whole.
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, Signal

from annotator.store import Store
from annotator.ui.annotate.links.link_mode import LinkController
from annotator.ui.shell.workers import Task, TaskRunner

log = logging.getLogger("annotator.ui")
TASK_NAME = "speaker suggestions"


def suggestions_task(article_id: int, within: tuple[int, int] | None = None):
    """Work for a `Task`: (article_id, text hash, entity count, {statement: speaker span}) or None.

    With `within` (a page of a long article, code points) only that page is parsed; spans are the
    article's all the same."""

    def work(store: Store, task: Task):
        from annotator.nlp.pipeline import PipelineError
        from annotator.nlp.speakers import parser_pipeline, suggest_speakers
        from annotator.passages import split_at_breaks
        from annotator.records import Entity

        cancelled = task.cancelled if task is not None else None
        if cancelled is not None and cancelled():
            return None  # the window closed before the parse began
        article = store.articles.article(article_id)
        sentences = store.articles.sentences(article_id, within)
        if not sentences:
            return None  # the pipeline has not seen it yet: asked again when it has
        entities = store.entities.entities(article_id, within)
        try:
            with task.cannot_stop() if task is not None else contextlib.nullcontext():
                nlp = parser_pipeline(store.get_setting("pipeline"))
        except PipelineError as exc:
            return str(exc)
        if cancelled is not None and cancelled():
            return None  # closed while spaCy loaded (a step that cannot stop): no parse begins
        base, end = within or (0, len(article.text))
        text = article.text[base:end]
        units = [(a - base, min(b, end) - base) for a, b in split_at_breaks(sentences, article.text) if a >= base]
        shifted = [Entity(e.start - base, min(e.end, end) - base, e.label, e.source) for e in entities]
        found = suggest_speakers(nlp, text, units, shifted, cancelled)
        if cancelled is not None and cancelled():
            return None  # the window is closing, or another article asked: nothing half-parsed is shown
        moved = {(a + base, b + base): (s.speaker[0] + base, s.speaker[1] + base) for (a, b), s in found.items()}
        return article_id, article.hash, len(entities), moved

    return work


class SpeakerSuggestions(QObject):
    """Fills `LinkController.suggested` for the current article."""

    ready = Signal(int)  # suggestions of this article arrived

    def __init__(self, controller: LinkController, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.session = controller.session
        self.runner = runner
        #: (article id, page) → (text hash, entity count, suggestions)
        self.cache: dict[tuple[int, int], tuple[str, int, dict]] = {}
        self._running: tuple[int, int] | None = None  # (article id, page)
        self._wanted: tuple[int, int] | None = None
        self._warned = False
        self.enabled = True
        self.session.articleChanged.connect(self.request)
        self.session.entitiesChanged.connect(self.request)
        self.session.pageChanged.connect(self.request)

    def request(self) -> None:
        """Show the cached suggestions of the current article, or start computing them."""
        article = self.session.article
        if article is None or not self.enabled:
            return
        cached = self.cache.get((article.id, self.session.page))
        if cached is not None and cached[:2] == (article.hash, len(self.session.entities)):
            self._show(article.id, cached[2])
            return
        self._wanted = (article.id, self.session.page)
        if self._running is None:
            self._start(*self._wanted)

    def set_enabled(self, on: bool) -> None:
        """View ▸ Suggest speakers: off drops the suggestions shown (a parse under way is let finish)."""
        self.enabled = on
        if on:
            self.request()
        else:
            self.controller.suggested = {}
            self.controller.linksChanged.emit()
            self.controller.view.viewport().update()

    def _start(self, article_id: int, page: int) -> None:
        s = self.session
        within = s.pages[page] if s.article_id == article_id and len(s.pages) > 1 and page < len(s.pages) else None
        self._running = (article_id, page)
        self._wanted = None
        task = Task(s.store.path, suggestions_task(article_id, within), TASK_NAME, readonly=True)
        task.finished.connect(self._finished)
        task.failed.connect(self._failed)
        self.runner.start(task)

    def _finished(self, result) -> None:
        key, self._running = self._running, None
        if isinstance(result, str):
            if not self._warned:
                log.info("no speaker suggestions: %s", result)
                self._warned = True
        elif result is not None:
            article_id, digest, n_entities, found = result
            self.cache[key] = (digest, n_entities, found)
            if key == (self.session.article_id, self.session.page):
                self._show(article_id, found)
        if self._wanted is not None:
            self._start(*self._wanted)

    def _failed(self, message: str) -> None:
        self._running = None
        log.warning("speaker suggestions failed: %s", message)
        if self._wanted is not None:
            self._start(*self._wanted)

    def _show(self, article_id: int, found: dict) -> None:
        if self.session.article_id != article_id or not self.enabled:
            return
        self.controller.suggested = found
        self.controller.linksChanged.emit()
        self.controller.view.viewport().update()
        self.ready.emit(article_id)
