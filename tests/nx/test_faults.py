"""Fault injection: each fault kind with its exact effect, the per-frame callback (the
C test driver's packet-processing hooks), corruption that checksums catch, and
determinism (same seed -> same frame log and byte-identical pcap).
"""
from __future__ import annotations

import io
from typing import Any, Callable

import pytest
from hypothesis import given, strategies as st

from netxsim.nx.faults import (
    DROP, DUPLICATE, PASS, Action, FaultConfig, Frame, LinkFaults, corrupt_frame, corruptible_range,
)
from netxsim.nx.pcap import read_pcap
from netxsim.nx.segment import (
    CORRUPTED, DELAYED, DELIVERED, DROPPED, DUPLICATED, HELD, REPLACED, EthernetSegment, FrameRecord,
    Port,
)
from netxsim.nx.wire import (
    ETHERTYPE_ARP, ETHERTYPE_IPV4, ICMP_ECHO_REQUEST, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP,
    TCP_ACK, TCP_PSH, TCP_SYN, ArpPacket, IcmpEcho, Ipv4Header, TcpHeader, build_ethernet_frame,
    build_ipv4_datagram, build_tcp_segment, ipv4_from_str, parse_tcp_segment, verify_icmp_checksum,
    verify_ipv4_checksum, verify_tcp_checksum,
)
from netxsim.tx import (
    TX_AUTO_START, TX_NO_TIME_SLICE, TX_SUCCESS, TX_THREAD, TX_WAIT_FOREVER, tx_kernel_enter,
    tx_thread_create, tx_thread_sleep, tx_time_get,
)
from netxsim.tx.kernel import kernel
from netxsim.tx.semaphore import TX_SEMAPHORE, tx_semaphore_create, tx_semaphore_get, tx_semaphore_put

STACK = 1024
CLIENT_MAC, SERVER_MAC = bytes.fromhex("001122334456"), bytes.fromhex("001122334457")
CLIENT_IP, SERVER_IP = ipv4_from_str("1.2.3.5"), ipv4_from_str("1.2.3.4")


def tcp_frame(seq: int, data: bytes = b"MAIL FROM:<a@b>\r\n", flags: int = TCP_ACK | TCP_PSH,
              client_to_server: bool = True) -> bytes:
    src_ip, dst_ip = (CLIENT_IP, SERVER_IP) if client_to_server else (SERVER_IP, CLIENT_IP)
    src_mac, dst_mac = (CLIENT_MAC, SERVER_MAC) if client_to_server else (SERVER_MAC, CLIENT_MAC)
    ports = (50535, 25) if client_to_server else (25, 50535)
    segment = build_tcp_segment(TcpHeader(*ports, seq, 1000, flags, 8192), data, src_ip, dst_ip)
    header = Ipv4Header(src_ip, dst_ip, IP_PROTO_TCP, identification=seq & 0xFFFF, ttl=128)
    return build_ethernet_frame(dst_mac, src_mac, ETHERTYPE_IPV4, build_ipv4_datagram(header, segment))


def arp_frame() -> bytes:
    body = ArpPacket.request(CLIENT_MAC, CLIENT_IP, SERVER_IP).pack()
    return build_ethernet_frame(b"\xff" * 6, CLIENT_MAC, ETHERTYPE_ARP, body)


def icmp_frame() -> bytes:
    message = IcmpEcho(ICMP_ECHO_REQUEST, 0x0305, 1, b"ping data").pack()
    header = Ipv4Header(CLIENT_IP, SERVER_IP, IP_PROTO_ICMP, identification=1, ttl=128)
    return build_ethernet_frame(SERVER_MAC, CLIENT_MAC, ETHERTYPE_IPV4, build_ipv4_datagram(header, message))


def udp_frame() -> bytes:
    header = Ipv4Header(CLIENT_IP, SERVER_IP, IP_PROTO_UDP, identification=1, ttl=128)
    return build_ethernet_frame(SERVER_MAC, CLIENT_MAC, ETHERTYPE_IPV4,
                                build_ipv4_datagram(header, bytes(8) + b"udp data"))


def tcp_checks_pass(frame: bytes) -> bool:
    """What a receiving stack checks: the IPv4 header checksum, then TCP's."""
    ip = frame[14:]
    header_length = (ip[0] & 0x0F) * 4
    src, dst = int.from_bytes(ip[12:16], "big"), int.from_bytes(ip[16:20], "big")
    return verify_ipv4_checksum(ip) and verify_tcp_checksum(src, dst, ip[header_length:])


