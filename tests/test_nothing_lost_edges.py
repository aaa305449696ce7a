"""Nothing lost at the edges (tester findings F3, F7, F15, F22, F24, F28): no export replaces a
folder or file it did not write, nothing writes through a link planted beside a project, a
restore never moves a file from under a running writer, backups survive a long pause and are
never written into."""

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store
from tests.nothing_lost import ROOT, labeled_project, labels


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


# -- F28: a restore never moves the project from under a running writer ---------------------------

#: A writer in another process (what `annotator import` is to the project): it opens the project,
#: says so, waits for a line on its input, adds a label and closes.
WRITER = """
import sys
from annotator.store import Store
with Store.open(sys.argv[1]) as store:
    print("writing", flush=True)
    sys.stdin.readline()
    store.statements.toggle_label(1, "ben", 0, 7, "offer")
print("saved", flush=True)
"""


def test_restore_is_refused_while_an_import_or_any_writer_has_the_project_open(project):
    assert run(project, "backup").exit_code == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(project)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        refused = run(project, "restore")
        assert refused.exit_code == 1, refused.output
        assert "in use by another program (an import, a window" in refused.output
        assert "Nothing was changed" in refused.output
        assert not list(project.parent.glob("*.damaged-*"))
        with Store.open(project) as second:  # a second writer still works beside the first
            second.statements.toggle_label(2, "ben", 0, 7, "offer")
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "saved"
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
        writer.stdout.close()
    assert labels(project) == 5, "both writers' labels are in the project, not in a copy moved aside"
    assert run(project, "restore").exit_code == 0  # once they are done, the restore goes ahead


# -- F15: a lock file planted as a link is never followed ------------------------------------------


@pytest.mark.parametrize("lock_name", ["{}.lock", ".{}.writers"])
def test_a_lock_file_that_is_a_link_is_refused_and_the_file_it_names_is_untouched(project, tmp_path, lock_name):
    from annotator.store import StoreError
    from annotator.store.lock import lock_project

    victim = tmp_path / "victim.txt"
    victim.write_text("IMPORTANT DOTFILE\n", encoding="utf-8")
    (tmp_path / lock_name.format(project.name)).symlink_to(victim)
    assert run(project, "backup").exit_code == 0

    restored = run(project, "restore")
    assert restored.exit_code == 1 and "is a link" in restored.output and "nothing was written" in restored.output
    if lock_name.endswith(".lock"):  # the window's way in
        with pytest.raises(StoreError, match="is a link"):
            lock_project(project)
    else:  # every writer's way in
        imported = run(project, "rules", "--reset")
        assert imported.exit_code == 1 and "is a link" in imported.output
    assert victim.read_text(encoding="utf-8") == "IMPORTANT DOTFILE\n"
    assert not list(tmp_path.glob("*.damaged-*"))


# -- F22: one backup after a long pause never deletes every older one ------------------------------


def test_a_backup_after_a_long_pause_keeps_the_newest_older_backups(project):
    from datetime import UTC, datetime

    from annotator.store import backups

    with Store.open(project) as store:
        for month in (6, 7, 8, 9, 10):
            backups.make_backup(store, datetime(2026, month, 1, tzinfo=UTC))
        store.conn.execute("DELETE FROM statement_labels")  # the last session wiped the labels by mistake
    done = run(project, "backup")
    assert done.exit_code == 0, done.output
    kept = backups.backups(project)
    assert len(kept) == 5 and "5 backups in" in done.output  # the newest 5, whatever their age
    assert [labels(b) for b in kept] == [3, 3, 3, 3, 0]
    assert run(project, "restore", "--from", kept[-2]).exit_code == 0
    assert labels(project) == 3

    assert run(project, "backup", "--keep-latest", "1").exit_code == 0  # asked for: old ones beyond it go
    today = datetime.now(UTC).strftime("%Y%m%d")
    assert [b.name[:8] for b in backups.backups(project)] == [today, today]


# -- F24: a backup is read, never written ----------------------------------------------------------


def test_a_backup_opened_as_the_project_is_only_read_and_says_how_to_restore_it(project, tmp_path):
    import hashlib

    from annotator.store import backups

    assert run(project, "backup").exit_code == 0
    backup = backups.backups(project)[-1]
    before = hashlib.sha1(backup.read_bytes()).hexdigest()
    jsonl = tmp_path / "v1.jsonl"
    jsonl.write_text('{"text": "Kyiv offered a pause."}\n', encoding="utf-8")

    for args in (["import", "--no-ner", jsonl], ["rules", "--reset"], ["restore"]):
        refused = run(backup, *args)
        assert refused.exit_code == 1, (args, refused.output)
        assert "it is a backup" in refused.output and "restore --from" in refused.output
    searched = run(backup, "search", "offered")  # reading works, and says why nothing is indexed or saved
    assert searched.exit_code == 0 and "it is a backup" in searched.output
    stats = run(backup, "stats")
    assert stats.exit_code == 0
    assert hashlib.sha1(backup.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name], "no -wal, -shm or lock beside it"


def test_an_export_removes_only_its_own_leftovers_never_a_user_file_named_alike(project, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = dead.stdout.strip()
    mine = tmp_path / f".out.jsonl.{pid}.mine.tmp"
    mine.write_text("my notes", encoding="utf-8")
    left = tmp_path / f".out.jsonl.{pid}.k3j_x9q2.tmp"  # what a killed export leaves
    left.write_text("half an export", encoding="utf-8")
    done = run(project, "export", tmp_path / "out.jsonl")
    assert done.exit_code == 0, done.output
    assert mine.read_text(encoding="utf-8") == "my notes" and not left.exists()


# -- F4: restore says each skipped backup once, without a project's recovery hint ------------------


def test_restore_names_each_bad_backup_once_and_never_advises_restoring_a_backup(project):
    from annotator.store import backups

    assert run(project, "backup").exit_code == 0
    folder = backups.backup_dir(project)
    good = backups.backups(project)[-1]
    truncated = folder / "29991231T000000000000Z.annotator.sqlite"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(project), "restore"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(truncated.name) == 1, done.stderr
    assert "Restore the latest backup with" not in done.stderr + done.stdout
    assert f"skipped {truncated}: damaged" in done.stderr


def test_restore_of_a_deleted_project_does_not_claim_it_kept_the_previous_file(project):
    assert run(project, "backup").exit_code == 0
    project.with_name(project.name + "-wal").write_bytes(b"")  # a stray -wal left beside a deleted project
    project.unlink()
    done = run(project, "restore")
    assert done.exit_code == 0, done.output
    assert "the previous file was kept" not in done.output
    assert "there was no project file, only its leftover -wal/-shm" in done.output
    assert labels(project) == 3
