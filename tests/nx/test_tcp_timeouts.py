"""Every NetX TCP timeout path, at the exact tick NetX gives.

Timer rules used for the derivations (netxduo
nx_tcp_fast_periodic_processing.c, nx_tcp_*_cleanup.c):

* ``nx_tcp_enable`` runs in tx_application_define (tick 0) and creates the fast periodic
  timer with 10 ticks initial and period: NX_IP_FAST_EVENT at ticks 10, 20, 30, ...
* A socket timeout (RTO) is set to 100 when a SYN/FIN/data segment starts the timer;
  every fast event takes 10 off while it is > 10; the fast event that finds it <= 10
  expires it. Set at tick t (0 < t < 10) it therefore expires at tick 100 (10th event);
  each retransmission sets 100 again at a fast event tick, so the next expiry is 100
  ticks later. After 10 retransmissions the 11th expiry resets the connection.
* The delayed-ACK countdown is 20 when in-order data arrives on an empty queue; the
  first fast event takes it to 10, the second sends the ACK.
* TIME_WAIT sets the timeout to 24000 (2 x 120 s x 100): 2400 fast events later.
* Wait time-outs of bind/connect/accept/receive/send/disconnect fire in the timer thread
  at (call tick + wait); NetX defers the cleanup to the IP thread (priority 1), which
  runs at once, so the caller sees its status at exactly (call tick + wait).

The peer is the raw station of netxsim.testing.tcp (1.2.3.77) or a silent host (1.2.3.99, a
static ARP entry to a MAC nobody has: frames are "unclaimed" on the wire).
"""
from __future__ import annotations

import netxsim.nx as nx
from netxsim.nx.constants import (
    NX_DISCONNECT_FAILED, NX_IN_PROGRESS, NX_NO_PACKET, NX_NO_WAIT, NX_NOT_CONNECTED, NX_PORT_UNAVAILABLE,
    NX_SUCCESS, NX_TX_QUEUE_DEPTH, NX_WAIT_FOREVER, NX_WINDOW_OVERFLOW,
)
from netxsim.nx.packet import nx_packet_release
from netxsim.nx.wire import netx_syn_options
from netxsim.tx import tx_thread_sleep, tx_time_get

from netxsim.testing.tcp import (
    A_ADDR, ACK, CLOSED, ESTABLISHED, FIN, FIN_WAIT_1, ISN, LISTEN, LOCAL, P, PEER_WIN, PSH, REMOTE, SILENT_ADDR, SYN,
    TIME_WAIT, WIN, Case, make_packet, parse_tcp_frame, receive_bytes, run, seg, socket_state,
)


def wire_tcp(case: Case, dst_ip: int | None = None) -> list[tuple[int, int, int, int, int, bytes]]:
    """(tick, IP ID, flags, seq, ack, data) of every TCP frame A put on the wire (frame log)."""
    result = []
    for record in case.net.frame_log:
        parsed = parse_tcp_frame(record.frame)
        if parsed is None:
            continue
        ip, tcp, data = parsed
        if ip.src == A_ADDR and (dst_ip is None or ip.dst == dst_ip):
            result.append((record.tick, ip.identification, tcp.flags, tcp.seq, tcp.ack, data))
    return result


def established_at(c: Case, tick: int) -> None:
    tx_thread_sleep(tick - tx_time_get())
    c.established()


# ============================================================================ connect
def test_connect_to_silent_host_times_out_with_not_connected() -> None:
    """SYN at 5; RTO set at 5 expires at the fast events 100 and 200 (SYN resent, same ISN,
    new IP IDs 2 and 3: control segments are fresh datagrams); the 250-tick wait ends at
    255 → NX_NOT_CONNECTED, socket CLOSED, no RST, no more SYNs."""
    def body(c: Case) -> None:
        tx_thread_sleep(5)
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        c.net.event("connect", nx.nx_tcp_client_socket_connect(c.s, SILENT_ADDR, REMOTE, 250))
        c.net.event("state", socket_state(c.s))
        tx_thread_sleep(600)

    c = run(body)
    assert c.net.log == [(255, "connect", NX_NOT_CONNECTED), (255, "state", CLOSED)]
    assert wire_tcp(c, SILENT_ADDR) == [(5, 1, SYN, ISN, 0, b""), (100, 2, SYN, ISN, 0, b""),
                                        (200, 3, SYN, ISN, 0, b"")]


