"""Every name follows one rule, whichever door it comes through (`records.name_problem`).

A tryout found the gaps. "Zеlensky" (a Cyrillic е) was refused as an actor but accepted as a
person (import --annotator, a record's `_annotator_id`, annotators --trainee, guidelines --author,
packages --annotators), a span label and a category: a teammate's file with `_annotator_id: "аnna"`
made a second layer that reads as anna's. `import --annotator "model:"` made a model layer with no
version. A 10,000-character name given to export, search, guidelines or actors was echoed back
whole in the error. And in ben's work package, `guidelines --load` recorded the author as the login
name (or any --author given). Now a word mixing Latin, Cyrillic or Greek letters is no name at all,
"model:" is no one's, a name on the command line is checked before the project is opened (one
short line, exit 2: the whole rule for a name written, its length for a name looked up, so an older
project's names stay reachable) and an unknown one is quoted cut, and a package's guidelines are
its annotator's.
"""

from __future__ import annotations

import json
import timeit

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.records import IncomingRecord, Span, name_problem, person_name_problem
from annotator.store import Store
from tests.conftest import write_jsonl
from tests.packages_project import generated_project

TEXT = "Zelensky offered talks in Geneva."
OTHER = "Talks could resume in Geneva."
SPOOF = "Z\u0435lensky"  # a Cyrillic е among Latin letters
ANNA_SPOOF = "\u0430nna"  # a Cyrillic а, then Latin
MIXED = "mixes Latin and Cyrillic letters"


def one_line_refusal(result, reason: str, code: int = 2) -> None:
    """The exit code, and one short `Error: ...` line that says `reason`."""
    assert result.exit_code == code, result.output
    (line,) = result.output.splitlines()
    assert line.startswith("Error: ") and reason in line, line
    assert len(line) < 300, len(line)


def project(db_path) -> None:
    """A project with one article anna labeled."""
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(TEXT, "t", "test", 1, spans=[Span(0, 8, "offer")])], "anna")


# 1. a word mixing scripts is no name: label, link type, category, person, actor


@pytest.mark.parametrize("what", ["label", "link type", "category", "group name", "actor name"])
def test_every_kind_of_name_refuses_a_word_mixing_scripts(what):
    assert MIXED in name_problem(SPOOF, what)
    assert name_problem(f"of\u0066er {SPOOF}", what).startswith(f"{what} ")


@pytest.mark.parametrize("name", ["Зеленський", "Олена", "Олена Коваленко", "Αλέξης", "José", "offer", "李娜"])
def test_a_name_wholly_in_one_script_per_word_stays_a_name(name):
    assert name_problem(name) is None and person_name_problem(name) is None


def test_a_teammate_s_look_alike_anna_is_refused_by_line_and_anna_s_layer_stays_one(cli, db_path, tmp_path):
    lines = [
        json.dumps({"text": TEXT, "_annotator_id": ANNA_SPOOF, "spans": [{"start": 0, "end": 8, "label": "offer"}]}),
        json.dumps({"text": OTHER, "_annotator_id": "anna", "spans": [{"start": 0, "end": 5, "label": "offer"}]}),
    ]
    path = write_jsonl(tmp_path / "team.jsonl", lines)
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:1: " in result.stderr and "mixes Latin and Cyrillic letters (U+0430" in result.stderr
    with Store.open(db_path) as store:
        assert sorted(store.layers.annotators()) == ["anna"]


@pytest.mark.parametrize(
    "record",
    [
        {"text": TEXT, "spans": [{"start": 0, "end": 8, "label": SPOOF}]},
        {"text": TEXT, "cats": {SPOOF: 1.0}},
    ],
    ids=["span label", "category"],
)
def test_an_import_refuses_a_look_alike_label_or_category_by_line(cli, db_path, tmp_path, record):
    good = {"text": OTHER, "spans": [{"start": 0, "end": 5, "label": "offer"}]}
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record, ensure_ascii=False), json.dumps(good)])
    result = cli("import", "--no-ner", "--annotator", "anna", path)
    assert result.exit_code == 1
    assert f"{path}:1: " in result.stderr and MIXED in result.stderr
    with Store.open(db_path) as store:
        (only,) = store.articles.article_ids()  # the good line came in, the look-alike did not
        assert store.articles.article(only).text == OTHER


