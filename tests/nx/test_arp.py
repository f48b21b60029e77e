"""ARP (netxsim/nx/arp.py) against NetX Duo's nx_arp_*.c: two IP instances on the RAM
driver in one kernel, frames checked as bytes, event logs with exact ticks.

Timeline facts the tests rely on: the IP threads (priority 1) run first at tick 0 and
attach A (MAC ..:56) then B (..:57); the periodic event fires at ticks 100, 200, ...; an
entry made at tick t < 100 therefore retries at 1000, 2000, ... and gives up at 19000.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.nx import (
    NX_PACKET_POOL, nx_packet_allocate, nx_packet_pool_create, nx_packet_pool_info_get,
    nx_packet_release,
)
from netxsim.nx.arp import (
    NX_ARP, SIZEOF_NX_ARP, _nx_arp_packet_deferred_receive, nx_arp_dynamic_entries_invalidate, nx_arp_dynamic_entry_set,
    nx_arp_enable, nx_arp_entry_delete, nx_arp_gratuitous_send, nx_arp_hardware_address_find,
    nx_arp_info_get, nx_arp_ip_address_find, nx_arp_static_entries_delete,
    nx_arp_static_entry_create, nx_arp_static_entry_delete,
)
from netxsim.nx.constants import (
    NX_ALREADY_ENABLED, NX_CALLER_ERROR, NX_DUPLICATED_ENTRY, NX_ENTRY_NOT_FOUND,
    NX_INVALID_PARAMETERS, NX_IP_ADDRESS_ERROR, NX_NO_MORE_ENTRIES, NX_NO_RESPONSE, NX_NO_WAIT,
    NX_NOT_ENABLED, NX_PTR_ERROR, NX_RECEIVE_PACKET, NX_SIZE_ERROR, NX_SUCCESS,
)
from netxsim.nx.faults import LinkFaults
from netxsim.nx.icmp import nx_icmp_enable, nx_icmp_ping
from netxsim.nx.ip import IP_ADDRESS, NX_IP, nx_ip_create
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.nx.segment import segment_for
from netxsim.nx.wire import (
    BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV4, IP_PROTO_ICMP, ArpPacket, IcmpEcho, Ipv4Header,
    build_ethernet_frame, mac_from_msw_lsw,
)
from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_THREAD, TX_TIMER, sizeof, tx_kernel_enter,
    tx_thread_create, tx_thread_sleep, tx_time_get, tx_timer_create,
)
from netxsim.tx.kernel import kernel

A_ADDR = IP_ADDRESS(1, 2, 3, 4)
B_ADDR = IP_ADDRESS(1, 2, 3, 5)
NOBODY = IP_ADDRESS(1, 2, 3, 9)
RAW_ADDR = IP_ADDRESS(1, 2, 3, 77)
MASK = 0xFFFFFF00
A_MAC = (0x0011, 0x22334456)
B_MAC = (0x0011, 0x22334457)
RAW_MAC = (0x0002, 0x00000077)
POOL_PACKETS = 8
PAYLOAD = 1536


def mac(pair: tuple[int, int]) -> bytes:
    return mac_from_msw_lsw(*pair)


# ============================================================================ harness
class Net:
    """IP instances named ``names`` (A = 1.2.3.4, B = 1.2.3.5, ...) on the RAM driver of one
    kernel, each with its own default pool, ARP and ICMP enabled. ``run(setup)`` calls
    ``setup(net)`` inside ``tx_application_define`` after the instances exist; setup
    creates the application threads with :meth:`thread`."""

    ADDRESSES = {"A": A_ADDR, "B": B_ADDR, "C": IP_ADDRESS(1, 2, 3, 6)}

    def __init__(self, names: tuple[str, ...] = ("A", "B"), *, arp_cache: int = 1040,
                 arp: bool | tuple[str, ...] = True, icmp: bool | tuple[str, ...] = True,
                 propagation_delay: int = 0,
                 faults: LinkFaults | None = None, pool_packets: int = POOL_PACKETS,
                 config: Any = None) -> None:
        self.names = names
        self.config = config   # the build (tx_kernel_enter's config)
        self.arp_cache = arp_cache
        self.arp = arp
        self.icmp = icmp
        self.propagation_delay = propagation_delay
        self.faults = faults
        self.pool_packets = pool_packets
        self.ip: dict[str, NX_IP] = {}
        self.pool: dict[str, NX_PACKET_POOL] = {}
        self.threads: dict[str, TX_THREAD] = {}
        self.log: list[tuple[int, str, Any]] = []
        self.frames: list = []
        self.wire: Any = None
        self.free: Any = None

    def take(self, size: int) -> Any:
        pointer = self.free
        self.free = pointer + size
        return pointer

    def event(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def thread(self, name: str, entry: Callable[[], None], priority: int = 10) -> TX_THREAD:
        thread = TX_THREAD()
        self.threads[name] = thread
        assert tx_thread_create(thread, name, lambda _: entry(), 0, self.take(4096), 4096,
                                priority, priority, 0, TX_AUTO_START) == NX_SUCCESS
        return thread

    def timer(self, name: str, entry: Callable[[], None], ticks: int) -> TX_TIMER:
        timer = TX_TIMER()
        assert tx_timer_create(timer, name, lambda _: entry(), 0, ticks, 0, TX_AUTO_ACTIVATE) == 0
        return timer

    def after_start(self, entry: Callable[[], None]) -> TX_THREAD:
        """Run ``entry`` at tick 0 right after the IP threads have brought their links up
        (a thread at their priority, created after them). Static ARP entries need this:
        as in C, they need a route, and a route needs the link up."""
        return self.thread("after start", entry, priority=1)

    def run(self, setup: Callable[["Net"], None], until: int | None = None) -> Any:
        def define(first_unused: Any) -> None:
            self.free = first_unused
            self.wire = segment_for(kernel(), _nx_ram_network_driver,
                                    propagation_delay=self.propagation_delay, faults=self.faults)
            self.frames = self.wire.enable_frame_log()
            for name in self.names:
                pool = self.pool[name] = NX_PACKET_POOL()
                size = self.pool_packets * (PAYLOAD + 60)
                assert nx_packet_pool_create(pool, f"{name} pool", PAYLOAD, self.take(size), size) == 0
                ip = self.ip[name] = NX_IP()
                assert nx_ip_create(ip, name, self.ADDRESSES[name], MASK, pool, _nx_ram_network_driver,
                                    self.take(2048), 2048, 1) == NX_SUCCESS
                if self.arp is True or self.arp and name in self.arp:
                    assert nx_arp_enable(ip, self.take(self.arp_cache), self.arp_cache) == NX_SUCCESS
                if self.icmp is True or self.icmp and name in self.icmp:
                    assert nx_icmp_enable(ip) == NX_SUCCESS
            setup(self)

        return tx_kernel_enter(define, until=until, config=self.config)

    def pool_free(self, name: str) -> int:
        return nx_packet_pool_info_get(self.pool[name])[2]

    def assert_pools_full(self) -> None:
        for name, pool in self.pool.items():
            status, total, free, *_ = nx_packet_pool_info_get(pool)
            assert (status, free) == (NX_SUCCESS, total), f"pool {name}: {free}/{total} free"

    def wire_log(self) -> list[tuple[int, str, bytes, str]]:
        return [(r.tick, r.port, r.frame, r.fate) for r in self.frames]


def arp_frame(destination: bytes, source: bytes, op: int, sender: tuple[int, int], sender_ip: int,
              target: tuple[int, int] | None, target_ip: int) -> bytes:
    body = ArpPacket(op, mac(sender), sender_ip, mac(target) if target else b"\0" * 6, target_ip)
    return build_ethernet_frame(destination, source, ETHERTYPE_ARP, body.pack())


def who_has(sender: tuple[int, int], sender_ip: int, target_ip: int) -> bytes:
    return arp_frame(BROADCAST_MAC, mac(sender), 1, sender, sender_ip, None, target_ip)


def is_at(sender: tuple[int, int], sender_ip: int, target: tuple[int, int], target_ip: int) -> bytes:
    return arp_frame(mac(target), mac(sender), 2, sender, sender_ip, target, target_ip)


def icmp_frame(destination: tuple[int, int], source: tuple[int, int], source_ip: int,
               destination_ip: int, ip_id: int, echo: IcmpEcho) -> bytes:
    datagram = Ipv4Header(source_ip, destination_ip, IP_PROTO_ICMP, identification=ip_id, ttl=128)
    payload = echo.pack()
    return build_ethernet_frame(mac(destination), mac(source), ETHERTYPE_IPV4,
                                datagram.pack(len(payload)) + payload)


def attach_raw(net: Net, received: list[tuple[int, bytes]]) -> Any:
    """A bare station on the wire (no NetX): records what reaches it, sends what we say."""
    return net.wire.attach(lambda frame: received.append((tx_time_get(), bytes(frame))), mac(RAW_MAC),
                           name="raw")


# ============================================================================ tests
def test_sizeof_nx_arp() -> None:
    assert sizeof(NX_ARP) == SIZEOF_NX_ARP == 52


def test_resolution_between_two_ips_frames_and_tables() -> None:
    """A pings B at tick 10 over a wire with 2 ticks of delay: A's who-has (10 → 12), B's
    reply written into the same packet (12 → 14), the echo queued on A's entry flushed by
    A's IP thread (14 → 16), B's echo reply (ARP-free: B made an auto entry for A) (16 →
    18); the ping returns at 18."""
    net = Net(propagation_delay=2)

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        tx_thread_sleep(10)
        status, response = nx_icmp_ping(a, B_ADDR, b"ABCD", 4, 100)
        net.event("app", (status, response.chain_bytes()))
        nx_packet_release(response)
        net.event("app", nx_arp_hardware_address_find(a, B_ADDR))
        net.event("app", nx_arp_hardware_address_find(b, A_ADDR))
        net.event("app", nx_arp_ip_address_find(a, *B_MAC))
        net.event("app", nx_arp_info_get(a))
        net.event("app", nx_arp_info_get(b))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (18, "app", (NX_SUCCESS, b"ABCD")),
        (18, "app", (NX_SUCCESS, *B_MAC)),
        (18, "app", (NX_SUCCESS, *A_MAC)),
        (18, "app", (NX_SUCCESS, B_ADDR)),
        # sent, requests received, responses sent, responses received, dynamic, static, aged, invalid
        (18, "app", (NX_SUCCESS, 1, 0, 0, 1, 1, 0, 0, 0)),
        (18, "app", (NX_SUCCESS, 0, 1, 1, 0, 1, 0, 0, 0)),
    ]
    request = IcmpEcho(8, A_ADDR & 0xFFFF, 0, b"ABCD")
    assert net.wire_log() == [
        (12, "A", who_has(A_MAC, A_ADDR, B_ADDR), "delivered"),
        (14, "B", is_at(B_MAC, B_ADDR, A_MAC, A_ADDR), "delivered"),
        (16, "A", icmp_frame(B_MAC, A_MAC, A_ADDR, B_ADDR, 1, request), "delivered"),
        (18, "B", icmp_frame(A_MAC, B_MAC, B_ADDR, A_ADDR, 1, request.reply()), "delivered"),
    ]
    assert len(net.frames[0].frame) == 42  # no padding to 60 bytes
    net.assert_pools_full()


def test_request_answered_in_place_padding_trimmed_and_auto_entry() -> None:
    """A padded who-has from a bare station: A answers by rewriting the same packet (42
    bytes, op 2, htype/ptype/hlen/plen kept), learns the sender (auto entry) and can send
    to it at once without ARPing."""
    net = Net(names=("A",))
    received: list[tuple[int, bytes]] = []

    def app() -> None:
        a = net.ip["A"]
        raw = attach_raw(net, received)
        tx_thread_sleep(5)
        odd = ArpPacket(1, mac(RAW_MAC), RAW_ADDR, b"\x01" * 6, A_ADDR, htype=6).pack()
        raw.transmit(build_ethernet_frame(BROADCAST_MAC, mac(RAW_MAC), ETHERTYPE_ARP, odd + b"\xee" * 18))
        net.event("app", nx_arp_hardware_address_find(a, RAW_ADDR))
        status, _ = nx_icmp_ping(a, RAW_ADDR, b"x", 1, NX_NO_WAIT)
        net.event("app", status)
        net.event("app", nx_arp_info_get(a)[1:6])

    net.run(lambda n: n.thread("app", app))
    reply = ArpPacket(2, mac(A_MAC), A_ADDR, mac(RAW_MAC), RAW_ADDR, htype=6).pack()
    echo = IcmpEcho(8, A_ADDR & 0xFFFF, 0, b"x")
    assert received == [
        (5, build_ethernet_frame(mac(RAW_MAC), mac(A_MAC), ETHERTYPE_ARP, reply)),
        (5, icmp_frame(RAW_MAC, A_MAC, A_ADDR, RAW_ADDR, 1, echo)),
    ]
    assert net.log == [
        (5, "app", (NX_SUCCESS, *RAW_MAC)),
        (5, "app", NX_NO_RESPONSE),
        (5, "app", (0, 1, 1, 0, 1)),
    ]
    net.assert_pools_full()


def test_queued_packets_sent_on_resolution_depth_four_oldest_dropped() -> None:
    """The first who-has is lost; five pings queue on the unresolved entry, the oldest
    (seq 0) is pushed out; the retry at tick 1000 resolves it and A's IP thread sends
    seq 1-4 in order; B answers each; nobody waits for them any more."""
    net = Net(faults=LinkFaults(drop_frames={0}))

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        for _ in range(5):
            nx_icmp_ping(a, B_ADDR, b"q", 1, NX_NO_WAIT)
        net.event("app", ("A free", net.pool_free("A")))
        tx_thread_sleep(1000)
        net.event("app", nx_arp_info_get(a)[1:5])
        net.event("app", (a.nx_ip_pings_sent, a.nx_ip_ping_responses_received, a.nx_ip_icmp_invalid_packets))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", ("A free", POOL_PACKETS - 4)),
        (1010, "app", (2, 0, 0, 1)),
        (1010, "app", (5, 4, 4)),
    ]
    log = net.wire_log()
    requests = [icmp_frame(B_MAC, A_MAC, A_ADDR, B_ADDR, 1 + seq, IcmpEcho(8, 0x0304, seq, b"q"))
                for seq in range(5)]
    assert log[0] == (10, "A", who_has(A_MAC, A_ADDR, B_ADDR), "dropped")
    assert log[1:7] == [
        (1000, "A", who_has(A_MAC, A_ADDR, B_ADDR), "delivered"),
        (1000, "B", is_at(B_MAC, B_ADDR, A_MAC, A_ADDR), "delivered"),
    ] + [(1000, "A", requests[seq], "delivered") for seq in range(1, 5)]
    assert [(tick, port) for tick, port, _, _ in log[7:]] == [(1000, "B")] * 4
    net.assert_pools_full()


def test_retries_at_exact_ticks_then_give_up_releases_queued_packets() -> None:
    net = Net(names=("A",))

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        nx_icmp_ping(a, NOBODY, b"1", 1, NX_NO_WAIT)
        nx_icmp_ping(a, NOBODY, b"2", 1, NX_NO_WAIT)
        net.event("app", ("free", net.pool_free("A")))
        tx_thread_sleep(18999 - 10)
        net.event("app", ("free", net.pool_free("A"), nx_arp_info_get(a)[1], nx_arp_info_get(a)[5]))
        tx_thread_sleep(1)
        net.event("app", ("free", net.pool_free("A"), nx_arp_info_get(a)[1], nx_arp_info_get(a)[5]))
        net.event("app", nx_arp_hardware_address_find(a, NOBODY))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", ("free", POOL_PACKETS - 2)),
        (18999, "app", ("free", POOL_PACKETS - 2, 19, 1)),
        (19000, "app", ("free", POOL_PACKETS, 19, 0)),
        (19000, "app", (NX_ENTRY_NOT_FOUND, None, None)),
    ]
    request = who_has(A_MAC, A_ADDR, NOBODY)
    assert net.wire_log() == [(10, "A", request, "unclaimed")] + \
        [(1000 * k, "A", request, "unclaimed") for k in range(1, 19)]
    net.assert_pools_full()


def test_entry_given_up_is_moved_to_the_end_and_the_walk_skips_the_next_one() -> None:
    """C quirk kept: when the entry at the front of the dynamic pool gives up it moves to the
    end, the walk wraps to the front with one active entry less, and the other entry is
    not counted down during that periodic event: it gives up one event (100 ticks) later."""
    net = Net(names=("A",))
    x, y = IP_ADDRESS(1, 2, 3, 40), IP_ADDRESS(1, 2, 3, 41)

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        nx_icmp_ping(a, x, b"x", 1, NX_NO_WAIT)
        nx_icmp_ping(a, y, b"y", 1, NX_NO_WAIT)        # y's entry is now at the front
        for tick in (18999, 19000, 19099, 19100):
            tx_thread_sleep(tick - tx_time_get())
            net.event("app", (net.pool_free("A"), nx_arp_info_get(a)[5]))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (18999, "app", (POOL_PACKETS - 2, 2)),
        (19000, "app", (POOL_PACKETS - 1, 1)),
        (19099, "app", (POOL_PACKETS - 1, 1)),
        (19100, "app", (POOL_PACKETS, 0)),
    ]
    net.assert_pools_full()


def test_request_silently_skipped_when_default_pool_empty() -> None:
    """No packet for the who-has: nothing is sent or counted, except the pool's empty
    request; the entry still retries later."""
    net = Net(names=("A",), pool_packets=2)

    def app() -> None:
        a, pool = net.ip["A"], net.pool["A"]
        tx_thread_sleep(10)
        status, spare = nx_packet_allocate(pool, NX_RECEIVE_PACKET, NX_NO_WAIT)
        net.event("app", nx_arp_dynamic_entry_set(a, NOBODY, 0, 0))    # sends a who-has
        status, spare2 = nx_packet_allocate(pool, NX_RECEIVE_PACKET, NX_NO_WAIT)
        net.event("app", nx_icmp_ping(a, B_ADDR, b"", 0, NX_NO_WAIT))   # no packet at all
        net.event("app", nx_arp_dynamic_entry_set(a, B_ADDR, 0, 0))    # who-has skipped
        net.event("app", (nx_arp_info_get(a)[1], nx_packet_pool_info_get(pool)[3]))
        nx_packet_release(spare)
        nx_packet_release(spare2)
        tx_thread_sleep(990)
        net.event("app", nx_arp_info_get(a)[1])
        nx_arp_dynamic_entries_invalidate(a)

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", NX_SUCCESS),
        (10, "app", (1, None)),          # NX_NO_PACKET: the request could not be allocated
        (10, "app", NX_SUCCESS),
        (10, "app", (1, 2)),
        (1000, "app", 3),
    ]
    # The periodic walk starts at the most recently allocated entry (B's).
    assert [(t, f[38:42]) for t, _, f, _ in net.wire_log()] == [
        (10, NOBODY.to_bytes(4, "big")), (1000, B_ADDR.to_bytes(4, "big")), (1000, NOBODY.to_bytes(4, "big"))]
    net.assert_pools_full()


def test_static_entry_no_arp_and_not_overwritten() -> None:
    """A static entry for B: A's echo goes out with no ARP; B must ARP for A; A's
    answer/learning never changes its static entry; delete puts it back."""
    net = Net()

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        status, response = nx_icmp_ping(a, B_ADDR, b"s", 1, 50)
        net.event("app", status)
        nx_packet_release(response)
        net.event("app", nx_arp_info_get(a)[1:7])
        net.event("app", nx_arp_hardware_address_find(a, B_ADDR))
        net.event("app", nx_arp_static_entry_delete(a, B_ADDR, B_MAC[0], B_MAC[1] + 1))
        net.event("app", nx_arp_static_entry_delete(a, B_ADDR, *B_MAC))
        net.event("app", nx_arp_info_get(a)[5:7])
        net.event("app", nx_arp_hardware_address_find(a, B_ADDR))

    def setup(n: Net) -> None:
        # From init the link is not up yet, so there is no route: refused, as in C.
        assert nx_arp_static_entry_create(n.ip["A"], B_ADDR, *B_MAC) == NX_IP_ADDRESS_ERROR
        n.after_start(lambda: nx_arp_static_entry_create(n.ip["A"], B_ADDR, *B_MAC))
        n.thread("app", app)

    net.run(setup)
    assert net.log == [
        (10, "app", NX_SUCCESS),
        (10, "app", (0, 1, 1, 0, 0, 1)),
        (10, "app", (NX_SUCCESS, *B_MAC)),
        (10, "app", NX_ENTRY_NOT_FOUND),
        (10, "app", NX_SUCCESS),
        (10, "app", (0, 0)),
        (10, "app", (NX_ENTRY_NOT_FOUND, None, None)),
    ]
    echo = IcmpEcho(8, 0x0304, 0, b"s")
    assert net.wire_log() == [
        (10, "A", icmp_frame(B_MAC, A_MAC, A_ADDR, B_ADDR, 1, echo), "delivered"),
        (10, "B", who_has(B_MAC, B_ADDR, A_ADDR), "delivered"),
        (10, "A", is_at(A_MAC, A_ADDR, B_MAC, B_ADDR), "delivered"),
        (10, "B", icmp_frame(A_MAC, B_MAC, B_ADDR, A_ADDR, 1, echo.reply()), "delivered"),
    ]
    net.assert_pools_full()


def test_static_entry_over_dynamic_one_and_duplicate() -> None:
    net = Net()

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        net.event("app", nx_arp_dynamic_entry_set(a, B_ADDR, *B_MAC))
        net.event("app", nx_arp_info_get(a)[5:7])
        net.event("app", nx_arp_static_entry_create(a, B_ADDR, *B_MAC))
        net.event("app", nx_arp_info_get(a)[5:7])
        net.event("app", nx_arp_dynamic_entry_set(a, B_ADDR, *B_MAC))
        net.event("app", nx_arp_entry_delete(a, B_ADDR))
        net.event("app", nx_arp_info_get(a)[5:7])
        net.event("app", nx_arp_entry_delete(a, B_ADDR))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", NX_SUCCESS), (10, "app", (1, 0)),
        (10, "app", NX_SUCCESS), (10, "app", (0, 1)),
        (10, "app", NX_DUPLICATED_ENTRY),
        (10, "app", NX_SUCCESS), (10, "app", (0, 0)),
        (10, "app", NX_ENTRY_NOT_FOUND),
    ]
    assert net.frames == []  # a MAC was given: no ARP traffic at all
    net.assert_pools_full()


def test_cache_full_reuses_oldest_dynamic_entry_releasing_its_queue() -> None:
    net = Net(names=("A",), arp_cache=2 * SIZEOF_NX_ARP + 51)   # room for 2 entries
    x, y, z = IP_ADDRESS(1, 2, 3, 20), IP_ADDRESS(1, 2, 3, 21), IP_ADDRESS(1, 2, 3, 22)

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        net.event("app", a.nx_ip_arp_total_entries)
        nx_icmp_ping(a, x, b"x", 1, NX_NO_WAIT)          # entry for x, packet queued on it
        net.event("app", net.pool_free("A"))
        net.event("app", nx_arp_dynamic_entry_set(a, y, 0x0002, 0x21))
        net.event("app", nx_arp_dynamic_entry_set(a, z, 0x0002, 0x22))   # x is the oldest
        net.event("app", net.pool_free("A"))
        net.event("app", [nx_arp_hardware_address_find(a, address)[0] for address in (x, y, z)])
        net.event("app", nx_arp_static_entry_create(a, x, 0x0002, 0x20))
        net.event("app", nx_arp_static_entry_create(a, IP_ADDRESS(1, 2, 3, 23), 0x0002, 0x23))
        net.event("app", nx_arp_static_entry_create(a, IP_ADDRESS(1, 2, 3, 24), 0x0002, 0x24))
        net.event("app", nx_arp_dynamic_entry_set(a, IP_ADDRESS(1, 2, 3, 25), 0x0002, 0x25))
        net.event("app", nx_arp_info_get(a)[5:7])
        net.event("app", nx_arp_static_entries_delete(a))
        net.event("app", nx_arp_info_get(a)[5:7])

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", 2),
        (10, "app", POOL_PACKETS - 1),
        (10, "app", NX_SUCCESS), (10, "app", NX_SUCCESS),
        (10, "app", POOL_PACKETS),
        (10, "app", [NX_ENTRY_NOT_FOUND, NX_SUCCESS, NX_SUCCESS]),
        (10, "app", NX_SUCCESS),
        (10, "app", NX_SUCCESS),
        (10, "app", NX_NO_MORE_ENTRIES),
        (10, "app", NX_NO_MORE_ENTRIES),
        (10, "app", (0, 2)),
        (10, "app", NX_SUCCESS),
        (10, "app", (0, 0)),
    ]
    net.assert_pools_full()


def test_dynamic_entries_invalidate_and_entry_delete_release_queues() -> None:
    net = Net(names=("A",))
    u, v = IP_ADDRESS(1, 2, 3, 30), IP_ADDRESS(1, 2, 3, 31)

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        nx_arp_static_entry_create(a, B_ADDR, *B_MAC)
        for address in (u, u, v):
            nx_icmp_ping(a, address, b"d", 1, NX_NO_WAIT)
        net.event("app", (net.pool_free("A"), nx_arp_info_get(a)[5:7]))
        net.event("app", nx_arp_entry_delete(a, u))
        net.event("app", (net.pool_free("A"), nx_arp_info_get(a)[5:7]))
        net.event("app", nx_arp_dynamic_entries_invalidate(a))
        net.event("app", (net.pool_free("A"), nx_arp_info_get(a)[5:7]))
        net.event("app", nx_arp_ip_address_find(a, *B_MAC))
        net.event("app", nx_arp_ip_address_find(a, 0x0002, 0x1234))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (10, "app", (POOL_PACKETS - 3, (2, 1))),
        (10, "app", NX_SUCCESS),
        (10, "app", (POOL_PACKETS - 1, (1, 1))),
        (10, "app", NX_SUCCESS),
        (10, "app", (POOL_PACKETS, (0, 1))),
        (10, "app", (NX_SUCCESS, B_ADDR)),
        (10, "app", (NX_ENTRY_NOT_FOUND, None)),
    ]
    net.assert_pools_full()


def test_invalid_messages_counted_and_reply_resolves_pending_entry() -> None:
    """Short and bad-op messages are invalid; an unsolicited reply from the station A is
    resolving flushes A's queue; a reply for an unknown sender makes an auto entry."""
    net = Net(names=("A",))
    received: list[tuple[int, bytes]] = []

    def app() -> None:
        a = net.ip["A"]
        raw = attach_raw(net, received)
        tx_thread_sleep(10)
        nx_icmp_ping(a, RAW_ADDR, b"p", 1, NX_NO_WAIT)          # queued, who-has sent
        body = ArpPacket(2, mac(RAW_MAC), RAW_ADDR, mac(A_MAC), A_ADDR).pack()
        raw.transmit(build_ethernet_frame(mac(A_MAC), mac(RAW_MAC), ETHERTYPE_ARP, body[:20]))
        raw.transmit(build_ethernet_frame(mac(A_MAC), mac(RAW_MAC), ETHERTYPE_ARP,
                                          body[:6] + b"\x00\x03" + body[8:]))
        tx_thread_sleep(5)
        raw.transmit(build_ethernet_frame(mac(A_MAC), mac(RAW_MAC), ETHERTYPE_ARP, body))
        other = ArpPacket(2, b"\x00\x02\x00\x00\x00\x99", IP_ADDRESS(1, 2, 3, 99), mac(A_MAC), A_ADDR)
        raw.transmit(build_ethernet_frame(mac(A_MAC), mac(RAW_MAC), ETHERTYPE_ARP, other.pack()))
        net.event("app", nx_arp_info_get(a))
        net.event("app", nx_arp_hardware_address_find(a, IP_ADDRESS(1, 2, 3, 99)))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (15, "app", (NX_SUCCESS, 1, 0, 0, 2, 2, 0, 0, 2)),
        (15, "app", (NX_SUCCESS, 0x0002, 0x99)),
    ]
    assert received == [
        (10, who_has(A_MAC, A_ADDR, RAW_ADDR)),
        (15, icmp_frame(RAW_MAC, A_MAC, A_ADDR, RAW_ADDR, 1, IcmpEcho(8, 0x0304, 0, b"p"))),
    ]
    net.assert_pools_full()


