"""The gallery: functions worth showing a class, each with a window and a telling point."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    f: str
    x0: float
    y0: float
    window: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    story: str
    # (name, value) or (name, value, low, high, step): the sliders of a parametric preset
    parameters: tuple[tuple[float | str, ...], ...] = ()


PRESETS = (
    Preset(
        "The article's x²y + y³",
        "x^2 y + y^3",
        2,
        1,
        (-3, 3, -3, 3),
        "At (2, 1): ∂f/∂x = 2xy = 4 and ∂f/∂y = x² + 3y² = 7.",
    ),
    Preset("Paraboloid", "x^2 + y^2", 1, 1, (-2, 2, -2, 2), "A bowl: one minimum at the origin."),
    Preset("Saddle", "x^2 - y^2", 1, 0.5, (-2, 2, -2, 2), "Up along x, down along y."),
    Preset(
        "Monkey saddle",
        "x^3 - 3 x y^2",
        0.8,
        0.4,
        (-1.5, 1.5, -1.5, 1.5),
        "Three valleys meet at a flat point: the second-derivative test cannot decide.",
    ),
    Preset(
        "Rosenbrock",
        "(1 - x)^2 + 100 (y - x^2)^2",
        -1,
        1.5,
        (-2, 2, -1, 3),
        "A curved, nearly flat valley: the minimum at (1, 1) is hard to reach.",
    ),
    Preset(
        "Himmelblau",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        0,
        0,
        (-5, 5, -5, 5),
        "Four minima, one maximum, four saddles.",
    ),
    Preset(
        "Beale",
        "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
        1,
        1,
        (-4.5, 4.5, -4.5, 4.5),
        "Steep walls and a flat floor; minimum at (3, 0.5).",
    ),
    Preset(
        "Booth",
        "(x + 2 y - 7)^2 + (2 x + y - 5)^2",
        0,
        0,
        (-10, 10, -10, 10),
        "A tilted bowl; minimum at (1, 3).",
    ),
    Preset(
        "Matyas",
        "0.26 (x^2 + y^2) - 0.48 x y",
        3,
        -2,
        (-10, 10, -10, 10),
        "A very flat bowl: small gradients everywhere.",
    ),
    Preset(
        "Three-hump camel",
        "2 x^2 - 1.05 x^4 + x^6/6 + x y + y^2",
        1,
        1,
        (-2, 2, -2, 2),
        "Three minima (one global at the origin) and two saddles.",
    ),
    Preset(
        "Egg crate sin(x) cos(y)",
        "sin(x) cos(y)",
        1,
        0.5,
        (-6.3, 6.3, -6.3, 6.3),
        "Maxima, minima and saddles in a repeating pattern.",
    ),
    Preset(
        "Gaussian bump",
        "exp(-(x^2 + y^2))",
        0.7,
        0.3,
        (-2.5, 2.5, -2.5, 2.5),
        "The gradient is largest on a ring around the peak.",
    ),
    Preset(
        "Hemisphere (undefined outside)",
        "sqrt(1 - x^2 - y^2)",
        0.3,
        0.4,
        (-1.5, 1.5, -1.5, 1.5),
        "Defined only inside the unit disc; the partials blow up at its edge.",
    ),
    # Parametric (issue 13): each tells its story as a slider moves.
    Preset(
        "Bowl, saddle, cap: a x² + b y²",
        "a x^2 + b y^2",
        1,
        0.5,
        (-2, 2, -2, 2),
        "Slide b from 1 to −1: the minimum at the origin turns into a saddle as b crosses 0 "
        "(the surface goes flat along y), and with a below 0 as well it becomes a maximum.",
        (("a", 1.0, -2.0, 2.0, 0.1), ("b", 1.0, -2.0, 2.0, 0.1)),
    ),
    Preset(
        "Narrow valley for Descent: x² + b y²",
        "x^2 + b y^2",
        -1.8,
        1,
        (-2, 2, -2, 2),
        "b is the condition number (the Hessian's eigenvalues are 2 and 2b): as b grows the "
        "valley narrows, gradient descent zig-zags across it, and its learning rate must stay "
        "below 2/λmax = 1/b.",
        (("b", 4.0, 1.0, 25.0, 0.5),),
    ),
    Preset(
        "Tilted saddle: x² − y² + c x",
        "x^2 - y^2 + c x",
        0.5,
        0.5,
        (-3, 3, -3, 3),
        "c tilts the saddle without changing its shape: the critical point slides along the "
        "x-axis to (−c/2, 0), and stays a saddle for every c.",
        (("c", 1.0, -4.0, 4.0, 0.1),),
    ),
)

BY_NAME = {preset.name: preset for preset in PRESETS}


def preset_for(formula: str) -> Preset | None:
    """The gallery entry whose formula this is (spaces aside), so a link opened from the gallery
    shows the gallery's name again."""
    typed = "".join(formula.split())
    return next((p for p in PRESETS if "".join(p.f.split()) == typed), None)
