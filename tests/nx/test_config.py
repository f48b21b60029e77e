"""Every NetX Duo build option (netxsim.nx.config.NxConfig), its effect shown both ways
against the C (netxduo ``nx_tcp_socket_state_data_check.c``, ``nx_tcp_socket_create.c``,
``nx_tcp_fast_periodic_processing.c``, ``nx_packet_data_append.c``,
``nx_ip_interface_capability_set.c``, ``nx_ip_auxiliary_packet_pool_set.c``,
``nx_tcp_packet_send_control.c``, ``nx_arp_periodic_update.c``,
``nx_arp_packet_receive.c``, ``nx_api.h``). The receive-queue options have their own
file (test_tcp_receive_queue.py); the keepalive probes are in test_tcp_impl.py."""
from __future__ import annotations

from typing import Any

import pytest

import netxsim.nx as nx
from netxsim.nx import (
    NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_MAX_LISTEN, NX_NO_MORE_ENTRIES, NX_NOT_SUPPORTED,
    NX_OPTION_ERROR, NX_PACKET_POOL, NX_SIZE_ERROR, NX_SUCCESS, NX_TX_QUEUE_DEPTH, nx_packet_allocate,
    nx_packet_data_append, nx_packet_pool_create, nx_packet_pool_info_get, nx_packet_release,
)
from netxsim.nx.config import NxConfig
from netxsim.nx.constants import NX_IN_PROGRESS, NX_NO_WAIT
from netxsim.nx.icmp import nx_icmp_ping
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.nx.ip import (
    NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM, NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM,
    NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM, nx_ip_auxiliary_packet_pool_set, nx_ip_interface_capability_get,
    nx_ip_interface_capability_set,
)
from netxsim.tx import sizeof, tx_kernel_enter, tx_thread_sleep
from netxsim.nx.wire import netx_syn_options

from tests.nx.tcp_harness import (
    ACK, ISN, LOCAL, P, PSH, REMOTE, STATION_ADDR, SYN, Case, ESTABLISHED, SYN_SENT,
)
from tests.nx.test_arp import A_ADDR, A_MAC, B_ADDR, NOBODY, RAW_MAC, Net, attach_raw, who_has

DATA = bytes(range(100))


def _case(config: Any, body, **net: Any) -> Case:
    case = Case(config=config, **net)
    case.run(body)
    return case


# ================================================================== error checking
def test_nx_disable_error_checking_skips_the_nxe_checks() -> None:
    seen = []

    def body(c: Case) -> None:
        # A window of 0: the _nxe_ layer refuses it, the core takes it.
        seen.append(nx.nx_tcp_socket_create(c.net.ip["A"], nx.NX_TCP_SOCKET(), "w", 0, 0, 0x80, 0, None, None))

    _case(None, body)
    _case(NxConfig(NX_DISABLE_ERROR_CHECKING=True), body)
    assert seen == [NX_OPTION_ERROR, NX_SUCCESS]


# ========================================================================== TCP
def _syn_ticks(config: Any, sleep: int = 1600) -> tuple[list[int], int]:
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        tx_thread_sleep(sleep)
        seen["syns"] = [s.tick for s in c.replies() if s.flags == SYN]
        seen["state"] = c.s.nx_tcp_socket_state

    _case(config, body)
    return seen["syns"], seen["state"]


def test_nx_tcp_maximum_retries_bounds_the_syn_retries() -> None:
    assert _syn_ticks(None) == ([0] + [100 * k for k in range(1, 11)], 1)      # 10 retries, then CLOSED
    assert _syn_ticks(NxConfig(NX_TCP_MAXIMUM_RETRIES=2)) == ([0, 100, 200], 1)


def test_nx_tcp_retry_shift_backs_the_retransmission_off() -> None:
    assert _syn_ticks(NxConfig(NX_TCP_MAXIMUM_RETRIES=3))[0] == [0, 100, 200, 300]
    assert _syn_ticks(NxConfig(NX_TCP_MAXIMUM_RETRIES=3, NX_TCP_RETRY_SHIFT=1))[0] == [0, 100, 300, 700]


def test_nx_tcp_transmit_timer_rate_sets_the_rto() -> None:
    assert _syn_ticks(NxConfig(NX_TCP_MAXIMUM_RETRIES=2, NX_TCP_TRANSMIT_TIMER_RATE=2))[0] == [0, 50, 100]


