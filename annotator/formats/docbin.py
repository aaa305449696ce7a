"""spaCy DocBin (`.spacy`): statement labels in `doc.spans["sc"]`, entities in `doc.ents`.

Ready for `spacy train` with a spancat and/or ner config. Nothing is dropped silently, and
nothing unknown is taught as a negative:

- a span that does not fall on token boundaries is snapped when the user asks
  (`align="contract"|"expand"`), otherwise left out of the training annotations and
  reported; either way its exact offsets are kept in `doc.user_data`, so a round trip
  through the DocBin gives the project back unchanged;
- the tokens of an entity that cannot be placed are *missing* in `doc.ents` (spaCy's
  `doc.set_ents(..., missing=...)`: `None` in `Example.get_aligned_ner()`), not `O`; so are
  all tokens of an article whose entities were never predicted nor added (`--no-ner`);
- entities that overlap cannot all be in `doc.ents`: the longest win (spaCy's
  `filter_spans`), the rest go to `doc.spans["ents_overflow"]` and their other tokens are
  missing, reported;
- spans answered reject are never in `doc.spans["sc"]`; they are kept in `doc.user_data`;
- article categories are `doc.cats`, each category the layer was asked 1.0 or 0.0 where the
  article's categories are known (the others absent: missing, not 0), and empty (unknown:
  spaCy's textcat leaves a label that is not in `doc.cats` out of the loss) where the layer
  gave none (`export_categories`).
  Read back, `doc.cats` of 0/1 values are categories; scores strictly between 0 and 1 are a
  model's output (a pipeline's `textcat` run over the texts), counted and not imported.

Links are in two places a training script reads with spaCy alone (no Annotator import):

- `doc.user_data["links"]`: one dict per link, `{"label": TYPE, "head": [token start, token
  end], "child": [token start, token end], "head_char": [start, end], "child_char": [start,
  end]}` (token ends exclusive, as `doc[start:end]` takes them; `head`/`child` are None for an
  end off token boundaries, and the account counts it);
- `doc._.rel`, the shape of spaCy's `rel_component` project (explosion/projects
  `tutorials/rel_component`): `{(head's first token, child's first token): {TYPE: 1.0}}`, read
  after `Doc.set_extension("rel", default={})`. Only the links there are: a missing pair is
  unknown, not 0.0 (an unfinished article's links are never exported, see the export rule).

Docs are tokenized with the article's stored spaCy tokens (the same tokens the JSONL
carries); articles without them go through the project pipeline's tokenizer. spaCy is
imported only when this format is used.
"""

from __future__ import annotations

import functools
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import settings
from annotator.formats.base import ALIGN, Format, Writer
from annotator.formats.categories import ASKED_KEY, cats_of, from_cats
from annotator.formats.categories import KEY as CATEGORIES_KEY
from annotator.formats.checks import snippet
from annotator.formats.left_out import LeftOut, labeled_statements
from annotator.formats.records import RecordError, record_from_dict
from annotator.formats.textfiles import human_size
from annotator.records import USER, ExportRow, IncomingRecord, Rejection
from annotator.text import trimmed
from annotator.tokens import SpacyTokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, DocBin
    from spacy.tokens import Span as SpacySpan
    from spacy.vocab import Vocab

SPANS_KEY = "sc"
OVERFLOW_KEY = "ents_overflow"
#: Our key in `doc.user_data`: what the DocBin's annotations cannot say (annotator, status, notes, sources…).
USER_DATA_KEY = "annotator"
_INFLATE_CHUNK = 2**20

#: Account items (see `exporting`) a DocBin can add.
SKIPPED, SNAPPED, OVERFLOW = "skipped", "snapped", "overflow"
LINKS_WRITTEN, LINKS_MISALIGNED = "links_written", "links_misaligned"
#: Where the links are in `doc.user_data` (see the module docstring), and `doc._.rel`'s key there.
LINKS_KEY = "links"
REL_KEY = ("._.", "rel", None, None)
ENTITIES_MISSING, NER_UNKNOWN = "entities_missing", "ner_unknown"
#: Entities drawn across white space (a space, a line break, an NBSP at an edge), trimmed.
TRIMMED = "whitespace_trimmed"


