"""The NetX IP instance: ``NX_IP`` and its helper thread (``nx_ip_create.c``,
``nx_ip_thread_entry.c``); the IPv4 send and receive paths are in
:mod:`netxsim.nx.ip_packet` and the instance's other services in
:mod:`netxsim.nx.ip_services`, both re-exported here.

Theory of operation
-------------------
``nx_ip_create`` creates the IP mutex (no priority inheritance), the event flags
group, the IP helper thread (auto-started, time slice 1) and a periodic timer that
sets NX_IP_PERIODIC_EVENT every NX_IP_PERIODIC_RATE ticks. When the helper thread
first runs it takes the mutex and calls the driver with ATTACH, INITIALIZE and
ENABLE; then it loops: release the mutex, wait for any event (OR_CLEAR, forever),
retake the mutex and handle the events in NetX's fixed order.

Transmission runs in the caller's thread: the IPv4 header is added, the
destination classified (broadcast, own address, multicast, ARP next hop) and the
driver called synchronously. Reception is deferred: the driver queues the packet
(``_nx_ip_packet_deferred_receive``) and sets NX_IP_RECEIVE_EVENT; the IP thread
verifies the header and dispatches by protocol through the handlers that
``nx_arp_enable``, ``nx_icmp_enable`` and ``nx_tcp_enable`` install.

NetX's own calls go to the ThreadX cores (NetX is built without ThreadX error
checking) and its internal timers and thread do not keep a run alive.
"""
from __future__ import annotations

import struct
from functools import partial
from typing import Any, Callable

from netxsim.tx.memory import c_string
from netxsim.boundary import c_service, control_block, memset_control_block
from netxsim.tx.constants import (
    TX_AUTO_START, TX_EVENT_FLAG, TX_NO_ACTIVATE, TX_NO_INHERIT, TX_OR, TX_OR_CLEAR, TX_SUCCESS,
    TX_WAIT_FOREVER,
)
from netxsim.tx.event_flags import (TX_EVENT_FLAGS_GROUP, _tx_event_flags_create, _tx_event_flags_get,
                                    _tx_event_flags_set)
from netxsim.tx.kernel import kernel
from netxsim.tx.quiet import register_quiet_timer
from netxsim.tx.quiet_cohort import register_dormant_objects
from netxsim.tx.memory import Pointer
from netxsim.tx.mutex import TX_MUTEX, _tx_mutex_create, _tx_mutex_get, _tx_mutex_put
from netxsim.tx.sizeof import register_size
from netxsim.tx.thread import (TX_THREAD, _tx_thread_create, _tx_thread_preemption_change,
                               _tx_thread_sleep, tx_thread_identify)
from netxsim.tx.timer import TX_TIMER, _tx_timer_activate, _tx_timer_create

from netxsim.tx.config import legacy_switches

from .ip_stacks import _StackIndex, bound_address
from .config import (
    NxConfig, nx_init_and_threads_caller_error, nx_ip_periodic_rate, nx_service, nx_threads_only_caller_error,
)
from .constants import (
    NX_CALLER_ERROR, NX_DUPLICATED_ENTRY, NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_NO_MORE_ENTRIES,
    NX_NOT_SUCCESSFUL, NX_NOT_SUPPORTED,
    NX_UNHANDLED_COMMAND,
    NX_OPTION_ERROR, NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS, NX_WAIT_FOREVER,
    NX_SOCKETS_BOUND,
)
from .driver import (
    NX_IP_DRIVER, NX_LINK_DISABLE, NX_LINK_ENABLE, NX_LINK_GET_STATUS, NX_LINK_INITIALIZE, NX_LINK_INTERFACE_ATTACH,
    NX_LINK_UNINITIALIZE,
)
from .packet import NX_PACKET, NX_PACKET_POOL
from .system import IP_COMPONENT, register_system_component
from ..tx import trace as _trace
from . import trace as _nxt

NX_IP_ID = 0x49502020
SIZEOF_NX_IP = 4796  # not modelled byte for byte; a placeholder large enough for C ports
# NX_MAX_PHYSICAL_INTERFACES is a build option (NxConfig; the module name is a view of
# the build in force). An IP instance has that many physical interface slots and the
# loopback interface after them: NX_LOOPBACK_INTERFACE (1) is the default build's index,
# ``ip.nx_ip_interface[-1]`` an instance's own.
NX_LOOPBACK_INTERFACE = 1

