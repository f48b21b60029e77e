"""NetX TCP, IP-instance side: constants, ``nx_tcp_enable``, port tables, segment
reception and dispatch, the fast/slow periodic processing, deferred wait clean-up and
``NX_RAND`` (netxduo ``nx_tcp_enable.c``, ``nx_tcp_packet_receive.c``,
``nx_tcp_packet_process.c``, ``nx_tcp_fast_periodic_processing.c``,
``nx_tcp_deferred_cleanup_check.c``, ``nx_tcp_no_connection_reset.c``).

Theory of operation
-------------------
Sockets (``tcp_socket.py``) are created on an IP instance and listed in
``ip.nx_ip_tcp_created_sockets`` (creation order, as the C ring is walked). A bound
socket is in ``ip.nx_ip_tcp_port_table[port]`` (a list per port: a listening port can
hold several connected server sockets). Segments arrive from the IPv4 receive path in
the IP thread (``_nx_tcp_packet_receive``): checksum verified over the segment bytes,
then matched to a socket by (local port, peer port, peer address); else a listen
request on the port takes SYNs; else a RST answers anything that is not itself a RST.
Per-state processing lives in ``tcp_input.py``; every segment we send is built in
``tcp_output.py``.

Waits: a thread waiting in a TCP service is suspended on a socket list with no kernel
timeout; a per-wait timer (``_TcpWait``) reproduces NetX's cleanup running in timer
context: it only marks the wait and sets NX_IP_TCP_CLEANUP_DEFERRED, and the IP thread
completes it (state changes, status, resume) in ``_nx_tcp_deferred_cleanup_check``.
A wait abort (``tx_thread_wait_abort``) runs the same clean-up at once, as in C.
"""
from __future__ import annotations

import struct
from typing import Any, Callable

from netxsim.boundary import c_service, register_type
from netxsim.tx.constants import TX_TCP_IP, TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
import netxsim.tx.kernel as _kernel_module
from netxsim.tx.quiet import register_quiet_timer
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
from netxsim.tx.timer import TX_TIMER, InternalTimer, _tx_timer_activate, _tx_timer_create

from . import ip as _ip
from netxsim.tx.config import legacy_switches

from .config import NxConfig, nx_init_and_threads_caller_error, nx_not_isr_caller_error, nx_service, \
    nx_threads_only_caller_error
from .constants import (
    NX_ALREADY_ENABLED, NX_CALLER_ERROR, NX_INVALID_PORT, NX_NO_FREE_PORTS, NX_NOT_ENABLED,
    NX_PTR_ERROR, NX_SEARCH_PORT_START, NX_SUCCESS,
)
from .packet import NX_PACKET, _nx_packet_release
from .wire import netx_mss_option_get, word_sum
from ..tx import trace as _trace
from . import trace as _nxt

# ----------------------------------------------------------------- states (nx_api.h)
NX_TCP_CLOSED = 1
NX_TCP_LISTEN_STATE = 2
NX_TCP_SYN_SENT = 3
NX_TCP_SYN_RECEIVED = 4
NX_TCP_ESTABLISHED = 5
NX_TCP_CLOSE_WAIT = 6
NX_TCP_FIN_WAIT_1 = 7
NX_TCP_FIN_WAIT_2 = 8
NX_TCP_CLOSING = 9
NX_TCP_TIMED_WAIT = 10
NX_TCP_LAST_ACK = 11

NX_TCP_STATE_NAMES = {1: "CLOSED", 2: "LISTEN", 3: "SYN_SENT", 4: "SYN_RECEIVED", 5: "ESTABLISHED",
                      6: "CLOSE_WAIT", 7: "FIN_WAIT_1", 8: "FIN_WAIT_2", 9: "CLOSING", 10: "TIMED_WAIT",
                      11: "LAST_ACK"}

# ------------------------------------------------- configuration (nx_tcp.h / nx_user.h)
# The options (NX_TCP_MSS_SIZE, NX_TCP_MAXIMUM_TX_QUEUE, NX_TCP_MAXIMUM_RETRIES,
# NX_TCP_RETRY_SHIFT, the timer rates, NX_ENABLE_TCP_KEEPALIVE and its timers,
# NX_MAX_LISTEN_REQUESTS) live in NxConfig; these module names remain as views of it.
_LEGACY_OPTIONS = (
    "NX_TCP_MSS_SIZE", "NX_TCP_MAXIMUM_TX_QUEUE", "NX_TCP_MAXIMUM_RETRIES", "NX_TCP_RETRY_SHIFT",
    "NX_TCP_MAXIMUM_SEGMENT_LIFETIME", "NX_TCP_FAST_TIMER_RATE", "NX_TCP_ACK_TIMER_RATE",
    "NX_TCP_TRANSMIT_TIMER_RATE", "NX_TCP_KEEPALIVE_INITIAL", "NX_TCP_KEEPALIVE_RETRY",
    "NX_TCP_KEEPALIVE_RETRIES", "NX_ENABLE_TCP_KEEPALIVE", "NX_MAX_LISTEN_REQUESTS",
)
legacy_switches(__name__, *_LEGACY_OPTIONS)
NX_TCP_ID = 0x54435020  # "TCP "

