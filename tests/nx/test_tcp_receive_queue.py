"""The TCP receive queue in both builds (netxduo ``nx_tcp_socket_state_data_check.c``,
``nx_tcp_socket_packet_process.c``, ``nx_tcp_socket_receive_queue_max_set.c``,
``nx_packet_pool_low_watermark_set.c``).

The queue cap and the pool low-watermark drop sit inside ``#ifdef
NX_ENABLE_LOW_WATERMARK``; the default build (``nx_user_sample.h`` leaves it off) takes
every in-window segment. A raw sender fills a 44-segment window, as Linux did through a
TAP bridge: the default build queues all 44 without an ACK or a drop; the low-watermark
build queues 20 (NX_TCP_MAXIMUM_RX_QUEUE), drops the 21st closing the window to 0 with an
ACK, and answers the other 23 (now outside the zero window) with that ACK again.
"""
from __future__ import annotations

from typing import Any

import netxsim.nx as nx
from netxsim.nx import NX_NOT_SUPPORTED, NX_SUCCESS, NX_NO_PACKET, NX_PTR_ERROR
from netxsim.nx.config import NxConfig
from netxsim.nx.constants import NX_NO_WAIT
from tests.nx.tcp_harness import ACK, ISN, P, PSH, Case, pattern

MSS = 1460
SEGMENTS = 44
WINDOW = 65535            # 44 * 1460 = 64240 bytes: every segment is in the window
LOW_WATERMARK = NxConfig(NX_ENABLE_LOW_WATERMARK=True)


def _burst(c: Case, data: bytes, first: int, count: int) -> None:
    for index in range(first, first + count):
        c.peer(ACK | PSH, P + 1 + index * MSS, ISN + 1, data[index * MSS:(index + 1) * MSS])


def _drain(c: Case) -> bytes:
    got = b""
    while True:
        status, packet = nx.nx_tcp_socket_receive(c.s, NX_NO_WAIT)
        if status != NX_SUCCESS:
            assert status == NX_NO_PACKET
            return got
        got += packet.chain_bytes()
        nx.nx_packet_release(packet)


def _run(config: Any, body) -> Case:
    case = Case(window=WINDOW, pool_packets=64, config=config)
    case.run(body)
    return case


def test_default_build_queues_all_44_in_window_segments() -> None:
    data = pattern(SEGMENTS * MSS)
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        c.established()
        _burst(c, data, 0, SEGMENTS)
        seen["replies"] = c.replies()
        s = c.s
        seen["queued"] = len(s._rx_queue)
        seen["window"] = s.nx_tcp_socket_rx_window_current
        seen["dropped"] = c.net.ip["A"].nx_ip_tcp_receive_packets_dropped
        seen["received"] = s.nx_tcp_socket_packets_received
        seen["data"] = _drain(c)

    case = _run(None, body)
    assert case.net.ip["A"].nx_config.NX_ENABLE_LOW_WATERMARK is False
    assert seen["replies"] == []            # no ACK during the burst: the delayed ACK waits
    assert seen["queued"] == SEGMENTS
    assert seen["window"] == WINDOW - SEGMENTS * MSS
    assert (seen["dropped"], seen["received"]) == (0, SEGMENTS)
    assert seen["data"] == data


