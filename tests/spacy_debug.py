"""`spacy debug data`'s checks of the training data itself, run in-process on a DocBin (issue 28).

spaCy's command needs a config and loads a pipeline; its checks of the data are one function,
`spacy.cli.debug_data._compile_gold`, run here over the DocBin's docs exactly as the command
runs it over a corpus (`Example(nlp.make_doc(doc.text), doc)`, as `spacy.training.Corpus`
makes them), with the components whose checks read our annotations: ner, spancat and
textcat_multilabel. What is reported is only what is ours to fix: misaligned tokens, entities
on white space, entities across a sentence boundary, empty entity labels, category values other
than 0/1. What depends on the amount of data or the config (too few examples, labels the model
has and the data lacks, train/dev mismatches) is the user's, and is not asked here.

`check_docbin(path)` is called wherever a test writes a DocBin; `conftest.py` also runs it on
every DocBin our writer writes in any test, so no new test can write one spaCy would flag.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

#: The components whose checks read a DocBin's annotations.
COMPONENTS = ["ner", "spancat", "textcat_multilabel"]


@cache
def _blank() -> Any:
    import spacy

    return spacy.blank("en")


def debug_data_problems(data: Path | bytes, *, tokens: bool = True) -> list[str]:
    """What `spacy debug data` would fail or warn about in this DocBin that is ours to fix (without
    `tokens`, misaligned tokens aside: a test that stored tokens of its own, not spaCy's)."""
    from spacy.cli.debug_data import _compile_gold
    from spacy.tokens import DocBin
    from spacy.training import Example

    nlp = _blank()
    docbin = DocBin(store_user_data=True)
    docbin = docbin.from_bytes(data) if isinstance(data, bytes) else docbin.from_disk(data)
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in docbin.get_docs(nlp.vocab)]
    gold = _compile_gold(examples, COMPONENTS, nlp, True)
    problems = []
    if tokens and gold["n_misaligned_words"]:
        problems.append(f"{gold['n_misaligned_words']} misaligned tokens")
    if gold["ws_ents"]:
        problems.append(f"{gold['ws_ents']} invalid whitespace entity spans")
    if gold["boundary_cross_ents"]:
        problems.append(f"{gold['boundary_cross_ents']} entities crossing sentence boundaries")
    if "" in gold["ner"]:
        problems.append("Empty label found in train data")
    if any(label == "" for spans in gold["spancat"].values() for label in spans):
        problems.append("Empty span label found in train data")
    if gold["n_cats_bad_values"]:
        problems.append(f"{gold['n_cats_bad_values']} docs with cats other than 1.0/0.0")
    return problems


def check_docbin(data: Path | bytes, *, tokens: bool = True) -> None:
    """Fail the test when `spacy debug data` finds something of ours to fix in the DocBin."""
    problems = debug_data_problems(data, tokens=tokens)
    assert problems == [], f"spacy debug data: {'; '.join(problems)}"
