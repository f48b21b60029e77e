"""Event flags groups: ``TX_EVENT_FLAGS_GROUP`` and the ``tx_event_flags_*`` services
(``tx_event_flags_*.c``).

A group holds 32 flags. ``set`` ORs flags in (and wakes satisfied waiters) or ANDs
them (clearing; never wakes anyone); ``get`` waits for any (TX_OR) or all (TX_AND)
of the requested flags and, with the ``_CLEAR`` options, clears every requested
flag when it is satisfied.

Waking on an OR-set follows ``tx_event_flags_set.c``: with a single waiter the
waiter is resumed at once (a more urgent waiter preempts the setter before the
notify callback runs); with several, every waiter is checked in FIFO order against
one snapshot of the flags taken right after the OR, so a clear by an earlier
waiter does not hide bits from a later one, each satisfied waiter receives the
snapshot as its actual flags, and preemption waits until all are ready and the
notify callback has run.

ThreadX's ``delayed_clear``/``reset_search`` bookkeeping exists only for an ISR
that interrupts a set walking the suspension list with interrupts enabled. A
service never yields mid-way in the simulation, so the delayed clear is always
zero and is not modelled.
"""
from __future__ import annotations

from typing import Callable

from netxsim.tx.memory import c_string
from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_AND, TX_CALLER_ERROR, TX_DELETED, TX_EVENT_FLAG, TX_GROUP_ERROR, TX_NO_EVENTS, TX_NO_WAIT,
    TX_OPTION_ERROR, TX_OR, TX_SUCCESS, TX_WAIT_ERROR,
)
from . import kernel as _kernel_module
from .kernel import kernel
from . import trace as _trace
from .perf_counters import declare as _perf_declare, reset as _perf_reset

TX_EVENT_FLAGS_ID = 0x4456444E
TX_EVENT_FLAGS_AND_MASK = 0x2
TX_EVENT_FLAGS_CLEAR_MASK = 0x1
_ULONG = 0xFFFFFFFF
_KIND = "event_flags"


@control_block
class TX_EVENT_FLAGS_GROUP:
    """Event flags group control block; fields keep ThreadX's names."""

    def __init__(self) -> None:
        self.tx_event_flags_group_id = 0
        self.tx_event_flags_group_name: str = ""
        self.tx_event_flags_group_current = 0
        self.tx_event_flags_group_suspension_list: list = []
        self.tx_event_flags_group_set_notify: Callable[["TX_EVENT_FLAGS_GROUP"], None] | None = None

    @property
    def tx_event_flags_group_suspended_count(self) -> int:
        return len(self.tx_event_flags_group_suspension_list)

    @property
    def name(self) -> str:
        return self.tx_event_flags_group_name

    def __repr__(self) -> str:
        return f"<TX_EVENT_FLAGS_GROUP {self.tx_event_flags_group_name!r}>"


_perf_declare(TX_EVENT_FLAGS_GROUP, "event_flags")  # its counters read 0 until bumped


class _FlagsWait:
    """Per-waiter data (ThreadX: ``tx_thread_suspend_info``/``_option`` and the
    ``actual_flags`` pointer the setter writes through)."""

    __slots__ = ("requested", "option", "actual")

    def __init__(self, requested: int, option: int) -> None:
        self.requested = requested
        self.option = option
        self.actual: int | None = None


def _satisfied(current: int, requested: int, option: int) -> bool:
    """Whether ``current`` satisfies a request; a request of 0 is never satisfied."""
    present = current & requested
    if option & TX_AND:
        return present == requested and present != 0
    return present != 0


def _valid(group: object) -> bool:
    return group is not None and group.tx_event_flags_group_id == TX_EVENT_FLAGS_ID


