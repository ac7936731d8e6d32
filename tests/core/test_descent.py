"""core.descent: paths, races, basins of attraction and the stability readout."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import (
    DIVERGED,
    DIVERGENCE_BOUND,
    MAX_STEPS,
    UNDEFINED,
    UNSETTLED,
    Function,
    basins,
    descend,
    race,
    stability,
)
from core.descent import STATUSES, _Derivatives

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
MINIMA = [(-3.77931, -3.283186), (-2.805118, 3.131313), (3.0, 2.0), (3.584428, -1.848127)]
SEVEN = [
    ("sgd", {"lr": 0.01}),
    ("sgd", {"lr": 0.01, "momentum": 0.9}),
    ("sgd", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("adagrad", {"lr": 0.5}),
    ("rmsprop", {"lr": 0.01}),
    ("adam", {"lr": 0.1}),
    ("newton", {}),
]


@pytest.fixture(autouse=True)
def no_warnings():
    """No RuntimeWarning (overflow, invalid value) may escape to the caller."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_runs_exactly_the_steps_asked():
    f = Function("x^2 + 3y^2")
    result = descend(f, (1, 1), "sgd", 25, lr=0.01)
    assert result.status == "finished" and result.stopped_at is None
    assert result.path.shape == (26, 2)
    np.testing.assert_array_equal(result.path[0], (1, 1))
    np.testing.assert_allclose(result.values, f(result.path[:, 0], result.path[:, 1]))
    gradients = f.gradient(result.path[:, 0], result.path[:, 1])
    np.testing.assert_allclose(result.gradient_norms, np.hypot(*gradients.T))
    # x shrinks by (1 - 0.02) and y by (1 - 0.06) per step.
    np.testing.assert_allclose(result.path[-1], (0.98**25, 0.94**25), rtol=1e-13)
    assert result.message.startswith("Ran all 25 steps")
    assert result.optimizer == "sgd" and result.hyperparameters["lr"] == 0.01
    zero = descend(f, (1, 1), "adam", 0)
    assert zero.path.shape == (1, 2) and zero.status == "finished"


def test_tolerance_stops_at_the_first_small_gradient():
    f = Function("x^2 + 3y^2")
    result = descend(f, (1, 1), "sgd", 1000, tolerance=1e-6, lr=0.1)
    assert result.status == "converged"
    assert len(result.path) == result.stopped_at + 1
    assert result.gradient_norms[-1] <= 1e-6 < result.gradient_norms[:-1].min()
    assert "Converged at step" in result.message
    at_start = descend(f, (0, 0), "adam", 10, tolerance=0.0)
    assert at_start.status == "converged" and at_start.stopped_at == 0


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0.1, 10),
    b=st.floats(0.1, 10),
    fraction=st.floats(0.05, 0.95),
)
def test_gradient_descent_below_two_over_lambda_max_decreases_f(a, b, fraction):
    f = Function(f"{a!r} x^2 + {b!r} y^2")
    lam_max = 2 * max(a, b)
    result = descend(f, (1.5, -2.0), "sgd", 60, lr=fraction * 2 / lam_max)
    assert result.status == "finished"
    assert np.all(np.diff(result.values) <= 1e-12 * result.values[:-1])


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0.1, 10),
    b=st.floats(0.1, 10),
    factor=st.floats(1.05, 3),
)
def test_gradient_descent_above_two_over_lambda_max_diverges(a, b, factor):
    f = Function(f"{a!r} x^2 + {b!r} y^2")
    lam_max = 2 * max(a, b)
    result = descend(f, (1.5, -2.0), "sgd", 2000, lr=factor * 2 / lam_max)
    assert result.status == "diverged"
    assert result.message.startswith(f"Diverged at step {result.stopped_at}:")
    assert "1e8" in result.message
    assert len(result.path) == result.stopped_at  # ends at the last good point
    assert np.abs(result.path).max() <= DIVERGENCE_BOUND
    assert np.isfinite(result.values).all()


