"""The NetX IP instance (netxsim/nx/ip.py) against NetX Duo's nx_ip_*.c / nxe_ip_*.c /
nx_ipv4_packet_receive.c: IP instances on the RAM driver of one kernel, event logs with
exact ticks, frames as bytes (checked with netxsim.nx.wire and with dpkt), counters read
back through the public services.

The :class:`Lab` harness here is shared by test_ram_driver.py and test_capture.py. Every
IP it creates goes through :meth:`Lab.driver`, a wrapper around ``_nx_ram_network_driver``
that records each request (tick, IP, command, calling thread, status) after the driver
returns, so the order of driver commands and the context they run in can be asserted.
"""
from __future__ import annotations

from typing import Any, Callable

import dpkt

from netxsim import *  # noqa: F401,F403  (the C view: tx_api.h + nx_api.h)
from netxsim.nx import driver as driver_module
from netxsim.nx.faults import LinkFaults
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.nx.segment import segment_for
from netxsim.nx.wire import (
    BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV4, IP_PROTO_ICMP, ArpPacket, IcmpEcho, Ipv4Header,
    build_ethernet_frame, internet_checksum, mac_from_msw_lsw, verify_icmp_checksum, verify_ipv4_checksum,
)
from netxsim.tx.kernel import kernel

MASK = 0xFFFFFF00
ADDRESSES = {"A": IP_ADDRESS(1, 2, 3, 4), "B": IP_ADDRESS(1, 2, 3, 5), "C": IP_ADDRESS(1, 2, 3, 6),
             "D": IP_ADDRESS(1, 2, 3, 7), "E": IP_ADDRESS(1, 2, 3, 8)}
A_ADDR, B_ADDR = ADDRESSES["A"], ADDRESSES["B"]
NOBODY = IP_ADDRESS(1, 2, 3, 99)
RAW_ADDR = IP_ADDRESS(1, 2, 3, 77)
RAW_MAC = bytes.fromhex("020000000077")
PAYLOAD = 1536
POOL_PACKETS = 8

# Driver command code -> short name ("INITIALIZE"), for readable driver logs.
COMMAND_NAMES = {value: name[8:] for name, value in vars(driver_module).items()
                 if name.startswith("NX_LINK_") and isinstance(value, int)}


def slot_mac(slot: int) -> bytes:
    """The RAM driver's MAC for instance ``slot`` (00:11:22:33:44:56 + slot)."""
    return mac_from_msw_lsw(0x0011, 0x22334456 + slot)


def thread_name(thread: Any) -> str:
    return "-" if thread is None else thread.tx_thread_name


