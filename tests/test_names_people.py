"""A person's name follows one rule at every door (`records.person_name_problem`).

Tina types her name with an ESC, a line break, a bidi override or a zero-width space (pasted from
a chat), or the team lead marks "gold" a trainee: whichever command takes the name - import,
calibrate, annotators --trainee/--promote, guidelines --author, review, search --label - says
why in one line and exits 2 (packages too, naming no package written), and no row is
written. Before, `annotators --trainee` asked only whether the name was "gold", and stored the
rest as a person.
"""

from __future__ import annotations

import json

import pytest

from annotator.records import IncomingRecord, Span, person_name_problem
from annotator.store import Store
from tests.conftest import write_jsonl

TEXT = "Kyiv offered to halt strikes on refineries."

#: name -> what the message says about it
BAD = {
    "ti\x1b]0;pwned\x07na": "control character (U+001B)",
    "ti\nna": "control character (U+000A)",
    "anil\u202eat": "bidi control character (U+202E)",
    "ti\u200bna": "invisible character (U+200B ZERO WIDTH SPACE)",
    "tina\ufeff": "invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE)",
    "gold": "is the review's layer",
    "  ": "a person's name cannot be blank",
    "Z\u0435lensky": "mixes Latin and Cyrillic letters (U+0435 CYRILLIC SMALL LETTER IE)",
    "model:": "a model's layer with no version",
}


def refused(result, reason: str, code: int = 2) -> None:
    """Exit 2, one line `Error: Invalid value for --OPTION: <reason>`, nothing raw sent to the terminal."""
    assert result.exit_code == code, result.output
    (line,) = result.output.splitlines()
    assert line.startswith("Error: ") and reason in line, line
    assert not {"\x1b", "\u202e", "\u200b", "\ufeff"} & set(result.output)


def project(db_path) -> None:
    """A project with one article anna labeled."""
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(TEXT, "t", "test", 1, spans=[Span(0, 4, "offer")])], "anna")


def trainees(db_path) -> set[str]:
    with Store.open(db_path) as store:
        return store.guidelines.trainees()


@pytest.mark.parametrize(("name", "reason"), BAD.items())
def test_the_rule_names_what_is_wrong_in_plain_words(name, reason):
    assert reason in person_name_problem(name)


def test_a_name_in_another_script_is_a_name():
    for name in ("tina", "Тіна Коваленко", "Ελένη", "José Núñez", "李娜"):
        assert person_name_problem(name) is None, name


@pytest.mark.parametrize(("name", "reason"), BAD.items())
def test_annotators_trainee_refuses_a_name_no_person_has(cli, db_path, name, reason):
    project(db_path)
    refused(cli("annotators", "--trainee", name), reason)
    assert trainees(db_path) == set()


@pytest.mark.parametrize(("name", "reason"), BAD.items())
def test_annotators_promote_refuses_it_too(cli, db_path, name, reason):
    project(db_path)
    refused(cli("annotators", "--promote", name), reason)


def test_annotators_trainee_still_marks_a_real_name(cli, db_path):
    project(db_path)
    result = cli("annotators", "--trainee", "Тіна")
    assert result.exit_code == 0, result.output
    assert trainees(db_path) == {"Тіна"}


@pytest.mark.parametrize(("name", "reason"), BAD.items())
def test_import_annotator_refuses_it_before_a_project_is_made(cli, db_path, tmp_path, name, reason):
    path = write_jsonl(tmp_path / "plain.jsonl", [json.dumps({"text": TEXT})])
    if name == "  ":  # a blank --annotator is no --annotator: the default name is used
        return
    refused(cli("import", "--no-ner", "--annotator", name, path), reason)
    assert not db_path.exists()


def test_calibrate_refuses_a_name_with_an_invisible_character(cli, db_path, tmp_path):
    project(db_path)
    out = tmp_path / "set.jsonl"
    refused(cli("calibrate", "--annotator", "ti\u200bna", "--out", out), "invisible character (U+200B")
    assert not out.exists()
    refused(cli("calibrate", "--report", "ti\u200bna"), "invisible character (U+200B")


def test_guidelines_author_follows_the_same_rule(cli, db_path, tmp_path):
    project(db_path)
    guide = tmp_path / "guide.md"
    guide.write_text("# offer\n\nA promise.\n", encoding="utf-8")
    refused(cli("guidelines", "--load", guide, "--author", "le\u2060ad"), "invisible character (U+2060 WORD JOINER)")
    refused(cli("guidelines", "--load", guide, "--author", "gold"), "is the review's layer")
    with Store.open(db_path) as store:
        assert store.guidelines.versions() == []


def test_review_and_search_label_refuse_it_before_writing(cli, db_path):
    project(db_path)
    refused(cli("review", "--annotator", "re\u00adviewer"), "invisible character (U+00AD SOFT HYPHEN)")
    refused(cli("search", "Kyiv", "--label", "offer", "--apply", "--annotator", "ti\u200cna"), "U+200C")


def test_packages_refuse_an_annotator_or_reviewer_name_and_write_nothing(cli, db_path, tmp_path):
    """The packages' own door (`packages.make.package_name_problem`) asks the same rule first, before
    the project opens: exit 2, as every bad name on the command line."""
    project(db_path)
    out = tmp_path / "packages"
    result = cli("packages", "--annotators", "anna,ti\u200bna", "--out", out)
    refused(result, "no package was written: the name 'ti\\u200bna' holds an invisible character (U+200B")
    result = cli("packages", "--annotators", "anna", "--reviewer", "gold", "--round", "2", "--out", out)
    refused(result, 'no package was written: "gold" is the review\'s layer')
    assert not out.exists()


def test_a_name_read_from_a_file_with_an_invisible_character_is_refused_by_line(cli, db_path, tmp_path):
    lines = [
        json.dumps({"text": TEXT, "_annotator_id": "ti\u200bna", "spans": [{"start": 0, "end": 4, "label": "offer"}]}),
        json.dumps(
            {"text": "Talks resume.", "_annotator_id": "tina", "spans": [{"start": 0, "end": 5, "label": "offer"}]}
        ),
    ]
    path = write_jsonl(tmp_path / "team.jsonl", lines)
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:1: " in result.stderr and "invisible character (U+200B ZERO WIDTH SPACE)" in result.stderr
    with Store.open(db_path) as store:
        assert sorted(store.layers.annotators()) == ["tina"]  # the rest of the file came in


def test_a_work_package_made_for_a_look_alike_name_is_nobody_s():
    from types import SimpleNamespace

    from annotator.packages.who import package_annotator

    package = SimpleNamespace(packages=SimpleNamespace(marker=lambda: {"annotator": "ti\u200bna"}))
    assert package_annotator(package) is None


@pytest.mark.parametrize(
    ("new", "reason"),
    [("an\x1bna", "control character (U+001B)"), ("N" * 10_000, "10,000 characters long")],
)
def test_actors_rename_checks_the_new_name_before_the_project_opens(cli, db_path, new, reason):
    """The new name is written, so the whole name rule asks it: an ESC exits 2 as a 10,000-character
    name does (before, the ESC was said by the store, exit 1)."""
    project(db_path)
    refused(cli("actors", "--rename", "Zelensky", new), reason)


def test_guidelines_author_is_checked_first_even_without_guidelines(cli, db_path):
    """A bad --author is said (exit 2) before "no guidelines yet" (exit 1) could hide it."""
    project(db_path)
    refused(cli("guidelines", "--author", "an\x1bna"), "control character (U+001B)")
    result = cli("guidelines", "--author", "anna")
    assert result.exit_code == 1 and "no guidelines yet" in result.output
