"""NetX TCP per-state tests, smoltcp style: bring socket ``s`` of IP A (1.2.3.4) into one
state against a raw station (1.2.3.77, netxsim.testing.tcp.Station), apply one segment, and check
the segment A answers with (flags, seq, ack, window, options, data) and the state reached
(nx_tcp_socket_info_get's state out-value and the nx_tcp_socket_state field).

Facts used (netxduo common/src): socket created with window 8192 (WIN); a client binds
port 1024 explicitly, so its ISN is the kernel's 1st and 2nd glibc rand(): 0x777F23C6
(nxd_tcp_client_socket_connect.c); a server accepting on port 80 gets the same ISN
(nx_tcp_server_socket_accept.c). The station's ISN is 1000. Everything happens at tick 0
(the station's segment is processed by A's IP thread, which preempts the sender, before
``send`` returns), unless a test sleeps. Control segments carry window = the socket's
current receive window; RSTs for no socket carry window 0 (nx_tcp_no_connection_reset.c).
"""
from __future__ import annotations

from typing import Any

from hypothesis import given, strategies as st

import netxsim.nx as nx
from netxsim.nx.constants import (
    NX_ALREADY_BOUND, NX_DISCONNECT_FAILED, NX_IN_PROGRESS, NX_NO_PACKET, NX_NO_WAIT, NX_NOT_CONNECTED, NX_SUCCESS,
)
from netxsim.nx.wire import netx_syn_options
from netxsim.tx import tx_thread_sleep

from netxsim.testing.tcp import (
    A_ADDR, A_MAC, ACK, CLOSE_WAIT, CLOSED, CLOSING, ESTABLISHED, FIN, FIN_WAIT_1, FIN_WAIT_2, ISN,
    LAST_ACK, LISTEN, LOCAL, P, PEER_PORT, PEER_WIN, PSH, REMOTE, RST, STATION_ADDR, STATION_MAC, SYN,
    SYN_RECEIVED, SYN_SENT, TIME_WAIT, WIN, Case, expected_frame, receive_bytes, run, seg,
)

# ============================================================================ CLOSED
def test_closed_syn_to_unbound_port_gets_rst_ack() -> None:
    """No socket on the port: RST+ACK, seq 0, ack = seq + 1 (SYN), window 0, from the IP
    default pool, as bytes: IP ID 1 (A's first datagram), TTL 128, TOS 0."""
    def body(c: Case) -> None:
        c.st.send(PEER_PORT, 81, SYN, P, 0, PEER_WIN, b"", netx_syn_options(1460))
        frames = list(c.st.frames)
        assert c.replies() == [seg(RST | ACK, 0, P + 1, window=0, src=81, dst=PEER_PORT)]
        assert frames[0][1] == expected_frame(A_MAC, STATION_MAC, A_ADDR, STATION_ADDR, 1, 81, PEER_PORT,
                                              0, P + 1, RST | ACK, 0)
        c.expect_state(CLOSED)
    run(body)


def test_closed_ack_to_unbound_port_gets_rst_from_its_ack() -> None:
    def body(c: Case) -> None:
        c.st.send(PEER_PORT, 81, ACK, P, 5555, PEER_WIN, b"data")
        assert c.replies() == [seg(RST, 5555, 0, window=0, src=81, dst=PEER_PORT)]
        c.expect_state(CLOSED)
    run(body)


def test_closed_fin_without_ack_counts_data_and_fin() -> None:
    def body(c: Case) -> None:
        c.st.send(PEER_PORT, 81, FIN, P, 0, PEER_WIN, b"abc")
        assert c.replies() == [seg(RST | ACK, 0, P + 3 + 1, window=0, src=81, dst=PEER_PORT)]
    run(body)


def test_closed_rst_is_not_answered() -> None:
    def body(c: Case) -> None:
        c.st.send(PEER_PORT, 81, RST, P, 0, 0)
        c.st.send(PEER_PORT, 81, RST | ACK, P, 7, 0)
        assert c.replies() == []
        c.expect_state(CLOSED)
    run(body)


# ============================================================================ LISTEN
def test_listen_syn_is_held_until_accept() -> None:
    """A SYN for a listening socket is recorded, not answered; accept sends the SYN+ACK."""
    def body(c: Case) -> None:
        c.syn_received()
    run(body)


def test_listen_accept_first_then_syn_answers_at_once() -> None:
    def body(c: Case) -> None:
        c.listen()
        assert nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT) == NX_IN_PROGRESS
        assert c.replies() == []
        c.expect_state(SYN_RECEIVED)
        c.peer(SYN, P, options=netx_syn_options(536))
        assert c.replies() == [seg(SYN | ACK, ISN, P + 1, options=netx_syn_options(1460),
                                   src=REMOTE, dst=PEER_PORT)]
        c.expect_state(SYN_RECEIVED)
    run(body)


def test_listen_ack_without_syn_gets_rst() -> None:
    """Segments with ACK are not connection requests: no socket matches → RST, seq = ack."""
    def body(c: Case) -> None:
        c.listen()
        c.peer(ACK, P, 4242)
        assert c.replies() == [seg(RST, 4242, 0, window=0, src=REMOTE, dst=PEER_PORT)]
        c.expect_state(LISTEN)
    run(body)