def test_connect_retries_exhausted_reset_after_ten_retransmissions() -> None:
    """connect(NX_WAIT_FOREVER) to a silent host: the SYN at 5 and 10 retransmissions at
    100, 200, ... 1000; the 11th expiry (1100) resets the socket → NX_NOT_CONNECTED."""
    def body(c: Case) -> None:
        tx_thread_sleep(5)
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        c.net.event("connect", nx.nx_tcp_client_socket_connect(c.s, SILENT_ADDR, REMOTE, NX_WAIT_FOREVER))
        c.net.event("state", socket_state(c.s))

    c = run(body)
    assert c.net.log == [(1100, "connect", NX_NOT_CONNECTED), (1100, "state", CLOSED)]
    assert wire_tcp(c, SILENT_ADDR) == [(5, 1, SYN, ISN, 0, b"")] + \
        [(100 * k, 1 + k, SYN, ISN, 0, b"") for k in range(1, 11)]


def test_accept_times_out_with_not_connected_back_to_listen() -> None:
    def body(c: Case) -> None:
        c.listen()
        tx_thread_sleep(1)
        c.net.event("accept", nx.nx_tcp_server_socket_accept(c.s, 40))
        c.net.event("state", socket_state(c.s))

    c = run(body)
    assert c.net.log == [(41, "accept", NX_NOT_CONNECTED), (41, "state", LISTEN)]


# ============================================================================ receive
def test_receive_times_out_with_no_packet() -> None:
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(2)
        c.net.event("receive", receive_bytes(c.s, 37))
        c.net.event("state", socket_state(c.s))

    c = run(body)
    assert c.net.log == [(39, "receive", (NX_NO_PACKET, None)), (39, "state", ESTABLISHED)]


def test_receive_waiter_gets_data_handed_directly() -> None:
    def body(c: Case) -> None:
        c.established()
        c.net.spawn("receive", lambda: receive_bytes(c.s, 100))
        tx_thread_sleep(7)
        c.peer(ACK | PSH, P + 1, ISN + 1, b"direct")
        c.replies()

    c = run(body)
    assert c.net.log == [(7, "receive", (NX_SUCCESS, b"direct"))]


def test_receive_waiter_woken_by_fin_with_not_connected() -> None:
    def body(c: Case) -> None:
        c.established()
        c.net.spawn("receive", lambda: receive_bytes(c.s, 100))
        tx_thread_sleep(7)
        c.peer(FIN | ACK, P + 1, ISN + 1)
        c.replies()

    c = run(body)
    assert c.net.log == [(7, "receive", (NX_NOT_CONNECTED, None))]


# ============================================================================ send
def test_send_with_closed_window_times_out_with_window_overflow() -> None:
    """The peer advertises window 0: nothing is usable, send(wait 50) at 3 → 53."""
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=0, options=netx_syn_options(1460))
        c.replies()
        tx_thread_sleep(3)
        packet = make_packet(c.net.pool["A"], b"x" * 100)
        c.net.event("send", nx.nx_tcp_socket_send(c.s, packet, 50))
        nx_packet_release(packet)      # still ours after a failed send

    c = run(body)
    assert c.net.log == [(53, "send", NX_WINDOW_OVERFLOW)]


def test_send_with_closed_window_no_wait() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=0, options=netx_syn_options(1460))
        packet = make_packet(c.net.pool["A"], b"x" * 100)
        c.net.event("send", nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT))
        nx_packet_release(packet)

    c = run(body)
    assert c.net.log == [(0, "send", NX_WINDOW_OVERFLOW)]


def test_send_with_full_transmit_queue_times_out_with_tx_queue_depth() -> None:
    """Queue depth configured to 2: two un-ACKed segments fill it; the third send(wait 40)
    at tick 3 → NX_TX_QUEUE_DEPTH at 43 (before the first RTO expiry at 100)."""
    def body(c: Case) -> None:
        c.established()
        assert nx.nx_tcp_socket_transmit_configure(c.s, 2, 100, 10, 0) == NX_SUCCESS
        tx_thread_sleep(3)
        pool = c.net.pool["A"]
        for chunk in (b"one", b"two"):
            assert nx.nx_tcp_socket_send(c.s, make_packet(pool, chunk), NX_NO_WAIT) == NX_SUCCESS
        packet = make_packet(pool, b"three")
        c.net.event("send", nx.nx_tcp_socket_send(c.s, packet, 40))
        nx_packet_release(packet)
        c.net.event("depth", nx.nx_tcp_socket_info_get(c.s)[9])

    c = run(body)
    assert c.net.log == [(43, "send", NX_TX_QUEUE_DEPTH), (43, "depth", 2)]