@pytest.mark.parametrize("options, rates", [
    ({}, (10, 20, 100, 24000)),
    ({"NX_TCP_FAST_TIMER_RATE": 20, "NX_TCP_ACK_TIMER_RATE": 10, "NX_TCP_MAXIMUM_SEGMENT_LIFETIME": 1},
     (5, 10, 100, 200)),
])
def test_nx_tcp_timer_rates_and_segment_lifetime(options: dict, rates: tuple) -> None:
    seen = {}

    def define(_: Any) -> None:
        seen["rates"] = NxConfig.tcp_rates

    tx_kernel_enter(define, config=options)
    assert seen["rates"] == rates


def test_nx_tcp_mss_size_is_a_new_sockets_mss() -> None:
    seen = []

    def body(c: Case) -> None:
        seen.append(nx.nx_tcp_socket_mss_get(c.s))

    _case(None, body)
    _case(NxConfig(NX_TCP_MSS_SIZE=536), body)
    assert seen == [(NX_SUCCESS, 1460), (NX_SUCCESS, 536)]


def test_nx_max_listen_requests_bounds_the_listening_ports() -> None:
    seen = []

    def body(c: Case) -> None:
        ip = c.net.ip["A"]
        other = nx.NX_TCP_SOCKET()
        assert nx.nx_tcp_socket_create(ip, other, "o", 0, 0, 0x80, 8192, None, None) == NX_SUCCESS
        seen.append(nx.nx_tcp_server_socket_listen(ip, 80, c.s, 5, None))
        seen.append(nx.nx_tcp_server_socket_listen(ip, 81, other, 5, None))
        for port in (80, 81):
            nx.nx_tcp_server_socket_unlisten(ip, port)
        nx.nx_tcp_socket_delete(other)
        c.server = False

    _case(None, body)
    _case(NxConfig(NX_MAX_LISTEN_REQUESTS=1), body)
    assert seen == [NX_SUCCESS, NX_SUCCESS, NX_SUCCESS, NX_MAX_LISTEN]


def test_nx_tcp_maximum_tx_queue_bounds_unacknowledged_segments() -> None:
    seen = []

    def body(c: Case) -> None:
        c.established()
        statuses = []
        for _ in range(3):
            status, packet = nx_packet_allocate(c.net.pool["A"], nx.NX_IPv4_TCP_PACKET, NX_NO_WAIT)
            nx_packet_data_append(packet, DATA, len(DATA), c.net.pool["A"], NX_NO_WAIT)
            status = nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT)
            if status != NX_SUCCESS:
                nx_packet_release(packet)
            statuses.append(status)
        c.replies()
        seen.append((c.s.nx_tcp_socket_transmit_queue_maximum, statuses))

    _case(None, body)
    _case(NxConfig(NX_TCP_MAXIMUM_TX_QUEUE=2), body)
    assert seen == [(20, [NX_SUCCESS] * 3), (2, [NX_SUCCESS, NX_SUCCESS, NX_TX_QUEUE_DEPTH])]


def _acks_for_four_segments(config: Any) -> list[tuple[int, int]]:
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        c.established()
        acks = []
        for index in range(4):
            c.peer(ACK | PSH, P + 1 + 100 * index, ISN + 1, DATA)
            acks += [(index, s.ack - (P + 1)) for s in c.replies()]
        seen["acks"] = acks

    _case(config, body)
    return seen["acks"]


def test_nx_tcp_ack_every_n_packets_and_immediate_ack() -> None:
    assert _acks_for_four_segments(None) == []                 # the delayed-ACK timer only
    assert _acks_for_four_segments(NxConfig(NX_TCP_ACK_EVERY_N_PACKETS=2)) == [(1, 200), (3, 400)]
    assert _acks_for_four_segments(NxConfig(NX_TCP_IMMEDIATE_ACK=True)) == [(0, 100), (1, 200), (2, 300),
                                                                           (3, 400)]
    # An explicit N wins over NX_TCP_IMMEDIATE_ACK, as in nx_user_sample.h.
    assert NxConfig(NX_TCP_IMMEDIATE_ACK=True, NX_TCP_ACK_EVERY_N_PACKETS=3).tcp_ack_every_n_packets == 3


def _out_of_order_kept(config: Any) -> int:
    seen = {}

    def body(c: Case) -> None:
        c.established()
        for index in range(1, 13):                             # segment 0 never comes
            c.peer(ACK | PSH, P + 1 + 100 * index, ISN + 1, DATA)
        c.replies()
        seen["kept"] = len(c.s._rx_queue)

    _case(config, body)
    return seen["kept"]


