"""`annotator import --sample N [--seed S] [--sample-by FIELD]`: a reproducible, fair slice of a big corpus."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from annotator.importing.sampling import allocate
from annotator.store import Store

SOURCES = {"wire": 600, "blog": 300, "tv": 100}


def corpus(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        i = 0
        for source, n in SOURCES.items():
            for _ in range(n):
                record = {"text": f"Article {i} from {source}.", "meta": {"source": source, "n": i}}
                out.write(json.dumps(record) + "\n")
                i += 1
        out.write("{broken\n")
    return path


def sampled(db: Path) -> list[int]:
    with Store.open(db) as store:
        return sorted(store.articles.article(a).meta["n"] for a in store.articles.article_ids())


def sources(db: Path) -> Counter:
    with Store.open(db) as store:
        return Counter(store.articles.article(a).meta["source"] for a in store.articles.article_ids())


def test_the_same_seed_gives_the_same_sample_and_another_seed_another(cli, tmp_path):
    src = corpus(tmp_path / "corpus.jsonl")
    runs = {}
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        result = cli("import", src, "--sample", "50", "--seed", seed, "--no-ner", db=tmp_path / f"{name}.sqlite")
        assert result.exit_code == 1  # the broken line is still reported, once
        assert result.output.count(f"{src}:1001:") == 1
        assert "imported 50 new articles" in result.output
        runs[name] = sampled(tmp_path / f"{name}.sqlite")
    assert runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]
    bigger = cli("import", src, "--sample", "80", "--seed", "7", "--no-ner", db=tmp_path / "d.sqlite")
    assert "imported 80 new articles" in bigger.output
    assert set(runs["a"]) <= set(sampled(tmp_path / "d.sqlite"))  # a larger sample contains the smaller


def test_a_sample_stratified_by_source_keeps_each_source_in_proportion(cli, tmp_path):
    src = corpus(tmp_path / "corpus.jsonl")
    result = cli("import", src, "--sample", "50", "--sample-by", "source", "--no-ner", db=tmp_path / "s.sqlite")
    assert "by source: blog 15, tv 5, wire 30" in result.output
    assert sources(tmp_path / "s.sqlite") == {"wire": 30, "blog": 15, "tv": 5}
    again = cli("import", src, "--sample", "50", "--sample-by", "source", "--no-ner", db=tmp_path / "t.sqlite")
    assert again.exit_code == 1
    assert sampled(tmp_path / "s.sqlite") == sampled(tmp_path / "t.sqlite")


def test_a_sample_by_a_field_no_record_has_is_flagged_as_a_likely_typo(cli, tmp_path):
    src = corpus(tmp_path / "corpus.jsonl")
    result = cli("import", src, "--sample", "10", "--sample-by", "sourse", "--no-ner", db=tmp_path / "s.sqlite")
    assert "warning: no record has the meta field 'sourse' (a typo?): the sample is not stratified" in result.output
    right = cli("import", src, "--sample", "10", "--sample-by", "source", "--no-ner", db=tmp_path / "t.sqlite")
    assert "warning" not in right.output


def test_a_sample_larger_than_the_corpus_takes_it_all(cli, tmp_path):
    src = corpus(tmp_path / "corpus.jsonl")
    cli("import", src, "--sample", "5000", "--no-ner")
    with Store.open(tmp_path / "project.annotator.sqlite") as store:
        assert len(store.articles.article_ids()) == 1000


@given(st.integers(1, 200), st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 100), min_size=1))
def test_shares_add_up_and_follow_the_counts(n, counts):
    shares = allocate(n, Counter(counts))
    total = sum(counts.values())
    assert sum(shares.values()) == min(n, total)
    for name, count in counts.items():
        assert shares[name] <= count
        if total > n:
            assert abs(shares[name] - n * count / total) < 1