# Interface capability flags (nx_api.h), with NX_ENABLE_INTERFACE_CAPABILITY.
NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM = 0x00000001
NX_INTERFACE_CAPABILITY_IPV4_RX_CHECKSUM = 0x00000002
NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM = 0x00000004
NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM = 0x00000008
NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM = 0x00000010
NX_INTERFACE_CAPABILITY_UDP_RX_CHECKSUM = 0x00000020
NX_INTERFACE_CAPABILITY_ICMPV4_TX_CHECKSUM = 0x00000040
NX_INTERFACE_CAPABILITY_ICMPV4_RX_CHECKSUM = 0x00000080
NX_INTERFACE_CAPABILITY_ICMPV6_RX_CHECKSUM = 0x00000100
NX_INTERFACE_CAPABILITY_ICMPV6_TX_CHECKSUM = 0x00000200
NX_INTERFACE_CAPABILITY_IGMP_TX_CHECKSUM = 0x00000400
NX_INTERFACE_CAPABILITY_IGMP_RX_CHECKSUM = 0x00000800
NX_INTERFACE_CAPABILITY_PTP_TIMESTAMP = 0x00001000
NX_INTERFACE_CAPABILITY_TCPIP_OFFLOAD = 0x00002000
NX_INTERFACE_CAPABILITY_CHECKSUM_ALL = 0x00000FFF


def tx_checksum_offloaded(interface: Any, flag: int, destination: int) -> bool:
    """True when the stack leaves a checksum for the driver (NX_ENABLE_INTERFACE_CAPABILITY:
    ``flag`` set on the outgoing interface). A datagram to the interface's own address
    is looped back, where NetX fills in the offloaded checksums
    (nx_ip_driver_packet_send.c): computing them at once gives the same result."""
    return bool(interface.nx_interface_capability_flag & flag) \
        and destination != interface.nx_interface_ip_address
NX_INIT_PACKET_ID = 1
NX_IP_STATUS_CHECK_WAIT_TIME = 1

# Event bits of nx_ip_events (nx_ip.h).
NX_IP_PERIODIC_EVENT = 0x001
NX_IP_UNFRAG_EVENT = 0x002
NX_IP_ICMP_EVENT = 0x004
NX_IP_RECEIVE_EVENT = 0x008
NX_IP_ARP_REC_EVENT = 0x010
NX_IP_RARP_REC_EVENT = 0x020
NX_IP_IGMP_EVENT = 0x040
NX_IP_TCP_EVENT = 0x080
NX_IP_FAST_EVENT = 0x100
NX_IP_DRIVER_PACKET_EVENT = 0x200
NX_IP_IGMP_ENABLE_EVENT = 0x400
NX_IP_DRIVER_DEFERRED_EVENT = 0x800
NX_IP_TCP_CLEANUP_DEFERRED = 0x1000
NX_IP_LINK_STATUS_EVENT = 0x4000
NX_IP_ALL_EVENTS = 0xFFFFFFFF

# nx_ip_status_check / nx_ip_interface_status_check bits.
NX_IP_INITIALIZE_DONE = 0x0001
NX_IP_ADDRESS_RESOLVED = 0x0002
NX_IP_LINK_ENABLED = 0x0004
NX_IP_ARP_ENABLED = 0x0008
NX_IP_UDP_ENABLED = 0x0010
NX_IP_TCP_ENABLED = 0x0020
NX_IP_IGMP_ENABLED = 0x0040
NX_IP_RARP_COMPLETE = 0x0080
NX_IP_INTERFACE_LINK_ENABLED = 0x0100
_ALL_STATUS_BITS = 0x01FF

# Header encodings as NetX passes them to _nx_ip_packet_send (already shifted).
NX_IP_VERSION = 0x45000000
NX_IP_NORMAL = 0x00000000
NX_IP_MIN_DELAY = 0x00100000
NX_IP_MAX_DATA = 0x00080000
NX_IP_MAX_RELIABLE = 0x00040000
NX_IP_MIN_COST = 0x00020000
NX_IP_TOS_MASK = 0x00FF0000
NX_IP_TIME_TO_LIVE = 0x00000080
NX_IP_TIME_TO_LIVE_SHIFT = 24
NX_FRAGMENT_OKAY = 0x00000000
NX_DONT_FRAGMENT = 0x00004000
NX_MORE_FRAGMENTS = 0x00002000
NX_FRAG_OFFSET_MASK = 0x00001FFF
NX_IP_ICMP = 0x00010000
NX_IP_IGMP = 0x00020000
NX_IP_TCP = 0x00060000
NX_IP_UDP = 0x00110000
NX_IP_PROTOCOL_MASK = 0x00FF0000
NX_IP_CLASS_A_MASK = 0x80000000
NX_IP_CLASS_A_TYPE = 0x00000000
NX_IP_CLASS_B_MASK = 0xC0000000
NX_IP_CLASS_B_TYPE = 0x80000000
NX_IP_CLASS_C_MASK = 0xE0000000
NX_IP_CLASS_C_TYPE = 0xC0000000
NX_IP_CLASS_D_MASK = 0xF0000000
NX_IP_CLASS_D_TYPE = 0xE0000000
NX_IP_LIMITED_BROADCAST = 0xFFFFFFFF
NX_IP_LOOPBACK_FIRST = 0x7F000000
NX_IP_LOOPBACK_LAST = 0x7FFFFFFF
NX_IP_MULTICAST_UPPER = 0x00000100
NX_IP_MULTICAST_LOWER = 0x5E000000
NX_IP_MULTICAST_MASK = 0x007FFFFF