def test_gratuitous_arp_and_address_conflict_defence() -> None:
    """The announcement (who-has A tell A) teaches B A's MAC; a station claiming A's address
    gets one defence per NX_ARP_DEFEND_INTERVAL periodic events and each claim goes to the
    response handler, which owns the packet."""
    net = Net()
    received: list[tuple[int, bytes]] = []
    handled: list[tuple[int, int]] = []

    def handler(ip: NX_IP, packet: Any) -> None:
        handled.append((tx_time_get(), packet.nx_packet_length))
        nx_packet_release(packet)

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        raw = attach_raw(net, received)
        tx_thread_sleep(10)
        net.event("app", nx_arp_gratuitous_send(a, handler))
        net.event("app", nx_arp_hardware_address_find(b, A_ADDR))
        claim = who_has(RAW_MAC, A_ADDR, A_ADDR)
        raw.transmit(claim)
        raw.transmit(claim)
        tx_thread_sleep(1000)
        raw.transmit(claim)
        net.event("app", nx_arp_info_get(a)[1:3])

    net.run(lambda n: n.thread("app", app))
    announce = who_has(A_MAC, A_ADDR, A_ADDR)
    assert net.log == [
        (10, "app", NX_SUCCESS),
        (10, "app", (NX_SUCCESS, *A_MAC)),
        (1010, "app", (3, 0)),
    ]
    assert handled == [(10, 28), (10, 28), (1010, 28)]
    assert [(tick, port, frame) for tick, port, frame, _ in net.wire_log()] == [
        (10, "A", announce),
        (10, "raw", who_has(RAW_MAC, A_ADDR, A_ADDR)),
        (10, "A", who_has(A_MAC, A_ADDR, A_ADDR)),      # the defence: who-has the claimant
        (10, "raw", who_has(RAW_MAC, A_ADDR, A_ADDR)),
        (1010, "raw", who_has(RAW_MAC, A_ADDR, A_ADDR)),
        (1010, "A", who_has(A_MAC, A_ADDR, A_ADDR)),
    ]
    net.assert_pools_full()


