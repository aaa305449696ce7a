"""Rules: keyword and phrase patterns per label that suggest labels before any model exists.

The patterns are spaCy's (and Prodigy's `--patterns`) JSONL: one `{"label": …, "pattern": …}`
a line, where the pattern is a phrase (`"contingent on"`, matched on lower-cased tokens by a
`PhraseMatcher`) or a list of token patterns (`[{"LOWER": "if"}, {"OP": "*"}, {"LOWER":
"then"}]`, matched by a `Matcher`); an optional `"id"` names it. The project keeps its own
list (a project setting, so it travels with the file); until it has one, the defaults in
`resources/suggestion_rules.jsonl` apply. A rule's suggestion is marked as a rule's, never a
label until the annotator accepts it. Parsing and storing need no spaCy; matching does.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.records import Rejection, name_problem
from annotator.text import regex_problem

log = logging.getLogger("annotator.learn")

#: The project setting holding the project's own rules (absent: the defaults).
RULES_SETTING = "suggestion_rules"
DEFAULT_RULES = "suggestion_rules.jsonl"
#: The longest rules file read (they are a few kilobytes; a larger file is not a rules file).
MAX_RULES_BYTES = 4 * 2**20


@dataclass(frozen=True)
class Rule:
    label: str
    #: A phrase, or a spaCy `Matcher` pattern (a list of token patterns).
    pattern: str | list[dict[str, Any]] = field(hash=False)
    id: str = ""

    def describe(self) -> str:
        """What the window shows as the suggestion's source: the id, the phrase, or the tokens."""
        if self.id:
            return self.id
        if isinstance(self.pattern, str):
            return self.pattern
        words = []
        for token in self.pattern:
            value = next((v for k, v in token.items() if k in ("LOWER", "ORTH", "TEXT", "LEMMA", "NORM")), None)
            words.append(value if isinstance(value, str) else "…")
        return " ".join(words)

    @property
    def source(self) -> str:
        return f"rule:{self.describe()}"

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "pattern": self.pattern, **({"id": self.id} if self.id else {})}


class RuleError(ValueError):
    """A rule spaCy's matcher refuses; the message names it."""


def parse_rules(lines: Iterable[str], source: str) -> tuple[list[Rule], list[Rejection]]:
    """Rules from JSONL lines, and a `FILE:LINE: reason` for each line that is not one (the rest are kept)."""
    rules, rejections = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rules.append(rule_from(json.loads(line)))
        except RecursionError:
            rejections.append(Rejection(source, number, f"nested deeper than {MAX_PATTERN_DEPTH} levels"))
        except (ValueError, TypeError) as exc:
            reason = f"not JSON ({exc.msg})" if isinstance(exc, json.JSONDecodeError) else str(exc)
            rejections.append(Rejection(source, number, reason))
    return rules, rejections


def rule_from(item: Any) -> Rule:
    """One rule from its JSON object; ValueError saying what is wrong."""
    if not isinstance(item, dict):
        raise ValueError('a rule is an object: {"label": ..., "pattern": ...}')
    label, pattern, rule_id = item.get("label"), item.get("pattern"), item.get("id", "")
    if not isinstance(label, str) or not label.strip():
        raise ValueError('"label" must be a non-empty string')
    if (why := name_problem(label.strip(), '"label"')) is not None:  # a rule's label becomes a statement's
        raise ValueError(why)
    if not isinstance(rule_id, str):
        raise ValueError('"id" must be a string')
    if rule_id and (why := name_problem(rule_id, '"id"')) is not None:  # the window shows it as the source
        raise ValueError(why)
    if isinstance(pattern, str):
        if not pattern.strip():
            raise ValueError('"pattern" is an empty phrase')
    elif isinstance(pattern, list):
        if not pattern or not all(isinstance(token, dict) for token in pattern):
            raise ValueError('"pattern" must be a phrase or a non-empty list of token patterns (objects)')
        _check_tokens(pattern)
    else:
        raise ValueError('"pattern" must be a phrase (a string) or a list of token patterns')
    return Rule(label.strip(), pattern, rule_id)