@dataclass
class DocReport:
    """What happened to one row's annotations on their way into a Doc."""

    spans: int = 0
    entities: int = 0
    #: Account items: SKIPPED, SNAPPED, OVERFLOW, ENTITIES_MISSING, NER_UNKNOWN.
    counts: Counter = field(default_factory=Counter)
    #: Statement labels that made it into doc.spans["sc"].
    labels: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


class DocBuilder:
    """Turn export rows into Docs; loads spaCy lazily. `tokenize` (the project pipeline's) is
    called only for an article whose stored tokens do not match its text."""

    def __init__(
        self,
        tokenize: Callable[[str], Doc] | None = None,
        align: str | None = None,
        actor_kinds: Mapping[str, tuple[str, str]] | None = None,
    ):
        if align is not None and align not in ALIGN.choices:
            raise ValueError(f"align must be one of {', '.join(ALIGN.choices)} or None, got {align!r}")
        import spacy
        from spacy.tokens import DocBin

        self.align = align
        self.tokenize = tokenize
        self.actor_kinds = actor_kinds or {}
        self.vocab: Vocab = spacy.blank("en").vocab
        self.docbin: DocBin = DocBin(store_user_data=True)

    def add(self, row: ExportRow, tokens: SpacyTokens | None = None) -> DocReport:
        """Add one row's Doc; `tokens` as `SpacyTokens.build` gives them (None: tokenize the text)."""
        report = DocReport()
        doc = self._doc(row, tokens, report)
        self._annotate(doc, row, report)
        self.docbin.add(doc)
        return report

    def to_bytes(self) -> bytes:
        return self.docbin.to_bytes()

    # -- building ---------------------------------------------------------------

    def _doc(self, row: ExportRow, tokens: SpacyTokens | None, report: DocReport) -> Doc:
        from spacy.tokens import Doc

        if tokens is not None:
            return Doc(self.vocab, words=tokens.words, spaces=tokens.spaces)
        if row.tokens:
            report.warnings.append(
                f"article {row.article_id}: its stored tokens do not match its text; re-tokenized for the DocBin"
            )
        return (self.tokenize or _english_tokenizer())(row.text)

    def _annotate(self, doc: Doc, row: ExportRow, report: DocReport) -> None:
        mode = self.align or "strict"
        where = f"article {row.article_id}" + (f" ({row.annotator})" if row.annotator else "")
        text = row.text
        unaligned_spans: list[list[Any]] = []
        unaligned_entities: list[list[Any]] = []
        #: Entities placed other than drawn (white space trimmed, snapped): [start, end, label, drawn start, end].
        as_drawn: list[list[Any]] = []
        notes: dict[tuple[int, int], str] = {}

        def place(start: int, end: int, label: str, what: str, lost: str) -> SpacySpan | None:
            quoted = f"{what} {start}-{end} {label!r} {snippet(text[start:end])}"
            inner = trimmed(text, start, end) if what == "entity" else (start, end)  # statements stay as drawn
            if inner != (start, end):
                report.counts[TRIMMED] += 1
                if inner[0] == inner[1]:
                    report.counts[ENTITIES_MISSING] += 1
                    report.warnings.append(f"{where}: {quoted} holds only white space; {lost}")
                    return None
                report.warnings.append(f"{where}: {quoted} drawn across white space; trimmed to {inner[0]}-{inner[1]}")
                start, end = inner
            span = doc.char_span(start, end, label=label, alignment_mode=mode)
            if span is None or not len(span):
                report.counts[SKIPPED if what == "span" else ENTITIES_MISSING] += 1
                hint = "" if self.align else " (use --align expand or contract to snap it)"
                report.warnings.append(f"{where}: {quoted} does not fall on token boundaries; {lost}{hint}")
                return None
            if (span.start_char, span.end_char) != (start, end):
                report.counts[SNAPPED] += 1
                report.warnings.append(
                    f"{where}: {quoted} does not fall on token boundaries; snapped ({mode}) to "
                    f"{span.start_char}-{span.end_char}"
                )
            return span

        statements: list[SpacySpan] = []
        for start, end, label, note in row.spans:
            span = place(start, end, label, "span", "not in doc.spans['sc'], kept in doc.user_data")
            if span is None:
                unaligned_spans.append([start, end, label, note])
                continue
            statements.append(span)
            if note:
                notes[(span.start_char, span.end_char)] = note
        if statements or row.status == "done":  # no group: nothing said of its statements (only categories)
            doc.spans[SPANS_KEY] = statements
        report.spans = len(statements)
        report.labels.update(span.label_ for span in statements)

        sources: dict[tuple[int, int, str], str] = {}
        entities: list[SpacySpan] = []
        drawn_here = {(start, end, label) for start, end, label, _ in row.entities}
        actor_at = {(m.start, m.end): m.actor for m in row.actors}
        for start, end, label, source in row.entities:
            span = place(start, end, label, "entity", "its tokens are missing in doc.ents, not O")
            moved = span is not None and (span.start_char, span.end_char) != (start, end)
            if moved and (span.start_char, span.end_char, label) in drawn_here:  # trimmed onto another: keep both
                report.counts[ENTITIES_MISSING] += 1
                span = None
            if span is None:
                unaligned_entities.append([start, end, label, source])
                continue
            actor = actor_at.get((start, end))
            if actor is not None:  # the entity is a link end resolved to an actor: spaCy's knowledge-base id
                span.kb_id_ = actor
            entities.append(span)
            sources[(span.start_char, span.end_char, label)] = source
            if (span.start_char, span.end_char) != (start, end):  # trimmed or snapped: the drawing rides along
                as_drawn.append([span.start_char, span.end_char, label, start, end])
        report.entities = len(entities)
        self._set_ents(doc, row, entities, unaligned_entities, report, where)
        self._links(doc, row, mode, report, where)
        if row.category_scope:
            doc.cats = cats_of(row)

        doc.user_data[USER_DATA_KEY] = {
            "article_id": row.article_id,
            "title": row.title,
            "source": row.source,
            "meta": row.meta,
            "annotator": row.annotator,
            "status": row.status,
            "notes": [[s, e, note] for (s, e), note in notes.items()],
            "unlabeled_notes": [[s, e, note] for s, e, note in row.notes],  # notes on statements with no label
            "entity_sources": [[s, e, label, source] for (s, e, label), source in sources.items() if source != USER],
            "unaligned_spans": unaligned_spans,
            "unaligned_entities": unaligned_entities,
            "entities_as_drawn": as_drawn,
            "rejected_spans": [list(span) for span in row.rejected],
            "links": [list(link) for link in row.links],
            "actors": [list(m) for m in row.actors],
            "actor_kinds": [
                [name, *self.actor_kinds[name]]
                for name in sorted({m.actor for m in row.actors})
                if name in self.actor_kinds
            ],
        }

    def _links(self, doc: Doc, row: ExportRow, mode: str, report: DocReport, where: str) -> None:
        """`doc.user_data["links"]` and `doc._.rel` (see the module docstring)."""
        if not row.links:
            return
        readable: list[dict[str, Any]] = []
        rel: dict[tuple[int, int], dict[str, float]] = {}
        for link in row.links:
            ends = []
            for start, end in (link.head, link.child):
                span = doc.char_span(start, end, alignment_mode=mode)
                ends.append([span.start, span.end] if span is not None and len(span) else None)
            head, child = ends
            readable.append(
                {
                    "label": link.label,
                    "head": head,
                    "child": child,
                    "head_char": list(link.head),
                    "child_char": list(link.child),
                }
            )
            if head is None or child is None:
                report.counts[LINKS_MISALIGNED] += 1
                report.warnings.append(
                    f"{where}: link {link.label} {link.head_start}-{link.head_end} → {link.child_start}-"
                    f"{link.child_end} has an end off token boundaries; in doc.user_data['links'] by characters "
                    "only, not in doc._.rel"
                )
                continue
            rel.setdefault((head[0], child[0]), {})[link.label] = 1.0
        report.counts[LINKS_WRITTEN] += len(row.links)
        doc.user_data[LINKS_KEY] = readable
        if rel:
            doc.user_data[REL_KEY] = rel

    def _set_ents(
        self,
        doc: Doc,
        row: ExportRow,
        entities: list[SpacySpan],
        unaligned: list[list[Any]],
        report: DocReport,
        where: str,
    ) -> None:
        """`doc.ents` as the entities say, missing (not O) wherever they cannot: tokens of unplaced
        or overflowing entities, and every token of an article whose entities are unknown."""
        from spacy.util import filter_spans

        chosen = filter_spans(entities)
        kept = {(s.start, s.end, s.label) for s in chosen}
        overflow = [s for s in entities if (s.start, s.end, s.label) not in kept]
        unknown: set[int] = set()
        for start, end, *_ in unaligned:
            covering = doc.char_span(start, end, alignment_mode="expand")
            if covering is not None:
                unknown.update(range(covering.start, covering.end))
        for span in overflow:
            unknown.update(range(span.start, span.end))
        for span in chosen:
            unknown.difference_update(range(span.start, span.end))
        if not row.entities_known:
            report.counts[NER_UNKNOWN] += 1
        doc.set_ents(
            chosen,
            missing=[doc[i : i + 1] for i in sorted(unknown)],
            default="outside" if row.entities_known else "missing",
        )
        if overflow:
            doc.spans[OVERFLOW_KEY] = overflow
            report.counts[OVERFLOW] += len(overflow)
            report.warnings.append(
                f"{where}: {len(overflow)} overlapping entities cannot all be in doc.ents; "
                f"put in doc.spans[{OVERFLOW_KEY!r}], their tokens missing: "
                + ", ".join(f"{s.start_char}-{s.end_char} {s.label_}" for s in overflow)
            )