# Header bits as NetX stores them in header word 3 (nx_tcp.h).
NX_TCP_FIN_BIT = 0x00010000
NX_TCP_SYN_BIT = 0x00020000
NX_TCP_RST_BIT = 0x00040000
NX_TCP_PSH_BIT = 0x00080000
NX_TCP_ACK_BIT = 0x00100000
NX_TCP_URG_BIT = 0x00200000
NX_TCP_CONTROL_MASK = 0x00170000
NX_TCP_HEADER_SIZE = 0x50000000
NX_TCP_SYN_HEADER = 0x70000000
NX_TCP_SYN_SIZE = 28
NX_TCP_HEADER_BYTES = 20
# Flag bits in the header's 13th byte.
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def _rates() -> tuple[int, int, int, int]:
    """(fast, ack, transmit, 2MSL) timer rates in ticks, as nx_tcp_enable computes them
    from the build in force (computed once when the build comes into force)."""
    return NxConfig.tcp_rates


# ======================================================================= NXD_ADDRESS
class _NxdIpAddress:
    __slots__ = ("v4", "v6")

    def __init__(self) -> None:
        self.v4 = 0
        self.v6 = [0, 0, 0, 0]


@register_type
class NXD_ADDRESS:
    """``NXD_ADDRESS``: ``nxd_ip_version`` and the union ``nxd_ip_address`` (``.v4``)."""

    def __init__(self, version: int = 0, v4: int = 0) -> None:
        self.nxd_ip_version = version
        self.nxd_ip_address = _NxdIpAddress()
        self.nxd_ip_address.v4 = v4

    def __repr__(self) -> str:
        return f"<NXD_ADDRESS v{self.nxd_ip_version} {_ip._dotted(self.nxd_ip_address.v4)}>"


# ============================================================================ NX_RAND
_SEEDED: dict[int, list[int]] = {}   # seed -> generator state right after srand(seed)


class _GlibcRandom:
    """glibc ``rand()`` (TYPE_3 additive feedback, r[i] = r[i-3] + r[i-31]); seed 1 by
    default, so the first values are 1804289383, 846930886, 1681692777."""

    def __init__(self, seed: int = 1) -> None:
        self.srand(seed)

    def srand(self, seed: int) -> None:
        seed = seed or 1
        seeded = _SEEDED.get(seed)
        if seeded is not None:   # the state after seeding depends on the seed only
            self.r = list(seeded)
            return
        r = [0] * 34
        r[0] = seed & 0xFFFFFFFF
        for i in range(1, 31):
            # 16807 * r[i-1] mod (2^31 - 1) with glibc's signed Schrage arithmetic.
            previous = r[i - 1] if r[i - 1] < 0x80000000 else r[i - 1] - 0x100000000
            hi, lo = int(previous / 127773), previous - int(previous / 127773) * 127773
            word = 16807 * lo - 2836 * hi
            if word < 0:
                word += 2147483647
            r[i] = word & 0xFFFFFFFF
        for i in range(31, 34):
            r[i] = r[i - 31]
        self.r = r
        for _ in range(310):
            self._next()
        if len(_SEEDED) < 64:
            _SEEDED[seed] = list(self.r)

    def _next(self) -> int:
        r = self.r
        value = (r[-31] + r[-3]) & 0xFFFFFFFF
        r.append(value)
        if len(r) > 64:
            del r[:-34]
        return value

    def rand(self) -> int:
        return self._next() >> 1


def NX_RAND() -> int:
    """``NX_RAND()`` = the C library ``rand()``: one generator per simulated kernel (the
    device's process), except for a thread given its own ``nx_rand_state`` — a simulated
    peer host is another machine with its own C library (see :func:`own_rand_state`)."""
    k = _kernel_module._current or kernel()
    generator = getattr(k.current_ptr, "nx_rand_state", None)
    if generator is None:
        generator = getattr(k, "nx_rand_state", None)
        if generator is None:
            generator = k.nx_rand_state = _GlibcRandom()
    return generator.rand()


def own_rand_state(*threads: Any, seed: int = 1) -> None:
    """Give ``threads`` (a peer host's application and IP threads) a ``rand()`` of their
    own, so a simulated peer does not shift the device's random sequence."""
    generator = _GlibcRandom(seed)
    for thread in threads:
        thread.nx_rand_state = generator


# ================================================================== listen requests
class NX_TCP_LISTEN:
    """``NX_TCP_LISTEN``: a listen request (port, socket ready to take the next SYN,
    queue of SYNs waiting for a relisten)."""

    def __init__(self) -> None:
        self.nx_tcp_listen_port = 0
        self.nx_tcp_listen_callback: Callable | None = None
        self.nx_tcp_listen_socket_ptr: Any = None
        self.nx_tcp_listen_queue_maximum = 0
        self.nx_tcp_listen_queue: list[NX_PACKET] = []

    @property
    def nx_tcp_listen_queue_current(self) -> int:
        return len(self.nx_tcp_listen_queue)


# ============================================================================ enable
_TCP_INFO_FIELDS = (
    "nx_ip_tcp_packets_sent", "nx_ip_tcp_bytes_sent", "nx_ip_tcp_packets_received",
    "nx_ip_tcp_bytes_received", "nx_ip_tcp_invalid_packets", "nx_ip_tcp_receive_packets_dropped",
    "nx_ip_tcp_checksum_errors", "nx_ip_tcp_connections", "nx_ip_tcp_disconnections",
    "nx_ip_tcp_connections_dropped", "nx_ip_tcp_retransmit_packets", "nx_ip_tcp_resets_received",
    "nx_ip_tcp_resets_sent", "nx_ip_tcp_active_connections", "nx_ip_tcp_passive_connections",
)


