"""NetX ARP: the ``NX_ARP`` cache entry and the ``nx_arp_*`` services
(netxduo ``common/src/nx_arp_*.c``; checks in ``nxe_arp_*.c``).

Theory of operation
-------------------
The cache is the C one, pointer for pointer. ``nx_arp_enable`` cuts the caller's memory
into ``size // 52`` entries (``sizeof(NX_ARP)`` on the 32-bit target), all linked into the
circular *dynamic pool list* (``nx_arp_pool_next/previous``) headed by
``ip.nx_ip_arp_dynamic_list``. An entry in use is also on one of 32 circular *active
lists* (``nx_arp_active_next/previous``), the hash buckets ``ip.nx_ip_arp_table[(ip +
(ip >> 8)) & 31]``; ``nx_arp_active_list_head`` says which bucket (C's ``NX_ARP **``,
here a ``(table, index)`` pair). Static entries leave the dynamic pool for the static
list ``ip.nx_ip_arp_static_list``.

Allocation (``_nx_arp_entry_allocate``) takes the *last* entry of the dynamic pool (the
least recently allocated), frees it first if it was active (its queued packets are
transmit-released), appends it to the bucket and moves it to the *front* of the pool.
So active dynamic entries sit at the front of the pool, and the periodic update and
the find services walk only the first ``nx_ip_arp_dynamic_active_count`` entries. Every
quirk of the C walks (an entry given up is moved to the end of the pool, so the walk
of that periodic event wraps to the front and may skip the next entry; a dynamic entry
deleted with ``nx_arp_entry_delete`` keeps its place in the pool) follows from keeping
the same links.

Packets waiting for resolution are chained through ``nx_packet_queue_next`` from
``nx_arp_packets_waiting`` as in C, at most ``NX_ARP_MAX_QUEUE_DEPTH`` (4): a fifth
pushes the oldest out.

Contexts: the send-path hook (``nx_ip_arp_resolve``) runs in whatever thread sends;
received ARP frames are queued by the driver (``_nx_arp_packet_deferred_receive``) and
processed by the IP thread (``nx_ip_arp_queue_process``), which also runs the periodic
update every NX_IP_PERIODIC_RATE ticks. Resolution flushes the queue in the IP thread
with NX_LINK_PACKET_SEND.

Simulation notes: the target is little-endian, so, as in C, a received ARP message has
its words 1-6 byte-swapped in place while it is processed (only visible to a gratuitous
ARP response handler, which gets the packet in that state). The IP-conflict defence
(``nx_interface_arp_defend_timeout``) and the conflict-notify handler are kept; address
probing (``nx_arp_probe_send``) is not modelled (an interface's probe address reads 0).
The entries are Python objects; the cache memory is claimed in simulated RAM (and
cleared) so overlaps are caught, and given back when the instance is created again.

Deviations: the core ``_nx_arp_enable`` answers NX_SIZE_ERROR for memory holding no
entry (C would corrupt memory); the resolve hook receives no fragment option, so a
packet longer than the MTU waiting for ARP is dropped unless the instance has
fragment processing (which is not modelled).
"""
from __future__ import annotations

import struct
from typing import Any, Callable

from netxsim.boundary import c_service
from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.tx.memory import Pointer
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
from netxsim.tx.sizeof import register_size

from . import ip as _ip
from netxsim.tx.config import legacy_switches

from .config import (
    nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error,
)
from .constants import (
    NX_ALREADY_ENABLED, NX_CALLER_ERROR, NX_DUPLICATED_ENTRY, NX_ENTRY_NOT_FOUND, NX_FALSE,
    NX_INVALID_PARAMETERS, NX_IP_ADDRESS_ERROR, NX_NO_MORE_ENTRIES, NX_NO_WAIT, NX_NOT_ENABLED,
    NX_PHYSICAL_HEADER, NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS, NX_TRUE,
)
from .driver import NX_LINK_ARP_RESPONSE_SEND, NX_LINK_ARP_SEND, NX_LINK_PACKET_SEND
from .packet import (
    NX_PACKET, _nx_packet_allocate, _nx_packet_release, _nx_packet_transmit_release, allocate_auxiliary_first,
)
from ..tx import trace as _trace
from . import trace as _nxt

# ----------------------------------------------------------------- configuration (nx_api.h)
# Module-level defaults standing for the C configuration defines; override before use.
# Build options (NxConfig, read through the IP instance's ``nx_config``); these module
# names remain as views of the build in force.
legacy_switches(__name__, "NX_ARP_UPDATE_RATE", "NX_ARP_EXPIRATION_RATE", "NX_ARP_MAXIMUM_RETRIES",
                "NX_ARP_MAX_QUEUE_DEPTH", "NX_ARP_DEFEND_INTERVAL", "NX_DISABLE_ARP_AUTO_ENTRY")

