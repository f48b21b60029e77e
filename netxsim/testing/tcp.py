"""Shared helpers for the NetX TCP suites (test_tcp_*.py) and bench/tcp.py.

Two kinds of set-up:

* :class:`TcpNet` — NetX IP instances ("A" = 1.2.3.4, "B" = 1.2.3.5) on the RAM driver
  of one kernel, each with its own default pool, ARP and TCP enabled in
  ``tx_application_define`` (tick 0, so every IP's fast TCP timer fires at ticks 10,
  20, 30, ...: the timer is created by ``nx_tcp_enable`` with 10 ticks initial and
  period), optionally with a raw :class:`Station` on the same wire.
* :class:`Station` — a bare host on the wire (no NetX): it records every frame that
  reaches it and sends crafted Ethernet+IPv4+TCP frames with correct checksums
  (netxsim.nx.wire), like smoltcp's socket tests drive a socket with hand-made
  segments. A has a static ARP entry for it, so no ARP frames appear. Static entries
  need the link up (the C's _nx_ip_route_find checks it), so a priority-2 thread makes
  them at tick 0, after the IP threads (priority 1) and before the test threads.

Delivery on the RAM driver is synchronous: ``station.send(...)`` from a thread of
priority 10 copies the frame into A's pool and sets A's receive event; A's IP thread
(priority 1) preempts the sender at once, processes the segment and transmits its
answer, which the station records, all before ``send`` returns — at the same tick.

Expected ISNs and ephemeral ports are computed here with an independent model of glibc
``rand()`` (TYPE_3 additive feedback, seed 1): :func:`glibc_rand`.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, NamedTuple

from netxsim.nx import NX_PACKET_POOL, NX_SUCCESS
from netxsim.nx import nx_packet_allocate, nx_packet_data_append, nx_packet_pool_create, \
    nx_packet_pool_info_get, nx_packet_release
from netxsim.nx.arp import nx_arp_enable, nx_arp_static_entry_create
from netxsim.nx.constants import (
    NX_IN_PROGRESS, NX_IPv4_TCP_PACKET, NX_NO_WAIT, NX_WAIT_FOREVER,
)
from netxsim.nx.ip import IP_ADDRESS, NX_IP, nx_ip_create
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.nx.segment import segment_for
from netxsim.nx.wire import (
    ETHERTYPE_IPV4, IP_PROTO_TCP, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, Ipv4Header, TcpHeader,
    build_ethernet_frame, build_tcp_segment, mac_from_msw_lsw, netx_syn_options, parse_ethernet_frame,
    parse_ipv4_datagram, parse_tcp_segment, verify_ipv4_checksum, verify_tcp_checksum,
)
from netxsim.tx import TX_AUTO_START, TX_THREAD, tx_kernel_enter, tx_thread_create, tx_thread_sleep, tx_time_get
from netxsim.tx.kernel import kernel
from netxsim.testing.pools import assert_no_packet_leaked

import netxsim.nx as nx

A_ADDR = IP_ADDRESS(1, 2, 3, 4)
B_ADDR = IP_ADDRESS(1, 2, 3, 5)
STATION_ADDR = IP_ADDRESS(1, 2, 3, 77)
SILENT_ADDR = IP_ADDRESS(1, 2, 3, 99)   # static ARP entry to a MAC nobody has
MASK = 0xFFFFFF00
A_MAC = mac_from_msw_lsw(0x0011, 0x22334456)
B_MAC = mac_from_msw_lsw(0x0011, 0x22334457)
STATION_MSW, STATION_LSW = 0x0002, 0x00000077
STATION_MAC = mac_from_msw_lsw(STATION_MSW, STATION_LSW)
SILENT_MSW, SILENT_LSW = 0x0002, 0x00000099
PAYLOAD = 1536
SIZEOF_NX_PACKET = 60   # 32-bit target

SYN, ACK, FIN, RST, PSH = TCP_SYN, TCP_ACK, TCP_FIN, TCP_RST, TCP_PSH
ADDRESSES = {"A": A_ADDR, "B": B_ADDR, "C": IP_ADDRESS(1, 2, 3, 6)}


# ============================================================================ glibc rand
def glibc_rand(seed: int = 1) -> Iterator[int]:
    """glibc ``rand()`` (random_r TYPE_3: x[i] = x[i-3] + x[i-31], output >> 1, the first
    310 outputs discarded). Independent of the implementation under test."""
    r = [0] * 34
    r[0] = seed
    for i in range(1, 31):
        hi, lo = divmod(r[i - 1], 127773)
        word = 16807 * lo - 2836 * hi
        if word < 0:
            word += 2147483647
        r[i] = word
    for i in range(31, 34):
        r[i] = r[i - 31]
    state = r
    k = 34
    while True:
        value = (state[k - 31] + state[k - 3]) & 0xFFFFFFFF
        state.append(value)
        if k >= 344:
            yield value >> 1
        k += 1
        if len(state) > 400:   # keep the list short
            del state[:len(state) - 40]
            k = len(state)


def rand_values(count: int, seed: int = 1) -> list[int]:
    gen = glibc_rand(seed)
    return [next(gen) for _ in range(count)]


def first_isn(r1: int, r2: int) -> int:
    """ISN of a socket's first connect/accept: (rand() << 16) | rand()."""
    return ((r1 << 16) & 0xFFFFFFFF) | r2