def test_default_transmit_queue_holds_twenty_segments() -> None:
    def body(c: Case) -> None:
        c.established()
        pool = c.net.pool_create("app", 256, 24)
        for k in range(20):
            assert nx.nx_tcp_socket_send(c.s, make_packet(pool, bytes([65 + k])), NX_NO_WAIT) == NX_SUCCESS
        packet = make_packet(pool, b"!")
        c.net.event("send", nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT))
        nx_packet_release(packet)
        c.net.event("depth", nx.nx_tcp_socket_info_get(c.s)[9])
        # One cumulative ACK frees all twenty: back to the pool once TX_DONE (they are).
        c.peer(ACK, P + 1, ISN + 21)
        c.net.event("after ack", (nx.nx_tcp_socket_info_get(c.s)[9], nx.nx_packet_pool_info_get(pool)[2]))

    c = run(body)
    assert c.net.log == [(0, "send", NX_TX_QUEUE_DEPTH), (0, "depth", 20), (0, "after ack", (0, 24))]


def test_send_waiter_resumed_when_ack_frees_queue() -> None:
    def body(c: Case) -> None:
        c.established()
        assert nx.nx_tcp_socket_transmit_configure(c.s, 1, 100, 10, 0) == NX_SUCCESS
        pool = c.net.pool["A"]
        assert nx.nx_tcp_socket_send(c.s, make_packet(pool, b"first"), NX_NO_WAIT) == NX_SUCCESS
        c.net.spawn("send", lambda: nx.nx_tcp_socket_send(c.s, make_packet(pool, b"second"), 100))
        tx_thread_sleep(6)
        c.peer(ACK, P + 1, ISN + 6)
        assert c.replies()[-1] == seg(ACK | PSH, ISN + 6, P + 1, data=b"second", tick=6)
        c.peer(ACK, P + 1, ISN + 12)

    c = run(body)
    assert c.net.log == [(6, "send", NX_SUCCESS)]


# ============================================================================ data retransmission
def test_data_retransmitted_ten_times_then_reset() -> None:
    """Data sent at 3 (IP ID 3: SYN 1, handshake ACK 2): retransmitted at 100 ... 1000,
    each an identical copy (same IP ID, same bytes); the 11th expiry at 1100 resets the
    connection and wakes a receiver with NX_NOT_CONNECTED. Retransmit count in info_get."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"lost data"), NX_NO_WAIT) == 0
        c.net.event("receive", receive_bytes(c.s, NX_WAIT_FOREVER))
        info = nx.nx_tcp_socket_info_get(c.s)
        c.net.event("info", (info[5], info[8], info[9]))

    c = run(body)
    assert c.net.log == [(1100, "receive", (NX_NOT_CONNECTED, None)), (1100, "info", (10, CLOSED, 0))]
    data = [row for row in wire_tcp(c) if row[5]]
    assert data == [(3, 3, ACK | PSH, ISN + 1, P + 1, b"lost data")] + \
        [(100 * k, 3, ACK | PSH, ISN + 1, P + 1, b"lost data") for k in range(1, 11)]
    frames = [r.frame for r in c.net.frame_log if parse_tcp_frame(r.frame) and parse_tcp_frame(r.frame)[2]]
    assert len(set(frames)) == 1


def test_retransmission_stops_when_acked() -> None:
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"abc"), NX_NO_WAIT) == 0
        tx_thread_sleep(150 - 3)
        c.peer(ACK, P + 1, ISN + 4)
        tx_thread_sleep(500)
        info = nx.nx_tcp_socket_info_get(c.s)
        c.net.event("info", (info[5], info[9]))

    c = run(body)
    assert c.net.log == [(650, "info", (1, 0))]
    assert [row[0] for row in wire_tcp(c) if row[5]] == [3, 100]


# ============================================================================ delayed ACK
def test_delayed_ack_at_second_fast_event() -> None:
    """Data at 3 → countdown 20; fast event 10 → 10; fast event 20 sends the ACK."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        c.peer(ACK | PSH, P + 1, ISN + 1, b"12345")
        tx_thread_sleep(30)
        assert c.replies() == [seg(ACK, ISN + 1, P + 6, window=WIN - 5, tick=20)]
        assert receive_bytes(c.s, NX_NO_WAIT) == (NX_SUCCESS, b"12345")

    run(body)


