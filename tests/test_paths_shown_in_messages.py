"""A file or folder name with a line break in it stays on one line in every message that names it
(`text.path_shown`), so `PATH: reason` and `FILE:LINE: reason` remain one line a script can split:
the refusals of an export's destination, a package's file, an actor file and a shard folder, and every
other message that names a file or folder. A path in a command to paste (`annotator --db PATH restore`)
is quoted for a shell and stays on one line too (`text.path_in_command`)."""

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


# -- every other message that names a file or folder, module by module ------------------------------


def _project(tmp_path: Path, name: str = ODD) -> Path:
    from annotator.store import Store

    path = tmp_path / f"{name}.annotator.sqlite"
    Store.create(path).close()
    return path


def _run(*args: object):
    from click.testing import CliRunner

    from annotator.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_packages_folder_that_is_not_ours_is_named_on_one_line(tmp_path: Path) -> None:
    from annotator.packages.make import _check_folder
    from annotator.store import StoreError

    out = tmp_path / ODD
    out.mkdir()
    (out / "notes.txt").write_text("someone's notes", encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        _check_folder(out, "a-project", [])
    assert "the folder holds files Annotator did not write" in _one_line(str(refused.value))


def test_a_model_output_that_is_a_file_is_named_on_one_line(tmp_path: Path) -> None:
    from annotator.learn.models import ModelFolderError, check_output

    taken = tmp_path / ODD
    taken.write_text("someone's file", encoding="utf-8")
    with pytest.raises(ModelFolderError) as refused:
        check_output(taken)
    assert "is a file; choose a folder for the model" in _one_line(str(refused.value))


def test_a_restore_from_a_file_that_is_no_backup_is_refused_on_one_line(tmp_path: Path) -> None:
    project = _project(tmp_path, "plain")
    stranger = tmp_path / ODD
    stranger.write_text("not a database at all, just some text that is long enough", encoding="utf-8")
    result = _run("--db", project, "restore", "--from", stranger)
    assert result.exit_code != 0
    message = result.output.strip().removeprefix("Error: ")
    assert "cannot restore from" in _one_line(message)


def test_a_restore_of_a_project_without_backups_is_refused_on_one_line(tmp_path: Path) -> None:
    result = _run("--db", _project(tmp_path), "restore")
    assert result.exit_code != 0
    assert "no backups of" in _one_line(result.output.strip().removeprefix("Error: "))


def test_an_empty_guidelines_file_is_named_on_one_line(tmp_path: Path) -> None:
    from annotator.guidelines.document import GuidelinesError, read_guidelines

    empty = tmp_path / f"{ODD}.md"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(GuidelinesError) as refused:
        read_guidelines(empty)
    assert ": empty; nothing was saved" in _one_line(str(refused.value))


def test_a_data_card_that_cannot_be_written_is_named_on_one_line(tmp_path: Path, monkeypatch) -> None:
    import annotator.guidelines.card as card
    from tests.test_trainees import team_project

    def cannot(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(card, "write_card", cannot)
    project = tmp_path / "p.annotator.sqlite"
    team_project(project)
    out = tmp_path / f"{ODD}.textcat.jsonl"
    result = _run("--db", project, "export", out, "--format", "textcat", "--gold", "--skip-undecided", "--json")
    (warning,) = [w for w in json.loads(result.stdout)["warnings"] if "data card" in w]
    assert ".card.md: the data card could not be written" in _one_line(warning)


def test_an_unknown_annotator_names_the_project_on_one_line(tmp_path: Path) -> None:
    from annotator.export.rule import ExportRefused, choose_rule
    from annotator.store import Store

    with Store.open(_project(tmp_path)) as store, pytest.raises(ExportRefused) as refused:
        choose_rule(store, "jsonl", annotator="nobody")
    assert "no annotator 'nobody' in" in _one_line(str(refused.value))


def test_the_shards_summary_names_its_folder_on_one_line_and_quoted_to_paste(tmp_path: Path) -> None:
    from annotator.nlp.cluster import ShardSummary

    said = _one_line(ShardSummary(tmp_path / ODD, written=1, records=2).describe())
    assert said.endswith("two\\x0alines'"), said  # `annotator import '…/two\x0alines'`: quoted for a shell
    assert "Import them with: annotator import '" in said


def test_a_missing_corpus_is_named_on_one_line(tmp_path: Path) -> None:
    from annotator import settings
    from annotator.nlp.cluster import ShardError, write_shards

    with pytest.raises(ShardError) as refused:
        write_shards(tmp_path / ODD, tmp_path / "out", pipeline=settings.RULES_PIPELINE)
    assert ": no such file" in _one_line(str(refused.value))


def test_a_locked_project_is_named_on_one_line(tmp_path: Path) -> None:
    from annotator.store.lock import ProjectInUse, lock_project

    project = _project(tmp_path)
    with lock_project(project), pytest.raises(ProjectInUse) as refused:
        lock_project(project)
    assert "is already open in another Annotator window" in _one_line(str(refused.value))


def test_the_way_back_after_label_all_is_one_line_to_paste(tmp_path: Path) -> None:
    from annotator.search.hits import HitCount
    from annotator.search.report import SearchOutcome

    outcome = SearchOutcome("Kyiv", None, HitCount(0, 0, True))
    outcome.project, outcome.backup = tmp_path / f"{ODD}.annotator.sqlite", tmp_path / "b.annotator.sqlite"
    (_, command) = outcome.way_back()
    assert command.startswith("  annotator --db '"), command
    _one_line(command)


def test_a_missing_article_names_the_project_on_one_line(tmp_path: Path) -> None:
    from annotator.store import Store, StoreError

    with Store.open(_project(tmp_path)) as store, pytest.raises(StoreError) as refused:
        store.articles.article(999)
    assert "no article 999 in" in _one_line(str(refused.value))


def test_a_backup_onto_the_project_itself_is_refused_on_one_line(tmp_path: Path) -> None:
    from annotator.store import Store, StoreError

    project = _project(tmp_path)
    with Store.open(project) as store, pytest.raises(StoreError) as refused:
        store.backup(project)
    assert "a backup cannot replace the project itself" in _one_line(str(refused.value))


def test_the_restore_hint_is_one_line_to_paste(tmp_path: Path) -> None:
    from annotator.store.errors import restore_hint

    assert restore_hint(tmp_path / ODD).startswith("annotator --db '")
    _one_line(restore_hint(tmp_path / ODD))


def test_an_actor_file_loaded_is_named_on_one_line(tmp_path: Path) -> None:
    actors = tmp_path / f"{ODD}.json"
    actors.write_text(json.dumps({"actors": [{"name": "Ada Lovelace", "kind": "person"}]}), encoding="utf-8")
    result = _run("--db", _project(tmp_path, "plain"), "actors", "--load", actors)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if "actors added" in line]
    _one_line(line)


def test_a_screenshot_written_is_named_on_one_line(tmp_path: Path, qtbot, capsys) -> None:
    from PySide6.QtWidgets import QLabel

    from annotator.ui.shell.app import grab_to_png

    widget = QLabel("Kyiv said.")
    qtbot.addWidget(widget)
    assert grab_to_png(widget, tmp_path / f"{ODD}.png") == 0
    assert _one_line(capsys.readouterr().out.strip()).startswith("wrote ")
