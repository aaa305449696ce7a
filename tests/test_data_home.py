"""One home for the work: `make run`'s sample project lives in the user's data folder, is every
command's default without --db, and `make clean` never deletes a project; the first labels earn
a backup of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from annotator import settings
from annotator.store import Store
from annotator.store.backups import backups, daily_backup
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def user_env(tmp_path) -> dict[str, str]:
    """A user with their own XDG data folder and nothing else set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTATOR_DATA_DIR") and k != "ANNOTATOR_DB"}
    return env | {"XDG_DATA_HOME": str(tmp_path / "xdg-data"), "QT_QPA_PLATFORM": "offscreen"}


def annotator(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_make_sample_puts_the_project_in_the_data_folder_and_the_cli_finds_it(tmp_path):
    env = user_env(tmp_path)
    made = subprocess.run(
        ["make", "--no-print-directory", "sample", "SAMPLE_ARGS=--no-ner"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    expected = tmp_path / "xdg-data" / "annotator" / settings.SAMPLE_PROJECT
    assert expected.is_file()
    assert f"sample project: {expected}" in made.stdout

    stats = annotator(env, "stats")  # no --db
    assert stats.returncode == 0, stats.stderr
    first = stats.stdout.splitlines()[0]
    assert str(expected) in first and "the last project the window (or make run) used" in first
    assert "articles     0" not in stats.stdout

    again = subprocess.run(
        ["make", "--no-print-directory", "sample"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "import" not in again.stderr  # made once: never imported twice

    # `make clean` (on a scratch copy of the clone's Makefile, so this clone keeps its venv) removes
    # what the build made and leaves the project: stats without --db still shows it, labels and all
    scratch = tmp_path / "clone"
    (scratch / "build" / "pyinstaller").mkdir(parents=True)
    (scratch / "dist").mkdir()
    shutil.copy(ROOT / "Makefile", scratch / "Makefile")
    cleaned = subprocess.run(
        ["make", "--no-print-directory", "clean", "VENV=.no-venv"], cwd=scratch, env=env, capture_output=True, text=True
    )
    assert cleaned.returncode == 0, cleaned.stdout + cleaned.stderr
    assert not (scratch / "build").exists() and not (scratch / "dist").exists()
    assert expected.is_file()
    after = annotator(env, "stats")
    assert after.returncode == 0 and after.stdout == stats.stdout


def test_without_a_project_the_message_names_the_default_and_why(tmp_path):
    env = user_env(tmp_path)
    result = annotator(env, "stats")
    assert result.returncode != 0
    assert "no such project (the default project: no project used yet; --db FILE names one)" in result.stderr
    assert "Traceback" not in result.stderr


def test_make_clean_stops_before_a_project(tmp_path):
    """Run on a copy of the Makefile in a scratch folder: a build/ holding a project is left alone."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "build").mkdir()
    project = tmp_path / "build" / "sample.annotator.sqlite"
    project.write_bytes(b"labels")
    result = subprocess.run(
        ["make", "--no-print-directory", "clean", "VENV=.no-venv"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert project.read_bytes() == b"labels"
    assert str(project.relative_to(tmp_path)) in result.stdout
    project.unlink()
    result = subprocess.run(
        ["make", "--no-print-directory", "clean", "VENV=.no-venv"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0 and not (tmp_path / "build").exists()


def test_the_first_labels_earn_a_backup_the_same_day(db_path):
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    with Store.create(db_path) as store:
        from annotator.records import IncomingRecord

        store.add_records([IncomingRecord("Kyiv offered a pause.", "t", "test", 1)], "importer")
        assert daily_backup(store, now=now) is not None  # the first start: an empty project
        assert daily_backup(store, now=now + timedelta(minutes=5)) is None  # nothing new: once a day
        (article,) = store.articles.article_ids()
        store.statements.set_statement(article, "anna", 0, 4, ["offer"])
        made = daily_backup(store, now=now + timedelta(minutes=20))
        assert made is not None and len(backups(db_path)) == 2  # the first minutes of work are kept
        assert daily_backup(store, now=now + timedelta(minutes=40)) is None
