"""NetX packets and packet pools: ``NX_PACKET``, ``NX_PACKET_POOL`` and the
``nx_packet_*`` services (netxduo ``common/src/nx_packet_*.c``; checks in the
``nxe_packet_*.c`` front ends).

Theory of operation
-------------------
A pool owns a region of simulated RAM, cut as on a 32-bit target: the
area is aligned to ``NX_PACKET_ALIGNMENT`` (4), each buffer is ``sizeof(NX_PACKET)``
(60) bytes of header followed by the payload, the stride is rounded up to 4, and
``total = aligned_size // stride``. ``nx_packet_data_start`` is the buffer address
+ 60 and ``nx_packet_data_end`` is ``data_start + payload_size`` as given.

The header fields live in a Python ``NX_PACKET`` object (one per buffer, made when
the pool is created, like the C header at a fixed address); the payload bytes live
in the pool's simulated RAM. The four data pointers are stored as integer addresses
and exposed as :class:`~netxsim.tx.memory.Pointer` properties, so C-style code works
(``p.nx_packet_prepend_ptr -= 20``, ``p.nx_packet_append_ptr == p.nx_packet_data_end``,
``p.nx_packet_prepend_ptr.write(header)``) while the services here copy slices of
the RAM bytearray directly.

Each service comes as a core ``_nx_packet_x`` (what C code compiled with
``NX_DISABLE_ERROR_CHECKING`` calls: the SMTP client module), a checked
``_nxe_packet_x`` and the public ``nx_packet_x`` chosen by
:data:`netxsim.nx.config.NX_DISABLE_ERROR_CHECKING`. C out-parameters become return
values: ``status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_WAIT_FOREVER)``.

The free list is the C one: a LIFO linked through ``nx_packet_queue_next``, initially
in address order. Ownership is tracked with the C markers in
``nx_packet_tcp_queue_next`` (``NX_PACKET_FREE``, ``NX_PACKET_ALLOCATED``, or a TCP
queue link), which is how a second release is refused with ``NX_PTR_ERROR``
without ever corrupting the free list. Waiting allocators queue FIFO on the pool
(thread state ``TX_TCP_IP``); a release hands its buffer straight to the head waiter.

Where the C would corrupt memory or crash, the model does the safe thing and says
so in the service's docstring.

This module holds the buffers, allocation, release and appending; the pool services
live in :mod:`netxsim.nx.packet_pool` and reading data out and copying in
:mod:`netxsim.nx.packet_data`. Every name is importable from here as well.
"""
from __future__ import annotations

from typing import Any

from netxsim.boundary import c_service, control_block, register_type, memset_control_block
from netxsim.tx.constants import TX_TCP_IP
from netxsim.tx.kernel import Kernel, kernel
import netxsim.tx.kernel as _kernel_module
from netxsim.tx.memory import Pointer, SimMemory, c_string
from netxsim.tx.sizeof import register_size

from .config import (
    nx_init_and_threads_caller_error, nx_not_isr_caller_error, nx_service,
    nx_thread_wait_caller_error, nx_threads_only_caller_error,
)
from .constants import (
    NX_CALLER_ERROR, NX_DRIVER_TX_DONE, NX_FALSE, NX_INVALID_PACKET, NX_INVALID_PARAMETERS,
    NX_IP_VERSION_V4, NX_NO_PACKET, NX_NO_WAIT, NX_NOT_SUPPORTED, NX_OPTION_ERROR, NX_OVERFLOW, NX_PACKET_ALIGNMENT,
    NX_PACKET_ALLOCATED, NX_PACKET_FREE, NX_PACKET_OFFSET_ERROR, NX_PACKET_POOL_ID,
    NX_POOL_DELETED, NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS, NX_UNDERFLOW,
)
from .system import PACKET_POOL_COMPONENT, register_system_component
from ..tx import trace as _trace
from . import trace as _nxt

# sizeof() on the 32-bit target, from compiling nx_api.h with gcc -m32 (default
# configuration: IPv6 and fragmentation compiled in, no packet header pad).
SIZEOF_NX_PACKET = 60
SIZEOF_NX_PACKET_POOL = 60


