"""Our optimizers against torch.optim itself, step for step (skipped where torch is absent).

The same f written twice: as text for core.Function (exact SymPy derivatives) and with torch
ops (autograd). Fifty steps of each hyperparameter combination must give the same path to
~1e-10 relative: the update rules, their defaults and their order of operations all agree.
"""

import numpy as np
import pytest

from core import Function, descend

torch = pytest.importorskip("torch")

STEPS = 50

FUNCTIONS = {
    "rosenbrock": (
        "(1 - x)^2 + 100(y - x^2)^2",
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        (-1.2, 1.0),
        1e-4,
    ),
    "cubic": (
        "x^2 y + y^3 + 0.1(x^4 + y^4)",
        lambda x, y: x**2 * y + y**3 + 0.1 * (x**4 + y**4),
        (1.0, 1.5),
        1e-2,
    ),
    "himmelblau": (
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        (0.5, -0.5),
        1e-3,
    ),
    "wavy": (
        "sin(x) cos(y) + 0.1(x^2 + y^2)",
        lambda x, y: torch.sin(x) * torch.cos(y) + 0.1 * (x**2 + y**2),
        (1.0, 0.5),
        1e-1,
    ),
}

# Learning rates are multiples of each function's own scale (its last entry above).
CONFIGS = [
    ("sgd", torch.optim.SGD, {"lr": 1.0}),
    ("sgd", torch.optim.SGD, {"lr": 1.0, "momentum": 0.9}),
    ("sgd", torch.optim.SGD, {"lr": 1.0, "momentum": 0.9, "nesterov": True}),
    ("sgd", torch.optim.SGD, {"lr": 0.5, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1}),
    ("adagrad", torch.optim.Adagrad, {"lr": 50.0}),
    (
        "adagrad",
        torch.optim.Adagrad,
        {
            "lr": 50.0,
            "lr_decay": 0.05,
            "initial_accumulator_value": 0.5,
            "eps": 1e-6,
            "weight_decay": 0.1,
        },
    ),
    ("rmsprop", torch.optim.RMSprop, {"lr": 5.0}),
    ("rmsprop", torch.optim.RMSprop, {"lr": 5.0, "alpha": 0.9, "centered": True}),
    (
        "rmsprop",
        torch.optim.RMSprop,
        {"lr": 2.0, "momentum": 0.5, "centered": True, "eps": 1e-4, "weight_decay": 0.1},
    ),
    ("adam", torch.optim.Adam, {"lr": 10.0}),
    ("adam", torch.optim.Adam, {"lr": 10.0, "amsgrad": True}),
    (
        "adam",
        torch.optim.Adam,
        {"lr": 10.0, "betas": (0.8, 0.95), "eps": 1e-4, "weight_decay": 0.1, "amsgrad": True},
    ),
]


def torch_path(loss, start, make_optimizer, hp) -> np.ndarray:
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([p], **hp)
    path = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        loss(p[0], p[1]).backward()
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize(("name", "make_optimizer", "hp"), CONFIGS)
def test_paths_match_torch_optim(function, name, make_optimizer, hp):
    text, loss, start, scale = FUNCTIONS[function]
    hp = {**hp, "lr": hp["lr"] * scale}
    theirs = torch_path(loss, start, make_optimizer, hp)
    ours = descend(Function(text), start, name, STEPS, **hp)
    assert ours.status == "finished", ours.message
    assert np.isfinite(theirs).all()
    np.testing.assert_allclose(ours.path, theirs, rtol=1e-10, atol=1e-12)
    assert np.abs(ours.path[-1] - ours.path[0]).max() > 1e-3  # it moved: the test has teeth


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("lr", [1.0, 0.5])
def test_newton_matches_torch_hessian_solve(function, lr):
    text, loss, start, _ = FUNCTIONS[function]
    p = torch.tensor(start, dtype=torch.float64)
    path = [p.numpy().copy()]
    for _ in range(10):
        g = torch.func.grad(lambda q: loss(q[0], q[1]))(p)
        h = torch.func.hessian(lambda q: loss(q[0], q[1]))(p)
        p = p - lr * torch.linalg.solve(h, g)
        path.append(p.numpy().copy())
    ours = descend(Function(text), start, "newton", 10, lr=lr)
    assert ours.status == "finished", ours.message
    np.testing.assert_allclose(ours.path, np.array(path), rtol=1e-10, atol=1e-12)


def test_the_defaults_are_torchs():
    for name, make_optimizer in (
        ("sgd", torch.optim.SGD),
        ("adagrad", torch.optim.Adagrad),
        ("rmsprop", torch.optim.RMSprop),
        ("adam", torch.optim.Adam),
    ):
        theirs = make_optimizer([torch.zeros(2, requires_grad=True)]).defaults
        from core import DEFAULTS

        for key, value in DEFAULTS[name].items():
            assert theirs[key] == value, (name, key)
