"""The Descent race as an animated GIF (pages.descent.animation, drawn with Pillow): time to build
one and its size, for the page's default race and for 7 racers x 1000 steps on Himmelblau.

Baseline, in the same run: the race chart's race part for the same race (race.race_moving and its
JSON, what the page sends when the start moves), the work every new start already costs; the GIF
is built only when its button is pressed, then cached per race.
"""

from __future__ import annotations

from core import Function, evaluate_grid, race
from pages.descent.animation import race_animation
from pages.descent.race import race_moving
from pages.descent.runner import Runner
from pages.descent.settings import BY_KEY, DEFAULT, KEYS
from ui.shell.live_chart import plotly_json

from .timing import Row, median_seconds

BUILD_TARGET, SIZE_TARGET = 1.0, 1_000_000
REPEATS = 7
CASES = (
    ("default race, x^2 y + y^3 from (2, 1)", "x^2 y + y^3", (2.0, 1.0), DEFAULT.racers, 100, 3),
    ("7 racers x 1000 steps, Himmelblau", "(x^2+y-11)^2 + (x+y^2-7)^2", (0.5, 0.5), KEYS, 1000, 5),
)


def gif_rows() -> list[Row]:
    rows = []
    for name, text, start, keys, steps, window in CASES:
        f = Function(text)
        grid = evaluate_grid(f, (-window, window), (-window, window), 100).as_float32()
        spec = [(BY_KEY[key].optimizer, DEFAULT.hyperparameters(key)) for key in keys]
        runners = [Runner(k, d) for k, d in zip(keys, race(f, start, spec, steps), strict=True)]

        def gif(grid=grid, runners=runners, start=start, f=f):
            return race_animation(grid, runners, start, f.text)

        def chart(grid=grid, runners=runners, start=start, f=f):
            return plotly_json(race_moving(grid, runners, start, float(f(*start))))

        built = median_seconds(gif, repeats=REPEATS, warmup=1)
        baseline = median_seconds(chart, repeats=REPEATS, warmup=1)
        size, chart_size = len(gif()), len(chart())
        rows.append(
            Row(
                f"Descent GIF: build, {name} ({len(keys)} racers)",
                built,
                "the race chart's race part (race_moving + JSON)",
                baseline,
                f"<= {BUILD_TARGET * 1000:.0f} ms",
                built <= BUILD_TARGET,
            )
        )
        rows.append(
            Row(
                f"Descent GIF: size, {name}",
                size,
                "the race chart's race part, JSON bytes",
                chart_size,
                f"<= {SIZE_TARGET / 1000:.0f} KB",
                size <= SIZE_TARGET,
                unit="bytes",
            )
        )
    return rows
