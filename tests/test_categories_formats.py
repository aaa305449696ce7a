"""Article categories go out in every format and come back: a project's categories, exported and
imported into an empty project, are the same per article and annotator; an article nobody gave a
category is unknown in every file (never every category 0); each peer's own shape comes in."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.importing.run import import_paths
from annotator.records import GOLD, Category, CategoryGroup, IncomingRecord, name_problem
from annotator.review.categories import collect_categories, decide_group
from annotator.store import Store
from tests.conftest import export_file, write_jsonl

ANNA, BEN = "anna@example.org", "ben@example.org"
SCHEME = [
    CategoryGroup("relevance", False, (Category("relevant"),)),
    CategoryGroup("topic", False, (Category("ceasefire-talks"), Category("energy-strikes"))),
    CategoryGroup("stance", True, (Category("positive"), Category("negative"))),
]
ALL = ["relevant", "ceasefire-talks", "energy-strikes", "positive", "negative"]
TEXTS = [
    "Kyiv offered to halt strikes on refineries if Moscow stopped hitting the grid.",
    "The Kremlin denied that any energy truce had been agreed.",
    "Talks were said to resume in Riyadh next week.",
    "Football results from the weekend.",
]
OFFER = (0, 4)  # "Kyiv"


def make_project(path: Path) -> Store:
    """anna finished article 1 with three categories and a label, finished article 2 with none
    (unknown), gave article 3 a category without finishing it; article 4 is untouched."""
    store = Store.create(path)
    store.add_records([IncomingRecord(text, f"T{i}", "wire", i) for i, text in enumerate(TEXTS, 1)], "me")
    store.schemes.set_category_scheme(SCHEME)
    store.categories.set_article_categories(1, ANNA, ["relevant", "ceasefire-talks", "positive"])
    store.statements.toggle_label(1, ANNA, *OFFER, "offer")
    store.articles.set_status(1, ANNA, "done")
    store.articles.set_status(2, ANNA, "done")
    store.categories.set_article_categories(3, ANNA, ["negative"])
    return store


def categories_by_text(store: Store) -> dict[tuple[str, str], tuple[str, ...]]:
    texts = {row.article_id: row.text for row in store.export_rows()}
    found: dict[tuple[str, str], list[str]] = {}
    for article_id, who, category in store.categories.category_rows():
        found.setdefault((texts[article_id], who), []).append(category)
    return {key: tuple(sorted(v)) for key, v in found.items()}


EXPECTED = {(TEXTS[0], ANNA): ("ceasefire-talks", "positive", "relevant")}

#: format, file name, export options, import --format (None: by the file's name and shape)
ROUND_TRIPS = [
    ("jsonl", "out.jsonl", {}, None),
    ("doccano", "out.doccano.jsonl", {}, None),
    ("doccano", "classes.jsonl", {"doccano_task": "text-classification"}, None),
    ("spacy", "out.spacy", {}, None),
    ("doccat", "cats.jsonl", {}, None),
    ("label-studio", "out.json", {"layers_as": "annotations"}, None),
]


@pytest.fixture
def project(tmp_path):
    with make_project(tmp_path / "source.annotator.sqlite") as store:
        yield store


def export(store, out, fmt, **options):
    from annotator.export.rule import choose_rule
    from annotator.export.run import export as run

    return run(store, out, choose_rule(store, fmt, annotator=ANNA), **options)


@pytest.mark.parametrize(("fmt", "name", "options", "read_as"), ROUND_TRIPS, ids=lambda x: str(x))
def test_categories_come_back_the_same_per_article_and_annotator(project, tmp_path, fmt, name, options, read_as):
    out = tmp_path / name
    summary = export(project, out, fmt, **options)
    assert summary.counts["categories_written"] == 1 and summary.counts["categories_unknown"] == 1
    with Store.create(tmp_path / "fresh.annotator.sqlite") as fresh:
        report = import_paths(fresh, [out], annotator="importer", fmt=read_as)
        assert report.rejections == []
        assert categories_by_text(fresh) == EXPECTED
        assert report.counts.categories_added == 3
        # article 2 was finished with no category: unknown on both sides, never "none of them"
        assert all(row.categories == () for row in fresh.export_rows() if row.text == TEXTS[1])


def test_a_teammates_project_file_brings_their_categories(project, tmp_path):
    project.close()
    with Store.create(tmp_path / "mine.annotator.sqlite") as mine:
        report = import_paths(mine, [tmp_path / "source.annotator.sqlite"], annotator="me")
        assert report.rejections == []
        assert categories_by_text(mine) == {**EXPECTED, (TEXTS[2], ANNA): ("negative",)}
        assert mine.articles.status(mine.articles.article_ids()[2], ANNA) == "in_progress"


def test_an_article_without_categories_is_unknown_in_every_file(project, tmp_path):
    """Finished article 2 has no category: no `options`/`accept`, no `cats`, no choices, an empty cell."""
    export(project, tmp_path / "p.jsonl", "jsonl")
    tasks = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [t["text"] for t in tasks] == TEXTS[:2]  # article 3 unfinished, article 4 untouched
    assert tasks[0]["options"] == [{"id": c, "text": c} for c in ALL]
    assert sorted(tasks[0]["accept"]) == ["ceasefire-talks", "positive", "relevant"]
    assert tasks[0]["config"] == {"choice_style": "multiple"}
    assert not {"options", "accept", "cats"} & set(tasks[1])

    export(project, tmp_path / "d.jsonl", "doccano")
    lines = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert lines[0]["cats"] == ["ceasefire-talks", "positive", "relevant"] and "cats" not in lines[1]
    assert lines[0]["label"] == [[*OFFER, "offer"]]  # the statements stay in the sequence-labelling shape

    summary = export(project, tmp_path / "c.jsonl", "doccano", doccano_task="text-classification")
    lines = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert [line["label"] for line in lines] == [["ceasefire-talks", "positive", "relevant"]]
    assert summary.counts["classification_unknown"] == 1 and summary.counts["classification_spans"] == 1

    summary = export(project, tmp_path / "cats.jsonl", "doccat")
    (record,) = [json.loads(line) for line in (tmp_path / "cats.jsonl").read_text().splitlines()]
    assert record["cats"] == {c: float(c in ("relevant", "ceasefire-talks", "positive")) for c in ALL}
    assert any("no category" in line for line in summary.lines())

    export(project, tmp_path / "o.csv", "csv")
    with (tmp_path / "o.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["article_id"], r["label"], r["categories"]) for r in rows] == [
        ("1", "offer", "ceasefire-talks | positive | relevant")
    ]

    export(project, tmp_path / "ls.json", "label-studio")
    results = [t["predictions"][0]["result"] for t in json.loads((tmp_path / "ls.json").read_text())]
    choices = [(r["from_name"], r["value"]["choices"]) for r in results[0] if r["type"] == "choices"]
    assert choices == [("relevance", ["relevant"]), ("topic", ["ceasefire-talks"]), ("stance", ["positive"])]
    assert not [r for r in results[1] if r["type"] == "choices"]


def test_the_docbin_holds_every_category_where_known_and_none_where_unknown(project, tmp_path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    export(project, tmp_path / "o.spacy", "spacy")
    docs = list(DocBin().from_disk(tmp_path / "o.spacy").get_docs(Vocab()))
    assert docs[0].cats == {c: float(c in ("relevant", "ceasefire-talks", "positive")) for c in ALL}
    assert docs[1].cats == {}  # spaCy's textcat leaves labels missing from doc.cats out of the loss


def test_brat_and_conll_say_they_left_the_categories_out(project, tmp_path):
    summary = export(project, tmp_path / "brat", "brat")
    assert summary.counts["categories_left_out"] == 1
    assert any("categories this format cannot hold" in line for line in summary.lines())
    assert "categories_written" not in summary.counts


def test_gold_categories_are_the_agreement_and_the_decisions(project, tmp_path):
    project.categories.set_article_categories(1, BEN, ["relevant", "ceasefire-talks", "positive"])
    project.statements.toggle_label(1, BEN, *OFFER, "offer")
    project.articles.set_status(1, BEN, "done")
    project.articles.set_status(2, BEN, "done")  # both finished article 2 with no category: unknown in gold too
    from annotator.export.rule import choose_rule
    from annotator.export.run import export as run

    run(project, tmp_path / "g.jsonl", choose_rule(project, "doccat", gold=True))
    (record,) = [json.loads(line) for line in (tmp_path / "g.jsonl").read_text().splitlines()]
    assert record["text"] == TEXTS[0] and record["cats"]["positive"] == 1.0 and record["cats"]["negative"] == 0.0
    decide_group(project, 2, SCHEME[2], ["negative"])  # a reviewer decides article 2's stance
    run(project, tmp_path / "g.jsonl", choose_rule(project, "doccat", gold=True))
    records = [json.loads(line) for line in (tmp_path / "g.jsonl").read_text().splitlines()]
    assert [r["cats"]["negative"] for r in records] == [0.0, 1.0]
    assert collect_categories(project).annotators == [ANNA, BEN]
    assert GOLD not in collect_categories(project).annotators


# -- the peers' own shapes ------------------------------------------------------------------------


def test_prodigy_choice_binary_and_cats_tasks_come_in(store, tmp_path):
    """textcat.manual (choice, ids that are numbers too), textcat.teach (label + answer), and `cats`."""
    lines = [
        {
            "text": TEXTS[0],
            "options": [{"id": 0, "text": "relevant"}, {"id": "positive", "text": "Positive"}],
            "accept": [0, "positive"],
            "_view_id": "choice",
            "config": {"choice_style": "multiple"},
            "answer": "accept",
        },
        {"text": TEXTS[1], "label": "relevant", "answer": "accept", "_view_id": "classification"},
        {"text": TEXTS[2], "label": "relevant", "answer": "reject", "_view_id": "classification"},
        {"text": TEXTS[3], "cats": {"relevant": 1.0, "positive": 0.0, "negative": False}},
    ]
    path = write_jsonl(tmp_path / "prodigy.jsonl", [json.dumps(x) for x in lines])
    report = import_paths(store, [path], annotator="pat")
    assert report.rejections == [], "a binary reject is a known 0 on its one category, not a refused record"
    assert store.categories.asked_by_layer("pat")[(3, "pat")] == ("relevant",)
    assert categories_by_text(store) == {
        (TEXTS[0], "pat"): ("positive", "relevant"),
        (TEXTS[1], "pat"): ("relevant",),
        (TEXTS[3], "pat"): ("relevant",),
    }
    # a choice task asked categories, not statements: the article is started, not finished
    assert store.articles.status(1, "pat") == "in_progress"


def test_a_models_scores_are_not_taken_for_decisions(store, tmp_path):
    lines = [{"text": TEXTS[0], "cats": {"relevant": 0.93, "positive": 0.12}}]
    path = write_jsonl(tmp_path / "scored.jsonl", [json.dumps(x) for x in lines])
    report = import_paths(store, [path], annotator="pat")
    (note,) = [str(r) for r in report.rejections]
    assert note.startswith(f"{path}:1: 2 category scores") and "a model's scores, not a decision" in note
    assert list(store.categories.category_rows()) == [] and report.counts.articles_added == 1


def test_a_foreign_docbin_s_cats_are_read_as_decisions_only_when_0_or_1(store, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    decided, scored = nlp(TEXTS[0]), nlp(TEXTS[1])
    decided.cats = {"relevant": 1.0, "negative": 0.0}
    scored.cats = {"relevant": 0.7, "negative": 0.3}  # a textcat's output
    DocBin(docs=[decided, scored]).to_disk(tmp_path / "other.spacy")
    report = import_paths(store, [tmp_path / "other.spacy"], annotator="pat")
    assert [r.line for r in report.rejections] == [2] and "category scores" in report.rejections[0].reason
    assert categories_by_text(store) == {(TEXTS[0], "pat"): ("relevant",)}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"text": TEXTS[0], "accept": ["x"], "options": [{"id": "y", "text": "y"}]}, "\"accept\" item 0 ('x') names"),
        ({"text": TEXTS[0], "cats": {"relevant": 2}}, "\"cats\" value of 'relevant' must be 0 or 1, got 2"),
        ({"text": TEXTS[0], "cats": {"  ": 1}}, '"cats" key 0 is blank'),
        ({"text": TEXTS[0], "label": ["ok", "bad\u0007"]}, "control character (U+0007)"),
        ({"text": TEXTS[0], "label": ["ok", "rel\u200bevant"]}, "invisible character (U+200B ZERO WIDTH SPACE)"),
        ({"text": TEXTS[0], "accept": "relevant"}, '"accept" must be a list of option ids, got a string'),
        ({"text": TEXTS[0], "label": ["positive", "negative"]}, "exclusive group 'stance': one per article"),
    ],
)
def test_bad_category_values_are_named_by_line_and_the_rest_comes_in(store, tmp_path, line, reason):
    store.schemes.set_category_scheme(SCHEME)
    good = {"text": TEXTS[1], "label": ["relevant"]}
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(line), json.dumps(good)])
    report = import_paths(store, [path], annotator="pat")
    (rejection,) = report.rejections
    assert (rejection.path, rejection.line) == (str(path), 1) and reason in rejection.reason, rejection.reason
    assert categories_by_text(store) == {(TEXTS[1], "pat"): ("relevant",)}


def test_categories_new_to_the_scheme_are_named_and_shown_in_other(cli, tmp_path):
    path = write_jsonl(tmp_path / "dc.jsonl", [json.dumps({"text": TEXTS[0], "label": ["sports", "relevant"]})])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0
    assert "1 article category new to this project's scheme (sports)" in result.stdout
    assert 'shown in the group "other"' in result.stdout


# -- the rule, over any assignment --------------------------------------------------------------

STATUSES = st.sampled_from([None, "in_progress", "done"])
GIVEN = st.tuples(
    st.booleans(),
    st.lists(st.sampled_from(["ceasefire-talks", "energy-strikes"]), unique=True),
    st.sampled_from([None, "positive", "negative"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(STATUSES, GIVEN), min_size=1, max_size=6))
def test_only_finished_articles_with_a_category_carry_categories_and_then_all_of_them(tmp_path_factory, articles):
    folder = tmp_path_factory.mktemp("rule")
    with Store.create(folder / "p.annotator.sqlite") as store:
        store.schemes.set_category_scheme(SCHEME)
        store.add_records([IncomingRecord(f"Article {i} text.", f"T{i}", "x", i) for i in range(len(articles))], "me")
        given_by_text: dict[str, set[str]] = {}
        for article_id, (status, (relevant, topics, stance)) in enumerate(articles, 1):
            chosen = {*topics, *(["relevant"] if relevant else []), *([stance] if stance else [])}
            if chosen:
                store.categories.set_article_categories(article_id, ANNA, chosen)
            if status:
                store.articles.set_status(article_id, ANNA, status)
            if status == "done":
                given_by_text[f"Article {article_id - 1} text."] = chosen
        if not given_by_text:
            return
        export_file(store, folder / "p.jsonl", "jsonl")
        for line in (folder / "p.jsonl").read_text().splitlines():
            task = json.loads(line)
            chosen = given_by_text.pop(task["text"])
            if chosen:
                assert [o["id"] for o in task["options"]] == ALL and set(task["accept"]) == chosen
            else:
                assert "options" not in task and "accept" not in task
        assert given_by_text == {}  # every finished article, and only those


# -- spaCy trains on it ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.spacy
def test_spacy_trains_a_textcat_multilabel_on_the_docbin_and_the_unknown_article_is_masked(project, tmp_path):
    """`spacy train` with spaCy's own textcat_multilabel config reads the export; the article with no
    category has an empty `doc.cats`, which spaCy's textcat leaves out of the loss (no 0 is taught)."""
    import spacy as spacy_lib
    from spacy.tokens import DocBin
    from spacy.training import Example

    from tests.test_spacy_train import spacy

    export(project, tmp_path / "train.spacy", "spacy")
    nlp = spacy_lib.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel")
    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(nlp.vocab))
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in docs]
    nlp.initialize(lambda: examples)
    assert sorted(textcat.labels) == sorted(ALL)
    _, not_missing = textcat._examples_to_truth(examples)
    assert not_missing[0].tolist() == [1.0] * len(ALL) and not_missing[1].tolist() == [0.0] * len(ALL)

    config = tmp_path / "config.cfg"
    spacy(
        ["init", "config", str(config), "--lang", "en", "--pipeline", "textcat_multilabel", "--optimize", "efficiency"]
    )
    train = str(tmp_path / "train.spacy")
    paths = ["--paths.train", train, "--paths.dev", train]
    steps = ["--training.max_epochs", "2", "--training.max_steps", "0", "--system.seed", "0"]
    output = spacy(["train", str(config), "--output", str(tmp_path / "model"), *paths, *steps])
    assert "Saved pipeline to output directory" in output
    trained = spacy_lib.load(tmp_path / "model" / "model-last")
    assert sorted(trained(TEXTS[0]).cats) == sorted(ALL)


