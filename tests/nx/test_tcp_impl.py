"""Implementer's quick checks of NetX TCP (netxsim/nx/tcp*.py): two IP instances on the RAM
driver, segments checked as bytes, pools back to full."""
from __future__ import annotations

from typing import Any

from netxsim.nx import (
    NX_ANY_PORT, NX_FRAGMENT_OKAY, NX_IN_PROGRESS, NX_IP_NORMAL, NX_IP_TIME_TO_LIVE,
    NX_IPv4_TCP_PACKET, NX_NO_WAIT, NX_NOT_CONNECTED, NX_SUCCESS, NX_TCP_CLOSED, NX_TCP_ESTABLISHED,
    NX_TCP_TIMED_WAIT, NX_TCP_SOCKET, NX_WAIT_FOREVER, NXD_ADDRESS, nx_packet_allocate, nx_packet_data_append,
    nx_packet_data_retrieve, nx_packet_release, nx_tcp_client_socket_bind, nx_tcp_client_socket_connect,
    nx_tcp_client_socket_unbind, nx_tcp_enable, nx_tcp_server_socket_accept, nx_tcp_server_socket_listen,
    nx_tcp_server_socket_relisten, nx_tcp_server_socket_unaccept, nx_tcp_server_socket_unlisten,
    nx_tcp_socket_create, nx_tcp_socket_delete, nx_tcp_socket_disconnect,
    nx_tcp_socket_receive, nx_tcp_socket_send, nxd_tcp_client_socket_connect, NX_STILL_BOUND,
)
from netxsim.nx.wire import parse_ethernet_frame, parse_ipv4_datagram, parse_tcp_segment, verify_tcp_checksum
from netxsim.tx import tx_thread_sleep
from netxsim.nx.config import NxConfig
from tests.nx.test_arp import B_ADDR, Net

PORT = 25


def tcp_frames(net: Net) -> list[tuple[int, str, Any, bytes, Any]]:
    """(tick, port, tcp header, data, ip header) of every TCP frame sent on the wire."""
    out = []
    for record in net.frames:
        eth, payload = parse_ethernet_frame(record.frame)
        if eth.ethertype != 0x0800:
            continue
        iph, body = parse_ipv4_datagram(payload)
        if iph.protocol != 6:
            continue
        assert verify_tcp_checksum(iph.src, iph.dst, body)
        tcp, data = parse_tcp_segment(body)
        out.append((record.tick, record.port, tcp, data, iph))
    return out


def setup_tcp(net: Net, window: int = 8192) -> tuple[NX_TCP_SOCKET, NX_TCP_SOCKET]:
    client, server = NX_TCP_SOCKET(), NX_TCP_SOCKET()
    for name in ("A", "B"):
        assert nx_tcp_enable(net.ip[name]) == NX_SUCCESS
    assert nx_tcp_socket_create(net.ip["A"], client, "client", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, window, None, None) == NX_SUCCESS
    assert nx_tcp_socket_create(net.ip["B"], server, "server", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, window, None, None) == NX_SUCCESS
    return client, server


def test_handshake_bytes_and_first_port_isn() -> None:
    net = Net()

    def setup(net: Net) -> None:
        client, server = setup_tcp(net)

        def server_thread() -> None:
            net.event("S", nx_tcp_server_socket_listen(net.ip["B"], PORT, server, 5, None))
            tx_thread_sleep(5)  # the client's SYN is pending when accept runs (NX_RAND order)
            net.event("S", nx_tcp_server_socket_accept(server, NX_WAIT_FOREVER))

        def client_thread() -> None:
            net.event("C", nx_tcp_client_socket_bind(client, NX_ANY_PORT, NX_WAIT_FOREVER))
            net.event("C", client.nx_tcp_socket_port)
            address = NXD_ADDRESS()
            address.nxd_ip_version = 4
            address.nxd_ip_address.v4 = B_ADDR
            net.event("C", nxd_tcp_client_socket_connect(client, address, PORT, 500))
            net.event("C", client.nx_tcp_socket_state)

        net.thread("S", server_thread, 3)
        net.thread("C", client_thread, 16)

    net.run(setup, until=300)
    assert ("C", 50535) in [(w, x) for _, w, x in net.log]
    assert [x for _, w, x in net.log if w == "C"] == [NX_SUCCESS, 50535, NX_SUCCESS, NX_TCP_ESTABLISHED]
    assert [x for _, w, x in net.log if w == "S"] == [NX_SUCCESS, NX_SUCCESS]
    frames = tcp_frames(net)
    syn, synack, ack = (f[2] for f in frames[:3])
    assert (syn.flags, syn.seq, syn.ack, syn.window, syn.options) == (0x02, 0x67FE9869, 0, 8192,
                                                                         bytes.fromhex("020405b401010100"))
    assert (syn.src_port, syn.dst_port) == (50535, PORT)
    assert (synack.flags, synack.ack, synack.options) == (0x12, 0x67FE9869 + 1, bytes.fromhex("020405b401010100"))
    assert (ack.flags, ack.seq, ack.ack, ack.options) == (0x10, 0x67FE9869 + 1, synack.seq + 1, b"")
    assert len(frames) == 3
    assert frames[0][4].ttl == 128 and frames[0][4].identification >= 1


