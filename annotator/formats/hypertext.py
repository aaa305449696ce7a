"""A Label Studio `<HyperText>` task's HTML as the plain text an article holds, and its regions
placed in that text.

Label Studio counts a hypertext region two ways (`web/libs/editor/src/tags/object/RichText/
domManager.ts`): `globalOffsets`, code points over the document's text nodes in order (each
`<br>` one more; the line breaks a browser shows between blocks are not counted), and `start`/
`end`, the XPath of a text node below the HTML's root (`/p[1]/text()[1]`; comments count as
`#comment` nodes), with `startOffset`/`endOffset` inside it. The article's text is the same text
nodes, `<br>` a line break, a line break between block elements (not counted there), and nothing
of `<script>` or `<style>`: text, never HTML. Each region's quote (`text`, what the browser
showed) is checked against the place found, white space aside.

`html.parser` reads any HTML without building a DOM; an end tag closes up to its open element,
so a page a browser would repair differently gives another path, which the quote check catches:
such a region is named, never placed on a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

#: Deeper nesting is refused: an end tag's search for its element stays short.
MAX_DEPTH = 256


class HyperTextError(ValueError):
    """The HTML cannot be read as a page's text (the reason is for the user)."""


#: Elements with no end tag (HTML's void elements).
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
#: Elements the browser drops when HTML is set into a page: their children are the root's.
_TRANSPARENT = frozenset({"html", "head", "body"})
#: Elements whose text is no text a reader sees (still text nodes Label Studio counts).
_HIDDEN = frozenset({"script", "style", "template", "title", "noscript"})
#: Elements a browser shows on lines of their own.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
    ]
)


@dataclass
class _Node:
    """One text node: where it starts in Label Studio's count and in the article's text (None: hidden)."""

    path: str
    data: str
    global_start: int
    text_start: int | None


@dataclass
class _Element:
    name: str
    path: str
    counters: dict[str, int] = field(default_factory=dict)

    def child(self, name: str) -> str:
        self.counters[name] = self.counters.get(name, 0) + 1
        return f"{self.path}/{name}[{self.counters[name]}]"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [_Element("", "")]
        self.nodes: list[_Node] = []
        self.parts: list[str] = []
        self.length = 0  # of the article's text so far
        self.counted = 0  # Label Studio's global offset so far
        self.open_text: _Node | None = None  # the text node data is still being added to
        self.block_ended = False  # a line break goes before the next text (none at the end)

    def _add(self, text: str) -> None:
        if self.block_ended and self.length and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")
            self.length += 1
        self.block_ended = False
        self.parts.append(text)
        self.length += len(text)

    def _line_break(self) -> None:
        self.block_ended = True

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.open_text = None
        if tag in _TRANSPARENT:
            return
        if tag == "br":
            self.stack[-1].child("br")
            self.counted += 1
            self._add("\n")
            return
        if tag in _BLOCKS:
            self._line_break()
        path = self.stack[-1].child(tag)
        if tag not in _VOID:
            if len(self.stack) > MAX_DEPTH:
                raise HyperTextError(f"its HTML nests elements deeper than {MAX_DEPTH}")
            self.stack.append(_Element(tag, path))

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and tag not in _TRANSPARENT and len(self.stack) > 1 and self.stack[-1].name == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        self.open_text = None
        names = [element.name for element in self.stack]
        if tag in _TRANSPARENT or tag not in names[1:]:
            return
        while self.stack[-1].name != tag:
            self.stack.pop()
        self.stack.pop()
        if tag in _BLOCKS:
            self._line_break()

    def handle_comment(self, data: str) -> None:
        self.open_text = None
        self.stack[-1].child("#comment")

    def handle_data(self, data: str) -> None:
        hidden = any(element.name in _HIDDEN for element in self.stack)
        if self.open_text is None:
            if not hidden:
                self._add("")  # the line break of a block ended before, so that the node starts after it
            path = self.stack[-1].child("text()")
            self.open_text = _Node(path, "", self.counted, None if hidden else self.length)
            self.nodes.append(self.open_text)
        self.open_text.data += data
        self.counted += len(data)
        if not hidden:
            self._add(data)


