"""`train --output DIR` writes a pipeline folder the way an export writes brat's: it replaces only an
empty folder or one carrying our marker, a train killed mid-swap leaves the previous pipeline (put
back by the next run), and the leftovers of killed trains are cleaned on the next run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import spacy

from annotator.formats import atomic
from annotator.formats.atomic import FOLDER_MARKER
from annotator.learn.models import ModelFolderError, write_pipeline


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_folder_with_config_and_meta_but_no_marker_is_left_as_it_was(tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (out / "meta.json").write_text("{}", encoding="utf-8")
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    (out / "corpus").mkdir()
    with pytest.raises(ModelFolderError, match=r"not empty .* did not write"):
        write_pipeline(spacy.blank("en"), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes" and (out / "corpus").is_dir()


def test_our_own_pipeline_folder_is_replaced_and_still_loads(tmp_path):
    out = tmp_path / "model"
    write_pipeline(spacy.blank("en"), out)
    assert (out / FOLDER_MARKER).is_file()
    write_pipeline(spacy.blank("de"), out)
    assert spacy.load(out).lang == "de"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_a_train_killed_between_its_renames_leaves_the_previous_pipeline(tmp_path, monkeypatch):
    out = tmp_path / "model"
    write_pipeline(spacy.blank("en"), out)
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)  # where no atomic exchange exists
    real_replace, calls = os.replace, []

    def dies_on_the_second_rename(a, b):
        calls.append(a)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is killed here
        real_replace(a, b)

    monkeypatch.setattr(atomic.os, "replace", dies_on_the_second_rename)
    with pytest.raises(KeyboardInterrupt):
        write_pipeline(spacy.blank("de"), out)
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    # the killed process's aside folder: renamed as a dead process would have left it
    (aside,) = tmp_path.glob(".model.*.old")
    os.replace(aside, tmp_path / f".model.{dead_pid()}.old")
    (tmp_path / ".model.abcd1234.partial").mkdir()  # an earlier version's leftover
    write_pipeline(spacy.blank("fr"), out)
    assert spacy.load(out).lang == "fr"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_the_next_run_puts_back_a_pipeline_a_killed_train_moved_aside(tmp_path):
    out = tmp_path / "model"
    write_pipeline(spacy.blank("en"), out)
    os.replace(out, tmp_path / f".model.{dead_pid()}.old")  # killed after moving the old folder aside
    assert atomic.restore_aside(out) == out
    assert spacy.load(out).lang == "en" and sorted(p.name for p in tmp_path.iterdir()) == ["model"]
