"""Property: a busy many-host run (pings waking hosts, hosts observed, touched and
re-prioritised at random moments, tracing maybe switched on mid-run) gives the same log,
end tick, run count of every thread, performance counters, trace buffer and tracing
status with dormant-host cohorts formed (from slots of any size) as without them.
The deep profile (NETXSIM_HYPOTHESIS_PROFILE=deep) tries 2,000 worlds."""
from __future__ import annotations

from typing import Any

from hypothesis import event, given, strategies as st

import netxsim.nx.ram_driver as ram_driver
from netxsim.tx import quiet_cohort

from .test_quiet_cohort import _world


def _run(seed: int, trace_at: int | None, ticker_priority: int, cohorts: bool, min_cohort: int) -> tuple[dict, int]:
    saved = ram_driver.NX_MAX_RAM_INTERFACES, quiet_cohort.MIN_COHORT, quiet_cohort.enabled, quiet_cohort.rearm_cohort
    rounds = [0]

    def counting(*args: Any) -> None:
        rounds[0] += 1
        saved[3](*args)

    try:
        ram_driver.NX_MAX_RAM_INTERFACES = None
        quiet_cohort.MIN_COHORT = min_cohort
        quiet_cohort.enabled = cohorts
        quiet_cohort.rearm_cohort = counting
        return _world(seed, trace_at, ticker_priority), rounds[0]
    finally:
        (ram_driver.NX_MAX_RAM_INTERFACES, quiet_cohort.MIN_COHORT, quiet_cohort.enabled,
         quiet_cohort.rearm_cohort) = saved


@given(seed=st.integers(0, 2**32 - 1), trace_at=st.one_of(st.none(), st.integers(15, 700)),
       ticker_priority=st.sampled_from([0, 1, 2, 3, 10, 20]), min_cohort=st.sampled_from([2, 5, 16]))
def test_random_busy_many_host_runs_are_the_same_with_and_without_cohorts(
        seed: int, trace_at: int | None, ticker_priority: int, min_cohort: int) -> None:
    on, rounds = _run(seed, trace_at, ticker_priority, True, min_cohort)
    off, none = _run(seed, trace_at, ticker_priority, False, min_cohort)
    assert none == 0
    event("cohorts absorbed slots" if rounds else "no cohort formed")
    for key in on:
        assert on[key] == off[key], key
