"""Plain records passed between the layers. No SQL, no spaCy, no Qt.

Offsets everywhere are Python code points into the stored (normalised) text.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, NamedTuple

from annotator.text import content_hash, path_shown, shown

MODEL = "model"
USER = "user"
#: The annotator layer that holds reviewed, decided labels.
GOLD = "gold"
#: Layers of a model's output (another tool's predictions) are named `model:<version>`,
#: a prefix reserved for them (see `model_layer`).
MODEL_LAYER_PREFIX = "model:"
#: What a layer is (`annotators.kind` in the store): a person's work, a model's output, or the
#: review's decisions. Only people's layers are annotators: review, agreement, gold and the
#: export rule's default choice never count a model's output.
HUMAN_LAYER, MODEL_LAYER, GOLD_LAYER = "human", "model", "gold"
LAYER_KINDS = (HUMAN_LAYER, MODEL_LAYER, GOLD_LAYER)
STATUSES = ("new", "in_progress", "done")
#: What a Prodigy-style answer can say about a task or one of its spans.
ACCEPT, REJECT, IGNORE = "accept", "reject", "ignore"
ANSWERS = (ACCEPT, REJECT, IGNORE)


class Span(NamedTuple):
    """A labeled statement: `label` on `text[start:end]`, with the statement's note (kept through exports).

    Spans and entities are named tuples: immutable, hashable and cheap to make by the million.
    """

    start: int
    end: int
    label: str
    note: str = ""


class Note(NamedTuple):
    """A note on a statement that has no label: written, so exported where a format can hold it
    and counted where it cannot (`formats.account`, "notes_left_out")."""

    start: int
    end: int
    note: str


class RejectedSpan(NamedTuple):
    """A span the annotator answered `reject` (or `ignore`) for `label`: binary feedback, never a label.

    Kept apart from statements so that no positive count, agreement figure or export can take it for one.
    """

    start: int
    end: int
    label: str
    answer: str = REJECT


class Entity(NamedTuple):
    start: int
    end: int
    label: str
    source: str = MODEL


class Link(NamedTuple):
    """A typed link from a statement (the head, `text[head_start:head_end]`) to its other end (the
    child: an entity, any span of words, or another statement), kept by the two ends' offsets.

    `label` is the link type (`speaker`, `target`, `condition-of`, …). The head is always a
    statement of the same layer; the child's offsets say which words it is, whatever covers
    them. A named tuple, like `Span`: immutable, hashable, sorted by head then child.
    """

    head_start: int
    head_end: int
    child_start: int
    child_end: int
    label: str

    @property
    def head(self) -> tuple[int, int]:
        return self.head_start, self.head_end

    @property
    def child(self) -> tuple[int, int]:
        return self.child_start, self.child_end


class ActorMention(NamedTuple):
    """A link end (`text[start:end]`) resolved to an actor of the project, by name, and how it was
    resolved (`store.actors.HOWS`: "alias", "title", "pronoun", …, or "user", a person's choice)."""

    start: int
    end: int
    actor: str
    how: str = "user"


@dataclass
class Article:
    id: int
    hash: str
    title: str
    text: str
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Statement:
    """A span of an article that one annotator treats as a unit, with its labels and note."""

    id: int
    article_id: int
    annotator: str
    start: int
    end: int
    labels: tuple[str, ...] = ()
    note: str = ""


@dataclass
class IncomingRecord:
    """One validated, normalised input record, ready to be stored in one transaction."""

    text: str
    title: str
    source: str
    line: int
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    annotator: str | None = None
    status: str | None = None
    #: Set when the labels are a model's output, not a person's work (Label Studio's
    #: `predictions`): the version the tool recorded, and `annotator` is `model_layer(version)`.
    model_version: str | None = None
    #: What a pipeline found in the text, when the record came from a pre-annotated shard.
    preannotation: CarriedPreannotation | None = None
    #: Spans answered reject/ignore (their own answer, or the whole task's).
    rejected: list[RejectedSpan] = field(default_factory=list)
    #: The whole task's answer: accept, or reject/ignore (then it has no accepted spans).
    answer: str = ACCEPT
    #: Links between the layer's statements and their other ends (relations in other tools).
    links: list[Link] = field(default_factory=list)
    #: Notes on statements the layer gave no label (JSONL's `meta.notes`, as the export writes them).
    notes: list[Note] = field(default_factory=list)
    #: Link slots (head start, head end, type) a review decided, children or none (gold layers).
    link_decisions: list[tuple[int, int, str]] = field(default_factory=list)
    #: The article categories this layer gave the article (names, sorted; `formats.categories`).
    categories: list[str] = field(default_factory=list)
    #: The categories the layer was asked about, when the file says (Prodigy's `options`): only
    #: these are known 1/0; None: every category of the scheme (`export.categories`).
    categories_asked: list[str] | None = None
    #: The file shows only the choices made (Label Studio, doccano): the rest of their groups were
    #: shown too, and the import widens `categories_asked` to them (`importing.run`).
    asked_with_groups: bool = False
    #: The group the file put a category in (Label Studio's `<Choices name>`): a category new to the
    #: project is shown, and exported, in a group of that name, not "other" (`schemes.categories`).
    category_groups: dict[str, str] = field(default_factory=dict)
    #: Categories an import leaves out of the layer after the fact: two records gave the article
    #: both of them in one exclusive group, and one of them is wrong (`importing.run`).
    categories_withdrawn: list[str] = field(default_factory=list)
    #: Link ends resolved to actors (`ActorMention`), and what the file says of those actors:
    #: {name: (kind, side)} (the JSONL's top-level `actors`); an unknown actor is made on import.
    actors: list[ActorMention] = field(default_factory=list)
    actor_kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: A whole-task answer (not binary feedback on a few spans): the layer's complete work on the
    #: article, so it replaces what that layer held there (`store.importer.add_records`).
    complete: bool = False
    #: The record answers only article categories (a textcat task, a `cats` record): nobody was asked
    #: about the statements, so it starts the article (in progress) and never finishes it, nor
    #: unfinishes an article the layer finished (`formats.records`, `store.importer`).
    only_categories: bool = False
    #: The size of `meta` as JSON (`formats.records.check_meta_values`): an import batch counts it
    #: with the texts, so that records of large meta never pile up in one batch.
    meta_chars: int = 0
    #: The next record comes from the same task (another annotation of one Label Studio task,
    #: another layer of one article of a project file): an import stores them in one
    #: transaction, never split across two batches.
    continued: bool = False
    #: From a teammate's project file: the SHA-256 of the guidelines her layer was decided under
    #: (stamped as this project's version of that text), or "" when her file carried none (then
    #: the version current at the merge is stamped, marked assumed). None: not a merged layer.
    guidelines_sha256: str | None = None
    #: What of the record was refused while the rest came in (a relation whose token index no span
    #: ends at), each said: the import turns them into notes (`FILE:LINE: reason`).
    refused: tuple[str, ...] = ()
    #: (the text, its `digest`) once asked: a field, not a key added later, because an instance given
    #: an attribute its class's `__init__` never sets pays a copy of its whole `__dict__` (~1 µs a record).
    _digest_of: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def brings_work(self) -> bool:
        """Whether storing this record writes its layer (labels, notes, a status or answer, rejected
        spans, links, categories, or a whole-task answer that replaces the layer's work): a text alone
        writes none. `import --trainee` marks exactly the people whose layers this is true for."""
        return bool(
            self.spans
            or self.notes
            or self.status
            or self.rejected
            or self.answer != ACCEPT
            or self.links
            or self.link_decisions
            or self.categories
            or self.categories_asked
            or self.complete
        )

    @property
    def digest(self) -> str:
        """The article's identity (`text.content_hash` of the text), hashed once per record: the
        import's checks and its store read it. Kept beside the text it was hashed from, so a
        record copied with another text (`dataclasses.replace`) hashes its own."""
        held = self._digest_of
        if held is None or held[0] is not self.text:
            held = self._digest_of = (self.text, content_hash(self.text))
        return held[1]


def model_layer(version: str) -> str:
    """The layer name under which a model's output is kept apart from people's work."""
    return MODEL_LAYER_PREFIX + version


def is_model_layer(name: str) -> bool:
    return name.startswith(MODEL_LAYER_PREFIX)


def reserved_name(name: str) -> str | None:
    """Why `name` cannot be a person's name, or None when it can. `GOLD` is the review's layer:
    only `annotator review` decides it, so no import, window user or `--annotator` may write
    into it (a file or user named "gold" would silently overrule the review)."""
    if name.strip().casefold() == GOLD:
        return f"\"{GOLD}\" is the review's layer (decided in annotator review), not an annotator's name"
    return None


#: The longest label, entity label, link type or category name a file may bring (a scheme's
#: names are words; a 10-million-character "label" is an attack or a mistake).
NAME_MAX = 200


def name_problem(name: str, what: str = "label") -> str | None:
    """Why `name` (a label, entity label, link type, category, actor or person from data or typed)
    cannot be stored, or None: no line break or other control character (each line-based format -
    CoNLL, brat, CSV - would read it as structure), no bidi control (it makes a name read as
    another), no invisible character ("Zel\\u200bensky" would be a second Zelensky that looks the
    same), no word mixing Latin, Cyrillic or Greek letters (`mixed_script_problem`: "Z\\u0435lensky"
    or a teammate's "\\u0430nna" would be a second label, category or person that reads as the
    first), at most `NAME_MAX` characters. The one door for every name."""
    if len(name) > NAME_MAX:
        return f"{what} is {len(name):,} characters long; a name has at most {NAME_MAX}"
    if name.isprintable():  # the common name: no control, format or separator character at all
        return None if name.isascii() else mixed_script_problem(name, what)
    for ch in name:
        if ch < " " or "\x7f" <= ch <= "\x9f" or ch in "\u2028\u2029":
            return f"{what} {name[:40]!r} holds a line break or control character (U+{ord(ch):04X})"
        if ch in _BIDI_CONTROLS:  # U+202E shows "Kyiv" for a name stored as "viyK": a name reads as it is
            return f"{what} {name[:40]!r} holds a bidi control character (U+{ord(ch):04X}) that reorders how it reads"
        if unicodedata.category(ch) == "Cf":  # zero-width space, joiners, BOM, soft hyphen…
            return f"{what} {name[:40]!r} holds an invisible character ({code_point(ch)})"
    return mixed_script_problem(name, what)


def code_point(ch: str) -> str:
    """`U+200B ZERO WIDTH SPACE`: a character as a message names it (it may not show)."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}"


def person_name_problem(name: str) -> str | None:
    """Why `name` cannot be a person's name (an annotator, a trainee, a package's annotator, a
    guidelines author), or None: blank, the review's layer (`reserved_name`) or a name no name may
    be (`name_problem`), or a model's layer without its version (`model_layer_problem`). The one
    rule every door that takes a person's name asks, worded once."""
    if not name.strip():
        return "a person's name cannot be blank"
    return reserved_name(name) or model_layer_problem(name) or name_problem(name, "the name")