# --------------------------------------------------------------------------- create
def _tx_event_flags_create(group: TX_EVENT_FLAGS_GROUP, name: str) -> int:
    """``tx_event_flags_create``: create a group with every flag clear.

    Statuses: TX_SUCCESS, TX_GROUP_ERROR (None, not a group, or already created),
    TX_CALLER_ERROR (from an ISR or a timer callback).
    """
    k = kernel()
    memset_control_block(group)
    group.tx_event_flags_group_name = c_string(name)
    group.tx_event_flags_group_current = 0
    group.tx_event_flags_group_suspension_list = []
    group.tx_event_flags_group_set_notify = None
    _perf_reset(group, "event_flags")
    group.tx_event_flags_group_id = TX_EVENT_FLAGS_ID
    k.register(_KIND, group)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_EVENT_FLAGS, group, group.name, 0, 0)
        tb.insert(_trace.TX_TRACE_EVENT_FLAGS_CREATE, group, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_EVENT_FLAGS_EVENTS)
    return TX_SUCCESS


def _txe_event_flags_create(group: TX_EVENT_FLAGS_GROUP, name: str) -> int:
    k = kernel()
    if group is None:
        return TX_GROUP_ERROR
    # ThreadX finds duplicates by walking the created list, not by the id field.
    if group in k.created.get(_KIND, []):
        return TX_GROUP_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_event_flags_create(group, name)


tx_event_flags_create = c_service(
    "UINT tx_event_flags_create(TX_EVENT_FLAGS_GROUP *group_ptr, CHAR *name_ptr)",
    service(_txe_event_flags_create, _tx_event_flags_create))


# --------------------------------------------------------------------------- delete
def _tx_event_flags_delete(group: TX_EVENT_FLAGS_GROUP) -> int:
    """``tx_event_flags_delete``: delete the group; every waiter resumes with TX_DELETED
    (in FIFO order, the most urgent running once all are ready).

    Statuses: TX_SUCCESS, TX_GROUP_ERROR, TX_CALLER_ERROR (from init, an ISR or a timer
    callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_EVENT_FLAGS_DELETE, group, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_EVENT_FLAGS_EVENTS)
        tb.unregister(group)
    k = kernel()
    group.tx_event_flags_group_id = 0
    k.unregister(_KIND, group)
    k.wake_all(group.tx_event_flags_group_suspension_list, TX_DELETED)
    return TX_SUCCESS


def _txe_event_flags_delete(group: TX_EVENT_FLAGS_GROUP) -> int:
    k = kernel()
    if not _valid(group):
        return TX_GROUP_ERROR
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_event_flags_delete(group)


tx_event_flags_delete = c_service(
    "UINT tx_event_flags_delete(TX_EVENT_FLAGS_GROUP *group_ptr)",
    service(_txe_event_flags_delete, _tx_event_flags_delete))


# ------------------------------------------------------------------------------ get
def _tx_event_flags_get(group: TX_EVENT_FLAGS_GROUP, requested_flags: int, get_option: int,
                        wait_option: int) -> tuple[int, int | None]:
    """``tx_event_flags_get``: returns (status, actual_flags), the flags as they were
    before any clearing. TX_OR/TX_OR_CLEAR need any requested flag, TX_AND/TX_AND_CLEAR
    all of them; the _CLEAR options clear every requested flag once satisfied.

    A request of 0 flags is never satisfied and returns TX_NO_EVENTS at once, whatever
    the wait option (as ThreadX, which refuses to suspend on it).

    Statuses: TX_SUCCESS, TX_NO_EVENTS (not satisfied with TX_NO_WAIT, timed out, or
    requested_flags 0), TX_DELETED, TX_WAIT_ABORTED, TX_GROUP_ERROR, TX_OPTION_ERROR
    (get_option > TX_AND_CLEAR), TX_WAIT_ERROR (a wait from init, an ISR or a timer
    callback). C also writes ``*actual_flags`` on TX_NO_EVENTS; here, as for every
    service, the out-value is None when the status is not TX_SUCCESS.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_EVENT_FLAGS_GET, group, requested_flags,
                  group.tx_event_flags_group_current, get_option, _trace.TX_TRACE_EVENT_FLAGS_EVENTS)
    k = _kernel_module._current or kernel()  # the running kernel without a call
    group.tx_event_flags_group_performance_get_count += 1
    k.tx_performance["event_flags.get"] += 1
    requested = requested_flags & _ULONG
    current = group.tx_event_flags_group_current
    present = current & requested  # _satisfied, inline
    if (present == requested and present != 0) if get_option & TX_AND else present != 0:
        if get_option & TX_EVENT_FLAGS_CLEAR_MASK:
            group.tx_event_flags_group_current = current & ~requested
        return TX_SUCCESS, current
    # Suspension is refused while preemption is disabled, for a zero request, and (when
    # error checking is off) outside a thread, where C would suspend the wrong thread.
    current_thread = k.current_ptr
    if wait_option == TX_NO_WAIT or k.preempt_disable or requested == 0 or not (
            k.system_state == 0 and current_thread is not None
            and current_thread is not k.timer_thread):   # Kernel.in_thread, inline
        return TX_NO_EVENTS, None
    wait = _FlagsWait(requested, get_option)
    group.tx_event_flags_group_performance_suspension_count += 1
    k.tx_performance["event_flags.suspension"] += 1
    status = k.suspend_current(TX_EVENT_FLAG, wait_option, group.tx_event_flags_group_suspension_list,
                               TX_NO_EVENTS, group, wait)
    if status != TX_SUCCESS:
        return status, None
    return status, wait.actual


