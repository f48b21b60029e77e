"""``_nx_ram_network_driver``: NetX's RAM network driver (``nx_ram_network_driver.c``).

Every IP instance that uses this driver in one kernel is joined to one simulated
Ethernet segment (:func:`netxsim.nx.segment.segment_for` with the driver as key), so
a test can reach the wire for capture and fault injection::

    wire = segment_for(kernel(), _nx_ram_network_driver)

As in C: up to ``NX_MAX_RAM_INTERFACES`` (4) instances, filled in the order the IP
threads first run; instance *i* gets MAC 00:11:22:33:44:56 + i; MTU 1500; the driver
transmits even with its link down. The C refuses a fifth instance silently (its link
never comes up); here the refusal also warns (:class:`RamDriverLimitWarning`), naming
the limit. Raise it like the C define, before ``tx_kernel_enter``::

    import netxsim.nx.ram_driver
    netxsim.nx.ram_driver.NX_MAX_RAM_INTERFACES = 1000   # or None: no limit

(many-host simulations: a thousand hosts on one segment). Output runs synchronously in the sender's thread: its preemption
threshold is set to 0, the frame is copied into each receiving IP's default pool
(the sender's headroom included, as ``nx_packet_copy`` copies it) and queued for
that IP's thread, the original is transmit-released, and the threshold restored —
at which point a more urgent receiving IP thread preempts the sender.

C quirk kept: when a copy fails (the receiver's pool is empty) the C returns without
restoring the sender's threshold, leaving it non-preemptible, and skips the
remaining receivers. Set ``RESTORE_THRESHOLD_ON_COPY_FAILURE = True`` for the fix.
"""
from __future__ import annotations

import struct
import warnings
from functools import partial
from typing import Any

from netxsim.tx.kernel import kernel
import netxsim.tx.kernel as _kernel_module
from netxsim.tx.thread import _tx_thread_preemption_change

from .constants import (NX_ENTRY_NOT_FOUND, NX_INVALID_INTERFACE, NX_NO_MORE_ENTRIES, NX_NO_WAIT, NX_SUCCESS,
                        NX_UNHANDLED_COMMAND)
from .driver import (
    NX_IP_DRIVER, NX_LINK_ARP_RESPONSE_SEND, NX_LINK_ARP_SEND, NX_LINK_DEFERRED_PROCESSING,
    NX_LINK_DISABLE, NX_LINK_ENABLE, NX_LINK_GET_ALLOC_ERRORS, NX_LINK_GET_DUPLEX_TYPE,
    NX_LINK_GET_ERROR_COUNT, NX_LINK_GET_RX_COUNT, NX_LINK_GET_SPEED, NX_LINK_GET_STATUS,
    NX_LINK_GET_TX_COUNT, NX_LINK_INITIALIZE, NX_LINK_INTERFACE_ATTACH, NX_LINK_INTERFACE_DETACH,
    NX_LINK_MULTICAST_JOIN, NX_LINK_MULTICAST_LEAVE, NX_LINK_PACKET_BROADCAST, NX_LINK_PACKET_SEND,
    NX_LINK_GET_INTERFACE_TYPE, NX_LINK_RARP_SEND, NX_LINK_SET_PHYSICAL_ADDRESS, NX_LINK_UNINITIALIZE,
)
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_data_append, _nx_packet_release, \
    _nx_packet_transmit_release
from . import arp as _arp, frame_check as _frame_check, ip as _ip  # looked up per call: tests may patch the entry points
from .segment import Port, segment_for
from .wire import mac_from_msw_lsw

NX_MAX_RAM_INTERFACES: int | None = 4   # the C define; None: no limit (read per run)
NX_LINK_MTU = 1514
NX_ETHERNET_SIZE = 14
NX_ETHERNET_IP = 0x0800
NX_ETHERNET_ARP = 0x0806
NX_ETHERNET_RARP = 0x8035
NX_ETHERNET_IPV6 = 0x86DD
_MAC_MSW = 0x0011
_MAC_LSW = 0x22334456

RESTORE_THRESHOLD_ON_COPY_FAILURE = False

_SEND_COMMANDS = {
    NX_LINK_PACKET_SEND: None, NX_LINK_PACKET_BROADCAST: None, NX_LINK_ARP_SEND: NX_ETHERNET_ARP,
    NX_LINK_ARP_RESPONSE_SEND: NX_ETHERNET_ARP, NX_LINK_RARP_SEND: NX_ETHERNET_RARP,
}
_ZERO_RESULT_COMMANDS = (NX_LINK_GET_SPEED, NX_LINK_GET_DUPLEX_TYPE, NX_LINK_GET_ERROR_COUNT,
                         NX_LINK_GET_RX_COUNT, NX_LINK_GET_TX_COUNT, NX_LINK_GET_ALLOC_ERRORS,
                         NX_LINK_GET_INTERFACE_TYPE)
