"""Edit ▸ Suggestion rules…: the project's keyword and phrase patterns, edited as the JSONL `annotator rules` prints.

One rule a line, spaCy's pattern format (`annotator.learn.rules`). Saving checks every line
(JSON, the fields, spaCy's matcher) and names each wrong one `rules:LINE: reason`; nothing
is saved until all are right. "Use the defaults" goes back to `resources/suggestion_rules.jsonl`.
Saved rules take effect in the suggestions at once.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QVBoxLayout

from annotator.learn.rules import (
    RULES_SETTING,
    default_rules,
    parse_rules,
    project_rules,
    rules_jsonl,
    save_rules,
    validate_rules,
)
from annotator.store import StoreError
from annotator.ui.shell.plaintext import plain_label

SOURCE = "rules"


class RulesDialog(QDialog):
    """The rules as JSONL text; Save checks and keeps them in the project."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.setObjectName("rulesDialog")
        self.setWindowTitle("Suggestion rules")
        self.store = store
        #: The rules saved (None: back to the defaults), once Save succeeded.
        self.saved = None
        own = store.get_setting(RULES_SETTING) is not None
        explain = plain_label(
            'One rule a line: {"label": "condition", "pattern": "contingent on"} matches the phrase '
            '(any case); a list of spaCy token patterns, e.g. [{"LOWER": "if"}, {"OP": "*"}, '
            '{"LOWER": "then"}], matches tokens. "id" names a rule. A rule suggests its label, '
            "marked as a rule's; it is never a label until accepted."
            + ("" if own else " These are the defaults: the project has no rules of its own yet."),
            word_wrap=True,
        )
        self.text = QPlainTextEdit(rules_jsonl(project_rules(store)))
        self.text.setObjectName("rulesText")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMinimumSize(720, 360)
        self.errors = plain_label(word_wrap=True, object_name="rulesErrors")
        self.errors.setProperty("state", "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        defaults = QPushButton("Use the defaults")
        defaults.setObjectName("rulesDefaults")
        buttons.addButton(defaults, QDialogButtonBox.ButtonRole.ResetRole)
        defaults.clicked.connect(lambda: self.text.setPlainText(rules_jsonl(default_rules())))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        if store.readonly:
            buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.text.setReadOnly(True)

    def save(self) -> None:
        """Check every line; save all (one committed write) or nothing, saying which lines are wrong."""
        rules, rejections = parse_rules(self.text.toPlainText().splitlines(), SOURCE)
        if not rejections:
            rejections = validate_rules(rules, SOURCE)
        if rejections:
            self.errors.setText("Not saved: " + "\n".join(str(r) for r in rejections[:8]))
            return
        keep = None if rules_jsonl(rules) == rules_jsonl(default_rules()) else rules
        try:
            save_rules(self.store, keep)
        except StoreError as exc:
            self.errors.setText(f"Not saved: {exc}")
            return
        self.saved = rules
        self.accept()
