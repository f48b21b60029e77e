"""UDP (netxsim/nx/udp.py) against NetX Duo's nx_udp_*.c / nxd_udp_*.c: an echo between
two IP instances on the RAM driver, frames checked as bytes and by dpkt (and tshark when
it is installed), queue limits, checksums, binds that wait, and the checking layer."""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
from typing import Any

import dpkt
import pytest
from hypothesis import given, strategies as st

from netxsim.nx import (
    NX_IPv4_UDP_PACKET, NX_NO_WAIT, NX_UDP_SOCKET, NXD_ADDRESS, nx_packet_allocate, nx_packet_data_append,
    nx_packet_release, nx_udp_enable, nx_udp_free_port_find, nx_udp_info_get, nx_udp_packet_info_extract,
    nx_udp_socket_bind, nx_udp_socket_bytes_available, nx_udp_socket_checksum_disable,
    nx_udp_socket_checksum_enable, nx_udp_socket_create, nx_udp_socket_delete, nx_udp_socket_info_get,
    nx_udp_socket_port_get, nx_udp_socket_receive, nx_udp_socket_receive_notify, nx_udp_socket_send,
    nx_udp_socket_source_send, nx_udp_socket_unbind, nx_udp_source_extract, nxd_udp_packet_info_extract,
    nxd_udp_socket_send, nxd_udp_source_extract,
)
from netxsim.nx.constants import (
    NX_ALREADY_BOUND, NX_ALREADY_ENABLED, NX_CALLER_ERROR, NX_INVALID_INTERFACE, NX_INVALID_PACKET,
    NX_INVALID_PORT, NX_IP_ADDRESS_ERROR, NX_NO_PACKET, NX_NOT_BOUND, NX_NOT_ENABLED,
    NX_NOT_SUPPORTED, NX_OPTION_ERROR, NX_PORT_UNAVAILABLE, NX_PTR_ERROR, NX_SOCKET_UNBOUND, NX_STILL_BOUND,
    NX_SUCCESS, NX_UNDERFLOW, NX_WAIT_ABORTED, NX_WAIT_FOREVER,
)
from netxsim.nx.ip import NX_DONT_FRAGMENT, NX_FRAGMENT_OKAY, NX_IP_NORMAL, NX_IP_TIME_TO_LIVE
from netxsim.nx.wire import ETHERTYPE_IPV4, IP_PROTO_UDP, Ipv4Header, build_ethernet_frame, internet_checksum, \
    ipv4_pseudo_header_sum
from netxsim.tx import sizeof, tx_thread_sleep, tx_thread_wait_abort
from netxsim.tx.kernel import kernel

from netxsim.nx.arp import nx_arp_static_entry_create

from .test_arp import A_ADDR, A_MAC, B_ADDR, B_MAC, RAW_ADDR, RAW_MAC, Net, attach_raw, mac


def udp_net(**kwargs: Any) -> Net:
    net = Net(**kwargs)
    original = net.run

    def run(setup: Any, until: int | None = None) -> Any:
        def with_udp(n: Net) -> None:
            for ip in n.ip.values():
                assert nx_udp_enable(ip) == NX_SUCCESS
            setup(n)
        return original(with_udp, until)
    net.run = run  # type: ignore[method-assign]
    return net


def udp_frame(destination: tuple[int, int], source: tuple[int, int], source_ip: int, destination_ip: int,
              ip_id: int, sport: int, dport: int, data: bytes, checksum: int | None = None) -> bytes:
    length = 8 + len(data)
    if checksum is None:
        pseudo = ipv4_pseudo_header_sum(source_ip, destination_ip, IP_PROTO_UDP, length)
        checksum = internet_checksum(struct.pack("!HHHH", sport, dport, length, 0) + data, pseudo) or 0xFFFF
    datagram = struct.pack("!HHHH", sport, dport, length, checksum) + data
    header = Ipv4Header(source_ip, destination_ip, IP_PROTO_UDP, identification=ip_id, ttl=128)
    return build_ethernet_frame(mac(destination), mac(source), ETHERTYPE_IPV4, header.pack(len(datagram)) + datagram)


