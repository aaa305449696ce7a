"""Speaker and target suggestions against three hand-made gold sets: the seeds' (tests/speaker_gold.json,
on which the speaker cues were refined), a second one on other topics
(tests/speaker_gold_other.json, written before the target and unnamed-source cues) and a third
(tests/speaker_gold_third.json, written after the rules by someone who had not read them, never tuned on).
Each gives speaker accuracy, target accuracy and false alarms per 30 unattributed statements, the
issue's targets beside them (speakers ≥ 90%, targets ≥ 70%, false alarms ≤ 3 per 30), and the misses."""

from __future__ import annotations

import json
import time
from pathlib import Path

from benchmarks import Result

ROOT = Path(__file__).resolve().parents[1]
GOLDS = {
    "seeds": (ROOT / "tests" / "speaker_gold.json", ROOT / "seeds"),
    "other": (ROOT / "tests" / "speaker_gold_other.json", ROOT / "tests" / "speaker_gold_other"),
    "third": (ROOT / "tests" / "speaker_gold_third.json", ROOT / "tests" / "speaker_gold_third"),
    "fourth": (ROOT / "tests" / "speaker_gold_fourth.json", ROOT / "tests" / "speaker_gold_fourth"),
}


def measure(workdir: Path, name: str):
    """The score of one gold set: its articles imported into a fresh project, pre-annotated by the
    project's pipeline, then suggested article by article as `annotator suggest` does."""
    from annotator.actors.resolve import Registry
    from annotator.importing.run import import_paths
    from annotator.nlp.attribution import AttributionScore, score_attributions, suggest_statements
    from annotator.nlp.pipeline import load_pipeline, preannotate
    from annotator.nlp.speakers import parser_pipeline
    from annotator.passages import split_at_breaks
    from annotator.store import Store

    gold_path, articles = GOLDS[name]
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["articles"]
    total = AttributionScore()
    with Store.create(workdir / f"speakers-{name}.annotator.sqlite") as store:
        import_paths(store, [articles], annotator="bench")
        preannotate(store, load_pipeline())
        nlp = parser_pipeline(None)
        registry = Registry.of(store.actors.actors())
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            units = split_at_breaks(store.articles.sentences(article_id), article.text)
            entities = store.entities.entities(article_id)
            found = suggest_statements(nlp, article.text, units, entities, registry)
            score_attributions(article.text, units, found, gold[article.source], total)
    return total


def run(workdir: Path, quick: bool) -> list[Result]:
    results = []
    for name in GOLDS:
        started = time.perf_counter()
        s = measure(workdir, name)
        seconds = time.perf_counter() - started
        misses = "\n    ".join(s.misses)
        results += [
            Result(
                "speakers",
                f"{name}: speaker accuracy ({s.speakers_right}/{s.with_speaker}; target ≥ 0.90)",
                round(s.speaker_accuracy, 3),
                unit="",
            ),
            Result(
                "speakers",
                f"{name}: target accuracy ({s.targets_right}/{s.with_target}; target ≥ 0.70)",
                round(s.target_accuracy, 3),
                unit="",
            ),
            Result(
                "speakers",
                f"{name}: targets suggested where the gold has none ({s.target_false_alarms}/{s.without_target})",
                s.target_false_alarms,
                unit="",
            ),
            Result(
                "speakers",
                f"{name}: false alarms per 30 unattributed ({s.false_alarms}/{s.unattributed})",
                round(s.false_alarms_per_30, 2),
                unit="",
                target=3,
                note=f"{s.statements} statements, {seconds:.1f} s; misses:\n    {misses}",
            ),
        ]
    return results
