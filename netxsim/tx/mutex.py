"""Mutexes: ``TX_MUTEX`` and the ``tx_mutex_*`` services (ThreadX
``common/src/tx_mutex_*.c``, checks in ``txe_mutex_*.c``).

Theory of operation
-------------------
A mutex has an owner and an ownership count. The owner may get it again (the count
grows, it never blocks) and must put it as many times; on the final put the mutex
is handed straight to a waiter (count 1), or becomes free. Each thread keeps the
mutexes it owns in ``thread.owned_mutexes`` (acquisition order), which is what
``release_all_owned`` walks when a thread completes or is terminated.

With ``TX_INHERIT``, a waiter more urgent than the owner raises the owner to its
priority, and the mutex remembers the most urgent priority that waited on it
(``tx_mutex_highest_priority_waiting``). On the final put the owner drops back to
the most urgent of its user priority and that remembered priority of every other
inheriting mutex it still owns, and the most urgent waiter (not the FIFO head)
gets the mutex.

ThreadX does not touch the owner's priority when a waiter times out, is aborted or
is terminated (``_tx_mutex_cleanup`` only unlinks it): the owner keeps the raised
priority until it puts the mutex, and the remembered priority stays stale. That is
the default here too. Setting ``RECOMPUTE_INHERITANCE_ON_WAIT_END = True`` applies
the fix: the remembered priority is recomputed from the remaining waiters and the
owner drops back at once.
"""
from __future__ import annotations

from functools import partial

from netxsim.tx.memory import c_string
from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_CALLER_ERROR, TX_DELETED, TX_INHERIT, TX_INHERIT_ERROR, TX_INITIALIZE_IN_PROGRESS,
    TX_MAX_PRIORITIES, TX_MUTEX_ERROR, TX_MUTEX_SUSP, TX_NO_INHERIT, TX_NO_WAIT, TX_NOT_AVAILABLE,
    TX_NOT_OWNED, TX_READY, TX_SUCCESS, TX_WAIT_ERROR,
)
from . import kernel as _kernel_module
from .kernel import Kernel, kernel
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .semaphore import prioritize_list
from . import trace as _trace

TX_MUTEX_ID = 0x4D555445  # "MUTE", tx_mutex.h

# Fix option (off = ThreadX behaviour): recompute priority inheritance when a waiter
# leaves by timeout, wait abort or termination instead of at the owner's next put.
RECOMPUTE_INHERITANCE_ON_WAIT_END = False


@control_block
class TX_MUTEX:
    """Mutex control block; C field names where C code reads them."""

    def __init__(self) -> None:
        self.tx_mutex_id = 0
        self.tx_mutex_name: str = ""
        self.tx_mutex_ownership_count = 0
        self.tx_mutex_owner = None
        self.tx_mutex_inherit = TX_NO_INHERIT
        self.tx_mutex_original_priority = 0
        self.tx_mutex_highest_priority_waiting = TX_MAX_PRIORITIES
        # The suspension list, head first; the kernel appends and removes waiters.
        self.suspension_list: list = []

    @property
    def name(self) -> str:
        return self.tx_mutex_name

    @property
    def tx_mutex_suspension_list(self):
        """Head of the suspension list (the C field is a pointer to the first waiter)."""
        return self.suspension_list[0] if self.suspension_list else None

    @property
    def tx_mutex_suspended_count(self) -> int:
        return len(self.suspension_list)

    def __repr__(self) -> str:
        owner = getattr(self.tx_mutex_owner, "tx_thread_name", None)
        count = self.tx_mutex_ownership_count
        return f"<TX_MUTEX {self.tx_mutex_name!r} owner={owner!r} count={count}>"


_perf_declare(TX_MUTEX, "mutex")  # its counters read 0 until bumped


def _valid(mutex: object) -> bool:
    return mutex is not None and mutex.tx_mutex_id == TX_MUTEX_ID


