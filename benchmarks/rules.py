"""The shipped suggestion rules (resources/suggestion_rules.jsonl), measured on two hand-made golds.

Each rule on its own, as the window runs it (`Suggester` with rules only: spaCy's tokenizer, no
parse, so negation is found by `rules.negated`'s reach), on every statement (a sentence as the
window shows it) of a gold's articles: per rule its hits (statements it suggests its label on), how
many of those carry the label in the gold, and so its precision; and the rules together, as the
window shows them (one suggestion per label and statement). Twice: on the seed gold (tests/
statement_gold.json, the five seed articles, which the rules were tuned on) and on the other gold
(tests/statement_gold_other.json, sixteen wire-style articles written before the rules were read,
never tuned on; no rule is changed to raise its figure). Printed as a table each; `make bench
BENCH_ARGS="--suite rules"` or `python -m benchmarks --suite rules`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import Result

SUITE = "rules"
ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "statement_gold.json"
#: The gold nobody tuned the rules on: its articles are in the folders it names.
OTHER_GOLD = ROOT / "tests" / "statement_gold_other.json"


@dataclass
class RuleScore:
    label: str
    hits: list[str] = field(default_factory=list)  # the statements it fired on
    wrong: list[str] = field(default_factory=list)

    @property
    def correct(self) -> int:
        return len(self.hits) - len(self.wrong)

    @property
    def precision(self) -> float | None:
        return self.correct / len(self.hits) if self.hits else None


@dataclass(frozen=True)
class Gold:
    """How one gold set is named in the output: its file, and whether the rules were tuned on it."""

    file: str
    articles: str  # "the seed articles"
    on: str  # "on the seed gold"
    statements: str  # "seed statements"
    where: str  # "the seeds": where a rule never fires
    suffix: str  # appended to the result names ("" keeps the seed gold's as they were)


SEED = Gold("tests/statement_gold.json", "the seed articles", "on the seed gold", "seed statements", "the seeds", "")
OTHER = Gold(
    "tests/statement_gold_other.json",
    "the other gold's articles (never tuned on)",
    "on the other gold (never tuned on)",
    "statements of the other gold (never tuned on)",
    "the other gold",
    ", other gold (never tuned on)",
)


def seed_statements(workdir: Path, pipeline=None) -> list[tuple[str, frozenset[str]]]:
    """(text, gold labels) of every statement of the seed articles, as the window cuts them."""
    return gold_statements(GOLD, [ROOT / "seeds"], workdir, pipeline)


def other_statements(workdir: Path, pipeline=None) -> list[tuple[str, frozenset[str]]]:
    """(text, gold labels) of every statement of the other gold's articles (never tuned on)."""
    folders = json.loads(OTHER_GOLD.read_text(encoding="utf-8"))["folders"]
    return gold_statements(OTHER_GOLD, [ROOT / folder for folder in folders], workdir, pipeline)


def gold_statements(
    gold_path: Path, folders: list[Path], workdir: Path, pipeline=None
) -> list[tuple[str, frozenset[str]]]:
    """(text, gold labels) of every statement of the articles in `folders`, as the window cuts
    them; a ValueError when the gold and the cut disagree (a statement missing, or one more)."""
    from annotator.importing.run import import_paths
    from annotator.nlp.pipeline import load_pipeline, preannotate
    from annotator.passages import split_at_breaks
    from annotator.store import Store

    gold = json.loads(gold_path.read_text(encoding="utf-8"))["articles"]
    path = workdir / f"rules-{gold_path.stem}.annotator.sqlite"
    for leftover in workdir.glob(path.name + "*"):
        leftover.unlink()
    out = []
    with Store.create(path) as store:
        import_paths(store, folders, annotator="bench")
        preannotate(store, pipeline if pipeline is not None else load_pipeline(None))
        sources = set()
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            sources.add(article.source)
            units = split_at_breaks(store.articles.sentences(article_id), article.text)
            if article.source not in gold:
                raise ValueError(f"{article.source}: not in {gold_path.name}")
            labeled = gold[article.source]
            if len(units) != len(labeled):
                raise ValueError(f"{article.source}: {len(units)} statements, the gold has {len(labeled)}")
            for (start, end), (opening, labels) in zip(units, labeled, strict=True):
                text = article.text[start:end]
                if not text.startswith(opening):
                    raise ValueError(f"{article.source}: {text[:60]!r} is not the gold's {opening!r}")
                out.append((text, frozenset(labels)))
        if unread := sorted(set(gold) - sources):
            raise ValueError(f"{gold_path.name}: no article for {', '.join(unread)}")
    return out


