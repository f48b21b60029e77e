"""ICMP (netxsim/nx/icmp.py) against NetX Duo's nx_icmp_*.c / nx_icmpv4_*.c: pings between
two IP instances on the RAM driver, event logs with exact ticks, frames as bytes."""
from __future__ import annotations

import struct
from typing import Any

from netxsim.nx import nx_packet_allocate, nx_packet_data_append, nx_packet_pool_info_get, \
    nx_packet_release
from netxsim.nx.arp import nx_arp_entry_delete, nx_arp_static_entry_create
from netxsim.nx.constants import (
    NX_ALREADY_ENABLED, NX_CALLER_ERROR, NX_IP_ADDRESS_ERROR, NX_NO_PACKET, NX_NO_RESPONSE,
    NX_NO_WAIT, NX_NOT_ENABLED, NX_PTR_ERROR, NX_RECEIVE_PACKET, NX_SUCCESS, NX_WAIT_ABORTED,
    NX_WAIT_FOREVER,
)
from netxsim.nx.faults import Action, LinkFaults
from netxsim.nx.icmp import nx_icmp_enable, nx_icmp_info_get, nx_icmp_ping
from netxsim.nx.ip import IP_ADDRESS, NX_IP
from netxsim.nx.wire import (
    ETHERTYPE_IPV4, IP_PROTO_ICMP, IcmpEcho, Ipv4Header, build_ethernet_frame, internet_checksum,
)
from netxsim.tx import tx_thread_preemption_change, tx_thread_sleep, tx_thread_wait_abort
from netxsim.tx.kernel import kernel

from .test_arp import (
    A_ADDR, A_MAC, B_ADDR, B_MAC, NOBODY, POOL_PACKETS, RAW_ADDR, RAW_MAC, Net, attach_raw,
    icmp_frame, is_at, mac, who_has,
)

A_ID = A_ADDR & 0xFFFF   # NetX's identifier: the low 16 bits of the interface address


def test_ping_success_data_echoed_at_exact_tick() -> None:
    """3 ticks per hop: who-has 10 → 13, reply 13 → 16, echo 16 → 19, echo reply 19 → 22.
    The second ping needs no ARP: 22 → 25 → 28. The response's prepend pointer is at the
    echoed data."""
    net = Net(propagation_delay=3)
    data = bytes(range(100))

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        tx_thread_sleep(10)
        for size in (100, 7):
            status, response = nx_icmp_ping(a, B_ADDR, data, size, 50)
            net.event("app", (status, response.nx_packet_length,
                              response.nx_packet_prepend_ptr.read(size) == data[:size],
                              response.nx_packet_pool_owner is net.pool["A"]))
            nx_packet_release(response)
        net.event("app", nx_icmp_info_get(a))
        net.event("app", nx_icmp_info_get(b))
        net.event("app", (b.nx_ip_pings_received, b.nx_ip_pings_responded_to, a.nx_ip_icmp_sequence))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (22, "app", (NX_SUCCESS, 100, True, True)),
        (28, "app", (NX_SUCCESS, 7, True, True)),
        # sent, timeouts, threads suspended (never counted by NetX), responses, checksum, unhandled
        (28, "app", (NX_SUCCESS, 2, 0, 0, 2, 0, 0)),
        (28, "app", (NX_SUCCESS, 0, 0, 0, 0, 0, 0)),
        (28, "app", (2, 2, 2)),
    ]
    first = IcmpEcho(8, A_ID, 0, data)
    second = IcmpEcho(8, A_ID, 1, data[:7])
    assert net.wire_log() == [
        (13, "A", who_has(A_MAC, A_ADDR, B_ADDR), "delivered"),
        (16, "B", is_at(B_MAC, B_ADDR, A_MAC, A_ADDR), "delivered"),
        (19, "A", icmp_frame(B_MAC, A_MAC, A_ADDR, B_ADDR, 1, first), "delivered"),
        (22, "B", icmp_frame(A_MAC, B_MAC, B_ADDR, A_ADDR, 1, first.reply()), "delivered"),
        (25, "A", icmp_frame(B_MAC, A_MAC, A_ADDR, B_ADDR, 2, second), "delivered"),
        (28, "B", icmp_frame(A_MAC, B_MAC, B_ADDR, A_ADDR, 2, second.reply()), "delivered"),
    ]
    net.assert_pools_full()