def _priority_change(k: Kernel, thread, new_priority: int) -> None:
    """``_tx_mutex_priority_change``: new effective priority; the threshold follows it
    unless the user threshold is more restrictive. Called with preemption disabled;
    the caller checks for preemption."""
    original = thread.tx_thread_priority
    threshold = min(thread.tx_thread_user_preempt_threshold, new_priority)
    k.change_priority(thread, new_priority, threshold)
    # Unlike _tx_thread_priority_change (Kernel.change_priority), the mutex variant
    # honours the preemption threshold of a thread dropping out of inheritance: it
    # keeps the CPU if its threshold still holds off the new candidate, or is marked
    # preempted so that it resumes before that candidate's peers.
    candidate = k.execute_ptr
    if thread.tx_thread_state != TX_READY or candidate is None or candidate is thread \
            or thread.tx_thread_priority <= candidate.tx_thread_priority \
            or thread.tx_thread_preempt_threshold >= thread.tx_thread_priority:
        return
    if thread.tx_thread_preempt_threshold <= candidate.tx_thread_priority:
        k.execute_ptr = thread
        if original < new_priority:
            ready = k.ready[new_priority]
            ready.remove(thread)
            ready.insert(0, thread)
    else:
        k.preempted_map |= 1 << thread.tx_thread_priority


def _inherited_priority(thread) -> int:
    """Most urgent priority remembered by the inheriting mutexes ``thread`` owns."""
    priority = kernel().max_priorities
    for mutex in thread.owned_mutexes:
        if mutex.tx_mutex_inherit == TX_INHERIT:
            priority = min(priority, mutex.tx_mutex_highest_priority_waiting)
    return priority


# --------------------------------------------------------------------------- create
def _tx_mutex_create(mutex: TX_MUTEX, name: str | bytes, inherit: int) -> int:
    """``tx_mutex_create``: a free mutex, with priority inheritance if ``inherit`` is
    TX_INHERIT.

    Statuses: TX_SUCCESS, TX_MUTEX_ERROR (None or already created), TX_INHERIT_ERROR
    (neither TX_INHERIT nor TX_NO_INHERIT), TX_CALLER_ERROR (from an ISR or a timer
    callback).
    """
    k = kernel()
    memset_control_block(mutex)
    mutex.tx_mutex_name = c_string(name)
    mutex.tx_mutex_inherit = inherit
    mutex.tx_mutex_ownership_count = 0
    mutex.tx_mutex_owner = None
    mutex.tx_mutex_original_priority = 0
    mutex.tx_mutex_highest_priority_waiting = kernel().max_priorities
    mutex.suspension_list = []
    _perf_reset(mutex, "mutex")
    mutex.tx_mutex_id = TX_MUTEX_ID
    k.register("mutex", mutex)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_MUTEX, mutex, mutex.name, inherit, 0)
        tb.insert(_trace.TX_TRACE_MUTEX_CREATE, mutex, inherit, tb.stack_marker(), 0,
                  _trace.TX_TRACE_MUTEX_EVENTS)
    return TX_SUCCESS


def _txe_mutex_create(mutex: TX_MUTEX, name: str | bytes, inherit: int) -> int:
    k = kernel()
    if mutex is None or mutex in k.created.get("mutex", []):
        return TX_MUTEX_ERROR
    if inherit not in (TX_INHERIT, TX_NO_INHERIT):
        return TX_INHERIT_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_mutex_create(mutex, name, inherit)


tx_mutex_create = c_service(
    "UINT tx_mutex_create(TX_MUTEX *mutex_ptr, CHAR *name_ptr, UINT inherit)",
    service(_txe_mutex_create, _tx_mutex_create))


