"""The annotation window: article list | article | label bar, menus, shortcuts, status bar.

The status bar says what is true now: "saved · …" after each committed action, "not saved:
…" until the next action succeeds; messages about background work disappear a few seconds
after the work is over.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator import formats, settings
from annotator.records import person_name_problem
from annotator.store import Store
from annotator.text import path_shown
from annotator.ui.annotate.labels.categories_bar import CategoriesBar, CategoryChipsDelegate
from annotator.ui.annotate.labels.guideline_pane import GuidelinePane, list_height_with_pane, widths_with_pane
from annotator.ui.annotate.labels.label_bar import LabelBar
from annotator.ui.annotate.labels.label_suggestions import LabelSuggestions
from annotator.ui.annotate.links.link_mode import LinkController
from annotator.ui.annotate.links.link_overlay import LinkOverlay
from annotator.ui.annotate.links.link_panel import LinkLine, LinkList
from annotator.ui.annotate.links.link_suggestions import SpeakerSuggestions
from annotator.ui.annotate.model.model_actions import ModelActions
from annotator.ui.annotate.model.train_dialog import BackgroundTraining
from annotator.ui.annotate.reader.article_list import ArticleListPanel
from annotator.ui.annotate.reader.article_view import ArticleView
from annotator.ui.annotate.reader.legend import EntityLegend
from annotator.ui.annotate.reader.page_bar import PageBar
from annotator.ui.annotate.search.search import SearchBar
from annotator.ui.annotate.search.search_dock import SearchDock
from annotator.ui.annotate.session import Session
from annotator.ui.annotate.window.place import ReadingPlace
from annotator.ui.annotate.window.shortcuts import ShortcutSheet, make_actions
from annotator.ui.annotate.window.team import mark_trainee_dialog, promote_trainee
from annotator.ui.annotate.window.watcher import ProjectWatcher
from annotator.ui.shell import window_settings as ws
from annotator.ui.shell.plaintext import menu_text, plain_label, show_message
from annotator.ui.shell.screen import free_area, given_screen
from annotator.ui.shell.workers import Task, TaskRunner, preannotate_task

log = logging.getLogger("annotator.ui")


#: Actions on keys 1–9: labels; with Shift, article categories.
KEYED = ("label", "category")
#: A screen shorter than this (px) starts with the legend and the category chips folded.
SHORT_SCREEN = 850
#: How long closing waits for cancelled background work before the window goes regardless (ms).
CLOSE_WAIT_MS = 300
#: How long a message about finished background work stays in the status bar (ms).
TRANSIENT_MS = 6000


class _FieldsKeepEnter(QObject):
    """Enter and Shift+Enter in a text field (note, search, filters) are the field's, not "next
    statement" or "accept the suggestions"."""

    def eventFilter(self, watched, event) -> bool:
        own = ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & own
        ):
            event.accept()
            return True
        return False


