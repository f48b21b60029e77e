"""The project's reliability campaign as sweep scenarios: its hypothesis property tests
(fuzzed SMTP servers; TCP transfers under link faults; a fuzzed server over a faulty
wire) each run under many hypothesis seeds, one seed per sweep run, so that a cluster
runs thousands of examples and any falsifying one comes back as a record that replays
it. ``tests/sweep/test_reliability_campaign.py`` runs it when
``NETXSIM_CAMPAIGN=long``.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

from hypothesis import HealthCheck, given, settings, strategies as st

from netxsim import NX_SUCCESS
from netxsim.nx.faults import LinkFaults

from ..smtp_client.e2e import run as e2e_run
from ..smtp_client.test_status_paths import C_STATUSES, sessions

# The campaign's property tests, by the name a sweep parameter gives.
PROPERTIES = {
    "fuzzed-server": "tests.smtp_client.test_status_paths:test_property_any_server_behaviour_gives_a_c_status_and_no_leak",
    "transfer-under-faults": "tests.nx.test_tcp_transfer:test_transfer_under_link_faults",
    "fuzzed-server-over-faults": "tests.sweep.campaign:fuzzed_server_over_faults",
}


@given(session=sessions(), loss=st.sampled_from([0.0, 0.02, 0.05, 0.1, 0.2]),
       duplicate=st.sampled_from([0.0, 0.05]), reorder=st.sampled_from([0.0, 0.05]),
       wire_seed=st.integers(0, 2**32 - 1))
def fuzzed_server_over_faults(session: tuple[int, list], loss: float, duplicate: float, reorder: float,
                              wire_seed: int) -> None:
    """Fuzzed servers × faults: whatever the server does and whatever the wire loses,
    duplicates or reorders, mail_send returns a status the C can return, the run
    completes, the client can be deleted, and no packet stays out of any pool.

    The client thread waits 200 s after mail_send: when an ARP reply was lost, the
    unresolved entry holds up to 4 queued packets until NetX's ARP gives up on it
    (19 requests, 10 s apart), and only then are they back in the pool, as on target."""
    kind, script = session
    faults = LinkFaults(seed=wire_seed, drop=loss, duplicate=duplicate, reorder=reorder)
    result = e2e_run(script, authentication_type=kind, until=2_000_000, faults=faults, after_send=20_000)
    assert result.run.reason == "completed", result.run.report()
    assert len(result.sends) == 1 and result.status in C_STATUSES, hex(result.status)
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def _load(name: str) -> Callable[..., Any]:
    module, _, function = PROPERTIES.get(name, name).partition(":")
    return getattr(importlib.import_module(module), function)


def property_test(test: str, examples: int, seed: int) -> dict[str, Any]:
    """One campaign run: ``examples`` examples of property ``test`` from hypothesis seed
    ``seed`` (no example database, so the run depends on nothing but its record)."""
    function = _load(test)
    # The test's own settings give way to the campaign's for this call only (hypothesis
    # reads them from the test function's attributes; they are put back afterwards).
    names = ("_hypothesis_internal_use_settings", "_hypothesis_internal_use_seed")
    saved = {name: function.__dict__[name] for name in names if name in function.__dict__}
    function._hypothesis_internal_use_settings = settings(
        saved.get(names[0]), max_examples=examples, database=None, deadline=None, derandomize=False,
        suppress_health_check=list(HealthCheck), print_blob=False)
    function._hypothesis_internal_use_seed = seed
    try:
        function()
    except Exception as error:  # a falsified property: the record carries the example
        notes = "\n".join(getattr(error, "__notes__", []))
        return {"outcome": "falsified", "ok": False, "error_type": type(error).__name__,
                "example": f"{type(error).__name__}: {error}\n{notes}"[:2000]}
    finally:
        for name in names:
            function.__dict__.pop(name, None)
        function.__dict__.update(saved)
    return {"outcome": "passed", "ok": True, "error_type": "", "example": ""}
