"""NetX packet pools: ``nx_packet_pool_create``, ``nx_packet_pool_delete``,
``nx_packet_pool_info_get`` and ``nx_packet_pool_low_watermark_set`` (netxduo
``common/src/nx_packet_pool_*.c``), and the pool geometry of a 32-bit target (see
:mod:`netxsim.nx.packet` for the buffers themselves).

Split from :mod:`netxsim.nx.packet`, which re-exports every name defined here.
"""
from __future__ import annotations

from typing import Any

from netxsim.boundary import c_service, memset_control_block
from netxsim.tx.kernel import kernel
from netxsim.tx.memory import Pointer, c_string

from .config import nx_init_and_threads_caller_error, nx_not_isr_caller_error, nx_service, \
    nx_threads_only_caller_error
from .constants import (NX_CALLER_ERROR, NX_NOT_SUPPORTED, NX_PACKET_POOL_ID, NX_POOL_DELETED, NX_PTR_ERROR,
                        NX_SIZE_ERROR, NX_SUCCESS)
from .packet import (NX_PACKET, NX_PACKET_POOL, _ALIGN, _CREATED_KIND, _MEMORY_KIND, _ULONG, _valid_pool,
                     sizeof_nx_packet)
from ..tx import trace as _trace
from . import trace as _nxt


def _pool_geometry(address: int, pool_size: int, payload_size: int) -> tuple[int, int, int, int]:
    """(aligned start, aligned size, header size, stride) as nx_packet_pool_create computes."""
    start = (address + _ALIGN - 1) // _ALIGN * _ALIGN
    size = (pool_size - (start - address)) // _ALIGN * _ALIGN
    header = (start + sizeof_nx_packet() + _ALIGN - 1) // _ALIGN * _ALIGN - start
    stride = (header + payload_size + _ALIGN - 1) // _ALIGN * _ALIGN
    return start, size, header, stride


class _Listed:
    """The pools on the kernel's created list, as a set (membership in O(1): building N
    hosts tested each new pool against the whole list). It mirrors one list object and
    follows every change this module makes to it; a list replaced (a new
    ``nx_system_initialize``) or changed elsewhere (its length differs) is mirrored anew."""

    __slots__ = ("created", "pools")

    def __init__(self, created: list) -> None:
        self.created = created
        self.pools = {id(pool): pool for pool in created}

    def __contains__(self, pool: object) -> bool:
        return id(pool) in self.pools


def _listed(k: Any) -> _Listed:
    created = k.created.setdefault(_CREATED_KIND, [])
    listed = k.__dict__.get("nx_packet_pool_listed")
    if listed is None or listed.created is not created or len(listed.pools) != len(created):
        listed = k.nx_packet_pool_listed = _Listed(created)
    return listed


def _unlist(k: Any, pool_ptr: NX_PACKET_POOL) -> None:
    """Take ``pool_ptr`` off the created list if it is on it."""
    listed = _listed(k)
    if pool_ptr in listed:
        k.unregister(_CREATED_KIND, pool_ptr)
        del listed.pools[id(pool_ptr)]


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
    _unlist(k, pool_ptr)
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
    listed = _listed(k)
    k.register(_CREATED_KIND, pool_ptr)
    listed.pools[id(pool_ptr)] = pool_ptr
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
        listed = [pool_ptr] if pool_ptr in _listed(k) else []
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
    _unlist(k, pool_ptr)
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


nx_packet_pool_low_watermark_set = c_service(
    "UINT nx_packet_pool_low_watermark_set(NX_PACKET_POOL *pool_ptr, ULONG low_watermark)",
    nx_service(_nxe_packet_pool_low_watermark_set, _nx_packet_pool_low_watermark_set))