def test_nx_tcp_max_out_of_order_packets() -> None:
    assert _out_of_order_kept(None) == 12                      # undefined: no limit
    assert _out_of_order_kept(NxConfig(NX_TCP_MAX_OUT_OF_ORDER_PACKETS=8)) == 8


def test_nx_tcp_maximum_rx_queue_is_a_new_sockets_cap() -> None:
    seen = {}

    def body(c: Case) -> None:
        c.established()
        for index in range(12):
            c.peer(ACK | PSH, P + 1 + 100 * index, ISN + 1, DATA)
        c.replies()
        seen["queued"] = len(c.s._rx_queue)
        seen["maximum"] = c.s.nx_tcp_socket_receive_queue_maximum

    _case(NxConfig(NX_ENABLE_LOW_WATERMARK=True, NX_TCP_MAXIMUM_RX_QUEUE=10), body, window=65535)
    assert seen == {"queued": 10, "maximum": 10}


def test_nx_enable_tcp_keepalive_arms_the_sockets_keepalive() -> None:
    seen = []

    def body(c: Case) -> None:
        c.established()
        seen.append((c.s.nx_tcp_socket_keepalive_enabled, c.s.nx_tcp_socket_keepalive_timeout))

    _case(None, body)
    _case(NxConfig(NX_ENABLE_TCP_KEEPALIVE=True, NX_TCP_KEEPALIVE_INITIAL=30), body)
    assert seen == [(False, 0), (True, 30)]


# ====================================================================== packets
def test_nx_disable_packet_chain_refuses_an_append_past_the_buffer() -> None:
    seen = []

    def body(c: Case) -> None:
        pool = c.net.pool_create("small", 512, 4)
        status, packet = nx_packet_allocate(pool, 0, NX_NO_WAIT)
        seen.append((nx_packet_data_append(packet, bytes(1000), 1000, pool, NX_NO_WAIT),
                     packet.nx_packet_length, packet.nx_packet_next is not None))
        nx_packet_release(packet)

    _case(None, body)
    _case(NxConfig(NX_DISABLE_PACKET_CHAIN=True), body)
    assert seen == [(NX_SUCCESS, 1000, True), (NX_SIZE_ERROR, 0, False)]


def test_nx_disable_packet_chain_drops_frames_larger_than_a_receive_buffer() -> None:
    seen = []

    def body(c: Case) -> None:
        c.established()
        c.peer(ACK | PSH, P + 1, ISN + 1, bytes(400))          # 454-byte frame, 256-byte buffers
        c.replies()
        seen.append(c.s.nx_tcp_socket_bytes_received)

    _case(None, body, payload=256, pool_packets=32)
    _case(NxConfig(NX_DISABLE_PACKET_CHAIN=True), body, payload=256, pool_packets=32)
    assert seen == [400, 0]


@pytest.mark.parametrize("config, total, size", [(None, 10, 60),
                                                 (NxConfig(NX_PACKET_HEADER_PAD=True), 9, 64),
                                                 (NxConfig(NX_PACKET_HEADER_PAD=True, NX_PACKET_HEADER_PAD_SIZE=3),
                                                  9, 72)])
def test_nx_packet_header_pad_grows_nx_packet(config: Any, total: int, size: int) -> None:
    seen = {}

    def define(first_unused: Any) -> None:
        pool = NX_PACKET_POOL()
        assert nx_packet_pool_create(pool, "p", 512, first_unused, 10 * (60 + 512)) == NX_SUCCESS
        seen["total"] = nx_packet_pool_info_get(pool)[1]
        seen["sizeof"] = sizeof("NX_PACKET")
        seen["header"] = pool.packets[0]._start - pool.nx_packet_pool_start.address

    tx_kernel_enter(define, config=config)
    assert seen == {"total": total, "sizeof": size, "header": size}


# ============================================================ interfaces and pools
def _capability(config: Any) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        ip = c.net.ip["A"]
        flags = NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM | NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM \
            | NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM
        seen["set"] = nx_ip_interface_capability_set(ip, 0, flags)
        seen["get"] = nx_ip_interface_capability_get(ip, 0)
        seen["index 1"] = nx_ip_interface_capability_set(ip, 1, 0)
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        syn = c.st.frames[-1][1]
        seen["syn checksums"] = (syn[24:26], syn[50:52])
        c.st.frames.clear()
        # A SYN+ACK with a damaged TCP checksum.
        c.st.send(REMOTE, LOCAL, SYN | ACK, P, ISN + 1, 4096, b"", netx_syn_options(1460), checksum_xor=0x0101)
        seen["state"] = c.s.nx_tcp_socket_state
        c.st.frames.clear()

    _case(config, body)
    return seen


