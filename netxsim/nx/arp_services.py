"""NetX ARP table services: the user-facing ``nx_arp_*`` calls that create, delete, set
and invalidate static and dynamic entries, find an entry by IP or hardware address, read
the ARP statistics and send a gratuitous ARP (netxduo ``common/src/nx_arp_static_entry_*.c``,
``nx_arp_dynamic_entr*.c``, ``nx_arp_entry_delete.c``, ``nx_arp_*_find.c``,
``nx_arp_info_get.c``, ``nx_arp_announce_send.c``, ``nx_arp_gratuitous_send.c``; checks in
``nxe_arp_*.c``).

The cache itself (the ``NX_ARP`` entry, its lists and helpers, ``nx_arp_enable``, entry
allocation, resolution on the send path, the periodic update and receive processing) is
in ``netxsim.nx.arp``, which re-exports every name defined here, so
``from netxsim.nx.arp import nx_arp_static_entry_create`` keeps working.
"""
from __future__ import annotations

import struct
from typing import Any, Callable

from netxsim.boundary import c_service
from netxsim.tx.kernel import kernel

from . import ip as _ip
from .arp import (
    NX_ARP, NX_ARP_HARDWARE_SIZE, NX_ARP_HARDWARE_TYPE, NX_ARP_MESSAGE_SIZE,
    NX_ARP_OPTION_REQUEST, NX_ARP_PROTOCOL_SIZE, NX_ARP_PROTOCOL_TYPE,
    _NX_IP_CLASS_D_MASK, _NX_IP_CLASS_D_TYPE, _NX_IP_LIMITED_BROADCAST, _ULONG,
    _arp_enabled, _arp_fields, _count, _find_active, _hash, _interfaces, _mac_bytes,
    _mutex_get, _mutex_put, _nx_arp_dynamic_entry_delete, _nx_arp_entry_allocate,
    _nx_arp_packet_send, _nx_arp_queue_send, _nx_arp_static_entry_delete_internal,
    _pool_append, _pool_unlink, _valid_ip,
)
from .config import (
    nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error,
)
from .constants import (
    NX_CALLER_ERROR, NX_DUPLICATED_ENTRY, NX_ENTRY_NOT_FOUND, NX_FALSE,
    NX_INVALID_PARAMETERS, NX_IP_ADDRESS_ERROR, NX_NO_WAIT, NX_NOT_ENABLED,
    NX_PHYSICAL_HEADER, NX_PTR_ERROR, NX_SUCCESS, NX_TRUE,
)
from .driver import NX_LINK_ARP_SEND
from .packet import NX_PACKET, _nx_packet_allocate
from ..tx import trace as _trace
from . import trace as _nxt


# ============================================================ static / dynamic entries
def _check_address(ip_address: int) -> bool:
    """The nxe address test: not 0, not class D, not the limited broadcast."""
    return bool(ip_address) and (ip_address & _NX_IP_CLASS_D_MASK) != _NX_IP_CLASS_D_TYPE \
        and ip_address != _NX_IP_LIMITED_BROADCAST


def _direct_route(ip_ptr: Any, ip_address: int) -> Any:
    """The interface reaching ``ip_address`` directly, or None (route via a gateway or none)."""
    status, interface, next_hop = _ip._nx_ip_route_find(ip_ptr, ip_address)
    if status != NX_SUCCESS or next_hop != ip_address:
        return None
    return interface


