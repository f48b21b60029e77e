"""tcp_fast.send_segment's uncontended put/get of the IP mutex done in one step: every
counter, run count, tick and owned-mutex list is the same as through the mutex services."""
from __future__ import annotations

from typing import Any

import pytest

import netxsim.tx.mutex as tx_mutex
from netxsim.nx import tcp_fast
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


def _run(monkeypatch: pytest.MonkeyPatch, pair: bool, **options: Any) -> tuple[dict[str, Any], int]:
    monkeypatch.setattr(tcp_fast, "pair_mutex", pair)
    calls = {"put": 0}
    put = tx_mutex._tx_mutex_put

    def counted(mutex: Any) -> int:
        calls["put"] += 1
        return put(mutex)

    monkeypatch.setattr(tcp_fast, "_tx_mutex_put", counted)
    result = bulk_transfer(1 << 16, **options)
    state = _state()
    state.update(reason=result.run.reason, ticks=result.run.ticks, done=result.done_tick, log=result.log,
                 intact=result.received == result.sent)
    return state, calls["put"]


@pytest.mark.parametrize("faults", [None, LinkFaults(seed=5, drop=0.05, duplicate=0.03, reorder=0.05)])
def test_the_paired_put_and_get_change_nothing(monkeypatch: pytest.MonkeyPatch, faults: Any) -> None:
    options = {} if faults is None else {"faults": faults}
    general, general_puts = _run(monkeypatch, False, **options)
    if faults is not None:
        options = {"faults": LinkFaults(seed=5, drop=0.05, duplicate=0.03, reorder=0.05)}
    paired, paired_puts = _run(monkeypatch, True, **options)
    assert paired == general and paired["intact"]
    # The pair was taken: one put through the services fewer per fast send.
    assert paired_puts < general_puts
