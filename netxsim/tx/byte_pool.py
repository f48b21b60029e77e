"""Byte memory pools: ``TX_BYTE_POOL`` and the ``tx_byte_*`` services (ThreadX
``common/src/tx_byte_pool_create.c``, ``tx_byte_pool_search.c``,
``tx_byte_allocate.c``, ``tx_byte_release.c``; checks in the ``txe_`` files).

Theory of operation
-------------------
The pool is a circular list of blocks kept *in simulated RAM*, so fragmentation
looks as it does on a 32-bit target. Every block starts with an 8-byte header:

* word 0: address of the next block (the last block links back to the start);
* word 1: ``TX_BYTE_BLOCK_FREE`` (0xFFFFEEEE) if the block is free, else the address
  of the owning pool's control block.

The caller's memory begins right after the header. ``create`` makes two blocks:
one free block spanning the pool and an 8-byte terminating block at its end that is
permanently allocated, so ``fragments`` starts at 2 and ``available`` at
``size - 8`` (the free block's header counts as available).

``allocate`` rounds the request up to 4 and searches first-fit from the *search
pointer* (:func:`_search`, ``_tx_byte_pool_search``): a free block that is too
small is merged with its free successor on the spot (fragments - 1, available
unchanged: the swallowed header was already counted), otherwise the search hops
on. A request is refused at once if it is not below ``available + (fragments - 2)
* 8``. A block is split only if at least ``TX_BYTE_BLOCK_MIN`` (20) bytes would be
left over. The search pointer moves to the first free block met, and past the
block handed out if that was it.

``release`` marks the block free (no merging: that happens lazily in later
searches), moves the search pointer back if the block lies before it, then retries
the waiters *head first only*: the loop stops at the first head whose request does
not fit, so a small request behind a big one waits (head-of-line blocking).

Control blocks live in Python; each pool gets a pretend control-block address
(``control_block_address``, outside RAM) that is what the owner word holds.
"""
from __future__ import annotations


from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_BYTE_BLOCK_MIN, TX_BYTE_MEMORY, TX_CALLER_ERROR, TX_DELETED, TX_NO_MEMORY, TX_NO_WAIT,
    TX_POOL_ERROR, TX_PTR_ERROR, TX_SIZE_ERROR, TX_SUCCESS, TX_WAIT_ERROR,
)
from .kernel import kernel
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .memory import ControlBlockAddresses, Pointer, c_string
from . import trace as _trace

TX_BYTE_POOL_ID = 0x42595445  # "BYTE", tx_byte_pool.h
TX_BYTE_BLOCK_FREE = 0xFFFFEEEE
TX_BYTE_POOL_MIN = 100
_ULONG_MASK = 0xFFFFFFFF
_ALIGN = 4                      # sizeof(ALIGN_TYPE) on the 32-bit target
_POINTER = 4                    # sizeof(UCHAR *) on the 32-bit target
_HEADER = _POINTER + _ALIGN     # next-block pointer + free marker / owner
# Pretend control-block addresses: outside RAM and apart from the block pools'.
_ADDRESSES = ControlBlockAddresses(0xE800_0000)


@control_block
class TX_BYTE_POOL:
    """Byte pool control block; C field names where C code reads them."""

    def __init__(self) -> None:
        self.tx_byte_pool_id = 0
        self.tx_byte_pool_name: str = ""
        self.tx_byte_pool_available = 0
        self.tx_byte_pool_fragments = 0
        self.tx_byte_pool_list: Pointer | None = None
        self.tx_byte_pool_search: Pointer | None = None
        self.tx_byte_pool_start: Pointer | None = None
        self.tx_byte_pool_size = 0
        self.tx_byte_pool_owner = None
        # The suspension list, head first; the kernel appends and removes waiters.
        # A waiter's ``suspend_info`` holds its rounded request until it is served.
        self.suspension_list: list = []
        self.control_block_address = 0
        self.region = None

    @property
    def name(self) -> str:
        return self.tx_byte_pool_name

    @property
    def tx_byte_pool_suspension_list(self):
        """Head of the suspension list (the C field is a pointer to the first waiter)."""
        return self.suspension_list[0] if self.suspension_list else None

    @property
    def tx_byte_pool_suspended_count(self) -> int:
        return len(self.suspension_list)

    def blocks(self) -> list[tuple[int, int, bool]]:
        """Walk the block list from the pool start: ``(offset, size, free)`` per block,
        size counting the header (a debugging aid; the terminating block is last)."""
        start = self.tx_byte_pool_start
        assert start is not None
        memory, base = start.memory, start.address
        result, current = [], base
        while True:
            following = memory.read_ulong(current)
            free = memory.read_ulong(current + _POINTER) == TX_BYTE_BLOCK_FREE
            size = (following - current) if following != base else _HEADER
            result.append((current - base, size, free))
            if following == base:
                return result
            current = following

    def __repr__(self) -> str:
        return (f"<TX_BYTE_POOL {self.tx_byte_pool_name!r} available="
                f"{self.tx_byte_pool_available} fragments={self.tx_byte_pool_fragments}>")


