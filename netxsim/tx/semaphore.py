"""Counting semaphores: ``TX_SEMAPHORE`` and the ``tx_semaphore_*`` services
(ThreadX ``common/src/tx_semaphore_*.c``, checks in ``txe_semaphore_*.c``).

A semaphore is a 32-bit count plus a FIFO list of suspended threads. The two are
never both non-zero: ``get`` takes an instance if there is one, otherwise the
caller waits; ``put`` hands its instance straight to the head waiter if there is
one (the count is not touched), otherwise it increments the count. Timeouts,
``tx_thread_wait_abort`` and ``tx_thread_terminate`` take a waiter off the list
through the kernel, so a waiter that left can never receive a later ``put``.
"""
from __future__ import annotations

from typing import Callable

from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_CALLER_ERROR, TX_CEILING_EXCEEDED, TX_DELETED, TX_INVALID_CEILING, TX_NO_INSTANCE,
    TX_NO_WAIT, TX_SEMAPHORE_ERROR, TX_SEMAPHORE_SUSP, TX_SUCCESS, TX_WAIT_ERROR,
)
from . import kernel as _kernel_module
from .kernel import kernel
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .memory import c_string
from . import trace as _trace

TX_SEMAPHORE_ID = 0x53454D41  # "SEMA", tx_semaphore.h
_ULONG_MASK = 0xFFFFFFFF


@control_block
class TX_SEMAPHORE:
    """Semaphore control block; C field names where C code reads them."""

    def __init__(self) -> None:
        self.tx_semaphore_id = 0
        self.tx_semaphore_name: str = ""
        self.tx_semaphore_count = 0
        self.tx_semaphore_put_notify: Callable[["TX_SEMAPHORE"], None] | None = None
        # The suspension list, head first; the kernel appends and removes waiters.
        self.suspension_list: list = []

    @property
    def name(self) -> str:
        return self.tx_semaphore_name

    @property
    def tx_semaphore_suspension_list(self):
        """Head of the suspension list (the C field is a pointer to the first waiter)."""
        return self.suspension_list[0] if self.suspension_list else None

    @property
    def tx_semaphore_suspended_count(self) -> int:
        return len(self.suspension_list)

    def __repr__(self) -> str:
        return f"<TX_SEMAPHORE {self.tx_semaphore_name!r} count={self.tx_semaphore_count}>"


_perf_declare(TX_SEMAPHORE, "semaphore")  # its counters read 0 until bumped


def _valid(semaphore: object) -> bool:
    return semaphore is not None and semaphore.tx_semaphore_id == TX_SEMAPHORE_ID



def prioritize_list(waiters: list) -> None:
    """Move the single most urgent waiter to the head (the first one found on ties);
    the others keep their FIFO order, as ``_tx_*_prioritize`` does."""
    if len(waiters) < 2:
        return
    best = 0
    for index in range(1, len(waiters)):
        if waiters[index].tx_thread_priority < waiters[best].tx_thread_priority:
            best = index
    if best:
        waiters.insert(0, waiters.pop(best))


# --------------------------------------------------------------------------- create
def _tx_semaphore_create(semaphore: TX_SEMAPHORE, name: str | bytes, initial_count: int) -> int:
    """``tx_semaphore_create``: a counting semaphore holding ``initial_count`` instances.

    Statuses: TX_SUCCESS, TX_SEMAPHORE_ERROR (None or already created), TX_CALLER_ERROR
    (from an ISR or a timer callback).
    """
    k = kernel()
    memset_control_block(semaphore)
    semaphore.tx_semaphore_name = c_string(name)
    semaphore.tx_semaphore_count = initial_count & _ULONG_MASK
    semaphore.tx_semaphore_put_notify = None
    semaphore.suspension_list = []
    _perf_reset(semaphore, "semaphore")
    semaphore.tx_semaphore_id = TX_SEMAPHORE_ID
    k.register("semaphore", semaphore)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_SEMAPHORE, semaphore, semaphore.name, initial_count, 0)
        tb.insert(_trace.TX_TRACE_SEMAPHORE_CREATE, semaphore, initial_count, tb.stack_marker(), 0,
                  _trace.TX_TRACE_SEMAPHORE_EVENTS)
    return TX_SUCCESS