def test_listen_rst_is_dropped() -> None:
    def body(c: Case) -> None:
        c.listen()
        c.peer(RST, P)
        assert c.replies() == []
        c.expect_state(LISTEN)
    run(body)


def test_listen_bare_fin_is_dropped_silently() -> None:
    """Neither SYN nor RST (and no ACK) to a listened port: dropped, no RST."""
    def body(c: Case) -> None:
        c.listen()
        c.peer(FIN, P)
        assert c.replies() == []
        c.expect_state(LISTEN)
    run(body)


# ============================================================================ SYN_SENT
def test_syn_sent_syn_frame_bytes() -> None:
    """The SYN as bytes: IP ID 1, TTL 128, DF clear, data offset 7, MSS 1460 + NOP NOP NOP EOL."""
    def body(c: Case) -> None:
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        assert [f for _, f in c.st.frames] == [expected_frame(
            A_MAC, STATION_MAC, A_ADDR, STATION_ADDR, 1, LOCAL, REMOTE, ISN, 0, SYN, WIN,
            options=netx_syn_options(1460))]
        assert len(c.st.frames[0][1]) == 62
        c.replies()
    run(body)


def test_syn_sent_syn_ack() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, options=netx_syn_options(1000))
        assert c.replies() == [seg(ACK, ISN + 1, P + 1)]
        c.expect_state(ESTABLISHED)
        assert nx.nx_tcp_socket_mss_peer_get(c.s) == (NX_SUCCESS, 1000)
        assert c.s.nx_tcp_socket_connect_mss == 1000
        assert (c.s.nx_tcp_socket_tx_sequence, c.s.nx_tcp_socket_rx_sequence) == (ISN + 1, P + 1)
    run(body)


def test_syn_sent_syn_ack_without_mss_option_uses_536() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1)
        assert c.replies() == [seg(ACK, ISN + 1, P + 1)]
        assert nx.nx_tcp_socket_mss_peer_get(c.s) == (NX_SUCCESS, 536)
        assert c.s.nx_tcp_socket_connect_mss == 536
    run(body)


def test_syn_sent_syn_ack_wakes_connect_waiter() -> None:
    def body(c: Case) -> None:
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        c.net.spawn("connect", lambda: nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, 300))
        tx_thread_sleep(3)
        c.peer(SYN | ACK, P, ISN + 1, options=netx_syn_options(1460))
        assert c.replies() == [seg(SYN, ISN, 0, options=netx_syn_options(1460)),
                               seg(ACK, ISN + 1, P + 1, tick=3)]
        assert c.net.log == [(3, "connect", NX_SUCCESS)]
    run(body)


def test_syn_sent_syn_ack_with_wrong_ack_gets_rst() -> None:
    """An ACK that is not ISN+1: RST with seq = that ack, socket stays in SYN_SENT."""
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 77, options=netx_syn_options(1460))
        assert c.replies() == [seg(RST, ISN + 77, 0)]
        c.expect_state(SYN_SENT)
    run(body)


def test_syn_sent_rst_ack_resets_and_connect_gets_not_connected() -> None:
    def body(c: Case) -> None:
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        c.net.spawn("connect", lambda: nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, 300))
        c.replies()
        c.peer(RST | ACK, 0, ISN + 1, window=0)
        assert c.replies() == []
        c.expect_state(CLOSED)
        assert c.net.log == [(0, "connect", NX_NOT_CONNECTED)]
    run(body)


def test_syn_sent_rst_with_wrong_ack_is_ignored() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(RST | ACK, 0, ISN + 2, window=0)
        c.peer(RST, 0, 0, window=0)
        assert c.replies() == []
        c.expect_state(SYN_SENT)
    run(body)


def test_syn_sent_syn_simultaneous_open() -> None:
    """A bare SYN: SYN+ACK with the same ISN (the MSS option is our own 1460), SYN_RECEIVED."""
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN, P, options=netx_syn_options(1460))
        assert c.replies() == [seg(SYN | ACK, ISN, P + 1, options=netx_syn_options(1460))]
        c.expect_state(SYN_RECEIVED)
        c.peer(ACK, P + 1, ISN + 1)
        assert c.replies() == []
        c.expect_state(ESTABLISHED)
    run(body)


# ============================================================================ SYN_RECEIVED
def test_syn_received_ack() -> None:
    def body(c: Case) -> None:
        c.syn_received()
        c.peer(ACK, P + 1, ISN + 1)
        assert c.replies() == []
        c.expect_state(ESTABLISHED)
        assert nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_socket_peer_info_get(c.s) == (NX_SUCCESS, STATION_ADDR, PEER_PORT)
    run(body)


def test_syn_received_ack_wakes_accept_waiter() -> None:
    def body(c: Case) -> None:
        c.listen()
        c.net.spawn("accept", lambda: nx.nx_tcp_server_socket_accept(c.s, 200))
        tx_thread_sleep(4)
        c.peer(SYN, P, options=netx_syn_options(1460))
        tx_thread_sleep(1)
        c.peer(ACK, P + 1, ISN + 1)
        assert c.replies() == [seg(SYN | ACK, ISN, P + 1, options=netx_syn_options(1460), tick=4,
                                   src=REMOTE, dst=PEER_PORT)]
        assert c.net.log == [(5, "accept", NX_SUCCESS)]
        c.expect_state(ESTABLISHED)
    run(body)


