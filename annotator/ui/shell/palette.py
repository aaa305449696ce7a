"""Colours measured, not guessed: the two themes, label tints, entity colours, and the measures that check them.

Two measures decide every colour here, and `tests/ui/test_palette.py` computes them:
- the WCAG 2.1 contrast ratio: every text colour reads at 4.5:1 or more (level AA) on every
  background it can be drawn on, in both themes;
- the CIEDE2000 colour difference: the tints of the default labels differ by 20 or more from
  one another (side by side they are told apart at a glance), and entity types differ too;
- link outlines (a link type's colour) read at 3:1 on the article (WCAG 1.4.11, graphics), and
  the default link types differ by 20 or more; hint badges read at 4.5:1.
Both come from `coloraide` (`Color.contrast(method="wcag21")`, `Color.delta_e(method="2000")`).

A label has one colour (the scheme's, which the user may change). Its *tint*, the background
of its statements, is that colour laid at `label_alpha` over the theme's base; its *chip* in
the margin is the colour itself with black or white text, whichever contrasts more. Entity
text keeps its hue on any background but is darkened (or lightened) until it reads at 4.5:1
there (`readable`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from coloraide import Color

#: WCAG 2.1 level AA for normal text.
AA = 4.5
#: WCAG 2.1 non-text contrast (1.4.11): outlines and marks that carry meaning, such as a category chip's border.
NON_TEXT = 3.0


@dataclass(frozen=True)
class Theme:
    name: str
    base: str  # the article, lists, text fields
    window: str  # panels, the status bar
    alternate: str  # every other sentence of the article
    button: str
    text: str  # text on base, window, button and on every tint
    muted: str  # headings, hints, definitions, placeholders
    mid: str  # borders and splitters
    midlight: str
    accent: str  # the current statement's outline, selected rows and text, the progress bar
    accent_text: str  # text on accent
    match: str  # every search match
    current_match: str  # the match the reader is on
    error: str  # "not saved"
    tooltip_base: str
    tooltip_text: str
    region: str  # the review window: the conflict in focus
    context: str  # the review window: text outside the conflict
    gold: str  # the review window: the gold column's heading
    label_alpha: float  # a label's tint: its colour at this opacity over base
    status: dict[str, str] = field(default_factory=dict)  # article status -> its colour in the list
    entities: dict[str, str] = field(default_factory=dict)  # entity type -> text colour
    other_entity: str = ""
    hint: str = "#fde047"  # linking: the badge that names a candidate's key
    hint_text: str = "#111827"  # the letters on it
    hint_typed: str = "#854d0e"  # letters already typed, on the badge


#: spaCy's entity types (OntoNotes 5), what each means, and how it is underlined: names dotted,
#: values (dates, times, amounts, numbers) dashed, so the two families differ by more than colour.
ENTITY_MEANINGS: dict[str, str] = {
    "PERSON": "people",
    "NORP": "nationalities, groups",
    "FAC": "buildings, airports, roads",
    "ORG": "organisations",
    "GPE": "countries, cities",
    "LOC": "regions, seas, mountains",
    "PRODUCT": "products, weapons",
    "EVENT": "wars, summits, storms",
    "WORK_OF_ART": "titles of works",
    "LAW": "laws, treaties",
    "LANGUAGE": "languages",
    "DATE": "dates",
    "TIME": "times of day",
    "PERCENT": "percentages",
    "MONEY": "money",
    "QUANTITY": "measures",
    "ORDINAL": "first, second…",
    "CARDINAL": "numbers",
}
VALUE_TYPES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
ENTITY_TYPES = sorted(ENTITY_MEANINGS)

LIGHT = Theme(
    name="light",
    base="#ffffff",
    window="#f3f4f6",
    alternate="#f5f6f8",
    button="#f9fafb",
    text="#111827",
    muted="#4b5563",
    mid="#c9ced6",
    midlight="#e5e7eb",
    accent="#1d4ed8",
    accent_text="#ffffff",
    match="#fde68a",
    current_match="#fb923c",
    error="#b91c1c",
    tooltip_base="#ffffff",
    tooltip_text="#111827",
    region="#dbe6fd",
    context="#4b5563",
    gold="#854d0e",
    label_alpha=0.45,
    status={"new": "#4b5563", "in_progress": "#9a3412", "done": "#166534"},
    entities={
        "PERSON": "#235efa",
        "NORP": "#2a02a0",
        "FAC": "#2d7303",
        "ORG": "#9f2dd3",
        "GPE": "#0b758a",
        "LOC": "#0c715c",
        "PRODUCT": "#9a5505",
        "EVENT": "#d02010",
        "WORK_OF_ART": "#c91a6d",
        "LAW": "#5f0702",
        "LANGUAGE": "#643f70",
        "DATE": "#3f2d04",
        "TIME": "#7f5350",
        "PERCENT": "#3f0725",
        "MONEY": "#013305",
        "QUANTITY": "#6c6a56",
        "ORDINAL": "#62687b",
        "CARDINAL": "#2c4545",
    },
    other_entity="#4b5563",
)
DARK = Theme(
    name="dark",
    base="#171a1f",
    window="#1f2329",
    alternate="#1c1f25",
    button="#2a2f37",
    text="#e5e7eb",
    muted="#a3aab5",
    mid="#3a404a",
    midlight="#2f353e",
    accent="#60a5fa",
    accent_text="#0b1220",
    match="#6b5513",
    current_match="#9a4a12",
    error="#fca5a5",
    tooltip_base="#2a2f37",
    tooltip_text="#e5e7eb",
    region="#1e2f4d",
    context="#a3aab5",
    gold="#fbbf24",
    label_alpha=0.55,
    status={"new": "#a3aab5", "in_progress": "#fdba74", "done": "#86efac"},
    entities={
        "PERSON": "#6381f8",
        "NORP": "#c1bbfc",
        "FAC": "#819808",
        "ORG": "#c26cdc",
        "GPE": "#3a9da0",
        "LOC": "#17a664",
        "PRODUCT": "#ec672a",
        "EVENT": "#ee5c77",
        "WORK_OF_ART": "#fdb6d2",
        "LAW": "#fdbe96",
        "LANGUAGE": "#64eefc",
        "DATE": "#b48226",
        "TIME": "#998693",
        "PERCENT": "#fbd509",
        "MONEY": "#baec5b",
        "QUANTITY": "#9ca18d",
        "ORDINAL": "#5af7c4",
        "CARDINAL": "#12b5f7",
    },
    other_entity="#a3aab5",
    hint="#facc15",
    hint_text="#111827",
    hint_typed="#5b4a04",
)


def theme(dark: bool) -> Theme:
    return DARK if dark else LIGHT


# -- measures --------------------------------------------------------------------------


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two opaque colours, 1 to 21."""
    return _contrast(_hex(foreground), _hex(background))