def _txe_semaphore_create(semaphore: TX_SEMAPHORE, name: str | bytes, initial_count: int) -> int:
    k = kernel()
    if semaphore is None:
        return TX_SEMAPHORE_ERROR
    if semaphore in k.created.get("semaphore", []):
        return TX_SEMAPHORE_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_semaphore_create(semaphore, name, initial_count)


tx_semaphore_create = c_service(
    "UINT tx_semaphore_create(TX_SEMAPHORE *semaphore_ptr, CHAR *name_ptr, ULONG initial_count)",
    service(_txe_semaphore_create, _tx_semaphore_create))


# --------------------------------------------------------------------------- delete
def _tx_semaphore_delete(semaphore: TX_SEMAPHORE) -> int:
    """``tx_semaphore_delete``: delete the semaphore; every waiter resumes with TX_DELETED
    (all are readied first, then the most urgent runs).

    Statuses: TX_SUCCESS, TX_SEMAPHORE_ERROR, TX_CALLER_ERROR (from init, an ISR or a
    timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_DELETE, semaphore, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_SEMAPHORE_EVENTS)
        tb.unregister(semaphore)
    k = kernel()
    semaphore.tx_semaphore_id = 0
    k.unregister("semaphore", semaphore)
    k.wake_all(semaphore.suspension_list, TX_DELETED)
    return TX_SUCCESS


def _txe_semaphore_delete(semaphore: TX_SEMAPHORE) -> int:
    k = kernel()
    if not _valid(semaphore):
        return TX_SEMAPHORE_ERROR
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_semaphore_delete(semaphore)


tx_semaphore_delete = c_service(
    "UINT tx_semaphore_delete(TX_SEMAPHORE *semaphore_ptr)",
    service(_txe_semaphore_delete, _tx_semaphore_delete))


# ------------------------------------------------------------------------------ get
def _tx_semaphore_get(semaphore: TX_SEMAPHORE, wait_option: int) -> int:
    """``tx_semaphore_get``: take one instance, waiting (FIFO) up to ``wait_option`` ticks.

    Statuses: TX_SUCCESS, TX_NO_INSTANCE (none available and no wait, or the wait timed
    out, or preemption is disabled), TX_DELETED, TX_WAIT_ABORTED, TX_SEMAPHORE_ERROR,
    TX_WAIT_ERROR (a wait from init, an ISR or a timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_GET, semaphore, wait_option, semaphore.tx_semaphore_count,
                  tb.stack_marker(), _trace.TX_TRACE_SEMAPHORE_EVENTS)
    k = _kernel_module._current or kernel()  # the running kernel without a call
    semaphore.tx_semaphore_performance_get_count += 1
    k.tx_performance["semaphore.get"] += 1
    if semaphore.tx_semaphore_count:
        semaphore.tx_semaphore_count -= 1
        return TX_SUCCESS
    if wait_option == TX_NO_WAIT:
        return TX_NO_INSTANCE
    if k.preempt_disable:
        return TX_NO_INSTANCE
    if not k.in_thread:
        # Only reachable with error checking off; C would suspend a non-thread.
        return TX_WAIT_ERROR
    semaphore.tx_semaphore_performance_suspension_count += 1
    k.tx_performance["semaphore.suspension"] += 1
    return k.suspend_current(TX_SEMAPHORE_SUSP, wait_option, semaphore.suspension_list,
                             TX_NO_INSTANCE, semaphore)


