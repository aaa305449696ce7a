import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.text import content_hash, normalize, signed32, title_of


def test_bom_and_crlf_are_removed_and_offsets_follow():
    raw = "\ufeffTitle\r\nPutin said\r\nno.\rEnd"
    text, shift = normalize(raw)
    assert text == "Title\nPutin said\nno.\nEnd"
    start = raw.index("Putin")
    assert text[shift(start) : shift(start + 5)] == "Putin"
    end_of_no = raw.index("no.") + 3
    assert text[shift(raw.index("no.")) : shift(end_of_no)] == "no."


def test_text_without_bom_or_cr_is_returned_as_is():
    text, shift = normalize("plain text")
    assert text == "plain text" and shift(4) == 4


@given(st.lists(st.sampled_from(["a", "é", "👍", "🇺🇦", "\r\n", "\r", "\n", " ", "ש"]), max_size=40))
def test_every_non_break_character_keeps_its_place(pieces):
    raw = "\ufeff" + "".join(pieces)
    text, shift = normalize(raw)
    for i, ch in enumerate(raw):
        if ch not in "\r\n\ufeff":
            assert text[shift(i)] == ch


def test_hashes_are_stable_and_signed_32_bit():
    digest = content_hash("Kyiv")
    assert digest == content_hash("Kyiv") != content_hash("Kiev")
    assert -(2**31) <= signed32(digest) < 2**31


@pytest.mark.parametrize(
    ("text", "title"),
    [("", ""), ("\n \n", ""), ("Kyiv", "Kyiv"), ("\n  Talks resume \nbody", "Talks resume"), ("a\n", "a")],
)
def test_an_article_is_titled_by_its_first_line_that_is_not_blank(text: str, title: str) -> None:
    assert title_of(text) == title
    assert title_of("x" * 300) == "x" * 200


@given(st.text(max_size=120), st.integers(min_value=2, max_value=60))
def test_an_excerpt_is_one_line_within_its_limit_and_never_ends_in_a_space(text, limit):
    """A quoted span in a list ("“the talks could …”") fits its column and closes its quote on a
    word: no line break inside, no space before the closing quote or the ellipsis."""
    from annotator.text import excerpt

    short = excerpt(text, limit)
    assert len(short) <= limit and "\n" not in short
    assert short == short.strip() or not short.strip()
    whole = " ".join(text.split())
    assert short == whole if len(whole) <= limit else short.endswith("…") and not short[:-1].endswith(" ")
