"""Writing Label Studio tasks: `label_studio_task` makes one task of an article's layers (their
regions, relations, choices and notes, as predictions or as annotations, with or without
`completed_by`), and `LabelStudioWriter` writes an export's JSON array, one task per article.

Apart from the reader, which it shares nothing with but the names in `keys`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.formats.base import Writer
from annotator.formats.categories import NOES_LEFT_OUT, listable, noes_left_out
from annotator.formats.json_out import json_text
from annotator.formats.label_studio.keys import (
    AS_PREDICTIONS,
    COMPLETED_BY,
    COMPLETED_BY_LEFT_OUT,
    LAYERS_AS,
    NEW_TASK_IDS,
    STATEMENTS_DECIDED,
    TASK_ID,
)
from annotator.formats.relations import SPAN_LABEL, end_namer
from annotator.records import MODEL_LAYER_PREFIX, ExportRow, Link, Span, is_model_layer


@dataclass(frozen=True)
class Layer:
    """One annotator's labeled statements of a text, or a model's (`model_version` set, or a
    `model:<version>` name): what the writer needs of an export row."""

    name: str
    spans: Sequence[Span]
    model_version: str | None = None
    #: The layer's links: relations between its regions (a link's other end gets a region of its own).
    links: Sequence[Link] = ()
    #: Names an end that is no statement (an entity's type); `SPAN` when not given.
    end_label: Any = None
    #: The article's categories by group, one `choices` result each: (group, (category, ...)).
    choices: Sequence[tuple[str, Sequence[str]]] = ()
    #: Notes on statements without a label: a `textarea` result (a comment) on the text each.
    notes: Sequence[tuple[int, int, str]] = ()
    #: The actors the layer's link ends stand for: `actor`/`actor_how` in their region's `meta`.
    actors: Sequence[Any] = ()


def label_studio_task(
    text: str,
    layers: Iterable[Layer],
    *,
    task_id: int | None = None,
    data: dict[str, Any] | None = None,
    from_name: str = "label",
    to_name: str = "text",
    data_key: str = "text",
    as_predictions: bool = True,
    completed_by: bool = True,
) -> dict[str, Any]:
    """One Label Studio task with the layers' statements as `labels` regions.

    Label Studio imports it into a project whose labeling config has `<Text name=to_name
    value="$data_key"/>` and `<Labels name=from_name toName=to_name>` with these labels
    (its NER template's names are the defaults). With `as_predictions` (the default, Label
    Studio's documented way to pre-annotate: `docs/source/guide/predictions.md`) every
    layer becomes a prediction whose `model_version` names it. Otherwise people's layers
    become annotations as Label Studio exports them; `completed_by` is `ls-<id>`'s id or
    an e-mail name, which its import resolves to a member (`label_studio/tasks/
    serializers.py`, `_insert_valid_completed_by`); other names are left out, and the
    annotation goes to whoever imports. That import refuses the whole file when a `completed_by`
    is not a member of the target instance: without `completed_by` none is written, and
    `created_username` (which Label Studio's import ignores and its export writes) names the
    layer. Offsets are code points, as Label Studio counts them today.
    """
    task: dict[str, Any] = {"data": {**(data or {}), data_key: text}}
    if task_id is not None:
        task["id"] = task_id
    annotations: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    for layer in layers:
        result = _regions_of(text, layer, from_name, to_name)
        version = layer.model_version
        if version is None and is_model_layer(layer.name):
            version = layer.name.removeprefix(MODEL_LAYER_PREFIX)
        if as_predictions or version is not None:
            predictions.append({"model_version": version or layer.name, "result": result})
            continue
        annotation: dict[str, Any] = {"result": result, "was_cancelled": False, "ground_truth": False}
        recorded = _completed_by(layer.name)
        if recorded is not None and completed_by:
            annotation["completed_by"] = recorded
        annotation["created_username"] = layer.name
        annotations.append(annotation)
    task["annotations"] = annotations
    task["predictions"] = predictions
    return task


def _regions_of(text: str, layer: Layer, from_name: str, to_name: str) -> list[dict[str, Any]]:
    """A layer's spans as regions: one per stretch of text, with all its labels; then a region for each
    other end of a link that is no statement (marked `link_end`), and the relations."""
    by_place: dict[tuple[int, int], tuple[list[str], str]] = {}
    for start, end, label, note in layer.spans:
        by_place.setdefault((start, end), ([], note))[0].append(label)
    ends = [span for link in layer.links for span in (link.head, link.child) if span not in by_place]
    regions = []

    def region_id(start: int, end: int) -> str:
        return hashlib.sha1(f"{layer.name}\0{start}\0{end}".encode()).hexdigest()[:10]

    places: list[tuple[tuple[int, int], list[str], dict[str, Any] | None]] = [
        (span, labels, {"text": [note]} if note else None) for span, (labels, note) in by_place.items()
    ]
    for span in dict.fromkeys(ends):  # a link's end only
        places.append((span, [layer.end_label(span) if layer.end_label else SPAN_LABEL], {"link_end": True}))
    actor_at = {(m.start, m.end): m for m in layer.actors}
    places = [
        (span, labels, {**(meta or {}), "actor": actor_at[span].actor, "actor_how": actor_at[span].how})
        if span in actor_at
        else (span, labels, meta)
        for span, labels, meta in places
    ]
    for (start, end), labels, meta in places:
        quote = text[start:end].replace("\r", "\\n").replace("\n", "\\n")
        region: dict[str, Any] = {
            "id": region_id(start, end),
            "from_name": from_name,
            "to_name": to_name,
            "type": "labels",
            "value": {"start": start, "end": end, "text": quote, "labels": labels},
        }
        if meta:
            region["meta"] = meta
        regions.append(region)
    regions += [
        {
            "id": region_id(start, end),
            "from_name": "note",
            "to_name": to_name,
            "type": "textarea",
            "value": {"start": start, "end": end, "text": [note]},
        }
        for start, end, note in layer.notes
    ]
    regions += [
        {
            "from_id": region_id(*link.head),
            "to_id": region_id(*link.child),
            "type": "relation",
            "direction": "right",
            "labels": [link.label],
        }
        for link in layer.links
    ]
    regions += [
        {
            "id": hashlib.sha1(f"{layer.name}\0{group}".encode()).hexdigest()[:10],
            "from_name": group,
            "to_name": to_name,
            "type": "choices",
            "value": {"choices": list(names)},
        }
        for group, names in layer.choices
        if names
    ]
    return regions


def _completed_by(name: str) -> int | dict[str, str] | None:
    found = re.fullmatch(r"ls-(\d+)", name)
    if found:
        return int(found.group(1))
    return {"email": name} if "@" in name else None


class LabelStudioWriter(Writer):
    """A JSON array of tasks, one per article: each exported layer an annotation or a prediction.

    Rows come in article order; the rows of one article (several with `--all-layers`) make one
    task. Its `data` holds the text, the title, the source and the article's metadata (a task that
    came from Label Studio: its data as it came); a task that came from Label Studio keeps its id,
    the others get the article's number (label-studio-converter needs one). Spans answered reject
    are left out (Label Studio has no answers).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_predictions = self.options[LAYERS_AS.key] == "predictions"
        self.completed_by = self.options.get(COMPLETED_BY.key) or COMPLETED_BY.default
        self.pending: list[ExportRow] = []
        self.groups = [(g.name, {c.name for c in g.categories}) for g in self.context.categories]

    def _choices(self, row: ExportRow) -> list[tuple[str, list[str]]]:
        """The row's known categories by group (`<Choices name=GROUP>`), in scheme order."""
        if not listable(row):  # unknown, or only a 0 on a category asked: no choices say that
            return []
        return [(name, [c for c in row.categories if c in members]) for name, members in self.groups]

    def write(self, handle: Any, row: ExportRow) -> bool:
        joins = bool(self.pending) and self.pending[0].article_id == row.article_id
        if self.pending and not joins:
            self._flush(handle)
        self.pending.append(row)
        self.count_labels(row)
        self.summary.counts["rejected_left_out"] += len(row.rejected)
        self.summary.counts[NOES_LEFT_OUT] += noes_left_out(row)  # choices name only the chosen ones
        return not joins  # another layer of the same task: no article of its own

    def finish(self, handle: Any) -> None:
        self._flush(handle)
        handle.write("\n]\n" if self.summary.records else "[]\n")

    def _flush(self, handle: Any) -> None:
        if not self.pending:
            return
        first = self.pending[0]
        task_id = first.meta.get(TASK_ID)
        from_label_studio = isinstance(task_id, int) and not isinstance(task_id, bool)
        # A task from Label Studio goes back with its data as it came; the others carry title and source.
        data = {} if from_label_studio else {"title": first.title, "source": first.source}
        data.update((key, value) for key, value in first.meta.items() if key != TASK_ID)
        if not from_label_studio:  # label-studio-converter needs an id
            task_id = first.article_id
            self.summary.counts[NEW_TASK_IDS] += 1
        recorded = self.completed_by == "recorded" or (self.completed_by == "auto" and from_label_studio)
        layers = [
            Layer(
                row.annotator,
                row.spans,
                links=row.links,
                end_label=end_namer(row),
                choices=self._choices(row),
                notes=row.notes,
                actors=row.actors,
            )
            for row in self.pending
            if row.annotator is not None
        ]
        task = label_studio_task(
            first.text,
            layers,
            task_id=task_id,
            data=data,
            as_predictions=self.as_predictions,
            completed_by=recorded,
        )
        named = sorted({m.actor for row in self.pending for m in row.actors})
        meta: dict[str, Any] = {}
        if named:  # who the link ends stand for, with kind and side: the task's meta (Label Studio keeps it)
            kinds = self.context.actor_kinds
            meta["actors"] = [
                {"name": n, "kind": kinds[n][0], "side": kinds[n][1]} if n in kinds else {"name": n} for n in named
            ]
        decided = [
            row.annotator
            for row in self.pending
            if row.annotator is not None
            and row.status == "done"
            and not row.spans
            and not is_model_layer(row.annotator)
        ]
        if decided and not self.as_predictions:  # done with no statement: its choices alone would read as undecided
            meta[STATEMENTS_DECIDED] = decided
        if meta:
            task["meta"] = meta
        people = [layer for layer in layers if not is_model_layer(layer.name)]
        if self.as_predictions:
            self.summary.counts[AS_PREDICTIONS] += len(people)
        elif not recorded:
            self.summary.counts[COMPLETED_BY_LEFT_OUT] += len(task["annotations"])
        handle.write(("[\n" if not self.summary.records else ",\n") + json_text(task))
        self.summary.records += 1
        self.pending = []
