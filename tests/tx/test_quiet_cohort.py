"""Dormant quiet hosts absorbed as cohorts (netxsim.tx.quiet_cohort): runs with many hosts,
staggered activity (pings between hosts waking dormant ones, mails), hosts observed mid-run
through the info and performance services and through their attributes, an IP thread's
priority changed, and tracing switched on mid-run, give the same log, end tick, run count
of every thread, performance counters of every object and of the system, trace buffer,
mailbox and wire bytes with cohorts formed and with none (and with no quiet shortcut)."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import netxsim.nx.ram_driver as ram_driver
from netxsim import (NX_IP, NX_PACKET_POOL, TX_AUTO_START, TX_NO_TIME_SLICE, TX_THREAD, nx_packet_release,
                     nx_tcp_info_get, tx_event_flags_performance_info_get, tx_event_flags_performance_system_info_get,
                     tx_kernel_enter, tx_mutex_performance_info_get, tx_mutex_performance_system_info_get,
                     tx_thread_create, tx_thread_info_get, tx_thread_performance_info_get,
                     tx_thread_performance_system_info_get, tx_thread_priority_change, tx_thread_sleep, tx_time_get,
                     tx_timer_info_get, tx_timer_performance_info_get, tx_timer_performance_system_info_get,
                     tx_trace_enable)
from netxsim import (NX_TCP_SOCKET, TX_OR, TX_WAIT_FOREVER, nx_tcp_server_socket_listen, nx_tcp_server_socket_unlisten,
                     nx_tcp_socket_create, nx_tcp_socket_delete, tx_event_flags_set, tx_mutex_get, tx_mutex_put,
                     tx_thread_resume, tx_thread_suspend, tx_timer_activate, tx_timer_change, tx_timer_deactivate)
from netxsim.nx import nx_arp_enable, nx_icmp_enable, nx_icmp_ping, nx_ip_create, nx_packet_pool_create, nx_tcp_enable
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.tx import quiet, quiet_cohort
from netxsim.tx.kernel import kernel

from .test_quiet import _performance
from .test_quiet_many_hosts import _mail_run

HOSTS = 30


def _plain(result: Any) -> Any:
    """A service's result with control blocks named by class (they differ between runs)."""
    if isinstance(result, tuple):
        return tuple(_plain(item) for item in result)
    return result if result is None or isinstance(result, (int, str, bytes)) else type(result).__name__


