"""The reliability campaign on the sweep engine.

By default only the machinery is checked (a property run under a hypothesis seed
passes or comes back falsified with its example, and leaves the test's own settings
alone). The campaign itself is a long profile, not part of CI's default run:

    NETXSIM_CAMPAIGN=long python -m pytest -q tests/sweep/test_reliability_campaign.py -s

runs every property of :mod:`tests.sweep.campaign` (fuzzed servers, transfers under link
faults, fuzzed servers over a faulty wire) under ``NETXSIM_CAMPAIGN_SEEDS`` hypothesis
seeds (default 200) of ``NETXSIM_CAMPAIGN_EXAMPLES`` examples each (default 50) on a
local Dask cluster of ``NETXSIM_CAMPAIGN_WORKERS`` workers (default 2), or on the
scheduler at ``NETXSIM_CAMPAIGN_SCHEDULER``; results go to
``NETXSIM_CAMPAIGN_OUT`` (default ``campaign-results.csv``), and every falsified run is
printed with the command that replays it.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import given, settings, strategies as st

from netxsim.sweep import grid, plan, run_sweep

from .campaign import PROPERTIES, property_test

LONG = os.environ.get("NETXSIM_CAMPAIGN", "") == "long"


@settings(max_examples=3)
@given(st.integers(0, 100))
def toy_property(x: int) -> None:
    assert x < 50, "x too large"


def test_a_property_run_passes_or_returns_its_falsifying_example() -> None:
    falsified = property_test("tests.sweep.test_reliability_campaign:toy_property", 200, 1)
    assert (falsified["outcome"], falsified["ok"], falsified["error_type"]) == ("falsified", False, "AssertionError")
    assert falsified["example"].startswith("AssertionError: x too large")
    assert "toy_property(" in falsified["example"] and "x=50" in falsified["example"]  # shrunk to the edge
    assert property_test("tests.sweep.test_reliability_campaign:toy_property", 200, 1) == falsified
    assert toy_property._hypothesis_internal_use_settings.max_examples == 3  # its own settings are back
    passed = property_test("fuzzed-server", 3, 0)
    assert (passed["outcome"], passed["ok"]) == ("passed", True)


@pytest.mark.skipif(not LONG, reason="the reliability campaign is a long profile: NETXSIM_CAMPAIGN=long")
def test_reliability_campaign() -> None:
    seeds = int(os.environ.get("NETXSIM_CAMPAIGN_SEEDS", "200"))
    examples = int(os.environ.get("NETXSIM_CAMPAIGN_EXAMPLES", "50"))
    runs = plan(grid(test=sorted(PROPERTIES), examples=[examples]), seeds=range(1, seeds + 1))
    result = run_sweep("tests.sweep.campaign:property_test", runs,
                       workers=int(os.environ.get("NETXSIM_CAMPAIGN_WORKERS", "2")),
                       scheduler=os.environ.get("NETXSIM_CAMPAIGN_SCHEDULER") or None,
                       out=os.environ.get("NETXSIM_CAMPAIGN_OUT", "campaign-results.csv"), batch=1)
    print("\n" + result.summary())
    assert not result.failures, result.summary()