def _txe_semaphore_get(semaphore: TX_SEMAPHORE, wait_option: int) -> int:
    if semaphore is None or semaphore.tx_semaphore_id != TX_SEMAPHORE_ID:  # _valid, inline
        return TX_SEMAPHORE_ERROR
    if wait_option != TX_NO_WAIT:
        k = _kernel_module._current or kernel()
        current = k.current_ptr
        # Not from init or an ISR (system_state), nor a timer callback (Kernel.in_timer).
        if k.system_state != 0 or (current is k.timer_thread and current is not None):
            return TX_WAIT_ERROR
    return _tx_semaphore_get(semaphore, wait_option)


tx_semaphore_get = c_service(
    "UINT tx_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option)",
    service(_txe_semaphore_get, _tx_semaphore_get))


# ------------------------------------------------------------------------------ put
def _give(semaphore: TX_SEMAPHORE) -> None:
    """Hand an instance to the head waiter, or add it to the count; then notify."""
    k = _kernel_module._current or kernel()  # the running kernel without a call
    semaphore.tx_semaphore_performance_put_count += 1
    k.tx_performance["semaphore.put"] += 1
    notify = semaphore.tx_semaphore_put_notify
    waiters = semaphore.suspension_list
    if waiters:
        k.wake(waiters.pop(0), TX_SUCCESS)
    else:
        semaphore.tx_semaphore_count = (semaphore.tx_semaphore_count + 1) & _ULONG_MASK
    # As in C the callback read before the wake-up runs after it (possibly after a
    # preemption by the woken thread).
    if notify is not None:
        notify(semaphore)


def _tx_semaphore_put(semaphore: TX_SEMAPHORE) -> int:
    """``tx_semaphore_put``: give one instance to the first waiter or add it to the count;
    the put-notify callback, if any, runs afterwards. Legal from any context.

    Statuses: TX_SUCCESS, TX_SEMAPHORE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_PUT, semaphore, semaphore.tx_semaphore_count,
                  len(semaphore.suspension_list), tb.stack_marker(), _trace.TX_TRACE_SEMAPHORE_EVENTS)
    _give(semaphore)
    return TX_SUCCESS


def _txe_semaphore_put(semaphore: TX_SEMAPHORE) -> int:
    if semaphore is None or semaphore.tx_semaphore_id != TX_SEMAPHORE_ID:  # _valid, inline
        return TX_SEMAPHORE_ERROR
    return _tx_semaphore_put(semaphore)


tx_semaphore_put = c_service(
    "UINT tx_semaphore_put(TX_SEMAPHORE *semaphore_ptr)",
    service(_txe_semaphore_put, _tx_semaphore_put))


def _tx_semaphore_ceiling_put(semaphore: TX_SEMAPHORE, ceiling: int) -> int:
    """``tx_semaphore_ceiling_put``: like put, but refuse to raise the count to more than
    ``ceiling`` (a waiter is always served).

    Statuses: TX_SUCCESS, TX_CEILING_EXCEEDED (count already >= ceiling),
    TX_INVALID_CEILING (ceiling 0), TX_SEMAPHORE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_CEILING_PUT, semaphore, semaphore.tx_semaphore_count,
                  len(semaphore.suspension_list), ceiling, _trace.TX_TRACE_SEMAPHORE_EVENTS)
    if not semaphore.suspension_list and semaphore.tx_semaphore_count >= ceiling:
        _perf(semaphore, "semaphore", "put")   # counted before the ceiling check, as in C
        return TX_CEILING_EXCEEDED
    _give(semaphore)
    return TX_SUCCESS


def _txe_semaphore_ceiling_put(semaphore: TX_SEMAPHORE, ceiling: int) -> int:
    if not _valid(semaphore):
        return TX_SEMAPHORE_ERROR
    if ceiling == 0:
        return TX_INVALID_CEILING
    return _tx_semaphore_ceiling_put(semaphore, ceiling)


tx_semaphore_ceiling_put = c_service(
    "UINT tx_semaphore_ceiling_put(TX_SEMAPHORE *semaphore_ptr, ULONG ceiling)",
    service(_txe_semaphore_ceiling_put, _tx_semaphore_ceiling_put))


