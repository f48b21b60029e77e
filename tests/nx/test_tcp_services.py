"""NetX TCP services: every _nxe_ argument and caller error, and the behaviour of each
service (netxduo common/src/nxe_tcp_*.c and nx_tcp_*.c).

Statuses are compared as exact event logs. Caller classes: create/info/mss/
notify/transmit_configure are INIT_AND_THREADS; bind/connect/listen/accept/relisten/
unaccept/unlisten/send/receive/disconnect/delete/unbind/free_port_find/state_wait/
bytes_available are THREADS_ONLY; nx_tcp_enable is NOT_ISR.
"""
from __future__ import annotations

from typing import Any

import netxsim.nx as nx
from netxsim.nx.constants import (
    NX_ALREADY_BOUND, NX_ALREADY_ENABLED, NX_ANY_PORT, NX_CALLER_ERROR, NX_CONNECTION_PENDING,
    NX_DUPLICATE_LISTEN,
    NX_ENTRY_NOT_FOUND, NX_IN_PROGRESS, NX_INVALID_PACKET, NX_INVALID_PORT, NX_IP_ADDRESS_ERROR,
    NX_MAX_LISTEN, NX_NO_WAIT, NX_NOT_BOUND, NX_NOT_CLOSED, NX_NOT_CONNECTED,
    NX_NOT_ENABLED, NX_NOT_LISTEN_STATE, NX_NOT_SUCCESSFUL, NX_OPTION_ERROR, NX_PTR_ERROR,
    NX_SIZE_ERROR, NX_STILL_BOUND, NX_SUCCESS, NX_UNDERFLOW,
)
from netxsim.nx.packet import nx_packet_allocate, nx_packet_release
from netxsim.nx.wire import netx_syn_options
from netxsim.tx import TX_AUTO_ACTIVATE, TX_TIMER, tx_thread_sleep, tx_timer_create

from netxsim.testing.tcp import (
    A_ADDR, ACK, B_ADDR, CLOSED, ESTABLISHED, FIN, ISN, LISTEN, LOCAL, P, PEER_PORT, PEER_WIN, PSH,
    REMOTE, RST, STATION_ADDR, SYN, WIN, Case, TcpNet, first_isn, make_packet,
    parse_tcp_frame, rand_values, receive_bytes, run, seg, socket_state,
)

NX_IP_MIN_DELAY = 0x00100000
NX_DONT_FRAGMENT = 0x00004000
R = rand_values(8)


def create(ip: Any, socket: Any, window: int = WIN, name: str = "s", **kw: Any) -> int:
    return nx.nx_tcp_socket_create(ip, socket, name, kw.get("tos", 0), kw.get("fragment", 0),
                                   kw.get("ttl", 0x80), window, kw.get("urgent"), kw.get("disconnect"))


# ============================================================================ nx_tcp_enable
def test_tcp_enable_errors() -> None:
    net = TcpNet(station=False, tcp=False)

    def setup(n: TcpNet) -> None:
        ip = n.ip["A"]
        n.log.append(("init", nx.nx_tcp_enable(None)))
        n.log.append(("init", nx.nx_tcp_enable(nx.NX_IP())))
        n.log.append(("init", nx.nx_tcp_enable(ip)))
        n.log.append(("init", nx.nx_tcp_enable(ip)))

    net.run(setup)
    assert net.log == [("init", NX_PTR_ERROR), ("init", NX_PTR_ERROR), ("init", NX_SUCCESS),
                       ("init", NX_ALREADY_ENABLED)]
    net.assert_pools_full()


def test_services_on_ip_without_tcp_are_not_enabled() -> None:
    net = TcpNet(station=False, tcp=False)

    def setup(n: TcpNet) -> None:
        n.log.append(create(n.ip["A"], nx.NX_TCP_SOCKET()))
        n.log.append(nx.nx_tcp_server_socket_unlisten(n.ip["A"], 80))
        n.log.append(nx.nx_tcp_server_socket_listen(n.ip["A"], 80, nx.NX_TCP_SOCKET(), 5, None))
        n.log.append(nx.nx_tcp_free_port_find(n.ip["A"], 80)[0])

    net.run(setup)
    assert net.log == [NX_NOT_ENABLED, NX_NOT_ENABLED, NX_PTR_ERROR, NX_NOT_ENABLED]
    net.assert_pools_full()


# ============================================================================ create / delete
def test_socket_create_argument_errors() -> None:
    def body(c: Case) -> None:
        ip = c.net.ip["A"]
        fresh = nx.NX_TCP_SOCKET
        log = c.net.log
        log.append(create(None, fresh()))
        log.append(create(nx.NX_IP(), fresh()))
        log.append(create(ip, None))
        log.append(create(ip, c.s))                      # already created
        log.append(create(ip, fresh(), tos=0x01000000))
        log.append(create(ip, fresh(), fragment=0x1234))
        log.append(create(ip, fresh(), ttl=0xFF000001))
        log.append(create(ip, fresh(), window=0))
        log.append(create(ip, fresh(), window=65536))
        good = fresh()
        log.append(create(ip, good, window=65535, tos=NX_IP_MIN_DELAY, fragment=NX_DONT_FRAGMENT, ttl=7))
        log.append(nx.nx_tcp_socket_delete(good))
        log.append(nx.nx_tcp_socket_delete(good))         # no longer created
        log.append(nx.nx_tcp_socket_delete(None))

    c = run(body)
    assert c.net.log == [NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR, NX_OPTION_ERROR,
                         NX_OPTION_ERROR, NX_OPTION_ERROR, NX_OPTION_ERROR, NX_OPTION_ERROR, NX_SUCCESS,
                         NX_SUCCESS, NX_PTR_ERROR, NX_PTR_ERROR]