# ============================================================================ harness
class Lab:
    """IP instances on the RAM driver of one kernel, created with :meth:`add`.

    ``run(setup)`` enters the kernel; ``setup(lab)`` runs in ``tx_application_define``
    and creates IPs and threads. ``log`` is the test's event log of (tick, who, what);
    ``driver_log`` gets one (tick, ip, command, thread, status) per driver request."""

    def __init__(self, *, propagation_delay: int = 0, faults: LinkFaults | None = None) -> None:
        self.propagation_delay = propagation_delay
        self.faults = faults
        self.ip: dict[str, NX_IP] = {}
        self.pool: dict[str, NX_PACKET_POOL] = {}
        self.threads: dict[str, TX_THREAD] = {}
        self.log: list[tuple[int, str, Any]] = []
        self.driver_log: list[tuple[int, str, str, str, int]] = []
        self.wire: Any = None
        self.frames: list = []
        self.free: Any = None
        self.pools: list[NX_PACKET_POOL] = []

    # ---------------------------------------------------------------- helpers
    def take(self, size: int) -> Any:
        pointer = self.free
        self.free = pointer + size
        return pointer

    def event(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def driver(self, request: NX_IP_DRIVER) -> None:
        """The RAM driver, with each request recorded once it returns."""
        _nx_ram_network_driver(request)
        self.driver_log.append((tx_time_get(), request.nx_ip_driver_ptr.nx_ip_name,
                                COMMAND_NAMES.get(request.nx_ip_driver_command, str(request.nx_ip_driver_command)),
                                thread_name(tx_thread_identify()), request.nx_ip_driver_status))

    def commands(self, ip: str | None = None, skip: tuple[str, ...] = ()) -> list[tuple]:
        return [entry for entry in self.driver_log
                if (ip is None or entry[1] == ip) and entry[2] not in skip]

    def make_pool(self, name: str, packets: int = POOL_PACKETS, payload: int = PAYLOAD) -> NX_PACKET_POOL:
        pool = NX_PACKET_POOL()
        size = packets * (payload + sizeof(NX_PACKET))
        assert nx_packet_pool_create(pool, f"{name} pool", payload, self.take(size), size) == NX_SUCCESS
        self.pools.append(pool)
        return pool

    def add(self, name: str, *, address: int | None = None, priority: int = 1, packets: int = POOL_PACKETS,
            payload: int = PAYLOAD, arp: bool = True, icmp: bool = True, mask: int = MASK) -> NX_IP:
        """Create IP ``name`` (own pool, ARP, ICMP) from init or a thread."""
        pool = self.pool[name] = self.make_pool(name, packets, payload)
        ip = self.ip[name] = NX_IP()
        status = nx_ip_create(ip, name, ADDRESSES[name] if address is None else address, mask, pool,
                              self.driver, self.take(2048), 2048, priority)
        assert status == NX_SUCCESS
        if arp:
            assert nx_arp_enable(ip, self.take(1040), 1040) == NX_SUCCESS
        if icmp:
            assert nx_icmp_enable(ip) == NX_SUCCESS
        return ip

    def thread(self, name: str, entry: Callable[[], None], priority: int = 10, threshold: int | None = None,
               start: int = TX_AUTO_START) -> TX_THREAD:
        thread = self.threads[name] = TX_THREAD()
        assert tx_thread_create(thread, name, lambda _: entry(), 0, self.take(4096), 4096, priority,
                                priority if threshold is None else threshold, 0, start) == TX_SUCCESS
        return thread

    def timer(self, name: str, entry: Callable[[], None], ticks: int) -> TX_TIMER:
        timer = TX_TIMER()
        assert tx_timer_create(timer, name, lambda _: entry(), 0, ticks, 0, TX_AUTO_ACTIVATE) == TX_SUCCESS
        return timer

    def raw_station(self, received: list[tuple[int, bytes]], mac: bytes = RAW_MAC) -> Any:
        """A bare station (no NetX) on the wire: records what reaches it, sends what it is told."""
        return self.wire.attach(lambda frame: received.append((tx_time_get(), bytes(frame))), mac, name="raw")

    def run(self, setup: Callable[["Lab"], None], until: int | None = None) -> Any:
        def define(first_unused: Any) -> None:
            self.free = first_unused
            self.wire = segment_for(kernel(), _nx_ram_network_driver,
                                    propagation_delay=self.propagation_delay, faults=self.faults)
            self.frames = self.wire.enable_frame_log()
            setup(self)

        return tx_kernel_enter(define, until=until)

    # ---------------------------------------------------------------- checks
    def info(self, name: str) -> tuple:
        return nx_ip_info_get(self.ip[name])

    def assert_pools_full(self) -> None:
        for pool in self.pools:
            status, total, free, *_ = nx_packet_pool_info_get(pool)
            assert (status, free) == (NX_SUCCESS, total), f"{pool.name}: {free}/{total} free"

    def wire_log(self) -> list[tuple[int, str, bytes, str]]:
        return [(r.tick, r.port, r.frame, r.fate) for r in self.frames]


def two_ips(lab: Lab, *, priority: int = 1, **options: Any) -> None:
    lab.add("A", priority=priority, **options)
    lab.add("B", priority=priority, **options)


def echo_frame(dst: bytes, src: bytes, src_ip: int, dst_ip: int, ip_id: int, echo: IcmpEcho,
               **header: Any) -> bytes:
    """An Ethernet frame carrying an ICMP echo, as NetX builds it (TOS 0, TTL 128, no flags)."""
    payload = echo.pack()
    datagram = Ipv4Header(src_ip, dst_ip, IP_PROTO_ICMP, identification=ip_id, ttl=128, **header)
    return build_ethernet_frame(dst, src, ETHERTYPE_IPV4, datagram.pack(len(payload)) + payload)


def who_has(sender_mac: bytes, sender_ip: int, target_ip: int) -> bytes:
    return build_ethernet_frame(BROADCAST_MAC, sender_mac, ETHERTYPE_ARP,
                                ArpPacket(1, sender_mac, sender_ip, bytes(6), target_ip).pack())


def is_at(sender_mac: bytes, sender_ip: int, target_mac: bytes, target_ip: int) -> bytes:
    return build_ethernet_frame(target_mac, sender_mac, ETHERTYPE_ARP,
                                ArpPacket(2, sender_mac, sender_ip, target_mac, target_ip).pack())


def info_counters(lab: Lab, name: str) -> dict[str, int]:
    status, *values = lab.info(name)
    assert status == NX_SUCCESS
    keys = ("sent", "bytes_sent", "received", "bytes_received", "invalid", "dropped", "checksum_errors",
            "send_dropped", "fragments_sent", "fragments_received")
    return dict(zip(keys, values))


ZERO_INFO = dict(sent=0, bytes_sent=0, received=0, bytes_received=0, invalid=0, dropped=0,
                 checksum_errors=0, send_dropped=0, fragments_sent=0, fragments_received=0)


def counters(**changes: int) -> dict[str, int]:
    return {**ZERO_INFO, **changes}


# ============================================================================ nx_ip_create
def test_create_argument_errors_in_checking_order() -> None:
    """nxe_ip_create.c: pointers, stack size, priority, already created / stack overlap,
    address class, caller — in that order. A refused create leaves the block uncreated."""
    results: dict[str, Any] = {}

    def setup(lab: Lab) -> None:
        pool = lab.make_pool("P")
        lab.take(512)  # free room below the stack, for a second stack that ends inside it
        stack = lab.take(2048)
        ip = NX_IP()

        def create(target: Any = ip, name: str = "X", address: int = A_ADDR, default_pool: Any = pool,
                   driver: Any = lab.driver, memory: Any = stack, size: int = 2048, priority: int = 1) -> int:
            return nx_ip_create(target, name, address, MASK, default_pool, driver, memory, size, priority)

        results["errors"] = [
            create(target=None),
            create(default_pool=None),
            create(default_pool=NX_PACKET_POOL()),          # a pool never created
            create(driver=None),
            create(memory=None),
            create(memory=bytearray(2048)),                 # not a pointer into simulated RAM
            create(size=TX_MINIMUM_STACK - 1),
            create(priority=TX_MAX_PRIORITIES),
            create(address=IP_ADDRESS(224, 0, 0, 1)),       # class D
            create(address=IP_ADDRESS(240, 0, 0, 1)),       # class E
            create(address=0xFFFFFFFF),
            # Checking order: the first failing check wins.
            create(default_pool=None, size=10),
            create(size=10, priority=99),
            create(priority=99, address=IP_ADDRESS(224, 0, 0, 1)),
        ]
        results["uncreated"] = (nx_ip_info_get(ip)[0], nx_ip_address_get(ip)[0], ip.nx_ip_id)
        # The smallest stack, the least urgent priority and address 0 (DHCP) are legal.
        results["ok"] = create(address=0, size=TX_MINIMUM_STACK, priority=TX_MAX_PRIORITIES - 1)
        other = NX_IP()
        results["again"] = [
            create(),                                       # already created
            create(target=other, memory=stack + 100),       # starts inside ip's stack
            create(target=other, memory=stack - 100, size=TX_MINIMUM_STACK),  # ends inside ip's stack
            create(target=other, memory=stack - 100, size=TX_MINIMUM_STACK,
                   address=IP_ADDRESS(224, 0, 0, 1)),       # the overlap is found first
            create(target=other, memory=stack + TX_MINIMUM_STACK, size=300),  # right after it: fine
        ]
        results["after"] = nx_ip_address_get(ip)

    Lab().run(setup)
    assert results["errors"] == [NX_PTR_ERROR] * 6 + [NX_SIZE_ERROR, NX_OPTION_ERROR] + [NX_IP_ADDRESS_ERROR] * 3 \
        + [NX_PTR_ERROR, NX_SIZE_ERROR, NX_OPTION_ERROR]
    assert results["uncreated"] == (NX_PTR_ERROR, NX_PTR_ERROR, 0)
    assert results["ok"] == NX_SUCCESS
    assert results["again"] == [NX_PTR_ERROR] * 4 + [NX_SUCCESS]
    assert results["after"] == (NX_SUCCESS, 0, MASK)


def test_create_caller_error_from_timer_callback_but_fine_from_a_thread() -> None:
    """NX_INIT_AND_THREADS_CALLER_CHECKING: refused in the timer thread; the address check
    comes first."""
    lab = Lab()

    def setup(lab: Lab) -> None:
        pool = lab.make_pool("P")
        stacks = [lab.take(2048) for _ in range(3)]

        def in_timer() -> None:
            lab.event("timer", nx_ip_create(NX_IP(), "T", A_ADDR, MASK, pool, lab.driver, stacks[0], 2048, 1))
            lab.event("timer", nx_ip_create(NX_IP(), "T", IP_ADDRESS(230, 1, 1, 1), MASK, pool, lab.driver,
                                            stacks[0], 2048, 1))

        def app() -> None:
            tx_thread_sleep(10)
            lab.event("app", nx_ip_create(NX_IP(), "U", A_ADDR, MASK, pool, lab.driver, stacks[1], 2048, 20))

        lab.timer("t", in_timer, 5)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(5, "timer", NX_CALLER_ERROR), (5, "timer", NX_IP_ADDRESS_ERROR), (10, "app", NX_SUCCESS)]
    # U's IP thread (priority 20) starts as soon as the application thread (10) has finished.
    assert lab.commands() == [(10, "U", "INTERFACE_ATTACH", "U", NX_SUCCESS), (10, "U", "INITIALIZE", "U", NX_SUCCESS),
                              (10, "U", "ENABLE", "U", NX_SUCCESS)]
    lab.assert_pools_full()


