"""The exported DocBin is training data spaCy accepts: `spacy debug data` checks it, `spacy train` learns from it.

The project is a team's: anna and ben label the seed articles and finish them, agreeing on
most statements; a reviewer decides the conflicts of three articles and leaves the other two
for later. `export --gold --skip-undecided` writes the three reviewed articles only, the units
both agreed on included without a keypress, and an entity that does not fall on tokens as
missing. A tiny ner + spancat config (spaCy's own `init config`, narrowed) trains two epochs
on it, and the model it saves loads and labels text.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from annotator.importing.run import import_paths
from annotator.nlp.pipeline import preannotate
from annotator.records import IncomingRecord, Span
from annotator.review import collect, find_conflicts
from annotator.review import gold as gold_ops
from annotator.store import Store
from tests.conftest import SEEDS, export_file

pytestmark = [pytest.mark.slow, pytest.mark.spacy]

LABELS = ("claim", "condition", "proposal")
REVIEWED = 3  # of the five seed articles, the first three have every conflict decided


@pytest.fixture(scope="module")
def docbin(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("train")
    with Store.create(folder / "team.annotator.sqlite") as store:
        import_paths(store, [SEEDS], annotator="importer")
        preannotate(store, pipeline)
        records = []
        for article_id in store.articles.article_ids():
            article = store.articles.article(article_id)
            sentences = store.articles.sentences(article_id)[:4]
            for name in ("anna", "ben"):
                spans = [Span(s, e, LABELS[i % 3]) for i, (s, e) in enumerate(sentences)]
                if name == "ben":  # ben reads the second sentence differently: a conflict in every article
                    spans[1] = Span(*sentences[1], LABELS[(1 + 1) % 3])
                records.append(
                    IncomingRecord(
                        article.text, article.title, article.source, 1, spans=spans, annotator=name, status="done"
                    )
                )
        store.add_records(records, "importer")
        first = store.articles.article_ids()[0]
        ents = store.entities.entities(first)
        start, end = next(
            (s, e)
            for s, e in store.articles.tokens(first)
            if e - s > 4 and not any(x.start < e and s < x.end for x in ents)
        )
        store.entities.add_entity(first, start, end - 1, "PERSON")  # a word cut short: off the tokens, missing, not O
        for conflict in find_conflicts(collect(store)):
            if conflict.article_id <= REVIEWED:
                gold_ops.take(store, conflict, "anna")
        summary = export_file(store, folder / "train.spacy", gold=True, skip_undecided=True)
    assert summary.records == REVIEWED and summary.left_out == {
        "with undecided conflicts: gold incomplete (--skip-undecided)": 5 - REVIEWED
    }
    assert summary.counts["gold_agreed"] == 3 * REVIEWED and summary.counts["gold_decided"] == REVIEWED
    assert summary.counts["entities_missing"] == 1 and summary.entities
    return folder / "train.spacy"


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    path = tmp_path_factory.mktemp("config") / "config.cfg"
    spacy(["init", "config", str(path), "--lang", "en", "--pipeline", "ner,spancat", "--optimize", "efficiency"])
    return path


def spacy(args: list[str], *, check: bool = True) -> str:
    """Run spaCy's own command line, as a user would; its output without colours."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "ANSI_COLORS_DISABLED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "spacy", *args], capture_output=True, text=True, timeout=300, env=env
    )
    output = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", result.stdout + result.stderr)
    assert result.returncode == 0 or not check, output
    return output


def test_the_missing_entity_is_none_to_spacy(docbin):
    import spacy as spacy_lib
    from spacy.tokens import DocBin
    from spacy.training import Example

    docs = list(DocBin().from_disk(docbin).get_docs(spacy_lib.blank("en").vocab))
    aligned = [Example(spacy_lib.blank("en").make_doc(doc.text), doc).get_aligned_ner() for doc in docs]
    assert None in aligned[0] and "O" in aligned[0], "the unplaced entity's token is unknown; the rest is known"
    assert all(None not in tags for tags in aligned[1:])


def test_spacy_debug_data_accepts_the_export(docbin, config):
    output = spacy(
        ["debug", "data", str(config), "--paths.train", str(docbin), "--paths.dev", str(docbin)], check=False
    )
    assert "Corpus is loadable" in output
    # Its errors say that three articles are too few to train a real model, which is true and not ours to fix.
    assert "Low number of examples to train a new pipeline" in output
    assert "No entities consisting of or starting/ending with whitespace" in output
    for label in LABELS:
        assert label in output


def test_spacy_train_runs_two_epochs_on_the_export_and_saves_a_model_that_loads(docbin, config, tmp_path):
    out = tmp_path / "model"
    output = spacy(
        [
            "train",
            str(config),
            "--output",
            str(out),
            "--paths.train",
            str(docbin),
            "--paths.dev",
            str(docbin),
            "--training.max_epochs",
            "2",
            "--training.max_steps",
            "0",
            "--training.eval_frequency",
            "1",
            "--components.tok2vec.model.encode.width",
            "32",
            "--system.seed",
            "0",
        ]
    )
    assert "Saved pipeline to output directory" in output
    import spacy as spacy_lib

    nlp = spacy_lib.load(out / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner", "spancat"]
    assert set(nlp.get_pipe("spancat").labels) == set(LABELS)
    doc = nlp("Zelensky said Kyiv will halt strikes if Moscow does.")
    assert "sc" in doc.spans
