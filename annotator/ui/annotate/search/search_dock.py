"""The corpus search as a panel of the annotation window, docked under the article.

Joins the hit list (`hit_list`) to the window: Ctrl+Shift+F shows it and puts the cursor in
the query; Enter on a hit opens its article with the hit's statement current and its
matches marked, the focus in the text (1–9 then label that one statement); 1–9 in the list
label the selected hits after a preview (`label_all_dialog`), one step of the window's undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from annotator.search.hits import Hit
from annotator.ui.annotate.reader.article_view import ArticleView
from annotator.ui.annotate.search.hit_list import HitListPanel
from annotator.ui.annotate.session import Session
from annotator.ui.shell.workers import TaskRunner


class SearchDock(QDockWidget):
    def __init__(self, session: Session, view: ArticleView, runner: TaskRunner, parent=None):
        super().__init__("Search every article", parent)
        self.setObjectName("searchDock")
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.TopDockWidgetArea)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.session, self.view, self.runner = session, view, runner
        self.panel = HitListPanel(session, runner)
        self.setWidget(self.panel)
        self.panel.hitActivated.connect(self.open_hit)
        self.panel.labelRequested.connect(self.label_hits)
        self._sized = False
        self.hide()

    def open(self) -> None:
        """Ctrl+Shift+F: show the panel, the query selected (the index starts catching up)."""
        first = not self.isVisible() and not self._sized
        self.show()
        self.raise_()
        window = self.parent()
        if first and window is not None and hasattr(window, "resizeDocks"):
            # a quarter of the window: the article above keeps most of a laptop's height
            self._sized = True
            height = max(self.minimumSizeHint().height(), window.height() // 4)
            window.resizeDocks([self], [height], Qt.Orientation.Vertical)
        self.panel.open()

    def has_focus(self) -> bool:
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        return self.isVisible() and focus is not None and self.isAncestorOf(focus)

    def close_panel(self) -> None:
        """Esc in the panel: close it; the focus back in the text, at the reader's place."""
        self.hide()
        self.view.setFocus()

    def open_hit(self, hit: Hit) -> None:
        """The hit's article, its statement current, its matches marked; the focus in the text."""
        s = self.session
        span = (hit.start, hit.end)
        if s.article_id != hit.article_id:
            if not s.open_article(hit.article_id, span):
                return
        else:
            s.set_current(span)
        qt = s.offsets.span_to_qt
        self.view.set_matches([qt(a, b) for a, b in hit.matches], 0)
        self.view.setFocus()

    def label_hits(self, key: str) -> None:
        """A label key in the hit list: preview labeling the selected hits (Ctrl+A: all), then apply."""
        from annotator.ui.annotate.search.label_all_dialog import LabelAllDialog

        s = self.session
        label = next((lab for lab in s.labels if lab.key == key and not lab.retired), None)
        panel = self.panel
        if label is None or panel.search is None:
            return
        if s.store.readonly:
            s.error.emit(f"not saved: {s.readonly_reason}")
            return
        dialog = LabelAllDialog(
            s,
            self.runner,
            label,
            panel.selected_hits(),
            panel.search,
            panel.searched,  # the query the hits were found for (the box is cleared of them when it changes)
            panel.count.statements if panel.count else None,
            all_hits=panel.every_row_selected(),
            articles=panel.articles,
            parent=self,
        )
        dialog.exec()
        panel.table.setFocus()
