"""Optimizers as torch.optim defines them, written the way optax composes them.

Each optimizer is a pair of pure functions over many points at once (arrays of shape (n, 2)):

    init(params) -> state
    update(gradient, state, params, hessian) -> (updates, state)      new params = params + updates

so a race of several optimizers, or a whole grid of starts, is one loop over steps. Names,
defaults and the order of every operation follow torch.optim (SGD, Adagrad, RMSprop, Adam), so a
path here is torch's path to rounding; tests/core/test_torch_parity.py checks it where torch is
installed. The details that are easy to get wrong:

- SGD: the momentum buffer starts as the gradient itself on the first step (no dampening then);
  nesterov looks ahead with g + momentum * buffer.
- Adagrad: eps is added after the square root; the learning rate decays as
  lr / (1 + (step - 1) lr_decay).
- RMSprop: alpha = 0.99 is the decay of the squared average; eps after the square root; centered
  subtracts the squared running mean of the gradient; momentum keeps a buffer of g / avg.
- Adam: eps is added after bias-correcting the root, sqrt(v) / sqrt(1 - beta2^t) + eps; amsgrad
  divides by the running maximum of v instead of v.

Newton's method is not in torch.optim: update = -lr H^-1 g (see `newton`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam", "newton")

DEFAULTS: dict[str, dict[str, object]] = {
    "sgd": {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "adagrad": {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    },
    "rmsprop": {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    },
    "adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "newton": {"lr": 1.0},
}

# A Hessian whose reciprocal condition number (about |det| / trace^2) is at most this is
# singular for Newton's purposes: H^-1 g would be noise or infinite.
SINGULAR_RCOND = 1e-12

State = dict[str, object]


@dataclass(frozen=True)
class Optimizer:
    """One optimizer with its hyperparameters bound: `init` and `update` are pure functions."""

    name: str
    hyperparameters: dict[str, object]
    needs_hessian: bool
    init: Callable[[np.ndarray], State] = field(repr=False, compare=False)
    update: Callable[..., tuple[np.ndarray, State]] = field(repr=False, compare=False)


def optimizer(name: str, **hyperparameters) -> Optimizer:
    """`optimizer("adam", lr=0.1)`: torch.optim's defaults fill what is not given.

    Raises ValueError with a sentence for an unknown name or hyperparameter and for any value
    torch would refuse (negative lr, betas outside [0, 1), nesterov without momentum, ...), or
    that is not a finite number.
    """
    if name not in DEFAULTS:
        known = ", ".join(OPTIMIZERS)
        raise ValueError(f"There is no optimizer called {name!r}; choose one of {known}.")
    defaults = DEFAULTS[name]
    unknown = sorted(set(hyperparameters) - set(defaults))
    if unknown:
        known = ", ".join(defaults)
        raise ValueError(
            f"{name} has no hyperparameter {', '.join(map(repr, unknown))}; it takes {known}."
        )
    resolved = {
        key: _checked(name, key, hyperparameters.get(key, default), default)
        for key, default in defaults.items()
    }
    _check_ranges(name, resolved)
    init, update = _FACTORIES[name](**resolved)
    return Optimizer(name, resolved, name == "newton", init, update)


# Hyperparameters that may differ between the rows of one stacked optimizer: those that enter
# only elementwise arithmetic. The rest (betas through powers, alpha through torch's lerp,
# centered, amsgrad, whether momentum is on at all for RMSprop) must agree.
ROW_WISE = {
    "sgd": ("lr", "momentum", "dampening", "nesterov", "weight_decay"),
    "adagrad": ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"),
    "rmsprop": ("lr", "eps", "weight_decay", "momentum"),
    "adam": ("lr", "eps", "weight_decay"),
    "newton": ("lr",),
}


def stack_key(opt: Optimizer) -> tuple:
    """Optimizers with equal keys can share one stacked optimizer (see `stacked`)."""
    shared = tuple(
        (key, value) for key, value in opt.hyperparameters.items() if key not in ROW_WISE[opt.name]
    )
    if opt.name == "rmsprop":
        shared += (("momentum > 0", opt.hyperparameters["momentum"] > 0),)
    return (opt.name, shared)


def stacked(optimizers: list[Optimizer]) -> Optimizer:
    """One optimizer moving len(optimizers) rows, row i exactly as optimizers[i] alone would
    (same operations, so the same numbers): a race moves several racers in one update. All must
    share `stack_key`. Row-wise hyperparameters become columns of shape (k, 1).

    SGD also stacks plain descent with momentum and Nesterov: a row without momentum runs the
    momentum formula with momentum 0 and dampening 0, which reproduces its gradient exactly."""
    first = optimizers[0]
    if len(optimizers) == 1:
        return first
    if len({stack_key(opt) for opt in optimizers}) != 1:
        raise ValueError("Only optimizers with the same stack_key can be stacked.")
    columns = dict(first.hyperparameters)
    for key in ROW_WISE[first.name]:
        columns[key] = np.array([opt.hyperparameters[key] for opt in optimizers])[:, None]
    if first.name == "sgd":
        columns["dampening"] = np.where(columns["momentum"] == 0, 0.0, columns["dampening"])
    init, update = _FACTORIES[first.name](**columns)
    return Optimizer(first.name, columns, first.needs_hessian, init, update)


def _checked(name: str, key: str, value, default):
    """The value in its canonical type (float, bool, or a pair of floats), or a ValueError."""
    if isinstance(default, bool):
        if not isinstance(value, bool | np.bool_):
            raise ValueError(f"{name}: {key} must be True or False, got {value!r}.")
        return bool(value)
    if isinstance(default, tuple):
        if not isinstance(value, tuple | list) or len(value) != 2:
            raise ValueError(f"{name}: {key} must be a pair of numbers, got {value!r}.")
        return tuple(_number(name, f"{key}[{i}]", v) for i, v in enumerate(value))
    return _number(name, key, value)


def _number(name: str, key: str, value) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: {key} must be a number, got {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: {key} must be a finite number, got {value}.")
    return value


def _check_ranges(name: str, hp: dict) -> None:
    """torch.optim's own checks, plus two it leaves out that only make nonsense (RMSprop's
    alpha above 1 makes the squared average negative; dampening outside [0, 1] flips the
    gradient)."""
    for key in ("lr", "eps", "momentum", "weight_decay", "lr_decay", "initial_accumulator_value"):
        if key in hp and hp[key] < 0:
            raise ValueError(f"{name}: {key} must be 0 or more, got {hp[key]:g}.")
    if name == "sgd":
        if not 0 <= hp["dampening"] <= 1:
            raise ValueError(f"sgd: dampening must be between 0 and 1, got {hp['dampening']:g}.")
        if hp["nesterov"] and (hp["momentum"] <= 0 or hp["dampening"] != 0):
            raise ValueError("sgd: nesterov needs a momentum above 0 and dampening 0.")
    if name == "rmsprop" and not 0 <= hp["alpha"] <= 1:
        raise ValueError(f"rmsprop: alpha must be between 0 and 1, got {hp['alpha']:g}.")
    if name == "adam":
        for i, beta in enumerate(hp["betas"]):
            if not 0 <= beta < 1:
                raise ValueError(f"adam: betas[{i}] must be at least 0 and below 1, got {beta:g}.")


# Each factory returns (init, update) with its hyperparameters bound, like optax's transforms.
# Every operation mirrors torch.optim's single-tensor code path, in the same order. Numbers may
# also come as columns (k, 1), one row per point (see `stacked`); the arithmetic is the same.


def sgd(lr, momentum, dampening, nesterov, weight_decay):
    decays, uses_momentum = np.any(weight_decay), np.any(momentum)
    undamped = 1 - dampening if np.any(dampening) else None  # None: g itself, one multiply less

    def init(params):
        return {"step": 0, "momentum_buffer": None}

    def update(gradient, state, params, hessian=None):
        g = gradient + weight_decay * params if decays else gradient
        buffer = None
        if uses_momentum:
            # On the first step torch clones the gradient: no momentum, no dampening.
            first = state["step"] == 0
            if first:
                buffer = g
            else:
                new = g if undamped is None else undamped * g
                buffer = momentum * state["momentum_buffer"] + new
            if isinstance(nesterov, np.ndarray):
                g = np.where(nesterov, g + momentum * buffer, buffer)
            else:
                g = g + momentum * buffer if nesterov else buffer
        return -lr * g, {"step": state["step"] + 1, "momentum_buffer": buffer}

    return init, update


def adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps):
    decays = np.any(weight_decay)

    def init(params):
        return {"step": 0, "sum": np.full_like(params, initial_accumulator_value)}

    def update(gradient, state, params, hessian=None):
        step = state["step"] + 1
        g = gradient + weight_decay * params if decays else gradient
        clr = lr / (1 + (step - 1) * lr_decay)
        total = state["sum"] + g * g
        return -clr * g / (np.sqrt(total) + eps), {"step": step, "sum": total}

    return init, update


def rmsprop(lr, alpha, eps, weight_decay, momentum, centered):
    decays, uses_momentum = np.any(weight_decay), np.any(momentum)

    def init(params):
        zeros = np.zeros_like(params)
        return {"step": 0, "square_avg": zeros, "grad_avg": zeros, "momentum_buffer": zeros}

    def update(gradient, state, params, hessian=None):
        g = gradient + weight_decay * params if decays else gradient
        square_avg = alpha * state["square_avg"] + (1 - alpha) * g * g
        grad_avg = state["grad_avg"]
        if centered:
            grad_avg = _lerp(grad_avg, g, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        buffer = state["momentum_buffer"]
        if uses_momentum:
            buffer = momentum * buffer + g / avg
            updates = -lr * buffer
        else:
            updates = -lr * g / avg
        new_state = {
            "step": state["step"] + 1,
            "square_avg": square_avg,
            "grad_avg": grad_avg,
            "momentum_buffer": buffer,
        }
        return updates, new_state

    return init, update


def adam(lr, betas, eps, weight_decay, amsgrad):
    beta1, beta2 = betas
    decays = np.any(weight_decay)

    def init(params):
        zeros = np.zeros_like(params)
        return {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros, "max_exp_avg_sq": zeros}

    def update(gradient, state, params, hessian=None):
        step = state["step"] + 1
        g = gradient + weight_decay * params if decays else gradient
        exp_avg = _lerp(state["exp_avg"], g, 1 - beta1)
        exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**step)
        bias_correction2_sqrt = math.sqrt(1 - beta2**step)
        max_exp_avg_sq = state["max_exp_avg_sq"]
        if amsgrad:
            max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
            denom = np.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + eps
        else:
            denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
        new_state = {
            "step": step,
            "exp_avg": exp_avg,
            "exp_avg_sq": exp_avg_sq,
            "max_exp_avg_sq": max_exp_avg_sq,
        }
        return -step_size * exp_avg / denom, new_state

    return init, update


def newton(lr):
    """Newton's method: update = -lr H^-1 g, the step to where the quadratic model has zero
    gradient. On a quadratic, lr = 1 lands on its critical point in one step.

    It solves grad f = 0, not "go downhill": ANY critical point attracts it, saddles and maxima
    included (from near the saddle of x^2 - y^2 it jumps straight onto the saddle). Where H is
    singular or nearly so (a flat direction: x^4 + y^4 at the origin, x^2 + 0 y) H^-1 g does not
    exist; those rows get NaN updates and `singular_hessian` tells them apart.
    """

    def init(params):
        return {"step": 0}

    def update(gradient, state, params, hessian):
        # H^-1 g = adj(H) g / det(H) for 2 x 2; rows whose H is singular get det = NaN.
        a, b, c = hessian[:, 0, 0], hessian[:, 0, 1], hessian[:, 1, 1]
        gx, gy = gradient[:, 0], gradient[:, 1]
        det = _usable_determinant(a, b, c)
        step = np.stack([c * gx - b * gy, a * gy - b * gx], axis=1)
        return step * (-lr / det[:, None]), {"step": state["step"] + 1}  # lr may be a column

    return init, update


def _lerp(start, end, weight):
    """torch.lerp's formula (the form depends on the weight, for accuracy near 1)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _usable_determinant(a, b, c) -> np.ndarray:
    """det H per row, NaN where H is singular: |det| <= SINGULAR_RCOND trace^2. For a symmetric
    2 x 2, |det| / trace^2 = |l1 l2| / (l1 + l2)^2 is within a factor 4 of |l_min| / |l_max|
    when the eigenvalues share a sign, and at least that when they do not (a saddle's Hessian
    is singular only if one eigenvalue is). A zero or underflowing Hessian is singular too."""
    det, trace = a * c - b * b, a + c
    return np.where(np.abs(det) > SINGULAR_RCOND * (trace * trace), det, np.nan)


def singular_hessian(hessian: np.ndarray) -> np.ndarray:
    """(n,) mask of Hessians (n, 2, 2) for which Newton's step does not exist (the test in
    _usable_determinant). Hessians with NaN entries are undefined, not singular: False."""
    with np.errstate(all="ignore"):
        finite = np.isfinite(hessian).all(axis=(1, 2))
        a, b, c = hessian[:, 0, 0], hessian[:, 0, 1], hessian[:, 1, 1]
        return finite & np.isnan(_usable_determinant(a, b, c))


_FACTORIES = {"sgd": sgd, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam, "newton": newton}
