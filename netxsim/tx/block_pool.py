"""Block memory pools: ``TX_BLOCK_POOL`` and the ``tx_block_*`` services
(ThreadX ``common/src/tx_block_pool_*.c``, ``tx_block_allocate.c``,
``tx_block_release.c``; checks in the ``txe_`` files).

Layout in simulated RAM, as on a 32-bit target: the pool area is cut into
``total`` slots of ``4 + block_size`` bytes (block size rounded up to
``sizeof(ALIGN_TYPE)`` = 4; ``total = pool_size // (block_size + 4)`` with the pool
size rounded down to 4). The first word of each slot is its overhead pointer:

* while the block is free, the link to the next free slot (0 ends the list);
* while it is allocated, the address of the owning pool's control block.

The application gets the address just after that word. ``tx_block_release`` finds
the pool by reading the word before the block, as the C does, so releasing
something that is not an allocated block (a stray pointer, a block released twice)
is recognised because that word does not hold a pool address.

The free list starts in address order and is LIFO afterwards: allocate takes the
head, release pushes on the head, or hands the block straight to the first waiter
(FIFO suspension list, ``tx_block_pool_prioritize`` moves the most urgent waiter to
the head).

Control blocks live in Python, not in simulated RAM; each pool gets a fixed
pretend address (``control_block_address``, outside RAM) that stands for
``TX_BLOCK_POOL *`` in the overhead words.
"""
from __future__ import annotations


from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_BLOCK_MEMORY, TX_CALLER_ERROR, TX_DELETED, TX_NO_MEMORY, TX_NO_WAIT, TX_POOL_ERROR,
    TX_PTR_ERROR, TX_SIZE_ERROR, TX_SUCCESS, TX_WAIT_ERROR,
)
from .kernel import kernel
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .memory import ControlBlockAddresses, Pointer, c_string
from . import trace as _trace

TX_BLOCK_POOL_ID = 0x424C4F43  # "BLOC", tx_block_pool.h
_ULONG_MASK = 0xFFFFFFFF
_ALIGN = 4      # sizeof(ALIGN_TYPE) on the 32-bit target
_POINTER = 4    # sizeof(UCHAR *) on the 32-bit target
# Pretend control-block addresses: outside RAM, so they never equal a free link.
_ADDRESSES = ControlBlockAddresses(0xE000_0000)



@control_block
class TX_BLOCK_POOL:
    """Block pool control block; C field names where C code reads them."""

    def __init__(self) -> None:
        self.tx_block_pool_id = 0
        self.tx_block_pool_name: str = ""
        self.tx_block_pool_available = 0
        self.tx_block_pool_total = 0
        self.tx_block_pool_available_list: Pointer | None = None
        self.tx_block_pool_start: Pointer | None = None
        self.tx_block_pool_size = 0
        self.tx_block_pool_block_size = 0
        # The suspension list, head first; the kernel appends and removes waiters.
        self.suspension_list: list = []
        self.control_block_address = 0
        self.region = None

    @property
    def name(self) -> str:
        return self.tx_block_pool_name

    @property
    def tx_block_pool_suspension_list(self):
        """Head of the suspension list (the C field is a pointer to the first waiter)."""
        return self.suspension_list[0] if self.suspension_list else None

    @property
    def tx_block_pool_suspended_count(self) -> int:
        return len(self.suspension_list)

    def __repr__(self) -> str:
        return (f"<TX_BLOCK_POOL {self.tx_block_pool_name!r} "
                f"{self.tx_block_pool_available}/{self.tx_block_pool_total} free>")


_perf_declare(TX_BLOCK_POOL, "block_pool")  # its counters read 0 until bumped


def _valid(pool: object) -> bool:
    return pool is not None and pool.tx_block_pool_id == TX_BLOCK_POOL_ID





def _owning_pool(block_ptr: object) -> TX_BLOCK_POOL | None:
    """The created pool named by the word before ``block_ptr``, or None (TX_PTR_ERROR)."""
    if not isinstance(block_ptr, Pointer):
        return None
    memory = block_ptr.memory
    overhead = block_ptr.address - _POINTER
    if not memory.contains(Pointer(memory, overhead), _POINTER):
        return None
    pool = _ADDRESSES.lookup(memory, memory.read_ulong(overhead))
    return pool if pool is not None and _valid(pool) else None


