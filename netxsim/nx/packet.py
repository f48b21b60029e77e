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
"""
from __future__ import annotations

from typing import Any

from netxsim.boundary import c_service, control_block, register_type, memset_control_block
from netxsim.tx.constants import TX_TCP_IP
from netxsim.tx.kernel import Kernel, kernel
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


class _Destination:
    """A C ``VOID *`` destination: a writable bytes-like object or a Pointer into RAM."""

    __slots__ = ("view", "pointer", "capacity")

    def __init__(self, buffer: Any) -> None:
        if isinstance(buffer, Pointer):
            self.view = None
            self.pointer = buffer
            self.capacity = buffer.memory.base + buffer.memory.size - buffer.address
        else:
            view = memoryview(buffer)
            if view.readonly:
                raise TypeError("the destination buffer must be writable (use a bytearray)")
            if view.ndim != 1 or view.itemsize != 1:
                view = view.cast("B")
            self.view = view
            self.pointer = None
            self.capacity = len(view)

    def check(self, size: int) -> None:
        if size > self.capacity:
            raise ValueError(f"destination buffer of {self.capacity} bytes is too small for "
                             f"{size} bytes (C would overflow the caller's buffer)")

    def write(self, position: int, memory: SimMemory, address: int, size: int) -> None:
        offset = address - memory.base
        chunk = memoryview(memory.data)[offset:offset + size]
        if self.view is not None:
            self.view[position:position + size] = chunk
        else:
            self.pointer.memory.write(self.pointer.address + position, chunk)  # type: ignore[union-attr]


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


def _pool_geometry(address: int, pool_size: int, payload_size: int) -> tuple[int, int, int, int]:
    """(aligned start, aligned size, header size, stride) as nx_packet_pool_create computes."""
    start = (address + _ALIGN - 1) // _ALIGN * _ALIGN
    size = (pool_size - (start - address)) // _ALIGN * _ALIGN
    header = (start + sizeof_nx_packet() + _ALIGN - 1) // _ALIGN * _ALIGN - start
    stride = (header + payload_size + _ALIGN - 1) // _ALIGN * _ALIGN
    return start, size, header, stride


def _reset_created_pools(k: Kernel) -> None:
    """``_nx_packet_pool_initialize``: empty the created-pool list."""
    k.created[_CREATED_KIND] = []


register_system_component(PACKET_POOL_COMPONENT, _reset_created_pools)


# ===================================================================== pool create
def _nx_packet_pool_create(pool_ptr: NX_PACKET_POOL, name: str | bytes, payload_size: int,
                           pool_start: Pointer, pool_size: int) -> int:
    """``nx_packet_pool_create`` (nx_packet_pool_create.c): cut ``pool_size`` bytes at
    ``pool_start`` into buffers of ``sizeof(NX_PACKET)`` + ``payload_size`` bytes, stride
    rounded up to 4, after aligning the area to 4; put the pool on the
    created list.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (None pool or memory,
    pool already on the created list, memory overlapping a listed pool as nxe detects
    it), NX_SIZE_ERROR (memory_size <= 4, payload 0, not one buffer fits),
    NX_CALLER_ERROR (ISR or timer callback). The core alone returns NX_SIZE_ERROR when
    not one buffer fits, where C would write before the pool. The whole given area is
    claimed in simulated RAM: any overlap not caught as above raises MemoryRegionError.
    Re-creating a pool object that C no longer lists (after ``nx_system_initialize``)
    re-initialises it as C does and gives its previous area back.
    """
    k = kernel()
    memory = pool_start.memory
    start, size, header, stride = _pool_geometry(pool_start.address, pool_size, payload_size)
    total = size // stride if size > 0 else 0
    if total == 0:
        return NX_SIZE_ERROR
    name = c_string(name)
    # A control block re-created in the same kernel gives its previous area back (one
    # left over from an earlier run belongs to another kernel's RAM).
    old_region = pool_ptr.region if pool_ptr.kernel is k else None
    if old_region is not None:
        k.memory.release(old_region)
    try:
        region = k.memory.claim(pool_start, pool_size, f"packet pool {name!r}", _MEMORY_KIND,
                                pool_ptr)
    except Exception:
        if old_region is not None:
            pool_ptr.region = k.memory.claim(Pointer(k.memory, old_region.start),
                                             old_region.end - old_region.start,
                                             old_region.owner, old_region.kind, pool_ptr)
        raise
    if pool_ptr in k.created.get(_CREATED_KIND, []):
        k.unregister(_CREATED_KIND, pool_ptr)
    memset_control_block(pool_ptr)  # the C clears the whole control block
    pool_ptr.region = region
    pool_ptr.kernel = k
    pool_ptr.nx_packet_pool_name = name
    pool_ptr.nx_packet_pool_start = Pointer(memory, start)
    pool_ptr.nx_packet_pool_size = size
    pool_ptr.nx_packet_pool_payload_size = payload_size
    packets = [NX_PACKET(pool_ptr, memory, address, address + header, address + header + payload_size)
               for address in range(start, start + total * stride, stride)]
    for packet, following in zip(packets, packets[1:]):
        packet.nx_packet_queue_next = following
    pool_ptr.packets = packets
    pool_ptr.nx_packet_pool_available = pool_ptr.nx_packet_pool_total = total
    pool_ptr.nx_packet_pool_available_list = packets[0]
    pool_ptr.nx_packet_pool_id = NX_PACKET_POOL_ID
    k.register(_CREATED_KIND, pool_ptr)
    tb = _trace.active
    if tb is not None:
        tb.register(_nxt.NX_TRACE_OBJECT_TYPE_PACKET_POOL, pool_ptr, name, payload_size, total)
        tb.insert(_nxt.NX_TRACE_PACKET_POOL_CREATE, pool_ptr, payload_size, pool_start, pool_size,
                  _nxt.NX_TRACE_PACKET_EVENTS)
    return NX_SUCCESS


def _nxe_packet_pool_create(pool_ptr: NX_PACKET_POOL, name: str | bytes, payload_size: int,
                            pool_start: Pointer, pool_size: int) -> int:
    k = kernel()
    if pool_ptr is None or not isinstance(pool_start, Pointer):
        return NX_PTR_ERROR
    start, size, header, stride = _pool_geometry(pool_start.address, pool_size, payload_size)
    if pool_size <= _ALIGN or not payload_size or stride > size:
        return NX_SIZE_ERROR
    # The C compares against every listed pool's aligned area, with its last byte
    # excluded, and only tests whether the new area's first or last byte falls inside:
    # a new area enclosing an old one passes (and raises when claimed).
    end_memory = pool_start.address + pool_size - 1
    listed = k.created.get(_CREATED_KIND, [])
    if pool_start.memory is k.memory and k.memory.overlapping(pool_start.address, pool_size) is None:
        # A listed pool's area lies inside the RAM region it claimed, so an area that
        # overlaps no claimed region can only fail as already listed (a bisect instead
        # of a scan of every pool: hosts are built in O(N), not O(N^2)).
        listed = [pool_ptr] if pool_ptr in listed else []
    for created in listed:
        created_start = created.nx_packet_pool_start.address
        created_end = created_start + created.nx_packet_pool_size - 1
        if created is pool_ptr or created_start <= pool_start.address < created_end \
                or created_start <= end_memory < created_end:
            return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(k):
        return NX_CALLER_ERROR
    return _nx_packet_pool_create(pool_ptr, name, payload_size, pool_start, pool_size)


nx_packet_pool_create = c_service(
    "UINT nx_packet_pool_create(NX_PACKET_POOL *pool_ptr, CHAR *name, ULONG payload_size, VOID *memory_ptr, ULONG memory_size)",
    nx_service(_nxe_packet_pool_create, _nx_packet_pool_create))


# ===================================================================== pool delete
def _nx_packet_pool_delete(pool_ptr: NX_PACKET_POOL) -> int:
    """``nx_packet_pool_delete`` (nx_packet_pool_delete.c): take the pool off the created
    list and invalidate it; every waiting thread resumes with NX_POOL_DELETED (all are
    readied first, then the most urgent runs). Packets still in use are not checked.
    The pool's RAM is given back to the simulation.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (None or not created)
    and NX_CALLER_ERROR (not from a thread: init, ISR, timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_POOL_DELETE, pool_ptr, 0, 0, 0, _nxt.NX_TRACE_PACKET_EVENTS)
        tb.unregister(pool_ptr)
    k = kernel()
    if pool_ptr in k.created.get(_CREATED_KIND, []):
        k.unregister(_CREATED_KIND, pool_ptr)
    pool_ptr.nx_packet_pool_id = 0
    if pool_ptr.kernel is k:
        k.memory.release(pool_ptr.region)
    pool_ptr.region = None
    waiters = list(pool_ptr.suspension_list)
    pool_ptr.suspension_list.clear()
    k.preempt_disable += 1
    for thread in waiters:
        k.wake(thread, NX_POOL_DELETED)
    k.preempt_disable -= 1
    k.preempt_check()
    return NX_SUCCESS