def sizeof_nx_packet() -> int:
    """sizeof(NX_PACKET) in the build in force: NX_PACKET_HEADER_PAD appends
    NX_PACKET_HEADER_PAD_SIZE ULONGs to the header."""
    from .config import NxConfig
    build = NxConfig.active
    if build.NX_PACKET_HEADER_PAD:
        return SIZEOF_NX_PACKET + 4 * build.NX_PACKET_HEADER_PAD_SIZE
    return SIZEOF_NX_PACKET


register_size("NX_PACKET", sizeof_nx_packet)
register_size("NX_PACKET_POOL", SIZEOF_NX_PACKET_POOL)

_ALIGN = NX_PACKET_ALIGNMENT
_ULONG = 0xFFFFFFFF
_CREATED_KIND = "packet_pool"   # the kernel's created list (``_nx_packet_pool_created_ptr``)
_MEMORY_KIND = "packet pool"    # the kind of the RAM region a pool claims


# =============================================================================== types
@register_type
class NX_PACKET:
    """One packet buffer (``NX_PACKET``): its header fields, with the C names.

    ``nx_packet_prepend_ptr``, ``nx_packet_append_ptr``, ``nx_packet_data_start`` and
    ``nx_packet_data_end`` are Pointers into simulated RAM (the last two read-only:
    they are fixed when the pool is created). ``nx_packet_next``/``nx_packet_last``
    are the next/last buffer of the chain or None; ``nx_packet_queue_next`` and
    ``nx_packet_tcp_queue_next`` hold a packet, None, or one of the marker values
    (NX_PACKET_FREE / NX_PACKET_ALLOCATED / NX_PACKET_ENQUEUED / NX_DRIVER_TX_DONE /
    NX_PACKET_READY). The C unions are flattened onto the packet:
    ``p.nx_packet_union_next.nx_packet_tcp_queue_next`` and
    ``p.nx_packet_address.nx_packet_interface_ptr`` work as written in C, and
    ``nx_packet_fragment_next`` / ``nx_packet_ipv6_address_ptr`` /
    ``nx_packet_ip_interface`` alias the members sharing their storage.
    """

    __slots__ = (
        "nx_packet_pool_owner", "nx_packet_next", "_prepend", "_append", "_start", "_end",
        "nx_packet_last", "nx_packet_queue_next", "nx_packet_tcp_queue_next",
        "nx_packet_length", "nx_packet_reassembly_time", "nx_packet_option_state",
        "nx_packet_destination_header", "nx_packet_option_offset", "nx_packet_ip_version",
        "nx_packet_identical_copy", "nx_packet_ip_header_length", "nx_packet_reserved",
        "nx_packet_interface_ptr", "nx_packet_ip_header", "address", "_mem", "__dict__",
    )

    # Set on a received buffer holding a segment whose TCP checksum is known to be right
    # (netxsim.nx.frame_check); cleared whenever the buffer is allocated.
    _tcp_checked = False

    def __init__(self, pool: "NX_PACKET_POOL", memory: SimMemory, address: int,
                 data_start: int, data_end: int) -> None:
        self.nx_packet_pool_owner = pool
        self.nx_packet_next: NX_PACKET | None = None
        self._mem = memory
        self.address = address          # the C ``NX_PACKET *`` value (header address)
        self._start = data_start
        self._end = data_end
        self._prepend = data_start
        self._append = data_start
        self.nx_packet_last: NX_PACKET | None = None
        self.nx_packet_queue_next: Any = None
        self.nx_packet_tcp_queue_next: Any = NX_PACKET_FREE
        self.nx_packet_length = 0
        self.nx_packet_reassembly_time = 0
        self.nx_packet_option_state = 0
        self.nx_packet_destination_header = 0
        self.nx_packet_option_offset = 0
        self.nx_packet_ip_version = 0
        self.nx_packet_identical_copy = NX_FALSE
        self.nx_packet_ip_header_length = 0
        self.nx_packet_reserved = 0
        self.nx_packet_interface_ptr: Any = None
        self.nx_packet_ip_header: Pointer | None = None

    # ---- data pointers (ints inside, Pointers outside)
    @property
    def nx_packet_prepend_ptr(self) -> Pointer:
        return Pointer(self._mem, self._prepend)

    @nx_packet_prepend_ptr.setter
    def nx_packet_prepend_ptr(self, value: Pointer) -> None:
        self._prepend = int(value)

    @property
    def nx_packet_append_ptr(self) -> Pointer:
        return Pointer(self._mem, self._append)

    @nx_packet_append_ptr.setter
    def nx_packet_append_ptr(self, value: Pointer) -> None:
        self._append = int(value)

    @property
    def nx_packet_data_start(self) -> Pointer:
        return Pointer(self._mem, self._start)

    @property
    def nx_packet_data_end(self) -> Pointer:
        return Pointer(self._mem, self._end)

    # ---- flattened C unions
    @property
    def nx_packet_union_next(self) -> "NX_PACKET":
        return self

    @property
    def nx_packet_fragment_next(self) -> Any:
        return self.nx_packet_tcp_queue_next

    @nx_packet_fragment_next.setter
    def nx_packet_fragment_next(self, value: Any) -> None:
        self.nx_packet_tcp_queue_next = value

    @property
    def nx_packet_address(self) -> "NX_PACKET":
        return self

    @property
    def nx_packet_ipv6_address_ptr(self) -> Any:
        return self.nx_packet_interface_ptr

    @nx_packet_ipv6_address_ptr.setter
    def nx_packet_ipv6_address_ptr(self, value: Any) -> None:
        self.nx_packet_interface_ptr = value

    nx_packet_ip_interface = nx_packet_ipv6_address_ptr  # the nx_api.h macro alias

    # ---- simulation helpers (not C API)
    def buffer_bytes(self) -> bytes:
        """The bytes this buffer holds, ``[prepend, append)`` (empty if inverted)."""
        base = self._mem.base
        return bytes(self._mem.data[self._prepend - base:max(self._append, self._prepend) - base])

    def chain_bytes(self) -> bytes:
        """The bytes of every buffer of the chain starting here, concatenated."""
        if self.nx_packet_next is None:  # one buffer (the common case): buffer_bytes inlined
            base = self._mem.base
            return bytes(self._mem.data[self._prepend - base:max(self._append, self._prepend) - base])
        parts = []
        packet: NX_PACKET | None = self
        while packet is not None:
            parts.append(packet.buffer_bytes())
            packet = packet.nx_packet_next
        return b"".join(parts)

    def __repr__(self) -> str:
        marker = self.nx_packet_tcp_queue_next
        state = {NX_PACKET_FREE: "free", NX_PACKET_ALLOCATED: "allocated"}.get(marker, "queued") \
            if isinstance(marker, int) else "queued"
        return (f"<NX_PACKET 0x{self.address:08X} {state} len={self.nx_packet_length} "
                f"prepend=+{self._prepend - self._start} append=+{self._append - self._start}>")