_perf_declare(TX_BYTE_POOL, "byte_pool")  # its counters read 0 until bumped


def _valid(pool: object) -> bool:
    return pool is not None and pool.tx_byte_pool_id == TX_BYTE_POOL_ID





def _round_up(size: int) -> int:
    # ULONG arithmetic, as in C: a size near 2**32 wraps.
    return ((size + _ALIGN - 1) & _ULONG_MASK) // _ALIGN * _ALIGN


# --------------------------------------------------------------------------- search
def _search(pool: TX_BYTE_POOL, memory_size: int) -> int | None:
    """``_tx_byte_pool_search``: first fit for ``memory_size`` (already rounded) from the
    search pointer, merging free neighbours on the way; returns the address of the
    memory handed out (after the header) or None."""
    theoretical = pool.tx_byte_pool_available + (pool.tx_byte_pool_fragments - 2) * _HEADER
    if memory_size >= theoretical:
        return None
    search = pool.tx_byte_pool_search
    assert search is not None
    memory = search.memory
    pool.tx_byte_pool_owner = kernel().current_ptr
    search_address = search.address
    current = search_address
    examine = pool.tx_byte_pool_fragments + 1
    available = 0
    first_free_found = False
    while True:
        _perf(pool, "byte_pool", "search")
        if memory.read_ulong(current + _POINTER) == TX_BYTE_BLOCK_FREE:
            if not first_free_found:
                search_address = current
                first_free_found = True
            following = memory.read_ulong(current)
            available = following - current - _HEADER
            if available >= memory_size:
                break
            available = 0
            if memory.read_ulong(following + _POINTER) == TX_BYTE_BLOCK_FREE:
                # Swallow the free neighbour; its header was already counted as available.
                memory.write_ulong(current, memory.read_ulong(following))
                pool.tx_byte_pool_fragments -= 1
                _perf(pool, "byte_pool", "merge")
                # Kept as in C; here searches are atomic and no free block lies before
                # the search pointer, so the swallowed block is never the search start.
                if search_address == following:
                    search_address = current
            else:
                current = memory.read_ulong(following)
                if examine:
                    examine -= 1
                    _perf(pool, "byte_pool", "search")
        else:
            current = memory.read_ulong(current)
        if examine:
            examine -= 1
        if not examine:
            break
    pool.tx_byte_pool_search = Pointer(memory, search_address)
    if not available:
        return None
    if available - memory_size >= TX_BYTE_BLOCK_MIN:
        # Split: the tail becomes a new free block.
        tail = current + memory_size + _HEADER
        memory.write_ulong(tail, memory.read_ulong(current))
        memory.write_ulong(tail + _POINTER, TX_BYTE_BLOCK_FREE)
        pool.tx_byte_pool_fragments += 1
        memory.write_ulong(current, tail)
        available = memory_size
        _perf(pool, "byte_pool", "split")
    memory.write_ulong(current + _POINTER, pool.control_block_address)
    pool.tx_byte_pool_available -= available + _HEADER
    if current == search_address:
        pool.tx_byte_pool_search = Pointer(memory, memory.read_ulong(current))
    return current + _HEADER