def _nxe_packet_pool_delete(pool_ptr: NX_PACKET_POOL) -> int:
    if not _valid_pool(pool_ptr):
        return NX_PTR_ERROR
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_packet_pool_delete(pool_ptr)


nx_packet_pool_delete = c_service(
    "UINT nx_packet_pool_delete(NX_PACKET_POOL *pool_ptr)",
    nx_service(_nxe_packet_pool_delete, _nx_packet_pool_delete))


# =================================================================== pool info get
def _nx_packet_pool_info_get(pool_ptr: NX_PACKET_POOL) -> tuple[int, int, int, int, int, int]:
    """``nx_packet_pool_info_get``: returns (status, total_packets, free_packets,
    empty_pool_requests, empty_pool_suspensions, invalid_packet_releases).

    ``empty_pool_requests`` counts every allocation that found the pool empty,
    NX_NO_WAIT ones included; ``empty_pool_suspensions`` those that then waited.
    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (None or not created)
    and NX_CALLER_ERROR (from an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_POOL_INFO_GET, pool_ptr, pool_ptr.nx_packet_pool_total,
                  pool_ptr.nx_packet_pool_available, pool_ptr.nx_packet_pool_empty_requests,
                  _nxt.NX_TRACE_PACKET_EVENTS)
    return (NX_SUCCESS, pool_ptr.nx_packet_pool_total, pool_ptr.nx_packet_pool_available,
            pool_ptr.nx_packet_pool_empty_requests, pool_ptr.nx_packet_pool_empty_suspensions,
            pool_ptr.nx_packet_pool_invalid_releases)


def _nxe_packet_pool_info_get(pool_ptr: NX_PACKET_POOL) -> tuple:
    if not _valid_pool(pool_ptr):
        return (NX_PTR_ERROR,) + (None,) * 5
    if nx_not_isr_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 5
    return _nx_packet_pool_info_get(pool_ptr)


nx_packet_pool_info_get = c_service(
    "UINT nx_packet_pool_info_get(NX_PACKET_POOL *pool_ptr)",
    nx_service(_nxe_packet_pool_info_get, _nx_packet_pool_info_get))


# ============================================================= pool low watermark
def _nx_packet_pool_low_watermark_set(pool_ptr: NX_PACKET_POOL, low_watermark: int) -> int:
    """``nx_packet_pool_low_watermark_set`` (nx_packet_pool_low_watermark_set.c): while
    fewer than ``low_watermark`` packets are free in the pool, TCP drops received data
    held in its packets instead of queueing it (and closes the receive window to 0).

    Statuses: NX_SUCCESS; NX_NOT_SUPPORTED in a build without NX_ENABLE_LOW_WATERMARK
    (the default); from the checking layer NX_PTR_ERROR (None or not created),
    NX_CALLER_ERROR (not from a thread).
    """
    from .config import NxConfig
    if not NxConfig.active.NX_ENABLE_LOW_WATERMARK:
        return NX_NOT_SUPPORTED
    pool_ptr.nx_packet_pool_low_watermark = low_watermark & _ULONG
    return NX_SUCCESS


def _nxe_packet_pool_low_watermark_set(pool_ptr: NX_PACKET_POOL, low_watermark: int) -> int:
    from .config import NxConfig
    if not NxConfig.active.NX_ENABLE_LOW_WATERMARK:
        return NX_NOT_SUPPORTED
    if not _valid_pool(pool_ptr):
        return NX_PTR_ERROR
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_packet_pool_low_watermark_set(pool_ptr, low_watermark)


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


nx_packet_pool_low_watermark_set = c_service(
    "UINT nx_packet_pool_low_watermark_set(NX_PACKET_POOL *pool_ptr, ULONG low_watermark)",
    nx_service(_nxe_packet_pool_low_watermark_set, _nx_packet_pool_low_watermark_set))


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
        _init_allocated(packet, packet_type, NX_IP_VERSION_V4)
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
    if not _valid_pool(pool_ptr):
        return NX_PTR_ERROR, None
    if packet_type % 4:
        return NX_OPTION_ERROR, None
    if nx_thread_wait_caller_error(kernel(), wait_option):
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
    if not _valid_packet(packet_ptr):
        return NX_PTR_ERROR
    status = _bounds_error(packet_ptr)
    if status:
        return status
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
    # Checked before anything is allocated; a Pointer source is read here (the C reads
    # it after any wait for buffers: only a source changed during that wait differs).
    source = _source(data_start, data_size)
    last = packet_ptr.nx_packet_last
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
    if not _valid_pool(pool_ptr) or packet_ptr is None or data_start is None:
        return NX_PTR_ERROR
    if not data_size:
        return NX_SIZE_ERROR
    status = _bounds_error(packet_ptr)
    if status:
        return status
    if nx_thread_wait_caller_error(kernel(), wait_option):
        return NX_CALLER_ERROR
    return _nx_packet_data_append(packet_ptr, data_start, data_size, pool_ptr, wait_option)


nx_packet_data_append = c_service(
    "UINT nx_packet_data_append(NX_PACKET *packet_ptr, VOID *data_start, ULONG data_size, NX_PACKET_POOL *pool_ptr, ULONG wait_option)",
    nx_service(_nxe_packet_data_append, _nx_packet_data_append))


# =================================================================== data retrieve
def _nx_packet_data_retrieve(packet_ptr: NX_PACKET, buffer_start: Any) -> tuple[int, int]:
    """``nx_packet_data_retrieve`` (nx_packet_data_retrieve.c): copy the bytes of every
    buffer of the chain into ``buffer_start`` (a bytearray, writable memoryview or a
    Pointer); returns (status, bytes_copied).

    ``bytes_copied`` is the head's ``nx_packet_length``; when the chain holds a
    different number of bytes the status is NX_INVALID_PACKET and, as in C,
    ``bytes_copied`` is the number of bytes actually copied (not None). A buffer whose
    append pointer lies before its prepend pointer counts as empty (C would copy a
    huge size). A destination smaller than the bytes to copy raises ValueError
    (C would overflow it). Statuses: NX_SUCCESS, NX_INVALID_PACKET; from the checking
    layer NX_PTR_ERROR (None packet or buffer).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_DATA_RETRIEVE, packet_ptr, _nxt.pointer_or_zero(buffer_start),
                  packet_ptr.nx_packet_length, 0, _nxt.NX_TRACE_PACKET_EVENTS)
        tb.charge(packet_ptr.nx_packet_length)
    destination = _Destination(buffer_start)
    total = 0
    packet: NX_PACKET | None = packet_ptr
    while packet is not None:
        size = packet._append - packet._prepend
        if size > 0:
            total += size
        packet = packet.nx_packet_next
    destination.check(total)
    position = 0
    packet = packet_ptr
    while packet is not None:
        size = packet._append - packet._prepend
        if size > 0:
            destination.write(position, packet._mem, packet._prepend, size)
            position += size
        packet = packet.nx_packet_next
    if total != packet_ptr.nx_packet_length:
        return NX_INVALID_PACKET, total
    return NX_SUCCESS, total


