"""The simulated Ethernet segment: delivery rules, timing (synchronous and link model),
link state, capture (pcap, NETXSIM_PCAP) and the segments of a kernel.

Tests are small kernel runs: threads transmit, receive callbacks log
(tick, port, frame, context) where context is "isr" or the running thread's name.
"""
from __future__ import annotations

import io
from fractions import Fraction
from typing import Any, Callable

import dpkt
import pytest

from netxsim.nx.faults import LinkFaults
from netxsim.nx.pcap import PcapWriter, read_pcap
from netxsim.nx.segment import (
    DELIVERED, LINK_DOWN, LOST, PCAP_ENVIRONMENT_VARIABLE, UNCLAIMED, EthernetSegment, FrameRecord,
    Port, segment_for, segments_of,
)
from netxsim.nx.wire import BROADCAST_MAC, ETHERTYPE_IPV4, ZERO_MAC, build_ethernet_frame
from netxsim.tx import (
    TX_AUTO_START, TX_NO_TIME_SLICE, TX_SUCCESS, TX_THREAD, TX_WAIT_FOREVER, tx_kernel_enter,
    tx_thread_create, tx_thread_sleep, tx_time_get,
)
from netxsim.tx.kernel import kernel
from netxsim.tx.semaphore import TX_SEMAPHORE, tx_semaphore_create, tx_semaphore_get, tx_semaphore_put

STACK = 1024
MAC_A = bytes.fromhex("001122334456")
MAC_B = bytes.fromhex("001122334457")
MAC_C = bytes.fromhex("001122334458")


def frame(dst: bytes, src: bytes, tag: int, size: int = 46) -> bytes:
    """A frame whose payload is ``size`` bytes of ``tag``: easy to tell apart in a log."""
    return build_ethernet_frame(dst, src, ETHERTYPE_IPV4, bytes([tag]) * size)


def context() -> str:
    k = kernel()
    if k.in_init:
        return "init"
    return "isr" if k.in_isr else k.current_ptr.tx_thread_name


class Net:
    """One kernel run with one segment; ``port`` attaches a logging receiver."""

    def __init__(self, **segment_options: Any) -> None:
        self.options = segment_options
        self.log: list[tuple] = []
        self.segment: EthernetSegment | None = None
        self.memory = None
        self.result = None

    def note(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def port(self, name: str, mac: bytes, receive: Callable[[bytes], Any] | None = None) -> Port:
        def log_receive(data: bytes) -> Any:
            self.log.append((tx_time_get(), name, data, context()))
            return receive(data) if receive is not None else None
        return self.segment.attach(log_receive, mac, name=name)

    def thread(self, name: str, body: Callable[[], None], priority: int = 5) -> TX_THREAD:
        thread = TX_THREAD()
        assert tx_thread_create(thread, name, lambda _: body(), 0, self.memory, STACK, priority,
                                priority, TX_NO_TIME_SLICE, TX_AUTO_START) == TX_SUCCESS
        self.memory = self.memory + STACK
        return thread

    def run(self, setup: Callable[[], None], until: int | None = None) -> list[tuple]:
        def define(first_unused_memory) -> None:
            self.memory = first_unused_memory
            self.segment = EthernetSegment(kernel(), frame_log=True, **self.options)
            setup()
        self.result = tx_kernel_enter(define, until=until)
        return self.log


# ------------------------------------------------------------------ delivery rules
def test_unicast_reaches_only_the_port_with_that_mac() -> None:
    net = Net()
    f = frame(MAC_B, MAC_A, 1)

    def setup() -> None:
        a, b, c = net.port("a", MAC_A), net.port("b", MAC_B), net.port("c", MAC_C)
        net.thread("t", lambda: a.transmit(f))
        net.ports = (a, b, c)

    assert net.run(setup) == [(0, "b", f, "t")]
    a, b, c = net.ports
    assert (a.tx_frames, a.tx_bytes, a.rx_frames, a.tx_dropped) == (1, len(f), 0, 0)
    assert (b.rx_frames, b.rx_bytes, c.rx_frames) == (1, len(f), 0)
    assert net.segment.frame_log == [FrameRecord(0, "a", f, DELIVERED)]
    assert (net.segment.counters.frames, net.segment.counters.on_wire) == (1, 1)


def test_broadcast_reaches_every_other_port_in_attach_order() -> None:
    net = Net()
    f = frame(BROADCAST_MAC, MAC_B, 2)

    def setup() -> None:
        net.port("c", MAC_C)
        b = net.port("b", MAC_B)
        net.port("a", MAC_A)
        net.thread("t", lambda: b.transmit(f))

    assert net.run(setup) == [(0, "c", f, "t"), (0, "a", f, "t")]


def test_multicast_and_zero_destinations_follow_the_c_driver() -> None:
    """33:33 and all-zero go to everyone; other multicast only to ports that registered it."""
    net = Net()
    ipv6_multicast = bytes.fromhex("333300000001")
    ipv4_multicast = bytes.fromhex("01005e000001")
    frames = [frame(ipv6_multicast, MAC_A, 1), frame(ZERO_MAC, MAC_A, 2), frame(ipv4_multicast, MAC_A, 3)]

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)
        c = net.port("c", MAC_C)
        c.multicast.add(ipv4_multicast)

        def body() -> None:
            for f in frames:
                a.transmit(f)
        net.thread("t", body)

    assert net.run(setup) == [(0, "b", frames[0], "t"), (0, "c", frames[0], "t"),
                              (0, "b", frames[1], "t"), (0, "c", frames[1], "t"),
                              (0, "c", frames[2], "t")]