def _connected(net: Net, client_body, server_body, window: int = 8192, until: int | None = None):
    def setup(net: Net) -> None:
        client, server = setup_tcp(net, window)
        net.sockets = (client, server)

        def server_thread() -> None:
            assert nx_tcp_server_socket_listen(net.ip["B"], PORT, server, 5, None) == NX_SUCCESS
            assert nx_tcp_server_socket_accept(server, NX_WAIT_FOREVER) == NX_SUCCESS
            server_body(server)

        def client_thread() -> None:
            assert nx_tcp_client_socket_bind(client, NX_ANY_PORT, NX_WAIT_FOREVER) == NX_SUCCESS
            assert nx_tcp_client_socket_connect(client, B_ADDR, PORT, 500) == NX_SUCCESS
            client_body(client)

        net.thread("S", server_thread, 3)
        net.thread("C", client_thread, 16)

    return net.run(setup, until=until)


def _payload(size: int) -> bytes:
    return bytes((i * 7 + 3) & 0xFF for i in range(size))


def test_data_transfer_bytes_and_pools_full() -> None:
    net = Net(pool_packets=16)
    data = _payload(20000)
    received = bytearray()

    def client_body(client: NX_TCP_SOCKET) -> None:
        offset = 0
        while offset < len(data):
            chunk = data[offset:offset + 1000]
            status, packet = nx_packet_allocate(net.pool["A"], NX_IPv4_TCP_PACKET, NX_WAIT_FOREVER)
            assert status == NX_SUCCESS
            assert nx_packet_data_append(packet, chunk, len(chunk), net.pool["A"], NX_WAIT_FOREVER) == NX_SUCCESS
            assert nx_tcp_socket_send(client, packet, NX_WAIT_FOREVER) == NX_SUCCESS
            offset += len(chunk)
        net.event("C", nx_tcp_socket_disconnect(client, 1000))
        net.event("C", client.nx_tcp_socket_state)
        net.event("C", nx_tcp_client_socket_unbind(client))
        net.event("C", nx_tcp_socket_delete(client))

    def server_body(server: NX_TCP_SOCKET) -> None:
        while True:
            status, packet = nx_tcp_socket_receive(server, 2000)
            if status != NX_SUCCESS:
                net.event("S", status)
                break
            buffer = bytearray(packet.nx_packet_length)
            nx_packet_data_retrieve(packet, buffer)
            received.extend(buffer)
            nx_packet_release(packet)
        net.event("S", nx_tcp_socket_disconnect(server, 1000))
        net.event("S", nx_tcp_server_socket_unaccept(server))
        net.event("S", nx_tcp_server_socket_unlisten(net.ip["B"], PORT))
        net.event("S", nx_tcp_socket_delete(server))

    _connected(net, client_body, server_body)
    assert bytes(received) == data
    assert [x for _, w, x in net.log if w == "C"] == [NX_SUCCESS, NX_TCP_TIMED_WAIT, NX_SUCCESS, NX_SUCCESS]
    assert [x for _, w, x in net.log if w == "S"] == [NX_NOT_CONNECTED, NX_SUCCESS, NX_SUCCESS, NX_SUCCESS,
                                                      NX_SUCCESS]
    net.assert_pools_full()
    frames = tcp_frames(net)
    data_frames = [f for f in frames if f[3]]
    assert all(f[2].flags == 0x18 for f in data_frames)
    assert b"".join(f[3] for f in data_frames if f[1] == frames[0][1]) == data  # no retransmissions