_IPV4_HEADER = 20
_KIND = "ip"
# The IPv4 header as (version/IHL, TOS, total length, ID, flags/offset, TTL, protocol,
# checksum, source, destination): one pack on send, one unpack on receive.
_IPV4 = struct.Struct("!BBHHHBBHII")


def IP_ADDRESS(a: int, b: int, c: int, d: int) -> int:
    """``IP_ADDRESS(a, b, c, d)``: the ULONG IPv4 address."""
    return ((a & 0xFF) << 24) | ((b & 0xFF) << 16) | ((c & 0xFF) << 8) | (d & 0xFF)


class NX_INTERFACE:
    """``NX_INTERFACE``: one interface of an IP instance (C field names)."""

    def __init__(self, index: int) -> None:
        self.nx_interface_name = ""
        self.nx_interface_valid = 0
        self.nx_interface_index = index
        self.nx_interface_ip_instance: NX_IP | None = None
        self.nx_interface_ip_address = 0
        self.nx_interface_ip_network_mask = 0
        self.nx_interface_ip_network = 0
        self.nx_interface_link_up = 0
        self.nx_interface_link_status_change = 0
        self.nx_interface_address_mapping_needed = 0
        self.nx_interface_ip_mtu_size = 0
        self.nx_interface_physical_address_msw = 0
        self.nx_interface_physical_address_lsw = 0
        self.nx_interface_link_driver_entry: Callable[[NX_IP_DRIVER], None] | None = None
        self.nx_interface_additional_link_info: Any = None
        self.nx_interface_capability_flag = 0

    def __repr__(self) -> str:
        return f"<NX_INTERFACE {self.nx_interface_name!r} {_dotted(self.nx_interface_ip_address)}>"