def test_without_arp_enabled_nothing_resolves_and_arp_frames_are_dropped() -> None:
    net = Net(arp=False)

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        net.event("app", nx_icmp_ping(a, B_ADDR, b"", 0, 20))
        net.event("app", (a.nx_ip_send_packets_dropped, nx_arp_info_get(a)[0]))
        net.event("app", nx_arp_entry_delete(a, B_ADDR))
        _, packet = nx_packet_allocate(net.pool["A"], NX_RECEIVE_PACKET, NX_NO_WAIT)
        _nx_arp_packet_deferred_receive(a, packet)       # what the driver does with a frame
        net.event("app", (net.pool_free("A"), a.nx_ip_arp_invalid_messages))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [(30, "app", (NX_NO_RESPONSE, None)), (30, "app", (1, NX_NOT_ENABLED)),
                       (30, "app", NX_ENTRY_NOT_FOUND), (30, "app", (POOL_PACKETS, 1))]
    assert net.frames == []
    net.assert_pools_full()


# ============================================================================ errors
def test_error_checking_layer() -> None:
    net = Net(names=("A", "B", "C"), arp=False)
    results: dict[str, Any] = {}

    def in_timer() -> None:
        a, b = net.ip["A"], net.ip["B"]
        results["timer"] = [
            nx_arp_enable(b, net.spare, 1040),
            nx_arp_static_entry_create(a, B_ADDR, *B_MAC),
            nx_arp_static_entries_delete(a),
            nx_arp_entry_delete(a, B_ADDR),
        ]

    def app() -> None:
        a, b, c = net.ip["A"], net.ip["B"], net.ip["C"]
        uncreated = NX_IP()
        tx_thread_sleep(2)                 # after the timer callback's turn at tick 1
        results["thread"] = [
            # enable
            nx_arp_enable(None, net.spare, 1040), nx_arp_enable(uncreated, net.spare, 1040),
            nx_arp_enable(b, None, 1040), nx_arp_enable(a, net.spare, 1040),
            nx_arp_enable(b, net.spare, SIZEOF_NX_ARP - 1),
            # static create
            nx_arp_static_entry_create(None, B_ADDR, *B_MAC),
            nx_arp_static_entry_create(a, 0, *B_MAC),
            nx_arp_static_entry_create(a, IP_ADDRESS(224, 0, 0, 1), *B_MAC),
            nx_arp_static_entry_create(a, 0xFFFFFFFF, *B_MAC),
            nx_arp_static_entry_create(a, B_ADDR, 0, 0),
            nx_arp_static_entry_create(b, A_ADDR, *A_MAC),
            nx_arp_static_entry_create(a, IP_ADDRESS(10, 0, 0, 1), *B_MAC),   # no route
            # static delete
            nx_arp_static_entry_delete(uncreated, B_ADDR, *B_MAC),
            nx_arp_static_entry_delete(a, 0, *B_MAC),
            nx_arp_static_entry_delete(a, B_ADDR, 0, 0),
            nx_arp_static_entry_delete(b, A_ADDR, *A_MAC),
            # dynamic set
            nx_arp_dynamic_entry_set(None, B_ADDR, 0, 0),
            nx_arp_dynamic_entry_set(a, 0, 0, 0),
            nx_arp_dynamic_entry_set(a, IP_ADDRESS(239, 1, 1, 1), 0, 0),
            nx_arp_dynamic_entry_set(b, A_ADDR, 0, 0),
            nx_arp_dynamic_entry_set(a, IP_ADDRESS(10, 0, 0, 1), 0, 0),
            # finds
            nx_arp_hardware_address_find(None, B_ADDR),
            nx_arp_hardware_address_find(a, 0),
            nx_arp_hardware_address_find(b, A_ADDR),
            nx_arp_ip_address_find(None, *B_MAC),
            nx_arp_ip_address_find(a, 0, 0),
            nx_arp_ip_address_find(b, *A_MAC),
            # info, gratuitous, delete, invalidate
            nx_arp_info_get(None)[0], nx_arp_info_get(b)[0],
            nx_arp_gratuitous_send(None, None), nx_arp_gratuitous_send(c, None),
            nx_arp_gratuitous_send(b, None),
            nx_arp_entry_delete(None, B_ADDR), nx_arp_entry_delete(a, 0),
            nx_arp_entry_delete(b, A_ADDR),
            nx_arp_dynamic_entries_invalidate(uncreated), nx_arp_dynamic_entries_invalidate(b),
            nx_arp_static_entries_delete(None), nx_arp_static_entries_delete(b),
        ]

    def setup(n: Net) -> None:
        a = n.ip["A"]
        n.ip["C"].nx_ip_interface[0].nx_interface_ip_address = 0   # no address at all
        n.spare = n.take(1040)
        assert nx_arp_enable(a, n.take(1040), 1040) == NX_SUCCESS
        results["init"] = [
            nx_arp_static_entry_delete(a, B_ADDR, *B_MAC),
            nx_arp_dynamic_entry_set(a, B_ADDR, 0, 0),
            nx_arp_hardware_address_find(a, B_ADDR),
            nx_arp_ip_address_find(a, *B_MAC),
            nx_arp_info_get(a)[0],
            nx_arp_gratuitous_send(a, None),
            nx_arp_dynamic_entries_invalidate(a),
        ]
        n.timer("t", in_timer, 1)
        n.thread("app", app)

    net.run(setup)
    assert results["init"] == [NX_CALLER_ERROR, NX_CALLER_ERROR, (NX_CALLER_ERROR, None, None),
                               (NX_CALLER_ERROR, None), NX_CALLER_ERROR, NX_CALLER_ERROR,
                               NX_CALLER_ERROR]
    assert results["timer"] == [NX_CALLER_ERROR] * 4
    assert results["thread"] == [
        NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR, NX_ALREADY_ENABLED, NX_SIZE_ERROR,
        NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_IP_ADDRESS_ERROR, NX_IP_ADDRESS_ERROR,
        NX_INVALID_PARAMETERS, NX_NOT_ENABLED, NX_IP_ADDRESS_ERROR,
        NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_INVALID_PARAMETERS, NX_NOT_ENABLED,
        NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_IP_ADDRESS_ERROR, NX_NOT_ENABLED, NX_IP_ADDRESS_ERROR,
        (NX_PTR_ERROR, None, None), (NX_IP_ADDRESS_ERROR, None, None), (NX_NOT_ENABLED, None, None),
        (NX_PTR_ERROR, None), (NX_INVALID_PARAMETERS, None), (NX_NOT_ENABLED, None),
        NX_PTR_ERROR, NX_NOT_ENABLED,
        NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_NOT_ENABLED,
        NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_ENTRY_NOT_FOUND,   # delete needs no ARP enabled
        NX_PTR_ERROR, NX_NOT_ENABLED,
        NX_PTR_ERROR, NX_NOT_ENABLED,
    ]
    net.assert_pools_full()