def test_ip_thread_runs_first_and_starts_the_driver_interface_fields() -> None:
    """The IP thread (priority 1) runs at tick 0 before the application thread and calls the
    driver with ATTACH, INITIALIZE, ENABLE in its own context (nx_ip_thread_entry.c). Until
    then the interface has no MTU, MAC or link; afterwards the RAM driver's values."""
    lab = Lab()
    snapshots: dict[str, Any] = {}

    def fields(ip: NX_IP) -> tuple:
        primary = ip.nx_ip_interface[0]
        return (ip.nx_ip_initialize_done, primary.nx_interface_name, primary.nx_interface_ip_address,
                primary.nx_interface_ip_network_mask, primary.nx_interface_ip_network,
                primary.nx_interface_ip_mtu_size, primary.nx_interface_physical_address_msw,
                primary.nx_interface_physical_address_lsw, primary.nx_interface_address_mapping_needed,
                primary.nx_interface_link_up)

    def app() -> None:
        lab.event("app", "start")
        snapshots["running"] = fields(lab.ip["A"])

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        snapshots["created"] = fields(a)
        loopback = a.nx_ip_interface[NX_LOOPBACK_INTERFACE]
        snapshots["loopback"] = (loopback.nx_interface_name, loopback.nx_interface_ip_address,
                                 loopback.nx_interface_ip_network_mask, loopback.nx_interface_ip_mtu_size,
                                 loopback.nx_interface_link_up, loopback.nx_interface_address_mapping_needed)
        snapshots["thread"] = tx_thread_info_get(a.nx_ip_thread)[1:7]
        snapshots["packet_id"] = a.nx_ip_packet_id
        lab.thread("app", app)

    lab.run(setup)
    assert snapshots["created"] == (0, "PRI", A_ADDR, MASK, A_ADDR & MASK, 0, 0, 0, 0, 0)
    assert snapshots["loopback"] == ("Internal IP Loopback", IP_ADDRESS(127, 0, 0, 1), 0xFF000000, 65535, 1, 0)
    # name, state, run count, priority, threshold = priority, time slice 1
    assert snapshots["thread"] == ("A", TX_READY, 0, 1, 1, 1)
    assert snapshots["packet_id"] == 1
    assert lab.commands() == [(0, "A", "INTERFACE_ATTACH", "A", NX_SUCCESS),
                              (0, "A", "INITIALIZE", "A", NX_SUCCESS),
                              (0, "A", "ENABLE", "A", NX_SUCCESS)]
    assert lab.log == [(0, "app", "start")]
    assert snapshots["running"] == (1, "PRI", A_ADDR, MASK, A_ADDR & MASK, 1500, 0x0011, 0x22334456, 1, 1)
    lab.assert_pools_full()


def test_more_urgent_application_thread_runs_before_the_ip_thread() -> None:
    """With the IP thread at priority 5 an application thread at 2 runs first: the instance
    is not initialised and the driver not attached until the application sleeps."""
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        lab.event("app", nx_ip_status_check(a, NX_IP_INITIALIZE_DONE | NX_IP_ADDRESS_RESOLVED, NX_NO_WAIT))
        lab.event("app", len(lab.driver_log))
        tx_thread_sleep(1)
        lab.event("app", nx_ip_status_check(a, NX_IP_INITIALIZE_DONE | NX_IP_ADDRESS_RESOLVED, NX_NO_WAIT))

    def setup(lab: Lab) -> None:
        lab.add("A", priority=5)
        lab.thread("app", app, priority=2)

    lab.run(setup)
    assert lab.log == [(0, "app", (NX_NOT_SUCCESSFUL, NX_IP_ADDRESS_RESOLVED)), (0, "app", 0),
                       (1, "app", (NX_SUCCESS, NX_IP_INITIALIZE_DONE | NX_IP_ADDRESS_RESOLVED))]
    assert [entry[2] for entry in lab.commands()] == ["INTERFACE_ATTACH", "INITIALIZE", "ENABLE"]
    assert {entry[0] for entry in lab.commands()} == {0}


def test_driver_slots_follow_the_order_ip_threads_first_run() -> None:
    """A is created first but its IP thread (priority 5) runs after B's (priority 3): B
    attaches to slot 0 (00:11:22:33:44:56), A to slot 1 (...:57)."""
    lab = Lab()
    macs: dict[str, Any] = {}

    def app() -> None:
        for name in ("A", "B"):
            primary = lab.ip[name].nx_ip_interface[0]
            macs[name] = mac_from_msw_lsw(primary.nx_interface_physical_address_msw,
                                          primary.nx_interface_physical_address_lsw)

    def setup(lab: Lab) -> None:
        lab.add("A", priority=5)
        lab.add("B", priority=3)
        lab.thread("app", app, priority=10)

    lab.run(setup)
    assert macs == {"B": slot_mac(0), "A": slot_mac(1)}
    assert [(entry[1], entry[2]) for entry in lab.commands()] == [
        ("B", "INTERFACE_ATTACH"), ("B", "INITIALIZE"), ("B", "ENABLE"),
        ("A", "INTERFACE_ATTACH"), ("A", "INITIALIZE"), ("A", "ENABLE")]
    assert [port.mac for port in lab.wire.ports] == [slot_mac(0), slot_mac(1)]


def test_create_from_a_thread_ip_thread_preempts_at_the_end_of_create() -> None:
    """nx_ip_create lifts the creator's threshold to the IP priority while it builds the
    instance, then restores it: the more urgent IP thread starts the driver before
    nx_ip_create returns. Its periodic timer counts from the creation tick (37 → 137, 237)."""
    lab = Lab()
    periodic: list[int] = []

    def app() -> None:
        tx_thread_sleep(37)
        c = lab.add("C", arp=True)
        lab.event("app", ("created", len(lab.driver_log), tx_thread_info_get(lab.threads["app"])[5]))
        original = c.nx_ip_arp_periodic_update

        def periodic_hook(ip: NX_IP) -> None:
            periodic.append(tx_time_get())
            original(ip)

        c.nx_ip_arp_periodic_update = periodic_hook
        tx_thread_sleep(250)

    lab.run(lambda lab: lab.thread("app", app))
    assert lab.log == [(37, "app", ("created", 3, 10))]
    assert [(entry[0], entry[2], entry[3]) for entry in lab.commands()] == [
        (37, "INTERFACE_ATTACH", "C"), (37, "INITIALIZE", "C"), (37, "ENABLE", "C")]
    assert periodic == [137, 237]
    lab.assert_pools_full()


def test_create_from_a_more_urgent_thread_leaves_its_threshold_zero() -> None:
    """C quirk (nx_ip_create.c: old_threshold = 0; tx_thread_preemption_change(current, priority,
    &old_threshold) fails with TX_THRESH_ERROR when priority is less urgent than the creator,
    leaving old_threshold 0; the restore then sets the creator's threshold to 0)."""
    lab = Lab()

    def app() -> None:
        lab.add("C", priority=8)
        lab.event("app", tx_thread_info_get(lab.threads["app"])[4:6])

    lab.run(lambda lab: lab.thread("app", app, priority=3))
    assert lab.log == [(0, "app", (3, 0))]


def test_periodic_event_every_100_ticks_from_creation_at_init() -> None:
    """The periodic timer (NX_IP_PERIODIC_RATE = 100) sets NX_IP_PERIODIC_EVENT at 100, 200,
    300; the IP thread runs the ARP periodic hook for each."""
    lab = Lab()
    periodic: list[tuple[int, str]] = []

    def app() -> None:
        tx_thread_sleep(350)

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        original = a.nx_ip_arp_periodic_update

        def hook(ip: NX_IP) -> None:
            periodic.append((tx_time_get(), thread_name(tx_thread_identify())))
            original(ip)

        a.nx_ip_arp_periodic_update = hook
        lab.thread("app", app)

    lab.run(setup)
    assert periodic == [(100, "A"), (200, "A"), (300, "A")]
    status, name, active, remaining, reschedule, _ = tx_timer_info_get(lab.ip["A"].nx_ip_periodic_timer)
    assert (status, active, reschedule) == (TX_SUCCESS, TX_TRUE, 100)