def prioritize_waiters(waiters: list) -> None:
    """Move the single most urgent waiter to the head (the first one found on ties);
    the others keep their FIFO order, as ``_tx_block_pool_prioritize`` does."""
    best = 0
    for index in range(1, len(waiters)):
        if waiters[index].tx_thread_priority < waiters[best].tx_thread_priority:
            best = index
    if best:
        waiters.insert(0, waiters.pop(best))


# --------------------------------------------------------------------------- create
def _tx_block_pool_create(pool: TX_BLOCK_POOL, name: str | bytes, block_size: int,
                          pool_start: Pointer, pool_size: int) -> int:
    """``tx_block_pool_create``: cut ``pool_size`` bytes at ``pool_start`` into fixed-size
    blocks (size rounded up to 4, plus a 4-byte overhead pointer each).

    Statuses: TX_SUCCESS, TX_POOL_ERROR (None or already created), TX_PTR_ERROR (no
    pool memory), TX_SIZE_ERROR (not even one block fits), TX_CALLER_ERROR (from an
    ISR or a timer callback). A pool area overlapping any other claimed region (another
    pool included: ThreadX does not check that) raises MemoryRegionError.
    """
    k = kernel()
    block_size = ((block_size + _ALIGN - 1) & _ULONG_MASK) // _ALIGN * _ALIGN
    pool_size = (pool_size // _ALIGN) * _ALIGN
    stride = block_size + _POINTER
    total = pool_size // stride
    address = pool.control_block_address
    memset_control_block(pool)  # the C clears the control block first, even on failure
    pool.control_block_address = address
    if total == 0:
        return TX_SIZE_ERROR
    name = c_string(name)
    memory = pool_start.memory
    region = k.memory.claim(pool_start, pool_size, f"block pool {name!r}", "block pool", pool)
    start = pool_start.address
    # Free list in address order; the last slot's link is NULL.
    for index in range(total):
        link = start + (index + 1) * stride if index + 1 < total else 0
        memory.write_ulong(start + index * stride, link)
    pool.tx_block_pool_name = name
    pool.tx_block_pool_start = Pointer(memory, start)
    pool.tx_block_pool_size = pool_size
    pool.tx_block_pool_block_size = block_size
    pool.tx_block_pool_available = pool.tx_block_pool_total = total
    pool.tx_block_pool_available_list = Pointer(memory, start)
    pool.region = region
    _ADDRESSES.assign(pool, memory)
    _perf_reset(pool, "block_pool")
    pool.tx_block_pool_id = TX_BLOCK_POOL_ID
    k.register("block_pool", pool)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_BLOCK_POOL, pool, pool.name, pool_size, block_size)
        tb.insert(_trace.TX_TRACE_BLOCK_POOL_CREATE, pool, pool_start, total, block_size,
                  _trace.TX_TRACE_BLOCK_POOL_EVENTS)
    return TX_SUCCESS