# --------------------------------------------------------------------------- delete
def _tx_mutex_delete(mutex: TX_MUTEX) -> int:
    """``tx_mutex_delete``: delete the mutex; an owner is released from it (dropping any
    priority it inherited through it) and every waiter resumes with TX_DELETED.

    Statuses: TX_SUCCESS, TX_MUTEX_ERROR, TX_CALLER_ERROR (from init, an ISR or a timer
    callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_MUTEX_DELETE, mutex, tb.stack_marker(), 0, 0, _trace.TX_TRACE_MUTEX_EVENTS)
        tb.unregister(mutex)
    k = kernel()
    mutex.tx_mutex_id = 0
    k.unregister("mutex", mutex)
    k.preempt_disable += 1
    waiters = list(mutex.suspension_list)
    mutex.suspension_list.clear()
    if mutex.tx_mutex_owner is not None:
        # Waiters are off the list already, so this put only frees the mutex.
        mutex.tx_mutex_ownership_count = 1
        _tx_mutex_put(mutex)
    for thread in waiters:
        k.wake(thread, TX_DELETED)
    k.preempt_disable -= 1
    k.preempt_check()
    return TX_SUCCESS


def _txe_mutex_delete(mutex: TX_MUTEX) -> int:
    k = kernel()
    if not _valid(mutex):
        return TX_MUTEX_ERROR
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_mutex_delete(mutex)


tx_mutex_delete = c_service(
    "UINT tx_mutex_delete(TX_MUTEX *mutex_ptr)",
    service(_txe_mutex_delete, _tx_mutex_delete))


# ------------------------------------------------------------------------------ get
def _cleanup(mutex: TX_MUTEX, thread) -> None:
    """Suspend-cleanup hook: a waiter left by timeout, abort or termination."""
    if not RECOMPUTE_INHERITANCE_ON_WAIT_END:
        return  # ThreadX: the owner keeps what it inherited until its next put
    owner = mutex.tx_mutex_owner
    if mutex.tx_mutex_inherit != TX_INHERIT or owner is None or not _valid(mutex):
        return
    waiting = [t.tx_thread_priority for t in mutex.suspension_list]
    mutex.tx_mutex_highest_priority_waiting = min(waiting, default=kernel().max_priorities)
    inherited = _inherited_priority(owner)
    owner.tx_thread_inherit_priority = inherited
    priority = min(owner.tx_thread_user_priority, inherited)
    if owner.tx_thread_priority != priority:
        k = kernel()
        # Whoever ended the wait checks for preemption when it resumes the waiter.
        k.preempt_disable += 1
        _priority_change(k, owner, priority)
        k.preempt_disable -= 1


def _tx_mutex_get(mutex: TX_MUTEX, wait_option: int) -> int:
    """``tx_mutex_get``: take the mutex, again if the caller owns it (count + 1), or wait
    (FIFO) up to ``wait_option`` ticks; with TX_INHERIT a more urgent waiter raises the
    owner to its priority. During init the owner is "no thread".

    Statuses: TX_SUCCESS, TX_NOT_AVAILABLE (owned by another thread and no wait, the
    wait timed out, or preemption is disabled), TX_DELETED, TX_WAIT_ABORTED,
    TX_MUTEX_ERROR, TX_WAIT_ERROR (a wait from init, an ISR or a timer callback),
    TX_CALLER_ERROR (from an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_MUTEX_GET, mutex, wait_option, mutex.tx_mutex_owner,
                  mutex.tx_mutex_ownership_count, _trace.TX_TRACE_MUTEX_EVENTS)
    k = _kernel_module._current or kernel()  # the running kernel without a call
    thread = k.current_ptr
    mutex.tx_mutex_performance_get_count += 1
    k.tx_performance["mutex.get"] += 1
    if mutex.tx_mutex_ownership_count == 0:
        mutex.tx_mutex_ownership_count = 1
        mutex.tx_mutex_owner = thread
        if thread is not None:
            if mutex.tx_mutex_inherit == TX_INHERIT:
                mutex.tx_mutex_original_priority = thread.tx_thread_priority
                mutex.tx_mutex_highest_priority_waiting = k.max_priorities
            thread.owned_mutexes.append(mutex)
        return TX_SUCCESS
    if mutex.tx_mutex_owner is thread:
        mutex.tx_mutex_ownership_count += 1
        return TX_SUCCESS
    if wait_option == TX_NO_WAIT or k.preempt_disable:
        return TX_NOT_AVAILABLE
    if not k.in_thread:
        # Only reachable with error checking off; C would suspend a non-thread.
        return TX_WAIT_ERROR
    owner = mutex.tx_mutex_owner
    performance = k.tx_performance
    mutex.tx_mutex_performance_suspension_count += 1
    performance["mutex.suspension"] += 1
    if owner is not None and thread.tx_thread_priority < owner.tx_thread_priority:
        mutex.tx_mutex_performance_priority_inversion_count += 1
        performance["mutex.priority_inversion"] += 1
        thread.tx_thread_performance_priority_inversion_count += 1
        performance["thread.priority_inversion"] += 1
    # An owner of None (taken during init) has nobody to raise; C would dereference NULL.
    if mutex.tx_mutex_inherit == TX_INHERIT and owner is not None:
        priority = thread.tx_thread_priority
        if mutex.tx_mutex_highest_priority_waiting > priority:
            mutex.tx_mutex_highest_priority_waiting = priority
        if priority < owner.tx_thread_inherit_priority:
            owner.tx_thread_inherit_priority = priority
        if owner.tx_thread_priority > priority:
            _perf(mutex, "mutex", "priority_inheritance", k)
            k.preempt_disable += 1
            _priority_change(k, owner, priority)
            k.preempt_disable -= 1
    return k.suspend_current(TX_MUTEX_SUSP, wait_option, mutex.suspension_list, TX_NOT_AVAILABLE,
                             mutex, cleanup=partial(_cleanup, mutex))