#: Any name the name rule lets in (a word mixing Latin, Cyrillic or Greek letters is refused: `records.name_problem`).
NAMES = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")), min_size=1, max_size=12
).filter(lambda name: name_problem(name, "category") is None)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(NAMES, min_size=1, max_size=4, unique=True), st.sampled_from(["jsonl", "doccano", "doccat", "spacy"]))
def test_any_category_names_come_back_unchanged(tmp_path_factory, names, fmt):
    """Emoji, non-Latin scripts, combining marks: a category's name is data, kept exactly."""
    folder = tmp_path_factory.mktemp("names")
    with Store.create(folder / "p.annotator.sqlite") as store:
        store.add_records([IncomingRecord(TEXTS[0], "T", "x", 1)], "me")
        store.categories.set_article_categories(1, ANNA, names)
        store.articles.set_status(1, ANNA, "done")
        out = folder / ("out.spacy" if fmt == "spacy" else "out.jsonl")
        export_file(store, out, fmt)
    with Store.create(folder / "back.annotator.sqlite") as back:
        report = import_paths(back, [out], annotator="importer")
        assert report.rejections == []
        assert categories_by_text(back) == {(TEXTS[0], ANNA): tuple(sorted(names))}


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "label-studio"])
def test_every_layer_comes_back_with_its_categories(project, tmp_path, fmt):
    project.categories.set_article_categories(1, BEN, ["negative"])
    project.articles.set_status(1, BEN, "done")
    out = tmp_path / ("all.json" if fmt == "label-studio" else "all.jsonl")
    options = {"layers_as": "annotations"} if fmt == "label-studio" else {}
    from annotator.export.rule import choose_rule
    from annotator.export.run import export as run

    run(project, out, choose_rule(project, fmt, all_layers=True, articles="all"), **options)
    with Store.create(tmp_path / "fresh.annotator.sqlite") as fresh:
        assert import_paths(fresh, [out], annotator="importer").rejections == []
        assert categories_by_text(fresh) == categories_by_text(project)


