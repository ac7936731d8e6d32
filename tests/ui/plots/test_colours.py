"""The palette reads as text on white (WCAG's contrast ratio) and survives colour blindness.

Colour-vision deficiency is simulated with Machado, Oliveira and Fernandes (2009), severity 1.0,
applied to linear RGB; distinguishability is the CIE76 distance in CIELAB (D65), computed here
independently of ui/plots/colours.py."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.plots import colours
from ui.plots.colours import PALETTE, TEXT_CONTRAST, contrast_ratio, relative_luminance
from ui.plots.config import FONT, NOTE_COLOR

PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
VISION = {"normal": np.eye(3), "protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
ROOT = Path(__file__).resolve().parents[3]
# Apart at a glance for thin lines (2.3 is a just-noticeable difference in CIELAB).
DISTINCT = 30.0


def linear_rgb(colour: str) -> np.ndarray:
    c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(rgb, 0, 1) / (SRGB_TO_XYZ @ np.ones(3))
    d = 6 / 29
    f = np.where(xyz > d**3, np.cbrt(xyz), xyz / (3 * d**2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, vision: str) -> np.ndarray:
    return lab(VISION[vision] @ linear_rgb(colour))


def test_textbook_contrast_ratios():
    assert contrast_ratio("#000000") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#808495") == pytest.approx(3.7, abs=0.05)  # Streamlit's chart grey
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert contrast_ratio("#ffffff", "#777777") == pytest.approx(contrast_ratio("#777777"))


@given(st.integers(0, 0xFFFFFF), st.integers(0, 0xFFFFFF))
def test_contrast_is_symmetric_and_bounded(a, b):
    first, second = f"#{a:06x}", f"#{b:06x}"
    ratio = contrast_ratio(first, second)
    assert ratio == pytest.approx(contrast_ratio(second, first))
    assert 1.0 <= ratio <= 21.0 + 1e-9
    assert relative_luminance(first) == pytest.approx(
        float(linear_rgb(first) @ [0.2126, 0.7152, 0.0722])
    )


@pytest.mark.parametrize("name", sorted(PALETTE))
def test_every_colour_reads_as_text_on_white(name):
    assert contrast_ratio(PALETTE[name]) >= TEXT_CONTRAST


def test_chart_text_and_notes_read_on_white():
    assert contrast_ratio(FONT["color"]) >= 7.0
    assert contrast_ratio(NOTE_COLOR) >= TEXT_CONTRAST


@pytest.mark.parametrize("vision", sorted(VISION))
def test_every_pair_stays_apart(vision):
    for (name_a, a), (name_b, b) in itertools.combinations(PALETTE.items(), 2):
        distance = float(np.linalg.norm(seen(a, vision) - seen(b, vision)))
        assert distance >= DISTINCT, f"{name_a} and {name_b} under {vision}: {distance:.1f}"


def test_the_simulation_finds_the_old_palettes_clash():
    # The Dark2 green of x = x0 and the old magenta gradient: far apart for normal vision, nearly
    # one colour under deuteranopia. This is what the test above guards against.
    old_green, old_magenta = "#1b9e77", "#c2185b"
    normal = np.linalg.norm(seen(old_green, "normal") - seen(old_magenta, "normal"))
    deuteranopia = np.linalg.norm(
        seen(old_green, "deuteranopia") - seen(old_magenta, "deuteranopia")
    )
    assert normal > 100 and deuteranopia < 15


def test_the_two_slice_lines_differ_by_more_than_colour():
    assert colours.X_SLICE_DASH != colours.Y_SLICE_DASH


# Streamlit's chart theme repaints ticks and axis titles #808495 (3.7:1) at 12 px over the
# figure's own 16 px near-black, unless each axis names its fonts: every chart opts out.
THEMED_FILES = sorted(path for folder in ("pages", "ui") for path in (ROOT / folder).rglob("*.py"))


def test_every_chart_opts_out_of_streamlits_chart_theme():
    """Charts are drawn by ui.shell.look.themed_chart (in the session's light or dark look),
    whose one st.plotly_chart call passes theme=None; nothing calls st.plotly_chart directly."""
    direct, themed = [], 0
    for path in THEMED_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "plotly_chart":
                theme = {k.arg: k.value for k in node.keywords}.get("theme")
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert isinstance(theme, ast.Constant) and theme.value is None, where
                direct.append(where)
            themed += name == "themed_chart"
    assert [where.split(":")[0] for where in direct] == ["ui/shell/look.py"]
    assert themed >= 8  # Explore's slice panels (one call, in a loop) and the other pages'