def test_delayed_ack_when_data_arrives_just_after_a_fast_event() -> None:
    """Data at 10, after the IP thread handled that tick's fast event: ACK at 30."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(10)
        c.peer(ACK | PSH, P + 1, ISN + 1, b"x")
        tx_thread_sleep(30)
        assert c.replies() == [seg(ACK, ISN + 1, P + 2, window=WIN - 1, tick=30)]
        receive_bytes(c.s, NX_NO_WAIT)

    run(body)


def test_sending_data_carries_the_ack_and_cancels_the_delayed_one() -> None:
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        c.peer(ACK | PSH, P + 1, ISN + 1, b"ping")
        tx_thread_sleep(2)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"pong"), NX_NO_WAIT) == NX_SUCCESS
        c.peer(ACK, P + 5, ISN + 5)
        tx_thread_sleep(40)
        assert c.replies() == [seg(ACK | PSH, ISN + 1, P + 5, window=WIN - 4, data=b"pong", tick=5)]
        receive_bytes(c.s, NX_NO_WAIT)

    run(body)


# ============================================================================ disconnect
def test_disconnect_times_out_with_disconnect_failed() -> None:
    """FIN at 3 (timer started: queue empty); resent at 100; wait 150 ends at 153 →
    NX_DISCONNECT_FAILED, socket forced to CLOSED, no RST."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        c.net.event("disconnect", nx.nx_tcp_socket_disconnect(c.s, 150))
        c.net.event("state", socket_state(c.s))
        tx_thread_sleep(300)

    c = run(body)
    assert c.net.log == [(153, "disconnect", NX_DISCONNECT_FAILED), (153, "state", CLOSED)]
    assert [row for row in wire_tcp(c) if row[0] > 0] == [(3, 3, FIN | ACK, ISN + 1, P + 1, b""),
                                                          (100, 4, FIN | ACK, ISN + 1, P + 1, b"")]


def test_time_wait_lasts_24000_ticks() -> None:
    """TIME_WAIT entered at 3: 2400 fast events later (tick 24000) the socket is CLOSED."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        c.net.spawn("disconnect", lambda: nx.nx_tcp_socket_disconnect(c.s, 500))
        c.peer(FIN | ACK, P + 1, ISN + 2)
        c.net.event("state", socket_state(c.s))
        tx_thread_sleep(23999 - 3)
        c.net.event("state", socket_state(c.s))
        tx_thread_sleep(1)
        c.net.event("state", socket_state(c.s))

    c = run(body, until=30000)
    assert c.net.log == [(3, "disconnect", NX_SUCCESS), (3, "state", TIME_WAIT), (23999, "state", TIME_WAIT),
                         (24000, "state", CLOSED)]


def test_fin_retransmitted_then_reset_after_ten_retries() -> None:
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        c.net.event("disconnect", nx.nx_tcp_socket_disconnect(c.s, NX_WAIT_FOREVER))
        c.net.event("state", socket_state(c.s))

    c = run(body)
    assert c.net.log == [(1100, "disconnect", NX_DISCONNECT_FAILED), (1100, "state", CLOSED)]
    fins = [row[0] for row in wire_tcp(c) if row[2] & FIN]
    assert fins == [3] + [100 * k for k in range(1, 11)]


def test_fin_wait_2_has_no_timer() -> None:
    """Our FIN ACKed at 0: FIN_WAIT_2 stops the timer (no FIN resent, nothing times out);
    3000 ticks later the peer's FIN still completes the close."""
    def body(c: Case) -> None:
        c.established()
        c.net.spawn("disconnect", lambda: nx.nx_tcp_socket_disconnect(c.s, 5000))
        c.peer(ACK, P + 1, ISN + 2)
        tx_thread_sleep(3000)
        c.net.event("state", socket_state(c.s))
        c.peer(FIN | ACK, P + 1, ISN + 2)

    c = run(body)
    assert c.net.log == [(3000, "state", 8), (3000, "disconnect", NX_SUCCESS)]
    assert [row[0] for row in wire_tcp(c) if row[2] & FIN] == [0]


