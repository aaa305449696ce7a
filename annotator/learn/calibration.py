"""Calibration: the model's probabilities made to mean what they say, on the held-out split.

A textcat trained on a few dozen statements is overconfident: it says 98% where it is right
half the time. `fit_temperature` finds one temperature T for the model's logits (temperature
scaling: p' = sigmoid(logit(p) / T), Guo et al. 2017) that minimises the log loss on the
held-out examples; `expected_calibration_error` measures the gap between what it says and how
often it is right (10 equal-width bins over every example-label pair), before and after. The
temperature travels in the pipeline's meta (`annotator.temperature`), and `Suggester` applies
it to every probability it shows or ranks by. A held-out split with too few positive (or
negative) examples fits no temperature (`MIN_EACH`): the model's probabilities are kept as they
are, and the report says why. No spaCy here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: The temperatures searched: the log loss is convex in 1/T, so a ternary search finds its minimum.
_LOWEST, _HIGHEST = 0.25, 20.0
_EPS = 1e-6
BINS = 10
#: The fewest positive, and negative, held-out example-label pairs a temperature is fitted on.
#: One temperature is set by the balance of the two: with no positive, every sharpening lowers
#: the loss (it pushes the negatives' probabilities to 0) and the search runs to its bound (T
#: 0.25 on a project with one finished article), which would make every suggestion overconfident.
#: Ten of each is a floor a project passes after a dozen finished articles, not a proof of
#: calibration; below it the model's own probabilities (T 1) are the honest ones.
MIN_EACH = 10


@dataclass(frozen=True)
class Calibration:
    temperature: float
    ece_before: float | None
    ece_after: float | None
    #: Example-label pairs it was measured on.
    pairs: int
    #: Of those, the positive ones (the held-out statement has the label).
    positives: int = 0
    #: Why no temperature was fitted (too few positives or negatives), or "": fitted.
    not_fitted: str = ""

    def line(self) -> str:
        if self.ece_before is None:
            return "calibration: no held-out example to calibrate on (probabilities as the model gives them)"
        if self.not_fitted:
            return (
                f"calibration: temperature not fitted: {self.not_fitted}; probabilities as the model gives them "
                f"(expected calibration error {self.ece_before:.3f} on {self.pairs} held-out example-label pairs)"
            )
        return (
            f"calibration: expected calibration error {self.ece_before:.3f} before, {self.ece_after:.3f} after "
            f"(temperature {self.temperature:.2f}, on {self.pairs} held-out example-label pairs)"
        )


def scaled(p: float, temperature: float) -> float:
    """`p` with its logit divided by `temperature` (1: unchanged)."""
    if temperature == 1.0:
        return p
    p = min(max(p, _EPS), 1 - _EPS)
    return 1.0 / (1.0 + math.exp(-math.log(p / (1 - p)) / temperature))


def _log_loss(pairs: Sequence[tuple[float, bool]], temperature: float) -> float:
    total = 0.0
    for p, truth in pairs:
        q = min(max(scaled(p, temperature), _EPS), 1 - _EPS)
        total -= math.log(q if truth else 1 - q)
    return total


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = BINS) -> float | None:
    """Σ over bins of (share of pairs in it) × |mean probability − share true|; None without pairs."""
    if not pairs:
        return None
    sums = [[0, 0.0, 0] for _ in range(bins)]  # count, probability sum, true count
    for p, truth in pairs:
        b = sums[min(int(p * bins), bins - 1)]
        b[0] += 1
        b[1] += p
        b[2] += truth
    return sum(abs(s / n - t / n) * n for n, s, t in sums if n) / len(pairs)


def fit_temperature(pairs: Sequence[tuple[float, bool]]) -> Calibration:
    """The temperature that minimises the held-out log loss, with the calibration error before and
    after; temperature 1 (`not_fitted` saying why) with fewer than `MIN_EACH` positive or negative pairs."""
    if not pairs:
        return Calibration(1.0, None, None, 0)
    positives = sum(truth for _, truth in pairs)
    negatives = len(pairs) - positives
    if min(positives, negatives) < MIN_EACH:
        few, what = (positives, "positive") if positives < MIN_EACH else (negatives, "negative")
        ece = expected_calibration_error(pairs)
        why = f"held-out set has {few} {what} example{'s' * (few != 1)} (at least {MIN_EACH} needed)"
        return Calibration(1.0, ece, ece, len(pairs), positives, why)
    low, high = 1 / _HIGHEST, 1 / _LOWEST  # inverse temperatures
    for _ in range(60):
        a, b = low + (high - low) / 3, high - (high - low) / 3
        if _log_loss(pairs, 1 / a) <= _log_loss(pairs, 1 / b):
            high = b
        else:
            low = a
    best = round(2 / (low + high), 3)
    after = [(scaled(p, best), truth) for p, truth in pairs]
    return Calibration(
        best, expected_calibration_error(pairs), expected_calibration_error(after), len(pairs), positives
    )