def dpkt_udp(frame: bytes) -> dpkt.udp.UDP:
    """Parse with dpkt and check both checksums independently of our code."""
    ip = dpkt.ethernet.Ethernet(frame).data
    assert isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.udp.UDP)
    udp = ip.data
    copy = dpkt.ip.IP(bytes(ip))
    copy.sum = 0
    if udp.sum:
        copy.data.sum = 0
    repacked = dpkt.ip.IP(bytes(copy))
    assert repacked.sum == ip.sum
    if udp.sum:
        assert repacked.data.sum == udp.sum
    return udp


def alloc(net: Net, name: str, data: bytes) -> Any:
    status, packet = nx_packet_allocate(net.pool[name], NX_IPv4_UDP_PACKET, NX_NO_WAIT)
    assert status == NX_SUCCESS
    assert nx_packet_data_append(packet, data, len(data), net.pool[name], NX_NO_WAIT) == NX_SUCCESS
    return packet


def test_sizeof_and_export() -> None:
    assert sizeof(NX_UDP_SOCKET) == 120


def test_echo_between_two_ips_bytes_ticks_and_counters() -> None:
    """B echoes every datagram back with the same packet. 3 ticks per hop: ARP 10 → 13 →
    16, the datagram 16 → 19, the echo (B has learnt A's MAC from the who-has) 19 → 22."""
    net = udp_net(propagation_delay=3)
    sockets: dict[str, NX_UDP_SOCKET] = {}

    def server() -> None:
        b = sockets["B"] = NX_UDP_SOCKET()
        assert nx_udp_socket_create(net.ip["B"], b, "echo", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                    NX_IP_TIME_TO_LIVE, 5) == NX_SUCCESS
        assert nx_udp_socket_bind(b, 7, NX_WAIT_FOREVER) == NX_SUCCESS
        status, packet = nx_udp_socket_receive(b, NX_WAIT_FOREVER)
        net.event("server", (status, packet.nx_packet_length, packet.chain_bytes()))
        net.event("server", nx_udp_source_extract(packet))
        net.event("server", nx_udp_packet_info_extract(packet))
        status, address, port = nxd_udp_source_extract(packet)
        net.event("server", (status, address.nxd_ip_version, address.nxd_ip_address.v4, port))
        _, source, sport = nx_udp_source_extract(packet)
        net.event("server", nx_udp_socket_send(b, packet, source, sport))

    def client() -> None:
        a = sockets["A"] = NX_UDP_SOCKET()
        assert nx_udp_socket_create(net.ip["A"], a, "client", NX_IP_NORMAL, NX_DONT_FRAGMENT,
                                    NX_IP_TIME_TO_LIVE, 5) == NX_SUCCESS
        assert nx_udp_socket_bind(a, 0x1234, NX_NO_WAIT) == NX_SUCCESS
        tx_thread_sleep(10)
        net.event("client", nx_udp_socket_send(a, alloc(net, "A", b"hello, echo"), B_ADDR, 7))
        status, packet = nx_udp_socket_receive(a, 100)
        net.event("client", (status, packet.chain_bytes()))
        nx_packet_release(packet)
        net.event("client", nx_udp_info_get(net.ip["A"]))
        net.event("client", nx_udp_socket_info_get(a))
        net.event("client", nx_udp_socket_info_get(sockets["B"]))

    net.run(lambda n: (n.thread("server", server, 5), n.thread("client", client)))
    assert net.log == [
        (10, "client", NX_SUCCESS),
        (19, "server", (NX_SUCCESS, 11, b"hello, echo")),
        (19, "server", (NX_SUCCESS, A_ADDR, 0x1234)),
        (19, "server", (NX_SUCCESS, A_ADDR, 0x11, 0x1234, 0)),
        (19, "server", (NX_SUCCESS, 4, A_ADDR, 0x1234)),
        (19, "server", NX_SUCCESS),
        (22, "client", (NX_SUCCESS, b"hello, echo")),
        # sent, bytes sent, received, bytes received, invalid, dropped, checksum errors
        (22, "client", (NX_SUCCESS, 1, 11, 1, 11, 0, 0, 0)),
        # ... and per socket: queued instead of invalid
        (22, "client", (NX_SUCCESS, 1, 11, 1, 11, 0, 0, 0)),
        (22, "client", (NX_SUCCESS, 1, 11, 1, 11, 0, 0, 0)),
    ]
    frames = [(tick, port, frame) for tick, port, frame, _ in net.wire_log()]
    # A's socket sets DF; the IP IDs: A sent ARP (no ID) then this datagram, ID 1.
    request = udp_frame(B_MAC, A_MAC, A_ADDR, B_ADDR, 1, 0x1234, 7, b"hello, echo")
    request = request[:20] + b"\x40" + request[21:]   # DF set by the socket
    request = request[:24] + internet_checksum(request[14:24] + b"\0\0" + request[26:34]).to_bytes(2, "big") \
        + request[26:]
    assert frames[2] == (19, "A", request)
    assert frames[3] == (22, "B", udp_frame(A_MAC, B_MAC, B_ADDR, A_ADDR, 1, 7, 0x1234, b"hello, echo"))
    for _, _, frame in frames[2:]:
        udp = dpkt_udp(frame)
        assert udp.data == b"hello, echo"
    net.assert_pools_full()