def test_socket_fields_after_create() -> None:
    def body(c: Case) -> None:
        s = c.s
        c.net.log.append((s.nx_tcp_socket_state, s.nx_tcp_socket_connect_mss, s.nx_tcp_socket_rx_window_current,
                          s.nx_tcp_socket_transmit_queue_maximum, s.nx_tcp_socket_port))
        c.net.log.append(nx.nx_tcp_socket_mss_get(s))
        c.net.log.append(nx.nx_tcp_socket_info_get(s))

    c = run(body)
    assert c.net.log == [(CLOSED, 1460, WIN, 20, 0), (NX_SUCCESS, 1460),
                         (NX_SUCCESS, 0, 0, 0, 0, 0, 0, 0, CLOSED, 0, 0, WIN)]


def test_create_in_init_ok_from_timer_caller_error() -> None:
    net = TcpNet(station=False)
    socket, late = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()

    def setup(n: TcpNet) -> None:
        n.log.append(("init create", create(n.ip["A"], socket)))
        n.log.append(("init bind", nx.nx_tcp_client_socket_bind(socket, 80, NX_NO_WAIT)))
        n.log.append(("init bind bad port", nx.nx_tcp_client_socket_bind(socket, 0x10000, NX_NO_WAIT)))
        n.log.append(("init info", nx.nx_tcp_socket_info_get(socket)[0]))
        n.log.append(("init mss set", nx.nx_tcp_socket_mss_set(socket, 1000)))
        n.log.append(("init free port", nx.nx_tcp_free_port_find(n.ip["A"], 80)[0]))
        n.log.append(("init delete", nx.nx_tcp_socket_delete(socket)))

        def in_timer(_: int) -> None:
            n.log.append(("timer create", create(n.ip["A"], late)))
            n.log.append(("timer receive", nx.nx_tcp_socket_receive(socket, NX_NO_WAIT)))
            n.log.append(("timer info", nx.nx_tcp_socket_info_get(socket)[0]))

        assert tx_timer_create(TX_TIMER(), "t", in_timer, 0, 5, 0, TX_AUTO_ACTIVATE) == NX_SUCCESS
        n.thread("idle", lambda: tx_thread_sleep(10))

    net.run(setup)
    assert net.log == [
        ("init create", NX_SUCCESS), ("init bind", NX_CALLER_ERROR), ("init bind bad port", NX_INVALID_PORT),
        ("init info", NX_SUCCESS), ("init mss set", NX_SUCCESS), ("init free port", NX_CALLER_ERROR),
        ("init delete", NX_CALLER_ERROR),
        ("timer create", NX_CALLER_ERROR), ("timer receive", (NX_CALLER_ERROR, None)),
        ("timer info", NX_CALLER_ERROR),
    ]
    net.assert_pools_full()


def test_delete_bound_socket_is_still_bound() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        log.append(nx.nx_tcp_socket_delete(c.s))
        log.append(nx.nx_tcp_client_socket_unbind(c.s))
        log.append(nx.nx_tcp_client_socket_unbind(c.s))
        c.listen()
        log.append(nx.nx_tcp_socket_delete(c.s))          # LISTEN: not CLOSED

    c = run(body)
    assert c.net.log == [NX_STILL_BOUND, NX_SUCCESS, NX_NOT_BOUND, NX_STILL_BOUND]


