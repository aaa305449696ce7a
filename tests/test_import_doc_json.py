"""spaCy's own JSON: `nlp(text).to_json()` lines, as `srsly.write_jsonl` writes them, import with
what they carry (`formats.doc_json`): `ents` as the model's entities at their exact offsets,
`spans["sc"]` as statements, `cats` as any `cats`; other span groups are counted, not dropped.

Before, the entities of such a line were dropped without a word, and a line with span groups was
refused ("spans" must be a list).
"""

from __future__ import annotations

import json

import pytest
import srsly

from annotator.records import MODEL
from annotator.store import Store
from tests.conftest import SEEDS, write_jsonl


def seed_texts(n: int) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))[:n]]


def imported_entities(db_path) -> dict[str, list[tuple[int, int, str, str]]]:
    """{article text: its entities} of the project."""
    with Store.open(db_path) as store:
        return {
            store.articles.article(a).text: sorted(tuple(e) for e in store.entities.entities(a))
            for a in store.articles.article_ids()
        }


@pytest.mark.parametrize("named", [False, True], ids=["by-ending", "format-jsonl"])
def test_a_pipelines_to_json_lines_bring_its_entities_at_their_offsets(pipeline, cli, db_path, tmp_path, named):
    docs = [pipeline.nlp(text) for text in seed_texts(2)]
    assert all(doc.ents for doc in docs)
    path = tmp_path / "docs.jsonl"
    srsly.write_jsonl(path, [doc.to_json() for doc in docs])

    result = cli("import", "--no-ner", *(["--format", "jsonl"] if named else []), path)

    assert result.exit_code == 0, result.output
    assert "imported 2 new articles" in result.stdout
    assert "not imported" not in result.output  # sents and tokens are not read, and not a loss
    expected = {doc.text: sorted((e.start_char, e.end_char, e.label_, MODEL) for e in doc.ents) for doc in docs}
    assert imported_entities(db_path) == expected


def test_the_sc_group_is_statements_and_another_group_is_counted_by_key(pipeline, cli, db_path, tmp_path):
    from spacy.tokens import Span

    doc = pipeline.nlp(seed_texts(1)[0])
    sentence = next(iter(doc.sents))
    doc.spans["sc"] = [Span(doc, sentence.start, sentence.end, label="claim")]
    doc.spans["ruler"] = [Span(doc, 0, 1, label="X"), Span(doc, 1, 2, label="X")]
    path = tmp_path / "docs.jsonl"
    srsly.write_jsonl(path, [doc.to_json()])

    result = cli("import", "--no-ner", "--annotator", "anna", path)

    assert result.exit_code == 0, result.output
    assert (
        f"{path}:1: 2 spans of other spaCy span groups (ruler 2) in 1 record not imported (the first on this line)"
        in result.stderr
    )
    with Store.open(db_path) as store:
        article = store.articles.article_ids()[0]
        statements = [(s.start, s.end, s.labels) for s in store.statements.statements(article, "anna")]
        assert statements == [(sentence.start_char, sentence.end_char, ("claim",))]
        assert len(store.entities.entities(article)) == len(doc.ents)


def test_span_finder_candidates_without_a_label_are_counted_not_refused(cli, db_path, tmp_path):
    text = "Kyiv offered talks in Geneva."
    line = {
        "text": text,
        "ents": [{"start": 0, "end": 4, "label": "GPE"}],
        "spans": {"sc": [{"start": 0, "end": 4, "label": "", "kb_id": ""}]},
        "tokens": [{"id": 0, "start": 0, "end": 4}],
    }
    path = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(line)])

    result = cli("import", "--no-ner", path)

    assert result.exit_code == 0, result.output
    assert f'{path}:1: 1 span without a label in spaCy\'s "sc" group in 1 record not imported' in result.stderr
    assert imported_entities(db_path) == {text: [(0, 4, "GPE", MODEL)]}


