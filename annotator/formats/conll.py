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
`source=user` (people wrote them), each checked against the rebuilt text. A tag's label is a
name and keeps the rule every name keeps (`records.name_problem`: no control, bidi or invisible
character, at most 200 characters). A line that is not a token and a tag, or whose label breaks
that rule, stops its document (`FILE:LINE`), which is then left out whole, as a bad label refuses
a JSONL record (an entity left out would be taught as O).

Written (`conll_document`, `conll_lines`, `ConllWriter`): entities as IOB2 or BILOU tags over
the article's tokens (spaCy's, as stored; else the text's whitespace-separated words), a
blank line between sentences, `-DOCSTART- -X- O O` before each document: the delimiter
`spacy convert` looks for (Label Studio's export writes `-DOCSTART- -X- O`, which it does not see).

CoNLL is a training format for entities, which belong to the article, not to one layer: the
export rule writes the articles whose entities were decided (`export_rule`). CoNLL has no
"missing" tag (`spacy convert` refuses `-`), so a sentence whose entity cannot be tagged is
left out rather than taught as O.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

from annotator.formats.base import ALIGN, ENTITIES, Format, Option, Writer
from annotator.formats.checks import snippet
from annotator.formats.textfiles import open_binary
from annotator.records import USER, Entity, ExportRow, IncomingRecord, Rejection, name_problem
from annotator.text import title_of, trimmed

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
            elif fields[0] == DOCSTART and (fields[1:2] == ["-X-"] or (not doc.sentence and len(fields) < 4)):
                # a document's start; `-DOCSTART- _ _ O` inside a sentence is the word, as written here
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
    if tag != "O" and (why := name_problem(tag[2:], "the tag's label")) is not None:
        raise _Bad(why)  # an ESC or U+202E in a label would reach every list, terminal and export that shows it
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
    """One article as token/tag sentences; the entities that could not be tagged, with why, and the
    sentences whose tags are therefore not all known (`uncertain`: CoNLL has no "missing" tag)."""

    sentences: list[list[tuple[str, str]]]
    left_out: list[tuple[Entity, str]]
    uncertain: set[int] = field(default_factory=set)
    #: Entities snapped onto whole tokens (`align`), as (entity, new start, new end).
    snapped: list[tuple[Entity, int, int]] = field(default_factory=list)

    def certain(self) -> list[list[tuple[str, str]]]:
        """The sentences whose every tag says what is known: the ones a training file may hold."""
        return [sentence for i, sentence in enumerate(self.sentences) if i not in self.uncertain]


def conll_document(
    text: str,
    entities: Iterable[Entity],
    tokens: Sequence[tuple[int, int]] | None = None,
    *,
    scheme: str = "IOB2",
    sentences: Sequence[tuple[int, int]] | None = None,
    align: str | None = None,
) -> ConllDocument:
    """Tag `entities` over `tokens` ((start, end) code points; spaCy's tokens as stored, or
    None for the text's whitespace-separated words, a word split where an entity ends before or
    starts after punctuation: `Kharkiv,` with Kharkiv tagged) in `scheme` ("IOB2" or "BILOU").

    Whitespace tokens are not written; a new sentence starts at each of `sentences`' starts,
    or, without them, wherever a line break lies between two tokens, but never inside an
    entity. An entity off token boundaries (unless `align` snaps it: "contract" to the tokens
    inside it, "expand" to those it touches) or overlapping one already tagged is left out
    and listed in `left_out`; the sentences it touches are `uncertain`, since their O tags
    would say "not an entity" where nothing is known.
    """
    if scheme not in ("IOB2", "BILOU"):
        raise ValueError(f"scheme must be IOB2 or BILOU, got {scheme!r}")
    if tokens is None:
        tokens = _words(text, entities := list(entities))
    words = [(s, e) for s, e in tokens if text[s:e].strip()]
    starts, ends = [s for s, _ in words], [e for _, e in words]
    breaks = _sentence_starts(text, words, sentences)
    by_start = {s: i for i, s in enumerate(starts)}
    by_end = {e: i for i, e in enumerate(ends)}
    tags = ["O"] * len(words)
    doc = ConllDocument([], [])
    unsure: list[tuple[int, int]] = []  # word ranges of the entities left out
    for entity in sorted(entities, key=lambda e: (e.start, -e.end, e.label)):
        if not entity.label.isprintable() or any(ch.isspace() for ch in entity.label):
            # a column of CoNLL cannot hold a space or a line break: written, it would be other tokens' lines
            doc.left_out.append((entity, "has a label with a space or line break, which CoNLL cannot hold"))
            unsure.append((bisect_right(ends, entity.start), bisect_left(starts, entity.end) - 1))
            continue
        first, last = by_start.get(entity.start), by_end.get(entity.end)
        if (first is None or last is None) and align is not None:
            first, last = _snapped(entity, starts, ends, align)
            if first is not None and last is not None:
                doc.snapped.append((entity, starts[first], ends[last]))
        if first is None or last is None or last < first:
            doc.left_out.append((entity, "not on token boundaries"))
            unsure.append((bisect_right(ends, entity.start), bisect_left(starts, entity.end) - 1))
        elif any(tag != "O" for tag in tags[first : last + 1]):
            doc.left_out.append((entity, "overlaps another entity"))
            unsure.append((first, last))
        else:
            tags[first : last + 1] = _tags(entity.label, last - first + 1, scheme)
            breaks.difference_update(range(first + 1, last + 1))  # a sentence never splits an entity
    sentence_of = [0] * len(words)
    for i, ((s, e), tag) in enumerate(zip(words, tags, strict=True)):
        if i == 0 or i in breaks:
            doc.sentences.append([])
        sentence_of[i] = len(doc.sentences) - 1
        doc.sentences[-1].append((re.sub(r"\s", "_", text[s:e]), tag))
    doc.uncertain = {sentence_of[i] for first, last in unsure for i in range(max(first, 0), last + 1)}
    return doc


def _words(text: str, entities: Sequence[Entity]) -> list[tuple[int, int]]:
    """Whitespace-separated words; one an entity ends or starts inside is split there when what
    lies outside the entity is punctuation only (`Kharkiv,`, `"Kyiv`)."""
    starts, ends = {e.start for e in entities}, {e.end for e in entities}
    words = []
    for match in re.finditer(r"\S+", text):
        s, e = match.span()
        cuts = sorted(
            {b for b in ends if s < b < e and not _WORDLIKE.search(text, b, e)}
            | {b for b in starts if s < b < e and not _WORDLIKE.search(text, s, b)}
        )
        bounds = [s, *cuts, e]
        words += list(pairwise(bounds))
    return words


_WORDLIKE = re.compile(r"\w")


def _snapped(entity: Entity, starts: list[int], ends: list[int], mode: str) -> tuple[int | None, int | None]:
    """The first and last word of an off-boundary entity snapped inward or outward (None if none)."""
    if mode == "expand":
        first, last = bisect_right(ends, entity.start), bisect_left(starts, entity.end) - 1
    else:
        first, last = bisect_left(starts, entity.start), bisect_right(ends, entity.end) - 1
    return (first, last) if first <= last else (None, None)


def _sentence_starts(
    text: str, words: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]] | None
) -> set[int]:
    """Indices of the words that start a sentence (the first word aside): a sentence starts
    between the end of the word before and the word's start."""
    if not sentences:
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
    """The lines (without line ends) of a CoNLL file, each document's `certain` sentences: with
    `columns=4`, CoNLL-2003's `token _ _ TAG` (no part-of-speech or chunk tags); with 2,
    `token<TAB>TAG`."""
    if columns not in (2, 4):
        raise ValueError(f"columns must be 2 or 4, got {columns}")
    for document in documents:
        yield DOCSTART_LINE
        yield ""
        for sentence in document.certain():
            for token, tag in sentence:
                yield f"{token} _ _ {tag}" if columns == 4 else f"{token}\t{tag}"
            yield ""


