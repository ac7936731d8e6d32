"""What a person does to the Plotly charts in a browser test: click, hover, rotate, read back.

Shared by the bridge harness tests and the Explore page tests. The charts are found the way the
bridge finds them: the `.js-plotly-plot` div inside the keyed container `.st-key-<key>`.
"""

from __future__ import annotations

import math

import pytest

SURFACE = ".st-key-surface_chart .js-plotly-plot"
CONTOUR = ".st-key-contour_chart .js-plotly-plot"

EYE = f"() => {{ const c = document.querySelector('{SURFACE}')._fullLayout.scene.camera.eye;"
EYE += " return [c.x, c.y, c.z]; }"
# The camera the gl scene shows now. The layout's copy can lag it by the last frames of a drag
# (it is saved on the next pointerup), so a rotation is read here; the bridge reads it the same way.
LIVE_EYE = f"""() => {{
    const e = document.querySelector('{SURFACE}')._fullLayout.scene._scene.getCamera().eye;
    return [e.x, e.y, e.z];
}}"""
# The page pixel of data point (x, y) on the contour, through the chart's own axes.
CONTOUR_PIXEL = f"""([x, y]) => {{
    const gd = document.querySelector('{CONTOUR}');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}}"""
# Remember what the surface reports under the pointer, to find a spot on it and check a click.
# `only` (a trace type, or null) ignores hovers on other traces, e.g. the slice curves.
WATCH_HOVER = f"""(only) => {{
    const gd = document.querySelector('{SURFACE}');
    window.__hovered = null;
    gd.on('plotly_hover', (d) => {{
        const p = d.points[0];
        window.__hovered = !only || p.data.type === only ? [p.x, p.y] : null;
    }});
    gd.on('plotly_unhover', () => {{ window.__hovered = null; }});
}}"""
# True once the chart in `selector` is drawn (a rerun remounts it: the div comes back empty).
DRAWN = "(selector) => document.querySelector(selector)?._fullLayout?._size !== undefined"


def close(a, b, tolerance=1e-3) -> bool:
    return all(math.isclose(u, v, abs_tol=tolerance) for u, v in zip(a, b, strict=True))


def eye(page) -> tuple[float, float, float]:
    return tuple(page.evaluate(EYE))


def live_eye(page) -> tuple[float, float, float]:
    return tuple(page.evaluate(LIVE_EYE))


def wait_until_drawn(page, *selectors: str, timeout: float = 30_000) -> None:
    for selector in selectors:
        page.wait_for_function(DRAWN, arg=selector, timeout=timeout)


def contour_pixel(page, x: float, y: float) -> tuple[float, float]:
    return tuple(page.evaluate(CONTOUR_PIXEL, [x, y]))


def glide(page, x: float, y: float, steps: int = 5) -> None:
    """Move onto (x, y) in a few steps: the gl scene picks on its render loop, not on one event."""
    for i in range(steps, -1, -1):
        page.mouse.move(x - 4 * i, y)
        page.wait_for_timeout(40)


def hover_surface(page, only: str | None = None) -> tuple[float, float]:
    """Leave the pointer over the surface (wherever the camera is); the point plotly reports."""
    page.evaluate(WATCH_HOVER, only)
    box = page.locator(SURFACE).bounding_box()
    for fx in (0.62, 0.5, 0.4, 0.55, 0.45, 0.6, 0.35, 0.65):
        for fy in (0.45, 0.5, 0.4, 0.55, 0.35, 0.6):
            x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
            glide(page, x, y)
            page.wait_for_timeout(80)
            hovered = page.evaluate("window.__hovered")
            if hovered:
                return tuple(hovered)
    pytest.fail("no spot on the surface answered plotly_hover")


def click_surface(page, hold_ms: int = 150, only: str | None = None) -> tuple[float, float]:
    """Click a spot on the surface; the surface point plotly reported there."""
    point = hover_surface(page, only)
    page.mouse.down()
    page.wait_for_timeout(hold_ms)
    page.mouse.up()
    return point


def rotate(page) -> None:
    box = page.locator(SURFACE).bounding_box()
    x, y = box["x"] + 0.3 * box["width"], box["y"] + 0.7 * box["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 15 * i, y - 4 * i)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_timeout(300)