@control_block
class NX_PACKET_POOL:
    """Packet pool control block (``NX_PACKET_POOL``); C field names.

    Simulation extras: ``packets`` (every buffer of the pool, in address order),
    ``suspension_list`` (the FIFO of waiting threads, head first), ``region`` (the
    claimed RAM).
    """

    def __init__(self) -> None:
        self.nx_packet_pool_id = 0
        self.nx_packet_pool_name: str = ""
        self.nx_packet_pool_available = 0
        self.nx_packet_pool_total = 0
        self.nx_packet_pool_empty_requests = 0
        self.nx_packet_pool_empty_suspensions = 0
        self.nx_packet_pool_invalid_releases = 0
        self.nx_packet_pool_available_list: NX_PACKET | None = None
        self.nx_packet_pool_start: Pointer | None = None
        self.nx_packet_pool_size = 0
        self.nx_packet_pool_payload_size = 0
        self.nx_packet_pool_low_watermark = 0   # NX_ENABLE_LOW_WATERMARK
        self.suspension_list: list = []
        self.packets: list[NX_PACKET] = []
        self.region = None
        self.kernel: Kernel | None = None
        # Test hooks (netxsim.testing.pools): called on every allocate, and on each buffer
        # a release gives back; a release hook returning True keeps the buffer.
        self.allocate_hook: Any = None
        self.release_hook: Any = None

    @property
    def name(self) -> str:
        return self.nx_packet_pool_name

    @property
    def nx_packet_pool_suspension_list(self) -> Any:
        """Head of the suspension list (the C field points at the first waiter)."""
        return self.suspension_list[0] if self.suspension_list else None

    @property
    def nx_packet_pool_suspended_count(self) -> int:
        return len(self.suspension_list)

    @property
    def nx_packet_pool_created_next(self) -> "NX_PACKET_POOL | None":
        k = self.kernel
        return k.next_created(_CREATED_KIND, self) if k is not None else None

    @property
    def nx_packet_pool_created_previous(self) -> "NX_PACKET_POOL | None":
        k = self.kernel
        pools = k.created.get(_CREATED_KIND, []) if k is not None else []
        if self not in pools:
            return None
        return pools[pools.index(self) - 1]

    def __repr__(self) -> str:
        return (f"<NX_PACKET_POOL {self.nx_packet_pool_name!r} "
                f"{self.nx_packet_pool_available}/{self.nx_packet_pool_total} free>")