NX_MAX_MULTICAST = 3  # multicast MACs one instance keeps
# The Ethernet header from NetX's (msw, lsw) pairs: destination, source, ethertype.
_ETHERNET = struct.Struct("!HIHIH")


class WireFrame(bytes):
    """Frame bytes that remember the sender's first-buffer headroom (below the Ethernet
    header), which the receiving copy reproduces as ``nx_packet_copy`` does."""

    headroom: int = 0
    tcp_checked: bool = False   # see netxsim.nx.frame_check


class _Instance:
    """One row of the driver's instance table."""

    def __init__(self, slot: int, ip: Any, interface: Any) -> None:
        self.slot = slot
        self.ip = ip
        self.interface = interface
        self.msw = _MAC_MSW
        self.lsw = _MAC_LSW + slot
        self.port: Port | None = None
        self.copy_failed = False
        self.multicast: list[tuple[int, int]] = []
        # Set by the NetX test driver variants (netxsim.testing.ram_test_driver), whose
        # output routine restores the threshold on a failed copy and copies each frame
        # 2 bytes into the receiver's buffer.
        self.restore_threshold_on_copy_failure = False
        self.copy_headroom: int | None = None


class RamDriverLimitWarning(UserWarning):
    """An IP instance found the RAM driver's instance table full: its link never comes up."""


class _Table(list):
    """The driver's instance table (slots, None when free) and an index by interface."""

    def __init__(self, limit: int | None) -> None:
        super().__init__([None] * (limit or 0))
        self.limit = limit
        self.by_interface: dict[int, _Instance] = {}


def _table(k: Any) -> _Table:
    table = getattr(k, "nx_ram_driver_table", None)
    if table is None:
        table = _Table(NX_MAX_RAM_INTERFACES)
        k.nx_ram_driver_table = table
    return table


def _free_slot(table: _Table) -> int | None:
    for slot, entry in enumerate(table):
        if entry is None:
            return slot
    if table.limit is None:
        table.append(None)
        return len(table) - 1
    return None


def _nx_ram_network_driver(driver_req: NX_IP_DRIVER) -> None:
    """``_nx_ram_network_driver``: serve one driver request (see the module docstring).

    Statuses in ``nx_ip_driver_status``: NX_SUCCESS, NX_INVALID_INTERFACE (no free
    instance on ATTACH, or an interface that never attached), NX_UNHANDLED_COMMAND.
    """
    k = _kernel_module._current or kernel()
    table = getattr(k, "nx_ram_driver_table", None)
    if table is None:
        table = _table(k)
    command = driver_req.nx_ip_driver_command
    interface = driver_req.nx_ip_driver_interface
    driver_req.nx_ip_driver_status = NX_SUCCESS
    if command == NX_LINK_INTERFACE_ATTACH:
        slot = _free_slot(table)
        if slot is not None:
            instance = table[slot] = _Instance(slot, driver_req.nx_ip_driver_ptr, interface)
            table.by_interface[id(interface)] = instance
            mac = mac_from_msw_lsw(instance.msw, instance.lsw)
            wire = segment_for(k, _nx_ram_network_driver)
            instance.port = wire.attach(partial(_receive, instance), mac,
                                        name=f"{driver_req.nx_ip_driver_ptr.nx_ip_name}", owner=instance.ip,
                                        order=slot)
            return
        warnings.warn(RamDriverLimitWarning(
            f"_nx_ram_network_driver: IP instance {driver_req.nx_ip_driver_ptr.nx_ip_name!r} gets no link: "
            f"the RAM driver serves NX_MAX_RAM_INTERFACES = {table.limit} instances per run, as in C. Set "
            f"netxsim.nx.ram_driver.NX_MAX_RAM_INTERFACES to a larger number (or None: no limit) before "
            f"tx_kernel_enter"), stacklevel=2)
        driver_req.nx_ip_driver_status = NX_INVALID_INTERFACE
        return
    instance = table.by_interface.get(id(interface))
    if instance is None or instance.interface is not interface:
        driver_req.nx_ip_driver_status = NX_INVALID_INTERFACE
        return
    if command == NX_LINK_PACKET_SEND:  # the common case first (the commands are distinct)
        _send(instance, driver_req, None)
    elif command == NX_LINK_INITIALIZE:
        interface.nx_interface_ip_mtu_size = NX_LINK_MTU - NX_ETHERNET_SIZE
        interface.nx_interface_physical_address_msw = instance.msw
        interface.nx_interface_physical_address_lsw = instance.lsw
        interface.nx_interface_address_mapping_needed = 1
    elif command == NX_LINK_ENABLE:
        interface.nx_interface_link_up = 1
    elif command == NX_LINK_DISABLE:
        interface.nx_interface_link_up = 0
    elif command in _SEND_COMMANDS:
        _send(instance, driver_req, _SEND_COMMANDS[command])
    elif command == NX_LINK_GET_STATUS:
        if driver_req.nx_ip_driver_return_ptr is not None:
            driver_req.nx_ip_driver_return_ptr[0] = driver_req.nx_ip_driver_ptr.nx_ip_interface[0].nx_interface_link_up
    elif command in _ZERO_RESULT_COMMANDS:
        if driver_req.nx_ip_driver_return_ptr is not None:
            driver_req.nx_ip_driver_return_ptr[0] = 0
    elif command == NX_LINK_DEFERRED_PROCESSING:
        pass
    elif command in (NX_LINK_MULTICAST_JOIN, NX_LINK_MULTICAST_LEAVE):
        group = (driver_req.nx_ip_driver_physical_address_msw, driver_req.nx_ip_driver_physical_address_lsw)
        if command == NX_LINK_MULTICAST_JOIN:
            if len(instance.multicast) >= NX_MAX_MULTICAST:
                driver_req.nx_ip_driver_status = NX_NO_MORE_ENTRIES
                return
            instance.multicast.append(group)
        elif group in instance.multicast:
            instance.multicast.remove(group)
        else:
            driver_req.nx_ip_driver_status = NX_ENTRY_NOT_FOUND
            return
        assert instance.port is not None
        instance.port.multicast = {mac_from_msw_lsw(*entry) for entry in instance.multicast}
    elif command == NX_LINK_SET_PHYSICAL_ADDRESS:
        instance.msw = driver_req.nx_ip_driver_physical_address_msw
        instance.lsw = driver_req.nx_ip_driver_physical_address_lsw
        interface.nx_interface_physical_address_msw = instance.msw
        interface.nx_interface_physical_address_lsw = instance.lsw
        assert instance.port is not None
        instance.port.mac = mac_from_msw_lsw(instance.msw, instance.lsw)
    elif command in (NX_LINK_UNINITIALIZE, NX_LINK_INTERFACE_DETACH):
        if instance.port is not None:
            instance.port.detach()
        table[instance.slot] = None
        table.by_interface.pop(id(interface), None)
    else:
        driver_req.nx_ip_driver_status = NX_UNHANDLED_COMMAND


