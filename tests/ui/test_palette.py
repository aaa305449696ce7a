"""Colours are measured: label tints told apart (CIEDE2000), every text readable (WCAG 2.1 AA), both themes.

The figures are printed (`pytest -s tests/ui/test_palette.py`) so a change of palette shows its margin.
"""

from __future__ import annotations

import re
from itertools import combinations

import pytest

from annotator.records import Label
from annotator.schemes.categories import default_categories
from annotator.schemes.labels import EXTRA_COLORS, default_labels
from annotator.ui.annotate.labels.categories_bar import chip_outline
from annotator.ui.annotate.labels.label_bar import checked_tint
from annotator.ui.review.widgets import review_soft_tint
from annotator.ui.shell import palette, style
from annotator.ui.shell.palette import AA, DARK, LIGHT, contrast, delta_e, label_tint

THEMES = [LIGHT, DARK]
DEFAULTS = [label.color for label in default_labels()]
CATEGORY_COLORS = [c.color for group in default_categories() for c in group.categories]


def closest(colors: dict[str, str]) -> tuple[float, str, str]:
    return min((delta_e(colors[a], colors[b]), a, b) for a, b in combinations(colors, 2))


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_the_default_label_tints_differ_by_20_or_more(th):
    tints = {label.name: label_tint(label.color, th) for label in default_labels()}
    distance, a, b = closest(tints)
    print(f"\n{th.name}: closest default tints {a}/{b}, CIEDE2000 {distance:.1f}")
    assert distance >= 20, (a, b, distance)


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_labels_found_in_the_data_get_tints_apart_from_the_defaults(th):
    tints = {color: label_tint(color, th) for color in [*DEFAULTS, *EXTRA_COLORS]}
    distance, a, b = closest(tints)
    print(f"\n{th.name}: closest of defaults + extra colours {a}/{b}, CIEDE2000 {distance:.1f}")
    assert distance >= 13


def test_a_new_label_in_the_scheme_dialog_takes_the_most_distinct_colour():
    """Adding a label picks the candidate whose tint is farthest from every tint already there."""
    taken = DEFAULTS[:6]
    chosen = palette.distinct_color(taken, [*DEFAULTS, *EXTRA_COLORS])
    assert chosen == DEFAULTS[6] or chosen in EXTRA_COLORS
    nearest = min(delta_e(label_tint(chosen, th), label_tint(t, th)) for th in THEMES for t in taken)
    assert nearest >= 13


def text_pairs(th: palette.Theme) -> list[tuple[str, str, str]]:
    """(what, text colour, background) for every text the windows draw, in theme `th`."""
    labels = default_labels() + [Label(f"extra{i}", c) for i, c in enumerate(EXTRA_COLORS)]
    pairs = [
        ("text on the article", th.text, th.base),
        ("text on every other sentence", th.text, th.alternate),
        ("text on panels", th.text, th.window),
        ("text on buttons", th.text, th.button),
        ("selected text", th.accent_text, th.accent),
        ("a search match", th.text, th.match),
        ("the search match the reader is on", th.text, th.current_match),
        ("headings, hints, definitions", th.muted, th.window),
        ("placeholders in fields", th.muted, th.base),
        ("disabled label buttons", th.muted, th.base),
        ("'not saved' in the status bar", th.error, th.window),
        ("tooltips", th.tooltip_text, th.tooltip_base),
        ("review: the conflict in focus", th.text, th.region),
        ("review: text outside the conflict", th.context, th.base),
        ("review: the gold heading", th.gold, th.window),
    ]
    pairs += [(f"article status {status}", color, th.base) for status, color in th.status.items()]
    pairs += [(f"entity {kind}", color, th.base) for kind, color in th.entities.items()]
    pairs += [(f"entity {kind} on every other sentence", color, th.alternate) for kind, color in th.entities.items()]
    for label in labels:
        tint = label_tint(label.color, th)
        soft = review_soft_tint(label.color, th)
        pairs += [
            (f"text on a {label.name} statement", th.text, tint),
            (f"a {label.name} chip", palette.chip_text(label.color), label.color),
            (f"a {label.name} button that is on", th.text, checked_tint(label.color, th)),
            (f"review: text outside the conflict on {label.name}", palette.readable(th.context, [soft]), soft),
        ]
        pairs += [
            (f"entity {kind} in a {label.name} statement", palette.readable(color, [tint]), tint)
            for kind, color in th.entities.items()
        ]
    for color in [*CATEGORY_COLORS, *EXTRA_COLORS]:
        tint = label_tint(color, th)
        on_tint = th.text if contrast(th.text, tint) >= AA else palette.chip_text(tint)  # the dashboard's rule
        pairs += [
            (f"a category chip that is on ({color}), in the bar and the list", palette.chip_text(color), color),
            (f"dashboard: the category {color}'s name", on_tint, tint),
        ]
    pairs += [
        ("a category chip that is off", th.text, th.window),
        ("hit list: the match", th.text, th.match),
        ("hit list: the article's title", th.muted, th.base),
        ("hit list: a query that cannot be searched", th.error, th.window),
    ]
    return pairs


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_every_text_reads_at_4_5_to_1_on_every_background(th):
    measured = [(contrast(fg, bg), what, fg, bg) for what, fg, bg in text_pairs(th)]
    worst = min(measured)
    print(f"\n{th.name}: {len(measured)} text/background pairs, lowest contrast {worst[0]:.2f}:1 ({worst[1]})")
    assert [m for m in measured if m[0] < AA] == []


