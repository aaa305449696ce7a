"""`annotator preannotate` as a user meets it: the project, the Dask path's needs, and no Dask elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator.store import Store


def test_without_dask_the_shard_command_says_it_needs_the_pip_install(cli, tmp_path, monkeypatch):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "Kyiv said so."}) + "\n")
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    result = cli("preannotate", corpus, "--out", tmp_path / "shards", "--pipeline", "rules")
    assert result.exit_code == 1
    assert "the Dask path needs dask.distributed, which this build does not carry" in result.output
    assert "pip install" in result.output


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("not a url", "missing port number"),
        ("tcp://host", "missing port number"),
        ("http://127.0.0.1:8786", "Dask speaks inproc://, tcp://"),  # the dashboard's URL, a natural mistake
    ],
)
def test_a_mistyped_scheduler_address_is_explained_and_leaves_no_folder(cli, tmp_path, address, reason):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "Kyiv said so."}) + "\n")
    shards = tmp_path / "shards"
    result = cli("preannotate", corpus, "--out", shards, "--pipeline", "rules", "--dask-scheduler", address)
    assert result.exit_code == 1 and not isinstance(result.exception, ValueError), result.output
    assert f"{address!r} is not a Dask scheduler address ({reason}" in result.output
    assert "takes the scheduler's address as `dask scheduler` prints it: tcp://HOST:PORT" in result.output
    assert not (tmp_path / "shards").exists()


def test_preannotate_needs_a_corpus_for_out(cli, tmp_path):
    result = cli("preannotate", "--out", tmp_path / "shards")
    assert result.exit_code == 2
    assert "--out and --dask-scheduler need a CORPUS.jsonl" in result.output


def test_preannotate_on_a_project_with_nothing_to_do_says_so(cli, db_path):
    Store.create(db_path).close()
    result = cli("preannotate")
    assert result.exit_code == 0
    assert f"nothing to pre-annotate in {db_path}" in result.output


def test_import_and_stats_do_not_load_dask(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "Kyiv said so."}) + "\n")
    probe = (
        "import sys; from annotator.cli import main\n"
        "try: main(['--db', sys.argv[1], 'import', sys.argv[2], '--no-ner'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'spacy')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "p.sqlite"), str(corpus)], capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_a_scheduler_that_does_not_answer_leaves_no_out_folder(cli, tmp_path, monkeypatch):
    import dask.distributed

    def unreachable(*_args, **_kwargs):
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 30 s")

    monkeypatch.setattr(dask.distributed, "Client", unreachable)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "Kyiv said so."}) + "\n")
    shards = tmp_path / "shards"
    result = cli("preannotate", corpus, "--out", shards, "--pipeline", "rules", "--dask-scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in result.output
    assert not shards.exists()


def test_ctrl_c_during_pre_annotation_says_what_is_saved_and_how_to_go_on(cli, tmp_path, monkeypatch):
    """As Ctrl-C during an import's writing does: what is in, how to go on, exit 130 (not click's
    bare `Aborted!`). The batches saved stay; `annotator preannotate` does the rest."""
    import annotator.nlp.pipeline as nlp

    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"text": f"Kyiv said so ({i})."}) + "\n" for i in range(20)))
    real = nlp.preannotate

    def interrupted(store, pipeline, **kwargs):  # a batch saved (16 articles, in this process), then Ctrl-C
        real(store, pipeline, batch_size=4, cancelled=lambda: store.preannotations.count_unannotated() < 20, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(nlp, "preannotate", interrupted)
    result = cli("import", corpus, "--pipeline", "rules")
    assert result.exit_code == 130
    said = "interrupted; pre-annotated before it: 16 articles, saved. Run annotator preannotate to go on"
    assert said in result.output

    monkeypatch.setattr(nlp, "preannotate", real)
    again = cli("preannotate", "--pipeline", "rules")
    assert again.exit_code == 0 and "pre-annotated 4 articles" in again.output