def _txe_event_flags_get(group: TX_EVENT_FLAGS_GROUP, requested_flags: int, get_option: int,
                         wait_option: int) -> tuple[int, int | None]:
    k = _kernel_module._current or kernel()
    if group is None or group.tx_event_flags_group_id != TX_EVENT_FLAGS_ID:  # _valid, inline
        return TX_GROUP_ERROR, None
    if wait_option != TX_NO_WAIT:
        current = k.current_ptr
        # Not from init or an ISR (system_state), nor a timer callback (Kernel.in_timer).
        if k.system_state != 0 or (current is k.timer_thread and current is not None):
            return TX_WAIT_ERROR, None
    if not 0 <= get_option <= 3:
        return TX_OPTION_ERROR, None
    return _tx_event_flags_get(group, requested_flags, get_option, wait_option)


tx_event_flags_get = c_service(
    "UINT tx_event_flags_get(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG requested_flags, UINT get_option, ULONG wait_option)",
    service(_txe_event_flags_get, _tx_event_flags_get))


# ------------------------------------------------------------------------------ set
def _tx_event_flags_set(group: TX_EVENT_FLAGS_GROUP, flags_to_set: int, set_option: int) -> int:
    """``tx_event_flags_set``: TX_OR ORs ``flags_to_set`` in and resumes every waiter it
    satisfies, then calls the set-notify callback; TX_AND ANDs them in (clears flags),
    wakes nobody and does not notify. Legal from ISRs and timer callbacks.

    Statuses: TX_SUCCESS, TX_GROUP_ERROR, TX_OPTION_ERROR (option not TX_OR/TX_AND).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_EVENT_FLAGS_SET, group, flags_to_set, set_option,
                  len(group.tx_event_flags_group_suspension_list), _trace.TX_TRACE_EVENT_FLAGS_EVENTS)
    k = _kernel_module._current or kernel()  # the running kernel without a call
    group.tx_event_flags_group_performance_set_count += 1
    k.tx_performance["event_flags.set"] += 1
    flags = flags_to_set & _ULONG
    if set_option & TX_EVENT_FLAGS_AND_MASK:
        group.tx_event_flags_group_current &= flags
        return TX_SUCCESS
    notify = group.tx_event_flags_group_set_notify
    group.tx_event_flags_group_current |= flags
    waiters = group.tx_event_flags_group_suspension_list
    preempt_check = False
    if len(waiters) == 1:
        # ThreadX's single-waiter shortcut resumes at once: a more urgent waiter runs
        # before the setter reaches the notify callback.
        thread = waiters[0]
        wait: _FlagsWait = thread.suspend_info
        snapshot = group.tx_event_flags_group_current
        requested, option = wait.requested, wait.option
        present = snapshot & requested  # _satisfied, inline
        if (present == requested and present != 0) if option & TX_AND else present != 0:
            if option & TX_EVENT_FLAGS_CLEAR_MASK:
                group.tx_event_flags_group_current &= ~requested
            waiters.clear()
            wait.actual = snapshot
            k.wake(thread, TX_SUCCESS)
    elif waiters:
        snapshot = group.tx_event_flags_group_current
        k.preempt_disable += 1
        preempt_check = True
        satisfied = []
        for thread in list(waiters):
            wait = thread.suspend_info
            if _satisfied(snapshot, wait.requested, wait.option):
                if wait.option & TX_EVENT_FLAGS_CLEAR_MASK:
                    group.tx_event_flags_group_current &= ~wait.requested
                wait.actual = snapshot
                waiters.remove(thread)
                satisfied.append(thread)
        for thread in satisfied:
            k.wake(thread, TX_SUCCESS)
        k.preempt_disable -= 1
    if notify is not None:
        notify(group)
    if preempt_check:
        k.preempt_check()
    return TX_SUCCESS


def _txe_event_flags_set(group: TX_EVENT_FLAGS_GROUP, flags_to_set: int, set_option: int) -> int:
    if group is None or group.tx_event_flags_group_id != TX_EVENT_FLAGS_ID:  # _valid, inline
        return TX_GROUP_ERROR
    if set_option not in (TX_AND, TX_OR):
        return TX_OPTION_ERROR
    return _tx_event_flags_set(group, flags_to_set, set_option)


tx_event_flags_set = c_service(
    "UINT tx_event_flags_set(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG flags_to_set, UINT set_option)",
    service(_txe_event_flags_set, _tx_event_flags_set))


# ------------------------------------------------------------------------- info_get
def _tx_event_flags_info_get(group: TX_EVENT_FLAGS_GROUP) -> tuple:
    """``tx_event_flags_info_get``: returns (status, name, current_flags, first_suspended,
    suspended_count, next_group).

    Statuses: TX_SUCCESS, TX_GROUP_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_EVENT_FLAGS_INFO_GET, group, 0, 0, 0, _trace.TX_TRACE_EVENT_FLAGS_EVENTS)
    waiters = group.tx_event_flags_group_suspension_list
    return (TX_SUCCESS, group.tx_event_flags_group_name, group.tx_event_flags_group_current,
            waiters[0] if waiters else None, len(waiters), kernel().next_created(_KIND, group))