def _nx_arp_static_entry_create(ip_ptr: Any, ip_address: int, physical_msw: int,
                                physical_lsw: int) -> int:
    """``nx_arp_static_entry_create`` (nx_arp_static_entry_create.c): map ``ip_address`` to
    the MAC (msw, lsw) permanently. An existing dynamic entry for the address becomes
    static (its queued packets are sent now); otherwise an entry is allocated. The
    periodic update never touches a static entry and received ARP never changes it.

    Statuses: NX_SUCCESS, NX_IP_ADDRESS_ERROR (not directly reachable on an interface),
    NX_NO_MORE_ENTRIES; from the checking layer NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (0,
    class D, 255.255.255.255), NX_INVALID_PARAMETERS (MAC 0), NX_NOT_ENABLED,
    NX_CALLER_ERROR (ISR or timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_STATIC_ENTRY_CREATE, ip_ptr, ip_address, physical_msw, physical_lsw,
                  _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    interface = _direct_route(ip_ptr, ip_address)
    if interface is None:
        return NX_IP_ADDRESS_ERROR
    _mutex_get(ip_ptr)
    index = _hash(ip_address)
    arp_ptr = _find_active(ip_ptr, index, ip_address)
    if arp_ptr is not None:
        if arp_ptr.nx_arp_route_static == NX_FALSE:
            if arp_ptr is arp_ptr.nx_arp_pool_next:
                ip_ptr.nx_ip_arp_dynamic_list = None
            else:
                _pool_unlink(arp_ptr)
                if ip_ptr.nx_ip_arp_dynamic_list is arp_ptr:
                    ip_ptr.nx_ip_arp_dynamic_list = arp_ptr.nx_arp_pool_next
            ip_ptr.nx_ip_arp_dynamic_active_count -= 1
            _pool_append(ip_ptr, "nx_ip_arp_static_list", arp_ptr)
            ip_ptr.nx_ip_arp_static_entries += 1
    else:
        status = _nx_arp_entry_allocate(ip_ptr, index, NX_TRUE)
        if status != NX_SUCCESS:
            _mutex_put(ip_ptr)
            return status
        arp_ptr = ip_ptr.nx_ip_arp_table[index].nx_arp_active_previous
    arp_ptr.nx_arp_entry_next_update = 0
    arp_ptr.nx_arp_route_static = NX_TRUE
    arp_ptr.nx_arp_ip_address = ip_address
    arp_ptr.nx_arp_physical_address_msw = physical_msw
    arp_ptr.nx_arp_physical_address_lsw = physical_lsw
    arp_ptr.nx_arp_ip_interface = interface
    _nx_arp_queue_send(ip_ptr, arp_ptr)
    _mutex_put(ip_ptr)
    return NX_SUCCESS


def _nxe_arp_static_entry_create(ip_ptr: Any, ip_address: int, physical_msw: int,
                                 physical_lsw: int) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not _check_address(ip_address):
        return NX_IP_ADDRESS_ERROR
    if (physical_msw | physical_lsw) == 0:
        return NX_INVALID_PARAMETERS
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_static_entry_create(ip_ptr, ip_address, physical_msw, physical_lsw)


nx_arp_static_entry_create = c_service(
    "UINT nx_arp_static_entry_create(NX_IP *ip_ptr, ULONG ip_address, ULONG physical_msw, ULONG physical_lsw)",
    nx_service(_nxe_arp_static_entry_create, _nx_arp_static_entry_create))


def _find_static(ip_ptr: Any, match: Callable[[NX_ARP], bool]) -> NX_ARP | None:
    first = ip_ptr.nx_ip_arp_static_list
    entry = first
    while entry is not None:
        if match(entry):
            return entry
        if entry.nx_arp_pool_next is first:
            return None
        entry = entry.nx_arp_pool_next
    return None


def _find_dynamic(ip_ptr: Any, match: Callable[[NX_ARP], bool]) -> NX_ARP | None:
    """The find services' walk: the first ``active_count`` entries of the dynamic pool
    (at least the first one, even with no active entry, as the C loop checks before
    counting)."""
    entry = ip_ptr.nx_ip_arp_dynamic_list
    count = 1
    while entry is not None:
        if match(entry):
            return entry
        if count >= ip_ptr.nx_ip_arp_dynamic_active_count:
            return None
        entry = entry.nx_arp_pool_next
        count += 1
    return None


def _nx_arp_static_entry_delete(ip_ptr: Any, ip_address: int, physical_msw: int,
                                physical_lsw: int) -> int:
    """``nx_arp_static_entry_delete`` (nx_arp_static_entry_delete.c): remove the static
    entry with exactly this address and MAC; it returns to the end of the dynamic pool.

    Statuses: NX_SUCCESS, NX_ENTRY_NOT_FOUND; from the checking layer NX_PTR_ERROR,
    NX_IP_ADDRESS_ERROR (address 0), NX_INVALID_PARAMETERS (MAC 0), NX_NOT_ENABLED,
    NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_STATIC_ENTRY_DELETE, ip_ptr, ip_address, physical_msw, physical_lsw,
                  _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)
    entry = _find_static(ip_ptr, lambda e: e.nx_arp_ip_address == ip_address
                         and e.nx_arp_physical_address_msw == physical_msw
                         and e.nx_arp_physical_address_lsw == physical_lsw)
    if entry is not None:
        _nx_arp_static_entry_delete_internal(ip_ptr, entry)
        status = NX_SUCCESS
    else:
        status = NX_ENTRY_NOT_FOUND
    _mutex_put(ip_ptr)
    return status