# ============================================================================ IPv4 header
def dpkt_ip_checks(frame: bytes) -> dpkt.ip.IP:
    """Parse with dpkt and recompute the IP and ICMP checksums independently."""
    eth = dpkt.ethernet.Ethernet(frame)
    assert eth.type == dpkt.ethernet.ETH_TYPE_IP
    datagram = eth.data
    assert isinstance(datagram, dpkt.ip.IP)
    header = bytearray(frame[14:14 + datagram.hl * 4])
    header[10:12] = b"\0\0"
    assert dpkt.in_cksum(bytes(header)) == datagram.sum
    icmp = datagram.data
    assert isinstance(icmp, dpkt.icmp.ICMP)
    message = bytearray(frame[14 + datagram.hl * 4:14 + datagram.len])
    message[2:4] = b"\0\0"
    assert dpkt.in_cksum(bytes(message)) == icmp.sum
    return datagram


def test_ping_ipv4_header_bytes_ids_and_checksums() -> None:
    """Echo request and reply headers as nx_ip_header_add.c writes them: 0x45, TOS 0, total
    length, the instance's ID (1, 2, ... per datagram; ARP takes none), flags/offset 0,
    TTL 128, protocol 1, a valid checksum, interface address → destination."""
    lab = Lab()
    sizes = (4, 64)
    seen: list[Any] = []

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        for size in sizes:
            status, response = nx_icmp_ping(a, B_ADDR, bytes(range(size)), size, 100)
            # The reply's IP header stays readable in the response packet.
            seen.append((status, response.nx_packet_ip_header.read(20)))
            nx_packet_release(response)
        seen.append((a.nx_ip_packet_id, lab.ip["B"].nx_ip_packet_id))

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    ip_frames = [record.frame for record in lab.frames if record.frame[12:14] == b"\x08\x00"]
    assert len(ip_frames) == 4 and len(lab.frames) == 6  # plus one ARP request and its reply
    expected = []
    for ip_id, size in zip((1, 2), sizes):
        data = bytes(range(size))
        request = IcmpEcho(8, A_ADDR & 0xFFFF, ip_id - 1, data)
        expected.append(echo_frame(slot_mac(1), slot_mac(0), A_ADDR, B_ADDR, ip_id, request))
        expected.append(echo_frame(slot_mac(0), slot_mac(1), B_ADDR, A_ADDR, ip_id, request.reply()))
    assert ip_frames == expected
    for index, frame in enumerate(ip_frames):
        size = sizes[index // 2]
        ip_id = 1 + index // 2
        source, destination = (A_ADDR, B_ADDR) if index % 2 == 0 else (B_ADDR, A_ADDR)
        # Raw bytes.
        assert frame[14] == 0x45 and frame[15] == 0x00
        assert int.from_bytes(frame[16:18], "big") == 20 + 8 + size == len(frame) - 14
        assert int.from_bytes(frame[18:20], "big") == ip_id
        assert frame[20:22] == b"\x00\x00" and frame[22] == 128 and frame[23] == 1
        assert verify_ipv4_checksum(frame[14:34]) and verify_icmp_checksum(frame[34:])
        # netxsim.nx.wire.
        header = Ipv4Header.unpack(frame[14:])
        assert (header.header_length, header.tos, header.total_length, header.identification, header.flags,
                header.fragment_offset, header.ttl, header.protocol, header.src, header.dst) == \
            (20, 0, 28 + size, ip_id, 0, 0, 128, 1, source, destination)
        # dpkt.
        datagram = dpkt_ip_checks(frame)
        assert (datagram.v, datagram.hl, datagram.tos, datagram.len, datagram.id, datagram.ttl, datagram.p) == \
            (4, 5, 0, 28 + size, ip_id, 128, dpkt.ip.IP_PROTO_ICMP)
        assert (datagram.rf, datagram.df, datagram.mf, datagram.offset) == (0, 0, 0, 0)
        assert (datagram.src, datagram.dst) == (source.to_bytes(4, "big"), destination.to_bytes(4, "big"))
        assert datagram.data.type == (dpkt.icmp.ICMP_ECHO if index % 2 == 0 else dpkt.icmp.ICMP_ECHOREPLY)
        assert bytes(datagram.data.data.data) == bytes(range(size))
    assert seen == [(NX_SUCCESS, ip_frames[1][14:34]), (NX_SUCCESS, ip_frames[3][14:34]), (3, 3)]
    lab.assert_pools_full()


def test_ip_id_counts_every_header_including_loopback() -> None:
    """A ping to the instance's own address goes through loopback (no frame): the request
    takes ID 1 and the reply ID 2, both from A's counter."""
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        status, response = nx_icmp_ping(a, A_ADDR, b"self", 4, 10)
        header = Ipv4Header.unpack(response.nx_packet_ip_header.read(20))
        lab.event("app", (status, response.chain_bytes()[:response.nx_packet_length], header.identification,
                          header.src, header.dst, header.ttl, a.nx_ip_packet_id))
        nx_packet_release(response)
        lab.event("app", info_counters(lab, "A"))

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (0, "app", (NX_SUCCESS, b"self", 2, A_ADDR, A_ADDR, 128, 3)),
        (0, "app", counters(sent=2, bytes_sent=24, received=2, bytes_received=24)),
    ]
    assert lab.frames == []
    assert lab.driver_log[3:] == []  # nothing after ATTACH, INITIALIZE, ENABLE
    lab.assert_pools_full()


# ============================================================================ status check
def test_status_check_success_and_polling_until_wait_is_used_up() -> None:
    """nx_ip_interface_status_check.c: the bits are re-read every tick (the link bit by asking
    the driver GET_STATUS, in the caller's thread); NX_NOT_SUCCESSFUL exactly ``wait`` ticks
    later, with the bits found."""
    lab = Lab()
    all_up = NX_IP_INITIALIZE_DONE | NX_IP_ADDRESS_RESOLVED | NX_IP_LINK_ENABLED | NX_IP_ARP_ENABLED

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        lab.event("app", nx_ip_status_check(a, all_up, NX_NO_WAIT))
        lab.event("app", nx_ip_status_check(a, NX_IP_TCP_ENABLED | NX_IP_UDP_ENABLED, NX_NO_WAIT))
        lab.event("app", nx_ip_interface_status_check(a, 0, NX_IP_INTERFACE_LINK_ENABLED, NX_NO_WAIT))
        lab.driver_log.clear()
        lab.event("app", nx_ip_status_check(a, NX_IP_LINK_ENABLED | NX_IP_TCP_ENABLED, 5))

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (10, "app", (NX_SUCCESS, all_up)),
        (10, "app", (NX_NOT_SUCCESSFUL, 0)),
        (10, "app", (NX_SUCCESS, NX_IP_INTERFACE_LINK_ENABLED)),
        (15, "app", (NX_NOT_SUCCESSFUL, NX_IP_LINK_ENABLED)),
    ]
    assert lab.driver_log == [(tick, "A", "GET_STATUS", "app", NX_SUCCESS) for tick in range(10, 16)]