def test_import_annotator_look_alike_is_refused_before_a_project_is_made(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "plain.jsonl", [json.dumps({"text": TEXT})])
    one_line_refusal(cli("import", "--no-ner", "--annotator", SPOOF, path), MIXED)
    assert not db_path.exists()


def test_guidelines_author_and_trainee_refuse_a_look_alike(cli, db_path, tmp_path):
    project(db_path)
    guide = tmp_path / "guide.md"
    guide.write_text("# offer\n\nA promise.\n", encoding="utf-8")
    one_line_refusal(cli("guidelines", "--load", guide, "--author", SPOOF), MIXED)
    one_line_refusal(cli("annotators", "--trainee", SPOOF), MIXED)
    one_line_refusal(cli("annotators", "--promote", SPOOF), MIXED)
    with Store.open(db_path) as store:
        assert store.guidelines.versions() == [] and store.guidelines.trainees() == set()


def test_packages_for_a_look_alike_write_no_package(cli, db_path, tmp_path):
    project(db_path)
    out = tmp_path / "packages"
    result = cli("packages", "--annotators", f"anna,{SPOOF}", "--out", out)
    assert result.exit_code == 2 and MIXED in result.output
    assert not out.exists() or not list(out.glob("*.annotator.sqlite"))


def test_checking_labels_stays_fast_for_names_in_another_script():
    """Labels are checked once per distinct label at import; even so, the script check is cheap."""
    per_call = min(timeit.repeat(lambda: name_problem("заява про наміри"), number=2000, repeat=3)) / 2000
    assert per_call < 50e-6, per_call
    ascii_call = min(timeit.repeat(lambda: name_problem("offer"), number=20000, repeat=3)) / 20000
    assert ascii_call < 10e-6, ascii_call


# 2. "model:" is no one's name, but --annotator model:VERSION still writes a model's layer


def test_import_annotator_model_prefix_alone_is_refused_and_says_where_model_layers_come_from(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [json.dumps({"text": TEXT})])
    result = cli("import", "--no-ner", "--annotator", "model:", path)
    one_line_refusal(result, "a model's layer with no version")
    assert "predictions" in result.output and "model:VERSION" in result.output
    assert not db_path.exists()
    one_line_refusal(cli("import", "--no-ner", "--annotator", "model:  ", path), "with no version")


def test_a_record_naming_the_model_prefix_alone_is_refused_by_line(cli, db_path, tmp_path):
    line = {"text": TEXT, "_annotator_id": "model:", "spans": [{"start": 0, "end": 8, "label": "offer"}]}
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(line), json.dumps({"text": OTHER})])
    result = cli("import", "--no-ner", "--annotator", "anna", path)
    assert result.exit_code == 1 and f"{path}:1: " in result.stderr and "with no version" in result.stderr
    with Store.open(db_path) as store:
        assert "model:" not in store.layers.layer_kinds()


def test_a_model_layer_with_its_version_is_still_imported(cli, db_path, tmp_path):
    path = write_jsonl(
        tmp_path / "p.jsonl", [json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 8, "label": "offer"}]})]
    )
    assert cli("import", "--no-ner", "--annotator", "model:rules-v2", path).exit_code == 0
    with Store.open(db_path) as store:
        assert store.layers.layer_kinds() == {"model:rules-v2": "model"}


# 3. a name on the command line is checked before any lookup: never echoed back whole

LONG = "L" * 10_000


