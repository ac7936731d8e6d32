"""core.estimates: every finite-difference scheme at its usual step against the exact partial (the
Derivatives page's table, as numbers) and core.hessian_shape (the Descent page's words)."""

from __future__ import annotations

import math

import pytest

from core import ALL_SCHEMES, DEFAULT_H, Function, estimates, finite_difference, hessian_shape


def test_each_row_is_the_scheme_at_its_usual_step_against_the_exact_value():
    f = Function("x^2 y + y^3")
    rows = estimates(f, 2, 1, "y", 7.0)
    assert [row.scheme for row in rows] == list(ALL_SCHEMES)
    for row in rows:
        value = finite_difference(f, 2, 1, "y", scheme=row.scheme)
        assert row.h == DEFAULT_H[row.scheme]
        assert row.value == value and row.error == abs(value - 7.0)
        assert row.relative == pytest.approx(abs(value - 7.0) / 7.0)
        assert row.refused is None


def test_rows_follow_the_order_asked_for():
    rows = estimates(Function("sin(x) y"), 1, 2, "x", 2 * math.cos(1), ("central", "forward"))
    assert [row.scheme for row in rows] == ["central", "forward"]
    assert rows[0].error < rows[1].error  # O(h^2) beats O(h) at their usual steps


def test_complex_step_off_the_analytic_functions_is_a_row_with_its_reason():
    rows = estimates(Function("abs(x) + y"), 0, 1, "x", math.nan, ("complex-step",))
    assert rows[0].refused and math.isnan(rows[0].value)


def test_a_zero_exact_value_has_no_relative_error():
    (row,) = estimates(Function("x^2 + y"), 0, 0, "x", 0.0, ("central",))
    assert row.error == pytest.approx(0.0, abs=1e-9) and math.isnan(row.relative)


@pytest.mark.parametrize(
    ("eigenvalues", "reference", "words"),
    [
        ((1.0, 2.0), 0.0, "bowl (curves up)"),
        ((-2.0, -1.0), 0.0, "dome (curves down)"),
        ((-1.0, 3.0), 0.0, "saddle"),
        ((0.0, 2.0), 0.0, "flat along one direction"),
        ((1e-9, 2.0), 0.0, "flat along one direction"),  # within 1e-6 of the larger one
        ((0.0, 0.0), 0.0, "flat (Hessian ≈ 0)"),
        ((1e-9, 2e-9), 1.0, "flat (Hessian ≈ 0)"),  # tiny beside the reference
        ((1e-9, 2e-9), 0.0, "bowl (curves up)"),  # with nothing to compare, still a bowl
        ((math.nan, 1.0), 0.0, "undefined"),
        ((1.0, math.inf), 0.0, "undefined"),
    ],
)
def test_hessian_shape_in_words(eigenvalues, reference, words):
    assert hessian_shape(eigenvalues, reference) == words