# ============================================================================ bind
def test_bind_errors() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_client_socket_bind(None, LOCAL, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_bind(nx.NX_TCP_SOCKET(), LOCAL, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_bind(c.s, 0x10000, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_bind(c.s, LOCAL + 1, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_port_get(c.s))
        log.append(nx.nx_tcp_client_socket_port_get(None))

    c = run(body)
    assert c.net.log == [NX_PTR_ERROR, NX_PTR_ERROR, NX_INVALID_PORT, NX_SUCCESS, NX_ALREADY_BOUND,
                         (NX_SUCCESS, LOCAL), (NX_PTR_ERROR, None)]


def test_bind_any_port_gives_50535_and_first_isn_0x67fe9869() -> None:
    """glibc rand() with the default seed: the first bind with NX_ANY_PORT takes rand #1
    (1804289383 % 16384 + 0xC000 = 50535); the connect takes #2 and #3 (ISN 0x67FE9869);
    a second NX_ANY_PORT bind takes #4."""
    second_port = 0xC000 + R[3] % 16384

    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_client_socket_bind(c.s, NX_ANY_PORT, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_port_get(c.s))
        log.append(nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, 25, NX_NO_WAIT))
        other = nx.NX_TCP_SOCKET()
        assert create(c.net.ip["A"], other, name="other") == NX_SUCCESS
        log.append(nx.nx_tcp_client_socket_bind(other, NX_ANY_PORT, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_port_get(other))
        assert nx.nx_tcp_client_socket_unbind(other) == NX_SUCCESS
        assert nx.nx_tcp_socket_delete(other) == NX_SUCCESS
        log.append(c.replies())

    c = run(body)
    assert 0x67FE9869 == first_isn(R[1], R[2])
    assert c.net.log == [NX_SUCCESS, (NX_SUCCESS, 50535), NX_IN_PROGRESS, NX_SUCCESS, (NX_SUCCESS, second_port),
                         [seg(SYN, 0x67FE9869, 0, options=netx_syn_options(1460), src=50535, dst=25)]]


def test_second_connect_isn_is_previous_plus_0x10000_plus_rand() -> None:
    def body(c: Case) -> None:
        c.syn_sent()
        assert nx.nx_tcp_socket_disconnect(c.s, NX_NO_WAIT) == NX_SUCCESS     # SYN_SENT: closes quietly
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        c.net.log.append(c.replies())

    c = run(body)
    isn2 = (ISN + 1 + 0x10000 + R[2]) & 0xFFFFFFFF
    assert c.net.log == [[seg(SYN, isn2, 0, options=netx_syn_options(1460))]]


def test_free_port_find() -> None:
    def body(c: Case) -> None:
        ip, log = c.net.ip["A"], c.net.log
        log.append(nx.nx_tcp_free_port_find(ip, LOCAL))
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        log.append(nx.nx_tcp_free_port_find(ip, LOCAL))
        assert nx.nx_tcp_client_socket_unbind(c.s) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_bind(c.s, 0xFFFF, NX_NO_WAIT) == NX_SUCCESS
        log.append(nx.nx_tcp_free_port_find(ip, 0xFFFF))      # wraps to 0xC000
        log.append(nx.nx_tcp_free_port_find(ip, 0x10000))
        log.append(nx.nx_tcp_free_port_find(None, 80))

    c = run(body)
    assert c.net.log == [(NX_SUCCESS, LOCAL), (NX_SUCCESS, LOCAL + 1), (NX_SUCCESS, 0xC000),
                         (NX_INVALID_PORT, None), (NX_PTR_ERROR, None)]


# ============================================================================ connect
def test_connect_errors() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_client_socket_connect(None, STATION_ADDR, REMOTE, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT))   # not bound
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        log.append(nx.nx_tcp_client_socket_connect(c.s, 0, REMOTE, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_connect(c.s, 0xE0000001, REMOTE, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, 0x10000, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_connect(c.s, 0x0A000001, REMOTE, NX_NO_WAIT))  # no route
        log.append(nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT))
        log.append(nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT))  # not closed
        c.replies()

    c = run(body)
    assert c.net.log == [NX_PTR_ERROR, NX_NOT_BOUND, NX_IP_ADDRESS_ERROR, NX_IP_ADDRESS_ERROR, NX_INVALID_PORT,
                         NX_IP_ADDRESS_ERROR, NX_IN_PROGRESS, NX_NOT_CLOSED]


def test_nxd_connect_with_nxd_address() -> None:
    """nxde_tcp_client_socket_connect: NULL address or a version other than 4/6 →
    NX_IP_ADDRESS_ERROR, checked before the port; a v4 address works like the NetX API."""
    def body(c: Case) -> None:
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        bad = nx.NXD_ADDRESS()
        bad.nxd_ip_version = 5
        bad.nxd_ip_address.v4 = STATION_ADDR
        c.net.log.append(nx.nxd_tcp_client_socket_connect(c.s, None, REMOTE, NX_NO_WAIT))
        c.net.log.append(nx.nxd_tcp_client_socket_connect(c.s, bad, 0x10000, NX_NO_WAIT))
        c.net.log.append(nx.nxd_tcp_client_socket_connect(None, bad, REMOTE, NX_NO_WAIT))
        server = nx.NXD_ADDRESS()
        server.nxd_ip_version = 4
        server.nxd_ip_address.v4 = STATION_ADDR
        c.net.log.append(nx.nxd_tcp_client_socket_connect(c.s, server, REMOTE, NX_NO_WAIT))
        c.net.log.append(c.replies())

    c = run(body)
    assert c.net.log == [NX_IP_ADDRESS_ERROR, NX_IP_ADDRESS_ERROR, NX_PTR_ERROR, NX_IN_PROGRESS,
                         [seg(SYN, ISN, 0, options=netx_syn_options(1460))]]


def test_connect_to_port_without_listener_gets_rst_and_not_connected() -> None:
    """A (1.2.3.4) connects to B (1.2.3.5) port 99, nobody listens: ARP and the SYN at 5,
    B's RST+ACK (seq 0, ack ISN+1, window 0) at 5 → NX_NOT_CONNECTED at 5."""
    net = TcpNet(("A", "B"), station=False)
    s = nx.NX_TCP_SOCKET()

    def app() -> None:
        assert create(net.ip["A"], s) == NX_SUCCESS
        tx_thread_sleep(5)
        assert nx.nx_tcp_client_socket_bind(s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        net.event("connect", nx.nx_tcp_client_socket_connect(s, B_ADDR, 99, 100))
        net.event("state", socket_state(s))
        net.event("B info", nx.nx_tcp_info_get(net.ip["B"]))
        assert nx.nx_tcp_client_socket_unbind(s) == NX_SUCCESS
        assert nx.nx_tcp_socket_delete(s) == NX_SUCCESS

    result = net.run(lambda n: n.thread("app", app))
    assert result.reason == "completed", result.report()
    tcp = []
    for record in net.frame_log:
        parsed = parse_tcp_frame(record.frame)
        if parsed:
            ip, h, data = parsed
            tcp.append((record.tick, ip.src, h.src_port, h.dst_port, h.flags, h.seq, h.ack, h.window))
    assert tcp == [(5, A_ADDR, LOCAL, 99, SYN, ISN, 0, WIN), (5, B_ADDR, 99, LOCAL, RST | ACK, 0, ISN + 1, 0)]
    # B's counters (nx_tcp_packet_process.c): only data segments count as sent/received;
    # the SYN for no listener is a dropped receive packet and a dropped connection.
    assert net.log == [(5, "connect", NX_NOT_CONNECTED), (5, "state", CLOSED),
                       (5, "B info", (NX_SUCCESS, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0))]
    net.assert_pools_full()


# ============================================================================ listen / accept
def test_listen_errors_and_limits() -> None:
    def body(c: Case) -> None:
        ip, log = c.net.ip["A"], c.net.log
        log.append(nx.nx_tcp_server_socket_listen(None, 80, c.s, 5, None))
        log.append(nx.nx_tcp_server_socket_listen(ip, 80, None, 5, None))
        log.append(nx.nx_tcp_server_socket_listen(ip, 0, c.s, 5, None))
        log.append(nx.nx_tcp_server_socket_listen(ip, 0x10000, c.s, 5, None))
        log.append(nx.nx_tcp_server_socket_listen(ip, 80, c.s, 5, None))
        log.append(nx.nx_tcp_server_socket_listen(ip, 80, c.s, 5, None))         # not CLOSED
        others = [nx.NX_TCP_SOCKET() for _ in range(10)]
        for k, other in enumerate(others):
            assert create(ip, other, name=f"o{k}") == NX_SUCCESS
        log.append(nx.nx_tcp_server_socket_listen(ip, 80, others[0], 5, None))   # duplicate
        for k in range(1, 10):                     # NX_MAX_LISTEN_REQUESTS = 10 in all
            log.append(nx.nx_tcp_server_socket_listen(ip, 80 + k, others[k], 5, None))
        log.append(nx.nx_tcp_server_socket_listen(ip, 90, others[0], 5, None))
        for k in range(1, 10):
            assert nx.nx_tcp_server_socket_unlisten(ip, 80 + k) == NX_SUCCESS
        log.append(nx.nx_tcp_server_socket_unlisten(ip, 99))
        log.append(nx.nx_tcp_server_socket_unlisten(ip, 0))
        for other in others:
            assert nx.nx_tcp_socket_delete(other) == NX_SUCCESS
        c.server = True

    c = run(body)
    assert c.net.log == [NX_PTR_ERROR, NX_PTR_ERROR, NX_INVALID_PORT, NX_INVALID_PORT, NX_SUCCESS, NX_NOT_CLOSED,
                         NX_DUPLICATE_LISTEN] + [NX_SUCCESS] * 9 + [NX_MAX_LISTEN, NX_ENTRY_NOT_FOUND,
                                                                    NX_INVALID_PORT]


def test_accept_errors() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_server_socket_accept(None, NX_NO_WAIT))
        log.append(nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT))               # CLOSED
        log.append(nx.nx_tcp_server_socket_unaccept(c.s))
        c.listen()
        log.append(nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT))
        log.append(nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT))               # again: still waits

    c = run(body)
    assert c.net.log == [NX_PTR_ERROR, NX_NOT_LISTEN_STATE, NX_NOT_LISTEN_STATE, NX_IN_PROGRESS, NX_IN_PROGRESS]


