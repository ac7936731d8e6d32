"""Shared test settings.

Hypothesis' per-example deadline is off: this runs on small shared machines and in CI, where a slow
example is noise, not a failure. Tests assert answers, never timings.
"""

import os

from hypothesis import settings

settings.register_profile("project", deadline=None, print_blob=True)
settings.load_profile("project")

# Every figure the tests build is checked by Plotly (ui.plots.config.VALIDATE_FIGURES): the server
# skips that check, so the tests are where a wrong property name is caught. Set before any import
# of ui.plots; subprocesses (the e2e servers) inherit it and check their figures too.
os.environ["DERIVATIVES_VALIDATE_FIGURES"] = "1"