def test_a_huge_learning_rate_diverges_cleanly_at_once():
    f = Function("x^2 y + y^3")
    for name in ("sgd", "adagrad", "rmsprop", "adam", "newton"):
        result = descend(f, (1, 1.5), name, MAX_STEPS, lr=1e9)
        assert result.status == "diverged", name
        assert result.stopped_at == 1 and len(result.path) == 1


def test_overflow_to_infinity_is_divergence_too():
    result = descend(Function("x^2 + y^2"), (1, 1), "sgd", 5, lr=1e308)
    assert result.status == "diverged"
    nan_step = descend(Function("x^2 + y^2"), (0, 0), "adagrad", 5, eps=0.0)  # 0 / 0
    assert nan_step.status == "diverged" and "not a finite number" in nan_step.message


def test_leaving_the_domain_is_undefined():
    result = descend(Function("sqrt(x) + y^2"), (1, 1), "sgd", 50, lr=0.6)
    assert result.status == "undefined"
    assert len(result.path) == result.stopped_at
    assert np.isfinite(result.values).all() and np.isfinite(result.gradient_norms).all()
    assert "left f's domain" in result.message
    # log(x): the gradient 1/x is finite at x < 0, but f is not: still undefined.
    log = descend(Function("log(x) + y^2"), (1, 1), "sgd", 5, lr=2.0)
    assert log.status == "undefined" and log.stopped_at == 1 and len(log.path) == 1
    outside = descend(Function("log(x)"), (-1, 0), "adam", 5)
    assert outside.status == "undefined" and outside.stopped_at == 0
    assert outside.path.tolist() == [[-1.0, 0.0]] and "start is outside" in outside.message


def test_undefined_on_the_last_step_is_caught():
    # One step of plain descent on sqrt(x) from x = 0.1 with lr = 1 jumps to x < 0.
    result = descend(Function("sqrt(x)"), (0.1, 0), "sgd", 1, lr=1.0)
    assert result.status == "undefined" and result.stopped_at == 1
    assert result.path.tolist() == [[0.1, 0.0]]


def test_newton_goes_to_the_saddle():
    result = descend(Function("x^2 - y^2"), (0.3, -0.2), "newton", 5)
    np.testing.assert_allclose(result.path[1], (0, 0), atol=1e-15)
    assert result.status == "finished"
    assert "saddle" in result.message and "any critical point" in result.message
    peak = descend(Function("-(x^2 + 2y^2)"), (1, 1), "newton", 3)
    np.testing.assert_allclose(peak.path[-1], (0, 0), atol=1e-15)
    assert "maximum" in peak.message


@pytest.mark.parametrize(
    ("text", "start"),
    [("x^4 + y^4", (0, 0)), ("x^2", (1, 1)), ("x^2 + y^4", (1, 0)), ("x y + 1", (2, 3))],
)
def test_newton_on_a_singular_hessian_is_stuck(text, start):
    if text == "x y + 1":  # H = [[0, 1], [1, 0]] is invertible: a real step to the saddle
        result = descend(Function(text), start, "newton", 3)
        assert result.status == "finished" and "saddle" in result.message
        return
    result = descend(Function(text), start, "newton", 10)
    assert result.status == "stuck"
    assert result.stopped_at == 1 and result.path.tolist() == [list(map(float, start))]
    assert result.message.startswith("Stuck at step 1: the Hessian is singular")


def test_newton_on_x4_creeps_towards_the_flat_origin():
    # Newton on x^4 multiplies x by 2/3 each step (linear, not quadratic: H is singular at the
    # minimum); near 1e-65 the step underflows and the point stays, next to the origin.
    result = descend(Function("x^4 + y^4"), (1, 1), "newton", 2000)
    assert result.status == "finished" and "minimum" in result.message
    np.testing.assert_allclose(result.path[:5, 0], (2 / 3) ** np.arange(5), rtol=1e-14)
    assert 0 < result.path[-1, 0] < 1e-60