def test_syn_received_ack_with_data_is_queued() -> None:
    def body(c: Case) -> None:
        c.syn_received()
        c.peer(ACK | PSH, P + 1, ISN + 1, b"early")
        assert c.replies() == []
        c.expect_state(ESTABLISHED)
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"early")
    run(body)


def test_syn_received_wrong_ack_gets_rst() -> None:
    def body(c: Case) -> None:
        c.syn_received()
        c.peer(ACK, P + 1, ISN + 9)
        assert c.replies() == [seg(RST, ISN + 9, 0, src=REMOTE, dst=PEER_PORT)]
        c.expect_state(SYN_RECEIVED)
    run(body)


def test_syn_received_rst_returns_server_socket_to_listen() -> None:
    def body(c: Case) -> None:
        c.syn_received()
        c.peer(RST, P + 1)
        assert c.replies() == []
        c.expect_state(LISTEN)
    run(body)


# ============================================================================ ESTABLISHED
def test_established_data_in_order_is_not_acked_at_once() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(ACK | PSH, P + 1, ISN + 1, b"hello")
        assert c.replies() == []
        assert c.s.nx_tcp_socket_rx_sequence == P + 6
        assert nx.nx_tcp_socket_bytes_available(c.s) == (NX_SUCCESS, 5)
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"hello")
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_NO_PACKET, None)
        c.expect_state(ESTABLISHED)
    run(body)


def test_established_fin() -> None:
    def body(c: Case) -> None:
        c.close_wait()
    run(body)


def test_established_data_with_fin() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(FIN | ACK | PSH, P + 1, ISN + 1, b"bye")
        assert c.replies() == [seg(ACK, ISN + 1, P + 5, window=WIN - 3)]
        c.expect_state(CLOSE_WAIT)
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"bye")
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_NOT_CONNECTED, None)
    run(body)


def test_established_rst_in_window() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(RST | ACK, P + 1, ISN + 1)
        assert c.replies() == []
        c.expect_state(CLOSED)
    run(body)


def test_established_rst_out_of_window_is_dropped() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(RST, P + 1 + WIN + 10)
        assert c.replies() == []
        c.expect_state(ESTABLISHED)
    run(body)


def test_established_syn_in_window_gets_rst_and_resets() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(SYN, P + 1)
        assert c.replies() == [seg(RST | ACK, 0, P + 2)]
        c.expect_state(CLOSED)
    run(body)


def test_established_data_beyond_window_gets_ack() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(ACK | PSH, P + 1 + WIN + 100, ISN + 1, b"far")
        assert c.replies() == [seg(ACK, ISN + 1, P + 1)]
        assert nx.nx_tcp_socket_bytes_available(c.s) == (NX_SUCCESS, 0)
    run(body)


def test_established_out_of_order_data_acked_at_once_then_filled() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(ACK | PSH, P + 1 + 3, ISN + 1, b"def")
        assert c.replies() == [seg(ACK, ISN + 1, P + 1)]
        c.peer(ACK | PSH, P + 1, ISN + 1, b"abc")
        assert c.s.nx_tcp_socket_rx_sequence == P + 7
        got = b""
        while True:
            status, data = receive_bytes(c.s, NX_NO_WAIT)
            if status != NX_SUCCESS:
                break
            got += data
        assert got == b"abcdef"
        c.replies()
    run(body)


def test_established_old_duplicate_data_gets_ack() -> None:
    """A data-less segment with an unexpected sequence number (not rx_sequence or
    rx_sequence-1) in ESTABLISHED is answered with an ACK."""
    def body(c: Case) -> None:
        c.established()
        c.peer(ACK, P + 1 + 10, ISN + 1)
        assert c.replies() == [seg(ACK, ISN + 1, P + 1)]
    run(body)


def test_established_send_data_segment() -> None:
    """A data segment: ACK|PSH, seq tx_sequence, ack rx_sequence, window, no options."""
    def body(c: Case) -> None:
        c.established()
        from netxsim.testing.tcp import make_packet
        packet = make_packet(c.net.pool["A"], b"0123456789")
        assert nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT) == NX_SUCCESS
        assert c.replies() == [seg(ACK | PSH, ISN + 1, P + 1, data=b"0123456789")]
        assert c.s.nx_tcp_socket_tx_sequence == ISN + 11
        c.peer(ACK, P + 1, ISN + 11)
        assert c.replies() == []
        assert nx.nx_tcp_socket_info_get(c.s)[9] == 0    # transmit queue depth
    run(body)


# ============================================================================ CLOSE_WAIT
def test_close_wait_disconnect_sends_fin() -> None:
    def body(c: Case) -> None:
        c.last_ack()
        c.peer(ACK, P + 2, ISN + 2)
        c.expect_state(CLOSED)
        assert c.net.log == [(0, "disconnect", NX_SUCCESS)]
    run(body)


