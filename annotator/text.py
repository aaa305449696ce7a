"""Text normalisation and content hashes, applied before any offset exists."""

from __future__ import annotations

import json
import re
import shlex
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n?")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalize(text: str) -> tuple[str, Callable[[int], int]]:
    """Strip a leading BOM and turn CRLF/CR into LF.

    Returns the new text and a function mapping an offset in the old text to the
    offset of the same place in the new one, so that spans move with the text.
    """
    removed: list[int] = []
    if text.startswith(BOM):
        text = text[1:]
        removed.append(0)
    if "\r" in text:
        base = len(removed)
        removed.extend(m.start() + base for m in _LINE_BREAK.finditer(text) if m.group() == "\r\n")
        text = _LINE_BREAK.sub("\n", text)
    if not removed:
        return text, _identity

    def shift(offset: int) -> int:
        return offset - bisect_left(removed, offset)

    return text, shift


def _identity(offset: int) -> int:
    return offset


def lone_surrogate(text: str) -> int | None:
    """Offset of the first lone surrogate (which no file can store), or None."""
    if text.isascii():  # most texts, labels and names: a test in C, without the pattern
        return None
    if len(text) <= _ENCODED_MAX:  # UTF-8 takes any text without one, three times faster than the pattern
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return None
    match = _SURROGATE.search(text)
    return match.start() if match else None


#: The longest text `lone_surrogate` encodes (a copy) rather than searches.
_ENCODED_MAX = 2**16


def content_hash(text: str) -> str:
    """The identity of an article: same normalised text, same article."""
    import hashlib  # here: a command that prints (every one, through `shown`) need not load it

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signed32(hex_digest: str) -> int:
    """A Prodigy-style signed 32-bit hash derived from a hex digest."""
    unsigned = int(hex_digest[:8], 16)
    return unsigned - (unsigned >> 31 << 32)


def excerpt(text: str, limit: int = 40) -> str:
    """`text` on one line (runs of whitespace as one space), cut to `limit` characters with an
    ellipsis where it was cut, never a space before it: how a list or a status line quotes a span."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_of(text: str, limit: int = 200) -> str:
    """The first line that is not blank, stripped, at most `limit` characters (found without
    splitting the whole text: an import calls this for every record)."""
    start = 0
    while True:
        end = text.find("\n", start)
        line = (text[start:] if end < 0 else text[start:end]).strip()
        if line:
            return line[:limit]
        if end < 0:
            return ""
        start = end + 1


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """One text's offsets in UTF-16 code units (string indices in JavaScript and Java) and back.

    Python counts code points; a character outside the Basic Multilingual Plane (most emoji,
    each half of a flag, many CJK extensions) is one code point but two UTF-16 units. A
    text without such characters counts the same both ways (`differs` is False).
    """

    __slots__ = ("_astral", "_astral_units")

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        #: UTF-16 offset of each astral character: its code-point offset plus the astral characters before it.
        self._astral_units = [cp + i for i, cp in enumerate(self._astral)]

    @property
    def differs(self) -> bool:
        return bool(self._astral)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of code-point `offset` (0 ≤ offset ≤ len(text))."""
        return offset + bisect_left(self._astral, offset)

    def to_code_points(self, unit: int) -> int | None:
        """Code-point offset of UTF-16 offset `unit`; None when it falls between the two halves
        of a surrogate pair, where no character boundary is."""
        before = bisect_right(self._astral_units, unit - 2)  # astral characters wholly before `unit`
        if before < len(self._astral_units) and self._astral_units[before] == unit - 1:
            return None
        return unit - before