def delta_e(a: str, b: str) -> float:
    """CIEDE2000 colour difference of two opaque colours (about 2: just noticeable; 20: another colour)."""
    return Color(_hex(a)).delta_e(_hex(b), method="2000")


@lru_cache(maxsize=4096)
def _contrast(a: str, b: str) -> float:
    return Color(a).contrast(b, method="wcag21")


def _hex(color) -> str:
    """'#rrggbb' of a '#rgb'/'#rrggbb' string or anything with a `.name()` (a QColor)."""
    return color if isinstance(color, str) else color.name()


# -- derived colours ----------------------------------------------------------------------


@lru_cache(maxsize=1024)
def over(color: str, alpha: float, background: str) -> str:
    """`color` laid at opacity `alpha` over `background`, as the opaque colour seen."""
    seen = Color.layer([Color(color).set("alpha", alpha), Color(background)], space="srgb")
    return seen.to_string(hex=True, fit=True)


def label_tint(color: str, th: Theme) -> str:
    """The background of a statement with this label in theme `th` (opaque)."""
    return over(_hex(color), th.label_alpha, th.base)


def chip_text(color: str) -> str:
    """Black or white, whichever contrasts more with a label chip of `color`."""
    color = _hex(color)
    return "#000000" if contrast("#000000", color) >= contrast("#ffffff", color) else "#ffffff"


@lru_cache(maxsize=4096)
def _readable(color: str, backgrounds: tuple[str, ...], ratio: float) -> str:
    if all(contrast(color, bg) >= ratio for bg in backgrounds):
        return color
    lightest = max(Color(bg).luminance() for bg in backgrounds)
    towards = 0.0 if lightest > 0.18 else 1.0  # darken on light backgrounds, lighten on dark ones
    oklch = Color(color).convert("oklch")
    lightness = oklch["lightness"]
    for step in range(1, 41):
        candidate = oklch.clone().set("lightness", lightness + (towards - lightness) * step / 40)
        text = candidate.convert("srgb").to_string(hex=True, fit=True)
        if all(contrast(text, bg) >= ratio for bg in backgrounds):
            return text
    return "#000000" if towards == 0.0 else "#ffffff"


def readable(color: str, backgrounds: Iterable[str], ratio: float = AA) -> str:
    """`color`, or the nearest colour of its hue that reads at `ratio` on every one of `backgrounds`."""
    return _readable(_hex(color), tuple(sorted({_hex(bg) for bg in backgrounds})), ratio)


def entity_color(label: str, th: Theme) -> str:
    return th.entities.get(label, th.other_entity)


#: WCAG 2.1's minimum for graphics that carry meaning (1.4.11 non-text contrast): a link's outline.
NON_TEXT = 3.0


def link_color(color: str, th: Theme) -> str:
    """A link type's colour as its outline is drawn in theme `th`: its hue, at 3:1 or more on the
    article's backgrounds (the outline sits on a halo of the base colour, whatever tint is under it)."""
    return readable(color, [th.base, th.alternate], NON_TEXT)


def suggestion_color(color: str, th: Theme) -> str:
    """A suggested label's dashes and outline (label bar, article, margin): its hue at 3:1 or more on
    the article's and the buttons' backgrounds, so an outline is seen without a fill."""
    return readable(color, [th.base, th.alternate], NON_TEXT)


def distinct_color(
    taken: Iterable[str],
    candidates: Iterable[str],
    th_all: Iterable[Theme] = (LIGHT, DARK),
    drawn: Callable[[str, Theme], str] = label_tint,
) -> str:
    """The candidate that, as `drawn` in each theme (a label's tint by default, or `link_color`),
    differs most (CIEDE2000, worst theme) from the colours of `taken` drawn the same way."""
    taken = [_hex(c) for c in taken]
    themes = list(th_all)

    def nearest(candidate: str) -> float:
        if not taken:
            return 100.0
        return min(delta_e(drawn(candidate, th), drawn(t, th)) for th in themes for t in taken)

    return max(candidates, key=nearest)