# ============================================================================ bind
def test_bind_wait_times_out_with_port_unavailable() -> None:
    def body(c: Case) -> None:
        other = nx.NX_TCP_SOCKET()
        assert nx.nx_tcp_socket_create(c.net.ip["A"], other, "other", 0, 0, 0x80, WIN, None, None) == 0
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        tx_thread_sleep(2)
        c.net.event("bind", nx.nx_tcp_client_socket_bind(other, LOCAL, 30))
        c.net.event("bind", nx.nx_tcp_client_socket_bind(other, LOCAL, NX_NO_WAIT))
        assert nx.nx_tcp_socket_delete(other) == NX_SUCCESS

    c = run(body)
    assert c.net.log == [(32, "bind", NX_PORT_UNAVAILABLE), (32, "bind", NX_PORT_UNAVAILABLE)]


def test_bind_waiter_gets_port_when_owner_unbinds() -> None:
    def body(c: Case) -> None:
        other = nx.NX_TCP_SOCKET()
        assert nx.nx_tcp_socket_create(c.net.ip["A"], other, "other", 0, 0, 0x80, WIN, None, None) == 0
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        c.net.spawn("bind", lambda: nx.nx_tcp_client_socket_bind(other, LOCAL, 100))
        tx_thread_sleep(7)
        assert nx.nx_tcp_client_socket_unbind(c.s) == NX_SUCCESS
        c.net.event("port", nx.nx_tcp_client_socket_port_get(other))
        assert nx.nx_tcp_client_socket_unbind(other) == NX_SUCCESS
        assert nx.nx_tcp_socket_delete(other) == NX_SUCCESS

    c = run(body)
    assert c.net.log == [(7, "bind", NX_SUCCESS), (7, "port", (NX_SUCCESS, LOCAL))]


# ============================================================================ state wait
def test_state_wait_times_out_with_not_successful() -> None:
    from netxsim.nx.constants import NX_NOT_SUCCESSFUL

    def body(c: Case) -> None:
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        tx_thread_sleep(2)
        c.net.event("wait", nx.nx_tcp_socket_state_wait(c.s, ESTABLISHED, 25))

    c = run(body)
    assert c.net.log == [(27, "wait", NX_NOT_SUCCESSFUL)]


def test_state_wait_sees_established_within_a_tick() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        c.net.spawn("wait", lambda: nx.nx_tcp_socket_state_wait(c.s, ESTABLISHED, 100))
        tx_thread_sleep(5)
        c.peer(SYN | ACK, P, ISN + 1, options=netx_syn_options(1460))
        c.replies()
        tx_thread_sleep(5)

    c = run(body)
    assert c.net.log == [(6, "wait", NX_SUCCESS)]


def test_fin_wait_1_state_while_waiting() -> None:
    def body(c: Case) -> None:
        c.fin_wait_1()
        c.net.event("state", socket_state(c.s))
        c.peer(FIN | ACK, P + 1, ISN + 2)
        c.replies()

    c = run(body)
    assert c.net.log == [(0, "state", FIN_WAIT_1), (0, "disconnect", NX_SUCCESS)]


# ============================================================================ congestion / probes
def test_timeout_retransmits_one_mss_of_the_queue() -> None:
    """Three 1000-byte segments at 3; no ACK. At each expiry cwnd is 1 MSS (1460): only
    the head fits (1000, then 1000 > 460 left), at 100 and 200."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        for byte in b"xyz":
            assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], bytes([byte]) * 1000),
                                         NX_NO_WAIT) == NX_SUCCESS
        tx_thread_sleep(250 - 3)
        c.peer(ACK, P + 1, ISN + 3001)

    c = run(body)
    data = [(row[0], row[3] - ISN, len(row[5])) for row in wire_tcp(c) if row[5]]
    assert data == [(3, 1, 1000), (3, 1001, 1000), (3, 2001, 1000), (100, 1, 1000), (200, 1, 1000)]


def test_zero_window_probes_one_byte() -> None:
    """Data queued at 3, then the peer advertises window 0 without ACKing it: each expiry
    (100, 200) sends a probe — ACK flag only, seq = first un-ACKed byte, one data byte."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"hello"), NX_NO_WAIT) == 0
        c.peer(ACK, P + 1, ISN + 1, window=0)
        tx_thread_sleep(250 - 3)
        c.net.event("replies", c.replies())
        c.peer(ACK, P + 1, ISN + 6, window=PEER_WIN)

    c = run(body)
    assert c.net.log == [(250, "replies", [
        seg(ACK | PSH, ISN + 1, P + 1, data=b"hello", tick=3),
        seg(ACK, ISN + 1, P + 1, data=b"h", tick=100),
        seg(ACK, ISN + 1, P + 1, data=b"h", tick=200)])]