def test_promiscuous_port_sees_every_frame_but_its_own() -> None:
    net = Net()
    to_b, to_nobody = frame(MAC_B, MAC_A, 1), frame(bytes.fromhex("02aabbccddee"), MAC_A, 2)

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)
        tap = net.port("tap", MAC_C)
        tap.promiscuous = True

        def body() -> None:
            a.transmit(to_b)
            a.transmit(to_nobody)
            tap.transmit(frame(MAC_C, MAC_C, 3))  # its own frame is not looped back
        net.thread("t", body)

    assert net.run(setup) == [(0, "b", to_b, "t"), (0, "tap", to_b, "t"), (0, "tap", to_nobody, "t")]


def test_frame_nobody_accepts_is_unclaimed_but_on_the_wire() -> None:
    net = Net()
    f = frame(bytes.fromhex("02aabbccddee"), MAC_A, 1)
    capture = io.BytesIO()

    def setup() -> None:
        net.segment.capture_to(capture)
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)
        net.thread("t", lambda: a.transmit(f))

    assert net.run(setup) == []
    assert net.segment.frame_log == [FrameRecord(0, "a", f, UNCLAIMED)]
    assert (net.segment.counters.on_wire, net.segment.counters.unclaimed) == (1, 1)
    capture.seek(0)
    assert [r.frame for r in read_pcap(capture)] == [f]


def test_receive_returning_false_stops_the_delivery_loop() -> None:
    """The C output routine returns early when a copy into a receiving pool fails."""
    net = Net()
    f = frame(BROADCAST_MAC, MAC_A, 1)

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B, receive=lambda data: False)
        net.port("c", MAC_C)
        net.thread("t", lambda: a.transmit(f))

    assert net.run(setup) == [(0, "b", f, "t")]


def test_detached_port_neither_receives_nor_transmits() -> None:
    net = Net()
    f = frame(BROADCAST_MAC, MAC_A, 1)

    def setup() -> None:
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)
        net.port("c", MAC_C)
        b.detach()
        net.thread("t", lambda: a.transmit(f))
        with pytest.raises(ValueError, match="detached"):
            b.transmit(f)

    assert net.run(setup) == [(0, "c", f, "t")]


def test_frame_size_is_checked_against_the_header_and_mtu() -> None:
    net = Net(mtu=100)

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)
        with pytest.raises(ValueError, match="no Ethernet header"):
            a.transmit(b"\x00" * 13)
        with pytest.raises(ValueError, match="exceeds MTU 100"):
            a.transmit(frame(MAC_B, MAC_A, 1, size=101))
        a.transmit(frame(MAC_B, MAC_A, 1, size=100))  # exactly MTU + 14: fine

    assert len(net.run(setup)) == 1
    with pytest.raises(ValueError, match="6 bytes"):
        net.segment.attach(lambda data: None, b"\x00" * 5)


# ------------------------------------------------------------------------- timing
def test_default_delivery_is_synchronous_inside_transmit() -> None:
    """The C RAM driver delivers in the sender's context before returning: no tick passes."""
    net = Net()
    f = frame(MAC_B, MAC_A, 1)

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)

        def body() -> None:
            tx_thread_sleep(5)
            net.note("t", "before")
            a.transmit(f)
            net.note("t", "after")
        net.thread("t", body)

    assert net.run(setup) == [(5, "t", "before"), (5, "b", f, "t"), (5, "t", "after")]