def _nxe_packet_data_retrieve(packet_ptr: NX_PACKET, buffer_start: Any) -> tuple[int, int | None]:
    if packet_ptr is None or buffer_start is None:
        return NX_PTR_ERROR, None
    return _nx_packet_data_retrieve(packet_ptr, buffer_start)


nx_packet_data_retrieve = c_service(
    "UINT nx_packet_data_retrieve(NX_PACKET *packet_ptr, VOID *buffer_start)",
    nx_service(_nxe_packet_data_retrieve, _nx_packet_data_retrieve))


# ============================================================= data extract offset
def _nx_packet_data_extract_offset(packet_ptr: NX_PACKET, offset: int, buffer_start: Any,
                                   buffer_length: int | None = None) -> tuple[int, int | None]:
    """``nx_packet_data_extract_offset`` (nx_packet_data_extract_offset.c): copy up to
    ``buffer_length`` bytes (default: the buffer's size) starting ``offset`` bytes into
    the packet data; returns (status, bytes_copied).

    ``bytes_copied`` = min(length - offset, buffer_length), as computed by the C even
    if the chain holds fewer bytes. An offset at or past the length is
    NX_PACKET_OFFSET_ERROR, except offset 0 of an empty packet (NX_SUCCESS, 0 bytes);
    an offset past the bytes the chain really holds is NX_PACKET_OFFSET_ERROR too.
    Statuses: NX_SUCCESS, NX_PACKET_OFFSET_ERROR; from the checking layer
    NX_PTR_ERROR (None packet or buffer). A ``buffer_length`` larger than the buffer
    raises ValueError when more bytes than it holds would be written.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_DATA_EXTRACT_OFFSET, packet_ptr, buffer_length or 0, 0, 0,
                  _nxt.NX_TRACE_PACKET_EVENTS)
    destination = _Destination(buffer_start)
    if buffer_length is None:
        buffer_length = destination.capacity
    length = packet_ptr.nx_packet_length
    if offset >= length:
        if offset == 0:
            return NX_SUCCESS, 0
        return NX_PACKET_OFFSET_ERROR, None
    work: NX_PACKET | None = packet_ptr
    source = 0
    remaining_offset = offset
    while work is not None:
        fragment = max(work._append - work._prepend, 0)
        if fragment > remaining_offset:
            source = work._prepend + remaining_offset
            break
        remaining_offset -= fragment
        work = work.nx_packet_next
    if work is None:
        return NX_PACKET_OFFSET_ERROR, None
    copied = min(length - offset, buffer_length)
    remaining = copied
    position = 0
    while work is not None and remaining:
        size = min(max(work._append - source, 0), remaining)
        destination.check(position + size)
        destination.write(position, work._mem, source, size)
        position += size
        remaining -= size
        work = work.nx_packet_next
        if work is not None:
            source = work._prepend
    return NX_SUCCESS, copied


def _nxe_packet_data_extract_offset(packet_ptr: NX_PACKET, offset: int, buffer_start: Any,
                                    buffer_length: int | None = None) -> tuple[int, int | None]:
    if packet_ptr is None or buffer_start is None:
        return NX_PTR_ERROR, None
    return _nx_packet_data_extract_offset(packet_ptr, offset, buffer_start, buffer_length)


nx_packet_data_extract_offset = c_service(
    "UINT nx_packet_data_extract_offset(NX_PACKET *packet_ptr, ULONG offset, VOID *buffer_start, ULONG buffer_length = None)",
    nx_service(_nxe_packet_data_extract_offset, _nx_packet_data_extract_offset))


# ====================================================================== length get
def _nx_packet_length_get(packet_ptr: NX_PACKET) -> tuple[int, int]:
    """``nx_packet_length_get``: returns (status, length), the head's total length.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (None packet, or its
    pool is not created).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_LENGTH_GET, packet_ptr, packet_ptr.nx_packet_length, 0, 0,
                  _nxt.NX_TRACE_PACKET_EVENTS)
    return NX_SUCCESS, packet_ptr.nx_packet_length


