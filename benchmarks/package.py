"""The packaged app (dist/annotator/, built by `make package`): start-up and size.

- start-up: from process start until the first window has been laid out, painted and grabbed
  (`annotator gui --screenshot`, timed to its "wrote" line, so interpreter shutdown is not
  counted), on a project with the pre-annotated seed articles. Target: 2 s. Baseline: a bare
  PySide6 window with one label, started by this Python and timed the same way;
- the size of the folder (target: 250 MB).

Skipped, with a note, when dist/annotator does not exist.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from annotator import settings
from benchmarks import Result

SUITE = "package"
DIST = Path(__file__).resolve().parent.parent.parent / "dist" / settings.APP
START_TARGET_S = 2.0
SIZE_TARGET_MB = 250.0

HELLO = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
window = QLabel("hello")
window.resize(1280, 800)
window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
window.show()
for _ in range(5):
    app.processEvents()
window.grab().save(sys.argv[1])
print("wrote", sys.argv[1], flush=True)
"""


def executable(dist: Path = DIST) -> Path | None:
    exe = dist / (f"{settings.APP}.exe" if sys.platform == "win32" else settings.APP)
    return exe if exe.exists() else None


def folder_size(folder: Path) -> int:
    """Bytes of the files in `folder`, symlinks not followed."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def isolated_env(workdir: Path) -> dict[str, str]:
    """The user's folders (projects, logs, Qt settings) pointed into `workdir`; offscreen without a display."""
    env = dict(os.environ)
    env.update(
        ANNOTATOR_DATA_DIR=str(workdir / "data"),
        ANNOTATOR_LOG_DIR=str(workdir / "log"),
        ANNOTATOR_NAME="bench",
        XDG_CONFIG_HOME=str(workdir / "config"),
    )
    env.pop("ANNOTATOR_DB", None)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def time_to_window(command: list[str], env: dict[str, str], timeout: float = 60) -> float:
    """Seconds from starting `command` until it prints its "wrote <png>" line."""
    t0 = time.perf_counter()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("wrote "):
                elapsed = time.perf_counter() - t0
                break
        else:
            proc.wait(timeout)
            raise RuntimeError(f"{command[0]} exited with {proc.returncode} before showing its window")
        proc.stdout.read()
        if proc.wait(timeout):
            raise RuntimeError(f"{command[0]} exited with {proc.returncode}")
    return elapsed


def run(workdir: Path, quick: bool) -> list[Result]:
    exe = executable()
    if exe is None:
        return [Result(SUITE, "skipped: no dist/annotator (run make package)", 0.0, note=f"no {DIST}")]
    env = isolated_env(workdir)
    project = workdir / f"bench{settings.PROJECT_SUFFIX}"
    for leftover in workdir.glob(f"{project.name}*"):
        leftover.unlink()
    subprocess.run(
        [str(exe), "--db", str(project), "import", str(settings.SEEDS)], env=env, check=True, capture_output=True
    )

    png = workdir / "window.png"
    ours_cmd = [str(exe), "--db", str(project), "gui", "--screenshot", str(png)]
    bare_cmd = [sys.executable, "-c", HELLO, str(workdir / "hello.png")]
    first = time_to_window(ours_cmd, env)  # the first start after the import: files partly in the page cache
    best_ours = best_bare = float("inf")
    for _ in range(3 if quick else 5):
        best_bare = min(best_bare, time_to_window(bare_cmd, env))
        best_ours = min(best_ours, time_to_window(ours_cmd, env))
    size_mb = folder_size(DIST) / 1e6
    return [
        Result(
            SUITE,
            "first window, packaged app",
            best_ours,
            target=START_TARGET_S,
            note=f"best of {3 if quick else 5}; first start {first:.2f} s",
        ),
        Result(SUITE, "first window vs bare PySide6 window", best_ours, baseline=best_bare),
        Result(SUITE, "folder size", size_mb, unit="MB", target=SIZE_TARGET_MB, note=str(DIST)),
    ]