def test_frames_sent_during_initialisation_are_delivered_at_once() -> None:
    net = Net()
    f = frame(MAC_B, MAC_A, 1)

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B, receive=lambda data: net.note("b", kernel().in_init))
        a.transmit(f)

    assert net.run(setup) == [(0, "b", f, "init"), (0, "b", True)]


def test_propagation_delay_delivers_later_in_isr_context_in_order() -> None:
    net = Net(propagation_delay=3)
    f1, f2, f3 = frame(MAC_B, MAC_A, 1), frame(MAC_B, MAC_A, 2), frame(MAC_A, MAC_B, 3)

    def setup() -> None:
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)

        def body() -> None:
            a.transmit(f1)
            a.transmit(f2)
            tx_thread_sleep(1)
            b.transmit(f3)
            tx_thread_sleep(10)
        net.thread("t", body)

    assert net.run(setup) == [(3, "b", f1, "isr"), (3, "b", f2, "isr"), (4, "a", f3, "isr")]


def test_link_model_serialisation_rounds_up_and_queues_back_to_back_frames() -> None:
    """80 kbit/s at 100 ticks/s is 100 bytes a tick: a 250-byte frame takes 2.5 ticks.

    Three frames sent at tick 10 end at 12.5, 15 and 17.5; +2 ticks of propagation and
    rounded up: 15, 17, 20. A frame sent at 30 on the idle link: 32.5 + 2 -> 35.
    """
    net = Net(bit_rate=80_000, propagation_delay=2)
    frames = [frame(MAC_B, MAC_A, tag, size=250 - 14) for tag in range(4)]

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)

        def body() -> None:
            tx_thread_sleep(10)
            for f in frames[:3]:
                a.transmit(f)
            tx_thread_sleep(20)
            a.transmit(frames[3])
            tx_thread_sleep(10)
        net.thread("t", body)

    log = net.run(setup)
    assert [(tick, f) for tick, _, f, _ in log] == list(zip([15, 17, 20, 35], frames))
    assert {ctx for *_, ctx in log} == {"isr"}
    assert [r.tick for r in net.segment.frame_log] == [15, 17, 20, 35]


def test_exact_serialisation_time_does_not_drift_over_many_frames() -> None:
    """1 Mbit/s = 1250 bytes a tick: 100 frames of 1000 bytes need 80 ticks, not 100."""
    net = Net(bit_rate=1_000_000)
    frames = [frame(MAC_B, MAC_A, tag % 256, size=1000 - 14) for tag in range(100)]

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)

        def body() -> None:
            for f in frames:
                a.transmit(f)
            tx_thread_sleep(100)
        net.thread("t", body)

    ticks = [tick for tick, *_ in net.run(setup)]
    assert ticks[:5] == [1, 2, 3, 4, 4]  # ends at 0.8, 1.6, 2.4, 3.2, 4.0 ticks
    assert ticks[-1] == 80 and len(ticks) == 100


@pytest.mark.parametrize("half_duplex, expected", [(False, [3, 3]), (True, [3, 5])])
def test_full_duplex_ports_transmit_independently_half_duplex_share(half_duplex: bool,
                                                                    expected: list[int]) -> None:
    net = Net(bit_rate=80_000, half_duplex=half_duplex)
    fa, fb = frame(MAC_B, MAC_A, 1, size=236), frame(MAC_A, MAC_B, 2, size=236)

    def setup() -> None:
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)

        def body() -> None:
            a.transmit(fa)
            b.transmit(fb)
            tx_thread_sleep(10)
        net.thread("t", body)

    assert [(tick, who) for tick, who, *_ in net.run(setup)] == [(expected[0], "b"), (expected[1], "a")]


def test_pending_delivery_keeps_the_run_alive() -> None:
    """A thread waiting forever for a frame still in flight is not a deadlock."""
    net = Net(propagation_delay=40)
    f = frame(MAC_B, MAC_A, 1)

    def setup() -> None:
        sem = TX_SEMAPHORE()
        assert tx_semaphore_create(sem, "rx", 0) == TX_SUCCESS
        a = net.port("a", MAC_A)
        net.port("b", MAC_B, receive=lambda data: tx_semaphore_put(sem))

        def body() -> None:
            a.transmit(f)
            status = tx_semaphore_get(sem, TX_WAIT_FOREVER)
            net.note("t", status)
        net.thread("t", body)

    assert net.run(setup) == [(40, "b", f, "isr"), (40, "t", TX_SUCCESS)]
    assert net.result.reason == "completed" and net.result.ticks == 40
    assert kernel().pending_interrupts == 0