def _tcp_fields(ip: Any) -> None:
    """Make sure ``ip`` has TCP's fields (an NX_IP built before this module was loaded)."""
    if "nx_ip_tcp_created_sockets" not in ip.__dict__:
        _tcp_state_reset(ip)


def _tcp_state_reset(ip: Any) -> None:
    """TCP's part of NX_IP, zeroed (registered with NX_IP: every create resets it)."""
    ip.nx_ip_tcp_created_sockets = []
    ip.nx_ip_tcp_port_table = {}
    ip.nx_ip_tcp_listen_requests = []
    ip.nx_ip_tcp_port_find_next = None
    for field in _TCP_INFO_FIELDS:
        setattr(ip, field, 0)
    ip.nx_ip_tcp_fast_periodic_timer = TX_TIMER()


_ip.register_protocol_state(_tcp_state_reset)


def _nx_tcp_enable(ip_ptr: Any) -> int:
    """``nx_tcp_enable`` (nx_tcp_enable.c): install the TCP handlers on the IP instance and
    start the fast periodic timer (every NX_TCP_FAST_TIMER_RATE-th of a second: 10 ticks).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_ALREADY_ENABLED,
    NX_CALLER_ERROR (from an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_ENABLE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_TCP_EVENTS)
    _tcp_fields(ip_ptr)
    k = kernel()
    ip_ptr.nx_ip_tcp_packet_receive = _nx_tcp_packet_receive
    ip_ptr.nx_ip_tcp_queue_process = _nx_tcp_queue_process
    ip_ptr.nx_ip_tcp_fast_periodic_processing = _nx_tcp_fast_periodic_processing
    ip_ptr.nx_ip_tcp_periodic_processing = _nx_tcp_periodic_processing
    ip_ptr.nx_ip_tcp_deferred_cleanup_check = _nx_tcp_deferred_cleanup_check
    ip_ptr.nx_ip_tcp_enabled = 1
    timer = ip_ptr.nx_ip_tcp_fast_periodic_timer
    if not getattr(timer, "tx_timer_id", 0):
        fast = _rates()[0]
        _tx_timer_create(timer, ip_ptr.nx_ip_name, lambda _: _ip.ip_event_set(ip_ptr, _ip.NX_IP_FAST_EVENT),
                         0, fast, fast, 0)
        timer.tx_timer_internal.keeps_alive = False
        _tx_timer_activate(timer)
        probe = getattr(ip_ptr, "_quiet_probe", None)
        if probe is not None:
            register_quiet_timer(k, timer, probe)
    probes = k.activity_probes
    if not getattr(k, "nx_tcp_probe_installed", False):
        k.nx_tcp_probe_installed = True
        probes.append(lambda: _tcp_activity(k))
    return NX_SUCCESS


def _nxe_tcp_enable(ip_ptr: Any) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if ip_ptr.nx_ip_tcp_enabled:
        return NX_ALREADY_ENABLED
    if nx_not_isr_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_enable(ip_ptr)


nx_tcp_enable = c_service(
    "UINT nx_tcp_enable(NX_IP *ip_ptr)",
    nx_service(_nxe_tcp_enable, _nx_tcp_enable))


_TIMED_STATES = (NX_TCP_SYN_SENT, NX_TCP_SYN_RECEIVED, NX_TCP_FIN_WAIT_1, NX_TCP_CLOSING, NX_TCP_LAST_ACK,
                 NX_TCP_TIMED_WAIT)


def _tcp_activity(k: Any) -> bool:
    """Liveness probe: True while a socket of this kernel still has work that can wake a
    thread (a timer running, unacknowledged data, a pending wait timeout)."""
    for ip in _ip._created_ips(k):
        for socket in getattr(ip, "nx_ip_tcp_created_sockets", ()):
            if socket._tx_queue or socket.nx_tcp_socket_timeout and (
                    socket.nx_tcp_socket_state in _TIMED_STATES or socket.nx_tcp_socket_tx_window_advertised == 0):
                return True
            if any(socket._wait_lists()):
                for wait_list in socket._wait_lists():
                    for thread in wait_list:
                        wait = thread.suspend_info
                        if isinstance(wait, _TcpWait) and wait.deferred:
                            return True
            if socket.nx_tcp_socket_state >= NX_TCP_ESTABLISHED and (
                    socket.nx_tcp_socket_rx_sequence != socket.nx_tcp_socket_rx_sequence_acked):
                return True
    return False


# ========================================================================= info/port
def _nx_tcp_info_get(ip_ptr: Any) -> tuple:
    """``nx_tcp_info_get``: (status, tcp_packets_sent, tcp_bytes_sent,
    tcp_packets_received, tcp_bytes_received, tcp_invalid_packets,
    tcp_receive_packets_dropped, tcp_checksum_errors, tcp_connections,
    tcp_disconnections, tcp_connections_dropped, tcp_retransmit_packets).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_INFO_GET, ip_ptr, getattr(ip_ptr, "nx_ip_tcp_bytes_sent", 0),
                  getattr(ip_ptr, "nx_ip_tcp_bytes_received", 0),
                  getattr(ip_ptr, "nx_ip_tcp_invalid_packets", 0), _nxt.NX_TRACE_TCP_EVENTS)
    _tcp_fields(ip_ptr)
    return (NX_SUCCESS, ip_ptr.nx_ip_tcp_packets_sent, ip_ptr.nx_ip_tcp_bytes_sent,
            ip_ptr.nx_ip_tcp_packets_received, ip_ptr.nx_ip_tcp_bytes_received,
            ip_ptr.nx_ip_tcp_invalid_packets, ip_ptr.nx_ip_tcp_receive_packets_dropped,
            ip_ptr.nx_ip_tcp_checksum_errors, ip_ptr.nx_ip_tcp_connections,
            ip_ptr.nx_ip_tcp_disconnections, ip_ptr.nx_ip_tcp_connections_dropped,
            ip_ptr.nx_ip_tcp_retransmit_packets)


