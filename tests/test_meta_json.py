"""An article's meta is stored as the JSON `json.dumps(meta, ensure_ascii=False)` writes, whatever
it holds (`store.importer.meta_json` calls the standard library's C encoder directly, once made):
the text a teammate's merge, a re-import and an export compare is the same it always was."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from annotator.store.importer import meta_json

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=12), _values, max_size=6))
def test_a_meta_is_stored_as_json_dumps_writes_it(meta: dict) -> None:
    assert meta_json(meta) == (json.dumps(meta, ensure_ascii=False) if meta else "{}")


def test_a_meta_keeps_its_floats_and_its_non_ascii_text_as_they_are() -> None:
    meta = {"score": 0.1, "big": 123456789.123456789, "tiny": 1e-7, "nan": float("nan"), "city": "Kyiv / Київ"}
    assert meta_json(meta) == (
        '{"score": 0.1, "big": 123456789.12345679, "tiny": 1e-07, "nan": NaN, "city": "Kyiv / Київ"}'
    )