def _txe_mutex_get(mutex: TX_MUTEX, wait_option: int) -> int:
    if mutex is None or mutex.tx_mutex_id != TX_MUTEX_ID:  # _valid, inline
        return TX_MUTEX_ERROR
    k = _kernel_module._current or kernel()
    state = k.system_state
    if wait_option != TX_NO_WAIT:
        current = k.current_ptr
        # Not from init or an ISR (system_state), nor a timer callback (Kernel.in_timer).
        if state != 0 or (current is k.timer_thread and current is not None):
            return TX_WAIT_ERROR
    if 0 < state < TX_INITIALIZE_IN_PROGRESS:  # Kernel.in_isr
        return TX_CALLER_ERROR
    return _tx_mutex_get(mutex, wait_option)


tx_mutex_get = c_service(
    "UINT tx_mutex_get(TX_MUTEX *mutex_ptr, ULONG wait_option)",
    service(_txe_mutex_get, _tx_mutex_get))


# ------------------------------------------------------------------------------ put
def _tx_mutex_put(mutex: TX_MUTEX) -> int:
    """``tx_mutex_put``: undo one get; the final put restores the owner's priority (with
    TX_INHERIT) and transfers the mutex to the FIFO head waiter, or to the most urgent
    waiter with TX_INHERIT, which may preempt the caller.

    Statuses: TX_SUCCESS, TX_NOT_OWNED (the mutex is free or owned by another thread),
    TX_MUTEX_ERROR, TX_CALLER_ERROR (from an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_MUTEX_PUT, mutex, mutex.tx_mutex_owner, mutex.tx_mutex_ownership_count,
                  tb.stack_marker(), _trace.TX_TRACE_MUTEX_EVENTS)
    k = _kernel_module._current or kernel()  # the running kernel without a call
    mutex.tx_mutex_performance_put_count += 1
    k.tx_performance["mutex.put"] += 1
    count = mutex.tx_mutex_ownership_count
    if count == 0:
        return TX_NOT_OWNED
    owner = mutex.tx_mutex_owner
    # Kernel-internal releases (thread completion/termination, delete) run with
    # preemption disabled and may release another thread's mutex.
    if owner is not k.current_ptr and k.preempt_disable == 0:
        return TX_NOT_OWNED
    count -= 1
    mutex.tx_mutex_ownership_count = count
    if count or owner is None:
        return TX_SUCCESS
    owner.owned_mutexes.remove(mutex)
    inherit = mutex.tx_mutex_inherit == TX_INHERIT
    waiters = mutex.suspension_list
    if not waiters and not inherit:
        mutex.tx_mutex_owner = None  # the uncontended release: nobody to hand it to
        return TX_SUCCESS
    old_priority = owner.tx_thread_user_priority
    if inherit:
        inherited = _inherited_priority(owner)
        owner.tx_thread_inherit_priority = inherited
        old_priority = min(old_priority, inherited)
        prioritize_list(waiters)
    if not waiters:
        mutex.tx_mutex_highest_priority_waiting = k.max_priorities
        if owner.tx_thread_priority != old_priority:
            k.preempt_disable += 1
            _priority_change(k, owner, old_priority)
            k.preempt_disable -= 1
        mutex.tx_mutex_owner = None
        k.preempt_check()
        return TX_SUCCESS
    new_owner = waiters.pop(0)
    if inherit:
        mutex.tx_mutex_original_priority = new_owner.tx_thread_priority
        mutex.tx_mutex_highest_priority_waiting = k.max_priorities
    new_owner.owned_mutexes.append(mutex)
    mutex.tx_mutex_ownership_count = 1
    mutex.tx_mutex_owner = new_owner
    k.preempt_disable += 1
    if inherit:
        if waiters:
            prioritize_list(waiters)
            mutex.tx_mutex_highest_priority_waiting = waiters[0].tx_thread_priority
        if owner.tx_thread_priority != old_priority:
            _priority_change(k, owner, old_priority)
    k.preempt_disable -= 1
    k.wake(new_owner, TX_SUCCESS)
    # wake() does not check preemption when the new owner had a delayed suspension.
    k.preempt_check()
    return TX_SUCCESS


def _txe_mutex_put(mutex: TX_MUTEX) -> int:
    if mutex is None or mutex.tx_mutex_id != TX_MUTEX_ID:  # _valid, inline
        return TX_MUTEX_ERROR
    state = (_kernel_module._current or kernel()).system_state
    if 0 < state < TX_INITIALIZE_IN_PROGRESS:  # Kernel.in_isr
        return TX_CALLER_ERROR
    return _tx_mutex_put(mutex)


tx_mutex_put = c_service(
    "UINT tx_mutex_put(TX_MUTEX *mutex_ptr)",
    service(_txe_mutex_put, _tx_mutex_put))


def release_all_owned(thread) -> None:
    """``_tx_mutex_thread_release``: release every mutex ``thread`` owns, whatever its
    ownership count (thread completion and termination). Preemption is held off
    meanwhile; the caller checks for it afterwards."""
    k = kernel()
    k.preempt_disable += 1
    try:
        while thread.owned_mutexes:
            mutex = thread.owned_mutexes[0]
            mutex.tx_mutex_ownership_count = 1
            _tx_mutex_put(mutex)
    finally:
        k.preempt_disable -= 1


# ----------------------------------------------------------------------- prioritize
def _tx_mutex_prioritize(mutex: TX_MUTEX) -> int:
    """``tx_mutex_prioritize``: move the most urgent waiter to the head of the suspension
    list; the others keep their FIFO order.

    Statuses: TX_SUCCESS, TX_MUTEX_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_MUTEX_PRIORITIZE, mutex, len(mutex.suspension_list), tb.stack_marker(), 0,
                  _trace.TX_TRACE_MUTEX_EVENTS)
    prioritize_list(mutex.suspension_list)
    return TX_SUCCESS