@functools.cache
def _english_tokenizer() -> Any:
    """spaCy's English rules, when the export gave no pipeline's tokenizer."""
    import spacy

    return spacy.blank("en").tokenizer


# -- reading ----------------------------------------------------------------------------


def read_docbin(path: Path) -> Iterator[IncomingRecord | Rejection]:
    """Records from a `.spacy` file: ours come back exactly; any other DocBin as spans and entities.

    `FILE:N` in a rejection is the N-th doc of the file.
    """
    name = str(path)
    try:
        data = _bounded_read(path)
        if isinstance(data, str):
            yield Rejection(name, 1, data)
            return
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        docbin = DocBin(store_user_data=True).from_bytes(data)
    except OSError as exc:
        yield Rejection(name, 1, f"cannot read the file ({exc.strerror})")
        return
    except Exception as exc:  # msgpack/zlib/key errors: whatever it is, it is not a DocBin
        yield Rejection(name, 1, f"not a spaCy DocBin (.spacy) file ({type(exc).__name__}: {exc})"[:300])
        return
    docs = docbin.get_docs(Vocab())
    left_out = LeftOut()
    number = 0
    while True:
        number += 1
        try:
            others = _keep_our_span_groups(docbin.span_groups, number - 1)
            doc = next(docs)
        except StopIteration:
            yield from left_out.rejections(name)
            return
        except Exception as exc:
            yield Rejection(name, number, f"damaged doc, the rest of the file was skipped ({type(exc).__name__})")
            return
        try:
            task = task_from_doc(doc, number, left_out)
            left_out.add("span_group", number, sum(others.values()), others)  # named, as in spaCy's JSON
            if doc.cats:
                names = from_cats(dict(doc.cats), number, left_out)
                if names:
                    task[CATEGORIES_KEY] = names
                if names is not None:  # its keys were asked: the others stay unknown, not "no"
                    task[ASKED_KEY] = sorted({name.strip() for name in doc.cats})
            yield record_from_dict(task, source=path.name, line=number)
        except RecordError as exc:
            yield Rejection(name, number, str(exc))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a crafted doc.user_data of some other shape
            yield Rejection(
                name, number, f"doc.user_data of a shape this program does not write ({type(exc).__name__})"
            )