@control_block
class NX_IP:
    """``NX_IP`` control block: the IP instance with its thread, mutex, events and queues.

    Protocol handlers (``nx_ip_arp_*``, ``nx_ip_icmp_*``, ``nx_ip_tcp_*``) are None until
    the protocol's enable service installs them, as NetX's function pointers are.
    """

    def __init__(self) -> None:
        self.nx_ip_id = 0
        self.nx_ip_name = ""
        # The NetX build this instance runs (read when it is created).
        self.nx_config = NxConfig.active
        self.nx_ip_interface = [NX_INTERFACE(index)
                                for index in range(self.nx_config.NX_MAX_PHYSICAL_INTERFACES + 1)]
        self.nx_ip_default_packet_pool: NX_PACKET_POOL | None = None
        self.nx_ip_auxiliary_packet_pool: NX_PACKET_POOL | None = None  # NX_ENABLE_DUAL_PACKET_POOL
        self.nx_ip_protection = TX_MUTEX()
        self.nx_ip_events = TX_EVENT_FLAGS_GROUP()
        self.nx_ip_thread = TX_THREAD()
        self.nx_ip_periodic_timer = TX_TIMER()
        self.nx_ip_packet_id = 0
        self.nx_ip_initialize_done = 0
        self.nx_ip_gateway_address = 0
        self.nx_ip_gateway_interface: NX_INTERFACE | None = None
        self.nx_ip_deferred_received_packets: list[NX_PACKET] = []
        self.nx_ip_arp_deferred_queue: list[NX_PACKET] = []
        self.nx_ip_icmp_queue: list[NX_PACKET] = []
        self.nx_ip_tcp_queue: list[NX_PACKET] = []
        # Protocol handlers installed by the enable services.
        self.nx_ip_arp_periodic_update: Callable[[NX_IP], None] | None = None
        self.nx_ip_arp_queue_process: Callable[[NX_IP], None] | None = None
        self.nx_ip_arp_resolve: Callable[..., tuple[int, int] | None] | None = None
        self.nx_ip_arp_enabled = 0
        self.nx_ip_icmp_packet_receive: Callable[[NX_IP, NX_PACKET], None] | None = None
        self.nx_ip_icmp_queue_process: Callable[[NX_IP], None] | None = None
        self.nx_ip_tcp_packet_receive: Callable[[NX_IP, NX_PACKET], None] | None = None
        self.nx_ip_tcp_queue_process: Callable[[NX_IP], None] | None = None
        self.nx_ip_tcp_fast_periodic_processing: Callable[[NX_IP], None] | None = None
        self.nx_ip_tcp_periodic_processing: Callable[[NX_IP], None] | None = None
        self.nx_ip_tcp_deferred_cleanup_check: Callable[[NX_IP], None] | None = None
        self.nx_ip_tcp_enabled = 0
        self.nx_ip_udp_enabled = 0
        self.nx_ip_udp_packet_receive: Callable[[NX_IP, NX_PACKET], None] | None = None
        # Counters read by nx_ip_info_get.
        self.nx_ip_total_packets_sent = 0
        self.nx_ip_total_bytes_sent = 0
        self.nx_ip_total_packets_received = 0
        self.nx_ip_total_bytes_received = 0
        self.nx_ip_invalid_packets = 0
        self.nx_ip_receive_packets_dropped = 0
        self.nx_ip_receive_checksum_errors = 0
        self.nx_ip_send_packets_dropped = 0
        self.nx_ip_total_packet_send_requests = 0
        self.nx_ip_invalid_transmit_packets = 0
        self.nx_ip_total_fragment_requests = 0
        self.nx_ip_fragment_failures = 0
        self.nx_ip_total_fragments_received = 0
        self.nx_ip_reassembly_failures = 0
        # Fragmentation (netxsim.nx.fragment): handlers installed by nx_ip_fragment_enable.
        self.nx_ip_fragment_processing: Callable[[NX_IP_DRIVER], None] | None = None
        self.nx_ip_fragment_assembly: Callable[[NX_IP], None] | None = None
        self.nx_ip_fragment_timeout_check: Callable[[NX_IP], None] | None = None
        self.nx_ip_received_fragment_head: NX_PACKET | None = None
        self.nx_ip_received_fragment_tail: NX_PACKET | None = None
        self.nx_ip_fragment_assembly_head: NX_PACKET | None = None
        self.nx_ip_fragment_assembly_tail: NX_PACKET | None = None
        self.nx_ip_total_fragments_sent = 0
        self.nx_ip_successful_fragment_requests = 0
        self.nx_ip_packets_reassembled = 0
        self.nx_ip_total_packets_delivered = 0
        self.nx_ip_transmit_resource_errors = 0
        # netxsim.nx.ip_interface: forwarding, notifications, the auxiliary pool.
        self.nx_ip_forward_packet_process: Callable[[NX_IP, NX_PACKET], None] | None = None
        self.nx_ip_packets_forwarded = 0
        self.nx_ip_address_change_notify: Callable[[NX_IP, Any], None] | None = None
        self.nx_ip_address_change_notify_additional_info: Any = None
        self.nx_ip_link_status_change_callback: Callable[[NX_IP, int, int], None] | None = None
        self.nx_ip_auxiliary_packet_pool: NX_PACKET_POOL | None = None
        self.kernel: Any = None
        self.region: Any = None
        # Each protocol's fields (ARP, ICMP, TCP), zeroed here like the rest of the
        # struct, so that nx_ip_create gives a re-created instance a clean slate.
        for reset in _protocol_state_resets:
            reset(self)

    @property
    def name(self) -> str:
        return self.nx_ip_name

    def __repr__(self) -> str:
        return f"<NX_IP {self.nx_ip_name!r}>"


_protocol_state_resets: list[Callable[["NX_IP"], None]] = []
# Each protocol's "its periodic work would do nothing now" check (see quiet_ip_thread).
_protocol_quiet_checks: list[Callable[["NX_IP"], bool]] = []


def register_quiet_check(check: Callable[["NX_IP"], bool]) -> None:
    """Have the quiet-time shortcut ask ``check(ip)`` whether a protocol's periodic
    processing (fast TCP timer, IP periodic event) would change nothing on ``ip`` now.
    Every protocol with periodic work registers one when imported; a protocol that does
    not would have its periodic work skipped, so a new one must."""
    if check not in _protocol_quiet_checks:
        _protocol_quiet_checks.append(check)