def test_ping_nonexistent_host_times_out_at_exact_tick() -> None:
    net = Net(names=("A",))

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        net.event("app", nx_icmp_ping(a, NOBODY, b"?", 1, 250))
        net.event("app", nx_icmp_info_get(a))
        net.event("app", net.pool_free("A"))           # the request waits on the ARP entry
        net.event("app", nx_arp_entry_delete(a, NOBODY))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (260, "app", (NX_NO_RESPONSE, None)),
        (260, "app", (NX_SUCCESS, 1, 1, 0, 0, 0, 0)),
        (260, "app", POOL_PACKETS - 1),
        (260, "app", NX_SUCCESS),
    ]
    assert net.wire_log() == [(10, "A", who_has(A_MAC, A_ADDR, NOBODY), "unclaimed")]
    net.assert_pools_full()


def test_ping_with_every_frame_dropped_then_arp_retry_delivers_queued_echoes() -> None:
    """Every frame lost: the ping times out at 310. With the wire repaired a second ping
    only joins the unresolved entry's queue; the ARP retry at tick 1000 resolves it, both
    echoes go out, the first reply finds nobody (dropped as invalid), the second wakes
    the pinger at 1000."""
    net = Net(faults=LinkFaults(drop=1.0))

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        net.event("app", nx_icmp_ping(a, B_ADDR, b"1", 1, 300))
        net.wire.faults = None
        status, response = nx_icmp_ping(a, B_ADDR, b"2", 1, 1000)
        net.event("app", (status, response.chain_bytes()))
        nx_packet_release(response)
        net.event("app", nx_icmp_info_get(a))
        net.event("app", a.nx_ip_icmp_invalid_packets)

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (310, "app", (NX_NO_RESPONSE, None)),
        (1000, "app", (NX_SUCCESS, b"2")),
        (1000, "app", (NX_SUCCESS, 2, 1, 0, 2, 0, 0)),
        (1000, "app", 1),
    ]
    log = net.wire_log()
    assert log[0] == (10, "A", who_has(A_MAC, A_ADDR, B_ADDR), "dropped")
    assert [(tick, port, fate) for tick, port, _, fate in log[1:]] == \
        [(1000, "A", "delivered"), (1000, "B", "delivered"), (1000, "A", "delivered"),
         (1000, "A", "delivered"), (1000, "B", "delivered"), (1000, "B", "delivered")]
    net.assert_pools_full()


def test_echo_request_answered_by_peer_ip_thread_reply_rewritten_in_place() -> None:
    """Who puts each frame on the wire: the pinging thread sends the who-has, B's IP thread
    the ARP reply, A's IP thread the queued echo (ARP flush), B's IP thread every echo
    reply; once resolved the pinging thread sends its echo itself. The reply is the
    request with type 0 and the checksum patched (RFC 1624), the data untouched."""
    senders: list[tuple[int, str, str]] = []

    def on_frame(frame: Any) -> None:
        senders.append((frame.tick, frame.port.name, kernel().current_ptr.tx_thread_name))

    net = Net(faults=LinkFaults(on_frame=on_frame))

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        for _ in range(2):
            status, response = nx_icmp_ping(a, B_ADDR, b"\xff\xff\x00\x00odd", 7, 10)
            nx_packet_release(response)

    net.run(lambda n: n.thread("app", app))
    assert senders == [(10, "A", "app"), (10, "B", "B"), (10, "A", "A"), (10, "B", "B"),
                       (10, "A", "app"), (10, "B", "B")]
    request, reply = net.frames[2].frame, net.frames[3].frame
    assert reply[34] == 0 and request[34] == 8
    assert reply[36:38] == IcmpEcho.unpack(request[34:]).reply().pack()[2:4]
    assert reply[38:] == request[38:]
    assert internet_checksum(reply[34:]) == 0
    net.assert_pools_full()