def _keep_our_span_groups(span_groups: list[bytes], index: int) -> Counter[str]:
    """Drop from the `index`-th doc's serialized span groups all but "sc" and the entities' overflow,
    before spaCy builds them; returns the other groups' span counts by name (to be counted as left out).

    spaCy decodes each group with `srsly.msgpack_loads`, which looks up its registered decoders
    every call (~0.5 ms): a 1 MB DocBin of 200,000 span groups took 34 s. The groups' names and
    spans are read here with one plain msgpack decode each (no decoder lookup)."""
    from srsly import msgpack

    others: Counter[str] = Counter()
    if index >= len(span_groups):
        return others
    data = span_groups[index]
    if not data or data == b"\x90":  # SpanGroups._EMPTY_BYTES, an empty list
        return others
    ours = (SPANS_KEY, OVERFLOW_KEY)
    msg = msgpack.unpackb(data, raw=False, object_pairs_hook=dict)  # a hook given: no decoder lookup

    def spans_of(group: bytes) -> tuple[str, int]:
        decoded = msgpack.unpackb(group, raw=False, object_pairs_hook=dict)
        return decoded["name"], len(decoded["spans"])

    if isinstance(msg, dict):  # spaCy >= 3.4: group bytes -> the keys it is stored under
        kept = {}
        for group, keys in msg.items():
            theirs = [key for key in keys if key not in ours]
            if theirs:
                count = spans_of(group)[1]
                for key in theirs:
                    others[key] += count
            if len(theirs) < len(keys):
                kept[group] = [key for key in keys if key in ours]
    else:  # older: a list of group bytes, each named by its own name
        kept = []
        for group in msg:
            name, count = spans_of(group)
            if name in ours:
                kept.append(group)
            else:
                others[name] += count
    span_groups[index] = msgpack.packb(kept, use_bin_type=True)
    return +others  # groups without spans are not counted


