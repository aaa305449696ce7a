"""CoNLL-2003 and IOB, IOB2, BILOU (BIOES) token files: read into articles with entities, written from them.

Read, as spaCy's converters read them (explosion/spaCy, `spacy/training/converters/
conll_ner_to_docs.py`, `iob_to_docs.py`, and `spacy/training/iob_utils.py`):

- Columns: a token per line, its tag in the last column (`EU NNP B-NP B-ORG`, `EU<TAB>B-ORG`),
  a blank line after each sentence, `-DOCSTART-` lines between documents (never an article
  of their own). A file without them is one document. A `.iob` file may also be spaCy's
  "one sentence per line" form, `EU|B-ORG rejects|O ...` (`word|tag` or `word|pos|tag`).
- Tags: `O`, or a prefix and a label (`B-ORG`). As in spaCy's `iob_to_biluo`, any tag that
  is not `O` starts an entity, which goes on over `I-`/`L-` tags of the same label; so
  IOB (an entity may start with `I-`), IOB2 and BILOU read alike. BIOES's `E-`/`S-` are
  BILOU's `L-`/`U-`. Entities never cross a sentence.

Each document becomes an article: a sentence's tokens joined by single spaces (a CoNLL file
keeps no whitespace), sentences joined by line breaks; its tags become entities with
`source=user` (people wrote them), each checked against the rebuilt text. A line that is
not a token and a tag stops its document (`FILE:LINE`), which is then left out whole.

Written (`conll_document`, `conll_lines`): entities as IOB2 or BILOU tags over the
article's tokens (spaCy's, as stored; else the text's whitespace-separated words), a
blank line between sentences, `-DOCSTART- -X- O O` before each document: the delimiter
`spacy convert` looks for (Label Studio's export writes `-DOCSTART- -X- O`, which it does not see).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from annotator.formats.textfiles import open_binary
from annotator.records import USER, Entity, IncomingRecord, Rejection
from annotator.text import title_of

CONLL_SUFFIXES = (".conll", ".iob", ".tsv")
DOCSTART = "-DOCSTART-"
#: spaCy's `conll_ner_to_docs` splits documents on exactly this line.
DOCSTART_LINE = "-DOCSTART- -X- O O"
#: A document's rebuilt text may hold at most this many characters (the JSONL line limit).
MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
_TAG = re.compile(r"([BIELUS])-(\S+)")


class _Bad(ValueError):
    """A line that stops its document."""


@dataclass
class _Document:
    first_line: int
    sentences: list[list[tuple[str, str]]] = field(default_factory=list)
    sentence: list[tuple[str, str]] = field(default_factory=list)
    #: Characters of the text rebuilt so far (the memory bound).
    size: int = 0
    error: Rejection | None = None

    def add(self, token: str, tag: str) -> None:
        self.sentence.append((token, tag))
        self.size += len(token) + 1

    def end_sentence(self) -> None:
        if self.sentence:
            self.sentences.append(self.sentence)
            self.sentence = []

    @property
    def has_content(self) -> bool:
        return bool(self.sentences or self.sentence or self.error)


def read_conll(path: Path) -> Iterator[IncomingRecord | Rejection]:
    """Each document of a CoNLL/IOB file as an article with its entities, streamed one document at a time."""
    name = str(path)
    handle = open_binary(path)
    if isinstance(handle, Rejection):
        yield handle
        return
    with handle:
        number = 0
        doc = _Document(1)
        pipes: bool | None = None  # spaCy's one-sentence-per-line form, decided on the first token line
        for lineno, raw in enumerate(handle, 1):
            try:
                line = _decoded(raw.removeprefix(b"\xef\xbb\xbf") if lineno == 1 else raw)
            except _Bad as exc:
                yield Rejection(name, lineno, f"{exc}; the file was not read further")
                return
            fields = line.split("\t") if "\t" in line else line.split()
            if not line.strip():
                doc.end_sentence()
            elif fields[0] == DOCSTART:
                number += doc.has_content
                yield from _finished(doc, path, number)
                doc = _Document(lineno + 1)
            elif not doc.error:
                if pipes is None:
                    pipes = all("|" in item for item in fields) and _is_tag(fields[0].rsplit("|", 1)[-1])
                try:
                    if pipes:
                        for item in fields:
                            doc.add(*_pipe_token(item))
                        doc.end_sentence()
                    elif not (fields[0].startswith("#") and not _is_tag(fields[-1])):  # `# id ...` comments
                        doc.add(*_token(fields))
                except _Bad as exc:
                    doc.error = Rejection(
                        name, lineno, f"{exc}; the document (from line {doc.first_line}) was not imported"
                    )
                if doc.size > MAX_DOCUMENT_CHARS:
                    doc.error = Rejection(
                        name,
                        lineno,
                        f"document longer than {MAX_DOCUMENT_CHARS // 2**20} MiB; split it with {DOCSTART} lines",
                    )
                    doc.sentences, doc.sentence = [], []
        number += doc.has_content
        yield from _finished(doc, path, number)


def _decoded(raw: bytes) -> str:
    if b"\x00" in raw:
        raise _Bad("binary data (NUL byte), not a CoNLL file")
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise _Bad(f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None


def _is_tag(tag: str) -> bool:
    return tag == "O" or _TAG.fullmatch(tag) is not None


def _token(fields: list[str]) -> tuple[str, str]:
    if len(fields) < 2:
        raise _Bad(f"expected a token and its tag, found only {fields[0]!r:.40}")
    token, tag = fields[0].strip(), fields[-1].strip()
    if not _is_tag(tag):
        raise _Bad(f"tag {tag!r:.40} is not O or B-, I-, L-, U-, E-, S- and a label")
    if not token or token.splitlines() != [token]:
        raise _Bad(f"the token {token!r:.40} is empty or holds a line break")
    return token, tag


def _pipe_token(item: str) -> tuple[str, str]:
    parts = item.split("|")
    if len(parts) not in (2, 3):
        raise _Bad(f"expected word|tag or word|pos|tag, found {item!r:.40}")
    return _token([parts[0], parts[-1]])


def _finished(doc: _Document, path: Path, number: int) -> Iterator[IncomingRecord | Rejection]:
    doc.end_sentence()
    if doc.error:
        yield doc.error
        return
    if not doc.sentences:
        return
    text, entities = _article(doc.sentences)
    yield IncomingRecord(
        text=text,
        title=title_of(text),
        source=path.name,
        line=doc.first_line,
        meta={"file": path.name, "document": number},
        entities=entities,
    )


def _article(sentences: list[list[tuple[str, str]]]) -> tuple[str, list[Entity]]:
    """The rebuilt text and its entities, each checked against the tokens it came from."""
    lines: list[str] = []
    entities: list[Entity] = []
    offset = 0
    for sentence in sentences:
        tokens = [token for token, _ in sentence]
        line = " ".join(tokens)
        starts = list(accumulate((len(token) + 1 for token in tokens[:-1]), initial=0))
        for label, first, last in tags_to_entities([tag for _, tag in sentence]):
            start, end = starts[first], starts[last] + len(tokens[last])
            if line[start:end] != " ".join(tokens[first : last + 1]):  # a token that is not one word
                raise AssertionError(f"{label} entity at tokens {first}-{last} does not fit the rebuilt text")
            entities.append(Entity(offset + start, offset + end, label, USER))
        lines.append(line)
        offset += len(line) + 1
    return "\n".join(lines), entities


def tags_to_entities(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(label, first token, last token) of each entity in one sentence's tags, read as spaCy's
    `iob_to_biluo` then `tags_to_entities` read them (the last token inclusive, as there)."""
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tags):
        tag = tags[i]
        if tag == "O":
            i += 1
            continue
        label = tag[2:]
        going_on = {"I-" + label, "L-" + label, "E-" + label}
        first = i
        i += 1
        while i < len(tags) and tags[i] in going_on:
            i += 1
        found.append((label, first, i - 1))
    return found


