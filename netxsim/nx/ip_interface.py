"""The IP instance's interface, gateway, notification, forwarding and driver services
(netxduo ``nx_ip_interface_*.c``, ``nx_ip_gateway_address_get.c`` / ``_clear.c``,
``nx_ip_address_change_notify.c``, ``nx_ip_link_status_change_notify_set.c``,
``nx_ip_deferred_link_status_process.c``, ``nx_ip_driver_link_status_event.c``,
``nx_ip_forwarding_enable.c`` / ``_disable.c``, ``nx_ip_forward_packet_process.c``,
``nx_ip_max_payload_size_find.c``, ``nx_ip_driver_direct_command.c``, ``nx_ip_driver_interface_direct_command.c``).

``nx_ip_interface_attach``, ``nx_ip_interface_capability_get/set`` and
``nx_ip_auxiliary_packet_pool_set`` live with the build configuration in ``ip.py``; the
number of interface slots is the build's NX_MAX_PHYSICAL_INTERFACES.

Forwarding: with ``nx_ip_forwarding_enable`` a received datagram not addressed to this
instance is routed again, its TTL decremented (the header checksum patched as RFC 1624
does, as NetX does) and sent on; a TTL reaching 0, a multicast or a link-local address
drops it. One that needs fragmenting on the way out is dropped (NetX fragments it with
``_nx_ip_fragment_forward_packet``; not modelled).
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put

from . import ip as _ip
from .config import nx_init_and_threads_caller_error, nx_not_isr_caller_error, nx_service
from .constants import (
    NX_CALLER_ERROR, NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_IP_VERSION_V4, NX_IP_VERSION_V6,
    NX_IPv4_PACKET, NX_NOT_FOUND, NX_NOT_SUPPORTED, NX_PHYSICAL_HEADER, NX_NO_WAIT, NX_PTR_ERROR, NX_SUCCESS,
    NX_TRUE, NX_UNDERFLOW,
)
from .driver import NX_LINK_GET_STATUS, NX_LINK_INTERFACE_DETACH, NX_LINK_SET_PHYSICAL_ADDRESS
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_release

NX_PROTOCOL_TCP = 6
NX_PROTOCOL_UDP = 17


def _physical_count(ip: Any) -> int:
    """The instance's NX_MAX_PHYSICAL_INTERFACES (its slots before the loopback one)."""
    return len(ip.nx_ip_interface) - 1


def _ip_checks(ip_ptr: Any, index: int | None = None, caller: Callable = nx_init_and_threads_caller_error) -> int:
    """The common front-end checks: a created IP, an interface index in range, caller."""
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if index is not None and not 0 <= index < _physical_count(ip_ptr):
        return NX_INVALID_INTERFACE
    if caller(kernel()):
        return NX_CALLER_ERROR
    return NX_SUCCESS


def _locked(ip: Any, action: Callable[[], Any]) -> Any:
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    try:
        return action()
    finally:
        _tx_mutex_put(ip.nx_ip_protection)


# ============================================================================ gateway
def _nx_ip_gateway_address_get(ip_ptr: Any) -> tuple[int, int | None]:
    """``nx_ip_gateway_address_get``: (status, gateway address).

    Statuses: NX_SUCCESS, NX_NOT_FOUND (no gateway set); from the checking layer
    NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    address = _locked(ip_ptr, lambda: ip_ptr.nx_ip_gateway_address)
    return (NX_SUCCESS, address) if address else (NX_NOT_FOUND, None)


def _nxe_ip_gateway_address_get(ip_ptr: Any) -> tuple[int, int | None]:
    status = _ip_checks(ip_ptr)
    return (status, None) if status else _nx_ip_gateway_address_get(ip_ptr)


nx_ip_gateway_address_get = c_service(
    "UINT nx_ip_gateway_address_get(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_gateway_address_get, _nx_ip_gateway_address_get))


def _nx_ip_gateway_address_clear(ip_ptr: Any) -> int:
    """``nx_ip_gateway_address_clear``: no default gateway any more.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    def clear() -> None:
        ip_ptr.nx_ip_gateway_address = 0
        ip_ptr.nx_ip_gateway_interface = None
    _locked(ip_ptr, clear)
    return NX_SUCCESS