def test_status_check_succeeds_on_the_tick_the_link_comes_back() -> None:
    """The link is disabled at 20 and enabled again by a timer at 23: the poll started at 20
    sees it at 23 (the timer runs before the woken thread)."""
    lab = Lab()

    def link(command: int) -> int:
        a = lab.ip["A"]
        return ip_driver_request(a, a.nx_ip_interface[0], command).nx_ip_driver_status

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(20)
        lab.event("app", link(NX_LINK_DISABLE))
        lab.event("app", nx_ip_status_check(a, NX_IP_LINK_ENABLED, NX_NO_WAIT))
        lab.event("app", nx_ip_status_check(a, NX_IP_LINK_ENABLED, NX_WAIT_FOREVER))

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("app", app)
        lab.timer("up", lambda: lab.event("timer", link(NX_LINK_ENABLE)), 23)

    lab.run(setup)
    assert lab.log == [(20, "app", NX_SUCCESS), (20, "app", (NX_NOT_SUCCESSFUL, 0)), (23, "timer", NX_SUCCESS),
                       (23, "app", (NX_SUCCESS, NX_IP_LINK_ENABLED))]
    assert [(tick, command) for tick, _, command, _, _ in lab.driver_log[3:]] == [
        (20, "DISABLE"), (20, "GET_STATUS"), (20, "GET_STATUS"), (21, "GET_STATUS"), (22, "GET_STATUS"),
        (23, "ENABLE"), (23, "GET_STATUS")]