def test_race_equals_descend():
    for text, start in ((HIMMELBLAU, (0.5, 0.5)), ("x^2 y + y^3", (1.0, 1.5))):
        f = Function(text)
        raced = race(f, start, SEVEN, 1000)
        for (name, hp), result in zip(SEVEN, raced, strict=True):
            alone = descend(f, start, name, 1000, **hp)
            np.testing.assert_array_equal(result.path, alone.path)
            np.testing.assert_array_equal(result.values, alone.values)
            assert (result.status, result.stopped_at, result.message) == (
                alone.status,
                alone.stopped_at,
                alone.message,
            )
    assert race(Function(HIMMELBLAU), (0, 0), [], 10) == []


CONFIGS = [
    *SEVEN,
    ("sgd", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgd", {"lr": 0.3}),
    ("adagrad", {"lr": 5.0, "lr_decay": 0.1}),
    ("rmsprop", {"lr": 0.05, "centered": True, "momentum": 0.3}),
    ("adam", {"lr": 1.0, "amsgrad": True}),
    ("adam", {"lr": 50.0}),
    ("newton", {"lr": 0.5}),
]


@settings(max_examples=25, deadline=None)
@given(
    picks=st.lists(st.sampled_from(range(len(CONFIGS))), min_size=1, max_size=8),
    text=st.sampled_from([HIMMELBLAU, "x^2 y + y^3", "sqrt(x) + y^2", "x^4 + y^4"]),
    start=st.tuples(st.floats(-4, 4), st.floats(-4, 4)),
    steps=st.integers(0, 60),
    tolerance=st.sampled_from([None, 1e-3]),
)
def test_race_equals_descend_for_any_racers(picks, text, start, steps, tolerance):
    f = Function(text)
    racers = [CONFIGS[i] for i in picks]
    raced = race(f, start, racers, steps, tolerance)
    for (name, hp), result in zip(racers, raced, strict=True):
        alone = descend(f, start, name, steps, tolerance, **hp)
        np.testing.assert_array_equal(result.path, alone.path)
        assert (result.status, result.stopped_at) == (alone.status, alone.stopped_at)
        assert result.status in STATUSES
        np.testing.assert_array_equal(result.path[0], start)
        assert len(result.path) <= steps + 1


def test_basins_rows_equal_separate_runs():
    f = Function(HIMMELBLAU)
    result = basins(f, "adam", (-5, 5), (-5, 5), 6, 40, lr=0.3)
    for i in range(6):
        for j in range(6):
            alone = descend(f, (result.x[j], result.y[i]), "adam", 40, lr=0.3)
            np.testing.assert_allclose(result.ends[i, j], alone.path[-1], rtol=1e-14, atol=0)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"steps": -1}, "steps must be between 0 and 10,000"),
        ({"steps": MAX_STEPS + 1}, "steps must be between 0 and 10,000"),
        ({"steps": 10**9}, "steps must be between"),
        ({"steps": 1.5}, "steps must be a whole number"),
        ({"steps": 10.0}, "steps must be a whole number"),
        ({"steps": True}, "steps must be a whole number"),
        ({"steps": "10"}, "steps must be a whole number"),
        ({"start": (math.nan, 0)}, "start must be finite"),
        ({"start": (0, math.inf)}, "start must be finite"),
        ({"start": (1, 2, 3)}, "start must be two numbers"),
        ({"start": "origin"}, "start must be two numbers"),
        ({"start": None}, "start must be two numbers"),
        ({"optimizer": "lbfgs"}, "no optimizer called 'lbfgs'"),
        ({"lr": math.nan}, "lr must be a finite number"),
        ({"lr": -1e9}, "lr must be 0 or more"),
        ({"tolerance": -1.0}, "tolerance must be a finite number of 0 or more"),
        ({"tolerance": math.nan}, "tolerance must be a finite number"),
    ],
)
def test_hostile_inputs_get_a_sentence(kwargs, words):
    arguments = {"start": (1, 1), "optimizer": "sgd", "steps": 10, **kwargs}
    with pytest.raises(ValueError, match=words):
        descend(Function("x^2 + y^2"), **arguments)