# ============================================================================ segments
class Seg(NamedTuple):
    """A TCP segment as seen on the wire (the fields a test compares)."""
    tick: int
    src_port: int
    dst_port: int
    flags: int
    seq: int
    ack: int
    window: int
    options: bytes
    data: bytes


def tcp_frame(dst_mac: bytes, src_mac: bytes, src_ip: int, dst_ip: int, src_port: int, dst_port: int,
              seq: int, ack: int, flags: int, window: int, data: bytes = b"", options: bytes = b"",
              ip_id: int = 0, ttl: int = 128, tos: int = 0, ip_flags: int = 0) -> bytes:
    """A complete Ethernet+IPv4+TCP frame with correct checksums."""
    header = TcpHeader(src_port, dst_port, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, flags, window, options)
    segment = build_tcp_segment(header, data, src_ip, dst_ip)
    ip = Ipv4Header(src_ip, dst_ip, IP_PROTO_TCP, identification=ip_id, ttl=ttl, tos=tos, flags=ip_flags)
    return build_ethernet_frame(dst_mac, src_mac, ETHERTYPE_IPV4, ip.pack(len(segment)) + segment)


def parse_tcp_frame(frame: bytes) -> tuple[Ipv4Header, TcpHeader, bytes] | None:
    """(ip, tcp, data) of a TCP/IPv4 frame, after checking both checksums; None otherwise."""
    eth, payload = parse_ethernet_frame(frame)
    if eth.ethertype != ETHERTYPE_IPV4:
        return None
    ip, body = parse_ipv4_datagram(payload)
    if ip.protocol != IP_PROTO_TCP:
        return None
    assert verify_ipv4_checksum(payload), "bad IPv4 header checksum"
    assert verify_tcp_checksum(ip.src, ip.dst, body), "bad TCP checksum"
    tcp, data = parse_tcp_segment(body)
    return ip, tcp, data