# ------------------------------------------------------------------- constants (nx_arp.h)
NX_ARP_HARDWARE_TYPE = 0x0001
NX_ARP_PROTOCOL_TYPE = 0x0800
NX_ARP_HARDWARE_SIZE = 0x06
NX_ARP_PROTOCOL_SIZE = 0x04
NX_ARP_OPTION_REQUEST = 0x0001
NX_ARP_OPTION_RESPONSE = 0x0002
NX_ARP_MESSAGE_SIZE = 28
NX_ARP_TABLE_SIZE = 32
NX_ARP_TABLE_MASK = NX_ARP_TABLE_SIZE - 1
NX_ROUTE_TABLE_SIZE = NX_ARP_TABLE_SIZE
NX_ROUTE_TABLE_MASK = NX_ARP_TABLE_MASK

SIZEOF_NX_ARP = 52              # gcc -m32 of nx_api.h (88 on 64-bit Linux)
register_size("NX_ARP", SIZEOF_NX_ARP)

# Address classes used by the argument checks (nx_api.h).
_NX_IP_CLASS_D_MASK = 0xF0000000
_NX_IP_CLASS_D_TYPE = 0xE0000000
_NX_IP_LIMITED_BROADCAST = 0xFFFFFFFF
_NX_IP_ID = 0x49502020          # "IP  "
_IPV4_HEADER_SIZE = 20
_ULONG = 0xFFFFFFFF

_MEMORY_KIND = "arp cache"


# ======================================================================== the entry
class NX_ARP:
    """One ARP cache entry (``NX_ARP``), with the C field names.

    ``nx_arp_active_list_head`` is C's ``NX_ARP **``: here ``(table, index)`` of the hash
    bucket the entry is on, or None when it is not active. ``nx_arp_packets_waiting`` is
    the first queued packet (the rest follow ``nx_packet_queue_next``). ``address`` is
    where the entry lives in simulated RAM (inside the ARP cache memory).
    """

    __slots__ = ("nx_arp_route_static", "nx_arp_entry_next_update", "nx_arp_retries",
                 "nx_arp_pool_next", "nx_arp_pool_previous", "nx_arp_active_next",
                 "nx_arp_active_previous", "nx_arp_active_list_head", "nx_arp_ip_address",
                 "nx_arp_physical_address_msw", "nx_arp_physical_address_lsw",
                 "nx_arp_ip_interface", "nx_arp_packets_waiting", "address")

    def __init__(self, address: int = 0) -> None:
        self.nx_arp_route_static = NX_FALSE
        self.nx_arp_entry_next_update = 0
        self.nx_arp_retries = 0
        self.nx_arp_pool_next: NX_ARP = self
        self.nx_arp_pool_previous: NX_ARP = self
        self.nx_arp_active_next: NX_ARP | None = None
        self.nx_arp_active_previous: NX_ARP | None = None
        self.nx_arp_active_list_head: tuple[list, int] | None = None
        self.nx_arp_ip_address = 0
        self.nx_arp_physical_address_msw = 0
        self.nx_arp_physical_address_lsw = 0
        self.nx_arp_ip_interface: Any = None
        self.nx_arp_packets_waiting: NX_PACKET | None = None
        self.address = address

    # Simulation helper (not C API).
    def waiting_packets(self) -> list[NX_PACKET]:
        """The packets queued on this entry, oldest first."""
        packets = []
        packet = self.nx_arp_packets_waiting
        while packet is not None:
            packets.append(packet)
            packet = packet.nx_packet_queue_next
        return packets

    def __repr__(self) -> str:
        address = self.nx_arp_ip_address
        mac = (self.nx_arp_physical_address_msw << 32) | self.nx_arp_physical_address_lsw
        kind = "static" if self.nx_arp_route_static else "dynamic"
        state = "active" if self.nx_arp_active_list_head is not None else "free"
        return (f"<NX_ARP 0x{self.address:08X} {kind} {state} "
                f"{address >> 24 & 255}.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"
                f" {mac:012x} update={self.nx_arp_entry_next_update} retries={self.nx_arp_retries}"
                f" queued={len(self.waiting_packets())}>")


# ========================================================================== helpers
def _hash(ip_address: int) -> int:
    return ((ip_address + (ip_address >> 8)) & _ULONG) & NX_ARP_TABLE_MASK


def _head_get(head: tuple[list, int]) -> "NX_ARP | None":
    table, index = head
    return table[index]


def _head_set(head: tuple[list, int], value: "NX_ARP | None") -> None:
    table, index = head
    table[index] = value