Quoted = tuple[int, int, "str | None"]


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`-`end` without the white space at its edges (str.isspace: spaces, line breaks, NBSP);
    empty (start == end) when it holds nothing else. spaCy's `debug data` warns of entities that
    begin or end in white space, a model taught them learns to tag it, and CoNLL writes no
    white space token to tag."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def offsets_by_quotes(
    text: str, spans: Sequence[Quoted], matches: Callable[[str, str], bool] = str.__eq__
) -> list[tuple[int, int]] | None:
    """The code-point offsets of `spans` (start, end, quote-or-None) into `text`, read the way
    the quotes prove they were counted.

    Code points when every span lies in the text and every quote `matches(quote, text[start:end])`;
    else UTF-16 code units (a tool written in JavaScript or Java counted them) when at least
    one span quotes its text and every span fits under that reading; else None (the caller
    says which span does not fit). A record whose quotes fit both readings is read as code
    points, so offsets are never shifted on a guess.
    """
    if all(_fits(text, start, end, quote, matches) for start, end, quote in spans):
        return [(start, end) for start, end, _ in spans]
    if text.isascii() or all(quote is None for _, _, quote in spans):
        return None
    for counting in (Utf16Offsets(text), GraphemeOffsets(text)):
        found: list[tuple[int, int]] = []
        for start, end, quote in spans:
            cp_start, cp_end = counting.to_code_points(start), counting.to_code_points(end)
            if cp_start is None or cp_end is None or not _fits(text, cp_start, cp_end, quote, matches):
                break
            found.append((cp_start, cp_end))
        else:
            if counting.differs:
                return found
    return None


class GraphemeOffsets:
    """One text's offsets in grapheme clusters (what a person sees as one character: a flag, an
    emoji with its skin tone, a letter with its combining accent; Swift's and some editors' count)."""

    __slots__ = ("_starts",)

    def __init__(self, text: str):
        self._starts = [m.start() for m in _cluster().finditer(text)] + [len(text)]

    @property
    def differs(self) -> bool:
        return len(self._starts) - 1 != self._starts[-1]

    def to_code_points(self, cluster: int) -> int | None:
        return self._starts[cluster] if 0 <= cluster < len(self._starts) else None


@cache
def _cluster() -> Any:
    """`\\X`, a grapheme cluster (the `regex` module, imported when first needed: not at start-up)."""
    import regex

    return regex.compile(r"\X")


def cluster_cuts(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans whose start or end falls inside a grapheme cluster (half a flag, an emoji
    without its skin tone, a letter without its accent): offsets counted some other way, or a
    selection that split what a reader sees as one character.

    Most spans of most texts start and end between two characters that join no cluster
    (`_surely_bound`): then nothing is cut, found without segmenting the text (\\X over a
    1,000-character text took 160 µs: an import of Cyrillic news spent 95% of its time there)."""
    spans = list(spans)
    if text.isascii() or not spans:
        return []
    for s, e in spans:
        if not (_surely_bound(text, s) and _surely_bound(text, e)):
            break
    else:
        return []
    bounds = {m.start() for m in _cluster().finditer(text)} | {len(text)}
    return [(s, e) for s, e in spans if s not in bounds or e not in bounds]


def _surely_bound(text: str, at: int) -> bool:
    """Whether `at` is a grapheme cluster boundary of `text` as its two neighbours alone show: an
    end of the text, or between two characters neither of which may join a cluster (`_joiner`).
    Every rule of Unicode's segmentation (UAX #29) that keeps two characters together needs one
    of them to be such a character; False says only "look at the whole text"."""
    if 0 < at < len(text):
        pair = text[at - 1 : at + 1]
        bound = _BOUND_PAIRS.get(pair)
        if bound is None:
            bound = _joiner().search(pair) is None
            if len(_BOUND_PAIRS) < 100_000:
                _BOUND_PAIRS[pair] = bound
        return bound
    return at == 0 or at == len(text)


#: Whether two characters side by side are surely two clusters (neither may join one: `_joiner`).
_BOUND_PAIRS: dict[str, bool] = {}


@cache
def _joiner() -> Any:
    """A character the rules of grapheme clusters may join to the one before or after it: CR (of
    CRLF), combining and spacing marks, ZWJ, prepended signs, Hangul jamo and syllables, regional
    indicators (flags), and the Indic conjuncts' linkers and extenders. Asked of the `regex` module,
    whose `\\X` finds the clusters, so both read the same Unicode version."""
    import regex

    return regex.compile(
        r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=L}\p{GCB=V}\p{GCB=T}"
        r"\p{GCB=LV}\p{GCB=LVT}\p{GCB=Regional_Indicator}\p{InCB=Linker}\p{InCB=Extend}]"
    )


def _fits(text: str, start: int, end: int, quote: str | None, matches: Callable[[str, str], bool]) -> bool:
    return 0 <= start < end <= len(text) and (quote is None or matches(quote, text[start:end]))


# -- regular expressions from users and files: bounded before they are compiled ----------------

#: The longest regular expression taken (a search's `re:`, a rule's REGEX).
REGEX_MAX_CHARS = 1000
#: The largest count of a counted repeat (`x{1000}`): the `regex` module expands counted repeats
#: when it compiles, so `x{4294967294}` took 22 GB before any time budget could stop it.
REGEX_MAX_REPEAT = 1000
#: The most copies nested counted repeats may make of one piece (`(x{100}){100}` makes 10,000).
REGEX_MAX_COPIES = 100_000
#: The deepest nesting of groups.
REGEX_MAX_DEPTH = 50

_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_GROUP_HEAD = re.compile(r"\?(?:P<[^>]*>|P=[^)]*|<[=!]|<[^>]*>|[:=!>|#]|[aiLmsux-]+[:)]?)?")


def regex_problem(pattern: str, *, nested_repeats: bool = True) -> str | None:
    """Why `pattern` may not be compiled, or None: too long, a counted repeat over
    `REGEX_MAX_REPEAT`, nested repeats making over `REGEX_MAX_COPIES` copies, groups nested deeper
    than `REGEX_MAX_DEPTH`; and, unless `nested_repeats`, repetition of a group that itself repeats
    or alternates (`(a|aa)+`, `(a+)+`), which backtracks exponentially where no time budget can
    stop it (spaCy's Matcher runs `re`). A scan of the text, linear, before any compiling."""
    if len(pattern) > REGEX_MAX_CHARS:
        return f"the regular expression is {len(pattern):,} characters long; at most {REGEX_MAX_CHARS:,} are taken"
    # one frame per open group: [most copies inside, whether something inside repeats or alternates]
    stack: list[list] = [[1, False]]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        copies, risky = 1, False
        if c == "\\":
            i += 2
        elif c == "[":
            j = i + 1
            j += j < n and pattern[j] == "^"
            j += j < n and pattern[j] == "]"
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
        elif c == "(":
            if len(stack) > REGEX_MAX_DEPTH:
                return f"the regular expression nests groups deeper than {REGEX_MAX_DEPTH}"
            stack.append([1, False])
            head = _GROUP_HEAD.match(pattern, i + 1)
            i = head.end() if head else i + 1
            continue
        elif c == ")" and len(stack) > 1:
            copies, risky = stack.pop()
            i += 1
        elif c == "|":
            stack[-1][1] = True
            i += 1
            continue
        else:
            i += 1
        # a quantifier on what was just read
        repeats, count = False, 1
        if i < n and pattern[i] in "*+?":
            repeats = pattern[i] != "?"
            i += 1
        elif i < n and (m := _REPEAT.match(pattern, i)) and (m.group(1) or m.group(3)):
            low, high = int(m.group(1) or 0), int(m.group(3) or 0)
            count = max(low, high)
            if count > REGEX_MAX_REPEAT:
                return f"the regular expression repeats something {count:,} times; at most {REGEX_MAX_REPEAT:,}"
            repeats = bool(m.group(2)) or count > 1
            i = m.end()
        if repeats or count > 1:
            i += i < n and pattern[i] in "?+"  # lazy or possessive
        copies *= count
        if copies > REGEX_MAX_COPIES:
            return f"the regular expression's nested repeats make {copies:,} copies; at most {REGEX_MAX_COPIES:,}"
        if repeats and risky and not nested_repeats:
            return (
                "the regular expression repeats a group that itself repeats or has alternatives, "
                "as (a|aa)+ or (a+)+ do, which can take hours on one word; write it without the outer repeat"
            )
        stack[-1][0] = max(stack[-1][0], copies)
        stack[-1][1] = stack[-1][1] or risky or repeats
    return None


def plural(n: int, word: str) -> str:
    """`1 article`, `2 articles`: every count a user reads, in the right number."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- text from data on a terminal: shown, never obeyed -------------------------------------------

#: What a terminal would obey or reorder rather than show: C0 controls (ESC starts the sequences that
#: retitle a window, move the cursor, rewrite the clipboard; CR writes over a line), DEL, C1 controls
#: (U+009B is a one-character CSI to many terminals), the bidi embeddings, overrides and isolates that
#: make a line read in another order than it is stored (U+202A–U+202E, U+2066–U+2069), and lone
#: surrogates (which no terminal encoding can write: a traceback, not a line).
_OBEYED = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_OBEYED_IN_TEXT = re.compile(f"[{_OBEYED}]")  # tab and line break kept: they are layout
_OBEYED_ON_A_LINE = re.compile(f"[\t\n{_OBEYED}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, breaks: bool = True) -> str:
    """`text` as a terminal should show it: every character it would obey instead (`_OBEYED`)
    written as its escape (`\\x1b`, `\\u202e`), so a title, name or label that holds one reads as
    what it holds and does nothing. Tab and line break stay unless not `breaks` (one line's worth).
    Printable text comes back as it is, found so without a pattern when it is ASCII."""
    if text.isascii() and text.isprintable():
        return text
    return (_OBEYED_IN_TEXT if breaks else _OBEYED_ON_A_LINE).sub(_escape, text)


def path_shown(path: object) -> str:
    """A file or folder name as a message shows it: on one line, whatever the name holds. A line
    break, tab, escape or bidi control in it is written as its escape (`shown` without `breaks`), so
    `imported … into PATH`, `PATH: ok` and `FILE:LINE: reason` each stay one line a script can
    split. The one way a path is put into a message."""
    return shown(str(path), breaks=False)


def path_in_command(path: object) -> str:
    """A file or folder name as a command a user pastes shows it (`annotator --db PATH restore`):
    quoted for a POSIX shell (`shlex.quote`) and, like `path_shown`, on one line. A name with a line
    break, tab, escape or bidi control cannot be pasted as one line; its quoted form is written
    through `path_shown` (`'two\\x0alines'`), so the command stays one readable line, to be edited
    for such a name rather than pasted. Any other name is pasted as it is shown."""
    return path_shown(shlex.quote(str(path)))


def json_shown(json_text: str, *, invisible: bool = False) -> str:
    """JSON text (`json.dumps` with `ensure_ascii=False`) with what a terminal would obey written as
    JSON's own `\\uXXXX` escapes: the same JSON to a reader (`json.loads` gives back every string
    as stored), nothing for a terminal to obey. JSON has already escaped C0 controls inside strings;
    its own line breaks and spaces are layout, kept. With `invisible`, characters that show nothing
    (a zero-width space, a joiner, a soft hyphen, U+2028) are escaped too: for text a user edits
    and loads back, where a phrase with a hidden character would match nothing they can see."""
    if json_text.isascii() and "\x7f" not in json_text:
        return json_text
    shown_text = _OBEYED_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
    if not invisible or shown_text.isascii():
        return shown_text
    return _invisible().sub(lambda m: json.dumps(m.group())[1:-1], shown_text)  # a surrogate pair above U+FFFF


@cache
def _invisible() -> Any:  # a `regex` pattern: `re` has no \p{Cf}
    """Every format character (Unicode's Cf: zero-width space, joiners, BOM, soft hyphen, tags) and
    the line and paragraph separators, which JSON with `ensure_ascii=False` writes as they are."""
    import regex

    return regex.compile(r"[\p{Cf}\u2028\u2029]")
