"""The dual-stack ICMP entry points for IPv4 destinations (netxduo ``nxd_icmp_enable.c``,
``nxd_icmp_ping.c``, ``nxd_icmp_source_ping.c``; checks in ``nxde_icmp_*.c``) and the
``*_interface_send`` / ``nxd_icmp_interface_ping`` names nx_api.h maps onto other services.

IPv6 is not modelled: an IPv6 NXD_ADDRESS gets what a NetX built without IPv6 returns
(NX_NOT_ENABLED, or NX_INVALID_INTERFACE for a source ping), and ``nxd_icmp_enable``
enables ICMPv4 only.
"""
from __future__ import annotations

from typing import Any

from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service

from . import icmp as _icmp, ip as _ip
from . import trace as _nxt
from ..tx import trace as _trace
from .config import nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error
from .constants import (NX_CALLER_ERROR, NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_IP_VERSION_V4,
                        NX_IP_VERSION_V6, NX_NOT_ENABLED, NX_NOT_SUPPORTED, NX_PTR_ERROR, NX_SUCCESS)
from .packet import NX_PACKET
from . import udp as _udp
from .udp import NX_UDP_SOCKET  # noqa: F401  (named by the prototypes)


def _nxd_icmp_enable(ip_ptr: Any) -> int:
    """``nxd_icmp_enable``: ICMP for both IP versions; here ICMPv4 (``nx_icmp_enable``'s
    effect). Unlike ``nx_icmp_enable`` it may be called again (no NX_ALREADY_ENABLED).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    from netxsim.tx.constants import TX_WAIT_FOREVER
    from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NXD_TRACE_ICMP_ENABLE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_ICMP_EVENTS)
    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    _icmp._nx_icmp_enable(ip_ptr)
    _tx_mutex_put(ip_ptr.nx_ip_protection)
    return NX_SUCCESS


def _nxde_icmp_enable(ip_ptr: Any) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nxd_icmp_enable(ip_ptr)


nxd_icmp_enable = c_service(
    "UINT nxd_icmp_enable(NX_IP *ip_ptr)",
    nx_service(_nxde_icmp_enable, _nxd_icmp_enable, name="nxd_icmp_enable"))


def _nxd_icmp_ping(ip_ptr: Any, ip_address: Any, data_ptr: Any, data_size: int,
                   wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nxd_icmp_ping``: ``nx_icmp_ping`` to an NXD_ADDRESS; returns (status, response).

    Statuses: those of ``nx_icmp_ping``, NX_NOT_SUPPORTED (IPv6); from the checking layer
    NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (no address, or a version neither 4 nor 6),
    NX_NOT_ENABLED (ICMP not enabled; IPv6), NX_CALLER_ERROR.
    """
    if ip_address.nxd_ip_version != NX_IP_VERSION_V4:
        return NX_NOT_SUPPORTED, None
    return _icmp._nx_icmp_ping(ip_ptr, ip_address.nxd_ip_address.v4, data_ptr, data_size, wait_option)


def _nxde_icmp_ping(ip_ptr: Any, ip_address: Any, data_ptr: Any, data_size: int,
                    wait_option: int) -> tuple[int, NX_PACKET | None]:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR, None
    if ip_address is None or ip_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR, None
    if ip_address.nxd_ip_version == NX_IP_VERSION_V6 or getattr(ip_ptr, "nx_ip_icmpv4_packet_process", None) is None:
        return NX_NOT_ENABLED, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nxd_icmp_ping(ip_ptr, ip_address, data_ptr, data_size, wait_option)


nxd_icmp_ping = c_service(
    "UINT nxd_icmp_ping(NX_IP *ip_ptr, NXD_ADDRESS *ip_address, CHAR *data_ptr, ULONG data_size, ULONG wait_option)",
    nx_service(_nxde_icmp_ping, _nxd_icmp_ping, name="nxd_icmp_ping"))


def _nxd_icmp_source_ping(ip_ptr: Any, ip_address: Any, address_index: int, data_ptr: Any, data_size: int,
                          wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nxd_icmp_source_ping`` (also ``nxd_icmp_interface_ping``): ping from interface
    ``address_index``; the route is looked up on that interface (a zero next hop when
    there is none: the request is then dropped, and the ping times out, as in C).

    Statuses: those of ``nx_icmp_ping``, NX_NOT_SUPPORTED (IPv6); from the checking layer
    NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_INVALID_INTERFACE, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    from .route import route_find
    if ip_address.nxd_ip_version != NX_IP_VERSION_V4:
        return NX_NOT_SUPPORTED, None
    if data_ptr is None and data_size:
        return NX_PTR_ERROR, None   # as nx_icmp_ping: the C would copy from address 0
    destination = ip_address.nxd_ip_address.v4
    _, interface, next_hop = route_find(ip_ptr, destination, ip_ptr.nx_ip_interface[address_index])
    return _icmp._nx_icmp_interface_ping(ip_ptr, destination, interface, next_hop, data_ptr, data_size,
                                         wait_option)


def _nxde_icmp_source_ping(ip_ptr: Any, ip_address: Any, address_index: int, data_ptr: Any, data_size: int,
                           wait_option: int) -> tuple[int, NX_PACKET | None]:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR, None
    if ip_address is None or ip_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR, None
    if ip_address.nxd_ip_version == NX_IP_VERSION_V6 or not 0 <= address_index < len(ip_ptr.nx_ip_interface):
        return NX_INVALID_INTERFACE, None
    if getattr(ip_ptr, "nx_ip_icmpv4_packet_process", None) is None:
        return NX_NOT_ENABLED, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nxd_icmp_source_ping(ip_ptr, ip_address, address_index, data_ptr, data_size, wait_option)


nxd_icmp_source_ping = c_service(
    "UINT nxd_icmp_source_ping(NX_IP *ip_ptr, NXD_ADDRESS *ip_address, UINT address_index, CHAR *data_ptr, ULONG data_size, ULONG wait_option)",
    nx_service(_nxde_icmp_source_ping, _nxd_icmp_source_ping, name="nxd_icmp_source_ping"))
# nx_api.h maps these names onto the services above.
nxd_icmp_interface_ping = c_service(
    "UINT nxd_icmp_interface_ping(NX_IP *ip_ptr, NXD_ADDRESS *ip_address, UINT address_index, CHAR *data_ptr, ULONG data_size, ULONG wait_option)",
    nx_service(_nxde_icmp_source_ping, _nxd_icmp_source_ping, name="nxd_icmp_interface_ping"))
nx_udp_socket_interface_send = c_service(
    "UINT nx_udp_socket_interface_send(NX_UDP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, ULONG ip_address, UINT port, UINT address_index)",
    nx_service(_udp._nxe_udp_socket_source_send, _udp._nx_udp_socket_source_send,
               name="nx_udp_socket_interface_send"))
nxd_udp_socket_interface_send = c_service(
    "UINT nxd_udp_socket_interface_send(NX_UDP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, NXD_ADDRESS *ip_address, UINT port, UINT address_index)",
    nx_service(_udp._nxde_udp_socket_source_send, _udp._nxd_udp_socket_source_send,
               name="nxd_udp_socket_interface_send"))

__all__ = ["nxd_icmp_enable", "nxd_icmp_ping", "nxd_icmp_source_ping", "nxd_icmp_interface_ping",
           "nx_udp_socket_interface_send", "nxd_udp_socket_interface_send", "_nxd_icmp_enable",
           "_nxd_icmp_ping", "_nxd_icmp_source_ping"]
