"""The import's lean paths (issue 29) read what the full paths read: a record is hashed once and
its copy with another text hashes its own; a record without relations, link decisions, entities
or actors is the same record as one with those keys empty; the per-article tally finds a content
hash where it always did; a span cutting a grapheme cluster is still named, an ASCII text is not."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import given
from hypothesis import strategies as st

from annotator.formats.records import RecordError, record_from_dict
from annotator.importing import article_caps
from annotator.importing.run import import_paths
from annotator.store import Store
from annotator.text import content_hash
from tests.conftest import write_jsonl

TEXT = "Kyiv offered a halt. Moscow said no."


def test_a_record_is_hashed_from_its_own_text():
    rec = record_from_dict({"text": TEXT}, source="a.jsonl", line=1)
    assert rec.digest == content_hash(TEXT)
    copy = dataclasses.replace(rec, text="Another text entirely.")
    assert copy.digest == content_hash("Another text entirely.")
    assert rec.digest == content_hash(TEXT)


def test_a_record_without_link_keys_is_the_record_with_them_empty():
    spans = [{"start": 0, "end": 4, "label": "claim"}, {"start": 21, "end": 27, "label": "denial", "note": "n"}]
    plain = record_from_dict({"text": TEXT, "meta": {"n": 1}, "spans": spans}, source="a.jsonl", line=3)
    empty = record_from_dict(
        {"text": TEXT, "meta": {"n": 1}, "spans": spans, "relations": [], "_link_decisions": [], "actors": []},
        source="a.jsonl",
        line=3,
    )
    assert plain == empty
    assert (plain.links, plain.link_decisions, plain.actors, plain.actor_kinds) == ([], [], [], {})


def test_bad_link_keys_are_still_refused():
    for bad, why in (
        ({"_link_decisions": [[0, 99, "speaker"]]}, "link decision 0"),
        ({"relations": "nope"}, '"relations" must be a list'),
        ({"actors": "nope"}, '"actors" must be a list'),
    ):
        try:
            record_from_dict({"text": TEXT, **bad}, source="a.jsonl", line=1)
        except RecordError as exc:
            assert why in str(exc)
        else:
            raise AssertionError(f"{bad} was taken")


@given(
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    st.lists(st.integers(0, 3), max_size=4),
)
def test_the_tally_finds_a_hash_where_it_always_did(digest, shared):
    assert article_caps._spots(digest) == tuple(int(digest[i : i + 6], 16) for i in (0, 6, 12, 18))
    seen = article_caps._MaybeStored()
    assert article_caps._spots(digest) not in seen
    assert seen.add_digest(digest)  # surely new, and now there
    assert article_caps._spots(digest) in seen
    assert not seen.add_digest(digest)
    assert not article_caps._MaybeStored(everything=True).add_digest(digest)
    # a hash sharing some of its four slices with the one seen is surely new unless its slices are all there
    other = (
        "".join(
            digest[i * 6 : i * 6 + 6] if i in shared else "%06x" % ((int(digest[i * 6 : i * 6 + 6], 16) + 1) % 2**24)
            for i in range(4)
        )
        + digest[24:]
    )
    surely_new = article_caps._spots(other) not in seen
    assert surely_new == (not set(article_caps._spots(other)) <= set(article_caps._spots(digest)))
    assert seen.add_digest(other) == surely_new
    assert article_caps._spots(other) in seen
    assert article_caps._spots(other) in seen


def test_a_cut_grapheme_is_named_and_an_ascii_text_is_not(tmp_path):
    flag = "Talks in 🇺🇦 today."
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps({"text": flag, "spans": [{"start": 9, "end": 10, "label": "claim"}]}),  # half the flag
            json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 4, "label": "claim"}]}),
        ],
    )
    with Store.create(tmp_path / "p.sqlite") as store:
        report = import_paths(store, [path], annotator="me")
    assert report.counts.articles_added == 2
    warnings = [r for r in report.rejections if r.kept]
    assert [r.line for r in warnings] == [1]
    assert "cut a character in two" in warnings[0].reason
