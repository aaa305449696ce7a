"""The shipped suggestion rules (resources/suggestion_rules.jsonl), measured on the seed articles.

Each rule on its own, as the window runs it (`Suggester` with rules only: spaCy's tokenizer, no
parse, so negation is found by `rules.negated`'s reach), on every statement of the five seed
articles (a sentence as the window shows it), against the hand-made gold of tests/
statement_gold.json: per rule its hits (statements it suggests its label on), how many of
those carry the label in the gold, and so its precision; and the rules together, as the window
shows them (one suggestion per label and statement). Printed as a table; `make bench BENCH_ARGS=
"--suite rules"` or `python -m benchmarks --suite rules`.
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


def seed_statements(workdir: Path, pipeline=None) -> list[tuple[str, frozenset[str]]]:
    """(text, gold labels) of every statement of the seed articles, as the window cuts them."""
    from annotator.importing.run import import_paths
    from annotator.nlp.pipeline import load_pipeline, preannotate
    from annotator.passages import split_at_breaks
    from annotator.store import Store

    gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    path = workdir / "rules-seeds.annotator.sqlite"
    for leftover in workdir.glob(path.name + "*"):
        leftover.unlink()
    out = []
    with Store.create(path) as store:
        import_paths(store, [ROOT / "seeds"], annotator="bench")
        preannotate(store, pipeline if pipeline is not None else load_pipeline(None))
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            units = split_at_breaks(store.articles.sentences(article_id), article.text)
            labeled = gold[article.source]
            if len(units) != len(labeled):
                raise ValueError(f"{article.source}: {len(units)} statements, the gold has {len(labeled)}")
            for (start, end), (opening, labels) in zip(units, labeled, strict=True):
                text = article.text[start:end]
                if not text.startswith(opening):
                    raise ValueError(f"{article.source}: {text[:60]!r} is not the gold's {opening!r}")
                out.append((text, frozenset(labels)))
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

    statements = seed_statements(workdir)
    rules = default_rules()
    scores, (shown, right) = score_rules(statements, rules)
    print(table(scores, len(statements)), flush=True)
    out = []
    for name, got in scores.items():
        if got.hits:
            out.append(
                Result(
                    SUITE,
                    f"rule {name!r} → {got.label}: precision",
                    got.precision,
                    "",
                    note=f"{got.correct} of {len(got.hits)} hits right on the seed gold",
                )
            )
    silent = [name for name, got in scores.items() if not got.hits]
    out.append(
        Result(
            SUITE,
            "all rules as the window shows them: precision",
            right / shown if shown else float("nan"),
            "",
            note=f"{right} of {shown} suggestions right on {len(statements)} seed statements; "
            f"{len(silent)} of {len(rules)} rules never fire on the seeds",
        )
    )
    return out


def table(scores: dict[str, RuleScore], statements: int) -> str:
    lines = [f"shipped rules on the {statements} statements of the seed articles (gold: tests/statement_gold.json):"]
    lines.append(f"  {'rule':<24} {'label':<11} {'hits':>4} {'right':>5} {'precision':>9}")
    for name, got in scores.items():
        if got.hits:
            lines.append(f"  {name:<24} {got.label:<11} {len(got.hits):>4} {got.correct:>5} {got.precision:>9.2f}")
    silent = [name for name, got in scores.items() if not got.hits]
    lines.append(f"  no hit on the seeds: {', '.join(silent)}")
    for name, got in scores.items():
        for text in got.wrong:
            lines.append(f"  wrong: {name} → {got.label} on {text[:90]!r}")
    return "\n".join(lines)