@pytest.mark.parametrize("fmt", ["docbin", "to_json"])
def test_a_doc_with_span_finder_candidates_comes_in_the_same_from_a_docbin_and_from_its_json(
    cli, db_path, tmp_path, fmt
):
    """A DocBin whose "sc" group holds spans with an empty label (spaCy's span_finder writes its
    candidates so) was refused whole ('a label must be a non-empty string'); its JSON came in. Both
    now bring the entities and labeled statements and count the rest, in the same words."""
    import spacy
    from spacy.tokens import DocBin, Span

    text = "Kyiv offered talks in Geneva. Moscow said no."
    doc = spacy.blank("en")(text)
    doc.ents = [Span(doc, 0, 1, label="GPE"), Span(doc, 6, 7, label="GPE")]
    doc.spans["sc"] = [
        Span(doc, 0, 1, label=""),
        Span(doc, 4, 5, label=""),
        Span(doc, 0, 6, label="offer"),
        Span(doc, 6, 10, label="denial", kb_id="Q649"),
    ]
    if fmt == "docbin":
        path = tmp_path / "docs.spacy"
        DocBin(docs=[doc], store_user_data=True).to_disk(path)
    else:
        path = tmp_path / "docs.jsonl"
        srsly.write_jsonl(path, [doc.to_json()])

    result = cli("import", "--no-ner", "--annotator", "anna", path)

    assert result.exit_code == 0, result.output
    assert "imported 1 new article" in result.stdout
    assert f'{path}:1: 2 spans without a label in spaCy\'s "sc" group in 1 record not imported' in result.stderr
    assert f"{path}:1: 1 knowledge-base id on a statement in 1 record not imported" in result.stderr
    with Store.open(db_path) as store:
        article = store.articles.article_ids()[0]
        statements = [(s.start, s.end, s.labels) for s in store.statements.statements(article, "anna")]
        assert statements == [(0, 29, ("offer",)), (30, 45, ("denial",))]
    assert [e[:3] for e in imported_entities(db_path)[text]] == [(0, 4, "GPE"), (30, 36, "GPE")]


def test_entities_our_docbin_put_in_ents_overflow_come_in_too(cli, db_path, tmp_path):
    """A `to_json` of a Doc from our DocBin export: the entities that overlap others are there."""
    text = "The Kyiv Post reported it."
    line = {
        "text": text,
        "ents": [{"start": 4, "end": 13, "label": "ORG"}],
        "spans": {"ents_overflow": [{"start": 4, "end": 8, "label": "GPE", "kb_id": ""}]},
    }
    path = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(line)])

    result = cli("import", "--no-ner", path)

    assert result.exit_code == 0, result.output
    assert "not imported" not in result.output
    assert imported_entities(db_path) == {text: [(4, 8, "GPE", MODEL), (4, 13, "ORG", MODEL)]}


@pytest.mark.parametrize(
    ("cats", "said"),
    [
        ({"politics": 0.83, "sport": 0.02}, "2 category scores (politics 1, sport 1) in 1 record not imported"),
        ({"politics": 1.0, "sport": 0.0}, None),
    ],
    ids=["a-models-scores", "a-persons-0-1"],
)
def test_cats_go_the_way_of_any_cats(cli, db_path, tmp_path, cats, said):
    text = "Kyiv offered talks in Geneva."
    line = {"text": text, "ents": [{"start": 0, "end": 4, "label": "GPE"}], "cats": cats, "tokens": []}
    path = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(line)])

    result = cli("import", "--no-ner", "--annotator", "anna", path)

    assert result.exit_code == 0, result.output
    with Store.open(db_path) as store:
        given = store.categories.article_categories(store.articles.article_ids()[0], "anna")
    if said:
        assert f"{path}:1: {said}" in result.stderr
        assert given == ()
    else:
        assert given == ("politics",)