def test_status_check_argument_and_caller_errors() -> None:
    """THREADS_ONLY: NX_CALLER_ERROR from initialisation and from a timer callback;
    NX_PTR_ERROR for no or an uncreated instance; NX_INVALID_INTERFACE past the interfaces."""
    lab = Lab()

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        lab.event("init", nx_ip_status_check(a, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
        lab.event("init", nx_ip_interface_status_check(a, 0, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))

        def in_timer() -> None:
            lab.event("timer", nx_ip_status_check(a, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
            lab.event("timer", nx_ip_interface_status_check(a, 0, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))

        def app() -> None:
            lab.event("app", nx_ip_status_check(None, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
            lab.event("app", nx_ip_status_check(NX_IP(), NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
            lab.event("app", nx_ip_interface_status_check(None, 0, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
            lab.event("app", nx_ip_interface_status_check(a, 2, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
            lab.event("app", nx_ip_interface_status_check(a, 7, NX_IP_INITIALIZE_DONE, NX_NO_WAIT))
            tx_thread_sleep(5)  # timers do not keep a run alive

        lab.timer("t", in_timer, 3)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(0, "init", (NX_CALLER_ERROR, None))] * 2 + [
        (0, "app", (NX_PTR_ERROR, None)), (0, "app", (NX_PTR_ERROR, None)), (0, "app", (NX_PTR_ERROR, None)),
        (0, "app", (NX_INVALID_INTERFACE, None)), (0, "app", (NX_INVALID_INTERFACE, None)),
    ] + [(3, "timer", (NX_CALLER_ERROR, None))] * 2


def test_interface_status_check_refuses_the_loopback_index() -> None:
    lab = Lab()

    def app() -> None:
        lab.event("app", nx_ip_interface_status_check(lab.ip["A"], NX_LOOPBACK_INTERFACE, NX_IP_INITIALIZE_DONE,
                                                      NX_NO_WAIT))

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(0, "app", (NX_INVALID_INTERFACE, None))]


def test_status_check_unknown_bits_option_error() -> None:
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        lab.event("app", nx_ip_status_check(a, 0x200, NX_NO_WAIT))
        lab.event("app", nx_ip_interface_status_check(a, 0, NX_IP_INITIALIZE_DONE | 0x8000, NX_NO_WAIT))

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(0, "app", (NX_OPTION_ERROR, None))] * 2


def test_status_check_rarp_complete_means_address_set() -> None:
    lab = Lab()

    def app() -> None:
        lab.event("app", nx_ip_status_check(lab.ip["A"], NX_IP_RARP_COMPLETE, NX_NO_WAIT))
        lab.event("app", nx_ip_status_check(lab.ip["Z"], NX_IP_RARP_COMPLETE | NX_IP_IGMP_ENABLED, NX_NO_WAIT))

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.add("Z", address=0)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(0, "app", (NX_SUCCESS, NX_IP_RARP_COMPLETE)), (0, "app", (NX_NOT_SUCCESSFUL, 0))]


def test_status_check_asks_the_driver_even_before_the_ip_thread_ran() -> None:
    """Before the IP thread has run the RAM driver knows no such instance and answers
    GET_STATUS with NX_INVALID_INTERFACE: no link bit, but the request is made."""
    lab = Lab()

    def app() -> None:
        lab.event("app", nx_ip_status_check(lab.ip["A"], NX_IP_LINK_ENABLED, NX_NO_WAIT))

    def setup(lab: Lab) -> None:
        lab.add("A", priority=20)
        lab.thread("app", app, priority=5)

    lab.run(setup)
    assert lab.log == [(0, "app", (NX_NOT_SUCCESSFUL, 0))]
    assert lab.commands()[0] == (0, "A", "GET_STATUS", "app", NX_INVALID_INTERFACE)


# ============================================================================ addresses
def test_address_get_and_set() -> None:
    """nx_ip_address_get/set on interface 0: INIT_AND_THREADS; a class D/E address is
    refused, 0 is accepted; a new address is used at once by the send path (ARP sender,
    IP source, ping identifier) and the peer answers it."""
    lab = Lab()
    new_addr = IP_ADDRESS(1, 2, 3, 40)

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        lab.event("app", nx_ip_address_set(a, IP_ADDRESS(224, 1, 1, 1), MASK))
        lab.event("app", nx_ip_address_set(a, IP_ADDRESS(250, 1, 1, 1), MASK))
        lab.event("app", nx_ip_address_set(None, new_addr, MASK))
        lab.event("app", nx_ip_address_set(NX_IP(), new_addr, MASK))
        lab.event("app", nx_ip_address_get(None))
        lab.event("app", nx_ip_address_get(NX_IP()))
        lab.event("app", nx_ip_address_set(a, 0, 0))
        lab.event("app", nx_ip_address_get(a))
        lab.event("app", nx_ip_address_set(a, new_addr, MASK))
        primary = a.nx_ip_interface[0]
        lab.event("app", (nx_ip_address_get(a), primary.nx_interface_ip_network))
        status, response = nx_icmp_ping(a, B_ADDR, b"new", 3, 100)
        lab.event("app", status)
        nx_packet_release(response)
        tx_thread_sleep(10)

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        lab.add("B")
        lab.event("init", nx_ip_address_get(a))
        lab.timer("t", lambda: lab.event("timer", nx_ip_address_set(a, new_addr, MASK)), 5)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (0, "init", (NX_SUCCESS, A_ADDR, MASK)),
        (5, "timer", NX_CALLER_ERROR),
        (10, "app", NX_IP_ADDRESS_ERROR), (10, "app", NX_IP_ADDRESS_ERROR),
        (10, "app", NX_PTR_ERROR), (10, "app", NX_PTR_ERROR),
        (10, "app", (NX_PTR_ERROR, None, None)), (10, "app", (NX_PTR_ERROR, None, None)),
        (10, "app", NX_SUCCESS), (10, "app", (NX_SUCCESS, 0, 0)),
        (10, "app", NX_SUCCESS), (10, "app", ((NX_SUCCESS, new_addr, MASK), new_addr & MASK)),
        (10, "app", NX_SUCCESS),
    ]
    request = IcmpEcho(8, new_addr & 0xFFFF, 0, b"new")
    assert [frame for _, _, frame, _ in lab.wire_log()] == [
        who_has(slot_mac(0), new_addr, B_ADDR),
        is_at(slot_mac(1), B_ADDR, slot_mac(0), new_addr),
        echo_frame(slot_mac(1), slot_mac(0), new_addr, B_ADDR, 1, request),
        echo_frame(slot_mac(0), slot_mac(1), B_ADDR, new_addr, 1, request.reply()),
    ]
    lab.assert_pools_full()


def test_address_get_refused_in_a_timer_callback() -> None:
    lab = Lab()

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        lab.timer("t", lambda: lab.event("timer", nx_ip_address_get(a)), 5)
        lab.thread("app", lambda: tx_thread_sleep(10))

    lab.run(setup)
    assert lab.log == [(5, "timer", (NX_CALLER_ERROR, None, None))]


def test_gateway_off_subnet_traffic_goes_to_the_gateway_mac() -> None:
    """nx_ip_gateway_address_set: 0 and an address on no local network are refused. With
    B as gateway, a ping to 9.9.9.9 ARPs for B and is framed to B's MAC with the IP
    destination unchanged; B, not being a router, drops it (receive_packets_dropped)."""
    lab = Lab()
    far = IP_ADDRESS(9, 9, 9, 9)

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        lab.event("app", nx_icmp_ping(a, far, b"gw", 2, 10))
        lab.event("app", nx_ip_gateway_address_set(a, 0))
        lab.event("app", nx_ip_gateway_address_set(a, IP_ADDRESS(9, 9, 9, 1)))
        lab.event("app", nx_ip_gateway_address_set(None, B_ADDR))
        lab.event("app", nx_ip_gateway_address_set(NX_IP(), B_ADDR))
        lab.event("app", nx_ip_gateway_address_set(a, B_ADDR))
        lab.event("app", (a.nx_ip_gateway_address, a.nx_ip_gateway_interface is a.nx_ip_interface[0]))
        lab.event("app", nx_icmp_ping(a, far, b"gw", 2, 50))
        lab.event("app", nx_arp_hardware_address_find(a, B_ADDR))
        lab.event("app", nx_arp_hardware_address_find(a, far))
        lab.event("app", info_counters(lab, "A"))
        lab.event("app", info_counters(lab, "B"))

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        lab.add("B")
        lab.timer("t", lambda: lab.event("timer", nx_ip_gateway_address_set(a, B_ADDR)), 5)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (5, "timer", NX_CALLER_ERROR),
        (10, "app", (NX_IP_ADDRESS_ERROR, None)),   # no route before a gateway is set
        (10, "app", NX_IP_ADDRESS_ERROR), (10, "app", NX_IP_ADDRESS_ERROR),
        (10, "app", NX_PTR_ERROR), (10, "app", NX_PTR_ERROR),
        (10, "app", NX_SUCCESS), (10, "app", (B_ADDR, True)),
        (60, "app", (NX_NO_RESPONSE, None)),
        (60, "app", (NX_SUCCESS, 0x0011, 0x22334457)),
        (60, "app", (NX_ENTRY_NOT_FOUND, None, None)),
        (60, "app", counters(sent=1, bytes_sent=10)),
        (60, "app", counters(received=1, dropped=1)),
    ]
    request = IcmpEcho(8, A_ADDR & 0xFFFF, 0, b"gw")
    assert [(tick, frame) for tick, _, frame, _ in lab.wire_log()] == [
        (10, who_has(slot_mac(0), A_ADDR, B_ADDR)),
        (10, is_at(slot_mac(1), B_ADDR, slot_mac(0), A_ADDR)),
        (10, echo_frame(slot_mac(1), slot_mac(0), A_ADDR, far, 1, request)),
    ]
    lab.assert_pools_full()


def test_gateway_accepted_on_an_interface_without_address() -> None:
    """An instance created with 0.0.0.0/0 (DHCP not yet done): every gateway matches network 0."""
    lab = Lab()

    def app() -> None:
        lab.event("app", nx_ip_gateway_address_set(lab.ip["Z"], IP_ADDRESS(10, 0, 0, 1)))

    def setup(lab: Lab) -> None:
        lab.add("Z", address=0, mask=0)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(0, "app", NX_SUCCESS)]


# ============================================================================ nx_ip_info_get
def test_info_get_counters_of_a_ping_and_errors() -> None:
    """ARP frames are not IP datagrams: one echo each way counts one datagram sent and
    received on each side, bytes without the IP header. INIT_AND_THREADS."""
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        status, response = nx_icmp_ping(a, B_ADDR, bytes(100), 100, 100)
        nx_packet_release(response)
        lab.event("app", (status, info_counters(lab, "A"), info_counters(lab, "B")))
        lab.event("app", nx_ip_info_get(None))
        lab.event("app", nx_ip_info_get(NX_IP()))
        tx_thread_sleep(10)

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.event("init", lab.info("A"))
        lab.timer("t", lambda: lab.event("timer", lab.info("A")), 15)
        lab.thread("app", app)

    lab.run(setup)
    one = counters(sent=1, bytes_sent=108, received=1, bytes_received=108)
    assert lab.log == [
        (0, "init", (NX_SUCCESS,) + (0,) * 10),
        (10, "app", (NX_SUCCESS, one, one)),
        (10, "app", (NX_PTR_ERROR,) + (None,) * 10),
        (10, "app", (NX_PTR_ERROR,) + (None,) * 10),
        (15, "timer", (NX_CALLER_ERROR,) + (None,) * 10),
    ]
    lab.assert_pools_full()


def test_datagram_larger_than_the_mtu_is_dropped_before_arp() -> None:
    """Fragmentation is not enabled: 1480 data + 8 + 20 = 1508 > 1500 is dropped by the send
    path (send_packets_dropped), before any ARP request."""
    lab = Lab()

    def app() -> None:
        tx_thread_sleep(10)
        lab.event("app", nx_icmp_ping(lab.ip["A"], B_ADDR, bytes(1480), 1480, 20))
        lab.event("app", info_counters(lab, "A"))

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(30, "app", (NX_NO_RESPONSE, None)), (30, "app", counters(send_dropped=1))]
    assert lab.frames == []
    lab.assert_pools_full()


def test_loopback_copy_failure_counts_only_a_send_drop() -> None:
    """A one-packet default pool: the ping request holds it, so the loopback copy fails."""
    lab = Lab()

    def app() -> None:
        lab.event("app", nx_icmp_ping(lab.ip["A"], A_ADDR, b"x", 1, 5))
        lab.event("app", info_counters(lab, "A"))

    def setup(lab: Lab) -> None:
        lab.add("A", packets=1)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(5, "app", (NX_NO_RESPONSE, None)), (5, "app", counters(send_dropped=1))]
    lab.assert_pools_full()


def test_loopback_is_not_limited_by_the_mtu() -> None:
    lab = Lab()

    def app() -> None:
        status, response = nx_icmp_ping(lab.ip["A"], A_ADDR, bytes(1480), 1480, 5)
        lab.event("app", (status, response.nx_packet_length if response else None))
        if response:
            nx_packet_release(response)

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(0, "app", (NX_SUCCESS, 1480))]
    lab.assert_pools_full()


def test_link_disabled_means_no_route() -> None:
    """After NX_LINK_DISABLE on A: A's ping to B finds no route (NX_IP_ADDRESS_ERROR,
    nothing sent), and an echo request reaching A is not answered (the reply finds no
    route, _nx_ip_packet_send drops it for its zero next hop)."""
    lab = Lab()

    def app() -> None:
        a, b = lab.ip["A"], lab.ip["B"]
        tx_thread_sleep(10)
        ip_driver_request(a, a.nx_ip_interface[0], NX_LINK_DISABLE)
        lab.event("app", nx_icmp_ping(a, B_ADDR, b"x", 1, 10))
        lab.event("app", nx_icmp_ping(b, A_ADDR, b"y", 1, 10))
        lab.event("app", info_counters(lab, "A")["sent"])

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(10, "app", (NX_IP_ADDRESS_ERROR, None)), (20, "app", (NX_NO_RESPONSE, None)),
                       (20, "app", 0)]
    lab.assert_pools_full()


# ============================================================================ nx_ip_delete
def test_delete_errors_and_contexts() -> None:
    """THREADS_ONLY: NX_CALLER_ERROR from initialisation and timer callbacks; NX_PTR_ERROR
    for no, an uncreated or an already deleted instance."""
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        lab.event("app", nx_ip_delete(None))
        lab.event("app", nx_ip_delete(NX_IP()))
        lab.event("app", nx_ip_delete(a))
        lab.event("app", nx_ip_delete(a))

    def setup(lab: Lab) -> None:
        a = lab.add("A")
        lab.event("init", nx_ip_delete(a))
        lab.timer("t", lambda: lab.event("timer", nx_ip_delete(a)), 5)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(0, "init", NX_CALLER_ERROR), (5, "timer", NX_CALLER_ERROR), (10, "app", NX_PTR_ERROR),
                       (10, "app", NX_PTR_ERROR), (10, "app", NX_SUCCESS), (10, "app", NX_PTR_ERROR)]
    lab.assert_pools_full()


