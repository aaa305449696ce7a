"""Another annotator's project file (`.annotator.sqlite`) read as incoming records, for merging.

Each layer comes in whole: statements with their labels and notes, rejected spans and answers,
status, links (as Prodigy relations), the link slots its review decided, and the article
categories it gave (a file older than `m007_article_categories` has none) with the categories
it was asked about where its own import said (`m014_categories_asked`: the others stay unknown). The gold layer's
category decisions (`category_decisions`) stay behind: a merge brings annotators' work, and
the gold layer's categories come as its categories.

The file is untrusted input, like a JSONL file from a stranger: `store.teammate` reads it
read-only, immutable and bounded, and every (article, annotator) row is validated here
exactly as a JSONL record is (`record_from_dict`). A bad row is named `FILE:ID: reason`
(ID is the article's id in that file) and the rest comes in; the file is never changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.formats.base import Format, ReadContext
from annotator.formats.categories import ASKED_KEY, checked_name
from annotator.formats.categories import KEY as CATEGORIES_KEY
from annotator.formats.json_stream import reject_constant
from annotator.formats.records import RecordError, record_from_dict
from annotator.records import (
    ACCEPT,
    GOLD,
    LAYER_KINDS,
    MODEL_LAYER,
    MODEL_LAYER_PREFIX,
    IncomingRecord,
    Rejection,
    model_layer,
    name_problem,
)
from annotator.store.packages import PACKAGE_SETTING
from annotator.store.teammate import Layer, RawArticle, TeammateFile, TeammateFileError, Text, Unreadable
from annotator.text import path_shown

PROJECT_SUFFIXES = (".sqlite", ".sqlite3", ".db")
#: Reading is bounded in time: a generous budget for the file's size, then the read is refused.
SECONDS_BASE, SECONDS_PER_MB = 60.0, 1.0
#: ... and more for each article it holds: a work package of 20,000 small articles takes its ~8
#: queries per article, which a busy machine ran past the budget of its size alone.
SECONDS_PER_ARTICLE = 0.02


def read_project(
    path: Path, *, into: Path | None = None, project_id: str | None = None
) -> Iterator[IncomingRecord | Rejection]:
    """Every (article, annotator) of the project at `path`, with labels, notes, status and entities.

    A work package (`annotator packages`) comes back only into the project that made it
    (`project_id`); a package of another project is refused whole, in one line."""
    name = str(path)
    if into is not None and into.exists() and _same_file(path, into):
        yield Rejection(name, 1, "this is the project being imported into; nothing to merge")
        return
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        yield Rejection(
            name,
            1,
            f"its latest changes are still in {path_shown(wal.name)} (is it open in Annotator?); "
            "close it there and import again (a copy of the project file alone would leave those changes out)",
        )
        return
    seconds = SECONDS_BASE + SECONDS_PER_MB * path.stat().st_size / 2**20
    try:
        other = TeammateFile.open(path, max_value_bytes=settings.MAX_RECORD_BYTES, seconds=seconds)
    except TeammateFileError as exc:
        yield Rejection(name, 1, str(exc))
        return
    with other:
        try:
            other.allow_more(SECONDS_PER_ARTICLE * other.article_count())
            try:
                marker = package_marker(other)
            except RecordError as exc:
                yield Rejection(name, 1, str(exc))
                return
            why = package_refusal(marker, project_id)
            if why:
                yield Rejection(name, 1, why)
                return
            # a reviewer's package carries the reviewed layers as they were: only hers comes back
            only = str(marker["annotator"]) if marker and marker.get("role") == "review" else None
            versions = _guidelines_of(other)
            # a package of this project: its articles are the project's, only those worked on come back
            for article in other.articles(worked_only=marker is not None):
                if isinstance(article, Unreadable):
                    yield Rejection(name, article.id, f"article {article.id}: {article.reason}")
                else:
                    if only is not None:
                        article.layers = [layer for layer in article.layers if layer.annotator == only.encode()]
                    yield from _records(name, path.name, article, versions)
        except TeammateFileError as exc:
            yield Rejection(name, 1, str(exc))


def package_marker(other: TeammateFile) -> dict[str, Any] | None:
    """The file's work-package marker (`annotator packages`), or None when it is not a package;
    `RecordError` when it names itself a package but the marker cannot be read."""
    raw = other.settings([PACKAGE_SETTING]).get(PACKAGE_SETTING)
    if raw is None:
        return None
    try:
        marker = json.loads(_text(raw, "package marker"))
    except (ValueError, RecursionError):
        marker = None
    if not isinstance(marker, dict) or not isinstance(marker.get("project_id"), str):
        raise RecordError(
            "a work package whose marker cannot be read; nothing was taken from it: ask its sender for the "
            "package again (the marker says which project and round it belongs to; without it, it cannot come back)"
        )
    who = marker.get("annotator")
    if who is not None:  # the name comes back as a layer and is shown: the one name rule, as for any record
        why = name_problem(who, "its annotator") if isinstance(who, str) else "its annotator is not a name"
        if why is not None:
            raise RecordError(f"a work package whose marker cannot be read ({why}); nothing was taken from it")
    return marker


def package_refusal(marker: dict[str, Any] | None, project_id: str | None) -> str | None:
    """Why a file with this package marker, a work package of another project, is refused, or None."""
    if marker is None or marker["project_id"] == project_id:
        return None
    made = ", ".join(f"{key} {str(marker[key])[:60]!r}" for key in ("project", "round", "annotator") if key in marker)
    return (
        f"a work package of another project ({made}); nothing was taken from it: import it into the "
        "project that made it"
    )


def _guidelines_of(other: TeammateFile) -> dict[int, str]:
    """{version: SHA-256} of the guidelines in the teammate's file; a malformed hash is left out
    (her layers decided under it are then stamped as if the file carried none)."""
    out = {}
    for version, sha in other.guidelines_hashes().items():
        text = bytes(sha).decode("ascii", errors="replace") if isinstance(sha, bytes) else ""
        if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
            out[version] = text
    return out


def _records(
    name: str, file_name: str, article: RawArticle, versions: dict[int, str] | None = None
) -> Iterator[IncomingRecord | Rejection]:
    """The article's records (one per layer, or one without labels), each validated whole; the
    records of one article are stored together (`IncomingRecord.continued`)."""
    try:
        base = _article_task(article)
    except RecordError as exc:
        yield Rejection(name, article.id, f"article {article.id}: {exc}")
        return
    records: list[IncomingRecord] = []
    try:
        actor_at = _actor_mentions(article)
    except RecordError as exc:
        yield Rejection(name, article.id, f"article {article.id}: {exc}")
        return
    if actor_at:  # who the link ends stand for, with kind and side (read by `actors_from_record`)
        base["actors"] = [{"name": n, "kind": k, "side": s} for n, k, s in sorted({v[2:] for v in actor_at.values()})]
    for layer in article.layers or [None]:
        try:
            task = base if layer is None else {**base, **_layer_task(layer, actor_at)}
            record = record_from_dict(task, source=file_name, line=article.id, gold_allowed=True)
            if layer is not None and _kind(layer) == MODEL_LAYER:
                record.model_version = record.annotator.removeprefix(MODEL_LAYER_PREFIX)
                record.annotator = model_layer(record.model_version)
                record.status = None
            # a person's layer comes whole: it replaces what the project held (their review's gold adds)
            record.complete = layer is not None and record.annotator != GOLD
            if layer is not None and _kind(layer) != MODEL_LAYER:
                # the guidelines she worked under ("": her file says none, the merge's current is assumed)
                record.guidelines_sha256 = (versions or {}).get(layer.guidelines_version(), "")
        except RecordError as exc:
            who = "" if layer is None or type(layer.annotator) is not Text else f" ({_shown(layer.annotator)})"
            yield Rejection(name, article.id, f"article {article.id}{who}: {exc}")
            continue
        record.title = base["title"] or record.title
        record.source = base["source"]
        records.append(record)
    for record in records[:-1]:
        record.continued = True
    yield from records


def _kind(layer: Layer) -> str | None:
    """The layer's kind in the teammate's file (None in a file older than layer kinds)."""
    if layer.kind is None:
        return None
    kind = _text(layer.kind, "layer kind")
    if kind not in LAYER_KINDS:
        raise RecordError(f"layer kind must be one of {', '.join(LAYER_KINDS)}, got {kind!r:.40}")
    return kind


def _article_task(article: RawArticle) -> dict[str, Any]:
    values = article.values
    meta_text = _text(values["meta"], "meta")
    try:
        meta = json.loads(meta_text, parse_constant=reject_constant) if meta_text.strip() else {}
    except RecursionError:
        raise RecordError('"meta" is not valid JSON: nested too deeply') from None
    except ValueError as exc:  # the parser's reason, whole, where it names one; never cut mid-word
        why = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise RecordError(f'"meta" is not valid JSON: {why}') from None
    return {
        "text": _text(values["text"], "text"),
        "title": _text(values["title"], "title"),
        "source": _text(values["source"], "source"),
        "meta": meta,
        "entities": [
            {
                "start": _int(e["start"], f"entity {i}'s start"),
                "end": _int(e["end"], f"entity {i}'s end"),
                "label": _text(e["label"], f"entity {i}'s label"),
                "source": _text(e["source"], f"entity {i}'s source"),
            }
            for i, e in enumerate(article.entities)
        ],
    }


def _actor_mentions(article: RawArticle) -> dict[tuple[int, int], tuple[str, str, str, str, str]]:
    """{(start, end): (name, how, name, kind, side)} of the article's resolved link ends."""
    found = {}
    for i, m in enumerate(article.actors):
        span = (_int(m["start"], f"actor mention {i}'s start"), _int(m["end"], f"actor mention {i}'s end"))
        name = _text(m["name"], f"actor mention {i} actor")
        how, kind = _text(m["how"], f"actor mention {i} how"), _text(m["kind"], f"actor {name!r:.40} kind")
        found[span] = (name, how, name, kind, _text(m["side"], f"actor {name!r:.40} side"))
    return found