def test_an_entitys_kb_id_is_its_actor_and_a_statements_is_counted(cli, db_path, tmp_path):
    text = "Zelensky denied it in Kyiv."
    line = {
        "text": text,
        "ents": [{"start": 0, "end": 8, "label": "PERSON", "kb_id": "Volodymyr Zelensky"}],
        "spans": {"sc": [{"start": 0, "end": 19, "label": "denial", "kb_id": "Q3874799"}]},
        "_": {"sentiment": 0.2},
    }
    path = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(line)])

    result = cli("import", "--no-ner", "--annotator", "anna", path)

    assert result.exit_code == 0, result.output
    assert f"{path}:1: 1 knowledge-base id on a statement in 1 record not imported" in result.stderr
    assert f"{path}:1: 1 spaCy custom attribute (sentiment 1) in 1 record not imported" in result.stderr
    with Store.open(db_path) as store:
        article = store.articles.article_ids()[0]
        mention = store.actors.mention(article, 0, 8)
        assert (mention.actor, mention.how) == ("Volodymyr Zelensky", "user")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"text": "Kyiv offered talks.", "ents": {"start": 0}}, '"ents" must be a list'),
        ({"text": "Kyiv offered talks.", "ents": [{"start": 0, "end": 99, "label": "GPE"}]}, "entity 0 (0-99 GPE)"),
        ({"text": "Kyiv offered talks.", "spans": {"sc": {"start": 0}}}, "span group 'sc' must be a list"),
    ],
)
def test_a_bad_line_is_refused_with_its_reason_and_the_rest_comes_in(cli, db_path, tmp_path, line, reason):
    good = {"text": "Talks could resume in Geneva.", "ents": [{"start": 22, "end": 28, "label": "GPE"}]}
    path = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(line), json.dumps(good)])

    result = cli("import", "--no-ner", path)

    assert result.exit_code == 1
    assert f"{path}:1: {reason}" in result.stderr
    assert imported_entities(db_path) == {good["text"]: [(22, 28, "GPE", MODEL)]}


def test_another_tools_docbin_names_its_other_span_groups_too(cli, db_path, tmp_path):
    """The same rule for a `.spacy` file: its other span groups were dropped without a word."""
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    doc = nlp("Kyiv offered talks in Geneva.")
    doc.spans["sc"] = [Span(doc, 0, 3, label="offer")]
    doc.spans["candidates"] = [Span(doc, 0, 1), Span(doc, 4, 5)]
    path = tmp_path / "theirs.spacy"
    DocBin(docs=[doc]).to_disk(path)

    result = cli("import", "--no-ner", "--annotator", "anna", path)

    assert result.exit_code == 0, result.output
    assert f"{path}:1: 2 spans of other spaCy span groups (candidates 2) in 1 record not imported" in result.stderr
    assert "1 label" in result.stdout


def test_a_docbin_of_200000_span_groups_is_read_in_seconds(cli, db_path, tmp_path):
    """Before: spaCy decoded each group with a registry lookup (~0.5 ms), so a 1 MB DocBin of
    200,000 span groups took 34 s to import, and its note read `200000 spans`."""
    import time

    import spacy
    from spacy.tokens import DocBin, Span
    from srsly import msgpack

    nlp = spacy.blank("en")
    doc = nlp("Kyiv offered talks in Geneva.")
    doc.spans["sc"] = [Span(doc, 0, 3, label="offer")]
    docbin = DocBin(docs=[doc])
    one = msgpack.unpackb(doc.spans["sc"].to_bytes(), raw=False)["spans"][0]
    groups = msgpack.unpackb(docbin.span_groups[0], raw=False)
    pack = msgpack.Packer(use_bin_type=True).pack  # srsly's packb looks up its registry each call
    for i in range(200_000):  # what spaCy writes for `doc.spans[f"g{i}"] = [span]`, built faster
        groups[pack({"name": f"g{i}", "attrs": {}, "spans": [one]})] = [f"g{i}"]
    docbin.span_groups[0] = msgpack.packb(groups, use_bin_type=True)
    path = tmp_path / "groups.spacy"
    docbin.to_disk(path)

    started = time.perf_counter()
    result = cli("import", "--no-ner", "--annotator", "anna", path)

    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 15
    assert f"{path}:1: 200,000 spans of other spaCy span groups (g0 1, g1 1, g2 1, g3 1, g4 1, …) in 1 record" in (
        result.stderr
    )
    assert "1 label" in result.stdout
