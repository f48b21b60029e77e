"""The IP instance's services besides create and the packet paths: addresses and the
gateway (``nx_ip_address_get.c``, ``nx_ip_address_set.c``, ``nx_ip_gateway_address_set.c``),
status checks (``nx_ip_interface_status_check.c``, ``nx_ip_status_check.c``), a second
interface (``nx_ip_interface_attach.c``), the auxiliary packet pool, interface
capabilities, statistics (``nx_ip_info_get.c``) and ``nx_ip_delete.c``.

Split from :mod:`netxsim.nx.ip`, which re-exports every name defined here.
"""
from __future__ import annotations

from typing import Callable

from netxsim.boundary import c_service
from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
from netxsim.tx.thread import _tx_thread_sleep

from .config import NxConfig, nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error
from .constants import (
    NX_CALLER_ERROR, NX_DUPLICATED_ENTRY, NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_NO_MORE_ENTRIES,
    NX_NOT_SUCCESSFUL, NX_NOT_SUPPORTED, NX_OPTION_ERROR, NX_PTR_ERROR, NX_SOCKETS_BOUND, NX_SUCCESS,
    NX_UNHANDLED_COMMAND, NX_WAIT_FOREVER,
)
from .driver import (NX_IP_DRIVER, NX_LINK_DISABLE, NX_LINK_ENABLE, NX_LINK_GET_STATUS, NX_LINK_INITIALIZE,
                     NX_LINK_INTERFACE_ATTACH, NX_LINK_UNINITIALIZE)
from .ip import (
    NX_INTERFACE, NX_IP, NX_IP_ADDRESS_RESOLVED, NX_IP_ARP_ENABLED, NX_IP_CLASS_A_MASK, NX_IP_CLASS_A_TYPE,
    NX_IP_CLASS_B_MASK, NX_IP_CLASS_B_TYPE, NX_IP_CLASS_C_MASK, NX_IP_CLASS_C_TYPE, NX_IP_CLASS_D_MASK,
    NX_IP_CLASS_D_TYPE, NX_IP_INITIALIZE_DONE, NX_IP_INTERFACE_LINK_ENABLED, NX_IP_LINK_ENABLED,
    NX_IP_RARP_COMPLETE, NX_IP_STATUS_CHECK_WAIT_TIME, NX_IP_TCP_ENABLED, NX_IP_UDP_ENABLED, _ALL_STATUS_BITS,
    _created_ips, _valid_ip, ip_driver_request,
)
from .packet import NX_PACKET_POOL, _nx_packet_release
from ..tx import trace as _trace
from . import trace as _nxt


# ------------------------------------------------------------ addresses and status
def _nx_ip_address_get(ip: NX_IP) -> tuple[int, int, int]:
    """``nx_ip_address_get``: (status, ip_address, network_mask) of interface 0.

    Statuses: NX_SUCCESS, NX_PTR_ERROR, NX_CALLER_ERROR (from an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_ADDRESS_GET, ip, ip.nx_ip_interface[0].nx_interface_ip_address,
                  ip.nx_ip_interface[0].nx_interface_ip_network_mask, 0, _nxt.NX_TRACE_IP_EVENTS)
    primary = ip.nx_ip_interface[0]
    return NX_SUCCESS, primary.nx_interface_ip_address, primary.nx_interface_ip_network_mask


def _nxe_ip_address_get(ip: NX_IP) -> tuple:
    if not _valid_ip(ip):
        return NX_PTR_ERROR, None, None
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR, None, None
    return _nx_ip_address_get(ip)


nx_ip_address_get = c_service(
    "UINT nx_ip_address_get(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_address_get, _nx_ip_address_get))


def _nx_ip_address_set(ip: NX_IP, ip_address: int, network_mask: int) -> int:
    """``nx_ip_address_set``: change interface 0's address and mask.

    Statuses: NX_SUCCESS, NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_CALLER_ERROR. As in C this
    is ``nx_ip_interface_address_set`` on interface 0 (the address change notify runs).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_ADDRESS_SET, ip, ip_address, network_mask, 0, _nxt.NX_TRACE_IP_EVENTS)
    from .ip_interface import _nx_ip_interface_address_set
    return _nx_ip_interface_address_set(ip, 0, ip_address, network_mask)