def _owning_pool(memory_ptr: object) -> tuple[TX_BYTE_POOL, int] | None:
    """(pool, block address) for an allocated block's memory pointer, or None when the
    header does not name a created byte pool (TX_PTR_ERROR)."""
    if not isinstance(memory_ptr, Pointer):
        return None
    memory = memory_ptr.memory
    block = memory_ptr.address - _HEADER
    if not memory.contains(Pointer(memory, block), _HEADER):
        return None
    owner = memory.read_ulong(block + _POINTER)
    if owner == TX_BYTE_BLOCK_FREE:
        return None
    pool = _ADDRESSES.lookup(memory, owner)
    if pool is None or not _valid(pool):
        return None
    return pool, block


# --------------------------------------------------------------------------- create
def _tx_byte_pool_create(pool: TX_BYTE_POOL, name: str | bytes, pool_start: Pointer,
                         pool_size: int) -> int:
    """``tx_byte_pool_create``: a byte pool over ``pool_size`` bytes (rounded down to 4)
    at ``pool_start``: one free block and the terminating block.

    Statuses: TX_SUCCESS, TX_POOL_ERROR (None or already created), TX_PTR_ERROR (no
    pool memory), TX_SIZE_ERROR (below TX_BYTE_POOL_MIN = 100 bytes), TX_CALLER_ERROR
    (from an ISR or a timer callback). A pool area overlapping any other claimed region
    (another byte pool included: ThreadX does not check that) raises MemoryRegionError.
    """
    k = kernel()
    pool_size = (pool_size // _ALIGN) * _ALIGN
    name = c_string(name)
    memory = pool_start.memory
    region = k.memory.claim(pool_start, pool_size, f"byte pool {name!r}", "byte pool", pool)
    address = pool.control_block_address
    memset_control_block(pool)  # the C clears the control block first
    pool.control_block_address = address
    owner = _ADDRESSES.assign(pool, memory)
    start = pool_start.address
    end_block = start + pool_size - _HEADER
    # Terminating block: links back to the start, permanently "allocated".
    memory.write_ulong(end_block + _POINTER, owner)
    memory.write_ulong(end_block, start)
    # One free block spanning the rest.
    memory.write_ulong(start, end_block)
    memory.write_ulong(start + _POINTER, TX_BYTE_BLOCK_FREE)
    pool.tx_byte_pool_name = name
    pool.tx_byte_pool_start = Pointer(memory, start)
    pool.tx_byte_pool_size = pool_size
    pool.tx_byte_pool_list = Pointer(memory, start)
    pool.tx_byte_pool_search = Pointer(memory, start)
    pool.tx_byte_pool_available = pool_size - _HEADER
    pool.tx_byte_pool_fragments = 2
    pool.region = region
    _perf_reset(pool, "byte_pool")
    pool.tx_byte_pool_id = TX_BYTE_POOL_ID
    k.register("byte_pool", pool)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_BYTE_POOL, pool, pool.name, pool_size, 0)
        tb.insert(_trace.TX_TRACE_BYTE_POOL_CREATE, pool, pool_start, pool_size, tb.stack_marker(),
                  _trace.TX_TRACE_BYTE_POOL_EVENTS)
    return TX_SUCCESS


def _txe_byte_pool_create(pool: TX_BYTE_POOL, name: str | bytes, pool_start: Pointer,
                          pool_size: int) -> int:
    k = kernel()
    if pool is None or pool in k.created.get("byte_pool", []):
        return TX_POOL_ERROR
    if not isinstance(pool_start, Pointer):
        return TX_PTR_ERROR
    if pool_size < TX_BYTE_POOL_MIN:
        return TX_SIZE_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_byte_pool_create(pool, name, pool_start, pool_size)


tx_byte_pool_create = c_service(
    "UINT tx_byte_pool_create(TX_BYTE_POOL *pool_ptr, CHAR *name_ptr, VOID *pool_start, ULONG pool_size)",
    service(_txe_byte_pool_create, _tx_byte_pool_create))


