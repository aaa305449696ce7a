"""Which entities a link may go to, nearest first, and the one- or two-letter hint each gets.

Pure Python (no Qt): the window's linking mode and its tests share it. Hints are prefix-free
(no hint is the start of another), so the first letters typed never wait: the nearest
candidates get one letter, the rest two (as Vimium's link hints do).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.records import Entity
from annotator.ui.shell.palette import VALUE_TYPES

#: Letters hints are made of, home row first. Every letter is free in linking mode: the window's
#: letter keys (J, K, N, P, U, S, T, L) act again once the mode ends.
ALPHABET = "asdfjklghqweruiotyzxcvbnmp"


def hint_labels(n: int, alphabet: str = ALPHABET) -> list[str]:
    """`n` prefix-free hints, shortest first: as many single letters as leave room for the rest in
    two letters. At most len(alphabet)² hints; asking more raises ValueError."""
    k = len(alphabet)
    if n > k * k:
        raise ValueError(f"at most {k * k} hints, asked for {n}")
    if n <= k:
        return list(alphabet[:n])
    singles = (k * k - n) // (k - 1)  # each single letter kept costs k - 1 two-letter hints
    hints = list(alphabet[:singles])
    for first in alphabet[singles:]:
        hints.extend(first + second for second in alphabet)
    return hints[:n]


def distance(span: tuple[int, int], statement: tuple[int, int]) -> int:
    """Characters between a span and the statement (0 when they overlap)."""
    if span[1] <= statement[0]:
        return statement[0] - span[1]
    if span[0] >= statement[1]:
        return span[0] - statement[1]
    return 0


def entity_candidates(
    entities: Iterable[Entity],
    statement: tuple[int, int],
    visible: tuple[int, int],
    *,
    hidden: frozenset[str] | set[str] = frozenset(),
    first: Sequence[tuple[int, int]] = (),
    limit: int = len(ALPHABET) ** 2,
) -> list[Entity]:
    """Entities in the visible range (code points) that may be a link's other end, nearest to the
    statement first (those inside it before those around it); spans in `first` (a suggestion)
    lead. Names only (a statement is not said by a date or a number), not of a hidden type; one per span."""
    seen: set[tuple[int, int]] = set()
    found = []
    for e in entities:
        span = (e.start, e.end)
        if e.label in VALUE_TYPES or e.label in hidden or span in seen:
            continue
        if e.end <= visible[0] or e.start >= visible[1]:
            continue
        seen.add(span)
        found.append(e)
    lead = {span: i for i, span in enumerate(first)}
    found.sort(key=lambda e: (lead.get((e.start, e.end), len(lead)), distance((e.start, e.end), statement), e.start))
    return found[:limit]
