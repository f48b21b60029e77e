"""NetX Duo's RAM *test* driver (netxduo ``test/regression/test/nx_ram_network_driver_test_1500.c``).

The C regression tests do not use the demo RAM driver: they use this one, in MTU
variants (``_nx_ram_network_driver_256``, ``_512``, ``_1024``, ``_1500``, ``_3000``), and
reach into it through two global callbacks:

``advanced_packet_process_callback(ip_ptr, packet_ptr, operation_ptr, delay_ptr)``
    called on every transmit, after the link-up check and before the Ethernet header is
    added (the packet's prepend pointer is at the IP header). ``operation_ptr`` and
    ``delay_ptr`` are one-element lists standing for the C out-parameters: the callback
    sets ``operation_ptr[0]`` to one of :data:`NX_RAMDRIVER_OP_BYPASS`,
    :data:`NX_RAMDRIVER_OP_DROP` (the driver transmit-releases the packet),
    :data:`NX_RAMDRIVER_OP_DELAY` (sent ``delay_ptr[0]`` ticks later from a ThreadX timer
    of the driver; at most :data:`NX_MAX_TIMER` at a time, beyond which the packet goes
    out at once, as in C) or :data:`NX_RAMDRIVER_OP_DUPLICATE` (a copy from the IP's
    default pool follows the original). Returning a false value means the callback
    *consumed* the packet: the driver does nothing more with it, the callback must
    release (or keep) it — exactly the C ``if (!status) return;``.

``packet_process_callback(ip_ptr, packet_ptr)``
    the older, simpler hook, called after the advanced one; false: consumed.

As in C, ``NX_LINK_INITIALIZE`` clears both callbacks, so a test installs them after
``nx_ip_create`` has run its driver initialisation (in a thread, as the C tests do).
Install one with ``ram_test_driver.advanced_packet_process_callback = my_hook`` (the C
assignment) or :func:`set_advanced_packet_process_callback`.

The variants share the instance table and the simulated Ethernet segment of
:func:`netxsim.nx.ram_driver._nx_ram_network_driver` (in C all of them are one
driver), so a test-driver host and a demo-driver host talk to each other. Differences
from the demo driver that the C test driver has and these variants keep: the IP MTU
is the variant's; a transmit with the link down is dropped (transmit-released); a
frame whose Ethernet header does not fit the buffer is dropped; the output routine
restores the sender's preemption threshold when a receiver's copy fails, and copies
each frame 2 bytes into the receiver's buffer (the C's alignment).
Not modelled: the C driver's ``_nx_ram_network_driver_set_pool``, its pcap option and
its IPv6/fragmentation test switches (the stack has neither).
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.nx.constants import NX_NO_WAIT, NX_SUCCESS
from netxsim.nx.driver import (
    NX_IP_DRIVER, NX_LINK_ARP_RESPONSE_SEND, NX_LINK_ARP_SEND, NX_LINK_INITIALIZE, NX_LINK_INTERFACE_ATTACH,
    NX_LINK_PACKET_BROADCAST, NX_LINK_PACKET_SEND, NX_LINK_RARP_SEND,
)
from netxsim.nx.packet import NX_PACKET, _nx_packet_copy, _nx_packet_transmit_release
from netxsim.nx import ram_driver as _ram
from netxsim.nx.ram_driver import NX_ETHERNET_ARP, NX_ETHERNET_IP, NX_ETHERNET_IPV6, NX_ETHERNET_RARP, \
    NX_ETHERNET_SIZE, _nx_ram_network_driver
from netxsim.nx.segment import segment_for
from netxsim.nx.wire import mac_from_msw_lsw
from netxsim.tx.constants import TX_NO_ACTIVATE
from netxsim.tx.kernel import kernel
from netxsim.tx.timer import TX_TIMER, _tx_timer_activate, _tx_timer_create, _tx_timer_deactivate, \
    _tx_timer_delete

NX_RAMDRIVER_OP_BYPASS = 0
NX_RAMDRIVER_OP_DROP = 1
NX_RAMDRIVER_OP_DELAY = 2
NX_RAMDRIVER_OP_DUPLICATE = 3
NX_RAMDRIVER_TIMER_UNUSED = 0
NX_RAMDRIVER_TIMER_USED = 1
NX_RAMDRIVER_TIMER_DIRTY = 2
NX_MAX_TIMER = 5
RECEIVE_COPY_OFFSET = 2   # the C output routine's "prepend_ptr += 2" on each copy

AdvancedCallback = Callable[[Any, NX_PACKET, list, list], Any]
SimpleCallback = Callable[[Any, NX_PACKET], Any]

# The C globals (cleared by every NX_LINK_INITIALIZE of a test-driver interface).
advanced_packet_process_callback: AdvancedCallback | None = None
packet_process_callback: SimpleCallback | None = None

_SEND_COMMANDS = (NX_LINK_PACKET_SEND, NX_LINK_PACKET_BROADCAST, NX_LINK_ARP_SEND,
                  NX_LINK_ARP_RESPONSE_SEND, NX_LINK_RARP_SEND)


def set_advanced_packet_process_callback(callback: AdvancedCallback | None) -> None:
    """``advanced_packet_process_callback = callback;`` (see the module docstring)."""
    global advanced_packet_process_callback
    advanced_packet_process_callback = callback


def set_packet_process_callback(callback: SimpleCallback | None) -> None:
    """``packet_process_callback = callback;`` (see the module docstring)."""
    global packet_process_callback
    packet_process_callback = callback


class _DelayTimers:
    """The driver's NX_MAX_TIMER delay timers and their saved requests, per kernel."""

    def __init__(self) -> None:
        self.timers = [TX_TIMER() for _ in range(NX_MAX_TIMER)]
        self.used = [NX_RAMDRIVER_TIMER_UNUSED] * NX_MAX_TIMER
        self.requests: list[tuple[Any, NX_PACKET] | None] = [None] * NX_MAX_TIMER