TAG_SCHEME = Option(
    "tag-scheme",
    ("iob2", "bilou"),
    "Tags B-/I- (IOB2, the default) or B-/I-/L-/U- (BILOU)",
    default="iob2",
)
#: Account items: sentences a CoNLL export left out; entities drawn across white space, trimmed.
SENTENCES_LEFT_OUT, TRIMMED = "sentences_left_out", "whitespace_trimmed"


class ConllWriter(Writer):
    """One `-DOCSTART-` document per article: its entities as tags over its tokens and sentences.

    A sentence holding an entity that cannot be tagged is left out (a loss, exit 1): CoNLL has
    no "missing" tag, and O would teach "not an entity" there. An article with no sentence
    left is not written.
    """

    def write(self, handle: Any, row: ExportRow) -> bool:
        tokens = row.tokens
        doc = conll_document(
            row.text,
            self._trimmed(row),
            list(zip(tokens[::2], tokens[1::2], strict=True)) if tokens else None,
            scheme=self.options[TAG_SCHEME.key].upper(),
            sentences=row.sentences,
            align=self.options[ALIGN.key],
        )
        summary = self.summary
        where = f"article {row.article_id}"
        for entity, start, end in doc.snapped:
            summary.counts["snapped"] += 1
            summary.warnings.append(
                f"{where}: entity {entity.start}-{entity.end} {entity.label!r} snapped to {start}-{end}"
            )
        for entity, why in doc.left_out:
            quoted = snippet(row.text[entity.start : entity.end])
            hint = " (--align snaps it onto tokens)" if why.startswith("not on") and not self.options[ALIGN.key] else ""
            summary.warnings.append(
                f"{where}: entity {entity.start}-{entity.end} {entity.label!r} {quoted} {why}: its sentence is left "
                f"out, CoNLL has no 'missing' tag{hint}"
            )
        summary.counts[SENTENCES_LEFT_OUT] += len(doc.uncertain)
        kept = doc.certain()
        if not kept:
            return False
        for line in conll_lines([ConllDocument(kept, [])]):
            handle.write(line + "\n")
        summary.records += 1
        written = [tag[2:] for sentence in kept for _, tag in sentence if tag[:2] in ("B-", "U-")]
        summary.entities += len(written)
        summary.labels.update(written)
        return True

    def _trimmed(self, row: ExportRow) -> list[Entity]:
        """The row's entities without the white space drawn at their edges (CoNLL writes no white
        space token, so `Kharkiv ` is tagged as `Kharkiv`); one over white space only tags no word."""
        entities = []
        for entity in row.entities:
            start, end = trimmed(row.text, entity.start, entity.end)
            if (start, end) != (entity.start, entity.end):
                self.summary.counts[TRIMMED] += 1
                drawn = snippet(row.text[entity.start : entity.end])
                quoted = f"entity {entity.start}-{entity.end} {entity.label!r} {drawn}"
                if start == end:
                    self.summary.warnings.append(
                        f"article {row.article_id}: {quoted} holds only white space; no word to tag, left out"
                    )
                    continue
                self.summary.warnings.append(
                    f"article {row.article_id}: {quoted} drawn across white space; trimmed to {start}-{end}"
                )
                entity = entity._replace(start=start, end=end)
            entities.append(entity)
        return entities


