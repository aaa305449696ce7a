"""Shared fixtures. Qt runs offscreen; user folders point into the test's temp dir."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _user_folders(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user's projects, settings and logs."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(home / "log"))
    monkeypatch.setenv("ANNOTATOR_NAME", "tester")
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@pytest.fixture(autouse=True)
def _docbins_pass_spacy_debug_data(monkeypatch, request):
    """Every DocBin our writer writes in any test passes `spacy debug data`'s checks of the data
    (`tests/spacy_debug.py`): nothing in it that is ours to fix. A test that stores tokens of its own
    (`docbin_own_tokens`) is not asked for spaCy's tokenization."""
    from annotator.formats.docbin import DocBinWriter

    written: list[bytes] = []
    finish = DocBinWriter.finish

    def checked_finish(self, handle):
        written.append(self.builder.to_bytes())
        finish(self, handle)

    monkeypatch.setattr(DocBinWriter, "finish", checked_finish)
    yield
    if written:
        from tests.spacy_debug import check_docbin

        own_tokens = request.node.get_closest_marker("docbin_own_tokens") is not None
        for data in written:
            check_docbin(data, tokens=not own_tokens)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "project.annotator.sqlite"


@pytest.fixture
def store(db_path):
    with Store.create(db_path) as opened:
        yield opened


@pytest.fixture
def cli(db_path):
    """Run `annotator --db <tmp project> ARGS...` in-process; returns click's Result."""
    runner = CliRunner()

    def invoke(*args: str, db: Path | None = None):
        return runner.invoke(main, ["--db", str(db or db_path), *map(str, args)], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def pipeline():
    """The real English pipeline, loaded once for the session."""
    from annotator.nlp.pipeline import load_pipeline

    return load_pipeline()


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def export_file(store, out, fmt: str | None = None, *, align=None, progress=None, cancelled=None, **choices):
    """`exporting.export` as the command runs it: the rule chosen from `choices` (`choose_rule`'s keywords)."""
    from annotator.export.rule import choose_rule
    from annotator.export.run import export, format_for

    rule = choose_rule(store, fmt or format_for(out), **choices)
    return export(store, out, rule, align=align, progress=progress, cancelled=cancelled)