# --------------------------------------------------------------------------- delete
def _tx_byte_pool_delete(pool: TX_BYTE_POOL) -> int:
    """``tx_byte_pool_delete``: delete the pool; every waiter resumes with TX_DELETED
    (all are readied first, then the most urgent runs). The pool memory is given back.

    Statuses: TX_SUCCESS, TX_POOL_ERROR, TX_CALLER_ERROR (from init, an ISR or a timer
    callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BYTE_POOL_DELETE, pool, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_BYTE_POOL_EVENTS)
        tb.unregister(pool)
    k = kernel()
    pool.tx_byte_pool_id = 0
    k.unregister("byte_pool", pool)
    k.memory.release(pool.region)
    pool.region = None
    k.wake_all(pool.suspension_list, TX_DELETED)
    return TX_SUCCESS


def _txe_byte_pool_delete(pool: TX_BYTE_POOL) -> int:
    k = kernel()
    if not _valid(pool):
        return TX_POOL_ERROR
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_byte_pool_delete(pool)


tx_byte_pool_delete = c_service(
    "UINT tx_byte_pool_delete(TX_BYTE_POOL *pool_ptr)",
    service(_txe_byte_pool_delete, _tx_byte_pool_delete))


# ------------------------------------------------------------------------- allocate
def _tx_byte_allocate(pool: TX_BYTE_POOL, memory_size: int,
                      wait_option: int) -> tuple[int, Pointer | None]:
    """``tx_byte_allocate``: returns (status, pointer) to ``memory_size`` bytes (rounded up
    to 4) found first-fit, or waits (FIFO) up to ``wait_option`` ticks for a release.

    Statuses: TX_SUCCESS, TX_NO_MEMORY (no fit and no wait, the wait timed out, or
    preemption is disabled), TX_DELETED, TX_WAIT_ABORTED, TX_POOL_ERROR, TX_SIZE_ERROR
    (0, or more than the pool size), TX_WAIT_ERROR (a wait from init or an ISR),
    TX_CALLER_ERROR (from an ISR or a timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BYTE_ALLOCATE, pool, 0, memory_size, wait_option,
                  _trace.TX_TRACE_BYTE_POOL_EVENTS)
    _perf(pool, "byte_pool", "allocate")
    memory_size = _round_up(memory_size)
    found = _search(pool, memory_size)
    if found is not None:
        return TX_SUCCESS, Pointer(pool.tx_byte_pool_start.memory, found)  # type: ignore[union-attr]
    if wait_option == TX_NO_WAIT:
        return TX_NO_MEMORY, None
    k = kernel()
    if k.preempt_disable:
        return TX_NO_MEMORY, None
    if not k.in_thread:
        # Only reachable with error checking off; C would suspend a non-thread.
        return TX_WAIT_ERROR, None
    _perf(pool, "byte_pool", "suspension", k)
    status = k.suspend_current(TX_BYTE_MEMORY, wait_option, pool.suspension_list,
                               TX_NO_MEMORY, pool, info=memory_size)
    if status != TX_SUCCESS:
        return status, None
    thread = k.current_ptr
    assert thread is not None
    return status, thread.suspend_info


def _txe_byte_allocate(pool: TX_BYTE_POOL, memory_size: int,
                       wait_option: int) -> tuple[int, Pointer | None]:
    if not _valid(pool):
        return TX_POOL_ERROR, None
    if memory_size == 0 or memory_size > pool.tx_byte_pool_size:
        return TX_SIZE_ERROR, None
    k = kernel()
    if wait_option != TX_NO_WAIT and k.system_state != 0:
        return TX_WAIT_ERROR, None
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR, None
    return _tx_byte_allocate(pool, memory_size, wait_option)


tx_byte_allocate = c_service(
    "UINT tx_byte_allocate(TX_BYTE_POOL *pool_ptr, ULONG memory_size, ULONG wait_option)",
    service(_txe_byte_allocate, _tx_byte_allocate))