def test_low_watermark_build_caps_the_queue_at_20_and_closes_the_window() -> None:
    data = pattern(SEGMENTS * MSS)
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        c.established()
        assert c.s.nx_tcp_socket_receive_queue_maximum == 20
        _burst(c, data, 0, SEGMENTS)
        seen["replies"] = c.replies()
        s = c.s
        seen["queued"] = len(s._rx_queue)
        seen["window"] = s.nx_tcp_socket_rx_window_current
        seen["dropped"] = c.net.ip["A"].nx_ip_tcp_receive_packets_dropped
        seen["received"] = s.nx_tcp_socket_packets_received
        got = _drain(c)
        # The sender goes back to the first byte not acknowledged; 20 fit again, then 4.
        _burst(c, data, 20, 20)
        got += _drain(c)
        _burst(c, data, 40, 4)
        seen["data"] = got + _drain(c)

    _run(LOW_WATERMARK, body)
    stuck = P + 1 + 20 * MSS
    # The 21st segment is dropped: window 0, ACK of the 20 queued; the 23 after it fall
    # outside the zero window and are each answered with the same ACK.
    assert [(s.flags, s.seq, s.ack, s.window) for s in seen["replies"]] == [(ACK, ISN + 1, stuck, 0)] * 24
    assert seen["queued"] == 20
    assert seen["window"] == 0
    # The in-order drop is counted as received (data_check counts before its return);
    # only the out-of-window segments count as dropped.
    assert (seen["dropped"], seen["received"]) == (23, 21)
    assert seen["data"] == data


def test_receive_queue_max_set_raises_the_cap() -> None:
    data = pattern(SEGMENTS * MSS)
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        c.established()
        seen["set"] = nx.nx_tcp_socket_receive_queue_max_set(c.s, 30)
        _burst(c, data, 0, SEGMENTS)
        seen["queued"] = len(c.s._rx_queue)
        _drain(c)
        c.replies()

    _run(LOW_WATERMARK, body)
    assert seen == {"set": NX_SUCCESS, "queued": 30}


def test_pool_low_watermark_drops_data_and_reopens_the_window() -> None:
    data = pattern(8 * MSS)
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        c.established()
        pool = c.net.pool["A"]
        free = pool.nx_packet_pool_available
        # Two more packets may be taken; the third segment finds the pool below the mark.
        seen["set"] = nx.nx_packet_pool_low_watermark_set(pool, free - 2)
        _burst(c, data, 0, 3)
        seen["queued"] = len(c.s._rx_queue)
        seen["replies"] = [(s.ack, s.window) for s in c.replies()]
        seen["first"] = _drain(c)
        # The queue is empty and the pool above the mark again: the next segment reopens
        # the window (nx_tcp_socket_packet_process) and is taken.
        _burst(c, data, 2, 1)
        seen["second"] = _drain(c)

    _run(LOW_WATERMARK, body)
    assert seen["set"] == NX_SUCCESS
    assert seen["queued"] == 2
    assert seen["replies"] == [(P + 1 + 2 * MSS, 0)]
    assert seen["first"] == data[:2 * MSS]
    assert seen["second"] == data[2 * MSS:3 * MSS]


def test_both_services_are_not_supported_in_the_default_build() -> None:
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        pool = c.net.pool["A"]
        seen["pool"] = nx.nx_packet_pool_low_watermark_set(pool, 3)
        seen["socket"] = nx.nx_tcp_socket_receive_queue_max_set(c.s, 3)
        seen["bad"] = nx.nx_tcp_socket_receive_queue_max_set(None, 3)
        seen["core"] = nx._nx_tcp_socket_receive_queue_max_set(c.s, 3)
        seen["field"] = (pool.nx_packet_pool_low_watermark, c.s.nx_tcp_socket_receive_queue_maximum)

    _run(None, body)
    assert seen == {"pool": NX_NOT_SUPPORTED, "socket": NX_NOT_SUPPORTED, "bad": NX_NOT_SUPPORTED,
                    "core": NX_NOT_SUPPORTED, "field": (0, 0)}


def test_checks_of_both_services_in_the_low_watermark_build() -> None:
    seen: dict[str, Any] = {}

    def body(c: Case) -> None:
        seen["pool"] = nx.nx_packet_pool_low_watermark_set(None, 3)
        seen["socket"] = nx.nx_tcp_socket_receive_queue_max_set(nx.NX_TCP_SOCKET(), 3)

    _run(LOW_WATERMARK, body)
    assert seen == {"pool": NX_PTR_ERROR, "socket": NX_PTR_ERROR}