def _world(seed: int, trace_at: int | None, ticker_priority: int = 10) -> dict[str, Any]:
    rng = random.Random(seed)
    ips = [NX_IP() for _ in range(HOSTS)]
    pools = [NX_PACKET_POOL() for _ in range(HOSTS)]
    ticker, observer, pinger = TX_THREAD(), TX_THREAD(), TX_THREAD()
    log: list[tuple] = []
    box: dict[str, Any] = {}
    ip_priorities = [rng.choice([1, 1, 1, 3]) for _ in range(HOSTS)]
    observations = sorted(rng.sample(range(15, 700), 40))
    pings = [(rng.randrange(1, 40), rng.randrange(HOSTS), rng.randrange(HOSTS)) for _ in range(25)]

    def tick(_: int) -> None:   # something happens every tick: no quiet jump, wake-ups absorbed
        for _ in range(800):
            tx_thread_sleep(1)

    def observe(_: int) -> None:
        for at in observations:
            if at > tx_time_get():
                tx_thread_sleep(at - tx_time_get())
            ip = ips[rng.randrange(HOSTS)]
            what = rng.randrange(15)
            if what == 0:
                result = tx_thread_info_get(ip.nx_ip_thread)
            elif what == 1:
                result = tx_thread_performance_info_get(ip.nx_ip_thread)
            elif what == 2:
                result = tx_event_flags_performance_info_get(ip.nx_ip_events)
            elif what == 3:
                result = tx_mutex_performance_info_get(ip.nx_ip_protection)
            elif what == 4:
                result = (tx_timer_info_get(ip.nx_ip_tcp_fast_periodic_timer),
                          tx_timer_performance_info_get(ip.nx_ip_tcp_fast_periodic_timer))
            elif what == 5:
                result = (tx_thread_performance_system_info_get(), tx_timer_performance_system_info_get(),
                          tx_mutex_performance_system_info_get(), tx_event_flags_performance_system_info_get())
            elif what == 6:
                result = nx_tcp_info_get(ip)
            elif what == 7:   # a more or less urgent IP thread: the order of absorption changes
                result = tx_thread_priority_change(ip.nx_ip_thread, rng.choice([1, 2, 3]))
            elif what == 8:
                result = ip.nx_ip_thread.tx_thread_run_count   # read straight from the control block
            elif what == 9:   # the host's mutex held for a while: not quiet meanwhile
                result = (tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER), tx_thread_sleep(rng.randrange(1, 25)),
                          tx_mutex_put(ip.nx_ip_protection))
            elif what == 10:   # its fast timer taken off and put back: a new place in the order of arming
                timer = ip.nx_ip_tcp_fast_periodic_timer
                result = (tx_timer_deactivate(timer), tx_thread_sleep(rng.randrange(0, 12)),
                          tx_timer_activate(timer))
            elif what == 11:   # its helper thread suspended for a while
                result = (tx_thread_suspend(ip.nx_ip_thread), tx_thread_sleep(rng.randrange(1, 30)),
                          tx_thread_resume(ip.nx_ip_thread))
            elif what == 12:   # its events set from outside
                result = tx_event_flags_set(ip.nx_ip_events, 0x2, TX_OR)
            elif what == 13:   # a socket created, listening, then deleted
                socket = NX_TCP_SOCKET()
                result = (nx_tcp_socket_create(ip, socket, "s", 0, 0, 0x80, 1024, None, None),
                          nx_tcp_server_socket_listen(ip, 80 + at, socket, 2, None), tx_thread_sleep(3),
                          nx_tcp_server_socket_unlisten(ip, 80 + at), nx_tcp_socket_delete(socket))
            else:   # its fast timer's period changed
                timer = ip.nx_ip_tcp_fast_periodic_timer
                period = rng.choice([7, 10, 13])
                result = (tx_timer_deactivate(timer), tx_timer_change(timer, period, period), tx_timer_activate(timer))
            log.append(("observe", at, what, _plain(result)))
            if trace_at is not None and at >= trace_at and "traced" not in box:
                box["traced"] = tx_trace_enable(box["trace memory"], 32768, 64)

    def ping(_: int) -> None:
        for pause, source, target in pings:
            tx_thread_sleep(pause)
            status, packet = nx_icmp_ping(ips[source], 0x0A000001 + target, b"wake", 4, 20)
            if packet is not None:
                nx_packet_release(packet)
            log.append(("ping", source, target, status, tx_time_get()))

    def define(memory: Any) -> None:
        for index, ip in enumerate(ips):
            nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
            memory += 4096
            nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index],
                         _nx_ram_network_driver, memory, 2048, ip_priorities[index])
            memory += 2048
            nx_arp_enable(ip, memory, 1040)
            memory += 1040
            nx_tcp_enable(ip)
            nx_icmp_enable(ip)
        for thread, name, entry, priority in ((ticker, "ticker", tick, ticker_priority),
                                              (observer, "observer", observe, 2),
                                              (pinger, "pinger", ping, 5)):
            tx_thread_create(thread, name, entry, 0, memory, 4096, priority, priority, TX_NO_TIME_SLICE,
                             TX_AUTO_START)
            memory += 4096
        box["trace memory"] = memory

    run = tx_kernel_enter(define, memory_size=1 << 20,
                          config=None if trace_at is None else {"TX_ENABLE_EVENT_TRACE": True})
    k = kernel()
    return {"end": (run.reason, run.ticks), "log": log,
            "runs": {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]},
            "performance": _performance(k), "trace": run.trace_buffer, "traced": box.get("traced")}