# -------------------------------------------------------------------------- release
def _tx_byte_release(memory_ptr: Pointer) -> int:
    """``tx_byte_release``: free the block (neighbours are merged later, by searches),
    then serve waiters from the head while the head's request fits; each one served
    may preempt the caller.

    Statuses: TX_SUCCESS, TX_PTR_ERROR (None, a block already free, or a header that
    does not name a created byte pool), TX_CALLER_ERROR (from an ISR or a timer
    callback).
    """
    owner = _owning_pool(memory_ptr)
    if owner is None:
        return TX_PTR_ERROR
    pool, block = owner
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BYTE_RELEASE, pool, memory_ptr, len(pool.suspension_list),
                  pool.tx_byte_pool_available, _trace.TX_TRACE_BYTE_POOL_EVENTS)
    k = kernel()
    _perf(pool, "byte_pool", "release", k)
    memory = memory_ptr.memory
    pool.tx_byte_pool_owner = k.current_ptr
    memory.write_ulong(block + _POINTER, TX_BYTE_BLOCK_FREE)
    pool.tx_byte_pool_available += memory.read_ulong(block) - block
    if block < pool.tx_byte_pool_search.address:  # type: ignore[union-attr]
        pool.tx_byte_pool_search = Pointer(memory, block)
    waiters = pool.suspension_list
    if not waiters:
        return TX_SUCCESS
    while waiters:
        thread = waiters[0]
        found = _search(pool, thread.suspend_info)
        if found is None:
            break  # head-of-line: nobody behind an unsatisfiable head is tried
        waiters.pop(0)
        thread.suspend_info = Pointer(memory, found)
        # The served thread may preempt us here, mid-loop, as on target.
        k.wake(thread, TX_SUCCESS)
    k.preempt_check()
    return TX_SUCCESS


def _txe_byte_release(memory_ptr: Pointer) -> int:
    if memory_ptr is None:
        return TX_PTR_ERROR
    k = kernel()
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_byte_release(memory_ptr)


tx_byte_release = c_service(
    "UINT tx_byte_release(VOID *memory_ptr)",
    service(_txe_byte_release, _tx_byte_release))


# ----------------------------------------------------------------------- prioritize
def _tx_byte_pool_prioritize(pool: TX_BYTE_POOL) -> int:
    """``tx_byte_pool_prioritize``: move the most urgent waiter to the head of the
    suspension list; the others keep their FIFO order.

    Statuses: TX_SUCCESS, TX_POOL_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BYTE_POOL_PRIORITIZE, pool, len(pool.suspension_list), tb.stack_marker(),
                  0, _trace.TX_TRACE_BYTE_POOL_EVENTS)
    waiters = pool.suspension_list
    best = 0
    for index in range(1, len(waiters)):
        if waiters[index].tx_thread_priority < waiters[best].tx_thread_priority:
            best = index
    if best:
        waiters.insert(0, waiters.pop(best))
    return TX_SUCCESS


def _txe_byte_pool_prioritize(pool: TX_BYTE_POOL) -> int:
    if not _valid(pool):
        return TX_POOL_ERROR
    return _tx_byte_pool_prioritize(pool)


tx_byte_pool_prioritize = c_service(
    "UINT tx_byte_pool_prioritize(TX_BYTE_POOL *pool_ptr)",
    service(_txe_byte_pool_prioritize, _tx_byte_pool_prioritize))


# ------------------------------------------------------------------------- info_get
def _tx_byte_pool_info_get(pool: TX_BYTE_POOL) -> tuple:
    """``tx_byte_pool_info_get``: returns (status, name, available_bytes, fragments,
    first_suspended, suspended_count, next_pool). ``available_bytes`` counts the
    headers of free blocks; ``fragments`` counts every block, the terminating one
    included, and free neighbours not yet merged by a search.

    Statuses: TX_SUCCESS, TX_POOL_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BYTE_POOL_INFO_GET, pool, 0, 0, 0, _trace.TX_TRACE_BYTE_POOL_EVENTS)
    k = kernel()
    return (TX_SUCCESS, pool.tx_byte_pool_name, pool.tx_byte_pool_available,
            pool.tx_byte_pool_fragments, pool.tx_byte_pool_suspension_list,
            pool.tx_byte_pool_suspended_count, k.next_created("byte_pool", pool))


def _txe_byte_pool_info_get(pool: TX_BYTE_POOL) -> tuple:
    if not _valid(pool):
        return (TX_POOL_ERROR,) + (None,) * 6
    return _tx_byte_pool_info_get(pool)


tx_byte_pool_info_get = c_service(
    "UINT tx_byte_pool_info_get(TX_BYTE_POOL *pool_ptr)",
    service(_txe_byte_pool_info_get, _tx_byte_pool_info_get))


__all__ = [
    "TX_BYTE_POOL", "tx_byte_pool_create", "tx_byte_pool_delete", "tx_byte_allocate",
    "tx_byte_release", "tx_byte_pool_prioritize", "tx_byte_pool_info_get",
]
