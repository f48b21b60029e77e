"""Quiet time that jumps (netxsim.tx.quiet): the same run with the shortcut on and off
gives the same end tick, statuses, observed times, frames, thread run counts and timer
state. The shortcut only changes how fast quiet stretches are simulated."""
from __future__ import annotations

from typing import Any

import pytest

import netxsim.nx as nx
from netxsim import (TX_AUTO_ACTIVATE, TX_AUTO_START, TX_THREAD, TX_TIMER, tx_thread_create,
                     tx_thread_info_get, tx_thread_sleep, tx_time_get, tx_timer_create, tx_timer_info_get)
from netxsim.nx.constants import NX_NO_WAIT, NX_WAIT_FOREVER
from netxsim.testing.tcp import make_packet, receive_bytes
from netxsim.testing.world import two_host_world
from netxsim.tx import quiet
from netxsim.tx.kernel import kernel


def _performance(k: Any) -> dict[str, Any]:
    """Every performance counter of every created object, and the system's."""
    state: dict[str, Any] = {"system": dict(k.__dict__.get("tx_performance", {}))}
    for kind, objects in k.created.items():
        for index, obj in enumerate(objects):
            fields = {name: value for name, value in vars(obj).items() if "_performance_" in name
                      and name.endswith("_count")}
            if fields:
                state[f"{kind} {index}"] = fields
    return state


def _scenario(steps: list[int] | None, long_sleep: int, app_timer: bool) -> dict[str, Any]:
    world = two_host_world()
    log: list[tuple] = []
    server, client = TX_THREAD(), TX_THREAD()
    ss, cs = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()
    timer = TX_TIMER()
    fired: list[int] = []

    def server_entry(_: int) -> None:
        ip = world.B.ip
        log.append(("s create", nx.nx_tcp_socket_create(ip, ss, "ss", 0, 0, 0x80, 8192, None, None)))
        log.append(("listen", nx.nx_tcp_server_socket_listen(ip, 80, ss, 5, None)))
        log.append(("accept", nx.nx_tcp_server_socket_accept(ss, NX_WAIT_FOREVER), tx_time_get()))
        for wait in (3000, 700, NX_WAIT_FOREVER, 50):
            status, data = receive_bytes(ss, wait)
            log.append(("recv", status, data, tx_time_get()))
        log.append(("s disconnect", nx.nx_tcp_socket_disconnect(ss, 500), tx_time_get()))

    def client_entry(_: int) -> None:
        ip = world.A.ip
        log.append(("c create", nx.nx_tcp_socket_create(ip, cs, "cs", 0, 0, 0x80, 8192, None, None)))
        log.append(("bind", nx.nx_tcp_client_socket_bind(cs, 5000, NX_WAIT_FOREVER)))
        tx_thread_sleep(37)
        log.append(("connect", nx.nx_tcp_client_socket_connect(cs, world.B.address, 80, 300), tx_time_get()))
        log.append(("send", nx.nx_tcp_socket_send(cs, make_packet(world.A.ip_pool, b"hello"), 100), tx_time_get()))
        tx_thread_sleep(long_sleep)   # server's 3000-tick receive times out meanwhile
        log.append(("send", nx.nx_tcp_socket_send(cs, make_packet(world.A.ip_pool, b"world" * 300), 100),
                    tx_time_get()))
        tx_thread_sleep(1)
        tx_thread_sleep(long_sleep // 3)
        log.append(("send", nx.nx_tcp_socket_send(cs, make_packet(world.A.ip_pool, b"x"), NX_NO_WAIT), tx_time_get()))
        status, data = receive_bytes(cs, 9000)   # the server closes first
        log.append(("c recv", status, data, tx_time_get()))
        log.append(("c disconnect", nx.nx_tcp_socket_disconnect(cs, 300), tx_time_get()))

    def define(memory: Any) -> None:
        tx_thread_create(server, "server", server_entry, 0, memory, 4096, 5, 5, 0, TX_AUTO_START)
        tx_thread_create(client, "client", client_entry, 0, memory + 4096, 4096, 6, 6, 0, TX_AUTO_START)
        if app_timer:
            tx_timer_create(timer, "app", lambda _: fired.append(tx_time_get()), 0, 45, 777, TX_AUTO_ACTIVATE)

    runs = []
    if steps is None:
        runs.append(world.run(define))
    else:
        runs.append(world.run(define, until=steps[0]))
        for step in steps[1:]:
            if runs[-1].reason != "until":
                break
            runs.append(world.advance(step))
    k = world.kernel
    threads = {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]}
    timers = {t.tx_timer_name: tx_timer_info_get(t)[2:4] for t in k.created.get("timer", [])}
    if runs[-1].reason == "until":
        runs[-1].close()
    performance = _performance(k)
    return {"runs": [(r.reason, r.ticks) for r in runs], "log": log, "threads": threads,
            "performance": performance,
            "timers": timers, "fired": fired,
            "ip": [(h.ip.nx_ip_total_packets_sent, h.ip.nx_ip_packet_id) for h in (world.A, world.B)]}


