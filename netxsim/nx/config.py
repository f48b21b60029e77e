"""NetX Duo's build configuration (``nx_user.h`` options) and the caller-class checks
of NetX's error-checking shell.

:class:`NxConfig` holds the options that change observable behaviour, each named as its
define, with the default build's value (``nx_user_sample.h`` with nothing uncommented)
as its default; ``None`` stands for a define left undefined where the C tests
``#ifdef``. State it before the run (``tx_kernel_enter(..., config=NxConfig(...))``, see
:mod:`netxsim.tx.config`); ``docs/configuration.md`` lists every option and what it
changes. The stack snapshots the options when an object is created (IP instance,
socket, pool), so the per-segment paths read plain attributes.

``NX_DISABLE_ERROR_CHECKING``: like the C define, public ``nx_*`` services skip the
``_nxe_`` layer (argument and caller checks) and go straight to the core ``_nx_``
service. It is independent of ThreadX's ``TX_DISABLE_ERROR_CHECKING``, as in C. Code
that C compiles with the define for itself only (the SMTP client module) calls the
``_nx_*`` cores directly instead.

Caller classes (netxduo ``ports/linux/gnu/inc/nx_port.h``): a front end refused for its
context returns ``NX_CALLER_ERROR`` (0x11). ``nx_*_caller_error(k)`` returns True when
that class refuses the current context of kernel ``k``.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.tx.config import (
    Option, StackConfig, TxConfig, _boolean, _natural, _positive, legacy_switches, register_stack,
    switchable_service,
)
from netxsim.tx.kernel import Kernel


def _optional_positive(value: Any) -> str | None:
    return None if value is None else _positive(value)


@register_stack
class NxConfig(StackConfig):
    """NetX Duo build options (``nx_user.h``); defaults are the default build."""

    STACK = "nx"
    OPTIONS = {o.name: o for o in (
        Option("NX_DISABLE_ERROR_CHECKING", False,
               "public nx_* services skip the _nxe_ argument and caller checks", _boolean),
        Option("NX_ENABLE_LOW_WATERMARK", False,
               "TCP receive queues are capped at nx_tcp_socket_receive_queue_maximum segments "
               "and data arriving while the packet's pool is below its low watermark is "
               "dropped (window closed to 0, ACK sent); nx_packet_pool_low_watermark_set and "
               "nx_tcp_socket_receive_queue_max_set work (off: both return NX_NOT_SUPPORTED "
               "and a receive queue has no cap)", _boolean),
        Option("NX_TCP_MAXIMUM_RX_QUEUE", 20,
               "a new socket's receive queue cap (only with NX_ENABLE_LOW_WATERMARK)", _positive),
        Option("NX_ENABLE_TCP_KEEPALIVE", False,
               "sockets send keepalive probes after NX_TCP_KEEPALIVE_INITIAL idle seconds and "
               "reset the connection after NX_TCP_KEEPALIVE_RETRIES unanswered ones", _boolean),
        Option("NX_TCP_KEEPALIVE_INITIAL", 7200, "idle seconds before the first keepalive probe",
               _positive),
        Option("NX_TCP_KEEPALIVE_RETRY", 75, "seconds between unanswered keepalive probes",
               _positive),
        Option("NX_TCP_KEEPALIVE_RETRIES", 10, "unanswered probes before the reset", _natural),
        Option("NX_TCP_ACK_EVERY_N_PACKETS", None,
               "an in-order data segment is ACKed at once every N segments (None: undefined, "
               "only the delayed-ACK timer and the half-window rule ACK)", _optional_positive),
        Option("NX_TCP_IMMEDIATE_ACK", False,
               "with NX_TCP_ACK_EVERY_N_PACKETS undefined, makes it 1: every in-order data "
               "segment is ACKed at once", _boolean),
        Option("NX_TCP_MAX_OUT_OF_ORDER_PACKETS", None,
               "out-of-order segments a receive queue keeps; beyond it the queue's last "
               "segment is dropped (None: undefined, no limit)", _optional_positive),
        Option("NX_TCP_MAXIMUM_RETRIES", 10,
               "retransmissions (and SYN/FIN retries) before the connection is reset", _natural),
        Option("NX_TCP_MAXIMUM_TX_QUEUE", 20,
               "unacknowledged segments a socket keeps before nx_tcp_socket_send waits or "
               "returns NX_TX_QUEUE_DEPTH", _positive),
        Option("NX_TCP_RETRY_SHIFT", 0,
               "retransmission time-out back-off: RTO << (retries * shift)", _natural),
        Option("NX_TCP_MSS_SIZE", 1460, "a new socket's initial connection MSS", _positive),
        Option("NX_TCP_MAXIMUM_SEGMENT_LIFETIME", 120, "seconds; TIME_WAIT lasts twice this",
               _positive),
        Option("NX_TCP_FAST_TIMER_RATE", 10,
               "fast TCP timer events per second (delayed ACK and retransmission timing step)",
               _positive),
        Option("NX_TCP_ACK_TIMER_RATE", 5, "the delayed ACK waits 1/this of a second", _positive),
        Option("NX_TCP_TRANSMIT_TIMER_RATE", 1, "the RTO is 1/this of a second", _positive),
        Option("NX_MAX_LISTEN_REQUESTS", 10,
               "ports an IP instance can listen on (nx_tcp_server_socket_listen: NX_MAX_LISTEN)",
               _positive),
        Option("NX_DISABLE_PACKET_CHAIN", False,
               "no packet chains: nx_packet_data_append returns NX_SIZE_ERROR when the data does "
               "not fit the packet's one buffer (nothing is chained), so the RAM driver drops a "
               "frame larger than the receiver's buffer (its copy fails)", _boolean),
        Option("NX_ENABLE_INTERFACE_CAPABILITY", False,
               "interfaces carry capability flags: nx_ip_interface_capability_set/_get work "
               "(off: NX_NOT_SUPPORTED); TX checksum offload flags leave the IPv4/TCP/ICMP "
               "checksums zero for the driver, RX flags skip their verification", _boolean),
        Option("NX_ENABLE_IP_STATIC_ROUTING", False,
               "nx_ip_static_route_add/delete work and routes are looked up before the "
               "directly attached networks (off: both return NX_NOT_SUPPORTED)", _boolean),
        Option("NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY", False,
               "nx_tcp_socket_queue_depth_notify_set works: its callback runs when an ACK "
               "brings a full transmit queue below its maximum (off: NX_NOT_SUPPORTED)", _boolean),
        Option("NX_ENABLE_DUAL_PACKET_POOL", False,
               "nx_ip_auxiliary_packet_pool_set works (off: NX_NOT_SUPPORTED): TCP control "
               "segments and ARP packets are allocated from the auxiliary pool", _boolean),
        Option("NX_ARP_MAXIMUM_RETRIES", 18, "ARP requests repeated for an unresolved entry",
               _natural),
        Option("NX_ARP_UPDATE_RATE", 10, "seconds between ARP request retries", _positive),
        Option("NX_ARP_EXPIRATION_RATE", 0,
               "seconds a resolved dynamic entry lives (0: forever)", _natural),
        Option("NX_ARP_MAX_QUEUE_DEPTH", 4, "packets queued on an unresolved ARP entry",
               _positive),
        Option("NX_ARP_DEFEND_INTERVAL", 10, "seconds between two defences of our address",
               _positive),
        Option("NX_DISABLE_ARP_AUTO_ENTRY", False,
               "an ARP request from an unknown host adds no entry for it", _boolean),
        Option("NX_PACKET_HEADER_PAD", False,
               "NX_PACKET grows by NX_PACKET_HEADER_PAD_SIZE ULONGs: sizeof(NX_PACKET) 60 -> 64, "
               "so a pool of a given size holds fewer packets", _boolean),
        Option("NX_PACKET_HEADER_PAD_SIZE", 1, "ULONGs of pad (with NX_PACKET_HEADER_PAD)",
               _positive),
        Option("NX_MAX_PHYSICAL_INTERFACES", 1,
               "physical interface slots of an IP instance (nx_ip_interface_attach fills them, "
               "NX_NO_MORE_ENTRIES past it); the loopback interface's index",
               _positive),
    )}

    #: (fast, ack, transmit, 2MSL) TCP timer periods in ticks of the build in force, as
    #: nx_tcp_enable derives them from NX_IP_PERIODIC_RATE and the rates above.
    tcp_rates: tuple[int, int, int, int] = (10, 20, 100, 24000)

    @classmethod
    def activated(cls) -> None:
        active = cls.__dict__.get("active")
        if active is None:
            return
        periodic = TxConfig.active.TX_TIMER_TICKS_PER_SECOND
        cls.tcp_rates = (
            (periodic + active.NX_TCP_FAST_TIMER_RATE - 1) // active.NX_TCP_FAST_TIMER_RATE,
            (periodic + active.NX_TCP_ACK_TIMER_RATE - 1) // active.NX_TCP_ACK_TIMER_RATE,
            (periodic + active.NX_TCP_TRANSMIT_TIMER_RATE - 1) // active.NX_TCP_TRANSMIT_TIMER_RATE,
            2 * periodic * active.NX_TCP_MAXIMUM_SEGMENT_LIFETIME)

    @property
    def tcp_ack_every_n_packets(self) -> int | None:
        """NX_TCP_ACK_EVERY_N_PACKETS as the C sees it (NX_TCP_IMMEDIATE_ACK makes it 1)."""
        if self.NX_TCP_ACK_EVERY_N_PACKETS is None and self.NX_TCP_IMMEDIATE_ACK:
            return 1
        return self.NX_TCP_ACK_EVERY_N_PACKETS


def nx_ip_periodic_rate() -> int:
    """NX_IP_PERIODIC_RATE of the build in force: TX_TIMER_TICKS_PER_SECOND (nx_port.h)."""
    return TxConfig.active.TX_TIMER_TICKS_PER_SECOND


def nx_error_checking_disabled() -> bool:
    """NX_DISABLE_ERROR_CHECKING of the build in force."""
    return NxConfig.active.NX_DISABLE_ERROR_CHECKING


def nx_service(checked: Callable, core: Callable, name: str | None = None) -> Callable:
    """A public NetX service: ``checked`` (the ``_nxe_`` layer, which calls ``core``), or
    ``core`` alone when ``NX_DISABLE_ERROR_CHECKING`` is set."""
    return switchable_service(checked, core, nx_error_checking_disabled, name)


def nx_threads_only_caller_error(k: Kernel) -> bool:
    """NX_THREADS_ONLY_CALLER_CHECKING: refused from an ISR, initialisation, or the
    system timer thread (timer callbacks)."""
    return not k.in_thread


def nx_init_and_threads_caller_error(k: Kernel) -> bool:
    """NX_INIT_AND_THREADS_CALLER_CHECKING: refused from an ISR or the timer thread."""
    return k.in_isr or (k.current_ptr is not None and k.current_ptr is k.timer_thread)


def nx_not_isr_caller_error(k: Kernel) -> bool:
    """NX_NOT_ISR_CALLER_CHECKING: refused from an ISR only."""
    return k.in_isr


def nx_thread_wait_caller_error(k: Kernel, wait_option: int) -> bool:
    """NX_THREAD_WAIT_CALLER_CHECKING: a wait (``wait_option`` != 0) is refused outside
    an application/NetX thread; NX_NO_WAIT is legal anywhere."""
    return bool(wait_option) and not k.in_thread


legacy_switches(__name__, "NX_DISABLE_ERROR_CHECKING")

__all__ = ["NxConfig", "nx_service", "nx_ip_periodic_rate", "nx_threads_only_caller_error",
           "nx_init_and_threads_caller_error", "nx_not_isr_caller_error",
           "nx_thread_wait_caller_error"]