def _count(ip: Any, name: str, amount: int = 1) -> None:
    """Bump one of the IP's statistics counters (created at 0 if ip.py lacks it)."""
    setattr(ip, name, getattr(ip, name, 0) + amount)


_IP_ARP_FIELDS: dict[str, Any] = {
    "nx_ip_arp_static_list": None,
    "nx_ip_arp_dynamic_list": None,
    "nx_ip_arp_dynamic_active_count": 0,
    "nx_ip_arp_total_entries": 0,
    "nx_ip_arp_cache_memory": None,
    "nx_ip_arp_requests_sent": 0,
    "nx_ip_arp_requests_received": 0,
    "nx_ip_arp_responses_sent": 0,
    "nx_ip_arp_responses_received": 0,
    "nx_ip_arp_static_entries": 0,
    "nx_ip_arp_aged_entries": 0,
    "nx_ip_arp_invalid_messages": 0,
    "nx_ip_arp_gratuitous_response_handler": None,
    "nx_ip_arp_allocate": None,
    "nx_ip_arp_packet_send": None,
    "nx_ip_arp_periodic_update": None,
    "nx_ip_arp_queue_process": None,
    "nx_ip_arp_resolve": None,
}


def _arp_fields(ip: Any) -> None:
    """Make sure ``ip`` has ARP's fields (an NX_IP built before this module was loaded)."""
    if "nx_ip_arp_table" not in ip.__dict__:
        _arp_state_reset(ip)


def _arp_state_reset(ip: Any) -> None:
    """ARP's part of NX_IP, zeroed (registered with NX_IP: every create resets it; the
    create gives an earlier cache's memory back first)."""
    ip.nx_ip_arp_cache_region = None
    ip.nx_ip_arp_table = [None] * NX_ARP_TABLE_SIZE
    for name, default in _IP_ARP_FIELDS.items():
        setattr(ip, name, default)
    if not hasattr(ip, "nx_ip_arp_deferred_queue"):
        ip.nx_ip_arp_deferred_queue = []


_ip.register_protocol_state(_arp_state_reset)


def _valid_ip(ip: Any) -> bool:
    """The nxe pointer check: a created IP instance (of the running kernel)."""
    return ip is not None and ip.nx_ip_id == _NX_IP_ID and ip.kernel is kernel()


def _arp_enabled(ip: Any) -> bool:
    _arp_fields(ip)
    return bool(ip.nx_ip_arp_allocate)


def _find_active(ip: Any, index: int, ip_address: int) -> "NX_ARP | None":
    """Search bucket ``index`` for ``ip_address`` (the loop every service repeats)."""
    head = ip.nx_ip_arp_table[index]
    entry = head
    while entry is not None:
        if entry.nx_arp_ip_address == ip_address:
            return entry
        entry = entry.nx_arp_active_next
        if entry is head:
            return None
    return None


def _unlink_active(entry: NX_ARP) -> None:
    """Take ``entry`` off its hash bucket (it must be on one)."""
    head = entry.nx_arp_active_list_head
    assert head is not None
    table, index = head   # _head_get / _head_set, inline (every learned sender evicts one)
    if entry is entry.nx_arp_active_next:
        table[index] = None
    else:
        if table[index] is entry:
            table[index] = entry.nx_arp_active_next
        following, preceding = entry.nx_arp_active_next, entry.nx_arp_active_previous
        assert following is not None and preceding is not None
        following.nx_arp_active_previous = preceding
        preceding.nx_arp_active_next = following


def _pool_unlink(entry: NX_ARP) -> None:
    entry.nx_arp_pool_next.nx_arp_pool_previous = entry.nx_arp_pool_previous
    entry.nx_arp_pool_previous.nx_arp_pool_next = entry.nx_arp_pool_next


def _pool_append(ip: Any, list_name: str, entry: NX_ARP) -> None:
    """Link ``entry`` at the end of the circular pool list ``ip.<list_name>``."""
    head: NX_ARP | None = getattr(ip, list_name)
    if head is None:
        entry.nx_arp_pool_next = entry
        entry.nx_arp_pool_previous = entry
        setattr(ip, list_name, entry)
    else:
        entry.nx_arp_pool_next = head
        entry.nx_arp_pool_previous = head.nx_arp_pool_previous
        head.nx_arp_pool_previous.nx_arp_pool_next = entry
        head.nx_arp_pool_previous = entry


def _release_chain(ip: Any, packet: NX_PACKET | None) -> None:
    """Transmit-release a chain of queued packets, counting each as dropped."""
    while packet is not None:
        next_packet = packet.nx_packet_queue_next
        packet.nx_packet_queue_next = None
        _count(ip, "nx_ip_send_packets_dropped")
        _nx_packet_transmit_release(packet)
        packet = next_packet


