"""The gates bench (`python -m benchmarks --suite gates`) lets through exactly the labels the
window's `Suggester` shows: the figures it reports are the window's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.learn.suggest import _gates
from benchmarks.gates import GRID, _lets_through

figures = st.fixed_dictionaries(
    {"examples": st.integers(0, 80), "f1": st.one_of(st.none(), st.floats(0, 1, allow_nan=False))}
)


@given(figures)
def test_the_bench_gates_as_the_window_does(item):
    for min_examples, min_f1 in GRID:
        if (min_examples, min_f1) == (0, 0.0):
            assert _lets_through(item, 0, 0.0)  # no gate: every label the model gives 0.5
            continue
        withheld = _gates({"labels": {"offer": item}}, min_examples, min_f1)
        assert _lets_through(item, min_examples, min_f1) == ("offer" not in withheld)
