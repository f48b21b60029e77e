"""The uncontended IP-mutex puts and gets done inline (the IP helper thread's wake-ups,
the socket send and receive, the receive wait; ``ip.inline_mutex``): every counter, run
count, tick and owned-mutex list is the same as through the mutex services."""
from __future__ import annotations

from typing import Any

import pytest

import netxsim.nx.ip as nx_ip
from netxsim.nx.faults import LinkFaults
from netxsim.testing.tcp import bulk_transfer
from netxsim.tx.kernel import last_kernel


def _state() -> dict[str, Any]:
    k = last_kernel()
    assert k is not None
    state: dict[str, Any] = {"system": dict(k.__dict__.get("tx_performance", {})), "tick": k.now}
    for kind, objects in k.created.items():
        for index, obj in enumerate(objects):
            state[f"{kind} {index}"] = {name: value for name, value in vars(obj).items()
                                        if isinstance(value, int) and not name.startswith("_")}
            owned = getattr(obj, "owned_mutexes", None)
            if owned is not None:
                state[f"{kind} {index} owned"] = [getattr(m, "tx_mutex_name", None) for m in owned]
    return state


@pytest.mark.parametrize("lossy", [False, True])
def test_the_inline_put_and_get_change_nothing(monkeypatch: pytest.MonkeyPatch, lossy: bool) -> None:
    states = []
    for inline in (False, True):
        monkeypatch.setattr(nx_ip, "inline_mutex", inline)
        faults = LinkFaults(seed=3, drop=0.05, duplicate=0.03, reorder=0.05) if lossy else None
        result = bulk_transfer(1 << 16, faults=faults)
        state = _state()
        state.update(reason=result.run.reason, ticks=result.run.ticks, done=result.done_tick, log=result.log,
                     intact=result.received == result.sent)
        states.append(state)
    assert states[0] == states[1] and states[1]["intact"]
    assert any(value.get("tx_mutex_performance_get_count", 0) > 100 for key, value in states[1].items()
               if key.startswith("mutex") and isinstance(value, dict))