def test_hostile_races():
    f = Function("x^2 + y^2")
    with pytest.raises(ValueError, match="pair"):
        race(f, (0, 0), ["sgd"], 5)
    with pytest.raises(ValueError, match="At most 64"):
        race(f, (0, 0), [("sgd", {})] * 65, 5)
    with pytest.raises(ValueError, match="no hyperparameter 'lr_decay'"):
        race(f, (0, 0), [("sgd", {}), ("adam", {"lr_decay": 0.1})], 5)


def test_the_longest_run_is_bounded():
    # MAX_STEPS of the slowest optimizer on a polynomial: bounded work, ends cleanly.
    result = descend(Function(HIMMELBLAU), (0, 0), "newton", MAX_STEPS)
    assert result.status == "finished" and len(result.path) == MAX_STEPS + 1


def test_basins_of_himmelblau():
    f = Function(HIMMELBLAU)
    result = basins(f, "sgd", (-5, 5), (-5, 5), 41, 200, lr=0.01)
    assert result.labels.shape == (41, 41) and result.ends.shape == (41, 41, 2)
    np.testing.assert_allclose(result.x, np.linspace(-5, 5, 41))
    centres = [(p.x, p.y) for p in result.critical]
    minima = [min(range(len(centres)), key=lambda k: math.dist(centres[k], m)) for m in MINIMA]
    assert all(math.dist(centres[k], m) < 1e-5 for k, m in zip(minima, MINIMA, strict=True))
    counts = {k: int((result.labels == k).sum()) for k in minima}
    assert all(count > 50 for count in counts.values()), counts
    # Start at (3, 2) exactly (x[32] = 3, y[28] = 2): it stays on that minimum.
    assert (result.x[32], result.y[28]) == (3.0, 2.0)
    assert result.labels[28, 32] == minima[2]
    assert result.optimizer == "sgd" and result.steps == 200
    # Every label is a critical point's index or one of the three outcomes.
    assert set(np.unique(result.labels)) <= {*range(len(centres)), DIVERGED, UNSETTLED}


def test_basins_mark_divergence_unsettled_and_undefined():
    f = Function(HIMMELBLAU)
    wild = basins(f, "sgd", (-5, 5), (-5, 5), 20, 50, lr=1.0)
    assert (wild.labels == DIVERGED).mean() > 0.9
    frozen = basins(f, "sgd", (-5, 5), (-5, 5), 20, 0)
    assert (frozen.labels == UNSETTLED).mean() > 0.8  # zero steps: most starts are nowhere
    # Defined for x > 0 only, with its minimum near (0.52, 0).
    f = Function("(x - 0.5)^2 + y^2 + 0.01 log(x)")
    log = basins(f, "sgd", (-1, 1), (-1, 1), 10, 200, lr=0.1)
    assert np.all(log.labels[:, log.x <= 0] == UNDEFINED)
    (minimum,) = (k for k, p in enumerate(log.critical) if p.kind == "minimum")
    assert np.all(log.labels[:, log.x > 0] == minimum)