def _nxe_arp_static_entry_delete(ip_ptr: Any, ip_address: int, physical_msw: int,
                                 physical_lsw: int) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not ip_address:
        return NX_IP_ADDRESS_ERROR
    if (physical_msw | physical_lsw) == 0:
        return NX_INVALID_PARAMETERS
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_static_entry_delete(ip_ptr, ip_address, physical_msw, physical_lsw)


nx_arp_static_entry_delete = c_service(
    "UINT nx_arp_static_entry_delete(NX_IP *ip_ptr, ULONG ip_address, ULONG physical_msw, ULONG physical_lsw)",
    nx_service(_nxe_arp_static_entry_delete, _nx_arp_static_entry_delete))


def _nx_arp_static_entries_delete(ip_ptr: Any) -> int:
    """``nx_arp_static_entries_delete``: return every static entry to the dynamic pool.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR (ISR or timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_STATIC_ENTRIES_DELETE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)
    while ip_ptr.nx_ip_arp_static_list is not None:
        _nx_arp_static_entry_delete_internal(ip_ptr, ip_ptr.nx_ip_arp_static_list)
    _mutex_put(ip_ptr)
    return NX_SUCCESS


def _nxe_arp_static_entries_delete(ip_ptr: Any) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_static_entries_delete(ip_ptr)


nx_arp_static_entries_delete = c_service(
    "UINT nx_arp_static_entries_delete(NX_IP *ip_ptr)",
    nx_service(_nxe_arp_static_entries_delete, _nx_arp_static_entries_delete))


def _nx_arp_dynamic_entry_set(ip_ptr: Any, ip_address: int, physical_msw: int,
                              physical_lsw: int) -> int:
    """``nx_arp_dynamic_entry_set`` (nx_arp_dynamic_entry_set.c): create or update a
    dynamic entry. With a MAC it is resolved at once (queued packets sent); with MAC 0 an
    ARP request is sent and the entry retries like one made by the send path.

    Statuses: NX_SUCCESS, NX_IP_ADDRESS_ERROR (not directly reachable),
    NX_DUPLICATED_ENTRY (a static entry exists), NX_NO_MORE_ENTRIES; from the checking
    layer NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (0, class D, broadcast), NX_NOT_ENABLED,
    NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_DYNAMIC_ENTRY_SET, ip_ptr, ip_address, physical_msw, physical_lsw,
                  _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    interface = _direct_route(ip_ptr, ip_address)
    if interface is None:
        return NX_IP_ADDRESS_ERROR
    _mutex_get(ip_ptr)
    index = _hash(ip_address)
    arp_ptr = _find_active(ip_ptr, index, ip_address)
    if arp_ptr is not None:
        if arp_ptr.nx_arp_route_static == NX_TRUE:
            _mutex_put(ip_ptr)
            return NX_DUPLICATED_ENTRY
    else:
        status = _nx_arp_entry_allocate(ip_ptr, index, NX_FALSE)
        if status != NX_SUCCESS:
            _mutex_put(ip_ptr)
            return status
        arp_ptr = ip_ptr.nx_ip_arp_table[index].nx_arp_active_previous
    arp_ptr.nx_arp_ip_address = ip_address
    arp_ptr.nx_arp_physical_address_msw = physical_msw
    arp_ptr.nx_arp_physical_address_lsw = physical_lsw
    arp_ptr.nx_arp_retries = 0
    arp_ptr.nx_arp_ip_interface = interface
    if (physical_msw | physical_lsw) == 0:
        arp_ptr.nx_arp_entry_next_update = ip_ptr.nx_config.NX_ARP_UPDATE_RATE
        _nx_arp_packet_send(ip_ptr, ip_address, interface)
    else:
        arp_ptr.nx_arp_entry_next_update = ip_ptr.nx_config.NX_ARP_EXPIRATION_RATE
        _nx_arp_queue_send(ip_ptr, arp_ptr)
    _mutex_put(ip_ptr)
    return NX_SUCCESS


def _nxe_arp_dynamic_entry_set(ip_ptr: Any, ip_address: int, physical_msw: int,
                               physical_lsw: int) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not _check_address(ip_address):
        return NX_IP_ADDRESS_ERROR
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_dynamic_entry_set(ip_ptr, ip_address, physical_msw, physical_lsw)