def test_one_exclusive_group_makes_a_docbin_spacys_exclusive_textcat_takes(project, tmp_path, cli):
    """`--category-groups stance`: the stance alone, 1/0; an article with no stance is unknown. spaCy's
    `textcat` (exclusive classes) accepts it; with every group it would refuse two 1s in a doc (E895)."""
    import spacy as spacy_lib
    from spacy.tokens import DocBin
    from spacy.training import Example

    from annotator.export.rule import choose_rule
    from annotator.export.run import export as run

    project.categories.set_article_categories(2, ANNA, ["relevant"])  # a category, but no stance
    summary = run(project, tmp_path / "stance.spacy", choose_rule(project, "spacy", category_groups=["stance"]))
    assert "categories of stance only" in summary.rule
    assert summary.counts["categories_written"] == 1 and summary.counts["categories_unknown"] == 1
    nlp = spacy_lib.blank("en")
    textcat = nlp.add_pipe("textcat")
    docs = list(DocBin().from_disk(tmp_path / "stance.spacy").get_docs(nlp.vocab))
    assert [doc.cats for doc in docs] == [{"positive": 1.0, "negative": 0.0}, {}]
    nlp.initialize(lambda: [Example(nlp.make_doc(doc.text), doc) for doc in docs])
    assert sorted(textcat.labels) == ["negative", "positive"]

    project.close()
    result = cli("export", tmp_path / "x.spacy", "--category-groups", "mood", db=tmp_path / "source.annotator.sqlite")
    assert result.exit_code == 1 and "no category group 'mood' in this project (its groups: relevance" in result.output


