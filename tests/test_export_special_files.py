"""An export never replaces what is not a plain file: found by an attacker's tryout, where
`annotator export /dev/full` printed "exported 30 records" and left a regular file in place of the
device (the atomic write's rename swaps whatever the name holds), and a FIFO or a link became a
plain file the same way."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import write_jsonl


@pytest.fixture
def labeled(cli, tmp_path):
    record = {"text": "Kyiv offered a pause.", "spans": [{"start": 0, "end": 21, "label": "offer"}]}
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "one.jsonl", [json.dumps(record)])).exit_code == 0
    return cli


def test_an_export_to_a_device_is_refused_and_the_device_stays(labeled, tmp_path):
    """A device of our own (the null device's numbers) stands in for /dev/full: a regression must
    not replace the machine's own."""
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("making a device needs root")
    result = labeled("export", device)
    assert result.exit_code == 1
    assert f"{device} is not a regular file (a device, pipe or socket)" in result.output
    assert "nothing was written" in result.output
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert not Path(f"{device}.card.md").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_export_to_a_fifo_is_refused_and_the_fifo_stays(labeled, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = labeled("export", fifo)
    assert result.exit_code == 1 and "is not a regular file" in result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_export_to_a_link_writes_through_it_and_the_link_stays(labeled, tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    result = labeled("export", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert json.loads(target.read_text(encoding="utf-8").splitlines()[0])["text"] == "Kyiv offered a pause."


def test_an_export_to_a_folder_name_of_a_file_format_is_refused(labeled, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "mine.txt").write_text("my notes", encoding="utf-8")
    result = labeled("export", folder)
    assert result.exit_code == 1 and "is not a regular file (a folder)" in result.output
    assert (folder / "mine.txt").read_text(encoding="utf-8") == "my notes"