def _txe_block_pool_create(pool: TX_BLOCK_POOL, name: str | bytes, block_size: int,
                           pool_start: Pointer, pool_size: int) -> int:
    k = kernel()
    if pool is None or pool in k.created.get("block_pool", []):
        return TX_POOL_ERROR
    if not isinstance(pool_start, Pointer):
        return TX_PTR_ERROR
    # ThreadX's rough size check uses the block size rounded *down* to a pointer.
    if (block_size // _POINTER) * _POINTER + _POINTER > (pool_size // _POINTER) * _POINTER:
        return TX_SIZE_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_block_pool_create(pool, name, block_size, pool_start, pool_size)


tx_block_pool_create = c_service(
    "UINT tx_block_pool_create(TX_BLOCK_POOL *pool_ptr, CHAR *name_ptr, ULONG block_size, VOID *pool_start, ULONG pool_size)",
    service(_txe_block_pool_create, _tx_block_pool_create))


# --------------------------------------------------------------------------- delete
def _tx_block_pool_delete(pool: TX_BLOCK_POOL) -> int:
    """``tx_block_pool_delete``: delete the pool; every waiter resumes with TX_DELETED
    (all are readied first, then the most urgent runs). The pool memory is given back.

    Statuses: TX_SUCCESS, TX_POOL_ERROR, TX_CALLER_ERROR (from init, an ISR or a timer
    callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BLOCK_POOL_DELETE, pool, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_BLOCK_POOL_EVENTS)
        tb.unregister(pool)
    k = kernel()
    pool.tx_block_pool_id = 0
    k.unregister("block_pool", pool)
    k.memory.release(pool.region)
    pool.region = None
    k.wake_all(pool.suspension_list, TX_DELETED)
    return TX_SUCCESS


def _txe_block_pool_delete(pool: TX_BLOCK_POOL) -> int:
    k = kernel()
    if not _valid(pool):
        return TX_POOL_ERROR
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_block_pool_delete(pool)


tx_block_pool_delete = c_service(
    "UINT tx_block_pool_delete(TX_BLOCK_POOL *pool_ptr)",
    service(_txe_block_pool_delete, _tx_block_pool_delete))


# ------------------------------------------------------------------------- allocate
def _tx_block_allocate(pool: TX_BLOCK_POOL, wait_option: int) -> tuple[int, Pointer | None]:
    """``tx_block_allocate``: returns (status, block_pointer). Takes the head of the free
    list, or waits (FIFO) up to ``wait_option`` ticks for a released block.

    Statuses: TX_SUCCESS, TX_NO_MEMORY (none free and no wait, the wait timed out, or
    preemption is disabled), TX_DELETED, TX_WAIT_ABORTED, TX_POOL_ERROR, TX_WAIT_ERROR
    (a wait from init, an ISR or a timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BLOCK_ALLOCATE, pool, 0, wait_option, pool.tx_block_pool_available,
                  _trace.TX_TRACE_BLOCK_POOL_EVENTS)
    _perf(pool, "block_pool", "allocate")
    if pool.tx_block_pool_available:
        pool.tx_block_pool_available -= 1
        head = pool.tx_block_pool_available_list
        assert head is not None
        memory, slot = head.memory, head.address
        link = memory.read_ulong(slot)
        pool.tx_block_pool_available_list = Pointer(memory, link) if link else None
        # The overhead word now names the owner, for tx_block_release.
        memory.write_ulong(slot, pool.control_block_address)
        return TX_SUCCESS, Pointer(memory, slot + _POINTER)
    if wait_option == TX_NO_WAIT:
        return TX_NO_MEMORY, None
    k = kernel()
    if k.preempt_disable:
        return TX_NO_MEMORY, None
    if not k.in_thread:
        # Only reachable with error checking off; C would suspend a non-thread.
        return TX_WAIT_ERROR, None
    _perf(pool, "block_pool", "suspension", k)
    status = k.suspend_current(TX_BLOCK_MEMORY, wait_option, pool.suspension_list,
                               TX_NO_MEMORY, pool)
    if status != TX_SUCCESS:
        return status, None
    thread = k.current_ptr
    assert thread is not None
    return status, thread.suspend_info


def _txe_block_allocate(pool: TX_BLOCK_POOL, wait_option: int) -> tuple[int, Pointer | None]:
    if not _valid(pool):
        return TX_POOL_ERROR, None
    k = kernel()
    if wait_option != TX_NO_WAIT and (k.system_state != 0 or k.in_timer):
        return TX_WAIT_ERROR, None
    return _tx_block_allocate(pool, wait_option)


tx_block_allocate = c_service(
    "UINT tx_block_allocate(TX_BLOCK_POOL *pool_ptr, ULONG wait_option)",
    service(_txe_block_allocate, _tx_block_allocate))


# -------------------------------------------------------------------------- release
def _tx_block_release(block_ptr: Pointer) -> int:
    """``tx_block_release``: give the block to the first waiter (which may preempt the
    caller) or push it on the head of the free list. Legal from any context.

    Statuses: TX_SUCCESS, TX_PTR_ERROR (None, or the word before it does not name a
    created block pool: not a block, already released, or its pool was deleted).
    """
    pool = _owning_pool(block_ptr)
    if pool is None:
        # ThreadX's core would follow the bad pointer; the checked layer returns this.
        return TX_PTR_ERROR
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BLOCK_RELEASE, pool, block_ptr, len(pool.suspension_list),
                  tb.stack_marker(), _trace.TX_TRACE_BLOCK_POOL_EVENTS)
    _perf(pool, "block_pool", "release")
    memory = block_ptr.memory
    block = Pointer(memory, block_ptr.address)
    waiters = pool.suspension_list
    if waiters:
        thread = waiters.pop(0)
        thread.suspend_info = block  # the owner word stays as it is: still allocated
        kernel().wake(thread, TX_SUCCESS)
        return TX_SUCCESS
    slot = block.address - _POINTER
    head = pool.tx_block_pool_available_list
    memory.write_ulong(slot, head.address if head is not None else 0)
    pool.tx_block_pool_available_list = Pointer(memory, slot)
    pool.tx_block_pool_available += 1
    return TX_SUCCESS


