"""ThreadX threads: ``TX_THREAD`` and the ``tx_thread_*`` services (``tx_thread_*.c``).

Thread bodies are greenlets. A thread calls services synchronously; a service
that blocks switches to the kernel loop, which later switches back (see
:mod:`netxsim.tx.kernel`).
"""
from __future__ import annotations

from typing import Any, Callable

import greenlet

from netxsim.tx.memory import c_string
from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_AUTO_START, TX_CALLER_ERROR, TX_COMPLETED, TX_DELETE_ERROR, TX_MAX_PRIORITIES,
    TX_NOT_DONE, TX_PRIORITY_ERROR, TX_PTR_ERROR, TX_READY, TX_RESUME_ERROR,
    TX_SIZE_ERROR, TX_SLEEP, TX_START_ERROR, TX_SUCCESS, TX_SUSPEND_ERROR, TX_SUSPEND_LIFTED,
    TX_SUSPENDED, TX_TERMINATED, TX_THREAD_ENTRY, TX_THREAD_ERROR, TX_THREAD_EXIT,
    TX_THRESH_ERROR, TX_WAIT_ABORT_ERROR, TX_WAIT_ABORTED, TX_NO_WAIT,
)
from .kernel import Kernel, kernel
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .memory import Pointer
from .timer import InternalTimer
from . import trace as _trace

TX_THREAD_ID = 0x54485244


@control_block
class TX_THREAD:
    """Thread control block; fields keep ThreadX's names where C code reads them."""

    def __init__(self) -> None:
        self.tx_thread_id = 0
        self.tx_thread_name: str = ""
        self.tx_thread_entry: Callable[[int], None] | None = None
        self.tx_thread_entry_parameter: Any = 0
        self.tx_thread_stack_start: Pointer | None = None
        self.tx_thread_stack_end: Pointer | None = None
        self.tx_thread_stack_size = 0
        self.tx_thread_priority = 0
        self.tx_thread_user_priority = 0
        self.tx_thread_preempt_threshold = 0
        self.tx_thread_user_preempt_threshold = 0
        self.tx_thread_inherit_priority = TX_MAX_PRIORITIES
        self.tx_thread_time_slice = 0
        self.tx_thread_new_time_slice = 0
        self.tx_thread_state = TX_SUSPENDED
        self.tx_thread_run_count = 0
        self.tx_thread_suspend_status = TX_SUCCESS
        self.tx_thread_suspend_control_block: Any = None
        self.tx_thread_entry_exit_notify: Callable | None = None
        self.owned_mutexes: list[Any] = []
        self.delayed_suspend = False
        self.wait_option = TX_NO_WAIT
        self.wait_list: list | None = None
        self.timeout_status = TX_SUCCESS
        self.suspend_info: Any = None
        self.suspend_cleanup: Callable | None = None
        self.slice_remaining = 0
        self.work_remaining = 0
        self.kernel: Kernel | None = None
        self.greenlet: greenlet.greenlet | None = None
        self.timer = InternalTimer(None, None, keeps_alive=True)
        self.region = None

    @property
    def created(self) -> bool:
        return self.tx_thread_id == TX_THREAD_ID

    @property
    def name(self) -> str:
        return self.tx_thread_name

    # ThreadX keeps the remaining slice in the control block while a thread is off the CPU.
    @property
    def tx_thread_time_slice_remaining(self) -> int:
        return self.slice_remaining

    def __repr__(self) -> str:
        return f"<TX_THREAD {self.tx_thread_name!r}>"


_perf_declare(TX_THREAD, "thread")  # its counters read 0 until bumped


