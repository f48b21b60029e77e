"""IPv4 route selection with a caller-chosen interface, and NetX's static routing
table (netxduo ``nx_ip_route_find.c``, ``nx_ip_static_route_add.c``,
``nx_ip_static_route_delete.c``).

:func:`route_find` is ``_nx_ip_route_find`` as the C has it: the caller may fix the
interface first (``nx_udp_socket_source_send`` does), in which case only routes leaving
through that interface count. The order is: broadcast/multicast, one of our own
addresses, the static routing table (when built in), a directly attached network
(loopback last), link-local 169.254/16, the default gateway.

The static routing table exists with the build option ``NX_ENABLE_IP_STATIC_ROUTING``
(``NxConfig``; off by default as in NetX): without it the static route services return
NX_NOT_SUPPORTED, as the default C build does.
"""
from __future__ import annotations

from typing import Any

from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put

from . import ip as _ip
from . import trace as _nxt
from ..tx import trace as _trace
from .config import NxConfig, nx_init_and_threads_caller_error, nx_service
from .constants import (NX_CALLER_ERROR, NX_IP_ADDRESS_ERROR, NX_NOT_SUCCESSFUL, NX_NOT_SUPPORTED, NX_OVERFLOW,
                        NX_PTR_ERROR, NX_SUCCESS)

NX_IP_ROUTING_TABLE_SIZE = 8
_LINK_LOCAL = 0xA9FE0000


class NX_IP_ROUTING_ENTRY:
    """``NX_IP_ROUTING_ENTRY``: one static route."""

    def __init__(self, dest: int, mask: int, next_hop: int, interface: Any) -> None:
        self.nx_ip_routing_dest_ip = dest
        self.nx_ip_routing_net_mask = mask
        self.nx_ip_routing_next_hop_address = next_hop
        self.nx_ip_routing_entry_ip_interface = interface

    def __repr__(self) -> str:
        return (f"<route {_ip._dotted(self.nx_ip_routing_dest_ip)}/{_ip._dotted(self.nx_ip_routing_net_mask)}"
                f" via {_ip._dotted(self.nx_ip_routing_next_hop_address)}>")


def routing_table(ip: Any) -> list[NX_IP_ROUTING_ENTRY]:
    """The instance's static routes, most specific first (empty after nx_ip_create)."""
    incarnation = ip.nx_ip_protection
    if getattr(ip, "_nx_route_incarnation", None) is not incarnation:
        ip._nx_route_incarnation = incarnation
        ip.nx_ip_routing_table = []
    return ip.nx_ip_routing_table


def _physical(ip: Any) -> list:
    return ip.nx_ip_interface[:-1]   # the loopback interface is the last slot


def route_find(ip: Any, destination: int, interface: Any = None) -> tuple[int, Any, int]:
    """``_nx_ip_route_find``: (status, interface, next_hop). ``interface`` is the one the
    caller fixed (None: any). On NX_IP_ADDRESS_ERROR the interface returned is the one
    given (C leaves the caller's pointer as it was) and the next hop 0."""
    interfaces = ip.nx_ip_interface
    if destination == _ip.NX_IP_LIMITED_BROADCAST or \
            (destination & _ip.NX_IP_CLASS_D_MASK) == _ip.NX_IP_CLASS_D_TYPE:
        if interface is None:
            for candidate in _physical(ip):
                if candidate.nx_interface_link_up:
                    return NX_SUCCESS, candidate, destination
        elif interface.nx_interface_link_up:
            return NX_SUCCESS, interface, destination
        return NX_IP_ADDRESS_ERROR, interface, 0
    loopback = interfaces[-1]
    for candidate in interfaces:
        if candidate is loopback:
            break
        if candidate.nx_interface_ip_address == destination and candidate.nx_interface_valid \
                and candidate.nx_interface_link_up and (interface is None or interface is candidate):
            return NX_SUCCESS, candidate, destination
    if NxConfig.active.NX_ENABLE_IP_STATIC_ROUTING:
        for entry in routing_table(ip):
            via = entry.nx_ip_routing_entry_ip_interface
            if not via.nx_interface_link_up:
                continue
            if entry.nx_ip_routing_dest_ip == destination & entry.nx_ip_routing_net_mask:
                if via.nx_interface_ip_network != \
                        entry.nx_ip_routing_next_hop_address & via.nx_interface_ip_network_mask:
                    continue
                if interface is not None and interface is not via:
                    continue
                return NX_SUCCESS, via, entry.nx_ip_routing_next_hop_address
    up = [i for i in interfaces if i.nx_interface_valid and i.nx_interface_link_up]
    for candidate in up:
        if candidate.nx_interface_ip_network_mask & destination == candidate.nx_interface_ip_network:
            if interface is None or candidate is loopback:
                return NX_SUCCESS, candidate, destination
            if interface is not candidate:
                continue
            return NX_SUCCESS, candidate, destination
    if destination & 0xFFFF0000 == _LINK_LOCAL:
        if interface is not None:
            if interface.nx_interface_valid and interface.nx_interface_link_up:
                return NX_SUCCESS, interface, destination
        elif up:
            return NX_SUCCESS, up[0], destination
    gateway_interface = ip.nx_ip_gateway_interface
    if ip.nx_ip_gateway_address and gateway_interface is not None and gateway_interface.nx_interface_link_up:
        if gateway_interface.nx_interface_ip_network != \
                ip.nx_ip_gateway_address & gateway_interface.nx_interface_ip_network_mask:
            return NX_IP_ADDRESS_ERROR, interface, 0
        if interface is not None and interface is not gateway_interface:
            return NX_IP_ADDRESS_ERROR, interface, 0
        return NX_SUCCESS, gateway_interface, ip.nx_ip_gateway_address
    if interface is not None:
        if interface.nx_interface_valid and interface.nx_interface_link_up \
                and interface.nx_interface_ip_address & 0xFFFF0000 == _LINK_LOCAL:
            return NX_SUCCESS, interface, destination
    else:
        for candidate in up:
            if candidate.nx_interface_ip_address & 0xFFFF0000 == _LINK_LOCAL:
                return NX_SUCCESS, candidate, destination
    return NX_IP_ADDRESS_ERROR, interface, 0


