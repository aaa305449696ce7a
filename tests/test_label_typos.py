"""A typo in a label name is refused with the close match, never turned into data.

`export --labels ofer` used to write a "successful" file of pure negatives; `search --label denail
--apply` used to create a new label across the corpus. Both now stop, name the label the user
probably meant, and write nothing.
"""

from __future__ import annotations

import json

import pytest

from annotator.search.hits import Search
from annotator.search.label_all import plan_label_all
from annotator.store import Store
from tests.conftest import write_jsonl

TEXTS = [
    "The Velmora council offered a pause. Ministers denied the report.",
    "Tarsk demanded a halt first. The offer stands.",
]


@pytest.fixture
def finished(cli, db_path, tmp_path):
    """Two articles anna finished: 'offer' and 'denial' are in use."""
    rows = []
    for text in TEXTS:
        first = text.index(".") + 1
        rows.append(
            json.dumps(
                {
                    "text": text,
                    "_annotator_id": "anna",
                    "_status": "done",
                    "spans": [
                        {"start": 0, "end": first, "label": "offer"},
                        {"start": first + 1, "end": len(text), "label": "denial"},
                    ],
                }
            )
        )
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "t.jsonl", rows)).exit_code == 0
    return db_path


@pytest.mark.parametrize("out", ["typo.jsonl", "typo.spacy"])
def test_export_refuses_a_label_the_project_does_not_have(cli, finished, tmp_path, out):
    path = tmp_path / out
    result = cli("export", "--labels", "ofer", "--format", "textcat" if out.endswith("jsonl") else "spacy", path)
    assert result.exit_code == 1
    assert "no label 'ofer' (did you mean 'offer'?)" in result.output
    assert "its labels:" in result.output and "denial" in result.output
    assert not path.exists()


def test_export_takes_known_labels_of_the_scheme_and_of_the_data(cli, finished, tmp_path):
    result = cli("export", "--labels", "offer,condition", tmp_path / "ok.jsonl")
    assert result.exit_code == 0, result.output  # condition: in the default scheme, unused yet
    assert "labels: offer 2" in result.output


def test_search_label_all_refuses_a_typo_and_writes_nothing(cli, finished):
    result = cli("search", "offered", "--label", "denail", "--annotator", "anna", "--apply")
    assert result.exit_code != 0
    assert "no label 'denail' (did you mean 'denial'?)" in result.output
    with Store.open(finished) as store:
        assert "denail" not in store.statements.used_labels()
        assert "denail" not in [label.name for label in (store.schemes.label_scheme() or [])]


def test_the_windows_label_all_plan_refuses_it_too(finished):
    with Store.open(finished) as store:
        store.search.update_search_index()
        hits = list(Search(store, "offered", annotator="anna").hits())
        with pytest.raises(ValueError, match="did you mean 'denial'"):
            plan_label_all(store, hits, "denail", "anna")
