"""Text from a project or a file reaches the terminal as text, never as something the terminal obeys.

A title, source, annotator name, label or actor name may hold an escape sequence (ESC … BEL retitles
the window, ESC [2J clears the screen) or a bidi override that reverses how a line reads: a project
made by an older version, or a teammate's file, can hold them. Every command shows them as escapes
(`\\x1b`, `\\u202e`), and its JSON keeps them as JSON's own escapes, the same strings to a reader.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.review.gold import set_gold
from annotator.store import Store
from annotator.store.actors import Actor
from annotator.text import json_shown, shown
from tests.conftest import write_jsonl

TEXT = "Zelensky said Kyiv will halt strikes if Moscow does \u202ethe same\u202c. Riyadh hosts."
TITLE = "T\x1b]0;pwned\x07itle\u202e"
SOURCE = "src\x1b[2J\u2066"
DESK = "desk\x9b1m"
ANNOTATOR = "an\x1b]0;x\x07na\u202e"
TRAINEE = "ca\x1b[8mra"
LABEL = "off\x1b[5mer"
ACTOR = "Act\x1b]2;y\x07or\u202e"

#: What a terminal obeys, none of which may reach it raw.
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


@pytest.fixture
def hostile(cli, db_path, tmp_path):
    """A project whose stored strings hold escape sequences and bidi overrides, as an older version
    (which took such names) or a hand-edited file could have left them: anna (renamed ANNOTATOR) and
    ben agree on one statement, which gold has; cara (renamed TRAINEE) is a trainee."""
    statement = {"start": TEXT.index("if"), "end": TEXT.index("."), "label": "offer"}
    records = [
        {"text": TEXT, "_annotator_id": "anna", "meta": {"title": TITLE, "source": SOURCE, "desk": DESK}},
        {"text": TEXT, "_annotator_id": "ben"},
        {"text": TEXT, "_annotator_id": "cara"},
    ]
    lines = [json.dumps({**record, "spans": [statement]}) for record in records]
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "a.jsonl", lines)).exit_code == 0
    with Store.open(db_path) as store:
        store.actors.load([Actor(0, "Plain Actor", "person")])
        store.guidelines.add("# Guidelines\n\n## offer\n\nA promise \u202eto act.\n", "lead")
    with sqlite3.connect(db_path) as db:  # what the import now refuses, stored as an older version did
        db.execute("UPDATE annotators SET name = ? WHERE name = 'anna'", (ANNOTATOR,))
        db.execute("UPDATE annotators SET name = ? WHERE name = 'cara'", (TRAINEE,))
        db.execute("UPDATE statement_labels SET label = ?", (LABEL,))
        db.execute("UPDATE actors SET name = ? WHERE name = 'Plain Actor'", (ACTOR,))
    db.close()
    with Store.open(db_path) as store:
        store.guidelines.set_trainee(TRAINEE, True)
        set_gold(store, 1, statement["start"], statement["end"], [LABEL])
    return cli


def assert_shown(output: str, *escaped: str) -> None:
    raw = [repr(ch) for ch in RAW if ch in output]
    assert raw == [], f"raw {', '.join(raw)} reached the terminal:\n{output!r}"
    for form in escaped:
        assert form in output


@pytest.mark.parametrize(
    "args, escaped",
    [
        (("search", "Moscow"), [shown(TITLE)]),
        (("stats",), [shown(ANNOTATOR), shown(LABEL)]),
        (("annotators",), [shown(ANNOTATOR)]),
        (("actors",), [shown(ACTOR)]),
        (("progress",), [shown(ANNOTATOR)]),
        (("agreement",), [shown(ANNOTATOR), shown(LABEL)]),
        (("agreement", "--by-guidelines"), [shown(LABEL)]),
        (("agreement", "--against", "gold"), [shown(ANNOTATOR), shown(TRAINEE)]),
        (("calibrate", "--report", TRAINEE), [shown(TRAINEE)]),
        (("calibrate", "--annotator", "new", "--size", "1"), [shown(LABEL)]),
        (("guidelines",), ["\\u202eto act"]),
        (("guidelines", "--examples", LABEL), [shown(LABEL), "\\u202ethe same\\u202c"]),
        (("annotators", "--promote", "nobody"), [shown(TRAINEE)]),  # an error listing the trainees
    ],
)
def test_every_command_shows_stored_control_characters_as_escapes(hostile, args, escaped):
    result = hostile(*args)
    assert_shown(result.output, *escaped)


def test_the_search_line_reads_as_the_title_holds_it(hostile):
    output = hostile("search", "Moscow").output
    assert "· T\\x1b]0;pwned\\x07itle\\u202e (article 1, 40–46)" in output


def test_an_export_account_and_a_dump_show_the_label_and_the_name_escaped(hostile, tmp_path):
    result = hostile("export", tmp_path / "out.jsonl", "--annotator", ANNOTATOR)
    assert_shown(result.output, shown(LABEL))
    # what was written is the data as stored: an export is for programs, not a terminal
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert TITLE in json.loads(written.splitlines()[0])["meta"]["title"]


@pytest.mark.parametrize(
    "args, stored",
    [
        (("search", "Moscow", "--json"), TITLE),
        (("stats", "--json"), ANNOTATOR),
        (("annotators", "--json"), ANNOTATOR),
        (("actors", "--json"), ACTOR),
        (("actors", "--patterns"), ACTOR),
        (("progress", "--json"), ANNOTATOR),
    ],
)
def test_json_gives_back_every_string_as_stored_with_nothing_raw(hostile, args, stored):
    result = hostile(*args)
    assert_shown(result.output)
    if args[-1] == "--patterns":  # JSON lines
        values = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        values = json.loads(result.stdout)
    assert stored in _strings(values)


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) | _strings(k) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def test_a_sample_s_shares_show_meta_values_escaped(cli, tmp_path):
    records = [json.dumps({"text": f"Article {i}.", "meta": {"desk": DESK if i % 2 else "plain"}}) for i in range(4)]
    result = cli(
        "import", "--no-ner", "--sample", "2", "--sample-by", "desk", write_jsonl(tmp_path / "a.jsonl", records)
    )
    assert_shown(result.output, shown(DESK))


def test_a_refused_file_whose_name_holds_an_escape_is_named_escaped(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\x1b]0;x\x07.jsonl").write_text("{not json\n", encoding="utf-8")
    result = cli("import", "--no-ner", folder)
    assert result.exit_code == 1
    assert_shown(result.output, "bad\\x1b]0;x\\x07.jsonl:1:")


def test_every_command_prints_through_echo():
    """`click.echo`, `print` and `sys.stdout.write` print a string as it is: in a command, only
    `echo`/`echo_json` (annotator/cli/app.py) print, so a new command cannot forget `shown`."""
    import ast
    from pathlib import Path

    import annotator.cli

    offenders = []
    for path in Path(annotator.cli.__file__).parent.glob("*.py"):
        if path.name in ("app.py", "reference.py"):  # the helpers themselves; the docs writer
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in ("click.echo", "click.secho", "print", "sys.stdout.write", "sys.stderr.write"):
                    offenders.append(f"{path.name}:{node.lineno} {name}")
    assert offenders == []


# -- the helper ---------------------------------------------------------------------------------

OBEYED = {*map(chr, range(0x00, 0x20)), chr(0x7F), *map(chr, range(0x80, 0xA0))} - {"\t", "\n"}
OBEYED |= {*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


@given(st.text())
def test_shown_leaves_nothing_a_terminal_obeys(text):
    out = shown(text)
    assert not OBEYED & set(out)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in out)
    assert "\n" not in shown(text, breaks=False) and "\t" not in shown(text, breaks=False)
    assert out.count("\n") == text.count("\n")


@given(
    st.text(
        st.characters(
            blacklist_categories=("Cc", "Cs"),
            blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        )
    )
)
def test_shown_leaves_printable_text_as_it_is(text):
    assert shown(text) == text


@given(
    st.recursive(
        st.text() | st.integers() | st.none(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    )
)
def test_json_shown_is_the_same_json_with_nothing_a_terminal_obeys(value):
    text = json_shown(json.dumps(value, ensure_ascii=False, indent=2))
    assert not OBEYED & set(text)
    assert json.loads(text) == value
    hidden = json_shown(json.dumps(value, ensure_ascii=False, indent=2), invisible=True)
    assert not any(unicodedata.category(ch) == "Cf" or ch in "\u2028\u2029" for ch in hidden)
    assert json.loads(hidden) == value


def test_json_for_editing_shows_what_shows_nothing_and_keeps_what_shows():
    text = json.dumps(["host\u200b talks", "tag\U000e0041", "Zelenskyy 😀 «мир»"], ensure_ascii=False)
    assert json_shown(text, invisible=True) == '["host\\u200b talks", "tag\\udb40\\udc41", "Zelenskyy 😀 «мир»"]'


def test_shown_escapes_as_python_writes_them():
    assert shown("a\x1b]0;x\x07b\u202ec\r") == "a\\x1b]0;x\\x07b\\u202ec\\x0d"
    assert shown("tab\tand\nline") == "tab\tand\nline"
    assert shown("tab\tand\nline", breaks=False) == "tab\\x09and\\x0aline"
    assert shown("Zelenskyy négocie à Genève 😀 — «мир»") == "Zelenskyy négocie à Genève 😀 — «мир»"