def quiet_ip_thread(ip: "NX_IP") -> Any:
    """(IP helper thread, its event flags, its mutex) when a periodic wake-up of ``ip``
    provably changes nothing but run counts and performance counters (netxsim.tx.quiet):
    the thread waits for events with none pending, the instance's mutex is free, no
    queue holds a packet, and every protocol's periodic work has nothing to do. None
    otherwise."""
    if ip.nx_ip_id != NX_IP_ID:
        return None
    thread = ip.nx_ip_thread
    events = ip.nx_ip_events
    if thread.tx_thread_state != TX_EVENT_FLAG or thread.tx_thread_suspend_control_block is not events \
            or thread.delayed_suspend or events.tx_event_flags_group_current \
            or events.tx_event_flags_group_set_notify is not None \
            or len(events.tx_event_flags_group_suspension_list) != 1:
        return None
    if ip.nx_ip_protection.tx_mutex_owner is not None or ip.nx_ip_deferred_received_packets \
            or ip.nx_ip_arp_deferred_queue or ip.nx_ip_icmp_queue or ip.nx_ip_tcp_queue:
        return None
    if ip.nx_ip_fragment_timeout_check is not None and ip.nx_ip_fragment_assembly_head is not None:
        return None  # a datagram in reassembly counts down on the periodic event
    for check in _protocol_quiet_checks:
        if not check(ip):
            return None
    return thread, events, ip.nx_ip_protection


def _dormant_objects(ip: "NX_IP") -> tuple:
    """Besides its helper thread, event flags and mutex, what a quiet ``ip`` can be
    observed or woken through while its periodic wake-ups are absorbed as a cohort
    (netxsim.tx.quiet_cohort): the instance itself (every service, frame and protocol
    reaches its state through it) and its TCP sockets (which applications hold)."""
    return (ip, *getattr(ip, "nx_ip_tcp_created_sockets", ()))


def register_protocol_state(reset: Callable[["NX_IP"], None]) -> None:
    """Have every ``NX_IP()`` and ``nx_ip_create`` call ``reset(ip)`` to give ``ip`` a
    protocol's zeroed fields (its part of the C struct). Each protocol module (ARP,
    ICMP, TCP) registers one when imported."""
    if reset not in _protocol_state_resets:
        _protocol_state_resets.append(reset)


def _primary_alias(field: str) -> property:
    """nx_api.h's compatibility names for interface 0's fields (``#define nx_ip_address
    nx_ip_interface[0].nx_interface_ip_address`` and the like)."""
    return property(lambda ip: getattr(ip.nx_ip_interface[0], field),
                    lambda ip, value: setattr(ip.nx_ip_interface[0], field, value))


for _alias, _field in (
        ("nx_ip_address", "nx_interface_ip_address"),
        ("nx_ip_driver_mtu", "nx_interface_ip_mtu_size"),
        ("nx_ip_driver_mapping_needed", "nx_interface_address_mapping_needed"),
        ("nx_ip_network_mask", "nx_interface_ip_network_mask"),
        ("nx_ip_network", "nx_interface_ip_network"),
        ("nx_ip_arp_physical_address_msw", "nx_interface_physical_address_msw"),
        ("nx_ip_arp_physical_address_lsw", "nx_interface_physical_address_lsw"),
        ("nx_ip_driver_link_up", "nx_interface_link_up"),
        ("nx_ip_link_driver_entry", "nx_interface_link_driver_entry"),
        ("nx_ip_additional_link_info", "nx_interface_additional_link_info"),
):
    setattr(NX_IP, _alias, _primary_alias(_field))


register_size("NX_IP", SIZEOF_NX_IP)
register_size("NX_INTERFACE", 0)


def _dotted(address: int) -> str:
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _valid_ip(ip: object) -> bool:
    return ip is not None and ip.nx_ip_id == NX_IP_ID


def _created_ips(k: Any) -> list[NX_IP]:
    return k.created.setdefault(_KIND, [])


def _reset_created_ips(k: Any) -> None:
    k.created[_KIND] = []


def _stack_index(k: Any) -> _StackIndex:
    created = _created_ips(k)
    index = getattr(k, "nx_ip_stack_index", None)
    if index is None or index.created is not created or index.count != len(created):
        index = k.nx_ip_stack_index = _StackIndex(created)
    return index


register_system_component(IP_COMPONENT, _reset_created_ips)


# ------------------------------------------------------------------------- helpers
def ip_event_set(ip: NX_IP, bits: int) -> None:
    """Set events for the IP thread (``tx_event_flags_set(&ip->nx_ip_events, bits, TX_OR)``)."""
    _tx_event_flags_set(ip.nx_ip_events, bits, TX_OR)


def ip_thread_is_current(ip: NX_IP) -> bool:
    """Whether the caller is this instance's IP helper thread."""
    return ip.kernel is not None and ip.kernel.current_ptr is ip.nx_ip_thread