nx_arp_dynamic_entry_set = c_service(
    "UINT nx_arp_dynamic_entry_set(NX_IP *ip_ptr, ULONG ip_address, ULONG physical_msw, ULONG physical_lsw)",
    nx_service(_nxe_arp_dynamic_entry_set, _nx_arp_dynamic_entry_set))


def _nx_arp_entry_delete(ip_ptr: Any, ip_address: int) -> int:
    """``nx_arp_entry_delete`` (nx_arp_entry_delete.c): delete the entry for
    ``ip_address``, static (back to the dynamic pool) or dynamic (freed, its queued
    packets transmit-released; it keeps its place in the pool).

    Statuses: NX_SUCCESS, NX_ENTRY_NOT_FOUND; from the checking layer NX_PTR_ERROR,
    NX_IP_ADDRESS_ERROR (address 0), NX_CALLER_ERROR (ISR or timer callback). ARP need
    not be enabled (the lookup then finds nothing).
    """
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)
    arp_ptr = _find_active(ip_ptr, _hash(ip_address), ip_address)
    if arp_ptr is None:
        _mutex_put(ip_ptr)
        return NX_ENTRY_NOT_FOUND
    if arp_ptr.nx_arp_route_static == NX_TRUE:
        status = _nx_arp_static_entry_delete(ip_ptr, ip_address, arp_ptr.nx_arp_physical_address_msw,
                                             arp_ptr.nx_arp_physical_address_lsw)
    else:
        status = _nx_arp_dynamic_entry_delete(ip_ptr, arp_ptr)
    _mutex_put(ip_ptr)
    return status


def _nxe_arp_entry_delete(ip_ptr: Any, ip_address: int) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if ip_address == 0:
        return NX_IP_ADDRESS_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_entry_delete(ip_ptr, ip_address)


nx_arp_entry_delete = c_service(
    "UINT nx_arp_entry_delete(NX_IP *ip_ptr, ULONG ip_address)",
    nx_service(_nxe_arp_entry_delete, _nx_arp_entry_delete))


def _nx_arp_dynamic_entries_invalidate(ip_ptr: Any) -> int:
    """``nx_arp_dynamic_entries_invalidate`` (nx_arp_dynamic_entries_invalidate.c): free
    every active dynamic entry (queued packets transmit-released); static entries stay.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_DYNAMIC_ENTRIES_INVALIDATE, ip_ptr,
                  getattr(ip_ptr, "nx_ip_arp_dynamic_active_count", 0), 0, 0, _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)
    arp_entry = ip_ptr.nx_ip_arp_dynamic_list
    while arp_entry is not None and ip_ptr.nx_ip_arp_dynamic_active_count:
        _nx_arp_dynamic_entry_delete(ip_ptr, arp_entry)
        arp_entry.nx_arp_ip_interface = None
        if arp_entry.nx_arp_pool_next is ip_ptr.nx_ip_arp_dynamic_list:
            break
        arp_entry = arp_entry.nx_arp_pool_next
    _mutex_put(ip_ptr)
    return NX_SUCCESS


def _nxe_arp_dynamic_entries_invalidate(ip_ptr: Any) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_dynamic_entries_invalidate(ip_ptr)


nx_arp_dynamic_entries_invalidate = c_service(
    "UINT nx_arp_dynamic_entries_invalidate(NX_IP *ip_ptr)",
    nx_service(_nxe_arp_dynamic_entries_invalidate, _nx_arp_dynamic_entries_invalidate))


# ============================================================================= finds
def _nx_arp_hardware_address_find(ip_ptr: Any, ip_address: int) -> tuple[int, int | None, int | None]:
    """``nx_arp_hardware_address_find`` (nx_arp_hardware_address_find.c): returns
    (status, physical_msw, physical_lsw) of the entry for ``ip_address`` with a non-zero
    MAC, searching the static list, then the active part of the dynamic pool.

    Statuses: NX_SUCCESS, NX_ENTRY_NOT_FOUND; from the checking layer NX_PTR_ERROR,
    NX_IP_ADDRESS_ERROR (address 0), NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_HARDWARE_ADDRESS_FIND, ip_ptr, ip_address, 0, 0, _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)

    def match(entry: NX_ARP) -> bool:
        return entry.nx_arp_ip_address == ip_address and bool(
            entry.nx_arp_physical_address_msw | entry.nx_arp_physical_address_lsw)

    entry = _find_static(ip_ptr, match) or _find_dynamic(ip_ptr, match)
    _mutex_put(ip_ptr)
    if entry is None:
        return NX_ENTRY_NOT_FOUND, None, None
    return NX_SUCCESS, entry.nx_arp_physical_address_msw, entry.nx_arp_physical_address_lsw