def test_a_prodigy_choice_of_one_exclusive_group_is_single_choice(project, tmp_path):
    from annotator.export.rule import choose_rule
    from annotator.export.run import export as run

    run(project, tmp_path / "stance.jsonl", choose_rule(project, "jsonl", category_groups=["stance"]))
    task = json.loads((tmp_path / "stance.jsonl").read_text().splitlines()[0])
    assert task["options"] == [{"id": "positive", "text": "positive"}, {"id": "negative", "text": "negative"}]
    assert (task["accept"], task["config"]) == (["positive"], {"choice_style": "single"})


def test_conll_says_it_left_the_categories_out(tmp_path):
    from annotator.records import USER, Entity

    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        store.add_records([IncomingRecord(TEXTS[0], "T", "x", 1, entities=[Entity(0, 4, "GPE", USER)])], "me")
        store.categories.set_article_categories(1, ANNA, ["relevant"])
        store.articles.set_status(1, ANNA, "done")
        summary = export_file(store, tmp_path / "o.conll", "conll")
    assert summary.records and summary.counts["categories_left_out"] == 1
    assert "  articles whose categories this format cannot hold, written without them: 1" in summary.lines()


def test_none_of_them_and_ner_teach_labels_are_not_taken_for_categories(store, tmp_path):
    """All 0 says "none of these applies": known 0s on the names asked, the others unknown; an empty
    `accept` with no options does not say of which, so it is named, not stored; a ner.teach task's
    `label` repeats its span's label and names no category."""
    lines = [
        {"text": TEXTS[0], "cats": {"relevant": 0, "positive": 0}},
        {"text": TEXTS[1], "label": "GPE", "spans": [{"start": 4, "end": 11, "label": "GPE"}], "answer": "accept"},
        {"text": TEXTS[2], "accept": []},
    ]
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(x) for x in lines])
    report = import_paths(store, [path], annotator="pat")
    assert [str(r) for r in report.rejections] == [
        f"{path}:3: 1 decision that no category applies in 1 record not imported (the first on this line): "
        "it does not say which categories were asked, so the article's categories stay unknown"
    ]
    assert list(store.categories.category_rows()) == [] and report.counts.labels_added == 1
    assert store.categories.asked_by_layer("pat") == {(1, "pat"): ("positive", "relevant")}
    store.articles.set_status(2, "pat", "done")
    export_file(store, tmp_path / "cats.jsonl", "doccat")
    cats = [json.loads(line)["cats"] for line in (tmp_path / "cats.jsonl").read_text(encoding="utf-8").splitlines()]
    assert cats == [{"relevant": 0.0, "positive": 0.0}]