def test_close_wait_data_is_not_accepted() -> None:
    def body(c: Case) -> None:
        c.close_wait()
        c.peer(ACK | PSH, P + 2, ISN + 1, b"late")
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_NOT_CONNECTED, None)
        assert nx.nx_tcp_socket_bytes_available(c.s) == (NX_NOT_CONNECTED, None)
        c.replies()
        c.expect_state(CLOSE_WAIT)
    run(body)


def test_close_wait_disconnect_no_wait_sends_rst() -> None:
    def body(c: Case) -> None:
        c.close_wait()
        assert nx.nx_tcp_socket_disconnect(c.s, NX_NO_WAIT) == NX_IN_PROGRESS
        assert c.replies() == [seg(RST, ISN + 1, 0)]
        c.expect_state(CLOSED)
    run(body)


# ============================================================================ LAST_ACK
def test_last_ack_ack() -> None:
    def body(c: Case) -> None:
        c.last_ack()
        c.peer(ACK, P + 2, ISN + 2)
        assert c.replies() == []
        c.expect_state(CLOSED)
        assert c.net.log == [(0, "disconnect", NX_SUCCESS)]
    run(body)


def test_last_ack_ack_of_old_data_keeps_waiting() -> None:
    def body(c: Case) -> None:
        c.last_ack()
        c.peer(ACK, P + 2, ISN + 1)
        assert c.replies() == []
        c.expect_state(LAST_ACK)
        c.peer(ACK, P + 2, ISN + 2)
        c.expect_state(CLOSED)
    run(body)


# ============================================================================ FIN_WAIT_1
def test_fin_wait_1_ack_of_fin() -> None:
    def body(c: Case) -> None:
        c.fin_wait_2()
        assert c.net.log == []        # disconnect still waiting in FIN_WAIT_2
        c.peer(FIN | ACK, P + 1, ISN + 2)
        c.replies()
    run(body)


def test_fin_wait_1_fin_ack() -> None:
    """Their FIN acknowledging ours: ACK, TIME_WAIT, disconnect returns NX_SUCCESS."""
    def body(c: Case) -> None:
        c.fin_wait_1()
        c.peer(FIN | ACK, P + 1, ISN + 2)
        assert c.replies() == [seg(ACK, ISN + 2, P + 2)]
        c.expect_state(TIME_WAIT)
        assert c.net.log == [(0, "disconnect", NX_SUCCESS)]
    run(body)


def test_fin_wait_1_fin() -> None:
    def body(c: Case) -> None:
        c.closing()
        assert c.net.log == []
        c.peer(ACK, P + 2, ISN + 2)
        c.replies()
    run(body)


def test_fin_wait_1_data_is_accepted() -> None:
    def body(c: Case) -> None:
        c.fin_wait_1()
        c.peer(ACK | PSH, P + 1, ISN + 1, b"more")
        assert c.replies() == []
        c.expect_state(FIN_WAIT_1)
        c.peer(FIN | ACK, P + 5, ISN + 2)
        assert c.replies() == [seg(ACK, ISN + 2, P + 6, window=WIN - 4)]
        c.expect_state(TIME_WAIT)
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"more")   # still drainable
    run(body)


# ============================================================================ FIN_WAIT_2
def test_fin_wait_2_fin() -> None:
    def body(c: Case) -> None:
        c.time_wait()
        assert c.net.log == [(0, "disconnect", NX_SUCCESS)]
    run(body)


def test_fin_wait_2_data_is_accepted() -> None:
    def body(c: Case) -> None:
        c.fin_wait_2()
        c.peer(ACK | PSH, P + 1, ISN + 2, b"tail")
        assert c.replies() == []
        c.expect_state(FIN_WAIT_2)
        c.peer(FIN | ACK, P + 5, ISN + 2)
        assert c.replies() == [seg(ACK, ISN + 2, P + 6, window=WIN - 4)]
        c.expect_state(TIME_WAIT)
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"tail")
    run(body)


def test_fin_wait_2_rst() -> None:
    """A RST resets the connection; the disconnect waiter is woken by
    nx_tcp_disconnect_cleanup with NX_DISCONNECT_FAILED."""
    def body(c: Case) -> None:
        c.fin_wait_2()
        c.peer(RST, P + 1)
        assert c.replies() == []
        c.expect_state(CLOSED)
        assert c.net.log == [(0, "disconnect", NX_DISCONNECT_FAILED)]
    run(body)


# ============================================================================ CLOSING
def test_closing_ack() -> None:
    def body(c: Case) -> None:
        c.closing()
        c.peer(ACK, P + 2, ISN + 2)
        assert c.replies() == []
        c.expect_state(TIME_WAIT)
        assert c.net.log == [(0, "disconnect", NX_SUCCESS)]
    run(body)


def test_closing_ack_with_wrong_sequence_is_ignored() -> None:
    def body(c: Case) -> None:
        c.closing()
        c.peer(ACK, P + 1, ISN + 2)      # seq must be rx_sequence (P+2)
        c.expect_state(CLOSING)
        c.replies()
    run(body)


# ============================================================================ TIME_WAIT
def test_time_wait_retransmitted_fin_is_acked() -> None:
    def body(c: Case) -> None:
        c.time_wait()
        c.peer(FIN | ACK, P + 1, ISN + 2)
        assert c.replies() == [seg(ACK, ISN + 2, P + 2)]
        c.expect_state(TIME_WAIT)
    run(body)