# ============================================================================ helpers
def _valid_pool(pool: object) -> bool:
    """A created pool of the running kernel (one left from an earlier run is not)."""
    return pool is not None and pool.nx_packet_pool_id == NX_PACKET_POOL_ID \
        and pool.kernel is kernel()


def _valid_packet(packet: object) -> bool:
    """The nxe "simple integrity check": a packet whose owner is a created pool."""
    return packet is not None and _valid_pool(packet.nx_packet_pool_owner)


def _bounds_error(packet: NX_PACKET) -> int:
    """The nxe prepend/append checks on the head buffer: NX_UNDERFLOW, NX_OVERFLOW or 0."""
    if packet._prepend < packet._start:
        return NX_UNDERFLOW
    if packet._append > packet._end:
        return NX_OVERFLOW
    return NX_SUCCESS



def _source(data: Any, size: int) -> bytes | memoryview:
    """``size`` bytes of a C ``VOID *`` source: a bytes-like object, a ``str`` (UTF-8),
    or a Pointer into simulated RAM."""
    if type(data) is bytes:  # the common case: used as it is (slices of it copy what they take)
        if len(data) < size:
            raise ValueError(f"data_size {size} exceeds the {len(data)} bytes supplied "
                             "(C would read past the caller's buffer)")
        return data
    if isinstance(data, Pointer):
        return data.memory.read(data.address, size)
    if isinstance(data, str):
        data = data.encode()
    view = memoryview(data)
    if view.ndim != 1 or view.itemsize != 1:
        view = view.cast("B")
    if len(view) < size:
        raise ValueError(f"data_size {size} exceeds the {len(view)} bytes supplied "
                         "(C would read past the caller's buffer)")
    return view[:size]


def _init_allocated(packet: NX_PACKET, packet_type: int, ip_version: int) -> None:
    """Make a buffer look like a freshly allocated packet (allocate and waiter hand-over)."""
    packet.nx_packet_queue_next = None
    packet.nx_packet_next = None
    packet.nx_packet_last = None
    packet.nx_packet_length = 0
    packet._prepend = packet._append = packet._start + packet_type
    packet.nx_packet_interface_ptr = None
    packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
    packet.nx_packet_option_state = 0
    packet.nx_packet_ip_version = ip_version
    packet.nx_packet_identical_copy = NX_FALSE
    packet.nx_packet_ip_header_length = 0
    packet._tcp_checked = False


def _reset_created_pools(k: Kernel) -> None:
    """``_nx_packet_pool_initialize``: empty the created-pool list."""
    k.created[_CREATED_KIND] = []


register_system_component(PACKET_POOL_COMPONENT, _reset_created_pools)


def allocate_auxiliary_first(ip: Any, packet_type: int) -> tuple[int, "NX_PACKET | None"]:
    """A stack-internal NX_NO_WAIT allocation (TCP control segment, ARP request): with
    NX_ENABLE_DUAL_PACKET_POOL from the IP's auxiliary pool first, then, if that is
    another pool, from its default pool (nx_tcp_packet_send_control.c,
    nx_arp_packet_send.c); otherwise from the default pool."""
    auxiliary = ip.nx_ip_auxiliary_packet_pool
    if auxiliary is not None:
        status, packet = _nx_packet_allocate(auxiliary, packet_type, NX_NO_WAIT)
        if status == NX_SUCCESS or auxiliary is ip.nx_ip_default_packet_pool:
            return status, packet
    return _nx_packet_allocate(ip.nx_ip_default_packet_pool, packet_type, NX_NO_WAIT)