def ip_driver_request(ip: NX_IP, interface: NX_INTERFACE, command: int, packet: NX_PACKET | None = None,
                      msw: int = 0, lsw: int = 0) -> NX_IP_DRIVER:
    """Build an ``NX_IP_DRIVER`` request and call the interface's driver synchronously."""
    request = NX_IP_DRIVER()
    request.nx_ip_driver_ptr = ip
    request.nx_ip_driver_command = command
    request.nx_ip_driver_interface = interface
    request.nx_ip_driver_packet = packet
    request.nx_ip_driver_physical_address_msw = msw
    request.nx_ip_driver_physical_address_lsw = lsw
    request.nx_ip_driver_return_ptr = [0]
    driver = interface.nx_interface_link_driver_entry
    assert driver is not None
    driver(request)
    return request


def _prepend(packet: NX_PACKET, data: bytes) -> None:
    """Write ``data`` in front of the packet's current first byte."""
    packet._prepend -= len(data)
    packet._mem.write(packet._prepend, data)
    packet.nx_packet_length += len(data)


# ------------------------------------------------------------------------- create
def _nx_ip_create(ip: NX_IP, name: str, ip_address: int, network_mask: int,
                  default_pool: NX_PACKET_POOL, ip_link_driver: Callable[[NX_IP_DRIVER], None],
                  memory_ptr: Pointer, memory_size: int, priority: int) -> int:
    """``nx_ip_create``: create an IP instance on interface 0 with ``ip_link_driver``; its
    helper thread (priority ``priority``, stack ``memory_ptr``/``memory_size``) starts the
    driver when it first runs.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (bad pointers, pool not
    created, IP already created, stack overlapping another IP thread's stack),
    NX_SIZE_ERROR (stack below TX_MINIMUM_STACK), NX_OPTION_ERROR (priority >= 32),
    NX_IP_ADDRESS_ERROR (a non-zero address that is not class A, B or C), NX_CALLER_ERROR.
    """
    k = kernel()
    # NetX zeroes the whole control block, protocol state included (an ARP cache of an
    # earlier life of this instance in this run gives its memory back first).
    k.memory.release(ip.__dict__.get("nx_ip_arp_cache_region"))
    memset_control_block(ip)
    ip.kernel = k
    ip.nx_ip_name = c_string(name)
    primary = ip.nx_ip_interface[0]
    primary.nx_interface_valid = 1
    primary.nx_interface_ip_address = ip_address
    primary.nx_interface_ip_network_mask = network_mask
    primary.nx_interface_ip_network = ip_address & network_mask
    primary.nx_interface_link_driver_entry = ip_link_driver
    primary.nx_interface_name = "PRI"
    loopback = ip.nx_ip_interface[-1]   # index NX_MAX_PHYSICAL_INTERFACES
    loopback.nx_interface_name = "Internal IP Loopback"
    loopback.nx_interface_valid = 1
    loopback.nx_interface_ip_address = 0x7F000001
    loopback.nx_interface_ip_network_mask = 0xFF000000
    loopback.nx_interface_ip_network = 0x7F000000
    loopback.nx_interface_ip_mtu_size = 65535
    loopback.nx_interface_link_up = 1
    for interface in ip.nx_ip_interface:
        interface.nx_interface_ip_instance = ip
    ip.nx_ip_packet_id = NX_INIT_PACKET_ID
    ip.nx_ip_default_packet_pool = default_pool
    if ip.nx_config.NX_ENABLE_DUAL_PACKET_POOL:
        ip.nx_ip_auxiliary_packet_pool = default_pool   # until nx_ip_auxiliary_packet_pool_set
    _tx_mutex_create(ip.nx_ip_protection, ip.nx_ip_name, TX_NO_INHERIT)
    _tx_event_flags_create(ip.nx_ip_events, ip.nx_ip_name)
    # NetX lifts the creator to the IP priority so the new thread cannot run before
    # the instance is complete.
    current = tx_thread_identify()
    old_threshold = 0
    if current is not None:
        # A creator more urgent than the IP thread cannot take this threshold; the C
        # then "restores" its zero-initialised old value, leaving threshold 0.
        status, old = _tx_thread_preemption_change(current, priority)
        old_threshold = old if status == TX_SUCCESS else 0
    _tx_thread_create(ip.nx_ip_thread, ip.nx_ip_name, lambda _: _ip_thread_entry(ip), 0,
                      memory_ptr, memory_size, priority, priority, 1, TX_AUTO_START)
    k.application_threads.remove(ip.nx_ip_thread)  # NetX's own thread keeps no run alive
    _tx_timer_create(ip.nx_ip_periodic_timer, ip.nx_ip_name, lambda _: ip_event_set(ip, NX_IP_PERIODIC_EVENT),
                     0, nx_ip_periodic_rate(), nx_ip_periodic_rate(), TX_NO_ACTIVATE)
    ip.nx_ip_periodic_timer.tx_timer_internal.keeps_alive = False
    _tx_timer_activate(ip.nx_ip_periodic_timer)
    ip._quiet_probe = partial(quiet_ip_thread, ip)
    register_quiet_timer(k, ip.nx_ip_periodic_timer, ip._quiet_probe)
    register_dormant_objects(k, ip._quiet_probe, partial(_dormant_objects, ip))
    ip.nx_ip_id = NX_IP_ID
    ip._netxsim_run = k.serial
    created = _created_ips(k)
    index = getattr(k, "nx_ip_stack_index", None)
    if index is not None and index.created is created and index.count == len(created):
        index.add(ip)   # else rebuilt when next asked
    created.append(ip)
    tb = _trace.active
    if tb is not None:
        tb.register(_nxt.NX_TRACE_OBJECT_TYPE_IP, ip, ip.nx_ip_name, memory_ptr, memory_size)
        tb.insert(_nxt.NX_TRACE_IP_CREATE, ip, ip_address, network_mask, default_pool,
                  _nxt.NX_TRACE_IP_EVENTS)
    if current is not None:
        _tx_thread_preemption_change(current, old_threshold)
    return NX_SUCCESS


