"""Article categories in the peers' shapes: read into names, written from an export row.

Read (`read_categories`, each into the names given, or None when the object holds none):

- Prodigy's choice tasks (`textcat.manual`, the `choice` view): `"options": [{"id", "text"}],
  "accept": [id, ...]` — the accepted options; an id that is not text (Prodigy allows
  numbers) names its option's `text`. A task answered reject/ignore gives no category.
- Prodigy's binary textcat tasks (`textcat.teach`): `"label": NAME` with `"answer": "accept"`
  or `"reject"`: the answer is about that one category (it applies, or it does not), not about
  the text. Only it was asked (`asked_categories`), so only it is known: 1 or 0, the others stay
  unknown. Several such tasks on one article add up (`binary_label`, `FEEDBACK_KEY`).
- `"cats"` as spaCy and Prodigy write it, `{NAME: 1.0 | 0.0 | true | false}`: the names at 1;
  its keys were asked, so a name at 0 is known not to apply (all at 0: none of them does), as
  is an option of a choice task not accepted.
  A score strictly between 0 and 1 is a model's output, not a decision: the record's `cats`
  are then counted and not imported (`formats.left_out`).
- doccano: text classification's `"label": [NAME, ...]` (`"labels"` in 1.0), intent
  detection's `"cats": [NAME, ...]`, and per-user `annotations` without offsets.
- Label Studio `choices` results (`label_studio`).

Every name is checked (`checked_name`): text, not blank, the rule of every name
(`records.name_problem`: no control or invisible character, at most `NAME_MAX` characters), no
lone surrogate; a bad one rejects the record (`RecordError`, the caller adds FILE:LINE).

Written (`cats_of`, `choice_fields`): the row's `category_scope` (`export_categories`), each
category 1.0 or 0.0; an empty scope writes nothing (unknown).
"""

from __future__ import annotations

from typing import Any

from annotator.formats.left_out import LeftOut
from annotator.formats.records import RecordError, kind_of
from annotator.records import ACCEPT, REJECT, ExportRow, name_problem
from annotator.text import lone_surrogate

#: Where the categories read from a peer's shape travel to `record_from_dict` (and a project file's).
KEY = "_categories"
#: Where the categories the record shows were asked travel (`IncomingRecord.categories_asked`).
ASKED_KEY = "_categories_asked"
#: Set on a binary textcat task: category feedback that adds to the layer's, never replaces it.
FEEDBACK_KEY = "_categories_feedback"
#: Set where a file shows only the choices made (Label Studio's `choices`, doccano's labels): a tool
#: shows a group's choices together, so the rest of their groups were asked too (the import widens).
WITH_GROUPS_KEY = "_categories_asked_with_groups"


def checked_name(value: Any, what: str) -> str:
    """A category name as stored (stripped), or `RecordError` saying what is wrong with it."""
    if not isinstance(value, str):
        raise RecordError(f"{what} must be a category name (text), got {kind_of(value)}")
    name = value.strip()
    if not name:
        raise RecordError(f"{what} is blank")
    if why := name_problem(name, what):
        raise RecordError(why)
    if lone_surrogate(name) is not None:
        raise RecordError(f"{what} {name[:40]!r} holds a lone surrogate")
    return name


def checked_names(values: Any, what: str) -> list[str]:
    """A list of category names (a single name is taken as a list of one), checked and sorted."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise RecordError(f"{what} must be a list of category names, got {kind_of(values)}")
    return sorted({checked_name(v, f"{what} item {i}") for i, v in enumerate(values)})


def from_cats(cats: Any, line: int, left_out: LeftOut) -> list[str] | None:
    """The names at 1 of a `cats` mapping (or a doccano `cats` list); None when it holds scores."""
    if isinstance(cats, list):
        return checked_names(cats, '"cats"')
    if not isinstance(cats, dict):
        raise RecordError(f'"cats" must be an object of name: 0 or 1 (or a list of names), got {kind_of(cats)}')
    given = []
    for i, (name, value) in enumerate(cats.items()):
        name = checked_name(name, f'"cats" key {i}')
        if isinstance(value, bool) or value in (0, 1):
            if value:
                given.append(name)
        elif isinstance(value, (int, float)) and 0 < value < 1:
            left_out.add("category_score", line, len(cats), tuple(cats))
            return None
        else:
            raise RecordError(f'"cats" value of {name[:40]!r} must be 0 or 1, got {str(value)[:40]}')
    return sorted(set(given))


def from_choice(options: Any, accept: Any) -> list[str]:
    """Prodigy's accepted options, by name (see the module docstring)."""
    if not isinstance(accept, list):
        raise RecordError(f'"accept" must be a list of option ids, got {kind_of(accept)}')
    names: dict[Any, str] = {}
    if options is not None:
        if not isinstance(options, list):
            raise RecordError(f'"options" must be a list of {{"id", "text"}} objects, got {kind_of(options)}')
        for i, option in enumerate(options):
            if not isinstance(option, dict) or "id" not in option:
                raise RecordError(f'option {i} must be an object with an "id", got {kind_of(option)}')
            ident = option["id"]
            if isinstance(ident, (dict, list)) or ident is None:
                raise RecordError(f"option {i}: id must be text or a number, got {kind_of(ident)}")
            names[ident] = checked_name(ident if isinstance(ident, str) else option.get("text"), f"option {i}")
    given = []
    for i, ident in enumerate(accept):
        if isinstance(ident, (dict, list)) or ident is None:
            raise RecordError(f'"accept" item {i} must be an option id, got {kind_of(ident)}')
        if options is not None and ident not in names:
            raise RecordError(f'"accept" item {i} ({str(ident)[:40]!r}) names no option of the task')
        given.append(names[ident] if ident in names else checked_name(ident, f'"accept" item {i}'))
    return sorted(set(given))