def _nxe_tcp_info_get(ip_ptr: Any) -> tuple:
    if not _ip._valid_ip(ip_ptr):
        return (NX_PTR_ERROR,) + (None,) * 11
    if not ip_ptr.nx_ip_tcp_enabled:
        return (NX_NOT_ENABLED,) + (None,) * 11
    if nx_init_and_threads_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 11
    return _nx_tcp_info_get(ip_ptr)


nx_tcp_info_get = c_service(
    "UINT nx_tcp_info_get(NX_IP *ip_ptr)",
    nx_service(_nxe_tcp_info_get, _nx_tcp_info_get))


def _port_in_use(ip: Any, port: int) -> Any:
    """The first socket bound to ``port`` on ``ip``, or None."""
    bound = ip.nx_ip_tcp_port_table.get(port)
    return bound[0] if bound else None


def _nx_tcp_free_port_find(ip_ptr: Any, port: int) -> tuple[int, int | None]:
    """``nx_tcp_free_port_find`` (nx_tcp_free_port_find.c): (status, free_port): the first
    port from ``port`` upwards (wrapping to NX_SEARCH_PORT_START after 0xFFFF) that no TCP
    socket of the instance is bound to; a port below NX_SEARCH_PORT_START starts the
    search at NX_SEARCH_PORT_START.

    Statuses: NX_SUCCESS, NX_NO_FREE_PORTS; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_INVALID_PORT (> 0xFFFF), NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_FREE_PORT_FIND, ip_ptr, port, 0, 0, _nxt.NX_TRACE_TCP_EVENTS)
    _tcp_fields(ip_ptr)
    start = port
    while True:
        _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
        bound = _port_in_use(ip_ptr, port) is not None
        _tx_mutex_put(ip_ptr.nx_ip_protection)
        if not bound:
            return NX_SUCCESS, port
        port += 1
        if port > 0xFFFF:
            if start <= NX_SEARCH_PORT_START:
                return NX_NO_FREE_PORTS, None
            port = NX_SEARCH_PORT_START
        if port == start:
            return NX_NO_FREE_PORTS, None


def _nxe_tcp_free_port_find(ip_ptr: Any, port: int) -> tuple[int, int | None]:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR, None
    if not ip_ptr.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED, None
    if port > 0xFFFF:
        return NX_INVALID_PORT, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_tcp_free_port_find(ip_ptr, port)


nx_tcp_free_port_find = c_service(
    "UINT nx_tcp_free_port_find(NX_IP *ip_ptr, UINT port)",
    nx_service(_nxe_tcp_free_port_find, _nx_tcp_free_port_find))


# ============================================================================== waits
class _TcpWait:
    """What a thread waiting in a TCP service carries: its socket, the per-wait timer and
    the clean-up to apply when the wait ends without the awaited event."""

    __slots__ = ("socket", "kind", "timer", "deferred", "data", "timeout_status")

    def __init__(self, socket: Any, kind: str, timeout_status: int, data: Any = None) -> None:
        self.socket = socket
        self.kind = kind
        self.timer: InternalTimer | None = None
        self.deferred = False
        self.data = data
        self.timeout_status = timeout_status


def _nx_tcp_socket_thread_suspend(socket: Any, wait_list: list, kind: str, wait_option: int,
                                  timeout_status: int, data: Any = None) -> int:
    """``_nx_tcp_socket_thread_suspend``: release the IP mutex and suspend the caller on
    ``wait_list`` (FIFO). The caller holds the IP mutex; it does not hold it on return.

    A timeout is completed later by the IP thread (deferred clean-up); the status is the
    thread's suspend status (set by whoever resumed it)."""
    k = _kernel_module._current or kernel()
    ip = socket.nx_tcp_socket_ip_ptr
    wait = _TcpWait(socket, kind, timeout_status, data)
    thread = k.current_ptr
    if wait_option != TX_WAIT_FOREVER:
        timer = wait.timer = InternalTimer(_wait_expired, thread)
        k.timer_activate(timer, wait_option)
    k.preempt_disable += 1
    protection = ip.nx_ip_protection
    _tx_mutex_put(protection)
    k.preempt_disable -= 1
    return k.suspend_current(TX_TCP_IP, TX_WAIT_FOREVER, wait_list, timeout_status, socket,
                             info=wait, cleanup=_wait_cleanup)


def _wait_expired(thread: Any) -> None:
    """Timer context: as NetX's clean-ups do from the timer thread, only mark the wait and
    let the IP thread finish it."""
    wait = thread.suspend_info
    if not isinstance(wait, _TcpWait) or thread.wait_list is None:
        return
    wait.timer = None
    wait.deferred = True
    from netxsim.tx.perf_counters import count
    count(thread, "thread", "timeout")   # _tx_thread_timeout counts every wait that times out
    _ip.ip_event_set(wait.socket.nx_tcp_socket_ip_ptr, _ip.NX_IP_TCP_CLEANUP_DEFERRED)