def _send(instance: _Instance, driver_req: NX_IP_DRIVER, ethertype: int | None) -> None:
    """Prepend the Ethernet header and put the frame on the wire."""
    packet: NX_PACKET = driver_req.nx_ip_driver_packet
    if ethertype is None:
        ethertype = NX_ETHERNET_IP if packet.nx_packet_ip_version == 4 else NX_ETHERNET_IPV6
    msw = driver_req.nx_ip_driver_physical_address_msw
    lsw = driver_req.nx_ip_driver_physical_address_lsw
    interface = driver_req.nx_ip_driver_interface
    source_msw = interface.nx_interface_physical_address_msw
    source_lsw = interface.nx_interface_physical_address_lsw
    if not (0 <= msw <= 0xFFFF and 0 <= lsw <= 0xFFFFFFFF and 0 <= source_msw <= 0xFFFF
            and 0 <= source_lsw <= 0xFFFFFFFF):
        mac_from_msw_lsw(msw, lsw) + mac_from_msw_lsw(source_msw, source_lsw)  # raises, naming the field
    prepend = packet._prepend = packet._prepend - NX_ETHERNET_SIZE
    packet.nx_packet_length += NX_ETHERNET_SIZE
    memory = packet._mem
    offset = prepend - memory.base
    if offset < 0 or offset + NX_ETHERNET_SIZE > memory.size:
        memory.write(prepend, bytes(NX_ETHERNET_SIZE))  # outside RAM: raises, naming the access
    _ETHERNET.pack_into(memory.data, offset, msw, lsw, source_msw, source_lsw, ethertype)
    _output(instance, packet)