def offer(faults: LinkFaults, frames: list[bytes]) -> list:
    """Decisions for ``frames`` offered in order, without a kernel."""
    return [faults.decide(Frame(index, 0, None, data)) for index, data in enumerate(frames)]


def differing_bits(a: bytes, b: bytes) -> list[int]:
    assert len(a) == len(b)
    return [i * 8 + bit for i, (x, y) in enumerate(zip(a, b)) for bit in range(8) if (x ^ y) & (0x80 >> bit)]


# ------------------------------------------------------------ decisions, no kernel
def test_drop_frames_pattern_drops_exactly_those_indices() -> None:
    decisions = offer(LinkFaults(drop_frames={1, 3}), [tcp_frame(i) for i in range(5)])
    assert [(d.dropped, d.reason) for d in decisions] == [
        (False, ""), (True, "pattern"), (False, ""), (True, "pattern"), (False, "")]


def test_drop_if_predicate_sees_the_frame() -> None:
    faults = LinkFaults(drop_if=lambda f: f.ethertype == ETHERTYPE_ARP)
    decisions = offer(faults, [tcp_frame(1), arp_frame(), tcp_frame(2)])
    assert [d.dropped for d in decisions] == [False, True, False]
    assert faults.frames_seen == 3


def test_random_decisions_depend_only_on_the_seed() -> None:
    def run(seed: int) -> list:
        faults = LinkFaults(seed, drop=0.2, duplicate=0.2, delay=(0.3, (1, 9)), reorder=0.2, corrupt=0.2)
        return [(d.dropped, d.data, d.duplicate, d.delay, d.hold)
                for d in offer(faults, [tcp_frame(i) for i in range(200)])]
    assert run(5) == run(5)
    assert run(5) != run(6)


def test_each_fault_kind_has_its_own_stream() -> None:
    """Turning other kinds on does not change which frames the random drop picks."""
    frames = [tcp_frame(i) for i in range(300)]
    alone = [d.dropped for d in offer(LinkFaults(11, drop=0.3), frames)]
    mixed = [d.reason == "random" for d in
             offer(LinkFaults(11, drop=0.3, duplicate=0.5, corrupt=0.5, delay=(0.5, 3), reorder=0.5), frames)]
    assert alone == mixed
    assert 60 < sum(alone) < 120  # about 30 %


def test_seeds_give_pinned_decisions_whatever_the_hash_seed() -> None:
    """Streams are seeded from strings (SHA-512 in random.seed, never hash()), so the
    decisions are the same in every process; pinned here so a change is noticed."""
    def pattern(seed: int | str) -> str:
        faults = LinkFaults(seed, drop=0.5)
        return "".join("D" if d.dropped else "." for d in offer(faults, [tcp_frame(i) for i in range(32)]))
    assert pattern("lossy") == "D..DD........D..D..D.DD.D...D.DD"
    assert pattern(7) == "DDD....DD.DD....DD.DD.D.D.D..DDD"


def test_probability_one_and_zero() -> None:
    frames = [tcp_frame(i) for i in range(20)]
    assert all(d.dropped for d in offer(LinkFaults(drop=1.0), frames))
    assert not any(d.dropped or d.duplicate or d.delay or d.hold or d.corrupted
                   for d in offer(LinkFaults(), frames))
    assert all(d.delay == 4 for d in offer(LinkFaults(delay=(1.0, 4)), frames))


def test_delay_range_is_inclusive_and_uniformish() -> None:
    delays = [d.delay for d in offer(LinkFaults(3, delay=(1.0, (2, 5))), [tcp_frame(i) for i in range(200)])]
    assert set(delays) == {2, 3, 4, 5}


@pytest.mark.parametrize("kwargs, message", [
    ({"drop": 1.5}, "drop probability"),
    ({"corrupt": -0.1}, "corrupt probability"),
    ({"delay": (0.5, (5, 2))}, "empty"),
    ({"delay": (0.5, -1)}, "delay must be"),
    ({"delay": 3}, r"\(p, ticks\)"),
    ({"reorder_hold": -2}, "reorder_hold"),
])
def test_invalid_settings_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LinkFaults(**kwargs)


def test_fault_config_is_link_faults() -> None:
    assert FaultConfig is LinkFaults