def test_tshark_dissects_udp_cleanly(tmp_path: Any) -> None:
    """The frames of a UDP exchange (ARP, two datagrams) open in tshark without a
    malformed-packet or bad-checksum warning."""
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed (dpkt checks the same frames in the echo test)")
    net = udp_net()

    def app() -> None:
        a, b = NX_UDP_SOCKET(), NX_UDP_SOCKET()
        nx_udp_socket_create(net.ip["A"], a, "a", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_create(net.ip["B"], b, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_bind(a, 50000, 0)      # ports no tshark dissector claims
        nx_udp_socket_bind(b, 50001, 0)
        nx_udp_socket_send(a, alloc(net, "A", b"ping"), B_ADDR, 50001)
        status, packet = nx_udp_socket_receive(b, 10)
        nx_udp_socket_send(b, packet, A_ADDR, 50000)
        tx_thread_sleep(2)

    net.run(lambda n: n.thread("app", app))
    path = tmp_path / "udp.pcap"
    with open(path, "wb") as handle:
        writer = dpkt.pcap.Writer(handle)
        for record in net.frames:
            writer.writepkt(record.frame, record.tick / 100)
    out = subprocess.run([tshark, "-r", str(path), "-o", "udp.check_checksum:TRUE", "-o",
                          "ip.check_checksum:TRUE", "-V"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Malformed" not in text and "Status: Bad" not in text and "incorrect" not in text
    assert text.count("User Datagram Protocol") == 2
    assert text.count("[Checksum Status: Good]") == 2             # both UDP checksums verified
    assert len(re.findall(r"Header Checksum: 0x[0-9a-f]{4} \[correct\]", text)) == 2


def test_queue_maximum_drops_the_oldest_and_notify_runs_each_time() -> None:
    net = udp_net()
    notified: list[int] = []

    def app() -> None:
        b = NX_UDP_SOCKET()
        assert nx_udp_socket_create(net.ip["B"], b, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                                    2) == NX_SUCCESS
        assert nx_udp_socket_bind(b, 99, 0) == NX_SUCCESS
        assert nx_udp_socket_receive_notify(b, lambda s: notified.append(s.nx_udp_socket_receive_count)) == 0
        a = NX_UDP_SOCKET()
        assert nx_udp_socket_create(net.ip["A"], a, "a", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                                    2) == NX_SUCCESS
        assert nx_udp_socket_bind(a, 98, 0) == NX_SUCCESS
        for index in range(4):
            assert nx_udp_socket_send(a, alloc(net, "A", bytes([index]) * (index + 1)), B_ADDR, 99) == 0
        tx_thread_sleep(5)
        net.event("app", nx_udp_socket_bytes_available(b))
        net.event("app", nx_udp_socket_info_get(b))
        received = []
        while True:
            status, packet = nx_udp_socket_receive(b, NX_NO_WAIT)
            if status != NX_SUCCESS:
                net.event("app", status)
                break
            received.append(packet.chain_bytes())
            nx_packet_release(packet)
        net.event("app", received)
        net.event("app", nx_udp_info_get(net.ip["B"]))

    net.run(lambda n: n.thread("app", app))
    assert notified == [1, 2, 2, 2]
    assert net.log == [
        (5, "app", (NX_SUCCESS, 3 + 4)),
        (5, "app", (NX_SUCCESS, 0, 0, 4, 10, 2, 2, 0)),
        (5, "app", NX_NO_PACKET),
        (5, "app", [b"\x02" * 3, b"\x03" * 4]),
        (5, "app", (NX_SUCCESS, 0, 0, 4, 10, 0, 2, 0)),
    ]
    net.assert_pools_full()


def test_checksums_disabled_zero_on_wire_and_bad_checksum_dropped_on_receive() -> None:
    """A disabled checksum is sent as 0 and accepted. A datagram with a wrong checksum is
    queued, then dropped by nx_udp_socket_receive, which takes the next one; the counts
    received are taken back."""
    net = udp_net()
    received: list = []

    def app() -> None:
        raw = attach_raw(net, received)
        assert nx_arp_static_entry_create(net.ip["B"], RAW_ADDR, *RAW_MAC) == NX_SUCCESS
        b = NX_UDP_SOCKET()
        nx_udp_socket_create(net.ip["B"], b, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 8)
        net.event("app", nx_udp_socket_checksum_disable(b))
        assert nx_udp_socket_bind(b, 53, 0) == NX_SUCCESS
        assert nx_udp_socket_checksum_disable(b) == NX_SUCCESS
        assert nx_udp_socket_send(b, alloc(net, "B", b"no sum"), RAW_ADDR, 5353) == NX_SUCCESS
        assert nx_udp_socket_checksum_enable(b) == NX_SUCCESS
        good = udp_frame(B_MAC, RAW_MAC, RAW_ADDR, B_ADDR, 7, 5353, 53, b"good")
        bad = udp_frame(B_MAC, RAW_MAC, RAW_ADDR, B_ADDR, 8, 5353, 53, b"bad!", checksum=0x1234)
        unsummed = udp_frame(B_MAC, RAW_MAC, RAW_ADDR, B_ADDR, 9, 5353, 53, b"zero", checksum=0)
        for frame in (bad, good, unsummed):
            raw.transmit(frame)
        tx_thread_sleep(2)
        for _ in range(2):
            status, packet = nx_udp_socket_receive(b, NX_NO_WAIT)
            net.event("app", (status, packet.chain_bytes()))
            nx_packet_release(packet)
        net.event("app", nx_udp_socket_receive(b, NX_NO_WAIT))
        net.event("app", nx_udp_socket_info_get(b))
        net.event("app", nx_udp_info_get(net.ip["B"]))

    net.run(lambda n: n.after_start(app))
    assert net.log == [
        (0, "app", NX_NOT_BOUND),
        (2, "app", (NX_SUCCESS, b"good")),
        (2, "app", (NX_SUCCESS, b"zero")),
        (2, "app", (NX_NO_PACKET, None)),
        (2, "app", (NX_SUCCESS, 1, 6, 2, 8, 0, 0, 1)),
        (2, "app", (NX_SUCCESS, 1, 6, 2, 8, 1, 0, 1)),
    ]
    sent = [frame for _, frame in received if frame[12:14] == b"\x08\x00"]
    assert len(sent) == 1 and dpkt_udp(sent[0]).sum == 0 and dpkt_udp(sent[0]).data == b"no sum"


def test_port_unreachable_answered_with_icmp_quoting_the_datagram() -> None:
    net = udp_net()
    received: list = []

    def app() -> None:
        raw = attach_raw(net, received)
        raw.transmit(udp_frame(B_MAC, RAW_MAC, RAW_ADDR, B_ADDR, 0x77, 4000, 4001, b"anyone?"))
        tx_thread_sleep(1)
        net.event("app", nx_udp_info_get(net.ip["B"]))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [(1, "app", (NX_SUCCESS, 0, 0, 1, 0, 0, 1, 0))]
    assert net.ip["B"].nx_ip_udp_no_port_for_delivery == 1
    # B first resolves RAW by ARP (which RAW never answers): the unreachable waits in the
    # ARP entry's queue, holding one packet of B's pool.
    assert [frame[12:14] for _, frame in received] == [b"\x08\x06"]
    assert net.pool_free("B") == net.pool_packets - 1


def test_port_unreachable_frame_bytes_after_arp() -> None:
    """With RAW's MAC known, B answers at once: type 3 code 3, the offending IP header
    and first 8 bytes quoted, TTL 255."""
    net = udp_net()
    received: list = []
    offending = udp_frame(B_MAC, RAW_MAC, RAW_ADDR, B_ADDR, 0x77, 4000, 4001, b"anyone?")

    def app() -> None:
        raw = attach_raw(net, received)
        assert nx_arp_static_entry_create(net.ip["B"], RAW_ADDR, *RAW_MAC) == NX_SUCCESS
        raw.transmit(offending)
        tx_thread_sleep(1)

    net.run(lambda n: n.after_start(app))
    frames = [frame for _, frame in received]
    assert len(frames) == 1
    ip = dpkt.ethernet.Ethernet(frames[0]).data
    assert (ip.p, ip.ttl, ip.src, ip.dst) == (1, 255, B_ADDR.to_bytes(4, "big"), RAW_ADDR.to_bytes(4, "big"))
    icmp = ip.data
    assert (icmp.type, icmp.code) == (3, 3)
    assert internet_checksum(bytes(icmp)) == 0
    assert bytes(icmp)[8:] == offending[14:14 + 28]


def test_receive_waits_times_out_at_exact_tick_and_unbind_wakes_receivers() -> None:
    net = udp_net()

    def app() -> None:
        b = NX_UDP_SOCKET()
        nx_udp_socket_create(net.ip["B"], b, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 8)
        net.event("app", nx_udp_socket_receive(b, 10))
        assert nx_udp_socket_bind(b, 1000, 0) == NX_SUCCESS
        net.event("app", nx_udp_socket_receive(b, 25))
        net.event("app", nx_udp_socket_receive(b, NX_WAIT_FOREVER))
        net.event("app", nx_udp_socket_delete(b))
        net.event("app", nx_udp_socket_receive(b, NX_WAIT_FOREVER))
        net.event("app", nx_udp_socket_unbind(b))
        net.event("app", nx_udp_socket_delete(b))
        net.event("app", nx_udp_socket_delete(b))

    def killer() -> None:
        tx_thread_sleep(50)
        b = net.ip["B"].nx_ip_udp_created_sockets[0]
        net.event("killer", nx_udp_socket_unbind(b))

    net.run(lambda n: (n.thread("app", app), n.thread("killer", killer, 12)))
    assert net.log == [
        (0, "app", (NX_NOT_BOUND, None)),
        (25, "app", (NX_NO_PACKET, None)),
        # The woken receiver is more urgent than the unbinding thread: it runs at once.
        (50, "app", (NX_SOCKET_UNBOUND, None)),
        (50, "app", NX_SUCCESS),
        (50, "app", (NX_PTR_ERROR, None)),
        (50, "app", NX_PTR_ERROR),
        (50, "app", NX_PTR_ERROR),
        (50, "app", NX_PTR_ERROR),
        (50, "killer", NX_SUCCESS),
    ]


def test_bind_waits_for_the_port_and_inherits_it_on_unbind() -> None:
    """Three sockets want port 80: the second waits forever, the third 30 ticks (then
    NX_PORT_UNAVAILABLE). When the owner unbinds at 40 the waiter gets the port."""
    net = udp_net()
    socks = [NX_UDP_SOCKET() for _ in range(4)]

    def owner() -> None:
        for index, sock in enumerate(socks):
            nx_udp_socket_create(net.ip["A"], sock, f"s{index}", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                 NX_IP_TIME_TO_LIVE, 4)
        net.event("owner", nx_udp_socket_bind(socks[0], 80, 0))
        net.event("owner", nx_udp_socket_bind(socks[0], 81, 0))
        net.event("owner", nx_udp_socket_bind(socks[3], 80, NX_NO_WAIT))
        tx_thread_sleep(40)
        net.event("owner", nx_udp_socket_unbind(socks[0]))
        net.event("owner", nx_udp_socket_port_get(socks[1]))
        net.event("owner", nx_udp_socket_port_get(socks[0]))

    def waiter(index: int, wait: int) -> None:
        net.event(f"w{index}", nx_udp_socket_bind(socks[index], 80, wait))

    net.run(lambda n: (n.thread("owner", owner, 5), n.thread("w1", lambda: waiter(1, NX_WAIT_FOREVER)),
                       n.thread("w2", lambda: waiter(2, 30))))
    assert net.log == [
        (0, "owner", NX_SUCCESS),
        (0, "owner", NX_ALREADY_BOUND),
        (0, "owner", NX_PORT_UNAVAILABLE),
        (30, "w2", NX_PORT_UNAVAILABLE),
        (40, "owner", NX_SUCCESS),
        (40, "owner", (NX_SUCCESS, 80)),        # the port passed to the waiter at once
        (40, "owner", (NX_NOT_BOUND, None)),
        (40, "w1", NX_SUCCESS),                 # less urgent: runs when the owner is done
    ]


def test_unbind_of_a_pending_bind_cancels_it_and_abort_ends_a_bind_wait() -> None:
    net = udp_net()
    socks = [NX_UDP_SOCKET() for _ in range(3)]

    def owner() -> None:
        for index, sock in enumerate(socks):
            nx_udp_socket_create(net.ip["A"], sock, f"s{index}", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                 NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_bind(socks[0], 80, 0)
        tx_thread_sleep(10)
        net.event("owner", nx_udp_socket_unbind(socks[1]))
        net.event("owner", tx_thread_wait_abort(net.threads["w2"]))
        net.event("owner", socks[0].nx_udp_socket_bind_suspended_count)

    net.run(lambda n: (n.thread("owner", owner, 5),
                       n.thread("w1", lambda: net.event("w1", nx_udp_socket_bind(socks[1], 80, 100))),
                       n.thread("w2", lambda: net.event("w2", nx_udp_socket_bind(socks[2], 80, 100)))))
    assert net.log == [
        (10, "owner", NX_SUCCESS),
        (10, "owner", NX_SUCCESS),
        (10, "owner", 0),
        (10, "w1", NX_PORT_UNAVAILABLE),
        (10, "w2", NX_WAIT_ABORTED),
    ]
    assert socks[1].nx_udp_socket_bind_in_progress is None and socks[2].nx_udp_socket_bind_in_progress is None


def test_any_port_and_free_port_find() -> None:
    net = udp_net()

    def app() -> None:
        ip = net.ip["A"]
        a, b = NX_UDP_SOCKET(), NX_UDP_SOCKET()
        nx_udp_socket_create(ip, a, "a", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_create(ip, b, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        net.event("app", nx_udp_socket_bind(a, 0, 0))
        net.event("app", nx_udp_socket_port_get(a))
        nx_udp_socket_bind(b, 0xFFFF, 0)
        net.event("app", nx_udp_free_port_find(ip, 0xFFFF))
        net.event("app", nx_udp_free_port_find(ip, 1))

    net.run(lambda n: n.thread("app", app))
    # glibc rand() first value 1804289383 % 16384 = 1383 → 0xC000 + 1383 = 50535
    assert net.log == [
        (0, "app", NX_SUCCESS),
        (0, "app", (NX_SUCCESS, 50535)),
        (0, "app", (NX_SUCCESS, 0xC000)),
        (0, "app", (NX_SUCCESS, 1)),
    ]


def test_error_checking_layer() -> None:
    net = udp_net(names=("A",))
    results: list = []

    def app() -> None:
        ip = net.ip["A"]
        s = NX_UDP_SOCKET()
        results.append(nx_udp_enable(ip))
        results.append(nx_udp_enable(None))
        results.append(nx_udp_socket_create(ip, s, "s", 0x1234, NX_FRAGMENT_OKAY, 128, 4))
        results.append(nx_udp_socket_create(ip, s, "s", NX_IP_NORMAL, 0x1000, 128, 4))
        results.append(nx_udp_socket_create(ip, s, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0xFF000001, 4))
        results.append(nx_udp_socket_create(ip, s, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 128, 4))
        results.append(nx_udp_socket_create(ip, s, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 128, 4))
        results.append(nx_udp_socket_bind(s, 0x10000, 0))
        results.append(nx_udp_free_port_find(ip, 0))
        results.append(nx_udp_socket_unbind(s))
        packet = alloc(net, "A", b"x")
        results.append(nx_udp_socket_send(s, packet, A_ADDR, 1))          # not bound
        nx_udp_socket_bind(s, 5, 0)
        results.append(nx_udp_socket_send(s, packet, 0, 1))
        results.append(nx_udp_socket_send(s, packet, A_ADDR, 0x10000))
        results.append(nx_udp_socket_send(s, None, A_ADDR, 1))
        results.append(nx_udp_socket_source_send(s, packet, A_ADDR, 1, 5))
        results.append(nxd_udp_socket_send(s, packet, NXD_ADDRESS(6, 1), 1))
        results.append(nxd_udp_socket_send(s, packet, NXD_ADDRESS(5, 1), 1))
        results.append(nx_udp_socket_send(s, packet, 0x0A000001, 1))       # no route
        status, bare = nx_packet_allocate(net.pool["A"], 16, NX_NO_WAIT)
        results.append(nx_udp_socket_send(s, bare, A_ADDR, 1))
        results.append(nx_udp_socket_info_get(s)[:1] + (s.nx_udp_socket_invalid_packets,))
        results.append(nx_udp_source_extract(packet))
        results.append(nxd_udp_packet_info_extract(None)[0])
        results.append(nx_udp_socket_delete(s))
        nx_packet_release(packet)
        nx_packet_release(bare)
        tx_thread_sleep(10)   # the run lasts until the ISR at tick 5

    def isr() -> None:
        results.append(("isr", nx_udp_info_get(net.ip["A"])[0], nx_udp_enable(net.ip["A"])))

    net.run(lambda n: (n.thread("app", app), kernel().interrupt_after(5, isr)))
    assert results == [
        NX_ALREADY_ENABLED, NX_PTR_ERROR, NX_OPTION_ERROR, NX_OPTION_ERROR, NX_OPTION_ERROR, NX_SUCCESS, NX_PTR_ERROR,
        NX_INVALID_PORT, (NX_INVALID_PORT, None), NX_NOT_BOUND, NX_NOT_BOUND, NX_IP_ADDRESS_ERROR,
        NX_INVALID_PORT, NX_PTR_ERROR, NX_INVALID_INTERFACE, NX_NOT_SUPPORTED, NX_IP_ADDRESS_ERROR,
        NX_IP_ADDRESS_ERROR, NX_UNDERFLOW, (NX_SUCCESS, 1), (NX_INVALID_PACKET, None, None), NX_PTR_ERROR,
        NX_STILL_BOUND, ("isr", NX_CALLER_ERROR, NX_ALREADY_ENABLED),
    ]


def test_services_need_udp_enabled() -> None:
    net = Net(names=("A",))
    results: list = []

    def app() -> None:
        s = NX_UDP_SOCKET()
        results.append(nx_udp_socket_create(net.ip["A"], s, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 128, 4))
        results.append(nx_udp_info_get(net.ip["A"])[0])
        results.append(nx_udp_free_port_find(net.ip["A"], 5)[0])

    net.run(lambda n: n.thread("app", app))
    assert results == [NX_NOT_ENABLED] * 3


def test_ip_delete_refused_while_udp_sockets_exist() -> None:
    from netxsim.nx import nx_ip_delete
    from netxsim.nx.constants import NX_SOCKETS_BOUND
    net = udp_net(names=("A",))
    results: list = []

    def app() -> None:
        s = NX_UDP_SOCKET()
        nx_udp_socket_create(net.ip["A"], s, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        results.append(nx_ip_delete(net.ip["A"]))
        results.append(nx_udp_socket_delete(s))
        results.append(nx_ip_delete(net.ip["A"]))

    net.run(lambda n: n.thread("app", app))
    assert results == [NX_SOCKETS_BOUND, NX_SUCCESS, NX_SUCCESS]


def test_ip_delete_refused_while_tcp_sockets_exist() -> None:
    """nx_ip_delete.c counts TCP sockets too: a created TCP socket also gives NX_SOCKETS_BOUND."""
    from netxsim.nx import NX_TCP_SOCKET, nx_ip_delete, nx_tcp_enable, nx_tcp_socket_create, nx_tcp_socket_delete
    from netxsim.nx.constants import NX_SOCKETS_BOUND
    net = udp_net(names=("A",))
    results: list = []

    def app() -> None:
        s = NX_TCP_SOCKET()
        results.append(nx_tcp_enable(net.ip["A"]))
        results.append(nx_tcp_socket_create(net.ip["A"], s, "t", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 512,
                                             None, None))
        results.append(nx_ip_delete(net.ip["A"]))
        results.append(nx_tcp_socket_delete(s))
        results.append(nx_ip_delete(net.ip["A"]))

    net.run(lambda n: n.thread("app", app))
    assert results == [NX_SUCCESS, NX_SUCCESS, NX_SOCKETS_BOUND, NX_SUCCESS, NX_SUCCESS]


@given(queue_maximum=st.integers(min_value=0, max_value=6), sends=st.integers(min_value=1, max_value=12))
def test_property_queue_keeps_the_newest_datagrams(queue_maximum: int, sends: int) -> None:
    """NetX's rule: the first datagram is always queued; past queue_maximum each new one
    pushes out the oldest. So the socket ends holding the last max(1, queue_maximum) of
    them (fewer if fewer were sent), in order, and counts the rest as dropped."""
    net = udp_net(pool_packets=16)
    received: list = []

    def app() -> None:
        a, b = NX_UDP_SOCKET(), NX_UDP_SOCKET()
        nx_udp_socket_create(net.ip["A"], a, "a", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2)
        nx_udp_socket_create(net.ip["B"], b, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                             queue_maximum)
        nx_udp_socket_bind(a, 1, 0)
        nx_udp_socket_bind(b, 2, 0)
        for index in range(sends):
            assert nx_udp_socket_send(a, alloc(net, "A", bytes([index])), B_ADDR, 2) == NX_SUCCESS
        while True:
            status, packet = nx_udp_socket_receive(b, NX_NO_WAIT)
            if status != NX_SUCCESS:
                break
            received.append(packet.chain_bytes()[0])
            nx_packet_release(packet)
        received.append(nx_udp_socket_info_get(b)[6])
        nx_udp_socket_unbind(b)

    net.run(lambda n: n.thread("app", app))
    kept = min(sends, max(1, queue_maximum))
    assert received == list(range(sends - kept, sends)) + [sends - kept]
    net.assert_pools_full()


def test_checksum_offload_with_interface_capability() -> None:
    """Built with NX_ENABLE_INTERFACE_CAPABILITY: an interface flagged for UDP TX checksum
    leaves the field 0 for the driver (the RAM driver does not fill it in); one flagged
    for UDP RX checksum accepts a wrong checksum, as the hardware is trusted to check."""
    from netxsim.nx import NX_INTERFACE_CAPABILITY_UDP_RX_CHECKSUM, NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM
    from netxsim.nx import nx_ip_interface_capability_set
    from netxsim.nx.config import NxConfig
    net = udp_net(config=NxConfig(NX_ENABLE_INTERFACE_CAPABILITY=True))
    received: list = []

    def app() -> None:
        raw = attach_raw(net, received)
        a, b = net.ip["A"], net.ip["B"]
        assert nx_ip_interface_capability_set(a, 0, NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM) == NX_SUCCESS
        assert nx_ip_interface_capability_set(b, 0, NX_INTERFACE_CAPABILITY_UDP_RX_CHECKSUM) == NX_SUCCESS
        nx_arp_static_entry_create(a, RAW_ADDR, *RAW_MAC)
        sa, sb = NX_UDP_SOCKET(), NX_UDP_SOCKET()
        nx_udp_socket_create(a, sa, "a", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_create(b, sb, "b", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4)
        nx_udp_socket_bind(sa, 10, 0)
        nx_udp_socket_bind(sb, 11, 0)
        nx_udp_socket_send(sa, alloc(net, "A", b"offloaded"), RAW_ADDR, 12)
        raw.transmit(udp_frame(B_MAC, RAW_MAC, RAW_ADDR, B_ADDR, 5, 12, 11, b"trusted", checksum=0x1234))
        status, packet = nx_udp_socket_receive(sb, 5)
        net.event("app", (status, packet.chain_bytes()))
        nx_packet_release(packet)

    net.run(lambda n: n.after_start(app))
    assert net.log == [(0, "app", (NX_SUCCESS, b"trusted"))]
    sent = [frame for _, frame in received if frame[12:14] == b"\x08\x00"]
    assert len(sent) == 1 and dpkt_udp(sent[0]).sum == 0
