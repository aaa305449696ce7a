"""Exported Prodigy-style JSONL carries text, spans, entities and annotator, and re-imports."""

import json

import pytest
import srsly
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.store import Store
from tests.conftest import SEEDS, write_jsonl

TEXT = "Zelensky said Kyiv will halt strikes if Moscow does."
IF, END = TEXT.index("if Moscow"), len(TEXT)
KYIV = TEXT.index("Kyiv")


def test_export_has_prodigy_fields(cli, tmp_path):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps(
                {"text": TEXT, "_annotator_id": "anna", "spans": [{"start": IF, "end": END, "label": "condition"}]}
            )
        ],
    )
    cli("import", "--no-ner", src)
    out = tmp_path / "out.jsonl"
    result = cli("export", out)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"exported 1 record from 1 article to {out} (jsonl)")
    assert "labels: condition 1" in result.stdout
    (task,) = srsly.read_jsonl(out)
    assert task["text"] == TEXT
    assert task["_annotator_id"] == "anna"
    assert task["answer"] == "accept"
    assert isinstance(task["_input_hash"], int) and isinstance(task["_task_hash"], int)
    assert task["spans"] == [{"start": IF, "end": END, "label": "condition", "text": "if Moscow does."}]
    assert task["entities"] == []


@pytest.mark.spacy
def test_exported_seeds_carry_model_entities_and_tokens(cli, tmp_path):
    cli("import", SEEDS)
    out = tmp_path / "out.jsonl"
    assert cli("export", out, "--all-layers", "--articles", "all").exit_code == 0  # texts nobody labeled yet
    tasks = list(srsly.read_jsonl(out))
    assert len(tasks) == 5
    for task in tasks:
        assert task["entities"] and all(e["source"] == "model" for e in task["entities"])
        assert all(task["text"][e["start"] : e["end"]] == e["text"] for e in task["entities"])
        assert all(task["text"][t["start"] : t["end"]] == t["text"] for t in task["tokens"])


def test_export_to_stdout(cli, tmp_path):
    cli("import", "--no-ner", write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": TEXT})]))
    result = cli("export", "-", "--all-layers", "--articles", "all")
    assert json.loads(result.stdout.splitlines()[0])["text"] == TEXT
    assert result.stderr.startswith("exported 1 record from 1 article to - (jsonl)"), "the account keeps off stdout"


def test_export_of_an_unknown_annotator_is_refused(cli, store, tmp_path):
    result = cli("export", tmp_path / "o.jsonl", "--annotator", "nobody")
    assert result.exit_code == 1
    assert "no annotator 'nobody'" in result.output
    assert not (tmp_path / "o.jsonl").exists()


# Text pieces that break UTF-16-counting tools: emoji, flags, combining marks, RTL, CRLF.
PIECES = ["Kyiv", " ", "👍🏽", "🇺🇦", "e\u0301", "שלום", "مرحبا", "\r\n", "\n", "Putin", "\u200f", "."]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), data=st.data())
def test_offsets_survive_import_and_export(tmp_path_factory, pieces, data):
    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.text import normalize

    raw = "x" + "".join(pieces)
    cut = sorted(data.draw(st.sets(st.integers(0, len(raw)), min_size=2, max_size=2)))
    start, end = cut
    if raw[start:end].strip("\r\n") == "" or raw[start:end] in ("\n",):
        return
    folder = tmp_path_factory.mktemp("prop")
    src = write_jsonl(
        folder / "in.jsonl",
        [json.dumps({"text": raw, "_annotator_id": "a", "spans": [{"start": start, "end": end, "label": "claim"}]})],
    )
    db, out = folder / "p.sqlite", folder / "out.jsonl"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "import", "--no-ner", str(src)]).exit_code == 0
    assert runner.invoke(main, ["--db", str(db), "export", str(out)]).exit_code == 0
    (task,) = srsly.read_jsonl(out)
    expected, _ = normalize(raw[start:end])
    (span,) = task["spans"]
    assert task["text"] == normalize(raw)[0]
    assert task["text"][span["start"] : span["end"]] == span["text"]
    assert span["text"].replace("\n", "") == expected.replace("\n", "")
    with Store.open(db) as store:
        assert store.stats()["spans"] == 1


def test_a_title_is_written_once(cli, tmp_path):
    """A title that is the text's own first line is not written again in meta (the import finds it
    in the text); a title of its own is kept in meta, and both come back the same on re-import."""
    own = {"text": "Ceasefire talks resume.\nKyiv will halt strikes.", "meta": {"n": 1}, "_annotator_id": "anna"}
    named = {"text": "Moscow said no.", "meta": {"title": "Refusal", "n": 2}, "_annotator_id": "anna"}
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(own), json.dumps(named)])
    cli("import", "--no-ner", src)
    out = tmp_path / "out.jsonl"
    result = cli("export", out)
    assert result.exit_code == 0, result.output
    first, second = srsly.read_jsonl(out)
    assert "title" not in first["meta"] and first["meta"]["n"] == 1
    assert second["meta"]["title"] == "Refusal"
    with Store.create(tmp_path / "again.sqlite") as again:
        from annotator.importing.run import import_paths

        import_paths(again, [out], annotator="anna")
        assert sorted(again.articles.article_titles().values()) == ["Ceasefire talks resume.", "Refusal"]