def model_layer_problem(name: str) -> str | None:
    """Why `name` cannot name a layer because it is the model-layer prefix with no version ("model:"),
    or None. `--annotator model:VERSION` deliberately writes a model's layer; "model:" alone would be
    a model layer no version names, that reads as no model at all."""
    if name.startswith(MODEL_LAYER_PREFIX) and not name[len(MODEL_LAYER_PREFIX) :].strip():
        return (
            f"{name[:40]!r} is a model's layer with no version: a model's layer is named "
            f"{MODEL_LAYER_PREFIX}VERSION, and comes from a file's predictions (their model_version) "
            f"or --annotator {MODEL_LAYER_PREFIX}VERSION"
        )
    return None


#: The scripts whose look-alike letters make one word read as another (a Cyrillic е, U+0435, in "Zelensky").
_CONFUSABLE_SCRIPTS = ("Latin", "Cyrillic", "Greek")


@cache
def _script_patterns() -> tuple[Any, Any]:
    """(a word: letters and their marks, a confusable script's letter as group 1, 2 or 3): compiled on first use."""
    import regex

    scripts = "|".join(f"(\\p{{Script={s}}})" for s in _CONFUSABLE_SCRIPTS)
    return regex.compile(r"[\p{L}\p{M}]+"), regex.compile(scripts)


