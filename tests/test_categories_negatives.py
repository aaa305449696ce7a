"""A category asked and answered "no" is a training negative (0), and it stays one through an
export and a re-import: Prodigy's `options` without it in `accept`, a DocBin's or doccat's 0.0.
Formats that list only the chosen categories (doccano, Label Studio, CSV) cannot say "no"; their
account counts the 0s they left out. A category never asked stays missing everywhere."""

from __future__ import annotations

import json

import pytest

from annotator.export.rule import choose_rule
from annotator.export.run import export
from annotator.importing.run import import_paths
from annotator.store import Store
from tests.conftest import write_jsonl

PAT = "pat"
TEXT = "Moscow offered talks on the condition that Kyiv withdraws."
OTHER = "The Kremlin denied any offer had been made."


def asked_and_given(store: Store) -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    """(text, layer) -> (categories asked where a file said, categories given), from the store."""
    texts = {row.article_id: row.text for row in store.export_rows()}
    given: dict[tuple[int, str], list[str]] = {}
    for article_id, who, category in store.categories.category_rows():
        given.setdefault((article_id, who), []).append(category)
    asked = store.categories.asked_by_layer()
    return {
        (texts[article_id], who): (tuple(sorted(asked.get((article_id, who), ()))), tuple(sorted(cats)))
        for (article_id, who), cats in {**{k: [] for k in asked}, **given}.items()
    }


def export_all(store: Store, out, fmt: str, **options):
    """`export OUT --all-layers --articles all` (a training format: `--annotator pat`)."""
    from annotator import formats

    training = fmt in formats.training_names()
    layer = {"annotator": PAT} if training else {"all_layers": True, "articles": "all"}
    return export(store, out, choose_rule(store, fmt, **layer), **options)


def reimported(out, tmp_path, fmt: str | None = None) -> dict:
    with Store.create(tmp_path / "again.annotator.sqlite") as again:
        report = import_paths(again, [out], annotator=PAT, fmt=fmt)
        assert report.rejections == []
        return asked_and_given(again)


@pytest.fixture
def prodigy_project(tmp_path):
    """A Prodigy choice answer: offer chosen, condition shown and not chosen (a 0)."""
    task = {
        "text": TEXT,
        "options": [{"id": "offer", "text": "offer"}, {"id": "condition", "text": "condition"}],
        "accept": ["offer"],
        "answer": "accept",
    }
    path = write_jsonl(tmp_path / "choice.jsonl", [json.dumps(task)])
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        assert import_paths(store, [path], annotator=PAT).rejections == []
        assert asked_and_given(store) == {(TEXT, PAT): (("condition", "offer"), ("offer",))}
        yield store


@pytest.fixture
def docbin_project(tmp_path):
    """A DocBin whose cats say denial 1, offer 0; its second doc never asked about categories."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    asked, not_asked = nlp(TEXT), nlp(OTHER)
    asked.cats = {"denial": 1.0, "offer": 0.0}
    DocBin(docs=[asked, not_asked]).to_disk(tmp_path / "in.spacy")
    with Store.create(tmp_path / "d.annotator.sqlite") as store:
        assert import_paths(store, [tmp_path / "in.spacy"], annotator=PAT).rejections == []
        assert asked_and_given(store) == {(TEXT, PAT): (("denial", "offer"), ("denial",))}
        yield store


def test_a_prodigy_choice_keeps_the_option_not_chosen(prodigy_project, tmp_path):
    out = tmp_path / "rt.jsonl"
    export_all(prodigy_project, out, "jsonl")
    (task,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(o["id"] for o in task["options"]) == ["condition", "offer"] and task["accept"] == ["offer"]
    assert reimported(out, tmp_path) == {(TEXT, PAT): (("condition", "offer"), ("offer",))}


@pytest.mark.parametrize(("fmt", "name"), [("spacy", "rt.spacy"), ("doccat", "rt.cats.jsonl"), ("jsonl", "rt.jsonl")])
def test_a_docbins_0_comes_back_as_a_0(docbin_project, tmp_path, fmt, name):
    out = tmp_path / name
    export_all(docbin_project, out, fmt)
    assert reimported(out, tmp_path) == {  # doccat is read back as Prodigy `cats`
        (TEXT, PAT): (("denial", "offer"), ("denial",))
    }


def test_the_docbin_writes_the_0_and_leaves_the_unasked_article_missing(docbin_project, tmp_path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    export_all(docbin_project, tmp_path / "rt.spacy", "spacy")
    docs = list(DocBin().from_disk(tmp_path / "rt.spacy").get_docs(Vocab()))
    assert [d.cats for d in docs if d.text == TEXT] == [{"denial": 1.0, "offer": 0.0}]
    assert all(d.cats == {} for d in docs if d.text == OTHER)


def test_doccat_writes_the_0(docbin_project, tmp_path):
    export_all(docbin_project, tmp_path / "rt.cats.jsonl", "doccat")
    lines = [json.loads(line) for line in (tmp_path / "rt.cats.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["cats"] for line in lines if line["text"] == TEXT] == [{"denial": 1.0, "offer": 0.0}]
    assert not [line for line in lines if line["text"] == OTHER and line.get("cats")]


@pytest.mark.parametrize(
    ("fmt", "name", "options"),
    [
        ("doccano", "rt.doccano.jsonl", {}),
        ("doccano", "classes.jsonl", {"doccano_task": "text-classification"}),
        ("label-studio", "rt.json", {"layers_as": "annotations"}),
        ("csv", "rt.csv", {}),
    ],
    ids=lambda x: str(x),
)
def test_formats_that_list_only_the_chosen_ones_count_the_0s_they_leave_out(
    prodigy_project, tmp_path, fmt, name, options
):
    summary = export_all(prodigy_project, tmp_path / name, fmt, **options)
    assert summary.counts["category_noes_left_out"] == 1
    assert any("answered no (0) that this format cannot write" in line for line in summary.lines())
    if fmt != "csv":  # the chosen one comes back; condition's 0 is unknown, as the account said
        ((asked, given),) = reimported(tmp_path / name, tmp_path).values()
        assert given == ("offer",) and "condition" not in asked


def test_an_article_nobody_was_asked_about_stays_missing(docbin_project, tmp_path):
    summary = export_all(docbin_project, tmp_path / "rt.doccano.jsonl", "doccano")
    assert summary.counts["category_noes_left_out"] == 1  # offer's 0 on the first doc only
    lines = [json.loads(line) for line in (tmp_path / "rt.doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line.get("cats") for line in lines] == [["denial"], None]