def _new_greenlet(k: Kernel, thread: TX_THREAD) -> greenlet.greenlet:
    def shell() -> None:
        notify = thread.tx_thread_entry_exit_notify
        if notify is not None:
            notify(thread, TX_THREAD_ENTRY)
        try:
            thread.tx_thread_entry(thread.tx_thread_entry_parameter)  # type: ignore[misc]
        except Exception as error:
            # Say which simulated thread raised, and when (the traceback alone cannot).
            error.add_note(f"raised in simulated thread {thread.tx_thread_name!r} at tick {k.now}")
            raise
        # ``_tx_thread_shell_entry``: the entry returned, so the thread completes.
        k.preempt_disable += 1
        # Mutexes are released while the thread is still ready: dropping an inherited
        # priority moves it between ready lists. Then the exit notify sees it completed.
        _release_mutexes(thread)
        thread.tx_thread_state = TX_COMPLETED
        notify = thread.tx_thread_entry_exit_notify
        if notify is not None:
            notify(thread, TX_THREAD_EXIT)
        k.system_suspend(thread, switch=False)
        k.preempt_disable -= 1
        # Returning ends the greenlet and hands control back to the kernel loop.
    body = greenlet.greenlet(shell, parent=k.main_greenlet or greenlet.getcurrent())
    k.greenlets.add(body)  # unwound when the run is torn down (Kernel.close)
    return body


def _release_mutexes(thread: TX_THREAD) -> None:
    if thread.owned_mutexes:
        from .mutex import release_all_owned
        release_all_owned(thread)


def _setup(k: Kernel, thread: TX_THREAD, name: str, entry: Callable, entry_input: Any,
           priority: int, threshold: int, time_slice: int) -> None:
    thread.tx_thread_id = TX_THREAD_ID
    thread.kernel = k
    thread.tx_thread_name = c_string(name)
    thread.tx_thread_entry = entry
    thread.tx_thread_entry_parameter = entry_input
    thread.tx_thread_priority = thread.tx_thread_user_priority = priority
    thread.tx_thread_preempt_threshold = thread.tx_thread_user_preempt_threshold = threshold
    thread.tx_thread_inherit_priority = k.max_priorities
    thread.tx_thread_time_slice = thread.tx_thread_new_time_slice = time_slice
    thread.slice_remaining = time_slice
    thread.tx_thread_state = TX_SUSPENDED
    thread.timer = InternalTimer(k.thread_timeout, thread, keeps_alive=True)
    thread.greenlet = None


def create_system_thread(k: Kernel, name: str, entry: Callable[[int], None], priority: int,
                         start: bool = True) -> TX_THREAD:
    """A thread the simulation creates for itself (timer thread, NetX IP helper threads,
    peers): scheduled like any other, but it does not keep a run alive."""
    thread = TX_THREAD()
    _setup(k, thread, name, entry, 0, priority, priority, 0)
    k.register("thread", thread)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_THREAD, thread, thread.tx_thread_name, 0, 0)
        tb.insert(_trace.TX_TRACE_THREAD_CREATE, thread, priority, 0, 0, _trace.TX_TRACE_THREAD_EVENTS)
    thread.greenlet = _new_greenlet(k, thread)
    if start:
        _resume_suspended(k, thread)
    return thread


def _resume_suspended(k: Kernel, thread: TX_THREAD) -> None:
    """Resume a thread in TX_SUSPENDED; during init, as ThreadX does, the current best
    candidate's threshold is lowered to its priority so a more urgent thread wins."""
    saved = None
    if k.in_init and k.execute_ptr is not None:
        saved = (k.execute_ptr, k.execute_ptr.tx_thread_preempt_threshold)
        k.execute_ptr.tx_thread_preempt_threshold = k.execute_ptr.tx_thread_priority
    k.preempt_disable += 1
    if thread.greenlet is None or thread.greenlet.dead:
        thread.greenlet = _new_greenlet(k, thread)
    k.preempt_disable -= 1
    k.system_resume(thread)
    if saved is not None:
        saved[0].tx_thread_preempt_threshold = saved[1]