def test_binary_feedback_cannot_give_an_article_both_of_an_exclusive_group(store, tmp_path):
    """A binary-feedback record adds to what the annotator has: one whose category clashes with one
    of the stance group chosen in the window is refused (the choice stays); a complete record replaces."""
    store.schemes.set_category_scheme(SCHEME)
    feedback = {"text": TEXTS[0], "spans": [{"start": 0, "end": 4, "label": "offer", "answer": "accept"}]}
    first = write_jsonl(tmp_path / "first.jsonl", [json.dumps({"text": TEXTS[0]})])
    assert import_paths(store, [first], annotator="pat").rejections == []
    store.categories.set_article_categories(1, "pat", ["positive"])
    path = write_jsonl(
        tmp_path / "teach.jsonl",
        [json.dumps({**feedback, "_categories": ["negative"]}), json.dumps({**feedback, "_categories": ["relevant"]})],
    )
    report = import_paths(store, [path], annotator="pat")
    (rejection,) = report.rejections
    assert (rejection.path, rejection.line) == (str(path), 1)
    assert "exclusive group 'stance'" in rejection.reason
    assert "already has positive from an answer that saw every option" in rejection.reason
    assert categories_by_text(store) == {(TEXTS[0], "pat"): ("positive", "relevant")}
    options = [{"id": name, "text": name} for name in ("positive", "negative", "neutral")]
    choice = {"text": TEXTS[0], "options": options, "accept": ["negative"], "answer": "accept"}
    replaced = write_jsonl(tmp_path / "again.jsonl", [json.dumps(choice)])
    assert import_paths(store, [replaced], annotator="pat").rejections == []  # a choice task replaces
    assert categories_by_text(store) == {(TEXTS[0], "pat"): ("negative",)}