def test_time_wait_unbind_closes() -> None:
    def body(c: Case) -> None:
        c.time_wait()
        assert nx.nx_tcp_client_socket_unbind(c.s) == NX_SUCCESS
        c.expect_state(CLOSED)
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
    run(body)


def test_time_wait_bind_again_is_already_bound() -> None:
    def body(c: Case) -> None:
        c.time_wait()
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_ALREADY_BOUND
    run(body)


# ============================================================================ ESTABLISHED: more events
def _send(c: Case, data: bytes) -> None:
    from netxsim.testing.tcp import make_packet
    assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], data), NX_NO_WAIT) == NX_SUCCESS


def test_established_third_duplicate_ack_fast_retransmit() -> None:
    """Three 100-byte segments in flight; the 3rd duplicate ACK (ack = first un-ACKed byte,
    head TX_DONE) resends the head only (fast recovery), as an identical copy: same bytes,
    same IP ID (3: SYN 1, ACK 2); the 4th duplicate resends nothing."""
    def body(c: Case) -> None:
        c.established()
        for byte in b"abc":
            _send(c, bytes([byte]) * 100)
        first = [f for _, f in c.st.frames]
        c.replies()
        c.peer(ACK, P + 1, ISN + 1)
        c.peer(ACK, P + 1, ISN + 1)
        assert c.replies() == []
        c.peer(ACK, P + 1, ISN + 1)
        resent = [f for _, f in c.st.frames]
        assert c.replies() == [seg(ACK | PSH, ISN + 1, P + 1, data=b"a" * 100)]
        assert resent == first[:1]
        c.peer(ACK, P + 1, ISN + 1)
        assert c.replies() == []
        assert nx.nx_tcp_socket_info_get(c.s)[5] == 1
        c.peer(ACK, P + 1, ISN + 301)
        assert nx.nx_tcp_socket_info_get(c.s)[9] == 0
    run(body)


def test_established_ack_of_part_of_the_queue_releases_whole_segments_only() -> None:
    def body(c: Case) -> None:
        c.established()
        pool_free = c.net.pool_free
        for byte in b"ab":
            _send(c, bytes([byte]) * 100)
        c.replies()
        held = pool_free("A")
        c.peer(ACK, P + 1, ISN + 51)           # half of the first segment: nothing released
        assert (nx.nx_tcp_socket_info_get(c.s)[9], pool_free("A")) == (2, held)
        c.peer(ACK, P + 1, ISN + 101)          # first segment fully ACKed
        assert (nx.nx_tcp_socket_info_get(c.s)[9], pool_free("A")) == (1, held + 1)
        c.peer(ACK, P + 1, ISN + 201)
        assert (nx.nx_tcp_socket_info_get(c.s)[9], pool_free("A")) == (0, held + 2)
    run(body)


def test_established_fin_calls_disconnect_callback_in_ip_thread_which_cannot_block() -> None:
    """The disconnect callback runs in A's IP thread after the ACK of the FIN; a
    disconnect(500) made there sends the FIN and returns at once (no suspension in the IP
    thread): NX_SUCCESS with the socket in LAST_ACK."""
    from netxsim.tx.kernel import kernel
    calls = []
    cases = []

    def on_disconnect(sock: Any) -> None:
        calls.append((kernel().current_ptr is cases[0].net.ip["A"].nx_ip_thread,
                      nx.nx_tcp_socket_disconnect(sock, 500), sock.nx_tcp_socket_state))

    def body(c: Case) -> None:
        cases.append(c)
        c.established()
        c.peer(FIN | ACK, P + 1, ISN + 1)
        assert c.replies() == [seg(ACK, ISN + 1, P + 2), seg(FIN | ACK, ISN + 1, P + 2)]
        assert calls == [(True, NX_SUCCESS, LAST_ACK)]
        c.peer(ACK, P + 2, ISN + 2)
        c.expect_state(CLOSED)
    run(body, disconnect=on_disconnect)


def test_established_receive_from_ip_thread_never_suspends() -> None:
    """receive_notify runs in the IP thread: a receive there gets the queued segment,
    and a second receive with a wait returns NX_NO_PACKET at once."""
    def body(c: Case) -> None:
        results = []

        def notify(sock: Any) -> None:
            results.append(receive_bytes(sock, 100))
            results.append(receive_bytes(sock, 100))

        assert nx.nx_tcp_socket_receive_notify(c.s, notify) == NX_SUCCESS
        c.established()
        c.peer(ACK | PSH, P + 1, ISN + 1, b"cb")
        assert results == [(NX_SUCCESS, b"cb"), (NX_NO_PACKET, None)]
        c.replies()
    run(body)