def _txe_mutex_prioritize(mutex: TX_MUTEX) -> int:
    if not _valid(mutex):
        return TX_MUTEX_ERROR
    return _tx_mutex_prioritize(mutex)


tx_mutex_prioritize = c_service(
    "UINT tx_mutex_prioritize(TX_MUTEX *mutex_ptr)",
    service(_txe_mutex_prioritize, _tx_mutex_prioritize))


# ------------------------------------------------------------------------- info_get
def _tx_mutex_info_get(mutex: TX_MUTEX) -> tuple:
    """``tx_mutex_info_get``: returns (status, name, count, owner, first_suspended,
    suspended_count, next_mutex).

    Statuses: TX_SUCCESS, TX_MUTEX_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_MUTEX_INFO_GET, mutex, 0, 0, 0, _trace.TX_TRACE_MUTEX_EVENTS)
    return (TX_SUCCESS, mutex.tx_mutex_name, mutex.tx_mutex_ownership_count, mutex.tx_mutex_owner,
            mutex.tx_mutex_suspension_list, mutex.tx_mutex_suspended_count,
            kernel().next_created("mutex", mutex))


def _txe_mutex_info_get(mutex: TX_MUTEX) -> tuple:
    if not _valid(mutex):
        return (TX_MUTEX_ERROR,) + (None,) * 6
    return _tx_mutex_info_get(mutex)


tx_mutex_info_get = c_service(
    "UINT tx_mutex_info_get(TX_MUTEX *mutex_ptr)",
    service(_txe_mutex_info_get, _tx_mutex_info_get))


__all__ = [
    "TX_MUTEX", "tx_mutex_create", "tx_mutex_delete", "tx_mutex_get", "tx_mutex_put",
    "tx_mutex_prioritize", "tx_mutex_info_get",
]