def _nxe_ip_address_set(ip: NX_IP, ip_address: int, network_mask: int) -> int:
    if not _valid_ip(ip):
        return NX_PTR_ERROR
    if ip_address != 0 and (ip_address & NX_IP_CLASS_A_MASK) != NX_IP_CLASS_A_TYPE \
            and (ip_address & NX_IP_CLASS_B_MASK) != NX_IP_CLASS_B_TYPE \
            and (ip_address & NX_IP_CLASS_C_MASK) != NX_IP_CLASS_C_TYPE:
        return NX_IP_ADDRESS_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_address_set(ip, ip_address, network_mask)


nx_ip_address_set = c_service(
    "UINT nx_ip_address_set(NX_IP *ip_ptr, ULONG ip_address, ULONG network_mask)",
    nx_service(_nxe_ip_address_set, _nx_ip_address_set))


def _nx_ip_gateway_address_set(ip: NX_IP, ip_address: int) -> int:
    """``nx_ip_gateway_address_set``: the default gateway, which must be on a local network.

    Statuses: NX_SUCCESS, NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (not reachable on any
    interface), NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_GATEWAY_ADDRESS_SET, ip, ip_address, 0, 0, _nxt.NX_TRACE_IP_EVENTS)
    for interface in ip.nx_ip_interface[:-1]:
        if interface.nx_interface_valid and \
                (ip_address & interface.nx_interface_ip_network_mask) == interface.nx_interface_ip_network:
            ip.nx_ip_gateway_address = ip_address
            ip.nx_ip_gateway_interface = interface
            return NX_SUCCESS
    return NX_IP_ADDRESS_ERROR


def _nxe_ip_gateway_address_set(ip: NX_IP, ip_address: int) -> int:
    if not _valid_ip(ip):
        return NX_PTR_ERROR
    if ip_address == 0 or (ip_address & NX_IP_CLASS_D_MASK) == NX_IP_CLASS_D_TYPE:
        return NX_IP_ADDRESS_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_gateway_address_set(ip, ip_address)


nx_ip_gateway_address_set = c_service(
    "UINT nx_ip_gateway_address_set(NX_IP *ip_ptr, ULONG ip_address)",
    nx_service(_nxe_ip_gateway_address_set, _nx_ip_gateway_address_set))


def _status_bits(ip: NX_IP, interface: NX_INTERFACE, needed: int) -> int | None:
    """The needed bits present now, or None when the interface has no driver."""
    actual = 0
    if needed & NX_IP_INITIALIZE_DONE and ip.nx_ip_initialize_done:
        actual |= NX_IP_INITIALIZE_DONE
    if needed & (NX_IP_ADDRESS_RESOLVED | NX_IP_RARP_COMPLETE) and interface.nx_interface_ip_address:
        actual |= needed & (NX_IP_ADDRESS_RESOLVED | NX_IP_RARP_COMPLETE)
    if needed & (NX_IP_LINK_ENABLED | NX_IP_INTERFACE_LINK_ENABLED):
        if interface.nx_interface_link_driver_entry is None:
            return None
        # NetX asks the driver, under the IP mutex; a driver that cannot tell is
        # answered by the interface's own flag.
        _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
        tb = _trace.active
        if tb is not None:
            tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_GET_STATUS, ip, 0, 0, 0, _nxt.NX_TRACE_INTERNAL_EVENTS)
        request = ip_driver_request(ip, interface, NX_LINK_GET_STATUS)
        _tx_mutex_put(ip.nx_ip_protection)
        if request.nx_ip_driver_status == NX_SUCCESS:
            up = request.nx_ip_driver_return_ptr is not None and request.nx_ip_driver_return_ptr[0] == 1
        else:
            up = request.nx_ip_driver_status == NX_UNHANDLED_COMMAND and bool(interface.nx_interface_link_up)
        if up:
            actual |= needed & (NX_IP_LINK_ENABLED | NX_IP_INTERFACE_LINK_ENABLED)
    if needed & NX_IP_ARP_ENABLED and ip.nx_ip_arp_periodic_update is not None:
        actual |= NX_IP_ARP_ENABLED
    if needed & NX_IP_UDP_ENABLED and ip.nx_ip_udp_enabled:
        actual |= NX_IP_UDP_ENABLED
    if needed & NX_IP_TCP_ENABLED and ip.nx_ip_tcp_enabled:
        actual |= NX_IP_TCP_ENABLED
    return actual


def _nx_ip_interface_status_check(ip: NX_IP, interface_index: int, needed_status: int,
                                  wait_option: int) -> tuple[int, int | None]:
    """``nx_ip_interface_status_check``: (status, actual_status). Polls every tick
    (NX_IP_STATUS_CHECK_WAIT_TIME) until every needed bit is present or ``wait_option``
    ticks are used up.

    Statuses: NX_SUCCESS, NX_NOT_SUCCESSFUL (with the bits found), NX_PTR_ERROR,
    NX_INVALID_INTERFACE, NX_CALLER_ERROR (not from a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_STATUS_CHECK, ip, needed_status, 0, wait_option, _nxt.NX_TRACE_IP_EVENTS)
    interface = ip.nx_ip_interface[interface_index]
    remaining = wait_option
    while True:
        actual = _status_bits(ip, interface, needed_status)
        if actual is None:
            return NX_NOT_SUCCESSFUL, 0
        if actual & needed_status == needed_status:
            return NX_SUCCESS, actual
        if remaining == 0:
            return NX_NOT_SUCCESSFUL, actual
        _tx_thread_sleep(NX_IP_STATUS_CHECK_WAIT_TIME)
        if remaining != NX_WAIT_FOREVER:
            remaining = max(remaining - NX_IP_STATUS_CHECK_WAIT_TIME, 0)


