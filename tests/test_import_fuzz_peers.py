"""Hostile files in the peers' shapes (Label Studio tasks and JSON-MIN, doccano's versions, CoNLL)
never crash the importer: every message names FILE:LINE, a task is taken whole or not at all."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import formats
from annotator.formats.conll import read_conll
from annotator.records import IncomingRecord, Rejection

texts = st.text(st.characters(categories=["L", "N", "P", "Zs", "So", "Cc"]), max_size=40)
offsets = st.integers(-3, 50)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=10,
)
anything = st.one_of(values, texts, offsets)
value = st.fixed_dictionaries(
    {},
    optional={"start": st.one_of(offsets, anything), "end": st.one_of(offsets, anything), "text": anything}
    | {"labels": st.one_of(st.lists(texts, max_size=2), anything), "choices": anything},
)
result = st.fixed_dictionaries(
    {"type": st.sampled_from(["labels", "choices", "relation", "textarea", None]) | anything},
    optional={"value": st.one_of(value, anything), "id": anything, "meta": anything},
)
layer = st.fixed_dictionaries(
    {"result": st.one_of(st.lists(result, max_size=3), anything)},
    optional={"completed_by": anything, "was_cancelled": anything, "model_version": anything},
)
ls_task = st.fixed_dictionaries(
    {"data": st.one_of(st.dictionaries(st.sampled_from(["text", "body", "x"]), anything, max_size=2), anything)},
    optional={
        "id": anything,
        "annotations": st.one_of(st.lists(layer, max_size=2), anything),
        "predictions": st.one_of(st.lists(layer, max_size=2), anything),
        "drafts": anything,
    },
)
json_min = st.fixed_dictionaries(
    {"annotation_id": anything, "annotator": anything},
    optional={"text": anything, "label": st.one_of(st.lists(value, max_size=3), anything), "id": anything},
)
doccano = st.fixed_dictionaries(
    {},
    optional={
        "text": anything,
        "data": anything,
        "label": anything,
        "labels": anything,
        "entities": st.one_of(
            st.lists(st.fixed_dictionaries({"start_offset": anything, "end_offset": anything, "label": anything})),
            anything,
        ),
        "relations": anything,
        "annotations": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {"label": anything, "user": anything}, optional={"start_offset": offsets, "end_offset": offsets}
                ),
                max_size=3,
            ),
            anything,
        ),
        "username": anything,
        "Comments": anything,
        "cats": anything,
        "meta": anything,
    },
)


def check(items: list, path) -> None:
    for item in items:
        assert isinstance(item, IncomingRecord | Rejection), item
        if isinstance(item, Rejection):
            assert item.path == str(path) and item.line >= 1 and "\n" not in item.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.one_of(ls_task, json_min, doccano), min_size=1, max_size=5))
def test_fuzzed_peer_records_never_crash(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("fuzz") / "export.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    check(list(formats.read(path)), path)


tags = st.sampled_from(["O", "B-PER", "I-PER", "L-LOC", "U-LOC", "E-ORG", "S-ORG", "B-", "X", "-DOCSTART-", "|"])
conll_lines = st.one_of(
    st.builds(lambda token, tag, sep: f"{token}{sep}{tag}", texts, tags, st.sampled_from([" ", "\t", "|", " _ _ "])),
    st.just(""),
    st.just("-DOCSTART- -X- O O"),
    texts,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(conll_lines, max_size=12), ending=st.sampled_from(["\n", "\r\n"]))
def test_fuzzed_conll_never_crashes_and_texts_hold_their_entities(tmp_path_factory, lines, ending):
    path = tmp_path_factory.mktemp("fuzz") / "in.conll"
    path.write_bytes(ending.join(re.sub(r"[\r\n]", " ", line) for line in lines).encode("utf-8", "surrogatepass"))
    items = list(read_conll(path))
    check(items, path)
    for item in items:
        if isinstance(item, IncomingRecord):
            assert item.text.strip() and all(0 <= e.start < e.end <= len(item.text) for e in item.entities)
