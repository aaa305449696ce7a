"""A user's mistake is a one-line message, never a traceback: a pipe or a device given to import,
an export to a standard output that is closed."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest

from tests.conftest import write_jsonl


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_device_is_named_for_what_it_is_not_no_such_file(cli, tmp_path):
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        result = cli("import", "--no-ner", path)
        assert f"{path}:1: not a regular file (a pipe, device or socket)" in result.stderr
        assert "no such file" not in result.stderr


def test_export_to_a_closed_standard_output_says_so(cli, db_path, tmp_path):
    cli("import", "--no-ner", write_jsonl(tmp_path / "a.jsonl", [json.dumps({"text": "Kyiv offered talks."})]))
    args = [sys.executable, "-m", "annotator", "--db", str(db_path), "export", "--format", "jsonl"]
    args += ["--all-layers", "--articles", "all", "-"]
    done = subprocess.run(shlex.join(args) + " >&-", shell=True, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    said = "Error: standard output is closed (- writes to it); nothing was written: give a file name"
    assert done.stderr.strip() == said


def test_train_on_a_project_nobody_labeled_says_what_to_do_not_export_flags(cli, tmp_path):
    cli("import", "--no-ner", write_jsonl(tmp_path / "a.jsonl", [json.dumps({"text": "Kyiv offered talks."})]))
    result = cli("train")
    assert result.exit_code != 0
    assert "nothing to train on: no annotator has labeled or finished an article yet" in result.stderr
    assert "--all-layers" not in result.stderr