def test_keepalive_is_off_by_default() -> None:
    """An idle connection sends nothing past NX_TCP_KEEPALIVE_INITIAL (7200 s) + one
    retry interval (75 s): keepalive is compiled out by default. (~73000 fast events:
    the slowest test of the file.)"""
    idle = (7200 + 100) * 100

    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(idle)
        c.net.event("replies", c.replies())

    c = run(body, until=idle + 1000)
    assert c.net.log == [(idle, "replies", [])]


def test_syn_received_syn_ack_retransmitted_then_back_to_listen() -> None:
    """accept at 3 sends the SYN+ACK and starts the RTO: resent at 100 ... 1000, reset at
    1100 → the server socket returns to LISTEN; the accept waiter gets NX_NOT_CONNECTED."""
    def body(c: Case) -> None:
        c.listen()
        tx_thread_sleep(3)
        c.peer(SYN, P, options=netx_syn_options(1460))
        c.net.event("accept", nx.nx_tcp_server_socket_accept(c.s, NX_WAIT_FOREVER))
        c.net.event("state", socket_state(c.s))

    c = run(body)
    assert c.net.log == [(1100, "accept", NX_NOT_CONNECTED), (1100, "state", LISTEN)]
    assert [(row[0], row[2], row[3]) for row in wire_tcp(c)] == \
        [(3, SYN | ACK, ISN)] + [(100 * k, SYN | ACK, ISN) for k in range(1, 11)]


def test_idle_receive_forever_is_a_deadlock_not_a_hang() -> None:
    """Nothing can ever wake a receiver on an idle connection (no timer runs): the run
    ends as a deadlock at once instead of simulating forever."""
    case = Case()

    def body() -> None:
        assert nx.nx_tcp_socket_create(case.net.ip["A"], case.s, "s", 0, 0, 0x80, WIN, None, None) == 0
        case.established()
        tx_thread_sleep(5)
        case.net.event("receive", receive_bytes(case.s, NX_WAIT_FOREVER))

    result = case.net.run(lambda n: n.thread("test", body), until=100_000)
    assert (result.reason, result.ticks) == ("deadlock", 5)
    assert case.net.log == []
    case.net.assert_pools_full()


