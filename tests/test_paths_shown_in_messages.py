"""A file or folder name with a line break in it stays on one line in every message that names it
(`text.path_shown`), so `PATH: reason` and `FILE:LINE: reason` remain one line a script can split:
the refusals of an export's destination, a package's file, an actor file and a shard folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.actors.registry import ActorFileError, read_actor_file
from annotator.formats.atomic import NotARegularFile, written_file
from annotator.nlp.cluster import ShardError, _claim
from annotator.store.packages import package_path_problem

ODD = "two\nlines"


def _one_line(message: str) -> str:
    assert "\n" not in message, message
    assert "two\\x0alines" in message, message  # the break written as its escape
    return message


def test_an_export_onto_a_folder_with_a_line_break_in_its_name_is_refused_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / ODD
    folder.mkdir()
    with pytest.raises(NotARegularFile) as refused:
        written_file(folder)
    assert "is not a regular file (a folder)" in _one_line(str(refused.value))


def test_a_package_onto_a_file_with_a_line_break_in_its_name_is_refused_on_one_line(tmp_path: Path) -> None:
    taken = tmp_path / f"{ODD}.annotator"
    taken.write_text("someone's file", encoding="utf-8")
    assert "a package never replaces a file" in _one_line(package_path_problem(taken) or "")


def test_an_actor_file_of_the_wrong_shape_is_named_on_one_line(tmp_path: Path) -> None:
    actors = tmp_path / f"{ODD}.json"
    actors.write_text(json.dumps({"people": []}), encoding="utf-8")
    with pytest.raises(ActorFileError) as refused:
        read_actor_file(actors)
    assert ':1: expected {"actors": [...]}' in _one_line(str(refused.value))


def test_a_shard_folder_that_is_not_ours_is_named_on_one_line(tmp_path: Path) -> None:
    out = tmp_path / ODD
    out.mkdir()
    (out / "notes.txt").write_text("someone's notes", encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"text": "Kyiv said."}\n', encoding="utf-8")
    with pytest.raises(ShardError) as refused:
        _claim(out, corpus, {"name": "en_core_web_sm"}, 100)
    assert "is not empty and holds no shards of ours" in _one_line(str(refused.value))
