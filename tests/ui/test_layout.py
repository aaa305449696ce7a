"""The rooms of `annotator/ui/` hold: shell ← annotate, review; no import cycles; settings read in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.test_layout import cycles_in

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "annotator"
UI = PACKAGE / "ui"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every annotator module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("annotator"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("annotator"))
    return found


def ui_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in UI.rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_ui_has_its_three_wings():
    wings = {p.name for p in UI.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert wings == {"shell", "annotate", "review"}
    assert [p.name for p in UI.glob("*.py")] == ["__init__.py"], "every ui module lives in a wing"


def test_no_import_cycles_in_the_ui():
    assert cycles_in(ui_graph()) == []


def test_wings_point_one_way():
    """The shell serves both wings and knows neither; review knows nothing of the annotation window."""
    for name, targets in ui_graph().items():
        if ".ui.shell" in name:
            assert not [t for t in targets if ".ui.annotate" in t or ".ui.review" in t], name
        if ".ui.review" in name:
            assert not [t for t in targets if ".ui.annotate" in t], name


def test_window_settings_keys_live_in_one_module():
    """No QSettings key is spelled outside window_settings.py."""
    key_call = re.compile(r"""\.(value|setValue|remove)\(\s*f?["']""")
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in UI.rglob("*.py")
        if p.name != "window_settings.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if key_call.search(line)
    ]
    assert offenders == []


def test_the_environment_is_read_in_annotator_settings_only():
    read = re.compile(r"""environ(\.get\(|\[)\s*["']ANNOTATOR_(NAME|DB|THEME)""")
    offenders = [
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*.py")
        if p.name != "settings.py" and read.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert [p.name for p in (PACKAGE / "cli").glob("*.py") if "envvar" in p.read_text(encoding="utf-8")] == []