def score_rules(statements, rules) -> tuple[dict[str, RuleScore], tuple[int, int]]:
    """Per rule (by its description) its hits and misses; and (suggestions, right ones) of all
    the rules together, one per label and statement, as the window shows them."""
    import spacy

    from annotator.learn.rules import RuleMatcher
    from annotator.learn.suggest import Suggester

    nlp = spacy.blank("en")
    scores = {}
    for rule in rules:
        matcher, got = RuleMatcher([rule], nlp), scores.setdefault(rule.describe(), RuleScore(rule.label))
        for text, labels in statements:
            if matcher.match(nlp.make_doc(text)):
                got.hits.append(text)
                if rule.label not in labels:
                    got.wrong.append(text)
    together = Suggester(None, rules)
    shown = right = 0
    for i, (text, labels) in enumerate(statements):
        for label in together.suggest(i, 0, len(text), text).labels:
            shown += 1
            right += label in labels
    return scores, (shown, right)


def run(workdir: Path, quick: bool) -> list[Result]:
    os.environ["ANNOTATOR_DATA_DIR"] = str(workdir / "data")
    from annotator.learn.rules import default_rules

    rules = default_rules()
    out = measure(seed_statements(workdir), rules, SEED)
    return out + measure(other_statements(workdir), rules, OTHER)


def measure(statements, rules, gold: Gold) -> list[Result]:
    """Print the rule table of one gold and return its results: per rule, then all together."""
    scores, (shown, right) = score_rules(statements, rules)
    print(rules_table(scores, len(statements), gold), flush=True)
    out = []
    for name, got in scores.items():
        if got.hits:
            out.append(
                Result(
                    SUITE,
                    f"rule {name!r} → {got.label}: precision{gold.suffix}",
                    got.precision,
                    "",
                    note=f"{got.correct} of {len(got.hits)} hits right {gold.on}",
                )
            )
    silent = [name for name, got in scores.items() if not got.hits]
    out.append(
        Result(
            SUITE,
            f"all rules as the window shows them: precision{gold.suffix}",
            right / shown if shown else float("nan"),
            "",
            note=f"{right} of {shown} suggestions right on {len(statements)} {gold.statements}; "
            f"{len(silent)} of {len(rules)} rules never fire on {gold.where}",
        )
    )
    return out


def rules_table(scores: dict[str, RuleScore], statements: int, gold: Gold = SEED) -> str:
    """Not named `table`: `benchmarks.table` takes a suite's `table` to print its results."""
    lines = [f"shipped rules on the {statements} statements of {gold.articles} (gold: {gold.file}):"]
    lines.append(f"  {'rule':<24} {'label':<11} {'hits':>4} {'right':>5} {'precision':>9}")
    for name, got in scores.items():
        if got.hits:
            lines.append(f"  {name:<24} {got.label:<11} {len(got.hits):>4} {got.correct:>5} {got.precision:>9.2f}")
    silent = [name for name, got in scores.items() if not got.hits]
    lines.append(f"  no hit on {gold.where}: {', '.join(silent)}")
    for name, got in scores.items():
        for text in got.wrong:
            lines.append(f"  wrong: {name} → {got.label} on {text[:90]!r}")
    return "\n".join(lines)
