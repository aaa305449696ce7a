"""The plain record's short way in (issue 29) reads what the whole way reads: for any Prodigy-style
object - odd keys, missing keys, wrong types, bad offsets, meta of every JSON type - `record_from_dict`
gives the record, or the message, that reading every key gives; the short way never raises, and
takes only records it reads exactly as the whole way does. Meta's flat count is the walk's count."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator import settings as app_settings
from annotator.formats import records
from annotator.formats.records import RecordError, check_meta_values, record_from_dict

LABELS = ["claim", "demand", " claim ", "", "a\nb", "Z\u0435lensky", "x" * 201, "fresh label", "\u202eclaim"]
texts = st.text(st.sampled_from(list("ab c.é\r\n\ufeff\U0001f1fa\ud800\x1b")), max_size=30)
ascii_texts = st.text(st.sampled_from(list("ab c.Kyiv")), min_size=1, max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, -(2**63) - 1, 2**64, 999, 1000, -99, -100])
    | st.floats()
    | texts
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=12,
)
offsets = st.one_of(st.integers(-2, 42), st.sampled_from([True, 1.0, "3", None]))
metas = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["n", "source", "title", "date", "é", "notes"]), json_values, max_size=4),
    st.dictionaries(st.sampled_from(["n", "source", "title", "id"]), scalars, max_size=4),
    st.just({"notes": [{"start": 0, "end": 2, "note": "n"}]}),
    json_values,
)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True once in `n` draws (hypothesis leans to an integer range's ends; a list's items it draws evenly)."""
    return st.sampled_from([True] + [False] * (n - 1))


@st.composite
def spans(draw: Any, text: str) -> dict[str, Any]:
    """One span: mostly a well-formed one over `text`, sometimes with a quote, a note, an answer or
    tokens, now and then with odd offsets, an odd label or a key missing."""
    if len(text) > 1 and not draw(one_in(10)):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
    else:
        start, end = draw(offsets), draw(offsets)
    odd_label = draw(one_in(10))
    label = draw(st.sampled_from([*LABELS, 5] if odd_label else ["claim", "demand"]))
    span: dict[str, Any] = {}
    for key, value in (("start", start), ("end", end), ("label", label)):
        if not draw(one_in(40)):  # a key missing now and then
            span[key] = value
    if draw(one_in(3)):
        right = text[start:end] if type(start) is int and type(end) is int else "?"
        span["text"] = draw(st.sampled_from([*[right] * 6, "wrong", 5, None]))
    if draw(one_in(3)):
        span["note"] = draw(st.sampled_from(["a note", "", "tab\tand\nbreak", "esc \x1b", "\u202e", None, 5]))
    if draw(one_in(10)):
        span["answer"] = draw(st.sampled_from(["accept", "reject", "ignore", "maybe", None]))
    if draw(one_in(4)):
        span["token_start"] = draw(st.integers(0, 9))
    return span


@st.composite
def tasks(draw: Any) -> Any:
    """A Prodigy-style task: mostly one the short way may take, with every kind of near miss."""
    if draw(one_in(30)):
        return draw(json_values)  # no object at all, mostly
    text = draw(ascii_texts if not draw(one_in(4)) else st.one_of(texts, json_values))
    if isinstance(text, str):  # the texts the short way leaves to the whole way, now and then
        if draw(one_in(8)):
            text = "\ufeff" + text
        if draw(one_in(8)):
            text = text.replace(" ", "\r\n")
        if draw(one_in(8)):
            text += "\ud800"
        if draw(one_in(4)):
            text += " é \U0001f1fa"
    task: dict[str, Any] = {}
    if not draw(one_in(30)):
        task["text"] = text
    if draw(st.booleans()):
        plain_meta = st.dictionaries(st.sampled_from(["n", "source", "id"]), scalars, max_size=3)
        our_notes = st.just({"notes": [{"start": 0, "end": 1, "note": "n"}], "n": 1})
        task["meta"] = draw(metas if draw(one_in(3)) else our_notes if draw(one_in(6)) else plain_meta)
    if not draw(one_in(5)):
        quoted = text if isinstance(text, str) else ""
        task["spans"] = draw(json_values if draw(one_in(10)) else st.lists(spans(quoted), max_size=5))
    if draw(st.booleans()):
        task["answer"] = draw(st.sampled_from(["accept", "accept", "accept", "reject", "ignore", "maybe", None, 1]))
    if draw(one_in(4)):
        task["title"] = draw(st.one_of(texts, json_values))
    if draw(one_in(4)):
        task["_input_hash"] = draw(st.integers())
    if draw(one_in(6)):  # a key only the whole way reads
        task[draw(st.sampled_from(sorted(records._RARE_KEYS)))] = draw(st.one_of(json_values, st.just([])))
    return task


def outcome(read: Any, obj: Any) -> tuple[str, Any]:
    """The record (with its spans' types), or the message."""
    try:
        rec = read(obj, source="a.jsonl", line=3)
    except RecordError as exc:
        return "refused", str(exc)
    return "read", (rec, [type(s) for s in rec.spans], type(rec.title), type(rec.source))