def test_recreated_ip_starts_with_arp_disabled_and_a_fresh_cache() -> None:
    """nx_ip_create zeroes the control block: after delete and create, ARP is disabled,
    the counters and entries are gone and the same cache memory can be enabled again."""
    net = Net(names=("A",))

    def app() -> None:
        a = net.ip["A"]
        tx_thread_sleep(10)
        nx_arp_dynamic_entry_set(a, B_ADDR, *B_MAC)
        net.event("app", nx_arp_info_get(a)[5])
        cache = a.nx_ip_arp_cache_memory
        from netxsim.nx.ip import nx_ip_delete
        net.event("app", nx_ip_delete(a))
        net.event("app", nx_ip_create(a, "A", A_ADDR, MASK, net.pool["A"], _nx_ram_network_driver,
                                      net.stack, 2048, 1))
        net.event("app", nx_arp_info_get(a)[0])
        net.event("app", nx_arp_enable(a, cache, 1040))      # the same memory again
        net.event("app", nx_arp_info_get(a))
        net.event("app", nx_arp_hardware_address_find(a, B_ADDR)[0])

    def setup(n: Net) -> None:
        n.stack = n.take(2048)
        n.thread("app", app)

    net.run(setup)
    assert net.log == [
        (10, "app", 1), (10, "app", NX_SUCCESS), (10, "app", NX_SUCCESS),
        (10, "app", NX_NOT_ENABLED), (10, "app", NX_SUCCESS),
        (10, "app", (NX_SUCCESS, 0, 0, 0, 0, 0, 0, 0, 0)),
        (10, "app", NX_ENTRY_NOT_FOUND),
    ]
    net.assert_pools_full()


def test_enable_claims_cache_memory() -> None:
    """The cache is claimed in simulated RAM: enabling a second IP over it is refused
    with an error naming both owners (C would corrupt the first cache)."""
    import pytest

    from netxsim.tx.memory import MemoryRegionError
    net = Net(arp=False)
    errors: list[str] = []

    def setup(n: Net) -> None:
        cache = n.take(1040)
        assert nx_arp_enable(n.ip["A"], cache, 1040) == NX_SUCCESS
        with pytest.raises(MemoryRegionError) as error:
            nx_arp_enable(n.ip["B"], cache + 52, 1040)
        errors.append(str(error.value))

    net.run(setup)
    assert "ARP cache of 'B'" in errors[0] and "ARP cache of 'A'" in errors[0]