# ======================================================================== allocate
def _nx_packet_allocate(pool_ptr: NX_PACKET_POOL, packet_type: int,
                        wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nx_packet_allocate`` (nx_packet_allocate.c): returns (status, packet). The
    packet's prepend and append pointers are ``data_start + packet_type`` (the room
    kept for headers), length 0, no chain, marker NX_PACKET_ALLOCATED, IP version 4.

    An empty pool counts an empty request; with NX_NO_WAIT that is NX_NO_PACKET,
    otherwise it also counts an empty suspension and the thread waits FIFO (state
    TX_TCP_IP) until a release hands it a buffer, the wait times out (NX_NO_PACKET,
    at the exact tick), is aborted (NX_WAIT_ABORTED) or the pool is deleted
    (NX_POOL_DELETED).

    Statuses: NX_SUCCESS, NX_NO_PACKET, NX_WAIT_ABORTED, NX_POOL_DELETED,
    NX_INVALID_PARAMETERS (packet_type beyond the payload size: a core check); from
    the checking layer NX_PTR_ERROR (None or not-created pool), NX_OPTION_ERROR
    (packet_type not a multiple of 4), NX_CALLER_ERROR (a wait outside a thread). The
    core alone, asked to wait outside a thread (C would suspend whatever runs), also
    returns NX_CALLER_ERROR, after counting the empty request.
    """
    packet_type &= _ULONG
    tb = _trace.active
    if tb is not None:
        # The allocated packet is filled in once known (NX_TRACE_EVENT_UPDATE).
        token = tb.insert(_nxt.NX_TRACE_PACKET_ALLOCATE, pool_ptr, 0, packet_type,
                          pool_ptr.nx_packet_pool_available, _nxt.NX_TRACE_PACKET_EVENTS)
    if pool_ptr.nx_packet_pool_payload_size < packet_type:
        return NX_INVALID_PARAMETERS, None
    if pool_ptr.allocate_hook is not None:
        pool_ptr.allocate_hook(pool_ptr)
    if pool_ptr.nx_packet_pool_available:
        pool_ptr.nx_packet_pool_available -= 1
        packet = pool_ptr.nx_packet_pool_available_list
        pool_ptr.nx_packet_pool_available_list = packet.nx_packet_queue_next
        # _init_allocated(packet, packet_type, NX_IP_VERSION_V4), inlined for the hot path.
        packet.nx_packet_queue_next = None
        packet.nx_packet_next = None
        packet.nx_packet_last = None
        packet.nx_packet_length = 0
        packet._prepend = packet._append = packet._start + packet_type
        packet.nx_packet_interface_ptr = None
        packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        packet.nx_packet_option_state = 0
        packet.nx_packet_ip_version = NX_IP_VERSION_V4
        packet.nx_packet_identical_copy = NX_FALSE
        packet.nx_packet_ip_header_length = 0
        packet._tcp_checked = False
        if tb is not None:
            tb.update(token, 2, packet)
        return NX_SUCCESS, packet
    pool_ptr.nx_packet_pool_empty_requests += 1
    if not wait_option:
        return NX_NO_PACKET, None
    k = kernel()
    if not k.in_thread:
        return NX_CALLER_ERROR, None
    pool_ptr.nx_packet_pool_empty_suspensions += 1
    status = k.suspend_current(TX_TCP_IP, wait_option, pool_ptr.suspension_list, NX_NO_PACKET,
                               pool_ptr, info=packet_type)
    if status != NX_SUCCESS:
        return status, None
    thread = k.current_ptr
    if tb is not None:
        tb.update(token, 2, thread.suspend_info)  # type: ignore[union-attr]
    return status, thread.suspend_info  # type: ignore[union-attr]


def _nxe_packet_allocate(pool_ptr: NX_PACKET_POOL, packet_type: int,
                         wait_option: int) -> tuple[int, NX_PACKET | None]:
    # The checks of _valid_pool and nx_thread_wait_caller_error, inlined with one kernel
    # look-up (the packet services run on every segment).
    if pool_ptr is None or pool_ptr.nx_packet_pool_id != NX_PACKET_POOL_ID:
        return NX_PTR_ERROR, None
    k = _kernel_module._current or kernel()
    if pool_ptr.kernel is not k:
        return NX_PTR_ERROR, None
    if packet_type % 4:
        return NX_OPTION_ERROR, None
    if wait_option and not (k.system_state == 0 and k.current_ptr is not None
                            and k.current_ptr is not k.timer_thread):   # Kernel.in_thread
        return NX_CALLER_ERROR, None
    return _nx_packet_allocate(pool_ptr, packet_type, wait_option)


nx_packet_allocate = c_service(
    "UINT nx_packet_allocate(NX_PACKET_POOL *pool_ptr, ULONG packet_type, ULONG wait_option)",
    nx_service(_nxe_packet_allocate, _nx_packet_allocate))


# ========================================================================= release
def _nx_packet_release(packet_ptr: NX_PACKET) -> int:
    """``nx_packet_release`` (nx_packet_release.c): give every buffer of the chain back
    to its own pool: to the pool's first waiter (re-initialised with the offset that
    waiter asked for, IP version 0; the waiter may preempt the caller at once, in the
    middle of the chain), or onto the head of the free list.

    A buffer not marked NX_PACKET_ALLOCATED (already released, or still on a TCP
    queue) stops the walk: NX_PTR_ERROR, and its pool's ``invalid_releases`` + 1;
    buffers before it in the chain have already been freed. NX_ALREADY_RELEASED is
    never returned by this NetX version.

    Statuses: NX_SUCCESS, NX_PTR_ERROR; from the checking layer also NX_PTR_ERROR
    (None packet, or its pool is not created), NX_UNDERFLOW (prepend before
    data_start), NX_OVERFLOW (append past data_end). The C checking layer also sets
    the caller's packet pointer to NULL after a successful release; Python cannot
    clear the caller's variable, so nothing is done: drop the reference yourself
    (a second release of it returns NX_PTR_ERROR as shown above).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_RELEASE, packet_ptr, packet_ptr.nx_packet_tcp_queue_next,
                  _nxt.pool_available(packet_ptr), 0, _nxt.NX_TRACE_PACKET_EVENTS)
    packet: NX_PACKET | None = packet_ptr
    while packet is not None:
        if packet.nx_packet_tcp_queue_next != NX_PACKET_ALLOCATED:
            pool = packet.nx_packet_pool_owner
            if pool is not None and pool.nx_packet_pool_id == NX_PACKET_POOL_ID:
                pool.nx_packet_pool_invalid_releases += 1
            return NX_PTR_ERROR
        next_packet = packet.nx_packet_next
        pool = packet.nx_packet_pool_owner
        if pool.release_hook is not None and pool.release_hook(packet):
            packet = next_packet
            continue
        waiters = pool.suspension_list
        if waiters:
            thread = waiters.pop(0)
            _init_allocated(packet, thread.suspend_info, 0)
            thread.suspend_info = packet
            thread.kernel.wake(thread, NX_SUCCESS)
        else:
            packet.nx_packet_tcp_queue_next = NX_PACKET_FREE
            packet.nx_packet_queue_next = pool.nx_packet_pool_available_list
            pool.nx_packet_pool_available_list = packet
            pool.nx_packet_pool_available += 1
        packet = next_packet
    return NX_SUCCESS


