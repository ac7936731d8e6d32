"""core.optimizers: torch.optim's update rules, checked by hand on f = x^2 + 3y^2 (gradient
(2x, 6y)), plus validation that speaks to people."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core import DEFAULTS, OPTIMIZERS, Function, descend, optimizer
from core.optimizers import singular_hessian, stack_key, stacked

pytestmark = pytest.mark.filterwarnings("error")  # no RuntimeWarning may escape

BOWL = "x^2 + 3y^2"
START = (1.0, 1.0)


def grad(p):
    """The gradient of x^2 + 3y^2, by hand."""
    return (2 * p[0], 6 * p[1])


def first_two(name, **hp) -> np.ndarray:
    path = descend(Function(BOWL), START, name, 2, **hp).path
    assert path.shape == (3, 2)
    return path


def test_names_and_defaults_are_torchs():
    assert OPTIMIZERS == ("sgd", "adagrad", "rmsprop", "adam", "newton")
    assert DEFAULTS["sgd"] == {
        "lr": 1e-3,
        "momentum": 0.0,
        "dampening": 0.0,
        "nesterov": False,
        "weight_decay": 0.0,
    }
    assert DEFAULTS["adagrad"]["eps"] == 1e-10 and DEFAULTS["adagrad"]["lr"] == 1e-2
    assert DEFAULTS["rmsprop"]["alpha"] == 0.99 and DEFAULTS["rmsprop"]["eps"] == 1e-8
    assert DEFAULTS["adam"]["betas"] == (0.9, 0.999) and DEFAULTS["adam"]["lr"] == 1e-3
    assert DEFAULTS["newton"] == {"lr": 1.0}
    adam = optimizer("adam", lr=0.5)
    assert adam.hyperparameters == {**DEFAULTS["adam"], "lr": 0.5}
    assert not adam.needs_hessian and optimizer("newton").needs_hessian


def test_sgd_plain():
    # p <- p - lr g
    p1 = (1 - 0.1 * 2, 1 - 0.1 * 6)
    p2 = (p1[0] - 0.1 * grad(p1)[0], p1[1] - 0.1 * grad(p1)[1])
    np.testing.assert_allclose(first_two("sgd", lr=0.1), [START, p1, p2], rtol=1e-15)


def test_sgd_momentum_buffer_is_the_gradient_on_the_first_step():
    lr, mu, damp, wd = 0.1, 0.5, 0.25, 0.1
    # Step 1: g = grad + wd p = (2.1, 6.1); buffer = g itself (no dampening on the first step).
    g1 = (2.1, 6.1)
    p1 = (1 - lr * g1[0], 1 - lr * g1[1])
    assert p1 == pytest.approx((0.79, 0.39))
    # Step 2: buffer = mu buffer + (1 - dampening) g.
    g2 = (2 * 0.79 + wd * 0.79, 6 * 0.39 + wd * 0.39)
    buffer = (mu * g1[0] + (1 - damp) * g2[0], mu * g1[1] + (1 - damp) * g2[1])
    assert buffer == pytest.approx((2.29425, 4.83425))
    p2 = (p1[0] - lr * buffer[0], p1[1] - lr * buffer[1])
    path = first_two("sgd", lr=lr, momentum=mu, dampening=damp, weight_decay=wd)
    np.testing.assert_allclose(path, [START, p1, p2], rtol=1e-14)
    np.testing.assert_allclose(path[2], (0.560575, -0.093425), rtol=1e-12)


def test_sgd_nesterov_looks_ahead():
    # Step 1: buffer = g = (2, 6); direction g + mu buffer = (3, 9).
    # Step 2: g = (1.4, 0.6); buffer = 0.5 (2, 6) + g = (2.4, 3.6); direction = (2.6, 2.4).
    path = first_two("sgd", lr=0.1, momentum=0.5, nesterov=True)
    np.testing.assert_allclose(path, [START, (0.7, 0.1), (0.44, -0.14)], rtol=1e-13)


def test_adagrad_lr_decay_accumulator_and_eps_outside_the_root():
    lr, decay, start_sum, eps = 0.5, 0.5, 1.0, 0.1
    g1 = grad(START)
    sums = [start_sum + g * g for g in g1]  # (5, 37)
    p1 = [p - lr * g / (math.sqrt(s) + eps) for p, g, s in zip(START, g1, sums, strict=True)]
    g2 = grad(p1)
    sums = [s + g * g for s, g in zip(sums, g2, strict=True)]
    clr = lr / (1 + 1 * decay)  # step 2: lr / (1 + (step - 1) lr_decay)
    p2 = [p - clr * g / (math.sqrt(s) + eps) for p, g, s in zip(p1, g2, sums, strict=True)]
    path = first_two("adagrad", lr=lr, lr_decay=decay, initial_accumulator_value=start_sum, eps=eps)
    np.testing.assert_allclose(path, [START, p1, p2], rtol=1e-14)
    # eps inside the root would give a different first step: the test can tell.
    inside = 1 - lr * 2 / math.sqrt(5 + eps)
    assert abs(path[1, 0] - inside) > 1e-3


def test_rmsprop_centered_with_momentum():
    lr, alpha, eps, mu = 0.01, 0.9, 1e-3, 0.5
    p, square, mean, buffer = list(START), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    expected = [tuple(p)]
    for _ in range(2):
        g = grad(p)
        for i in range(2):
            square[i] = alpha * square[i] + (1 - alpha) * g[i] * g[i]
            mean[i] = mean[i] + (1 - alpha) * (g[i] - mean[i])
            avg = math.sqrt(square[i] - mean[i] ** 2) + eps
            buffer[i] = mu * buffer[i] + g[i] / avg
            p[i] -= lr * buffer[i]
        expected.append(tuple(p))
    # Step 1 by hand: square = (0.4, 3.6), mean = (0.2, 0.6), avg = (0.6, 1.8) + eps.
    assert expected[1] == pytest.approx((1 - 0.01 * 2 / 0.601, 1 - 0.01 * 6 / 1.801))
    path = first_two("rmsprop", lr=lr, alpha=alpha, eps=eps, momentum=mu, centered=True)
    np.testing.assert_allclose(path, expected, rtol=1e-14)


def test_rmsprop_default_alpha_and_plain_step():
    # Step 1 with alpha = 0.99: square = 0.01 g^2, sqrt(square) = 0.1 |g|: step = lr g / (0.1 |g|).
    path = first_two("rmsprop", lr=0.01, eps=0.0)
    np.testing.assert_allclose(path[1], (1 - 0.1, 1 - 0.1), rtol=1e-14)


def test_adam_amsgrad_bias_corrections_and_eps_after_the_root():
    lr, (b1, b2), eps = 0.5, (0.8, 0.5), 1e-3
    g1 = grad(START)
    m = [(1 - b1) * g for g in g1]
    v = [(1 - b2) * g * g for g in g1]
    vmax = list(v)
    # Step 1: bias-corrected m / sqrt(v) = g / |g|, so each coordinate moves by lr g/(|g| + eps).
    p1 = [p - lr * g / (abs(g) + eps) for p, g in zip(START, g1, strict=True)]
    g2 = grad(p1)
    m = [b1 * mi + (1 - b1) * g for mi, g in zip(m, g2, strict=True)]
    v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(v, g2, strict=True)]
    assert all(new < old for new, old in zip(v, vmax, strict=True))  # amsgrad keeps the max
    vmax = [max(a, b) for a, b in zip(vmax, v, strict=True)]
    bc1, bc2 = 1 - b1**2, 1 - b2**2
    p2 = [
        p - (lr / bc1) * mi / (math.sqrt(vi) / math.sqrt(bc2) + eps)
        for p, mi, vi in zip(p1, m, vmax, strict=True)
    ]
    path = first_two("adam", lr=lr, betas=(b1, b2), eps=eps, amsgrad=True)
    np.testing.assert_allclose(path, [START, p1, p2], rtol=1e-14)
    plain = first_two("adam", lr=lr, betas=(b1, b2), eps=eps)
    np.testing.assert_allclose(plain[1], path[1], rtol=1e-15)  # same first step
    assert np.all(np.abs(plain[2] - path[2]) > 1e-4)  # amsgrad's max changes the second


def test_adam_weight_decay_adds_to_the_gradient():
    # torch's Adam (not AdamW): g <- g + wd p before the moments.
    path = first_two("adam", lr=0.1, weight_decay=1.0)
    g1 = (2 + 1, 6 + 1)
    np.testing.assert_allclose(path[1], [1 - 0.1 * g / (g + 1e-8) for g in g1], rtol=1e-14)


def test_newton_lands_on_a_quadratics_minimum_in_one_step():
    f = Function("x^2 + 3y^2 + x y - 2x")  # H = [[2, 1], [1, 6]]; minimum at (12/11, -2/11)
    path = descend(f, (5.0, -7.0), "newton", 1).path
    np.testing.assert_allclose(path[1], (12 / 11, -2 / 11), rtol=1e-14)
    half = descend(f, (5.0, -7.0), "newton", 2, lr=0.5).path
    target = np.array([12 / 11, -2 / 11])
    np.testing.assert_allclose(half[1], (5, -7) + 0.5 * (target - (5, -7)), rtol=1e-14)
    np.testing.assert_allclose(half[2], half[1] + 0.5 * (target - half[1]), rtol=1e-14)


def test_singular_hessian():
    hessians = np.array(
        [
            [[2.0, 0.0], [0.0, 6.0]],
            [[0.0, 0.0], [0.0, 0.0]],
            [[2.0, 0.0], [0.0, 0.0]],
            [[1.0, 1.0], [1.0, 1.0]],
            [[1.0, 1.0], [1.0, 1.0 + 1e-15]],
            [[np.nan, 0.0], [0.0, 1.0]],
            [[1e-200, 0.0], [0.0, 1e-200]],  # too flat to invert in float64
            [[0.0, 1.0], [1.0, 0.0]],  # a saddle: invertible
        ]
    )
    assert singular_hessian(hessians).tolist() == [
        False,
        True,
        True,
        True,
        True,
        False,
        True,
        False,
    ]


def test_updates_are_pure():
    points = np.array([[1.0, 2.0], [-3.0, 0.5]])
    gradient = np.array([[0.3, -0.2], [1.5, 2.0]])
    hessian = np.array([[[2.0, 0.5], [0.5, 3.0]], [[1.0, 0.0], [0.0, 4.0]]])
    for name in OPTIMIZERS:
        opt = optimizer(name, lr=0.1)
        state = opt.init(points)
        copies = (points.copy(), gradient.copy(), hessian.copy())
        _, state = opt.update(gradient, state, points, hessian)
        updates, _ = opt.update(gradient, state, points, hessian)
        again, _ = opt.update(gradient, state, points, hessian)
        np.testing.assert_array_equal(updates, again)  # the same state gives the same update
        for before, after in zip(copies, (points, gradient, hessian), strict=True):
            np.testing.assert_array_equal(before, after)


CONFIGS = [
    ("sgd", {"lr": 0.05}),
    ("sgd", {"lr": 0.02, "momentum": 0.9}),
    ("sgd", {"lr": 0.03, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("sgd", {"lr": 0.01, "momentum": 0.5, "dampening": 0.5}),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.01}),
    ("rmsprop", {"lr": 0.01, "centered": True}),
    ("rmsprop", {"lr": 0.02, "momentum": 0.5}),
    ("adam", {"lr": 0.1}),
    ("adam", {"lr": 0.05, "eps": 1e-3, "weight_decay": 0.01}),
    ("newton", {"lr": 0.7}),
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(range(len(CONFIGS))), min_size=2, max_size=6))
@example(picks=[9, 9])  # two Newton rows: a column of lr against a vector of determinants
@example(picks=[0, 1, 2, 3])  # plain descent, momentum and Nesterov in one stack
def test_stacked_rows_move_exactly_as_each_alone(picks):
    """core.optimizers.stacked: rows of one stack equal separate optimizers, bit for bit."""
    chosen = [optimizer(CONFIGS[i][0], **CONFIGS[i][1]) for i in picks]
    first_key = stack_key(chosen[0])
    same = [opt for opt in chosen if stack_key(opt) == first_key]
    points = np.array([[1.0 + 0.1 * i, -0.5 * i] for i in range(len(same))])
    f = Function("(x^2+y-11)^2 + (x+y^2-7)^2")
    together = stacked(same)
    state = together.init(points)
    alone = [(opt, opt.init(points[i : i + 1])) for i, opt in enumerate(same)]
    for _ in range(5):
        g = f.gradient(points[:, 0], points[:, 1])
        h = f.hessian(points[:, 0], points[:, 1])
        updates, state = together.update(g, state, points, h)
        for i, (opt, own) in enumerate(alone):
            mine, own = opt.update(g[i : i + 1], own, points[i : i + 1], h[i : i + 1])
            alone[i] = (opt, own)
            np.testing.assert_array_equal(mine[0], updates[i])
        points = points + updates


def test_stacking_refuses_different_keys():
    with pytest.raises(ValueError, match="stack_key"):
        stacked([optimizer("adam"), optimizer("adam", amsgrad=True)])


@pytest.mark.parametrize(
    ("name", "hp", "words"),
    [
        ("adamw", {}, "no optimizer called 'adamw'"),
        ("", {}, "choose one of sgd, adagrad"),
        ("sgd", {"learning_rate": 0.1}, "no hyperparameter 'learning_rate'"),
        ("sgd", {"betas": (0.9, 0.99)}, "it takes lr, momentum"),
        ("sgd", {"lr": -0.1}, "lr must be 0 or more"),
        ("sgd", {"lr": math.nan}, "finite"),
        ("sgd", {"lr": math.inf}, "finite"),
        ("sgd", {"lr": "0.1"}, "must be a number"),
        ("sgd", {"lr": True}, "must be a number"),
        ("sgd", {"lr": None}, "must be a number"),
        ("sgd", {"momentum": -1}, "momentum must be 0 or more"),
        ("sgd", {"dampening": 2}, "dampening must be between 0 and 1"),
        ("sgd", {"nesterov": True}, "nesterov needs a momentum"),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening 0"),
        ("sgd", {"nesterov": 1}, "True or False"),
        ("adagrad", {"lr_decay": -1}, "lr_decay must be 0 or more"),
        ("adagrad", {"initial_accumulator_value": -1}, "initial_accumulator_value"),
        ("adagrad", {"eps": -1e-10}, "eps must be 0 or more"),
        ("rmsprop", {"alpha": 1.5}, "alpha must be between 0 and 1"),
        ("rmsprop", {"alpha": -0.1}, "alpha must be between 0 and 1"),
        ("rmsprop", {"centered": "yes"}, "True or False"),
        ("adam", {"betas": (1.0, 0.999)}, r"betas\[0\] must be at least 0 and below 1"),
        ("adam", {"betas": (0.9, -0.1)}, r"betas\[1\]"),
        ("adam", {"betas": (0.9, math.nan)}, "finite"),
        ("adam", {"betas": 0.9}, "pair of numbers"),
        ("adam", {"betas": (0.9, 0.99, 0.9)}, "pair of numbers"),
        ("adam", {"weight_decay": -1}, "weight_decay must be 0 or more"),
        ("newton", {"lr": -1}, "lr must be 0 or more"),
        ("newton", {"momentum": 0.9}, "no hyperparameter 'momentum'"),
    ],
)
def test_bad_hyperparameters_get_a_sentence(name, hp, words):
    with pytest.raises(ValueError, match=words) as caught:
        optimizer(name, **hp)
    message = str(caught.value)
    assert message[0].isupper() or message.startswith(name)
    assert message.endswith(".")


def test_numpy_numbers_are_accepted():
    opt = optimizer("adam", lr=np.float32(0.5), betas=[np.float64(0.8), 0.9], amsgrad=np.True_)
    assert opt.hyperparameters["lr"] == 0.5 and type(opt.hyperparameters["lr"]) is float
    assert opt.hyperparameters["betas"] == (0.8, 0.9) and opt.hyperparameters["amsgrad"] is True
