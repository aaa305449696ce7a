"""The names Label Studio's reader, its writer and the format's declaration share: the metadata key
of a task's id, the task meta key our export writes and our import reads, and the export's options
and account items.

Kept in a module of their own so that `reader` and `writer` need import neither each other nor the
package (whose `__init__` imports both to declare `FORMAT`).
"""

from __future__ import annotations

from annotator.formats.base import Option

#: The metadata key under which a task's Label Studio id is kept.
TASK_ID = "label_studio_id"
#: The task meta key our export writes: the people whose layer was done with no statement, so an
#: annotation of theirs with only the text's choices is still a decision that the text has none.
STATEMENTS_DECIDED = "statements_decided"

#: Who the annotations are written as: the recorded `ls-<id>`/e-mail (accepted only where that person
#: is a member), nobody (whoever imports; accepted anywhere), or `auto`: recorded for a task that came
#: from Label Studio (its people are members of the instance it came from), nobody for the others.
COMPLETED_BY = Option(
    "completed-by",
    ("auto", "importer", "recorded"),
    "With --layers-as annotations: who completed each annotation. Label Studio refuses a whole file naming "
    "someone who is not a member of its instance: auto (the default) writes the recorded ls-ID or e-mail for "
    "tasks that came from Label Studio and leaves it out for the others (they go to whoever imports); importer "
    "leaves it out everywhere; recorded writes it everywhere",
    default="auto",
)
#: Account items of a Label Studio export.
AS_PREDICTIONS = "ls_as_predictions"
COMPLETED_BY_LEFT_OUT = "ls_completed_by_left_out"
NEW_TASK_IDS = "ls_new_task_ids"

#: How the export gives people's layers to Label Studio.
LAYERS_AS = Option(
    "layers-as",
    ("predictions", "annotations"),
    "People's layers as predictions named after them (pre-annotations to review; the default) or as "
    "annotations (completed_by: ls-ID or an e-mail); a model's layer is always a prediction",
    default="predictions",
)