def test_established_window_update_ack_when_window_grows_by_half() -> None:
    """3 x 1460 bytes at 3: delayed ACK at 20 advertises 8192-4380 = 3812; the application
    then drains the queue at 25: the window is back to 8192, 4380 >= 8192/2 more than
    last advertised → an immediate window-update ACK from the receiving thread."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        for k in range(3):
            c.peer(ACK | PSH, P + 1 + 1460 * k, ISN + 1, bytes([k]) * 1460)
        tx_thread_sleep(22)
        for k in range(3):
            assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, bytes([k]) * 1460)
        assert c.replies() == [seg(ACK, ISN + 1, P + 4381, window=WIN - 4380, tick=20),
                               seg(ACK, ISN + 1, P + 4381, window=WIN, tick=25)]
    run(body)


def test_established_control_segment_not_sent_when_default_pool_empty() -> None:
    """Control segments come from the IP default pool with NX_NO_WAIT: with one free
    buffer (taken by the arriving FIN itself) the ACK is silently not sent; the state
    still changes."""
    def body(c: Case) -> None:
        from netxsim.nx.packet import nx_packet_allocate, nx_packet_release
        c.established()
        held = []
        while c.net.pool_free("A") > 1:
            held.append(nx_packet_allocate(c.net.pool["A"], 0, NX_NO_WAIT)[1])
        c.peer(FIN | ACK, P + 1, ISN + 1)
        assert c.replies() == []
        c.expect_state(CLOSE_WAIT)
        for packet in held:
            nx_packet_release(packet)
    run(body)


def test_established_urgent_callback() -> None:
    calls = []

    def body(c: Case) -> None:
        c.established()
        c.peer(ACK | PSH | 0x20, P + 1, ISN + 1, b"!")
        assert calls == [True]
        c.replies()
    run(body, urgent=lambda sock: calls.append(sock.nx_tcp_socket_state == ESTABLISHED))


# ============================================================================ congestion window at establishment
def _tx_window(c: Case) -> int:
    return nx.nx_tcp_socket_info_get(c.s)[10]


def test_syn_sent_syn_ack_cwnd_three_mss_for_1460() -> None:
    """cwnd = 4 x MSS, minus one MSS above 1095: 3 x 1460 = 4380 < peer window 65535."""
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=65535, options=netx_syn_options(1460))
        assert _tx_window(c) == 4380
        c.replies()
    run(body)


def test_syn_sent_syn_ack_cwnd_four_mss_for_1000() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=65535, options=netx_syn_options(1000))
        assert _tx_window(c) == 4000
        c.replies()
    run(body)


def test_syn_sent_syn_ack_after_retransmitted_syn_cwnd_one_mss() -> None:
    """The SYN was resent at 100 (RTO set at 0): cwnd starts at 1 MSS."""
    def body(c: Case) -> None:
        c.syn_sent()
        tx_thread_sleep(150)
        assert c.replies() == [seg(SYN, ISN, 0, options=netx_syn_options(1460), tick=100)]
        c.peer(SYN | ACK, P, ISN + 1, window=65535, options=netx_syn_options(1460))
        assert c.replies() == [seg(ACK, ISN + 1, P + 1, tick=150)]
        assert _tx_window(c) == 1460
    run(body)


def test_syn_sent_peer_window_below_cwnd_limits_tx_window() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=1000, options=netx_syn_options(1460))
        assert _tx_window(c) == 1000
        c.replies()
    run(body)


# ============================================================================ invalid segments
def test_established_bad_checksum_is_dropped_and_counted() -> None:
    """A segment with a wrong TCP checksum is dropped before any socket sees it:
    nx_tcp_info_get counts it as invalid and as a checksum error; no reply."""
    def body(c: Case) -> None:
        c.established()
        c.st.send(REMOTE, LOCAL, FIN | ACK, P + 1, ISN + 1, PEER_WIN, checksum_xor=0x0101)
        assert c.replies() == []
        c.expect_state(ESTABLISHED)
        info = nx.nx_tcp_info_get(c.net.ip["A"])
        assert (info[5], info[7]) == (1, 1)
    run(body)


def test_closed_segment_with_bad_checksum_gets_no_rst() -> None:
    def body(c: Case) -> None:
        c.st.send(PEER_PORT, 81, SYN, P, 0, PEER_WIN, checksum_xor=0x8000)
        assert c.replies() == []
    run(body)


def test_syn_with_zero_length_option_to_closed_port_gets_rst() -> None:
    """A malformed option (length 0) on a segment for no socket: RST (as for any)."""
    def body(c: Case) -> None:
        c.st.send(PEER_PORT, 81, SYN, P, 0, PEER_WIN, b"", bytes([3, 0, 0, 0]))
        assert c.replies() == [seg(RST | ACK, 0, P + 1, window=0, src=81, dst=PEER_PORT)]
    run(body)


def test_established_malformed_option_resets_with_rst() -> None:
    """An illegal option length on a connected socket: RST (seq = its ack) and reset."""
    def body(c: Case) -> None:
        c.established()
        c.peer(ACK, P + 1, ISN + 1, options=bytes([3, 0, 0, 0]))
        assert c.replies() == [seg(RST, ISN + 1, 0)]
        c.expect_state(CLOSED)
    run(body)


# ============================================================================ TIME_WAIT: reconnect
def test_time_wait_connect_again_uses_next_isn() -> None:
    """connect is allowed from TIME_WAIT; the second ISN is the first + 0x10000 + rand #3
    (after bind's none and the first connect's #1, #2)."""
    def body(c: Case) -> None:
        from netxsim.testing.tcp import rand_values
        c.time_wait()
        tx_sequence = c.s.nx_tcp_socket_tx_sequence
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        isn2 = (tx_sequence + 0x10000 + rand_values(3)[2]) & 0xFFFFFFFF
        assert c.replies() == [seg(SYN, isn2, 0, options=netx_syn_options(1460))]
        c.expect_state(SYN_SENT)
    run(body)


def test_established_send_and_connect_from_ip_thread_never_suspend() -> None:
    """From receive_notify (IP thread): send(wait 100) with the peer's window closed →
    NX_WINDOW_OVERFLOW at once; connect(wait 100) of another socket → NX_IN_PROGRESS with
    its SYN sent."""
    def body(c: Case) -> None:
        from netxsim.nx.packet import nx_packet_release
        from netxsim.testing.tcp import make_packet, rand_values, first_isn
        other = nx.NX_TCP_SOCKET()
        assert nx.nx_tcp_socket_create(c.net.ip["A"], other, "other", 0, 0, 0x80, WIN, None, None) == 0
        assert nx.nx_tcp_client_socket_bind(other, 1025, NX_NO_WAIT) == NX_SUCCESS
        packet = make_packet(c.net.pool["A"], b"reply")
        results = []

        def notify(sock: Any) -> None:
            results.append(nx.nx_tcp_socket_send(sock, packet, 100))
            results.append(nx.nx_tcp_client_socket_connect(other, STATION_ADDR, 81, 100))

        assert nx.nx_tcp_socket_receive_notify(c.s, notify) == NX_SUCCESS
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=0, options=netx_syn_options(1460))
        c.replies()
        c.peer(ACK | PSH, P + 1, ISN + 1, b"go", window=0)
        assert results == [0x39, NX_IN_PROGRESS]
        r = rand_values(4)
        assert c.replies() == [seg(SYN, first_isn(r[2], r[3]), 0, options=netx_syn_options(1460), src=1025,
                                   dst=81)]
        nx_packet_release(packet)
        nx.nx_tcp_socket_disconnect(other, NX_NO_WAIT)
        nx.nx_tcp_client_socket_unbind(other)
        assert nx.nx_tcp_socket_delete(other) == NX_SUCCESS
        receive_bytes(c.s, NX_NO_WAIT)
    run(body)