def test_nx_enable_interface_capability_offloads_checksums() -> None:
    off = _capability(None)
    assert (off["set"], off["get"], off["index 1"]) == (NX_NOT_SUPPORTED, (NX_NOT_SUPPORTED, None), NX_NOT_SUPPORTED)
    assert off["syn checksums"][0] != b"\0\0" and off["syn checksums"][1] != b"\0\0"
    assert off["state"] == SYN_SENT                            # the damaged segment was dropped
    on = _capability(NxConfig(NX_ENABLE_INTERFACE_CAPABILITY=True))
    assert (on["set"], on["get"], on["index 1"]) == (NX_SUCCESS, (NX_SUCCESS, 0b1101), NX_INVALID_INTERFACE)
    assert on["syn checksums"] == (b"\0\0", b"\0\0")           # left for the driver
    assert on["state"] == ESTABLISHED                          # not verified: taken


def test_nx_max_physical_interfaces_sets_the_slots_and_the_loopback_index() -> None:
    seen = []

    def body(c: Case) -> None:
        ip = c.net.ip["A"]
        seen.append((len(ip.nx_ip_interface), ip.nx_ip_interface[-1].nx_interface_name,
                     nx_ip_interface_capability_set(ip, 1, 0), nx.nx_ip_interface_status_check(ip, 1, 0, 0)[0]))

    capability = {"NX_ENABLE_INTERFACE_CAPABILITY": True}
    _case(capability, body)
    _case(dict(capability, NX_MAX_PHYSICAL_INTERFACES=2), body)
    assert seen == [(2, "Internal IP Loopback", NX_INVALID_INTERFACE, NX_INVALID_INTERFACE),
                    (3, "Internal IP Loopback", NX_SUCCESS, NX_INVALID_INTERFACE)]


def _second_network(config: Any, attach_late: bool) -> list[Any]:
    """A attaches 10.0.0.1/24 (in init, or from a thread after its IP thread ran) and
    pings C at 10.0.0.2 on the same RAM-driver wire."""
    net = Net(names=("A",), config=config)
    c_ip = nx.NX_IP()

    def attach() -> Any:
        return nx.nx_ip_interface_attach(net.ip["A"], "second", 0x0A000001, 0xFFFFFF00, _nx_ram_network_driver)

    def setup(n: Net) -> None:
        pool = NX_PACKET_POOL()
        assert nx_packet_pool_create(pool, "C pool", 1536, n.take(8 * 1600), 8 * 1600) == NX_SUCCESS
        assert nx.nx_ip_create(c_ip, "C", 0x0A000002, 0xFFFFFF00, pool, _nx_ram_network_driver,
                               n.take(2048), 2048, 1) == NX_SUCCESS
        assert nx.nx_arp_enable(c_ip, n.take(1040), 1040) == NX_SUCCESS
        assert nx.nx_icmp_enable(c_ip) == NX_SUCCESS
        if not attach_late:
            n.event("init", attach())

        def app() -> None:
            if attach_late:
                n.event("app", attach())
            status, response = nx_icmp_ping(net.ip["A"], 0x0A000002, b"hi", 2, 100)
            n.event("app", status)
            if response is not None:
                nx_packet_release(response)
        n.thread("app", app)

    net.run(setup)
    return [what for _, _, what in net.log]


def test_nx_max_physical_interfaces_lets_a_second_interface_attach() -> None:
    assert _second_network(None, False) == [NX_NO_MORE_ENTRIES, NX_IP_ADDRESS_ERROR]   # no route
    two = NxConfig(NX_MAX_PHYSICAL_INTERFACES=2)
    assert _second_network(two, False) == [NX_SUCCESS, NX_SUCCESS]     # started by the IP thread
    assert _second_network(two, True) == [NX_SUCCESS, NX_SUCCESS]      # started at once