def _layer_task(layer: Layer, actor_at: dict[tuple[int, int], tuple] | None = None) -> dict[str, Any]:
    """One annotator's layer as a Prodigy-style task: accepted labels, rejected spans with their
    answer, and the answer to the whole task (reject/ignore) when it was not accept."""
    spans = [
        {
            "start": _int(s["start"], f"span {i}'s start"),
            "end": _int(s["end"], f"span {i}'s end"),
            "label": _text(s["label"], f"span {i}'s label"),
            "note": "" if s["note"] is None else _text(s["note"], f"span {i}'s note"),
        }
        for i, s in enumerate(layer.spans)
    ]
    if layer.rejected or layer.answer is not None:
        # explicit answers: the whole task's answer must not be taken for its spans' own
        spans = [{**s, "answer": ACCEPT} for s in spans]
    spans += [
        {
            "start": _int(r["start"], f"rejected span {i}'s start"),
            "end": _int(r["end"], f"rejected span {i}'s end"),
            "label": _text(r["label"], f"rejected span {i}'s label"),
            "answer": _text(r["answer"], f"rejected span {i}'s answer"),
        }
        for i, r in enumerate(layer.rejected)
    ]
    task = {
        "_annotator_id": _text(layer.annotator, "annotator name"),
        "_status": _text(layer.status, "status"),
        "spans": spans,
    }
    if layer.links:
        actor_at = actor_at or {}

        def end(start: int, stop: int) -> dict[str, Any]:
            found = actor_at.get((start, stop))
            return {"start": start, "end": stop, **({"actor": found[0], "actor_how": found[1]} if found else {})}

        task["relations"] = [
            {
                "head_span": end(_int(k["head_start"], f"link {i}'s head"), _int(k["head_end"], f"link {i}'s head")),
                "child_span": end(
                    _int(k["child_start"], f"link {i}'s child"), _int(k["child_end"], f"link {i}'s child")
                ),
                "label": _text(k["label"], f"link {i}'s type"),
            }
            for i, k in enumerate(layer.links)
        ]
    if layer.link_decisions:
        task["_link_decisions"] = [
            [
                _int(d["head_start"], f"link decision {i}'s head"),
                _int(d["head_end"], f"link decision {i}'s head"),
                _text(d["label"], f"link decision {i}'s type"),
            ]
            for i, d in enumerate(layer.link_decisions)
        ]
    if layer.categories:
        task[CATEGORIES_KEY] = [
            checked_name(_text(c["category"], f"category {i}"), f"category {i}") for i, c in enumerate(layer.categories)
        ]
    if layer.categories_asked:  # the file it came from said which were asked: the rest unknown
        task[ASKED_KEY] = [
            checked_name(_text(c["category"], f"category asked {i}"), f"category asked {i}")
            for i, c in enumerate(layer.categories_asked)
        ]
    if layer.answer is not None:
        task["answer"] = _text(layer.answer, "task answer")
    return task