def mixed_script_problem(name: str, what: str = "actor name") -> str | None:
    """Why `name` cannot be a name because one of its words mixes Latin, Cyrillic or Greek letters,
    or None (`name_problem` asks it of every name). Such a word is a spoof or a typing slip
    ("Z\\u0435lensky", with a Cyrillic e, looks like Zelensky and would be a second actor, person or
    label); a word wholly in one script (Зеленський) is fine."""
    if name.isascii():
        return None
    mixed = _mixed_word(name)
    if mixed is None:
        return None
    word, scripts, stray = mixed
    return f"{what} {name[:40]!r}: the word {word[:40]!r} mixes {scripts} letters ({code_point(stray)})"


@lru_cache(maxsize=4096)
def _mixed_word(name: str) -> tuple[str, str, str] | None:
    """(the first word of `name` mixing scripts, its scripts as a message says them, a letter of the
    rarer one), or None. Cached: an import asks it of every record's annotator and categories, and a
    file names the same few people and categories on every line."""
    words, letters = _script_patterns()
    for word in words.findall(name):
        found = [(m.lastindex, m.group()) for m in letters.finditer(word)]
        counts = Counter(script for script, _ in found).most_common()
        if len(counts) > 1:
            scripts = " and ".join(_CONFUSABLE_SCRIPTS[script - 1] for script, _ in counts)
            stray = next(ch for script, ch in found if script == counts[-1][0])  # a letter of the rarer script
            return word, scripts, stray
    return None