def _delay_timers() -> _DelayTimers:
    k = kernel()
    timers = getattr(k, "nx_ram_test_driver_timers", None)
    if timers is None:
        timers = k.nx_ram_test_driver_timers = _DelayTimers()
    return timers


def _instance_of(driver_req: NX_IP_DRIVER) -> Any:
    interface = driver_req.nx_ip_driver_interface
    return next((entry for entry in _ram._table(kernel()) if entry is not None and entry.interface is interface),
                None)


def _nx_ram_network_driver_internal(driver_req: NX_IP_DRIVER, mtu_size: int) -> None:
    """``_nx_ram_network_driver_internal``: the test driver with IP MTU ``mtu_size``."""
    global advanced_packet_process_callback, packet_process_callback
    command = driver_req.nx_ip_driver_command
    if command in _SEND_COMMANDS:
        instance = _instance_of(driver_req)
        if instance is not None:
            driver_req.nx_ip_driver_status = NX_SUCCESS
            _send(instance, driver_req)
            return
    _nx_ram_network_driver(driver_req)
    if driver_req.nx_ip_driver_status != NX_SUCCESS:
        return
    if command == NX_LINK_INTERFACE_ATTACH:
        instance = _instance_of(driver_req)
        if instance is not None:
            instance.restore_threshold_on_copy_failure = True
            instance.copy_headroom = RECEIVE_COPY_OFFSET
    elif command == NX_LINK_INITIALIZE:
        packet_process_callback = None
        advanced_packet_process_callback = None
        driver_req.nx_ip_driver_interface.nx_interface_ip_mtu_size = mtu_size
        wire = segment_for(kernel(), _nx_ram_network_driver)
        wire.mtu = max(wire.mtu, mtu_size)


def _send(instance: Any, driver_req: NX_IP_DRIVER) -> None:
    ip = driver_req.nx_ip_driver_ptr
    packet: NX_PACKET = driver_req.nx_ip_driver_packet
    interface = driver_req.nx_ip_driver_interface
    if not interface.nx_interface_link_up:
        _nx_packet_transmit_release(packet)   # link down: drop
        return
    operation = NX_RAMDRIVER_OP_BYPASS
    timer_index = -1
    duplicate = False
    callback = advanced_packet_process_callback
    if callback is not None:
        operation_ptr, delay_ptr = [NX_RAMDRIVER_OP_BYPASS], [0]
        if not callback(ip, packet, operation_ptr, delay_ptr):
            return   # consumed by the callback
        operation, delay = operation_ptr[0], delay_ptr[0]
        if operation == NX_RAMDRIVER_OP_DROP:
            _nx_packet_transmit_release(packet)
            return
        if operation == NX_RAMDRIVER_OP_DELAY:
            timer_index = _claim_timer(ip, packet, instance, delay)
            if timer_index < 0:
                operation = NX_RAMDRIVER_OP_BYPASS   # no free timer: sent at once
        elif operation == NX_RAMDRIVER_OP_DUPLICATE:
            duplicate = True
    simple = packet_process_callback
    if simple is not None and not simple(ip, packet):
        return
    if not _add_ethernet_header(driver_req, packet):
        return
    copy = None
    if duplicate:
        status, copy = _nx_packet_copy(packet, ip.nx_ip_default_packet_pool, NX_NO_WAIT)
        if status != NX_SUCCESS:
            copy = None
    if operation != NX_RAMDRIVER_OP_DELAY:
        _ram._output(instance, packet)
    else:
        _tx_timer_activate(_delay_timers().timers[timer_index])
    if copy is not None:
        _ram._output(instance, copy)


