"""Search offsets are exact: every match points at the matched word in the stored text, in code points,
whatever emoji, flags, line breaks (CRLF normalised on import), scripts and diacritics surround it."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.passages import fallback_sentences, split_at_breaks
from annotator.records import IncomingRecord
from annotator.search.hits import Search
from annotator.store import Store
from annotator.text import normalize

PIECES = [
    "ceasefire", "Ceasefire", "CEASEFIRE", "ceaséfire", "ceasefires", "cease fire", "talks", "Київ", "перемир'я",
    "São", "👍", "🇺🇦", "👩‍👩‍👧", "\r\n", "\r", "\n", " ", ". ", "! ", "—", "_", "ceasefire_x", "2025", "ש",
]  # fmt: skip


def folded(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(ch))


def occurrences(text: str, word: str) -> list[tuple[int, int]]:
    """Where `word` is a whole token as FTS5's unicode61 sees them (runs of letters and digits)."""
    return [m.span() for m in re.finditer(r"[^\W_]+", text) if folded(m.group()) == word]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30), min_size=1, max_size=4))
def test_every_match_is_the_word_and_every_occurrence_is_found(articles):
    texts = [normalize("".join(pieces))[0] for pieces in articles]
    with tempfile.TemporaryDirectory() as tmp, Store.create(Path(tmp) / "p.sqlite") as store:
        records = [IncomingRecord(text, "t", "x", i) for i, text in enumerate(texts) if text.strip()]
        store.add_records(records, "me")
        store.search.update_search_index()
        found = list(Search(store, "ceasefire", annotator="me").hits())
        by_article: dict[int, list[tuple[int, int]]] = {}
        for hit in found:
            text = store.articles.article(hit.article_id).text
            assert hit.start <= hit.matches[0][0] and hit.matches[-1][1] <= hit.end
            for start, end in hit.matches:
                assert folded(text[start:end]) == "ceasefire", (text, start, end)
                by_article.setdefault(hit.article_id, []).append((start, end))
            assert hit.hit == text[hit.matches[0][0] : hit.matches[0][1]]
        for article_id in store.articles.article_ids():
            text = store.articles.article(article_id).text
            units = fallback_sentences(text)
            inside = [o for o in occurrences(text, "ceasefire") if any(s <= o[0] and o[1] <= e for s, e in units)]
            assert sorted(by_article.get(article_id, [])) == inside


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_units_are_trimmed_never_cross_a_line_and_cover_every_word(pieces):
    text = normalize("".join(pieces))[0]
    units = fallback_sentences(text)
    assert units == sorted(units) and all(s < e for s, e in units)
    for s, e in units:
        assert "\n" not in text[s:e] and text[s:e] == text[s:e].strip()
    for start, end in occurrences(text, "talks"):
        assert any(s <= start and end <= e for s, e in units)
    assert split_at_breaks([(0, len(text))], text) == [
        span for line in re.finditer(r"[^\n]+", text) for span in _trim(text, *line.span())
    ]


def _trim(text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    a, b = start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))
    return [(a, b)] if b > a else []