@settings(max_examples=1000, deadline=None)
@given(tasks(), st.booleans())
def test_a_record_read_the_short_way_is_the_record_read_the_whole_way(obj, labels_known):
    if not labels_known:
        records._GOOD_LABELS.clear()  # a cache: each label is checked again the first time it is seen
    whole = outcome(records._record_read_whole, obj)
    short_way = isinstance(obj, dict) and records._RARE_KEYS.isdisjoint(obj)  # as `record_from_dict` asks
    plain = records._plain_record(obj, "a.jsonl", 3) if short_way else None  # never raises
    if plain is not None:  # taken only for what it reads exactly as the whole way does
        assert whole == ("read", (plain, [type(s) for s in plain.spans], type(plain.title), type(plain.source)))
    assert outcome(record_from_dict, obj) == whole


def test_the_common_task_is_read_the_short_way():
    """Not a test of speed: that the short way is there for a corpus's usual record at all."""
    text = "Kyiv said the talks could halt strikes."
    obj = {"text": text, "meta": {"n": 12345, "source": "bench"}, "spans": [{"start": 0, "end": 4, "label": "claim"}]}
    record_from_dict(obj, source="a.jsonl", line=1)  # the label is checked once, the whole way
    plain = records._plain_record(obj, "a.jsonl", 1)
    assert plain is not None
    assert plain == records._record_read_whole(obj, source="a.jsonl", line=1)
    assert (plain.status, plain.complete, plain.source, plain.title) == ("done", True, "bench", text)


def meta_outcome(count: Any, value: Any) -> tuple[str, Any]:
    try:
        return "counted", count(value, '"meta"')
    except RecordError as exc:
        return "refused", str(exc)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(st.dictionaries(st.sampled_from(["n", "source", "é", "id"]), scalars, max_size=5), json_values),
    st.sampled_from([None, 10, 40]),
)
@example({"n": float("nan")}, None)
@example({"n": float("-inf"), "id": 1}, None)
@example({"n": 2**64, "id": -(2**63) - 1}, None)
@example({"id": 2**64 - 1, "n": 1000, "m": -100, "ok": True, "no": None, "f": 1.5}, None)
@example({"source": "x" * 50}, 40)
@example({"é": 1}, None)
def test_meta_counted_flat_is_meta_walked(meta, cap):
    before = app_settings.MAX_META_CHARS
    if cap is not None:
        app_settings.MAX_META_CHARS = cap
    try:
        assert meta_outcome(check_meta_values, meta) == meta_outcome(records._meta_walked, meta)
    finally:
        app_settings.MAX_META_CHARS = before


#: Characters the grapheme rules join (CR, marks, ZWJ, prepended signs, Hangul, flags, Indic
#: conjuncts, emoji and their modifiers), beside ones they never join.
CLUSTERED = list(
    "\r\n\u0301\u0308\u200d\u0600\u0915\u094d\u093e\u1cf5\u1100\u1161\u11a8\uac00\u0646\u0650 aZ.К"
    "\U0001f1fa\U0001f1e6\U0001f468\U0001f3fd\u2764\ufe0f\u0e33\u0cc1"
)


@settings(max_examples=500, deadline=None)
@given(
    st.text(st.sampled_from(CLUSTERED) | st.characters(), min_size=1, max_size=12).flatmap(
        lambda text: st.tuples(
            st.just(text),
            st.lists(st.tuples(st.integers(-1, len(text) + 1), st.integers(-1, len(text) + 1)), max_size=4),
        )
    )
)
@example(("Київ\r\né", [(0, 5)]))  # CR LF is one cluster
@example(("\u0915\u094d\u1cf5\u0915", [(0, 3)]))  # a conjunct joined by a linker that is no mark
@example(("a\u0301", [(0, 1)]))  # a letter without its accent
@example(("\U0001f1fa\U0001f1e6\U0001f1fa", [(1, 3)]))  # half a flag
@example(("\U0001f468\u200d\U0001f468 x", [(2, 4)]))  # a family emoji cut after its ZWJ
@example(("\u1100\u1161 Київ", [(1, 2)]))  # half a Hangul syllable
@example(("\u06001 Київ", [(1, 2)]))  # a number without the sign prepended to it
@example(("\u0915\u093e Київ", [(0, 1)]))  # a consonant without its vowel sign
def test_spans_cutting_a_cluster_are_the_ones_the_whole_text_shows(text_and_spans):
    import regex

    from annotator.text import cluster_cuts

    text, spans = text_and_spans
    bounds = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
    whole = [] if text.isascii() else [(s, e) for s, e in spans if s not in bounds or e not in bounds]
    assert cluster_cuts(text, spans) == whole


@given(st.text(st.sampled_from(["a", "é", "\ud800", "\udfff", "\U0001f1fa", "К"]), max_size=8))
def test_a_lone_surrogate_is_found_where_the_pattern_finds_it(text):
    import re

    from annotator import text as text_module

    found = re.search("[\ud800-\udfff]", text)
    assert text_module.lone_surrogate(text) == (found.start() if found else None)