def test_basins_newton_stuck_starts_are_labelled_by_where_they_are():
    result = basins(Function("x^4 + y^4"), "newton", (-1, 1), (-1, 1), 5, 3000)
    # On an axis (but not at the origin) H = diag(12x^2, 0) is singular: stuck at the start,
    # which is near no critical point. Every other start creeps to the origin.
    on_axis = (result.x[None, :] == 0) ^ (result.y[:, None] == 0)
    assert np.all(result.labels[on_axis] == UNSETTLED)
    assert np.all(result.labels[~on_axis] == 0)
    np.testing.assert_array_equal(
        result.ends[on_axis], np.stack(np.meshgrid(result.x, result.y), -1)[on_axis]
    )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"resolution": 1}, "resolution must be between 2 and 300"),
        ({"resolution": 301}, "resolution must be between 2 and 300"),
        ({"resolution": 20.0}, "resolution must be a whole number"),
        ({"steps": -5}, "steps must be between"),
        ({"resolution": 300, "steps": 1000}, "too much work"),
        ({"xlim": (1, -1)}, "xlim must be increasing"),
        ({"ylim": (0, math.inf)}, "ylim must be finite"),
        ({"optimizer": "adamw"}, "no optimizer called"),
    ],
)
def test_hostile_basins(kwargs, words):
    arguments = {
        "optimizer": "sgd",
        "xlim": (-1, 1),
        "ylim": (-1, 1),
        "resolution": 10,
        "steps": 10,
        **kwargs,
    }
    with pytest.raises(ValueError, match=words):
        basins(Function("x^2 + y^2"), **arguments)


def test_stability_of_a_quadratic():
    f = Function("x^2 + 3y^2")
    result = stability(f, (1, 1), (0.1, 0.2), lr=0.1)
    np.testing.assert_allclose(result.start_eigenvalues, (2, 6))
    np.testing.assert_allclose(result.end_eigenvalues, (2, 6))
    assert result.lr_limit == pytest.approx(1 / 3)
    assert "2/λmax = 0.3333" in result.explanation and "below it" in result.explanation
    too_big = stability(f, (1, 1), (0, 0), lr=0.5)
    assert "overshoots" in too_big.explanation
    # The limit is real: just below it descent settles, just above it diverges.
    assert descend(f, (1, 1), "sgd", 3000, lr=0.99 / 3).status == "finished"
    assert descend(f, (1, 1), "sgd", 3000, lr=1.01 / 3).status == "diverged"


def test_stability_without_a_positive_eigenvalue_or_a_hessian():
    down = stability(Function("-(x^2 + y^2)"), (1, 1), (2, 2), lr=0.1)
    assert down.lr_limit is None and "no positive eigenvalue" in down.explanation
    np.testing.assert_allclose(down.start_eigenvalues, (-2, -2))
    saddle = stability(Function("x^2 - 2y^2"), (1, 1), (1, 1), lr=0.1)
    assert saddle.lr_limit == pytest.approx(1.0) and "negative" in saddle.explanation
    assert "not near a minimum" in saddle.explanation and "settles here" not in saddle.explanation
    assert "settles here" in stability(Function("x^2 + y^2"), (1, 1), (0, 0), lr=0.1).explanation
    hole = stability(Function("sqrt(x) + y"), (-1, 0), (1, 1), lr=0.1)
    assert hole.lr_limit is None and np.isnan(hole.start_eigenvalues).all()
    assert np.isfinite(hole.end_eigenvalues).all()
    with pytest.raises(ValueError, match="lr must be"):
        stability(Function("x^2"), (0, 0), (0, 0), lr=math.nan)


@pytest.mark.parametrize(
    "text", ["x^2 y + y^3", "log(x) + y", "x + 2y", "sin(x) cos(y)", "sqrt(1 - x^2 - y^2)"]
)
def test_fast_derivatives_equal_the_functions_own(text):
    f = Function(text)
    points = np.array([[0.5, -0.3], [-2.0, 1.0], [0.0, 0.0], [3.0, 0.1]])
    with np.errstate(all="ignore"):
        gradient, none = _Derivatives(f, hessian=False)(points)
        both = _Derivatives(f, hessian=True)(points)
        expected = (f.gradient(points[:, 0], points[:, 1]), f.hessian(points[:, 0], points[:, 1]))
    assert none is None
    # NaN where f.gradient says NaN; inf may stay inf (the loop treats both alike).
    for ours, theirs in ((gradient, expected[0]), *zip(both, expected, strict=True)):
        np.testing.assert_array_equal(np.where(np.isfinite(ours), ours, np.nan), theirs)