def read_categories(obj: dict[str, Any], line: int, left_out: LeftOut) -> list[str] | None:
    """The categories a Prodigy-style or spaCy-style object gives (see the module docstring), or
    None when it gives none; reads `accept`/`options`, `cats` and a binary textcat `label`."""
    answer = obj.get("answer", ACCEPT)
    found: set[str] = set()
    seen = False
    if "accept" in obj:
        names = from_choice(obj.get("options"), obj["accept"])
        seen = True
        if answer == ACCEPT:
            found.update(names)
        elif names:
            left_out.add("category_rejected", line, len(names), tuple(names))
    if obj.get("cats") is not None:
        names = from_cats(obj["cats"], line, left_out)
        if names is not None:
            seen = True
            found.update(names)
    label = obj.get("label")
    if isinstance(label, str) and not _labels_its_spans(label, obj.get("spans")):
        name = checked_name(label, '"label"')
        seen = True
        if answer == ACCEPT:
            found.add(name)
        elif answer != REJECT or binary_label(obj) is None:  # a binary reject is a known 0 (`asked_categories`)
            left_out.add("category_rejected", line, 1, (name,))
    if seen and not found and answer == ACCEPT and not asked_categories(obj):  # a binary task says what it asked
        left_out.add("category_none", line)  # "none of them", but of which was not said: unknown
    return sorted(found) if seen else None


def asked_categories(obj: dict[str, Any]) -> list[str] | None:
    """The categories a Prodigy-style object shows were asked: a choice task's `options` (what
    the annotator saw) and the keys of a 0/1 `cats` mapping; None when it does not say. Call
    after `read_categories` (which checks the names)."""
    asked: set[str] = set()
    said = False
    options = obj.get("options")
    if "accept" in obj and isinstance(options, list):
        said = True
        for option in options:
            ident = option["id"]
            asked.add((ident if isinstance(ident, str) else str(option.get("text"))).strip())
    cats = obj.get("cats")
    if isinstance(cats, dict):
        said = True
        asked.update(str(name).strip() for name in cats)
    label = binary_label(obj)
    if label is not None:
        said = True
        asked.add(label.strip())
    return sorted(asked) if said else None


def binary_label(obj: dict[str, Any]) -> str | None:
    """The category a binary textcat task (`textcat.teach`: a `label`, no choices, no `cats`, no
    spans, answered accept or reject) asks about, or None: its `answer` says whether that one
    category applies."""
    label = obj.get("label")
    if not isinstance(label, str) or "accept" in obj or obj.get("cats") is not None or obj.get("spans"):
        return None
    return label if obj.get("answer", ACCEPT) in (ACCEPT, REJECT) else None


def _labels_its_spans(label: str, spans: Any) -> bool:
    """Whether a task's `label` only repeats its spans' (a `ner.teach` task), naming no category."""
    return (
        isinstance(spans, list) and bool(spans) and all(isinstance(s, dict) and s.get("label") == label for s in spans)
    )


# -- writing -------------------------------------------------------------------------------


def cats_of(row: ExportRow) -> dict[str, float]:
    """`{category: 1.0 | 0.0}` over the row's scope; empty when its categories are unknown."""
    given = set(row.categories)
    return {name: float(name in given) for name in row.category_scope}


def noes_left_out(row: ExportRow) -> int:
    """How many of the row's categories asked and answered "no" (0) a format that lists only the
    chosen ones cannot write (doccano, Label Studio, CSV): its account says so (`NOES_LEFT_OUT`)."""
    given = set(row.categories)
    return sum(name not in given for name in row.category_scope)


#: Account item (`formats.account.ITEMS`): 0s a list-only format could not write.
NOES_LEFT_OUT = "category_noes_left_out"


def listable(row: ExportRow) -> bool:
    """Whether the row's categories can go into a format that lists only those given (doccano's
    `label`/`cats`, Label Studio's `choices`): they are known, and not only 0s on the few a file
    asked (a binary reject), which an empty list would turn into "none of them applies"."""
    return bool(row.category_scope) and bool(row.categories or row.categories_asked is None)


def choice_fields(row: ExportRow, single: bool) -> dict[str, Any]:
    """Prodigy's choice fields for the row (`options`, `accept`, `config.choice_style`), or {}."""
    if not row.category_scope:
        return {}
    return {
        "options": [{"id": name, "text": name} for name in row.category_scope],
        "accept": list(row.categories),
        "config": {"choice_style": "single" if single else "multiple"},
    }
