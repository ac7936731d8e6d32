"""pages.explore.readout's numbers: short LaTeX, powers of ten, and words instead of nan or inf."""

from __future__ import annotations

import math

import pytest

from ui.shell.text import UNDEFINED, latex_number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (4.0, "4"),
        (7, "7"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.3"),
        (-2.5, "-2.5"),
        (1e-12, r"1 \times 10^{-12}"),
        (-3.5e20, r"-3.5 \times 10^{20}"),
    ],
)
def test_latex_number_is_short(value, shown):
    assert latex_number(value) == shown


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_latex_number_says_undefined_instead_of_nan_or_inf(value):
    assert latex_number(value) == UNDEFINED