def _mac_bytes(msw: int, lsw: int) -> bytes:
    # C builds the words with 32-bit shifts: only 16 bits of msw survive.
    return (((msw & 0xFFFF) << 32) | (lsw & _ULONG)).to_bytes(6, "big")


def _interfaces(ip: Any) -> list:
    return ip.nx_ip_interface[:-1]   # the physical ones (the loopback is last)


def _mutex_get(ip: Any) -> None:
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)


def _mutex_put(ip: Any) -> None:
    _tx_mutex_put(ip.nx_ip_protection)


# ============================================================================ enable
def _nx_arp_enable(ip_ptr: Any, arp_cache_memory: Pointer, arp_cache_size: int) -> int:
    """``nx_arp_enable`` (nx_arp_enable.c): enable ARP on ``ip_ptr`` with a cache of
    ``arp_cache_size // sizeof(NX_ARP)`` (52) entries carved from ``arp_cache_memory``
    (claimed in simulated RAM and cleared), all on the dynamic list; installs the
    periodic-update, receive-queue, send and resolve hooks the IP instance calls.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (bad IP or memory),
    NX_ALREADY_ENABLED, NX_SIZE_ERROR (room for no entry), NX_CALLER_ERROR (ISR or
    timer callback). The core alone also answers NX_SIZE_ERROR for room for no entry,
    where C would corrupt memory.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_ENABLE, ip_ptr, arp_cache_memory, arp_cache_size, 0,
                  _nxt.NX_TRACE_ARP_EVENTS)
    entries = arp_cache_size // SIZEOF_NX_ARP
    if entries == 0:
        return NX_SIZE_ERROR
    _arp_fields(ip_ptr)
    k = kernel()
    name = getattr(ip_ptr, "nx_ip_name", "") or "IP"
    region = k.memory.claim(arp_cache_memory, arp_cache_size, f"ARP cache of {name!r}",
                            _MEMORY_KIND, ip_ptr)
    arp_cache_memory.write(bytes(arp_cache_size))
    base = int(arp_cache_memory)
    cache = [NX_ARP(base + i * SIZEOF_NX_ARP) for i in range(entries)]
    for i, entry in enumerate(cache):
        entry.nx_arp_pool_next = cache[(i + 1) % entries]
        entry.nx_arp_pool_previous = cache[i - 1]
    ip_ptr.nx_ip_arp_static_list = None
    ip_ptr.nx_ip_arp_dynamic_list = cache[0]
    ip_ptr.nx_ip_arp_cache_memory = arp_cache_memory
    ip_ptr.nx_ip_arp_total_entries = entries
    ip_ptr.nx_ip_arp_cache = cache          # simulation: every entry, in address order
    ip_ptr.nx_ip_arp_cache_region = region
    ip_ptr.nx_ip_arp_periodic_update = _nx_arp_periodic_update
    ip_ptr.nx_ip_arp_queue_process = _nx_arp_queue_process
    ip_ptr.nx_ip_arp_packet_send = _nx_arp_packet_send
    ip_ptr.nx_ip_arp_allocate = _nx_arp_entry_allocate
    ip_ptr.nx_ip_arp_resolve = _nx_arp_resolve
    ip_ptr.nx_ip_arp_enabled = 1            # read by nx_ip_status_check (NX_IP_ARP_ENABLED)
    return NX_SUCCESS


def _nxe_arp_enable(ip_ptr: Any, arp_cache_memory: Pointer, arp_cache_size: int) -> int:
    if not _valid_ip(ip_ptr) or arp_cache_memory is None:
        return NX_PTR_ERROR
    if _arp_enabled(ip_ptr):
        return NX_ALREADY_ENABLED
    if arp_cache_size < SIZEOF_NX_ARP:
        return NX_SIZE_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_enable(ip_ptr, arp_cache_memory, arp_cache_size)


nx_arp_enable = c_service(
    "UINT nx_arp_enable(NX_IP *ip_ptr, VOID *arp_cache_memory, ULONG arp_cache_size)",
    nx_service(_nxe_arp_enable, _nx_arp_enable))


# ================================================================= entry management
def _nx_arp_entry_allocate(ip_ptr: Any, bucket: int, is_static: int) -> int:
    """``_nx_arp_entry_allocate`` (internal): take the last entry of the dynamic pool
    (freeing it first if it is in use), append it to hash bucket ``bucket`` (C passes
    ``&nx_ip_arp_table[bucket]``) and either move it to the front of the dynamic pool
    (dynamic) or to the end of the static list (static). The caller finds the new entry
    at ``nx_ip_arp_table[bucket].nx_arp_active_previous``.

    Statuses: NX_SUCCESS, NX_NO_MORE_ENTRIES (every entry is static).
    """
    _arp_fields(ip_ptr)
    dynamic = ip_ptr.nx_ip_arp_dynamic_list
    if dynamic is None:
        return NX_NO_MORE_ENTRIES
    entry: NX_ARP = dynamic.nx_arp_pool_previous
    _nx_arp_dynamic_entry_delete(ip_ptr, entry)
    table = ip_ptr.nx_ip_arp_table
    head = table[bucket]
    entry.nx_arp_active_list_head = (table, bucket)
    if head is not None:
        entry.nx_arp_active_next = head
        entry.nx_arp_active_previous = head.nx_arp_active_previous
        entry.nx_arp_active_previous.nx_arp_active_next = entry
        head.nx_arp_active_previous = entry
    else:
        entry.nx_arp_active_next = entry
        entry.nx_arp_active_previous = entry
        table[bucket] = entry
    if is_static == NX_TRUE:
        if entry is entry.nx_arp_pool_next:
            ip_ptr.nx_ip_arp_dynamic_list = None
        else:
            _pool_unlink(entry)
            # C leaves the head alone here: the entry taken is the last one, never the head
            # of a list of two or more.
        _pool_append(ip_ptr, "nx_ip_arp_static_list", entry)
        ip_ptr.nx_ip_arp_static_entries += 1
    else:
        if entry is not ip_ptr.nx_ip_arp_dynamic_list:
            _pool_unlink(entry)
            first = ip_ptr.nx_ip_arp_dynamic_list
            entry.nx_arp_pool_next = first
            entry.nx_arp_pool_previous = first.nx_arp_pool_previous
            entry.nx_arp_pool_previous.nx_arp_pool_next = entry
            first.nx_arp_pool_previous = entry
            ip_ptr.nx_ip_arp_dynamic_list = entry
        ip_ptr.nx_ip_arp_dynamic_active_count += 1
    entry.nx_arp_route_static = is_static
    return NX_SUCCESS


def _nx_arp_dynamic_entry_delete(ip_ptr: Any, arp_ptr: NX_ARP) -> int:
    """``_nx_arp_dynamic_entry_delete`` (internal): if the entry is active, take it off
    its hash bucket, count one active dynamic entry less and transmit-release the
    packets queued on it (each counted in ``nx_ip_send_packets_dropped``). The entry
    keeps its place in the dynamic pool. Returns NX_SUCCESS.
    """
    if arp_ptr.nx_arp_active_list_head is not None:
        _unlink_active(arp_ptr)
        arp_ptr.nx_arp_active_list_head = None
        ip_ptr.nx_ip_arp_dynamic_active_count -= 1
        waiting = arp_ptr.nx_arp_packets_waiting
        if waiting is not None:
            arp_ptr.nx_arp_packets_waiting = None
            _release_chain(ip_ptr, waiting)
    return NX_SUCCESS


def _nx_arp_static_entry_delete_internal(ip_ptr: Any, arp_entry: NX_ARP) -> None:
    """``_nx_arp_static_entry_delete_internal``: unlink a static entry from its bucket and
    the static list and put it at the end of the dynamic pool, as a free entry."""
    ip_ptr.nx_ip_arp_static_entries -= 1
    if arp_entry.nx_arp_active_list_head is not None:
        _unlink_active(arp_entry)
    if arp_entry is arp_entry.nx_arp_pool_next:
        ip_ptr.nx_ip_arp_static_list = None
    else:
        _pool_unlink(arp_entry)
        if ip_ptr.nx_ip_arp_static_list is arp_entry:
            ip_ptr.nx_ip_arp_static_list = arp_entry.nx_arp_pool_next
    arp_entry.nx_arp_route_static = NX_FALSE
    arp_entry.nx_arp_active_list_head = None
    _pool_append(ip_ptr, "nx_ip_arp_dynamic_list", arp_entry)


# ========================================================================= transmit
def _nx_arp_packet_send(ip_ptr: Any, destination_ip: int, nx_interface: Any) -> None:
    """``_nx_arp_packet_send`` (nx_arp_packet_send.c): broadcast a who-has for
    ``destination_ip`` on ``nx_interface`` (NX_LINK_ARP_SEND to ff:ff:ff:ff:ff:ff).

    The request is allocated from the IP default pool (with NX_ENABLE_DUAL_PACKET_POOL
    the auxiliary pool first) with NX_NO_WAIT at offset NX_PHYSICAL_HEADER + 28; with
    the pool empty nothing is sent and nothing counted here (the pool counts an empty
    request).
    """
    status, request = allocate_auxiliary_first(ip_ptr, NX_PHYSICAL_HEADER + NX_ARP_MESSAGE_SIZE)
    if status != NX_SUCCESS:
        return
    assert request is not None
    request.nx_packet_interface_ptr = nx_interface
    _count(ip_ptr, "nx_ip_arp_requests_sent")
    request.nx_packet_length = NX_ARP_MESSAGE_SIZE
    request._prepend -= NX_ARP_MESSAGE_SIZE
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_ARP_REQUEST_SEND, ip_ptr, destination_ip, request, 0,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
        tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_ARP_SEND, ip_ptr, request, NX_ARP_MESSAGE_SIZE, 0,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    request.nx_packet_prepend_ptr.write(struct.pack(
        "!HHBBH6sI6sI", NX_ARP_HARDWARE_TYPE, NX_ARP_PROTOCOL_TYPE, NX_ARP_HARDWARE_SIZE,
        NX_ARP_PROTOCOL_SIZE, NX_ARP_OPTION_REQUEST,
        _mac_bytes(nx_interface.nx_interface_physical_address_msw,
                   nx_interface.nx_interface_physical_address_lsw),
        nx_interface.nx_interface_ip_address & _ULONG, b"\x00" * 6, destination_ip & _ULONG))
    _ip.ip_driver_request(ip_ptr, nx_interface, NX_LINK_ARP_SEND, request, 0xFFFF, 0xFFFFFFFF)


def _nx_arp_queue_send(ip_ptr: Any, arp_ptr: NX_ARP) -> None:
    """``_nx_arp_queue_send`` (nx_arp_queue_send.c): send every packet queued on a newly
    resolved entry, oldest first, with NX_LINK_PACKET_SEND to its MAC, in the caller's
    context (the IP thread for a received ARP). A packet longer than the MTU is
    fragmented when fragmentation is enabled, else dropped."""
    waiting = arp_ptr.nx_arp_packets_waiting
    arp_ptr.nx_arp_packets_waiting = None
    while waiting is not None:
        packet = waiting
        waiting = waiting.nx_packet_queue_next
        packet.nx_packet_queue_next = None
        interface = arp_ptr.nx_arp_ip_interface
        packet.nx_packet_interface_ptr = interface
        if packet.nx_packet_length > interface.nx_interface_ip_mtu_size:
            if ip_ptr.nx_ip_fragment_processing is not None:
                _ip._fragment_send(ip_ptr, interface, NX_LINK_PACKET_SEND, packet,
                                   arp_ptr.nx_arp_physical_address_msw, arp_ptr.nx_arp_physical_address_lsw)
                continue
            _count(ip_ptr, "nx_ip_send_packets_dropped")
            _nx_packet_transmit_release(packet)
            continue
        _count(ip_ptr, "nx_ip_total_packets_sent")
        _count(ip_ptr, "nx_ip_total_bytes_sent", packet.nx_packet_length - _IPV4_HEADER_SIZE)
        _ip.ip_driver_request(ip_ptr, interface, NX_LINK_PACKET_SEND, packet,
                              arp_ptr.nx_arp_physical_address_msw,
                              arp_ptr.nx_arp_physical_address_lsw)


def _nx_arp_resolve(ip_ptr: Any, interface: Any, next_hop: int,
                    packet: NX_PACKET) -> tuple[int, int] | None:
    """The ARP part of ``_nx_ip_driver_packet_send`` (nx_ip_driver_packet_send.c) for a
    unicast next hop on an interface that needs address mapping (the IP instance's
    ``nx_ip_arp_resolve`` hook).

    Resolved entry → moved to the head of its bucket, returns its (msw, lsw). Otherwise
    the packet is taken over and None returned: longer than the MTU → dropped (no
    fragmentation); entry present → queued behind the others, the oldest of five
    transmit-released; no entry → an entry is allocated (failing that, the packet is
    dropped), the packet queued on it and a request sent at once in the caller's context.
    """
    table = ip_ptr.nx_ip_arp_table
    index = ((next_hop + (next_hop >> 8)) & _ULONG) & NX_ARP_TABLE_MASK  # _hash, inlined
    head = table[index]
    if head is not None and head.nx_arp_ip_address == next_hop and (
            head.nx_arp_physical_address_msw | head.nx_arp_physical_address_lsw):
        # Resolved at the head of its bucket already (the usual case): nothing moves.
        return head.nx_arp_physical_address_msw, head.nx_arp_physical_address_lsw
    arp_ptr = _find_active(ip_ptr, index, next_hop)
    if arp_ptr is not None and (arp_ptr.nx_arp_physical_address_msw
                                | arp_ptr.nx_arp_physical_address_lsw):
        table[index] = arp_ptr
        return arp_ptr.nx_arp_physical_address_msw, arp_ptr.nx_arp_physical_address_lsw
    if packet.nx_packet_length > interface.nx_interface_ip_mtu_size \
            and getattr(ip_ptr, "nx_ip_fragment_processing", None) is None:
        _count(ip_ptr, "nx_ip_send_packets_dropped")
        _nx_packet_transmit_release(packet)
        return None
    packet.nx_packet_queue_next = None
    if arp_ptr is not None:
        last = arp_ptr.nx_arp_packets_waiting
        if last is None:
            arp_ptr.nx_arp_packets_waiting = packet
            return None
        queued = 1
        while last.nx_packet_queue_next is not None:
            queued += 1
            last = last.nx_packet_queue_next
        last.nx_packet_queue_next = packet
        if queued >= ip_ptr.nx_config.NX_ARP_MAX_QUEUE_DEPTH:
            oldest = arp_ptr.nx_arp_packets_waiting
            assert oldest is not None
            arp_ptr.nx_arp_packets_waiting = oldest.nx_packet_queue_next
            oldest.nx_packet_queue_next = None
            _count(ip_ptr, "nx_ip_transmit_resource_errors")
            _count(ip_ptr, "nx_ip_send_packets_dropped")
            _nx_packet_transmit_release(oldest)
        return None
    allocate = ip_ptr.nx_ip_arp_allocate
    if not allocate or allocate(ip_ptr, index, NX_FALSE) != NX_SUCCESS:
        _count(ip_ptr, "nx_ip_transmit_resource_errors")
        _count(ip_ptr, "nx_ip_send_packets_dropped")
        _nx_packet_transmit_release(packet)
        return None
    arp_ptr = table[index].nx_arp_active_previous
    arp_ptr.nx_arp_ip_address = next_hop
    arp_ptr.nx_arp_physical_address_msw = 0
    arp_ptr.nx_arp_physical_address_lsw = 0
    arp_ptr.nx_arp_entry_next_update = ip_ptr.nx_config.NX_ARP_UPDATE_RATE
    arp_ptr.nx_arp_retries = 0
    arp_ptr.nx_arp_ip_interface = interface
    arp_ptr.nx_arp_packets_waiting = packet
    ip_ptr.nx_ip_arp_packet_send(ip_ptr, next_hop, interface)
    return None


# ========================================================================== periodic
def _nx_arp_periodic_update(ip_ptr: Any) -> None:
    """``_nx_arp_periodic_update`` (nx_arp_periodic_update.c), run by the IP thread on
    every periodic event: count down each active dynamic entry with a countdown; at 0
    either give up (retries == NX_ARP_MAXIMUM_RETRIES: entry freed and moved to the end
    of the pool, queued packets transmit-released) or re-send the request (retries + 1,
    countdown NX_ARP_UPDATE_RATE). Then count down each interface's defend timeout.

    With the defaults an unresolved entry sends 1 + 18 requests, NX_ARP_UPDATE_RATE
    periodic events apart, and gives up 19 × 10 periodic events after it was created.
    """
    arp_entry = ip_ptr.nx_ip_arp_dynamic_list
    i = 0
    # The bound is re-read every turn, as the C loop reads the count field.
    while i < ip_ptr.nx_ip_arp_dynamic_active_count:
        if arp_entry.nx_arp_entry_next_update:
            arp_entry.nx_arp_entry_next_update -= 1
            if not arp_entry.nx_arp_entry_next_update:
                if arp_entry.nx_arp_retries == ip_ptr.nx_config.NX_ARP_MAXIMUM_RETRIES:
                    if arp_entry.nx_arp_active_list_head is not None:
                        _unlink_active(arp_entry)
                        ip_ptr.nx_ip_arp_dynamic_active_count -= 1
                        arp_entry.nx_arp_active_list_head = None
                    if arp_entry is not arp_entry.nx_arp_pool_next:
                        _pool_unlink(arp_entry)
                        if ip_ptr.nx_ip_arp_dynamic_list is arp_entry:
                            ip_ptr.nx_ip_arp_dynamic_list = arp_entry.nx_arp_pool_next
                        first = ip_ptr.nx_ip_arp_dynamic_list
                        arp_entry.nx_arp_pool_next = first
                        arp_entry.nx_arp_pool_previous = first.nx_arp_pool_previous
                        first.nx_arp_pool_previous.nx_arp_pool_next = arp_entry
                        first.nx_arp_pool_previous = arp_entry
                    waiting = arp_entry.nx_arp_packets_waiting
                    arp_entry.nx_arp_packets_waiting = None
                    _release_chain(ip_ptr, waiting)
                else:
                    arp_entry.nx_arp_retries += 1
                    arp_entry.nx_arp_entry_next_update = ip_ptr.nx_config.NX_ARP_UPDATE_RATE
                    _nx_arp_packet_send(ip_ptr, arp_entry.nx_arp_ip_address,
                                        arp_entry.nx_arp_ip_interface)
        arp_entry = arp_entry.nx_arp_pool_next
        i += 1
    for interface in _interfaces(ip_ptr):
        if not getattr(interface, "nx_interface_valid", True):
            continue
        if getattr(interface, "nx_interface_arp_defend_timeout", 0):
            interface.nx_interface_arp_defend_timeout -= 1


def _arp_quiet(ip: Any) -> bool:
    """Whether the ARP periodic update would change nothing on ``ip`` now
    (netxsim.tx.quiet): no active dynamic entry counting down, no defend timeout."""
    update = ip.nx_ip_arp_periodic_update
    if update is None:
        return True
    if update is not _nx_arp_periodic_update:
        return False
    entry = ip.nx_ip_arp_dynamic_list
    for _ in range(ip.nx_ip_arp_dynamic_active_count):
        if entry.nx_arp_entry_next_update:
            return False
        entry = entry.nx_arp_pool_next
    for interface in ip.nx_ip_interface[:-1]:   # _interfaces, inline (asked of every quiet host)
        if getattr(interface, "nx_interface_valid", True) and getattr(interface, "nx_interface_arp_defend_timeout", 0):
            return False
    return True


_ip.register_quiet_check(_arp_quiet)


# =========================================================================== receive
# Receive processing lives in arp_receive.py and the user-facing table services in
# arp_services.py (both build on the helpers above); re-exported here so every name
# this module ever had still imports from it, and _nx_arp_enable finds
# _nx_arp_queue_process. Imported last: those modules import the names above from here.
from .arp_receive import (  # noqa: E402
    _SWAP_WORDS_IN, _SWAP_WORDS_OUT, _nx_arp_packet_deferred_receive, _nx_arp_packet_receive,
    _nx_arp_queue_process, _swap_words,
)
from .arp_services import (  # noqa: E402
    nx_arp_static_entry_create, nx_arp_static_entry_delete, nx_arp_static_entries_delete,
    nx_arp_dynamic_entry_set, nx_arp_entry_delete, nx_arp_dynamic_entries_invalidate,
    nx_arp_hardware_address_find, nx_arp_ip_address_find, nx_arp_info_get,
    nx_arp_gratuitous_send, _nx_arp_static_entry_create, _nx_arp_static_entry_delete,
    _nx_arp_static_entries_delete, _nx_arp_dynamic_entry_set, _nx_arp_entry_delete,
    _nx_arp_dynamic_entries_invalidate, _nx_arp_hardware_address_find,
    _nx_arp_ip_address_find, _nx_arp_info_get, _nx_arp_gratuitous_send,
    _nx_arp_announce_send, _nxe_arp_static_entry_create, _nxe_arp_static_entry_delete,
    _nxe_arp_static_entries_delete, _nxe_arp_dynamic_entry_set, _nxe_arp_entry_delete,
    _nxe_arp_dynamic_entries_invalidate, _nxe_arp_hardware_address_find,
    _nxe_arp_ip_address_find, _nxe_arp_info_get, _nxe_arp_gratuitous_send, _check_address,
    _direct_route, _find_static, _find_dynamic,
)


__all__ = [
    "NX_ARP", "SIZEOF_NX_ARP",
    "NX_ARP_UPDATE_RATE", "NX_ARP_EXPIRATION_RATE", "NX_ARP_MAXIMUM_RETRIES",
    "NX_ARP_MAX_QUEUE_DEPTH", "NX_ARP_DEFEND_INTERVAL", "NX_ARP_MESSAGE_SIZE",
    "NX_ARP_TABLE_SIZE", "NX_ARP_TABLE_MASK",
    "nx_arp_enable", "nx_arp_static_entry_create", "nx_arp_static_entry_delete",
    "nx_arp_static_entries_delete", "nx_arp_dynamic_entry_set", "nx_arp_entry_delete",
    "nx_arp_dynamic_entries_invalidate", "nx_arp_hardware_address_find",
    "nx_arp_ip_address_find", "nx_arp_info_get", "nx_arp_gratuitous_send",
    "_nx_arp_enable", "_nx_arp_static_entry_create", "_nx_arp_static_entry_delete",
    "_nx_arp_static_entries_delete", "_nx_arp_dynamic_entry_set", "_nx_arp_entry_delete",
    "_nx_arp_dynamic_entries_invalidate", "_nx_arp_hardware_address_find",
    "_nx_arp_ip_address_find", "_nx_arp_info_get", "_nx_arp_gratuitous_send",
    "_nx_arp_packet_deferred_receive",
]