def _bounded_read(path: Path) -> bytes | str:
    """The file's bytes, or why it is refused unread: a DocBin is zlib-compressed msgpack, read
    whole by spaCy, so its size and the size it decompresses to (counted a chunk at a time,
    never held) must both stay under `MAX_DOCBIN_BYTES` (a 2 MB "zip bomb" can hold gigabytes)."""
    limit = settings.MAX_DOCBIN_BYTES
    size = path.stat().st_size
    if size > limit:
        return f"the file is {human_size(size)}, more than the {human_size(limit)} a DocBin may be; split it"
    data = path.read_bytes()
    inflate = zlib.decompressobj()
    total, pending = 0, data
    try:
        while True:
            total += len(inflate.decompress(pending, _INFLATE_CHUNK))
            pending = inflate.unconsumed_tail
            if total > limit:
                return f"it decompresses to more than the {human_size(limit)} a DocBin may hold; not read"
            if not pending:
                break
        total += len(inflate.flush())
    except zlib.error as exc:
        return f"not a spaCy DocBin (.spacy) file (not zlib data: {exc})"
    if total > limit:
        return f"it decompresses to more than the {human_size(limit)} a DocBin may hold; not read"
    return data


def task_from_doc(doc: Doc, line: int, left_out: LeftOut) -> dict[str, Any]:
    """A Prodigy-style dict for one Doc (the `line`-th of its file), validated afterwards by
    `record_from_dict`; spans of "sc" without a label are counted in `left_out`, as in spaCy's JSON."""
    ours = doc.user_data.get(USER_DATA_KEY)
    ours = ours if isinstance(ours, dict) else {}
    notes = {(s, e): note for s, e, note in _rows(ours, "notes", 3)}
    sources = {(s, e, label): source for s, e, label, source in _rows(ours, "entity_sources", 4)}
    group = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    statements = labeled_statements(group, line, left_out, lambda s: s.label_, lambda s: s.kb_id_)
    spans = [
        {"start": s.start_char, "end": s.end_char, "label": s.label_, "note": notes.get((s.start_char, s.end_char))}
        for s in statements
    ]
    spans += [
        {"start": s, "end": e, "label": label, "note": note} for s, e, label, note in _rows(ours, "unaligned_spans", 4)
    ]
    overflow = list(doc.spans[OVERFLOW_KEY]) if OVERFLOW_KEY in doc.spans else []
    entities = [*doc.ents, *overflow]
    drawn = {(s, e, label): (a, b) for s, e, label, a, b in ours.get("entities_as_drawn", [])}
    ents = [
        {
            "start": drawn.get((s.start_char, s.end_char, s.label_), (s.start_char, s.end_char))[0],
            "end": drawn.get((s.start_char, s.end_char, s.label_), (s.start_char, s.end_char))[1],
            "label": s.label_,
            "source": sources.get((s.start_char, s.end_char, s.label_), USER),
        }
        for s in entities
    ]
    ents += [
        {"start": s, "end": e, "label": label, "source": source}
        for s, e, label, source in _rows(ours, "unaligned_entities", 4)
    ]
    spans += [
        {"start": s, "end": e, "label": label, "answer": answer}
        for s, e, label, answer in _rows(ours, "rejected_spans", 4)
    ]
    task: dict[str, Any] = {"text": doc.text, "entities": ents}
    if spans or SPANS_KEY in doc.spans:  # a doc with no span group holds no statements: none asked
        task["spans"] = spans
    links = _stored_links(ours.get("links"), doc.user_data.get(LINKS_KEY))
    # who link ends stand for: ours in user_data, else the kb_id of an entity (another tool's DocBin)
    actors = {(s.start_char, s.end_char): {"actor": s.kb_id_, "actor_how": "user"} for s in entities if s.kb_id_}
    actors.update({(s, e): {"actor": name, "actor_how": how} for s, e, name, how in _rows(ours, "actors", 4)})
    for ent in ents:
        ent.update(actors.get((ent["start"], ent["end"]), {}))
    task["actors"] = [{"name": n, "kind": k, "side": side} for n, k, side in _rows(ours, "actor_kinds", 3)]
    if links:
        task["relations"] = [
            {
                "head_span": {"start": a, "end": b, **actors.get((a, b), {})},
                "child_span": {"start": c, "end": d, **actors.get((c, d), {})},
                "label": label,
            }
            for a, b, c, d, label in links
        ]
    if isinstance(ours.get("meta"), dict):
        task["meta"] = {**ours["meta"], "title": ours.get("title"), "source": ours.get("source")}
    if ours.get("annotator"):
        task["_annotator_id"] = ours["annotator"]
        task["_status"] = ours.get("status")
    return task