def test_run_stays_alive_while_a_retransmission_is_pending() -> None:
    """The only thread waits forever in receive while unACKed data is queued: the TCP
    activity probe keeps the run going until the retries end at 1100 (not a deadlock)."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"q"), NX_NO_WAIT) == NX_SUCCESS
        c.net.event("receive", receive_bytes(c.s, NX_WAIT_FOREVER))

    c = run(body)
    assert c.net.log == [(1100, "receive", (NX_NOT_CONNECTED, None))]


# ============================================================================ the listed timeout scenarios
def test_worked_interleaving_one_command_and_reply() -> None:
    """Spec Appendix C: client thread C (priority 16) on A, server thread S (priority 3)
    on B blocked in receive, both IP threads priority 1. At tick 55 C sends "HELO": the
    driver hands it to B's IP thread, which gives it straight to S; S replies (its
    segment carries the ACK) and blocks again — all before C's send returns. C then
    finds the reply queued. A's ACK of the reply goes out at the 2nd fast event (70)."""
    from netxsim.testing.tcp import B_ADDR, TcpNet, first_isn, rand_values

    net = TcpNet(("A", "B"), station=False)
    client, server = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()
    r = rand_values(4)
    s_isn, c_isn = first_isn(r[0], r[1]), first_isn(r[2], r[3])

    def server_thread() -> None:
        ip = net.ip["B"]
        assert nx.nx_tcp_socket_create(ip, server, "server", 0, 0, 0x80, 1460, None, None) == 0
        assert nx.nx_tcp_server_socket_listen(ip, 25, server, 5, None) == NX_SUCCESS
        net.event("S", ("accept", nx.nx_tcp_server_socket_accept(server, NX_WAIT_FOREVER)))
        net.event("S", ("receive",) + receive_bytes(server, NX_WAIT_FOREVER))
        net.event("S", ("send", nx.nx_tcp_socket_send(server, make_packet(net.pool["B"], b"250 OK"), 100)))
        net.event("S", ("receive",) + receive_bytes(server, 200))
        nx.nx_tcp_socket_disconnect(server, NX_NO_WAIT)
        nx.nx_tcp_server_socket_unaccept(server)
        nx.nx_tcp_server_socket_unlisten(ip, 25)
        assert nx.nx_tcp_socket_delete(server) == NX_SUCCESS

    def client_thread() -> None:
        ip = net.ip["A"]
        assert nx.nx_tcp_socket_create(ip, client, "client", 0, 0, 0x80, 1460, None, None) == 0
        tx_thread_sleep(2)
        assert nx.nx_tcp_client_socket_bind(client, 1024, NX_NO_WAIT) == NX_SUCCESS
        net.event("C", ("connect", nx.nx_tcp_client_socket_connect(client, B_ADDR, 25, 100)))
        tx_thread_sleep(53)
        net.event("C", ("send", nx.nx_tcp_socket_send(client, make_packet(net.pool["A"], b"HELO"), 100)))
        net.event("C", ("receive",) + receive_bytes(client, NX_NO_WAIT))
        tx_thread_sleep(45)
        nx.nx_tcp_socket_disconnect(client, NX_NO_WAIT)
        nx.nx_tcp_client_socket_unbind(client)
        assert nx.nx_tcp_socket_delete(client) == NX_SUCCESS

    def setup(n: TcpNet) -> None:
        n.thread("S", server_thread, 3)
        n.thread("C", client_thread, 16)

    result = net.run(setup)
    assert result.reason == "completed", result.report()
    assert net.log == [
        (2, "S", ("accept", NX_SUCCESS)),
        (2, "C", ("connect", NX_SUCCESS)),
        (55, "S", ("receive", NX_SUCCESS, b"HELO")),
        (55, "S", ("send", NX_SUCCESS)),
        (55, "C", ("send", NX_SUCCESS)),
        (55, "C", ("receive", NX_SUCCESS, b"250 OK")),
        (100, "S", ("receive", NX_NOT_CONNECTED, None)),
    ]
    tcp = []
    for record in net.frame_log:
        parsed = parse_tcp_frame(record.frame)
        if parsed and 50 <= record.tick < 100:
            ip, h, data = parsed
            tcp.append((record.tick, ip.src, h.flags, h.seq, h.ack, h.window, data))
    assert tcp == [
        (55, A_ADDR, ACK | PSH, c_isn + 1, s_isn + 1, 1460, b"HELO"),
        (55, B_ADDR, ACK | PSH, s_isn + 1, c_isn + 5, 1460, b"250 OK"),
        (70, A_ADDR, ACK, c_isn + 5, s_isn + 7, 1460, b""),
    ]
    net.assert_pools_full()


def test_rto_set_before_the_ip_thread_saw_that_ticks_fast_event_expires_after_90() -> None:
    """A priority-0 thread (more urgent than the IP thread) connects at tick 10, before A's
    IP thread handles the fast event of tick 10: that event already takes the fresh 100
    down to 90, so the SYN is resent at 100 — 90 ticks later."""
    from netxsim.testing.tcp import TcpNet

    net = TcpNet()
    s = nx.NX_TCP_SOCKET()

    def urgent() -> None:
        assert nx.nx_tcp_socket_create(net.ip["A"], s, "s", 0, 0, 0x80, WIN, None, None) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_bind(s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        tx_thread_sleep(10)
        net.event("connect", nx.nx_tcp_client_socket_connect(s, SILENT_ADDR, REMOTE, NX_NO_WAIT))
        tx_thread_sleep(150 - 10)
        nx.nx_tcp_socket_disconnect(s, NX_NO_WAIT)
        nx.nx_tcp_client_socket_unbind(s)
        assert nx.nx_tcp_socket_delete(s) == NX_SUCCESS

    result = net.run(lambda n: n.thread("urgent", urgent, 0))
    assert result.reason == "completed", result.report()
    syns = []
    for record in net.frame_log:
        parsed = parse_tcp_frame(record.frame)
        if parsed:
            syns.append((record.tick, parsed[1].flags))
    assert net.log == [(10, "connect", NX_IN_PROGRESS)]
    assert syns == [(10, SYN), (100, SYN)]
    net.assert_pools_full()


def test_transmit_configure_shift_doubles_the_rto() -> None:
    """transmit_configure(20, 100, 3 retries, shift 1): SYN at 5; expiries at 100 (next
    100 << 1), 300 (100 << 2), 700 (100 << 3 = 800); the 4th expiry at 1500 finds 3
    retries → reset → NX_NOT_CONNECTED."""
    def body(c: Case) -> None:
        assert nx.nx_tcp_socket_transmit_configure(c.s, 20, 100, 3, 1) == NX_SUCCESS
        tx_thread_sleep(5)
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        c.net.event("connect", nx.nx_tcp_client_socket_connect(c.s, SILENT_ADDR, REMOTE, NX_WAIT_FOREVER))

    c = run(body)
    assert c.net.log == [(1500, "connect", NX_NOT_CONNECTED)]
    assert [row[0] for row in wire_tcp(c, SILENT_ADDR)] == [5, 100, 300, 700]


def test_retransmission_with_new_ack_gets_a_new_ip_id() -> None:
    """Data at 3 (IP ID 3). The peer's data at 50 is ACKed at 70 (ID 4, 2nd fast event).
    The retransmission at 100 carries the new ack (P+4), so it is not an identical copy:
    a fresh IPv4 header with ID 5."""
    def body(c: Case) -> None:
        c.established()
        tx_thread_sleep(3)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"data"), NX_NO_WAIT) == NX_SUCCESS
        tx_thread_sleep(47)
        c.peer(ACK | PSH, P + 1, ISN + 1, b"abc")
        tx_thread_sleep(60)
        c.peer(ACK, P + 4, ISN + 5)
        receive_bytes(c.s, NX_NO_WAIT)

    c = run(body)
    rows = [row[:5] + (row[5],) for row in wire_tcp(c) if row[0] > 0]
    assert rows[:3] == [(3, 3, ACK | PSH, ISN + 1, P + 1, b"data"), (70, 4, ACK, ISN + 5, P + 4, b""),
                        (100, 5, ACK | PSH, ISN + 1, P + 4, b"data")]