def _nxe_ip_create(ip: NX_IP, name: str, ip_address: int, network_mask: int,
                   default_pool: NX_PACKET_POOL, ip_link_driver: Callable[[NX_IP_DRIVER], None],
                   memory_ptr: Pointer, memory_size: int, priority: int) -> int:
    k = kernel()
    from .packet import _valid_pool
    if ip is None or not _valid_pool(default_pool) or ip_link_driver is None \
            or not isinstance(memory_ptr, Pointer):
        return NX_PTR_ERROR
    if memory_size < 200:
        return NX_SIZE_ERROR
    if not 0 <= priority < 32:
        return NX_OPTION_ERROR
    address = memory_ptr.address
    end = address + memory_size - 1
    created = _created_ips(k)
    index = _stack_index(k)
    # Only when the new stack's first or last byte may fall in a listed stack, or the
    # instance is listed already, is the created list walked (the C's check, exact).
    if ip not in created and not index.may_hold(address) and not index.may_hold(end):
        created = ()
    for other in created:
        stack = other.nx_ip_thread
        start, stop = bound_address(stack.tx_thread_stack_start), bound_address(stack.tx_thread_stack_end)
        if other is ip or start <= address < stop or start <= end < stop:
            return NX_PTR_ERROR
    if ip_address != 0 and (ip_address & NX_IP_CLASS_A_MASK) != NX_IP_CLASS_A_TYPE \
            and (ip_address & NX_IP_CLASS_B_MASK) != NX_IP_CLASS_B_TYPE \
            and (ip_address & NX_IP_CLASS_C_MASK) != NX_IP_CLASS_C_TYPE:
        return NX_IP_ADDRESS_ERROR
    if nx_init_and_threads_caller_error(k):
        return NX_CALLER_ERROR
    return _nx_ip_create(ip, name, ip_address, network_mask, default_pool, ip_link_driver,
                         memory_ptr, memory_size, priority)


nx_ip_create = c_service(
    "UINT nx_ip_create(NX_IP *ip_ptr, CHAR *name, ULONG ip_address, ULONG network_mask, NX_PACKET_POOL *default_pool, VOID (*ip_link_driver)(NX_IP_DRIVER *driver_req), VOID *memory_ptr, ULONG memory_size, UINT priority)",
    nx_service(_nxe_ip_create, _nx_ip_create))


# ------------------------------------------------------------------- helper thread
def _ip_thread_entry(ip: NX_IP) -> None:
    """``_nx_ip_thread_entry``: start the drivers, then serve events forever."""
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    ip.nx_ip_initialize_done = 1
    for interface in ip.nx_ip_interface[:-1]:
        if interface.nx_interface_valid and interface.nx_interface_link_driver_entry is not None:
            interface.nx_interface_link_up = 1
            for command in (NX_LINK_INTERFACE_ATTACH, NX_LINK_INITIALIZE, NX_LINK_ENABLE):
                tb = _trace.active
                if tb is not None and command != NX_LINK_INTERFACE_ATTACH:
                    tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_INITIALIZE if command == NX_LINK_INITIALIZE
                              else _nxt.NX_TRACE_INTERNAL_IO_DRIVER_LINK_ENABLE, ip, 0, 0, 0,
                              _nxt.NX_TRACE_INTERNAL_EVENTS)
                ip_driver_request(ip, interface, command)
    protection, flags = ip.nx_ip_protection, ip.nx_ip_events
    queue = ip.nx_ip_deferred_received_packets
    while True:
        _tx_mutex_put(protection)
        _, events = _tx_event_flags_get(flags, NX_IP_ALL_EVENTS, TX_OR_CLEAR, TX_WAIT_FOREVER)
        _tx_mutex_get(protection, TX_WAIT_FOREVER)
        if events == NX_IP_RECEIVE_EVENT:
            # Received packets only (the usual wake-up): _ip_events_process's first step.
            while queue:
                _nx_ip_packet_receive(ip, queue.pop(0))
        else:
            _ip_events_process(ip, events)


