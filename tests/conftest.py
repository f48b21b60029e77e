"""Hypothesis profiles: a quick one for CI (default), a deep one for long runs.

Choose with NETXSIM_HYPOTHESIS_PROFILE=deep.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("quick", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("NETXSIM_HYPOTHESIS_PROFILE", "quick"))