def _txe_event_flags_info_get(group: TX_EVENT_FLAGS_GROUP) -> tuple:
    if not _valid(group):
        return (TX_GROUP_ERROR,) + (None,) * 5
    return _tx_event_flags_info_get(group)


tx_event_flags_info_get = c_service(
    "UINT tx_event_flags_info_get(TX_EVENT_FLAGS_GROUP *group_ptr)",
    service(_txe_event_flags_info_get, _tx_event_flags_info_get))


# ----------------------------------------------------------------------- set_notify
def _tx_event_flags_set_notify(group: TX_EVENT_FLAGS_GROUP,
                               events_set_notify: Callable[[TX_EVENT_FLAGS_GROUP], None] | None) -> int:
    """``tx_event_flags_set_notify``: call ``events_set_notify(group)`` after every TX_OR
    set (in the setter's context), or stop with None.

    Statuses: TX_SUCCESS, TX_GROUP_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_EVENT_FLAGS_SET_NOTIFY, group, 0, 0, 0, _trace.TX_TRACE_EVENT_FLAGS_EVENTS)
    group.tx_event_flags_group_set_notify = events_set_notify
    return TX_SUCCESS


def _txe_event_flags_set_notify(group: TX_EVENT_FLAGS_GROUP,
                                events_set_notify: Callable[[TX_EVENT_FLAGS_GROUP], None] | None) -> int:
    if not _valid(group):
        return TX_GROUP_ERROR
    return _tx_event_flags_set_notify(group, events_set_notify)


tx_event_flags_set_notify = c_service(
    "UINT tx_event_flags_set_notify(TX_EVENT_FLAGS_GROUP *group_ptr, VOID (*events_set_notify)(TX_EVENT_FLAGS_GROUP *notify_group_ptr))",
    service(_txe_event_flags_set_notify, _tx_event_flags_set_notify))


__all__ = [
    "TX_EVENT_FLAGS_GROUP", "tx_event_flags_create", "tx_event_flags_delete", "tx_event_flags_get",
    "tx_event_flags_set", "tx_event_flags_info_get", "tx_event_flags_set_notify",
]
