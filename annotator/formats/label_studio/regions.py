"""Where a Label Studio result lies in the article's text: the labeled regions and the relations of
each annotation's results, a region's offsets checked against its quote, and the tasks whose text is
not a data string as it stands: a `<Paragraphs>` dialogue (its utterances joined one a line) and a
`<HyperText>` task (its HTML's text, regions placed by `formats.hypertext`).

Apart from `reader` so that reading one region, wherever it lies, is in one place; `reader` turns
the regions into records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from annotator.formats.categories import checked_names
from annotator.formats.hypertext import HyperTextError, place, read_html, same_words
from annotator.formats.left_out import counted
from annotator.formats.records import RecordError, kind_of
from annotator.text import Utf16Offsets


@dataclass
class _Region:
    layer: int
    ident: Any
    start: Any
    end: Any
    quote: str | None
    labels: list[str]
    note: str
    #: Only the other end of a link (the writer's mark), not a statement.
    link_end: bool = False
    #: A `<HyperText>` region's value (XPath and global offsets into the HTML), placed once the text is known.
    html: dict[str, Any] | None = None
    #: The actor the region stands for and how it was chosen (`meta.actor`, `meta.actor_how`; or `meta.kb_id`).
    actor: Any = None
    actor_how: Any = None


@dataclass
class _Relation:
    layer: int
    from_id: Any
    to_id: Any
    labels: list[str]
    #: Label Studio's `direction`: "right" (from -> to, its default), "left" (to -> from) or "bi".
    direction: str = "right"


#: Label Studio's relation directions (`web/libs/editor/src/stores/RelationStore.js`).
DIRECTIONS = ("right", "left", "bi")


def _dialogue(
    data: dict[str, Any], layers: list[tuple[str | None, str | None, list[Any]]]
) -> tuple[str, list[str]] | None:
    """The data field of a dialogue or paragraphs task (`<Paragraphs value="$dialogue">`), a list of
    utterances `{nameKey: author, textKey: text}`, and the utterances' texts: its text is the
    utterances, one a line, not the title. Read when the task has no `text` string, or when its
    results label paragraphs. The text key is `text` (Label Studio's default `textKey`), else the
    key whose values are the longest (a `textKey` of the config's own, the author's name aside)."""
    paragraphs = any(isinstance(item, dict) and item.get("type") == "paragraphlabels" for *_, r in layers for item in r)
    if isinstance(data.get("text"), str) and not paragraphs:
        return None
    for key, value in data.items():
        if not (isinstance(value, list) and value and all(isinstance(u, dict) for u in value)):
            continue
        shared = set.intersection(*({k for k, v in u.items() if isinstance(v, str)} for u in value))
        if not shared:
            continue
        text_key = "text" if "text" in shared else max(sorted(shared), key=lambda k: sum(len(u[k]) for u in value))
        return key, [u[text_key] for u in value]
    return None


def _key(ident: Any) -> Any:
    """A region id as a dictionary key (ids are strings or numbers; anything else stands for no region)."""
    return ident if isinstance(ident, (str, int)) and not isinstance(ident, bool) else repr(ident)


def _regions(
    layers: list[tuple[str | None, str | None, list[Any]]],
    left: Counter[str],
    relations: list[_Relation] | None = None,
    choices: dict[int, list[str]] | None = None,
    utterances: _Dialogue | None = None,
    groups: dict[str, str] | None = None,
) -> list[_Region]:
    """Every labeled text region of every layer, (into `relations`) every relation between two of
    them, and (into `choices`, by layer) the names of the text's `choices` results: the article's
    categories. With `utterances` (a dialogue's), `paragraphlabels` regions are read in the
    utterances joined one a line. The other results are counted in `left`. Into `groups`, each
    choice's `from_name` (its `<Choices name>`), the group a category new to the project goes in."""
    regions = []
    for number, (annotator, _, result) in enumerate(layers):
        for i, item in enumerate(result):
            if not isinstance(item, dict):
                raise RecordError(f"{annotator or 'annotation'}: result {i} must be an object, got {kind_of(item)}")
            kind = item.get("type")
            value = item.get("value")
            if kind in ("labels", "hypertextlabels") and isinstance(value, dict) and _in_html(value):
                ident = item.get("id", i)
                regions.append(_html_region(number, ident, value, item, f"{annotator or 'annotation'}: region {ident}"))
            elif kind == "labels" and isinstance(value, dict):
                ident = item.get("id", i)
                regions.append(_region(number, ident, value, item, f"{annotator or 'annotation'}: region {ident}"))
            elif kind == "paragraphlabels" and isinstance(value, dict) and utterances is not None:
                ident = item.get("id", i)
                what = f"{annotator or 'annotation'}: region {ident}"
                regions.append(_region(number, ident, _in_dialogue(value, utterances, what), item, what))
            elif kind == "choices" and isinstance(value, dict) and "start" not in value and choices is not None:
                what = f"{annotator or 'annotation'}: choices result {i}"
                names = checked_names(value.get("choices"), what)
                choices.setdefault(number, []).extend(names)
                if groups is not None and isinstance(item.get("from_name"), str):
                    for name in names:
                        groups.setdefault(name, item["from_name"])
            elif kind == "choices" and isinstance(value, dict) and isinstance(value.get("choices"), list):
                left["choice"] += len(value["choices"])  # a region's choices classify a span, not the article
            elif kind == "relation" and relations is not None:
                labels = item.get("labels") or []
                if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                    raise RecordError(f"{annotator or 'annotation'}: relation {i}: labels must be a list of names")
                direction = item.get("direction", "right")
                if direction not in DIRECTIONS:
                    raise RecordError(
                        f"{annotator or 'annotation'}: relation {i}: direction must be right, left or bi, "
                        f"got {direction!r:.20}"
                    )
                relations.append(_Relation(number, item.get("from_id"), item.get("to_id"), labels, direction))
            else:
                left[kind if isinstance(kind, str) and kind.isidentifier() else "untyped"] += 1
    return regions


class _Dialogue:
    """A dialogue's utterances, where each starts once joined one a line, and the joined text."""

    def __init__(self, utterances: list[str]):
        self.utterances = utterances
        self.starts = list(accumulate((len(u) + 1 for u in utterances[:-1]), initial=0))
        self.joined = "\n".join(utterances)


def _in_dialogue(value: dict[str, Any], dialogue: _Dialogue, what: str) -> dict[str, Any]:
    """A `paragraphlabels` value (`start`/`end`: utterance indices, `startOffset`/`endOffset` inside
    them, counted in UTF-16 units by the browser: `HtxParagraphs.jsx`, `getOffsetInPhraseElement`)
    as `{"start", "end", "labels"}` in the utterances joined one a line, checked against its quote
    (white space aside: the browser's selection text joins utterances its own way)."""
    try:
        first, last = int(value.get("start")), int(value.get("end"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RecordError(f"{what}: start and end must be utterance numbers") from None
    offsets = value.get("startOffset"), value.get("endOffset")
    utterances, starts, joined = dialogue.utterances, dialogue.starts, dialogue.joined
    if not (0 <= first <= last < len(utterances)) or not all(type(o) is int for o in offsets):
        raise RecordError(f"{what}: utterances {first}-{last} and offsets {offsets!r:.30} are not in the dialogue")
    quote = value.get("text") if isinstance(value.get("text"), str) else None
    readings = [offsets]
    head, tail = Utf16Offsets(utterances[first]), Utf16Offsets(utterances[last])
    if head.differs or tail.differs:
        readings.append((head.to_code_points(offsets[0]), tail.to_code_points(offsets[1])))
    for a, b in readings:
        if a is None or b is None or not (0 <= a <= len(utterances[first]) and 0 <= b <= len(utterances[last])):
            continue
        start, end = starts[first] + a, starts[last] + b
        if start < end and (quote is None or same_words(quote, joined[start:end])):
            return {"start": start, "end": end, "labels": value.get("paragraphlabels")}
    shown = joined[starts[first] + offsets[0] : starts[last] + offsets[1]]
    raise RecordError(
        f"{what}: utterances {first}-{last} at {offsets[0]}-{offsets[1]} hold {shown!r:.40}; it quotes {quote!r:.40}"
    )


def _in_html(value: dict[str, Any]) -> bool:
    """A region of a `<HyperText>` object: XPath `start`/`end` or `globalOffsets`, not offsets into text."""
    return isinstance(value.get("start"), str) or isinstance(value.get("globalOffsets"), dict)


def _html_region(layer: int, ident: Any, value: dict[str, Any], item: dict[str, Any], what: str) -> _Region:
    labels = value.get("htmllabels", value.get("labels"))
    region = _region(layer, ident, {"start": 0, "end": 0, "labels": labels}, item, what)
    region.start = region.end = None
    region.html = value
    return region


def _placed_in_html(
    html: Any,
    regions: list[_Region],
    relations: list[_Relation],
    layers: list[tuple[str | None, str | None, list[Any]]],
) -> tuple[str, list[_Region], list[_Relation], list[str]]:
    """The text of a `<HyperText>` task's HTML, its regions placed in that text (`formats.hypertext`),
    the relations between placed regions, and a note per region that could not be placed."""
    if not isinstance(html, str):
        raise RecordError(f"the text must be a string, got {kind_of(html)}")
    try:
        document = read_html(html)
    except HyperTextError as exc:
        raise RecordError(str(exc)) from None
    kept, notes, gone = [], [], set()
    for region in regions:
        if region.html is not None:
            found = place(document, region.html)
            if isinstance(found, str):
                who = layers[region.layer][0] or "annotation"
                notes.append(f"{who}: region {region.ident!r:.30} ({', '.join(region.labels)}) {found}; left out")
                gone.add((region.layer, _key(region.ident)))
                continue
            region.start, region.end = found
            region.quote = None  # checked against the words by `place`, white space aside
        kept.append(region)
    linked = [r for r in relations if not {(r.layer, _key(r.from_id)), (r.layer, _key(r.to_id))} & gone]
    if len(linked) < len(relations):
        notes.append(f"{counted(len(relations) - len(linked), 'relation', 'relations')} to those regions left out")
    return document.text, kept, linked, notes


def _region(layer: int, ident: Any, value: dict[str, Any], item: dict[str, Any], what: str) -> _Region:
    start, end, labels, quote = value.get("start"), value.get("end"), value.get("labels"), value.get("text")
    if type(start) is not int or type(end) is not int:
        raise RecordError(f"{what}: start and end must be integers, got {start!r} and {end!r}")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise RecordError(f"{what}: labels must be a list of names, got {labels!r:.60}")
    meta = item.get("meta")
    notes = meta.get("text") if isinstance(meta, dict) else None
    note = "\n".join(n for n in notes if isinstance(n, str)) if isinstance(notes, list) else ""
    link_end = isinstance(meta, dict) and meta.get("link_end") is True
    actor = meta.get("actor", meta.get("kb_id")) if isinstance(meta, dict) else None
    how = meta.get("actor_how", "user") if isinstance(meta, dict) else None
    quoted = quote if isinstance(quote, str) else None
    return _Region(layer, ident, start, end, quoted, labels, note, link_end, actor=actor, actor_how=how)


def _same_quote(quote: str, here: str) -> bool:
    """Label Studio quotes a line break (CR or LF) as the two characters `\\n`; older versions did not."""
    return quote == here or quote == here.replace("\r", "\\n").replace("\n", "\\n")


def _misfit(raw: str, regions: list[_Region], layers: list[tuple[str | None, str | None, list[Any]]]) -> str:
    bad = next(r for r in regions if not (0 <= r.start < r.end <= len(raw)) or not _fits_quote(raw, r))
    who = layers[bad.layer][0] or "annotation"
    where = f"{who}: region {bad.ident} ({bad.start}-{bad.end} {', '.join(bad.labels)})"
    if not 0 <= bad.start < bad.end <= len(raw):
        return f"{where} is not a span of the text, which has {len(raw)} characters"
    return (
        f"{where} quotes {bad.quote!r:.40} but the text there is {raw[bad.start : bad.end]!r:.40}, "
        "counted in code points, UTF-16 units or grapheme clusters"
    )


def _fits_quote(raw: str, region: _Region) -> bool:
    return region.quote is None or _same_quote(region.quote, raw[region.start : region.end])