class HyperText:
    """The HTML's text and its shown text nodes (see the module docstring)."""

    def __init__(self, text: str, nodes: list[_Node]):
        self.text = text
        self.nodes = [node for node in nodes if node.text_start is not None and node.data]
        self._starts = [node.global_start for node in self.nodes]

    def from_global(self, start: int, end: int) -> tuple[int, int] | None:
        """`globalOffsets` as offsets into `text`, or None when one falls outside a shown text node."""
        first, last = self._at(start, inclusive_end=False), self._at(end, inclusive_end=True)
        if first is None or last is None:
            return None
        return first.text_start + start - first.global_start, last.text_start + end - last.global_start  # type: ignore[operator]

    def _at(self, offset: int, *, inclusive_end: bool) -> _Node | None:
        """The node holding `offset` (as a start, or as an end: then a node may end there)."""
        i = bisect_right(self._starts, offset - 1 if inclusive_end else offset) - 1
        if i < 0:
            return None
        node = self.nodes[i]
        inside = offset - node.global_start
        return node if (0 < inside <= len(node.data) if inclusive_end else 0 <= inside < len(node.data)) else None

    def from_xpath(self, start: str, start_offset: int, end: str, end_offset: int) -> tuple[int, int] | None:
        """`start`/`startOffset`, `end`/`endOffset` as offsets into `text`, or None."""
        by_path = {node.path: node for node in self.nodes}
        first, last = by_path.get(start), by_path.get(end)
        if first is None or last is None:
            return None
        if not (0 <= start_offset <= len(first.data) and 0 <= end_offset <= len(last.data)):
            return None
        return first.text_start + start_offset, last.text_start + end_offset  # type: ignore[operator]


def read_html(html: str) -> HyperText:
    """The article's text of `html` and where each of its text nodes went; raises `HyperTextError`."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return HyperText("".join(reader.parts), reader.nodes)


def same_words(quote: str, here: str) -> bool:
    """A region's quote (what the browser showed: white space collapsed, a block's line break
    written as the two characters `\\n`) names the same words as `here`."""
    return _WHITE.sub("", quote) == _WHITE.sub("", here)


_WHITE = re.compile(r"\s+|\\n")


def place(document: HyperText, value: dict[str, Any]) -> tuple[int, int] | str:
    """A hypertext region's value placed in `document.text` (by `globalOffsets`, else by its
    XPath), or why it cannot be."""
    quote = value.get("text") if isinstance(value.get("text"), str) else None
    offsets = value.get("globalOffsets")
    xpath = value.get("start"), value.get("startOffset"), value.get("end"), value.get("endOffset")
    candidates = []
    if isinstance(offsets, dict) and type(offsets.get("start")) is int and type(offsets.get("end")) is int:
        candidates.append(document.from_global(offsets["start"], offsets["end"]))
    if isinstance(xpath[0], str) and type(xpath[1]) is int and isinstance(xpath[2], str) and type(xpath[3]) is int:
        candidates.append(document.from_xpath(*xpath))
    found = [c for c in candidates if c is not None]
    for place_found in found:
        if _fits(document, place_found, quote):
            return place_found
    if not found:
        return f"its offsets ({_shown(offsets)}, {_shown(xpath)}) name no text node of the HTML"
    here = document.text[found[0][0] : found[0][1]]
    return f"quotes {quote!r:.40} but the HTML's text there is {here!r:.40}"


def _fits(document: HyperText, found: tuple[int, int], quote: str | None) -> bool:
    start, end = found
    if not 0 <= start < end <= len(document.text):
        return False
    return quote is None or same_words(quote, document.text[start:end])


def _shown(value: Any) -> str:
    return f"{value!r:.60}"