#: The deepest a token pattern nests (`{"TEXT": {"REGEX": …}}` is 3); the largest `{n}` an OP may repeat.
MAX_PATTERN_DEPTH = 8
MAX_OP_REPEAT = 100
_OP_REPEAT = re.compile(r"\{(\d*),?(\d*)\}")


def _check_tokens(pattern: list[dict[str, Any]]) -> None:
    """A token pattern bounded before spaCy compiles it: nesting, `OP` repeat counts (the Matcher
    unrolls `{1000000000}` into memory), and each `REGEX` (size, repeats, no repeated group that
    repeats: spaCy runs `re`, which no time budget can stop). ValueError saying which."""
    stack: list[tuple[Any, int]] = [(pattern, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_PATTERN_DEPTH:
            raise ValueError(f'"pattern" nests deeper than {MAX_PATTERN_DEPTH} levels')
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "REGEX" and isinstance(value, str):
                    _check_regex(value)
                elif key == "OP" and isinstance(value, str) and (m := _OP_REPEAT.fullmatch(value)):
                    counts = [int(x) for x in m.groups() if x]
                    if any(c > MAX_OP_REPEAT for c in counts):
                        raise ValueError(f'"OP": {value!r:.40} repeats a token more than {MAX_OP_REPEAT} times')
                stack.append((value, depth + 1))


def _check_regex(pattern: str) -> None:
    problem = regex_problem(pattern, nested_repeats=False)
    if problem:
        raise ValueError(f"REGEX {pattern[:40]!r}: {problem}")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"REGEX {pattern[:40]!r} is not a valid regular expression: {exc}") from None


def read_rules_file(path: Path) -> tuple[list[Rule], list[Rejection]]:
    """The rules in a JSONL file (bounded: a rules file is small). OSError if it cannot be read."""
    path = Path(path)
    if path.stat().st_size > MAX_RULES_BYTES:
        return [], [Rejection(str(path), 0, f"larger than {MAX_RULES_BYTES // 2**20} MB: not a rules file")]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Rejection(str(path), 0, f"not UTF-8 text ({exc.reason})")]
    return parse_rules(text.splitlines(), str(path))


def default_rules() -> list[Rule]:
    rules, rejections = read_rules_file(settings.resource(DEFAULT_RULES))
    if rejections:  # a packaging mistake, not a user's
        raise RuntimeError(f"the default rules are broken: {rejections[0]}")
    return rules


def project_rules(store) -> list[Rule]:
    """The project's rules, or the defaults while it has none of its own."""
    stored = store.get_setting(RULES_SETTING)
    if stored is None:
        return default_rules()
    rules = []
    for item in stored:
        try:
            rules.append(rule_from(item))
        except (ValueError, TypeError) as exc:  # kept before rules were bounded: skipped, not run
            log.warning("a stored suggestion rule is skipped: %s", exc)
    return rules


def save_rules(store, rules: Sequence[Rule] | None) -> None:
    """Make `rules` the project's (None: back to the defaults). One committed write."""
    store.set_setting(RULES_SETTING, None if rules is None else [rule.as_dict() for rule in rules])


def rules_jsonl(rules: Sequence[Rule]) -> str:
    return "".join(json.dumps(rule.as_dict(), ensure_ascii=False) + "\n" for rule in rules)