def _nxe_arp_hardware_address_find(ip_ptr: Any, ip_address: int) -> tuple[int, int | None, int | None]:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR, None, None
    if not ip_address:
        return NX_IP_ADDRESS_ERROR, None, None
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED, None, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None, None
    return _nx_arp_hardware_address_find(ip_ptr, ip_address)


nx_arp_hardware_address_find = c_service(
    "UINT nx_arp_hardware_address_find(NX_IP *ip_ptr, ULONG ip_address)",
    nx_service(_nxe_arp_hardware_address_find, _nx_arp_hardware_address_find))


def _nx_arp_ip_address_find(ip_ptr: Any, physical_msw: int, physical_lsw: int) -> tuple[int, int | None]:
    """``nx_arp_ip_address_find`` (nx_arp_ip_address_find.c): returns (status, ip_address)
    of the first entry mapped to the MAC (msw, lsw), static list first.

    Statuses: NX_SUCCESS, NX_ENTRY_NOT_FOUND; from the checking layer NX_PTR_ERROR,
    NX_INVALID_PARAMETERS (MAC 0), NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_IP_ADDRESS_FIND, ip_ptr, 0, physical_msw, physical_lsw,
                  _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)

    def match(entry: NX_ARP) -> bool:
        return entry.nx_arp_physical_address_msw == physical_msw \
            and entry.nx_arp_physical_address_lsw == physical_lsw

    entry = _find_static(ip_ptr, match) or _find_dynamic(ip_ptr, match)
    _mutex_put(ip_ptr)
    if entry is None:
        return NX_ENTRY_NOT_FOUND, None
    return NX_SUCCESS, entry.nx_arp_ip_address


def _nxe_arp_ip_address_find(ip_ptr: Any, physical_msw: int, physical_lsw: int) -> tuple[int, int | None]:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR, None
    if (physical_msw | physical_lsw) == 0:
        return NX_INVALID_PARAMETERS, None
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_arp_ip_address_find(ip_ptr, physical_msw, physical_lsw)


nx_arp_ip_address_find = c_service(
    "UINT nx_arp_ip_address_find(NX_IP *ip_ptr, ULONG physical_msw, ULONG physical_lsw)",
    nx_service(_nxe_arp_ip_address_find, _nx_arp_ip_address_find))


# ========================================================================== info get
def _nx_arp_info_get(ip_ptr: Any) -> tuple:
    """``nx_arp_info_get`` (nx_arp_info_get.c): returns (status, arp_requests_sent,
    arp_requests_received, arp_responses_sent, arp_responses_received,
    arp_dynamic_entries, arp_static_entries, arp_aged_entries, arp_invalid_messages).

    ``arp_dynamic_entries`` is the number of active dynamic entries; ``arp_aged_entries``
    is never incremented by this NetX version. Statuses: NX_SUCCESS; from the checking
    layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_INFO_GET, ip_ptr, getattr(ip_ptr, "nx_ip_arp_requests_sent", 0),
                  getattr(ip_ptr, "nx_ip_arp_responses_received", 0),
                  getattr(ip_ptr, "nx_ip_arp_requests_received", 0), _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)
    result = (NX_SUCCESS, ip_ptr.nx_ip_arp_requests_sent, ip_ptr.nx_ip_arp_requests_received,
              ip_ptr.nx_ip_arp_responses_sent, ip_ptr.nx_ip_arp_responses_received,
              ip_ptr.nx_ip_arp_dynamic_active_count, ip_ptr.nx_ip_arp_static_entries,
              ip_ptr.nx_ip_arp_aged_entries, ip_ptr.nx_ip_arp_invalid_messages)
    _mutex_put(ip_ptr)
    return result


def _nxe_arp_info_get(ip_ptr: Any) -> tuple:
    if not _valid_ip(ip_ptr):
        return (NX_PTR_ERROR,) + (None,) * 8
    if not _arp_enabled(ip_ptr):
        return (NX_NOT_ENABLED,) + (None,) * 8
    if nx_threads_only_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 8
    return _nx_arp_info_get(ip_ptr)


nx_arp_info_get = c_service(
    "UINT nx_arp_info_get(NX_IP *ip_ptr)",
    nx_service(_nxe_arp_info_get, _nx_arp_info_get))


