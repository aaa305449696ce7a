"""Long articles are pre-annotated in pieces, and one article the pipeline fails on never stops the others."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from spacy.language import Language

from annotator import settings
from annotator.nlp.pipeline import Analysis, AnalysisFailure, analyse_texts, load_pipeline, pieces, preannotate
from annotator.records import IncomingRecord
from annotator.store import Store
from tests.conftest import SEEDS


@Language.component("fails_on_boom")
def fails_on_boom(doc):
    """A component that raises on one kind of text, as a real pipeline does on input it cannot take."""
    if "BOOM" in doc.text:
        raise RuntimeError("the parser ran out of memory on this article")
    return doc


def rules():
    return load_pipeline(settings.RULES_PIPELINE)


def failing_rules():
    pipeline = rules()
    pipeline.nlp.add_pipe("fails_on_boom", first=True)
    return pipeline


def add_texts(store: Store, texts: list[str]) -> None:
    store.add_records([IncomingRecord(t, f"article {i}", "test", i + 1) for i, t in enumerate(texts)], "tester")


# -- pieces ----------------------------------------------------------------------------

paragraph = st.lists(
    st.sampled_from(["Kyiv", "said", "Moscow", "would", "halt", "strikes", "on", "energy", "sites", "Zelensky"]),
    min_size=1,
    max_size=30,
).map(lambda words: " ".join(words) + ".")


@given(st.lists(paragraph, min_size=1, max_size=40), st.integers(min_value=20, max_value=400))
def test_pieces_cover_the_text_and_stay_within_the_limit(paragraphs, limit):
    text = "\n\n".join(paragraphs)
    cuts = pieces(text, limit)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cuts))
    assert all(0 < end - start <= limit for start, end in cuts)


def test_a_text_without_spaces_is_cut_at_the_limit():
    assert pieces("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


@hsettings(max_examples=30, deadline=None)
@given(st.lists(st.lists(paragraph, min_size=1, max_size=4).map(" ".join), min_size=2, max_size=12))
def test_pieces_give_what_the_whole_text_gives(monkeypatch_module, paragraphs):
    """With cuts between paragraphs, tokens, sentences and entities come back exactly, offsets shifted."""
    text = "\n\n".join(paragraphs)
    pipeline = RULES
    limit = max(len(p) for p in paragraphs) + 2
    whole = analyse_texts(pipeline, [text])[0]
    monkeypatch_module.setattr(settings, "PREANNOTATE_PIECE_CHARS", limit)
    chunked = analyse_texts(pipeline, [text])[0]
    monkeypatch_module.undo()
    assert len(pieces(text, limit)) > 1
    assert chunked == whole
    assert all(text[s:e].strip() == text[s:e] for s, e in chunked.sentences)


RULES = rules()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.spacy
def test_the_real_pipeline_on_a_long_article_finds_what_it_finds_in_each_article(pipeline, monkeypatch):
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    text = "\n\n".join(seeds)
    whole = analyse_texts(pipeline, [text])[0]
    monkeypatch.setattr(settings, "PREANNOTATE_PIECE_CHARS", max(map(len, seeds)) + 2)
    chunked = analyse_texts(pipeline, [text])[0]
    assert chunked.entities == whole.entities
    assert chunked.tokens == whole.tokens
    # a piece always starts a sentence: every sentence start of the whole text is one of the pieces'
    assert {s for s, _ in whole.sentences} <= {s for s, _ in chunked.sentences}


# -- long articles (spaCy's E088) and failures -------------------------------------------


def test_an_article_of_1_2_million_characters_imports_and_later_imports_still_work(cli, db_path, tmp_path):
    """It used to stop the import with E088 (text longer than nlp.max_length), and every later one."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    long_text = "\n\n".join(seeds * (1_200_000 // sum(map(len, seeds)) + 1))
    assert len(long_text) > 1_000_000
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    first = cli("import", tmp_path / "long.txt", "--pipeline", "rules")
    assert first.exit_code == 0, first.output
    assert "pre-annotated 1 article" in first.output
    second = cli("import", SEEDS, "--pipeline", "rules")
    assert second.exit_code == 0, second.output
    with Store.open(db_path) as store:
        assert store.preannotations.count_unannotated() == 0
        long_id = store.articles.article_ids()[0]
        sentences = store.articles.sentences(long_id)
        assert sentences[-1][1] == len(long_text.rstrip())
        tokens = store.articles.tokens(long_id)
        # every character but white space is in exactly one token, in order
        assert "".join(long_text[s:e] for s, e in tokens) == "".join(long_text.split())


