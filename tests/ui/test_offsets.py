"""The one helper between stored code points and Qt's UTF-16 positions."""

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.ui.annotate.spans import snap, word_tokens
from annotator.ui.shell.offsets import OffsetMap, utf16_length

FLAG = "🇺🇦"  # two regional indicators: two code points, four UTF-16 units


def test_plain_text_maps_to_itself():
    m = OffsetMap("plain text")
    assert [m.to_qt(i) for i in range(11)] == list(range(11))
    assert m.qt_length == 10


def test_emoji_flags_and_combining_marks():
    text = f"a😀b{FLAG}c" + "e\u0301"  # e + combining acute: two code points, two units
    m = OffsetMap(text)
    assert m.qt_length == utf16_length(text) == len(text.encode("utf-16-le")) // 2 == 11
    assert m.to_qt(text.index("b")) == 3
    assert m.to_qt(text.index("c")) == 8
    assert m.to_qt(len(text)) == 11
    assert m.to_cp(3) == text.index("b")
    assert m.to_cp(2) == 1  # inside the emoji's surrogate pair: rounds down to its start
    assert m.span_to_cp(2, 3) == (1, 2)  # an end inside a pair rounds up: the whole emoji


def test_positions_agree_with_qtextdocument():
    text = f"Kyiv {FLAG} said 😀 no.\nNext line é."
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() - 1 == m.qt_length
    for word in ("said", "no", "Next", "é"):
        start = text.index(word)
        cursor = QTextCursor(doc)
        cursor.setPosition(m.to_qt(start))
        cursor.setPosition(m.to_qt(start + len(word)), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == word


@given(st.text(alphabet=st.sampled_from(["a", " ", "😀", "🇺", "é", "\u0301", "\n", "中"]), max_size=40))
def test_round_trip(text):
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        assert m.to_cp(m.to_qt(i)) == i
    assert m.qt_length == len(text.encode("utf-16-le")) // 2


def test_snap_widens_to_whole_tokens_and_drops_white_space():
    text = "Kyiv will halt strikes."
    tokens = word_tokens(text)
    assert snap(1, 7, tokens) == (0, 9)  # "yiv wi" → "Kyiv will"
    assert snap(4, 5, tokens) is None  # only a space
    assert snap(4, 14, tokens) == (5, 14)
    assert snap(2, 2, tokens) == (0, 4)  # a click: the word under the caret


@given(
    st.text(alphabet=st.sampled_from(["a", " ", "😀", "🇺", "é", "\n", "中"]), max_size=40),
    st.integers(min_value=0, max_value=40),
)
def test_a_page_maps_the_articles_offsets_onto_its_own_positions(text, cut):
    """A long article's page: stored offsets in, positions counted from the page's start."""
    cut = min(cut, len(text))
    whole, page = OffsetMap(text), OffsetMap(text[cut:], base=cut)
    for i in range(cut, len(text) + 1):
        assert page.to_qt(i) == whole.to_qt(i) - whole.to_qt(cut)
        assert page.to_cp(page.to_qt(i)) == i
    assert page.holds(cut, len(text)) == (cut < len(text))
    assert not page.holds(0, cut)
