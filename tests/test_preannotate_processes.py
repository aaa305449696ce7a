"""Pre-annotation on every core: worker processes give what one process gives; cancel and failures hold."""

from __future__ import annotations

import pytest

import annotator.nlp.pipeline as nlp
from annotator.nlp.pipeline import preannotate
from annotator.store import Store
from tests.test_preannotate_long_articles import add_texts, failing_rules, rules

WORDS = ["Kyiv", "said", "Moscow", "would", "halt", "strikes", "on", "energy", "sites", "if", "Zelensky", "agreed"]


def corpus(n: int) -> list[str]:
    return [f"Report {i}. " + " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40)) + "." for i in range(n)]


def everything(store: Store) -> list:
    return [
        (a, store.entities.entities(a), store.articles.sentences(a), store.articles.tokens(a))
        for a in store.articles.article_ids()
    ]


@pytest.fixture
def worker_runs(monkeypatch):
    """How many runs used worker processes (and with how many)."""
    seen: list[int] = []
    real = nlp._on_workers

    def spy(pipeline, batches, batch_size, workers, *rest):
        seen.append(workers)
        return real(pipeline, batches, batch_size, workers, *rest)

    monkeypatch.setattr(nlp, "_on_workers", spy)
    return seen


def test_two_processes_give_what_one_gives(tmp_path, worker_runs):
    texts = corpus(263)
    texts.insert(260, "BOOM in the middle.")
    with Store.create(tmp_path / "one.sqlite") as one, Store.create(tmp_path / "two.sqlite") as two:
        add_texts(one, texts)
        add_texts(two, texts)
        assert preannotate(one, failing_rules(), processes=1) == len(texts)
        assert worker_runs == []
        seen: list[int] = []
        profile = nlp.RunProfile()
        assert preannotate(two, failing_rules(), processes=2, on_batch=seen.extend, profile=profile) == len(texts)
        assert worker_runs == [2]
        # where the time went is reported (a worker still starting may have had no task: rules are fast)
        assert 1 <= len(profile.workers) <= 2
        assert 0 < profile.worker_analysing <= sum(profile.workers.values())
        assert sorted(seen) == two.articles.article_ids()
        assert everything(two) == everything(one)
        assert [f.article_id for f in two.preannotations.preannotation_failures()] == [261]


def test_a_small_job_stays_in_this_process(store, worker_runs):
    add_texts(store, corpus(20))
    assert preannotate(store, rules(), processes=2) == 20
    assert worker_runs == []


def test_cancel_is_honoured_between_committed_batches_on_workers(store, worker_runs):
    add_texts(store, corpus(400))
    saved: list[int] = []
    done = preannotate(store, rules(), processes=2, batch_size=8, on_batch=saved.extend, cancelled=lambda: bool(saved))
    assert worker_runs == [2]
    assert done == len(saved) == 8  # one committed batch (one pipeline batch per worker task)
    assert store.preannotations.count_unannotated() == 400 - 8
    assert preannotate(store, rules(), cancelled=lambda: True) == 0  # cancelled before it began
    assert preannotate(store, rules(), processes=2) == 400 - 8
    assert store.preannotations.count_unannotated() == 0


def test_a_cancel_stops_the_workers_at_once_and_keeps_what_was_saved(store, worker_runs, monkeypatch):
    """A closing window does not wait for the batches the workers are analysing: they end with it."""
    import multiprocessing
    import time

    from annotator import settings

    monkeypatch.setattr(settings, "PREANNOTATE_PER_PROCESS", 10)  # workers for these 60 long articles
    add_texts(store, [text * 400 for text in corpus(60)])  # long articles: a worker's task takes a while
    saved: list[int] = []
    moments: dict[str, float] = {}

    def first_saved(ids: list[int]) -> None:
        saved.extend(ids)
        moments.setdefault("cancel", time.monotonic())

    done = preannotate(store, rules(), processes=2, batch_size=4, on_batch=first_saved, cancelled=lambda: bool(saved))
    returned = time.monotonic() - moments["cancel"]
    assert worker_runs == [2]
    assert done == len(saved) == 4 and store.preannotations.count_unannotated() == 60 - 4
    assert returned < 0.25, returned
    assert multiprocessing.active_children() == []  # no worker left analysing
    assert preannotate(store, rules(), processes=2) == 60 - 4  # the rest, later