@pytest.mark.parametrize(
    "args",
    [
        ("export", "OUT", "--annotator", LONG),
        ("export", "OUT", "--labels", LONG),
        ("export", "OUT", "--labels", f"offer,{LONG}"),
        ("export", "OUT", "--category-groups", LONG),
        ("search", "Russia", "--label", LONG),
        ("guidelines", "--examples", LONG),
        ("guidelines", "--section", LONG),
        ("actors", "--statements", LONG),
        ("actors", "--retire", LONG),
        ("actors", "--merge", "Ukraine", LONG),
        ("actors", "--rename", LONG, "Ukraine"),
        ("agreement", "--labels", LONG),
        ("train", "--annotator", LONG, "--output", "OUT"),
    ],
    ids=lambda args: " ".join(a if len(a) < 20 else "LONG" for a in args),
)
def test_a_10000_character_name_is_refused_in_one_short_line(cli, db_path, tmp_path, args):
    project(db_path)
    args = [str(tmp_path / "out.jsonl") if a == "OUT" else a for a in args]
    one_line_refusal(cli(*args), "is 10,000 characters long; a name has at most 200")
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("export", "OUT", "--annotator", "L" * 200),
        ("export", "OUT", "--labels", "L" * 200),
        ("export", "OUT", "--category-groups", "L" * 200),
        ("search", "Kyiv", "--label", "L" * 200),
        ("guidelines", "--examples", "L" * 200),
        ("actors", "--statements", "L" * 200),
        ("actors", "--retire", "L" * 200),
    ],
    ids=lambda args: " ".join(args[:3]),
)
def test_an_unknown_name_of_a_name_s_length_is_cut_in_the_lookup_s_message(cli, db_path, tmp_path, args):
    project(db_path)
    args = [str(tmp_path / "out.jsonl") if a == "OUT" else a for a in args]
    result = cli(*args)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert "L" * 59 + "…" in line and "L" * 61 not in line


def test_a_look_alike_layer_stored_before_the_rule_can_still_be_exported_by_name(cli, db_path, tmp_path):
    """A name an option only looks up is checked for its length alone: an older project's layer
    stays reachable (a new look-alike can no longer come in, so none is made by mistake)."""
    with Store.create(db_path) as store:
        store.add_records([IncomingRecord(TEXT, "t", "test", 1, spans=[Span(0, 8, "offer")])], ANNA_SPOOF)
    out = tmp_path / "out.jsonl"
    result = cli("export", str(out), "--annotator", ANNA_SPOOF, "--articles", "all")
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_names_that_pass_the_rule_still_reach_the_lookup(cli, db_path, tmp_path):
    project(db_path)
    result = cli("export", str(tmp_path / "out.jsonl"), "--annotator", "anna", "--labels", "offer", "--articles", "all")
    assert result.exit_code == 0, result.output
    assert cli("guidelines", "--examples", "nolabel").exit_code == 1  # unknown: the lookup says so


# 4. a work package's guidelines are its annotator's


def run(db, *args, env=None):
    return CliRunner().invoke(main, ["--db", str(db), *map(str, args)], env=env or {})


@pytest.fixture
def bens_package(tmp_path):
    team = generated_project(tmp_path / "team.annotator.sqlite", 6)
    out = tmp_path / "packages"
    assert run(team, "packages", "--annotators", "anna,ben", "--out", out).exit_code == 0
    return out / "ben.annotator.sqlite"


def authors(db) -> list[str]:
    with Store.open(db) as store:
        return [version.author for version in store.guidelines.versions()]


def test_guidelines_loaded_in_ben_s_package_are_ben_s_not_the_login_name(bens_package, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# offer\n\nA promise.\n", encoding="utf-8")
    before = authors(bens_package)
    result = run(bens_package, "guidelines", "--load", guide, env={"ANNOTATOR_NAME": "root"})
    assert result.exit_code == 0, result.output
    assert authors(bens_package)[len(before) :] == ["ben"] and "by ben" in result.output


def test_another_author_in_ben_s_package_is_refused(bens_package, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# offer\n\nA promise, kept.\n", encoding="utf-8")
    before = authors(bens_package)
    result = run(bens_package, "guidelines", "--load", guide, "--author", "carol")
    assert result.exit_code == 1
    assert "ben's work package" in result.output and "leave out --author" in result.output
    assert authors(bens_package) == before
    assert run(bens_package, "guidelines", "--load", guide, "--author", "ben").exit_code == 0
