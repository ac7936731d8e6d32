"""The share box's pieces: the QR code of the link and the gallery name found from a formula."""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
from PIL import Image

from tests import apptest
from ui.shell.presets import PRESETS, preset_for
from ui.shell.share import MODULE_PIXELS, QUIET_ZONE, qr_png

LINK = "https://class.example/?f=%281-x%29%5E2%2B100%28y-x%5E2%29%5E2&x0=-1&y0=1"


def test_the_qr_code_is_the_links_own_matrix_in_black_and_white():
    image = Image.open(io.BytesIO(qr_png(LINK))).convert("L")
    pixels = np.asarray(image)
    assert set(np.unique(pixels)) <= {0, 255}
    # Sampled at each module's centre, the picture is segno's matrix for this link, quiet zone
    # included: the code says this link and nothing else.
    expected = np.array(segno.make(LINK, error="m", micro=False, boost_error=False).matrix)
    side = expected.shape[0] + 2 * QUIET_ZONE
    assert image.size == (side * MODULE_PIXELS, side * MODULE_PIXELS)
    centres = np.arange(side) * MODULE_PIXELS + MODULE_PIXELS // 2
    modules = pixels[np.ix_(centres, centres)] == 0
    assert not modules[:QUIET_ZONE].any() and not modules[:, :QUIET_ZONE].any()
    inner = modules[QUIET_ZONE:-QUIET_ZONE, QUIET_ZONE:-QUIET_ZONE]
    assert np.array_equal(inner, expected.astype(bool))
    another = Image.open(io.BytesIO(qr_png(LINK + "&res=60"))).convert("L")
    assert another.size != image.size or not np.array_equal(np.asarray(another), pixels)


def test_a_link_too_long_for_any_qr_code_gets_none():
    assert qr_png("https://class.example/?f=" + "x" * 5000) is None


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_gallery_formula_finds_its_name_whatever_its_spaces(preset):
    assert preset_for(preset.f) == preset
    assert preset_for(preset.f.replace(" ", "")) == preset
    assert preset_for("  " + preset.f.replace(" ", "   ") + " ") == preset


def test_a_formula_outside_the_gallery_has_no_name():
    assert preset_for("x^2 + y^2 + 1") is None
    assert preset_for("") is None


def test_a_link_to_a_gallery_function_shows_its_name_in_the_sidebar():
    app = apptest.open_page("app.py", {"f": "(1-x)^2+100(y-x^2)^2", "x0": "-1", "y0": "1"})
    assert app.selectbox(key="preset").value == "Rosenbrock"
    assert app.text_input(key="f").value == "(1-x)^2+100(y-x^2)^2"  # as the link typed it
    other = apptest.open_page("app.py", {"f": "x^2 + y^2 + 1"})
    assert other.selectbox(key="preset").value is None