# --------------------------------------------------------------------------- create
def _tx_thread_create(thread: TX_THREAD, name: str, entry_function: Callable[[int], None],
                      entry_input: Any, stack_start: Pointer, stack_size: int, priority: int,
                      preempt_threshold: int, time_slice: int, auto_start: int) -> int:
    """``tx_thread_create``: create a thread; with TX_AUTO_START it is resumed at once.

    Statuses: TX_SUCCESS, TX_THREAD_ERROR (None or already created), TX_PTR_ERROR (bad
    stack, overlapping another thread's stack, or no entry), TX_SIZE_ERROR (stack below
    TX_MINIMUM_STACK), TX_PRIORITY_ERROR, TX_THRESH_ERROR, TX_START_ERROR, TX_CALLER_ERROR.
    With TX_DISABLE_PREEMPTION_THRESHOLD a threshold other than the priority becomes 0.
    """
    k = kernel()
    if preempt_threshold != priority and k.config.tx.TX_DISABLE_PREEMPTION_THRESHOLD:
        preempt_threshold = 0  # no specific threshold: disable all preemption
    memset_control_block(thread)  # ThreadX zeroes the control block
    _perf_reset(thread, "thread")
    _setup(k, thread, name, entry_function, entry_input, priority, preempt_threshold, time_slice)
    thread.tx_thread_stack_start = stack_start
    thread.tx_thread_stack_size = stack_size
    thread.tx_thread_stack_end = stack_start + (stack_size - 1)
    thread.region = k.memory.claim(stack_start, stack_size, f"stack of thread {thread.tx_thread_name!r}",
                                   "thread stack", thread)
    k.register("thread", thread)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_THREAD, thread, thread.tx_thread_name, stack_start,
                    stack_size)
        tb.insert(_trace.TX_TRACE_THREAD_CREATE, thread, priority, stack_start, stack_size,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k.application_threads.append(thread)
    if auto_start == TX_AUTO_START:
        _resume_suspended(k, thread)
    return TX_SUCCESS


def _txe_thread_create(thread: TX_THREAD, name: str, entry_function: Callable[[int], None],
                       entry_input: Any, stack_start: Pointer, stack_size: int, priority: int,
                       preempt_threshold: int, time_slice: int, auto_start: int) -> int:
    k = kernel()
    if thread is None:
        return TX_THREAD_ERROR
    if thread.created and thread in k.created.get("thread", []):
        return TX_THREAD_ERROR
    if not isinstance(stack_start, Pointer) or not k.memory.contains(stack_start, max(stack_size, 1)):
        return TX_PTR_ERROR
    if k.memory.overlapping(stack_start.address, stack_size, "thread stack") is not None:
        return TX_PTR_ERROR
    if entry_function is None:
        return TX_PTR_ERROR
    if stack_size < k.config.tx.TX_MINIMUM_STACK:
        return TX_SIZE_ERROR
    if not 0 <= priority < k.max_priorities:
        return TX_PRIORITY_ERROR
    if preempt_threshold > priority or preempt_threshold < 0:
        return TX_THRESH_ERROR
    if auto_start not in (0, TX_AUTO_START):
        return TX_START_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_thread_create(thread, name, entry_function, entry_input, stack_start, stack_size,
                             priority, preempt_threshold, time_slice, auto_start)


tx_thread_create = c_service(
    "UINT tx_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG entry_input), ULONG entry_input /* or object */, VOID *stack_start, ULONG stack_size, UINT priority, UINT preempt_threshold, ULONG time_slice, UINT auto_start)",
    service(_txe_thread_create, _tx_thread_create))


def _valid(thread: object) -> bool:
    return thread is not None and thread.created


# --------------------------------------------------------------------------- delete
def _tx_thread_delete(thread: TX_THREAD) -> int:
    """``tx_thread_delete``: delete a completed or terminated thread.

    Statuses: TX_SUCCESS, TX_DELETE_ERROR (thread not completed/terminated),
    TX_THREAD_ERROR, TX_CALLER_ERROR (from init or an ISR).
    """
    if thread.tx_thread_state not in (TX_COMPLETED, TX_TERMINATED):
        return TX_DELETE_ERROR
        tb = _trace.active
        if tb is not None:
            tb.insert(_trace.TX_TRACE_THREAD_DELETE, thread, tb.stack_marker(), 0, 0,
                      _trace.TX_TRACE_THREAD_EVENTS)
            tb.unregister(thread)
    k = thread.kernel
    assert k is not None
    k.unregister("thread", thread)
    k.memory.release(thread.region)
    thread.region = None
    thread.tx_thread_id = 0
    return TX_SUCCESS


def _txe_thread_delete(thread: TX_THREAD) -> int:
    if kernel().system_state != 0:
        return TX_CALLER_ERROR
    if not _valid(thread):
        return TX_THREAD_ERROR
    return _tx_thread_delete(thread)


tx_thread_delete = c_service(
    "UINT tx_thread_delete(TX_THREAD *thread_ptr)",
    service(_txe_thread_delete, _tx_thread_delete))


# ------------------------------------------------------------------ identify / info
def tx_thread_identify() -> TX_THREAD | None:
    """``tx_thread_identify``: the running thread; None during initialisation; in an ISR,
    the interrupted thread (None if the CPU was idle)."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_IDENTIFY, 0, 0, 0, 0, _trace.TX_TRACE_THREAD_EVENTS)
    k = kernel()
    return k.current_ptr


tx_thread_identify = c_service("TX_THREAD *tx_thread_identify(VOID)", tx_thread_identify)


def _tx_thread_info_get(thread: TX_THREAD) -> tuple:
    """``tx_thread_info_get``: returns (status, name, state, run_count, priority,
    preemption_threshold, time_slice, next_thread, next_suspended_thread); priority and
    threshold are the user's (not inherited) values, time_slice the ticks left.

    Statuses: TX_SUCCESS, TX_THREAD_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_INFO_GET, thread, thread.tx_thread_state, 0, 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    suspended_next = None
    wait_list = thread.wait_list
    if wait_list:
        # ThreadX's suspension lists are circular: a lone waiter's next is itself.
        suspended_next = wait_list[(wait_list.index(thread) + 1) % len(wait_list)]
    return (TX_SUCCESS, thread.tx_thread_name, thread.tx_thread_state, thread.tx_thread_run_count,
            thread.tx_thread_user_priority, thread.tx_thread_user_preempt_threshold,
            thread.slice_remaining, k.next_created("thread", thread), suspended_next)


def _txe_thread_info_get(thread: TX_THREAD) -> tuple:
    if not _valid(thread):
        return (TX_THREAD_ERROR,) + (None,) * 8
    return _tx_thread_info_get(thread)


tx_thread_info_get = c_service(
    "UINT tx_thread_info_get(TX_THREAD *thread_ptr)",
    service(_txe_thread_info_get, _tx_thread_info_get))


# ------------------------------------------------------------- priority / threshold
def _tx_thread_priority_change(thread: TX_THREAD, new_priority: int) -> tuple[int, int]:
    """``tx_thread_priority_change``: returns (status, old_priority). The threshold is
    reset to the new priority; an inherited priority more urgent than it is kept.

    Statuses: TX_SUCCESS, TX_THREAD_ERROR, TX_PRIORITY_ERROR, TX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_PRIORITY_CHANGE, thread, new_priority, thread.tx_thread_priority,
                  thread.tx_thread_state, _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    old = thread.tx_thread_user_priority
    thread.tx_thread_user_priority = new_priority
    thread.tx_thread_user_preempt_threshold = new_priority
    effective = min(new_priority, thread.tx_thread_inherit_priority)
    k.change_priority(thread, effective, effective)
    return TX_SUCCESS, old


def _txe_thread_priority_change(thread: TX_THREAD, new_priority: int) -> tuple:
    if not _valid(thread):
        return TX_THREAD_ERROR, None
    if not 0 <= new_priority < kernel().max_priorities:
        return TX_PRIORITY_ERROR, None
    if kernel().system_state != 0:
        return TX_CALLER_ERROR, None
    return _tx_thread_priority_change(thread, new_priority)


tx_thread_priority_change = c_service(
    "UINT tx_thread_priority_change(TX_THREAD *thread_ptr, UINT new_priority)",
    service(_txe_thread_priority_change, _tx_thread_priority_change))


def _tx_thread_preemption_change(thread: TX_THREAD, new_threshold: int) -> tuple[int, int | None]:
    """``tx_thread_preemption_change``: returns (status, old_threshold). Raising the
    threshold numerically lets any ready thread above the new threshold run at once.

    Statuses: TX_SUCCESS, TX_THREAD_ERROR, TX_THRESH_ERROR, TX_CALLER_ERROR. With
    TX_DISABLE_PREEMPTION_THRESHOLD any threshold but the priority becomes 0.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_PREEMPTION_CHANGE, thread, new_threshold,
                  thread.tx_thread_preempt_threshold, thread.tx_thread_state, _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    user_priority = thread.tx_thread_user_priority
    if new_threshold != user_priority and new_threshold and k.preemption_threshold_disabled:
        new_threshold = 0
    if new_threshold > user_priority:
        return TX_THRESH_ERROR, None
    old = thread.tx_thread_user_preempt_threshold
    priority = thread.tx_thread_priority
    if new_threshold == user_priority:
        ready = k.ready[priority]
        if ready and ready[0] is thread:
            k.preempted_map &= ~(1 << priority)
    thread.tx_thread_user_preempt_threshold = new_threshold
    inherited = thread.tx_thread_inherit_priority
    thread.tx_thread_preempt_threshold = new_threshold if new_threshold < inherited else inherited
    highest = k.highest_priority
    if highest < priority and highest < new_threshold and k.execute_ptr is thread:
        if thread.tx_thread_preempt_threshold != thread.tx_thread_priority:
            k.preempted_map |= 1 << priority
        k.execute_ptr = k.ready[k.highest_priority][0]
        if k.system_state == 0 and k.preempt_disable == 0:   # k.preempt_check(), inline
            current = k.current_ptr
            if current is not k.execute_ptr and current is not None:
                k._switch_from(current)
    return TX_SUCCESS, old


def _txe_thread_preemption_change(thread: TX_THREAD, new_threshold: int) -> tuple:
    if not _valid(thread):
        return TX_THREAD_ERROR, None
    if kernel().system_state != 0:
        return TX_CALLER_ERROR, None
    if new_threshold > thread.tx_thread_user_priority or new_threshold < 0:
        return TX_THRESH_ERROR, None
    return _tx_thread_preemption_change(thread, new_threshold)


tx_thread_preemption_change = c_service(
    "UINT tx_thread_preemption_change(TX_THREAD *thread_ptr, UINT new_threshold)",
    service(_txe_thread_preemption_change, _tx_thread_preemption_change))


def _tx_thread_time_slice_change(thread: TX_THREAD, new_time_slice: int) -> tuple[int, int]:
    """``tx_thread_time_slice_change``: returns (status, old_time_slice). A thread with a
    preemption threshold below its priority is not time-sliced (ThreadX disables it).

    Statuses: TX_SUCCESS, TX_THREAD_ERROR, TX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_TIME_SLICE_CHANGE, thread, new_time_slice,
                  thread.tx_thread_new_time_slice, 0, _trace.TX_TRACE_THREAD_EVENTS)
    old = thread.tx_thread_new_time_slice
    thread.tx_thread_new_time_slice = new_time_slice
    thread.tx_thread_time_slice = new_time_slice
    thread.slice_remaining = new_time_slice
    return TX_SUCCESS, old


def _txe_thread_time_slice_change(thread: TX_THREAD, new_time_slice: int) -> tuple:
    if not _valid(thread):
        return TX_THREAD_ERROR, None
    if kernel().system_state != 0:
        return TX_CALLER_ERROR, None
    return _tx_thread_time_slice_change(thread, new_time_slice)


tx_thread_time_slice_change = c_service(
    "UINT tx_thread_time_slice_change(TX_THREAD *thread_ptr, ULONG new_time_slice)",
    service(_txe_thread_time_slice_change, _tx_thread_time_slice_change))


# ------------------------------------------------------------------------ relinquish
def _tx_thread_relinquish() -> None:
    """``tx_thread_relinquish``: give the CPU to the next ready thread of the same priority,
    or to a more urgent thread that the caller's threshold held off. No-op outside a thread."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_RELINQUISH, tb.stack_marker(), tb.kernel.execute_ptr, 0, 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = kernel()
    thread = k.current_ptr
    if thread is None or k.system_state != 0:
        return
    thread.slice_remaining = thread.tx_thread_new_time_slice
    priority = thread.tx_thread_priority
    k.rotate(thread)
    if k.highest_priority < priority:
        k.execute_ptr = k.ready[k.highest_priority][0]
    if k.execute_ptr is not thread:
        thread.tx_thread_performance_relinquish_count += 1
        performance = k.tx_performance
        performance["thread.relinquish"] += 1
        performance["thread.non_idle_return"] += 1
        k._switch_from(thread)


tx_thread_relinquish = c_service(
    "VOID tx_thread_relinquish(VOID)",
    service(_tx_thread_relinquish, _tx_thread_relinquish))


# ------------------------------------------------------------------ resume / suspend
def _tx_thread_resume(thread: TX_THREAD) -> int:
    """``tx_thread_resume``: resume a thread in TX_SUSPENDED (may preempt the caller).

    Statuses: TX_SUCCESS, TX_SUSPEND_LIFTED (a pending delayed suspension of a waiting
    thread was cancelled), TX_RESUME_ERROR (not suspended: a sleeper cannot be woken),
    TX_THREAD_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_RESUME_API, thread, thread.tx_thread_state, tb.stack_marker(), 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    if thread.tx_thread_state == TX_SUSPENDED:
        _resume_suspended(k, thread)
        return TX_SUCCESS
    if thread.delayed_suspend:
        thread.delayed_suspend = False
        return TX_SUSPEND_LIFTED
    return TX_RESUME_ERROR


def _txe_thread_resume(thread: TX_THREAD) -> int:
    if not _valid(thread):
        return TX_THREAD_ERROR
    return _tx_thread_resume(thread)


tx_thread_resume = c_service(
    "UINT tx_thread_resume(TX_THREAD *thread_ptr)",
    service(_txe_thread_resume, _tx_thread_resume))


def _tx_thread_suspend(thread: TX_THREAD) -> int:
    """``tx_thread_suspend``: suspend a ready thread (itself included); a sleeping or
    waiting thread gets a delayed suspension taking effect when its wait ends.

    Statuses: TX_SUCCESS, TX_SUSPEND_ERROR (completed or terminated thread),
    TX_THREAD_ERROR, TX_CALLER_ERROR (self-suspension from init).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_SUSPEND_API, thread, thread.tx_thread_state, tb.stack_marker(), 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    state = thread.tx_thread_state
    if state == TX_READY:
        if k.system_state == 0 and thread is k.current_ptr and k.preempt_disable:
            return TX_SUSPEND_ERROR
        thread.tx_thread_state = TX_SUSPENDED
        thread.wait_option = TX_NO_WAIT
        k.system_suspend(thread)
        return TX_SUCCESS
    if state in (TX_TERMINATED, TX_COMPLETED):
        return TX_SUSPEND_ERROR
    if state != TX_SUSPENDED:
        thread.delayed_suspend = True
    return TX_SUCCESS


def _txe_thread_suspend(thread: TX_THREAD) -> int:
    if not _valid(thread):
        return TX_THREAD_ERROR
    return _tx_thread_suspend(thread)


tx_thread_suspend = c_service(
    "UINT tx_thread_suspend(TX_THREAD *thread_ptr)",
    service(_txe_thread_suspend, _tx_thread_suspend))


# ------------------------------------------------------------------------ terminate
def _tx_thread_terminate(thread: TX_THREAD) -> int:
    """``tx_thread_terminate``: terminate a thread in any state but completed; its wait is
    cleaned up and the mutexes it owns are released.

    Statuses: TX_SUCCESS, TX_THREAD_ERROR, TX_CALLER_ERROR (from init or an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_TERMINATE, thread, thread.tx_thread_state, tb.stack_marker(), 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    k.timer_deactivate(thread.timer)
    state = thread.tx_thread_state
    if state in (TX_TERMINATED, TX_COMPLETED):
        return TX_SUCCESS
    k.preempt_disable += 1
    thread.tx_thread_state = TX_TERMINATED
    notify = thread.tx_thread_entry_exit_notify
    if state == TX_READY:
        if notify is not None:
            notify(thread, TX_THREAD_EXIT)
        k.system_suspend(thread, switch=False)
    else:
        if state > TX_SLEEP or thread.wait_list is not None:
            k.end_wait(thread, thread.tx_thread_suspend_status, resume=False)
        if notify is not None:
            notify(thread, TX_THREAD_EXIT)
    thread.delayed_suspend = False
    _release_mutexes(thread)
    k.preempt_disable -= 1
    if thread is k.current_ptr and k.system_state == 0:
        # Self-termination never returns: the greenlet is dropped.
        k.main_greenlet.switch()  # type: ignore[union-attr]
    k.preempt_check()
    return TX_SUCCESS


def _txe_thread_terminate(thread: TX_THREAD) -> int:
    if not _valid(thread):
        return TX_THREAD_ERROR
    if kernel().system_state != 0:
        return TX_CALLER_ERROR
    return _tx_thread_terminate(thread)


tx_thread_terminate = c_service(
    "UINT tx_thread_terminate(TX_THREAD *thread_ptr)",
    service(_txe_thread_terminate, _tx_thread_terminate))


def _tx_thread_reset(thread: TX_THREAD) -> int:
    """``tx_thread_reset``: make a completed or terminated thread restartable (state
    TX_SUSPENDED, entry function from the top).

    Statuses: TX_SUCCESS, TX_NOT_DONE (thread not completed/terminated), TX_THREAD_ERROR,
    TX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_RESET, thread, thread.tx_thread_state, 0, 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    if thread.tx_thread_state not in (TX_COMPLETED, TX_TERMINATED):
        return TX_NOT_DONE
    thread.tx_thread_state = TX_SUSPENDED
    thread.tx_thread_priority = thread.tx_thread_user_priority
    thread.tx_thread_preempt_threshold = thread.tx_thread_user_preempt_threshold
    thread.tx_thread_inherit_priority = k.max_priorities
    thread.slice_remaining = thread.tx_thread_new_time_slice
    thread.work_remaining = 0
    thread.greenlet = None
    return TX_SUCCESS


def _txe_thread_reset(thread: TX_THREAD) -> int:
    k = kernel()
    if not _valid(thread):
        return TX_THREAD_ERROR
    if k.in_timer or k.system_state != 0:
        return TX_CALLER_ERROR
    return _tx_thread_reset(thread)


tx_thread_reset = c_service(
    "UINT tx_thread_reset(TX_THREAD *thread_ptr)",
    service(_txe_thread_reset, _tx_thread_reset))


# ---------------------------------------------------------------------------- sleep
def _tx_thread_sleep(timer_ticks: int) -> int:
    """``tx_thread_sleep``: sleep ``timer_ticks`` ticks (0 returns at once, no yield).

    Statuses: TX_SUCCESS, TX_WAIT_ABORTED, TX_CALLER_ERROR (from init, an ISR or a timer
    callback).
    """
    k = kernel()
    thread = k.current_ptr
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_SLEEP, timer_ticks,
                  thread.tx_thread_state if thread is not None else 0, tb.stack_marker(), 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    if thread is None or k.system_state != 0 or thread is k.timer_thread:
        return TX_CALLER_ERROR
    if timer_ticks == 0:
        return TX_SUCCESS
    if k.preempt_disable:
        return TX_CALLER_ERROR
    thread.tx_thread_state = TX_SLEEP
    thread.tx_thread_suspend_status = TX_SUCCESS
    thread.wait_option = timer_ticks
    k.system_suspend(thread)
    return thread.tx_thread_suspend_status


tx_thread_sleep = c_service(
    "UINT tx_thread_sleep(ULONG timer_ticks)",
    service(_tx_thread_sleep, _tx_thread_sleep))


# ------------------------------------------------------------------------ wait abort
def _tx_thread_wait_abort(thread: TX_THREAD) -> int:
    """``tx_thread_wait_abort``: end a sleep or object wait; the thread's service returns
    TX_WAIT_ABORTED.

    Statuses: TX_SUCCESS, TX_WAIT_ABORT_ERROR (not sleeping or waiting), TX_THREAD_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_WAIT_ABORT, thread, thread.tx_thread_state, 0, 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    k = thread.kernel
    assert k is not None
    if thread.tx_thread_state < TX_SLEEP:
        return TX_WAIT_ABORT_ERROR
    if thread.tx_thread_state == TX_SLEEP:
        thread.tx_thread_state = TX_SUSPENDED
        thread.tx_thread_suspend_status = TX_WAIT_ABORTED
        _perf(thread, "thread", "wait_abort", k)
        k.system_resume(thread)
        return TX_SUCCESS
    if thread.wait_list is None and thread.suspend_cleanup is None:
        return TX_WAIT_ABORT_ERROR
    thread.tx_thread_state = TX_SUSPENDED
    _perf(thread, "thread", "wait_abort", k)
    k.end_wait(thread, TX_WAIT_ABORTED)
    return TX_SUCCESS


def _txe_thread_wait_abort(thread: TX_THREAD) -> int:
    if not _valid(thread):
        return TX_THREAD_ERROR
    return _tx_thread_wait_abort(thread)


tx_thread_wait_abort = c_service(
    "UINT tx_thread_wait_abort(TX_THREAD *thread_ptr)",
    service(_txe_thread_wait_abort, _tx_thread_wait_abort))


def _tx_thread_entry_exit_notify(thread: TX_THREAD,
                                 notify: Callable[[TX_THREAD, int], None] | None) -> int:
    """``tx_thread_entry_exit_notify``: call ``notify(thread, TX_THREAD_ENTRY/EXIT)`` when
    the thread starts and when it completes or is terminated.

    Statuses: TX_SUCCESS, TX_THREAD_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_THREAD_ENTRY_EXIT_NOTIFY, thread, thread.tx_thread_state, 0, 0,
                  _trace.TX_TRACE_THREAD_EVENTS)
    thread.tx_thread_entry_exit_notify = notify
    return TX_SUCCESS


