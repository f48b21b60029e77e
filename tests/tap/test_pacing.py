"""Real-time pacing and the bridge's frame path, without root (fake clock, socketpair)."""
from __future__ import annotations

import os
import socket

import pytest

from netxsim import *  # noqa: F403
from netxsim.nx.wire import ArpPacket, build_ethernet_frame
from netxsim.tap import BRIDGE_MAC, RealTimePacer, TapBridge
from netxsim.tx.kernel import kernel

from .netx_host import NETX_ADDRESS, NETX_MAC, NetxHost


class FakeClock:
    """Wall time that moves only when the pacer sleeps or a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def sleeper_program(trace: list, burn: dict[int, float] | None = None, clock: FakeClock | None = None):
    """One thread sleeping 10 ticks three times; ``burn`` adds wall time at given ticks."""
    thread = TX_THREAD()

    def entry(_input: int) -> None:
        for _ in range(3):
            if burn and clock and tx_time_get() in burn:
                clock.now += burn[tx_time_get()]
            tx_thread_sleep(10)
            trace.append(("woke", tx_time_get()))

    def define(memory):
        if clock is not None:
            RealTimePacer.of(kernel(), clock=clock, sleep=clock.sleep)
        tx_thread_create(thread, "sleeper", entry, 0, memory, 1024, 10, 10, TX_NO_TIME_SLICE, TX_AUTO_START)
    return define


def test_pacing_keeps_simulated_time_and_follows_the_wall_clock():
    plain: list = []
    paced: list = []
    clock = FakeClock()
    unpaced_run = tx_kernel_enter(sleeper_program(plain))
    paced_run = tx_kernel_enter(sleeper_program(paced, clock=clock))
    assert plain == paced == [("woke", 10), ("woke", 20), ("woke", 30)]
    assert unpaced_run.ticks == paced_run.ticks == 30
    assert clock.now == pytest.approx(0.30)  # tick 30 happened at start + 30/100 s
    report = paced_run.pacing       # taken when the run ended
    assert unpaced_run.pacing is None
    assert str(report) in paced_run.report()
    assert report.ticks == 30 and report.max_lateness == 0 and report.ticks_late == 0
    assert report.wall_seconds == pytest.approx(0.30)


def test_pacing_measures_lateness_when_the_simulation_falls_behind():
    clock = FakeClock()
    trace: list = []
    run = tx_kernel_enter(sleeper_program(trace, burn={10: 0.25}, clock=clock))
    assert trace == [("woke", 10), ("woke", 20), ("woke", 30)]  # simulated time unchanged
    report = run.pacing
    # At tick 10 the thread took 0.25 s of wall time: tick 20 (due at 0.20 s) ran at 0.35 s.
    # Tick 30 (due at 0.30 s) then ran at once, 0.05 s late: two ticks late of three.
    assert report.max_lateness == pytest.approx(0.15)
    assert report.mean_lateness == pytest.approx(0.20 / 3)
    assert (report.paced_ticks, report.ticks_late) == (3, 2)
    assert clock.now == pytest.approx(0.35)
    assert "2 of 3 paced ticks" in str(report)


def test_bridge_moves_frames_both_ways_on_a_datagram_fd():
    """A SOCK_SEQPACKET socketpair stands in for the TAP fd (one frame per read/write):
    an ARP request from "Linux" reaches NetX within the tick it is written, and NetX's
    reply comes back out of the fd."""
    linux_end, tap_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    tap_end.setblocking(False)
    host = NetxHost()
    request = build_ethernet_frame(b"\xff" * 6, BRIDGE_MAC, 0x0806, ArpPacket(
        op=1, sender_mac=BRIDGE_MAC, sender_ip=NETX_ADDRESS + 5, target_mac=b"\0" * 6,
        target_ip=NETX_ADDRESS).pack())
    bridges: list[TapBridge] = []

    def define(memory):
        host.define(memory)
        bridges.append(TapBridge.attach(None, "pair", fd=tap_end.fileno()))
        host.segment.enable_frame_log()
        linux_end.send(request)

        def stop() -> None:
            tx_thread_sleep(3)
            bridges[0].close()
        host.thread("stop", stop)

    try:
        run = tx_kernel_enter(define, until=100)
        reply = linux_end.recv(2048)
    finally:
        linux_end.close()
        tap_end.close()
    assert run.reason == "completed" and run.ticks == 3
    assert reply[:6] == BRIDGE_MAC and reply[6:12] == NETX_MAC and reply[12:14] == b"\x08\x06"
    arp = ArpPacket.unpack(reply[14:])
    assert arp.op == 2 and arp.sender_ip == NETX_ADDRESS and arp.target_mac == BRIDGE_MAC
    log = host.segment.frame_log
    assert [(record.tick, record.frame) for record in log][:2] == [(0, request), (0, reply)]
    counters = bridges[0].counters
    assert counters.from_linux == 1 and counters.to_linux == 1
