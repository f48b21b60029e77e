"""IPv4 fragmentation and reassembly (netxsim/nx/fragment.py) against NetX Duo's
nx_ip_fragment_*.c: a ping larger than the MTU between two IP instances, the frames
reassembled by dpkt, the reassembly timeout at its exact tick, and the pool costs."""
from __future__ import annotations

import re
import struct
from typing import Any

import dpkt
from hypothesis import given, strategies as st

from netxsim.nx import (
    NX_IPv4_UDP_PACKET, NX_NO_WAIT, NX_UDP_SOCKET, nx_ip_fragment_disable, nx_ip_fragment_enable, nx_ip_info_get,
    nx_icmp_ping, nx_packet_allocate, nx_packet_data_append, nx_packet_release, nx_udp_enable,
    nx_udp_socket_bind, nx_udp_socket_create, nx_udp_socket_receive, nx_udp_socket_send,
)
from netxsim.nx.arp import nx_arp_static_entry_create
from netxsim.nx.constants import NX_CALLER_ERROR, NX_NO_RESPONSE, NX_PTR_ERROR, NX_SUCCESS
from netxsim.nx.ip import NX_DONT_FRAGMENT, NX_FRAGMENT_OKAY, NX_IP_NORMAL, NX_IP_TIME_TO_LIVE
from netxsim.nx.wire import ETHERTYPE_IPV4, IP_PROTO_ICMP, Ipv4Header, build_ethernet_frame, internet_checksum
from netxsim.tx import tx_thread_sleep, tx_time_get
from netxsim.tx.kernel import kernel

from .test_arp import A_ADDR, A_MAC, B_ADDR, B_MAC, RAW_ADDR, RAW_MAC, Net, attach_raw, mac


def flags_offset(ip: dpkt.ip.IP) -> int:
    return int.from_bytes(bytes(ip)[6:8], "big")


def reassemble(frames: list[bytes]) -> dict[tuple[bytes, bytes, int], bytes]:
    """Datagrams rebuilt from IPv4 fragments by dpkt's view of the headers; every
    header checksum is verified on the way."""
    pieces: dict[tuple[bytes, bytes, int], dict[int, tuple[bytes, bool]]] = {}
    for frame in frames:
        ip = dpkt.ethernet.Ethernet(frame).data
        if not isinstance(ip, dpkt.ip.IP):
            continue
        assert internet_checksum(bytes(ip)[:20]) == 0
        key = (ip.src, ip.dst, ip.id)
        payload = bytes(ip)[ip.hl * 4:ip.len]
        flags = flags_offset(ip)
        pieces.setdefault(key, {})[(flags & 0x1FFF) * 8] = (payload, bool(flags & 0x2000))
    datagrams = {}
    for key, parts in pieces.items():
        data = b""
        for offset in sorted(parts):
            assert offset == len(data), "hole in the fragments"
            data += parts[offset][0]
        assert not parts[max(parts)][1], "last fragment has MF set"
        datagrams[key] = data
    return datagrams


def test_fragmented_ping_both_ways_dissects_and_pools_come_back() -> None:
    """3000 bytes of ping data: an ICMP message of 3008 bytes leaves A as fragments of
    1480 + 1480 + 48 data bytes (offsets 0, 185, 370 in 8-byte units), B reassembles it,
    answers in the same chain, and its reply is fragmented the same way."""
    net = Net(pool_packets=24)
    data = bytes(i & 0xFF for i in range(3000))

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        assert nx_ip_fragment_enable(a) == NX_SUCCESS
        assert nx_ip_fragment_enable(b) == NX_SUCCESS
        tx_thread_sleep(10)
        status, response = nx_icmp_ping(a, B_ADDR, data, len(data), 100)
        net.event("app", (status, response.nx_packet_length, response.chain_bytes() == data))
        nx_packet_release(response)
        net.event("app", nx_ip_info_get(a))
        net.event("app", nx_ip_info_get(b))
        net.event("app", (a.nx_ip_total_fragment_requests, a.nx_ip_successful_fragment_requests,
                          b.nx_ip_packets_reassembled, a.nx_ip_packets_reassembled))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", (NX_SUCCESS, 3000, True)),
        # sent, bytes sent, received, bytes received, invalid, dropped, checksum errors, send
        # dropped, fragments sent, fragments received. Each fragment is a packet sent or
        # received; bytes are counted once reassembled, with the head's IP header, as
        # NetX does.
        (10, "app", (NX_SUCCESS, 3, 3008, 3, 3008 + 20, 0, 0, 0, 0, 3, 3)),
        (10, "app", (NX_SUCCESS, 3, 3008, 3, 3008 + 20, 0, 0, 0, 0, 3, 3)),
        (10, "app", (1, 1, 1, 1)),
    ]
    frames = [r.frame for r in net.frames]
    ip_frames = [dpkt.ethernet.Ethernet(f).data for f in frames if f[12:14] == b"\x08\x00"]
    assert [(ip.len, flags_offset(ip)) for ip in ip_frames] == [(1500, 0x2000), (1500, 0x2000 | 185), (68, 370)] * 2
    datagrams = reassemble(frames)
    request = datagrams[(A_ADDR.to_bytes(4, "big"), B_ADDR.to_bytes(4, "big"), 1)]
    reply = datagrams[(B_ADDR.to_bytes(4, "big"), A_ADDR.to_bytes(4, "big"), 1)]
    for message, kind in ((request, 8), (reply, 0)):
        icmp = dpkt.icmp.ICMP(message)
        assert icmp.type == kind and internet_checksum(message) == 0 and message[8:] == data
    net.assert_pools_full()