def _text(value: Any, what: str) -> str:
    """A stored value that must be text: valid UTF-8 and not NULL, a number or a blob."""
    if type(value) is not Text:
        raise RecordError(f"{what} must be text, got {_value_kind(value)}")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{what} is not valid UTF-8 (byte 0x{value[exc.start]:02x} at {exc.start})") from None


def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise RecordError(f"{what} must be an integer, got {_value_kind(value)}")
    return value


def _value_kind(value: Any) -> str:
    """How a stored value that is not what was wanted reads in a message."""
    if value is None:
        return "NULL"
    if isinstance(value, Text):
        return "text"
    if isinstance(value, bytes):
        return f"a blob of {len(value)} bytes"
    return "a real number" if isinstance(value, float) else "an integer"


def _shown(name: Text) -> str:
    return repr(name.decode("utf-8", errors="replace"))[:60]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _read(path: Path, context: ReadContext) -> Iterator[IncomingRecord | Rejection]:
    return read_project(path, into=context.into, project_id=context.project_id)


FORMAT = Format(
    name="project",
    title="Annotator project",
    suffixes=PROJECT_SUFFIXES,
    read=_read,
    walked=(),  # merged only when named
    imports="another annotator's project file (`.annotator.sqlite`), read as untrusted input and merged in: "
    "every layer with its labels, notes, status, answers, links, article categories and entities",
)