def _txe_block_release(block_ptr: Pointer) -> int:
    if block_ptr is None or _owning_pool(block_ptr) is None:
        return TX_PTR_ERROR
    return _tx_block_release(block_ptr)


tx_block_release = c_service(
    "UINT tx_block_release(VOID *block_ptr)",
    service(_txe_block_release, _tx_block_release))


# ----------------------------------------------------------------------- prioritize
def _tx_block_pool_prioritize(pool: TX_BLOCK_POOL) -> int:
    """``tx_block_pool_prioritize``: move the most urgent waiter to the head of the
    suspension list; the others keep their FIFO order.

    Statuses: TX_SUCCESS, TX_POOL_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BLOCK_POOL_PRIORITIZE, pool, len(pool.suspension_list), tb.stack_marker(),
                  0, _trace.TX_TRACE_BLOCK_POOL_EVENTS)
    prioritize_waiters(pool.suspension_list)
    return TX_SUCCESS


def _txe_block_pool_prioritize(pool: TX_BLOCK_POOL) -> int:
    if not _valid(pool):
        return TX_POOL_ERROR
    return _tx_block_pool_prioritize(pool)


tx_block_pool_prioritize = c_service(
    "UINT tx_block_pool_prioritize(TX_BLOCK_POOL *pool_ptr)",
    service(_txe_block_pool_prioritize, _tx_block_pool_prioritize))


# ------------------------------------------------------------------------- info_get
def _tx_block_pool_info_get(pool: TX_BLOCK_POOL) -> tuple:
    """``tx_block_pool_info_get``: returns (status, name, available_blocks, total_blocks,
    first_suspended, suspended_count, next_pool).

    Statuses: TX_SUCCESS, TX_POOL_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_BLOCK_POOL_INFO_GET, pool, 0, 0, 0, _trace.TX_TRACE_BLOCK_POOL_EVENTS)
    k = kernel()
    return (TX_SUCCESS, pool.tx_block_pool_name, pool.tx_block_pool_available,
            pool.tx_block_pool_total, pool.tx_block_pool_suspension_list,
            pool.tx_block_pool_suspended_count, k.next_created("block_pool", pool))


def _txe_block_pool_info_get(pool: TX_BLOCK_POOL) -> tuple:
    if not _valid(pool):
        return (TX_POOL_ERROR,) + (None,) * 6
    return _tx_block_pool_info_get(pool)


tx_block_pool_info_get = c_service(
    "UINT tx_block_pool_info_get(TX_BLOCK_POOL *pool_ptr)",
    service(_txe_block_pool_info_get, _tx_block_pool_info_get))


__all__ = [
    "TX_BLOCK_POOL", "tx_block_pool_create", "tx_block_pool_delete", "tx_block_allocate",
    "tx_block_release", "tx_block_pool_prioritize", "tx_block_pool_info_get",
]
