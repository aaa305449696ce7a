"""packaging/system-deps.sh finds the Debian packages Qt's xcb platform needs from what it links,
and `make run` / `make test` run it every time; `make run` never hides a missing display."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "packaging" / "system-deps.sh"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Debian packages")


def script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], cwd=ROOT, env=env or dict(os.environ), capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),  # the two the issue found missing
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),  # a name ending in a digit takes a hyphen
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libGL.so.1", "libgl1"),
        ("libEGL.so.1", "libegl1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libGLdispatch.so.0", "libglvnd0"),
    ],
)
def test_a_library_is_mapped_to_its_debian_package(soname, package):
    assert script("--package-for", soname).stdout.strip() == package


@linux_only
def test_a_library_the_xcb_plugin_cannot_find_is_installed(tmp_path):
    """ldd reports what the plugin links but the system lacks; the script installs its package."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ldd").write_text(
        "#!/bin/sh\n"
        "echo '\tlibxcb-icccm.so.4 => not found'\n"
        "echo '\tlibxkbcommon-x11.so.0 => not found'\n"
        "echo '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x0)'\n"
    )
    (fake / "ldd").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "SYSTEM_DEPS_DRY_RUN": "1"}
    done = script(sys.executable, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(":", 1)[1].split() == ["libxcb-icccm4", "libxkbcommon-x11-0"]


@linux_only
@pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian system")
def test_after_set_up_nothing_the_window_links_is_missing():
    """`make test` ran the script: every library of the xcb plugin resolves, and Xvfb is there."""
    done = script("--test", sys.executable, env={**os.environ, "SYSTEM_DEPS_DRY_RUN": "1"})
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


SHOW_PLATFORM = "show-platform: ; @echo platform=$$QT_QPA_PLATFORM"


def make_dry_run(target: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", target], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_run_and_test_check_the_system_every_time_and_run_never_forces_offscreen():
    unset = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")  # as typed at a shell
    env = {k: v for k, v in os.environ.items() if k not in unset}
    run = make_dry_run("run", env)
    assert "packaging/system-deps.sh" in run
    assert "offscreen" not in run
    # nor does the Makefile export a platform for its recipes: without a display the app says so and exits 2
    shown = subprocess.run(
        ["make", "--no-print-directory", "--eval", SHOW_PLATFORM, "show-platform"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.strip() == "platform="
    assert "packaging/system-deps.sh --test" in make_dry_run("test", env)