class RuleMatcher:
    """Matches rules on spaCy `Doc`s: phrases on lower-cased tokens, token patterns as written.

    Build it with the pipeline that makes the docs (its tokenizer splits the phrases too).
    Raises `RuleError` for a token pattern spaCy refuses (`validate_rules` reports every one).
    """

    def __init__(self, rules: Sequence[Rule], nlp):
        from spacy.errors import MatchPatternError
        from spacy.matcher import Matcher, PhraseMatcher

        vocab = nlp.vocab
        self.rules = list(rules)
        self._tokens = Matcher(vocab, validate=True)
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        for i, rule in enumerate(self.rules):
            key = str(i)
            if isinstance(rule.pattern, str):
                self._phrases.add(key, [nlp.make_doc(rule.pattern)])
            else:
                unknown = _unregistered_extensions(rule.pattern)
                if unknown:  # the Matcher takes it, then fails at every doc it looks at
                    raise RuleError(
                        f"rule {i + 1} ({rule.label}: {rule.describe()}): "
                        f'"_": {unknown[0]!r} is not a token attribute this pipeline has (no such extension)'
                    )
                try:
                    self._tokens.add(key, [rule.pattern])
                except (MatchPatternError, ValueError) as exc:
                    raise RuleError(f"rule {i + 1} ({rule.label}: {rule.describe()}): {exc}") from exc
        self._vocab = vocab

    def match(self, doc) -> dict[str, Rule]:
        """label -> the first rule (in list order) that matches somewhere in `doc`, not negated
        ("We are not ready to discuss" is no offer; "Moscow did not confirm it had agreed" no
        commitment: `negated`)."""
        found: dict[str, Rule] = {}
        matches = [
            *(self._phrases(doc) if len(self._phrases) else ()),
            *(self._tokens(doc) if len(self._tokens) else ()),
        ]
        hits = sorted({int(self._vocab.strings[key]) for key, start, end in matches if not negated(doc, start, end)})
        for i in hits:
            found.setdefault(self.rules[i].label, self.rules[i])
        return found


#: Words that negate what follows them in a clause ("n't" is spaCy's token of "didn't"); a denial
#: verb too: "rejected any talks … in exchange for" offers no condition.
NEGATIONS = frozenset(
    {"not", "n't", "never", "no", "nor", "neither", "without", "refused", "declined", "denied", "rejected"}
)
#: How far back (tokens, within the sentence) a negation reaches without a parse: in the seeds'
#: "Moscow did not say when the request was made or explicitly confirm it had agreed to the pause"
#: "not" is eleven tokens before "agreed" (measured: `python -m benchmarks --suite rules`).
NEGATION_REACH = 12


def negated(doc, start: int, end: int) -> bool:
    """Whether the matched tokens `start:end` are negated. With a dependency parse (a pipeline with
    a parser): a `neg` child of the match's head word or of a word it depends on within the clause
    chain (ccomp/xcomp/acomp: "not ready to", "did not confirm it had agreed"). Without one (the
    window's suggestions tokenise only): a negation word at most `NEGATION_REACH` tokens before the
    match, in the same sentence (a full stop, ; or : ends the reach)."""
    if doc.has_annotation("DEP"):
        word = doc[start:end].root
        for _ in range(6):  # up the clause chain, a few steps at most
            if any(child.dep_ == "neg" or child.lower_ in ("never", "no") for child in word.children):
                return True
            if word.head is word or word.dep_ not in ("ccomp", "xcomp", "acomp", "aux", "conj", "advcl", "dobj"):
                return False
            word = word.head
        return False
    for i in range(start - 1, max(start - NEGATION_REACH, 0) - 1, -1):
        token = doc[i]
        if token.text in (".", ";", ":", "!", "?"):
            return False
        if token.lower_ in NEGATIONS:
            return True
    return False


def _unregistered_extensions(pattern: list[dict[str, Any]]) -> list[str]:
    """The `"_": {NAME: …}` attributes of a token pattern that no `Token.set_extension` registered."""
    from spacy.tokens import Token

    names = [name for token in pattern if isinstance(token.get("_"), dict) for name in token["_"]]
    return [name for name in names if not Token.has_extension(name)]


def validate_rules(rules: Sequence[Rule], source: str) -> list[Rejection]:
    """A `SOURCE:N: reason` for each rule spaCy's matcher refuses (N: the rule's place in the list)."""
    import spacy

    nlp = spacy.blank("en")
    rejections = []
    for i, rule in enumerate(rules, 1):
        try:
            RuleMatcher([rule], nlp)
        except RuleError as exc:
            rejections.append(Rejection(source, i, str(exc).split("): ", 1)[-1]))
    return rejections