def _icmp_message(icmp_type: int, body: bytes, checksum: int | None = None) -> bytes:
    message = bytearray(struct.pack("!BBH", icmp_type, 0, 0) + body)
    struct.pack_into("!H", message, 2, internet_checksum(message) if checksum is None else checksum)
    return bytes(message)


def _ipv4_frame(message: bytes, ip_id: int) -> bytes:
    header = Ipv4Header(RAW_ADDR, A_ADDR, IP_PROTO_ICMP, identification=ip_id, ttl=64)
    return build_ethernet_frame(mac(A_MAC), mac(RAW_MAC), ETHERTYPE_IPV4, header.pack(len(message)) + message)


def test_bad_checksum_unhandled_type_and_short_messages() -> None:
    net = Net(names=("A",))
    received: list[tuple[int, bytes]] = []

    def app() -> None:
        a = net.ip["A"]
        raw = attach_raw(net, received)
        tx_thread_sleep(10)
        echo = _icmp_message(8, struct.pack("!HH", 0x77, 5) + b"data")
        raw.transmit(_ipv4_frame(echo[:2] + bytes([echo[2] ^ 1]) + echo[3:], 1))   # bad checksum
        raw.transmit(_ipv4_frame(_icmp_message(13, bytes(16)), 2))                    # timestamp
        raw.transmit(_ipv4_frame(b"\x08\x00\xf7\xff", 3))                             # 4 bytes
        raw.transmit(_ipv4_frame(echo, 4))                                            # answered
        net.event("app", nx_icmp_info_get(a))
        net.event("app", (a.nx_ip_icmp_total_messages_received, a.nx_ip_icmp_invalid_packets,
                          a.nx_ip_pings_received, a.nx_ip_pings_responded_to))

    def setup(n: Net) -> None:
        n.after_start(lambda: nx_arp_static_entry_create(n.ip["A"], RAW_ADDR, *RAW_MAC))
        n.thread("app", app)

    net.run(setup)
    assert net.log == [
        (10, "app", (NX_SUCCESS, 0, 0, 0, 0, 1, 1)),
        (10, "app", (4, 2, 1, 1)),
    ]
    reply = IcmpEcho.unpack(_icmp_message(8, struct.pack("!HH", 0x77, 5) + b"data")).reply()
    assert received == [(10, icmp_frame(RAW_MAC, A_MAC, A_ADDR, RAW_ADDR, 1, reply))]
    net.assert_pools_full()


def test_ping_no_wait_returns_at_once_and_late_reply_is_dropped() -> None:
    net = Net()

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        net.event("app", nx_icmp_ping(a, B_ADDR, b"n", 1, NX_NO_WAIT))
        tx_thread_sleep(1)
        net.event("app", nx_icmp_info_get(a))
        net.event("app", a.nx_ip_icmp_invalid_packets)

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", (NX_NO_RESPONSE, None)),
        (11, "app", (NX_SUCCESS, 1, 0, 0, 1, 0, 0)),
        (11, "app", 1),
    ]
    assert len(net.frames) == 4
    net.assert_pools_full()


def test_ping_wait_abort_is_not_a_timeout() -> None:
    net = Net(names=("A",))

    def pinger() -> None:
        tx_thread_sleep(10)
        net.event("pinger", nx_icmp_ping(net.ip["A"], NOBODY, b"a", 1, NX_WAIT_FOREVER))
        net.event("pinger", nx_icmp_info_get(net.ip["A"]))
        nx_arp_entry_delete(net.ip["A"], NOBODY)

    def aborter() -> None:
        tx_thread_sleep(50)
        net.event("aborter", tx_thread_wait_abort(net.threads["pinger"]))

    def setup(n: Net) -> None:
        n.thread("pinger", pinger)
        n.thread("aborter", aborter, priority=5)

    net.run(setup)
    assert net.log == [
        (50, "aborter", NX_SUCCESS),
        (50, "pinger", (NX_WAIT_ABORTED, None)),
        (50, "pinger", (NX_SUCCESS, 1, 0, 0, 0, 0, 0)),
    ]
    assert net.ip["A"].nx_ip_icmp_ping_suspended_count == 0
    net.assert_pools_full()