def test_listen_queue_overflow_drops_oldest_and_relisten_takes_queued() -> None:
    """Queue size 2. SYN from port 2000 goes to the listening socket; 2001, 2002 are
    queued; 2003 overflows the queue and the oldest queued (2001) is released. No SYN is
    answered before accept. After the first connection, relisten with a second socket
    takes the oldest queued request (2002) and accept answers it."""
    def body(c: Case) -> None:
        ip, log = c.net.ip["A"], c.net.log
        c.listen()
        assert nx.nx_tcp_server_socket_unlisten(ip, REMOTE) == NX_SUCCESS
        assert nx.nx_tcp_server_socket_unaccept(c.s) == NX_NOT_LISTEN_STATE
        c.expect_state(CLOSED)
        assert nx.nx_tcp_server_socket_listen(ip, REMOTE, c.s, 2, None) == NX_SUCCESS
        for k in range(4):
            c.st.send(PEER_PORT + k, REMOTE, SYN, P + 100 * k, 0, PEER_WIN, b"", netx_syn_options(1460))
        log.append(("free after 4 SYNs", c.net.pool_free("A")))
        log.append(c.replies())
        log.append(nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT))
        log.append(c.replies())
        second = nx.NX_TCP_SOCKET()
        assert create(ip, second, name="second") == NX_SUCCESS
        log.append(nx.nx_tcp_server_socket_relisten(ip, REMOTE, second))
        log.append(socket_state(second))
        log.append(nx.nx_tcp_server_socket_accept(second, NX_NO_WAIT))
        log.append(c.replies())
        log.append(nx.nx_tcp_server_socket_relisten(ip, REMOTE, second))        # not CLOSED
        third = nx.NX_TCP_SOCKET()
        assert create(ip, third, name="third") == NX_SUCCESS
        log.append(nx.nx_tcp_server_socket_relisten(ip, REMOTE, third))         # one queued left: 2003
        log.append(nx.nx_tcp_server_socket_relisten(ip, 81, nx.NX_TCP_SOCKET()))
        for sock in (second, third):
            nx.nx_tcp_socket_disconnect(sock, NX_NO_WAIT)
            nx.nx_tcp_server_socket_unaccept(sock)
        nx.nx_tcp_socket_disconnect(c.s, NX_NO_WAIT)
        nx.nx_tcp_server_socket_unaccept(c.s)
        assert nx.nx_tcp_server_socket_unlisten(ip, REMOTE) == NX_SUCCESS
        for sock in (second, third):
            assert nx.nx_tcp_socket_delete(sock) == NX_SUCCESS
        c.replies()
        c.server = False

    c = run(body)
    second_isn = first_isn(R[2], R[3])     # each socket's first accept: (rand << 16) | rand
    assert c.net.log == [
        ("free after 4 SYNs", 16 - 2),        # 2002 and 2003 queued; 2000 released, 2001 dropped
        [],
        NX_IN_PROGRESS,
        [seg(SYN | ACK, ISN, P + 1, options=netx_syn_options(1460), src=REMOTE, dst=PEER_PORT)],
        NX_CONNECTION_PENDING, LISTEN, NX_IN_PROGRESS,
        [seg(SYN | ACK, second_isn, P + 201, options=netx_syn_options(1460), src=REMOTE, dst=PEER_PORT + 2)],
        NX_NOT_CLOSED, NX_CONNECTION_PENDING, NX_PTR_ERROR,
    ]