#: Unicode's Bidi_Control characters: marks, embeddings, overrides and isolates.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: The control characters a note (free text) may hold: its line breaks and tabs.
_NOTE_WHITESPACE = frozenset("\t\n\r")


def _note_refuses(ch: str) -> bool:
    return (
        (ch < " " and ch not in _NOTE_WHITESPACE)
        or "\x7f" <= ch <= "\x9f"
        or ch in _BIDI_CONTROLS
        or "\ud800" <= ch <= "\udfff"  # a lone surrogate: half a character, which no file can store
    )


def note_problem(note: str, what: str = "note") -> str | None:
    """Why a note cannot be stored, or None. A note is free text (line breaks and tabs are its
    own), but no other control character: an ESC or BEL kept in a note is written raw by the CSV
    export, and a terminal showing that file obeys it (sets its title, clears the screen). No DEL,
    C1 or bidi control either, as for names (`name_problem`)."""
    if note.isprintable():  # the common note: no control or format character at all
        return None
    bad = next((ch for ch in note if _note_refuses(ch)), None)
    if bad is None:
        return None
    if "\ud800" <= bad <= "\udfff":
        return f"{what} {note[:40]!r} holds a lone surrogate (U+{ord(bad):04X}), half a character; not stored"
    kind = "a bidi control character" if bad in _BIDI_CONTROLS else "a control character"
    return f"{what} {note[:40]!r} holds {kind} (U+{ord(bad):04X}); a note keeps only text, line breaks and tabs"


def clean_note(note: str) -> str:
    """`note` without the characters `note_problem` refuses (a note typed or pasted in the window)."""
    return note if note.isprintable() else "".join(ch for ch in note if not _note_refuses(ch))


def record_size_problem(spans: int, entities: int, links: int) -> str | None:
    """Why a record with this many spans (statements and answered spans), entities and links is
    refused at the door, or None: each is capped (`settings.MAX_RECORD_*`), so one record cannot
    make every key on its article slow or an import take the machine's memory."""
    settings = _SETTINGS or _settings()
    s = settings
    if spans <= s.MAX_RECORD_SPANS and entities <= s.MAX_RECORD_ENTITIES and links <= s.MAX_RECORD_LINKS:
        return None  # the common record: three comparisons, no tuple built
    for n, cap, what in (
        (spans, settings.MAX_RECORD_SPANS, "spans"),
        (entities, settings.MAX_RECORD_ENTITIES, "entities"),
        (links, settings.MAX_RECORD_LINKS, "links"),
    ):
        if n > cap:
            return f"the record has {n:,} {what}; one article may bring at most {cap:,} (split it)"
    return None


_SETTINGS: Any = None


def _settings() -> Any:
    """`annotator.settings`, imported on the first record (not with this module) and kept: the
    caps are read from it at each call, so a test may change them."""
    global _SETTINGS
    from annotator import settings

    _SETTINGS = settings
    return settings


def layer_kind(name: str, model_version: str | None = None) -> str:
    """The kind a new layer gets: a model's output when a record says so (`model_version`) or its
    name has the reserved prefix (`model:...`), the review's decisions for `GOLD`, else a person's."""
    if model_version is not None or is_model_layer(name):
        return MODEL_LAYER
    return GOLD_LAYER if name == GOLD else HUMAN_LAYER


@dataclass(frozen=True)
class CarriedPreannotation:
    """Entities, sentences and tokens a pipeline found before import (`annotator preannotate --out`).

    `identity` names the pipeline ({"pipeline", "version", "recipe"}); the import keeps the
    results only when it is the project's. `error` is set instead when the pipeline failed.
    """

    identity: dict[str, str]
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    #: Token bounds as one flat JSON list, "[0,5,6,11]".
    tokens: str = "[]"
    error: str = ""


