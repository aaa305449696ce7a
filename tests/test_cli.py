"""The command line starts fast, explains itself and never shows a traceback for a user's mistake."""

import contextlib
import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import click
import pytest
from click.testing import CliRunner

from annotator import __version__
from annotator.cli import main
from annotator.store import Store


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_every_command_has_help_text():
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert {"import", "export", "stats", "search", "train", "review"} <= set(names)
    for name in names:
        command = main.get_command(ctx, name)
        assert command is not None and command.help, f"annotator {name} has no help text"


def loaded_by(tmp_path, args: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a fresh Python has imported after running `annotator ARGS` on the project
    `p.sqlite` in `tmp_path` (an empty one made if there is none)."""
    if not (tmp_path / "p.sqlite").exists():
        Store.create(tmp_path / "p.sqlite").close()
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "try:\n"
        f"    main({['--db', str(tmp_path / 'p.sqlite'), *args]!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', [m for m in {modules!r} if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stderr.rsplit("LOADED ", 1)[1].strip().replace("'", '"'))


@pytest.mark.parametrize(
    "args", [["stats", "--json"], ["export", "-"], ["--version"], ["backup"], ["check"], ["restore"], ["actors"]]
)
def test_commands_that_need_neither_spacy_nor_qt_do_not_import_them(tmp_path, args):
    assert loaded_by(tmp_path, args, ("spacy", "thinc", "PySide6")) == []


@pytest.mark.parametrize(
    "args",
    [["--version"], ["stats", "--json"], ["backup"], ["check"], ["restore"], ["search", "Kyiv"], ["actors", "--json"]],
)
def test_light_commands_load_neither_numpy_nor_the_format_registry(tmp_path, args):
    """A command imports only what it runs: `--version`, `stats`, `backup`, `check`, `restore` and
    `search` start without numpy (srsly, sqlite-utils, krippendorff bring it), the formats or tqdm."""
    heavy = ("numpy", "srsly", "sqlite_utils", "krippendorff", "annotator.formats", "tqdm")
    assert loaded_by(tmp_path, args, heavy) == []


def test_a_jsonl_export_loads_no_numpy(tmp_path):
    """The most used export, of finished work, starts without numpy (srsly, sqlite-utils,
    krippendorff, pandas where installed): 0.3 s of CPU every export paid for nothing."""
    record = {"text": "Kyiv offered a halt.", "spans": [{"start": 0, "end": 4, "label": "offer"}], "_status": "done"}
    (tmp_path / "in.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert (
        CliRunner()
        .invoke(main, ["--db", str(tmp_path / "p.sqlite"), "import", "--no-ner", str(tmp_path / "in.jsonl")])
        .exit_code
        == 0
    )
    heavy = ("numpy", "srsly", "sqlite_utils", "krippendorff", "pandas", "spacy", "PySide6", "tqdm")
    assert loaded_by(tmp_path, ["export", str(tmp_path / "out.jsonl")], heavy) == []  # no terminal: no bar
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["spans"][0]["label"] == "offer"


def test_an_export_on_a_terminal_shows_its_progress(tmp_path):
    """The bar that a pipe or a script goes without is there on a terminal, with its total."""
    lines = [json.dumps({"text": f"Kyiv offered a halt, {i}.", "_status": "done"}) for i in range(3)]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "p.sqlite")
    assert CliRunner().invoke(main, ["--db", db, "import", "--no-ner", str(tmp_path / "in.jsonl")]).exit_code == 0
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal 80 wide
    try:
        result = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", db, "export", str(tmp_path / "out.jsonl")],
            stderr=follower,
            stdout=subprocess.PIPE,
            timeout=120,
        )
        os.close(follower)
        shown = b""
        with contextlib.suppress(OSError):  # the terminal's other end is closed once all is read
            while chunk := os.read(leader, 4096):
                shown += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    assert b"exporting" in shown and b"/3" in shown


def test_python_dash_m_runs_the_cli(tmp_path):
    Store.create(tmp_path / "p.sqlite").close()
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(tmp_path / "p.sqlite"), "stats"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "articles     0" in result.stdout


def test_a_damaged_project_gives_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.annotator.sqlite"
    bad.write_bytes(b"garbage" * 500)
    result = CliRunner().invoke(main, ["--db", str(bad), "stats"])
    assert result.exit_code == 1
    assert "damaged" in result.output
    assert "Traceback" not in result.output


def test_default_project_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["stats", "--json"])
    assert result.exit_code == 1  # there is none yet, and stats does not make one
    assert f"{tmp_path / 'data' / 'default.annotator.sqlite'}: no such project" in result.output


def test_annotator_db_environment_variable_names_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.annotator.sqlite"))
    result = CliRunner().invoke(main, ["stats", "--json"])
    assert "env.annotator.sqlite" in result.output


def test_the_project_may_be_named_after_the_command_too(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Kyiv offered a pause.\n", encoding="utf-8")
    project = tmp_path / "p.annotator.sqlite"
    runner = CliRunner()
    imported = runner.invoke(main, ["import", str(article), "--no-ner", "--db", str(project)])
    assert imported.exit_code == 0, imported.output
    assert f"into {project}" in imported.output
    stats = runner.invoke(main, ["stats", f"--db={project}"])
    assert "articles     1" in stats.output
    exported = runner.invoke(
        main, ["export", "-", "--db", str(project), "--format", "doccano", "--all-layers", "--articles", "all"]
    )
    assert '"text":"Kyiv offered a pause.' in exported.stdout
    assert "units        0" in runner.invoke(main, ["agreement", "--db", str(project)]).output
    # a file literally called "--db" after "--" stays a path
    literal = runner.invoke(main, ["--db", str(project), "import", "--no-ner", "--", "--db"])
    assert literal.exit_code == 1 and "--db:1: no such file or folder" in literal.output


def test_stats_loads_only_the_parts_of_the_store_it_reads(tmp_path):
    """`annotator stats` opens the project without the import and export steps, the search index
    or the parts it does not read: each part of the store is made on first use."""
    Store.create(tmp_path / "p.sqlite").close()
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "try:\n"
        f"    main({['--db', str(tmp_path / 'p.sqlite'), 'stats']!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "parts = ('importer', 'exporter', 'search_index', 'statements', 'links', 'categories', 'review')\n"
        "loaded = [p for p in parts if 'annotator.store.' + p in sys.modules]\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in result.stderr, result.stderr
    assert "articles     0" in result.stdout


def test_stats_starts_without_the_writing_backup_and_record_machinery(tmp_path):
    """`annotator stats` only reads: it starts without the writers' lock (and its socket), the backup
    module (hashlib), the record types (their dataclasses), the layers part or logging, so that on
    50,000 articles it costs little more than a bare count of the same tables (issue 29)."""
    unneeded = (
        "annotator.records",
        "annotator.store.lock",
        "annotator.store.backups",
        "annotator.store.layers",
        "logging",
        "socket",
        "hashlib",
    )
    for args in (["stats"], ["stats", "--json"]):
        folder = tmp_path / "-".join(args)
        folder.mkdir()
        assert loaded_by(folder, args, unneeded) == []


def test_stats_counts_labels_and_layers_as_the_layers_part_does(tmp_path):
    """The counts `stats` reads in one pass along the label index agree with a plain recount, and a
    model's layer is listed as a model, never as an annotator."""
    from annotator.records import MODEL_LAYER, model_layer
    from annotator.store import opening

    assert opening._MODEL_KIND == MODEL_LAYER  # stats' spelling of a model's layer is records'
    corpus = tmp_path / "c.jsonl"
    spans = [("claim", 0, 4), ("offer", 5, 12), ("claim", 13, 20)]
    corpus.write_text(
        json.dumps(
            {
                "text": "Kyiv offered talks on energy.",
                "spans": [{"start": s, "end": e, "label": x} for x, s, e in spans],
            }
        )
        + "\n"
        + json.dumps({"text": "Moscow said no.", "spans": [{"start": 0, "end": 6, "label": "denial"}]})
        + "\n",
        encoding="utf-8",
    )
    project = tmp_path / "p.annotator.sqlite"
    result = CliRunner().invoke(main, ["import", str(corpus), "--no-ner", "--db", str(project), "--annotator", "anna"])
    assert result.exit_code == 0, result.output
    with Store.open(project) as store:
        store.layers.annotator_id(model_layer("v1"))
        store.layers.annotator_id("ben")
        recount = dict(store.conn.execute("SELECT label, count(*) FROM statement_labels GROUP BY label ORDER BY label"))
        kinds = store.layers.layer_kinds()
    figures = json.loads(CliRunner().invoke(main, ["stats", "--json", "--db", str(project)]).output)
    assert figures["labels"] == recount == {"claim": 2, "denial": 1, "offer": 1}
    assert figures["spans"] == 4
    assert figures["articles"] == 2 and figures["preannotated"] == 0
    assert figures["models"] == [model_layer("v1")] == [n for n, k in kinds.items() if k == MODEL_LAYER]
    assert figures["annotators"] == ["anna", "ben"]


def test_stats_counts_done_articles_per_layer_with_one_layer_or_several(tmp_path):
    """`done` reads no row when one layer holds every status, and counts per layer otherwise: both
    agree with a plain recount."""
    project = tmp_path / "p.annotator.sqlite"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"text": f"Article {i}."}) + "\n" for i in range(4)), encoding="utf-8")
    assert CliRunner().invoke(main, ["import", str(corpus), "--no-ner", "--db", str(project)]).exit_code == 0
    with Store.open(project) as store:
        ids = store.articles.article_ids()
        store.conn.execute("DELETE FROM article_status")  # start with no status at all
    recount = (
        "SELECT a.name, count(*) FROM article_status s JOIN annotators a ON a.id = s.annotator_id "
        "WHERE s.status = 'done' GROUP BY a.name"
    )
    with Store.open(project) as store:
        assert store.stats()["done"] == {}
        store.articles.set_status(ids[0], "anna", "done")
        store.articles.set_status(ids[1], "anna", "in_progress")
        store.articles.set_status(ids[2], "anna", "done")
        assert store.stats()["done"] == dict(store.conn.execute(recount)) == {"anna": 2}
        store.articles.set_status(ids[0], "anna", "new")
        store.articles.set_status(ids[2], "anna", "new")
        assert store.stats()["done"] == {}
        store.articles.set_status(ids[3], "ben", "done")
        store.articles.set_status(ids[1], "anna", "done")
        assert store.stats()["done"] == dict(store.conn.execute(recount)) == {"anna": 1, "ben": 1}


def test_stats_says_which_count_is_which(tmp_path):
    """Reported by a new user: "statements 0" beside "sentences 78" read as lost work; each line
    now says what it counts."""
    record = {"text": "Kyiv offered a pause.", "spans": [{"start": 0, "end": 21, "label": "offer"}]}
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    project = tmp_path / "p.annotator.sqlite"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(project), "import", "--no-ner", str(source)]).exit_code == 0
    out = runner.invoke(main, ["--db", str(project), "stats"]).output
    assert "statements   1 (labeled or noted, each annotator's own)" in out
    assert "spans        1 (labels given: a statement with two counts twice)" in out
    assert "sentences    0 (spaCy's: the units offered for labeling)" in out
