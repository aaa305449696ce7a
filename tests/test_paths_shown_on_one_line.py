"""A path the command line prints stays on one line, whatever the file is called.

Anna's project is `new<line break>proj.sqlite` (a name pasted from a chat): `import`, `export`,
`stats`, `check` and `backup` each said it over two lines (`… into new` / `proj.sqlite`), so a script
reading one line per fact read two. Every path now goes through `text.path_shown`, as `FILE:LINE`
messages did already: a line break, tab, ESC or bidi control in it is written as its escape.
"""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli import main
from annotator.text import path_shown
from tests.conftest import write_jsonl


def run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)


def one_line_with(output: str, start: str, escaped: str) -> None:
    """The line that starts with `start` holds the path's escaped form, and no line is its tail."""
    (line,) = [line for line in output.splitlines() if line.startswith(start)]
    assert escaped in line, line
    assert not any(line.startswith("proj.sqlite") or line.startswith("ut.jsonl") for line in output.splitlines())


def test_the_helper_escapes_what_would_break_or_rewrite_the_line():
    assert path_shown("new\nproj.sqlite") == "new\\x0aproj.sqlite"
    assert path_shown("a\tb\x1b[2J\u202ec") == "a\\x09b\\x1b[2J\\u202ec"
    assert path_shown("Звіт 2024.jsonl") == "Звіт 2024.jsonl"


def test_import_export_stats_check_and_backup_say_a_path_with_a_line_break_on_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.jsonl"
    labeled = '{"text": "Kyiv offered a pause.", "spans": [{"start": 0, "end": 4, "label": "offer"}]}'
    write_jsonl(source, [labeled, '{"text": "Moscow said no."}'])
    db = tmp_path / "new\nproj.sqlite"
    escaped = path_shown(db)

    result = run(db, "import", "--no-ner", "--annotator", "anna", source)
    assert result.exit_code == 0, result.output
    one_line_with(result.output, "imported ", escaped)

    out = tmp_path / "o\nut.jsonl"
    result = run(db, "export", out)
    assert result.exit_code == 0, result.output
    one_line_with(result.output, "exported ", path_shown(out))

    result = run(db, "stats")
    assert result.exit_code == 0, result.output
    one_line_with(result.output, "project ", escaped)

    result = run(db, "check")
    assert result.exit_code == 0, result.output
    assert result.output == f"{escaped}: ok\n"

    result = run(db, "backup")
    assert result.exit_code == 0, result.output
    one_line_with(result.output, "backed up ", escaped)
    (line,) = [line for line in result.output.splitlines() if line.startswith("backed up ")]
    assert "\\x0a" in line.split(" to ", 1)[1]  # the backup is named after the project


def test_packages_name_each_package_and_the_way_back_on_one_line(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", ['{"text": "Kyiv offered a pause."}', '{"text": "Moscow said no."}'])
    db = tmp_path / "project.sqlite"
    assert run(db, "import", "--no-ner", source).exit_code == 0
    out = tmp_path / "pack\nages"
    result = run(db, "packages", "--annotators", "anna,ben", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "anna.annotator.sqlite").exists()
    assert not any(line.startswith("ages") for line in result.output.splitlines()), result.output
    assert sum(path_shown(out) in line for line in result.output.splitlines()) == 3  # anna's, ben's, the way back


def test_a_refusal_naming_the_file_is_one_line_too(tmp_path):
    """What the export, guidelines and actors loaders refuse names the file on one line: `Error: PATH: why`."""
    source = write_jsonl(tmp_path / "in.jsonl", ['{"text": "Kyiv offered a pause."}'])
    db = tmp_path / "pro\nject.sqlite"
    assert run(db, "import", "--no-ner", source).exit_code == 0
    guide = tmp_path / "g\nuide.md"
    guide.write_bytes(b"# offer\n\xff\n")
    actors = tmp_path / "act\nors.json"
    actors.write_text("[not json", encoding="utf-8")
    for args in (("export", "--format", "jsonl", db), ("guidelines", "--load", guide), ("actors", "--load", actors)):
        result = run(db, *args)
        assert result.exit_code == 1, result.output
        (line,) = result.output.splitlines()
        assert line.startswith("Error: ") and "\\x0a" in line, line


def test_no_such_project_is_one_line(tmp_path):
    result = run(tmp_path / "no\nsuch.sqlite", "stats")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert "no\\x0asuch.sqlite: no such project" in line, line