def _rows(ours: dict[str, Any], key: str, width: int) -> list[tuple]:
    """`ours[key]`, rows of `width` plain values (numbers, text, None), or `RecordError` for a value
    of another shape: `doc.user_data` is whatever the file's maker put there."""
    items = ours.get(key, [])
    if not isinstance(items, (list, tuple)) or any(
        not isinstance(i, (list, tuple)) or len(i) != width or not all(isinstance(v, PLAIN) for v in i) for i in items
    ):
        raise RecordError(f"doc.user_data[{USER_DATA_KEY!r}][{key!r}] is not a list of {width}-value rows")
    return [tuple(i) for i in items]


#: The values a row of `doc.user_data` may hold.
PLAIN = (int, float, str, type(None))


def _stored_links(ours: Any, documented: Any) -> list[tuple]:
    """Links by characters: ours (`[head start, head end, child start, child end, type]`), else those of
    `doc.user_data["links"]` (another tool's DocBin in the documented shape). Raises `RecordError`
    for values of another shape (a crafted file)."""
    if ours is not None:
        items = ours
    elif documented is not None:
        items = []
        for item in documented if isinstance(documented, (list, tuple)) else [documented]:
            if not isinstance(item, dict):
                raise RecordError(f"doc.user_data['links'] holds {type(item).__name__}, not a link")
            head, child = item.get("head_char"), item.get("child_char")
            if not (isinstance(head, (list, tuple)) and isinstance(child, (list, tuple))):
                raise RecordError("a link in doc.user_data['links'] has no head_char/child_char offsets")
            items.append((*head, *child, item.get("label")))
    else:
        return []
    if not isinstance(items, (list, tuple)) or any(
        not isinstance(i, (list, tuple)) or len(i) != 5 or not all(isinstance(v, PLAIN) for v in i) for i in items
    ):
        raise RecordError("the links of this DocBin are not [start, end, start, end, type] lists")
    return [tuple(i) for i in items]