def test_nothing_in_flight_means_a_waiting_thread_is_deadlocked() -> None:
    net = Net(propagation_delay=40)

    def setup() -> None:
        sem = TX_SEMAPHORE()
        tx_semaphore_create(sem, "rx", 0)
        net.port("a", MAC_A)
        net.thread("t", lambda: tx_semaphore_get(sem, TX_WAIT_FOREVER))

    net.run(setup)
    assert (net.result.reason, net.result.ticks) == ("deadlock", 0)


# --------------------------------------------------------------------- link state
def test_segment_link_down_drops_everything_and_counts_it() -> None:
    net = Net()
    f1, f2, f3 = frame(MAC_B, MAC_A, 1), frame(MAC_A, MAC_B, 2), frame(MAC_B, MAC_A, 3)
    capture = io.BytesIO()

    def setup() -> None:
        net.segment.capture_to(capture)
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)
        net.ports = (a, b)

        def body() -> None:
            net.segment.set_link(False)
            a.transmit(f1)
            b.transmit(f2)
            tx_thread_sleep(1)
            net.segment.set_link(True)
            a.transmit(f3)
        net.thread("t", body)

    assert net.run(setup) == [(1, "b", f3, "t")]
    a, b = net.ports
    assert (a.tx_frames, a.tx_dropped, b.tx_frames, b.tx_dropped, b.rx_frames) == (2, 1, 1, 1, 1)
    assert net.segment.counters.link_down == 2
    assert net.segment.frame_log == [FrameRecord(0, "a", f1, LINK_DOWN), FrameRecord(0, "b", f2, LINK_DOWN),
                                     FrameRecord(1, "a", f3, DELIVERED)]
    capture.seek(0)
    assert [r.frame for r in read_pcap(capture)] == [f3]


def test_frames_in_flight_are_lost_when_the_link_is_cut() -> None:
    net = Net(propagation_delay=5)
    f1, f2 = frame(MAC_B, MAC_A, 1), frame(MAC_B, MAC_A, 2)

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)

        def body() -> None:
            a.transmit(f1)
            tx_thread_sleep(2)
            a.transmit(f2)
            net.segment.set_link(False)
            tx_thread_sleep(4)
            net.segment.set_link(True)
            tx_thread_sleep(10)
        net.thread("t", body)

    assert net.run(setup) == [(7, "b", f2, "isr")]
    assert net.segment.frame_log == [FrameRecord(5, "a", f1, LOST), FrameRecord(7, "a", f2, DELIVERED)]
    assert net.segment.counters.lost == 1


def test_port_down_neither_sends_nor_receives() -> None:
    net = Net()
    to_b, to_a = frame(MAC_B, MAC_A, 1), frame(MAC_A, MAC_B, 2)

    def setup() -> None:
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)
        net.ports = (a, b)

        def body() -> None:
            b.set_link(False)
            a.transmit(to_b)  # b is down: not received
            b.transmit(to_a)  # b is down: not sent
            b.set_link(True)
            b.transmit(to_a)
        net.thread("t", body)

    assert net.run(setup) == [(0, "a", to_a, "t")]
    a, b = net.ports
    assert (b.rx_dropped, b.rx_frames, b.tx_dropped, a.rx_frames) == (1, 0, 1, 1)
    assert [r.fate for r in net.segment.frame_log] == [UNCLAIMED, LINK_DOWN, DELIVERED]


# ------------------------------------------------------------------------ capture
def test_capture_records_delivery_ticks_and_dpkt_reads_it(tmp_path) -> None:
    path = tmp_path / "wire.pcap"
    net = Net(propagation_delay=2, capture=path)
    f1, f2 = frame(MAC_B, MAC_A, 1), frame(MAC_A, MAC_B, 2)

    def setup() -> None:
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)

        def body() -> None:
            tx_thread_sleep(148)
            a.transmit(f1)
            b.transmit(f2)
            tx_thread_sleep(10)
        net.thread("t", body)

    net.run(setup)
    # Flushed as written: readable before the capture is stopped.
    assert [(r.timestamp, r.frame) for r in read_pcap(path)] == [(1.5, f1), (1.5, f2)]
    net.segment.stop_capture()
    with open(path, "rb") as handle:
        records = [(ts, bytes(buf)) for ts, buf in dpkt.pcap.Reader(handle)]
    assert records == [(1.5, f1), (1.5, f2)]
    assert dpkt.ethernet.Ethernet(records[0][1]).dst == MAC_B


