"""A generated corpus of labeled news statements whose labels are learnable, for the `learn` suite.

No public labeled corpus of this project's statement labels exists, so the suite generates one:
articles about talks on halting strikes on energy infrastructure, each a mix of neutral
sentences and statements of the seven default labels (condition, offer, demand, denial, threat,
claim, commitment). Every labeled statement comes from one of several phrasings of its label
(`offered to`, `signalled a willingness to`, `is prepared to` … for an offer), with actors,
actions, places and times drawn from shared lists, so a model must learn the cue words, not the
fillers. What makes it a fair test rather than a lookup table:

- labels are unbalanced (threat and commitment are rare) and articles are not alike: each draws
  its own mix of labels, so some articles are rich in rare labels and most are not;
- some statements carry two labels (an offer on a condition, a threat on a condition);
- neutral sentences reuse the cue words in other senses ("the offer made last year expired");
- one statement in 25 is mislabeled (to another label, or left unlabeled) and one neutral
  sentence in 50 is labeled: no model reaches F1 1.0.

Everything is seeded: the same seed, the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

LABELS = ("condition", "offer", "demand", "denial", "threat", "claim", "commitment")
#: How often each label is drawn, before an article's own mix: two rare labels.
WEIGHTS = {"condition": 5, "offer": 4, "demand": 3, "denial": 3, "threat": 1, "claim": 4, "commitment": 1}

ACTORS = (
    "Russia",
    "Ukraine",
    "Moscow",
    "Kyiv",
    "The Kremlin",
    "Zelensky",
    "Putin",
    "Washington",
    "The White House",
    "The foreign ministry",
    "The defence ministry",
    "Peskov",
    "Sybiha",
    "Lavrov",
    "The EU",
    "Ankara",
    "Qatar",
)
ACTIONS = (
    ("halt strikes on energy facilities", "halting strikes on energy facilities"),
    ("stop hitting the power grid", "stopping attacks on the power grid"),
    ("resume talks in Istanbul", "resuming talks in Istanbul"),
    ("exchange prisoners", "exchanging prisoners"),
    ("pull troops back from the border", "pulling troops back from the border"),
    ("reopen the grain corridor", "reopening the grain corridor"),
    ("let inspectors into the nuclear plant", "letting inspectors into the nuclear plant"),
    ("pause drone attacks on refineries", "pausing drone attacks on refineries"),
    ("declare a ceasefire over the holidays", "declaring a ceasefire over the holidays"),
    ("spare the ports of Odesa", "sparing the ports of Odesa"),
    ("stop shelling the substations", "stopping the shelling of substations"),
    ("restore power lines to the plant", "restoring power lines to the plant"),
    ("freeze the front line", "freezing the front line"),
    ("lift the sanctions on fertiliser", "lifting the sanctions on fertiliser"),
)
TIMES = (
    "for 30 days",
    "from Monday",
    "until the end of winter",
    "this week",
    "within days",
    "by Friday",
    "for a month",
    "over the weekend",
    "before the summit",
    "after the talks",
)
CITIES = ("Kharkiv", "Odesa", "Kyiv", "Zaporizhzhia", "Dnipro", "Lviv", "Belgorod", "Kursk", "Riyadh", "Geneva")
TARGETS = ("the power plants", "the refineries", "the ports", "government buildings", "the capital", "the bridges")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "condition": (
        "{A} will {X} only if {B} agrees to {Y}.",
        "{A} said it would {X}, provided that {B} does the same.",
        "Any pause is contingent on {B} agreeing to {Y}, {A} said.",
        "If {B} does not {X}, {A} will not {Y} either.",
        "{A} made any deal conditional on {B} first agreeing to {X}.",
        "As long as {B} keeps {Xing}, {A} will not {Y}.",
        "{A} would {X} on condition that {B} agrees to {Y}.",
        "Unless {B} agrees to {X}, talks cannot go on, {A} said.",
        "{A} tied {Ying} to {B} agreeing to {X}.",
        "{A} would consider {Xing} in return for {B} agreeing to {Y}.",
    ),
    "offer": (
        "{A} offered to {X} {T}.",
        "{A} said it was ready to {X} {T}.",
        "{A} proposed to {X} as a first step.",
        "{A} signalled a willingness to {X}.",
        "{A} is prepared to {X}, an official said.",
        "{A} put forward a plan for {Xing} {T}.",
        "{A} suggested that both sides {X} {T}.",
        "{A} floated the idea of {Xing} {T}.",
    ),
    "demand": (
        "{A} demanded that {B} {X} immediately.",
        "{A} called on {B} to {X}.",
        "{A} insisted that {B} must {X}.",
        "{A} urged {B} to {X} without delay.",
        "{B} must {X} now, {A} said.",
        "{A} told {B} to {X} {T}.",
    ),
    "denial": (
        "{A} denied that it had agreed to {X}.",
        "{A} rejected reports that it would {X}.",
        "{A} dismissed claims that {B} had offered to {X}.",
        "{A} did not confirm that it would {X}.",
        "{A} refused to {X}.",
        "A spokesman for {A} called the report about {Xing} false.",
    ),
    "threat": (
        "{A} warned it would strike {target} if {B} does not {X}.",
        "{A} threatened to hit {target} {T}.",
        "{A} vowed retaliation against {target} should {B} refuse to {X}.",
        "{A} said {target} would be destroyed {T}.",
    ),
    "claim": (
        "{A} said {B} had already broken its promise to {X}.",
        "According to {A}, {B} violated the pause {T}.",
        "{A} claimed that {B} was preparing to {X}.",
        "{A} accused {B} of {Xing} in secret.",
        "{A} reported that {B} launched drones at {target} {T}.",
    ),
    "commitment": (
        "{A} agreed to {X} {T}.",
        "{A} pledged to {X}.",
        "{A} will {X} {T}, the ministry confirmed.",
        "{A} committed to {Xing} {T}.",
        "{A} promised to {X}.",
    ),
}
#: Statements with two labels: (labels, template).
DOUBLE: tuple[tuple[tuple[str, str], str], ...] = (
    (("offer", "condition"), "{A} offered to {X} if {B} agrees to {Y}."),
    (("threat", "condition"), "{A} warned it would hit {target} unless {B} agrees to {X}."),
    (("commitment", "condition"), "{A} agreed to {X} {T}, provided that {B} does the same."),
    (("denial", "claim"), "{A} denied {B}'s claim that it had agreed to {X}."),
)
NEUTRAL = (
    "Temperatures in {city} fell to minus {n} degrees on Tuesday.",
    "The talks took place in {city} on Friday.",
    "{city} has been without power for {n} hours.",
    "The war began in February 2022.",
    "Energy prices in Europe rose by {n} percent.",
    "Engineers worked through the night to repair the substation in {city}.",
    "The meeting in {city} lasted {n} hours.",
    "Officials from both sides met in {city}.",
    "The delegation arrived in {city} on Sunday.",
    "Analysts expect a hard winter for {city}.",
    "The plant produced {n} megawatts before the war.",
    "Drone attacks on {target} have become more frequent this year.",
    "The offer made last year expired in March.",
    "Residents of {city} said they were ready for another winter.",
    "Journalists were denied access to the site in {city}.",
    "Schools in {city} were told to move classes online.",
    "The bridge near {city} was built in the 1970s.",
    "Queues formed at petrol stations in {city}.",
    "Prices for generators doubled in {city} over the autumn.",
    "The summit is due to open in {city} next month.",
)


@dataclass
class Statement:
    text: str
    labels: frozenset[str]


@dataclass
class GeneratedArticle:
    title: str
    statements: list[Statement] = field(default_factory=list)

    def text_and_bounds(self) -> tuple[str, list[tuple[int, int]]]:
        """The article text (title line, then paragraphs of up to four statements) and each statement's bounds."""
        parts, bounds, at = [self.title, "\n\n"], [], len(self.title) + 2
        for i, statement in enumerate(self.statements):
            if i and i % 4 == 0:
                parts.append("\n\n")
                at += 2
            elif i:
                parts.append(" ")
                at += 1
            parts.append(statement.text)
            bounds.append((at, at + len(statement.text)))
            at += len(statement.text)
        return "".join(parts), bounds