# ===================================================================== static routes
def _nx_ip_static_route_add(ip_ptr: Any, network_address: int, net_mask: int, next_hop: int) -> int:
    """``nx_ip_static_route_add`` (nx_ip_static_route_add.c): route ``network_address`` /
    ``net_mask`` via ``next_hop``, which must be on an attached network. An existing
    entry for the same network and mask gets the new next hop; otherwise the entry is
    inserted before the first less specific one (NX_IP_ROUTING_TABLE_SIZE = 8 entries).

    Statuses: NX_SUCCESS, NX_IP_ADDRESS_ERROR (next hop not on an attached network),
    NX_OVERFLOW (table full), NX_NOT_SUPPORTED (NX_ENABLE_IP_STATIC_ROUTING off, the
    default); from the checking layer NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    if not NxConfig.active.NX_ENABLE_IP_STATIC_ROUTING:
        return NX_NOT_SUPPORTED
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_STATIC_ROUTE_ADD, ip_ptr, network_address, net_mask, next_hop,
                  _nxt.NX_TRACE_IP_EVENTS)
    table = routing_table(ip_ptr)
    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    try:
        via = next((i for i in ip_ptr.nx_ip_interface if i.nx_interface_valid
                    and next_hop & i.nx_interface_ip_network_mask == i.nx_interface_ip_network), None)
        if via is None:
            return NX_IP_ADDRESS_ERROR
        network_address &= net_mask
        position = len(table)
        for index, entry in enumerate(table):
            if entry.nx_ip_routing_dest_ip == network_address and entry.nx_ip_routing_net_mask == net_mask:
                entry.nx_ip_routing_next_hop_address = next_hop
                return NX_SUCCESS
            if entry.nx_ip_routing_net_mask <= net_mask:
                position = index
                break
        if len(table) >= NX_IP_ROUTING_TABLE_SIZE:
            return NX_OVERFLOW
        table.insert(position, NX_IP_ROUTING_ENTRY(network_address, net_mask, next_hop, via))
        return NX_SUCCESS
    finally:
        _tx_mutex_put(ip_ptr.nx_ip_protection)


def _nxe_ip_static_route_add(ip_ptr: Any, network_address: int, net_mask: int, next_hop: int) -> int:
    if not NxConfig.active.NX_ENABLE_IP_STATIC_ROUTING:
        return NX_NOT_SUPPORTED
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_static_route_add(ip_ptr, network_address, net_mask, next_hop)


nx_ip_static_route_add = c_service(
    "UINT nx_ip_static_route_add(NX_IP *ip_ptr, ULONG network_address, ULONG net_mask, ULONG next_hop)",
    nx_service(_nxe_ip_static_route_add, _nx_ip_static_route_add))


def _nx_ip_static_route_delete(ip_ptr: Any, network_address: int, net_mask: int) -> int:
    """``nx_ip_static_route_delete`` (nx_ip_static_route_delete.c): remove the route for
    ``network_address`` / ``net_mask``.

    Statuses: NX_SUCCESS (also when the table is empty), NX_NOT_SUCCESSFUL (no such
    route), NX_NOT_SUPPORTED (NX_ENABLE_IP_STATIC_ROUTING off); from the checking layer
    NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    if not NxConfig.active.NX_ENABLE_IP_STATIC_ROUTING:
        return NX_NOT_SUPPORTED
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_STATIC_ROUTE_DELETE, ip_ptr, network_address, net_mask, 0,
                  _nxt.NX_TRACE_IP_EVENTS)
    table = routing_table(ip_ptr)
    network_address &= net_mask
    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    try:
        if not table:
            return NX_SUCCESS
        for entry in table:
            if entry.nx_ip_routing_dest_ip == network_address and entry.nx_ip_routing_net_mask == net_mask:
                table.remove(entry)
                return NX_SUCCESS
        return NX_NOT_SUCCESSFUL
    finally:
        _tx_mutex_put(ip_ptr.nx_ip_protection)


def _nxe_ip_static_route_delete(ip_ptr: Any, network_address: int, net_mask: int) -> int:
    if not NxConfig.active.NX_ENABLE_IP_STATIC_ROUTING:
        return NX_NOT_SUPPORTED
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_static_route_delete(ip_ptr, network_address, net_mask)


nx_ip_static_route_delete = c_service(
    "UINT nx_ip_static_route_delete(NX_IP *ip_ptr, ULONG network_address, ULONG net_mask)",
    nx_service(_nxe_ip_static_route_delete, _nx_ip_static_route_delete))


__all__ = ["NX_IP_ROUTING_ENTRY", "NX_IP_ROUTING_TABLE_SIZE", "nx_ip_static_route_add",
           "nx_ip_static_route_delete", "_nx_ip_static_route_add", "_nx_ip_static_route_delete"]
