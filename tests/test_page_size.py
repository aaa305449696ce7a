"""New projects are made with 16 KB pages (an import writes a quarter of the pages it wrote at 4 KB);
a project made before, with SQLite's 4 KB pages, goes on working as it was: imports, exports,
backups and restores, its pages left as they were."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store
from annotator.store.opening import PAGE_SIZE
from tests.nothing_lost import labeled_project, labels, page_size


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


def test_a_new_project_has_16_kb_pages(tmp_path):
    project = tmp_path / "p.annotator.sqlite"
    Store.create(project).close()
    assert page_size(project) == PAGE_SIZE == 16_384


def test_a_project_with_4_kb_pages_imports_exports_backs_up_and_restores(tmp_path, monkeypatch):
    import annotator.store.opening as opening

    monkeypatch.setattr(opening, "PAGE_SIZE", 4096)  # as every project was made before
    project = labeled_project(tmp_path / "old.annotator.sqlite", 20)
    monkeypatch.undo()
    assert page_size(project) == 4096

    src = tmp_path / "more.jsonl"
    src.write_text(
        "".join(
            json.dumps({"text": f"Moscow denied strikes {i}.", "spans": [{"start": 0, "end": 6, "label": "denial"}]})
            + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    assert run(project, "import", "--no-ner", "--annotator", "anna", src).exit_code == 0
    assert labels(project) == 50
    assert run(project, "backup").exit_code == 0
    out = tmp_path / "out.jsonl"
    exported = run(project, "export", out)
    assert exported.exit_code == 0, exported.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 50

    with sqlite3.connect(project) as conn:  # work lost after the backup…
        conn.execute("DELETE FROM statement_labels")
    conn.close()
    restored = run(project, "restore")
    assert restored.exit_code == 0, restored.output
    assert labels(project) == 50  # …comes back
    assert page_size(project) == 4096
    assert run(project, "check").exit_code == 0
