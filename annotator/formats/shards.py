"""Pre-annotated JSONL shards: our JSONL records plus what a pipeline found in each text.

Written by `annotator preannotate CORPUS --out DIR` (on a Dask cluster), or by any engine
(Spark, Ray) that follows the format in `docs/big-corpora.md`. One JSON object per line:

    {"text": ..., "title": ..., "source": ..., "meta": {...},
     "spans": [...], "entities": [...], "_annotator_id": ..., "_status": ...,   # as the input had them
     "_preannotation": {"pipeline": "en_core_web_sm", "version": "3.8.0", "recipe": "...",
                        "entities": [[start, end, label], ...], "sentences": [[start, end], ...],
                        "tokens": [start, end, start, end, ...]}}

Offsets are code points into `text`, which is already normalised (no BOM, LF line ends).
A record the pipeline failed on carries `"error": "reason"` instead of the three lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats.base import Format
from annotator.formats.jsonl import first_line_holds, json_lines, json_records
from annotator.formats.records import RecordError, record_from_dict
from annotator.records import CarriedPreannotation, IncomingRecord, Rejection

KEY = "_preannotation"
IDENTITY_KEYS = ("pipeline", "version", "recipe")


#: The run's description beside the shards (`annotator preannotate --out`); not a record file.
MANIFEST = "_manifest.json"


def is_shard(path: Path) -> bool:
    """Whether the first record of a JSONL file carries a pre-annotation. A first line without the
    key's name is no shard, known without parsing it (a 64 MiB record was parsed twice)."""
    if not first_line_holds(path, f'"{KEY}"'.encode()):
        return False
    for item in json_lines(path):
        return not isinstance(item, Rejection) and isinstance(item[1], dict) and KEY in item[1]
    return False


def read_shard(path: Path) -> Iterator[IncomingRecord | Rejection]:
    """Records of a shard, each with its `CarriedPreannotation`, validated like any JSONL record."""
    return json_records(path, lambda obj, lineno: _shard_record(obj, lineno, path.name))


def _shard_record(obj: Any, lineno: int, file_name: str) -> IncomingRecord:
    if not isinstance(obj, dict) or KEY not in obj:
        raise RecordError(f'missing "{KEY}": every record of a shard is pre-annotated')
    source = obj.get("source")
    record = record_from_dict(obj, source=source if isinstance(source, str) and source else file_name, line=lineno)
    if record.text != obj["text"]:
        raise RecordError('"text" of a shard must be normalised already (no BOM, no CR)')
    record.preannotation = _carried(obj[KEY], len(record.text))
    return record


def _carried(raw: Any, size: int) -> CarriedPreannotation:
    if not isinstance(raw, dict):
        raise RecordError(f'"{KEY}" must be an object')
    identity = {key: raw.get(key) for key in IDENTITY_KEYS}
    if not all(isinstance(value, str) and value for value in identity.values()):
        raise RecordError(f'"{KEY}" must name the pipeline with strings {", ".join(IDENTITY_KEYS)}')
    error = raw.get("error")
    if error is not None:
        if not isinstance(error, str) or not error:
            raise RecordError(f'"{KEY}.error" must be a non-empty string')
        return CarriedPreannotation(identity, error=error)
    entities = _ranges(raw.get("entities"), size, "entities", labeled=True)
    sentences = _ranges(raw.get("sentences"), size, "sentences", labeled=False)
    tokens = raw.get("tokens")
    if not isinstance(tokens, list) or len(tokens) % 2:
        raise RecordError(f'"{KEY}.tokens" must be a flat list of start, end offsets')
    try:
        # sum() is an int only when every item is one (a float, string or null makes it fail)
        well_formed = not tokens or (isinstance(sum(tokens), int) and min(tokens) >= 0 and max(tokens) <= size)
    except TypeError:
        well_formed = False
    if not well_formed:
        raise RecordError(f'"{KEY}.tokens" must be integer offsets within the text (0-{size})')
    _in_reading_order(sentences, "sentences")
    _in_reading_order(list(zip(tokens[::2], tokens[1::2], strict=True)), "tokens")
    return CarriedPreannotation(identity, entities, sentences, json.dumps(tokens, separators=(",", ":")))


def _ranges(items: Any, size: int, what: str, *, labeled: bool) -> list:
    if not isinstance(items, list):
        raise RecordError(f'"{KEY}.{what}" must be a list')
    width = 3 if labeled else 2
    out = []
    for i, item in enumerate(items):
        if (
            type(item) is not list
            or len(item) != width
            or type(item[0]) is not int
            or type(item[1]) is not int
            or not 0 <= item[0] < item[1] <= size
            or (labeled and (type(item[2]) is not str or not item[2].strip()))
        ):
            shape = "[start, end, label]" if labeled else "[start, end]"
            raise RecordError(f'"{KEY}.{what}" item {i} must be {shape} within the text, got {item!r:.60}')
        out.append(tuple(item))
    return out


def _in_reading_order(pairs: list, what: str) -> None:
    """Sentences and tokens of one text follow each other: each [start, end) non-empty, none
    overlapping the one before. Anything else is no pipeline's output (spaCy's `Doc` cannot hold it),
    and stored it would make a statement of half a word or drop the article from CoNLL."""
    before = 0
    for i, (start, end) in enumerate(pairs):
        if not start < end or start < before:
            problem = "is empty or reversed" if not start < end else f"starts before the previous one ends ({before})"
            raise RecordError(
                f'"{KEY}.{what}" must be increasing, non-overlapping [start, end) pairs: '
                f"pair {i} [{start}, {end}] {problem}"
            )
        before = end


def shard_record(record: IncomingRecord, identity: dict[str, str], found: Any) -> dict[str, Any]:
    """The shard line for a validated record and what the pipeline found in it (an
    `nlp.Analysis` or `nlp.AnalysisFailure`)."""
    obj: dict[str, Any] = {"text": record.text, "title": record.title, "source": record.source, "meta": record.meta}
    if record.spans:
        obj["spans"] = [
            {"start": s.start, "end": s.end, "label": s.label, **({"note": s.note} if s.note else {})}
            for s in record.spans
        ]
    if record.entities:
        obj["entities"] = [
            {"start": e.start, "end": e.end, "label": e.label, "source": e.source} for e in record.entities
        ]
    if record.annotator and (record.spans or record.status):
        obj["_annotator_id"] = record.annotator
    if record.status:
        obj["_status"] = record.status
    carried: dict[str, Any] = dict(identity)
    if hasattr(found, "reason"):
        carried["error"] = found.reason
    else:
        carried["entities"] = [list(e) for e in found.entities]
        carried["sentences"] = [list(s) for s in found.sentences]
        carried["tokens"] = json.loads(found.tokens)
    obj[KEY] = carried
    return obj


def shard_line(obj: dict[str, Any]) -> str:
    """One line of a shard, newline included."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


FORMAT = Format(
    name="shards",
    title="Pre-annotated shards",
    suffixes=(".jsonl", ".ndjson"),
    read=lambda path, _context: read_shard(path),
    recognise=is_shard,
    ignored=(MANIFEST,),
    imports="JSONL records with `_preannotation` (`annotator preannotate --out`, or a Spark or Ray job): "
    "their entities, sentences and tokens are kept when they come from the project's pipeline",
)
