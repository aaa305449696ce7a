"""The house keeps its rooms: no circle between them, layers point one way, a short top.

Every module's imports are read with `ast` (at the top, inside functions and in TYPE_CHECKING
blocks alike): a room is a sub-package of `annotator/` (`ui`'s wings each count as one), and the
modules at the top are the base, except the two entry points (`__main__`, `selftest`), which
start the whole application and so may import any room.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "annotator"

#: The top of `annotator/`: the base every room may use, and the two entry points.
BASE = {"__init__", "settings", "records", "text", "tokens", "passages", "streaming"}
ENTRY = {"__main__", "selftest"}
#: The rooms that run the work: peers, each may use the layers below and another peer (no circle).
WORKFLOW = {"export", "search", "review", "learn", "nlp", "importing", "guidelines", "actors", "packages"}
#: What each lower room may import besides itself. `formats` reads and writes files with what the
#: export loop hands it (`formats.base.WriteContext`), never the schemes or the project's choices:
#: those are the workflow's to read. `schemes` turns the stored scheme into labels, link types and
#: categories; it reads the store it is given.
BELOW = {
    "base": {"base"},
    "store": {"base"},
    "formats": {"store", "base"},
    "schemes": {"store", "base"},
    **{room: WORKFLOW | {"formats", "schemes", "store", "base"} for room in WORKFLOW},
}
#: Rooms that may import anything below them (the application's faces).
TOP = {"cli", *ENTRY, "ui", "ui.shell", "ui.annotate", "ui.review"}

#: Known breaks of the layer order, each with where it is and what ends it. The test fails when
#: one is gone (remove it here) as well as when a new one appears.
KNOWN = {
    ("store", "schemes"): "store/links.py parses the link-type setting with schemes.links; "
    "ends when the store is composed into named parts (issue 24)",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def room_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:  # `annotator` itself
        return "base"
    if is_module(".".join(parts[:2])) and (PACKAGE / parts[1]).is_dir():
        if parts[1] == "ui" and len(parts) > 2 and (PACKAGE / "ui" / parts[2]).is_dir():
            return f"ui.{parts[2]}"
        return parts[1]
    return parts[1] if parts[1] in ENTRY else "base"  # each entry point a room of its own


@cache
def imports_of(path: Path) -> tuple[tuple[str, int], ...]:
    """Every annotator module `path` imports, with the line: anywhere in the file."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "annotator"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            if base.split(".")[0] != "annotator":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if is_module(sub) else base, node.lineno))
    return tuple(found)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def room_edges() -> dict[tuple[str, str], list[str]]:
    """(from room, to room) -> where, `annotator/x/y.py:LINE`."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in modules():
        source = room_of(module_name(path))
        for target, line in imports_of(path):
            if (to := room_of(target)) != source:
                edges.setdefault((source, to), []).append(f"{path.relative_to(ROOT)}:{line}")
    return edges


def test_the_graph_is_read_from_every_kind_of_import():
    """Imports inside functions and TYPE_CHECKING blocks count: a cycle hidden in one still runs."""
    edges = room_edges()
    assert ("cli", "export") in edges  # the commands, imported inside functions
    assert all(room in TOP | set(BELOW) for pair in edges for room in pair), sorted(edges)


def cycles_in(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle a depth-first walk of `graph` meets, each as the path that closes it."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_circle_between_rooms():
    edges = room_edges()
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    cycles = cycles_in(graph)
    assert cycles == [], [" -> ".join(c) + f" (first: {edges[(c[-2], c[-1])][0]})" for c in cycles]


def test_layers_point_one_way():
    """ui and cli use anything; the workflow rooms use formats, schemes, store and the base;
    formats use the store and the base; the store only the base."""
    broken = {
        pair: where for pair, where in room_edges().items() if pair[0] not in TOP and pair[1] not in BELOW[pair[0]]
    }
    new = {f"{a} -> {b}": where for (a, b), where in broken.items() if (a, b) not in KNOWN}
    assert new == {}, "an import against the layer order (ui, cli -> workflow -> formats -> store -> base)"
    gone = [f"{a} -> {b}" for a, b in KNOWN if (a, b) not in broken]
    assert gone == [], "no longer broken: remove it from KNOWN in tests/test_layout.py"


def test_formats_never_reach_the_workflow():
    """A format cannot query the project: no import of export, review, nlp, search or learn."""
    reached = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in (PACKAGE / "formats").rglob("*.py")
        for target, line in imports_of(path)
        if room_of(target) in WORKFLOW | {"schemes"}
    ]
    assert reached == []


def nodes_outside(room: str) -> Iterator[tuple[str, ast.AST]]:
    """Every syntax node of every module outside `annotator/ROOM/`, with the module's path."""
    for path in modules():
        if not path.is_relative_to(PACKAGE / room):
            where = str(path.relative_to(ROOT))
            yield from ((where, node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def test_qt_only_in_the_ui():
    offenders = [
        f"{where}:{node.lineno}"
        for where, node in nodes_outside("ui")
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
        if name.split(".")[0] == "PySide6"
    ]
    assert offenders == []


def test_sql_only_in_the_store():
    """No `execute(`, `executemany(` or `executescript(` outside `annotator/store/`."""
    offenders = [
        f"{where}:{node.lineno}"
        for where, node in nodes_outside("store")
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executemany", "executescript")
    ]
    assert offenders == []


def test_the_top_of_annotator_holds_only_the_base():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    extra = sorted(top - BASE - ENTRY)
    assert extra == [], (
        f"annotator/{extra[0]}.py is a new module at the top of annotator/: find its room "
        "(cli, importing, export, formats, search, nlp, schemes, store, review, learn, ui; "
        "docs/layout.md names what each holds) and put it there"
    )
    assert len(top) <= 10