def _wait_cleanup(thread: Any) -> None:
    """Kernel clean-up hook (abort, terminate, or our deferred completion): the socket
    side of NetX's ``_nx_tcp_*_cleanup``."""
    wait = thread.suspend_info
    if not isinstance(wait, _TcpWait):
        return
    if wait.timer is not None:
        kernel().timer_deactivate(wait.timer)
        wait.timer = None
    wait.deferred = False
    tcp_socket._wait_socket_cleanup(wait, thread)


def _tcp_wake(thread: Any, status: int) -> None:
    """Resume a TCP waiter that got what it waited for (already off its list)."""
    wait = thread.suspend_info
    k = _kernel_module._current or kernel()
    if isinstance(wait, _TcpWait):
        if wait.timer is not None:
            k.timer_deactivate(wait.timer)
            wait.timer = None
        wait.deferred = False
    k.wake(thread, status)


def _tcp_wake_list(wait_list: list, status: int) -> None:
    """Resume every waiter of ``wait_list`` with ``status`` (most urgent runs afterwards)."""
    if not wait_list:
        return
    k = kernel()
    k.preempt_disable += 1
    while wait_list:
        _tcp_wake(wait_list.pop(0), status)
    k.preempt_disable -= 1


def _nx_tcp_deferred_cleanup_check(ip_ptr: Any) -> None:
    """``_nx_tcp_deferred_cleanup_check`` (IP thread): finish every TCP wait whose timer
    expired, with its timeout status."""
    k = kernel()
    for socket in list(ip_ptr.nx_ip_tcp_created_sockets):
        for wait_list in socket._wait_lists():
            for thread in list(wait_list):
                wait = thread.suspend_info
                if isinstance(wait, _TcpWait) and wait.deferred:
                    status = wait.timeout_status
                    if wait.kind == "receive":
                        status = 0x01 if socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED else 0x38
                    elif wait.kind == "transmit":
                        status = _transmit_timeout_status(socket)
                    k.end_wait(thread, status)


def _transmit_timeout_status(socket: Any) -> int:
    if socket.nx_tcp_socket_state not in (NX_TCP_ESTABLISHED, NX_TCP_CLOSE_WAIT):
        return NX_NOT_CONNECTED
    if socket.nx_tcp_socket_transmit_sent_count >= socket.nx_tcp_socket_transmit_queue_maximum:
        return NX_TX_QUEUE_DEPTH
    return NX_WINDOW_OVERFLOW