def test_server_initiated_disconnect_last_ack_and_time_wait() -> None:
    """B closes first: A sees CLOSE_WAIT (receive → NX_NOT_CONNECTED), closes with LAST_ACK
    → CLOSED; B ends in TIME_WAIT. Each side's FIN/ACK bytes checked."""
    net = Net()

    def client_body(client: NX_TCP_SOCKET) -> None:
        net.event("C", nx_tcp_socket_receive(client, 500)[0])
        net.event("C", client.nx_tcp_socket_state)
        net.event("C", nx_tcp_socket_disconnect(client, 500))
        net.event("C", client.nx_tcp_socket_state)
        net.event("C", nx_tcp_client_socket_unbind(client))

    def server_body(server: NX_TCP_SOCKET) -> None:
        tx_thread_sleep(50)
        net.event("S", nx_tcp_socket_disconnect(server, 500))
        net.event("S", server.nx_tcp_socket_state)
        net.event("S", nx_tcp_socket_delete(server))
        net.event("S", nx_tcp_server_socket_unaccept(server))
        net.event("S", nx_tcp_server_socket_unlisten(net.ip["B"], PORT))

    _connected(net, client_body, server_body)
    from netxsim.nx import NX_TCP_CLOSE_WAIT
    assert [(t, x) for t, w, x in net.log if w == "C"] == [
        (50, NX_NOT_CONNECTED), (50, NX_TCP_CLOSE_WAIT), (50, NX_SUCCESS), (50, NX_TCP_CLOSED), (50, NX_SUCCESS)]
    # B's disconnect returns with the socket still in TIME_WAIT (state 10); delete refuses.
    assert [x for t, w, x in net.log if w == "S"] == [NX_SUCCESS, NX_TCP_TIMED_WAIT, NX_STILL_BOUND,
                                                      NX_SUCCESS, NX_SUCCESS]
    frames = [(f[1], f[2].flags) for f in tcp_frames(net)][3:]
    assert frames == [("B", 0x11), ("A", 0x10), ("A", 0x11), ("B", 0x10)]
    net.assert_pools_full()


def test_connect_timeout_not_connected_syn_retransmitted_same_isn() -> None:
    """No listener host: nobody answers (ARP-resolved address with no TCP): use an address
    whose ARP never resolves; the 250-tick wait ends with NX_NOT_CONNECTED, state CLOSED."""
    net = Net(names=("A",))

    def setup(net: Net) -> None:
        assert nx_tcp_enable(net.ip["A"]) == NX_SUCCESS
        client = NX_TCP_SOCKET()
        assert nx_tcp_socket_create(net.ip["A"], client, "c", 0, 0, 0x80, 1460, None, None) == NX_SUCCESS

        def body() -> None:
            assert nx_tcp_client_socket_bind(client, 2000, NX_NO_WAIT) == NX_SUCCESS
            net.event("C", nx_tcp_client_socket_connect(client, B_ADDR, PORT, 250))
            net.event("C", client.nx_tcp_socket_state)
            net.event("C", nx_tcp_client_socket_unbind(client))
            net.event("C", nx_tcp_socket_delete(client))

        net.thread("C", body, 16)

    run = net.run(setup)
    assert run.reason == "completed"
    assert net.log == [(250, "C", NX_NOT_CONNECTED), (250, "C", NX_TCP_CLOSED), (250, "C", NX_SUCCESS),
                       (250, "C", NX_SUCCESS)]


def test_rst_for_closed_port_and_connect_refused() -> None:
    """A SYN to a port nobody listens on gets RST+ACK (seq 0, ack ISN+1, window 0); the
    connecting thread gets NX_NOT_CONNECTED at once."""
    net = Net()

    def setup(net: Net) -> None:
        client, _ = setup_tcp(net)

        def body() -> None:
            assert nx_tcp_client_socket_bind(client, 3000, NX_NO_WAIT) == NX_SUCCESS
            net.event("C", nx_tcp_client_socket_connect(client, B_ADDR, 99, 300))
            net.event("C", client.nx_tcp_socket_state)
            assert nx_tcp_client_socket_unbind(client) == NX_SUCCESS

        net.thread("C", body, 16)

    net.run(setup)
    assert net.log == [(0, "C", NX_NOT_CONNECTED), (0, "C", NX_TCP_CLOSED)]
    syn, rst = (f[2] for f in tcp_frames(net))
    assert (rst.flags, rst.seq, rst.ack, rst.window, rst.src_port, rst.dst_port) == \
        (0x14, 0, syn.seq + 1, 0, 99, 3000)
    net.assert_pools_full()


