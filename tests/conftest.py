"""Shared test settings.

Hypothesis' per-example deadline is off: this runs on small shared machines and in CI, where a slow
example is noise, not a failure. Tests assert answers, never timings.
"""

from hypothesis import settings

settings.register_profile("project", deadline=None, print_blob=True)
settings.load_profile("project")