def _nxe_ip_interface_status_check(ip: NX_IP, interface_index: int, needed_status: int,
                                   wait_option: int) -> tuple[int, int | None]:
    if not _valid_ip(ip):
        return NX_PTR_ERROR, None
    if needed_status & ~_ALL_STATUS_BITS:
        return NX_OPTION_ERROR, None
    if not 0 <= interface_index < ip.nx_config.NX_MAX_PHYSICAL_INTERFACES \
            or not ip.nx_ip_interface[interface_index].nx_interface_valid:
        return NX_INVALID_INTERFACE, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_ip_interface_status_check(ip, interface_index, needed_status, wait_option)


nx_ip_interface_status_check = c_service(
    "UINT nx_ip_interface_status_check(NX_IP *ip_ptr, UINT interface_index, ULONG needed_status, ULONG wait_option)",
    nx_service(_nxe_ip_interface_status_check, _nx_ip_interface_status_check))


def _nx_ip_status_check(ip: NX_IP, needed_status: int, wait_option: int) -> tuple[int, int | None]:
    """``nx_ip_status_check``: ``nx_ip_interface_status_check`` on interface 0.

    Statuses: NX_SUCCESS, NX_NOT_SUCCESSFUL, NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    return _nx_ip_interface_status_check(ip, 0, needed_status, wait_option)


def _nxe_ip_status_check(ip: NX_IP, needed_status: int, wait_option: int) -> tuple[int, int | None]:
    if not _valid_ip(ip):
        return NX_PTR_ERROR, None
    if needed_status & ~_ALL_STATUS_BITS:
        return NX_OPTION_ERROR, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_ip_status_check(ip, needed_status, wait_option)


nx_ip_status_check = c_service(
    "UINT nx_ip_status_check(NX_IP *ip_ptr, ULONG needed_status, ULONG wait_option)",
    nx_service(_nxe_ip_status_check, _nx_ip_status_check))


# ---------------------------------------------------------------- interface attach
def _nx_ip_interface_attach(ip: NX_IP, interface_name: str, ip_address: int, network_mask: int,
                            ip_link_driver: Callable[[NX_IP_DRIVER], None]) -> int:
    """``nx_ip_interface_attach`` (nx_ip_interface_attach.c): put a second (third, ...)
    physical interface in the first free slot of the NX_MAX_PHYSICAL_INTERFACES. Before
    the IP thread has run, its driver is started with interface 0's; afterwards it is
    attached, initialised and enabled at once. (NetX's IPv6 all-nodes multicast join
    that follows is not modelled: the stack has no IPv6.)

    Statuses: NX_SUCCESS, NX_DUPLICATED_ENTRY (an interface already has the address),
    NX_NO_MORE_ENTRIES (every slot used: with the default build's one interface, always);
    from the checking layer NX_PTR_ERROR, NX_IP_ADDRESS_ERROR, NX_CALLER_ERROR.
    """
    physical = ip.nx_ip_interface[:-1]
    if ip_address and any(i.nx_interface_ip_address == ip_address for i in physical):
        return NX_DUPLICATED_ENTRY
    interface = next((i for i in physical if not i.nx_interface_valid), None)
    if interface is None:
        return NX_NO_MORE_ENTRIES
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    interface.nx_interface_valid = 1
    interface.nx_interface_ip_address = ip_address
    interface.nx_interface_ip_network_mask = network_mask
    interface.nx_interface_ip_network = ip_address & network_mask
    interface.nx_interface_link_driver_entry = ip_link_driver
    interface.nx_interface_name = interface_name if isinstance(interface_name, str) else bytes(interface_name).decode()
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_INTERFACE_ATTACH, ip, ip_address, physical.index(interface), 0,
                  _nxt.NX_TRACE_IP_EVENTS)
    if ip.nx_ip_initialize_done:
        interface.nx_interface_capability_flag = 0
        for command in (NX_LINK_INTERFACE_ATTACH, NX_LINK_INITIALIZE, NX_LINK_ENABLE):
            tb = _trace.active
            if tb is not None and command != NX_LINK_INTERFACE_ATTACH:
                tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_INITIALIZE if command == NX_LINK_INITIALIZE
                          else _nxt.NX_TRACE_INTERNAL_IO_DRIVER_LINK_ENABLE, ip, 0, 0, 0,
                          _nxt.NX_TRACE_INTERNAL_EVENTS)
            ip_driver_request(ip, interface, command)
    _tx_mutex_put(ip.nx_ip_protection)
    return NX_SUCCESS


def _nxe_ip_interface_attach(ip: NX_IP, interface_name: str, ip_address: int, network_mask: int,
                             ip_link_driver: Callable[[NX_IP_DRIVER], None]) -> int:
    if not _valid_ip(ip) or ip_link_driver is None or interface_name is None:
        return NX_PTR_ERROR
    if ip_address != 0 and (ip_address & NX_IP_CLASS_A_MASK) != NX_IP_CLASS_A_TYPE \
            and (ip_address & NX_IP_CLASS_B_MASK) != NX_IP_CLASS_B_TYPE \
            and (ip_address & NX_IP_CLASS_C_MASK) != NX_IP_CLASS_C_TYPE:
        return NX_IP_ADDRESS_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_interface_attach(ip, interface_name, ip_address, network_mask, ip_link_driver)


nx_ip_interface_attach = c_service(
    "UINT nx_ip_interface_attach(NX_IP *ip_ptr, CHAR *interface_name, ULONG ip_address, ULONG network_mask, VOID (*ip_link_driver)(NX_IP_DRIVER *driver_req))",
    nx_service(_nxe_ip_interface_attach, _nx_ip_interface_attach))


# ----------------------------------------------------------------- auxiliary pool
def _nx_ip_auxiliary_packet_pool_set(ip: NX_IP, auxiliary_pool: NX_PACKET_POOL) -> int:
    """``nx_ip_auxiliary_packet_pool_set`` (nx_ip_auxiliary_packet_pool_set.c): a second
    pool for the stack's own small packets: TCP control segments (SYN, ACK, FIN, RST,
    probes) and ARP requests are allocated from it first, then from the default pool.
    A pool with a larger payload than the default pool becomes the default pool instead.

    Statuses: NX_SUCCESS; NX_NOT_SUPPORTED in a build without NX_ENABLE_DUAL_PACKET_POOL
    (the default); from the checking layer NX_PTR_ERROR (bad IP or pool),
    NX_CALLER_ERROR.
    """
    if not NxConfig.active.NX_ENABLE_DUAL_PACKET_POOL:
        return NX_NOT_SUPPORTED
    if auxiliary_pool.nx_packet_pool_payload_size > ip.nx_ip_default_packet_pool.nx_packet_pool_payload_size:
        ip.nx_ip_default_packet_pool = auxiliary_pool
    else:
        ip.nx_ip_auxiliary_packet_pool = auxiliary_pool
    return NX_SUCCESS


def _nxe_ip_auxiliary_packet_pool_set(ip: NX_IP, auxiliary_pool: NX_PACKET_POOL) -> int:
    from .packet import _valid_pool
    if not NxConfig.active.NX_ENABLE_DUAL_PACKET_POOL:
        return NX_NOT_SUPPORTED
    if not _valid_ip(ip) or not _valid_pool(auxiliary_pool):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_auxiliary_packet_pool_set(ip, auxiliary_pool)


nx_ip_auxiliary_packet_pool_set = c_service(
    "UINT nx_ip_auxiliary_packet_pool_set(NX_IP *ip_ptr, NX_PACKET_POOL *auxiliary_pool)",
    nx_service(_nxe_ip_auxiliary_packet_pool_set, _nx_ip_auxiliary_packet_pool_set))


# ------------------------------------------------------------- interface capability
def _nx_ip_interface_capability_set(ip: NX_IP, interface_index: int, interface_capability_flag: int) -> int:
    """``nx_ip_interface_capability_set`` (nx_ip_interface_capability_set.c): what the
    interface's driver does for the stack (NX_INTERFACE_CAPABILITY_* flags). With a TX
    checksum flag the stack leaves that checksum zero for the driver (the RAM driver
    does not fill it in: the frame carries 0); with an RX flag it does not verify it.

    Statuses: NX_SUCCESS; NX_NOT_SUPPORTED in a build without
    NX_ENABLE_INTERFACE_CAPABILITY (the default); from the checking layer NX_PTR_ERROR,
    NX_INVALID_INTERFACE (index >= NX_MAX_PHYSICAL_INTERFACES), NX_CALLER_ERROR.
    """
    if not NxConfig.active.NX_ENABLE_INTERFACE_CAPABILITY:
        return NX_NOT_SUPPORTED
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    ip.nx_ip_interface[interface_index].nx_interface_capability_flag = interface_capability_flag & 0xFFFFFFFF
    _tx_mutex_put(ip.nx_ip_protection)
    return NX_SUCCESS


def _nxe_ip_interface_capability_set(ip: NX_IP, interface_index: int, interface_capability_flag: int) -> int:
    if not NxConfig.active.NX_ENABLE_INTERFACE_CAPABILITY:
        return NX_NOT_SUPPORTED
    if not _valid_ip(ip):
        return NX_PTR_ERROR
    if not 0 <= interface_index < ip.nx_config.NX_MAX_PHYSICAL_INTERFACES:
        return NX_INVALID_INTERFACE
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_interface_capability_set(ip, interface_index, interface_capability_flag)


nx_ip_interface_capability_set = c_service(
    "UINT nx_ip_interface_capability_set(NX_IP *ip_ptr, UINT interface_index, ULONG interface_capability_flag)",
    nx_service(_nxe_ip_interface_capability_set, _nx_ip_interface_capability_set))


def _nx_ip_interface_capability_get(ip: NX_IP, interface_index: int) -> tuple[int, int | None]:
    """``nx_ip_interface_capability_get`` (nx_ip_interface_capability_get.c): (status,
    interface_capability_flag).

    Statuses: NX_SUCCESS; NX_NOT_SUPPORTED in a build without
    NX_ENABLE_INTERFACE_CAPABILITY; from the checking layer NX_PTR_ERROR,
    NX_INVALID_INTERFACE, NX_CALLER_ERROR.
    """
    if not NxConfig.active.NX_ENABLE_INTERFACE_CAPABILITY:
        return NX_NOT_SUPPORTED, None
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    flags = ip.nx_ip_interface[interface_index].nx_interface_capability_flag
    _tx_mutex_put(ip.nx_ip_protection)
    return NX_SUCCESS, flags


def _nxe_ip_interface_capability_get(ip: NX_IP, interface_index: int) -> tuple[int, int | None]:
    if not NxConfig.active.NX_ENABLE_INTERFACE_CAPABILITY:
        return NX_NOT_SUPPORTED, None
    if not _valid_ip(ip):
        return NX_PTR_ERROR, None
    if not 0 <= interface_index < ip.nx_config.NX_MAX_PHYSICAL_INTERFACES:
        return NX_INVALID_INTERFACE, None
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_ip_interface_capability_get(ip, interface_index)


nx_ip_interface_capability_get = c_service(
    "UINT nx_ip_interface_capability_get(NX_IP *ip_ptr, UINT interface_index)",
    nx_service(_nxe_ip_interface_capability_get, _nx_ip_interface_capability_get))


def _nx_ip_info_get(ip: NX_IP) -> tuple:
    """``nx_ip_info_get``: (status, total_packets_sent, total_bytes_sent,
    total_packets_received, total_bytes_received, invalid_packets, receive_packets_dropped,
    receive_checksum_errors, send_packets_dropped, total_fragments_sent,
    total_fragments_received).

    Statuses: NX_SUCCESS, NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_INFO_GET, ip, getattr(ip, "nx_ip_total_bytes_sent", 0),
                  getattr(ip, "nx_ip_total_bytes_received", 0),
                  getattr(ip, "nx_ip_receive_packets_dropped", 0), _nxt.NX_TRACE_IP_EVENTS)
    return (NX_SUCCESS, ip.nx_ip_total_packets_sent, ip.nx_ip_total_bytes_sent,
            ip.nx_ip_total_packets_received, ip.nx_ip_total_bytes_received, ip.nx_ip_invalid_packets,
            ip.nx_ip_receive_packets_dropped, ip.nx_ip_receive_checksum_errors,
            ip.nx_ip_send_packets_dropped, ip.nx_ip_total_fragments_sent,
            ip.nx_ip_total_fragments_received)


