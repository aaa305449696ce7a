"""Patterns from users and files are bounded before they are compiled or run: a search's re:, a
rule's REGEX and OP, a query's nesting. Each bomb gets a one-line message, within 1 GB of memory."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator.learn.rules import parse_rules
from annotator.search.query import QueryError, parse

#: Run a snippet with its address space capped at 1 GB; print the peak resident size (kB) last:
#: its own VmHWM (ru_maxrss, the fallback, also counts the test process's pages from before exec,
#: so it grew with whatever the suite had loaded before).
CAPPED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1_000_000_000, 1_000_000_000))
{body}
try:
    print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def capped(body: str) -> tuple[str, int]:
    done = subprocess.run([sys.executable, "-c", CAPPED.format(body=body)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    *lines, peak = done.stdout.splitlines()
    return "\n".join(lines), int(peak)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('re:"x{4294967294}"', "repeats something 4,294,967,294 times; at most 1,000"),
        ('re:"x{10000000}"', "repeats something 10,000,000 times"),
        ('re:"((x{100}){100}){100}"', "make 1,000,000 copies"),
        ("(" * 250 + "ceasefire" + ")" * 250, "parentheses nest deeper than 50"),
        (" NOT ".join(f"w{i}" for i in range(1001)), "at most 200 words and phrases"),
    ],
)
def test_a_query_bomb_is_a_message_within_a_gigabyte(query, reason):
    body = (
        "from annotator.search.query import parse, QueryError\n"
        f"try:\n    parse({query!r})\nexcept QueryError as exc:\n    print(exc)\n"
    )
    said, peak_kb = capped(body)
    assert reason in said
    assert peak_kb < 300_000  # the interpreter and the module: the pattern is never expanded


def test_the_window_search_box_regex_mode_is_bounded_too():
    with pytest.raises(QueryError, match="at most 1,000"):
        parse("x{10000000}", regex=True)
    assert parse("halt(ed|s)? strikes", regex=True).regex is not None


def rule(pattern) -> str:
    return json.dumps({"label": "demand", "pattern": pattern})


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (rule([{"TEXT": {"REGEX": "^(a|aa)+$"}}]), "repeats a group that itself repeats or has alternatives"),
        (rule([{"TEXT": {"REGEX": "(["}}]), "is not a valid regular expression: unterminated character set"),
        (rule([{"TEXT": {"REGEX": "x{4294967294}"}}]), "at most 1,000"),
        (rule([{"LOWER": "a", "OP": "{1000000000}"}]), "repeats a token more than 100 times"),
        (rule([{"LOWER": "a", "OP": "{1000000}"}]), "repeats a token more than 100 times"),
        ('{"label": "x", "pattern": [' + "[" * 2000 + "]" * 2000 + "]}", "nested deeper than 8 levels"),
    ],
)
def test_a_rule_bomb_is_file_line_reason_and_the_good_rules_stay(line, reason):
    good = rule([{"LOWER": "if"}, {"LOWER": "a", "OP": "{1,3}"}])
    rules, rejections = parse_rules([good, line], "rules.jsonl")
    assert len(rules) == 1
    assert [str(r).split(": ", 1)[0] for r in rejections] == ["rules.jsonl:2"]
    assert reason in str(rejections[0])


def test_an_ordinary_regex_rule_still_matches():
    import spacy

    from annotator.learn.rules import RuleMatcher

    rules, rejections = parse_rules([rule([{"TEXT": {"REGEX": r"^cease-?fires?$"}}])], "rules.jsonl")
    assert rejections == []
    nlp = spacy.blank("en")
    assert set(RuleMatcher(rules, nlp).match(nlp("ceasefires now, they demand"))) == {"demand"}


def test_an_article_holding_every_private_use_character_is_still_searched(cli, tmp_path):
    from tests.conftest import write_jsonl

    pua = "".join(chr(c) for c in range(0xE000, 0xF900))
    text = "Kyiv offered talks. " + pua + " Kyiv again."
    assert cli("import", "--no-ner", write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": text})])).exit_code == 0
    result = cli("search", "Kyiv", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    spans = [tuple(m) for hit in found["hits"] for m in hit["matches"]]
    assert [text[a:b] for a, b in spans] == ["Kyiv", "Kyiv"] and spans[1] == (6421, 6425)
