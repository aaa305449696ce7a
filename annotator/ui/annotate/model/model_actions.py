"""The window's model-in-the-loop actions: Go ▸ Next uncertain statement, the article list's
"most uncertain first", Tools ▸ Train…, Edit ▸ Suggestion rules….

They act on the window's `LabelSuggestions` (the suggester, the model, the uncertainty index);
the window binds them to its keys and menus.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class ModelActions(QObject):
    """What the window does with its model, apart from showing suggestions (`LabelSuggestions`)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.train_dialog = None  # Tools ▸ Train…'s, while it is open

    def next_uncertain(self) -> None:
        """Shift+U: the undecided statement the model is least sure of, in any article."""
        s = self.window.session
        index = self.window.suggestions.index
        if index is None:
            if self.window.suggestions.model is None:
                self.window.flash("no model yet: Tools ▸ Train… after finishing a few articles (U: next unlabeled)")
            else:
                self.window.flash("still scoring the statements; Shift+U works in a moment")
            return
        skip = [(s.article_id, *s.current)] if s.current and s.article_id else []
        found = index.next_uncertain(self.window.store, s.annotator, skip=skip)
        if found is None:
            self.window.flash("every statement the model scored is decided")
            return
        if found.article_id != s.article_id:
            s.open_article(found.article_id, (found.start, found.end))
        else:
            s.set_current((found.start, found.end))
        self.window.flash(self._why_unsure(found, index.measure))

    def _why_unsure(self, found, measure: str) -> str:
        """Which labels the model is unsure of here (near 50%), and which it is sure of: one number
        over every label ("entropy 2.05") beside "offer 98%" would seem to contradict it."""
        made = self.window.suggestions.for_span((found.start, found.end))
        probabilities = made.probabilities if made is not None else {}
        unsure = sorted(probabilities.items(), key=lambda item: abs(item[1] - 0.5))[:2]
        said = ", ".join(f"{label} {round(p * 100)}%" for label, p in unsure if 0.2 <= p <= 0.8)
        sure = [f"{label} {round(p * 100)}%" for label, p in probabilities.items() if p >= 0.9]
        text = "the model is least sure of this statement"
        text += f": unsure of {said}" if said else ""
        text += f"; sure of {', '.join(sure)}" if sure else ""
        return f"{text} ({measure} over all labels {found.uncertainty:.2f})"

    def uncertainty_ready(self) -> None:
        """The model scored the corpus (or went): the article list may order "most uncertain first"."""
        index, w = self.window.suggestions.index, self.window

        def ranking() -> list[int]:
            return [a.article_id for a in index.articles(w.store, w.session.annotator)]

        w.list_panel.set_ranking(ranking if index is not None else None)

    def train(self) -> None:
        """Tools ▸ Train…: the dialog (one at a time, not modal); a model it keeps makes the suggestions at once."""
        from annotator.ui.annotate.model.train_dialog import TrainDialog

        if self.train_dialog is not None and self.train_dialog.isVisible():
            self.train_dialog.raise_()
            self.train_dialog.activateWindow()
            return
        dialog = TrainDialog(self.window.store.path, self.window.session.annotator, self.window.runner, self.window)
        dialog.trained.connect(lambda _report: self.window.suggestions.load())
        self.train_dialog = dialog
        dialog.show()  # not modal: labeling goes on while it trains

    def edit_rules(self) -> None:
        from annotator.ui.annotate.model.rules_dialog import RulesDialog

        dialog = RulesDialog(self.window.store, self.window)
        if dialog.exec() and dialog.saved is not None:
            self.window.suggestions.set_rules(dialog.saved)
            self.window.flash(f"{len(dialog.saved)} rules suggest labels")
