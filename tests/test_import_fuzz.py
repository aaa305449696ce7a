"""Hostile JSONL never crashes the importer: every rejection names FILE:LINE, the rest comes in."""

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.store import Store

REJECTION = re.compile(r"^(?P<file>.+\.jsonl):(?P<line>\d+): \S.*$")
LEFT_OUT = ("a project has no document categories yet", "a project has no links between statements yet")

# Text that may hold lone surrogates, which JSON can escape but no file can store.
texts = st.text(st.characters(categories=["L", "N", "P", "Zs", "Cs", "So"]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=20,
)
records = st.fixed_dictionaries(
    {"text": st.one_of(texts, json_values)},
    optional={
        "meta": json_values,
        "spans": st.lists(
            st.fixed_dictionaries(
                {"start": st.integers(-5, 60), "end": st.integers(-5, 60), "label": st.one_of(st.text(), json_values)}
            ),
            max_size=3,
        ),
        "label": json_values,
        "_annotator_id": st.one_of(st.text(), json_values),
        "entities": json_values,
        "answer": st.sampled_from(["accept", "reject", "ignore", "maybe"]),
    },
)
raw_lines = st.one_of(
    records.map(lambda r: json.dumps(r).encode()),
    records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 3000).map(
        lambda depth: b'{"text": "deep", "meta": ' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
    ),
    st.just(b'{"text": "lone \\udc00 surrogate"}'),
    st.just(b'{"text": "' + b"long " * 200_000 + b'"}'),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(raw_lines, min_size=1, max_size=8))
def test_fuzzed_jsonl_never_crashes_and_every_rejection_has_file_and_line(tmp_path_factory, lines):
    from click.testing import CliRunner

    from annotator.cli import main

    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "in.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    db = folder / "p.sqlite"
    result = CliRunner().invoke(main, ["--db", str(db), "import", "--no-ner", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    rejected_lines = set()
    for line in result.stderr.splitlines():
        if line.endswith("rejected (see above)"):
            continue
        match = REJECTION.match(line)
        assert match, f"not FILE:LINE: reason: {line!r}"
        if not line.endswith(LEFT_OUT):  # what an imported record held that a project cannot
            rejected_lines.add(int(match["line"]))
    assert (result.exit_code == 1) == bool(rejected_lines)
    with Store.open(db) as store:
        texts = {store.articles.article(i).text for i in store.articles.article_ids()}
    assert len(texts) <= len(lines) - len(rejected_lines)