def test_fragmented_udp_datagram_and_dont_fragment_drop() -> None:
    net = Net(pool_packets=24)

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        for ip in (a, b):
            nx_udp_enable(ip)
            nx_ip_fragment_enable(ip)
        sa, sb, df = NX_UDP_SOCKET(), NX_UDP_SOCKET(), NX_UDP_SOCKET()
        nx_udp_socket_create(a, sa, "a", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_create(a, df, "df", NX_IP_NORMAL, NX_DONT_FRAGMENT, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_create(b, sb, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_bind(sa, 1, 0)
        nx_udp_socket_bind(df, 2, 0)
        nx_udp_socket_bind(sb, 3, 0)
        for sock in (df, sa):
            status, packet = nx_packet_allocate(net.pool["A"], NX_IPv4_UDP_PACKET, NX_NO_WAIT)
            nx_packet_data_append(packet, b"u" * 4000, 4000, net.pool["A"], NX_NO_WAIT)
            net.event("app", nx_udp_socket_send(sock, packet, B_ADDR, 3))
        status, packet = nx_udp_socket_receive(sb, 50)
        net.event("app", (status, packet.nx_packet_length, packet.chain_bytes() == b"u" * 4000))
        nx_packet_release(packet)
        net.event("app", (a.nx_ip_send_packets_dropped, a.nx_ip_total_fragments_sent))

    net.run(lambda n: n.thread("app", app))
    assert net.log[:2] == [(0, "app", NX_SUCCESS), (0, "app", NX_SUCCESS)]
    assert net.log[2][1:] == ("app", (NX_SUCCESS, 4000, True))
    assert net.log[3][1:] == ("app", (1, 3))          # the DF datagram dropped; 4008 → 3 fragments
    datagrams = reassemble([r.frame for r in net.frames])
    udp = dpkt.udp.UDP(next(iter(datagrams.values())))
    assert (udp.sport, udp.dport, udp.ulen, udp.data) == (1, 3, 4008, b"u" * 4000)
    net.assert_pools_full()


def first_fragment(ip_id: int, ttl: int, size: int = 64) -> bytes:
    payload = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + bytes(size - 8)
    header = Ipv4Header(RAW_ADDR, B_ADDR, IP_PROTO_ICMP, identification=ip_id, ttl=ttl, flags=1)
    datagram = header.pack(len(payload)) + payload
    return build_ethernet_frame(mac(B_MAC), mac(RAW_MAC), ETHERTYPE_IPV4, datagram)


def test_incomplete_datagram_given_up_at_exact_tick_with_time_exceeded() -> None:
    """The first fragment arrives at tick 5 with TTL 10: its timer is max(15, 10) = 15
    periodic events; counted down at 100..1500, given up at the periodic event of tick
    1600: its buffer returns to the pool and B sends ICMP time exceeded (11/1)."""
    net = Net()
    received: list = []

    def app() -> None:
        raw = attach_raw(net, received)
        b = net.ip["B"]
        nx_ip_fragment_enable(b)
        nx_arp_static_entry_create(b, RAW_ADDR, *RAW_MAC)
        tx_thread_sleep(5)
        raw.transmit(first_fragment(0x4242, 10))
        tx_thread_sleep(1)
        net.event("app", net.pool_free("B"))
        tx_thread_sleep(1599 - 6)
        net.event("app", net.pool_free("B"))
        tx_thread_sleep(1)
        net.event("app", (net.pool_free("B"), b.nx_ip_reassembly_failures, b.nx_ip_receive_packets_dropped))

    net.run(lambda n: n.after_start(app))
    assert net.log == [(6, "app", 7), (1599, "app", 7), (1600, "app", (8, 1, 1))]
    assert len(received) == 1 and received[0][0] == 1600
    frame = received[0][1]
    ip = dpkt.ethernet.Ethernet(frame).data
    assert (ip.src, ip.dst, ip.ttl, ip.p) == (B_ADDR.to_bytes(4, "big"), RAW_ADDR.to_bytes(4, "big"), 255, 1)
    message = frame[14 + 20:]
    assert (message[0], message[1], internet_checksum(message)) == (11, 1, 0)
    assert message[8:] == first_fragment(0x4242, 10)[14:14 + 28]


def test_a_high_ttl_keeps_the_fragment_longer_and_disable_releases_it() -> None:
    """TTL 128 > 15: the timer is 128 events. nx_ip_fragment_disable releases what is
    held at once."""
    net = Net()

    def app() -> None:
        raw = attach_raw(net, [])
        b = net.ip["B"]
        nx_ip_fragment_enable(b)
        raw.transmit(first_fragment(1, 128))
        raw.transmit(first_fragment(2, 128))
        tx_thread_sleep(1700)
        net.event("app", net.pool_free("B"))
        net.event("app", nx_ip_fragment_disable(b))
        net.event("app", net.pool_free("B"))

    net.run(lambda n: n.after_start(app))
    assert net.log == [(1700, "app", 6), (1700, "app", NX_SUCCESS), (1700, "app", 8)]


def test_fragments_dropped_without_fragmentation_and_non_multiple_of_8() -> None:
    net = Net()

    def app() -> None:
        raw = attach_raw(net, [])
        b = net.ip["B"]
        raw.transmit(first_fragment(1, 64))
        tx_thread_sleep(1)
        net.event("app", (b.nx_ip_total_fragments_received, b.nx_ip_receive_packets_dropped, net.pool_free("B")))
        nx_ip_fragment_enable(b)
        raw.transmit(first_fragment(2, 64, size=61))   # MF set, 61 data bytes
        tx_thread_sleep(1)
        net.event("app", (b.nx_ip_total_fragments_received, b.nx_ip_receive_packets_dropped, net.pool_free("B")))

    net.run(lambda n: n.after_start(app))
    assert net.log == [(1, "app", (1, 1, 8)), (2, "app", (2, 2, 8))]


def test_fragmentation_stops_when_the_pool_runs_dry() -> None:
    """A's pool: 8 buffers, 6 held by the application. The 3000-byte ping request takes
    the other 2 (1492 + 1536 bytes of room); the first fragment finds the pool empty: a fragment failure, nothing
    sent, the request released. (The RAM driver releases each fragment as it sends it,
    so one free buffer would have been enough.)"""
    net = Net()

    def app() -> None:
        a = net.ip["A"]
        nx_ip_fragment_enable(a)
        nx_ip_fragment_enable(net.ip["B"])
        nx_arp_static_entry_create(a, B_ADDR, *B_MAC)
        status, held = nx_packet_allocate(net.pool["A"], 0, NX_NO_WAIT)
        others = [nx_packet_allocate(net.pool["A"], 0, NX_NO_WAIT)[1] for _ in range(5)]
        net.event("app", nx_icmp_ping(a, B_ADDR, bytes(3000), 3000, 10))
        net.event("app", (a.nx_ip_fragment_failures, a.nx_ip_send_packets_dropped,
                          a.nx_ip_transmit_resource_errors, a.nx_ip_total_fragments_sent))
        for packet in [held] + others:
            nx_packet_release(packet)

    net.run(lambda n: n.after_start(app))
    assert net.log == [(10, "app", (NX_NO_RESPONSE, None)), (10, "app", (1, 1, 1, 0))]
    net.assert_pools_full()


def test_enable_disable_checks() -> None:
    net = Net(names=("A",))
    results: list = []

    def app() -> None:
        results.append((nx_ip_fragment_enable(None), nx_ip_fragment_disable(None)))
        try:
            nx_ip_fragment_disable(object())
        except TypeError as error:   # the argument boundary names service and parameter
            results.append(str(error))
        tx_thread_sleep(10)

    def isr() -> None:
        results.append((nx_ip_fragment_enable(net.ip["A"]), nx_ip_fragment_disable(net.ip["A"])))

    net.run(lambda n: (n.thread("app", app), kernel().interrupt_after(5, isr)))
    assert results == [(NX_PTR_ERROR, NX_PTR_ERROR), "nx_ip_fragment_disable: ip_ptr must be NX_IP or None, got object",
                       (NX_CALLER_ERROR, NX_CALLER_ERROR)]



@given(size=st.integers(min_value=1, max_value=4000), mtu=st.integers(min_value=68, max_value=1500),
       drop_every=st.sampled_from([0, 0, 2, 3]))
def test_property_fragmented_ping_echoes_or_times_out_and_pools_come_back(size: int, mtu: int,
                                                                          drop_every: int) -> None:
    """Any payload over any MTU: the reply carries the data back, every fragment has a
    valid header and at most MTU bytes; with every n-th frame lost the ping times out at
    its tick. Either way every buffer of both pools is back once the reassembly timers ran
    out (a lost fragment's datagram is given up, its buffers released)."""
    from netxsim.nx import nx_ip_interface_mtu_set
    from netxsim.nx.faults import LinkFaults
    net = Net(pool_packets=48)
    data = bytes((i * 7) & 0xFF for i in range(size))
    outcome: list = []

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        for ip in (a, b):
            nx_ip_fragment_enable(ip)
            nx_ip_interface_mtu_set(ip, 0, mtu)
        nx_arp_static_entry_create(a, B_ADDR, *B_MAC)
        nx_arp_static_entry_create(b, A_ADDR, *A_MAC)
        if drop_every:
            net.wire.faults = LinkFaults(drop_if=lambda frame: frame.index % drop_every == drop_every - 1)
        status, response = nx_icmp_ping(a, B_ADDR, data, size, 50)
        outcome.append((status, response.chain_bytes() if response is not None else None, tx_time_get()))
        if response is not None:
            nx_packet_release(response)
        tx_thread_sleep(200 * 100)   # past any reassembly timer (max(15, TTL 128) seconds)

    net.run(lambda n: n.after_start(app))
    status, echoed, tick = outcome[0]
    fragments = -(-(size + 8) // ((mtu - 20) // 8 * 8))
    if drop_every == 0 and fragments < 48:
        # Nothing lost and the request fits the 48-packet pool: the echo must come back.
        assert status == NX_SUCCESS, (size, mtu, fragments)
    if status == NX_SUCCESS:
        assert echoed == data
    else:
        assert (status, echoed, tick) == (NX_NO_RESPONSE, None, 50)
    for record in net.frames:
        if record.frame[12:14] == b"\x08\x00":
            ip = dpkt.ethernet.Ethernet(record.frame).data
            assert ip.len <= mtu and internet_checksum(bytes(ip)[:20]) == 0
    net.assert_pools_full()


def test_tshark_reassembles_the_fragmented_ping(tmp_path: Any) -> None:
    """tshark puts the fragments back together: one echo request and its reply, ICMP
    checksums good, every IPv4 header checksum correct, nothing malformed."""
    import shutil
    import subprocess

    import pytest
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed (dpkt reassembles the same frames above)")
    net = Net(pool_packets=24)

    def app() -> None:
        for ip in net.ip.values():
            nx_ip_fragment_enable(ip)
        status, response = nx_icmp_ping(net.ip["A"], B_ADDR, bytes(range(256)) * 12, 3000, 100)
        assert status == NX_SUCCESS
        nx_packet_release(response)

    net.run(lambda n: n.thread("app", app))
    path = tmp_path / "ping.pcap"
    with open(path, "wb") as handle:
        writer = dpkt.pcap.Writer(handle)
        for record in net.frames:
            writer.writepkt(record.frame, record.tick / 100)
    out = subprocess.run([tshark, "-r", str(path), "-o", "ip.check_checksum:TRUE", "-V"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Malformed" not in text
    assert text.count("Type: 8 (Echo (ping) request)") == 1 and text.count("Type: 0 (Echo (ping) reply)") == 1
    assert text.count("[Checksum Status: Good]") == 2 and text.count("Header Checksum: ") == 6
    assert text.count("Header Checksum: ") == len(re.findall(r"Header Checksum: 0x[0-9a-f]{4} \[correct\]", text))
    assert "Bad" not in text and "incorrect" not in text
    assert text.count("[3 IPv4 Fragments (3008 bytes)") == 2
