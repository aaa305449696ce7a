"""Fault injection: `kill -9` at random moments of backup, restore and export, then a restore.

After every kill: the project is never empty nor partial, every backup under a backup's name is
a whole, sound project, and no confirmed action is lost — it is in the project, or (when the
restore went back to a backup) in the old project kept aside. Each test prints its line of the
table in docs/nothing-lost.md: fault, runs, killed before the end, actions lost.
"""

import json
import random
import signal
import subprocess
import sys
import time

import pytest

from annotator.store import Store, backups
from tests.nothing_lost import ROOT, annotator, confirm_in_wal, labeled_project, labels

RUNS = 20
ARTICLES = 10_000


def command(project, *args):
    return [sys.executable, "-m", "annotator", "--db", str(project), *map(str, args)]


def duration(cmd):
    started = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.monotonic() - started


def kill_at_random(cmd, seconds, rng):
    """Start `cmd`, SIGKILL it after a random time up to a little more than it needs; True if it
    was still running (killed mid-way)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.3 * seconds, 1.05 * seconds))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return proc.returncode == -signal.SIGKILL


def confirm(project, n):
    """One more confirmed action (a committed label), made the way the window makes it."""
    with Store.open(project) as store:
        store.statements.toggle_label(1 + n % ARTICLES, "ben", 0, 7, "offer")


def asides(project):
    return sorted(
        p
        for kind in ("damaged", "before-restore")
        for p in project.parent.glob(f"{project.name}.{kind}-*")
        if not p.name.endswith(("-wal", "-shm"))
    )


def restore_and_check(project, confirmed):
    """Restore; the project is the newest sound backup, and what it lacks is in the file kept aside.
    Returns the number of confirmed actions lost (found neither in the project nor aside)."""
    newest = labels(backups.backups(project)[-1])
    done = annotator("--db", project, "restore")
    assert done.returncode == 0, done.stderr
    assert labels(project) == newest
    kept = labels(asides(project)[-1])
    assert kept is not None
    return max(0, confirmed - max(newest, kept))


def report(fault, runs, killed, lost):
    print(f"\nfault-injection | {fault} | {runs} runs | {killed} killed mid-way | {lost} actions lost")


@pytest.mark.slow
def test_backup_killed_at_random_moments(tmp_path):
    project = labeled_project(tmp_path / "p.annotator.sqlite", ARTICLES)
    assert annotator("--db", project, "backup").returncode == 0
    seconds = duration(command(project, "backup"))
    rng = random.Random(14)
    confirmed, killed, lost = ARTICLES, 0, 0
    for run in range(RUNS):
        confirm(project, run)
        confirmed += 1
        killed += kill_at_random(command(project, "backup"), seconds, rng)
        assert all(labels(b) is not None for b in backups.backups(project)), "a partial backup has a backup's name"
        lost += restore_and_check(project, confirmed)
        confirmed = labels(project)
    report("kill -9 during `annotator backup`, then restore", RUNS, killed, lost)
    assert lost == 0


@pytest.mark.slow
def test_restore_killed_at_random_moments(tmp_path):
    project = labeled_project(tmp_path / "p.annotator.sqlite", ARTICLES)
    assert annotator("--db", project, "backup").returncode == 0
    seconds = duration(command(project, "restore"))
    rng = random.Random(15)
    killed, lost = 0, 0
    for run in range(RUNS):
        confirm(project, run)
        assert annotator("--db", project, "backup").returncode == 0
        confirm_in_wal(project, 1 + run, "denial")  # and one more, only in the -wal, not in any backup
        confirmed = labels(project)
        killed += kill_at_random(command(project, "restore"), seconds, rng)
        assert not project.exists() or labels(project) in (confirmed, confirmed - 1)  # never empty or partial
        done = annotator("--db", project, "restore")
        assert done.returncode == 0, done.stderr
        assert labels(project) == confirmed - 1  # the newest backup, whole
        kept = [labels(a) for a in asides(project)]
        assert None not in kept, "a file kept aside cannot be read"
        lost += 0 if confirmed in kept else 1
    report("kill -9 during `annotator restore`, then restore", RUNS, killed, lost)
    assert lost == 0


@pytest.mark.slow
def test_export_killed_at_random_moments(tmp_path):
    project = labeled_project(tmp_path / "p.annotator.sqlite", ARTICLES)
    assert annotator("--db", project, "backup").returncode == 0
    out = tmp_path / "out.jsonl"
    out.write_text('{"old": true}\n', encoding="utf-8")
    seconds = duration(command(project, "export", tmp_path / "first.jsonl"))
    rng = random.Random(16)
    confirmed, killed, lost = ARTICLES, 0, 0
    whole = {1}  # OUT holds the old file, or the whole of one of the exports so far
    for run in range(RUNS):
        confirm(project, run)
        confirmed += 1
        with Store.open(project, readonly=True) as store:
            whole.add(store.count_export_rows())
        killed += kill_at_random(command(project, "export", out), seconds, rng)
        assert labels(project) == confirmed  # an export never writes to the project
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) in whole and json.loads(lines[-1]), "a partial export under OUT's name"
        if run % 5 == 4:  # and the backups still restore
            assert annotator("--db", project, "backup").returncode == 0
            lost += restore_and_check(project, confirmed)
    report("kill -9 during `annotator export`, then restore", RUNS, killed, lost)
    assert lost == 0