def _both(**options: Any) -> tuple[dict, dict]:
    quiet.enabled = False
    try:
        off = _scenario(**options)
    finally:
        quiet.enabled = True
    on = _scenario(**options)
    return off, on


@pytest.mark.parametrize("long_sleep", [4321, 250])
@pytest.mark.parametrize("app_timer", [False, True])
def test_a_run_is_the_same_with_and_without_the_shortcut(long_sleep: int, app_timer: bool) -> None:
    off, on = _both(steps=None, long_sleep=long_sleep, app_timer=app_timer)
    assert on == off
    assert off["runs"][-1][0] == "completed"
    assert any(entry[0] == "recv" and entry[1] == nx.NX_NO_PACKET for entry in off["log"])


def test_a_run_paused_at_until_is_the_same_with_and_without_the_shortcut() -> None:
    steps = [1, 5, 500, 1001, 17, 3333, 64, 2000, 9000, 10000]
    off, on = _both(steps=steps, long_sleep=4321, app_timer=True)
    assert on == off
    assert len(off["runs"]) > 3


def test_quiet_time_is_jumped_over_with_the_run_counts_of_the_skipped_wake_ups() -> None:
    """Two idle IP instances for 100 s: the kernel's event queue sees a handful of
    interrupts, not thousands, and run counts are those of the skipped wake-ups."""
    counts: dict[str, Any] = {}

    def run() -> dict[str, int]:
        world = two_host_world()
        sleeper = TX_THREAD()
        interrupts: list[int] = []

        def entry(_: int) -> None:
            tx_thread_sleep(10_000)

        def define(memory: Any) -> None:
            tx_thread_create(sleeper, "sleeper", entry, 0, memory, 2048, 3, 3, 0, TX_AUTO_START)
            k = kernel()
            process = k._interrupt

            def counted() -> None:   # every event the kernel takes from the simpy queue
                interrupts.append(1)
                process()
            k._interrupt = counted   # type: ignore[method-assign]

        assert world.run(define).ticks == 10_000
        k = world.kernel
        counts["events"] = len(interrupts)
        return {"runs": {t.tx_thread_name: tx_thread_info_get(t)[3] for t in k.created["thread"]},
                "performance": _performance(k)}

    quiet.enabled = False
    try:
        off = run()
        events_off = counts["events"]
    finally:
        quiet.enabled = True
    on = run()
    assert on == off
    assert off["runs"]["A IP"] > 1000 and off["runs"]["System Timer Thread"] > 1000
    assert off["performance"]["system"]["event_flags.set"] > 2000
    assert counts["events"] < events_off / 20


