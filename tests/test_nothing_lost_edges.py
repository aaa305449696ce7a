"""Nothing lost at the edges (tester findings F3, F7, F15, F22, F24, F28): no export replaces a
folder or file it did not write, nothing writes through a link planted beside a project, a
restore never moves a file from under a running writer, backups survive a long pause and are
never written into."""

import shutil

import pytest
from click.testing import CliRunner

from annotator.cli import main
from tests.nothing_lost import ROOT, labeled_project


def run(project, *args):
    return CliRunner().invoke(main, ["--db", str(project), *map(str, args)])


@pytest.fixture
def project(tmp_path):
    return labeled_project(tmp_path / "p.annotator.sqlite", 3)


# -- F7: a folder export replaces only a folder an export wrote ------------------------------------


def test_a_brat_export_never_replaces_a_folder_of_the_users_own_text_files(project, tmp_path):
    corpus = shutil.copytree(ROOT / "seeds", tmp_path / "corpus")
    before = sorted(p.name for p in corpus.iterdir())
    thesis = tmp_path / "precious"
    thesis.mkdir()
    (thesis / "thesis.txt").write_text("my thesis", encoding="utf-8")
    (thesis / "thesis.ann").write_text("T1\tclaim 0 2\tmy\n", encoding="utf-8")

    for folder in (corpus, thesis):
        done = run(project, "export", "--format", "brat", folder)
        assert done.exit_code == 1, done.output
        assert "was not written by an Annotator export" in done.output and "left as it was" in done.output
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert (thesis / "thesis.txt").read_text(encoding="utf-8") == "my thesis"


def test_a_brat_export_replaces_its_own_earlier_export_and_an_empty_folder(project, tmp_path):
    out = tmp_path / "brat"
    out.mkdir()  # made by the user for it: nothing to lose
    assert run(project, "export", "--format", "brat", out).exit_code == 0
    assert (out / ".annotator-export").read_text(encoding="utf-8").startswith("Annotator export folder")
    (out / "000002.txt").unlink()
    again = run(project, "export", "--format", "brat", out)
    assert again.exit_code == 0, again.output
    assert (out / "000002.txt").exists()

    (out / "notes.txt").write_text("mine", encoding="utf-8")  # a .txt the export did not write is still brat's
    (out / ".annotator-export").unlink()  # …but without the marker the folder is no longer ours
    refused = run(project, "export", "--format", "brat", out)
    assert refused.exit_code == 1 and (out / "notes.txt").exists()


# -- F3: no export replaces the lock; a link to the project shares its lock --------------------------


def test_an_export_never_replaces_the_lock_of_a_window_so_restore_stays_refused(project, tmp_path):
    from annotator.store.lock import lock_path, lock_project

    window = lock_project(project)  # a window has the project open
    try:
        held = lock_path(project).read_bytes()
        for out in (lock_path(project), tmp_path / "p.annotator.sqlite.damaged-20261129T120000000000Z"):
            done = run(project, "export", "--format", "csv", out)
            assert done.exit_code == 1 and "an export never writes over a project" in done.output, done.output
        assert lock_path(project).read_bytes() == held
        assert run(project, "backup").exit_code == 0
        refused = run(project, "restore")
        assert refused.exit_code == 1 and "already open in another Annotator window" in refused.output
    finally:
        window.unlock()


def test_a_link_to_the_project_shares_its_lock_and_restore_writes_the_real_file(project, tmp_path):
    from annotator.store.lock import lock_project

    link = tmp_path / "shortcut.annotator.sqlite"
    link.symlink_to(project)
    assert run(project, "backup").exit_code == 0
    window = lock_project(project)
    try:
        refused = run(link, "restore")
        assert refused.exit_code == 1 and "already open" in refused.output, refused.output
    finally:
        window.unlock()
    assert run(link, "restore").exit_code == 0
    assert link.is_symlink() and link.resolve() == project.resolve()