def _ip_events_process(ip: NX_IP, events: int) -> None:
    """The handlers of one wake-up, in NetX's order."""
    if events & NX_IP_RECEIVE_EVENT:
        queue = ip.nx_ip_deferred_received_packets
        while queue:
            _nx_ip_packet_receive(ip, queue.pop(0))
    if events & NX_IP_TCP_EVENT and ip.nx_ip_tcp_queue_process is not None:
        ip.nx_ip_tcp_queue_process(ip)
    if events & NX_IP_FAST_EVENT and ip.nx_ip_tcp_fast_periodic_processing is not None:
        ip.nx_ip_tcp_fast_periodic_processing(ip)
    if events & NX_IP_PERIODIC_EVENT:
        if ip.nx_ip_arp_periodic_update is not None:
            ip.nx_ip_arp_periodic_update(ip)
        if ip.nx_ip_fragment_timeout_check is not None:
            ip.nx_ip_fragment_timeout_check(ip)
        if ip.nx_ip_tcp_periodic_processing is not None:
            ip.nx_ip_tcp_periodic_processing(ip)
    if events & NX_IP_ARP_REC_EVENT and ip.nx_ip_arp_queue_process is not None:
        ip.nx_ip_arp_queue_process(ip)
    if events & NX_IP_UNFRAG_EVENT and ip.nx_ip_fragment_assembly is not None:
        ip.nx_ip_fragment_assembly(ip)
    if events & NX_IP_ICMP_EVENT and ip.nx_ip_icmp_queue_process is not None:
        ip.nx_ip_icmp_queue_process(ip)
    if events & NX_IP_TCP_CLEANUP_DEFERRED and ip.nx_ip_tcp_deferred_cleanup_check is not None:
        ip.nx_ip_tcp_deferred_cleanup_check(ip)
    if events & NX_IP_LINK_STATUS_EVENT:
        from .ip_interface import _nx_ip_deferred_link_status_process
        _nx_ip_deferred_link_status_process(ip)


# The send and receive paths live in ip_packet (which imports the names above).
from .ip_packet import (  # noqa: E402,F401
    _nx_ip_route_find, _nx_ip_header_add, _nx_ip_packet_send, _new_request, _nx_ip_driver_packet_send,
    _fragment_send, _count_sent, _loopback, _nx_ip_packet_deferred_receive, _nx_ip_packet_receive,
    _accepts, _trim, _release_chain_tail, _drop_invalid,
)


# The instance's other services live in ip_services (which imports the names above).
from .ip_services import (  # noqa: E402
    _nx_ip_address_get, _nx_ip_address_set, _nx_ip_auxiliary_packet_pool_set, _nx_ip_delete,
    _nx_ip_gateway_address_set, _nx_ip_info_get, _nx_ip_interface_attach, _nx_ip_interface_capability_get,
    _nx_ip_interface_capability_set, _nx_ip_interface_status_check, _nx_ip_status_check, _nxe_ip_address_get,
    _nxe_ip_address_set, _nxe_ip_auxiliary_packet_pool_set, _nxe_ip_delete, _nxe_ip_gateway_address_set,
    _nxe_ip_info_get, _nxe_ip_interface_attach, _nxe_ip_interface_capability_get,
    _nxe_ip_interface_capability_set, _nxe_ip_interface_status_check, _nxe_ip_status_check, _status_bits,
    nx_ip_address_get, nx_ip_address_set, nx_ip_auxiliary_packet_pool_set, nx_ip_delete,
    nx_ip_gateway_address_set, nx_ip_info_get, nx_ip_interface_attach, nx_ip_interface_capability_get,
    nx_ip_interface_capability_set, nx_ip_interface_status_check, nx_ip_status_check,
)


legacy_switches(__name__, "NX_MAX_PHYSICAL_INTERFACES")

__all__ = [name for name in dir() if name.startswith(("NX_IP", "nx_ip_", "_nx_ip_", "NX_INTERFACE"))] + [
    "IP_ADDRESS", "NX_IP", "NX_INTERFACE", "NX_FRAGMENT_OKAY", "NX_DONT_FRAGMENT", "NX_MORE_FRAGMENTS",
    "NX_LOOPBACK_INTERFACE", "NX_MAX_PHYSICAL_INTERFACES", "ip_event_set", "ip_thread_is_current",
    "ip_driver_request",
]