def _sniff(head: bytes) -> bool:
    """A file that starts with a `-DOCSTART-` line is CoNLL, whatever its name (`eng.train`)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(DOCSTART.encode())


FORMAT = Format(
    name="conll",
    title="CoNLL-2003 / IOB",
    suffixes=CONLL_SUFFIXES,
    read=lambda path, _context: read_conll(path),
    sniff=_sniff,
    walked=(".conll", ".iob"),  # not .tsv: too many tables are not CoNLL files
    writer=ConllWriter,
    export_suffixes=(".conll",),
    training=True,
    holds=ENTITIES,
    options=(TAG_SCHEME, ALIGN),
    account_items={
        SENTENCES_LEFT_OUT: (
            "sentences left out: an entity there cannot be tagged (off token boundaries, or overlapping "
            "another) and CoNLL has no 'missing' tag",
            True,
        ),
        TRIMMED: (
            "entities drawn across white space (a space, line break or NBSP at an edge): trimmed to their words "
            "(one over white space only tags no word)",
            False,
        ),
    },
    imports="CoNLL-2003, IOB, IOB2, BILOU/BIOES token files: `-DOCSTART-` splits documents, blank lines "
    "sentences; tags become entities with `source=user`",
    exports="entities as IOB2 (or BILOU) tags, `token _ _ TAG`, a `-DOCSTART- -X- O O` line per article, as "
    "`spacy convert` reads it; articles whose entities were decided (the rule)",
    reads_back=True,
    peers="`spacy convert` reads it into the same documents and entities (run in a test); entities drawn across "
    "white space trimmed to their words, a sentence with an entity that cannot be tagged left out (counted)",
)