def test_listen_callback_and_unaccept_relisten_cycle() -> None:
    calls: list[tuple[int, int]] = []

    def body(c: Case) -> None:
        ip = c.net.ip["A"]
        c.server = True
        assert nx.nx_tcp_server_socket_listen(ip, REMOTE, c.s, 5,
                                              lambda sock, port: calls.append((socket_state(sock), port))) == 0
        c.peer(SYN, P, options=netx_syn_options(1460))
        assert nx.nx_tcp_server_socket_accept(c.s, NX_NO_WAIT) == NX_IN_PROGRESS
        c.peer(ACK, P + 1, ISN + 1)
        c.expect_state(ESTABLISHED)
        c.peer(FIN | ACK, P + 1, ISN + 1)
        c.net.log.append(nx.nx_tcp_socket_disconnect(c.s, 100))
        c.net.log.append(socket_state(c.s))       # a server socket is block-cleaned to LISTEN
        c.net.log.append(nx.nx_tcp_server_socket_unaccept(c.s))
        c.net.log.append(socket_state(c.s))
        c.net.log.append(nx.nx_tcp_server_socket_relisten(ip, REMOTE, c.s))
        c.net.log.append(socket_state(c.s))
        c.replies()

    # Disconnect from CLOSE_WAIT: FIN sent, LAST_ACK; the peer never ACKs, the 100-tick
    # wait fails → NX_DISCONNECT_FAILED and the server socket is block-cleaned to LISTEN.
    from netxsim.nx.constants import NX_DISCONNECT_FAILED
    c = run(body)
    assert calls == [(LISTEN, REMOTE)]
    assert c.net.log == [NX_DISCONNECT_FAILED, LISTEN, NX_SUCCESS, CLOSED, NX_SUCCESS, LISTEN]