def test_established_data_beyond_window_is_trimmed_then_zero_window() -> None:
    """Window 1000: a 1460-byte segment is trimmed to 1000 (window now 0, no immediate
    ACK); a further byte is outside the zero window → ACK (window 0), which also
    acknowledges the 1000 bytes, so no delayed ACK follows; the application's receive
    reopens the window (1000 - 0 >= 1000/2) → immediate window-update ACK."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        c.peer(ACK | PSH, P + 1, ISN + 1, bytes(range(256)) * 5 + bytes(180))
        assert c.replies() == []
        assert c.s.nx_tcp_socket_rx_sequence == P + 1001
        c.peer(ACK | PSH, P + 1001, ISN + 1, b"x")
        assert c.replies() == [c.seg(ACK, ISN + 1, P + 1001, window=0, tick=3)]
        tx_thread_sleep(22)
        assert c.replies() == []
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, (bytes(range(256)) * 5)[:1000])
        assert c.replies() == [c.seg(ACK, ISN + 1, P + 1001, window=1000, tick=25)]
    run(body, window=1000)


def test_established_send_of_small_packet_is_zero_copy() -> None:
    """A 100-byte packet fits the usable window: NetX queues the application's own packet
    (no allocation): one buffer of the pool in use until the ACK."""
    def body(c: Case) -> None:
        from netxsim.testing.tcp import make_packet
        c.established()
        free = c.net.pool_free("A")
        packet = make_packet(c.net.pool["A"], b"z" * 100)
        assert nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT) == NX_SUCCESS
        assert c.net.pool_free("A") == free - 1
        assert c.s.nx_tcp_socket_transmit_sent_head is packet
        assert c.replies() == [c.seg(ACK | PSH, ISN + 1, P + 1, data=b"z" * 100)]
        c.peer(ACK, P + 1, ISN + 101)
        assert c.net.pool_free("A") == free
    run(body)


def test_established_send_larger_than_mss_is_split_into_copies() -> None:
    """3000 bytes (a chain) with MSS 1460 and cwnd 4380: segments of 1460, 1460 and 80
    bytes, each a new packet from the application packet's pool; the application packet
    is released once the last byte is queued."""
    def body(c: Case) -> None:
        from netxsim.testing.tcp import make_packet
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=65535, options=netx_syn_options(1460))
        c.replies()
        data = bytes(range(256)) * 11 + bytes(184)
        pool = c.net.pool_create("app", 1536, 8)
        packet = make_packet(pool, data)
        assert packet.nx_packet_next is not None        # 1480 + 1520: a chain of two
        assert nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_packet_pool_info_get(pool)[2] == 8 - 3
        assert c.replies() == [c.seg(ACK | PSH, ISN + 1, P + 1, data=data[:1460]),
                               c.seg(ACK | PSH, ISN + 1461, P + 1, data=data[1460:2920]),
                               c.seg(ACK | PSH, ISN + 2921, P + 1, data=data[2920:])]
        c.peer(ACK, P + 1, ISN + 3001)
        assert nx.nx_packet_pool_info_get(pool)[2] == 8
    run(body)


def test_established_overlapping_retransmission_is_trimmed_at_the_front() -> None:
    def body(c: Case) -> None:
        c.established()
        c.peer(ACK | PSH, P + 1, ISN + 1, b"abc")
        c.peer(ACK | PSH, P + 1, ISN + 1, b"abcdef")
        assert c.s.nx_tcp_socket_rx_sequence == P + 7
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"abc")
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"def")
        c.replies()
    run(body)


def test_fin_wait_1_fin_timer_starts_when_the_queue_drains() -> None:
    """disconnect with data un-ACKed: the FIN goes out at once (seq after the data) but
    its timer starts only when the ACK of the data empties the queue (tick 50); the FIN
    is resent at the 10th fast event after that (150)."""
    def body(c: Case) -> None:
        from netxsim.testing.tcp import make_packet
        c.established()
        tx_thread_sleep(3)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"hello"), NX_NO_WAIT) == NX_SUCCESS
        c.net.spawn("disconnect", lambda: nx.nx_tcp_socket_disconnect(c.s, 500))
        assert c.replies() == [c.seg(ACK | PSH, ISN + 1, P + 1, data=b"hello", tick=3),
                               c.seg(FIN | ACK, ISN + 6, P + 1, tick=3)]
        c.expect_state(FIN_WAIT_1)
        tx_thread_sleep(47)
        c.peer(ACK, P + 1, ISN + 6)
        tx_thread_sleep(150)
        assert c.replies() == [c.seg(FIN | ACK, ISN + 6, P + 1, tick=150)]
        c.peer(FIN | ACK, P + 1, ISN + 7)
        assert c.replies() == [c.seg(ACK, ISN + 7, P + 2, tick=200)]
        c.expect_state(TIME_WAIT)
        assert c.net.log == [(200, "disconnect", NX_SUCCESS)]
    run(body)


# ============================================================================ property: reassembly


@given(data=st.data())
def test_established_segments_in_any_order_with_duplicates_are_reassembled(data: Any) -> None:
    """The station cuts a payload at random offsets and sends the pieces shuffled, some
    twice, then (like a retransmitting peer) every piece again in order: whatever NetX
    kept or dropped on the way, the application reads back exactly the payload, and
    every pool is full at the end."""
    payload = data.draw(st.binary(min_size=1, max_size=3000), label="payload")
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(payload) - 1)), max_size=12), label="cuts"))
    bounds = [0] + [c for c in cuts if c < len(payload)] + [len(payload)]
    pieces = [(bounds[k], payload[bounds[k]:bounds[k + 1]]) for k in range(len(bounds) - 1)]
    order = data.draw(st.permutations(pieces), label="order")
    twice = data.draw(st.lists(st.sampled_from(pieces), max_size=4), label="duplicates")

    def body(c: Case) -> None:
        c.established()
        for offset, piece in list(order) + twice + pieces:
            c.peer(ACK | PSH, P + 1 + offset, ISN + 1, piece)
        got = b""
        while True:
            status, chunk = receive_bytes(c.s, NX_NO_WAIT)
            if status != NX_SUCCESS:
                assert status == NX_NO_PACKET
                break
            got += chunk
        assert got == payload
        assert c.s.nx_tcp_socket_rx_sequence == P + 1 + len(payload)
        c.replies()
    run(body)


# ============================================================================ SYN_SENT: send
def test_syn_sent_send_polls_for_established() -> None:
    """send in SYN_SENT polls the state every tick (nx_tcp_socket_state_wait): the
    SYN+ACK arrives at 5 after the sender's poll of tick 5, so the data goes out at 6."""
    def body(c: Case) -> None:
        from netxsim.testing.tcp import make_packet
        c.syn_sent()
        packet = make_packet(c.net.pool["A"], b"early")
        c.net.spawn("send", lambda: nx.nx_tcp_socket_send(c.s, packet, 50))
        tx_thread_sleep(5)
        c.peer(SYN | ACK, P, ISN + 1, options=netx_syn_options(1460))
        tx_thread_sleep(5)
        assert c.replies() == [c.seg(ACK, ISN + 1, P + 1, tick=5),
                               c.seg(ACK | PSH, ISN + 1, P + 1, data=b"early", tick=6)]
        assert c.net.log == [(6, "send", NX_SUCCESS)]
        c.peer(ACK, P + 1, ISN + 6)
    run(body)


def test_syn_sent_send_gives_not_connected_when_the_wait_ends_first() -> None:
    def body(c: Case) -> None:
        from netxsim.nx.packet import nx_packet_release
        from netxsim.testing.tcp import make_packet
        c.syn_sent()
        packet = make_packet(c.net.pool["A"], b"early")
        c.net.event("send", nx.nx_tcp_socket_send(c.s, packet, 3))
        nx_packet_release(packet)
        assert c.net.log == [(3, "send", NX_NOT_CONNECTED)]
        c.expect_state(SYN_SENT)
    run(body)