def articles(n: int, seed: int = 18) -> list[GeneratedArticle]:
    """`n` generated articles of 8-16 statements each (about 12 on average)."""
    rng = random.Random(seed)
    return [_article(rng, i) for i in range(n)]


def statements_in(items: list[GeneratedArticle]) -> Iterator[Statement]:
    for article in items:
        yield from article.statements


def _article(rng: random.Random, number: int) -> GeneratedArticle:
    # Each article its own mix: a share of labeled statements and a favoured pair of labels.
    labeled_share = rng.choice((0.15, 0.3, 0.45, 0.6))
    favoured = rng.sample(LABELS, 2)
    weights = [WEIGHTS[label] * (4 if label in favoured else 1) for label in LABELS]
    article = GeneratedArticle(f"Talks on energy strikes, report {number + 1}")
    for _ in range(rng.randint(8, 16)):
        if rng.random() < labeled_share:
            if rng.random() < 0.08:
                labels, template = rng.choice(DOUBLE)
                statement = Statement(_fill(rng, template), frozenset(labels))
            else:
                label = rng.choices(LABELS, weights)[0]
                statement = Statement(_fill(rng, rng.choice(TEMPLATES[label])), frozenset({label}))
            if rng.random() < 0.04:  # a mistake: another label, or none
                wrong = rng.choice([*LABELS, None])
                statement.labels = frozenset({wrong}) if wrong else frozenset()
        else:
            statement = Statement(_fill(rng, rng.choice(NEUTRAL)), frozenset())
            if rng.random() < 0.02:
                statement.labels = frozenset({rng.choice(LABELS)})
        article.statements.append(statement)
    return article