def test_delete_releases_queued_packets_thread_timer_and_driver_slot() -> None:
    """A's IP thread (priority 20) cannot run while the application (5) fills A's queues: a
    ping queued on an unresolved ARP entry, a bare station's who-has in the ARP deferred
    queue, its echo request and B's in the IP deferred queue. nx_ip_delete releases
    them all, deletes the thread and timer and frees the driver slot (A's IP thread ran
    after B's at tick 0, so slot 1), which the next IP to attach takes."""
    lab = Lab()
    received: list[tuple[int, bytes]] = []

    def app() -> None:
        a, b = lab.ip["A"], lab.ip["B"]
        raw = lab.raw_station(received)
        tx_thread_sleep(10)
        nx_icmp_ping(a, NOBODY, b"q", 1, NX_NO_WAIT)     # queued on A's new ARP entry
        raw.transmit(who_has(RAW_MAC, RAW_ADDR, A_ADDR))  # A's ARP deferred queue
        raw.transmit(echo_frame(slot_mac(1), RAW_MAC, RAW_ADDR, A_ADDR, 7, IcmpEcho(8, 1, 1, b"s")))
        nx_icmp_ping(b, A_ADDR, b"r", 1, NX_NO_WAIT)     # B learnt A's MAC from A's who-has
        pool_status = nx_packet_pool_info_get(lab.pool["A"])
        lab.event("app", (pool_status[1] - pool_status[2], len(a.nx_ip_deferred_received_packets),
                          len(a.nx_ip_arp_deferred_queue)))
        thread, timer = a.nx_ip_thread, a.nx_ip_periodic_timer
        lab.event("app", nx_ip_delete(a))
        lab.event("app", (nx_packet_pool_info_get(lab.pool["A"])[2], tx_thread_info_get(thread)[0],
                          tx_timer_info_get(timer)[0], nx_ip_info_get(a)[0], a.nx_ip_id))
        lab.event("app", [port.name for port in lab.wire.ports])
        c = lab.add("C")
        tx_thread_sleep(1)
        primary = c.nx_ip_interface[0]
        lab.event("app", mac_from_msw_lsw(primary.nx_interface_physical_address_msw,
                                          primary.nx_interface_physical_address_lsw))

    def setup(lab: Lab) -> None:
        lab.add("A", priority=20)
        lab.add("B")
        lab.thread("app", app, priority=5)

    lab.run(setup)
    assert lab.log == [
        (10, "app", (4, 2, 1)),
        (10, "app", NX_SUCCESS),
        (10, "app", (POOL_PACKETS, TX_THREAD_ERROR, TX_TIMER_ERROR, NX_PTR_ERROR, 0)),
        (10, "app", ["B", "raw"]),
        (11, "app", slot_mac(1)),
    ]
    assert received == [(10, who_has(slot_mac(1), A_ADDR, NOBODY))]
    lab.assert_pools_full()


def test_delete_disables_then_uninitialises_the_driver() -> None:
    lab = Lab()

    def app() -> None:
        tx_thread_sleep(10)
        nx_ip_delete(lab.ip["A"])

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert [(tick, command, thread, status) for tick, _, command, thread, status in lab.driver_log[3:]] == [
        (10, "DISABLE", "app", NX_SUCCESS), (10, "UNINITIALIZE", "app", NX_SUCCESS)]


def test_delete_ends_a_less_urgent_ping_wait_with_no_response() -> None:
    """The deleter (priority 5) deletes A at 50 while a less urgent thread (10) waits for a
    ping reply from a silent host: nx_ip_delete returns first, then the waiter gets
    NX_NO_RESPONSE at 50 (counted as a ping timeout) and finds the instance gone and its
    pool full (the echo queued on the ARP entry released)."""
    lab = Lab()

    def waiter() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        lab.event("waiter", nx_icmp_ping(a, NOBODY, b"w", 1, 500))
        lab.event("waiter", (nx_ip_info_get(a)[0], nx_packet_pool_info_get(lab.pool["A"])[2],
                             a.nx_ip_ping_timeouts))

    def deleter() -> None:
        tx_thread_sleep(50)
        lab.event("deleter", nx_ip_delete(lab.ip["A"]))

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("waiter", waiter, priority=10)
        lab.thread("deleter", deleter, priority=5)

    lab.run(setup)
    assert lab.log == [(50, "deleter", NX_SUCCESS), (50, "waiter", (NX_NO_RESPONSE, None)),
                       (50, "waiter", (NX_PTR_ERROR, POOL_PACKETS, 1))]
    lab.assert_pools_full()


