"""The project lock, without Qt: one holder at a time; a lock whose holder is gone (a crash, a
kill -9, a power loss that left the file empty or garbled) is taken over, with a message."""

import os
import socket
import subprocess
import sys

import pytest

from annotator.store.lock import ProjectInUse, lock_path, lock_project
from tests.nothing_lost import ROOT, annotator, labeled_project


@pytest.fixture
def project(tmp_path):
    return labeled_project(tmp_path / "p.annotator.sqlite", 3)


def test_a_second_holder_is_refused_until_the_first_lets_go(project):
    first = lock_project(project)
    with pytest.raises(ProjectInUse, match=rf"already open in another Annotator window \(process {os.getpid()}\)"):
        lock_project(project)
    first.unlock()
    assert not lock_path(project).exists()
    lock_project(project).unlock()


@pytest.mark.parametrize(
    "left",
    [b"", b"\x00" * 4096, b"\xff\xfe garbage", b"12"],
    ids=["empty (power loss)", "zeros (power loss)", "garbled", "truncated"],
)
def test_a_lock_file_left_unreadable_is_taken_over_with_a_message(project, left):
    lock_path(project).write_bytes(left)
    lock = lock_project(project)
    assert lock.taken_over and "taken over" in lock.taken_over
    lock.unlock()


def test_a_lock_naming_a_process_that_is_gone_is_taken_over(project):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(project).write_text(f"{dead.stdout.strip()}\nannotator\n{socket.gethostname()}\n")
    lock = lock_project(project)
    assert f"a lock left by process {dead.stdout.strip()}, which is no longer running" in lock.taken_over
    lock.unlock()


def test_a_lock_held_on_another_computer_is_respected_and_says_how_to_free_it(project):
    lock_path(project).write_text("4242\nannotator\nanother-laptop\n")
    with pytest.raises(ProjectInUse, match="another computer \\(another-laptop, process 4242\\)") as caught:
        lock_project(project)
    assert str(lock_path(project)) in str(caught.value)


def test_a_holder_killed_with_sigkill_leaves_a_lock_the_next_one_takes_over(project):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom annotator.store.lock import lock_project\n"
            "lock = lock_project(sys.argv[1]); print('held', flush=True); time.sleep(600)",
            str(project),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(ProjectInUse, match=f"process {holder.pid}"):
        lock_project(project)
    holder.kill()
    holder.wait()
    holder.stdout.close()
    assert lock_path(project).exists()
    lock = lock_project(project)
    assert f"process {holder.pid}, which is no longer running" in lock.taken_over
    lock.unlock()


def test_restore_says_when_it_took_over_a_lock_left_by_a_power_loss(project):
    assert annotator("--db", project, "backup").returncode == 0
    lock_path(project).write_bytes(b"")
    done = annotator("--db", project, "restore")
    assert done.returncode == 0, done.stderr
    assert "note: " in done.stderr and "empty or unreadable lock file" in done.stderr
    assert not lock_path(project).exists()