@pytest.fixture
def rounds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many cohort slots were absorbed as a whole, and how many hosts woke up."""
    seen = [0, 0]
    rearm_cohort, bring_up_to_date = quiet_cohort.rearm_cohort, quiet_cohort._bring_up_to_date

    def counting_rearm(*args: Any) -> None:
        seen[0] += 1
        rearm_cohort(*args)

    def counting_wake(*args: Any) -> None:
        seen[1] += 1
        bring_up_to_date(*args)

    monkeypatch.setattr(quiet_cohort, "rearm_cohort", counting_rearm)
    monkeypatch.setattr(quiet_cohort, "_bring_up_to_date", counting_wake)
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    return seen


def _three_ways(monkeypatch: pytest.MonkeyPatch, run: Any) -> tuple[dict, dict, dict]:
    """The run with cohorts, without cohorts, and without any quiet shortcut."""
    on = run()
    monkeypatch.setattr(quiet_cohort, "enabled", False)
    no_cohorts = run()
    monkeypatch.setattr(quiet, "enabled", False)
    off = run()
    return on, no_cohorts, off


@pytest.mark.parametrize("seed, ticker_priority", [(seed, 10) for seed in range(6)] + [(6, 1), (7, 3), (8, 0)])
def test_dormant_hosts_observed_woken_and_reprioritised_run_the_same(
        seed: int, ticker_priority: int, rounds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread waking every tick less urgent than every IP thread, as urgent as some
    (one readied in the same tick as a cohort: which runs first is the order they became
    ready), or more urgent than all (nothing can be absorbed)."""
    on, no_cohorts, off = _three_ways(monkeypatch, lambda: _world(seed, None, ticker_priority))
    if ticker_priority > 3:
        assert rounds[0] > 20 and rounds[1] > 10   # cohorts absorbed slots, and hosts woke from them
    assert on["end"][0] == "completed" and on["end"][1] >= 800
    assert len([entry for entry in on["log"] if entry[0] == "ping"]) == 25
    for key in on:
        assert on[key] == no_cohorts[key], key
        assert on[key] == off[key], key


