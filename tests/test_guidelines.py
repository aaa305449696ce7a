"""Guidelines in the project: versions, the door (size, UTF-8, BOM, CRLF), sections by label, diffs."""

from __future__ import annotations

import json

import pytest

from annotator.guidelines.document import MAX_BYTES, GuidelinesError, read_guidelines, section
from annotator.store import Store

GUIDE = """# Guidelines

Read the whole statement first.

## offer

A speaker proposes something in exchange.

```
## not a heading
```

### Examples

"We will lift the sanctions if talks begin."

## `demand`

A speaker requires something.
"""


def test_a_label_s_section_runs_to_the_next_heading_of_its_level():
    offer = section(GUIDE, "Offer")
    assert offer.startswith("## offer\n")
    assert "## not a heading" in offer and "### Examples" in offer and "lift the sanctions" in offer
    assert "demand" not in offer
    assert section(GUIDE, "demand") == "## `demand`\n\nA speaker requires something.\n"
    assert section(GUIDE, "threat") is None


def test_bom_and_windows_line_ends_are_the_same_text(tmp_path):
    plain = tmp_path / "a.md"
    plain.write_text(GUIDE, encoding="utf-8")
    windows = tmp_path / "b.md"
    windows.write_bytes(b"\xef\xbb\xbf" + GUIDE.replace("\n", "\r\n").encode("utf-8"))
    assert read_guidelines(plain) == read_guidelines(windows) == GUIDE


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"# ok\n\xff\xfe bad\n", "b.md:2: not UTF-8"),
        (b"# ok\nnul \x00 here\n", r"b.md:2: control character U\+0000"),
        (b"\n\n  \n", "b.md: empty"),
        (b"#" * (MAX_BYTES + 1), "larger than"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_why(tmp_path, data, reason):
    path = tmp_path / "b.md"
    path.write_bytes(data)
    with pytest.raises(GuidelinesError, match=reason):
        read_guidelines(path)


def test_every_changed_load_is_a_new_version_and_the_same_text_is_not(cli, db_path, tmp_path):
    Store.create(db_path).close()
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    first = cli("guidelines", "--load", guide, "--author", "lead")
    assert first.exit_code == 0 and "guidelines version 1 loaded" in first.output
    guide.write_bytes(GUIDE.replace("\n", "\r\n").encode("utf-8"))
    same = cli("guidelines", "--load", guide)
    assert "same text as version 1: no new version" in same.output
    guide.write_text(GUIDE.replace("in exchange", "in exchange for a concession"), encoding="utf-8")
    assert "version 2 loaded" in cli("guidelines", "--load", guide, "--author", "lead").output

    assert cli("guidelines").output == GUIDE.replace("in exchange", "in exchange for a concession")
    assert cli("guidelines", "--version", "1").output == GUIDE
    versions = json.loads(cli("guidelines", "--json").output)["versions"]
    assert [(v["version"], v["author"]) for v in versions] == [(1, "lead"), (2, "lead")]
    assert all(len(v["sha256"]) == 64 and v["created_at"] for v in versions)
    changed = cli("guidelines", "--diff", "1", "2").output
    assert "-A speaker proposes something in exchange.\n+A speaker proposes something in exchange for a" in changed
    assert cli("guidelines", "--section", "demand").output == "## `demand`\n\nA speaker requires something.\n"


def test_mistakes_are_messages_and_change_nothing(cli, db_path, tmp_path):
    Store.create(db_path).close()
    assert "no guidelines yet" in cli("guidelines").output
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff")
    result = cli("guidelines", "--load", bad)
    assert result.exit_code == 1 and "not UTF-8" in result.output and "nothing was changed" in result.output
    assert json.loads(cli("guidelines", "--json").output) == {"versions": []}
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    cli("guidelines", "--load", guide)
    assert "no guidelines version 7" in cli("guidelines", "--diff", "1", "7").output
    assert "no section headed 'threat'" in cli("guidelines", "--section", "threat").output


def test_examples_of_a_label_come_from_gold_and_near_misses_from_review(cli, db_path):
    from annotator.review.gold import set_gold
    from tests.test_agreement import add, make_text

    text = make_text(0)
    with Store.create(db_path) as store:
        add(store, text, "anna", [(0, 5, "offer"), (12, 19, "offer")])
        add(store, text, "ben", [(0, 5, "offer"), (12, 19, "demand")])
        set_gold(store, 1, 12, 19, ["demand"])  # the review decided: a demand, not an offer
    found = json.loads(cli("guidelines", "--examples", "offer", "--json").output)
    assert [(e["start"], e["kind"], e["text"]) for e in found["examples"]] == [(0, "agreed", text[0:5])]
    near = found["near_misses"]
    assert [(e["start"], e["gold"], e["annotators"]) for e in near] == [
        (12, ["demand"], {"anna": ["offer"], "ben": ["demand"]})
    ]
    shown = cli("guidelines", "--examples", "offer").output
    assert "everyone who finished agreed" in shown and "gold demand; anna offer, ben demand" in shown
    assert "did you mean 'offer'" in cli("guidelines", "--examples", "ofer").output