def test_a_teammates_file_cannot_give_an_article_both_of_an_exclusive_group(tmp_path):
    """A teammate whose scheme let stance be multi-choice gave an article both stances: merged into a
    project where stance is exclusive, that article's layer is refused as FILE:ID, the rest comes in."""
    theirs = tmp_path / "ben.annotator.sqlite"
    with Store.create(theirs) as ben:
        ben.schemes.set_category_scheme([CategoryGroup("stance", False, (Category("positive"), Category("negative")))])
        ben.add_records(
            [IncomingRecord(text, "T", "t", i, annotator="ben", status="done") for i, text in enumerate(TEXTS[:2])],
            "ben",
        )
        first, second = ben.articles.article_ids()
        ben.categories.set_article_categories(first, "ben", ["negative", "positive"])
        ben.categories.set_article_categories(second, "ben", ["negative"])
    with Store.create(tmp_path / "mine.annotator.sqlite") as mine:
        mine.schemes.set_category_scheme(SCHEME)
        report = import_paths(mine, [theirs], annotator="me")
        (rejection,) = report.rejections
        assert (rejection.path, rejection.line) == (str(theirs), first)
        assert "negative, positive are all in the exclusive group 'stance'" in rejection.reason
        assert categories_by_text(mine) == {(TEXTS[1], "ben"): ("negative",)}