# ============================================================================ send / receive
def test_send_errors() -> None:
    def body(c: Case) -> None:
        log, pool = c.net.log, c.net.pool["A"]
        packet = make_packet(pool, b"data")
        log.append(nx.nx_tcp_socket_send(None, packet, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_send(c.s, None, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT))             # no peer yet
        c.established()
        status, empty = nx_packet_allocate(pool, 56, NX_NO_WAIT)
        log.append(nx.nx_tcp_socket_send(c.s, empty, NX_NO_WAIT))              # length 0 (core)
        nx_packet_release(empty)
        status, shallow = nx_packet_allocate(pool, 20, NX_NO_WAIT)
        log.append(nx.nx_tcp_socket_send(c.s, shallow, NX_NO_WAIT))            # headroom 20 < 40
        nx_packet_release(shallow)
        nx_packet_release(packet)
        log.append(nx.nx_tcp_socket_send(c.s, packet, NX_NO_WAIT))             # released packet
        c.replies()

    c = run(body)
    assert c.net.log == [NX_PTR_ERROR, NX_INVALID_PACKET, NX_NOT_CONNECTED, NX_INVALID_PACKET,
                         NX_UNDERFLOW, NX_INVALID_PACKET]


def test_receive_and_disconnect_and_unbind_errors() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_socket_receive(None, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_receive(c.s, NX_NO_WAIT))                 # not bound
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        log.append(nx.nx_tcp_socket_receive(c.s, NX_NO_WAIT))                 # CLOSED
        log.append(nx.nx_tcp_socket_disconnect(None, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_disconnect(c.s, NX_NO_WAIT))              # CLOSED
        log.append(nx.nx_tcp_client_socket_unbind(None))
        assert nx.nx_tcp_client_socket_unbind(c.s) == NX_SUCCESS
        c.established()
        log.append(nx.nx_tcp_client_socket_unbind(c.s))
        log.append(nx.nx_tcp_socket_state_wait(c.s, 0, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_state_wait(c.s, 12, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_state_wait(None, ESTABLISHED, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_state_wait(c.s, ESTABLISHED, NX_NO_WAIT))
        log.append(nx.nx_tcp_socket_state_wait(c.s, CLOSED, NX_NO_WAIT))

    c = run(body)
    assert c.net.log == [(NX_PTR_ERROR, None), (NX_NOT_BOUND, None), (NX_NOT_CONNECTED, None), NX_PTR_ERROR,
                         NX_NOT_CONNECTED, NX_PTR_ERROR, NX_NOT_CLOSED, NX_OPTION_ERROR, NX_OPTION_ERROR,
                         NX_PTR_ERROR, NX_SUCCESS, NX_NOT_SUCCESSFUL]


def test_disconnect_no_wait_sends_rst_and_returns_in_progress() -> None:
    """Between two NetX instances: A's disconnect(NX_NO_WAIT) sends RST (seq = A's
    tx_sequence) and closes A at once; B's receiver is woken with NX_NOT_CONNECTED."""
    net = TcpNet(("A", "B"), station=False)
    client, server = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()

    def server_thread() -> None:
        assert create(net.ip["B"], server, name="server") == NX_SUCCESS
        assert nx.nx_tcp_server_socket_listen(net.ip["B"], 80, server, 5, None) == NX_SUCCESS
        net.event("accept", nx.nx_tcp_server_socket_accept(server, 200))
        net.event("receive", receive_bytes(server, 200))
        net.event("server state", socket_state(server))
        nx.nx_tcp_server_socket_unaccept(server)
        nx.nx_tcp_server_socket_unlisten(net.ip["B"], 80)
        assert nx.nx_tcp_socket_delete(server) == NX_SUCCESS

    def client_thread() -> None:
        assert create(net.ip["A"], client, name="client") == NX_SUCCESS
        tx_thread_sleep(2)
        assert nx.nx_tcp_client_socket_bind(client, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        net.event("connect", nx.nx_tcp_client_socket_connect(client, B_ADDR, 80, 100))
        tx_thread_sleep(3)
        tx = client.nx_tcp_socket_tx_sequence
        net.event("disconnect", nx.nx_tcp_socket_disconnect(client, NX_NO_WAIT))
        net.event("client state", socket_state(client))
        net.event("rst seq ok", tx)
        assert nx.nx_tcp_client_socket_unbind(client) == NX_SUCCESS
        assert nx.nx_tcp_socket_delete(client) == NX_SUCCESS

    def setup(n: TcpNet) -> None:
        n.thread("server", server_thread, 8)
        n.thread("client", client_thread, 9)

    result = net.run(setup)
    assert result.reason == "completed", result.report()
    segments = [parse_tcp_frame(r.frame) for r in net.frame_log if parse_tcp_frame(r.frame)]
    last_ip, last_tcp, _ = segments[-1]
    tx_seq = dict((what, value) for _, what, value in net.log)["rst seq ok"]
    assert (last_ip.src, last_tcp.flags, last_tcp.seq, last_tcp.ack) == (A_ADDR, RST, tx_seq, 0)
    # The RST reaches B synchronously; B's IP thread wakes the server (priority 8), which
    # preempts the client (9) before disconnect returns.
    assert net.log == [(2, "accept", NX_SUCCESS), (2, "connect", NX_SUCCESS),
                       (5, "receive", (NX_NOT_CONNECTED, None)), (5, "server state", LISTEN),
                       (5, "disconnect", NX_IN_PROGRESS), (5, "client state", CLOSED), (5, "rst seq ok", tx_seq)]
    net.assert_pools_full()


# ============================================================================ mss / info / notify
def test_mss_get_set_and_syn_option() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_socket_mss_get(c.s))
        log.append(nx.nx_tcp_socket_mss_set(c.s, 0))
        log.append(nx.nx_tcp_socket_mss_set(None, 500))
        log.append(nx.nx_tcp_socket_mss_set(c.s, 500))
        log.append(nx.nx_tcp_socket_mss_get(c.s))
        log.append(nx.nx_tcp_socket_mss_peer_get(c.s))
        assert nx.nx_tcp_client_socket_bind(c.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(c.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        log.append(c.replies())
        log.append(nx.nx_tcp_socket_mss_set(c.s, 400))                       # SYN_SENT: too late
        c.peer(SYN | ACK, P, ISN + 1, options=netx_syn_options(1460))
        log.append(nx.nx_tcp_socket_mss_get(c.s))
        log.append(nx.nx_tcp_socket_mss_peer_get(c.s))
        c.replies()

    c = run(body)
    assert c.net.log == [(NX_SUCCESS, 1460), NX_SIZE_ERROR, NX_PTR_ERROR, NX_SUCCESS, (NX_SUCCESS, 500),
                         (NX_SUCCESS, 0), [seg(SYN, ISN, 0, options=netx_syn_options(500))], NX_NOT_SUCCESSFUL,
                         (NX_SUCCESS, 500), (NX_SUCCESS, 1460)]


def test_socket_info_get_and_tcp_info_get_counters() -> None:
    """After the handshake, one 10-byte segment each way, its ACK and a delayed ACK:
    socket sent 1 packet / 10 bytes, received 1 / 3, nothing queued or retransmitted."""
    def body(c: Case) -> None:
        c.established()
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"0123456789"), NX_NO_WAIT) == 0
        c.peer(ACK | PSH, P + 1, ISN + 11, b"abc")
        c.net.log.append(nx.nx_tcp_socket_info_get(c.s))
        c.net.log.append(nx.nx_tcp_socket_info_get(None)[0])
        c.net.log.append(nx.nx_tcp_socket_bytes_available(c.s))
        c.net.log.append(receive_bytes(c.s, NX_NO_WAIT))
        c.net.log.append(nx.nx_tcp_socket_info_get(c.s)[6])
        c.net.log.append(nx.nx_tcp_info_get(c.net.ip["A"]))
        c.net.log.append(nx.nx_tcp_info_get(None)[0])
        c.replies()

    c = run(body)
    # tx_window = min(peer window 4096, cwnd 4380) - 0 in flight = 4096; rx window 8192-3.
    # IP counters count data segments only (nx_tcp_socket_send_internal.c,
    # nx_tcp_socket_state_data_check.c): 1 sent / 10 bytes, 1 received / 3 bytes; 1 connection.
    assert c.net.log == [
        (NX_SUCCESS, 1, 10, 1, 3, 0, 1, 0, ESTABLISHED, 0, PEER_WIN, WIN - 3),
        NX_PTR_ERROR, (NX_SUCCESS, 3), (NX_SUCCESS, b"abc"), 0,
        (NX_SUCCESS, 1, 10, 1, 3, 0, 0, 0, 1, 0, 0, 0),
        NX_PTR_ERROR,
    ]


def test_receive_notify_called_per_in_order_segment() -> None:
    calls: list[tuple[int, int]] = []

    def body(c: Case) -> None:
        from netxsim.tx import tx_time_get
        assert nx.nx_tcp_socket_receive_notify(None, None) == NX_PTR_ERROR
        assert nx.nx_tcp_socket_receive_notify(c.s, lambda s: calls.append((tx_time_get(), s is c.s))) == 0
        c.established()
        c.peer(ACK | PSH, P + 1 + 2, ISN + 1, b"cd")      # out of order: no call
        tx_thread_sleep(4)
        c.peer(ACK | PSH, P + 1, ISN + 1, b"ab")          # fills the hole: one call
        c.peer(ACK, P + 5, ISN + 1)                       # no data: no call
        c.replies()

    run(body)
    assert calls == [(4, True)]


def test_window_update_notify_when_suspended_sender_resumes() -> None:
    calls: list[int] = []

    def body(c: Case) -> None:
        from netxsim.tx import tx_time_get
        assert nx.nx_tcp_socket_window_update_notify_set(None, None) == NX_PTR_ERROR
        assert nx.nx_tcp_socket_window_update_notify_set(c.s, None) == NX_PTR_ERROR
        assert nx.nx_tcp_socket_window_update_notify_set(c.s, lambda s: calls.append(tx_time_get())) == 0
        c.syn_sent()
        c.peer(SYN | ACK, P, ISN + 1, window=0, options=netx_syn_options(1460))
        c.net.spawn("send", lambda: nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"wait"), 100))
        tx_thread_sleep(9)
        c.peer(ACK, P + 1, ISN + 1, window=1000)
        c.net.log.append(c.replies()[-1])
        c.peer(ACK, P + 1, ISN + 5, window=1000)

    c = run(body)
    assert calls == [9]
    assert c.net.log == [(9, "send", NX_SUCCESS), seg(ACK | PSH, ISN + 1, P + 1, data=b"wait", tick=9)]


def test_transmit_configure_errors_and_rto() -> None:
    """transmit_configure(depth 5, timeout 30, retries 2, shift 0): data resent at 30 and
    60, reset at the third expiry (90)."""
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_socket_transmit_configure(None, 5, 30, 2, 0))
        log.append(nx.nx_tcp_socket_transmit_configure(c.s, 0, 30, 2, 0))
        log.append(nx.nx_tcp_socket_transmit_configure(c.s, 5, 30, 2, 0))
        c.established()
        tx_thread_sleep(1)
        assert nx.nx_tcp_socket_send(c.s, make_packet(c.net.pool["A"], b"z"), NX_NO_WAIT) == NX_SUCCESS
        log.append(nx.nx_tcp_socket_state_wait(c.s, CLOSED, 500))
        log.append([s.tick for s in c.replies() if s.data])

    c = run(body)
    # timeout 30 set at tick 1: fast events 10 (20), 20 (10), 30 → expiry: resend at 30,
    # timeout 30 again; 60 resend (retries 2); 90: retries 2 >= 2 → reset. state_wait polls
    # every tick and sees CLOSED at 90.
    assert c.net.log == [NX_PTR_ERROR, NX_OPTION_ERROR, NX_SUCCESS, NX_SUCCESS, [1, 30, 60]]


# ============================================================================ caller classes, table
def _calls(ip: Any, s: Any) -> list[tuple[str, str, Any]]:
    """(name, class, thunk) for each service with valid arguments (the caller classes, from
    the NX_*_CALLER_CHECKING macro each nxe_tcp_*.c uses)."""
    return [
        ("bind", "threads", lambda: nx.nx_tcp_client_socket_bind(s, 80, NX_NO_WAIT)),
        ("connect", "threads", lambda: nx.nx_tcp_client_socket_connect(s, STATION_ADDR, 80, NX_NO_WAIT)),
        ("port_get", "threads", lambda: nx.nx_tcp_client_socket_port_get(s)),
        ("unbind", "threads", lambda: nx.nx_tcp_client_socket_unbind(s)),
        ("free_port_find", "threads", lambda: nx.nx_tcp_free_port_find(ip, 80)),
        ("listen", "threads", lambda: nx.nx_tcp_server_socket_listen(ip, 80, s, 5, None)),
        ("accept", "threads", lambda: nx.nx_tcp_server_socket_accept(s, NX_NO_WAIT)),
        ("relisten", "threads", lambda: nx.nx_tcp_server_socket_relisten(ip, 80, s)),
        ("unaccept", "threads", lambda: nx.nx_tcp_server_socket_unaccept(s)),
        ("unlisten", "threads", lambda: nx.nx_tcp_server_socket_unlisten(ip, 80)),
        ("bytes_available", "threads", lambda: nx.nx_tcp_socket_bytes_available(s)),
        ("delete", "threads", lambda: nx.nx_tcp_socket_delete(s)),
        ("disconnect", "threads", lambda: nx.nx_tcp_socket_disconnect(s, NX_NO_WAIT)),
        ("mss_peer_get", "threads", lambda: nx.nx_tcp_socket_mss_peer_get(s)),
        ("peer_info_get", "threads", lambda: nx.nx_tcp_socket_peer_info_get(s)),
        ("receive", "threads", lambda: nx.nx_tcp_socket_receive(s, NX_NO_WAIT)),
        ("state_wait", "threads", lambda: nx.nx_tcp_socket_state_wait(s, CLOSED, NX_NO_WAIT)),
        ("info_get", "init", lambda: nx.nx_tcp_socket_info_get(s)),
        ("mss_get", "init", lambda: nx.nx_tcp_socket_mss_get(s)),
        ("mss_set", "init", lambda: nx.nx_tcp_socket_mss_set(s, 1460)),
        ("receive_notify", "init", lambda: nx.nx_tcp_socket_receive_notify(s, None)),
        ("window_update_notify_set", "init",
         lambda: nx.nx_tcp_socket_window_update_notify_set(s, lambda _: None)),   # NULL → NX_PTR_ERROR
        ("transmit_configure", "init", lambda: nx.nx_tcp_socket_transmit_configure(s, 20, 100, 10, 0)),
        ("tcp_info_get", "init", lambda: nx.nx_tcp_info_get(ip)),
        ("enable", "not_isr", lambda: nx.nx_tcp_enable(ip)),
    ]


def _status(result: Any) -> int:
    return result[0] if isinstance(result, tuple) else result


def test_caller_classes_from_init_and_timer() -> None:
    """From tx_application_define THREADS_ONLY services give NX_CALLER_ERROR and
    INIT_AND_THREADS ones run; from a timer callback both classes give NX_CALLER_ERROR;
    nx_tcp_enable (NOT_ISR) runs in both (→ NX_ALREADY_ENABLED)."""
    net = TcpNet(station=False)
    s = nx.NX_TCP_SOCKET()
    seen: dict[str, list[tuple[str, int]]] = {"init": [], "timer": []}

    def setup(n: TcpNet) -> None:
        ip = n.ip["A"]
        assert create(ip, s) == NX_SUCCESS
        for name, _, call in _calls(ip, s):
            seen["init"].append((name, _status(call())))

        def in_timer(_: int) -> None:
            for name, _, call in _calls(ip, s):
                seen["timer"].append((name, _status(call())))

        assert tx_timer_create(TX_TIMER(), "t", in_timer, 0, 5, 0, TX_AUTO_ACTIVATE) == NX_SUCCESS
        n.thread("idle", lambda: tx_thread_sleep(10))

    net.run(setup)
    classes = {name: cls for name, cls, _ in _calls(None, None)}
    assert seen["init"] == [(name, NX_CALLER_ERROR if cls == "threads" else
                             NX_ALREADY_ENABLED if cls == "not_isr" else NX_SUCCESS)
                            for name, cls in classes.items()]
    assert seen["timer"] == [(name, NX_ALREADY_ENABLED if cls == "not_isr" else NX_CALLER_ERROR)
                             for name, cls in classes.items()]
    net.assert_pools_full()


def test_null_and_uncreated_socket_give_ptr_error() -> None:
    """Every service given None, or a socket never created (id not set), for its socket
    (or IP) argument returns NX_PTR_ERROR from the checking layer."""
    def body(c: Case) -> None:
        ip = c.net.ip["A"]
        for name, _, call in _calls(ip, None):
            if name not in ("free_port_find", "unlisten", "tcp_info_get", "enable"):
                c.net.log.append((name, _status(call())))
        for name, _, call in _calls(ip, nx.NX_TCP_SOCKET()):
            if name not in ("free_port_find", "unlisten", "tcp_info_get", "enable"):
                c.net.log.append((name, _status(call())))
        for name, _, call in _calls(None, c.s):
            if name in ("free_port_find", "unlisten", "tcp_info_get", "enable", "listen", "relisten"):
                c.net.log.append((name, _status(call())))

    c = run(body)
    socket_services = [name for name, _, _ in _calls(None, None)
                       if name not in ("free_port_find", "unlisten", "tcp_info_get", "enable")]
    ip_services = [name for name, _, _ in _calls(None, None)
                   if name in ("free_port_find", "unlisten", "tcp_info_get", "enable", "listen", "relisten")]
    assert c.net.log == [(n, NX_PTR_ERROR) for n in socket_services] * 2 + [(n, NX_PTR_ERROR) for n in ip_services]


def test_peer_info_and_bytes_available_states() -> None:
    def body(c: Case) -> None:
        log = c.net.log
        log.append(nx.nx_tcp_socket_peer_info_get(c.s))
        log.append(nx.nx_tcp_socket_bytes_available(c.s))
        c.established()
        log.append(nx.nx_tcp_socket_peer_info_get(c.s))
        log.append(nx.nx_tcp_socket_bytes_available(c.s))

    c = run(body)
    assert c.net.log == [(NX_NOT_CONNECTED, None, None), (NX_NOT_CONNECTED, None),
                         (NX_SUCCESS, STATION_ADDR, REMOTE), (NX_SUCCESS, 0)]


def test_listen_queue_rst_cancels_request_and_duplicate_syn_is_dropped() -> None:
    """A queued request (port 2001) is not queued twice by a repeated SYN, and a RST from
    the same source removes it (its buffer back to the pool); relisten then finds the
    queue empty → NX_SUCCESS; relisten on a port nobody listens on → NX_INVALID_RELISTEN."""
    from netxsim.nx.constants import NX_INVALID_RELISTEN

    def body(c: Case) -> None:
        ip, log = c.net.ip["A"], c.net.log
        c.listen()
        c.st.send(PEER_PORT, REMOTE, SYN, P, 0, PEER_WIN, b"", netx_syn_options(1460))   # to the socket
        free = c.net.pool_free("A")
        c.st.send(PEER_PORT + 1, REMOTE, SYN, P, 0, PEER_WIN, b"", netx_syn_options(1460))
        log.append(c.net.pool_free("A") - free)
        c.st.send(PEER_PORT + 1, REMOTE, SYN, P, 0, PEER_WIN, b"", netx_syn_options(1460))
        log.append(c.net.pool_free("A") - free)
        c.st.send(PEER_PORT + 1, REMOTE, RST, P + 1, 0, 0)
        log.append(c.net.pool_free("A") - free)
        log.append(c.replies())
        second = nx.NX_TCP_SOCKET()
        assert create(ip, second, name="second") == NX_SUCCESS
        log.append(nx.nx_tcp_server_socket_relisten(ip, 99, second))
        log.append(nx.nx_tcp_server_socket_relisten(ip, REMOTE, second))
        log.append(socket_state(second))
        assert nx.nx_tcp_server_socket_unaccept(second) == NX_SUCCESS
        assert nx.nx_tcp_socket_delete(second) == NX_SUCCESS

    c = run(body)
    assert c.net.log == [-1, -1, 0, [], NX_INVALID_RELISTEN, NX_SUCCESS, LISTEN]