class MainWindow(QMainWindow):
    projectRequested = Signal(Path)  # the app opens another, existing project in a new window
    newProjectRequested = Signal(Path)  # ... or a new, empty one

    def __init__(self, store: Store, annotator: str, qsettings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.store = store
        self.settings = ws.WindowSettings(qsettings)
        self.session = Session(store, annotator, self)
        self.place = ReadingPlace(self.session)
        self.runner = TaskRunner(self)
        self._preannotation: Task | None = None
        self._preannotate = True  # what `start` was asked; the first start's sample import does the same
        self._build()
        self._bind()
        self._build_menus()
        self.setWindowTitle(f"{store.path.name.removesuffix(settings.PROJECT_SUFFIX)} — Annotator")
        if store.readonly:
            self._show_read_only()
        size = self.settings.get(ws.FONT_SIZE)
        if size:
            self.view.set_font_size(size)
        self.fit_screen()

    def fit_screen(self) -> None:
        """Nine tenths of the screen's free area, at least 1440×900 where the screen has that (all of a
        1366×768 laptop's); on a short screen the entity legend and category chips start folded to one
        line, for the text's sake. A screenshot's `--size` is such a screen, filled by the window."""
        screen = free_area(self)
        if screen is None:  # offscreen: no real screen to fit
            self.resize(1440, 900)
            return
        width = min(max(1440, screen.width() * 9 // 10), screen.width())
        height = min(max(900, screen.height() * 9 // 10), screen.height())
        if given_screen() is not None:
            width, height = screen.width(), screen.height()
        self.resize(width, height)
        # a wide screen gives the article list room for its titles, not only the text more margin
        left = max(340, width // 4)
        self.splitter.setSizes([left, width - left - 280, 280])
        if screen.height() < SHORT_SCREEN:
            self.legend.set_folded(True)
            self.categories.set_folded(True)

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        s = self.session
        self.list_panel = ArticleListPanel(s)
        self.view = ArticleView(s)
        self.labels = LabelBar(s)
        self.legend = EntityLegend(s, self.view)
        self.view.set_hidden_types(set(self.settings.get(ws.HIDDEN_ENTITY_TYPES)))
        self.legend.hiddenChanged.connect(lambda hidden: self.settings.set(ws.HIDDEN_ENTITY_TYPES, hidden))
        self.search = SearchBar(s, self.view)
        self.linking = LinkController(s, self.view, self)
        self.link_overlay = LinkOverlay(self.linking)
        self.link_line = LinkLine(self.linking)
        self.link_list = LinkList(self.linking)
        self.speakers = SpeakerSuggestions(self.linking, self.runner, self)
        self.speakers.enabled = self.settings.get(ws.SPEAKER_SUGGESTIONS)
        self.categories = CategoriesBar(s)
        self.page_bar = PageBar(s)
        self.suggestions = LabelSuggestions(s, self.view, self.runner, self)
        self.suggestions.enabled = self.settings.get(ws.SUGGEST_LABELS)
        self.labels.set_suggestions(self.suggestions)
        self.model_actions = ModelActions(self)
        self.retraining = BackgroundTraining(
            self.store.path,
            lambda: self.session.annotator,
            lambda: self.store.articles.progress(self.session.annotator)[0],
            self.runner,
            self.settings.get(ws.RETRAIN_EVERY),
            self,
        )

        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.search)
        column.addWidget(self.categories)
        column.addWidget(self.legend)
        column.addWidget(self.view, 1)
        column.addWidget(self.page_bar)
        column.addWidget(self.link_line)

        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("rightSplitter")
        # On a short screen the bar scrolls rather than push the window past the screen's bottom.
        self.labels_scroll = QScrollArea()
        self.labels_scroll.setObjectName("labelBarScroll")
        self.labels_scroll.setWidget(self.labels)
        self.labels_scroll.setWidgetResizable(True)
        self.labels_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.labels_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right.addWidget(self.labels_scroll)
        right.addWidget(self.link_list)
        # The labels, note and definitions first: the links list is short, and scrolls when it is not.
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        right.setChildrenCollapsible(False)
        right.setSizes([660, 180])

        # the guidelines (G) open under the list, not beside the text: the article keeps its width
        self.guideline_pane = GuidelinePane(s, self.runner, self)
        self.guideline_pane.editRequested.connect(self.edit_guidelines)
        self.guideline_pane.toggled.connect(self._guidelines_toggled)
        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(self.list_panel)
        self.left_splitter.addWidget(self.guideline_pane)
        self.left_splitter.setChildrenCollapsible(False)
        self._widths_before_pane: list[int] | None = None

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([340, 820, 280])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        # corpus search (the hit list, docked under the article) and the list's category column
        self.search_dock = SearchDock(s, self.view, self.runner, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.search_dock)
        self.list_panel.extra.fill_categories(self.categories.groups)
        chips = CategoryChipsDelegate(self.categories.colors, self.list_panel.model.CategoriesRole, self)
        self.list_panel.view.setItemDelegateForColumn(3, chips)

        self.save_state = plain_label("ready", object_name="saveState")
        self.task_state = plain_label(object_name="taskState")
        self._task_timer = QTimer(self, singleShot=True, interval=TRANSIENT_MS)
        self._task_timer.timeout.connect(self.task_state.clear)
        self.who = plain_label(object_name="annotatingAs")
        self.entity_state = plain_label(object_name="entityState")
        self.statusBar().addWidget(self.save_state, 1)
        self.statusBar().addPermanentWidget(self.task_state)
        self.statusBar().addPermanentWidget(self.entity_state)
        self.statusBar().addPermanentWidget(self.who)
        # the one control most sessions end each article with, visible as well as on Ctrl+Enter
        self.done_button = QToolButton()
        self.done_button.setObjectName("doneNext")
        self.statusBar().addPermanentWidget(self.done_button)
        self._show_annotator()
        self.watcher = ProjectWatcher(self.store, self)
        self.watcher.changed.connect(self.project_changed)
        self._keep_enter = _FieldsKeepEnter(self)
        for field in self.findChildren(QLineEdit):
            field.installEventFilter(self._keep_enter)

    def _bind(self) -> None:
        s = self.session
        s.saved.connect(self._saved)
        s.error.connect(self._failed)
        self.linking.message.connect(self.flash)
        self.suggestions.message.connect(self.flash)
        self.suggestions.decided.connect(self.retraining.count)
        self.suggestions.indexChanged.connect(self.model_actions.uncertainty_ready)
        self.retraining.message.connect(self.flash)
        self.retraining.trained.connect(lambda _report: self.suggestions.load())
        self.list_panel.articleActivated.connect(s.open_article)
        # Enter in the note field saves it and goes back to the text, as Esc does; and another article
        # never opens with the focus in the note field, where the next key (N, P) would become a note
        self.labels.note.returnPressed.connect(self.view.setFocus)
        s.articleChanged.connect(lambda: self.labels.note.hasFocus() and self.view.setFocus())
        s.articleChanged.connect(self._show_entity_state)
        s.articleRowChanged.connect(lambda article_id: article_id == s.article_id and self._show_entity_state())
        self.view.zoomed.connect(lambda size: self.settings.set(ws.FONT_SIZE, size))
        handlers = {
            "next_statement": lambda: s.step_statement(1),
            "prev_statement": lambda: s.step_statement(-1),
            "next_unlabeled": self.next_unlabeled,
            "next_uncertain": self.model_actions.next_uncertain,
            "accept_labels": self.suggestions.accept,
            "clear": lambda: (self.suggestions.before_decision(), self.linking.clear_statement()),
            "link_s": lambda: self.linking.start_key("S"),
            "link_t": lambda: self.linking.start_key("T"),
            "link_statement": self.linking.start_statements,
            "accept_suggestion": self.linking.accept_suggestion,
            "choose_actor": self.linking.actor_choice.choose,
            "next_actor_end": self.linking.actor_choice.next_end,
            "note": self.labels.edit_note,
            "undo": s.undo_stack.undo,
            "redo": s.undo_stack.redo,
            "next_article": lambda: s.step_article(1),
            "prev_article": lambda: s.step_article(-1),
            "next_page": lambda: self.page_bar.step(1),
            "prev_page": lambda: self.page_bar.step(-1),
            "done_next": s.mark_done_and_next,
            "review_entities": s.toggle_entity_review,
            "search": self.search.open,
            "search_next": lambda: self.search.step(1),
            "search_prev": lambda: self.search.step(-1),
            "corpus_search": self.search_dock.open,
            "escape": self._escape,
            "guidelines": self.guideline_pane.toggle,
            "zoom_in": lambda: self.view.zoom(1),
            "zoom_out": lambda: self.view.zoom(-1),
            "shortcut_sheet": self.show_shortcuts,
            "quit": self.close,
        }
        handlers.update({f"label_{n}": (lambda n=n: self._label_key(str(n))) for n in range(1, 10)})
        handlers.update({f"category_{n}": (lambda n=n: self.categories.toggle_key(str(n))) for n in range(1, 10)})
        self.actions_by_name = make_actions(self, handlers)
        self.done_button.setDefaultAction(self.actions_by_name["done_next"])
        self.done_button.setText("Done ▸ Next")
        self.done_button.setToolTip("Mark this article done and go to the next unfinished one (Ctrl+Enter)")

    def _build_menus(self) -> None:
        a = self.actions_by_name
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addAction("&New project…", self.new_project, QKeySequence.StandardKey.New)
        file.addAction("&Open project…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        self.import_action = file.addAction("&Import files…", self.import_files, QKeySequence("Ctrl+I"))
        file.addAction("&Export…", self.export, QKeySequence("Ctrl+E"))
        file.addAction("Make work &packages…", self.make_packages)
        file.addSeparator()
        file.addAction("Annotator &name…", self.change_annotator)
        file.addSeparator()
        file.addAction(a["quit"])

        edit = bar.addMenu("&Edit")
        for name in ("undo", "redo"):
            edit.addAction(a[name])
        edit.addSeparator()
        for name in ("next_statement", "prev_statement", "next_unlabeled", "accept_labels", "clear", "note"):
            edit.addAction(a[name])
        edit.addSeparator()
        for name in ("link_s", "link_t", "link_statement", "accept_suggestion", "choose_actor", "next_actor_end"):
            edit.addAction(a[name])
        edit.addSeparator()
        self.scheme_action = edit.addAction("&Label scheme…", self.edit_scheme)
        self.category_scheme_action = edit.addAction("Article &categories…", self.edit_categories)
        self.actors_action = edit.addAction("&Actors…", self.edit_actors)
        self.rules_action = edit.addAction("Suggestion &rules…", self.model_actions.edit_rules)
        self.guidelines_action = edit.addAction("&Guidelines…", self.edit_guidelines)

        go = bar.addMenu("&Go")
        for name in ("next_article", "prev_article", "next_page", "prev_page", "done_next"):
            go.addAction(a[name])
        edit.insertAction(self.scheme_action, a["review_entities"])
        edit.insertSeparator(self.scheme_action)
        go.addSeparator()
        go.addAction(a["next_unlabeled"])
        go.addAction(a["next_uncertain"])

        view = bar.addMenu("&View")
        for name in ("search", "search_next", "search_prev", "corpus_search", "guidelines", "zoom_in", "zoom_out"):
            view.addAction(a[name])
        view.addSeparator()
        others = view.addAction("Show &other annotators' labels and links")
        others.setObjectName("showOthers")
        others.setCheckable(True)
        others.setToolTip("Off (the default) is blind annotation: you see only your own labels.")
        others.setChecked(self.settings.get(ws.SHOW_OTHERS))
        self.session.show_others = others.isChecked()
        others.toggled.connect(self._toggle_others)
        self.show_others_action = others
        speakers = view.addAction("Suggest &speakers (Shift+S accepts)")
        speakers.setObjectName("suggestSpeakers")
        speakers.setCheckable(True)
        speakers.setToolTip(
            "A statement's likely speaker, from spaCy's parse of the article; never saved until accepted."
        )
        speakers.setChecked(self.speakers.enabled)
        speakers.toggled.connect(self._toggle_speakers)
        self.suggest_speakers_action = speakers
        suggest = view.addAction("Suggest &labels (Shift+Enter accepts)")
        suggest.setObjectName("suggestLabels")
        suggest.setCheckable(True)
        suggest.setToolTip(
            "The statement's likely labels, from the project's latest model and its rules; "
            "never a label until accepted."
        )
        suggest.setChecked(self.suggestions.enabled)
        suggest.toggled.connect(self._toggle_suggestions)
        self.suggest_labels_action = suggest

        team = bar.addMenu("Tea&m")
        team.addAction("&Mark trainee…", lambda: mark_trainee_dialog(self))
        self.promote_action = team.addAction("&Promote trainee…", lambda: promote_trainee(self))
        team.addAction("&Guidelines…", self.edit_guidelines)

        tools = bar.addMenu("&Tools")
        tools.addAction("&Review conflicts…", self.open_review)
        self.train_action = tools.addAction("&Train…", self.model_actions.train)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a["shortcut_sheet"])

    def _toggle_speakers(self, on: bool) -> None:
        self.settings.set(ws.SPEAKER_SUGGESTIONS, on)
        self.speakers.set_enabled(on)

    def _toggle_suggestions(self, on: bool) -> None:
        self.settings.set(ws.SUGGEST_LABELS, on)
        self.suggestions.set_enabled(on)

    def _toggle_others(self, on: bool) -> None:
        self.settings.set(ws.SHOW_OTHERS, on)
        self.session.set_show_others(on)
        self.linking.refresh()

    # -- status -------------------------------------------------------------------------

    def _saved(self, message: str) -> None:
        self.save_state.setProperty("state", "ok")
        self.save_state.style().polish(self.save_state)
        self.save_state.setText(message)

    def _failed(self, message: str) -> None:
        self.save_state.setProperty("state", "error")  # the stylesheet shows it in the theme's error colour
        self.save_state.style().polish(self.save_state)
        self.save_state.setText(message)
        if not self.settings.get(ws.QUIET_ERRORS):
            show_message(self, "Not saved", message)

    def _show_entity_state(self) -> None:
        """The article's entity review, its own decision (Ctrl+Shift+E): done says nothing about it."""
        s = self.session
        if s.article is None:
            self.entity_state.clear()
            return
        reviewers = s.store.entities.entity_reviewers(s.article.id)
        if not reviewers:
            text = "entities unreviewed"
        else:
            text = "entities reviewed by " + ", ".join(
                f"{name} (with done, before the review had its own key)" if with_done else name
                for name, with_done in reviewers
            )
        self.entity_state.setText(text)

    def _show_annotator(self) -> None:
        self.who.setText(f"annotating as {self.session.annotator}")

    #: What cannot happen in a project that cannot be written (read-only media): every change.
    WRITING_ACTIONS = (
        "undo",
        "redo",
        "clear",
        "note",
        "done_next",
        "review_entities",
        *(f"{k}_{n}" for k in KEYED for n in range(1, 10)),
        "link_s",
        "link_t",
        "link_statement",
        "accept_suggestion",
        "choose_actor",
        "accept_labels",
    )

    def _show_read_only(self) -> None:
        """A project on read-only media: readable, searchable and exportable; every change is off,
        and the window says so for as long as it is open."""
        self.setWindowTitle(self.windowTitle() + " (read-only)")
        for name in self.WRITING_ACTIONS:
            self.actions_by_name[name].setEnabled(False)
        self.import_action.setEnabled(False)
        self.scheme_action.setEnabled(False)
        self.category_scheme_action.setEnabled(False)
        self.rules_action.setEnabled(False)
        self.labels.setEnabled(False)
        self.save_state.setProperty("state", "error")
        self.save_state.setText(f"read-only: {self.session.readonly_reason}")

    # -- starting -----------------------------------------------------------------------

    def start(self, article: int | None = None, preannotate: bool = True) -> None:
        """Open the article asked for, else where the annotator was (article and statement), else the
        first article; then pre-annotate in the background."""
        self._preannotate = preannotate
        self.place.reopen(article)
        if preannotate:
            self.start_preannotation()
        if self.suggestions.enabled:
            self.suggestions.load()
        self.watcher.start()
        self.view.setFocus()

    def project_changed(self) -> None:
        """Another program (the CLI, another window, a worker) committed: the list, the counts and the
        open article read again, the place kept (list scroll, selection, current statement)."""
        self.list_panel.reread()
        if self.session.article_id is None:
            if self.store.articles.article_ids():
                self.place.reopen(None)
            return
        self.session.reload_preannotation()
        self.session.articleRowChanged.emit(self.session.article_id)

    def start_preannotation(self) -> None:
        if (
            self.store.readonly
            or self.runner.busy("pre-annotation")
            or not self.store.preannotations.count_unannotated()
        ):
            return
        task = Task(self.store.path, preannotate_task, "pre-annotation")
        # bound methods of this window: Qt queues the calls onto the GUI thread
        self._pre_done = self._pre_total = 0
        task.message.connect(self.task_state.setText)
        task.total.connect(self._preannotation_total)
        task.progress.connect(self._preannotation_progress)
        task.batch.connect(self._preannotation_batch)
        task.finished.connect(self._preannotation_finished)
        task.failed.connect(self._task_failed)
        self._preannotation = self.runner.start(task)

    def _preannotation_total(self, total: int) -> None:
        self._pre_total = total

    def _preannotation_progress(self, n: int) -> None:
        self._pre_done += n
        self.task_state.setText(f"pre-annotating {self._pre_done}/{self._pre_total}")

    def _preannotation_batch(self, ids: list[int]) -> None:
        if self.session.article_id in ids:
            self.session.reload_preannotation()

    def _preannotation_finished(self, n: int) -> None:
        if n:
            self.flash(f"pre-annotated {n} articles")
            self.search_dock.panel.catch_up()  # articles indexed before their sentences arrived
        else:
            self.task_state.clear()

    def sample_imported(self, _report=None) -> None:
        """The first-start import finished: show the articles, then pre-annotate them."""
        self.list_panel.model.reset()
        self.list_panel.update_progress()
        self.task_state.setText("")
        self.start(preannotate=self._preannotate)

    def _task_failed(self, message: str) -> None:
        self.task_state.setText(message)
        show_message(self, "Background task failed", message)

    # -- actions -------------------------------------------------------------------------

    def _escape(self) -> None:
        """Esc: close the corpus search panel when the focus is in it; else stop linking, close the
        search (back to the reader's place), or leave the note field for the text."""
        if self.search_dock.has_focus():
            self.search_dock.close_panel()
            return
        self.linking.cancel()
        if self.search.isVisible():
            self.search.close_search()
        self.view.setFocus()

    def _label_key(self, key: str) -> None:
        """1–9: decide the statement's label as always (a suggestion shown is logged as overridden)."""
        self.suggestions.before_decision()
        self.session.toggle_key(key)

    def next_unlabeled(self) -> None:
        """U: the next statement candidate without a label, round the end of the article (over its
        parts); when every one has a label, the first undecided statement of the articles after it
        (round the corpus)."""
        from annotator.learn.uncertainty import next_unlabeled

        s = self.session
        count = len(s.pages)
        for k in range(count + 1):  # this part after the current statement, the others, this part up to it
            spans = s.candidates_of((s.page + k) % count)
            if k == 0:
                spans = [span for span in spans if s.current is None or span > s.current]
            elif k == count:
                spans = [span for span in spans if s.current is not None and span <= s.current]
            target = next((span for span in spans if not s.state(span).labels), None)
            if target is not None:
                s.set_current(target)
                return
        found = next_unlabeled(self.store, s.annotator, (s.article_id, s.current[0] if s.current else -1))
        if found is None or found[0] == s.article_id:
            self.flash("every statement has a label or a finished article")
            return
        s.open_article(found[0], found[1:])
        self.flash("every statement of that article has a label: the next article's")

    def flash(self, message: str) -> None:
        """A message that is true for a moment (the next message, or a few seconds, removes it)."""
        self.task_state.setText(message)
        self._task_timer.start()

    def show_shortcuts(self) -> None:
        keys = {label.key: label.name for label in self.session.labels if label.key and not label.retired}
        links = {t.key: t.name for t in self.linking.active_types() if t.key}
        ShortcutSheet(keys, self, links, categories=self.categories.keys()).exec()

    def change_annotator(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Annotator name", "Your name, stored with every label:", text=self.session.annotator
        )
        name = name.strip()
        why = person_name_problem(name) if ok and name else None
        if why:
            show_message(self, "Annotator name", f"{why}: choose another name.")
            return
        if ok and name and name != self.session.annotator:
            self.settings.set(ws.ANNOTATOR_NAME, name)
            self.session.annotator = name
            self.session.undo_stack.clear()
            self._show_annotator()
            self.list_panel.model.reset()
            self.list_panel.update_progress()
            if self.session.article_id is not None:
                self.session.open_article(self.session.article_id)

    def edit_scheme(self) -> None:
        from annotator.ui.annotate.schemes.scheme_dialog import SchemeDialog

        dialog = SchemeDialog(self.session, self)
        if dialog.exec():
            self.session.reload_scheme()

    def _guidelines_toggled(self, shown: bool) -> None:
        """The pane opened: its column a bounded share of the width (`widths_with_pane`), the list above
        it keeping `LIST_ROWS_WITH_PANE` rows (`list_height_with_pane`), the pane the rest; closed: the
        widths as they were. Before the window is first shown (a screenshot) the splitters have no
        widths yet: they keep theirs."""
        if not self.isVisible():
            return
        if not shown:
            if self._widths_before_pane is not None:
                self.splitter.setSizes(self._widths_before_pane)
            self._widths_before_pane = None
            return
        self._widths_before_pane = self.splitter.sizes()
        self.splitter.setSizes(widths_with_pane(self._widths_before_pane))
        height = sum(self.left_splitter.sizes())
        view = self.list_panel.view
        chrome = self.list_panel.height() - view.viewport().height()  # the filters, the count, the frame
        row = view.visualRect(view.model().index(0, 0)).height() or view.fontMetrics().height() + 8
        listed = list_height_with_pane(height, chrome, row)
        self.left_splitter.setSizes([listed, height - listed])

    def edit_guidelines(self) -> None:
        from annotator.ui.annotate.schemes.guidelines_editor import GuidelinesEditor

        labels = [label.name for label in self.session.labels if not label.retired]
        editor = GuidelinesEditor(self.store, self.session.annotator, labels, self)
        editor.saved.connect(lambda n: (self.flash(f"guidelines version {n} saved"), self.guideline_pane.refresh()))
        editor.exec()

    def edit_categories(self) -> None:
        from annotator.ui.annotate.schemes.category_dialog import CategorySchemeDialog

        if CategorySchemeDialog(self.session, self.categories.groups, self).exec():
            self.categories_changed()

    def edit_actors(self) -> None:
        """Who is who: the actor editor; the links' actors are read again when it closes."""
        from annotator.ui.annotate.schemes.actor_dialog import ActorDialog

        ActorDialog(self.session.store, self).exec()
        self.linking.refresh()

    def categories_changed(self) -> None:
        """The category scheme (or the categories in the data) changed: bar, list filter and column."""
        self.categories.reload()
        self.list_panel.extra.fill_categories(self.categories.groups)
        self.list_panel.model.reset()

    def import_files(self) -> None:
        from annotator.ui.annotate.window.import_dialog import ImportDialog

        paths, _ = QFileDialog.getOpenFileNames(self, "Import articles", "", formats.import_filter())
        if not paths:
            return
        dialog = ImportDialog(self.store.path, [Path(p) for p in paths], self.session.annotator, self.runner, self)
        dialog.exec()
        self.session.reload_scheme()  # the files may bring labels the scheme lacks, or labels on this article
        self.categories_changed()  # ... or categories
        self.list_panel.extra.refresh_meta()  # ... or metadata fields
        self.list_panel.update_progress()
        if self.session.article_id is None:
            self.start()
        self.start_preannotation()
        if not self.runner.busy("pre-annotation"):
            self.search_dock.panel.catch_up()  # else it catches up once the new articles have sentences

    def export(self) -> None:
        from annotator.ui.annotate.window.export_dialog import ExportDialog

        ExportDialog(self.store, self.session.annotator, self.runner, self).exec()

    def make_packages(self) -> None:
        from annotator.ui.shell.packages_dialog import PackagesDialog

        PackagesDialog(self.store, self.runner, self).exec()

    def open_review(self) -> None:
        """The review window on this project (same connection: the lock is this window's)."""
        from annotator.ui.review.window import ReviewWindow

        self._review = ReviewWindow(self.store, self.session.annotator, self)
        self._review.show()

    # -- projects ------------------------------------------------------------------------

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New project",
            str(settings.data_dir() / f"project{settings.PROJECT_SUFFIX}"),
            "Annotator projects (*.sqlite)",
        )
        if not path:
            return
        if Path(path).exists():  # the save dialog may have asked "replace?": a project is never replaced
            show_message(
                self,
                "New project",
                f"{path_shown(path)} already exists. Open it with File ▸ Open project, or choose a new name.",
            )
            return
        self.newProjectRequested.emit(Path(path))

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", str(settings.data_dir()), "Annotator projects (*.sqlite);;All files (*)"
        )
        if path:
            self.projectRequested.emit(Path(path))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_projects():
            self.recent_menu.addAction(menu_text(path), lambda path=path: self.projectRequested.emit(Path(path)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # -- closing ------------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        """Save what is pending, cancel the background work and go: work that honours cancellation
        (it checks every 50 ms) ends within the wait; a step that cannot stop (spaCy loading) is not
        waited for but left to end after the window has gone (the command waits for it as it returns,
        `ends_cleanly`), so a close during a load takes milliseconds."""
        self.watcher.stop()
        self.labels.flush_note()
        self.suggestions.close()
        self.place.save()
        self.runner.cancel_all()
        if not self.runner.wait_all(CLOSE_WAIT_MS):
            log.info("closed; these end in the background: %s", ", ".join(self.runner.release()))
        super().closeEvent(event)