def _fill(rng: random.Random, template: str) -> str:
    a, b = rng.sample(ACTORS, 2)
    (x, xing), (y, ying) = rng.sample(ACTIONS, 2)
    text = template.format(
        A=a,
        B=b if not b.startswith("The ") else "the" + b[3:],
        X=x,
        Xing=xing,
        Y=y,
        Ying=ying,
        T=rng.choice(TIMES),
        city=rng.choice(CITIES),
        target=rng.choice(TARGETS),
        n=rng.randint(2, 40),
    )
    return text[0].upper() + text[1:]


def build_project(path, items: list[GeneratedArticle], *, annotator: str = "oracle", finished: int | None = None):
    """A project holding `items`, their statements as sentences, the first `finished` articles (all by
    default) labeled by `annotator` and marked done. Returns the open Store."""
    from annotator.records import IncomingRecord, Span
    from annotator.store import Preannotation, Store
    from annotator.tokens import word_tokens

    store = Store.create(path)
    finished = len(items) if finished is None else finished
    records, bounds = [], []
    for i, article in enumerate(items):
        text, spans = article.text_and_bounds()
        bounds.append((text, spans))
        labeled = [
            Span(s, e, label)
            for (s, e), st in zip(spans, article.statements, strict=True)
            for label in sorted(st.labels)
        ]
        done = i < finished
        records.append(
            IncomingRecord(
                text,
                article.title,
                "generated",
                i + 1,
                spans=labeled if done else [],
                annotator=annotator if done else None,
                status="done" if done else None,
            )
        )
    store.add_records(records, annotator)
    ids = store.articles.article_ids()
    store.preannotations.store_preannotations(
        Preannotation(aid, "generated", [], spans, word_tokens(text))
        for aid, (text, spans) in zip(ids, bounds, strict=True)
    )
    return store