# ------------------------------------------------------------------- corruption
@given(seed=st.integers(0, 2**32), data=st.binary(min_size=0, max_size=64),
       flags=st.sampled_from([TCP_ACK, TCP_SYN, TCP_ACK | TCP_PSH]))
def test_corruption_flips_one_bit_that_the_checksums_catch(seed: int, data: bytes, flags: int) -> None:
    import random
    original = tcp_frame(seed & 0xFFFFFFFF, data, flags)
    damaged = corrupt_frame(original, random.Random(seed))
    assert damaged is not None
    (bit,) = differing_bits(original, damaged)
    assert 15 * 8 <= bit < len(original) * 8  # never the Ethernet header or version/IHL
    assert not tcp_checks_pass(damaged)


def test_corruptible_ranges_per_protocol() -> None:
    tcp, icmp, udp = tcp_frame(1), icmp_frame(), udp_frame()
    assert corruptible_range(tcp) == (15, len(tcp))
    assert corruptible_range(icmp) == (15, len(icmp))
    assert corruptible_range(udp) == (15, 34)  # UDP may carry no checksum: IP header only
    assert corruptible_range(arp_frame()) is None
    assert corruptible_range(tcp[:30]) is None  # truncated IPv4 header


def test_corrupted_icmp_fails_a_checksum() -> None:
    import random
    rng = random.Random(1)
    for _ in range(50):
        damaged = corrupt_frame(icmp_frame(), rng)
        assert not (verify_ipv4_checksum(damaged[14:]) and verify_icmp_checksum(damaged[34:]))


def test_corrupting_a_frame_without_checksum_drops_it() -> None:
    """ARP has no checksum: a real receiver's MAC would drop it on a bad FCS."""
    (decision,) = offer(LinkFaults(corrupt=1.0), [arp_frame()])
    assert (decision.dropped, decision.reason) == (True, "corrupt")


# --------------------------------------------------------------- callback actions
def test_callback_actions_without_kernel() -> None:
    new = tcp_frame(99)
    actions = [PASS, DROP, DUPLICATE, Action.delayed(5), Action.replace(new), new, None,
               Action(data=new, delay=2, duplicate=True)]
    faults = LinkFaults(on_frame=lambda f: actions[f.index])
    decisions = offer(faults, [tcp_frame(i) for i in range(len(actions))])
    assert [(d.dropped, d.reason, d.duplicate, d.delay, d.replaced) for d in decisions] == [
        (False, "", False, 0, False), (True, "callback", False, 0, False),
        (False, "", True, 0, False), (False, "", False, 5, False), (False, "", False, 0, True),
        (False, "", False, 0, True), (False, "", False, 0, False), (False, "", True, 2, True)]
    assert decisions[4].data == new and decisions[5].data == new


def test_callback_must_return_an_action() -> None:
    with pytest.raises(TypeError, match="Action, bytes or None"):
        offer(LinkFaults(on_frame=lambda f: 1), [tcp_frame(1)])
    with pytest.raises(ValueError, match="non-negative"):
        Action.delayed(-1)