@pytest.mark.spacy
def test_the_real_pipeline_takes_articles_longer_than_its_max_length(pipeline, store):
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    add_texts(store, ["\n\n".join(seeds), seeds[0]])
    old = pipeline.nlp.max_length
    pipeline.nlp.max_length = 3000
    try:
        assert preannotate(store, pipeline) == 2
    finally:
        pipeline.nlp.max_length = old
    assert store.preannotations.preannotation_failures() == []
    whole = store.articles.article(1).text
    labels = {(whole[s:e], label) for s, e, label, _ in store.entities.entities(1)}
    assert ("Zelensky", "PERSON") in labels


def test_one_failing_article_is_marked_with_the_reason_and_the_others_are_done(store):
    add_texts(store, ["Kyiv said so.", "BOOM goes the parser.", "Moscow denied it."])
    assert preannotate(store, failing_rules()) == 3
    failures = store.preannotations.preannotation_failures()
    assert [(f.article_id, f.reason) for f in failures] == [
        (2, "RuntimeError: the parser ran out of memory on this article")
    ]
    assert store.articles.sentences(1) and store.articles.sentences(3) and not store.articles.sentences(2)
    # later runs skip it (nothing blocks), a retry tries it again
    assert store.preannotations.count_unannotated() == 0
    assert preannotate(store, failing_rules()) == 0
    assert preannotate(store, rules(), retry_failed=True) == 1
    assert store.preannotations.preannotation_failures() == []
    assert store.articles.sentences(2) == [(0, 21)]


def test_analyse_texts_isolates_the_failing_text():
    found = analyse_texts(failing_rules(), ["One.", "BOOM.", "Two."])
    assert [type(f) for f in found] == [Analysis, AnalysisFailure, Analysis]


def test_stats_and_import_report_the_failed_articles(cli, db_path, tmp_path, monkeypatch):
    import annotator.nlp.pipeline

    monkeypatch.setattr(annotator.nlp.pipeline, "load_pipeline", lambda _name=None: failing_rules())
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in ["Fine.", "BOOM here.", "Also fine."]))
    result = cli("import", src)
    assert result.exit_code == 0, result.output
    assert "the pipeline failed on 1 article" in result.output
    text = cli("stats").output
    assert "pre-annotation failed on 1 article" in text
    assert "article 2 (BOOM here.): RuntimeError: the parser ran out of memory" in text
    figures = json.loads(cli("stats", "--json").output)
    assert figures["preannotation_failed"] == [
        {
            "article": 2,
            "title": "BOOM here.",
            "pipeline": "rules",
            "reason": "RuntimeError: the parser ran out of memory on this article",
        }
    ]
    (tmp_path / "more.txt").write_text("Another article.")
    again = cli("import", tmp_path / "more.txt")
    assert again.exit_code == 0 and "pre-annotated 1 article" in again.output
    monkeypatch.setattr(annotator.nlp.pipeline, "load_pipeline", lambda _name=None: rules())
    retried = cli("preannotate", "--retry-failed")
    assert retried.exit_code == 0 and "pre-annotated 1 article" in retried.output, retried.output
    assert json.loads(cli("stats", "--json").output)["preannotation_failed"] == []