def _add_ethernet_header(driver_req: NX_IP_DRIVER, packet: NX_PACKET) -> bool:
    command = driver_req.nx_ip_driver_command
    if command in (NX_LINK_ARP_SEND, NX_LINK_ARP_RESPONSE_SEND):
        ethertype = NX_ETHERNET_ARP
    elif command == NX_LINK_RARP_SEND:
        ethertype = NX_ETHERNET_RARP
    elif packet.nx_packet_ip_version == 6:
        ethertype = NX_ETHERNET_IPV6
    else:
        ethertype = NX_ETHERNET_IP
    if packet._prepend - NX_ETHERNET_SIZE < packet._start:
        _nx_packet_transmit_release(packet)   # the physical header does not fit: drop
        return False
    interface = driver_req.nx_ip_driver_interface
    destination = mac_from_msw_lsw(driver_req.nx_ip_driver_physical_address_msw,
                                   driver_req.nx_ip_driver_physical_address_lsw)
    source = mac_from_msw_lsw(interface.nx_interface_physical_address_msw,
                              interface.nx_interface_physical_address_lsw)
    packet._prepend -= NX_ETHERNET_SIZE
    packet.nx_packet_length += NX_ETHERNET_SIZE
    packet._mem.write(packet._prepend, destination + source + ethertype.to_bytes(2, "big"))
    return True


def _claim_timer(ip: Any, packet: NX_PACKET, instance: Any, delay: int) -> int:
    """A free delay timer, created for this packet (not yet active); -1 if none."""
    if delay <= 0:
        # C's tx_timer_create refuses 0 ticks and the packet would never leave (a leak).
        raise ValueError(f"NX_RAMDRIVER_OP_DELAY needs *delay_ptr > 0 ticks, got {delay}")
    timers = _delay_timers()
    for index in range(NX_MAX_TIMER):
        if timers.used[index] != NX_RAMDRIVER_TIMER_USED:
            if timers.used[index] == NX_RAMDRIVER_TIMER_DIRTY:
                _tx_timer_delete(timers.timers[index])
            timers.used[index] = NX_RAMDRIVER_TIMER_USED
            timers.requests[index] = (instance, packet)
            _tx_timer_create(timers.timers[index], "Driver timer", _delay_entry, index, delay, delay,
                             TX_NO_ACTIVATE)
            return index
    return -1


def _delay_entry(index: int) -> None:
    """``_nx_ram_network_driver_delay_entry``: the delayed packet goes out (timer context)."""
    timers = _delay_timers()
    request = timers.requests[index]
    timers.requests[index] = None
    if request is not None:
        instance, packet = request
        _ram._output(instance, packet)
    _tx_timer_deactivate(timers.timers[index])
    timers.used[index] = NX_RAMDRIVER_TIMER_DIRTY


def _nx_ram_network_driver_3000(driver_req: NX_IP_DRIVER) -> None:
    """The C test driver with a 3000-byte IP MTU."""
    _nx_ram_network_driver_internal(driver_req, 3000)


def _nx_ram_network_driver_1500(driver_req: NX_IP_DRIVER) -> None:
    """The C test driver with a 1500-byte IP MTU (what most NetX Duo tests use)."""
    _nx_ram_network_driver_internal(driver_req, 1500)


def _nx_ram_network_driver_1024(driver_req: NX_IP_DRIVER) -> None:
    """The C test driver with a 1024-byte IP MTU (the SMTP regression tests)."""
    _nx_ram_network_driver_internal(driver_req, 1024)


def _nx_ram_network_driver_512(driver_req: NX_IP_DRIVER) -> None:
    """The C test driver with a 512-byte IP MTU."""
    _nx_ram_network_driver_internal(driver_req, 512)


def _nx_ram_network_driver_256(driver_req: NX_IP_DRIVER) -> None:
    """The C test driver with a 256-byte IP MTU."""
    _nx_ram_network_driver_internal(driver_req, 256)


__all__ = ["NX_RAMDRIVER_OP_BYPASS", "NX_RAMDRIVER_OP_DROP", "NX_RAMDRIVER_OP_DELAY",
           "NX_RAMDRIVER_OP_DUPLICATE", "NX_MAX_TIMER", "_nx_ram_network_driver_256",
           "_nx_ram_network_driver_512", "_nx_ram_network_driver_1024", "_nx_ram_network_driver_1500",
           "_nx_ram_network_driver_3000", "_nx_ram_network_driver_internal",
           "set_advanced_packet_process_callback", "set_packet_process_callback"]