def test_disconnect_no_wait_sends_rst_in_progress() -> None:
    net = Net()

    def client_body(client: NX_TCP_SOCKET) -> None:
        net.event("C", nx_tcp_socket_disconnect(client, NX_NO_WAIT))
        net.event("C", client.nx_tcp_socket_state)
        nx_tcp_client_socket_unbind(client)

    def server_body(server: NX_TCP_SOCKET) -> None:
        net.event("S", nx_tcp_socket_receive(server, 100)[0])
        net.event("S", server.nx_tcp_socket_state)
        nx_tcp_server_socket_unaccept(server)
        nx_tcp_server_socket_unlisten(net.ip["B"], PORT)

    _connected(net, client_body, server_body)
    from netxsim.nx import NX_TCP_LISTEN_STATE
    assert [x for _, w, x in net.log if w == "C"] == [NX_IN_PROGRESS, NX_TCP_CLOSED]
    assert [x for _, w, x in net.log if w == "S"] == [NX_NOT_CONNECTED, NX_TCP_LISTEN_STATE]
    rst = tcp_frames(net)[-1][2]
    assert (rst.flags, rst.seq, rst.ack) == (0x04, tcp_frames(net)[2][2].seq, 0)
    net.assert_pools_full()


def test_retransmission_after_loss_keeps_ip_id_and_delivers() -> None:
    """The first data segment is dropped on the wire: the RTO resends it (same IP ID, same
    TCP bytes) at the 10th fast event after it was queued, and it is delivered."""
    from netxsim.nx.faults import LinkFaults
    dropped: list[bytes] = []

    def drop_first_data(frame: Any) -> bool:
        data = bytes(frame.frame if hasattr(frame, "frame") else frame.data)
        if len(data) == 54 + 12 and not dropped:
            dropped.append(data)
            return True
        return False

    net = Net(faults=LinkFaults(drop_if=drop_first_data))
    got = bytearray()

    def client_body(client: NX_TCP_SOCKET) -> None:
        status, packet = nx_packet_allocate(net.pool["A"], NX_IPv4_TCP_PACKET, NX_WAIT_FOREVER)
        nx_packet_data_append(packet, b"hello world!", 12, net.pool["A"], NX_WAIT_FOREVER)
        net.event("C", nx_tcp_socket_send(client, packet, NX_WAIT_FOREVER))
        net.event("C", nx_tcp_socket_disconnect(client, 1000))
        nx_tcp_client_socket_unbind(client)

    def server_body(server: NX_TCP_SOCKET) -> None:
        status, packet = nx_tcp_socket_receive(server, 1000)
        net.event("S", status)
        if status == NX_SUCCESS:
            buffer = bytearray(packet.nx_packet_length)
            nx_packet_data_retrieve(packet, buffer)
            got.extend(buffer)
            nx_packet_release(packet)
        net.event("S", nx_tcp_socket_disconnect(server, 1000))
        nx_tcp_server_socket_unaccept(server)
        nx_tcp_server_socket_unlisten(net.ip["B"], PORT)

    _connected(net, client_body, server_body)
    assert bytes(got) == b"hello world!"
    data = [r for r in net.frames if len(r.frame) == 54 + 12]
    assert len(dropped) == 1
    assert [(r.tick, r.fate) for r in data] == [(0, "dropped"), (100, "delivered")]
    assert data[0].frame == data[1].frame == dropped[0]   # identical copy: same IP ID and bytes
    net.assert_pools_full()


