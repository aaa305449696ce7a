"""The entity legend: one toggle per entity type in the article, in its colour, with what it means.

"GPE — countries, cities, states" rather than a bare spaCy code; unchecking a type hides it
(and the choice is remembered). Entries wrap onto a second line rather than run off the edge.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QToolButton, QWidget

from annotator.ui.annotate.reader.article_view import ArticleView
from annotator.ui.annotate.session import Session
from annotator.ui.shell import palette
from annotator.ui.shell.flow_layout import FlowLayout, FoldButton
from annotator.ui.shell.plaintext import menu_text, tooltip


class EntityLegend(QWidget):
    hiddenChanged = Signal(list)  # the entity types now hidden

    def __init__(self, session: Session, view: ArticleView, left_margin: int = 12, parent=None):
        super().__init__(parent)
        self.setObjectName("entityLegend")
        self.session, self.view = session, view
        self.flow = FlowLayout(self, spacing=4)
        self.flow.setContentsMargins(left_margin, 4, 8, 4)
        self.buttons: dict[str, QToolButton] = {}
        #: Folded to its heading (a short screen's choice, or the user's click); kept over rebuilds.
        self.folded = False
        self.fold: FoldButton | None = None
        session.articleChanged.connect(self.rebuild)
        session.entitiesChanged.connect(self.rebuild)
        session.pageChanged.connect(self.rebuild)  # the entity types of the part shown

    def rebuild(self) -> None:
        while self.flow.count():
            item = self.flow.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons = {}
        self.fold = FoldButton("Entities", self.flow, self.folded)
        self.fold.toggled.connect(lambda on: setattr(self, "folded", not on))
        self.flow.addWidget(self.fold)
        th = self.view.theme
        for label in self.session.entity_types():
            meaning = palette.ENTITY_MEANINGS.get(label, "")
            button = QToolButton()
            button.setObjectName(f"entity_{label}")
            button.setText(menu_text(f"{label} — {meaning}" if meaning else label))
            button.setCheckable(True)
            button.setChecked(label not in self.view.hidden_types)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            color = palette.entity_color(label, th)
            line = "dashed" if label in palette.VALUE_TYPES else "dotted"
            button.setStyleSheet(
                f"QToolButton {{ color: {color}; border: none; border-bottom: 2px {line} {color};"
                " padding: 1px 4px; background: transparent; }"
                f"QToolButton:!checked {{ color: {th.muted}; border-bottom-color: transparent; }}"
            )
            button.setToolTip(tooltip(f"Click to show or hide {label} entities ({meaning})"))
            button.toggled.connect(lambda on, label=label: self._toggle(label, on))
            self.buttons[label] = button
            self.flow.addWidget(button)
        self.fold.apply()

    def set_folded(self, folded: bool) -> None:
        self.folded = folded
        if self.fold is not None:
            self.fold.setChecked(not folded)

    def _toggle(self, label: str, on: bool) -> None:
        hidden = set(self.view.hidden_types)
        (hidden.discard if on else hidden.add)(label)
        self.view.set_hidden_types(hidden)
        self.hiddenChanged.emit(sorted(hidden))
