"""The Dask path gives up with a message, and leaves no --out folder, when the scheduler never
answers (an address that accepts TCP and says nothing) or has no workers."""

from __future__ import annotations

import json
import socket
import time

import pytest

from annotator.nlp import cluster
from annotator.nlp.cluster import ShardError, write_shards

pytest.importorskip("dask.distributed")


def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"text": "Kyiv offered talks."}) + "\n", encoding="utf-8")
    return path


def test_a_scheduler_that_accepts_and_never_answers_is_given_up_on(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2.0)
    with socket.socket() as silent:  # listens (the kernel accepts connections), never reads or writes
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(ShardError, match=r"cannot reach the Dask scheduler .*no answer in 2 s"):
            write_shards(corpus(tmp_path), tmp_path / "out", scheduler=address)
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out").exists()


def test_a_scheduler_with_no_workers_says_so(tmp_path, monkeypatch):
    import logging

    from dask.distributed import LocalCluster

    monkeypatch.setattr(cluster, "WORKERS_SECONDS", 2.0)
    with (
        LocalCluster(n_workers=0, dashboard_address=":0", silence_logs=logging.ERROR) as empty,
        pytest.raises(ShardError, match=r"has no workers .*start some with: dask worker"),
    ):
        write_shards(corpus(tmp_path), tmp_path / "out", scheduler=empty.scheduler_address)
    assert not (tmp_path / "out").exists()