class Station:
    """A raw host on the RAM driver's wire (module docstring)."""

    def __init__(self, net: "TcpNet", mac: bytes = STATION_MAC, address: int = STATION_ADDR,
                 peer: str = "A") -> None:
        self.net = net
        self.mac = mac
        self.address = address
        self.peer = peer
        self.frames: list[tuple[int, bytes]] = []
        self.port = net.wire.attach(lambda frame: self.frames.append((tx_time_get(), bytes(frame))),
                                    mac, name="station")
        self.ip_id = 0x100

    def send(self, src_port: int, dst_port: int, flags: int, seq: int, ack: int = 0, window: int = 8192,
             data: bytes = b"", options: bytes = b"", checksum_xor: int = 0) -> None:
        """Put a crafted segment on the wire for ``peer`` (A); ``checksum_xor`` damages
        the TCP checksum (the IPv4 header stays valid)."""
        self.ip_id += 1
        frame = bytearray(tcp_frame(A_MAC if self.peer == "A" else B_MAC, self.mac, self.address,
                                    ADDRESSES[self.peer], src_port, dst_port, seq, ack, flags, window,
                                    data, options, ip_id=self.ip_id))
        frame[14 + 20 + 16] ^= checksum_xor >> 8
        frame[14 + 20 + 17] ^= checksum_xor & 0xFF
        self.port.transmit(bytes(frame))

    def segments(self) -> list[Seg]:
        """Every TCP segment received so far (checksums verified)."""
        result = []
        for tick, frame in self.frames:
            parsed = parse_tcp_frame(frame)
            if parsed is None:
                continue
            _, tcp, data = parsed
            result.append(Seg(tick, tcp.src_port, tcp.dst_port, tcp.flags, tcp.seq, tcp.ack, tcp.window,
                              tcp.options, data))
        return result

    def take(self) -> list[Seg]:
        """Segments received since the last take (and forget them)."""
        segments = self.segments()
        self.frames.clear()
        return segments


