"""The formula-check page in a real browser: the seed's answers, and hostile text kept harmless."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

ERROR = "[data-testid=stAlertContentError]"
TRACEBACK = "[data-testid=stException]"


def metric(page, label: str):
    """The value of the st.metric whose label starts with `label`."""
    box = page.locator("[data-testid=stMetric]").filter(has_text=label)
    return box.locator("[data-testid=stMetricValue]")


def test_default_page_shows_the_seed_derivatives(app):
    page = app.open()
    # The seed article: f = x^2 y + y^3 at (2, 1): f = 5, df/dx = 2xy = 4, df/dy = x^2 + 3y^2 = 7.
    expect(metric(page, "f at")).to_have_text("5")
    expect(metric(page, "∂f/∂x")).to_have_text("4")
    expect(metric(page, "∂f/∂y")).to_have_text("7")
    tex = page.locator(".katex annotation").all_text_contents()
    assert any("2 x y" in formula for formula in tex), tex
    assert any("x^{2} + 3 y^{2}" in formula for formula in tex), tex
    expect(page.locator(TRACEBACK)).to_have_count(0)
    app.screenshot("default")


def test_hostile_input_is_an_error_not_a_traceback_and_runs_nothing(app, tmp_path):
    page = app.open()
    witness = tmp_path / "pwned"
    app.enter_formula(f"__import__('os').system('touch {witness}')")
    expect(page.locator(ERROR)).to_be_visible()
    app.idle()
    expect(page.locator("[data-testid=stCode]")).to_contain_text("__import__")
    expect(page.locator(TRACEBACK)).to_have_count(0)
    expect(page.locator(".katex")).to_have_count(0)  # the raw text is never typeset
    assert not witness.exists()
    app.screenshot("hostile")


def test_markdown_and_math_in_the_input_are_shown_literally(app):
    page = app.open()
    app.enter_formula("[click](javascript:alert(1)) $\\alpha$ :red[x]")
    expect(page.locator(ERROR)).to_be_visible()
    app.idle()
    expect(page.locator("[data-testid=stMain] a[href^='javascript']")).to_have_count(0)
    expect(page.locator(".katex")).to_have_count(0)
    expect(page.locator(TRACEBACK)).to_have_count(0)
    app.screenshot("markdown")


def test_juxtaposed_letters_get_the_did_you_mean_hint(app):
    page = app.open()
    app.enter_formula("xy")
    expect(page.get_by_text(re.compile(r"did you mean x\*y\?", re.IGNORECASE))).to_be_visible()
    app.idle()
    expect(page.locator("[data-testid=stCode]")).to_contain_text("xy")
    expect(page.locator(TRACEBACK)).to_have_count(0)
    app.screenshot("hint")


def test_a_point_outside_the_domain_says_undefined_not_nan(app):
    page = app.open()
    app.enter_formula("sqrt(x - 5)")  # at the default point (2, 1) the root is of a negative
    expect(metric(page, "∂f/∂x")).to_have_text("undefined here")
    expect(metric(page, "f at")).to_have_text("undefined here")
    expect(page.get_by_text(re.compile(r"\bnan\b", re.IGNORECASE))).to_have_count(0)
