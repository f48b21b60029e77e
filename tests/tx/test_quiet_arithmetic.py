"""A quiet jump computed per timer (netxsim.tx.quiet.arithmetic_enabled, the default)
does exactly what processing its ticks one by one does, and both what the run does with
the shortcut off: same statuses, observed ticks, run counts, performance counters and
timer state, with long timers hopping through the wheel at odd offsets, helper timers
whose first expiry is not a whole period away, several timer rates, and runs paused
and continued at ``until``."""
from __future__ import annotations

import random
from typing import Any

import pytest

from netxsim import (NX_IP, NX_PACKET_POOL, TX_AUTO_ACTIVATE, TX_AUTO_START, TX_NO_TIME_SLICE, TX_THREAD,
                     TX_TIMER, tx_kernel_enter, tx_thread_create, tx_thread_sleep, tx_time_get, tx_timer_create,
                     tx_timer_info_get)
from netxsim.nx import nx_arp_enable, nx_icmp_enable, nx_ip_create, nx_packet_pool_create, nx_tcp_enable
from netxsim.nx.ip import NX_IP_FAST_EVENT, ip_event_set
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.tx import quiet
from netxsim.tx.kernel import kernel
from netxsim.tx.quiet import register_quiet_timer
from netxsim.tx.timer import _tx_timer_create

from .test_quiet import _performance


def _world(seed: int, config: Any = None) -> dict[str, Any]:
    rng = random.Random(seed)
    hosts = rng.randrange(1, 4)
    ips = [NX_IP() for _ in range(hosts)]
    pools = [NX_PACKET_POOL() for _ in range(hosts)]
    helpers = [TX_TIMER() for _ in range(hosts)]
    sleepers = [TX_THREAD() for _ in range(3)]
    app = TX_TIMER()
    log: list[tuple] = []
    # Long sleeps at odd offsets: each hops through the wheel from its own phase.
    plans = [[rng.choice([rng.randrange(33, 200), rng.randrange(200, 3000), rng.randrange(3000, 20_000), 1, 31,
                          32, 64, 65]) for _ in range(5)] for _ in sleepers]
    # On hosts without TCP an extra quiet timer sets the IP thread's fast event (which then
    # finds nothing to do): its first expiry comes after an initial time other than its
    # period, some longer than a wheel turn.
    helper_times = [(rng.choice([7, 33, 45, 150, 260]), rng.choice([10, 40, 64, 100, 96])) for _ in ips]
    creates = [rng.randrange(0, 90) for _ in ips]
    tcp = [rng.random() < 0.5 for _ in ips]
    state: dict[str, Any] = {}

    def creator(_: int) -> None:
        memory = state["memory"]
        for index, ip in enumerate(ips):
            tx_thread_sleep(1 + creates[index])
            nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
            memory += 4096
            nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index], _nx_ram_network_driver,
                         memory, 2048, 1 + index)
            memory += 2048
            nx_arp_enable(ip, memory, 1040)
            memory += 1040
            nx_icmp_enable(ip)
            if tcp[index]:
                nx_tcp_enable(ip)
                log.append(("created", index, tx_time_get()))
                continue
            # No fast TCP timer here: the helper is the only timer setting the fast event.
            initial, period = helper_times[index]
            _tx_timer_create(helpers[index], f"helper {index}", lambda _, ip=ip: ip_event_set(ip, NX_IP_FAST_EVENT),
                             0, initial, period, TX_AUTO_ACTIVATE)
            register_quiet_timer(kernel(), helpers[index], ip._quiet_probe)
            log.append(("created", index, tx_time_get()))

    def sleeper(index: int) -> None:
        for ticks in plans[index]:
            tx_thread_sleep(ticks)
            log.append(("woke", index, tx_time_get()))

    def define(memory: Any) -> None:
        tx_thread_create(sleepers[0], "creator", creator, 0, memory, 4096, 2, 2, TX_NO_TIME_SLICE, TX_AUTO_START)
        state["memory"] = memory + 4 * 4096
        for index in range(1, 3):
            tx_thread_create(sleepers[index], f"sleeper {index}", sleeper, index, memory + index * 4096, 4096,
                             5, 5, TX_NO_TIME_SLICE, TX_AUTO_START)
        if seed % 3 == 0:
            tx_timer_create(app, "app", lambda _: log.append(("app", tx_time_get())), 0, rng.randrange(1, 500),
                            rng.choice([0, 77, 1234]), TX_AUTO_ACTIVATE)

    stops = sorted(rng.sample(range(1, 50_000), 4))
    run = tx_kernel_enter(define, until=stops[0], config=config)
    k = kernel()
    ends = [(run.reason, run.ticks)]
    for stop in stops[1:]:
        if run.reason != "until":
            break
        run = k.run(stop)
        ends.append((run.reason, run.ticks))
    counts = {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]}
    timers = {t.tx_timer_name: tx_timer_info_get(t)[2:4] for t in k.created.get("timer", [])}
    if run.reason == "until":
        run.close()
    return {"ends": ends, "log": log, "counts": counts, "timers": timers, "performance": _performance(k)}


def _three_ways(seed: int, config: Any = None) -> tuple[dict, dict, dict]:
    try:
        quiet.enabled = False
        off = _world(seed, config)
        quiet.enabled, quiet.arithmetic_enabled = True, False
        ticks = _world(seed, config)
    finally:
        quiet.enabled, quiet.arithmetic_enabled = True, True
    return off, ticks, _world(seed, config)


@pytest.mark.parametrize("seed", range(12))
def test_a_jump_per_timer_is_the_same_as_tick_by_tick_and_as_no_jump(seed: int) -> None:
    off, ticks, arithmetic = _three_ways(seed)
    assert arithmetic == ticks
    assert arithmetic == off
    assert sum(off["counts"].values()) > 100


@pytest.mark.parametrize("config", [{"TX_TIMER_TICKS_PER_SECOND": 1000}, {"NX_TCP_FAST_TIMER_RATE": 7}])
@pytest.mark.parametrize("seed", [5, 40])
def test_a_jump_per_timer_is_the_same_in_other_builds(seed: int, config: dict) -> None:
    off, ticks, arithmetic = _three_ways(seed, config)
    assert arithmetic == ticks == off


def test_a_long_jump_is_computed_per_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-timer computation is what runs (a few passes per jump, not one per tick)."""
    passes = []
    original = quiet._Arithmetic.run

    def counting(self: Any, bound: float, now: int) -> None:
        passes.append((now, bound))
        original(self, bound, now)

    monkeypatch.setattr(quiet._Arithmetic, "run", counting)
    result = _world(0)
    assert any(bound - now > 500 for now, bound in passes)   # hundreds of ticks in one pass
    assert result["counts"]
