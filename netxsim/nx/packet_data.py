"""Reading a NetX packet's data and copying packets: ``nx_packet_data_retrieve``,
``nx_packet_data_extract_offset``, ``nx_packet_length_get`` and ``nx_packet_copy``
(netxduo ``common/src/nx_packet_*.c``; see :mod:`netxsim.nx.packet` for the buffers,
allocation, release and appending).

Split from :mod:`netxsim.nx.packet`, which re-exports every name defined here.
"""
from __future__ import annotations

from typing import Any

from netxsim.boundary import c_service
from netxsim.tx.kernel import kernel
from netxsim.tx.memory import Pointer, SimMemory

from .config import nx_service, nx_thread_wait_caller_error
from .constants import NX_CALLER_ERROR, NX_INVALID_PACKET, NX_PACKET_OFFSET_ERROR, NX_PTR_ERROR, NX_SUCCESS
from .packet import (NX_PACKET, NX_PACKET_POOL, _bounds_error, _nx_packet_allocate, _nx_packet_data_append,
                     _nx_packet_release, _valid_packet, _valid_pool)
from ..tx import trace as _trace
from . import trace as _nxt


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