def _txe_thread_entry_exit_notify(thread: TX_THREAD, notify: Callable | None) -> int:
    if not _valid(thread):
        return TX_THREAD_ERROR
    return _tx_thread_entry_exit_notify(thread, notify)


tx_thread_entry_exit_notify = c_service(
    "UINT tx_thread_entry_exit_notify(TX_THREAD *thread_ptr, VOID (*thread_entry_exit_notify)(TX_THREAD *notify_thread_ptr, UINT type))",
    service(_txe_thread_entry_exit_notify, _tx_thread_entry_exit_notify))


# ------------------------------------------------------------ simulated CPU (extension)
def cpu_work(ticks: int) -> int:
    """Keep the calling thread busy on the simulated CPU for ``ticks`` ticks (extension).

    Unlike a sleep the thread stays ready: interrupts and more urgent threads preempt it
    and equal-priority threads share the CPU by time slicing, so preemption in the middle
    of work, time slicing and priority inversion can be shown. Returns TX_SUCCESS, or
    TX_CALLER_ERROR outside a thread.
    """
    k = kernel()
    thread = k.current_ptr
    if thread is None or k.system_state != 0 or thread is k.timer_thread:
        return TX_CALLER_ERROR
    if ticks <= 0:
        return TX_SUCCESS
    thread.work_remaining = int(ticks)
    k.main_greenlet.switch()  # type: ignore[union-attr]
    return TX_SUCCESS


__all__ = [
    "TX_THREAD", "tx_thread_create", "tx_thread_delete", "tx_thread_identify", "tx_thread_info_get",
    "tx_thread_preemption_change", "tx_thread_priority_change", "tx_thread_relinquish",
    "tx_thread_reset", "tx_thread_resume", "tx_thread_sleep", "tx_thread_suspend",
    "tx_thread_terminate", "tx_thread_time_slice_change", "tx_thread_wait_abort",
    "tx_thread_entry_exit_notify", "cpu_work",
]
