"""The speaker and target suggestions on the seed articles and the gold sets' articles, pinned word for
word (tests/speaker_pins.json): a change made for speed must leave every suggestion as it was.

The gold-set figures (`python -m benchmarks --suite speakers`) count right and wrong suggestions; this
pins each one, its offsets, its cue and its actor, so a change that swaps one right suggestion for
another, or moves a mention, is seen too. After a deliberate change of the cues, re-pin with
`python -m tests.test_speaker_pins` and read the diff of the JSON file before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PINS = Path(__file__).parent / "speaker_pins.json"
#: The articles pinned: the seeds and the articles of the other gold sets.
FOLDERS = {
    "seeds": ROOT / "seeds",
    "other": ROOT / "tests" / "speaker_gold_other",
    "third": ROOT / "tests" / "speaker_gold_third",
    "fourth": ROOT / "tests" / "speaker_gold_fourth",
}

pytestmark = pytest.mark.spacy


def _end(mention) -> list | None:
    return None if mention is None else [mention.start, mention.end, mention.text, mention.actor, mention.cue]


def suggestions_now(workdir: Path, pipeline=None) -> dict[str, dict[str, list]]:
    """{folder: {article source: [[statement start, end, words, speaker, target, window's speaker], ...]}}:
    `annotator suggest`'s suggestions (the war's actors as the registry, the article's date) and the
    window's (`suggest_speakers`) beside them."""
    from annotator.actors.registry import read_actor_file
    from annotator.actors.resolve import Registry
    from annotator.importing.run import import_paths
    from annotator.nlp.attribution import suggest_statements
    from annotator.nlp.pipeline import load_pipeline, preannotate
    from annotator.nlp.speakers import parser_pipeline, suggest_speakers
    from annotator.passages import split_at_breaks
    from annotator.settings import resource
    from annotator.store import Store
    from annotator.store.actors import article_date

    nlp = parser_pipeline(None)
    pinned: dict[str, dict[str, list]] = {}
    for name, folder in FOLDERS.items():
        registry = Registry.of(read_actor_file(resource("actors/ukraine-war.json")).actors)
        articles: dict[str, list] = {}
        with Store.create(workdir / f"pins-{name}.annotator.sqlite") as store:
            import_paths(store, [folder], annotator="tester")
            preannotate(store, pipeline or load_pipeline())
            for article_id in store.articles.article_ids():
                article = store.articles.article(article_id)
                text = article.text
                units = split_at_breaks(store.articles.sentences(article_id), text)
                entities = store.entities.entities(article_id)
                found = suggest_statements(nlp, text, units, entities, registry, article_date(article.meta))
                window = suggest_speakers(nlp, text, units, entities)
                rows = []
                for unit in sorted(set(found) | set(window)):
                    got, named = found.get(unit), window.get(unit)
                    rows.append(
                        [
                            *unit,
                            " ".join(text[unit[0] : unit[1]].split())[:60],
                            _end(got.speaker) if got else None,
                            _end(got.target) if got else None,
                            [*named.speaker, named.name, named.cue] if named else None,
                        ]
                    )
                articles[article.source] = rows
        pinned[name] = articles
    return pinned


def test_every_suggestion_on_the_seed_and_gold_articles_is_the_pinned_one(tmp_path, pipeline):
    pinned = json.loads(PINS.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(suggestions_now(tmp_path, pipeline)))
    assert sum(len(rows) for articles in pinned.values() for rows in articles.values()) > 200
    for name, articles in pinned.items():
        for source, rows in articles.items():
            assert now[name][source] == rows, f"{name}/{source}: the suggestions changed"
    assert now == pinned


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = suggestions_now(Path(tmp))
    PINS.write_text(
        "{\n"
        + ",\n".join(
            f"  {json.dumps(name)}: {{\n"
            + ",\n".join(
                f"    {json.dumps(source)}: [\n"
                + ",\n".join(f"      {json.dumps(row, ensure_ascii=False)}" for row in rows)
                + "\n    ]"
                for source, rows in articles.items()
            )
            + "\n  }"
            for name, articles in found.items()
        )
        + "\n}\n",
        encoding="utf-8",
    )
    print(f"pinned {sum(len(r) for a in found.values() for r in a.values())} suggestions in {PINS}")
