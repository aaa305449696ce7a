"""Label Studio: its JSON export, JSON-MIN and tasks one per line (JSONL) read; a JSON array of
tasks written for Label Studio to import, as pre-annotations or as annotations.

Shapes, from HumanSignal/label-studio and HumanSignal/label-studio-converter:

- JSON, a list of tasks (`label_studio/data_export/serializers.py`, `ExportDataSerializer`;
  `docs/source/guide/export.md`): `{"id", "data": {"text": ...}, "annotations": [{"id",
  "completed_by": <user id> or {"id", "email", ...}, "was_cancelled", "result": [...]}],
  "predictions": [{"model_version", "score", "result": [...]}]}`; before 1.0 `completions`.
  One task per line is the same task as JSONL; a `.json` holding one task object is read too,
  as the converter does (`converter.py`, `iter_from_json_file`).
- A result item: `{"id", "from_name", "to_name", "type": "labels", "value": {"start", "end",
  "text", "labels": [...]}, "meta": {"text": [note]}}`; `{"type": "relation", "from_id",
  "to_id", "labels"}`; `{"type": "choices", "value": {"choices": [...]}}`; and others
  (textarea, rating, taxonomy, ...).
- JSON-MIN (`converter.py`, `convert_to_json_min`; `utils.py`, `prettify_result` and
  `get_annotator`): one flat record per annotation: the task's data fields, `id`, each
  `from_name` -> its regions `[{"start", "end", "text", "labels"}]`, `annotator` (e-mail or
  user id), `annotation_id`, `created_at`, `updated_at`, `lead_time`. A single choice is
  flattened there to its bare name, which cannot be told from a data field: it stays in
  the article's metadata.

Offsets are counted by the browser: code points today (`web/libs/editor/tests/integration/
e2e/ner/emoji.cy.ts`), UTF-16 code units before the fix of #1008 (label-studio-frontend
PR #308). Every region quotes its text, so the reading under which every quote of the task
fits is used (`text.offsets_by_quotes`). A quoted line break is written as the two
characters `\\n` (`web/libs/editor/src/utils/selection-tools.js`, `captureSelection`), and
CRLF counts as two characters (`web/libs/editor/src/tags/object/Text.js`).

People's labels become their statements (`completed_by`'s e-mail, else `ls-<id>`), status
done. `predictions` become the layer `model:<model_version>`, marked as a model's output
(`IncomingRecord.model_version`), with no status. Relations (`{"type": "relation", "from_id",
"to_id", "labels"}` between two regions of the same annotation) become links, one per label
(`relation` when it has none); a region whose `meta` says `"link_end": true` (as the writer
marks the other end of a link that is no statement) is only that end. A `choices` result on
the text (no `start`: `<Choices toName="text">`) gives its layer the article's categories,
whatever its `from_name`. An annotation whose every result is such a choice (a text-classification
project: `<Choices>` and no `<Labels>`) answers the categories alone: nobody was asked the
article's statements, so it comes in as the other formats' category-only records do (in
progress, statements not decided), never as done with no statement (a negative nobody decided);
with labels too, or with no result at all (submitted empty: nothing to label), it is done.
Choices on a region (per-region classification), drafts and other result types are named per
task: `FILE:LINE: task 17: 1 choice not imported yet`. In JSON-MIN several choices and nothing
else are such an answer too; a single choice is flattened to a bare name, which stays in the
metadata (the line cannot be told from an empty submission: done).

Written: each layer's known categories (`export_categories`) as one `choices` result per
category group, `from_name` the group's name, so a labeling config with
`<Choices name="stance" toName="text" choice="single">` (and `choice="multiple"` for a
multi-choice group) shows them.

The package's rooms: `reader` (a task or a JSON-MIN item into records), `regions` (where each region
lies: the text's offsets, a dialogue's utterances, a `<HyperText>` task's HTML), `writer` (tasks
written) and `keys` (the names they and `FORMAT` share). This module declares the format and names
what callers use.
"""

from __future__ import annotations

from annotator.formats.base import Format
from annotator.formats.label_studio.keys import (
    AS_PREDICTIONS,
    COMPLETED_BY,
    COMPLETED_BY_LEFT_OUT,
    LAYERS_AS,
    NEW_TASK_IDS,
    STATEMENTS_DECIDED,
    TASK_ID,
)
from annotator.formats.label_studio.reader import (
    UNLABELED_RELATION,
    is_json_min,
    is_label_studio,
    is_task,
    min_records,
    read_label_studio,
    task_records,
)
from annotator.formats.label_studio.regions import DIRECTIONS
from annotator.formats.label_studio.writer import LabelStudioWriter, Layer, label_studio_task

__all__ = [
    "AS_PREDICTIONS",
    "COMPLETED_BY",
    "COMPLETED_BY_LEFT_OUT",
    "DIRECTIONS",
    "FORMAT",
    "LAYERS_AS",
    "NEW_TASK_IDS",
    "STATEMENTS_DECIDED",
    "TASK_ID",
    "UNLABELED_RELATION",
    "LabelStudioWriter",
    "Layer",
    "is_json_min",
    "is_label_studio",
    "is_task",
    "label_studio_task",
    "min_records",
    "read_label_studio",
    "task_records",
]

FORMAT = Format(
    name="label-studio",
    title="Label Studio JSON",
    suffixes=(".jsonl", ".ndjson", ".json"),
    read_object=read_label_studio,
    is_object=is_label_studio,
    writer=LabelStudioWriter,
    export_suffixes=(".json",),
    options=(LAYERS_AS, COMPLETED_BY),
    account_items={
        AS_PREDICTIONS: (
            "people's layers written as predictions (pre-annotations to review): label-studio-converter converts "
            "annotations only, --layers-as annotations for it",
            False,
        ),
        COMPLETED_BY_LEFT_OUT: (
            "annotations without completed_by: they go to whoever imports (Label Studio refuses a file naming a "
            "non-member); created_username names the layer; --completed-by recorded writes ls-ID or e-mail",
            False,
        ),
        NEW_TASK_IDS: ("tasks that did not come from Label Studio, given the article's number as their id", False),
    },
    holds_categories=True,
    holds_notes=True,
    imports="JSON export, JSON-MIN and tasks one a line: each person's `labels` regions become their "
    "statements (`completed_by`: e-mail, else `ls-<id>`), `relation` results their links (by `direction`), the "
    "text's `choices` the article's categories (an annotation of choices alone answers them only: in progress, "
    "its statements undecided), `predictions` a model's layer `model:<version>`; `<HyperText>` "
    "regions placed in the HTML's text (the article's), `<Paragraphs>` regions in the utterances, one a line",
    exports="a JSON array of tasks Label Studio imports: `data.text`, each layer's statements as `labels` "
    "regions, its links as `relation` results and its article categories as a `choices` result per category "
    "group, as `predictions` (pre-annotations; default) or `annotations` (`--layers-as`)",
    reads_back=True,
    peers='Label Studio imports it into a project whose config has `<Text name="text" value="$text"/>`, '
    '`<Labels name="label" toName="text">` and a `<Choices>` per category group; it refuses a whole file '
    "naming a `completed_by` who is not a member, so `--completed-by auto` writes it only for tasks that came "
    "from it (tested from `tasks/serializers.py`); label-studio-converter 0.0.59 converts it, annotations only: "
    "`--layers-as annotations` (run in a test)",
)