def test_ip_delete_cleanup_ends_ping_waits_as_timeouts() -> None:
    """What nx_ip_delete does to ping waiters (_nx_icmp_cleanup): NX_NO_RESPONSE, counted
    as a timeout."""
    from netxsim.nx.icmp import _nx_icmp_ping_suspensions_release
    net = Net(names=("A",))

    def pinger(name: str) -> Any:
        def body() -> None:
            tx_thread_sleep(10)
            net.event(name, nx_icmp_ping(net.ip["A"], NOBODY, b"w", 1, NX_WAIT_FOREVER))
        return body

    def deleter() -> None:
        tx_thread_sleep(20)
        net.event("deleter", net.ip["A"].nx_ip_icmp_ping_suspended_count)
        _nx_icmp_ping_suspensions_release(net.ip["A"])
        net.event("deleter", nx_icmp_info_get(net.ip["A"]))
        nx_arp_entry_delete(net.ip["A"], NOBODY)

    def setup(n: Net) -> None:
        n.thread("p1", pinger("p1"))
        n.thread("p2", pinger("p2"))
        n.thread("deleter", deleter, priority=12)

    net.run(setup)
    assert net.log == [
        (20, "deleter", 2),
        (20, "p1", (NX_NO_RESPONSE, None)),
        (20, "p2", (NX_NO_RESPONSE, None)),
        (20, "deleter", (NX_SUCCESS, 2, 2, 0, 0, 0, 0)),
    ]
    net.assert_pools_full()


def test_concurrent_pings_matched_by_sequence_not_order() -> None:
    """Two threads ping B; the reply to the first (seq 0) is delayed 5 ticks on the wire,
    so the second pinger (seq 1) is answered first."""
    def on_frame(frame: Any) -> Action | None:
        data = frame.data
        if frame.port.name == "B" and data[12:14] == b"\x08\x00" and data[34] == 0 and data[40:42] == b"\0\0":
            return Action.delayed(5)
        return None

    net = Net(faults=LinkFaults(on_frame=on_frame))

    def pinger(name: str) -> Any:
        def body() -> None:
            tx_thread_sleep(10)
            status, response = nx_icmp_ping(net.ip["A"], B_ADDR, name.encode(), 2, 100)
            net.event(name, (status, response.chain_bytes()))
            nx_packet_release(response)
        return body

    def setup(n: Net) -> None:
        n.thread("p1", pinger("p1"))
        n.thread("p2", pinger("p2"))

    net.run(setup)
    assert net.log == [(10, "p2", (NX_SUCCESS, b"p2")), (15, "p1", (NX_SUCCESS, b"p1"))]
    net.assert_pools_full()


def test_icmp_queue_outside_the_ip_thread_is_lifo() -> None:
    """Messages handed to ICMP outside the IP thread are queued newest first (C pushes at
    the head) and processed by the IP thread on NX_IP_ICMP_EVENT."""
    net = Net()

    def crafted(sequence: int) -> Any:
        a = net.ip["A"]
        _, packet = nx_packet_allocate(net.pool["A"], NX_RECEIVE_PACKET, NX_NO_WAIT)
        message = IcmpEcho(8, 0x42, sequence, b"q").pack()
        datagram = Ipv4Header(B_ADDR, A_ADDR, IP_PROTO_ICMP, identification=sequence).pack(len(message))
        nx_packet_data_append(packet, datagram + message, 20 + len(message), net.pool["A"], NX_NO_WAIT)
        packet.nx_packet_ip_header = packet.nx_packet_prepend_ptr
        packet.nx_packet_ip_header_length = 0  # the receive path leaves it for transmit to count
        packet.nx_packet_prepend_ptr = packet.nx_packet_prepend_ptr + 20
        packet.nx_packet_length -= 20
        packet.nx_packet_interface_ptr = a.nx_ip_interface[0]
        return packet

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        me = net.threads["app"]
        _, old = tx_thread_preemption_change(me, 0)       # keep A's IP thread off the CPU
        for sequence in (1, 2):
            a.nx_ip_icmp_packet_receive(a, crafted(sequence))
        net.event("app", len(a.nx_ip_icmp_queue))
        tx_thread_preemption_change(me, old)
        net.event("app", len(a.nx_ip_icmp_queue))

    def setup(n: Net) -> None:
        n.after_start(lambda: nx_arp_static_entry_create(n.ip["A"], B_ADDR, *B_MAC))
        n.thread("app", app)

    net.run(setup)
    assert net.log == [(10, "app", 2), (10, "app", 0)]
    sent_by_a = [IcmpEcho.unpack(f[34:]) for _, port, f, _ in net.wire_log() if port == "A"]
    assert [(echo.type, echo.sequence) for echo in sent_by_a] == [(0, 2), (0, 1)]
    net.assert_pools_full()