def test_readable_keeps_the_hue_and_only_changes_what_it_must():
    blue = LIGHT.entities["PERSON"]
    assert palette.readable(blue, [LIGHT.base]) == blue  # already readable: unchanged
    darker = palette.readable(blue, ["#8fb0ff"])  # a medium blue tint behind it
    assert contrast(darker, "#8fb0ff") >= AA and darker != blue
    assert delta_e(darker, blue) < 40  # still a blue


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_entity_types_are_told_apart(th):
    """Every two types differ by 15 or more (CIEDE2000), and every type from plain text."""
    colors = dict(th.entities)
    distance, a, b = closest(colors)
    from_text = min((delta_e(color, th.text), kind) for kind, color in colors.items())
    print(f"\n{th.name}: closest entity types {a}/{b} {distance:.1f}; closest to plain text {from_text}")
    assert distance >= 15, (a, b)
    assert from_text[0] >= 15
    assert set(colors) == set(palette.ENTITY_TYPES) == set(palette.ENTITY_MEANINGS)


def test_the_stylesheet_has_every_colour_filled_in():
    for th in THEMES:
        qss = style.stylesheet(th)
        assert "@" not in qss
        assert not re.findall(r"#[0-9a-f]{6}\w", qss), "a colour name glued to a longer @name"


# -- links: outlines and hints ------------------------------------------------------------------


def link_colors(th: palette.Theme) -> dict[str, str]:
    from annotator.schemes.links import EXTRA_LINK_COLORS, default_link_types

    colors = {t.name: palette.link_color(t.color, th) for t in default_link_types()}
    colors.update({f"extra{i}": palette.link_color(c, th) for i, c in enumerate(EXTRA_LINK_COLORS)})
    return colors


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_the_default_link_types_are_told_apart_and_their_outlines_read_at_3_to_1(th):
    from annotator.schemes.links import default_link_types

    colors = link_colors(th)
    defaults = {name: colors[name] for name in (t.name for t in default_link_types())}
    distance, a, b = closest(defaults)
    with_extra = closest(colors)
    outline = min(contrast(c, bg) for c in colors.values() for bg in (th.base, th.alternate))
    print(
        f"\n{th.name}: closest link types {a}/{b} {distance:.1f} (with extra colours {with_extra[0]:.1f}); "
        f"lowest outline contrast {outline:.2f}:1"
    )
    assert distance >= 20 and with_extra[0] >= 13
    assert outline >= palette.NON_TEXT


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_link_tags_and_hint_badges_read_at_4_5_to_1(th):
    measured = [(contrast(palette.chip_text(c), c), f"the {name} tag") for name, c in link_colors(th).items()]
    measured += [(contrast(th.hint_text, th.hint), "hint letters"), (contrast(th.hint_typed, th.hint), "typed letters")]
    worst = min(measured)
    print(f"\n{th.name}: lowest contrast of link tags and hints {worst[0]:.2f}:1 ({worst[1]})")
    assert worst[0] >= AA, worst


def test_a_new_link_type_takes_the_most_distinct_outline():
    from annotator.schemes.links import EXTRA_LINK_COLORS, default_link_types

    taken = [t.color for t in default_link_types()]
    chosen = palette.distinct_color(taken, [*taken, *EXTRA_LINK_COLORS], drawn=palette.link_color)
    assert chosen in EXTRA_LINK_COLORS
    nearest = min(delta_e(palette.link_color(chosen, th), palette.link_color(t, th)) for th in THEMES for t in taken)
    assert nearest >= 13


def test_the_default_categories_are_told_apart():
    """Any two default categories differ by 20 or more (CIEDE2000): the list's chips are small."""
    colors = {c.name: c.color for group in default_categories() for c in group.categories}
    distance, a, b = closest(colors)
    print(f"\nclosest default categories {a}/{b}, CIEDE2000 {distance:.1f}")
    assert distance >= 20, (a, b, distance)


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_a_category_chip_that_is_off_stands_out_by_its_outline(th):
    """WCAG 1.4.11: the outline of a chip that is off reads at 3:1 on the panel, and keeps its colour's hue."""
    for color in [*CATEGORY_COLORS, *EXTRA_COLORS]:
        outline = chip_outline(color, th)
        assert min(contrast(outline, th.window), contrast(outline, th.base)) >= palette.NON_TEXT, color
        assert delta_e(outline, color) < 30, color


@pytest.mark.parametrize("th", THEMES, ids=lambda t: t.name)
def test_a_suggested_label_is_seen_without_a_fill_and_never_looks_decided(th):
    """A suggestion's dashes and outline read at 3:1 (WCAG 1.4.11) on the article and the bar; its
    name in the margin at AA; its button keeps the plain background, apart from a decided label's tint."""

    backgrounds = (th.base, th.alternate)
    outline = min((contrast(palette.suggestion_color(c, th), bg), c) for c in DEFAULTS for bg in backgrounds)
    name = min(contrast(palette.readable(c, [th.base]), th.base) for c in DEFAULTS)
    apart = min(delta_e(checked_tint(c, th), th.base) for c in DEFAULTS)
    print(
        f"\n{th.name}: suggestion outline ≥ {outline[0]:.2f}:1, its name ≥ {name:.2f}:1, decided fill ΔE ≥ {apart:.1f}"
    )
    assert outline[0] >= palette.NON_TEXT, outline
    assert name >= AA
    assert apart >= 5  # and the border: dashed for a suggestion, solid and bold when decided