# -- writing -----------------------------------------------------------------------------


@dataclass
class ConllDocument:
    """One article as token/tag sentences, and the entities that could not be written, with why."""

    sentences: list[list[tuple[str, str]]]
    left_out: list[tuple[Entity, str]]


def conll_document(
    text: str,
    entities: Iterable[Entity],
    tokens: Sequence[tuple[int, int]] | None = None,
    *,
    scheme: str = "IOB2",
    sentences: Sequence[tuple[int, int]] | None = None,
) -> ConllDocument:
    """Tag `entities` over `tokens` ((start, end) code points; spaCy's tokens as stored, or
    None for the text's whitespace-separated words) in `scheme` ("IOB2" or "BILOU").

    Whitespace tokens are not written; a new sentence starts at each of `sentences`' starts,
    or, without them, wherever a line break lies between two tokens. An entity that does
    not start and end on token boundaries, overlaps an entity already written or crosses a
    sentence is left out (CoNLL cannot hold it) and listed in `left_out`.
    """
    if scheme not in ("IOB2", "BILOU"):
        raise ValueError(f"scheme must be IOB2 or BILOU, got {scheme!r}")
    if tokens is None:
        tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    words = [(s, e) for s, e in tokens if text[s:e].strip()]
    breaks = _sentence_starts(text, words, sentences)
    sentence_of = [0] * len(words)
    for i in range(1, len(words)):
        sentence_of[i] = sentence_of[i - 1] + (i in breaks)
    by_start = {s: i for i, (s, _) in enumerate(words)}
    by_end = {e: i for i, (_, e) in enumerate(words)}
    tags = ["O"] * len(words)
    left_out: list[tuple[Entity, str]] = []
    for entity in sorted(entities, key=lambda e: (e.start, -e.end, e.label)):
        first, last = by_start.get(entity.start), by_end.get(entity.end)
        if first is None or last is None or last < first:
            left_out.append((entity, "not on token boundaries"))
        elif any(tag != "O" for tag in tags[first : last + 1]):
            left_out.append((entity, "overlaps another entity"))
        elif sentence_of[first] != sentence_of[last]:
            left_out.append((entity, "crosses a sentence boundary"))
        else:
            tags[first : last + 1] = _tags(entity.label, last - first + 1, scheme)
    out: list[list[tuple[str, str]]] = []
    for i, ((s, e), tag) in enumerate(zip(words, tags, strict=True)):
        if i == 0 or i in breaks:
            out.append([])
        out[-1].append((re.sub(r"\s", "_", text[s:e]), tag))
    return ConllDocument(out, left_out)