def test_listen_queue_relisten_connection_pending() -> None:
    """Two clients connect to one listening port: the first is taken by the listen socket,
    the second SYN is queued; after the first connection ends, unaccept + relisten gives
    NX_CONNECTION_PENDING and accept completes the queued connection."""
    from netxsim.nx import NX_CONNECTION_PENDING
    net = Net()

    def setup(net: Net) -> None:
        first, server = setup_tcp(net)
        second = NX_TCP_SOCKET()
        assert nx_tcp_socket_create(net.ip["A"], second, "second", 0, 0, 0x80, 8192, None, None) == NX_SUCCESS

        def server_thread() -> None:
            net.event("S", nx_tcp_server_socket_listen(net.ip["B"], PORT, server, 5, None))
            net.event("S", nx_tcp_server_socket_accept(server, 500))
            tx_thread_sleep(20)   # the second SYN arrives meanwhile and is queued
            net.event("S", nx_tcp_socket_disconnect(server, NX_NO_WAIT))
            net.event("S", nx_tcp_server_socket_unaccept(server))
            net.event("S", nx_tcp_server_socket_relisten(net.ip["B"], PORT, server))
            net.event("S", nx_tcp_server_socket_accept(server, 500))
            net.event("S", server.nx_tcp_socket_connect_port)
            nx_tcp_socket_disconnect(server, NX_NO_WAIT)
            nx_tcp_server_socket_unaccept(server)
            nx_tcp_server_socket_unlisten(net.ip["B"], PORT)

        def client_thread(socket: NX_TCP_SOCKET, port: int, delay: int) -> None:
            tx_thread_sleep(delay)
            assert nx_tcp_client_socket_bind(socket, port, NX_NO_WAIT) == NX_SUCCESS
            net.event(f"C{port}", nx_tcp_client_socket_connect(socket, B_ADDR, PORT, 500))
            status, _ = nx_tcp_socket_receive(socket, 500)
            net.event(f"C{port}", status)
            nx_tcp_socket_disconnect(socket, NX_NO_WAIT)
            nx_tcp_client_socket_unbind(socket)

        net.thread("S", server_thread, 3)
        net.thread("C1", lambda: client_thread(first, 4001, 1), 16)
        net.thread("C2", lambda: client_thread(second, 4002, 10), 17)

    run = net.run(setup)
    assert run.reason == "completed"
    assert [(t, x) for t, w, x in net.log if w == "S"] == [
        (0, NX_SUCCESS), (1, NX_SUCCESS), (21, NX_IN_PROGRESS), (21, NX_SUCCESS), (21, NX_CONNECTION_PENDING),
        (21, NX_SUCCESS), (21, 4002)]
    assert [(t, x) for t, w, x in net.log if w == "C4001"] == [(1, NX_SUCCESS), (21, NX_NOT_CONNECTED)]
    assert [(t, x) for t, w, x in net.log if w == "C4002"][0] == (21, NX_SUCCESS)
    net.assert_pools_full()


def test_zero_window_probes_until_reader_opens() -> None:
    """The receiver's window (1000) fills and it does not read: the sender is blocked, then
    sends 1-byte window probes at each RTO; when the reader drains, the window update lets
    the rest through and every byte arrives in order."""
    net = Net()
    data = _payload(3000)
    got = bytearray()

    def client_body(client: NX_TCP_SOCKET) -> None:
        status, packet = nx_packet_allocate(net.pool["A"], NX_IPv4_TCP_PACKET, NX_WAIT_FOREVER)
        nx_packet_data_append(packet, data, len(data), net.pool["A"], NX_WAIT_FOREVER)
        net.event("C", nx_tcp_socket_send(client, packet, 1000))
        net.event("C", nx_tcp_socket_disconnect(client, 1000))
        nx_tcp_client_socket_unbind(client)

    def server_body(server: NX_TCP_SOCKET) -> None:
        tx_thread_sleep(350)
        while True:
            status, packet = nx_tcp_socket_receive(server, 200)
            if status != NX_SUCCESS:
                break
            buffer = bytearray(packet.nx_packet_length)
            nx_packet_data_retrieve(packet, buffer)
            got.extend(buffer)
            nx_packet_release(packet)
        nx_tcp_socket_disconnect(server, 100)
        nx_tcp_server_socket_unaccept(server)
        nx_tcp_server_socket_unlisten(net.ip["B"], PORT)

    _connected(net, client_body, server_body, window=1000)
    assert bytes(got) == data
    probes = [f for f in tcp_frames(net) if f[1] == "A" and len(f[3]) == 1]
    assert [f[0] for f in probes] == [100, 200, 300]
    assert all(p[3] == data[1000:1001] and p[2].seq == probes[0][2].seq for p in probes)
    net.assert_pools_full()


def test_receive_forever_without_peer_activity_is_a_deadlock_report() -> None:
    """A receive waiting forever on an idle connection: the run ends as a deadlock
    (the TCP activity probe sees no timer running), it does not spin."""
    net = Net()

    def client_body(client: NX_TCP_SOCKET) -> None:
        nx_tcp_socket_receive(client, NX_WAIT_FOREVER)

    def server_body(server: NX_TCP_SOCKET) -> None:
        nx_tcp_socket_receive(server, NX_WAIT_FOREVER)

    run = _connected(net, client_body, server_body)
    assert run.reason == "deadlock"
    assert run.ticks < 100