def test_request_allocation_failure_and_wait() -> None:
    net = Net(pool_packets=1)

    def app() -> None:
        a, pool = net.ip["A"], net.pool["A"]
        tx_thread_sleep(10)
        _, hog = nx_packet_allocate(pool, NX_RECEIVE_PACKET, NX_NO_WAIT)
        net.event("app", nx_icmp_ping(a, B_ADDR, b"", 0, NX_NO_WAIT))
        net.event("app", nx_icmp_ping(a, B_ADDR, b"", 0, 5))
        net.event("app", nx_packet_pool_info_get(pool)[3:5])
        nx_packet_release(hog)

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", (NX_NO_PACKET, None)),
        (15, "app", (NX_NO_PACKET, None)),
        (15, "app", (2, 1)),
    ]
    assert nx_icmp_info_get(net.ip["A"])[1] == 0     # nothing was sent
    net.assert_pools_full()


def test_error_checking_layer() -> None:
    net = Net(icmp=("A",))
    results: dict[str, Any] = {}

    def in_timer() -> None:
        a, b = net.ip["A"], net.ip["B"]
        results["timer"] = [nx_icmp_enable(b), nx_icmp_ping(a, B_ADDR, b"", 0, NX_NO_WAIT),
                            nx_icmp_info_get(a)[0]]

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        tx_thread_sleep(2)
        results["thread"] = [
            nx_icmp_enable(None), nx_icmp_enable(NX_IP()), nx_icmp_enable(a),
            nx_icmp_ping(None, B_ADDR, b"", 0, 1), nx_icmp_ping(NX_IP(), B_ADDR, b"", 0, 1),
            nx_icmp_ping(a, 0, b"", 0, 1), nx_icmp_ping(b, A_ADDR, b"", 0, 1),
            nx_icmp_ping(a, IP_ADDRESS(10, 9, 8, 7), b"", 0, 1),     # no route, no gateway
            nx_icmp_info_get(None)[0], nx_icmp_info_get(NX_IP())[0], nx_icmp_info_get(b)[0],
        ]

    def setup(n: Net) -> None:
        results["init"] = [nx_icmp_ping(n.ip["A"], B_ADDR, b"", 0, NX_NO_WAIT),
                           nx_icmp_info_get(n.ip["A"])[0]]
        n.timer("t", in_timer, 1)
        n.thread("app", app)

    net.run(setup)
    assert results["init"] == [(NX_CALLER_ERROR, None), NX_SUCCESS]
    assert results["timer"] == [NX_CALLER_ERROR, (NX_CALLER_ERROR, None), NX_CALLER_ERROR]
    assert results["thread"] == [
        NX_PTR_ERROR, NX_PTR_ERROR, NX_ALREADY_ENABLED,
        (NX_PTR_ERROR, None), (NX_PTR_ERROR, None), (NX_IP_ADDRESS_ERROR, None),
        (NX_NOT_ENABLED, None), (NX_IP_ADDRESS_ERROR, None),
        NX_PTR_ERROR, NX_PTR_ERROR, NX_NOT_ENABLED,
    ]
    assert net.frames == []
    net.assert_pools_full()
