"""Offsets counted by JavaScript or Java tools (UTF-16 code units) land on the same characters
as Python's code points — when, and only when, the spans' quotes prove how they were counted."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from annotator.text import Utf16Offsets, offsets_by_quotes

#: Letters, spaces and line breaks (CRLF too), emoji (one astral character, or several
#: joined), flags (two regional indicators), a letter and its combining mark.
PIECES = ["a", "b", "Kyiv", " ", "\n", "\r\n", "é", "e\u0301", "😀", "👍🏽", "🇺🇦", "👨\u200d👩\u200d👧", "𝔸", "中"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)


def units(text: str, offset: int) -> int:
    """What a JavaScript string index of code point `offset` is, computed independently."""
    return len(text[:offset].encode("utf-16-le")) // 2


@st.composite
def text_and_spans(draw):
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append((start, end))
    return text, spans


@given(texts)
def test_every_code_point_offset_goes_to_utf16_and_back(text):
    counter = Utf16Offsets(text)
    for offset in range(len(text) + 1):
        assert counter.to_utf16(offset) == units(text, offset)
        assert counter.to_code_points(units(text, offset)) == offset


@given(texts)
def test_an_offset_between_the_halves_of_a_surrogate_pair_is_no_character_boundary(text):
    counter = Utf16Offsets(text)
    boundaries = {units(text, i) for i in range(len(text) + 1)}
    for unit in range(units(text, len(text)) + 1):
        assert (counter.to_code_points(unit) is None) == (unit not in boundaries)


@given(text_and_spans())
def test_spans_counted_in_code_points_are_read_as_they_are(case):
    text, spans = case
    quoted = [(s, e, text[s:e]) for s, e in spans]
    assert offsets_by_quotes(text, quoted) == spans


@given(text_and_spans())
def test_spans_counted_in_utf16_land_on_their_quotes(case):
    text, spans = case
    counted = [(units(text, s), units(text, e), text[s:e]) for s, e in spans]
    found = offsets_by_quotes(text, counted)
    assert found is not None
    assert [text[s:e] for s, e in found] == [text[s:e] for s, e in spans]
    # where the code-point reading does not fit some quote, the UTF-16 one is the truth itself
    if not all(0 <= s < e <= len(text) and text[s:e] == q for s, e, q in counted):
        assert found == spans


@given(text_and_spans())
def test_without_a_quote_nothing_is_shifted_on_a_guess(case):
    text, spans = case
    assume(Utf16Offsets(text).differs)
    counted = [(units(text, s), units(text, e), None) for s, e in spans]
    found = offsets_by_quotes(text, counted)
    assert found is None or found == [(s, e) for s, e, _ in counted]


def test_a_quote_that_fits_no_reading_is_refused():
    text = "Kyiv 🇺🇦 offered a pause; Moscow refused."
    assert offsets_by_quotes(text, [(0, 4, "Kyiv"), (30, 36, "Moscow")]) is None
