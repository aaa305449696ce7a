"""Text from data is never markup: the one way a window shows a string it did not write itself.

Qt guesses. A `QLabel`, a tooltip or a message box whose text "might be rich text"
(`Qt.mightBeRichText`: it starts with something like a tag) renders it as HTML, so an
annotator called `<img src=x>` would show an image and `<b>` would turn bold; buttons and
menu entries read `&` as a shortcut mark, so `R&D` would show as "RD". Every string that
comes from a project, a file or a user (article text and titles, annotator names, label
names and definitions, notes, paths, error messages quoting any of those) goes through
one of these:

- `plain_label(text)` / `set_plain(label, text)`: a `QLabel` that shows text as typed;
- `tooltip(text)`: a tooltip string that shows the text as typed (escaped rich text,
  the only form Qt never re-guesses), line breaks kept;
- `menu_text(text)`: a button or menu entry (`&` doubled, so it is a character);
- `message_box(...)`: a message box whose text and details are plain text.

The one rich text: the project's guidelines, Markdown its lead wrote to be read formatted
(`markdown_view()` / `set_markdown`). Even there raw HTML stays text (`<b>` shows as typed), a link
is never followed and an image never read from disk.

Item views (list, table and header cells) draw their display text as plain text already.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import (  # QtGui's Qt: the enums and convertFromPlainText
    QFont,
    QFontDatabase,
    QImage,
    Qt,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QLabel, QMessageBox, QTextEdit, QWidget

#: Markdown as GitHub writes it, except raw HTML: md4c then keeps `<b>x</b>` as the text it is.
MARKDOWN = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML


def plain_label(text: str = "", *, word_wrap: bool = False, object_name: str = "") -> QLabel:
    """A label that shows `text` exactly, never as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(word_wrap)
    if object_name:
        label.setObjectName(object_name)
    label.setText(text)
    return label


def set_plain(label: QLabel, text: str) -> None:
    """Show `text` in an existing label as plain text (its format is fixed first)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)


def tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed: escaped, in a paragraph that keeps line breaks.

    Empty stays empty (no tooltip at all).
    """
    if not text:
        return ""
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpacePre)


def menu_text(text: str) -> str:
    """Text for a button or menu entry: `&` is a character there, not a shortcut mark."""
    return text.replace("&", "&&")


def message_box(
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    informative: str = "",
    *,
    details: str = "",
    parent: QWidget | None = None,
) -> QMessageBox:
    """A message box whose every text is plain (call `.exec()` on it, or add buttons first)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)  # plain too: it follows the box's text format
    if details:
        box.setDetailedText(details)  # always plain
    return box


def sentence(text: str) -> str:
    """`text` as a sentence: its first letter capitalised and a full stop. Never `str.capitalize`,
    which lowers the rest: a name ('ORG') or a code point (U+00AD SOFT HYPHEN) is quoted as it is."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def show_message(
    parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning
) -> None:
    """A modal message with an OK button, its text shown as typed."""
    box = message_box(icon, title, text, parent=parent)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()


class _NothingLoaded(QTextDocument):
    """A document that loads no resource: `![](file:///…)` in Markdown shows a blank pixel, and the
    file is never read. (Qt's document would read any local path it names, and given no image at all
    its image handler loads the path itself: hence an image, not nothing.)"""

    def loadResource(self, kind: int, name) -> QImage | QByteArray:
        if kind == QTextDocument.ResourceType.ImageResource:
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(0)
            return blank
        return QByteArray()


def markdown_view(*, object_name: str = "") -> QTextEdit:
    """A read-only view for Markdown (`set_markdown`): selectable, its links not followed."""
    view = QTextEdit()
    view.setDocument(_NothingLoaded(view))
    view.setReadOnly(True)
    flags = Qt.TextInteractionFlag
    view.setTextInteractionFlags(flags.TextSelectableByMouse | flags.TextSelectableByKeyboard)
    if object_name:
        view.setObjectName(object_name)
    return view


#: Headings' size, as Qt's font size adjustment (0: the body's size, 1: a fifth larger), by level.
#: Qt's own (H1 at twice the body) fill a narrow pane with a long title: ours stay modest, bold.
HEADING_SIZE = {1: 1, 2: 0}


def set_markdown(view: QTextEdit, text: str) -> None:
    """Show `text` formatted (headings, emphasis, lists), any raw HTML in it as typed: headings at
    most a little larger than the text, code (fenced or inline) in the fixed-pitch font."""
    document = view.document()
    document.setMarkdown(text, MARKDOWN)
    _restyle(document)
    view.moveCursor(QTextCursor.MoveOperation.Start)  # read from the top, whatever was shown before


def fixed_pitch_families() -> list[str]:
    """The system's fixed-pitch font first, then fonts most systems have: Qt's Markdown names only
    the generic "monospace", which not every font setup resolves (the text then shows in the body font)."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    known = ["DejaVu Sans Mono", "Liberation Mono", "Menlo", "Consolas", "Courier New"]
    return list(dict.fromkeys([system, *known, "monospace"] if system != "monospace" else [*known, system]))


def _restyle(document: QTextDocument) -> None:
    """Headings to `HEADING_SIZE`, code fragments to `fixed_pitch_families`, changed in place."""
    families = fixed_pitch_families()
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        code_block = block.blockFormat().hasProperty(QTextFormat.Property.BlockCodeFence)
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            fragments += 1
            fmt = fragment.charFormat()
            if level:
                fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, HEADING_SIZE.get(level, 0))
            elif code_block or fmt.fontFixedPitch() or "monospace" in (fmt.fontFamilies() or []):
                fmt.setFontFamilies(families)
                fmt.setFontFixedPitch(True)
                fmt.setFontStyleHint(QFont.StyleHint.TypeWriter)
            else:
                continue
            cursor.setPosition(fragment.position())
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(fmt)
        block = block.next()