def _syn_with_default_pool_empty(config: Any) -> tuple[int, list[int]]:
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        ip, pool = c.net.ip["A"], c.net.pool["A"]
        auxiliary = c.net.pool_create("aux", 256, 4)
        seen["set"] = nx_ip_auxiliary_packet_pool_set(ip, auxiliary)
        held = []
        while True:
            status, packet = nx_packet_allocate(pool, 0, NX_NO_WAIT)
            if status != NX_SUCCESS:
                break
            held.append(packet)
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        seen["syns"] = [s.seq for s in c.replies() if s.flags == SYN]
        for packet in held:
            nx_packet_release(packet)

    _case(config, body)
    return seen["set"], seen["syns"]


def test_nx_enable_dual_packet_pool_sends_control_segments_from_the_auxiliary_pool() -> None:
    assert _syn_with_default_pool_empty(None) == (NX_NOT_SUPPORTED, [])       # no packet: no SYN
    assert _syn_with_default_pool_empty(NxConfig(NX_ENABLE_DUAL_PACKET_POOL=True)) == (NX_SUCCESS, [ISN])


# ========================================================================== ARP
def _arp_requests(config: Any, target: int, sleep: int) -> list[tuple[int, str, int]]:
    net = Net(config=config)

    def app() -> None:
        tx_thread_sleep(10)
        nx_icmp_ping(net.ip["A"], target, b"q", 1, NX_NO_WAIT)
        tx_thread_sleep(sleep)

    net.run(lambda n: n.thread("app", app))
    return [(tick, port, int.from_bytes(frame[38:42], "big")) for tick, port, frame, _ in net.wire_log()
            if frame[12:14] == b"\x08\x06" and frame[21] == 1]


def test_nx_arp_maximum_retries_and_update_rate() -> None:
    assert [t for t, *_ in _arp_requests(None, NOBODY, 2500)] == [10, 1000, 2000]
    assert [t for t, *_ in _arp_requests(NxConfig(NX_ARP_MAXIMUM_RETRIES=2, NX_ARP_UPDATE_RATE=1),
                                         NOBODY, 2500)] == [10, 100, 200]


def test_nx_arp_expiration_rate_refreshes_a_resolved_entry() -> None:
    assert _arp_requests(None, B_ADDR, 350) == [(10, "A", B_ADDR)]
    # Every second each side's entry (A's for B, B's auto entry for A) is asked for again.
    assert _arp_requests(NxConfig(NX_ARP_EXPIRATION_RATE=1), B_ADDR, 350) == [(10, "A", B_ADDR)] + [
        (tick, port, address) for tick in (100, 200, 300) for port, address in (("A", B_ADDR), ("B", A_ADDR))]


def test_nx_disable_arp_auto_entry() -> None:
    # B learns A from A's request (auto entry) and answers the ping without ARP; without
    # the auto entry B must ask for A itself.
    assert _arp_requests(None, B_ADDR, 50) == [(10, "A", B_ADDR)]
    assert _arp_requests(NxConfig(NX_DISABLE_ARP_AUTO_ENTRY=True), B_ADDR, 50) == [(10, "A", B_ADDR),
                                                                                   (10, "B", A_ADDR)]


def _queued(config: Any) -> int:
    net = Net(names=("A",), config=config)
    seen = {}

    def app() -> None:
        tx_thread_sleep(10)
        for _ in range(6):
            nx_icmp_ping(net.ip["A"], NOBODY, b"q", 1, NX_NO_WAIT)
        seen["held"] = nx_packet_pool_info_get(net.pool["A"])[1] - net.pool_free("A")
        nx.nx_arp_dynamic_entries_invalidate(net.ip["A"])

    net.run(lambda n: n.thread("app", app))
    return seen["held"]


def test_nx_arp_max_queue_depth() -> None:
    assert _queued(None) == 4
    assert _queued(NxConfig(NX_ARP_MAX_QUEUE_DEPTH=6)) == 6


def _defences(config: Any) -> list[int]:
    net = Net(config=config)

    def app() -> None:
        raw = attach_raw(net, [])
        tx_thread_sleep(10)
        claim = who_has(RAW_MAC, A_ADDR, A_ADDR)
        raw.transmit(claim)
        tx_thread_sleep(1000)
        raw.transmit(claim)

    net.run(lambda n: n.thread("app", app))
    defence = who_has(A_MAC, A_ADDR, A_ADDR)
    return [tick for tick, port, frame, _ in net.wire_log() if port == "A" and frame == defence]


def test_nx_arp_defend_interval() -> None:
    assert _defences(None) == [10, 1010]
    assert _defences(NxConfig(NX_ARP_DEFEND_INTERVAL=20)) == [10]