# ============================================================================ network
class TcpNet:
    """NetX IP instances with TCP on the RAM driver, plus an optional raw station.

    ``run(setup)`` calls ``setup(net)`` inside ``tx_application_define`` after the IP
    instances exist (pools, ARP, TCP enabled, static ARP entries for the station and
    the silent host); setup creates threads with :meth:`thread`."""

    def __init__(self, names: tuple[str, ...] = ("A",), *, station: bool = True,
                 pool_packets: int = 16, payload: int = PAYLOAD, faults: Any = None,
                 propagation_delay: int = 0, tcp: bool = True, config: Any = None) -> None:
        self.names = names
        self.config = config   # the build (tx_kernel_enter's config)
        self.want_station = station
        self.pool_packets = pool_packets
        self.payload = payload
        self.faults = faults
        self.propagation_delay = propagation_delay
        self.tcp = tcp
        self.ip: dict[str, NX_IP] = {}
        self.pool: dict[str, NX_PACKET_POOL] = {}
        self.extra_pools: list[NX_PACKET_POOL] = []
        self.threads: dict[str, TX_THREAD] = {}
        self.log: list[tuple[int, str, Any]] = []
        self.station: Station | None = None
        self.wire: Any = None
        self.free: Any = None
        self.frame_log: list = []
        self.static_arp: list[tuple[str, int, int, int]] = []

    # -------------------------------------------------------------- building
    def take(self, size: int) -> Any:
        pointer = self.free
        self.free = pointer + ((size + 3) & ~3)
        return pointer

    def event(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def thread(self, name: str, entry: Callable[[], None], priority: int = 10) -> TX_THREAD:
        thread = TX_THREAD()
        self.threads[name] = thread
        status = tx_thread_create(thread, name, lambda _: entry(), 0, self.take(4096), 4096,
                                  priority, priority, 0, TX_AUTO_START)
        assert status == NX_SUCCESS
        return thread

    def spawn(self, name: str, call: Callable[[], Any], priority: int = 5) -> TX_THREAD:
        """Run ``call()`` in a new thread (more urgent than the test body by default, so
        it runs at once until it blocks) and log its result as (tick, name, result)."""
        return self.thread(name, lambda: self.event(name, call()), priority)

    def pool_create(self, name: str, payload: int, packets: int) -> NX_PACKET_POOL:
        pool = NX_PACKET_POOL()
        size = packets * (payload + SIZEOF_NX_PACKET)
        assert nx_packet_pool_create(pool, name, payload, self.take(size), size) == NX_SUCCESS
        self.extra_pools.append(pool)
        return pool

    def run(self, setup: Callable[["TcpNet"], None], until: int | None = None) -> Any:
        def define(first_unused: Any) -> None:
            self.free = first_unused
            self.wire = segment_for(kernel(), _nx_ram_network_driver,
                                    propagation_delay=self.propagation_delay, faults=self.faults)
            self.frame_log = self.wire.enable_frame_log()
            for name in self.names:
                pool = self.pool[name] = NX_PACKET_POOL()
                size = self.pool_packets * (self.payload + SIZEOF_NX_PACKET)
                assert nx_packet_pool_create(pool, f"{name} pool", self.payload, self.take(size), size) == 0
                ip = self.ip[name] = NX_IP()
                assert nx_ip_create(ip, name, ADDRESSES[name], MASK, pool, _nx_ram_network_driver,
                                    self.take(2048), 2048, 1) == NX_SUCCESS
                assert nx_arp_enable(ip, self.take(1040), 1040) == NX_SUCCESS
                self.static_arp.append((name, STATION_ADDR, STATION_MSW, STATION_LSW))
                self.static_arp.append((name, SILENT_ADDR, SILENT_MSW, SILENT_LSW))
                if self.tcp:
                    assert nx.nx_tcp_enable(ip) == NX_SUCCESS
            if self.want_station:
                self.station = Station(self)
            # Static ARP entries need a route, i.e. the link up (nx_arp_static_entry_create.c
            # → _nx_ip_route_find checks nx_interface_link_up): the IP threads (priority 1)
            # bring the links up at tick 0, then this priority-2 thread adds the entries,
            # before any test thread of priority >= 3 runs.
            self.thread("static arp", self._static_arp, 2)
            setup(self)

        return tx_kernel_enter(define, until=until, config=self.config)

    def _static_arp(self) -> None:
        for name, address, msw, lsw in self.static_arp:
            assert nx_arp_static_entry_create(self.ip[name], address, msw, lsw) == NX_SUCCESS

    # -------------------------------------------------------------- checks
    def all_pools(self) -> list[tuple[str, NX_PACKET_POOL]]:
        return list(self.pool.items()) + [(f"extra {i}", p) for i, p in enumerate(self.extra_pools)]

    def pool_free(self, name: str) -> int:
        return nx_packet_pool_info_get(self.pool[name])[2]

    def assert_pools_full(self) -> None:
        assert_no_packet_leaked(*(pool for _, pool in self.all_pools()))


# ============================================================================ app helpers
def make_packet(pool: NX_PACKET_POOL, data: bytes, wait: int = NX_WAIT_FOREVER,
                packet_type: int = NX_IPv4_TCP_PACKET) -> Any:
    """A packet holding ``data`` with TCP headroom, ready for nx_tcp_socket_send."""
    status, packet = nx_packet_allocate(pool, packet_type, wait)
    assert status == NX_SUCCESS, f"allocate: 0x{status:02X}"
    if data:
        status = nx_packet_data_append(packet, data, len(data), pool, wait)
        assert status == NX_SUCCESS, f"append: 0x{status:02X}"
    return packet


def receive_bytes(socket: Any, wait: int) -> tuple[int, bytes | None]:
    """nx_tcp_socket_receive, returning (status, the segment's bytes) and releasing it."""
    status, packet = nx.nx_tcp_socket_receive(socket, wait)
    if status != NX_SUCCESS:
        return status, None
    data = packet.chain_bytes()
    nx_packet_release(packet)
    return status, data


def socket_state(socket: Any) -> int:
    return socket.nx_tcp_socket_state


def info_state(socket: Any) -> int:
    """The state out-value of nx_tcp_socket_info_get (C parameter order)."""
    result = nx.nx_tcp_socket_info_get(socket)
    assert result[0] == NX_SUCCESS
    return result[8]


def expected_frame(src_mac: bytes, dst_mac: bytes, src_ip: int, dst_ip: int, ip_id: int, src_port: int,
                   dst_port: int, seq: int, ack: int, flags: int, window: int, data: bytes = b"",
                   options: bytes = b"") -> bytes:
    """A frame as NetX builds it (TTL 128, TOS 0, DF clear)."""
    return tcp_frame(dst_mac, src_mac, src_ip, dst_ip, src_port, dst_port, seq, ack, flags, window, data,
                     options, ip_id=ip_id)


# ============================================================================ one-socket cases
CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT = 1, 2, 3, 4, 5, 6
FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT, LAST_ACK = 7, 8, 9, 10, 11

WIN = 8192
PEER_WIN = 4096
LOCAL = 1024          # client socket port
REMOTE = 80           # station's server port / A's listening port
PEER_PORT = 2000      # station's port when it is the client
P = 1000              # station ISN
R = rand_values(4)
ISN = first_isn(R[0], R[1])
assert ISN == 0x777F23C6


def seg(flags: int, seq: int, ack: int, window: int = WIN, options: bytes = b"", data: bytes = b"",
        tick: int = 0, src: int = LOCAL, dst: int = REMOTE) -> Seg:
    return Seg(tick, src, dst, flags, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, window, options, data)


class Case:
    """One scenario: ``body(case)`` runs in the test thread (priority 10) after socket
    ``s`` has been created on A; afterwards the run must complete and every pool be full."""

    def __init__(self, urgent: Callable | None = None, disconnect: Callable | None = None,
                 window: int = WIN, **net_options: Any) -> None:
        self.net = TcpNet(**net_options)
        self.window = window
        self.s = nx.NX_TCP_SOCKET()
        self.server = False
        self.urgent = urgent
        self.disconnect = disconnect

    @property
    def st(self) -> Any:
        return self.net.station

    def run(self, body: Callable[["Case"], None], until: int = 60000) -> None:
        def main() -> None:
            assert nx.nx_tcp_socket_create(self.net.ip["A"], self.s, "s", 0, 0, 0x80, self.window, self.urgent,
                                           self.disconnect) == NX_SUCCESS
            body(self)
            self.cleanup()

        result = self.net.run(lambda n: n.thread("test", main), until=until)
        assert result.reason == "completed", result.report()
        self.net.assert_pools_full()

    def cleanup(self) -> None:
        """Leave nothing held: RST an open connection, unbind/unlisten, delete."""
        s = self.s
        if s.nx_tcp_socket_state in (ESTABLISHED, CLOSE_WAIT, SYN_SENT, SYN_RECEIVED):
            nx.nx_tcp_socket_disconnect(s, NX_NO_WAIT)
        if self.server:
            nx.nx_tcp_server_socket_unaccept(s)
            nx.nx_tcp_server_socket_unlisten(self.net.ip["A"], REMOTE)
        else:
            nx.nx_tcp_client_socket_unbind(s)
        nx.nx_tcp_socket_delete(s)

    def seg(self, flags: int, seq: int, ack: int, window: int | None = None, **kw: Any) -> Seg:
        """A segment A sends; its window defaults to the socket's (unchanged) window."""
        return seg(flags, seq, ack, self.window if window is None else window, **kw)

    def state(self) -> tuple[int, int]:
        return info_state(self.s), self.s.nx_tcp_socket_state

    def expect_state(self, state: int) -> None:
        assert self.state() == (state, state)

    # ---------------------------------------------------------------- station
    def peer(self, flags: int, seq: int, ack: int = 0, data: bytes = b"", window: int = PEER_WIN,
             options: bytes = b"") -> None:
        """A segment from the station's side of the connection."""
        src, dst = (PEER_PORT, REMOTE) if self.server else (REMOTE, LOCAL)
        self.st.send(src, dst, flags, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, window, data, options)

    def replies(self) -> list[Seg]:
        return self.st.take()

    # ---------------------------------------------------------------- getting to a state
    def syn_sent(self) -> None:
        assert nx.nx_tcp_client_socket_bind(self.s, LOCAL, NX_NO_WAIT) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(self.s, STATION_ADDR, REMOTE, NX_NO_WAIT) == NX_IN_PROGRESS
        assert self.replies() == [self.seg(SYN, ISN, 0, options=netx_syn_options(1460))]
        self.expect_state(SYN_SENT)

    def established(self) -> None:
        self.syn_sent()
        self.peer(SYN | ACK, P, ISN + 1, options=netx_syn_options(1460))
        assert self.replies() == [self.seg(ACK, ISN + 1, P + 1)]
        self.expect_state(ESTABLISHED)

    def listen(self) -> None:
        self.server = True
        assert nx.nx_tcp_server_socket_listen(self.net.ip["A"], REMOTE, self.s, 5, None) == NX_SUCCESS
        self.expect_state(LISTEN)

    def syn_received(self) -> None:
        self.listen()
        self.peer(SYN, P, options=netx_syn_options(1460))
        assert self.replies() == []
        assert nx.nx_tcp_server_socket_accept(self.s, NX_NO_WAIT) == NX_IN_PROGRESS
        assert self.replies() == [self.seg(SYN | ACK, ISN, P + 1, options=netx_syn_options(1460),
                                      src=REMOTE, dst=PEER_PORT)]
        self.expect_state(SYN_RECEIVED)

    def close_wait(self) -> None:
        self.established()
        self.peer(FIN | ACK, P + 1, ISN + 1)
        assert self.replies() == [self.seg(ACK, ISN + 1, P + 2)]
        self.expect_state(CLOSE_WAIT)

    def last_ack(self) -> None:
        self.close_wait()
        self.net.spawn("disconnect", lambda: nx.nx_tcp_socket_disconnect(self.s, 500))
        assert self.replies() == [self.seg(FIN | ACK, ISN + 1, P + 2)]
        self.expect_state(LAST_ACK)

    def fin_wait_1(self) -> None:
        self.established()
        self.net.spawn("disconnect", lambda: nx.nx_tcp_socket_disconnect(self.s, 500))
        assert self.replies() == [self.seg(FIN | ACK, ISN + 1, P + 1)]
        self.expect_state(FIN_WAIT_1)

    def fin_wait_2(self) -> None:
        self.fin_wait_1()
        self.peer(ACK, P + 1, ISN + 2)
        assert self.replies() == []
        self.expect_state(FIN_WAIT_2)

    def closing(self) -> None:
        self.fin_wait_1()
        self.peer(FIN | ACK, P + 1, ISN + 1)      # their FIN crosses ours: ours not yet ACKed
        assert self.replies() == [self.seg(ACK, ISN + 2, P + 2)]
        self.expect_state(CLOSING)

    def time_wait(self) -> None:
        self.fin_wait_2()
        self.peer(FIN | ACK, P + 1, ISN + 2)
        assert self.replies() == [self.seg(ACK, ISN + 2, P + 2)]
        self.expect_state(TIME_WAIT)


def run(body: Callable[[Case], None], until: int = 60000, urgent: Callable | None = None,
        disconnect: Callable | None = None, window: int = WIN) -> Case:
    case = Case(urgent, disconnect, window)
    case.run(body, until)
    return case



# ============================================================================ bulk transfer
class Transfer(NamedTuple):
    """Outcome of :func:`bulk_transfer`."""
    run: Any                 # the KernelRun
    net: TcpNet
    sent: bytes              # what the sender handed to nx_tcp_socket_send
    received: bytes          # what the receiver got, in order
    log: list                # (tick, who, what) events: statuses of every blocking call that failed
    segments: int            # data segments the receiving socket accepted (socket info)
    done_tick: int | None    # tick the receiver saw the end of the stream


def pattern(size: int, seed: int = 0) -> bytes:
    """Deterministic, non-repeating-looking test data."""
    import random
    return random.Random(seed).randbytes(size)


def bulk_transfer(size: int, *, pool_packets: int = 16, payload: int = PAYLOAD, faults: Any = None,
                  window: int = 16384, chunk: int = 1460, until: int | None = 2_000_000,
                  wait: int = 3000, capture: Any = None, data_seed: int = 0,
                  app_pool_packets: int = 0, app_payload: int = PAYLOAD) -> Transfer:
    """A (client, 1.2.3.4) sends ``size`` bytes to B (server, 1.2.3.5, port 80) over the
    RAM driver, then closes; static ARP entries on both sides, so a lossy link cannot
    stall ARP. Sender priority 4, receiver 3 (the SMTP regression test's layout).
    Every blocking call uses ``wait`` ticks; any non-success status is logged and ends
    that side (the documented outcomes under faults), never a hang.

    The sender allocates from A's default pool (like the SMTP client's single pool)
    unless ``app_pool_packets`` gives it a pool of its own. Note the C consequence: when
    every buffer of A's default pool sits in the transmit queue, B's ACKs cannot be
    copied into A (the RAM driver copies into the receiver's default pool) and the
    connection starves until the retries run out."""
    data = pattern(size, data_seed)
    net = TcpNet(("A", "B"), station=False, pool_packets=pool_packets, payload=payload, faults=faults)
    client, server = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()
    got: list[bytes] = []
    result: dict[str, Any] = {"done": None, "segments": 0}
    app_pool: list[Any] = []

    def receiver() -> None:
        ip = net.ip["B"]
        assert nx.nx_tcp_socket_create(ip, server, "server", 0, 0, 0x80, window, None, None) == 0
        assert nx.nx_tcp_server_socket_listen(ip, 80, server, 5, None) == NX_SUCCESS
        status = nx.nx_tcp_server_socket_accept(server, wait)
        if status != NX_SUCCESS:
            net.event("accept", status)
        else:
            while True:
                status, packet = nx.nx_tcp_socket_receive(server, wait)
                if status != NX_SUCCESS:
                    if status != 0x38 or sum(map(len, got)) != size:   # NX_NOT_CONNECTED ends the stream
                        net.event("receive", status)
                    break
                got.append(packet.chain_bytes())
                nx_packet_release(packet)
            result["done"] = tx_time_get()
            result["segments"] = nx.nx_tcp_socket_info_get(server)[3]
            status = nx.nx_tcp_socket_disconnect(server, wait)
            if status != NX_SUCCESS:
                net.event("server disconnect", status)
        nx.nx_tcp_server_socket_unaccept(server)
        nx.nx_tcp_server_socket_unlisten(ip, 80)
        net.event("server delete", nx.nx_tcp_socket_delete(server))

    def sender() -> None:
        ip = net.ip["A"]
        pool = app_pool[0] if app_pool else net.pool["A"]
        assert nx.nx_tcp_socket_create(ip, client, "client", 0, 0, 0x80, window, None, None) == 0
        tx_thread_sleep(1)
        assert nx.nx_tcp_client_socket_bind(client, 1024, NX_NO_WAIT) == NX_SUCCESS
        status = nx.nx_tcp_client_socket_connect(client, B_ADDR, 80, wait)
        if status != NX_SUCCESS:
            net.event("connect", status)
        else:
            offset = 0
            while offset < size:
                piece = data[offset:offset + chunk]
                status, packet = nx_packet_allocate(pool, NX_IPv4_TCP_PACKET, wait)
                if status != NX_SUCCESS:
                    net.event("allocate", status)
                    break
                status = nx_packet_data_append(packet, piece, len(piece), pool, wait)
                if status == NX_SUCCESS:
                    status = nx.nx_tcp_socket_send(client, packet, wait)
                if status != NX_SUCCESS:
                    nx_packet_release(packet)
                    net.event("send", status)
                    break
                offset += len(piece)
            status = nx.nx_tcp_socket_disconnect(client, wait)
            if status != NX_SUCCESS:
                net.event("client disconnect", status)
        nx.nx_tcp_client_socket_unbind(client)
        net.event("client delete", nx.nx_tcp_socket_delete(client))

    def setup(n: TcpNet) -> None:
        for me, peer, peer_mac in (("A", B_ADDR, B_MAC), ("B", A_ADDR, A_MAC)):
            msw = int.from_bytes(peer_mac[:2], "big")
            lsw = int.from_bytes(peer_mac[2:], "big")
            n.static_arp.append((me, peer, msw, lsw))
        if capture is not None:
            n.wire.capture_to(capture)
        if app_pool_packets:
            app_pool.append(n.pool_create("app", app_payload, app_pool_packets))
        n.thread("receiver", receiver, 3)
        n.thread("sender", sender, 4)

    run_result = net.run(setup, until=until)
    if capture is not None and net.wire is not None:
        net.wire.stop_capture()
    return Transfer(run_result, net, data, b"".join(got), net.log, result["segments"], result["done"])


__all__ = [name for name in dir() if not name.startswith("_") or name == "_nx_ram_network_driver"]