# ----------------------------------------------------------------------- prioritize
def _tx_semaphore_prioritize(semaphore: TX_SEMAPHORE) -> int:
    """``tx_semaphore_prioritize``: move the most urgent waiter to the head of the
    suspension list; the others keep their FIFO order.

    Statuses: TX_SUCCESS, TX_SEMAPHORE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_PRIORITIZE, semaphore, len(semaphore.suspension_list),
                  tb.stack_marker(), 0, _trace.TX_TRACE_SEMAPHORE_EVENTS)
    prioritize_list(semaphore.suspension_list)
    return TX_SUCCESS


def _txe_semaphore_prioritize(semaphore: TX_SEMAPHORE) -> int:
    if not _valid(semaphore):
        return TX_SEMAPHORE_ERROR
    return _tx_semaphore_prioritize(semaphore)


tx_semaphore_prioritize = c_service(
    "UINT tx_semaphore_prioritize(TX_SEMAPHORE *semaphore_ptr)",
    service(_txe_semaphore_prioritize, _tx_semaphore_prioritize))


# ------------------------------------------------------------------------- info_get
def _tx_semaphore_info_get(semaphore: TX_SEMAPHORE) -> tuple:
    """``tx_semaphore_info_get``: returns (status, name, current_value, first_suspended,
    suspended_count, next_semaphore).

    Statuses: TX_SUCCESS, TX_SEMAPHORE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_INFO_GET, semaphore, 0, 0, 0, _trace.TX_TRACE_SEMAPHORE_EVENTS)
    k = kernel()
    return (TX_SUCCESS, semaphore.tx_semaphore_name, semaphore.tx_semaphore_count,
            semaphore.tx_semaphore_suspension_list, semaphore.tx_semaphore_suspended_count,
            k.next_created("semaphore", semaphore))


def _txe_semaphore_info_get(semaphore: TX_SEMAPHORE) -> tuple:
    if not _valid(semaphore):
        return (TX_SEMAPHORE_ERROR,) + (None,) * 5
    return _tx_semaphore_info_get(semaphore)


tx_semaphore_info_get = c_service(
    "UINT tx_semaphore_info_get(TX_SEMAPHORE *semaphore_ptr)",
    service(_txe_semaphore_info_get, _tx_semaphore_info_get))


# ----------------------------------------------------------------------- put_notify
def _tx_semaphore_put_notify(semaphore: TX_SEMAPHORE,
                             semaphore_put_notify: Callable[[TX_SEMAPHORE], None] | None) -> int:
    """``tx_semaphore_put_notify``: call ``semaphore_put_notify(semaphore)`` after every
    successful put or ceiling put (None removes it).

    Statuses: TX_SUCCESS, TX_SEMAPHORE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_SEMAPHORE_PUT_NOTIFY, semaphore, 0, 0, 0, _trace.TX_TRACE_SEMAPHORE_EVENTS)
    semaphore.tx_semaphore_put_notify = semaphore_put_notify
    return TX_SUCCESS


def _txe_semaphore_put_notify(semaphore: TX_SEMAPHORE,
                              semaphore_put_notify: Callable[[TX_SEMAPHORE], None] | None) -> int:
    if not _valid(semaphore):
        return TX_SEMAPHORE_ERROR
    return _tx_semaphore_put_notify(semaphore, semaphore_put_notify)


tx_semaphore_put_notify = c_service(
    "UINT tx_semaphore_put_notify(TX_SEMAPHORE *semaphore_ptr, VOID (*semaphore_put_notify)(TX_SEMAPHORE *notify_semaphore_ptr))",
    service(_txe_semaphore_put_notify, _tx_semaphore_put_notify))


__all__ = [
    "TX_SEMAPHORE", "tx_semaphore_create", "tx_semaphore_delete", "tx_semaphore_get",
    "tx_semaphore_put", "tx_semaphore_ceiling_put", "tx_semaphore_prioritize",
    "tx_semaphore_info_get", "tx_semaphore_put_notify",
]