class ExportRow(NamedTuple):
    """One article as one layer holds it: what every export format is built from (`Store.export_rows`).

    `annotator` is the layer (a name, `GOLD`, or None for an article nobody has touched);
    `status` is that layer's (None: never touched by it); `answer` the layer's answer to the
    whole task. `spans` are the accepted labels, sorted; `rejected` what was answered
    reject/ignore. `tokens` are the stored spaCy token bounds, flat (`[s0, e0, s1, e1, …]`),
    or None before pre-annotation; `sentences` the stored sentence bounds. `entities_known`
    says whether entities were ever predicted or added here: if not, a missing entity is
    unknown, not "not an entity". `links` are the layer's links, sorted. `categories` are the
    article categories the layer gave (sorted); `category_scope` the categories whose value the
    export knows for this row, each 1 (in `categories`) or 0 (not) — empty: unknown, nothing is
    written (`export_categories.CATEGORY_RULE`). `notes` are the layer's notes on statements
    without a label. A named tuple: made once per article on the export's hot path.
    """

    article_id: int
    hash: str
    title: str
    text: str
    source: str
    meta: dict[str, Any]
    annotator: str | None
    status: str | None
    spans: tuple[Span, ...] = ()
    entities: tuple[Entity, ...] = ()
    tokens: list[int] | None = None
    sentences: tuple[tuple[int, int], ...] = ()
    rejected: tuple[RejectedSpan, ...] = ()
    answer: str = ACCEPT
    entities_known: bool = True
    links: tuple[Link, ...] = ()
    categories: tuple[str, ...] = ()
    category_scope: tuple[str, ...] = ()
    #: Notes on the layer's statements that have no label (a labeled statement's note is its spans').
    notes: tuple[Note, ...] = ()
    #: The categories the layer was asked about (`IncomingRecord.categories_asked`); None: all.
    categories_asked: tuple[str, ...] | None = None
    #: The actors the row's link ends and entities stand for (`store.actors`), by offset.
    actors: tuple[ActorMention, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """Why one file or record was not imported, printed as `FILE:LINE: reason`."""

    path: str
    line: int
    reason: str
    #: The record came in; this names what it held that was left out or kept as given (a note, not a
    #: rejection: `annotator import` still exits 0).
    kept: bool = False
    #: The record came in whole, as given (a span cutting a character): only a warning, nothing left out.
    warning: bool = False
    #: Not a record: a file a folder import passes over by design (a project file), named so that
    #: nothing given is dropped unsaid; like a note, no refusal.
    passed_over: bool = False

    def __str__(self) -> str:
        """One line whatever the file is called: a line break (or an escape) in its name is written
        as its escape (`text.path_shown`), so `FILE:LINE: reason` stays one line a script can split."""
        return f"{path_shown(self.path)}:{self.line}: {shown(self.reason, breaks=False)}"


@dataclass(frozen=True)
class Label:
    """One entry of the project's label scheme."""

    name: str
    color: str
    key: str = ""
    description: str = ""
    retired: bool = False


#: What a link type allows as its other end: an entity or any span of words; another statement; either.
ENTITY_ENDS, STATEMENT_ENDS, ANY_ENDS = "entity", "statement", "any"
LINK_ENDS = (ENTITY_ENDS, STATEMENT_ENDS, ANY_ENDS)


@dataclass(frozen=True)
class LinkType:
    """One entry of the project's link scheme: a link from a statement to `ends` (see `LINK_ENDS`).

    `key` is the letter that starts linking with this type in the window (S, T: given in order
    to the types that end on entities, as labels get 1–9); statement-ended types are chosen
    after L.
    """

    name: str
    color: str
    ends: str = ENTITY_ENDS
    description: str = ""
    retired: bool = False
    key: str = ""

    @property
    def to_entities(self) -> bool:
        return self.ends in (ENTITY_ENDS, ANY_ENDS)

    @property
    def to_statements(self) -> bool:
        return self.ends in (STATEMENT_ENDS, ANY_ENDS)


@dataclass(frozen=True)
class Category:
    """One category a whole article can carry (`relevant`, `positive`); names are unique across groups."""

    name: str
    color: str = "#64748b"
    #: "1"–"9": pressed with Shift in the window (assigned by `categories.number_keys`).
    key: str = ""
    description: str = ""
    retired: bool = False


@dataclass(frozen=True)
class CategoryGroup:
    """Categories shown and decided together: `exclusive` allows one per article (stance: positive or
    negative), otherwise any number (topics)."""

    name: str
    exclusive: bool = False
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True)
class MetaCondition:
    """One metadata field: equal to `value` (case-insensitive; a list field: holding it), or within
    `low`..`high` (inclusive; a shorter `high` such as `2025-03` takes the whole month)."""

    field: str
    value: str | None = None
    low: str | None = None
    high: str | None = None
    #: Strict bounds (`>` and `<`).
    low_open: bool = False
    high_open: bool = False