def _output(instance: _Instance, packet: NX_PACKET) -> None:
    """``_nx_ram_network_driver_output``: deliver in the sender's context, non-preemptible."""
    k = instance.ip.kernel
    thread = k.current_ptr if k.system_state == 0 else None
    tb = k.trace_buffer
    if tb is not None:
        tb.insert(103, 0, 0, 0, 0, 0x100)  # the C asks tx_thread_identify() (TX_TRACE_THREAD_IDENTIFY)
    old_threshold = None
    if thread is not None:
        _, old_threshold = _tx_thread_preemption_change(thread, 0)
    if packet.nx_packet_next is None:  # one buffer: its bytes, as chain_bytes gives them
        memory = packet._mem
        prepend = packet._prepend - memory.base
        append = packet._append - memory.base
        frame = WireFrame(memory.data[prepend:append if append > prepend else prepend])
    else:
        frame = WireFrame(packet.chain_bytes())
    # A packet built with too little room has its header below data_start (C would
    # overwrite the buffer's own header); the copy then simply has no headroom.
    if instance.copy_headroom is None:
        headroom = packet._prepend - packet._start
        frame.headroom = headroom if headroom > 0 else 0
    else:
        frame.headroom = instance.copy_headroom
    if tb is not None:
        frame.source_packet = packet  # for the receiver's NX_TRACE_PACKET_COPY
    if _frame_check.sending is packet and _frame_check.sender is thread and thread is not None:
        frame.tcp_checked = True  # its TCP checksum is known to be right (frame_check)
    instance.copy_failed = False
    port = instance.port
    assert port is not None
    previous, k.nx_ram_sender = getattr(k, "nx_ram_sender", None), instance
    try:
        port.segment._transmit(port, frame)  # Port.transmit for a bytes frame, one call less
    finally:
        k.nx_ram_sender = previous
    packet._prepend += NX_ETHERNET_SIZE
    packet.nx_packet_length -= NX_ETHERNET_SIZE
    _nx_packet_transmit_release(packet)
    if thread is not None and old_threshold is not None and \
            (not instance.copy_failed or RESTORE_THRESHOLD_ON_COPY_FAILURE
             or instance.restore_threshold_on_copy_failure):
        if tb is not None:
            tb.insert(103, 0, 0, 0, 0, 0x100)  # tx_thread_identify() again
        _tx_thread_preemption_change(thread, old_threshold)


def _receive(instance: _Instance, frame: bytes) -> bool:
    """Copy a frame into this instance's IP default pool and queue it for the IP thread.

    Returns False when the pool has no room: the sender's delivery loop stops there.
    """
    ip = instance.ip
    pool = ip.nx_ip_default_packet_pool
    wire_frame = type(frame) is WireFrame
    headroom = frame.headroom if wire_frame else getattr(frame, "headroom", 0)
    tb = ip.kernel.trace_buffer
    if tb is not None:
        # The C driver copies with nx_packet_copy: NX_TRACE_PACKET_COPY, then the copy's
        # allocate and append, then the new packet filled in.
        token = tb.insert(387, getattr(frame, "source_packet", 0), 0, pool, NX_NO_WAIT, 0x00100000)
    status, packet = _nx_packet_allocate(pool, 0, NX_NO_WAIT)
    if status != NX_SUCCESS or packet is None:
        return _copy_failed(instance)
    size = headroom + len(frame)
    if tb is None and size <= packet._end - packet._append:
        # The copy fits the fresh buffer: what nx_packet_data_append does in that case
        # (untraced), written in place.
        memory = packet._mem
        offset = packet._append - memory.base
        if headroom:
            memory.data[offset:offset + headroom] = bytes(headroom)
        memory.data[offset + headroom:offset + size] = frame
        packet._append += size
        packet.nx_packet_length = size
    else:
        data = bytes(headroom) + frame
        if _nx_packet_data_append(packet, data, len(data), pool, NX_NO_WAIT) != NX_SUCCESS:
            _nx_packet_release(packet)
            return _copy_failed(instance)
    if tb is not None:
        tb.update(token, 2, packet)
    if wire_frame and frame.tcp_checked:
        packet._tcp_checked = True  # the exact bytes of a known-good segment (frame_check)
    packet._prepend += headroom + NX_ETHERNET_SIZE
    packet.nx_packet_length -= headroom + NX_ETHERNET_SIZE
    packet.nx_packet_interface_ptr = instance.interface
    ethertype = frame[12] << 8 | frame[13]
    if ethertype == NX_ETHERNET_IP:
        packet.nx_packet_ip_version = 4
        _ip._nx_ip_packet_deferred_receive(ip, packet)
    elif ethertype == NX_ETHERNET_ARP:
        _arp._nx_arp_packet_deferred_receive(ip, packet)
    else:
        _nx_packet_release(packet)  # IPv6 and other ethertypes are not modelled
    return True


def _copy_failed(instance: _Instance) -> bool:
    # The failure is charged to the sender, whose threshold is then not restored.
    sender = getattr(instance.ip.kernel, "nx_ram_sender", None)
    if sender is not None:
        sender.copy_failed = True
    return False


__all__ = ["_nx_ram_network_driver", "NX_MAX_RAM_INTERFACES", "RamDriverLimitWarning", "RESTORE_THRESHOLD_ON_COPY_FAILURE",
           "WireFrame"]