def test_demo_like_connect_without_server_ends_not_connected_at_1100() -> None:
    """Appendix A: one IP (3 × 512-byte default pool), no server: bind → port 50535, the
    SYN waits on ARP, each RTO queues another SYN copy while the pool lasts; the
    1000-tick connect wait ends at 1100 with NX_NOT_CONNECTED, completed by the IP
    thread; unbind and delete succeed."""
    from netxsim.nx import NX_PACKET_POOL, nx_packet_pool_create, nx_ip_create, NX_IP, nx_arp_enable
    from netxsim.nx import _nx_ram_network_driver, IP_ADDRESS
    from netxsim.tx import TX_AUTO_START, TX_THREAD, tx_kernel_enter, tx_thread_create, tx_time_get
    log: list = []

    def define(free: Any) -> None:
        pool, ip, client, thread = NX_PACKET_POOL(), NX_IP(), NX_TCP_SOCKET(), TX_THREAD()
        assert nx_packet_pool_create(pool, "ip pool", 512, free, 3 * (512 + 60)) == NX_SUCCESS
        free = free + 3 * (512 + 60)
        assert nx_ip_create(ip, "client", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00, pool, _nx_ram_network_driver,
                            free, 2048, 1) == NX_SUCCESS
        free = free + 2048
        assert nx_arp_enable(ip, free, 1024) == NX_SUCCESS
        free = free + 1024
        assert nx_tcp_enable(ip) == NX_SUCCESS

        def entry(_: int) -> None:
            tx_thread_sleep(100)
            assert nx_tcp_socket_create(ip, client, "smtp", 0, 0, 0x80, 1460, None, None) == NX_SUCCESS
            log.append((tx_time_get(), nx_tcp_client_socket_bind(client, NX_ANY_PORT, 100), client.nx_tcp_socket_port))
            status = nx_tcp_client_socket_connect(client, IP_ADDRESS(1, 2, 3, 4), 25, 1000)
            log.append((tx_time_get(), status))
            log.append((tx_time_get(), nx_tcp_client_socket_unbind(client), nx_tcp_socket_delete(client)))
            log.append(pool.nx_packet_pool_available)

        assert tx_thread_create(thread, "client", entry, 0, free, 2048, 16, 16, 0, TX_AUTO_START) == NX_SUCCESS

    run = tx_kernel_enter(define)
    assert run.reason == "completed"
    assert log[:3] == [(100, NX_SUCCESS, 50535), (1100, NX_NOT_CONNECTED), (1100, NX_SUCCESS, NX_SUCCESS)]
    assert log[3] == 0   # the SYN copies still wait on the unresolved ARP entry


KEEPALIVE_SHORT = NxConfig(NX_ENABLE_TCP_KEEPALIVE=True, NX_TCP_KEEPALIVE_INITIAL=3,
                           NX_TCP_KEEPALIVE_RETRY=1, NX_TCP_KEEPALIVE_RETRIES=2)


def test_keepalive_behind_switch_probes_then_resets() -> None:
    """With NX_ENABLE_TCP_KEEPALIVE (and short timers) an idle connection is probed with
    an ACK one byte behind; the peer answers while it can; once its frames are lost the
    probes run out and the connection is reset (receive → NX_NOT_CONNECTED)."""
    from netxsim.nx.faults import LinkFaults
    mute = []
    net = Net(config=KEEPALIVE_SHORT, faults=LinkFaults(drop_if=lambda f: bool(mute) and bytes(f.frame if hasattr(f, "frame") else f.data)[6:12]
                                == bytes.fromhex("001122334457")))

    def client_body(client: NX_TCP_SOCKET) -> None:
        net.event("C", nx_tcp_socket_receive(client, 1000)[0])
        nx_tcp_client_socket_unbind(client)

    def server_body(server: NX_TCP_SOCKET) -> None:
        tx_thread_sleep(450)
        mute.append(True)
        net.event("S", nx_tcp_socket_receive(server, 1000)[0])
        nx_tcp_socket_disconnect(server, NX_NO_WAIT)
        nx_tcp_server_socket_unaccept(server)
        nx_tcp_server_socket_unlisten(net.ip["B"], PORT)

    _connected(net, client_body, server_body)
    isn = tcp_frames(net)[0][2].seq
    a_probes = [f[0] for f in tcp_frames(net) if f[1] == "A" and f[2].seq == isn and f[2].flags == 0x10]
    # Probes every 3 s of idleness (answered at 300), then every second until the
    # retries run out: reset at 800, on both sides (B's own probes are lost too).
    assert a_probes == [300, 600, 700]
    assert net.log == [(800, "S", NX_NOT_CONNECTED), (800, "C", NX_NOT_CONNECTED)]
    net.assert_pools_full()