def test_capture_to_a_writer_and_stop_capture() -> None:
    buffer = io.BytesIO()
    writer = PcapWriter(buffer)
    net = Net()
    frames = [frame(MAC_B, MAC_A, tag) for tag in range(3)]

    def setup() -> None:
        a = net.port("a", MAC_A)
        net.port("b", MAC_B)
        assert net.segment.capture_to(writer) is writer

        def body() -> None:
            a.transmit(frames[0])
            tx_thread_sleep(1)
            a.transmit(frames[1])
            net.segment.stop_capture()
            a.transmit(frames[2])
        net.thread("t", body)

    net.run(setup)
    assert not writer.closed  # the caller's writer stays open
    assert net.segment.capture is None
    buffer.seek(0)
    assert [(r.timestamp, r.frame) for r in read_pcap(buffer)] == [(0, frames[0]), (Fraction(1, 100), frames[1])]


def test_netxsim_pcap_environment_captures_every_segment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PCAP_ENVIRONMENT_VARIABLE, str(tmp_path / "run.pcap"))
    f1, f2 = frame(MAC_B, MAC_A, 1), frame(MAC_A, MAC_B, 2)

    def define(_memory) -> None:
        first = segment_for(kernel(), "first")
        second = segment_for(kernel(), "second")
        a, b = first.attach(lambda d: None, MAC_A), first.attach(lambda d: None, MAC_B)
        second.attach(lambda d: None, MAC_A)
        d = second.attach(lambda d: None, MAC_B)
        a.transmit(f1)
        d.transmit(f2)
        b.transmit(f2)

    tx_kernel_enter(define)
    assert [r.frame for r in read_pcap(tmp_path / "run.pcap")] == [f1, f2]
    assert [r.frame for r in read_pcap(tmp_path / "run-1.pcap")] == [f2]
    with open(tmp_path / "run-1.pcap", "rb") as handle:
        assert [bytes(buf) for _, buf in dpkt.pcap.Reader(handle)] == [f2]

    # A second run reuses (truncates) the files.
    tx_kernel_enter(lambda _m: segment_for(kernel(), "only"))
    assert read_pcap(tmp_path / "run.pcap") == []


def test_no_environment_variable_no_capture(monkeypatch) -> None:
    monkeypatch.delenv(PCAP_ENVIRONMENT_VARIABLE, raising=False)
    tx_kernel_enter(lambda _m: segment_for(kernel(), "x"))
    assert segments_of(kernel())[0].capture is None


# -------------------------------------------------------------- segments of a kernel
def test_segment_for_creates_once_per_key_and_kernel() -> None:
    seen: dict[str, Any] = {}

    def define(_memory) -> None:
        k = kernel()
        first = segment_for(k, "ram", bit_rate=1000)
        seen["same"] = segment_for(k, "ram") is first
        second = segment_for(k, "other")
        seen["names"] = (first.name, second.name, first.index, second.index, first.bit_rate)
        seen["all"] = segments_of(k) == [first, second]
        with pytest.raises(ValueError, match="already exists"):
            segment_for(k, "ram", mtu=3000)
        seen["first"] = first

    tx_kernel_enter(define)
    assert seen["same"] and seen["all"]
    assert seen["names"] == ("segment 0", "segment 1", 0, 1, 1000)

    def define_again(_memory) -> None:
        seen["fresh"] = segment_for(kernel(), "ram")

    tx_kernel_enter(define_again)
    assert seen["fresh"] is not seen["first"] and seen["fresh"].index == 0


def test_port_faults_apply_only_to_frames_that_port_sends() -> None:
    net = Net()
    to_b, to_a = frame(MAC_B, MAC_A, 1), frame(MAC_A, MAC_B, 2)

    def setup() -> None:
        a, b = net.port("a", MAC_A), net.port("b", MAC_B)
        a.faults = LinkFaults(drop=1.0)

        def body() -> None:
            a.transmit(to_b)
            b.transmit(to_a)
        net.thread("t", body)

    assert net.run(setup) == [(0, "a", to_a, "t")]