def _sentence_starts(
    text: str, words: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]] | None
) -> set[int]:
    """Indices of the words that start a sentence (the first word aside): a sentence starts
    between the end of the word before and the word's start."""
    if sentences is None:
        return {i for i in range(1, len(words)) if "\n" in text[words[i - 1][1] : words[i][0]]}
    starts = sorted(start for start, _ in sentences)
    found = set()
    for i in range(1, len(words)):
        j = bisect_left(starts, words[i - 1][1])
        if j < len(starts) and starts[j] <= words[i][0]:
            found.add(i)
    return found


def _tags(label: str, length: int, scheme: str) -> list[str]:
    if scheme == "BILOU":
        return [f"U-{label}"] if length == 1 else [f"B-{label}", *[f"I-{label}"] * (length - 2), f"L-{label}"]
    return [f"B-{label}", *[f"I-{label}"] * (length - 1)]


def conll_lines(documents: Iterable[ConllDocument], *, columns: int = 4) -> Iterator[str]:
    """The lines (without line ends) of a CoNLL file: with `columns=4`, CoNLL-2003's
    `token _ _ TAG` (no part-of-speech or chunk tags); with 2, `token<TAB>TAG`."""
    if columns not in (2, 4):
        raise ValueError(f"columns must be 2 or 4, got {columns}")
    for document in documents:
        yield DOCSTART_LINE
        yield ""
        for sentence in document.sentences:
            for token, tag in sentence:
                yield f"{token} _ _ {tag}" if columns == 4 else f"{token}\t{tag}"
            yield ""