def _nxe_packet_length_get(packet_ptr: NX_PACKET) -> tuple[int, int | None]:
    if not _valid_packet(packet_ptr):
        return NX_PTR_ERROR, None
    return _nx_packet_length_get(packet_ptr)


nx_packet_length_get = c_service(
    "UINT nx_packet_length_get(NX_PACKET *packet_ptr)",
    nx_service(_nxe_packet_length_get, _nx_packet_length_get))


# ============================================================================ copy
def _nx_packet_copy(packet_ptr: NX_PACKET, pool_ptr: NX_PACKET_POOL,
                    wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nx_packet_copy`` (nx_packet_copy.c): returns (status, new_packet), a copy of
    the packet in buffers of ``pool_ptr``.

    A buffer is allocated with offset 0; the first source buffer is appended from its
    ``data_start`` (unused headroom included), the others from their prepend pointer,
    each append waiting up to ``wait_option``; then the copy's prepend pointer is set
    to the source's offset, so the copy keeps the same headroom and consumes
    headroom + length bytes of the new pool. IP version, interface and IP-header
    offset are copied. On any failure the new buffers are released.

    Statuses: NX_SUCCESS, NX_INVALID_PACKET (length 0, or the copied length differs),
    NX_NO_PACKET, NX_WAIT_ABORTED, NX_POOL_DELETED; from the checking layer
    NX_PTR_ERROR, NX_UNDERFLOW, NX_OVERFLOW, NX_CALLER_ERROR (a wait outside a thread).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_PACKET_COPY, packet_ptr, 0, pool_ptr, wait_option,
                  _nxt.NX_TRACE_PACKET_EVENTS)
        tb.charge(packet_ptr.nx_packet_length)
    if packet_ptr.nx_packet_length == 0:
        return NX_INVALID_PACKET, None
    status, work = _nx_packet_allocate(pool_ptr, 0, wait_option)
    if status != NX_SUCCESS:
        return status, None
    assert work is not None
    work.nx_packet_interface_ptr = packet_ptr.nx_packet_interface_ptr
    work.nx_packet_ip_version = packet_ptr.nx_packet_ip_version
    source: NX_PACKET | None = packet_ptr
    first = True
    while source is not None:
        begin = source._start if first else source._prepend
        size = max(source._append - begin, 0)
        status = _nx_packet_data_append(work, Pointer(source._mem, begin), size, pool_ptr, wait_option)
        if status != NX_SUCCESS:
            _nx_packet_release(work)
            return status, None
        source = source.nx_packet_next
        first = False
    headroom = packet_ptr._prepend - packet_ptr._start
    work._prepend = work._start + headroom
    work.nx_packet_length -= headroom
    ip_header = packet_ptr.nx_packet_ip_header
    work.nx_packet_ip_header = None if ip_header is None else \
        Pointer(work._mem, work._start + (int(ip_header) - packet_ptr._start))
    if packet_ptr.nx_packet_length != work.nx_packet_length:
        _nx_packet_release(work)
        return NX_INVALID_PACKET, None
    return NX_SUCCESS, work


def _nxe_packet_copy(packet_ptr: NX_PACKET, pool_ptr: NX_PACKET_POOL,
                     wait_option: int) -> tuple[int, NX_PACKET | None]:
    if not _valid_pool(pool_ptr) or packet_ptr is None:
        return NX_PTR_ERROR, None
    status = _bounds_error(packet_ptr)
    if status:
        return status, None
    if nx_thread_wait_caller_error(kernel(), wait_option):
        return NX_CALLER_ERROR, None
    return _nx_packet_copy(packet_ptr, pool_ptr, wait_option)


nx_packet_copy = c_service(
    "UINT nx_packet_copy(NX_PACKET *packet_ptr, NX_PACKET_POOL *pool_ptr, ULONG wait_option)",
    nx_service(_nxe_packet_copy, _nx_packet_copy))


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
