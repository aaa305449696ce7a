"""Pre-annotation on a Dask cluster into shards, and their import without running spaCy again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import annotator.nlp.pipeline
from annotator.importing.run import import_paths
from annotator.nlp.cluster import ShardError, write_shards
from annotator.nlp.pipeline import preannotate
from annotator.store import Store
from tests.conftest import SEEDS

pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def scheduler():
    """One local cluster of two worker processes for the module (as `--dask-scheduler ADDRESS` is used)."""
    import logging

    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    ) as cluster:
        yield cluster.scheduler_address


def seed_corpus(path: Path, copies: int = 2) -> Path:
    """The seeds, each with a source and a labeled span, some with an entity of the annotator's own."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(copies):
            for k, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
                text = f"Copy {i}.\r\n" + seed.read_text(encoding="utf-8")
                record = {"text": text, "meta": {"source": f"wire{k % 2}"}}
                if k == 1:
                    record |= {"spans": [{"start": 0, "end": 6, "label": "offer"}], "_annotator_id": "ann"}
                if k == 2:
                    record["entities"] = [{"start": 0, "end": 4, "label": "MISC", "source": "user"}]
                out.write(json.dumps(record) + "\n")
    return path


def generated_corpus(path: Path, n: int) -> Path:
    words = ["Kyiv", "said", "Moscow", "would", "halt", "strikes", "on", "energy", "sites", "Zelensky", "Putin"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            sentences = [" ".join(words[(i * 7 + j * 3 + k) % len(words)] for k in range(12)) + "." for j in range(6)]
            text = f"Item {i}.\n\n" + "\n\n".join(sentences) * (400 if i == 3 else 1)  # one is 40k characters
            out.write(json.dumps({"text": text, "meta": {"n": i}}) + "\n")
        out.write("not json\n")
    return path


def contents(db: Path) -> dict:
    """Everything pre-annotation and import wrote, keyed by content hash (ids may differ)."""
    with Store.open(db) as store:
        out = {}
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            out[article.hash] = (
                article.title,
                article.source,
                article.meta,
                store.entities.entities(article_id),
                store.articles.sentences(article_id),
                store.articles.tokens(article_id),
                [(s.annotator, s.start, s.end, s.labels) for s in store.statements.statements(article_id)],
            )
        return out


def direct_import(corpus: Path, db: Path, pipeline: str | None) -> None:
    with Store.create(db) as store:
        import_paths(store, [corpus], annotator="tester", pipeline=pipeline)
        preannotate(store, annotator.nlp.pipeline.load_pipeline(pipeline), processes=1)


def shard_import(out: Path, db: Path, pipeline: str | None, monkeypatch) -> list[str]:
    def no_spacy(*_args, **_kwargs):
        raise AssertionError("spaCy was loaded for shards of the project's own pipeline")

    with Store.create(db) as store, monkeypatch.context() as patch:
        patch.setattr(annotator.nlp.pipeline, "load_pipeline", no_spacy)
        report = import_paths(store, [out], annotator="tester", pipeline=pipeline)
        assert store.preannotations.count_unannotated() == 0
        return report.notes


@pytest.mark.spacy
def test_shards_of_the_seeds_give_what_the_direct_import_gives(scheduler, tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "seeds.jsonl")
    summary = write_shards(corpus, tmp_path / "shards", scheduler=scheduler, partition_size=3)
    assert (summary.written, summary.records, summary.rejected) == (4, 10, 0)
    assert sorted(p.name for p in (tmp_path / "shards").iterdir()) == [
        "_manifest.json",
        *[f"part-0000{i}.jsonl" for i in range(4)],
    ]
    notes = shard_import(tmp_path / "shards", tmp_path / "a.sqlite", None, monkeypatch)
    recipe = annotator.nlp.pipeline.pipeline_identity(None)["recipe"]
    with Store.open(tmp_path / "a.sqlite") as store:
        entities = sum(e.source == "model" for a in store.articles.article_ids() for e in store.entities.entities(a))
    assert entities > 0
    assert notes == [
        f"10 shard records came pre-annotated by {summary.pipeline} ({recipe}),"
        " this project's pipeline: their entities, sentences and tokens were kept and spaCy was not run again for them",
        f"entities from the shards' pre-annotation: {entities}",  # the import's own count says 0 entities
    ]
    direct_import(corpus, tmp_path / "b.sqlite", None)
    assert contents(tmp_path / "a.sqlite") == contents(tmp_path / "b.sqlite")


def test_shards_of_a_generated_corpus_give_what_the_direct_import_gives(scheduler, tmp_path, monkeypatch):
    corpus = generated_corpus(tmp_path / "gen.jsonl", 40)
    rejected = []
    out = tmp_path / "shards"
    summary = write_shards(
        corpus, out, pipeline="rules", scheduler=scheduler, partition_size=16, on_rejection=rejected.append
    )
    assert [str(r) for r in rejected] == [f"{corpus}:41: not valid JSON: Expecting value (column 1)"]
    assert (summary.written, summary.records) == (3, 40)
    shard_import(tmp_path / "shards", tmp_path / "a.sqlite", "rules", monkeypatch)
    direct_import(corpus, tmp_path / "b.sqlite", "rules")
    assert contents(tmp_path / "a.sqlite") == contents(tmp_path / "b.sqlite")


def test_shards_of_another_pipeline_version_are_pre_annotated_again(scheduler, tmp_path):
    corpus = generated_corpus(tmp_path / "gen.jsonl", 10)
    write_shards(corpus, tmp_path / "shards", pipeline="rules", scheduler=scheduler)
    shard = tmp_path / "shards" / "part-00000.jsonl"
    lines = [json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines()]
    for obj in lines:
        obj["_preannotation"]["version"] = "0.9"
        obj["_preannotation"]["entities"] = [[0, 4, "WRONG"]]
    shard.write_text("".join(json.dumps(obj) + "\n" for obj in lines), encoding="utf-8")
    with Store.create(tmp_path / "a.sqlite") as store:
        report = import_paths(store, [tmp_path / "shards"], annotator="tester", pipeline="rules")
        assert "not this project's pipeline" in report.notes[0] and "rules 0.9" in report.notes[0]
        assert store.preannotations.count_unannotated() == 10
        preannotate(store, annotator.nlp.pipeline.load_pipeline("rules"))
    direct_import(corpus, tmp_path / "b.sqlite", "rules")
    assert contents(tmp_path / "a.sqlite") == contents(tmp_path / "b.sqlite")


def test_shards_go_only_into_an_empty_folder_or_their_own(scheduler, tmp_path):
    corpus = generated_corpus(tmp_path / "gen.jsonl", 4)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ShardError, match="not empty and holds no shards of ours"):
        write_shards(corpus, tmp_path / "busy", pipeline="rules", scheduler=scheduler)
    write_shards(corpus, tmp_path / "shards", pipeline="rules", scheduler=scheduler)
    other = generated_corpus(tmp_path / "other.jsonl", 5)
    with pytest.raises(ShardError, match=r"holds shards of another run \(corpus differ\)"):
        write_shards(other, tmp_path / "shards", pipeline="rules", scheduler=scheduler)


@pytest.mark.spacy
def test_a_killed_run_resumes_without_duplicates(tmp_path):
    corpus = seed_corpus(tmp_path / "seeds.jsonl", copies=12)
    out = tmp_path / "shards"
    command = [sys.executable, "-m", "annotator", "preannotate", str(corpus), "--out", str(out)]
    command += ["--partition-size", "2", "--processes", "2"]
    env = {**os.environ, "ANNOTATOR_DB": str(tmp_path / "unused.sqlite")}
    run = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob("part-*.jsonl")) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate()
    first = len(list(out.glob("part-*.jsonl")))
    assert 0 < first < 30, "the run was not killed midway"
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{first} shard{'' if first == 1 else 's'} already done and kept" in again.stdout
    lines = [line for p in sorted(out.glob("part-*.jsonl")) for line in p.read_text(encoding="utf-8").splitlines()]
    texts = [json.loads(line)["text"] for line in lines]
    assert len(texts) == len(set(texts)) == 60
    assert not list(out.glob(".*"))