def test_delete_ends_ping_waits_with_no_response_after_the_instance_is_gone() -> None:
    """A waiter (priority 5) pinging a silent host; the deleter (10) deletes A at 50. The
    waiter gets NX_NO_RESPONSE at 50 (counted as a ping timeout), and when it runs the
    instance is already deleted and its pool full."""
    lab = Lab()

    def waiter() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        lab.event("waiter", nx_icmp_ping(a, NOBODY, b"w", 1, 500))
        lab.event("waiter", (nx_ip_info_get(a)[0], nx_packet_pool_info_get(lab.pool["A"])[2],
                             a.nx_ip_ping_timeouts))

    def deleter() -> None:
        tx_thread_sleep(50)
        lab.event("deleter", nx_ip_delete(lab.ip["A"]))

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("waiter", waiter, priority=5)
        lab.thread("deleter", deleter, priority=10)

    lab.run(setup)
    assert lab.log == [(50, "waiter", (NX_NO_RESPONSE, None)), (50, "waiter", (NX_PTR_ERROR, POOL_PACKETS, 1)),
                       (50, "deleter", NX_SUCCESS)]
    lab.assert_pools_full()


# ============================================================================ receive path
def test_bad_ip_checksum_dropped_and_counted() -> None:
    """A fault callback damages the header checksum of A's echo request on the wire: B's
    IPv4 receive drops it (invalid, checksum error, dropped) and A's ping times out."""
    def damage(frame: Any) -> bytes | None:
        if frame.ethertype == ETHERTYPE_IPV4 and frame.src == slot_mac(0):
            data = bytearray(frame.data)
            data[24] ^= 0xFF  # high byte of the IPv4 header checksum
            return bytes(data)
        return None

    lab = Lab(faults=LinkFaults(on_frame=damage))

    def app() -> None:
        tx_thread_sleep(10)
        lab.event("app", nx_icmp_ping(lab.ip["A"], B_ADDR, b"bad", 3, 20))
        lab.event("app", info_counters(lab, "B"))

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(30, "app", (NX_NO_RESPONSE, None)),
                       (30, "app", counters(received=1, invalid=1, dropped=1, checksum_errors=1))]
    ip_records = [(fate, frame) for _, _, frame, fate in lab.wire_log() if frame[12:14] == b"\x08\x00"]
    assert [fate for fate, _ in ip_records] == ["replaced", "delivered"]  # as sent, then as received
    assert verify_ipv4_checksum(ip_records[0][1][14:34]) and not verify_ipv4_checksum(ip_records[1][1][14:34])
    assert lab.ip["B"].nx_ip_pings_received == 0
    lab.assert_pools_full()


def test_receive_path_drops_and_trims() -> None:
    """Crafted frames from a bare station to A, counters read after each: a truncated
    datagram and a bad version are invalid; a datagram for another address and a
    fragment are dropped; an echo request with 18 bytes of link padding is trimmed to its total length and
    answered (the reply carries no padding and valid checksums)."""
    lab = Lab()
    received: list[tuple[int, bytes]] = []
    request = IcmpEcho(8, 0x77, 5, b"pad me")

    def app() -> None:
        raw = lab.raw_station(received)
        a_mac = slot_mac(0)

        def send(frame: bytes) -> None:
            raw.transmit(frame)  # A's IP thread (priority 1) has processed it when this returns
            lab.event("app", info_counters(lab, "A"))

        tx_thread_sleep(10)
        good = echo_frame(a_mac, RAW_MAC, RAW_ADDR, A_ADDR, 9, request)
        truncated = bytearray(good)
        truncated[16:18] = (100).to_bytes(2, "big")        # says 100 bytes, carries 34
        truncated[24:26] = b"\0\0"
        truncated[24:26] = internet_checksum(truncated[14:34]).to_bytes(2, "big")
        send(bytes(truncated))
        bad_version = bytearray(good)
        bad_version[14] = 0x65
        send(bytes(bad_version))
        send(echo_frame(a_mac, RAW_MAC, RAW_ADDR, IP_ADDRESS(1, 2, 3, 200), 10, request))
        # A first fragment: dropped (fragment assembly is not enabled), but counted in
        # fragments_received (also checked by the test below).
        raw.transmit(echo_frame(a_mac, RAW_MAC, RAW_ADDR, A_ADDR, 11, request, flags=1))
        a = lab.ip["A"]
        lab.event("app", (a.nx_ip_total_packets_received, a.nx_ip_invalid_packets, a.nx_ip_receive_packets_dropped,
                          a.nx_ip_icmp_total_messages_received))
        raw.transmit(who_has(RAW_MAC, RAW_ADDR, A_ADDR))     # let A learn the station's MAC
        send(good + b"\xee" * 18)

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.thread("app", app)

    lab.run(setup)
    size = 8 + len(request.data)
    assert lab.log == [
        (10, "app", counters(received=1, invalid=1, dropped=1)),
        (10, "app", counters(received=2, invalid=2, dropped=2)),
        (10, "app", counters(received=3, invalid=2, dropped=3)),
        (10, "app", (4, 2, 4, 0)),
        (10, "app", counters(received=5, bytes_received=size, invalid=2, dropped=4, sent=1, bytes_sent=size,
                             fragments_received=1)),
    ]
    reply = echo_frame(RAW_MAC, slot_mac(0), A_ADDR, RAW_ADDR, 1, request.reply())
    assert received == [(10, is_at(slot_mac(0), A_ADDR, RAW_MAC, RAW_ADDR)), (10, reply)]
    dpkt_ip_checks(reply)
    lab.assert_pools_full()


def test_fragments_dropped_and_counted_as_fragments_received() -> None:
    """Fragment assembly is not enabled: a first fragment (MF) and a later one (offset) are
    dropped, each counted in total_fragments_received and receive_packets_dropped."""
    lab = Lab()

    def app() -> None:
        raw = lab.raw_station([])
        tx_thread_sleep(10)
        first = echo_frame(slot_mac(0), RAW_MAC, RAW_ADDR, A_ADDR, 3, IcmpEcho(8, 1, 1, bytes(16)), flags=1)
        later = echo_frame(slot_mac(0), RAW_MAC, RAW_ADDR, A_ADDR, 3, IcmpEcho(8, 1, 1, bytes(16)),
                           fragment_offset=3)
        raw.transmit(first)
        raw.transmit(later)
        lab.event("app", info_counters(lab, "A"))

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(10, "app", counters(received=2, dropped=2, fragments_received=2))]
    lab.assert_pools_full()


def test_header_only_datagram_is_invalid() -> None:
    lab = Lab()

    def app() -> None:
        raw = lab.raw_station([])
        tx_thread_sleep(10)
        header = Ipv4Header(RAW_ADDR, A_ADDR, IP_PROTO_ICMP, identification=4).pack(0)
        raw.transmit(build_ethernet_frame(slot_mac(0), RAW_MAC, ETHERTYPE_IPV4, header))
        lab.event("app", info_counters(lab, "A"))

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(10, "app", counters(received=1, invalid=1, dropped=1))]
    lab.assert_pools_full()


def test_datagram_for_a_protocol_not_enabled_is_dropped_uncounted() -> None:
    lab = Lab()

    def app() -> None:
        raw = lab.raw_station([])
        tx_thread_sleep(10)
        udp = bytes.fromhex("04d2 0035 000c 0000") + b"abcd"
        header = Ipv4Header(RAW_ADDR, A_ADDR, 17, identification=4).pack(len(udp))
        raw.transmit(build_ethernet_frame(slot_mac(0), RAW_MAC, ETHERTYPE_IPV4, header + udp))
        lab.event("app", info_counters(lab, "A"))

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(10, "app", counters(received=1, dropped=1))]
    lab.assert_pools_full()