def _nxe_packet_release(packet_ptr: NX_PACKET) -> int:
    # _valid_packet and _bounds_error, inlined.
    if packet_ptr is None:
        return NX_PTR_ERROR
    pool = packet_ptr.nx_packet_pool_owner
    if pool is None or pool.nx_packet_pool_id != NX_PACKET_POOL_ID \
            or pool.kernel is not (_kernel_module._current or kernel()):
        return NX_PTR_ERROR
    if packet_ptr._prepend < packet_ptr._start:
        return NX_UNDERFLOW
    if packet_ptr._append > packet_ptr._end:
        return NX_OVERFLOW
    return _nx_packet_release(packet_ptr)


nx_packet_release = c_service(
    "UINT nx_packet_release(NX_PACKET *packet_ptr)",
    nx_service(_nxe_packet_release, _nx_packet_release))


def _nx_packet_transmit_release(packet_ptr: NX_PACKET) -> int:
    """``nx_packet_transmit_release`` (nx_packet_transmit_release.c), for drivers done
    with a packet. A packet on a TCP transmit queue (marker neither ALLOCATED nor
    FREE) is kept for retransmission: ``nx_packet_queue_next`` = NX_DRIVER_TX_DONE,
    the IP header is stripped (prepend += ip_header_length, length -= it,
    ip_header_length = 0). Any other packet is released as by nx_packet_release.

    Statuses: NX_SUCCESS, or those of nx_packet_release (with the same checking layer
    and the same note on the caller's pointer).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_TRANSMIT_RELEASE, packet_ptr, packet_ptr.nx_packet_tcp_queue_next,
                  _nxt.pool_available(packet_ptr), 0, _nxt.NX_TRACE_PACKET_EVENTS)
    marker = packet_ptr.nx_packet_tcp_queue_next
    if marker != NX_PACKET_ALLOCATED and marker != NX_PACKET_FREE:
        packet_ptr.nx_packet_queue_next = NX_DRIVER_TX_DONE
        packet_ptr._prepend += packet_ptr.nx_packet_ip_header_length
        packet_ptr.nx_packet_length -= packet_ptr.nx_packet_ip_header_length
        packet_ptr.nx_packet_ip_header_length = 0
        return NX_SUCCESS
    return _nx_packet_release(packet_ptr)


def _nxe_packet_transmit_release(packet_ptr: NX_PACKET) -> int:
    if not _valid_packet(packet_ptr):
        return NX_PTR_ERROR
    status = _bounds_error(packet_ptr)
    if status:
        return status
    return _nx_packet_transmit_release(packet_ptr)


nx_packet_transmit_release = c_service(
    "UINT nx_packet_transmit_release(NX_PACKET *packet_ptr)",
    nx_service(_nxe_packet_transmit_release, _nx_packet_transmit_release))


# ===================================================================== data append
def _nx_packet_data_append(packet_ptr: NX_PACKET, data_start: Any, data_size: int,
                           pool_ptr: NX_PACKET_POOL, wait_option: int) -> int:
    """``nx_packet_data_append`` (nx_packet_data_append.c): copy ``data_size`` bytes of
    ``data_start`` (bytes-like, ``str`` as UTF-8, or a Pointer) at the end of the packet.

    All or nothing: when the free room at the end of the chain is too small, first
    enough continuation buffers (prepend offset 0) are allocated from ``pool_ptr``
    (which may differ from the packet's pool), each allocation waiting up to
    ``wait_option``. If one fails, the buffers taken so far are released, the packet
    is left unchanged and the allocation's status is returned. Then the bytes are
    copied, the head's ``nx_packet_length`` grows and ``nx_packet_last`` follows.

    With NX_DISABLE_PACKET_CHAIN nothing is allocated: data that does not fit the
    buffer is refused with NX_SIZE_ERROR. (So a frame larger than a receive buffer is
    dropped by the RAM driver's copy, and a TCP send larger than the buffer fails.)

    Statuses: NX_SUCCESS, NX_NO_PACKET, NX_WAIT_ABORTED, NX_POOL_DELETED (from the
    allocations), NX_SIZE_ERROR (chaining disabled); from the checking layer NX_PTR_ERROR (None packet or data, bad
    pool), NX_SIZE_ERROR (data_size 0; the core appends nothing and succeeds),
    NX_UNDERFLOW, NX_OVERFLOW, NX_CALLER_ERROR (a wait outside a thread).
    ``data_size`` larger than the object supplied raises ValueError (C would read
    past it).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_DATA_APPEND, packet_ptr, _nxt.pointer_or_zero(data_start), data_size,
                  pool_ptr, _nxt.NX_TRACE_PACKET_EVENTS)
        tb.charge(data_size)
    last = packet_ptr.nx_packet_last
    if last is None and type(data_start) is bytes and 0 < data_size <= len(data_start) \
            and data_size <= packet_ptr._end - packet_ptr._append:
        # The common case: bytes that fit the single buffer's free room (what the loop
        # below does then, without the source view).
        memory = packet_ptr._mem
        offset = packet_ptr._append - memory.base
        memory.data[offset:offset + data_size] = data_start if data_size == len(data_start) \
            else data_start[:data_size]
        packet_ptr._append += data_size
        packet_ptr.nx_packet_length += data_size
        return NX_SUCCESS
    # Checked before anything is allocated; a Pointer source is read here (the C reads
    # it after any wait for buffers: only a source changed during that wait differs).
    source = _source(data_start, data_size)
    last_packet: NX_PACKET | None = None
    if last is not None:
        available = 0
        work: NX_PACKET | None = last
        while work is not None:
            available += work._end - work._append
            last_packet = work
            work = work.nx_packet_next
    else:
        available = packet_ptr._end - packet_ptr._append
    if available < data_size:
        from .config import NxConfig
        if NxConfig.active.NX_DISABLE_PACKET_CHAIN:
            return NX_SIZE_ERROR  # no chaining: the data must fit this buffer
        new_head: NX_PACKET | None = None
        new_tail: NX_PACKET | None = None
        while available < data_size:
            status, work = _nx_packet_allocate(pool_ptr, 0, wait_option)
            if status:
                if new_head is not None:
                    _nx_packet_release(new_head)
                return status
            assert work is not None
            if new_tail is None:
                new_head = work
            else:
                new_tail.nx_packet_next = work
            new_tail = work
            available += work._end - work._append
        (last_packet if last_packet is not None else packet_ptr).nx_packet_next = new_head
    packet_ptr.nx_packet_length += data_size
    work = last if last is not None else packet_ptr
    remaining = data_size
    position = 0
    while remaining:
        room = work._end - work._append
        size = remaining if remaining < room else room
        if size > 0:
            memory = work._mem
            offset = work._append - memory.base
            memory.data[offset:offset + size] = source[position:position + size]
            work._append += size
            remaining -= size
            position += size
        if remaining:
            work = work.nx_packet_next
            packet_ptr.nx_packet_last = work
    return NX_SUCCESS


def _nxe_packet_data_append(packet_ptr: NX_PACKET, data_start: Any, data_size: int,
                            pool_ptr: NX_PACKET_POOL, wait_option: int) -> int:
    # _valid_pool, _bounds_error and nx_thread_wait_caller_error, inlined with one kernel look-up.
    if pool_ptr is None or pool_ptr.nx_packet_pool_id != NX_PACKET_POOL_ID:
        return NX_PTR_ERROR
    k = _kernel_module._current or kernel()
    if pool_ptr.kernel is not k or packet_ptr is None or data_start is None:
        return NX_PTR_ERROR
    if not data_size:
        return NX_SIZE_ERROR
    if packet_ptr._prepend < packet_ptr._start:
        return NX_UNDERFLOW
    if packet_ptr._append > packet_ptr._end:
        return NX_OVERFLOW
    if wait_option and not (k.system_state == 0 and k.current_ptr is not None
                            and k.current_ptr is not k.timer_thread):   # Kernel.in_thread
        return NX_CALLER_ERROR
    return _nx_packet_data_append(packet_ptr, data_start, data_size, pool_ptr, wait_option)


nx_packet_data_append = c_service(
    "UINT nx_packet_data_append(NX_PACKET *packet_ptr, VOID *data_start, ULONG data_size, NX_PACKET_POOL *pool_ptr, ULONG wait_option)",
    nx_service(_nxe_packet_data_append, _nx_packet_data_append))


# Reading data out and copying live in packet_data (which imports the names above).
from .packet_data import (  # noqa: E402
    _nx_packet_copy, _nx_packet_data_extract_offset, _nx_packet_data_retrieve, _nx_packet_length_get,
    _nxe_packet_copy, _nxe_packet_data_extract_offset, _nxe_packet_data_retrieve, _nxe_packet_length_get,
    nx_packet_copy, nx_packet_data_extract_offset, nx_packet_data_retrieve, nx_packet_length_get,
    _Destination,
)

# The pool services live in packet_pool (which imports the names above).
from .packet_pool import (  # noqa: E402
    _nx_packet_pool_create, _nx_packet_pool_delete, _nx_packet_pool_info_get,
    _nx_packet_pool_low_watermark_set, _nxe_packet_pool_create, _nxe_packet_pool_delete,
    _nxe_packet_pool_info_get, _nxe_packet_pool_low_watermark_set, _pool_geometry, nx_packet_pool_create,
    nx_packet_pool_delete, nx_packet_pool_info_get, nx_packet_pool_low_watermark_set,
)

__all__ = [
    "NX_PACKET", "NX_PACKET_POOL",
    "nx_packet_pool_create", "nx_packet_pool_delete", "nx_packet_pool_info_get",
    "nx_packet_pool_low_watermark_set", "_nx_packet_pool_low_watermark_set",
    "nx_packet_allocate", "nx_packet_release", "nx_packet_transmit_release", "nx_packet_copy",
    "nx_packet_length_get", "nx_packet_data_append", "nx_packet_data_retrieve",
    "nx_packet_data_extract_offset",
    "_nx_packet_pool_create", "_nx_packet_pool_delete", "_nx_packet_pool_info_get",
    "_nx_packet_allocate", "_nx_packet_release", "_nx_packet_transmit_release", "_nx_packet_copy",
    "_nx_packet_length_get", "_nx_packet_data_append", "_nx_packet_data_retrieve",
    "_nx_packet_data_extract_offset",
]