# ========================================================================== receive
def _nx_tcp_packet_receive(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_tcp_packet_receive``: the IPv4 path's protocol-6 handler. In the IP thread the
    segment is processed at once; otherwise it is queued with NX_IP_TCP_EVENT."""
    if packet_ptr.nx_packet_length < NX_TCP_HEADER_BYTES:
        _tcp_fields(ip_ptr)
        ip_ptr.nx_ip_tcp_invalid_packets += 1
        _nx_packet_release(packet_ptr)
        return
    k = _kernel_module._current or kernel()
    owner = ip_ptr.kernel   # _ip.ip_thread_is_current, inline (every segment passes here)
    if k.system_state != 0 or owner is None or owner.current_ptr is not ip_ptr.nx_ip_thread:
        ip_ptr.nx_ip_tcp_queue.append(packet_ptr)
        _ip.ip_event_set(ip_ptr, _ip.NX_IP_TCP_EVENT)
        return
    _nx_tcp_packet_process(ip_ptr, packet_ptr)


def _nx_tcp_queue_process(ip_ptr: Any) -> None:
    """``_nx_tcp_queue_process``: process the queued segments in arrival order."""
    queue = ip_ptr.nx_ip_tcp_queue
    while queue:
        _nx_tcp_packet_process(ip_ptr, queue.pop(0))


_TCP_FIXED = struct.Struct("!HHIIBBH")
_IP_ADDRESSES = struct.Struct("!II")


class _Segment:
    """A received segment's header, parsed once (the C ``tcp_header_copy``)."""

    __slots__ = ("source_port", "port", "seq", "ack", "header_length", "flags", "window",
                 "data_length", "options", "source_ip", "dest_ip")

    def __init__(self, raw: bytes, source_ip: int, dest_ip: int) -> None:
        (self.source_port, self.port, self.seq, self.ack, offset, flags,
         self.window) = _TCP_FIXED.unpack_from(raw)
        self.header_length = (offset >> 4) * 4
        self.flags = flags & 0x3F
        self.options = raw[20:self.header_length]
        self.data_length = len(raw) - self.header_length
        self.source_ip = source_ip
        self.dest_ip = dest_ip


def _nx_tcp_packet_process(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_tcp_packet_process``: verify, then hand to the socket, a listen request, or
    answer with a RST (nx_tcp_packet_process.c). An ACK or ACK|PSH segment with a bare
    header for an established socket first tries header prediction (tcp_fast)."""
    length = packet_ptr.nx_packet_length
    if packet_ptr.nx_packet_next is None:
        # SimMemory.read inlined (same bounds check, same error when it fails).
        memory = packet_ptr._mem
        offset = packet_ptr._prepend - memory.base
        end = offset + length
        if offset < 0 or length < 0 or end > memory.size:
            memory._offset(packet_ptr._prepend, length)
        # The segment's bytes are copied out only when something needs them all (the
        # checksum, the general path); header prediction reads the header in place.
        segment_memory, segment_offset = memory.data, offset
        raw = None
    else:
        raw = packet_ptr.chain_bytes()[:length]
    header = packet_ptr.nx_packet_ip_header
    if header is None:
        source_ip = dest_ip = 0
    else:
        # Pointer.read(20) inlined: the addresses read in place.
        memory = header.memory
        offset = header.address - memory.base
        if offset < 0 or offset + 20 > memory.size:
            memory._offset(header.address, 20)
        source_ip, dest_ip = _IP_ADDRESSES.unpack_from(memory.data, offset + 12)
    if raw is not None:
        length = len(raw)
    interface = packet_ptr.nx_packet_interface_ptr
    bad = False
    # A segment known to carry a right checksum (frame_check) would pass: not summed again.
    if not (interface is not None
            and interface.nx_interface_capability_flag & _ip.NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM) \
            and not packet_ptr._tcp_checked:
        # internet_checksum(raw, pseudo_header_sum(...)) != 0, inlined (wire.py, tcp_output.py).
        if raw is None:
            total = word_sum(segment_memory, segment_offset, segment_offset + length)
        else:
            total = word_sum(raw, 0, length)
        total += ((source_ip >> 16) + (source_ip & 0xFFFF) + (dest_ip >> 16) + (dest_ip & 0xFFFF)
                  + 6 + (length & 0xFFFF))
        bad = not total or (total - 1) % 0xFFFF + 1 != 0xFFFF
    if bad:
        ip_ptr.nx_ip_tcp_invalid_packets += 1
        ip_ptr.nx_ip_tcp_checksum_errors += 1
        _nx_packet_release(packet_ptr)
        return
    if packet_ptr._append - packet_ptr._prepend < NX_TCP_HEADER_BYTES or length < NX_TCP_HEADER_BYTES:
        ip_ptr.nx_ip_tcp_invalid_packets += 1
        _nx_packet_release(packet_ptr)
        return
    source_port, port, seq, ack, offset, flags, window = \
        _TCP_FIXED.unpack_from(raw) if raw is not None else _TCP_FIXED.unpack_from(segment_memory, segment_offset)
    socket = None
    for candidate in ip_ptr.nx_ip_tcp_port_table.get(port, ()):
        peer = candidate.nx_tcp_socket_connect_ip
        if candidate.nx_tcp_socket_connect_port == source_port and peer.nxd_ip_address.v4 == source_ip \
                and peer.nxd_ip_version == 4:
            socket = candidate
            break
    # Header prediction: no options, flags ACK or ACK|PSH, the whole segment in hand.
    if socket is not None and offset >> 4 == 5 and flags & 0x37 == ACK and tcp_fast.enabled \
            and length == packet_ptr.nx_packet_length and _trace.active is None \
            and tcp_fast.established_segment(ip_ptr, socket, packet_ptr, seq, ack, window, length - 20):
        return
    if raw is None:
        raw = bytes(segment_memory[segment_offset:segment_offset + length])
    segment = _Segment(raw, source_ip, dest_ip)
    if segment.header_length < NX_TCP_HEADER_BYTES or segment.header_length > length:
        ip_ptr.nx_ip_tcp_invalid_packets += 1
        _nx_packet_release(packet_ptr)
        return
    mss = 536
    valid_options = True
    if segment.options:
        valid_options, found = netx_mss_option_get(segment.options)
        if valid_options and found:
            mss = found
    if socket is not None:
        if segment.flags & SYN:
            socket.nx_tcp_socket_peer_mss = mss
            if socket.nx_tcp_socket_mss and mss > socket.nx_tcp_socket_mss:
                socket.nx_tcp_socket_connect_mss = socket.nx_tcp_socket_mss
            elif socket.nx_tcp_socket_state != NX_TCP_SYN_SENT or socket.nx_tcp_socket_connect_mss > mss:
                socket.nx_tcp_socket_connect_mss = mss
            socket.nx_tcp_socket_connect_mss2 = socket.nx_tcp_socket_connect_mss ** 2
        tcp_input._nx_tcp_socket_packet_process(socket, packet_ptr, segment)
        return
    if not valid_options:
        tcp_output._nx_tcp_no_connection_reset(ip_ptr, packet_ptr, segment)
        ip_ptr.nx_ip_tcp_invalid_packets += 1
        _nx_packet_release(packet_ptr)
        return
    if not segment.flags & ACK and ip_ptr.nx_ip_tcp_listen_requests:
        interface = packet_ptr.nx_packet_interface_ptr
        mask = interface.nx_interface_ip_network_mask
        if (source_ip == dest_ip and segment.source_port == segment.port) \
                or (source_ip & _ip.NX_IP_CLASS_D_MASK) == _ip.NX_IP_CLASS_D_TYPE \
                or ((source_ip & mask) == interface.nx_interface_ip_network
                    and (source_ip & ~mask & 0xFFFFFFFF) == (~mask & 0xFFFFFFFF)) \
                or source_ip == interface.nx_interface_ip_network or source_ip == 0xFFFFFFFF:
            ip_ptr.nx_ip_tcp_invalid_packets += 1
            _nx_packet_release(packet_ptr)
            return
        for listen in ip_ptr.nx_ip_tcp_listen_requests:
            if listen.nx_tcp_listen_port == segment.port:
                _listen_process(ip_ptr, listen, packet_ptr, segment, mss)
                return
    if segment.flags & SYN:
        ip_ptr.nx_ip_tcp_connections_dropped += 1
    ip_ptr.nx_ip_tcp_receive_packets_dropped += 1
    if not segment.flags & RST:
        tcp_output._nx_tcp_no_connection_reset(ip_ptr, packet_ptr, segment)
    _nx_packet_release(packet_ptr)


def _listen_process(ip: Any, listen: NX_TCP_LISTEN, packet: NX_PACKET, segment: _Segment, mss: int) -> None:
    """A SYN (or RST) for a listening port: give it to the listen socket, or queue it."""
    if not segment.flags & (SYN | RST):
        ip.nx_ip_tcp_receive_packets_dropped += 1
        _nx_packet_release(packet)
        return
    if segment.flags & SYN:
        ip.nx_ip_tcp_passive_connections += 1
        ip.nx_ip_tcp_connections += 1
    socket = listen.nx_tcp_listen_socket_ptr
    if socket is not None and not segment.flags & RST:
        listen.nx_tcp_listen_socket_ptr = None
        _syn_to_listen_socket(ip, socket, packet, segment, mss)
        _nx_packet_release(packet)
        if socket.nx_tcp_socket_state == NX_TCP_SYN_RECEIVED:
            socket.nx_tcp_socket_rx_sequence = (socket.nx_tcp_socket_rx_sequence + 1) & 0xFFFFFFFF
            socket.nx_tcp_socket_tx_sequence = (socket.nx_tcp_socket_tx_sequence + 1) & 0xFFFFFFFF
            socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate
            socket.nx_tcp_socket_timeout_retries = 0
            tcp_output._nx_tcp_packet_send_syn(socket, (socket.nx_tcp_socket_tx_sequence - 1) & 0xFFFFFFFF)
        if listen.nx_tcp_listen_callback is not None:
            listen.nx_tcp_listen_callback(socket, segment.port)
        return
    queue = listen.nx_tcp_listen_queue
    for index, queued in enumerate(queue):
        if queued._tcp_segment.source_ip == segment.source_ip and \
                queued._tcp_segment.source_port == segment.source_port:
            if segment.flags & RST:
                del queue[index]
                _nx_packet_release(queued)
            ip.nx_ip_tcp_receive_packets_dropped += 1
            _nx_packet_release(packet)
            return
    if segment.flags & RST:
        ip.nx_ip_tcp_receive_packets_dropped += 1
        _nx_packet_release(packet)
        return
    packet._tcp_segment = segment
    packet._tcp_mss = mss
    packet.nx_packet_queue_next = None
    queue.append(packet)
    if len(queue) > listen.nx_tcp_listen_queue_maximum:
        ip.nx_ip_tcp_connections_dropped += 1
        ip.nx_ip_tcp_connections -= 1
        ip.nx_ip_tcp_receive_packets_dropped += 1
        _nx_packet_release(queue.pop(0))


def _syn_to_listen_socket(ip: Any, socket: Any, packet: NX_PACKET, segment: _Segment, mss: int) -> None:
    """Fill a listening socket with the peer of a SYN and bind it to the port."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_SYN_RECEIVE, ip, socket, packet, segment.seq,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    interface = packet.nx_packet_interface_ptr
    status, route_interface, next_hop = _ip._nx_ip_route_find(ip, segment.source_ip)
    socket.nx_tcp_socket_connect_interface = route_interface if status == NX_SUCCESS else interface
    socket.nx_tcp_socket_next_hop_address = next_hop if status == NX_SUCCESS else 0
    socket.nx_tcp_socket_connect_ip.nxd_ip_version = 4
    socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4 = segment.source_ip
    socket.nx_tcp_socket_connect_port = segment.source_port
    socket.nx_tcp_socket_rx_sequence = segment.seq
    socket.nx_tcp_socket_peer_mss = mss   # the connection MSS is fixed when the SYN+ACK is sent
    socket.nx_tcp_socket_tx_slow_start_threshold = socket.nx_tcp_socket_tx_window_advertised
    socket.nx_tcp_socket_tx_window_congestion = mss
    socket.nx_tcp_socket_tx_outstanding_bytes = 0
    socket.nx_tcp_socket_bound = True
    ip.nx_ip_tcp_port_table.setdefault(socket.nx_tcp_socket_port, []).append(socket)


# ========================================================================== periodic
def _nx_tcp_fast_periodic_processing(ip_ptr: Any) -> None:
    """``_nx_tcp_fast_periodic_processing`` (every fast event): delayed ACKs and the
    per-socket retransmission / state timer."""
    rate = _rates()[0]
    for socket in list(ip_ptr.nx_ip_tcp_created_sockets):
        if socket.nx_tcp_socket_state >= NX_TCP_ESTABLISHED and (
                socket.nx_tcp_socket_rx_sequence != socket.nx_tcp_socket_rx_sequence_acked
                or socket.nx_tcp_socket_rx_window_last_sent < socket.nx_tcp_socket_rx_window_current):
            if socket.nx_tcp_socket_delayed_ack_timeout <= rate:
                tcp_output._nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
            else:
                socket.nx_tcp_socket_delayed_ack_timeout -= rate
        if not socket.nx_tcp_socket_timeout:
            continue
        if socket.nx_tcp_socket_timeout > rate:
            socket.nx_tcp_socket_timeout -= rate
            continue
        probing = socket.nx_tcp_socket_zero_window_probe_has_data
        state = socket.nx_tcp_socket_state
        if (not probing and socket.nx_tcp_socket_timeout_retries >= socket.nx_tcp_socket_timeout_max_retries) \
                or (probing and socket.nx_tcp_socket_zero_window_probe_failure
                    >= socket.nx_tcp_socket_timeout_max_retries):
            tcp_socket._nx_tcp_socket_connection_reset(socket)
        elif state in (NX_TCP_SYN_SENT, NX_TCP_SYN_RECEIVED):
            socket.nx_tcp_socket_timeout_retries += 1
            socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate << (
                socket.nx_tcp_socket_timeout_retries * socket.nx_tcp_socket_timeout_shift)
            tcp_output._nx_tcp_packet_send_syn(socket, (socket.nx_tcp_socket_tx_sequence - 1) & 0xFFFFFFFF)
        elif socket._tx_queue or (socket.nx_tcp_socket_tx_window_advertised == 0 and state <= NX_TCP_CLOSE_WAIT):
            socket.nx_tcp_socket_tx_sequence_recover = (socket.nx_tcp_socket_tx_sequence - 1) & 0xFFFFFFFF
            tcp_output._nx_tcp_socket_retransmit(ip_ptr, socket, False)
            socket.nx_tcp_socket_fast_recovery = False
            socket.nx_tcp_socket_tx_window_congestion = socket.nx_tcp_socket_tx_slow_start_threshold
        elif state in (NX_TCP_FIN_WAIT_1, NX_TCP_CLOSING, NX_TCP_LAST_ACK):
            socket.nx_tcp_socket_timeout_retries += 1
            socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate << (
                socket.nx_tcp_socket_timeout_retries * socket.nx_tcp_socket_timeout_shift)
            tcp_output._nx_tcp_packet_send_fin(socket, (socket.nx_tcp_socket_tx_sequence - 1) & 0xFFFFFFFF)
        elif state == NX_TCP_TIMED_WAIT:
            tcp_socket._nx_tcp_socket_block_cleanup(socket)


def _tcp_quiet(ip: Any) -> bool:
    """Whether the fast TCP timer and the periodic event would change nothing on ``ip``
    now (netxsim.tx.quiet): no socket with a timeout running or an ACK (or window update)
    to send, no keepalive counting down, and NetX's own handlers installed."""
    if ip.nx_ip_tcp_fast_periodic_processing not in (None, _nx_tcp_fast_periodic_processing) \
            or ip.nx_ip_tcp_periodic_processing not in (None, _nx_tcp_periodic_processing):
        return False
    keepalive = ip.nx_config.NX_ENABLE_TCP_KEEPALIVE
    rate = _rates()[0]
    for socket in getattr(ip, "nx_ip_tcp_created_sockets", ()):
        timeout = socket.nx_tcp_socket_timeout
        if timeout:
            # Quiet only if the fast timer's expiry branch would take no action (an
            # established socket with nothing to retransmit keeps a spent timeout).
            if timeout > rate:
                return False
            state = socket.nx_tcp_socket_state
            if socket.nx_tcp_socket_zero_window_probe_has_data \
                    or socket.nx_tcp_socket_timeout_retries >= socket.nx_tcp_socket_timeout_max_retries \
                    or state in _TIMED_STATES or socket._tx_queue \
                    or (socket.nx_tcp_socket_tx_window_advertised == 0 and state <= NX_TCP_CLOSE_WAIT):
                return False
        if socket.nx_tcp_socket_state >= NX_TCP_ESTABLISHED and (
                socket.nx_tcp_socket_rx_sequence != socket.nx_tcp_socket_rx_sequence_acked
                or socket.nx_tcp_socket_rx_window_last_sent < socket.nx_tcp_socket_rx_window_current):
            return False
        if keepalive and socket.nx_tcp_socket_keepalive_enabled \
                and socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED and socket.nx_tcp_socket_keepalive_timeout:
            return False
    return True


_ip.register_quiet_check(_tcp_quiet)


def _nx_tcp_periodic_processing(ip_ptr: Any) -> None:
    """``_nx_tcp_periodic_processing`` (every second): keepalive, only when
    NX_ENABLE_TCP_KEEPALIVE is set (off in the default build)."""
    build = ip_ptr.nx_config
    if not build.NX_ENABLE_TCP_KEEPALIVE:
        return
    for socket in list(ip_ptr.nx_ip_tcp_created_sockets):
        if not socket.nx_tcp_socket_keepalive_enabled or socket.nx_tcp_socket_state != NX_TCP_ESTABLISHED \
                or not socket.nx_tcp_socket_keepalive_timeout:
            continue
        socket.nx_tcp_socket_keepalive_timeout -= 1
        if socket.nx_tcp_socket_keepalive_timeout:
            continue
        socket.nx_tcp_socket_keepalive_retries += 1
        if socket.nx_tcp_socket_keepalive_retries <= build.NX_TCP_KEEPALIVE_RETRIES:
            socket.nx_tcp_socket_keepalive_timeout = build.NX_TCP_KEEPALIVE_RETRY
            # The probe: an ACK one byte behind, which the peer must answer.
            tcp_output._nx_tcp_packet_send_ack(socket, (socket.nx_tcp_socket_tx_sequence - 1) & 0xFFFFFFFF)
        else:
            tcp_socket._nx_tcp_socket_connection_reset(socket)


__all__ = [name for name in dir() if name.startswith(("NX_TCP", "nx_tcp_", "_nx_tcp_", "_nxe_tcp_"))] + [
    "NXD_ADDRESS", "NX_RAND",
] + list(_LEGACY_OPTIONS)

# The TCP modules import this one: bound here, once, for the functions above (no import
# statement on the per-segment paths).
from . import tcp_fast, tcp_input, tcp_output, tcp_socket  # noqa: E402
from .constants import NX_NOT_CONNECTED, NX_TX_QUEUE_DEPTH, NX_WINDOW_OVERFLOW  # noqa: E402