# ============================================================================ the demo without a server
def test_demo_connect_with_no_server_fills_the_ip_pool_with_queued_syns() -> None:
    """The SMTP demo without a server, on a 3 x 512 IP default pool:
    at 100 bind(NX_ANY_PORT) gives 50535; connect(1000) makes an ARP entry, queues the SYN
    on it and sends the ARP request (its buffer returns after the driver). Each RTO
    expiry (200, 300) queues another SYN copy until the pool is empty; later SYNs and
    every ARP retry are silently skipped, so nothing but the first ARP request ever
    reaches the wire. The wait ends at 1100 → NX_NOT_CONNECTED. The queued SYNs return
    to the pool only when ARP gives up: entry made at 100 → retries at 1100, 2100, ... →
    give-up at 19100."""
    from netxsim.testing.tcp import TcpNet

    net = TcpNet(station=False, pool_packets=3, payload=512)
    s = nx.NX_TCP_SOCKET()
    nobody = 0x01020309

    def client() -> None:
        assert nx.nx_tcp_socket_create(net.ip["A"], s, "SMTP", 0, 0, 0x80, 1460, None, None) == NX_SUCCESS
        tx_thread_sleep(100)
        assert nx.nx_tcp_client_socket_bind(s, 0, 100) == NX_SUCCESS
        net.event("client", nx.nx_tcp_client_socket_port_get(s))
        net.event("client", nx.nx_tcp_client_socket_connect(s, nobody, 25, 1000))
        assert nx.nx_tcp_client_socket_unbind(s) == NX_SUCCESS
        assert nx.nx_tcp_socket_delete(s) == NX_SUCCESS
        for tick in (19099, 19100):
            tx_thread_sleep(tick - tx_time_get())
            net.event("client", ("free", net.pool_free("A")))

    def sampler() -> None:
        for tick in (150, 250, 350, 1050):
            tx_thread_sleep(tick - tx_time_get())
            net.event("sampler", ("free", net.pool_free("A")))

    def setup(n: TcpNet) -> None:
        n.thread("client", client, 16)
        n.thread("sampler", sampler, 15)

    result = net.run(setup, until=25000)
    assert result.reason == "completed", result.report()
    assert net.log == [
        (100, "client", (NX_SUCCESS, 50535)),
        (150, "sampler", ("free", 2)), (250, "sampler", ("free", 1)), (350, "sampler", ("free", 0)),
        (1050, "sampler", ("free", 0)),
        (1100, "client", NX_NOT_CONNECTED),
        (19099, "client", ("free", 0)), (19100, "client", ("free", 3)),
    ]
    assert [(r.tick, len(r.frame)) for r in net.frame_log] == [(100, 42)]
    net.assert_pools_full()
