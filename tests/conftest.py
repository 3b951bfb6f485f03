"""Shared test configuration: hypothesis profiles and the plain-sympy oracle."""

import os

from hypothesis import HealthCheck, settings

# the default run is derandomized: the same examples on every machine, so a CI
# failure always reproduces; the "ci" profile explores (random, 8x the examples)
settings.register_profile("default", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=10, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