def test_tracing_switched_on_mid_run_records_the_same_events(rounds: list[int],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    on, no_cohorts, off = _three_ways(monkeypatch, lambda: _world(5, 300))
    assert rounds[0] > 10
    assert on["traced"] == 0 and on["trace"]
    for key in on:
        assert on[key] == no_cohorts[key], key
        assert on[key] == off[key], key


def test_many_hosts_mailing_one_server_with_and_without_cohorts(
        rounds: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETXSIM_PCAP", str(tmp_path / "on.pcap"))
    on = _mail_run(True, tmp_path / "on.pcap")
    assert rounds[0] >= 3 and rounds[1] > 50   # the clients woke from cohorts to send
    monkeypatch.setattr(quiet_cohort, "enabled", False)
    monkeypatch.setenv("NETXSIM_PCAP", str(tmp_path / "off.pcap"))
    off = _mail_run(True, tmp_path / "off.pcap")
    assert on["end"][0] == "completed" and len(on["mailbox"]) > 50
    for key in off:
        assert on[key] == off[key], key


def test_a_dormant_host_reads_up_to_date_after_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counters read after the kernel left (a host still dormant at the end) are those of
    a run without cohorts. (Eight hosts: fewer than MIN_COHORT, which is lowered here; with
    it as it is, they never sleep.)"""
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    monkeypatch.setattr(quiet_cohort, "MIN_COHORT", 4)
    def world() -> tuple[list[int], dict]:
        ips = [NX_IP() for _ in range(8)]
        pools = [NX_PACKET_POOL() for _ in range(8)]
        ticker = TX_THREAD()

        def define(memory: Any) -> None:
            for index, ip in enumerate(ips):
                nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
                memory += 4096
                nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index],
                             _nx_ram_network_driver, memory, 2048, 1)
                memory += 2048
                nx_tcp_enable(ip)
            tx_thread_create(ticker, "ticker", lambda _: [tx_thread_sleep(1) for _ in range(333)], 0, memory,
                             4096, 10, 10, TX_NO_TIME_SLICE, TX_AUTO_START)

        tx_kernel_enter(define, memory_size=1 << 20)
        dormant = sum(1 for ip in ips if type(ip) is not NX_IP)
        return [ip.nx_ip_thread.tx_thread_run_count for ip in ips] + [dormant], _performance(kernel())

    on = world()
    saved = quiet_cohort.enabled
    quiet_cohort.enabled = False
    try:
        off = world()
    finally:
        quiet_cohort.enabled = saved
    monkeypatch.setattr(quiet_cohort, "MIN_COHORT", 9)
    too_few = world()
    assert on[0][-1] == 8 and off[0][-1] == 0   # all eight were dormant when the run ended
    assert too_few[0][-1] == 0 and too_few[0][:-1] == off[0][:-1] and too_few[1] == off[1]
    assert on[0][:-1] == off[0][:-1] and on[1] == off[1]
    assert min(on[0][:-1]) > 30


def test_any_access_to_any_object_of_a_dormant_host_wakes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read, a write or a delete of an attribute of the instance, its helper thread,
    event flags, mutex, fast timer or a TCP socket of a dormant host brings the whole host
    up to date at once (its objects back in their own classes)."""
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    monkeypatch.setattr(quiet_cohort, "MIN_COHORT", 4)
    ips = [NX_IP() for _ in range(10)]
    pools = [NX_PACKET_POOL() for _ in range(10)]
    sockets = [NX_TCP_SOCKET() for _ in range(10)]
    ticker, observer = TX_THREAD(), TX_THREAD()
    seen: list[tuple] = []

    def objects(ip: NX_IP, socket: NX_TCP_SOCKET) -> list:
        # Read without waking: the class of each object as it is now.
        get = object.__getattribute__
        return [ip, get(ip, "nx_ip_thread"), get(ip, "nx_ip_events"), get(ip, "nx_ip_protection"),
                get(ip, "nx_ip_tcp_fast_periodic_timer"), socket]

    accesses = [
        lambda ip, socket: ip.nx_ip_packet_id,
        lambda ip, socket: setattr(ip, "nx_ip_test_mark", 1),
        lambda ip, socket: delattr(ip, "nx_ip_test_mark") if "nx_ip_test_mark" in vars(ip) else None,
        lambda ip, socket: socket.nx_tcp_socket_state,
        lambda ip, socket: setattr(socket, "nx_tcp_socket_test_mark", 1),
        lambda ip, socket: objects(ip, socket)[1].tx_thread_priority,
        lambda ip, socket: setattr(objects(ip, socket)[1], "tx_thread_test_mark", 1),
        lambda ip, socket: objects(ip, socket)[2].tx_event_flags_group_current,
        lambda ip, socket: objects(ip, socket)[3].tx_mutex_owner,
        lambda ip, socket: objects(ip, socket)[4].tx_timer_name,
    ]

    def observe(_: int) -> None:
        tx_thread_sleep(157)
        for index, access in enumerate(accesses):
            ip, socket = ips[index], sockets[index]
            dormant_before = [type(obj) for obj in objects(ip, socket)]
            access(ip, socket)
            dormant_after = [type(obj) for obj in objects(ip, socket)]
            seen.append((index, dormant_before, dormant_after))

    def define(memory: Any) -> None:
        for index, ip in enumerate(ips):
            nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
            memory += 4096
            nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index],
                         _nx_ram_network_driver, memory, 2048, 1)
            memory += 2048
            nx_tcp_enable(ip)
            nx_tcp_socket_create(ip, sockets[index], "s", 0, 0, 0x80, 1024, None, None)
        tx_thread_create(ticker, "ticker", lambda _: [tx_thread_sleep(1) for _ in range(200)], 0, memory,
                         4096, 10, 10, TX_NO_TIME_SLICE, TX_AUTO_START)
        tx_thread_create(observer, "observer", observe, 0, memory + 4096, 4096, 2, 2, TX_NO_TIME_SLICE,
                         TX_AUTO_START)

    run = tx_kernel_enter(define, memory_size=1 << 20)
    assert run.reason == "completed"
    assert len(seen) == len(accesses)
    for index, dormant_before, dormant_after in seen:
        own = [NX_IP, TX_THREAD, type(ips[0].nx_ip_events), type(ips[0].nx_ip_protection),
               type(ips[0].nx_ip_tcp_fast_periodic_timer), NX_TCP_SOCKET]
        assert all(cls is not original for cls, original in zip(dormant_before, own)), index   # all dormant
        assert dormant_after == own, index   # every object of the host awake at once


def test_a_host_whose_objects_cannot_switch_class_stays_awake(rounds: list[int],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An object whose class cannot be switched (a compiled extension type) keeps its host
    awake: absorbed one wake-up at a time as without cohorts, every object in its class."""
    original = quiet_cohort._dormant_class

    def refusing(cls: type) -> type:
        if cls.__name__ == "TX_MUTEX":
            raise TypeError("__class__ assignment only supported for mutable types")
        return original(cls)

    monkeypatch.setattr(quiet_cohort, "_dormant_class", refusing)
    on = _world(2, None)
    assert rounds == [0, 0]   # no cohort ever held a host
    monkeypatch.setattr(quiet_cohort, "enabled", False)
    off = _world(2, None)
    for key in on:
        assert on[key] == off[key], key