def _nxe_ip_info_get(ip: NX_IP) -> tuple:
    if not _valid_ip(ip):
        return (NX_PTR_ERROR,) + (None,) * 10
    if nx_init_and_threads_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 10
    return _nx_ip_info_get(ip)


nx_ip_info_get = c_service(
    "UINT nx_ip_info_get(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_info_get, _nx_ip_info_get))


def _nx_ip_delete(ip: NX_IP) -> int:
    """``nx_ip_delete``: uninitialise the driver, delete the thread, timer, mutex and
    events, and release every packet the instance still holds in its queues.

    Statuses: NX_SUCCESS, NX_SOCKETS_BOUND (UDP or TCP sockets still created on it), NX_PTR_ERROR,
    NX_CALLER_ERROR (not from a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_DELETE, ip, 0, 0, 0, _nxt.NX_TRACE_IP_EVENTS)
    from netxsim.tx.event_flags import _tx_event_flags_delete
    from netxsim.tx.mutex import _tx_mutex_delete
    from netxsim.tx.thread import _tx_thread_delete, _tx_thread_terminate
    from netxsim.tx.timer import _tx_timer_delete
    k = ip.kernel
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    if getattr(ip, "nx_ip_udp_created_sockets", None) or getattr(ip, "nx_ip_tcp_created_sockets", None):
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_SOCKETS_BOUND   # UDP and TCP sockets must be deleted first (as in C)
    # Nothing else runs until the instance is gone (nx_ip_delete.c disables preemption).
    k.preempt_disable += 1
    for interface in ip.nx_ip_interface[:-1]:
        if interface.nx_interface_valid and interface.nx_interface_link_driver_entry is not None:
            tb = _trace.active
            if tb is not None:
                tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_LINK_DISABLE, ip, 0, 0, 0, _nxt.NX_TRACE_INTERNAL_EVENTS)
            ip_driver_request(ip, interface, NX_LINK_DISABLE)
            tb = _trace.active
            if tb is not None:
                tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_UNINITIALIZE, ip, 0, 0, 0, _nxt.NX_TRACE_INTERNAL_EVENTS)
            ip_driver_request(ip, interface, NX_LINK_UNINITIALIZE)
    if ip.nx_ip_fragment_processing is not None:
        from .fragment import _nx_ip_fragment_disable
        _nx_ip_fragment_disable(ip)
    # ARP entries (and the packets queued on them) are released.
    from . import arp, icmp
    if ip.nx_ip_arp_enabled:
        arp._nx_arp_dynamic_entries_invalidate(ip)
        k.memory.release(getattr(ip, "nx_ip_arp_cache_region", None))
        ip.nx_ip_arp_cache_region = None
    for queue in (ip.nx_ip_deferred_received_packets, ip.nx_ip_arp_deferred_queue, ip.nx_ip_icmp_queue,
                  ip.nx_ip_tcp_queue):
        while queue:
            _nx_packet_release(queue.pop(0))
    _created_ips(k).remove(ip)
    ip.nx_ip_id = 0
    _tx_mutex_put(ip.nx_ip_protection)
    _tx_thread_terminate(ip.nx_ip_thread)
    _tx_thread_delete(ip.nx_ip_thread)
    _tx_timer_delete(ip.nx_ip_periodic_timer)
    _tx_mutex_delete(ip.nx_ip_protection)
    _tx_event_flags_delete(ip.nx_ip_events)
    # Ping waiters end with NX_NO_RESPONSE once the instance is gone.
    if getattr(ip, "nx_ip_icmp_ping_suspension_list", None):
        icmp._nx_icmp_ping_suspensions_release(ip)
    k.preempt_disable -= 1
    k.preempt_check()
    return NX_SUCCESS


def _nxe_ip_delete(ip: NX_IP) -> int:
    if not _valid_ip(ip):
        return NX_PTR_ERROR
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_delete(ip)


nx_ip_delete = c_service(
    "UINT nx_ip_delete(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_delete, _nx_ip_delete))