def _nxe_ip_gateway_address_clear(ip_ptr: Any) -> int:
    return _ip_checks(ip_ptr) or _nx_ip_gateway_address_clear(ip_ptr)


nx_ip_gateway_address_clear = c_service(
    "UINT nx_ip_gateway_address_clear(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_gateway_address_clear, _nx_ip_gateway_address_clear))


# ====================================================================== notifications
def _nx_ip_address_change_notify(ip_ptr: Any, ip_address_change_notify: Callable[[Any, Any], None] | None,
                                 additional_info: Any) -> int:
    """``nx_ip_address_change_notify``: call ``ip_address_change_notify(ip,
    additional_info)`` after ``nx_ip_address_set`` / ``nx_ip_interface_address_set``
    change an address or mask (None removes it).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    def store() -> None:
        ip_ptr.nx_ip_address_change_notify = ip_address_change_notify
        ip_ptr.nx_ip_address_change_notify_additional_info = additional_info
    _locked(ip_ptr, store)
    return NX_SUCCESS


def _nxe_ip_address_change_notify(ip_ptr: Any, ip_address_change_notify: Callable[[Any, Any], None] | None,
                                  additional_info: Any) -> int:
    return _ip_checks(ip_ptr) or _nx_ip_address_change_notify(ip_ptr, ip_address_change_notify, additional_info)


nx_ip_address_change_notify = c_service(
    "UINT nx_ip_address_change_notify(NX_IP *ip_ptr, VOID (*ip_address_change_notify)(NX_IP *ip_ptr, VOID *additional_info), VOID *additional_info /* or object */)",
    nx_service(_nxe_ip_address_change_notify, _nx_ip_address_change_notify))


def _nx_ip_link_status_change_notify_set(ip_ptr: Any,
                                         link_status_change_notify: Callable[[Any, int, int], None] | None) -> int:
    """``nx_ip_link_status_change_notify_set``: when a driver reports a link change
    (:func:`_nx_ip_driver_link_status_event`), the IP thread asks it for the status
    (NX_LINK_GET_STATUS) and calls ``link_status_change_notify(ip, interface_index,
    link_up)``.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (also a None callback;
    the C front end does not check the IP's ID), NX_CALLER_ERROR.
    """
    ip_ptr.nx_ip_link_status_change_callback = link_status_change_notify
    return NX_SUCCESS


def _nxe_ip_link_status_change_notify_set(ip_ptr: Any,
                                          link_status_change_notify: Callable[[Any, int, int], None] | None) -> int:
    if not isinstance(ip_ptr, _ip.NX_IP) or link_status_change_notify is None:
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_link_status_change_notify_set(ip_ptr, link_status_change_notify)


nx_ip_link_status_change_notify_set = c_service(
    "UINT nx_ip_link_status_change_notify_set(NX_IP *ip_ptr, VOID (*link_status_change_notify)(NX_IP *ip_ptr, UINT interface_index, UINT link_up))",
    nx_service(_nxe_ip_link_status_change_notify_set, _nx_ip_link_status_change_notify_set))


def _nx_ip_driver_link_status_event(ip_ptr: Any, interface_index: int) -> None:
    """``_nx_ip_driver_link_status_event`` (for drivers, any context): mark the interface
    and wake the IP thread with NX_IP_LINK_STATUS_EVENT."""
    ip_ptr.nx_ip_interface[interface_index].nx_interface_link_status_change = NX_TRUE
    _ip.ip_event_set(ip_ptr, _ip.NX_IP_LINK_STATUS_EVENT)


def _nx_ip_deferred_link_status_process(ip_ptr: Any) -> None:
    """``_nx_ip_deferred_link_status_process`` (IP thread): report each marked interface
    to the link status callback (nothing happens, and marks stay, without one)."""
    callback = getattr(ip_ptr, "nx_ip_link_status_change_callback", None)
    if callback is None:
        return
    for index, interface in enumerate(ip_ptr.nx_ip_interface[:_physical_count(ip_ptr)]):
        if interface.nx_interface_valid and interface.nx_interface_link_status_change:
            interface.nx_interface_link_status_change = 0
            request = _ip.ip_driver_request(ip_ptr, interface, NX_LINK_GET_STATUS)
            callback(ip_ptr, index, request.nx_ip_driver_return_ptr[0])


# ========================================================================= forwarding
def _nx_ip_forwarding_enable(ip_ptr: Any) -> int:
    """``nx_ip_forwarding_enable``: route datagrams not addressed to this instance on
    (module docstring). Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR,
    NX_CALLER_ERROR (from an ISR)."""
    ip_ptr.nx_ip_forward_packet_process = _nx_ip_forward_packet_process
    return NX_SUCCESS


def _nxe_ip_forwarding_enable(ip_ptr: Any) -> int:
    return _ip_checks(ip_ptr, caller=nx_not_isr_caller_error) or _nx_ip_forwarding_enable(ip_ptr)


nx_ip_forwarding_enable = c_service(
    "UINT nx_ip_forwarding_enable(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_forwarding_enable, _nx_ip_forwarding_enable))


def _nx_ip_forwarding_disable(ip_ptr: Any) -> int:
    """``nx_ip_forwarding_disable``: drop datagrams not addressed to this instance again
    (the default). Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR,
    NX_CALLER_ERROR (from an ISR)."""
    ip_ptr.nx_ip_forward_packet_process = None
    return NX_SUCCESS


def _nxe_ip_forwarding_disable(ip_ptr: Any) -> int:
    return _ip_checks(ip_ptr, caller=nx_not_isr_caller_error) or _nx_ip_forwarding_disable(ip_ptr)


nx_ip_forwarding_disable = c_service(
    "UINT nx_ip_forwarding_disable(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_forwarding_disable, _nx_ip_forwarding_disable))


def _nx_ip_forward_packet_process(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_ip_forward_packet_process``: send a received datagram (prepend at its IP
    header) on towards its destination."""
    from .route import route_find
    header = bytearray(packet_ptr._mem.read(packet_ptr._prepend, 20))
    source, destination = int.from_bytes(header[12:16], "big"), int.from_bytes(header[16:20], "big")
    if (destination & _ip.NX_IP_CLASS_D_MASK) == _ip.NX_IP_CLASS_D_TYPE \
            or source & 0xFFFF0000 == 0xA9FE0000 or destination & 0xFFFF0000 == 0xA9FE0000:
        _nx_packet_release(packet_ptr)
        return
    status, interface, next_hop = route_find(ip_ptr, destination)
    if status != NX_SUCCESS:
        _nx_packet_release(packet_ptr)
        return
    packet_ptr.nx_packet_interface_ptr = interface
    time_to_live = header[8] - 1
    fragment = int.from_bytes(header[6:8], "big") & _ip.NX_DONT_FRAGMENT
    if time_to_live <= 0:
        ip_ptr.nx_ip_receive_packets_dropped += 1
        _nx_packet_release(packet_ptr)
        return
    old_word = int.from_bytes(header[8:10], "big")
    header[8] = time_to_live
    new_word = int.from_bytes(header[8:10], "big")
    checksum = (~int.from_bytes(header[10:12], "big") & 0xFFFF) + (~old_word & 0xFFFF) + new_word
    checksum = (checksum >> 16) + (checksum & 0xFFFF)
    checksum = (checksum >> 16) + (checksum & 0xFFFF)
    header[10:12] = (~checksum & 0xFFFF).to_bytes(2, "big")
    packet_ptr._mem.write(packet_ptr._prepend, bytes(header))
    if interface.nx_interface_ip_address == destination:
        _ip._nx_ip_packet_deferred_receive(ip_ptr, packet_ptr)
        return
    if _nx_packet_data_adjust(packet_ptr, NX_PHYSICAL_HEADER) != NX_SUCCESS \
            or packet_ptr.nx_packet_length > interface.nx_interface_ip_mtu_size:
        _nx_packet_release(packet_ptr)   # no room for the link header, or needs fragmenting
        return
    packet_ptr.nx_packet_ip_header_length = 20
    _ip._nx_ip_driver_packet_send(ip_ptr, packet_ptr, destination, fragment, next_hop)


def _nx_packet_data_adjust(packet: NX_PACKET, header_size: int) -> int:
    """``_nx_packet_data_adjust``: make ``header_size`` bytes of room before the data,
    moving the data up in its buffer, or (no room there) moving its tail into a new
    buffer of the same pool chained after it. NX_UNDERFLOW for a buffer smaller than
    the room asked, NX_NOT_SUPPORTED for an odd size, or the allocation's status."""
    if packet._end - packet._start < header_size:
        return NX_UNDERFLOW
    headroom = packet._prepend - packet._start
    if headroom >= header_size:
        return NX_SUCCESS
    memory = packet._mem
    if headroom + packet._end - packet._append >= header_size:
        size = packet._append - packet._prepend
        memory.write(packet._start + header_size, memory.read(packet._prepend, size))
        packet._prepend = packet._start + header_size
        packet._append = packet._prepend + size
        return NX_SUCCESS
    if header_size & 1:
        return NX_NOT_SUPPORTED
    overflow = header_size - (headroom + packet._end - packet._append)
    status, extra = _nx_packet_allocate(packet.nx_packet_pool_owner, 0, NX_NO_WAIT)
    if status:
        return status
    memory.write(extra._prepend, memory.read(packet._append - overflow, overflow))
    extra._append = extra._prepend + overflow
    size = packet._append - packet._prepend - overflow
    memory.write(packet._start + header_size, memory.read(packet._prepend, size))
    packet._prepend = packet._start + header_size
    packet._append = packet._prepend + size
    extra.nx_packet_next = packet.nx_packet_next
    packet.nx_packet_next = extra
    if packet.nx_packet_last is None:
        packet.nx_packet_last = extra
    return NX_SUCCESS


# ===================================================================== small services
def _nx_ip_max_payload_size_find(ip_ptr: Any, dest_address: Any, if_index: int, src_port: int, dest_port: int,
                                 protocol: int) -> tuple[int, int | None, int | None]:
    """``nx_ip_max_payload_size_find``: (status, start_offset, payload_length): where a
    TCP or UDP payload starts in a packet and how long it may be without fragmenting
    on interface ``if_index`` (MTU + 16 - start offset; 1460 for TCP on Ethernet).

    Statuses: NX_SUCCESS, NX_INVALID_INTERFACE (index out of range, or the interface
    has no address), NX_IP_ADDRESS_ERROR (IPv6: not modelled); from the checking layer
    NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (version neither 4 nor 6), NX_NOT_SUPPORTED
    (protocol neither TCP nor UDP), NX_CALLER_ERROR.
    """
    if dest_address.nxd_ip_version != NX_IP_VERSION_V4:
        return NX_IP_ADDRESS_ERROR, None, None
    if not 0 <= if_index < _physical_count(ip_ptr) or not ip_ptr.nx_ip_interface[if_index].nx_interface_ip_address:
        return NX_INVALID_INTERFACE, None, None
    start_offset = NX_IPv4_PACKET + (20 if protocol == NX_PROTOCOL_TCP else 8 if protocol == NX_PROTOCOL_UDP else 0)
    payload = ip_ptr.nx_ip_interface[if_index].nx_interface_ip_mtu_size + NX_PHYSICAL_HEADER - start_offset
    return NX_SUCCESS, start_offset, payload


def _nxe_ip_max_payload_size_find(ip_ptr: Any, dest_address: Any, if_index: int, src_port: int, dest_port: int,
                                  protocol: int) -> tuple[int, int | None, int | None]:
    if not _ip._valid_ip(ip_ptr) or dest_address is None:
        return NX_PTR_ERROR, None, None
    if dest_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR, None, None
    if protocol not in (NX_PROTOCOL_TCP, NX_PROTOCOL_UDP):
        return NX_NOT_SUPPORTED, None, None
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR, None, None
    return _nx_ip_max_payload_size_find(ip_ptr, dest_address, if_index, src_port, dest_port, protocol)


nx_ip_max_payload_size_find = c_service(
    "UINT nx_ip_max_payload_size_find(NX_IP *ip_ptr, NXD_ADDRESS *dest_address, UINT if_index, UINT src_port, UINT dest_port, ULONG protocol)",
    nx_service(_nxe_ip_max_payload_size_find, _nx_ip_max_payload_size_find))


def _nx_ip_driver_interface_direct_command(ip_ptr: Any, command: int, interface_index: int) -> tuple[int, int]:
    """``nx_ip_driver_interface_direct_command``: (status, return_value): call interface
    ``interface_index``'s driver with ``command`` under the IP mutex; the status is the
    driver's (NX_UNHANDLED_COMMAND for one it does not know).

    Statuses: the driver's; from the checking layer NX_PTR_ERROR, NX_INVALID_INTERFACE,
    NX_CALLER_ERROR.
    """
    interface = ip_ptr.nx_ip_interface[interface_index]
    request = _locked(ip_ptr, lambda: _ip.ip_driver_request(ip_ptr, interface, command))
    return request.nx_ip_driver_status, request.nx_ip_driver_return_ptr[0]


def _nxe_ip_driver_interface_direct_command(ip_ptr: Any, command: int, interface_index: int) -> tuple[int, Any]:
    status = _ip_checks(ip_ptr, interface_index)
    return (status, None) if status else _nx_ip_driver_interface_direct_command(ip_ptr, command, interface_index)


nx_ip_driver_interface_direct_command = c_service(
    "UINT nx_ip_driver_interface_direct_command(NX_IP *ip_ptr, UINT command, UINT interface_index)",
    nx_service(_nxe_ip_driver_interface_direct_command, _nx_ip_driver_interface_direct_command))


def _nx_ip_driver_direct_command(ip_ptr: Any, command: int) -> tuple[int, int]:
    """``nx_ip_driver_direct_command``: ``nx_ip_driver_interface_direct_command`` on
    interface 0. Statuses: the driver's; from the checking layer NX_PTR_ERROR,
    NX_CALLER_ERROR."""
    return _nx_ip_driver_interface_direct_command(ip_ptr, command, 0)


def _nxe_ip_driver_direct_command(ip_ptr: Any, command: int) -> tuple[int, Any]:
    status = _ip_checks(ip_ptr)
    return (status, None) if status else _nx_ip_driver_direct_command(ip_ptr, command)


nx_ip_driver_direct_command = c_service(
    "UINT nx_ip_driver_direct_command(NX_IP *ip_ptr, UINT command)",
    nx_service(_nxe_ip_driver_direct_command, _nx_ip_driver_direct_command))


# ========================================================================== interfaces
def _nx_ip_interface_info_get(ip_ptr: Any, interface_index: int) -> tuple:
    """``nx_ip_interface_info_get``: (status, name, ip_address, network_mask, mtu_size,
    physical_address_msw, physical_address_lsw).

    Statuses: NX_SUCCESS, NX_INVALID_INTERFACE (not attached); from the checking layer
    NX_PTR_ERROR, NX_INVALID_INTERFACE (index out of range), NX_CALLER_ERROR.
    """
    interface = ip_ptr.nx_ip_interface[interface_index]
    if not interface.nx_interface_valid:
        return (NX_INVALID_INTERFACE,) + (None,) * 6
    return (NX_SUCCESS, interface.nx_interface_name, interface.nx_interface_ip_address,
            interface.nx_interface_ip_network_mask, interface.nx_interface_ip_mtu_size,
            interface.nx_interface_physical_address_msw, interface.nx_interface_physical_address_lsw)


def _nxe_ip_interface_info_get(ip_ptr: Any, interface_index: int) -> tuple:
    status = _ip_checks(ip_ptr, interface_index)
    return (status,) + (None,) * 6 if status else _nx_ip_interface_info_get(ip_ptr, interface_index)


nx_ip_interface_info_get = c_service(
    "UINT nx_ip_interface_info_get(NX_IP *ip_ptr, UINT interface_index)",
    nx_service(_nxe_ip_interface_info_get, _nx_ip_interface_info_get))


def _nx_ip_interface_address_get(ip_ptr: Any, interface_index: int) -> tuple[int, int, int]:
    """``nx_ip_interface_address_get``: (status, ip_address, network_mask).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_INVALID_INTERFACE
    (out of range or not attached), NX_CALLER_ERROR.
    """
    interface = ip_ptr.nx_ip_interface[interface_index]
    return _locked(ip_ptr, lambda: (NX_SUCCESS, interface.nx_interface_ip_address,
                                    interface.nx_interface_ip_network_mask))


def _nxe_ip_interface_address_get(ip_ptr: Any, interface_index: int) -> tuple:
    status = _ip_checks(ip_ptr, interface_index)
    if not status and not ip_ptr.nx_ip_interface[interface_index].nx_interface_valid:
        status = NX_INVALID_INTERFACE
    return (status, None, None) if status else _nx_ip_interface_address_get(ip_ptr, interface_index)


nx_ip_interface_address_get = c_service(
    "UINT nx_ip_interface_address_get(NX_IP *ip_ptr, UINT interface_index)",
    nx_service(_nxe_ip_interface_address_get, _nx_ip_interface_address_get))


def _nx_ip_interface_address_set(ip_ptr: Any, interface_index: int, ip_address: int, network_mask: int) -> int:
    """``nx_ip_interface_address_set``: change an interface's address and mask; the
    address change notify runs (in the caller's context, after the IP mutex is released)
    when either changed.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (not
    class A, B or C; 0 included), NX_INVALID_INTERFACE, NX_CALLER_ERROR.
    """
    interface = ip_ptr.nx_ip_interface[interface_index]

    def change() -> tuple[int, int]:
        previous = (interface.nx_interface_ip_address, interface.nx_interface_ip_network_mask)
        interface.nx_interface_ip_address = ip_address
        interface.nx_interface_ip_network_mask = network_mask
        interface.nx_interface_ip_network = ip_address & network_mask
        return previous
    previous = _locked(ip_ptr, change)
    notify = getattr(ip_ptr, "nx_ip_address_change_notify", None)
    if notify is not None and previous != (ip_address, network_mask):
        notify(ip_ptr, getattr(ip_ptr, "nx_ip_address_change_notify_additional_info", None))
    return NX_SUCCESS


def _class_abc(address: int) -> bool:
    return (address & _ip.NX_IP_CLASS_A_MASK) == _ip.NX_IP_CLASS_A_TYPE \
        or (address & _ip.NX_IP_CLASS_B_MASK) == _ip.NX_IP_CLASS_B_TYPE \
        or (address & _ip.NX_IP_CLASS_C_MASK) == _ip.NX_IP_CLASS_C_TYPE


def _nxe_ip_interface_address_set(ip_ptr: Any, interface_index: int, ip_address: int, network_mask: int) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not _class_abc(ip_address):
        return NX_IP_ADDRESS_ERROR
    status = _ip_checks(ip_ptr, interface_index)
    if not status and not ip_ptr.nx_ip_interface[interface_index].nx_interface_valid:
        status = NX_INVALID_INTERFACE
    return status or _nx_ip_interface_address_set(ip_ptr, interface_index, ip_address, network_mask)


nx_ip_interface_address_set = c_service(
    "UINT nx_ip_interface_address_set(NX_IP *ip_ptr, UINT interface_index, ULONG ip_address, ULONG network_mask)",
    nx_service(_nxe_ip_interface_address_set, _nx_ip_interface_address_set))


def _nx_ip_interface_mtu_set(ip_ptr: Any, interface_index: int, mtu_size: int) -> int:
    """``nx_ip_interface_mtu_set``: the interface's IP MTU (datagrams over it are then
    fragmented, or dropped without fragmentation). Statuses: NX_SUCCESS; from the
    checking layer NX_PTR_ERROR, NX_INVALID_INTERFACE, NX_CALLER_ERROR."""
    _locked(ip_ptr, lambda: setattr(ip_ptr.nx_ip_interface[interface_index], "nx_interface_ip_mtu_size", mtu_size))
    return NX_SUCCESS


def _nxe_ip_interface_mtu_set(ip_ptr: Any, interface_index: int, mtu_size: int) -> int:
    return _ip_checks(ip_ptr, interface_index) or _nx_ip_interface_mtu_set(ip_ptr, interface_index, mtu_size)


nx_ip_interface_mtu_set = c_service(
    "UINT nx_ip_interface_mtu_set(NX_IP *ip_ptr, UINT interface_index, ULONG mtu_size)",
    nx_service(_nxe_ip_interface_mtu_set, _nx_ip_interface_mtu_set))


def _nx_ip_interface_physical_address_get(ip_ptr: Any, interface_index: int) -> tuple[int, int, int]:
    """``nx_ip_interface_physical_address_get``: (status, msw, lsw) of the interface's
    MAC. Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR,
    NX_INVALID_INTERFACE, NX_CALLER_ERROR."""
    interface = ip_ptr.nx_ip_interface[interface_index]
    return _locked(ip_ptr, lambda: (NX_SUCCESS, interface.nx_interface_physical_address_msw,
                                    interface.nx_interface_physical_address_lsw))


def _nxe_ip_interface_physical_address_get(ip_ptr: Any, interface_index: int) -> tuple:
    status = _ip_checks(ip_ptr, interface_index)
    return (status, None, None) if status else _nx_ip_interface_physical_address_get(ip_ptr, interface_index)


nx_ip_interface_physical_address_get = c_service(
    "UINT nx_ip_interface_physical_address_get(NX_IP *ip_ptr, UINT interface_index)",
    nx_service(_nxe_ip_interface_physical_address_get, _nx_ip_interface_physical_address_get))


def _nx_ip_interface_physical_address_set(ip_ptr: Any, interface_index: int, physical_msw: int,
                                          physical_lsw: int, update_driver: int) -> int:
    """``nx_ip_interface_physical_address_set``: a new MAC for the interface; with
    ``update_driver`` NX_TRUE the driver is told first (NX_LINK_SET_PHYSICAL_ADDRESS) and
    the address changes only if it answers NX_SUCCESS.

    Statuses: NX_SUCCESS, or the driver's status; from the checking layer NX_PTR_ERROR,
    NX_INVALID_INTERFACE, NX_CALLER_ERROR.
    """
    interface = ip_ptr.nx_ip_interface[interface_index]

    def change() -> int:
        status = NX_SUCCESS
        if update_driver == NX_TRUE:
            status = _ip.ip_driver_request(ip_ptr, interface, NX_LINK_SET_PHYSICAL_ADDRESS, None, physical_msw,
                                           physical_lsw).nx_ip_driver_status
        if status == NX_SUCCESS:
            interface.nx_interface_physical_address_msw = physical_msw
            interface.nx_interface_physical_address_lsw = physical_lsw
        return status
    return _locked(ip_ptr, change)


def _nxe_ip_interface_physical_address_set(ip_ptr: Any, interface_index: int, physical_msw: int,
                                           physical_lsw: int, update_driver: int) -> int:
    return _ip_checks(ip_ptr, interface_index) or _nx_ip_interface_physical_address_set(
        ip_ptr, interface_index, physical_msw, physical_lsw, update_driver)


nx_ip_interface_physical_address_set = c_service(
    "UINT nx_ip_interface_physical_address_set(NX_IP *ip_ptr, UINT interface_index, ULONG physical_msw, ULONG physical_lsw, UINT update_driver)",
    nx_service(_nxe_ip_interface_physical_address_set, _nx_ip_interface_physical_address_set))


def _nx_ip_interface_address_mapping_configure(ip_ptr: Any, interface_index: int, mapping_needed: int) -> int:
    """``nx_ip_interface_address_mapping_configure``: whether unicast sends on the
    interface resolve MACs with ARP (drivers normally set this at attach).
    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_INVALID_INTERFACE,
    NX_CALLER_ERROR."""
    _locked(ip_ptr, lambda: setattr(ip_ptr.nx_ip_interface[interface_index], "nx_interface_address_mapping_needed",
                                    mapping_needed & 0xFF))
    return NX_SUCCESS


def _nxe_ip_interface_address_mapping_configure(ip_ptr: Any, interface_index: int, mapping_needed: int) -> int:
    return _ip_checks(ip_ptr, interface_index) \
        or _nx_ip_interface_address_mapping_configure(ip_ptr, interface_index, mapping_needed)


nx_ip_interface_address_mapping_configure = c_service(
    "UINT nx_ip_interface_address_mapping_configure(NX_IP *ip_ptr, UINT interface_index, UINT mapping_needed)",
    nx_service(_nxe_ip_interface_address_mapping_configure, _nx_ip_interface_address_mapping_configure))


def _nx_ip_interface_detach(ip_ptr: Any, index: int) -> int:
    """``nx_ip_interface_detach``: reset the TCP connections made over the interface,
    delete its ARP entries, static routes and gateway, tell the driver
    (NX_LINK_INTERFACE_DETACH) and clear the slot.

    Statuses: NX_SUCCESS, NX_INVALID_INTERFACE (not attached); from the checking layer
    NX_PTR_ERROR, NX_INVALID_INTERFACE (out of range), NX_CALLER_ERROR.
    """
    interface = ip_ptr.nx_ip_interface[index]
    if not interface.nx_interface_valid:
        return NX_INVALID_INTERFACE
    from .tcp_socket import _nx_tcp_socket_connection_reset

    def reset_connections() -> None:
        for socket in list(getattr(ip_ptr, "nx_ip_tcp_created_sockets", [])):
            if getattr(socket, "nx_tcp_socket_connect_interface", None) is interface:
                _nx_tcp_socket_connection_reset(socket)
    _locked(ip_ptr, reset_connections)
    if ip_ptr.nx_ip_arp_enabled:
        _locked(ip_ptr, lambda: _arp_interface_entries_delete(ip_ptr, interface))

    def detach() -> None:
        from .route import routing_table
        table = routing_table(ip_ptr)
        table[:] = [e for e in table if e.nx_ip_routing_entry_ip_interface is not interface]
        if ip_ptr.nx_ip_gateway_interface is interface:
            ip_ptr.nx_ip_gateway_interface = None
            ip_ptr.nx_ip_gateway_address = 0
        _ip.ip_driver_request(ip_ptr, interface, NX_LINK_INTERFACE_DETACH)
    _locked(ip_ptr, detach)
    interface.__init__(index)
    interface.nx_interface_ip_instance = ip_ptr
    return NX_SUCCESS


def _arp_interface_entries_delete(ip: Any, interface: Any) -> None:
    """``_nx_arp_interface_entries_delete``: the interface's dynamic entries are freed
    (their queued packets released) and its static entries deleted."""
    from . import arp
    entry = ip.nx_ip_arp_dynamic_list
    while entry is not None and ip.nx_ip_arp_dynamic_active_count:
        if entry.nx_arp_ip_interface is interface:
            arp._nx_arp_dynamic_entry_delete(ip, entry)
            entry.nx_arp_ip_interface = None
        if entry.nx_arp_pool_next is ip.nx_ip_arp_dynamic_list:
            break
        entry = entry.nx_arp_pool_next
    following = ip.nx_ip_arp_static_list
    if following is not None:
        last = following.nx_arp_pool_previous
        while following is not None:
            entry = following
            following = following.nx_arp_pool_next
            if entry.nx_arp_ip_interface is interface:
                arp._nx_arp_static_entry_delete_internal(ip, entry)
            if entry is last:
                break


def _nxe_ip_interface_detach(ip_ptr: Any, index: int) -> int:
    return _ip_checks(ip_ptr, index) or _nx_ip_interface_detach(ip_ptr, index)


nx_ip_interface_detach = c_service(
    "UINT nx_ip_interface_detach(NX_IP *ip_ptr, UINT index)",
    nx_service(_nxe_ip_interface_detach, _nx_ip_interface_detach))


__all__ = [name for name in dir() if name.startswith(("nx_ip_", "_nx_ip_"))] + ["NX_PROTOCOL_TCP", "NX_PROTOCOL_UDP"]