# ------------------------------------------------------------- on a kernel's wire
class Net:
    """A kernel run with one segment between a client and a server port."""

    def __init__(self, faults: LinkFaults | None = None, **segment_options: Any) -> None:
        self.faults = faults
        self.options = segment_options
        self.log: list[tuple] = []
        self.segment: EthernetSegment | None = None
        self.client: Port | None = None
        self.server: Port | None = None
        self.result = None

    def note(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def run(self, body: Callable[[], None], until: int | None = None,
            on_receive: Callable[[bytes], None] | None = None) -> list[tuple]:
        def receiver(name: str) -> Callable[[bytes], None]:
            def receive(data: bytes) -> None:
                k = kernel()
                self.log.append((tx_time_get(), name, data, "isr" if k.in_isr else k.current_ptr.tx_thread_name))
                if on_receive is not None:
                    on_receive(data)
            return receive

        def define(memory) -> None:
            self.segment = EthernetSegment(kernel(), faults=self.faults, frame_log=True, **self.options)
            self.client = self.segment.attach(receiver("client"), CLIENT_MAC, name="client")
            self.server = self.segment.attach(receiver("server"), SERVER_MAC, name="server")
            thread = TX_THREAD()
            assert tx_thread_create(thread, "t", lambda _: body(), 0, memory, STACK, 5, 5,
                                    TX_NO_TIME_SLICE, TX_AUTO_START) == TX_SUCCESS
        self.result = tx_kernel_enter(define, until=until)
        return self.log

    def fates(self) -> list[tuple[int, str, str]]:
        return [(r.tick, r.port, r.fate) for r in self.segment.frame_log]


def test_drop_pattern_on_the_wire() -> None:
    net = Net(LinkFaults(drop_frames={1, 3}))
    frames = [tcp_frame(i) for i in range(5)]
    capture = io.BytesIO()

    def body() -> None:
        net.segment.capture_to(capture)
        for f in frames:
            net.client.transmit(f)

    assert net.run(body) == [(0, "server", frames[i], "t") for i in (0, 2, 4)]
    assert net.segment.frame_log == [
        FrameRecord(0, "client", frames[0], DELIVERED), FrameRecord(0, "client", frames[1], DROPPED),
        FrameRecord(0, "client", frames[2], DELIVERED), FrameRecord(0, "client", frames[3], DROPPED),
        FrameRecord(0, "client", frames[4], DELIVERED)]
    assert (net.client.tx_frames, net.client.tx_dropped, net.server.rx_frames) == (5, 2, 3)
    assert net.segment.counters.dropped == 2
    capture.seek(0)
    assert [r.frame for r in read_pcap(capture)] == [frames[0], frames[2], frames[4]]


def test_duplicate_delivers_the_copy_right_after_and_captures_both() -> None:
    net = Net(LinkFaults(duplicate=1.0))
    f1, f2 = tcp_frame(1), tcp_frame(2, client_to_server=False)
    capture = io.BytesIO()

    def body() -> None:
        net.segment.capture_to(capture)
        net.client.transmit(f1)
        net.server.transmit(f2)

    assert net.run(body) == [(0, "server", f1, "t"), (0, "server", f1, "t"),
                             (0, "client", f2, "t"), (0, "client", f2, "t")]
    assert net.fates() == [(0, "client", DUPLICATED), (0, "client", DELIVERED), (0, "client", DELIVERED),
                           (0, "server", DUPLICATED), (0, "server", DELIVERED), (0, "server", DELIVERED)]
    capture.seek(0)
    assert [r.frame for r in read_pcap(capture)] == [f1, f1, f2, f2]
    assert (net.segment.counters.duplicated, net.segment.counters.on_wire) == (2, 4)


def test_delay_by_k_ticks_delivers_in_isr_context() -> None:
    net = Net(LinkFaults(delay=(1.0, 7)))
    f = tcp_frame(1)

    def body() -> None:
        tx_thread_sleep(3)
        net.client.transmit(f)
        net.note("t", "sent")
        tx_thread_sleep(20)

    assert net.run(body) == [(3, "t", "sent"), (10, "server", f, "isr")]
    assert net.fates() == [(3, "client", DELAYED), (10, "client", DELIVERED)]


def test_delay_adds_to_the_link_model() -> None:
    """250 bytes at 80 kbit/s: 2.5 ticks -> arrives at 3, plus a 4-tick delay fault = 7."""
    net = Net(LinkFaults(delay=(1.0, 4)), bit_rate=80_000)
    f = tcp_frame(1, bytes(250 - 54))

    def body() -> None:
        net.client.transmit(f)
        tx_thread_sleep(20)

    assert [tick for tick, *_ in net.run(body)] == [7]


def test_delayed_frame_keeps_a_waiting_run_alive() -> None:
    net = Net(LinkFaults(delay=(1.0, 50)))
    f = tcp_frame(1)

    def body() -> None:
        sem = TX_SEMAPHORE()
        tx_semaphore_create(sem, "rx", 0)
        net.server.receive = lambda data: tx_semaphore_put(sem)
        net.client.transmit(f)
        net.note("t", tx_semaphore_get(sem, TX_WAIT_FOREVER))

    assert net.run(body) == [(50, "t", TX_SUCCESS)]
    assert (net.result.reason, net.result.ticks) == ("completed", 50)


def test_frames_with_different_delays_overtake_each_other() -> None:
    """As with the C test driver's timers: a shorter delay arrives first."""
    delays = {0: 9, 1: 2}
    net = Net(LinkFaults(on_frame=lambda f: Action.delayed(delays[f.index])))
    f0, f1 = tcp_frame(0), tcp_frame(1)

    def body() -> None:
        net.client.transmit(f0)
        net.client.transmit(f1)
        tx_thread_sleep(20)

    assert net.run(body) == [(2, "server", f1, "isr"), (9, "server", f0, "isr")]


def test_reorder_swaps_each_held_frame_with_the_next() -> None:
    net = Net(LinkFaults(reorder=1.0))
    frames = [tcp_frame(i) for i in range(4)]

    def body() -> None:
        for f in frames:
            net.client.transmit(f)

    assert [f for _, _, f, _ in net.run(body)] == [frames[1], frames[0], frames[3], frames[2]]
    assert {ctx for *_, ctx in net.log} == {"t"}  # released synchronously behind its successor
    assert net.fates() == [(0, "client", HELD), (0, "client", DELIVERED), (0, "client", DELIVERED),
                           (0, "client", HELD), (0, "client", DELIVERED), (0, "client", DELIVERED)]
    assert net.segment.counters.reordered == 2
    assert kernel().pending_interrupts == 0  # the hold timeouts were voided


def test_held_frame_is_released_after_reorder_hold_ticks() -> None:
    net = Net(LinkFaults(reorder=1.0, reorder_hold=4))
    f = tcp_frame(1)

    def body() -> None:
        tx_thread_sleep(2)
        net.client.transmit(f)
        tx_thread_sleep(10)

    assert net.run(body) == [(6, "server", f, "isr")]


def test_reorder_only_waits_for_the_same_ports_next_frame() -> None:
    net = Net(LinkFaults(reorder=1.0, reorder_hold=5))
    c0, s0, c1 = tcp_frame(0), tcp_frame(0, client_to_server=False), tcp_frame(1)

    def body() -> None:
        net.client.transmit(c0)  # held
        net.server.transmit(s0)  # held too (the server's own slot)
        tx_thread_sleep(1)
        net.client.transmit(c1)  # releases c0 behind it
        tx_thread_sleep(10)

    assert net.run(body) == [(1, "server", c1, "t"), (1, "server", c0, "t"), (5, "client", s0, "isr")]


def test_corrupted_frame_is_delivered_and_captured_damaged() -> None:
    net = Net(LinkFaults(seed=3, corrupt=1.0))
    f = tcp_frame(7)
    capture = io.BytesIO()

    def body() -> None:
        net.segment.capture_to(capture)
        net.client.transmit(f)

    [(tick, who, received, ctx)] = net.run(body)
    assert received != f and len(differing_bits(f, received)) == 1
    assert not tcp_checks_pass(received)
    assert net.segment.frame_log == [FrameRecord(0, "client", f, CORRUPTED),
                                     FrameRecord(0, "client", received, DELIVERED)]
    capture.seek(0)
    assert [r.frame for r in read_pcap(capture)] == [received]


def test_corrupted_arp_is_dropped_on_the_wire() -> None:
    net = Net(LinkFaults(corrupt=1.0))

    def body() -> None:
        net.client.transmit(arp_frame())

    assert net.run(body) == []
    assert net.fates() == [(0, "client", DROPPED)]


def test_on_frame_callback_sees_index_seq_port_and_acts() -> None:
    """The advanced_packet_process_callback of the C tests, per frame."""
    replacement = tcp_frame(500)
    seen: list[tuple] = []

    def on_frame(frame: Frame) -> Action | None:
        seen.append((frame.index, frame.seq, frame.port.name, frame.tick, frame.dst == SERVER_MAC))
        return [DROP, Action.replace(replacement), Action.delayed(5), DUPLICATE, None][frame.index]

    net = Net(LinkFaults(on_frame=on_frame))
    frames = [tcp_frame(i) for i in range(4)] + [tcp_frame(4, client_to_server=False)]

    def body() -> None:
        tx_thread_sleep(1)
        for f in frames[:4]:
            net.client.transmit(f)
        net.server.transmit(frames[4])
        tx_thread_sleep(10)

    assert net.run(body) == [(1, "server", replacement, "t"), (1, "server", frames[3], "t"),
                             (1, "server", frames[3], "t"), (1, "client", frames[4], "t"),
                             (6, "server", frames[2], "isr")]
    assert seen == [(0, 0, "client", 1, True), (1, 1, "client", 1, True), (2, 2, "client", 1, True),
                    (3, 3, "client", 1, True), (4, 0, "server", 1, False)]
    assert net.fates() == [(1, "client", DROPPED), (1, "client", REPLACED), (1, "client", DELIVERED),
                           (1, "client", DELAYED), (1, "client", DUPLICATED), (1, "client", DELIVERED),
                           (1, "client", DELIVERED), (1, "server", DELIVERED), (6, "client", DELIVERED)]


def test_delaying_the_syn_ack_once_like_netx_1_19_02() -> None:
    """Port of a C regression hook: delay the first SYN+ACK by NX_IP_PERIODIC_RATE, then uninstall."""
    faults = LinkFaults()

    def delay_syn_ack(frame: Frame) -> Action | None:
        if frame.ethertype != ETHERTYPE_IPV4 or frame.payload[9] != IP_PROTO_TCP:
            return None
        header, _ = parse_tcp_segment(frame.payload[20:])
        if header.flags & (TCP_SYN | TCP_ACK) == TCP_SYN | TCP_ACK:
            faults.on_frame = None  # advanced_packet_process_callback = NX_NULL
            return Action.delayed(100)
        return None

    faults.on_frame = delay_syn_ack
    net = Net(faults)
    syn_ack = tcp_frame(1, b"", TCP_SYN | TCP_ACK, client_to_server=False)

    def body() -> None:
        net.server.transmit(syn_ack)
        net.server.transmit(syn_ack)
        tx_thread_sleep(200)

    assert [(tick, ctx) for tick, _, _, ctx in net.run(body)] == [(0, "t"), (100, "isr")]


def test_port_and_segment_faults_combine() -> None:
    """The sending port's faults decide first; the segment's see their output."""
    replacement = tcp_frame(42)
    net = Net(LinkFaults(delay=(1.0, 3)))

    def body() -> None:
        net.client.faults = LinkFaults(on_frame=lambda f: replacement)
        net.client.transmit(tcp_frame(1))
        tx_thread_sleep(10)

    assert net.run(body) == [(3, "server", replacement, "isr")]
    assert [fate for *_, fate in net.fates()] == [REPLACED, DELAYED, DELIVERED]


# ------------------------------------------------------------------ determinism
def lossy_program(seed: int, pcap_path) -> list[FrameRecord]:
    """Client and server exchange frames over a slow, lossy, reordering, corrupting link."""
    net = Net(LinkFaults(seed, drop=0.1, duplicate=0.1, delay=(0.2, (1, 8)), reorder=0.1, corrupt=0.1),
              bit_rate=200_000, propagation_delay=1, capture=pcap_path)

    def body() -> None:
        for i in range(30):
            net.client.transmit(tcp_frame(i, bytes([i]) * (i * 7 % 300)))
            if i % 3 == 0:
                net.server.transmit(tcp_frame(i, b"", TCP_ACK, client_to_server=False))
            tx_thread_sleep(1 + i % 4)
        tx_thread_sleep(50)

    net.run(body)
    net.segment.stop_capture()
    return net.segment.frame_log


def test_same_seed_same_run_and_byte_identical_pcap(tmp_path) -> None:
    first = lossy_program(1234, tmp_path / "a.pcap")
    second = lossy_program(1234, tmp_path / "b.pcap")
    assert first == second
    assert (tmp_path / "a.pcap").read_bytes() == (tmp_path / "b.pcap").read_bytes()
    fates = {r.fate for r in first}
    assert {DROPPED, DUPLICATED, DELAYED, CORRUPTED, HELD, DELIVERED} <= fates  # all kinds happened
    other = lossy_program(4321, tmp_path / "c.pcap")
    assert other != first
    assert (tmp_path / "c.pcap").read_bytes() != (tmp_path / "a.pcap").read_bytes()


def test_released_frame_still_waits_for_its_own_delay() -> None:
    """Frame 0 is held and delayed 5 ticks: frame 1 releases it, but not before tick 5."""
    net = Net(LinkFaults(reorder=1.0, on_frame=lambda f: Action.delayed(5) if f.index == 0 else None))
    f0, f1 = tcp_frame(0), tcp_frame(1)

    def body() -> None:
        net.client.transmit(f0)
        net.client.transmit(f1)
        tx_thread_sleep(20)

    assert net.run(body) == [(0, "server", f1, "t"), (5, "server", f0, "isr")]
    assert kernel().pending_interrupts == 0