# ===================================================================== gratuitous ARP
def _nx_arp_announce_send(ip_ptr: Any, interface_index: int) -> int:
    """``_nx_arp_announce_send`` (nx_arp_announce_send.c): broadcast a request whose
    sender and target address are both the interface's address (counted as a request
    sent). Statuses: NX_SUCCESS, NX_NO_PACKET (default pool empty, nothing sent)."""
    status, request = _nx_packet_allocate(ip_ptr.nx_ip_default_packet_pool,
                                          NX_PHYSICAL_HEADER + NX_ARP_MESSAGE_SIZE, NX_NO_WAIT)
    if status != NX_SUCCESS:
        return status
    assert request is not None
    _mutex_get(ip_ptr)
    interface = ip_ptr.nx_ip_interface[interface_index]
    request.nx_packet_interface_ptr = interface
    _count(ip_ptr, "nx_ip_arp_requests_sent")
    request.nx_packet_length = NX_ARP_MESSAGE_SIZE
    request._prepend -= NX_ARP_MESSAGE_SIZE
    address = interface.nx_interface_ip_address & _ULONG
    request.nx_packet_prepend_ptr.write(struct.pack(
        "!HHBBH6sI6sI", NX_ARP_HARDWARE_TYPE, NX_ARP_PROTOCOL_TYPE, NX_ARP_HARDWARE_SIZE,
        NX_ARP_PROTOCOL_SIZE, NX_ARP_OPTION_REQUEST,
        _mac_bytes(interface.nx_interface_physical_address_msw,
                   interface.nx_interface_physical_address_lsw),
        address, b"\x00" * 6, address))
    _ip.ip_driver_request(ip_ptr, interface, NX_LINK_ARP_SEND, request, 0xFFFF, 0xFFFFFFFF)
    _mutex_put(ip_ptr)
    return NX_SUCCESS


def _nx_arp_gratuitous_send(ip_ptr: Any,
                            response_handler: Callable[[Any, NX_PACKET], None] | None) -> int:
    """``nx_arp_gratuitous_send`` (nx_arp_gratuitous_send.c): remember
    ``response_handler`` (called with any later ARP claiming our address from another
    MAC; it must release the packet) and announce each physical interface that has an
    address. An empty default pool silently skips the announcement.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (no
    interface has an address), NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ARP_GRATUITOUS_SEND, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_ARP_EVENTS)
    _arp_fields(ip_ptr)
    _mutex_get(ip_ptr)
    ip_ptr.nx_ip_arp_gratuitous_response_handler = response_handler
    _mutex_put(ip_ptr)
    for index, interface in enumerate(_interfaces(ip_ptr)):
        if interface.nx_interface_ip_address == 0:
            continue
        _nx_arp_announce_send(ip_ptr, index)
    return NX_SUCCESS


def _nxe_arp_gratuitous_send(ip_ptr: Any,
                             response_handler: Callable[[Any, NX_PACKET], None] | None) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not any(interface.nx_interface_ip_address for interface in _interfaces(ip_ptr)):
        return NX_IP_ADDRESS_ERROR
    if not _arp_enabled(ip_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_arp_gratuitous_send(ip_ptr, response_handler)


nx_arp_gratuitous_send = c_service(
    "UINT nx_arp_gratuitous_send(NX_IP *ip_ptr, VOID (*response_handler)(NX_IP *ip_ptr, NX_PACKET *packet_ptr))",
    nx_service(_nxe_arp_gratuitous_send, _nx_arp_gratuitous_send))


__all__ = [
    "nx_arp_static_entry_create", "nx_arp_static_entry_delete",
    "nx_arp_static_entries_delete", "nx_arp_dynamic_entry_set", "nx_arp_entry_delete",
    "nx_arp_dynamic_entries_invalidate", "nx_arp_hardware_address_find",
    "nx_arp_ip_address_find", "nx_arp_info_get", "nx_arp_gratuitous_send",
    "_nx_arp_static_entry_create", "_nx_arp_static_entry_delete",
    "_nx_arp_static_entries_delete", "_nx_arp_dynamic_entry_set", "_nx_arp_entry_delete",
    "_nx_arp_dynamic_entries_invalidate", "_nx_arp_hardware_address_find",
    "_nx_arp_ip_address_find", "_nx_arp_info_get", "_nx_arp_gratuitous_send",
]