def _random_world(seed: int, config: Any = None) -> dict[str, Any]:
    """IP instances created at random ticks (so their periodic timers have different
    phases), threads sleeping random long and short times, application timers, and a
    run continued at random ``until`` ticks."""
    import random

    from netxsim import NX_IP, NX_PACKET_POOL, TX_NO_TIME_SLICE, tx_thread_relinquish
    from netxsim.nx import nx_arp_enable, nx_icmp_enable, nx_ip_create, nx_packet_pool_create, nx_tcp_enable
    from netxsim.nx.ram_driver import _nx_ram_network_driver
    from netxsim import tx_kernel_enter

    rng = random.Random(seed)
    ips = [NX_IP() for _ in range(3)]
    pools = [NX_PACKET_POOL() for _ in range(3)]
    threads = [TX_THREAD() for _ in range(4)]
    timers = [TX_TIMER() for _ in range(2)]
    log: list[tuple] = []
    sleeps = [[rng.choice([1, 3, 31, 32, 33, 64, 99, 100, 101, rng.randrange(1, 5000), rng.randrange(2000, 9000)])
               for _ in range(6)] for _ in threads]
    creates = [rng.randrange(0, 700) for _ in ips]
    state: dict[str, Any] = {}

    def creator(_: int) -> None:
        memory = state["memory"]
        for index, ip in enumerate(ips):
            tx_thread_sleep(max(1, creates[index]))
            nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
            memory += 4096
            nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index], _nx_ram_network_driver,
                         memory, 2048, 1 + index)
            memory += 2048
            nx_arp_enable(ip, memory, 1040)
            memory += 1040
            if index != 1:
                nx_tcp_enable(ip)
            nx_icmp_enable(ip)
            log.append(("created", index, tx_time_get()))

    def sleeper(index: int) -> None:
        for ticks in sleeps[index]:
            tx_thread_sleep(ticks)
            log.append(("woke", index, tx_time_get()))
            tx_thread_relinquish()

    def define(memory: Any) -> None:
        tx_thread_create(threads[0], "creator", creator, 0, memory, 4096, 2, 2, TX_NO_TIME_SLICE, TX_AUTO_START)
        state["memory"] = memory + 4 * 4096
        for index in range(1, 4):
            tx_thread_create(threads[index], f"sleeper {index}", sleeper, index, memory + index * 4096, 4096,
                             4 + index % 2, 4 + index % 2, TX_NO_TIME_SLICE, TX_AUTO_START)
        for index, timer in enumerate(timers):
            tx_timer_create(timer, f"app {index}", lambda i: log.append(("timer", i, tx_time_get())), index,
                            rng.randrange(1, 900), rng.choice([0, 0, 7, 50, 333, 2500]), TX_AUTO_ACTIVATE)

    stops = sorted(rng.sample(range(1, 40_000), 5))
    run = tx_kernel_enter(define, until=stops[0], config=config)
    k = kernel()
    ends = [(run.reason, run.ticks)]
    for stop in stops[1:]:
        if run.reason != "until":
            break
        run = k.run(stop)
        ends.append((run.reason, run.ticks))
    counts = {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]}
    timer_state = {t.tx_timer_name: tx_timer_info_get(t)[2:4] for t in k.created.get("timer", [])}
    if run.reason == "until":
        run.close()
    return {"ends": ends, "log": log, "counts": counts, "timers": timer_state, "performance": _performance(k)}


@pytest.mark.parametrize("seed", range(10))
def test_random_phases_sleeps_timers_and_pauses_are_the_same_with_and_without_the_shortcut(seed: int) -> None:
    quiet.enabled = False
    try:
        off = _random_world(seed)
    finally:
        quiet.enabled = True
    on = _random_world(seed)
    assert on == off
    assert sum(off["counts"].values()) > 100


@pytest.mark.parametrize("config", [{"TX_TIMER_PROCESS_IN_ISR": True}, {"TX_TIMER_TICKS_PER_SECOND": 1000},
                                    {"NX_TCP_FAST_TIMER_RATE": 20}])
@pytest.mark.parametrize("seed", [22, 51, 3])
def test_other_builds_are_the_same_with_and_without_the_shortcut(seed: int, config: dict) -> None:
    quiet.enabled = False
    try:
        off = _random_world(seed, config)
    finally:
        quiet.enabled = True
    on = _random_world(seed, config)
    assert on == off
    assert sum(off["counts"].values()) > 100


def test_a_pacer_sees_every_tick_interrupt_and_tracing_keeps_every_wake_up() -> None:
    """With a real-time pacer set (netxsim.tap.pacing) or a scheduling trace, the
    shortcut stays off: the pacer is asked before every event and the trace records
    every wake-up, exactly as with the shortcut disabled."""

    def run(trace: bool) -> tuple[int, list]:
        world = two_host_world(trace=[] if trace else None)
        sleeper = TX_THREAD()
        paced: list[int] = []

        def define(memory: Any) -> None:
            tx_thread_create(sleeper, "sleeper", lambda _: tx_thread_sleep(1000), 0, memory, 2048, 3, 3, 0,
                             TX_AUTO_START)
            if not trace:
                kernel().pacer = lambda: paced.append(kernel().now)

        result = world.run(define)
        assert result.ticks == 1000
        return len(paced), list(world.kernel.trace or [])

    quiet.enabled = False
    try:
        paced_off, _ = run(trace=False)
        _, trace_off = run(trace=True)
    finally:
        quiet.enabled = True
    paced_on, _ = run(trace=False)
    _, trace_on = run(trace=True)
    assert paced_on == paced_off > 100
    assert trace_on == trace_off and len(trace_off) > 400