# -- the format ----------------------------------------------------------------------------


class DocBinWriter(Writer):
    """Docs built row by row (`DocBuilder`), the DocBin written at the end."""

    binary = True
    makes_cycles = True  # spaCy's Docs may hold cycles: the collector stays on

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builder = DocBuilder(self.context.tokenize, self.options[ALIGN.key], self.context.actor_kinds)

    def write(self, handle: Any, row: ExportRow) -> None:
        report = self.builder.add(row, SpacyTokens.build(row.text, row.tokens))
        summary = self.summary
        summary.records += 1
        summary.spans += report.spans
        summary.entities += report.entities
        summary.labels.update(report.labels)
        summary.counts.update(report.counts)
        summary.counts["rejected_left_out"] += len(row.rejected)
        summary.warnings.extend(report.warnings)

    def finish(self, handle: Any) -> None:
        handle.write(self.builder.to_bytes())


FORMAT = Format(
    name="spacy",
    title="spaCy DocBin",
    suffixes=(".spacy",),
    read=lambda path, _context: read_docbin(path),
    writer=DocBinWriter,
    export_suffixes=(".spacy",),
    training=True,
    holds_categories=True,
    spans_never_missing=True,
    holds_notes=True,
    options=(ALIGN,),
    account_items={
        TRIMMED: (
            "entities drawn across white space (a space, line break or NBSP at an edge): trimmed to their words",
            False,
        ),
        LINKS_MISALIGNED: (
            "links with an end off token boundaries: in doc.user_data['links'] by characters only, not in doc._.rel",
            False,
        ),
    },
    imports='ours come back exactly; any other DocBin\'s `doc.spans["sc"]` and `doc.ents` as statements and '
    "entities (other span groups are counted, not read), its `doc.user_data['links']` as links, `doc.cats` of 0/1 "
    "as article categories (scores are counted, not read)",
    exports='statements in `doc.spans["sc"]`, entities in `doc.ents` (overlaps in `doc.spans["ents_overflow"]`), '
    "unknown entity tokens missing, links in `doc.user_data['links']` and `doc._.rel`, article categories in "
    "`doc.cats` (none where unknown), ready for `spacy train`",
    reads_back=True,
    peers="`spacy train` takes it; `spacy debug data` finds no error and no warning ours to fix (run in a test on "
    "every DocBin a test writes), entities drawn across white space trimmed, categories nobody was asked "
    "absent from `doc.cats`",
)
