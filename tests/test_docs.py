"""The docs hold to the code: every command and format has its entry, the generated text is fresh,
the README is a door, and every link, image and path the pages name exists."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import formats
from annotator.cli import reference
from annotator.formats.base import Format
from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_generated_docs_are_fresh():
    assert reference.stale() == [], "run python -m annotator.cli.reference and commit docs/"


def test_the_check_mode_says_so_and_exits_0_when_fresh():
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli.reference", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, "")


def test_every_command_has_its_entry_with_help():
    page = text(DOCS / "cli.md")
    contexts = list(reference.commands())
    assert len(contexts) > 10
    for ctx in contexts:
        assert f"\n## {ctx.command_path}\n" in page, f"{ctx.command_path} has no entry in docs/cli.md"
        assert (ctx.command.help or "").strip(), f"{ctx.command_path} has no help text"


def test_every_command_is_named_in_a_guide():
    """Beyond its generated entry, each command is shown in use on a hand-written page."""
    guides = " ".join(text(p) for p in [ROOT / "README.md", *PAGES] if p.name != "cli.md")
    missing = [ctx.command_path for ctx in reference.commands() if ctx.command_path not in guides]
    assert missing == []


def test_every_format_has_its_row_in_docs_formats():
    page = text(DOCS / "formats.md")
    for fmt in formats.all_formats():
        assert f"| {fmt.title} | `{fmt.name}` |" in page, f"{fmt.name} has no row in docs/formats.md"


def test_a_new_command_or_format_makes_the_docs_stale(tmp_path):
    for name in ("cli.md", "formats.md"):
        shutil.copy(DOCS / name, tmp_path / name)
    assert reference.stale(tmp_path) == []
    formats.register(Format(name="tiny-doc", title="Tiny doc", suffixes=(".tinydoc",), read=lambda p, c: []))
    try:
        # its row in the table, and its name in `annotator import --help`
        assert reference.stale(tmp_path) == [tmp_path / "cli.md", tmp_path / "formats.md"]
    finally:
        formats.unregister("tiny-doc")
    (tmp_path / "cli.md").write_text(text(DOCS / "cli.md").replace("\n## annotator train\n", "\n"), encoding="utf-8")
    assert reference.stale(tmp_path) == [tmp_path / "cli.md"]


def test_the_formats_table_keeps_its_markers(tmp_path):
    (tmp_path / "formats.md").write_text("# Formats\n\nno table here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lost its markers"):
        reference.with_table(text(tmp_path / "formats.md"))


def test_the_readme_is_a_door():
    lines = text(ROOT / "README.md").splitlines()
    assert len(lines) <= 300
    top = "\n".join(lines[:8])
    assert "make run" in top and "make test" in top
    assert "## A first session" in lines


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_every_link_and_image_resolves(page):
    broken = []
    for target in LINK.findall(text(page)):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(target)
        elif anchor and resolved.suffix == ".md":
            headings = {
                re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
                for line in text(resolved).splitlines()
                if line.startswith("#")
            }
            if anchor not in headings:
                broken.append(target)
    assert broken == []


def test_every_page_is_linked_from_the_docs_index():
    index = text(DOCS / "README.md")
    assert [p.name for p in PAGES if p.name != "README.md" and f"({p.name})" not in index] == []


def test_every_path_docs_layout_names_exists():
    """A newcomer's map that points at a moved file is worse than none."""
    missing = []
    for line in text(DOCS / "layout.md").splitlines():
        cells = line.split("|")
        room = re.search(r"`([^`]+/)`", cells[1]) if len(cells) > 2 else None
        for name in re.findall(r"`([^`\s]+)`", line):
            if "/" not in name and not name.endswith(".py"):
                continue
            bases = [ROOT, ROOT / "annotator", *([ROOT / room.group(1)] if room else [])]
            found = any((base / name).exists() for base in (bases if "/" in name else bases[2:]))
            if not found:
                missing.append(name)
    assert missing == []


def test_docs_layout_answers_the_twelve_questions():
    page = text(DOCS / "layout.md")
    where = page.split("## Where each behaviour lives", 1)[1]
    rows = [line for line in where.splitlines() if line.startswith("| ") and "`annotator/" in line]
    assert len(rows) >= 12
    for behaviour in (
        "textcat export rule",
        "S-key speaker linking",
        "Label Studio relation",
        "backup pruning",
        "FTS5 index",
        "uncertainty order",
        "category rule",
        "CoNLL writer",
        "Dask cluster",
        "untrusted input",
        "export account",
        "keyboard map",
    ):
        assert behaviour in where, behaviour
